#!/bin/sh
# record.sh - kmemtop -w FILE and -r FILE: a recording of three ticks from a series of
# fixture trees replays to the frames of --root on the same trees (but for root, time and
# the read timings); an unchanged tick is small (bytes per tick printed); the file is 0600;
# a torn tail is ignored on replay and cut off when the recording is continued; a second
# writer is refused while the first holds the lock; a symlink FILE is refused; replay's
# ticks are read from memory (nothing written to TMPDIR, also when ended by SIGTERM); a tick whose vmallocinfo changed by a
# line is small (compressed against the tick before); a recording of the old format replays.
. "$(dirname "$0")/lib.sh"
umask 022
mkdir "$TMP/s" "$TMP/t"
ln -s "$FIX/debian61-root" "$TMP/s/1"
ln -s "$FIX/debian61-root2" "$TMP/s/2"
ln -s "$FIX/debian61-root2" "$TMP/s/3" # the same files again: a tick that changed nothing
export TMPDIR="$TMP/t"
REC=$TMP/rec

# the frames without what differs by construction: the tree's path, the time, read timings
frames() { jq -S -c 'del(.root, .time) | del(.. | .seconds?)'; }

out=$("$KMEMTOP" -w "$REC" --root "$TMP/s" 2>&1)
is "-w records the series' three ticks" "$(printf '%s\n' "$out" | grep -c '^recorded tick')" 3
is "the recording is mode 0600" "$(stat -c %a "$REC")" 600
b1=$(printf '%s\n' "$out" | sed -n 's/^recorded tick 1: \([0-9]*\) bytes$/\1/p')
b2=$(printf '%s\n' "$out" | sed -n 's/^recorded tick 2: \([0-9]*\) bytes$/\1/p')
b3=$(printf '%s\n' "$out" | sed -n 's/^recorded tick 3: \([0-9]*\) bytes$/\1/p')
echo "# bytes per tick: first $b1, changed $b2, unchanged $b3 (the trees: $(du -sLh "$FIX/debian61-root" | cut -f1))"
if [ -n "$b3" ] && [ "$b3" -lt $((b2 / 3)) ] && [ "$b3" -lt 10000 ]; then
    ok "dedup: the unchanged tick takes $b3 bytes ($b2 for a changed one)"
else
    nok "dedup: the unchanged tick is small" "$out"
fi

"$KMEMTOP" --root "$TMP/s" -b --format json >"$TMP/root.json" 2>"$TMP/root.err"
"$KMEMTOP" -r "$REC" -b --format json >"$TMP/rec.json" 2>"$TMP/rec.err"
is "replay prints three JSON frames" "$(wc -l <"$TMP/rec.json")" 3
if frames <"$TMP/root.json" >"$TMP/root.f" && frames <"$TMP/rec.json" >"$TMP/rec.f" &&
    cmp -s "$TMP/root.f" "$TMP/rec.f"; then
    ok "the replayed frames equal those of --root on the same trees"
else
    nok "the replayed frames equal those of --root on the same trees" \
        "$(diff "$TMP/root.f" "$TMP/rec.f" | cut -c1-300 | head -20; cat "$TMP/rec.err")"
fi
"$KMEMTOP" --root "$TMP/s" -b >"$TMP/root.txt" 2>&1
"$KMEMTOP" -r "$REC" -b >"$TMP/rec.txt" 2>&1
is "text replay: as many lines as --root's" "$(wc -l <"$TMP/rec.txt")" "$(wc -l <"$TMP/root.txt")"
"$KMEMTOP" -r "$REC" -b --format csv --view slabs >"$TMP/rec.csv" 2>&1
"$KMEMTOP" --root "$TMP/s" -b --format csv --view slabs >"$TMP/root.csv" 2>&1
is "CSV replay of a view equals --root's" "$(cmp -s "$TMP/rec.csv" "$TMP/root.csv" && echo same)" same
is "replay writes no temporary tree (TMPDIR stays empty)" "$(ls -A "$TMP/t")" ""

# a record claiming a tick far larger than any frame reads (its CRC made right, as a
# stranger's file could): treated as the end of the recording, its size never allocated
python3 - "$REC" "$TMP/huge" <<'PY'
import struct, sys, zlib
d = bytearray(open(sys.argv[1], 'rb').read())
off = 8                                     # the file header; then the first record's
zlen = struct.unpack_from('<I', d, off + 4)[0]
struct.pack_into('<I', d, off + 8, 0xFFFFFFF0)  # rawlen: 4 GiB
crc = zlib.crc32(bytes(d[off:off + 12]))
crc = zlib.crc32(bytes(d[off + 16:off + 32]), crc)
crc = zlib.crc32(bytes(d[off + 32:off + 32 + zlen]), crc)
struct.pack_into('<I', d, off + 12, crc)
open(sys.argv[2], 'wb').write(d)
PY
rc=0
"$KMEMTOP" -r "$TMP/huge" -b --format json >"$TMP/huge.json" 2>"$TMP/huge.err" || rc=$?
is "a record claiming 4 GiB: no tick replayed from it, no crash (status $rc)" \
    "$(wc -l <"$TMP/huge.json")|$([ "$rc" -lt 128 ] && echo ok)" "0|ok"
