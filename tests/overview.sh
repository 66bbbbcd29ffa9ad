#!/bin/sh
# The Overview: on every fixture with a meminfo the leaves of the tree add up to MemTotal
# exactly (through libproc2 and through the own parser), the rows are named in snake_case,
# era differences are named on the line, absent fields are null (never 0), the warning
# line, memory outside MemTotal, per-node columns, memory pressure (PSI, vmstat) and the
# Buddy tab's compaction figures; a capture takes /proc/pressure/memory.
. "$(dirname "$0")/lib.sh"
cd "$FIX"
ov() { "$KMEMTOP" --root "$@" -o --view overview --format json | jq -c '.overview'; }
leafsum='[.rows[] | select(.leaf) | .bytes // 0] | add'
n=0
for fx in */; do
    fx=${fx%/}
    [ -f "$fx/proc/meminfo" ] || continue
    n=$((n + 1))
    for way in "" --no-namespace; do
        j=$(ov "$fx" $way)
        got=$(printf '%s' "$j" | jq -r "[.mem_total, ($leafsum)] | map(tostring) | join(\" \")")
        set -- $got
        is "$fx${way:+ $way}: the leaves add up to MemTotal exactly ($1)" "$2" "$1"
    done
    names=$(printf '%s' "$j" | jq -r '[.rows[].name] | join(" ")')
    for want in free slab_reclaimable slab_unreclaimable vmalloc kernel_stack page_tables percpu unaccounted; do
        case " $names " in
        *" $want "*) ;;
        *) case "$want" in slab_*) case " $names " in *" slab "*) continue ;; esac ;; esac
           nok "$fx: a row named $want" "rows: $names"; continue 2 ;;
        esac
    done
    bad=$(printf '%s' "$j" | jq -r '[.rows[].name | select(test("^[a-z][a-z0-9_]*$") | not)] | join(" ")')
    is "$fx: every row is named in snake_case, and has the rows the schema promises" "$bad" ""
    # a parent is the sum of its children
    bad=$(printf '%s' "$j" | jq -r '.rows as $r | [$r[] | select(.leaf | not) | . as $p |
        select(([$r[] | select(.parent == $p.name) | .bytes // 0] | add) != $p.bytes) | .name] | join(" ")')
    is "$fx: each parent is the sum of its children" "$bad" ""
done
ok "# $n fixtures with a meminfo"
[ "$n" -ge 20 ] && ok "at least 20 fixtures checked" || nok "at least 20 fixtures checked" "$n"

# the leaf test can fail: a tree whose meminfo lies about MemTotal still adds up, through unaccounted
mkdir -p "$TMP/big/proc"
sed 's/^MemTotal: .*/MemTotal:       99999999 kB/' debian612a-root/proc/meminfo >"$TMP/big/proc/meminfo"
cp debian612a-root/proc/version "$TMP/big/proc/"
j=$(ov "$TMP/big")
is "an inflated MemTotal goes to unaccounted" "$(printf '%s' "$j" | jq -r "($leafsum) == .mem_total")" true
is "... which is over 10%: warned in JSON" "$(printf '%s' "$j" | jq -c '.warnings')" '["unaccounted_over_10pct"]'
txt=$("$KMEMTOP" --root "$TMP/big" -o --view overview)
contains "... and on a line of its own" "$txt" '^Warning: unaccounted [0-9.]+[KMGT]? \([0-9.]+% of MemTotal\)$'
txt=$("$KMEMTOP" --root debian612a-root -o --view overview)
if printf '%s\n' "$txt" | grep -q '^Warning: unaccounted'; then nok "no warning under 10%"; else ok "no warning under 10%"; fi

# eras: VmallocUsed is address space before 4.4 (zte 4.1: vmallocinfo's pages instead)
j=$(ov zte-armv7-4.1)
is "4.1: vmalloc from vmallocinfo's pages, said on the line" \
    "$(printf '%s' "$j" | jq -r '.rows[] | select(.name == "vmalloc") | .source + " | " + .note')" \
    "vmallocinfo pages= (flagged vmalloc) | VmallocUsed before 4.4 is address space, not RAM: vmallocinfo's pages"
is "4.1: Percpu absent (null), not 0" "$(printf '%s' "$j" | jq -r '.rows[] | select(.name == "percpu") | .bytes')" null
is "4.1: vmalloc split into module images, modules' own and other callers" \
    "$(printf '%s' "$j" | jq -r '[.rows[] | select(.parent == "vmalloc") | .name] | join(" ")')" \
    "module_images module_vmalloc vmalloc_other"
# 4.18: VmallocUsed 0 means not counted; no vmallocinfo in the tree: absent, and said so
j=$(ov edge-rhel8-4.18)
is "4.18 without vmallocinfo: vmalloc absent, said on the line" \
    "$(printf '%s' "$j" | jq -r '.rows[] | select(.name == "vmalloc") | "\(.bytes) \(.note)"')" \
    "null VmallocUsed is 0 on 4.4-5.2 (not counted) and vmallocinfo (root) was not read: counted in unaccounted"
# 6.1 with vmallocinfo: vmapped thread stacks are counted under kernel_stack only
j=$(ov debian612a-root)
contains "6.1: vmapped stacks taken out of vmalloc, said on the line" \
    "$(printf '%s' "$j" | jq -r '.rows[] | select(.name == "vmalloc") | .note')" '^less [0-9]+ KiB of vmapped kernel stacks$'
is "6.1: SecPageTables read (0 here), through both parsers" \
    "$(ov debian612a-root | jq -r '.rows[] | select(.name == "sec_page_tables") | .bytes') $(ov debian612a-root --no-namespace | jq -r '.rows[] | select(.name == "sec_page_tables") | .bytes')" "0 0"
# HugeTLB: a pool of 4 x 2M pages, 1 free, 1 surplus (HugePages_Total x Hugepagesize before 5.16)
mkdir -p "$TMP/huge/proc"
sed -e 's/^HugePages_Total: .*/HugePages_Total:       4/' -e 's/^HugePages_Free: .*/HugePages_Free:        1/' \
    -e 's/^HugePages_Surp: .*/HugePages_Surp:        1/' -e '/^Hugetlb:/d' debian612a-root/proc/meminfo >"$TMP/huge/proc/meminfo"
cp debian612a-root/proc/version "$TMP/huge/proc/"
j=$(ov "$TMP/huge")
is "a HugeTLB pool: its used and free pages, surplus beside" \
    "$(printf '%s' "$j" | jq -r '[(.rows[] | select(.name | startswith("hugetlb")) | "\(.name)=\(.bytes)"), "surplus=\(.hugetlb_surplus)"] | join(" ")')" \
    "hugetlb=8388608 hugetlb_used=6291456 hugetlb_free=2097152 surplus=2097152"
is "... and the leaves still add up" "$(printf '%s' "$j" | jq -r "($leafsum) == .mem_total")" true
# CMA: beside the tree (its pages are lent to movable pages), never counted twice
j=$(ov kunpeng-4node)
is "CMA beside the tree, not a row" "$(printf '%s' "$j" | jq -r '"\(.cma_total > 0) \([.rows[].name | select(test("cma"))] | length)"')" "true 0"
contains "CMA on its own line" "$("$KMEMTOP" --root kunpeng-4node -o --view overview)" '^CMA: [0-9.]+[KMG] reserved, [0-9.]+[KMG]? of it free'

# outside MemTotal and per node
j=$(ov pcp-xeon-2node)
is "outside MemTotal: zones' present - managed, summed over the nodes" \
    "$(printf '%s' "$j" | jq -r '(.outside_mem_total > 0) and (.outside_mem_total == ([.nodes[].outside_mem_total] | add))')" true
# (pcp's node files were sampled apart from its meminfo: the nodes' figures need not add up)
is "per node: two nodes, each with its MemTotal" \
    "$(printf '%s' "$j" | jq -r '"\(.nodes | length) \([.nodes[].mem_total > 0] | all)"')" "2 true"
is "per node: free, anonymous, slab on each node; none for buffers (node meminfo has none)" \
    "$(printf '%s' "$j" | jq -r '[.rows[] | select(.name == "free" or .name == "anonymous" or .name == "slab_reclaimable" or .name == "buffers") | "\(.name)=\([.nodes[].bytes | type] | join(","))"] | join(" ")')" \
    "free=number,number anonymous=number,number buffers=null,null slab_reclaimable=number,number"
txt=$("$KMEMTOP" --root pcp-xeon-2node -o --view overview)
contains "per-node columns on several nodes" "$txt" '^WHAT\*? +BYTES +%TOTAL +SHARE +CHANGE +N0 +N1 +SOURCE'
txt=$("$KMEMTOP" --root zte-armv7-4.1 -o --view overview)
contains "no per-node columns on one node" "$txt" '^WHAT\*? +BYTES +%TOTAL +SHARE +CHANGE +SOURCE'

# outside MemTotal needs the zones' managed pages to add up to MemTotal (totalram_pages is
# Σ managed): a tree whose zones manage 100000 pages (390.6M) less than MemTotal says why it
# has no figure instead of counting those pages as outside (hotplug, balloon, deferred init)
zmanaged() { awk '$1 == "managed" { s += $2 } END { print s * 4096 }' "$1/proc/zoneinfo"; }
cp -R debian612a-root "$TMP/zman"
awk '$1 == "managed" && $2 == 249044 { sub(/249044/, "149044") } { print }' \
    debian612a-root/proc/zoneinfo >"$TMP/zman/proc/zoneinfo"
j=$(ov "$TMP/zman")
is "zones' managed pages short of MemTotal by 390.6M: no outside figure, and why" \
    "$(printf '%s' "$j" | jq -r '"\(.outside_mem_total) \([.nodes[].outside_mem_total] | map(tostring) | join(",")) \(.zones_managed) | \(.outside_mem_total_reason)"')" \
    "null null,null $(zmanaged "$TMP/zman") | the zones' managed pages add up to 1.5G, not MemTotal 1.9G: memory added by hotplug or a balloon after boot, or not yet handed to its zone by a deferred page init?"
contains "... said on the Outside MemTotal line" "$("$KMEMTOP" --root "$TMP/zman" -o --view overview)" \
    "^Outside MemTotal: not known \\(the zones' managed pages add up to 1\\.5G, not MemTotal 1\\.9G: .*deferred page init\\?\\)$"
# 500 pages (2M) apart, the moment between the two reads: still a figure
awk '$1 == "managed" && $2 == 249044 { sub(/249044/, "248544") } { print }' \
    debian612a-root/proc/zoneinfo >"$TMP/zman/proc/zoneinfo"
is "zones' managed pages 2M short of MemTotal (within 0.1% or 4M): outside is a figure" \
    "$(ov "$TMP/zman" | jq -r '"\(.outside_mem_total - 77185024) \(.outside_mem_total_reason)"')" "2048000 null"
is "a tree whose zones add up: the figure, no reason" \
    "$(ov debian612a-root | jq -r '"\(.outside_mem_total) \(.outside_mem_total_reason) \(.zones_managed == .mem_total)"')" "77185024 null true"
is "this VM's capture (6.18, deferred_init=lazy): managed 5.1G of MemTotal 23.5G, no outside figure" \
    "$(ov this-vm-6.18 | jq -r '"\(.outside_mem_total) \(.outside_mem_total_reason | test("^the zones. managed pages add up to 5.1G, not MemTotal 23.5G: "))"')" "null true"
is "zoneinfo not read: the reason says so" "$(ov kunpeng-4node | jq -r '"\(.outside_mem_total) \(.outside_mem_total_reason)"')" "null zoneinfo not read"
# live: a figure exactly when Σ managed x page size is within max(4M, 0.1% of MemTotal) of MemTotal
if [ -r /proc/zoneinfo ] && [ -r /proc/meminfo ]; then
    j=$("$KMEMTOP" -o --view overview --format json | jq -c '.overview')
    want=$(printf '%s' "$j" | jq -r '. as $o | (.zones_managed - .mem_total) | (if . < 0 then -. else . end) as $d | if $d > ([4194304, ($o.mem_total / 1000 | floor)] | max) then "null" else "number" end')
    ps=$(getconf PAGESIZE)
    mine=$(awk -v ps="$ps" '$1 == "managed" { s += $2 } END { printf "%.0f", s * ps }' /proc/zoneinfo)
    got=$(printf '%s' "$j" | jq -r --argjson m "$mine" '"\(.outside_mem_total | type) \((.zones_managed - $m) | (if . < 0 then -. else . end) < 67108864)"')
    is "live: outside MemTotal is a figure only when the zones' managed pages add up to MemTotal ($(printf '%s' "$j" | jq -r '"\(.zones_managed) of \(.mem_total)"'))" "$got" "$want true"
    if [ "$want" = null ]; then
        contains "live: ... and the line says why" "$("$KMEMTOP" -o --view overview)" "^Outside MemTotal: not known \\(the zones' managed pages add up to "
    fi
fi

# memory pressure: PSI and vmstat; absent files say so
j=$(ov debian612a-root)
is "no PSI in the tree: said" "$(printf '%s' "$j" | jq -r '.pressure.psi | "\(.status) \(.reason)"')" \
    "missing not in the captured tree (not captured, or unreadable where it was captured)"
is "vmstat signals, counts since boot" "$(printf '%s' "$j" | jq -r '.pressure.vmstat | [.status, (.allocstall.count|type), (.compact_stall.count|type), (.oom_kill.count|type)] | join(" ")')" \
    "ok number number number"
cp -R debian612a-root "$TMP/psi"
mkdir -p "$TMP/psi/proc/pressure"
printf 'some avg10=1.50 avg60=0.25 avg300=0.05 total=123456\nfull avg10=0.50 avg60=0.10 avg300=0.00 total=4567\n' >"$TMP/psi/proc/pressure/memory"
is "PSI read from /proc/pressure/memory" "$(ov "$TMP/psi" | jq -c '.pressure.psi')" \
    '{"status":"ok","some":{"avg10":1.5,"avg60":0.25,"avg300":0.05,"total_us":123456},"full":{"avg10":0.5,"avg60":0.1,"avg300":0,"total_us":4567}}'
contains "the one-line pressure summary" "$("$KMEMTOP" --root "$TMP/psi" -o --view overview)" \
    '^Pressure: PSI some 1.50% 0.25%, full 0.50% 0.10% \(avg10 avg60\) \| direct reclaim [0-9]+ \| scanned kswapd [0-9]+ direct [0-9]+ \| stolen kswapd [0-9]+ direct [0-9]+ \| compaction stalls [0-9]+ fail [0-9]+ ok [0-9]+ \| oom_kill [0-9]+$'
printf 'garbage\n' >"$TMP/psi/proc/pressure/memory"
is "a PSI file that is none: an error, said" "$(ov "$TMP/psi" | jq -r '.pressure.psi.status')" error
contains "no vmstat (4.1 capture): said" "$("$KMEMTOP" --root zte-armv7-4.1 -o --view overview)" '^Pressure: PSI: none .* \| /proc/vmstat missing$'
# per second, over a series: two trees 10 s apart, 50 more compaction stalls
mkdir -p "$TMP/ser"
cp -R debian612a-root "$TMP/ser/1"; cp -R debian612a-root "$TMP/ser/2"
awk '$1 == "compact_stall" { $2 += 50 } $1 == "oom_kill" { $2 += 2 } { print }' debian612a-root/proc/vmstat >"$TMP/ser/2/proc/vmstat"
echo time=1000 >"$TMP/ser/1/kmemtop-capture"; echo time=1010 >"$TMP/ser/2/kmemtop-capture"
j=$("$KMEMTOP" --root "$TMP/ser" -b --view overview --format json | tail -1 | jq -c '[.overview.pressure.vmstat.compact_stall.rate, .overview.pressure.vmstat.oom_kill.rate]')
is "signals per second over a series" "$j" "[5,0.2]"

# "unaccounted grows" only when sustained: up in each of the last 3 intervals and by more
# than 0.1% of MemTotal (2021776 kB here: 2022 kB) over them. A series of trees 2 s apart whose
# MemFree falls by the kB given (unaccounted rises by as much); one word per frame, whether warned.
grows() {
    name=$1; shift
    rm -rf "$TMP/g-$name"; mkdir -p "$TMP/g-$name"
    i=0
    for drop in "$@"; do
        i=$((i + 1)); t="$TMP/g-$name/$i"
        cp -R debian612a-root "$t"
        awk -v d="$drop" '$1 == "MemFree:" { $2 -= d } { print }' debian612a-root/proc/meminfo >"$t/proc/meminfo"
        echo "time=$((1000 + 2 * i))" >"$t/kmemtop-capture"
    done
    "$KMEMTOP" --root "$TMP/g-$name" -b --view overview --format json |
        jq -r '.overview.warnings | index("unaccounted_grows") != null' | tr '\n' ' ' | sed 's/ $//'
}
is "a jump of 30M in one frame, then flat (a busy machine): never warned" \
    "$(grows jump 0 30000 30000 30000 30000)" "false false false false false"
is "a steady leak of 1000 kB a frame (0.05%): warned from the third interval on" \
    "$(grows leak 0 1000 2000 3000 4000 5000)" "false false false true true true"
is "up, down, up (noise): never warned" "$(grows noise 0 1500 1000 3000 4500 4000)" \
    "false false false false false false"
is "up in each interval but 900 kB in all (under 0.1%): not warned" \
    "$(grows small 0 300 600 900 1200)" "false false false false false"
is "a leak that stops: the warning goes once an interval does not grow" \
    "$(grows stops 0 1000 2000 3000 3000)" "false false false true false"
j=$("$KMEMTOP" --root "$TMP/g-leak" -b --view overview --format json | sed -n 4p | jq -c '.overview.unaccounted_growth')
is "the growth over the 3 intervals in JSON" "$j" '{"bytes":3072000,"seconds":6,"intervals":3}'
contains "... and on the warning line" "$("$KMEMTOP" --root "$TMP/g-leak" -b --view overview | grep '^Warning' | head -1)" \
    '^Warning: unaccounted [0-9.]+[KMG] \([0-9.]+% of MemTotal\), growing: up in each of the last 3 intervals, \+2\.93M in 6 s \(\+?500K/s\)$'
is "no growth figure before 3 intervals" \
    "$("$KMEMTOP" --root "$TMP/g-leak" -b --view overview --format json | sed -n 3p | jq -c '.overview.unaccounted_growth')" null

# the Buddy tab: compaction beside the fragmentation indexes, and in its JSON
contains "Buddy: the compaction line" "$("$KMEMTOP" --root debian612a-root -o --view buddy)" \
    '^Compaction: stalls [0-9]+, failures [0-9]+, successes [0-9]+ \(since boot [0-9]+, [0-9]+, [0-9]+\)$'
is "Buddy JSON: compaction" "$("$KMEMTOP" --root debian612a-root -o --view buddy --format json | jq -r '.buddy.compaction | keys | join(" ")')" \
    "compact_fail compact_stall compact_success status"

# a capture takes /proc/pressure/memory when the kernel has it
if [ -r /proc/pressure/memory ] && cat /proc/pressure/memory >/dev/null 2>&1; then
    "$KMEMTOP" --capture "$TMP/cap" >/dev/null 2>&1
    check "--capture copies /proc/pressure/memory" test -s "$TMP/cap/proc/pressure/memory"
    sh "$KM_SRCDIR/tests/kmemtop-capture.sh" "$TMP/cap2" >/dev/null 2>&1
    check "tests/kmemtop-capture.sh copies /proc/pressure/memory" test -s "$TMP/cap2/proc/pressure/memory"
    is "the captured PSI is shown" "$(ov "$TMP/cap" | jq -r '.pressure.psi.status')" ok
else
    ok "# SKIP no readable /proc/pressure/memory here"
fi
# overview is the first tab
is "the Overview is the first view" "$(km_views | cut -d' ' -f1)" overview
done_testing
