#!/bin/sh
# A tree whose files went through a Windows machine (every line ends in CRLF) shows what
# the original shows: /proc parsers take the \r as a blank, and single-value sysfs reads
# (osrelease, coresize, refcnt, ...) drop it instead of showing "6.12.107+deb13-amd64?" and
# "-" for a module's CORE.
. "$(dirname "$0")/lib.sh"
for fx in debian612-root debian61-root-kptr1; do
    C="$TMP/$fx-crlf"
    cp -R "$FIX/$fx" "$C"
    find "$C" -type f ! -name kmemtop-capture -exec sed -i 's/$/\r/' {} +
    is "$fx: every file of the copy ends its lines in CRLF" \
        "$(find "$C/proc" -name version -exec grep -c "$(printf '\r')\$" {} \;)" 1
    for v in $(km_views); do
        "$KMEMTOP" --root "$FIX/$fx" -o --view $v | sed 1d >"$TMP/want" 2>&1
        "$KMEMTOP" --root "$C" -o --view $v | sed 1d >"$TMP/got" 2>&1
        if cmp -s "$TMP/want" "$TMP/got"; then ok "$fx, $v: the CRLF copy shows the same frame"
        else nok "$fx, $v: the CRLF copy shows the same frame" "$(diff "$TMP/want" "$TMP/got" | head -20)"; fi
    done
    contains "$fx: the header's kernel release has no stray character" \
        "$("$KMEMTOP" --root "$C" -o --view nodes | head -1)" "^kmemtop - [0-9][^ ]*[0-9a-z] - up"
done
done_testing
