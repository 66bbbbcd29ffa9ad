#!/bin/sh
# Nodes view as numastat and the kernel's watermark check see it: STATE and HEADROOM with
# lowmem_reserve (protection) recomputed from every fixture's zoneinfo by awk and checked by
# hand on debian61 (doc/formulas.md), a zone tree where only the protection decides the
# node's state, the all-zones mode (A, --all-zones) least headroom first across nodes,
# numastat's counters on a single frame (rates from the second frame of a series), and the
# distance matrix against the node<N>/distance files, summarised past 8 nodes (64 here).
. "$(dirname "$0")/lib.sh"
cd "$FIX"

# "node state headroom" per node, then "node zone state headroom" per zone, by formulas.md:
# a zone with R = its own protection entry (0), a node: its best zone with R = the last entry,
# headroom the sum of the positive zone headrooms for that R (else the largest).
awk_nodes() {
    awk 'function sev(f, mi, lo, hi, r) { return f > hi + r ? 1 : f > lo + r ? 2 : f > mi + r ? 3 : 4 }
         function emit() {
             if (z == "") return
             if (f !~ /^[0-9]+$/) f = ""  # a value the parser refuses is absent (edge-malformed)
             m = ma != "" ? ma : pr
             nz[n]++; idx = nz[n] - 1; np = split(prot, p, ",")
             own = (np > 0 && idx < np) ? p[idx + 1] + 0 : 0; last = np > 0 ? p[np] + 0 : 0
             if (m != "" && m == 0) { st = "empty"; hd = "null" }
             else if (f == "" || mi == "" || lo == "" || hi == "") { st = "null"; hd = f == "" || lo == "" ? "null" : f - lo - own }
             else { st = name[sev(f, mi, lo, hi, own)]; hd = f - lo - own
                 s2 = sev(f, mi, lo, hi, last); h2 = f - lo - last
                 if (!(n in best) || s2 < best[n]) best[n] = s2
                 if (h2 > 0) pos[n] += h2
                 if (!(n in mx) || h2 > mx[n]) mx[n] = h2 }
             if (!(n in seen)) { seen[n] = 1; order[++nn] = n }
             zl[n] = zl[n] sprintf("%s %s %s %s\n", n, z, st, hd)
             zones[n] = 1
         }
         BEGIN { name[1] = "ok"; name[2] = "below_high"; name[3] = "below_low"; name[4] = "below_min" }
         /^Node/ { emit(); n = $2; sub(",", "", n); z = $4; f = mi = lo = hi = ma = pr = prot = "" }
         $1 == "pages" && $2 == "free" { f = $3 }
         $1 == "min" { mi = $2 } $1 == "low" { lo = $2 } $1 == "high" { hi = $2 }
         $1 == "managed" { ma = $2 } $1 == "present" { pr = $2 }
         $1 == "protection:" { prot = $0; sub(/.*\(/, "", prot); sub(/\).*/, "", prot); gsub(/ /, "", prot) }
         END { emit()
             for (i = 1; i <= nn; i++) { n = order[i]
                 st = n in best ? name[best[n]] : "empty"
                 hd = n in mx ? (pos[n] > 0 ? pos[n] : mx[n]) : "null"
                 printf "%s %s %s\n%s", n, st, hd, zl[n] } }' "$1"
}
# the same from kmemtop's JSON (nodes that zoneinfo names, in its order: node id order)
json_nodes() {
    jq -r '.nodes.rows[] | select(.zones | length > 0) | "\(.node) \(.state) \(.headroom)",
           (.node as $n | .zones[] | "\($n) \(.zone) \(.state) \(.headroom)")' "$1"
}

for fx in */; do
    fx=${fx%/}
    [ -f "$fx/proc/zoneinfo" ] || continue
    [ -f "$fx/kmemtop-capture" ] || [ -d "$fx/proc" ] || continue
    "$KMEMTOP" --root "$fx" -o --format json --view nodes >"$TMP/$fx.json" 2>/dev/null
    is "$fx: every node's and zone's STATE and HEADROOM as formulas.md computes them" \
        "$(json_nodes "$TMP/$fx.json")" "$(awk_nodes "$fx/proc/zoneinfo" | grep -v '^$')"
done

# ---- by hand: debian61-root node0 (zoneinfo: DMA free 3776 low 161 protection
# (0, 939, 939, 939, 939); DMA32 free 210333 low 10138 protection 0; managed 3840 + 242463)
J=$TMP/debian61-root.json
is "debian61 node0: headroom 3776-161-939 + 210333-10138 = 202871 pages; DMA 3615, DMA32 200195" \
    "$(jq -c '.nodes.rows[0] | [.headroom, (.zones[] | select(.managed > 0) | .headroom)]' "$J")" \
    "[202871,3615,200195]"
out=$("$KMEMTOP" --root debian61-root -o --view nodes)
contains "debian61 text: node0 HEADROOM 792M (202871 x 4K), HEAD% 82.4 (of 246303 pages)" "$out" \
    '^node0 +0-1 +962M +836M +13\.1% +ok +792M +82\.4% '
