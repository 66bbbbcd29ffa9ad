#!/bin/sh
# slow-read.sh - the 10 s bound on reading one file, end to end: kmemtop shows a tree in
# which one file (buddyinfo) reads slowly, as on a network or FUSE file system, a failing
# disk, or a /proc file the kernel takes long to generate. strace holds the second read of
# that file (its EOF) for 10.5 s: the buddy source is abandoned, naming the file and why,
# and the other sources and the frame come out as usual. The same read held 8 s is waited
# for. vmallocinfo, read in pieces, held 10.5 s between two of them, is abandoned the same
# way. tests/unit/test_read_slow.c covers the bound's other cases without waiting.
. "$(dirname "$0")/lib.sh"

TREE=$(cd "$FIX/this-vm-6.18" && pwd -P)
FILE=$TREE/proc/buddyinfo
# slow MICROSECONDS OUT [FILE VIEW]: one JSON frame with the second read of FILE ($FILE) delayed
# that long (LeakSanitizer cannot run under ptrace: off for a sanitizer build's run under strace)
slow() {
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -o /dev/null -P "${3:-$FILE}" -e trace=pread64 \
        -e inject=pread64:delay_exit="$1":when=2 \
        "$KMEMTOP" --root "$TREE" -o --view "${4:-buddy}" --format json >"$2" 2>"$2.err"
    echo $? >"$2.rc"
}
if ! strace -f -qq -o /dev/null -e inject=pread64:delay_exit=1:when=1 true 2>/dev/null; then
    echo "1..0 # SKIP strace cannot trace here (or has no syscall delay injection)"
    exit 0
fi
start=$(date +%s)
slow 10500000 "$TMP/slow" &
slow 8000000 "$TMP/ok" &
# vmallocinfo is read in pieces (km_read_stream): the same bound between its reads; this
# tree's file (178 KB) is two pieces of at most 128 KiB, the second held
VMTREE=$(cd "$FIX/debian612a-root" && pwd -P)
TREE=$VMTREE slow 10500000 "$TMP/vm" "$VMTREE/proc/vmallocinfo" vmalloc &
wait
took=$(($(date +%s) - start))
reason() { jq -r ".sources.$2 | .status + \" | \" + (.reason // \"\")" "$1"; }

is "held 10.5 s: the frame comes out (exit 0)" "$(cat "$TMP/slow.rc")" 0
is "held 10.5 s: buddyinfo is abandoned, named, with the reason" "$(reason "$TMP/slow" buddyinfo)" \
    "error | /proc/buddyinfo: took longer than 10 s to read (abandoned)"
is "held 10.5 s: the other sources read as usual" "$(reason "$TMP/slow" pagetypeinfo)" "ok | "
is "held 8 s: the frame comes out (exit 0)" "$(cat "$TMP/ok.rc")" 0
is "held 8 s: buddyinfo is waited for and read" "$(reason "$TMP/ok" buddyinfo)" "ok | "
is "vmallocinfo held 10.5 s between two pieces: the frame comes out (exit 0)" "$(cat "$TMP/vm.rc")" 0
is "vmallocinfo held 10.5 s: abandoned, named, with the reason" "$(reason "$TMP/vm" vmallocinfo)" \
    "error | /proc/vmallocinfo: took longer than 10 s to read (abandoned)"
is "vmallocinfo held 10.5 s: the other sources read as usual" "$(reason "$TMP/vm" modules)" "ok | "
check "all three within 20 s ($took s)" test "$took" -lt 20
done_testing
