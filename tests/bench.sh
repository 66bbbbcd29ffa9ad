#!/bin/sh
# bench.sh - what `make bench` runs: kmemtop's cost per view, and live against slabtop.
#
#   tests/bench.sh BUILDDIR [kmemtop-bench arguments]
#
# With arguments, they go to BUILDDIR/tests/kmemtop-bench alone (one run, e.g. "join",
# "-n 50 slabs", "--root DIR all"), but for "slabtop", which runs part 4 alone (with
# KM_BENCH_KMEMTOP=PROGRAM, another kmemtop than BUILDDIR's). Without, it prints in turn:
#   1. the live system (each view, libproc2's slabinfo read, the module join);
#   2. a captured fixture, tests/fixtures/debian612-root;
#   3. the scale trees of tests/scale-tree.py with 100k and 200k vmalloc areas (2000 slab
#      caches, 64 nodes x 4 zones, 1000 modules with sysfs), written once into
#      BUILDDIR/bench-trees (about 140 and 190 MB);
#   4. as root, live, side by side over the same seconds: `kmemtop --view slabs -d 1` and
#      `slabtop -d 1`, each on a terminal of its own (tmux, socket of its own), their CPU
#      from /proc/PID/schedstat (or utime + stime of /proc/PID/stat) over KM_BENCH_SECS
#      seconds (default 30) after 5 of warm-up.
# KM_BENCH_FRAMES (default 20) and KM_BENCH_WARM (default 20) set the frames of 2 and 3.
set -u
b=$(cd "${1:?usage: tests/bench.sh BUILDDIR [args]}" && pwd) || exit 1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
bench=$b/tests/kmemtop-bench
frames=${KM_BENCH_FRAMES:-20}
warm=${KM_BENCH_WARM:-20}
secs=${KM_BENCH_SECS:-30}
kmemtop=${KM_BENCH_KMEMTOP:-$b/kmemtop}

side_by_side() {
echo "== live, side by side: kmemtop --view slabs -d 1 against slabtop -d 1, ${secs} s =="
if [ "$(id -u)" != 0 ] || ! command -v slabtop >/dev/null || ! command -v tmux >/dev/null; then
    echo "skipped: needs root (slabinfo), slabtop (procps) and tmux"
    return 0
fi
sock=kmemtop-bench-$$
tm() { tmux -L "$sock" "$@"; }
# CPU time of PID in microseconds: /proc/PID/schedstat's first field (ns on a CPU), else
# utime + stime of /proc/PID/stat in clock ticks (fields 14 and 15; no blank in field 2 here)
hz=$(getconf CLK_TCK)
cpu() {
    if [ -r "/proc/$1/schedstat" ]; then awk '{printf "%d\n", $1 / 1000}' "/proc/$1/schedstat"
    else awk -v hz="$hz" '{printf "%d\n", ($14 + $15) * 1000000 / hz}' "/proc/$1/stat"; fi
}
tm -f /dev/null new-session -d -x 200 -y 50 -s k "exec $kmemtop --view slabs -d 1"
tm new-window -d -t k: "exec slabtop -d 1"
sleep 1
pk=$(tm list-panes -a -F '#{pane_pid} #{pane_current_command}' | awk '$2 == "kmemtop" {print $1}')
ps_=$(tm list-panes -a -F '#{pane_pid} #{pane_current_command}' | awk '$2 == "slabtop" {print $1}')
if [ -z "$pk" ] || [ -z "$ps_" ]; then
    echo "could not start both: kmemtop '$pk', slabtop '$ps_'"
    tm kill-server
    return 1
fi
sleep 5
k0=$(cpu "$pk") s0=$(cpu "$ps_")
sleep "$secs"
k1=$(cpu "$pk") s1=$(cpu "$ps_")
tm kill-server
awk -v k=$((k1 - k0)) -v s=$((s1 - s0)) -v hz=1000000 -v t="$secs" 'BEGIN {
    printf "kmemtop %.2f s CPU (%.2f%% of a core), slabtop %.2f s CPU (%.2f%%): ratio %s\n",
        k / hz, 100 * k / hz / t, s / hz, 100 * s / hz / t, (s > 0 ? sprintf("%.2f", k / s) : "-") }'
}

if [ "${1:-}" = slabtop ]; then
    side_by_side
    exit $?
elif [ $# -gt 0 ]; then
    exec "$bench" "$@"
fi

echo "== live =="
"$bench"
echo
echo "== fixture =="
"$bench" -n "$frames" -w "$warm" --root "$top/tests/fixtures/debian612-root"
for n in 100 200; do
    t=$b/bench-trees/s$n
    if [ ! -d "$t" ]; then
        mkdir -p "$b/bench-trees"
        python3 "$top/tests/scale-tree.py" --areas ${n}000 "$t.new" && mv "$t.new" "$t" || exit 1
    fi
    echo
    echo "== scale tree: ${n}k areas, 2000 caches, 64 nodes x 4 zones, 1000 modules =="
    "$bench" -n "$frames" -w "$warm" --root "$t"
done

echo
side_by_side