contains "a record claiming 4 GiB: said to be a torn tail from the first record" "$(cat "$TMP/huge.err")" 'torn tail|not a recording|no tick'

# a torn tail: the last record cut short is ignored, then cut off by the next writer
cp "$REC" "$TMP/torn"
truncate -s -5 "$TMP/torn"
"$KMEMTOP" -r "$TMP/torn" -b --format json >"$TMP/torn.json" 2>"$TMP/torn.err"
is "a torn tail: replay shows the ticks before it" "$(wc -l <"$TMP/torn.json")" 2
contains "a torn tail: replay says it ignored it" "$(cat "$TMP/torn.err")" 'torn tail.*ignored'
out=$("$KMEMTOP" -w "$TMP/torn" --root "$FIX/debian61-root2" -n 1 2>&1)
contains "appending after a torn tail says it was cut off" "$out" 'torn record.*continues after tick 2'
"$KMEMTOP" -r "$TMP/torn" -b --format json >"$TMP/torn2.json" 2>"$TMP/torn2.err"
is "the continued recording replays three ticks, no torn tail" \
    "$(wc -l <"$TMP/torn2.json")$(cat "$TMP/torn2.err")" 3
frames <"$TMP/torn2.json" | head -2 >"$TMP/torn2.f"
head -2 "$TMP/rec.f" >"$TMP/rec2.f"
is "its first two ticks are those recorded before the tear" \
    "$(cmp -s "$TMP/torn2.f" "$TMP/rec2.f" && echo same)" same
# a whole recording appended to: the new writer stores its files whole, the replay is right
# (the frame's number and the rows' history, which count the ticks before it, aside)
NOHIST='del(.frame) | del(.. | .trend?, .delta?, .delta_objs?, .delta_ram?, .suspect?, .new_since_baseline?)'
"$KMEMTOP" -w "$TMP/torn" --root "$FIX/debian61-root2" -n 1 >/dev/null 2>&1
"$KMEMTOP" -r "$TMP/torn" -b --format json 2>&1 | frames | tail -1 | jq -c "$NOHIST" >"$TMP/torn3.f"
tail -1 "$TMP/rec.f" | jq -c "$NOHIST" >"$TMP/rec3.f"
is "a fourth tick appended replays as the same tree recorded in one run" \
    "$(cmp -s "$TMP/torn3.f" "$TMP/rec3.f" && echo same)" same

# two writers: the second is refused while the first records (live, every 0.2 s)
"$KMEMTOP" -w "$TMP/live" -n 300 -d 0.2 --view slabs >"$TMP/live.out" 2>&1 &
pid=$!
i=0
while [ $i -lt 100 ] && ! grep -q '^recorded tick 1' "$TMP/live.out" 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done
out=$("$KMEMTOP" -w "$TMP/live" -n 1 2>&1)
rc=$?
is "a second writer is refused (exit 1)" "$rc" 1
contains "a second writer is refused: it says the file is locked" "$out" 'another kmemtop is recording into it'
kill -TERM $pid
wait $pid
is "the first writer ends by its SIGTERM" "$?" 143
"$KMEMTOP" -r "$TMP/live" -b --format json --view slabs >"$TMP/live.json" 2>"$TMP/live.err"
n=$(wc -l <"$TMP/live.json")
if [ "$n" -ge 1 ] && [ ! -s "$TMP/live.err" ]; then
    ok "the interrupted live recording replays whole ($n ticks)"
else
    nok "the interrupted live recording replays whole" "$(cat "$TMP/live.err" "$TMP/live.out")"
fi
echo "# live bytes per tick (slabs view): $(sed -n 's/^recorded tick [0-9]*: //p' "$TMP/live.out" | tr '\n' ' ')"

# a symlink FILE is refused, its target untouched
touch "$TMP/victim"
ln -s "$TMP/victim" "$TMP/link"
out=$("$KMEMTOP" -w "$TMP/link" --root "$FIX/debian61-root" -n 1 2>&1)
rc=$?
is "-w on a symlink: refused (exit 1)" "$rc" 1
contains "-w on a symlink: says why" "$out" 'symbolic link'
is "-w on a symlink: the target is untouched" "$(stat -c %s "$TMP/victim")" 0
ln -s "$REC" "$TMP/reclink"
"$KMEMTOP" -r "$TMP/reclink" -b >/dev/null 2>"$TMP/rl.err"
contains "-r on a symlink: refused" "$(cat "$TMP/rl.err")" 'symbolic link'
"$KMEMTOP" -r "$TMP/victim" -b >/dev/null 2>"$TMP/nr.err"
contains "-r on a file that is not a recording: refused" "$(cat "$TMP/nr.err")" 'not a kmemtop recording'

