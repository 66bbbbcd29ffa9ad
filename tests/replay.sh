#!/bin/sh
# replay.sh - seeking in a long recording (600 ticks made by tests/rec-synth.py: a
# self-contained record every 256, the index FILE.idx): --from/--to cut it by time, a seek
# gives the frames (rates included) a replay from the start gives, through the index or a
# scan without it (a torn or stale index is not trusted), and decodes only from the
# self-contained record before it; -r --capture writes the ticks as a series that --root
# shows as the recording; --keep and --max-size drop the oldest ticks and leave a
# recording that replays, where --from @TIME of a compressed (KMR2) tick of a real writer's
# long recording still gives that tick's frame of the whole recording's replay.
. "$(dirname "$0")/lib.sh"
mkdir "$TMP/s" "$TMP/t"
ln -s "$FIX/debian61-root" "$TMP/s/1"
ln -s "$FIX/debian61-root2" "$TMP/s/2"
ln -s "$FIX/debian61-root" "$TMP/s/3"
export TMPDIR="$TMP/t"
T0=1764633600 # 2025-12-02 00:00:00 UTC
"$KMEMTOP" -w "$TMP/src" --root "$TMP/s" >/dev/null
python3 "$KM_SRCDIR/tests/rec-synth.py" "$FIX/rec-v1.kmr" "$TMP/syn" 600 $T0 10
python3 "$KM_SRCDIR/tests/rec-synth.py" "$FIX/rec-v1.kmr" "$TMP/noidx" 600 $T0 10 --no-index
is "the synthetic recording has its index" "$(stat -c %s "$TMP/syn.idx")" $((8 + 600 * 48))

# the frames without what differs by construction: the tree's path, the frame number, timings
# and the trends' fields, which depend on the ticks a replay saw before (a seek starts them anew)
frames() { jq -S -c 'del(.root, .frame) | del(.. | .seconds?) | del(.. | .trend?, .delta?, .delta_objs?, .delta_ram?, .suspect?, .new_since_baseline?)'; }
ticktimes() { jq -r .time | tr '\n' ' '; }

"$KMEMTOP" -r "$TMP/syn" -b --format json --view slabs --from 00:50 --to 00:51 >"$TMP/a.json" 2>"$TMP/a.err"
is "--from 00:50 --to 00:51: the seven ticks of that minute" "$(ticktimes <"$TMP/a.json")" \
    "$(seq $((T0 + 3000)) 10 $((T0 + 3060)) | tr '\n' ' ')"
"$KMEMTOP" -r "$TMP/syn" -b --format json --view slabs --from 00:48 --to 00:51 2>&1 | tail -7 >"$TMP/b.json"
if frames <"$TMP/a.json" >"$TMP/a.f" && frames <"$TMP/b.json" >"$TMP/b.f" && [ -s "$TMP/a.f" ] &&
    cmp -s "$TMP/a.f" "$TMP/b.f"; then
    ok "a seek gives the frames, rates included, of a replay that came to them tick by tick"
else
    nok "a seek gives the frames of a replay that came to them tick by tick" \
        "$(diff "$TMP/a.f" "$TMP/b.f" | cut -c1-300 | head; cat "$TMP/a.err")"
fi
jq -c '.slabs.rows[] | select(.growth_bps? != null and .growth_bps != 0) | .name' "$TMP/a.json" 2>/dev/null | head -1 >"$TMP/grow"
"$KMEMTOP" -r "$TMP/noidx" -b --format json --view slabs --from 00:50 --to 00:51 2>&1 | frames >"$TMP/c.f"
is "without the index (a scan): the same frames" "$(cmp -s "$TMP/a.f" "$TMP/c.f" && echo same)" same
"$KMEMTOP" -r "$TMP/syn" -b --format json --view slabs --from 2025-12-02T00:50:00 -n 1 | ticktimes >"$TMP/d"
is "--from as a date and time" "$(cat "$TMP/d")" "$((T0 + 3000)) "
"$KMEMTOP" -r "$TMP/syn" -b --format json --view slabs --from @$((T0 + 5985)) | ticktimes >"$TMP/d"
is "--from @EPOCH between two ticks: the next tick, to the end" "$(cat "$TMP/d")" "$((T0 + 5990)) "
out=$("$KMEMTOP" -r "$TMP/syn" -b --from 03:00 2>&1)
contains "--from after the last tick: said, with the recording's span" "$out" \
    'no tick in that range \(the ticks are from 2025-12-02 00:00:00 to 2025-12-02 01:39:50\)'
