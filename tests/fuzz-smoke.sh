#!/bin/sh
# fuzz-smoke.sh - a short run of every libFuzzer target (tests/fuzz, make fuzz):
# the fuzzers build with clang (FUZZ_CC), replay every input kept in
# tests/fuzz/regress/<target>/ without a crash, then run a few thousand
# executions over the seeds from the fixtures without a crash. One test
# point per target. Without clang or its libFuzzer runtime the test fails
# and names the Debian package to install (build.sh test installs both).
. "$(dirname "$0")/lib.sh"
: "${FUZZ_CC:=clang}"
FZ=$KM_SRCDIR/tests/fuzz
BIN=$KM_BUILDDIR/tests/fuzz
RUNS=${KM_FUZZ_SMOKE_RUNS:-4000}
targets=$(grep -v '^#' "$FZ/targets" | awk '{print $1}')

# ---- the toolchain: clang and its libFuzzer runtime -----------------------------
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\n%s\n' \
    'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }' \
    >"$TMP/probe.c"
if ! command -v "$FUZZ_CC" >/dev/null 2>&1; then
    nok "$FUZZ_CC found" "no $FUZZ_CC: install the package clang (apt-get install clang libclang-rt-dev)"
    done_testing
    exit
fi
if ! "$FUZZ_CC" -fsanitize=fuzzer,address,undefined "$TMP/probe.c" -o "$TMP/probe" >"$TMP/cc.out" 2>&1; then
    nok "$FUZZ_CC links -fsanitize=fuzzer,address,undefined" "$(head -5 "$TMP/cc.out")
install libFuzzer's runtime: apt-get install libclang-rt-14-dev (or libclang-rt-dev, for the default clang)"
    done_testing
    exit
fi
ok "$FUZZ_CC links -fsanitize=fuzzer,address,undefined"

# ---- build (incremental: once per build directory) --------------------------------
# A make of its own, outside make check's jobserver; niced (as are the runs) so that the
# timing-sensitive screen tests running beside it keep the CPU.
if nice -n 10 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make} -s -C "$KM_BUILDDIR" fuzz-build \
    >"$TMP/build.out" 2>&1; then
    ok "the fuzz targets build"
else
    nok "the fuzz targets build" "$(tail -20 "$TMP/build.out")"
fi

# every target's source is in the table, and the other way round
listed=$(echo "$targets" | sort | tr '\n' ' ')
sources=$(cd "$FZ" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//' | sort | tr '\n' ' ')
is "tests/fuzz/targets lists every fuzz_*.c" "$listed" "$sources"

# ---- each target: the regressions once each, then a short run over the seeds -----
for t in $targets; do
    len=$(awk -v t="$t" '$1 == t {print $2}' "$FZ/targets")
    bin=$BIN/fuzz_$t
    if [ ! -x "$bin" ]; then
        nok "fuzz_$t: built"
        continue
    fi
    nreg=0
    why=
    if [ -d "$FZ/regress/$t" ] && [ -n "$(ls "$FZ/regress/$t")" ]; then
        nreg=$(ls "$FZ/regress/$t" | wc -l)
        nice -n 10 "$bin" -timeout=20 "$FZ/regress/$t"/* >"$TMP/regress.$t" 2>&1 ||
            why="a regression input crashes it:
$(grep -E 'ERROR|SUMMARY|fuzz check|runtime error|Running:' "$TMP/regress.$t" | tail -8)"
    fi
    corpus=$TMP/corpus.$t
    if [ -z "$why" ] && ! "$KM_SRCDIR/tests/fuzz/seed.sh" "$KM_SRCDIR" "$t" "$corpus" "$len" \
        >"$TMP/seed.$t" 2>&1; then
        why="no seeds: $(cat "$TMP/seed.$t")"
    fi
    nseeds=$(ls "$corpus" 2>/dev/null | wc -l)
    if [ -z "$why" ] && ! nice -n 10 "$bin" -runs="$RUNS" -seed=1 -max_len="$len" -timeout=20 \
        -print_final_stats=1 -artifact_prefix="$TMP/crash-$t-" "$corpus" >"$TMP/run.$t" 2>&1; then
        why="crashed (the input: rerun with $bin -runs=$RUNS -seed=1 -max_len=$len, seeds by seed.sh):
$(grep -E 'ERROR|SUMMARY|fuzz check|runtime error' "$TMP/run.$t" | head -6)"
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$TMP/run.$t" 2>/dev/null)
    if [ -z "$why" ] && [ "${execs:-0}" -lt "$RUNS" ]; then
        why="ran ${execs:-no} executions of $RUNS"
    fi
    name="fuzz_$t: $nreg regression inputs, $RUNS executions over $nseeds seeds, no crash"
    if [ -z "$why" ]; then ok "$name"; else nok "$name" "$why"; fi
done
done_testing