# SIGTERM while replaying (blocked writing into a full pipe): it ends by the signal, and
# replay (ticks read from memory) never wrote a tree into $TMPDIR (until 2026-12 it did)
mkfifo "$TMP/fifo"
exec 3<>"$TMP/fifo"
"$KMEMTOP" -r "$REC" -b --format json >"$TMP/fifo" 2>/dev/null &
pid=$!
i=0
while [ $i -lt 50 ] && ! grep -q '^State:.*S (sleeping)' /proc/$pid/status 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done
sleep 0.5
made=$(ls -A "$TMP/t" | wc -l)
kill -TERM $pid
wait $pid
rc=$?
exec 3<&-
is "SIGTERM during replay: no directory made ($made), ends by the signal" "$made $rc" "0 143"
is "SIGTERM during replay: nothing left in TMPDIR" "$(ls -A "$TMP/t")" ""

# a record is compressed against the record before it (zstd's prefix): a tick whose
# vmallocinfo changed by one line costs what changed, not the file compressed alone
mkdir "$TMP/v" "$TMP/v/1"
cp -a "$FIX/debian61-root/." "$TMP/v/1/"
cp -a "$TMP/v/1" "$TMP/v/2"
chmod u+w "$TMP/v/2/proc" "$TMP/v/2/proc/vmallocinfo"
sed -i '100s/pages=4 vmalloc/pages=5 vmalloc/' "$TMP/v/2/proc/vmallocinfo"
out=$("$KMEMTOP" -w "$TMP/vrec" --root "$TMP/v" 2>&1)
bv=$(printf '%s\n' "$out" | sed -n 's/^recorded tick 2: \([0-9]*\) bytes$/\1/p')
if command -v zstd >/dev/null 2>&1; then
    alone=$(zstd -3 -c "$TMP/v/2/proc/vmallocinfo" | wc -c)
else
    alone=$(printf '%s\n' "$out" | sed -n 's/^recorded tick 1: \([0-9]*\) bytes$/\1/p')
fi
echo "# vmallocinfo changed by one line: the tick takes $bv bytes (the file alone: $alone)"
if [ -n "$bv" ] && [ "$bv" -lt $((alone / 10)) ]; then
    ok "a tick whose vmallocinfo changed by one line: $bv bytes, < 1/10 of the file alone ($alone)"
else
    nok "a tick whose vmallocinfo changed by one line costs < 1/10 of the file alone" "$out"
fi
"$KMEMTOP" --root "$TMP/v" -b --format json 2>&1 | frames >"$TMP/v.root"
"$KMEMTOP" -r "$TMP/vrec" -b --format json 2>&1 | frames >"$TMP/v.rec"
is "the tick compressed against the one before replays as its tree" \
    "$(cmp -s "$TMP/v.root" "$TMP/v.rec" && [ "$(wc -l <"$TMP/v.rec")" = 2 ] && echo same)" same

# a recording written by kmemtop before the prefix (records compressed alone, KMR1:
# tests/fixtures/rec-v1.kmr, of the trees debian61-root, -root2, -root) still replays
mkdir "$TMP/o"
ln -s "$FIX/debian61-root" "$TMP/o/1"
ln -s "$FIX/debian61-root2" "$TMP/o/2"
ln -s "$FIX/debian61-root" "$TMP/o/3"
"$KMEMTOP" --root "$TMP/o" -b --format json 2>&1 | frames >"$TMP/o.root"
"$KMEMTOP" -r "$FIX/rec-v1.kmr" -b --format json 2>"$TMP/o.err" | frames >"$TMP/o.rec"
if cmp -s "$TMP/o.root" "$TMP/o.rec" && [ "$(wc -l <"$TMP/o.rec")" = 3 ] && [ ! -s "$TMP/o.err" ]; then
    ok "a recording of the old format (records compressed alone) replays as its trees"
else
    nok "a recording of the old format replays as its trees" \
        "$(diff "$TMP/o.root" "$TMP/o.rec" | cut -c1-300 | head; cat "$TMP/o.err")"
fi

# a single tree without -n: one tick, then done (not the same tree again and again)
rc=0
timeout 20 "$KMEMTOP" -w "$TMP/one" --root "$FIX/debian61-root" --view slabs >"$TMP/one.out" 2>&1 || rc=$?
is "-w from a single tree without -n: one tick, and it ends" "$rc $(grep -c '^recorded tick' "$TMP/one.out")" "0 1"

done_testing
