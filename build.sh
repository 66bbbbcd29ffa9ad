#!/bin/sh
# build.sh - set up a fresh Debian/Ubuntu machine, build kmemtop, run it or test it.
#
#   ./build.sh run [kmemtop options]   install what is missing, build, start kmemtop
#   ./build.sh test                    install what is missing, build, run every test three
#                                      times (a -Werror build, the same where no namespace
#                                      can be made, an ASan+UBSan build), then make
#                                      distcheck and make check-qemu (Debian's kernels under
#                                      qemu); the last line is "N passed, N failed"
#   ./build.sh deps | build            only the set-up, or only the build
set -eu
cd "$(dirname "$0")"
top=$(pwd)

# Debian packages: build tools, the two libraries, and what the tests drive
# (tmux for screen tests, procps for slabtop, jq to check JSON, util-linux for
# setpriv/unshare, busybox to test the capture script as a board would run it,
# strace to check which files a frame opens, groff to check the man page, python3 to
# read the CSV output with a strict RFC 4180 reader, clang and its compiler-rt runtime
# for the libFuzzer targets of make fuzz and tests/fuzz-smoke.sh: on Debian 12 clang-14
# and libclang-rt-14-dev, which -fsanitize=fuzzer needs to link and clang only recommends;
# prometheus (the server and promtool), prometheus-node-exporter and curl for the
# Prometheus tests; libmicrohttpd-dev serves --listen; libzstd-dev compresses recordings, -w).
# QEMU_PKGS, for make check-qemu (tests/qemu/run.sh): qemu-system-x86_64 to boot Debian's
# kernels, a static busybox as the guest's userland (busybox-static: it replaces the
# busybox package, and its /bin/busybox serves the capture script's tests as well), cpio
# and gzip for the initramfs, kmod for depmod, xz-utils to decompress 6.12's .ko.xz.
PKGS="gcc make autoconf automake pkg-config libncurses-dev libproc2-dev libmicrohttpd-dev libzstd-dev procps"
TEST_PKGS="tmux jq util-linux strace groff-base python3 clang libclang-rt-dev prometheus prometheus-node-exporter curl"
QEMU_PKGS="qemu-system-x86 busybox-static cpio gzip kmod xz-utils"

missing_pkgs() {
    out=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || out="$out $p"
    done
    echo "$out"
}

deps() {
    want="$PKGS"
    [ "${1:-}" = test ] && want="$want $TEST_PKGS $QEMU_PKGS"
    if ! command -v dpkg-query >/dev/null 2>&1; then
        echo "build.sh: not a Debian-based system; install: gcc make autoconf automake pkg-config, ncursesw, libproc2 (procps-ng 4), libmicrohttpd and libzstd development files${1:+, tmux jq}" >&2
        return 0
    fi
    miss=$(missing_pkgs $want)
    [ -z "$miss" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "build.sh: missing Debian packages:$miss" >&2
        echo "build.sh: install them as root:  apt-get install$miss" >&2
        exit 1
    fi
    echo "build.sh: installing$miss" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || apt-get update
    apt-get install -y -qq --no-install-recommends $miss >/dev/null || apt-get install -y --no-install-recommends $miss
}

# build DIR [configure options]
build() {
    dir=$1; shift
    [ -x configure ] && [ configure -nt configure.ac ] && [ configure -nt Makefile.am ] || autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
    mkdir -p "$dir"
    if [ ! -f "$dir/Makefile" ] || [ "$dir/config.status" -ot configure ] || [ "$(cat "$dir/.km-configure" 2>/dev/null)" != "$*" ]; then
        (cd "$dir" && "$top/configure" "$@" >/dev/null) || { echo "build.sh: configure failed; see $dir/config.log" >&2; exit 1; }
        echo "$*" > "$dir/.km-configure"
    fi
    make -C "$dir" -j"$(nproc 2>/dev/null || echo 2)" >/dev/null || make -C "$dir"
}

# The .trs files of a build, one a line; not those of a chroot that make check-chroot
# keeps in the build dir (tests/chroot-run.sh: DIR/chroot-bookworm/root/kmemtop/_build).
trs_files() { find "$1" -path "$1/chroot-bookworm" -prune -o -name '*.trs' -print; }

# Counts TAP results of every test of a build (each .trs has one line per test point).
count() { count_trs $(trs_files "$1"); }
# Counts TAP results of the .trs files given.
count_trs() {
    p=0; f=0
    for trs in "$@"; do
        p=$((p + $(grep -c '^:test-result: \(PASS\|XFAIL\)' "$trs" || true)))
        f=$((f + $(grep -c '^:test-result: \(FAIL\|XPASS\|ERROR\)' "$trs" || true)))
    done
    echo "$p $f"
}

run_suite() {
    dir=$1; shift
    build "$dir" "$@"
    trs_files "$dir" | xargs rm -f
    set +e
    make -C "$dir" -j2 check >"$dir/check.out" 2>&1
    rc=$?
    set -e
    grep -E '^(FAIL|ERROR|XPASS):' "$dir/check.out" || true
    if [ $rc -ne 0 ]; then
        for log in $(grep -l -E '^:test-result: (FAIL|ERROR|XPASS)' $(trs_files "$dir") 2>/dev/null); do
            echo "---- ${log%.trs}.log" >&2
            tail -40 "${log%.trs}.log" >&2
        done
    fi
    return 0
}

cmd=${1:-run}
[ $# -gt 0 ] && shift
case "$cmd" in
deps) deps test ;;
build) deps; build _build --enable-werror ;;
run)
    deps
    build _build --enable-werror
    exec ./_build/kmemtop "$@"
    ;;
