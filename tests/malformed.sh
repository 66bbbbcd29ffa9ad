#!/bin/sh
# Malformed kernel files (tests/fixtures/edge-malformed, see its README): kmemtop exits 0,
# each broken source is an error naming its file and line, once per view in text, and the
# sources that parse (meminfo, slabinfo, the good parts of node sysfs) keep their data.
# Every run must leave stderr empty: in a sanitizer build that is "no ASan/UBSan report".
. "$(dirname "$0")/lib.sh"
cd "$FIX"
FX=edge-malformed

# run NAME ARGS...: kmemtop on the tree in $T; output in $TMP/out; exit 0 and a clean stderr
run() {
    _name=$1; shift
    "$KMEMTOP" --root "$T" -o "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ $rc -eq 0 ] && [ ! -s "$TMP/err" ]; then ok "$_name: exit 0, nothing on stderr"
    else nok "$_name: exit $rc" "$(head -30 "$TMP/err")"; fi
}
# count_is NAME FILE ERE N: exactly N lines of FILE match
count_is() { is "$1" "$(grep -Ec -- "$3" "$2")" "$4"; }

# ---- the parsers alone: every broken file on every view, sanitizers watching ----------
T=$FX
for v in modules nodes buddy slabs; do
    for fmt in text json; do run "$v view, $fmt" --view $v --format $fmt; done
done
run "buddy view without migrate types" --view buddy --no-migrate-types

# ---- the tree as it is: each view fails on its main source --------------------------
run "all views, JSON" --format json
J=$TMP/all.json
cp "$TMP/out" "$J"
is "JSON: modules error names /proc/modules line 10" "$(jq -r '[.modules.status, .modules.reason]|join(" | ")' "$J")" \
    "error | /proc/modules line 10: expected at least 5 columns, found 3"
is "JSON: nodes error names /proc/zoneinfo line 97" "$(jq -r '[.nodes.status, .nodes.reason]|join(" | ")' "$J")" \
    'error | /proc/zoneinfo line 97: bad value for "pages free"'
is "JSON: buddy error names /proc/buddyinfo line 2" "$(jq -r '[.buddy.status, .buddy.reason]|join(" | ")' "$J")" \
    'error | /proc/buddyinfo line 2: order 4: bad count "junk"'
is "JSON: views in error have no rows" "$(jq -c '[.modules, .nodes, .buddy | .rows | length]' "$J")" "[0,0,0]"
is "JSON: meminfo summary intact" \
    "$(jq -c '.summary | [.status, .mem_total, .slab, .vmalloc_used, .modules_total]' "$J")" \
    '["ok",2064924672,47345664,23887872,null]'
is "JSON: slabs intact (186 caches, the largest inode_cache, per-node Slab)" \
    "$(jq -c '.slabs | [.status, (.rows|length), .rows[0].name, .rows[0].footprint, (.summary.nodes|length)]' "$J")" \
    '["ok",186,"inode_cache",13238272,2]'
is "JSON: the recorded page size is used" "$(jq -c '[.page_size, .page_size_source]' "$J")" '[4096,"recorded"]'

run "all views, text"
X=$TMP/all.txt
cp "$TMP/out" "$X"
count_is "text: one line per view names its error" "$X" \
    '^(Modules: /proc/modules line 10: |Nodes: /proc/zoneinfo line 97: |Buddy: /proc/buddyinfo line 2: )' 3
count_is "text: no other line speaks of an error or of line numbers" "$X" 'line [0-9]+:' 3
count_is "text: no table for the views in error" "$X" '^(MODULE|NODE/ZONE) ' 0
count_is "text: the summary header" "$X" '^Mem: 1\.92G total, 1\.76G free \| Slab: 45\.2M ' 1
count_is "text: the slab table with its rows" "$X" '^(NAME +OBJS|inode_cache +20200 +20200 |kmalloc-rcl-8 )' 3

