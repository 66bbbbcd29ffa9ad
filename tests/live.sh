#!/bin/sh
# Smoke test on the live system, as root and as nobody: every view prints, and a
# source that cannot be read says missing or denied with a reason.
. "$(dirname "$0")/lib.sh"
out=$("$KMEMTOP" -o 2>&1); rc=$?
is "kmemtop -o exits 0" "$rc" "0"
for v in Modules Nodes Buddy Slabs; do contains "-o prints the $v view" "$out" "^== $v ==$"; done
contains "-o prints the summary header" "$out" "^Mem: .* total"
if [ ! -e /proc/modules ]; then
    contains "no module support is said plainly" "$out" "Modules: kernel built without module support"
fi
"$KMEMTOP" -o --format json > "$TMP/json.json"; rc=$?
is "json exits 0" "$rc" "0"
check "live JSON is valid, statuses are known" jq -e 'all(.modules,.nodes,.buddy,.slabs; .status|IN("ok","missing","denied"))' "$TMP/json.json"
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$KMEMTOP" -o --format json > "$TMP/nob.json" 2>&1; rc=$?
    is "as nobody: exits 0" "$rc" "0"
    check "as nobody: slabinfo denied or missing with a reason" jq -e '.slabs.status|IN("denied","missing")' "$TMP/nob.json"
    check "as nobody: nodes and buddy still ok" jq -e '.nodes.status=="ok" and .buddy.status=="ok"' "$TMP/nob.json"
fi
done_testing
