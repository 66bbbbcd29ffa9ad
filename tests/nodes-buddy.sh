#!/bin/sh
# Nodes and buddy views on every fixture: each node and zone once, watermark states and
# unusable indexes against a second computation straight from the fixture files (awk) and
# against hand-computed values, sparse node ids and memory-less nodes, order columns from
# the captured kernel's page size and order count, NUMA and per-order rates on a series,
# and pagetypeinfo left unread unless the buddy view shows migrate types.
. "$(dirname "$0")/lib.sh"
cd "$FIX"

js() { "$KMEMTOP" --root "$1" -o --format json --view nodes,buddy 2>"$TMP/err"; }
txt() { "$KMEMTOP" --root "$1" -o --view "${2:-nodes,buddy}" 2>"$TMP/err"; }

# Nodes a fixture names anywhere (sysfs online list or nodeN dirs, zoneinfo, buddyinfo).
fixture_nodes() {
    d=$1/sys/devices/system/node
    {
        if [ -s "$d/online" ]; then
            tr ',' '\n' <"$d/online" | awk -F- 'NF { for (i = $1; i <= (NF > 1 ? $2 : $1); i++) print i }'
        elif [ -d "$d" ]; then
            ls "$d" | sed -n 's/^node\([0-9][0-9]*\)$/\1/p'
        fi
        [ -f "$1/proc/zoneinfo" ] && sed -n 's/^Node \([0-9]*\), zone.*/\1/p' "$1/proc/zoneinfo"
        [ -f "$1/proc/buddyinfo" ] && sed -n 's/^Node \([0-9]*\), zone.*/\1/p' "$1/proc/buddyinfo"
    } | sort -n | uniq | tr '\n' ' '
}

# "node zone state" per zoneinfo stanza, by the rules in doc/formulas.md.
awk_states() {
    awk '/^Node/ { if (z != "") emit(); n = $2; sub(",", "", n); z = $4; f = mi = lo = hi = ma = pr = "" }
         $1 == "pages" && $2 == "free" { f = $3 }
         $1 == "min" { mi = $2 } $1 == "low" { lo = $2 } $1 == "high" { hi = $2 }
         $1 == "managed" { ma = $2 } $1 == "present" { pr = $2 }
         function emit() { m = ma != "" ? ma : pr
             if (m != "" && m == 0) s = "empty"; else if (f > hi) s = "ok"
             else if (f > lo) s = "below_high"; else if (f > mi) s = "below_low"; else s = "below_min"
             print n, z, s }
         END { if (z != "") emit() }' "$1"
}

# "node zone i0 i1 ..." unusable index per order (thousandths, truncated; 1000 when no free page).
awk_unusable() {
    awk '{ n = $2; sub(",", "", n); z = $4; no = NF - 4; tot = 0
           for (k = 0; k < no; k++) tot += $(5 + k) * 2 ^ k
           line = n " " z
           for (o = 0; o < no; o++) { s = 0; for (k = o; k < no; k++) s += $(5 + k) * 2 ^ k
               line = line " " (tot == 0 ? 1000 : int((tot - s) * 1000 / tot)) }
           print line }' "$1"
}

# (edge-malformed's broken lines, which kmemtop leaves out and awk would not, are
# tests/malformed.sh's)
for fx in $(ls -d */ | tr -d / | grep -v -e '^series-' -e '^edge-malformed$'); do
    nodes=$(fixture_nodes "$fx")
    js "$fx" >"$TMP/$fx.json" || { nok "$fx: exit $?" "$(cat "$TMP/err")"; continue; }
    J=$TMP/$fx.json
    if [ "$(jq -r .nodes.status "$J")" = ok ]; then
        is "$fx: each node once, all of them ($(echo $nodes | wc -w))" \
            "$(jq -r '[.nodes.rows[].node]|map(tostring)|join(" ")' "$J") " "$nodes"
        if [ -f "$fx/proc/zoneinfo" ]; then
            is "$fx: each zone once under its node" \
                "$(jq -r '.nodes.rows[] | .node as $n | .zones[] | "\($n) \(.zone) \(.state)"' "$J")" \
                "$(awk_states "$fx/proc/zoneinfo")"
        fi
    elif [ -n "$nodes" ]; then
        contains "$fx: nodes view not ok, and says why" "$(jq -r '.nodes.reason // empty' "$J")" '^/proc/|captured tree'
    fi
    if [ -f "$fx/proc/buddyinfo" ] && [ "$(jq -r .buddy.status "$J")" != ok ]; then
        contains "$fx: buddyinfo that does not parse: the reason names the file and line" \
            "$(jq -r '.buddy.reason // empty' "$J")" '^/proc/buddyinfo line [0-9]+: '
    elif [ -f "$fx/proc/buddyinfo" ]; then
        is "$fx: each buddy zone once, unusable index per order" \
            "$(jq -r '.buddy.rows[] | "\(.node) \(.zone) \(.unusable_index | map(. * 1000 | round | tostring) | join(" "))"' "$J")" \
            "$(awk_unusable "$fx/proc/buddyinfo")"
    fi
