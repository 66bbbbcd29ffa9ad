#!/bin/sh
# trends.sh - the change since the baseline, the TREND column and leak suspects over a
# generated series of 14 trees, 10 s apart (made here from series-slab-growth/1-root):
# dentry grows by 100 slabs every tick (the only suspect), filp grows a lot but shrinks
# twice (11 of 13 intervals: under 90%), radix_tree_node grows every tick by less than the
# threshold, inode_cache goes up and down, and kmemtop_test_new appears at the 8th tree.
# Every expected figure is computed here from the trees' slabinfo. Then the same through a
# recording (-w, -r), as nobody, and on the screen in tmux: the suspect line and mark, the
# chart of the details overlay and the baseline key B.
. "$(dirname "$0")/lib.sh"

N=14
SER="$TMP/series"
BASE="$FIX/series-slab-growth/1-root"
mkdir -p "$SER"
for i in $(seq 1 $N); do
    d="$SER/$(printf %02d "$i")"
    cp -R "$BASE" "$d"
    awk -v i="$i" '
        function set(sl) { $14 = sl; $15 = sl; $3 = sl * $5; $2 = $3 }
        $1 == "dentry" { set($15 + 100 * i) }
        $1 == "filp" { set($15 + 300 * i - 350 * ((i >= 5) + (i >= 9))) }
        $1 == "radix_tree_node" { set($15 + i) }
        $1 == "inode_cache" { set($15 + (i % 2 == 0 ? 200 : 50)) }
        { print }
        END { if (i >= 8) print "kmemtop_test_new 80 80 512 8 1 : tunables 0 0 0 : slabdata 10 10 0" }
    ' "$BASE/proc/slabinfo" >"$d/proc/slabinfo"
    awk -v i="$i" '{ printf "%.2f %.2f\n", 1000 + 10 * i, 900 + 10 * i }' "$BASE/proc/uptime" >"$d/proc/uptime"
done
# slabs_of TREE CACHE: num_slabs; pages_of: pages per slab; objs_of: num_objs
field_of() { awk -v c="$2" -v f="$3" '$1 == c { print $f }' "$SER/$1/proc/slabinfo"; }
foot_delta() { # CACHE FROM TO: footprint change in bytes (page size 4096)
    echo $((($(field_of "$3" "$1" 15) - $(field_of "$2" "$1" 15)) * $(field_of "$3" "$1" 6) * 4096))
}

"$KMEMTOP" --root "$SER" -b --view slabs,overview,modules,vmalloc --format json >"$TMP/s.json" 2>"$TMP/err"
is "series: $N frames" "$(wc -l <"$TMP/s.json" | tr -d ' ')" $N
last() { tail -1 "$TMP/s.json" | jq -c "$1"; }
at() { sed -n "$1p" "$TMP/s.json" | jq -c "$2"; }
is "the first frame has no history keys (one-frame output unchanged)" \
    "$(at 1 '[.slabs.trend, (.slabs.rows[0] | has("delta"), has("suspect"))]')" '[null,false,false]'
is "the last frame: dentry, and only it, is a leak suspect" "$(last '.slabs.trend.suspects')" '["dentry#0"]'
is "... marked in its row; filp (11 of 13 intervals), radix_tree_node (small), inode_cache are not" \
    "$(last '[.slabs.rows[] | select(.suspect) | .name]')" '["dentry"]'
is "10 frames (9 intervals) are too few" "$(at 10 '.slabs.trend.suspects')" '[]'
is "11 frames (10 intervals): dentry" "$(at 11 '.slabs.trend.suspects')" '["dentry#0"]'
is "trend object: ticks, window, baseline 1, default threshold 1M" \
    "$(last '.slabs.trend | [.ticks, .window_ticks, .baseline_tick, .leak_threshold_bytes, .untracked_rows]')" \
    "[$N,$N,1,1048576,0]"
for c in dentry filp radix_tree_node inode_cache; do
    is "$c: delta = footprint now - at frame 1, from slabinfo" \
        "$(last ".slabs.rows[] | select(.name==\"$c\") | .delta")" "$(foot_delta $c 01 $N)"
done
is "dentry: delta_objs = num_objs now - at frame 1" "$(last '.slabs.rows[] | select(.name=="dentry") | .delta_objs')" \
    $(($(field_of $N dentry 3) - $(field_of 01 dentry 3)))
is "a cache new since the baseline: new_since_baseline, its whole footprint as delta, no suspect" \
    "$(last '.slabs.rows[] | select(.name=="kmemtop_test_new") | [.new_since_baseline, .delta, .suspect]')" \
    "[true,$((10 * 4096)),false]"
is "the other views' histories (nothing grows there): no suspect" \
    "$(last '[.overview.trend.suspects, .vmalloc.trend.suspects] | map(length)')" '[0,0]'

"$KMEMTOP" --root "$SER" -b --view slabs --format json --baseline 5 | tail -1 >"$TMP/b5.json"
is "--baseline 5: dentry's delta from the 5th tree" \
    "$(jq '.slabs.rows[] | select(.name=="dentry") | .delta' "$TMP/b5.json")" "$(foot_delta dentry 05 $N)"
is "--baseline 5: a cache new at the 8th tree is new" \
    "$(jq '.slabs.rows[] | select(.name=="kmemtop_test_new") | .new_since_baseline' "$TMP/b5.json")" true
"$KMEMTOP" --root "$SER" -b --view slabs --format json --baseline 9 | tail -1 >"$TMP/b9.json"
is "--baseline 9: that cache was there at the baseline" \
    "$(jq -c '.slabs.rows[] | select(.name=="kmemtop_test_new") | [.new_since_baseline, .delta]' "$TMP/b9.json")" '[false,0]'
