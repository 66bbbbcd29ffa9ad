#!/bin/sh
# A server-shaped tree from tests/scale-tree.py (issue 16), small enough for make check:
# kmemtop reads it without a warning, its figures are the files' (counted here with awk, not
# written down), and what a frame keeps stays bounded: the peak RSS of frames of every view at
# 40k areas is under 24 MiB (before issue 16 the areas of two samples alone took 16 MiB and the
# peak was over 40 MiB).
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "1..0 # SKIP no python3"; exit 0; }
T=$TMP/tree
python3 "$KM_SRCDIR/tests/scale-tree.py" --areas 40000 --caches 200 --nodes 16 --modules 300 "$T" \
    >"$TMP/gen.err" 2>&1
check "scale-tree.py writes the tree" test -s "$T/proc/vmallocinfo"

"$KMEMTOP" --root "$T" -o --format json >"$TMP/j" 2>"$TMP/err"
is "every view: exit 0, nothing on stderr" "$?:$(cat "$TMP/err")" "0:"
is "every source ok, no warning" \
    "$(jq -r '[.sources[] | select(.status != "ok" or (.warning // "") != "")] | length' "$TMP/j")" 0

# the module join: every module exact, each with its three image areas
mods=$(wc -l <"$T/proc/modules")
is "modules: every one of the $mods exact" \
    "$(jq '[.modules.rows[] | select(.method == "address")] | length' "$TMP/j")" "$mods"
img=$(awk '$3 ~ /^load_module\+/' "$T/proc/vmallocinfo" | wc -l)
is "modules: the $img module-image areas all attributed" \
    "$(jq -r '"\(.modules.rows | map(.static_areas) | add) \(.modules.totals.attributed.areas)"' "$TMP/j")" "$img $img"

# the vmalloc view: kernel_clone's areas, pages and pages per node, as awk counts them
awk '$3 ~ /^kernel_clone\+/ { n++; for (i = 4; i <= NF; i++) {
         if ($i ~ /^pages=/) { sub(/^pages=/, "", $i); p += $i }
         else if ($i ~ /^N[0-9]+=/) { split(substr($i, 2), kv, "="); node[kv[1]] += kv[2] } } }
     END { printf "%d %d", n, p; for (k = 0; k < 4096; k++) if (k in node) printf " %d=%d", k, node[k]; print "" }' \
    "$T/proc/vmallocinfo" >"$TMP/want"
jq -r '.vmalloc.rows[] | select(.caller == "kernel_clone" and .module == null) |
       "\(.areas) \(.pages)" + ([.nodes[] | " \(.node)=\(.pages)"] | join(""))' "$TMP/j" >"$TMP/got"
is "vmalloc: kernel_clone's areas, pages and pages on each of 16 nodes" "$(cat "$TMP/got")" "$(cat "$TMP/want")"
callers=$(awk '$3 ~ /\+/ { c = $3; sub(/\+.*/, "", c); m = ($4 ~ /^\[/) ? $4 : ""; print c m }' \
    "$T/proc/vmallocinfo" | sort -u | wc -l)
is "vmalloc: one row per caller and module ($callers)" \
    "$(jq '[.vmalloc.rows[] | select(.caller != "(none)" and .caller != "unpurged")] | length' "$TMP/j")" "$callers"

# the slabs view: every cache, with its per-node counts from sysfs
caches=$(awk 'NR > 2' "$T/proc/slabinfo" | wc -l)
is "slabs: the $caches caches" "$(jq '.slabs.rows | length' "$TMP/j")" "$caches"

# memory: 5 frames of every view (the areas of the current sample only, strings once)
peak=$(python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' \
    "$KMEMTOP" --root "$T" -b -n 5 -d 0.05)
case $KMEMTOP in
    *_build-san*) ok "peak RSS not checked under the sanitizers (${peak} KiB)" ;;
    *) if [ "${peak:-99999999}" -le 24576 ]; then ok "5 frames of every view at 40k areas: peak RSS ${peak} KiB <= 24 MiB"
       else nok "5 frames of every view at 40k areas: peak RSS ${peak} KiB > 24 MiB"; fi ;;
esac
done_testing
