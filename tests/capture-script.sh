#!/bin/sh
# capture-script.sh - TAP test of tests/kmemtop-capture.sh on the live system:
# run with busybox's sh and applets when busybox is installed (as on a board),
# else with sh; check the tree, its record, and a two-capture series.

srcdir=${KM_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
script=$srcdir/tests/kmemtop-capture.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/km-capture-test.XXXXXX") || exit 1
trap '[ -n "$KM_KEEP" ] || rm -rf "$tmp"' EXIT

n=0
failed=0
check() { # check NAME COMMAND...
    name=$1
    shift
    n=$((n + 1))
    if "$@"; then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name"
        failed=$((failed + 1))
    fi
}
skip() {
    n=$((n + 1))
    echo "ok $n - $1 # SKIP $2"
}

bb=$(command -v busybox)
if [ -n "$bb" ]; then
    mkdir "$tmp/bb"
    for a in $("$bb" --list); do
        ln -s "$bb" "$tmp/bb/$a"
    done
    how="busybox sh + applets"
    run() { PATH="$tmp/bb:$PATH" "$bb" sh "$script" "$@"; }
else
    how="sh ($(readlink -f /bin/sh 2>/dev/null || echo sh))"
    run() { sh "$script" "$@"; }
fi
echo "# running $script with $how"

one=$tmp/one
run "$one" >"$tmp/out1" 2>"$tmp/err1"
rc=$?
sed 's/^/# /' "$tmp/out1" "$tmp/err1"
check "one capture exits 0" [ "$rc" -eq 0 ]
check "and prints one line naming the tree" \
    sh -c '[ "$(wc -l <"$1")" -eq 1 ] && grep -q "^$2: [0-9]* files" "$1"' sh "$tmp/out1" "$one"
check "proc/meminfo starts with MemTotal" grep -q '^MemTotal:' "$one/proc/meminfo"
check "proc/zoneinfo has a zone" grep -q '^Node 0, zone' "$one/proc/zoneinfo"
check "proc/buddyinfo copied" test -s "$one/proc/buddyinfo"
if [ -r /sys/devices/system/node/node0/meminfo ]; then
    check "sys/devices/system/node/node0/meminfo copied" \
        grep -q 'Node 0 MemTotal' "$one/sys/devices/system/node/node0/meminfo"
    # Not cmp -s: it trusts st_size, which sysfs gives as 4096.
    check "sys/devices/system/node/online copied" \
        [ "$(cat /sys/devices/system/node/online)" = \
        "$(cat "$one/sys/devices/system/node/online")" ]
else
    skip "sys/devices/system/node/node0/meminfo copied" "no NUMA sysfs here"
    skip "sys/devices/system/node/online copied" "no NUMA sysfs here"
fi

# Not cmp -s either: sysfs says 4096 bytes
check "sys/devices/system/cpu/possible copied (the module join's vmap nodes)" \
    [ "$(cat /sys/devices/system/cpu/possible)" = "$(cat "$one/sys/devices/system/cpu/possible")" ]

meta=$one/kmemtop-capture
check "record has a numeric time=" grep -Eq '^time=[0-9]+(\.[0-9]+)?$' "$meta"
if command -v getconf >/dev/null 2>&1; then
    check "record has page_size= from getconf" grep -qx "page_size=$(getconf PAGESIZE)" "$meta"
else
    skip "record has page_size= from getconf" "no getconf"
fi
check "record has kernel= from osrelease" grep -qx "kernel=$(cat /proc/sys/kernel/osrelease)" "$meta"
check "record says complete=1" grep -qx "complete=1" "$meta"
check "DIR holds the tree only (the private directory is gone)" \
    [ "$(ls -A "$one" | tr '\n' ' ')" = "kmemtop-capture proc sys " ]
check "directories are 0700" [ "$(find "$one" -type d -perm /077 | wc -l)" -eq 0 ]
if [ -r /proc/vmallocinfo ]; then
    check "proc/vmallocinfo stays readable by its owner only" \
        [ "$(ls -ln "$one/proc/vmallocinfo" | cut -c1-10)" = "-r--------" ]
else
    skip "proc/vmallocinfo stays readable by its owner only" "not root"
fi
run "$one" >/dev/null 2>"$tmp/err3"
check "a second capture into the same DIR is refused (exit 1)" [ $? -eq 1 ]
check "saying DIR is not empty" grep -q "exists and is not empty" "$tmp/err3"

alias=
for c in /sys/kernel/slab/*; do
    [ -L "$c" ] && [ -r "$c/object_size" ] && alias=${c##*/} && break
done
if [ -n "$alias" ]; then
    check "slab alias $alias kept as a symlink" \
        sh -c '[ -L "$1" ] && [ "$(readlink "$1")" = "$(readlink "$2")" ]' sh \
        "$one/sys/kernel/slab/$alias" "/sys/kernel/slab/$alias"
    check "slab cache attributes copied" test -s "$one/sys/kernel/slab/$alias/object_size"
else
    skip "slab alias kept as a symlink" "no readable SLUB aliases here"
    skip "slab cache attributes copied" "no readable SLUB aliases here"
fi

series=$tmp/series
run -n 2 -d 0.2 "$series" >"$tmp/out2" 2>"$tmp/err2"
rc=$?
sed 's/^/# /' "$tmp/out2" "$tmp/err2"
check "-n 2 -d 0.2 exits 0" [ "$rc" -eq 0 ]
check "writes 0001 and 0002, nothing else" [ "$(ls "$series" | tr '\n' ' ')" = "0001 0002 " ]
check "prints one line per tree, in name order" \
    sh -c '[ "$(sed -n 1p "$1" | cut -d: -f1)" = "$2/0001" ] &&
           [ "$(sed -n 2p "$1" | cut -d: -f1)" = "$2/0002" ]' sh "$tmp/out2" "$series"
check "both trees hold proc/meminfo and a record" \
    test -s "$series/0001/proc/meminfo" -a -s "$series/0002/proc/meminfo" \
    -a -f "$series/0001/kmemtop-capture" -a -f "$series/0002/kmemtop-capture"
t1=$(sed -n 's/^time=//p' "$series/0001/kmemtop-capture")
t2=$(sed -n 's/^time=//p' "$series/0002/kmemtop-capture")
check "the second capture is 0.2 s or more later ($t1, $t2)" \
    awk -v a="$t1" -v b="$t2" 'BEGIN {
        if (a == "" || b == "") exit 1
        if (a ~ /\./ && b ~ /\./) exit !(b - a >= 0.19)
        exit !(b >= a) # whole seconds only: date has no %N here
    }'

run -n x "$tmp/bad" >/dev/null 2>&1
check "a bad -n is a usage error (exit 2)" [ $? -eq 2 ]
run >/dev/null 2>&1
check "no DIR is a usage error (exit 2)" [ $? -eq 2 ]

if [ -n "$bb" ]; then
    PATH="$tmp/bb" "$bb" sh "$script" "$tmp/bbonly" >/dev/null 2>&1
    rc=$?
    check "with busybox alone on PATH (no getconf) it still works" \
        [ "$rc" -eq 0 -a -s "$tmp/bbonly/proc/meminfo" ]
    check "and the record has time= but no page_size=" \
        sh -c 'grep -q "^time=" "$1" && ! grep -q "^page_size=" "$1"' sh \
        "$tmp/bbonly/kmemtop-capture"
else
    skip "with busybox alone on PATH it still works" "no busybox"
    skip "and the record has time= but no page_size=" "no busybox"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
