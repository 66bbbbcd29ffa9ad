#!/bin/sh
# kmemtop --capture writes a tree that --root shows as the live system was;
# with -n/-d it writes a series whose recorded times drive the rates.
. "$(dirname "$0")/lib.sh"
"$KMEMTOP" --capture "$TMP/one" >"$TMP/out" 2>&1; rc=$?
is "--capture exits 0" "$rc" "0"
contains "--capture says where, and who may read it" "$(cat "$TMP/out")" \
    "^captured $TMP/one \\(files keep their kernel modes; the tree is readable by you only\\)\$"
contains "the record says the capture is complete" "$(cat "$TMP/one/kmemtop-capture")" '^complete=1$'
is "no temporary directory is left" "$(ls -A "$TMP/one" | tr '\n' ' ')" "kmemtop-capture proc sys "
meta=$(cat "$TMP/one/kmemtop-capture" 2>/dev/null)
contains "the record has the capture time" "$meta" '^time=[0-9]+\.[0-9]+$'
contains "the record has this kernel's page size" "$meta" "^page_size=$(getconf PAGESIZE)\$"
contains "the record has the kernel release" "$meta" "^kernel=$(uname -r)\$"
for f in proc/meminfo proc/zoneinfo proc/buddyinfo sys/devices/system/node/online; do
    if [ -r "/$f" ]; then check "captured $f" test -s "$TMP/one/$f"; fi
done
# the module join's order method needs the possible CPUs (6.9+: the vmap nodes)
is "captured sys/devices/system/cpu/possible, as the kernel prints it" \
    "$(cat "$TMP/one/sys/devices/system/cpu/possible" 2>&1)" "$(cat /sys/devices/system/cpu/possible)"
# the tree shows what the live system shows: same kernel, same status per view
"$KMEMTOP" -o --format json >"$TMP/live.json"
"$KMEMTOP" --root "$TMP/one" -o --format json >"$TMP/tree.json"
check "the tree's page size is recorded, not inferred" jq -e '.page_size_source=="recorded"' "$TMP/tree.json"
is "same kernel as live" "$(jq -r .kernel "$TMP/tree.json")" "$(jq -r .kernel "$TMP/live.json")"
is "same status per view as live" "$(jq -c '[.modules,.nodes,.buddy,.slabs|.status]' "$TMP/tree.json")" \
    "$(jq -c '[.modules,.nodes,.buddy,.slabs|.status]' "$TMP/live.json")"
is "same slab caches as live" "$(jq '.slabs.rows|length' "$TMP/tree.json")" "$(jq '.slabs.rows|length' "$TMP/live.json")"
is "same zones as live" "$(jq -c '[.buddy.rows[]|[.node,.zone]]' "$TMP/tree.json")" \
    "$(jq -c '[.buddy.rows[]|[.node,.zone]]' "$TMP/live.json")"
is "the tree's frame carries the capture time" "$(jq '.time|floor' "$TMP/tree.json")" \
    "$(sed -n 's/^time=\([0-9]*\).*/\1/p' "$TMP/one/kmemtop-capture")"
# a tree without the record: the page size is inferred (MemTotal against the zones' pages),
# also on this machine whose MemTotal is 5x the managed pages (memory added after boot)
cp -R "$FIX/this-vm-6.18" "$TMP/norec" && rm "$TMP/norec/kmemtop-capture"
"$KMEMTOP" --root "$TMP/norec" -o --format json >"$TMP/norec.json"
is "no record: page size inferred as 4096" "$(jq -c '[.page_size,.page_size_source]' "$TMP/norec.json")" '[4096,"inferred"]'
# a series: -n 2 -d 0.3 writes 0001 and 0002; --root reads them in order, rates from their times
"$KMEMTOP" --capture "$TMP/ser" -n 2 -d 0.3 >/dev/null 2>&1
is "a series of two trees" "$(ls "$TMP/ser" | tr '\n' ' ')" "0001 0002 "
"$KMEMTOP" --root "$TMP/ser" -b --format json --view slabs >"$TMP/ser.json"
is "two frames from the series" "$(wc -l <"$TMP/ser.json")" "2"
# the times the two records hold, not a bound on the wall clock: under ASan on a loaded
# machine a tick of every view takes over 1.5 s, and so the trees were up to 2 s apart
t1=$(sed -n 's/^time=//p' "$TMP/ser/0001/kmemtop-capture")
t2=$(sed -n 's/^time=//p' "$TMP/ser/0002/kmemtop-capture")
check "the interval is the recorded one (at least 0.3 s apart)" \
    jq -se --argjson t1 "${t1:-0}" --argjson t2 "${t2:-0}" \
    '(.[1].interval - ($t2 - $t1)) as $d | $t2 - $t1 >= 0.299 and $d < 0.002 and $d > -0.002' "$TMP/ser.json"