grow=$(foot_delta dentry 01 $N)
thr() { "$KMEMTOP" --root "$SER" -b --view slabs --format json --leak-threshold "$1" | tail -1 | jq -c .slabs.trend.suspects; }
is "--leak-threshold $grow (dentry's growth, exclusive): no suspect" "$(thr $grow)" '[]'
is "--leak-threshold $((grow - 1)): dentry" "$(thr $((grow - 1)))" '["dentry#0"]'
is "--leak-threshold 5M: dentry (5.08M)" "$(thr 5M)" '["dentry#0"]'
out=$("$KMEMTOP" --root "$SER" -b --leak-threshold 5X 2>&1) && rc=0 || rc=$?
is "--leak-threshold 5X: a usage error" "$rc" 2
contains "... that names the option" "$out" 'leak-threshold'
out=$("$KMEMTOP" --root "$SER" -b --baseline 0 2>&1) && rc=0 || rc=$?
is "--baseline 0: a usage error" "$rc" 2

# --- text and CSV ---
"$KMEMTOP" --root "$SER" -b --view slabs -s delta --raw >"$TMP/s.txt"
lastframe=$(awk '/^== Slabs ==/ { n++ } n == '$N "$TMP/s.txt")
contains "text: the suspects line" "$lastframe" \
    '^Leak suspects \(grew in 90% of the last 13 intervals, by more than 1\.00M\): dentry$'
contains "text: -s delta sorts by the change, filp first" "$(printf '%s\n' "$lastframe" | awk '/^NAME/ { getline; print }')" '^filp '
contains "text: dentry's row with its signed change, an ASCII trend rising, LEAK" "$lastframe" \
    "^dentry .* \+$grow +\+[0-9]+ +_[._~=+*#-]*# +LEAK$"
contains "text: the header of the history columns, the sort column (-s delta) marked" "$lastframe" 'GROWTH +\+SIZE\* +\+OBJS +TREND +FLAG$'
first=$(awk '/^== Slabs ==/ { n++ } n == 1' "$TMP/s.txt")
if printf '%s\n' "$first" | grep -q 'TREND'; then nok "text: no history columns on the first frame"; else ok "text: no history columns on the first frame"; fi
"$KMEMTOP" --root "$SER" -b --view slabs --format csv | awk '/^view,/ { h = $0 } /^slabs,dentry#0,/ { r = $0 } END { print h; print r }' | tr -d '\r' >"$TMP/s.csv"
is "CSV, the last frame: the history fields by their JSON names" \
    "$(head -1 "$TMP/s.csv" | tr ',' '\n' | grep -Ec '^(delta|delta_objs|suspect|new_since_baseline)$')" 4
contains "CSV: dentry's delta and suspect" "$(tail -1 "$TMP/s.csv")" ",$grow,.*,true,"

# --- a recording of the series replays to the same trends ---
"$KMEMTOP" -w "$TMP/rec" --root "$SER" >/dev/null 2>"$TMP/rec.err"
"$KMEMTOP" -r "$TMP/rec" -b --view slabs --format json | tail -1 >"$TMP/r.json"
is "replay: the last frame's suspects" "$(jq -c .slabs.trend.suspects "$TMP/r.json")" '["dentry#0"]'
is "replay: dentry's delta" "$(jq '.slabs.rows[] | select(.name=="dentry") | .delta' "$TMP/r.json")" "$grow"

# --- as nobody ---
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    P=$(mktemp -d /tmp/kmemtop-trends.XXXXXX)
    cp -R "$SER" "$P/series" && chmod -R a+rX "$P"
    (cd / && setpriv --reuid=nobody --regid=nogroup --clear-groups "$KMEMTOP" --root "$P/series" -b \
        --view slabs --format json) 2>"$TMP/nobody.err" | tail -1 >"$TMP/nobody.json"
    is "as nobody: the same suspects" "$(jq -c .slabs.trend.suspects "$TMP/nobody.json")" '["dentry#0"]'
    rm -rf "$P"
else
    ok "# SKIP as nobody: not root or no setpriv"
fi

# --- the screen ---
. "$KM_SRCDIR/tests/tmux.sh"
if ! km_tmux kmtr; then
    ok "# SKIP screen: no tmux"
    done_testing
    exit
fi
T new-session -d -s km -x 170 -y 50 "env LC_ALL=${UTF8:-C} $KMEMTOP --root $SER --view slabs -s delta -d 0.1; sleep 60"
see "screen: the series ends" 'end of series'
see "screen: the suspects line" '^Leak suspects .*: dentry$'
see "screen: dentry's row, its change and LEAK" '^dentry .* \+5\.08M .* LEAK$'
T send-keys -t km '\' d e n t r y Enter
see "filter: dentry first (sorted by +SIZE)" '^dentry .* LEAK$'
T send-keys -t km Home Enter
see "Enter: the details overlay of dentry" '^Slabs: dentry'
see "... with the history chart, flagged" '^History of FOOTPRINT \(the last 14 of at most 60 ticks\): a LEAK suspect'
see "... its y axis: the largest value at the top" '^ +11\.0M [│|]'
see "... the least at the bottom" '^ +5\.91M [│|]'
see "... the x axis and the span (the trees' uptimes)" '^ +up 16m50s \.\. up 19m00s: 14 ticks over 2m10s'
T send-keys -t km Escape
gone "Esc closes it" '^History of FOOTPRINT'
T send-keys -t km B
see "B: the status line names the baseline" 'Baseline: the frame shown; the \+ columns count from it'
gone "B: no change left since the new baseline" '\+5\.08M'
see "B: dentry's change is 0 now" '^dentry( +[^ ]+){11} +0 +0 '
T send-keys -t km q
T kill-server 2>/dev/null
done_testing
