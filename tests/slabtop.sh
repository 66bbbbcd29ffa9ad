#!/bin/sh
# slabtop itself against kmemtop on the same /proc/slabinfo: every number kmemtop
# shows in slabtop's columns (and summary) must be the number `slabtop -o` prints.
#
# slabtop runs in a private mount namespace with the tree's proc/ bind-mounted over
# /proc, the way kmemtop --root shows a tree (with a user namespace when not root).
# This uses unshare(1) rather than a kmemtop option, so the program under test does
# not also set up its own oracle. Units: slabtop prints OBJ SIZE as bytes/1024 with
# two decimals, CACHE SIZE as slabs x pages/slab x page size / 1024 rounded down
# (with the host's page size), sizes in the summary as bytes/1024 with two decimals.
# kmemtop --raw prints exact bytes, converted here the same way. One documented
# difference: an empty cache's USE is 0% in slabtop and "-" in kmemtop (absent is
# not zero); the test checks that those rows have no objects.
. "$(dirname "$0")/lib.sh"

command -v slabtop >/dev/null 2>&1 || { echo "1..0 # SKIP slabtop not installed"; exit 0; }
if [ "$(id -u)" = 0 ]; then NS="unshare -m"; else NS="unshare -r -m"; fi
if ! $NS true 2>/dev/null; then echo "1..0 # SKIP cannot unshare a mount namespace"; exit 0; fi
HOSTPS=$(getconf PAGESIZE)

# in_tree TREE CMD...: CMD with TREE/proc over /proc
in_tree() {
    _t=$1
    shift
    $NS sh -c 'mount --bind "$0/proc" /proc && exec "$@"' "$_t" "$@"
}

# slabtop -o rows as "name objs active use objsize slabs objperslab cachesize", sorted
slabtop_rows() {
    awk '/^ *OBJS ACTIVE/ {t=1; next} t && NF==8 {
        u=$3; sub(/%/,"",u); o=$4; sub(/K/,"",o); c=$7; sub(/K/,"",c)
        print $8, $1, $2, u, o, $5, $6, c }' "$1" | sort
}

# kmemtop's table (--raw) in the same shape; columns found by their titles
kmemtop_rows() {
    awk -v ps_ok="$2" '
    /^NAME\*?  / { n=split($0, h, /  +/); for (i=1;i<=n;i++) { sub(/\*$/,"",h[i]); col[h[i]]=i }; t=1; next }
    t && NF==0 { t=0 }
    t { u=$col["USE"]; sub(/%/,"",u)
        if (u=="-") u=($col["OBJS"]==0 ? "0" : "BAD-USE")
        c = ps_ok ? int($col["FOOTPRINT"]/1024) : "n/a"
        printf "%s %s %s %s %.2f %s %s %s\n", $col["NAME"], $col["OBJS"], $col["ACTIVE"], u,
               $col["OBJ SIZE"]/1024, $col["SLABS"], $col["OBJ/SLAB"], c }' "$1" | sort
}

# slabtop's five summary lines, numbers only
slabtop_summary() {
    sed -n '1,5p' "$1" | sed 's/.*: //; s/[K%()]//g; s/ \/ / /g'
}

# kmemtop's summary (--raw) reshaped like slabtop's
kmemtop_summary() {
    awk '
    /^Active \/ Total Objects:/ { gsub(/[()%|]/," "); print $5, $7, $8; print $10, $12, $13; print $15, $17, $18 }
    /^Active \/ Total Size:/ { gsub(/[()%|]/," "); printf "%.2f %.2f %s\n", $5/1024, $7/1024, $8
        printf "%.2f %.2f %.2f\n", $15/1024, $17/1024, $19/1024 }' "$1"
}

compare_tree() { # NAME TREE
    name=$1 tree=$2
    in_tree "$tree" slabtop -o >"$TMP/st.txt" 2>"$TMP/st.err" ||
        { nok "$name: slabtop ran" "$(cat "$TMP/st.err")"; return; }
    "$KMEMTOP" --root "$tree" -o --view slabs --raw >"$TMP/km.txt" 2>"$TMP/km.err" ||
        { nok "$name: kmemtop ran" "$(cat "$TMP/km.err")"; return; }
    kps=$("$KMEMTOP" --root "$tree" -o --view slabs --format json | jq .page_size)
    ps_ok=1
    [ "$kps" = "$HOSTPS" ] || ps_ok=0
    slabtop_rows "$TMP/st.txt" >"$TMP/st.rows"
    kmemtop_rows "$TMP/km.txt" $ps_ok >"$TMP/km.rows"
    if [ $ps_ok = 0 ]; then # another page size: CACHE SIZE is not comparable
        sed -i 's/ [^ ]*$/ n\/a/' "$TMP/st.rows"
    fi
    n=$(wc -l <"$TMP/st.rows")
    if [ "$n" -gt 0 ] && diff -u "$TMP/st.rows" "$TMP/km.rows" >"$TMP/diff"; then
        ok "$name: $n caches, every row equal (page size $kps$([ $ps_ok = 1 ] || echo ", CACHE SIZE skipped: host's is $HOSTPS"))"
    else
        nok "$name: rows differ (slabtop -, kmemtop +)" "$(cat "$TMP/diff")"
    fi
    slabtop_summary "$TMP/st.txt" >"$TMP/st.sum"
    kmemtop_summary "$TMP/km.txt" >"$TMP/km.sum"
    if diff -u "$TMP/st.sum" "$TMP/km.sum" >"$TMP/diff"; then
        ok "$name: summary equal ($(tr '\n' ' ' <"$TMP/st.sum" | cut -c1-60)...)"
    else
        nok "$name: summary differs (slabtop -, kmemtop +)" "$(cat "$TMP/diff")"
    fi
}

# every real capture; edge-hostile-names is not kernel output (its names are shown sanitised)
for slab in $(cd "$FIX" && find . -path '*/proc/slabinfo' ! -path './edge-hostile-names/*' | sort); do
    tree=${slab%/proc/slabinfo}
    tree=${tree#./}
    compare_tree "$tree" "$FIX/$tree"
done

# the live system: one snapshot of /proc/slabinfo read by both (two live reads differ)
if [ -r /proc/slabinfo ]; then
    mkdir -p "$TMP/live/proc"
    cat /proc/slabinfo >"$TMP/live/proc/slabinfo"
    printf 'page_size=%s\n' "$HOSTPS" >"$TMP/live/kmemtop-capture"
    compare_tree "live (snapshot of /proc/slabinfo)" "$TMP/live"
    # and straight from /proc: the caches and their fixed geometry agree
    slabtop -o >"$TMP/st.txt" && "$KMEMTOP" -o --view slabs --raw >"$TMP/km.txt"
    slabtop_rows "$TMP/st.txt" | awk '{print $1, $5, $7}' >"$TMP/st.geo"
    kmemtop_rows "$TMP/km.txt" 1 | awk '{print $1, $5, $7}' >"$TMP/km.geo"
    if diff -u "$TMP/st.geo" "$TMP/km.geo" >"$TMP/diff"; then
        ok "live /proc: same caches, object sizes and objects per slab"
    else
        nok "live /proc: caches differ (a cache created or destroyed between the reads?)" "$(cat "$TMP/diff")"
    fi
else
    ok "# SKIP live: /proc/slabinfo needs root"
fi
done_testing
