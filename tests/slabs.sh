#!/bin/sh
# The slab view: GROWTH against a hand computation on a two-tree series, the
# non-root totals, slabtop's sort letters, --filter, and the derived columns.
. "$(dirname "$0")/lib.sh"
cd "$FIX"

# --- GROWTH: (footprint now - footprint before) / (time now - time before) ---
S=series-slab-growth
"$KMEMTOP" --root $S -b --view slabs --format json >"$TMP/g.json" 2>"$TMP/err"
is "growth series: two frames" "$(wc -l <"$TMP/g.json" | tr -d ' ')" 2
slabs_of() { awk '$1=="dentry" {print $15}' "$S/$1/proc/slabinfo"; }
time_of() { cut -d' ' -f1 "$S/$1/proc/uptime"; }  # the clock kmemtop uses for a tree without a recorded time
want=$(awk -v a="$(slabs_of 1-root)" -v b="$(slabs_of 2-root2)" -v t0="$(time_of 1-root)" \
    -v t1="$(time_of 2-root2)" 'BEGIN { printf "%.6f", (b - a) * 1 * 4096 / (t1 - t0) }')
is "dentry by hand: (1504 - 1414) slabs x 1 page x 4096 / (28.37 - 23.33) s" "$want" "73142.857143"
got=$(jq -r 'select(.frame==1)|.slabs.rows[]|select(.name=="dentry")|.growth' "$TMP/g.json")
is "dentry growth in JSON, frame 2" "$(printf '%.6f' "$got")" "$want"
is "dentry growth is null on the first frame" \
    "$(jq -r 'select(.frame==0)|.slabs.rows[]|select(.name=="dentry")|.growth' "$TMP/g.json")" null
check "growth of an unchanged cache (inode_cache) is 0" \
    jq -e 'select(.frame==1)|.slabs.rows[]|select(.name=="inode_cache")|.growth==0' "$TMP/g.json"
check "every growth = footprint change / interval" jq -e -s '
    (.[0].slabs.rows|map({key:(.name+"#"+(.ordinal|tostring)), value:.footprint})|from_entries) as $p
    | .[1].interval as $dt
    | all(.[1].slabs.rows[]; ($p[.name+"#"+(.ordinal|tostring)]) as $b
        | if $b == null then .growth == null
          else ((.growth - (.footprint - $b) / $dt) | fabs) < 1e-6 end)' "$TMP/g.json"
txt=$("$KMEMTOP" --root $S -b --view slabs --raw)
contains "text: dentry's GROWTH on the second frame" "$txt" '^dentry .* \+73142\.9( |$)'

# --- non-root: the view says so and shows meminfo's and the nodes' Slab --------
kb() { awk -v k="$2" '$0 ~ k {print $(NF-1) * 1024; exit}' "$1"; }
U=debian61-user
txt=$("$KMEMTOP" --root $U -o --view slabs --raw)
contains "$U: says slabinfo is root-only" "$txt" 'readable by root only'
contains "$U: meminfo Slab, SReclaimable, SUnreclaim" "$txt" \
    "^meminfo Slab: $(kb $U/proc/meminfo '^Slab:') \(SReclaimable $(kb $U/proc/meminfo '^SReclaimable:'), SUnreclaim $(kb $U/proc/meminfo '^SUnreclaim:')\)"
for n in 0 1; do
    f=$U/sys/devices/system/node/node$n/meminfo
    contains "$U: node $n Slab from node meminfo" "$txt" \
        "^Node $n Slab: $(kb $f ' Slab:') \(SReclaimable $(kb $f 'SReclaimable:'), SUnreclaim $(kb $f 'SUnreclaim:')\)"
done
"$KMEMTOP" --root $U -o --view slabs --format json >"$TMP/u.json"
check "$U JSON: status and reason, no rows" jq -e \
    '.slabs.status=="missing" and (.slabs.reason|length>0) and .slabs.rows==[]' "$TMP/u.json"
check "$U JSON: summary slab totals" jq -e --argjson s "$(kb $U/proc/meminfo '^Slab:')" \
    '.slabs.summary.slab==$s and (.slabs.summary.sreclaimable|type=="number") and (.slabs.summary.sunreclaim|type=="number")' "$TMP/u.json"
check "$U JSON: per-node slab totals" jq -e \
    '.slabs.summary.nodes|length==2 and all(.[]; (.slab|type=="number") and .slab > 0)' "$TMP/u.json"
check "debian612-user (one node) shows the totals too" sh -c \
    "'$KMEMTOP' --root debian612-user -o --view slabs | grep -q '^Node 0 Slab: '"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && [ -r /proc/slabinfo ]; then
    out=$(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups "$KMEMTOP" -o --view slabs 2>&1)
    contains "live as nobody: needs root, with meminfo's Slab" "$out" '^Slabs: needs root: /proc/slabinfo is readable by root only$'
    contains "live as nobody: the per-node line" "$out" '^Node [0-9]+ Slab: '
fi

