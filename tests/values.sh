#!/bin/sh
# Values no kernel prints (issue 9): a hand-made tree per case, built here from
# debian61-root's proc/ and node sysfs, with one value out of any kernel's range.
# kmemtop must exit 0 with nothing on stderr (in the sanitizer build: no UBSan
# report, which aborts), refuse the value where it is parsed (naming the file and
# line) and never show a wrapped figure. The views' own saturating arithmetic is
# tested on values no parser lets through in tests/unit/test_values.c.
. "$(dirname "$0")/lib.sh"
BASE=$FIX/debian61-root

# tree NAME: a fresh copy of the base tree in $TMP/NAME, with a capture record; sets T
tree() {
    T=$TMP/$1
    rm -rf "$T"
    mkdir -p "$T/sys/devices/system"
    cp -R "$BASE/proc" "$T/proc"
    cp -R "$BASE/sys/devices/system/node" "$T/sys/devices/system/node"
    printf 'time=1700000000\npage_size=4096\nkernel=6.1.0-56-amd64\n' >"$T/kmemtop-capture"
}

# run NAME ARGS...: kmemtop on $T; output in $TMP/out; exit 0 and a clean stderr
run() {
    _name=$1; shift
    "$KMEMTOP" --root "$T" -o "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ $rc -eq 0 ] && [ ! -s "$TMP/err" ]; then ok "$_name: exit 0, nothing on stderr"
    else nok "$_name: exit $rc" "$(head -20 "$TMP/err")"; fi
}

# all_views NAME: every view in text and JSON, sanitizers watching
all_views() {
    run "$1, text"
    cp "$TMP/out" "$TMP/text"
    run "$1, JSON" --format json
    cp "$TMP/out" "$TMP/json"
}

# header: the first line of the last text output, the tree's path left out
header() { head -1 "$TMP/text" | sed "s|$T|TREE|"; }

# ---- /proc/zoneinfo: pages free 2^63-1 ------------------------------------------
tree zone
sed -i '0,/pages free .*/s//pages free     9223372036854775807/' "$T/proc/zoneinfo"
L=$(grep -n 'pages free     9223372036854775807' "$T/proc/zoneinfo" | cut -d: -f1)
all_views "zoneinfo pages free 2^63-1"
contains "zoneinfo: the value is refused, naming the file and line" "$(grep -F /proc/zoneinfo "$TMP/text")" \
    "/proc/zoneinfo: 1 line not understood, first at line $L: out-of-range value for \"pages free\""
is "zoneinfo: no zone carries the value" \
    "$(jq '[.nodes.rows[].zones[].free] | any(. == 9223372036854775807)' "$TMP/json")" false

# ---- /proc/buddyinfo: counts whose bytes do not fit 64 bits -----------------------
for c in 9223372036854775807 36028797018963968; do
    tree buddy
    sed -i '2s/ 203 *$/ '$c'/' "$T/proc/buddyinfo"
    all_views "buddyinfo order-10 count $c"
    contains "buddyinfo $c: refused, naming the file and line" "$(grep -F /proc/buddyinfo "$TMP/text")" \
        '/proc/buddyinfo: 1 line not understood, first at line 2: order 10: out-of-range count "'$c'"'
    is "buddyinfo $c: no row carries it" \
        "$(jq "[.buddy.rows[].free[]] | any(. == $c)" "$TMP/json")" false
done

# ---- /proc/pagetypeinfo: Page block order 62, and huge counts ---------------------
tree pti
sed -i 's/^Page block order: 9$/Page block order: 62/' "$T/proc/pagetypeinfo"
all_views "pagetypeinfo page block order 62"
contains "pagetypeinfo order 62: refused, naming the file and line" "$(grep -F /proc/pagetypeinfo "$TMP/text")" \
    '/proc/pagetypeinfo: [0-9]+ lines? not understood, first at line 1: value 62 out of range'
run "pagetypeinfo order 62, buddy view without migrate types" --view buddy --no-migrate-types
tree pti2
sed -i '0,/ 203 *$/s// 9223372036854775807/' "$T/proc/pagetypeinfo"
all_views "pagetypeinfo order-10 count 2^63-1"
contains "pagetypeinfo huge count: refused, naming the file" "$(grep -F /proc/pagetypeinfo "$TMP/text")" \
    '/proc/pagetypeinfo: 1 line not understood, first at line [0-9]+: order 10: out-of-range count'

# ---- the capture record's page size: any value the record can hold -----------------
for ps in 3 12345 1099511627776 4611686018427387904 9223372036854775807; do
    tree ps
    sed -i "s/^page_size=.*/page_size=$ps/" "$T/kmemtop-capture"
    all_views "record page_size=$ps"
    run "record page_size=$ps, raw numbers" --raw
    run "record page_size=$ps, buddy at order 19" --view buddy --order 19
    run "record page_size=$ps, modules details" --view modules --details ext4
done

# ---- /proc/uptime: inf, nan, 1e19, negative: the header shows no uptime ------------
tree up
rm "$T/proc/uptime"
all_views "no proc/uptime"
want=$(header)
for u in inf nan 1e19 -5 4e9; do
    tree up
    printf '%s 62.26\n' "$u" >"$T/proc/uptime"
    all_views "uptime $u"
    is "uptime $u: the header as without an uptime" "$(header)" "$want"
done

# ---- the capture time: 1e20 and other impossible times show no date ----------------
tree when
sed -i '/^time=/d' "$T/kmemtop-capture"
all_views "record without a time"
want=$(header)
for t in 100000000000000000000 99999999999999999999999999999999 1e300; do
    tree when
    sed -i "s/^time=.*/time=$t/" "$T/kmemtop-capture"
    all_views "record time=$t"
    is "record time=$t: the header as without a time" "$(header)" "$want"
done
tree when
all_views "record time=1700000000"
contains "a real capture time is shown (UTC)" "$(header)" ' - 2023-11-14 22:13:20 - '

done_testing
