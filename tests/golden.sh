#!/bin/sh
# Golden batch output per fixture: text (exact numbers) and JSON, compared with diff -u.
# KM_REGOLD=1 rewrites the golden files: read the diff before committing them.
. "$(dirname "$0")/lib.sh"
cd "$FIX"
LC_ALL=C; export LC_ALL
for fx in $(ls -d */ | tr -d / | grep -v '^series-'); do
    for fmt in text json; do
        ext=$fmt; [ $fmt = text ] && ext=txt
        want="$GOLD/$fx.$ext"
        "$KMEMTOP" --root "$fx" -o --raw --format $fmt >"$TMP/out" 2>"$TMP/err"
        rc=$?
        if [ $fmt = json ] && [ $rc -eq 0 ]; then
            # what reading each source cost differs from run to run, and which parser read
            # meminfo and slabinfo depends on whether this machine can make a mount
            # namespace (own-parsers.sh checks both give the same frames): not compared
            jq -c 'del(.sources[]?.seconds) | del(.sources[]?.parser) | del(.own_parsers)' \
                "$TMP/out" >"$TMP/out.j" || rc=$?
            mv "$TMP/out.j" "$TMP/out"
        elif [ $rc -eq 0 ]; then
            sed -i '1s/ (meminfo, slabinfo: own parsers)//' "$TMP/out"
        fi
        if [ $rc -ne 0 ]; then nok "$fx $fmt: exit $rc" "$(cat "$TMP/err")"; continue; fi
        if [ "${KM_REGOLD:-}" = 1 ]; then cp "$TMP/out" "$want"; fi
        if [ ! -f "$want" ]; then nok "$fx $fmt: no golden file $want (KM_REGOLD=1 makes it)"; continue; fi
        if d=$(diff -u "$want" "$TMP/out"); then ok "$fx $fmt matches golden"; else nok "$fx $fmt differs from golden" "$d"; fi
    done
done
done_testing