done

# ---- hand-computed values (doc/formulas.md, fixture READMEs) --------------------------
J=$TMP/debian61-root.json
is "debian61 0/DMA: unusable o7 0.016, o10 0.186" \
    "$(jq -c '.buddy.rows[0].unusable_index | [.[7], .[10]]' "$J")" "[0.016,0.186]"
is "debian61 1/DMA32: 246028 free pages, unusable o3 0.003, largest 10" \
    "$(jq -c '.buddy.rows[2] | [.free_pages, .unusable_index[3], .largest_order]' "$J")" "[246028,0.003,10]"
is "debian61 node0: states ok,ok,empty,empty,empty" \
    "$(jq -c '[.nodes.rows[0].zones[].state]' "$J")" '["ok","ok","empty","empty","empty"]'
is "debian61 node0: protection and no promo on 6.1" \
    "$(jq -c '.nodes.rows[0].zones[0] | [.protection, has("promo")]' "$J")" '[[0,939,939,939,939],false]'
J=$TMP/hygon-8node.json
is "hygon 0/Normal: unusable o3 0.098; 1/Normal o10 1.000, largest 9" \
    "$(jq -c '[.buddy.rows[2].unusable_index[3], .buddy.rows[3].unusable_index[10], .buddy.rows[3].largest_order]' "$J")" \
    "[0.098,1,9]"
is "hygon 0/Normal Movable: the capped counts keep the cap, orders named" \
    "$(jq -c '.buddy.rows[2] | [.types.Movable[1], .capped.Movable]' "$J")" "[100000,[1,2,3,4]]"
out=$(txt hygon-8node buddy)
contains "hygon: >100000 shown as such" "$out" '^  Movable +>[0-9.]+G +10 +30173 .* 21088 +>100000 +>100000 +>100000 +>100000 +90231 '
contains "hygon: all 8 nodes in the buddy view" "$(printf '%s\n' "$out" | grep -c '^[0-7]/')" '^10$'
js centos9-5.14 >"$TMP/c9.json"
is "centos9: Normal and Movable empty, DMA32 ok; DMA32 unusable o3 0.217" \
    "$(jq -c '[[.nodes.rows[0].zones[].state], .buddy.rows[1].unusable_index[3]]' "$TMP/c9.json")" \
    '[["ok","ok","empty","empty","empty"],0.217]'
js zte-armv7-4.1 >"$TMP/zte.json"
is "zte Normal: low 382 <= free 388 < high 459: below_high" \
    "$(jq -r '.nodes.rows[0].zones[] | select(.zone=="Normal") | .state' "$TMP/zte.json")" below_high

# ---- sparse ids, memory-less and CPU-less nodes (hand-made) ---------------------------
J=$TMP/edge-numa-sparse.json
is "sparse: nodes 0 8 250 with CPU and memory flags" \
    "$(jq -c '[.nodes.rows[] | [.node, .has_cpu, .has_memory, .cpus]]' "$J")" \
    '[[0,true,true,"0-3"],[8,true,false,"4-5"],[250,false,true,""]]'
is "sparse: zone states by hand" \
    "$(jq -c '[.nodes.rows[] | [.zones[].state]]' "$J")" \
    '[["ok","below_low","empty"],["empty","empty","empty"],["empty","empty","below_min"]]'
is "sparse: distance rows, one column per online node" \
    "$(jq -c '[.nodes.rows[].distance]' "$J")" '[[10,20,30],[20,10,30],[30,30,10]]'
is "sparse: 0/Normal unusable o3 0.777, o4 1; 250/Movable o1 1" \
    "$(jq -c '[.buddy.rows[1].unusable_index[3,4], .buddy.rows[2].unusable_index[0,1]]' "$J")" '[0.777,1,0,1]'
