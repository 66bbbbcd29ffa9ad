#!/bin/sh
# replay-screen.sh - kmemtop -r FILE on the screen, driven in tmux as a user would: it waits
# paused at the first tick with the time line (tick N/M, time, interval); t, T, b (a prompt:
# HH:MM, +N, a bad time), r step through a recording of 600 ticks; a tick reached backwards
# shows what it shows when reached forwards (the rates of its own interval); in Slabs the
# replay keys win over the sort letter b; Z plays; the help screen says so; a series of
# trees takes t and T too; a user other than root replays a recording it may read.
. "$(dirname "$0")/lib.sh"
. "$KM_SRCDIR/tests/tmux.sh"
if ! km_tmux kmr; then
    echo "1..0 # SKIP tmux is not installed (build.sh test installs it)"
    exit 0
fi

# the screen but its last two lines (the status line and the hint bar)
body() { pane | head -n -2; }
# the Slabs table up to its LEFTOVER column: the trends' columns after it depend on the ticks
# seen before (a jump, T b r, starts them anew; t goes on with them), and take room from others
nohist() { awk '!p { i = index($0, " LEFTOVER"); if (i) p = i + 8 } { print p ? substr($0, 1, p) : $0 }'; }
# start W H ARGS...: kmemtop in a new session; "EXITED rc=N" is printed when it ends; $AS runs
# it as another user (a setpriv command line)
start() {
    w=$1 h=$2
    shift 2
    T kill-session -t "$S" 2>/dev/null
    printf '%s\n' "$@" >"$TMP/args"
    cat >"$TMP/run.sh" <<EOS
#!/bin/sh
set -- \$(cat "$TMP/args")
$AS $KMEMTOP "\$@" 2>>"$TMP/stderr"
echo "EXITED rc=\$?"
sleep 60
EOS
    T new-session -d -s "$S" -x "$w" -y "$h" "env LC_ALL=C TZ=UTC sh $TMP/run.sh"
}

mkdir "$TMP/s"
ln -s "$FIX/debian61-root" "$TMP/s/1"
ln -s "$FIX/debian61-root2" "$TMP/s/2"
ln -s "$FIX/debian61-root" "$TMP/s/3"
T0=1764633600 # 2025-12-02 00:00:00 UTC
"$KMEMTOP" -w "$TMP/src" --root "$TMP/s" >/dev/null
python3 "$KM_SRCDIR/tests/rec-synth.py" "$FIX/rec-v1.kmr" "$TMP/syn" 600 $T0 10
chmod 600 "$TMP/syn" # as kmemtop -w makes it

start 140 30 -r "$TMP/syn" --view slabs -d 0.2
see "-r opens the screen at the first tick, paused, with its time" \
    'tick 1/600 2025-12-02 00:00:00 PAUSED'
sleep 1
see "paused: still the first tick a second later" 'tick 1/600 2025-12-02 00:00:00 PAUSED'
hdr=$(pane | grep -E '^NAME ' | nohist)
keys t t t
see "t t t: tick 4, ten seconds after the tick before" 'tick 4/600 2025-12-02 00:00:30 \+10s PAUSED'
keys T
see "T: back to tick 3" 'tick 3/600 2025-12-02 00:00:20 \+10s PAUSED'
body | nohist >"$TMP/back"
keys r
see "r: rewound to the first tick" 'Rewound to the first tick.*tick 1/600'
keys t t
see "t t: tick 3 again" 'tick 3/600 2025-12-02 00:00:20'
body | nohist >"$TMP/fwd"
if cmp -s "$TMP/back" "$TMP/fwd" && grep -q '[1-9][0-9.]*[KM]' "$TMP/fwd"; then
    ok "tick 3 reached backwards shows what it shows reached forwards (its interval's rates)"
else
    nok "tick 3 reached backwards shows what it shows reached forwards" "$(diff "$TMP/back" "$TMP/fwd")"
fi
keys T T T
see "T on the first tick: said, nothing moves" 'Tick 1 is the first.*tick 1/600'
keys b
see "b: a prompt for the time" 'Branch to \(HH:MM'
keys 0 0 : 5 0 Enter
see "b 00:50: the tick of that time" 'Branched to tick 301.*tick 301/600 2025-12-02 00:50:00 \+10s'
is "in Slabs, b branched and did not sort (the header is as before)" "$(pane | grep -E '^NAME ' | nohist)" "$hdr"
keys b + 3 0 m Enter
see "b +30m: thirty minutes after the tick shown" 'tick 481/600 2025-12-02 01:20:00'
keys b + 1 h Enter
see "b +1h past the last tick: said, nothing moves" 'No tick at or after 2025-12-02 02:20:00 \(the last is at 2025-12-02 01:39:50\)'
see "b +1h past the last tick: still tick 481" 'tick 481/600'
keys b 2 5 : 0 0 Enter
see "b 25:00: not a time" 'not a time: "25:00"'
keys b 0 1 : 3 9 : 5 0 Enter
see "b 01:39:50: the last tick" 'tick 600/600 2025-12-02 01:39:50'
keys t
see "t on the last tick: said" 'Tick 600 is the last.*tick 600/600'
keys 2
see "another tab keeps the tick" '\[2 Modules\].*|tick 600/600'
see "another tab keeps the tick (time line)" 'tick 600/600 2025-12-02 01:39:50'
keys r Z
see "Z plays the recording" 'tick [2-9]/600 2025-12-02 00:00:[1-9]0 \+10s 0.2s'
keys Z h
see "h: the help screen" 'closes this help'
keys NPage
see "the help screen lists the replay keys" 'branch to a time'
see "the help screen says the replay keys win over a view's own" "win over a view's own keys"
keys Escape q
see "q ends the replay" '^EXITED rc=0'
is "the replay left no temporary tree in /dev/shm" \
    "$(find /dev/shm -maxdepth 1 -name 'kmemtop-replay.*' -newer "$TMP/src" 2>/dev/null)" ""

# a series of trees: t and T step through it too (no times: b cannot branch)
start 120 30 --root "$TMP/s" --view slabs -d 1000
see "a series: the first tree" 'tree 1/3'
keys t
see "a series: t shows the next tree" 'tree 2/3'
keys T
see "a series: T the one before" 'tree 1/3'
keys b 1 0 : 0 0 Enter
see "a series without capture times: b says it cannot branch" 'no capture times'
keys q
see "the series ends" '^EXITED rc=0'

# a user other than root, on a copy it may read
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    cp "$TMP/syn" "$TMP/syn-pub"
    chmod 644 "$TMP/syn-pub"
    cp "$TMP/syn.idx" "$TMP/syn-pub.idx"
    chmod 644 "$TMP/syn-pub.idx"
    AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
    start 140 30 -r "$TMP/syn-pub" --view slabs
    see "as nobody: the replay opens" 'tick 1/600 2025-12-02 00:00:00 PAUSED'
    keys t
    see "as nobody: t" 'tick 2/600'
    keys q
    see "as nobody: ends" '^EXITED rc=0'
    start 140 30 -r "$TMP/syn" --view slabs
    see "as nobody: root's 0600 recording is refused with its name" "EXITED rc=1"
    contains "as nobody: the error names the file" "$(cat "$TMP/stderr")" "syn: Permission denied"
    AS=
else
    ok "# SKIP not root: no other user to run as"
fi

done_testing