# errors: a place that cannot be written
"$KMEMTOP" --capture /proc/kmemtop-no >/dev/null 2>"$TMP/err"; rc=$?
is "--capture into /proc fails" "$rc" "1"
contains "and says why, naming the directory" "$(cat "$TMP/err")" "^kmemtop: --capture /proc/kmemtop-no: "
# a DIR holding something else is refused, not written into (the tree is never mixed)
mkdir "$TMP/bad" && : >"$TMP/bad/proc"
"$KMEMTOP" --capture "$TMP/bad" >/dev/null 2>"$TMP/err"; rc=$?
is "--capture with a file in the way exits 1" "$rc" "1"
contains "and says DIR is not empty" "$(cat "$TMP/err")" \
    "^kmemtop: --capture $TMP/bad: exists and is not empty; use --force to replace a previous capture\$"
"$KMEMTOP" --force -o >/dev/null 2>"$TMP/err"; rc=$?
is "--force without --capture is a usage error" "$rc" "2"
# a full disk: a 64 KiB tmpfs in a private mount namespace (root only)
if [ "$(id -u)" = 0 ] && mkdir "$TMP/full" && unshare -m --propagation private \
    sh -c "mount -t tmpfs -o size=64k tmpfs '$TMP/full' && '$KMEMTOP' --capture '$TMP/full/t'" \
    >/dev/null 2>"$TMP/err"; then
    nok "--capture on a full disk fails" "$(cat "$TMP/err")"
elif grep -q 'mount:\|unshare:' "$TMP/err" 2>/dev/null || [ "$(id -u)" != 0 ]; then
    ok "# SKIP --capture on a full disk: no private mount namespace here"
else
    contains "--capture on a full disk fails, naming the file" "$(cat "$TMP/err")" \
        "^kmemtop: --capture $TMP/full/t: could not write $TMP/full/t/[^:]+: No space left on device\$"
fi
# a throttled source (pagetypeinfo: read at most every 10 s) reused by a later frame is in
# that frame's tree too, as it was read, root-only as on the kernel
if [ -r /proc/pagetypeinfo ]; then
    "$KMEMTOP" --capture "$TMP/pti" -n 3 -d 0.2 >/dev/null 2>&1
    check "-n 3 -d 0.2: every tree has the pagetypeinfo its frame used" \
        test -s "$TMP/pti/0001/proc/pagetypeinfo" -a -s "$TMP/pti/0002/proc/pagetypeinfo" \
        -a -s "$TMP/pti/0003/proc/pagetypeinfo"
    check "the reused read is the one read (same bytes as the first tree's)" \
        cmp -s "$TMP/pti/0001/proc/pagetypeinfo" "$TMP/pti/0003/proc/pagetypeinfo"
    is "and root-only, as the kernel's" "$(stat -c %a "$TMP/pti/0002/proc/pagetypeinfo")" 400
    "$KMEMTOP" --root "$TMP/pti/0003" -o --format json --view buddy >"$TMP/pti.json"
    check "shown later: the third tree has its migrate types" \
        jq -e '.sources.pagetypeinfo.status=="ok"' "$TMP/pti.json"
fi
# as a normal user: unreadable files are left out, and the tree says so when shown
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    mkdir "$TMP/nobody" && chown 65534:65534 "$TMP/nobody"
    (cd / && setpriv --reuid=65534 --regid=65534 --clear-groups "$KMEMTOP" --capture "$TMP/nobody/t") >/dev/null 2>&1
    check "as nobody: the capture is written" test -s "$TMP/nobody/t/proc/meminfo"
    check "as nobody: no slabinfo in it" test ! -e "$TMP/nobody/t/proc/slabinfo"
    "$KMEMTOP" --root "$TMP/nobody/t" -o --format json >"$TMP/nob.json"
    check "shown later: slabs are missing, with the reason" jq -e '.slabs.status=="missing" and (.slabs.reason|test("captured tree"))' "$TMP/nob.json"
fi
done_testing
