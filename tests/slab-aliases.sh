#!/bin/sh
# slab-aliases.sh - the Slabs view's key x: under each cache a child row for
# each name SLUB merged into it (the links of /sys/kernel/slab that lead to
# the cache's directory), '-' in every cell but the name, under their cache
# whatever the sort, and in no total. kmemtop runs in tmux on a captured tree.
. "$(dirname "$0")/lib.sh"

. "$KM_SRCDIR/tests/tmux.sh"
if ! km_tmux kmal; then
    echo "1..0 # SKIP tmux is not installed (build.sh test installs it)"
    exit 0
fi
TREE="$FIX/this-vm-6.18"
CACHE=Acpi-State

# The names merged into CACHE, from the tree: links to its directory that are no cache.
dir=$(readlink "$TREE/sys/kernel/slab/$CACHE")
awk 'NR > 2 { print $1 }' "$TREE/proc/slabinfo" | sort >"$TMP/caches"
for f in "$TREE"/sys/kernel/slab/*; do
    [ -L "$f" ] && [ "$(readlink "$f")" = "$dir" ] && basename "$f"
done | sort | comm -23 - "$TMP/caches" >"$TMP/want"
n=$(wc -l <"$TMP/want")
[ "$n" -ge 2 ] && ok "the tree merges $n names into $CACHE" || nok "the tree merges names into $CACHE" "$(cat "$TMP/want")"

# the rows right under CACHE's row that are indented (its children), their first word
kids() { pane | awk -v c="$CACHE" 'f && /^  [^ ]/ { print $1; next } f { exit } $1 == c { f = 1 }' | sort; }
kids_are_want() { [ "$(kids)" = "$(cat "$TMP/want")" ]; }
kids_ok() { if poll kids_are_want; then ok "$1"; else nok "$1" "children of $CACHE: $(kids | tr '\n' ' ')
want: $(tr '\n' ' ' <"$TMP/want")
$(pane)"; fi; }
totals() { pane | grep -E '^Active / Total (Objects|Size):'; }

T new-session -d -s km -x 130 -y 60 \
    "env LC_ALL=C $KMEMTOP --root $TREE --view slabs -d 0.3 2>$TMP/stderr; sleep 60"
see "the Slabs view" '\[5 Slabs\]'
first=$(head -1 "$TMP/want")
# three caches with merged names, so that sorting moves them about
T send-keys -t km '\' "$CACHE|lsm_inode_cache|vmap_area" Enter
see "the filter shows $CACHE" "^$CACHE "
before=$(totals)
gone "no alias row before x" "^  $first "
T send-keys -t km x
see "x: the status says so" 'Merged names \(aliases\) under their caches'
kids_ok "x: each merged name is a row under $CACHE"
see "x: an alias row has '-' in its cells" "^  $first +- +- +- +- +- "
is "x: the totals are the same" "$(totals)" "$before"
T send-keys -t km n
see "n: sorted by name" 'NAME▲|NAME\^'
kids_ok "sorted by name: the merged names stay under $CACHE"
T send-keys -t km o
see "o: sorted by objects" 'vOBJS|▼OBJS'
kids_ok "sorted by objects: the merged names stay under $CACHE"
T send-keys -t km x
gone "x again: the alias rows are gone" "^  $first "
T send-keys -t km q
[ -s "$TMP/stderr" ] && nok "nothing on stderr" "$(cat "$TMP/stderr")" || ok "nothing on stderr"
done_testing
