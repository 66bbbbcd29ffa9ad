#!/bin/sh
# run.sh - make fuzz: run each libFuzzer target for a while and report.
#
#   run.sh SRCDIR BUILDDIR TIME RUNS [TARGET...]
#
# Each target (default: all of tests/fuzz/targets) runs for TIME seconds
# (0: no limit) or RUNS executions (empty: no limit), whichever comes first,
# over its corpus BUILDDIR/tests/fuzz/corpus/<target> (seeded from the
# fixtures by seed.sh, kept and grown between runs) and its regression
# inputs SRCDIR/tests/fuzz/regress/<target>. Prints for each target the
# executions, exec/s, libFuzzer's cov: and ft: and the crashes found (saved
# under BUILDDIR/tests/fuzz/crashes/). Exit status 1 if any crashed.
set -eu
src=$1 build=$2 time=$3 runs=$4
shift 4
fz=$build/tests/fuzz
[ $# -gt 0 ] || set -- $(grep -v '^#' "$src/tests/fuzz/targets" | awk '{print $1}')
mkdir -p "$fz/crashes" "$fz/logs"
status=0
printf '%-14s %12s %9s %6s %7s %8s\n' target executions exec/s cov ft crashes
for t in "$@"; do
    len=$(awk -v t="$t" '$1 == t {print $2}' "$src/tests/fuzz/targets")
    [ -n "$len" ] || { echo "run.sh: unknown target $t" >&2; exit 2; }
    corpus=$fz/corpus/$t
    "$src/tests/fuzz/seed.sh" "$src" "$t" "$corpus" "$len"
    set -- "$corpus"
    [ -d "$src/tests/fuzz/regress/$t" ] && set -- "$@" "$src/tests/fuzz/regress/$t"
    rm -f "$fz/crashes/$t-"*.tmp
    before=$(ls "$fz/crashes" | grep -c "^$t-" || true)
    log=$fz/logs/$t.log
    rc=0
    "$fz/fuzz_$t" -max_len="$len" -max_total_time="$time" ${runs:+-runs="$runs"} \
        -print_final_stats=1 -artifact_prefix="$fz/crashes/$t-" "$@" >"$log" 2>&1 || rc=$?
    after=$(ls "$fz/crashes" | grep -c "^$t-" || true)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    # the last status line that has them (DONE, or the last before a crash)
    last=$(grep -E '^#[0-9]+.* cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    crashes=$((after - before))
    [ $rc -eq 0 ] || [ $crashes -gt 0 ] || crashes="?(rc $rc)"
    printf '%-14s %12s %9s %6s %7s %8s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" \
        "$crashes"
    if [ $rc -ne 0 ]; then
        status=1
        grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz check failed|.*runtime error)' "$log" | head -3 |
            sed 's/^/    /'
        ls -t "$fz/crashes" | grep "^$t-" | head -1 | sed "s|^|    input: $fz/crashes/|"
        echo "    log: $log"
    fi
done
[ $status -eq 0 ] || echo "run.sh: crashes found: minimize one (fuzz_<target> -minimize_crash=1 -runs=100000 FILE), fix it, keep it in tests/fuzz/regress/<target>/" >&2
exit $status