# --- slabtop's sort letters, -s and the default -------------------------------
R=debian61-root
for pair in a:active_objs b:objs_per_slab c:footprint l:num_slabs v:active_slabs \
    o:num_objs p:pages_per_slab s:obj_size u:use_pct; do
    l=${pair%%:*} f=${pair#*:}
    check "-s $l sorts by $f, largest first" sh -c "'$KMEMTOP' --root $R -o --view slabs -s $l --format json |
        jq -e '[.slabs.rows[].$f] as \$v | (\$v|length>100) and \$v == (\$v|sort|reverse)'"
done
check "-s n sorts by name" sh -c "'$KMEMTOP' --root $R -o --view slabs -s n --format json |
    jq -e '[.slabs.rows[].name] as \$v | \$v == (\$v|sort)'"
check "default sort: footprint" sh -c "'$KMEMTOP' --root $R -o --view slabs --format json |
    jq -e '[.slabs.rows[].footprint] as \$v | \$v == (\$v|sort|reverse)'"

# --- --filter ------------------------------------------------------------------
"$KMEMTOP" --root $R -o --view slabs --filter kmalloc- --format json >"$TMP/f.json"
is "--filter kmalloc-: the kmalloc- caches only" \
    "$(jq '.slabs.rows|length' "$TMP/f.json")" "$(grep -c '^[^ ]*kmalloc-' $R/proc/slabinfo)"
check "--filter kmalloc-: every name matches" jq -e 'all(.slabs.rows[]; .name|test("kmalloc-"))' "$TMP/f.json"

# --- derived columns and JSON fields -------------------------------------------
"$KMEMTOP" --root $R -o --view slabs --format json >"$TMP/r.json"
check "waste, leftover, use_pct by their formulas" jq -e '.page_size as $ps | all(.slabs.rows[];
    .waste == .footprint - .active_objs * .obj_size
    and .leftover == .pages_per_slab * $ps - .objs_per_slab * .obj_size
    and (if .num_objs > 0 then .use_pct - 100 * .active_objs / .num_objs | fabs < 1e-9 else .use_pct == null end))' "$TMP/r.json"
check "rows have reclaimable, aliases, growth keys" jq -e 'all(.slabs.rows[];
    has("reclaimable") and has("aliases") and has("growth") and has("leftover"))' "$TMP/r.json"
check "dentry is reclaimable (sysfs)" jq -e '.slabs.rows[]|select(.name=="dentry")|.reclaimable==true' "$TMP/r.json"
check "summary: footprint, waste and the gap to meminfo" jq -e '.slabs.summary as $s |
    $s.footprint == ([.slabs.rows[].footprint]|add) and $s.waste == ([.slabs.rows[].waste]|add)
    and $s.slab_not_in_caches == $s.slab - $s.footprint and $s.caches == (.slabs.rows|length)' "$TMP/r.json"
check "dentry per node from sysfs slabs (878 N0, 482 N1 x 4096)" jq -e '.slabs.rows[]|select(.name=="dentry")|
    .nodes == [{"node":0,"slabs":878,"bytes":3596288},{"node":1,"slabs":482,"bytes":1974272}]' "$TMP/r.json"
txt=$("$KMEMTOP" --root $R -o --view slabs --raw)
contains "text: dentry's PER NODE" "$txt" '^dentry .* N0:3596288,N1:1974272$'
contains "text: dentry's LEFTOVER (4096 - 21 x 192 = 64)" "$txt" '^dentry +29694 +29586 +99% +192 +1414 +21 +1 +5791744 +111232 +64 '
contains "text: slabtop-like summary" "$txt" '^Active / Total Objects: 162947 / 164678 \(98\.9%\)'
# merged caches: the names in aliases[] are the links of /sys/kernel/slab that lead where this
# cache's link leads (this machine's capture keeps the links)
SL=this-vm-6.18/sys/kernel/slab
t=$(readlink "$SL/lsm_inode_cache")
want=$(for l in "$SL"/*; do [ -L "$l" ] && [ "$(readlink "$l")" = "$t" ] && [ "${l##*/}" != lsm_inode_cache ] && echo "${l##*/}"; done | sort | tr '\n' ' ')
got=$("$KMEMTOP" --root this-vm-6.18 -o --view slabs --format json | jq -r '.slabs.rows[]|select(.name=="lsm_inode_cache")|.aliases|sort|join(" ")')
is "aliases of a merged cache are the links that share its directory ($t)" "$got " "$want"
# filter (and search, tests/screen.sh) find a cache by a name merged into it
is "--filter ext4_io_end_vec (an alias): the cache it is merged into" \
    "$("$KMEMTOP" --root this-vm-6.18 -o --view slabs --filter ext4_io_end_vec --format json | jq -c '[.slabs.rows[].name]')" '["lsm_inode_cache"]'
contains "--filter by an alias in text: the cache's row" \
    "$("$KMEMTOP" --root this-vm-6.18 -o --view slabs --filter 'kvm_async|nomatch_xyz')" '^kernfs_node_cache '
done_testing
