#!/bin/sh
# Malformed kernel files (tests/fixtures/edge-malformed, see its README): kmemtop exits 0,
# each broken line is left out and named in a warning (file, count, first line) once per
# view that reads the file, and everything else keeps its data; only a file with nothing
# usable is an error naming its file and line.
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
for v in $(km_views); do
    for fmt in text json; do run "$v view, $fmt" --view $v --format $fmt; done
done
run "buddy view without migrate types" --view buddy --no-migrate-types

# ---- the tree as it is: each broken line left out, named once; everything else shown ----
run "all views, JSON" --format json
J=$TMP/all.json
cp "$TMP/out" "$J"
is "JSON: every view ok, with its rows (the broken line's record alone missing)" \
    "$(jq -c '[.modules.status, (.modules.rows|length), .modules.method, .nodes.status, (.nodes.rows|length), .buddy.status, (.buddy.rows|length)]' "$J")" \
    '["ok",43,"order","ok",2,"ok",2]'
is "JSON: each broken source ok, one line left out, its warning naming the file" \
    "$(jq -c '.sources|to_entries|map(select(.value.skipped)|[.key,.value.status,.value.skipped,(.value.warning|sub(": .*";""))])' "$J")" \
    '[["modules","ok",1,"/proc/modules"],["vmallocinfo","ok",1,"/proc/vmallocinfo"],["zoneinfo","ok",1,"/proc/zoneinfo"],["buddyinfo","ok",1,"/proc/buddyinfo"],["pagetypeinfo","ok",1,"/proc/pagetypeinfo"],["nodes","ok",1,"/sys/devices/system/node/node1/numastat"]]'
is "JSON: the zoneinfo warning names line 97 and what is wrong there" "$(jq -r '.sources.zoneinfo.warning' "$J")" \
    '/proc/zoneinfo: 1 line not understood, first at line 97: bad value for "pages free"'
is "JSON: the modules warning names line 10" "$(jq -r '.sources.modules.warning' "$J")" \
    '/proc/modules: 1 line not understood, first at line 10: expected at least 5 columns, found 3'
is "JSON: no source in error; only vmstat and pressure, which this tree lacks, with a reason" \
    "$(jq -c '[.sources|to_entries[]|select(.value.status!="ok" or (.value|has("reason")))|[.key,.value.status]]' "$J")" \
    '[["vmstat","missing"],["pressure","missing"]]'
is "JSON: node0 DMA32 without its free count (line 97), the rest of its zone and node1 intact" \
    "$(jq -c '[.nodes.rows[] | [.node, .mem_total, .numa_hit, .interleave_hit, (.zones|length), [.zones[]|select(.zone=="DMA32")|.free, .min]]]' "$J")" \
    '[[0,1008857088,70520,256,5,[null,8111]],[1,1056067584,57709,null,5,[245995,8654]]]'
is "JSON: buddy keeps DMA and node1 DMA32 (node0 DMA32 was line 2), migrate types too" \
    "$(jq -c '[.buddy.rows[] | [.node, .zone, (.types|length)]]' "$J")" '[[0,"DMA",5],[1,"DMA32",5]]'
is "JSON: meminfo summary intact, modules counted without the cut line" \
    "$(jq -c '.summary | [.status, .mem_total, .slab, .vmalloc_used, .modules_total]' "$J")" \
    '["ok",2064924672,47345664,23887872,8134656]'
is "JSON: slabs intact (186 caches, the largest inode_cache, per-node Slab)" \
    "$(jq -c '.slabs | [.status, (.rows|length), .rows[0].name, .rows[0].footprint, (.summary.nodes|length)]' "$J")" \
    '["ok",186,"inode_cache",13238272,2]'
is "JSON: the recorded page size is used" "$(jq -c '[.page_size, .page_size_source]' "$J")" '[4096,"recorded"]'
is "JSON: the sources read were timed" "$(jq '[.sources[]|.seconds>=0]|all' "$J")" "true"

run "all views, text"
X=$TMP/all.txt
cp "$TMP/out" "$X"
count_is "text: one warning per broken file in each view that reads it (numastat: Overview, Nodes, Slabs; vmallocinfo: Overview, Modules, Vmalloc; zoneinfo: Overview, Nodes)" "$X" \
    '^/(proc|sys)/[a-z0-9/]+: 1 line not understood, first at line [0-9]+: ' 11