contains "debian61 text: DMA zone 14.1M, 94.1% (3615 of 3840)" "$out" '^  DMA +- +15\.0M +14\.8M +1\.7% +ok +14\.1M +94\.1% '

# ---- protection decides: a tree whose DMA32 has free pages that only Normal's reserve holds
mk_tree() { # DIR PROT: node0 DMA32 free 1000 (min 10 low 20 high 30), Normal free 5 (below min)
    mkdir -p "$1/proc" "$1/sys/devices/system/node/node0"
    printf 'page_size=4096\n' >"$1/kmemtop-capture"
    cat >"$1/proc/zoneinfo" <<EOF
Node 0, zone    DMA32
  pages free     1000
        min      10
        low      20
        high     30
        spanned  2000
        present  2000
        managed  2000
        protection: ($2)
Node 0, zone   Normal
  pages free     5
        min      10
        low      20
        high     30
        spanned  4000
        present  4000
        managed  4000
        protection: (0, 0)
EOF
    echo 0 >"$1/sys/devices/system/node/online"
    echo 10 >"$1/sys/devices/system/node/node0/distance"
}
mk_tree "$TMP/p900" "0, 900"
mk_tree "$TMP/p995" "0, 995"
st() { "$KMEMTOP" --root "$1" -o --format json --view nodes 2>&1 | jq -c '.nodes.rows[0] | [.state, .headroom, [.zones[].state]]'; }
is "reserve 900: DMA32 passes for Normal's allocations (1000 > 30 + 900): node ok, headroom 1000-20-900" \
    "$(st "$TMP/p900")" '["ok",80,["ok","below_min"]]'
is "reserve 995: no zone passes min + reserve: node below_min, headroom the least negative" \
    "$(st "$TMP/p995")" '["below_min",-15,["ok","below_min"]]'

# ---- all zones, least headroom first ----------------------------------------------------
out=$("$KMEMTOP" --root edge-numa-sparse -o --view nodes --all-zones)
is "--all-zones: zones of every node by HEAD% ascending, named node/zone" \
    "$(printf '%s\n' "$out" | awk '/^NODE\/ZONE/ { on = 1; next } on && /^node[0-9]/ { print $1 }' | tr '\n' ' ')" \
    "node250/Movable node0/Normal node0/DMA32 "
contains "--all-zones: the header line names the sort" "$out" '^Nodes, sorted by HEAD% \(ascending\)$'
is "--all-zones: no node-only column (CPUS, FILE, SLAB, rates)" \
    "$(printf '%s\n' "$out" | grep '^NODE/ZONE' | grep -cE 'CPUS|FILE|SLAB|numa_hit|LOCAL%')" 0
is "--all-zones JSON: zone rows naming their node, in the table's order (the empty ones last)" \
    "$("$KMEMTOP" --root edge-numa-sparse -o --format json --view nodes --all-zones | jq -c '[.nodes.rows[] | select(.managed > 0) | "\(.node)/\(.zone)"]')" \
    '["250/Movable","0/Normal","0/DMA32"]'
is "--all-zones -s free: a chosen sort stays" \
    "$("$KMEMTOP" --root edge-numa-sparse -o --view nodes --all-zones -s free | awk '/^NODE\/ZONE/ { on = 1; next } on && /^node[0-9]/ { print $1 }' | tr '\n' ' ')" \
    "node0/DMA32 node0/Normal node250/Movable "