out=$("$KMEMTOP" -r "$TMP/syn" -b --from 25:00 2>&1)
contains "--from 25:00: not a time" "$out" 'not a time: "25:00"'
out=$("$KMEMTOP" -b --from 00:50 2>&1)
contains "--from without -r or --root: refused" "$out" 'only with -r FILE or a --root series'

# a seek reads the records from the self-contained one before it, not from the start
if command -v strace >/dev/null 2>&1; then
    n=$(strace -f -e trace=pread64 -o "$TMP/strace" "$KMEMTOP" -r "$TMP/syn" -b --format json \
        --view slabs --from 01:38:10 -n 1 >"$TMP/seek.json" 2>&1; grep -c pread64 "$TMP/strace")
    if [ "$n" -lt 300 ] && [ "$(ticktimes <"$TMP/seek.json")" = "$((T0 + 5890)) " ]; then
        ok "a seek to tick 590 of 600 reads $n times (from the self-contained tick 513 on)"
    else
        nok "a seek to tick 590 of 600 reads from tick 513 on, not from the start" "$n preads"
    fi
    n=$(strace -f -e trace=pread64 -o "$TMP/strace" "$KMEMTOP" -r "$TMP/noidx" -b --format json \
        --view slabs --from 01:38:10 -n 1 >/dev/null 2>&1; grep -c pread64 "$TMP/strace")
    echo "# without the index: $n reads (the scan reads every record)"
else
    ok "# SKIP strace is not installed"
fi

# a torn index (its last entry cut short) or one of another recording: not trusted
cp "$TMP/syn" "$TMP/torn"
head -c $((8 + 400 * 48 + 20)) "$TMP/syn.idx" >"$TMP/torn.idx"
"$KMEMTOP" -r "$TMP/torn" -b --format json --view slabs --from 00:50 --to 00:51 2>&1 | frames >"$TMP/e.f"
is "a torn index: the ticks after it found by a scan, the same frames" \
    "$(cmp -s "$TMP/a.f" "$TMP/e.f" && echo same)" same
cp "$TMP/noidx" "$TMP/other"
python3 "$KM_SRCDIR/tests/rec-synth.py" "$FIX/rec-v1.kmr" "$TMP/other2" 600 $((T0 + 7)) 10
cp "$TMP/other2.idx" "$TMP/other.idx"
"$KMEMTOP" -r "$TMP/other" -b --format json --view slabs --from 00:50 --to 00:51 2>&1 | frames >"$TMP/f.f"
is "the index of another recording: not used (the frames are this one's)" \
    "$(cmp -s "$TMP/a.f" "$TMP/f.f" && echo same)" same

# -r FILE --capture DIR: the ticks as a series of trees, which --root shows as the recording
"$KMEMTOP" -r "$TMP/src" --capture "$TMP/x" >"$TMP/x.out" 2>&1
is "-r --capture: one tree per tick" "$(ls "$TMP/x" | tr '\n' ' ')" "0001 0002 0003 "
is "-r --capture: the trees are 0700" "$(stat -c %a "$TMP/x/0002")" 700
# (a capture's record says that it is complete, which the fixtures' records did not)
capkeys() { jq -c 'del(.capture_complete)'; }
"$KMEMTOP" -r "$TMP/src" -b --format json | frames | capkeys >"$TMP/g2.f"
"$KMEMTOP" --root "$TMP/x" -b --format json | frames | capkeys >"$TMP/h.f"
if cmp -s "$TMP/g2.f" "$TMP/h.f" && [ "$(wc -l <"$TMP/h.f")" = 3 ]; then
    ok "the extracted series shows the frames of the recording"
