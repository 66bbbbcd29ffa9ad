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
# What a live tick reads again, and what it reads once: 4 ticks of the Nodes view under strace
if strace -f -qq -o /dev/null true 2>/dev/null && [ -r /sys/devices/system/node/online ]; then
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=openat -o "$TMP/opens" "$KMEMTOP" -b -n 4 -d 0.1 --view nodes >/dev/null 2>&1
    opens() { grep -c "\"$1\"" "$TMP/opens"; }
    n0=$(sed -n 's/^\([0-9]*\).*/\1/p' /sys/devices/system/node/online | head -1)
    is "live: a node's meminfo is read every tick" "$(opens "/sys/devices/system/node/node${n0:-0}/meminfo")" 4
    is "live: the online mask is read every tick" "$(opens /sys/devices/system/node/online)" 4
    is "live: the node's distance is read once (topology kept 10 s)" \
        "$(opens "/sys/devices/system/node/node${n0:-0}/distance")" 1
    is "live: the possible mask is read once" "$(opens /sys/devices/system/node/possible)" 1
    is "live: osrelease is read once" "$(opens /proc/sys/kernel/osrelease)" 1
    is "live: the boot id is read once" "$(opens /proc/sys/kernel/random/boot_id)" 1
    is "live: /proc/uptime is not read (CLOCK_BOOTTIME)" "$(opens /proc/uptime)" 0
fi
done_testing