# ---- the main sources repaired: the secondary ones speak -----------------------------
T=$TMP/tree
cp -R "$FX" "$T"
for f in proc/modules proc/zoneinfo proc/buddyinfo; do cp debian61-root/$f "$T/$f"; done
run "main sources repaired, text"
X=$TMP/fixed.txt
cp "$TMP/out" "$X"
count_is "text: numastat error, one line" "$X" \
    '^Node CPUs, meminfo and numastat: /sys/devices/system/node/node1/numastat line 4: bad count for interleave_hit$' 1
count_is "text: pagetypeinfo error, one line" "$X" \
    '^Migrate types: /proc/pagetypeinfo line 12: 10 counts where the header has 11 orders$' 1
count_is "text: vmallocinfo error, one line naming file and line" "$X" \
    '^method estimate: /proc/vmallocinfo line 153: bad pages= value' 1
count_is "text: the views show their tables again" "$X" '^(MODULE|NODE/ZONE) ' 3
run "main sources repaired, JSON" --format json
J=$TMP/fixed.json
cp "$TMP/out" "$J"
is "JSON: views ok, with rows; modules estimated without vmallocinfo" \
    "$(jq -c '[.modules.status, (.modules.rows|length), .modules.method, .nodes.status, (.nodes.rows|length), .buddy.status, (.buddy.rows|length)]' "$J")" \
    '["ok",44,"estimate","ok",2,"ok",3]'
is "JSON: node1 keeps meminfo and zones, its numastat absent (null), node0's intact" \
    "$(jq -c '[.nodes.rows[] | [.node, .mem_total, .numa_hit, .interleave_hit, (.zones|length)]]' "$J")" \
    '[[0,1008857088,70520,256,5],[1,1056067584,null,null,5]]'
is "JSON: no migrate types from the broken pagetypeinfo" "$(jq -c '[.buddy.rows[] | has("types")]' "$J")" '[false,false,false]'
# every source has its own status in .sources, the secondary ones included
is "JSON: a status per source, errors naming file and line" \
    "$(jq -c '.sources|to_entries|map(select(.value.status!="ok")|[.key,.value.status,(.value.reason|sub(":.*";""))])' "$J")" \
    '[["vmallocinfo","error","/proc/vmallocinfo line 153"],["pagetypeinfo","error","/proc/pagetypeinfo line 12"],["nodes","error","/sys/devices/system/node/node1/numastat line 4"]]'
is "JSON: the sources read were timed" "$(jq '[.sources[]|.seconds>=0]|all' "$J")" "true"

# ---- names that are not text: no escape codes in batch text, valid JSON ---------------
H=edge-hostile-names
"$KMEMTOP" --root $H -o --view slabs >"$TMP/h.txt" 2>"$TMP/h.err"
is "hostile names: text exits 0, nothing on stderr" "$?:$(cat "$TMP/h.err")" "0:"
check "hostile names: no control byte in batch text" sh -c "! LC_ALL=C grep -q '[[:cntrl:]]' \"$TMP/h.txt\""
check "hostile names: batch text is valid UTF-8" iconv -f UTF-8 -t UTF-8 "$TMP/h.txt" -o /dev/null
count_is "hostile names: the cache shown with ? for what is not text" "$TMP/h.txt" '^evil\?\[31mred\?"q\\\? ' 1
"$KMEMTOP" --root $H -o --view slabs --format json >"$TMP/h.json"
check "hostile names: JSON is valid UTF-8" iconv -f UTF-8 -t UTF-8 "$TMP/h.json" -o /dev/null
is "hostile names: JSON keeps the name, escaped" "$(jq -j '.slabs.rows[]|select(.name|startswith("evil"))|.name' "$TMP/h.json" | od -An -c | tr -s ' ' | head -2 | tr -d '\n')" \
   " e v i l 033 [ 3 1 m r e d 001 \" q \\ 357 277 275"
done_testing
