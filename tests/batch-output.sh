#!/bin/sh
# batch-output.sh - batch output that cannot be written: every frame's write
# is checked (text, JSON, one frame and several); a write error ends kmemtop
# with status 1 and the error's words. A reader that goes away (kmemtop -b |
# head -1) ends it quietly, as SIGPIPE does (status 141, nothing on stderr),
# at once even during a long delay, and also when SIGPIPE was ignored.
. "$(dirname "$0")/lib.sh"
R="$FIX/debian61-root"
full_msg="kmemtop: writing output: No space left on device"

# to_full NAME ARGS...: kmemtop ARGS >/dev/full must exit 1 with full_msg alone.
to_full() {
    _name=$1
    shift
    "$KMEMTOP" "$@" >/dev/full 2>"$TMP/err"
    is "/dev/full, $_name: status 1 and why" "$?:$(cat "$TMP/err")" "1:$full_msg"
}
if [ -w /dev/full ]; then
    to_full "one text frame" --root "$R" -o
    to_full "one JSON frame" --root "$R" -o --format json
    to_full "a small frame (one view, less than a buffer)" --root "$R" -o --view nodes
    to_full "a small JSON frame" --root "$R" -o --view nodes --format json
    to_full "three text frames" --root "$R" -b -n 3
    to_full "a series in JSON" --root "$FIX/series-debian61" -b --format json
    to_full "--details" --root "$R" -o --view modules --details zram
else
    ok "# SKIP /dev/full is not writable here"
fi
"$KMEMTOP" --root "$R" -b -n 3 >/dev/null 2>"$TMP/err"
is "/dev/null: status 0, nothing on stderr" "$?:$(cat "$TMP/err")" "0:"

# epipe NAME ARGS...: kmemtop ARGS | head -1 ends within 5 s, status 141, nothing on stderr
# (timeout 20: status 124 if it does not end).
epipe() {
    _name=$1
    shift
    _t0=$(date +%s)
    line=$( (timeout 20 "$KMEMTOP" "$@" 2>"$TMP/err"; echo $? >"$TMP/rc") | head -1 | cut -c1-40)
    _t=$(($(date +%s) - _t0))
    contains "| head -1, $_name: the first line came" "$line" '^(kmemtop - |\{"kernel":)'
    is "| head -1, $_name: ends quietly (status 141 as SIGPIPE, nothing on stderr)" \
        "$(cat "$TMP/rc"):$(cat "$TMP/err")" "141:"
    check "| head -1, $_name: within 5 s (took ${_t} s)" test "$_t" -lt 5
}
epipe "frames back to back" --root "$R" -b -n 100000
epipe "JSON" --root "$R" -b -n 100000 --format json
# with SIGPIPE ignored the write fails with EPIPE: the same quiet end
trap '' PIPE
epipe "SIGPIPE ignored" --root "$R" -b -n 100000
trap - PIPE
if [ -r /proc/meminfo ]; then
    # a 30 s delay: the reader's end is seen while waiting, not 30 s later
    epipe "a 30 s delay (live)" -b -n 3 -d 30 --view nodes
else
    ok "# SKIP live: no /proc/meminfo"
fi
# Usage errors: exit 2, "kmemtop: <what>: '<arg>'" (never the whole argv[0]), then the hint
usage_error() { # NAME PATTERN ARGS...
    _ue=$1 _up=$2
    shift 2
    _rc=0
    "$KMEMTOP" "$@" >/dev/null 2>"$TMP/uerr" || _rc=$?
    is "usage error, $_ue: exit 2" "$_rc" 2
    is "usage error, $_ue: what is wrong, then the hint" \
        "$(sed -n 1p "$TMP/uerr" | grep -cE -- "^kmemtop: $_up")|$(sed -n 2p "$TMP/uerr")" "1|Try 'kmemtop --help'."
}
usage_error "-s names no column" "-s foo: no view has a column" --root "$R" -o -s foo
usage_error "an empty --view" "--view wants one or more view names" --root "$R" -o --view ""
usage_error "-d 0x10 (hex)" "-d wants seconds" --root "$R" -b -n 1 -d 0x10
usage_error "-d inf" "-d wants seconds" --root "$R" -b -n 1 -d inf
usage_error "-x" "unknown option: '-x'" --root "$R" -o -x
usage_error "--bogus" "unknown option: '--bogus'" --root "$R" -o --bogus
usage_error "-d without a value" "this option wants a value: '-d'" -d
usage_error "-n then --once" "-o \(--once: one frame\) and -n cannot go together" --root "$R" -n 2 --once
usage_error "--once then -n" "-n and -o \(--once: one frame\) cannot go together" --root "$R" --once -n 2
# a trailing slash on --root is not shown doubled
is "--root DIR/: the header names DIR without the slash" \
    "$("$KMEMTOP" --root "$R/" -o | sed -n 1p | grep -cE "captured tree $R( \(meminfo, slabinfo: own parsers\))? - ")" 1
is "--root SERIES//: its trees without a doubled slash" \
    "$("$KMEMTOP" --root "$FIX/series-debian61//" -b | grep -c '//')" 0

done_testing
