#!/bin/sh
# screen-diff.sh - the screen is not erased on every tick: ncurses is left to
# send only what changed. kmemtop runs in tmux on a fixed tree at a fast
# refresh; KM_TEST_DRAW_LOG makes it write, on exit, how many paints it made
# and how many of them erased the screen first (the first paint, a resize, a
# change of tab or mode only). The bytes written to the pane per steady tick
# are counted too, and a table that shrinks must leave no old row behind.
. "$(dirname "$0")/lib.sh"

. "$KM_SRCDIR/tests/tmux.sh"
if ! km_tmux kmd; then
    echo "1..0 # SKIP tmux is not installed (build.sh test installs it)"
    exit 0
fi
exited() { ! T has-session -t km 2>/dev/null; }
LOG="$TMP/draw.log"
# paints: the count of paints in the log; erases: of those that erased first
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' "$LOG"; }

start() {
    rm -f "$LOG"
    T new-session -d -s km -x 120 -y 40 \
        "KM_TEST_DRAW_LOG=$LOG $KMEMTOP --root $FIX/debian612-root --view slabs -d 0.1; sleep 30"
    poll has 'shmem_inode_cache' || nok "kmemtop shows the slab table" "$(pane)"
}
stop() {
    T send-keys -t km q
    poll test -s "$LOG"
    T kill-session -t km 2>/dev/null
}

# 1. steady ticks: one erase (the first paint), many paints
start
sleep 2
: > "$TMP/pipe"
T pipe-pane -t km -o "cat >> $TMP/pipe"
sleep 2
T pipe-pane -t km
bytes=$(wc -c < "$TMP/pipe")
stop
p=$(field paints) e=$(field erases)
if [ "${p:-0}" -ge 10 ]; then ok "steady: $p paints in 4 s at -d 0.1"; else nok "steady: paints" "log: $(cat "$LOG" 2>&1)"; fi
is "steady: only the first paint erased the screen" "$e" 1
# rows that write what their line shows already are not written again (ncurses would compare
# every cell to find no change): nearly every row of nearly every paint, once the trends are full
k=$(field kept)
if [ "${k:-0}" -gt "${p:-0}" ]; then ok "steady: $k rows kept as they were over $p paints"; else nok "steady: rows kept" "log: $(cat "$LOG" 2>&1)"; fi
# about 20 ticks of an unchanged tree: next to nothing sent (a frame is thousands of bytes)
if [ "$bytes" -le 400 ]; then ok "steady: $bytes bytes sent to the terminal in 2 s"; else nok "steady: $bytes bytes sent in 2 s"; fi

# 2. a change of tab erases once, coming back once more
start
T send-keys -t km 1
poll has '== Overview|OVERVIEW|Overview' >/dev/null
sleep 0.5
T send-keys -t km 2
poll has 'shmem_inode_cache' >/dev/null
sleep 0.5
stop
is "tabs: the first paint and two changes of tab erased" "$(field erases)" 3

# 3. a filter that leaves one row: no line of the old table is left under it
start
T send-keys -t km '\' 'shmem_inode' Enter
poll has 'Filter: shmem_inode' >/dev/null
sleep 0.5
rows=$(pane | awk '/^NAME / { f = 1; next } f && /[A-Za-z]/ { n++ } END { print n + 0 }')
# the row, and at most the status and hint lines (and a total) under it
left=$(pane | grep -cE 'kmalloc|dentry|inode_cache' )
stop
is "filter: one cache row left on screen" "$left" 1
if [ "$rows" -le 4 ]; then ok "filter: $rows non-blank lines under the header"; else nok "filter: $rows lines under the header" "$(pane)"; fi

# 4. the widths come from the rows shown: a page down measures the rows it brings in, and a
#    column whose every cell shown is '-' (GROWTH, FLAG on this tree) stays left out
start
hdr() { pane | grep -m1 '^NAME '; }
before=$(hdr)
T send-keys -t km NPage
poll has '^[a-z].*' >/dev/null
sleep 0.8
after=$(hdr)
shown=$(pane | awk '/^NAME / { f = 1; next } f && /^[a-z]/ { print $1; exit }')
stop
case "$before" in *GROWTH*|*FLAG*) nok "widths: GROWTH and FLAG left out on the first page" "$before" ;;
    *) ok "widths: GROWTH and FLAG left out on the first page" ;; esac
case "$after" in *GROWTH*|*FLAG*) nok "widths: and after a page down (first row $shown)" "$after" ;;
    *) ok "widths: and after a page down (first row $shown)" ;; esac
is "widths: the columns are the same after a page down" "$after" "$before"

done_testing
