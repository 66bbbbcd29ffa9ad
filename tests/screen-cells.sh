#!/bin/sh
# screen-cells.sh - a paint formats each table cell once: the text measure() makes for
# the column widths is the text drawn (ui/draw.c, struct scr_cells). With
# KM_TEST_DRAW_LOG kmemtop writes on exit how many cells it formatted and how many of
# those the same paint had formatted already ("twice"): none, for flat views (Slabs,
# Modules) and a tree (Cgroups), through steady ticks, keys that move, scroll and
# reverse the sort, and a filter. A repaint without a new sample (keys at -d 100)
# formats nothing: it draws the cells of the paint before.
. "$(dirname "$0")/lib.sh"

. "$KM_SRCDIR/tests/tmux.sh"
if ! km_tmux kmc; then
    echo "1..0 # SKIP tmux is not installed (build.sh test installs it)"
    exit 0
fi
LOG="$TMP/draw.log"
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' "$LOG"; }
sh "$KM_SRCDIR/tests/gen-cgroups.sh" "$TMP/cg" 300

# start ROOT VIEW DELAY RE: kmemtop on the screen until RE shows
start() {
    rm -f "$LOG"
    T new-session -d -s km -x 120 -y 40 \
        "KM_TEST_DRAW_LOG=$LOG $KMEMTOP --root $1 --view $2 -d $3; sleep 30"
    poll has "$4" || nok "kmemtop shows the $2 table" "$(pane)"
}
stop() {
    T send-keys -t km q
    poll test -s "$LOG"
    T kill-session -t km 2>/dev/null
}

# 1. ticks at -d 0.1 and keys: no cell formatted twice in a paint
for v in "slabs $FIX/debian612-root shmem_inode_cache" "modules $FIX/debian612-root ext4" \
    "cgroups $TMP/cg slice-"; do
    set -- $v
    start "$2" "$1" 0.1 "$3"
    sleep 1
    T send-keys -t km Down Down Down
    sleep 0.3
    T send-keys -t km NPage
    sleep 0.3
    T send-keys -t km R
    sleep 0.3
    T send-keys -t km '\' 'e' Enter
    sleep 0.5
    stop
    p=$(field paints) f=$(field formats)
    if [ "${p:-0}" -ge 5 ] && [ "${f:-0}" -gt 0 ]; then
        ok "$1: $p paints formatted $f cells"
    else
        nok "$1: paints and cells formatted" "log: $(cat "$LOG" 2>&1)"
    fi
    is "$1: no cell formatted twice in a paint" "$(field twice)" 0
done

# 2. a repaint without a new sample (keys, -d 100) formats no cell
for v in "slabs $FIX/debian612-root shmem_inode_cache" "cgroups $TMP/cg slice-"; do
    set -- $v
    start "$2" "$1" 100 "$3"
    sleep 0.5
    stop
    p0=$(field paints) f0=$(field formats)
    start "$2" "$1" 100 "$3"
    sleep 0.5
    T send-keys -t km Down
    sleep 0.3
    T send-keys -t km Down
    sleep 0.3
    T send-keys -t km Up
    sleep 0.3
    stop
    p1=$(field paints) f1=$(field formats)
    if [ "${p1:-0}" -gt "${p0:-0}" ]; then ok "$1: keys repainted ($p0, then $p1 paints)"; else nok "$1: keys repainted" "paints $p0 then $p1"; fi
    is "$1: the repaints formatted no cell (first paint alone: $f0)" "$f1" "$f0"
done

done_testing