test)
    deps test
    start=$(date +%s)
    run_suite _build --enable-werror
    set -- $(count _build); p1=$1; f1=$2
    echo "build.sh: -Werror build: $p1 passed, $f1 failed"
    # the same suite where no namespace can be made, as in a container under Docker's
    # default seccomp profile: --root then reads trees with kmemtop's own parsers
    trs_files _build | xargs rm -f
    set +e
    ./_build/tests/no-namespaces make -C _build -j2 check >_build/check-no-namespaces.out 2>&1
    set -e
    grep -E '^(FAIL|ERROR|XPASS):' _build/check-no-namespaces.out || true
    set -- $(count _build); p0=$1; f0=$2
    echo "build.sh: -Werror build, no namespaces: $p0 passed, $f0 failed"
    p1=$((p1 + p0)); f1=$((f1 + f0))
    run_suite _build-san --enable-werror --enable-sanitizers
    set -- $(count _build-san); p2=$1; f2=$2
    echo "build.sh: sanitizer build: $p2 passed, $f2 failed"
    # make distcheck: the tarball builds, tests and installs on its own (one test point)
    if make -C _build distcheck >_build/distcheck.out 2>&1; then p3=1; f3=0; else p3=0; f3=1; tail -30 _build/distcheck.out; fi
    echo "build.sh: make distcheck: $p3 passed, $f3 failed"
    # make check-qemu: Debian's 6.1 and 6.12 kernels booted under qemu, kmemtop live in
    # them (tests/qemu/run.sh; its TAP in _build/tests/qemu/run.trs). A host that cannot
    # run it skips it with the reason, but under CI=true that is a failure.
    qtrs=_build/tests/qemu/run.trs
    rm -f "$qtrs"
    set +e
    make -C _build check-qemu >_build/check-qemu.out 2>&1
    set -e
    grep -E '^(FAIL|ERROR|XPASS|SKIP):' _build/check-qemu.out || true
    if [ -f "$qtrs" ]; then
        set -- $(count_trs "$qtrs"); p4=$1; f4=$2
        if [ $((p4 + f4)) -eq 0 ]; then
            echo "build.sh: make check-qemu skipped: $(sed -n 's/^1\.\.0 # SKIP //p' _build/tests/qemu/run.log)"
        fi
    else
        p4=0; f4=1; tail -30 _build/check-qemu.out
    fi
    echo "build.sh: make check-qemu: $p4 passed, $f4 failed"
    echo "build.sh: took $(( $(date +%s) - start )) s"
    p2=$((p2 + p3 + p4))
    total_f=$((f1 + f2 + f3 + f4))
    [ "$p1" -gt 0 ] && [ "$p2" -gt 0 ] || total_f=$((total_f + 1))
    echo "$((p1 + p2)) passed, $total_f failed"
    [ "$total_f" -eq 0 ]
    ;;
*)
    echo "usage: ./build.sh [run [kmemtop options] | test | deps | build]" >&2
    exit 2
    ;;
esac