out=$(txt edge-numa-sparse nodes)
contains "sparse: node8 labelled (no memory), state empty" "$out" '^node8 \(no memory\) +4-5 .* empty '
contains "sparse: node250 labelled (no CPUs), its one zone below_min" "$out" '^node250 \(no CPUs\) +- .* below_min '
# node0: Normal is below_low, but DMA32 passes the check with its reserve for Normal
# (protection 0,12000,12000 pages): the node can serve allocations without kswapd (formulas.md)
contains "sparse: node0 ok through DMA32 though Normal is below_low" "$out" '^node0 +0-3 .* ok '
contains "sparse: distance matrix, a column per online id" "$(printf '%s\n' "$out" | grep -A4 '^Node distances')" \
    "^Node distances \(3 nodes x 3\): 10 x3 \(local\), 20 x2, 30 x4
node +0 +8 +250
 +0: +10 +20 +30
 +8: +20 +10 +30
250: +30 +30 +10$"

# ---- order columns follow the captured kernel -------------------------------------------
hdr() { txt "$1" buddy | grep '^NODE/ZONE' | sed 's/.*BY ORDER *//'; }  # the order columns after the bars
is "debian61: 11 columns 4K..4M" "$(hdr debian61-root)" "4K     8K    16K    32K    64K   128K   256K   512K     1M     2M     4M"
contains "zte 4.1 (4K, 11 orders): 4K..4M" "$(hdr zte-armv7-4.1)" '^4K +8K +16K +32K +64K +128K +256K +512K +1M +2M +4M$'
contains "mtk 3.4 (4K, 11 orders): 4K..4M" "$(hdr mtk-armv7-3.4)" '^4K +8K .* 2M +4M$'
contains "64K pages, 14 orders: 64K..512M" "$(hdr edge-64k-14order)" \
    '^64K +128K +256K +512K +1M +2M +4M +8M +16M +32M +64M +128M +256M +512M$'
js edge-64k-14order >"$TMP/64k.json"
is "64K: 14 counts, DMA unusable o13 0.379, Normal o3 0.750 can, o4 cannot" \
    "$(jq -c '[.page_size, (.buddy.rows[0].free|length), .buddy.rows[0].unusable_index[13], .buddy.rows[1].unusable_index[3,4]]' "$TMP/64k.json")" \
    "[65536,14,0.379,0.75,1]"
out=$(txt edge-64k-14order buddy)
contains "64K: pageblock order 13 is 512M" "$out" 'pageblock order 13 \(512M\)'
contains "64K: order 3 blocks are 512K; Normal alloc@o3 yes" "$out" '^0/Normal +10.0M +3 +8 +0.750 +yes '
out=$("$KMEMTOP" --root edge-64k-14order -o --view buddy --order 4)
contains "--order 4 retitles and recomputes the summary" "$out" '^0/Normal +10.0M +3 +8 +1.000 +no '
contains "--order 4 header" "$out" 'UNUS@o4 +ALLOC@o4'

# ---- migrate types: only when asked, "need root" when not readable ----------------------
contains "debian61-user: no migrate types in the tree, said as such (not as a root problem), zone rows still shown" \
    "$(txt debian61-user buddy)" '^No migrate types: /proc/pagetypeinfo is not in the captured tree \(not captured, unreadable'
if txt debian61-user buddy | grep -q 'need root'; then nok "debian61-user: a file absent from a tree is not called a root problem"
else ok "debian61-user: a file absent from a tree is not called a root problem"; fi
out=$("$KMEMTOP" --root debian61-root -o --view buddy --no-migrate-types)
if printf '%s\n' "$out" | grep -Eq '^  (Movable|Unmovable) '; then nok "--no-migrate-types: no type rows"; else ok "--no-migrate-types: no type rows"; fi
contains "--no-migrate-types: says so" "$out" 'Migrate types not read'
is "--no-migrate-types: no types in JSON" \
    "$("$KMEMTOP" --root debian61-root -o --view buddy --no-migrate-types --format json | jq -c '[.buddy.rows[] | has("types")] | unique')" '[false]'

# pagetypeinfo holds the zone lock: opened only by the buddy view with migrate types
# (tests/unit/test_frame_sources checks km_frame_sources; this checks the process).
opens() { strace -f -e trace=open,openat,openat2 -o "$TMP/strace" "$KMEMTOP" --root debian61-root -o "$@" >/dev/null 2>&1
          grep -c 'pagetypeinfo' "$TMP/strace"; }
if command -v strace >/dev/null && strace -o /dev/null true 2>/dev/null; then
    is "strace: --view nodes never opens pagetypeinfo" "$(opens --view nodes)" 0
    is "strace: --view modules,slabs never opens it" "$(opens --view modules,slabs)" 0
    is "strace: --view buddy --no-migrate-types never opens it" "$(opens --view buddy --no-migrate-types)" 0
    is "strace: --view buddy opens it once" "$(opens --view buddy)" 1
    if [ -r /proc/pagetypeinfo ]; then # the live system: at most every 10 s
        strace -f -e trace=open,openat,openat2 -o "$TMP/strace" "$KMEMTOP" -b -n 3 -d 0.2 --view buddy >"$TMP/live3" 2>&1
        is "strace: live, 3 frames 0.2 s apart read pagetypeinfo once" "$(grep -c pagetypeinfo "$TMP/strace")" 1
        contains "live: the later frames say how old the migrate types are" "$(cat "$TMP/live3")" \
            '^Migrate types as read [0-9]+ s ago: '
    fi