count_is "text: the warnings name the documented lines" "$X" \
    '^(/proc/modules: .* line 10: |/proc/vmallocinfo: .* line 153: bad pages= |/proc/zoneinfo: .* line 97: |/proc/buddyinfo: .* line 2: order 4: |/proc/pagetypeinfo: .* line 12: 10 counts |/sys/devices/system/node/node1/numastat: .* line 4: )' 11
count_is "text: no other line speaks of line numbers" "$X" 'line [0-9]+:' 11
count_is "text: every view shows its table" "$X" '^(MODULE|NODE/ZONE|NAME|CALLER)\*? ' 5
count_is "text: the summary header" "$X" '^Mem: 1\.92G total, 1\.76G free \| Slab: 45\.2M ' 1

# ---- nothing usable, or not the file it should be: errors naming file and line ----------
T=$TMP/tree
cp -R "$FX" "$T"
printf 'garbage\nmore garbage\n' >"$T/proc/buddyinfo"
printf 'hello world\n' >"$T/proc/meminfo"
sed '1s/version: 2.1/version: 3.0/' "$FX/proc/slabinfo" >"$T/proc/slabinfo"
run "unusable files, JSON" --format json
J=$TMP/bad.json
cp "$TMP/out" "$J"
is "JSON: a buddyinfo with no usable line is an error naming its first line" \
    "$(jq -r '[.buddy.status, .buddy.reason]|join(" | ")' "$J")" \
    'error | /proc/buddyinfo line 1: expected "Node N, zone NAME counts..."; nothing in the file could be used'
# libproc2 names no line; kmemtop's own parsers (a tree without a mount namespace) do
if [ "$(jq -r '.sources.meminfo.parser' "$J")" = kmemtop ]; then at=' line 1'; else at=; fi
is "JSON: a meminfo without MemTotal is an error, not zeros" \
    "$(jq -r '[.summary.status, .summary.reason, (.summary|has("mem_total"))]|map(tostring)|join(" | ")' "$J")" \
    "error | /proc/meminfo$at: no MemTotal line: not a meminfo file | false"
if [ "$(jq -r '.sources.slabinfo.parser' "$J")" = kmemtop ]; then
    is "JSON: the own parser refusing slabinfo names its line" "$(jq -r '.slabs.reason' "$J")" \
        '/proc/slabinfo line 1: not "slabinfo - version: 2.x"'
else
    is "JSON: libproc2 refusing slabinfo names no line" "$(jq -r '.slabs.reason' "$J")" \
        '/proc/slabinfo: libproc2 could not parse the file, without saying which line (not version 2.x, or a short cache line)'
fi
run "unusable files, text"
count_is "text: the meminfo error in the header" "$TMP/out" "^Memory: /proc/meminfo$at: no MemTotal line: not a meminfo file\$" 1
count_is "text: no \"line 0\" anywhere" "$TMP/out" 'line 0' 0

# ---- a 4.18-era zoneinfo (RHEL 8): a value without a name among the per-node stats -----
T=edge-rhel8-4.18
run "4.18 nameless value, JSON" --format json --view nodes,buddy
J=$TMP/r8.json
cp "$TMP/out" "$J"
is "4.18: zoneinfo ok, one line left out, the warning names the file and line 31" \
    "$(jq -r '.sources.zoneinfo | [.status, .skipped, .warning] | map(tostring) | join(" | ")' "$J")" \
    'ok | 1 | /proc/zoneinfo: 1 line not understood, first at line 31: a value without a name'
is "4.18: the Nodes view shows every zone of node 0" \
    "$(jq -c '[.nodes.status, [.nodes.rows[] | .node, [.zones[] | .zone]]]' "$J")" \
    '["ok",[0,["DMA","DMA32","Normal","Movable","Device"]]]'
is "4.18: the zones keep their figures (free, min, managed; DMA32's NUMA hits)" \
    "$(jq -c '[.nodes.rows[0].zones[] | select(.managed > 0) | [.zone, .free, .min, .managed, .state]]' "$J")" \
    '[["DMA",3808,190,3840,"ok"],["DMA32",59214,8446,193648,"ok"]]'
is "4.18: the Buddy view has its zones, and the page size is inferred" \
    "$(jq -c '[.buddy.status, (.buddy.rows|length), .page_size, .page_size_source]' "$J")" '["ok",2,4096,"inferred"]'
run "4.18 nameless value, text" --view nodes --all-rows
count_is "4.18 text: the warning, once" "$TMP/out" \
    '^/proc/zoneinfo: 1 line not understood, first at line 31: a value without a name$' 1
count_is "4.18 text: every zone row (--all-rows: the empty ones too)" "$TMP/out" '^  (DMA|DMA32|Normal|Movable|Device) ' 5

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