else
    nok "the extracted series shows the frames of the recording" "$(diff "$TMP/g2.f" "$TMP/h.f" | cut -c1-300 | head)"
fi
out=$("$KMEMTOP" -r "$TMP/src" --capture "$TMP/x" 2>&1)
rc=$?
contains "-r --capture into a capture: refused without --force (exit $rc)" "$rc $out" '^1 .*'
"$KMEMTOP" -r "$TMP/syn" --capture "$TMP/y" -n 2 >/dev/null 2>&1
is "-r --capture -n 2: two trees" "$(ls "$TMP/y" | wc -l)" 2
grep -h '^time=' "$TMP/y"/*/kmemtop-capture | tr '\n' ' ' >"$TMP/ytimes"
is "-r --capture: each tree's record has its tick's time" "$(cat "$TMP/ytimes")" \
    "time=$T0.000 time=$((T0 + 10)).000 "

# a series whose names sort otherwise than their capture times: shown in time order
mv "$TMP/y/0001" "$TMP/y/b"
mv "$TMP/y/0002" "$TMP/y/a"
is "a series is shown in the order of its trees' capture times, not their names" \
    "$("$KMEMTOP" --root "$TMP/y" -b --format json --view slabs | ticktimes)" "$T0 $((T0 + 10)) "

# --keep and --max-size: the oldest ticks dropped up to a self-contained record
cp -a "$FIX/debian61-root2" "$TMP/late"
echo "time=$((T0 + 3010))" >"$TMP/late/kmemtop-capture"
python3 "$KM_SRCDIR/tests/rec-synth.py" "$FIX/rec-v1.kmr" "$TMP/keep" 300 $T0 10
"$KMEMTOP" -w "$TMP/keep" --root "$TMP/late" -n 1 --keep 300s >"$TMP/k.out" 2>&1
"$KMEMTOP" -r "$TMP/keep" -b --format json --view slabs >"$TMP/k.json" 2>"$TMP/k.err"
is "--keep 300s: ticks 1-256 dropped (tick 257 is self-contained), 45 kept" \
    "$(wc -l <"$TMP/k.json") $(head -1 "$TMP/k.json" | jq .time)" "45 $((T0 + 2560))"
is "--keep: the recording replays without error" "$(cat "$TMP/k.err")" ""
is "--keep: the recording stays 0600, its index names every tick" \
    "$(stat -c %a "$TMP/keep") $(stat -c %s "$TMP/keep.idx")" "600 $((8 + 45 * 48))"
last=$(tail -1 "$TMP/k.json" | frames)
"$KMEMTOP" --root "$TMP/late" -b --format json --view slabs | frames >"$TMP/late.f"
is "--keep: the tick appended replays as its tree" "$(printf '%s\n' "$last" | jq -c 'del(.interval, .slabs)' )" \
    "$(jq -c 'del(.interval, .slabs)' "$TMP/late.f")"
python3 "$KM_SRCDIR/tests/rec-synth.py" "$FIX/rec-v1.kmr" "$TMP/max" 600 $T0 10
before=$(stat -c %s "$TMP/max")
"$KMEMTOP" -w "$TMP/max" --root "$TMP/late" -n 1 --max-size 4M >/dev/null 2>&1
after=$(stat -c %s "$TMP/max")
n=$("$KMEMTOP" -r "$TMP/max" -b --format json --view slabs 2>&1 | wc -l)
if [ "$after" -lt $((4 << 20)) ] && [ "$before" -gt $((4 << 20)) ] && [ "$n" = 89 ]; then
    ok "--max-size 4M: $before bytes became $after, ticks from 513 on kept ($n)"
else
    nok "--max-size 4M drops up to tick 513" "before $before after $after ticks $n"
fi
out=$("$KMEMTOP" --keep 7d -b 2>&1)
contains "--keep without -w: refused" "$out" 'only with -w FILE'
is "replay writes no temporary tree (TMPDIR stays empty)" "$(ls -A "$TMP/t")" ""

# ---- a real writer's long recording: every record after the first compressed against the one
# before (KMR2) but every 256th, which stands alone (KMR1) so that dropping the oldest ticks
# and seeking start from it; 270 ticks from a series of two trees taking turns
mkdir "$TMP/s270"
for i in $(seq 1 270); do
    if [ $((i % 2)) = 0 ]; then t=debian61-root2; else t=debian61-root; fi
    ln -s "$FIX/$t" "$TMP/s270/$(printf %03d "$i")"
done
"$KMEMTOP" -w "$TMP/r270" --root "$TMP/s270" --view slabs,vmalloc >/dev/null 2>&1
is "270 ticks: records 1 and 257 stand alone, the others are compressed against the one before" \
    "$(grep -a -o 'KMR[12]' "$TMP/r270" | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')" "KMR1:2 KMR2:268 "
"$KMEMTOP" --root "$TMP/s270" -b --format json --view slabs,vmalloc 2>/dev/null | frames >"$TMP/s270.f"
"$KMEMTOP" -r "$TMP/r270" -b --format json --view slabs,vmalloc 2>"$TMP/r270.err" | frames >"$TMP/r270.f"
if [ "$(wc -l <"$TMP/r270.f")" = 270 ] && cmp -s "$TMP/s270.f" "$TMP/r270.f" && [ ! -s "$TMP/r270.err" ]; then
    ok "the 270 ticks replay as the series shows its trees"
else
    nok "the 270 ticks replay as the series shows its trees" "$(wc -l <"$TMP/r270.f") frames; $(head -3 "$TMP/r270.err")"
fi
# every view, frame by frame, both where a private mount namespace is made (libproc2 reads
# meminfo and slabinfo staged into it from the tick in memory) and without one (--no-namespace:
# kmemtop's own parsers read them from memory); a suite run under tests/no-namespaces has none
mkdir "$TMP/s12"
for i in $(seq 1 12); do
    if [ $((i % 3)) = 0 ]; then t=debian61-root2; else t=debian61-root; fi
    ln -s "$FIX/$t" "$TMP/s12/$(printf %02d "$i")"
done
"$KMEMTOP" -w "$TMP/r12" --root "$TMP/s12" >/dev/null 2>&1
for ns in namespace no-namespace; do
    opt=; [ $ns = no-namespace ] && opt=--no-namespace
    "$KMEMTOP" --root "$TMP/s12" -b --format json $opt 2>/dev/null | frames >"$TMP/s12.f"
    "$KMEMTOP" -r "$TMP/r12" -b --format json $opt 2>"$TMP/r12.err" | frames >"$TMP/r12.f"
    if [ "$(wc -l <"$TMP/r12.f")" = 12 ] && cmp -s "$TMP/s12.f" "$TMP/r12.f" && [ ! -s "$TMP/r12.err" ]; then
        ok "every view ($ns): the 12 ticks replay frame by frame as the series shows its trees"
    else
        nok "every view ($ns): the 12 ticks replay frame by frame as the series shows its trees" \
            "$(wc -l <"$TMP/r12.f") frames; $(diff "$TMP/s12.f" "$TMP/r12.f" | cut -c1-300 | head -4); $(head -3 "$TMP/r12.err")"
    fi
done
cp "$TMP/r270" "$TMP/m270"
"$KMEMTOP" -w "$TMP/m270" --root "$FIX/debian61-root2" --view slabs,vmalloc --max-size 1M >/dev/null 2>&1
"$KMEMTOP" -r "$TMP/m270" -b --format json --view slabs,vmalloc 2>"$TMP/m270.err" | frames >"$TMP/m270.f"
n=$(wc -l <"$TMP/m270.f")
head -n 14 "$TMP/m270.f" >"$TMP/m270.head"
tail -n 14 "$TMP/r270.f" >"$TMP/r270.tail"
if [ "$n" = 15 ] && [ "$(stat -c %s "$TMP/m270")" -lt $((1 << 20)) ] && cmp -s "$TMP/m270.head" "$TMP/r270.tail" &&
    [ "$(grep -a -o "KMR[12]" "$TMP/m270" | head -1)" = KMR1 ] && [ ! -s "$TMP/m270.err" ]; then
    ok "--max-size 1M: the first 256 ticks dropped, the file starts with tick 257 standing alone and replays as before"
else
    nok "--max-size 1M drops the first 256 ticks of a prefix-compressed recording" \
        "$n ticks, $(stat -c %s "$TMP/m270") bytes, first record $(grep -a -o "KMR[12]" "$TMP/m270" | head -1); $(head -3 "$TMP/m270.err")"
fi

# ---- seeking in a trimmed real-writer recording: 270 timed ticks (records 1 and 257 stand
# alone, the rest KMR2, each compressed against the one before), trimmed by --keep and by
# --max-size to ticks 257-270 and the one appended; --from @TIME of a compressed tick gives
# exactly that tick's frame (rates included) of a replay of the whole recording from its start
mkdir -p "$TMP/tb1" "$TMP/tb2" "$TMP/st"
cp -a "$FIX/debian61-root/proc" "$TMP/tb1/"
cp -a "$FIX/debian61-root2/proc" "$TMP/tb2/"
for i in $(seq 1 270); do
    d="$TMP/st/$(printf %03d "$i")"
    mkdir "$d"
    if [ $((i % 2)) = 0 ]; then cp -al "$TMP/tb2/proc" "$d/"; else cp -al "$TMP/tb1/proc" "$d/"; fi
    echo "time=$((T0 + 10 * i))" >"$d/kmemtop-capture"
done
"$KMEMTOP" -w "$TMP/rt" --root "$TMP/st" --view slabs,vmalloc >/dev/null 2>&1
is "270 timed ticks: records 1 and 257 stand alone, 268 compressed" \
    "$(grep -a -o 'KMR[12]' "$TMP/rt" | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')" "KMR1:2 KMR2:268 "
"$KMEMTOP" -r "$TMP/rt" -b --format json --view slabs,vmalloc 2>/dev/null | frames >"$TMP/rt.f"
tick() { sed -n "${1}p" "$TMP/rt.f"; }
cp -a "$TMP/tb1" "$TMP/tlate"
echo "time=$((T0 + 2800))" >"$TMP/tlate/kmemtop-capture"
cp "$TMP/rt" "$TMP/rk"
cp "$TMP/rt.idx" "$TMP/rk.idx"
"$KMEMTOP" -w "$TMP/rk" --root "$TMP/tlate" --view slabs,vmalloc --keep 200s >/dev/null 2>&1
cp "$TMP/rt" "$TMP/rm"
cp "$TMP/rt.idx" "$TMP/rm.idx"
"$KMEMTOP" -w "$TMP/rm" --root "$TMP/tlate" --view slabs,vmalloc --max-size 1M >/dev/null 2>&1
for r in rk rm; do
    is "$r: trimmed to ticks 257-270 and the appended one, the first standing alone" \
        "$("$KMEMTOP" -r "$TMP/$r" -b --format json --view slabs,vmalloc 2>&1 | ticktimes | awk '{ print NF, $1 }'):$(grep -a -o 'KMR[12]' "$TMP/$r" | head -1)" \
        "15 $((T0 + 2570)):KMR1"
    for i in 258 265 270; do
        "$KMEMTOP" -r "$TMP/$r" -b --format json --view slabs,vmalloc --from @$((T0 + 10 * i)) \
            2>"$TMP/seek.err" | head -1 | frames >"$TMP/seek.f"
        if [ -s "$TMP/seek.f" ] && [ "$(cat "$TMP/seek.f")" = "$(tick $i)" ] && [ ! -s "$TMP/seek.err" ]; then
            ok "$r: --from @TIME of tick $i gives the frame of tick $i in the full replay"
        else
            nok "$r: --from @TIME of tick $i gives the frame of tick $i in the full replay" \
                "$(head -3 "$TMP/seek.err"; tick $i | diff "$TMP/seek.f" - | head -5)"
        fi
    done
done
# the comparison tells ticks apart: two neighbours (the two trees, and the rates between) differ
if [ "$(tick 264)" != "$(tick 265)" ] && [ -n "$(tick 265)" ]; then ok "neighbouring ticks' frames differ"
else nok "neighbouring ticks' frames differ"; fi

done_testing