else
    ok "# SKIP strace not usable here"
fi

# ---- quiet rows: empty zones and all-zero migrate types out of text, never out of JSON/CSV ----
out=$(txt debian612a-root)
contains "text: how many empty zones are hidden, and how to show them" "$out" '^8 empty zones hidden: --all-rows shows them$'
contains "text: how many all-zero migrate types are hidden" "$out" '^5 all-zero migrate types hidden: --all-rows shows them$'
if printf '%s\n' "$out" | grep -Eq '^  (DMA32|Normal|Movable|Device) +- +0 |^  (HighAtomic|Isolate) +0 '; then
    nok "text: no empty zone nor all-zero migrate type row" "$out"
else ok "text: no empty zone nor all-zero migrate type row"; fi
contains "text: a migrate type with free blocks stays (1/DMA CMA)" "$out" '^  CMA +63.3M '
out=$("$KMEMTOP" --root debian612a-root -o --view nodes,buddy --all-rows)
is "--all-rows: all 10 zones and 12 migrate types, no hidden count" \
    "$(printf '%s\n' "$out" | grep -Ec '^  (DMA|DMA32|Normal|Movable|Device) +- ') $(printf '%s\n' "$out" | grep -Ec '^  (Unmovable|Movable|Reclaimable|HighAtomic|CMA|Isolate) +[0-9]') $(printf '%s\n' "$out" | grep -c 'hidden')" \
    "10 12 0"
"$KMEMTOP" --root debian612a-root -o --all-rows --view nodes,buddy >/dev/null 2>&1 && ok "--all-rows is an option" || nok "--all-rows is an option"
is "JSON keeps every zone and migrate type" \
    "$(jq -c '[([.nodes.rows[].zones[]] | length), ([.buddy.rows[].types | keys[]] | length)]' "$TMP/debian612a-root.json")" "[10,12]"
is "CSV keeps every zone" \
    "$("$KMEMTOP" --root debian612a-root -o --format csv --view nodes | grep -c '^nodes,node[01]/')" 10
out=$(txt edge-numa-sparse nodes)
contains "sparse: the memory-less node8 keeps its row, 6 empty zones hidden" "$out" '^6 empty zones hidden: '

is "CSV and JSON keep the columns a single frame has no value for (the rates)" \
    "$("$KMEMTOP" --root debian61-root -o --format csv --view nodes | head -1 | grep -c ',hit,miss,foreign,interleave,local,other,') $(jq -c '.nodes.rows[0].rates | keys | length' "$TMP/debian61-root.json")" "1 6"

# ---- rates on a series (debian61 root -> root2, uptimes 23.33 -> 28.37 s) -----------------
"$KMEMTOP" --root series-debian61 -b --format json --view nodes,buddy >"$TMP/series.json"
is "series: two frames, rates null on the first" \
    "$(jq -c '[.nodes.rows[0].rates.numa_hit | if . then . * 1000 | round else . end]' "$TMP/series.json" | tr '\n' ' ')" \
    "[null] [961508] "
# node0: numa_hit 70520 -> 75366 = +4846 in 5.04 s = 961.508/s; node1: local_node 56702 -> 80521 = +23819 in 5.04 s = 4725.99/s; other_node +0
is "series: node1 local_node and other_node rates" \
    "$(jq -c 'select(.frame==1) | .nodes.rows[1].rates | [(.local_node*100|round), .other_node]' "$TMP/series.json")" "[472599,0]"
out=$("$KMEMTOP" --root series-debian61 -b --view nodes,buddy | sed -n '/kmemtop.*2-root2/,$p')
contains "series: LOCAL% over the interval (node0: +4846 local, +0 other)" "$out" '^node0 .* 100\.0% '
# 1/DMA32 order 0: 46 -> 128 blocks = +82 in 5.04 s = +16.3/s; order 1: 129 -> 14 = -22.8/s
contains "series: buddy change/s per order" "$(printf '%s\n' "$out" | awk '/^1\/DMA32/ { f = 1 } f && /change\/s/ { print; exit }')" \
    '^  change/s( +-)+ +\+16\.3/s +-22\.8/s '
done_testing