# ---- numastat's counters on a single frame ------------------------------------------------
for fx in debian61-root pcp-xeon-2node edge-numa-sparse; do
    d=$fx/sys/devices/system/node
    want=$(for n in $(ls "$d" | sed -n 's/^node\([0-9]*\)$/\1/p' | sort -n); do
        [ -f "$d/node$n/numastat" ] || continue
        printf 'node%s' "$n"; awk '{ printf " %s", $2 }' "$d/node$n/numastat"; echo
    done)
    got=$("$KMEMTOP" --root "$fx" -o --view nodes --all-rows | sed 's/ (no memory)//; s/ (no CPUs)//' | awk '
        /^NODE\/ZONE/ { for (i = 1; i <= NF; i++) col[$i] = i; on = 1; next }
        on && /^node[0-9]/ { printf "%s %s %s %s %s %s %s\n", $1, $(col["numa_hit"]), $(col["numa_miss"]),
                        $(col["numa_foreign"]), $(col["interleave_hit"]), $(col["local_node"]),
                        $(col["other_node"]) }')
    is "$fx -o: numa_hit .. other_node per node as the numastat files hold them (pages)" "$got" "$want"
done
out=$("$KMEMTOP" --root debian61-root -o --view nodes)
is "-o: no rate column of dashes" "$(printf '%s\n' "$out" | grep '^NODE/ZONE' | grep -c 'HIT/s')" 0
out=$("$KMEMTOP" --root series-debian61 -b --view nodes | sed -n '/^NODE\/ZONE/p')
is "series: counters on the first frame, rates on the second" \
    "$(printf '%s\n' "$out" | awk '{ print (/numa_hit/ ? "counts" : "") (/HIT\/s/ ? "rates" : "") }' | tr '\n' ' ')" "counts rates "

# ---- the distance matrix ----------------------------------------------------------------
for fx in debian61-root debian612a-root edge-numa-sparse; do
    d=$fx/sys/devices/system/node
    want=$(for n in $(ls "$d" | sed -n 's/^node\([0-9]*\)$/\1/p' | sort -n); do
        printf '%s:' "$n"; tr -s ' \n' '  ' <"$d/node$n/distance" | sed 's/ *$//; s/^/ /'; echo
    done)
    got=$("$KMEMTOP" --root "$fx" -o --view nodes | sed -n '/^Node distances/,$p' | sed -n '3,$p' | tr -s ' ' | sed 's/^ //')
    is "$fx: one matrix row per node, as node<N>/distance" "$got" "$want"
done
# 8 and 64 nodes: node N at distance 10 from itself, 20 within its group of 4, 30 beyond
mk_numa() { # DIR N
    mkdir -p "$1/proc" "$1/sys/devices/system/node"
    printf 'page_size=4096\n' >"$1/kmemtop-capture"
    echo "0-$(($2 - 1))" >"$1/sys/devices/system/node/online"
    i=0
    while [ $i -lt "$2" ]; do
        mkdir -p "$1/sys/devices/system/node/node$i"
        awk -v i=$i -v n="$2" 'BEGIN { for (k = 0; k < n; k++) printf "%s%d", k ? " " : "", k == i ? 10 : int(k / 4) == int(i / 4) ? 20 : 30; print "" }' \
            >"$1/sys/devices/system/node/node$i/distance"
        i=$((i + 1))
    done
}
mk_numa "$TMP/n8" 8
mk_numa "$TMP/n64" 64
out=$("$KMEMTOP" --root "$TMP/n8" -o --view nodes)
is "8 nodes: the count line, a title row and 8 rows" \
    "$(printf '%s\n' "$out" | sed -n '/^Node distances/,$p' | sed -n '1p;2p;$p')" \
    "Node distances (8 nodes x 8): 10 x8 (local), 20 x24, 30 x32
node    0    1    2    3    4    5    6    7
  7:   30   30   30   30   20   20   20   10"
out=$("$KMEMTOP" --root "$TMP/n64" -o --view nodes)
is "64 nodes: one summary line, no matrix" \
    "$(printf '%s\n' "$out" | sed -n '/^Node distances/,$p')" \
    "Node distances (64 nodes x 64): 10 x64 (local), 20 x192, 30 x3840; each node's row: Enter on it, all: --format json"
is "64 nodes: JSON has every row of 64" \
    "$("$KMEMTOP" --root "$TMP/n64" -o --format json --view nodes | jq '[.nodes.rows[].distance | length] | [length, min, max] | join(" ")' -r)" "64 64 64"

# ---- live, as a user without root: the figures are there for everyone ---------------------
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$KMEMTOP" -o --format json --view nodes >"$TMP/nob.json" 2>"$TMP/nob.err"
    is "live as nobody: every node with zones has a state and a headroom" \
        "$(jq '[.nodes.rows[] | select(.zones | length > 0) | select(.state == null or .headroom == null)] | length' "$TMP/nob.json")" 0
    out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$KMEMTOP" -o --view nodes 2>&1)
    contains "live as nobody: the text table has HEADROOM and HEAD%" "$out" '^NODE/ZONE.* STATE +HEADROOM +HEAD%'
fi

# ---- the screen: A switches to all zones and back, Enter shows a node's distances --------
. "$KM_SRCDIR/tests/tmux.sh"
if km_tmux kmns; then
    T new-session -d -s km -x 160 -y 30 "env LC_ALL=C $KMEMTOP --root $FIX/edge-numa-sparse --view nodes -d 0.2; sleep 600"
    names() { pane | awk '/^NODE\/ZONE/ { f = 1; next } f && /^Node distances/ { exit } f && NF { printf "%s ", $1 }'; }
    want_names() { [ "$(names)" = "$1" ]; }
    see "screen: nodes with their zones, HEADROOM on screen" '^NODE/ZONE.* STATE +HEADROOM +HEAD%'
    poll want_names "node0 DMA32 Normal node8 node250 Movable " && ok "screen: the tree of nodes and zones" || nok "screen: the tree of nodes and zones" "$(pane)"
    T send-keys -t km A
    poll want_names "node250/Movable node0/Normal node0/DMA32 " && ok "screen: A lists all zones, least headroom first" ||
        nok "screen: A lists all zones, least headroom first" "$(pane)"
    see "screen: A says so on the status line" 'All zones, least headroom first'
    T send-keys -t km A
    poll want_names "node0 DMA32 Normal node8 node250 Movable " && ok "screen: A again: nodes and their zones at once" ||
        nok "screen: A again: nodes and their zones at once" "$(pane)"
    see "screen: the distance matrix under the table" '^250: +30 +30 +10$'
    T send-keys -t km Enter End
    see "screen: Enter on node0: its distances in the details" '^distances to nodes 0-250: 10 20 30$'
    T send-keys -t km Escape q
fi

done_testing
