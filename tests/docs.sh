#!/bin/sh
# The documentation keeps up with the program: every option --help lists is in the man
# page, the man page renders without warnings, and every JSON key of a frame is documented.
. "$(dirname "$0")/lib.sh"
MAN="$KM_SRCDIR/doc/kmemtop.1"
opts=$("$KMEMTOP" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
[ -n "$opts" ] || nok "--help lists options"
for o in $opts; do
    esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
    if grep -q -- "$esc" "$MAN" || grep -q -- "$o" "$MAN"; then ok "man page documents $o"
    else nok "man page documents $o"; fi
done
if command -v groff >/dev/null; then
    w=$(groff -man -ww -Tutf8 "$MAN" 2>&1 >/dev/null)
    is "man page renders without warnings" "$w" ""
fi
# every key of a frame's JSON objects and rows is named in doc/json-schema.md
"$KMEMTOP" --root "$FIX/debian61-root" -o --format json >"$TMP/f.json"
# and a tree whose sources left lines out (their warning keys)
"$KMEMTOP" --root "$FIX/edge-malformed" -o --format json >"$TMP/m.json"
for k in $( (jq -r '(keys[]), (.summary|keys[]), (.modules,.nodes,.buddy,.slabs|keys[]), (.sources[]|keys[]), (.modules,.nodes,.buddy,.slabs|.rows[0]|keys[]), (.nodes.rows[0].zones[0]|keys[])' "$TMP/f.json"
             jq -r '.sources[]|keys[]' "$TMP/m.json") | sort -u); do
    if grep -q "\`$k\`" "$KM_SRCDIR/doc/json-schema.md"; then ok "json-schema.md documents \`$k\`"
    else nok "json-schema.md documents \`$k\`"; fi
done
done_testing
