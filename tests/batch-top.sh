#!/bin/sh
# Batch mode as top -b: -b on the running kernel prints a frame every -d seconds until -n
# or a signal; -o, a tree, a pipe or --format without -b stay one frame (a series: one per
# tree). Text tables follow a line naming the view and its sort, and the sort column's
# title ends in '*'. Units: a size below 1 K carries B, absent is '-' and never "n/a", a tree
# with no page size it records or gives away says "page size unknown"; Buddy's PAGEBLOCKS.
. "$(dirname "$0")/lib.sh"
cd "$FIX"

frames() { grep -c '^kmemtop - '; }

# ---- how many frames ---------------------------------------------------------------------
timeout -s INT 2.5 "$KMEMTOP" -b -d 0.2 --view vmstat >"$TMP/live.txt" 2>"$TMP/live.err"
rc=$?
n=$(frames <"$TMP/live.txt")
if [ "$n" -ge 5 ]; then ok "-b without -n, live: frames until a signal ($n in 2.5 s at -d 0.2)"
else nok "-b without -n, live: frames until a signal" "got $n frames, status $rc: $(head -3 "$TMP/live.err")"; fi
is "-b ended by SIGINT: nothing on standard error" "$(cat "$TMP/live.err")" ""
is "-b -n 3 -d 0.1: three frames" "$("$KMEMTOP" -b -n 3 -d 0.1 --view vmstat | frames)" 3
is "-o: one frame" "$("$KMEMTOP" -o --view vmstat | frames)" 1
is "no -b, standard output a pipe: one frame" "$(timeout 10 "$KMEMTOP" --view vmstat | frames)" 1
is "--format json without -b: one frame" "$(timeout 10 "$KMEMTOP" --format json --view vmstat | wc -l)" 1
is "-b --root TREE: one frame (a tree does not change)" "$(timeout 10 "$KMEMTOP" -b --root debian61-root --view nodes | frames)" 1
is "-b --root SERIES: one frame per tree" "$(timeout 10 "$KMEMTOP" -b --root series-debian61 --view nodes | frames)" \
    "$(ls -d series-debian61/*/ | wc -l)"

# ---- the sort, named and marked ----------------------------------------------------------
out=$("$KMEMTOP" --root debian61-root -o --view slabs)
contains "slabs: the line above the table names the view and the sort" "$out" '^Slabs, sorted by FOOTPRINT \(descending\)$'
contains "slabs: FOOTPRINT* in the column titles, no other *" "$out" '^NAME +OBJS .* FOOTPRINT\* '
is "slabs: one marked title" "$(printf '%s\n' "$out" | grep '^NAME ' | tr -cd '*')" "*"
is "the sort line comes right before the titles" \
    "$(printf '%s\n' "$out" | grep -A1 '^Slabs, sorted by' | sed -n 2p | awk '{ print $1 }')" NAME
out=$("$KMEMTOP" --root debian61-root -o --view slabs -s n)
contains "-s n (name): ascending, NAME*" "$(printf '%s\n' "$out" | grep -A1 '^Slabs, sorted')" '^Slabs, sorted by NAME \(ascending\)
NAME\* '
# the captures have no cgroup hierarchy: the Cgroups view gets a generated one
sh "$KM_SRCDIR/tests/gen-cgroups.sh" "$TMP/cg" 30
for v in $(km_views); do
    tree=debian612a-root
    [ "$v" = cgroups ] && tree=$TMP/cg
    out=$("$KMEMTOP" --root "$tree" -o --view "$v")
    t=$(printf '%s\n' "$out" | sed -n 's/^== \(.*\) ==$/\1/p')
    contains "$v: its table follows '$t, sorted by ...' and has one title marked" \
        "$(printf '%s\n' "$out" | grep -A1 "^$t, sorted by" | sed -n 2p | tr -cd '*')" '^\*$'
done

# ---- units ----------------------------------------------------------------------------------
out=$("$KMEMTOP" --root debian61-root -o --view slabs)
contains "a size below 1 K carries B (smallest and average object)" "$out" \
    'Minimum / Average / Maximum Object: [0-9]+B / [0-9]+B / [0-9.]+K'
bare=$(for fx in */; do
    [ -d "$fx/proc" ] || continue
    "$KMEMTOP" --root "${fx%/}" -o --view slabs 2>/dev/null | awk -v fx="${fx%/}" '
        /^NAME/ { for (i = 1; i <= NF; i++) if ($i ~ /^(FOOTPRINT\*?|WASTE)$/) c[i] = 1; on = 1; next }
        on && NF == 0 { on = 0 }
        on { for (i in c) if ($i ~ /^[1-9][0-9]*$/) { print fx ": " $0; exit } }'
done)
is "slabs FOOTPRINT and WASTE: no bare byte count on any fixture" "$bare" ""
na=$(for fx in */; do
    [ -d "$fx/proc" ] || [ -d "$fx/sys" ] || continue
    "$KMEMTOP" --root "${fx%/}" -o 2>/dev/null | grep -n 'n/a' | sed "s|^|${fx%/}: |"
done)
is "absent is '-': no n/a in any fixture's frame" "$na" ""
out=$("$KMEMTOP" --root debian61-root -o --raw --view slabs)
contains "--raw: exact bytes, no suffix" "$out" 'Minimum / Average / Maximum Object: [0-9]+ / [0-9]+ / [0-9]+( |$)'
head1=$("$KMEMTOP" --root hygon-8node -o --view buddy | head -1)
contains "a tree without a page size it records or implies: page size unknown" "$head1" \
    ' - page size unknown \(not recorded in the tree; pages counted as [0-9]+K\)$'
is "... and not the host's" "$(printf '%s\n' "$head1" | grep -c "host's")" 0
contains "a recorded page size is stated plainly" "$("$KMEMTOP" --root edge-numa-sparse -o --view nodes | head -1)" ' - page 4K$'
contains "an inferred page size says so" "$("$KMEMTOP" --root debian61-root -o --view nodes | head -1)" ' - page 4K \(inferred\)$'

# ---- buddy: PAGEBLOCKS --------------------------------------------------------------------
contains "buddy: the pageblock count is titled PAGEBLOCKS" \
    "$("$KMEMTOP" --root debian612a-root -o --view buddy | grep '^NODE/ZONE')" '^NODE/ZONE\*? +FREE +MAXORD +PAGEBLOCKS '

done_testing
