#!/bin/sh
# vmalloc.sh - the Vmalloc view against an independent grouping: on every
# fixture with a vmallocinfo, awk groups the file's lines by caller (the
# text before "+off/len") and module ("[name]"), unpurged lines apart and
# lines without a caller as "(none)", and sums what each group holds; the
# view's JSON rows must be exactly those groups with exactly those sums.
# Then: the default order, a filter, the summary's arithmetic, a series'
# growth, and what a normal user sees.
. "$(dirname "$0")/lib.sh"
if ! command -v jq >/dev/null 2>&1; then
    echo "1..0 # SKIP jq not found (build.sh test installs it)"
    exit 0
fi
cd "$FIX"
LC_ALL=C; export LC_ALL

# awk_groups FILE: one line per group, "caller<TAB>module<TAB>areas<TAB>bytes<TAB>pages<TAB>
# kinds<TAB>nodes", module and pages "null" when absent, kinds in the kernel's order, nodes
# "N<id>=<pages>" by node id; then a line "dropped<TAB>N": the lines that are not the kernel's
# (a number that is not a number), which the view must have left out.
awk_groups() {
    awk -F '[ \t]+' -v ps="${2:-4096}" '
    BEGIN {
        nk = split("ioremap sparse vmalloc vmap user dma-coherent vpages vm_map_ram unpurged pages-estimated", kw, " ")
        for (i = 1; i <= nk; i++) isflag[kw[i]] = i
    }
    function bad(    i) {
        if ($1 !~ /^0x[^-]+-0x/ || $2 !~ /^[0-9]+$/) return 1
        for (i = 3; i <= NF; i++)
            if (($i ~ /^pages=/ && $i !~ /^pages=[0-9]+$/) || ($i ~ /^N[0-9]/ && $i !~ /^N[0-9]+=[0-9]+$/) ||
                ($i ~ /^phys=/ && $i !~ /^phys=(0x)?[0-9a-fA-F]+$/)) return 1
        return 0
    }
    { sub(/^[ \t]+/, "") }
    NF == 0 { next }
    bad() { dropped++; next }
    {
        caller = "(none)"; module = "null"; unp = 0
        for (i = 3; i <= NF; i++) if ($i == "unpurged") unp = 1
        if (unp) caller = "unpurged"
        else if (NF >= 3 && !($3 in isflag) && $3 !~ /=/) {
            caller = $3
            p = index(caller, "+")
            if (caller !~ /^0x/ && p > 1) caller = substr(caller, 1, p - 1)
            if (NF >= 4 && $4 ~ /^\[.*\]$/) module = substr($4, 2, length($4) - 2)
        }
        k = caller "\t" module
        if (!(k in areas)) order[++ng] = k
        areas[k]++; bytes[k] += $2
        hasp = 0; vm = 0; vp = 0
        for (i = 3; i <= NF; i++) {
            if ($i in isflag) flag[k, isflag[$i]] = 1
            if ($i ~ /^pages=/) { pages[k] += substr($i, 7); haspages[k] = 1; hasp = 1 }
            if ($i == "vmalloc") vm = 1
            if ($i == "vpages") vp = 1
            if ($i ~ /^N[0-9]+=/) {
                split(substr($i, 2), nv, "=")
                if (!((k, nv[1]) in np)) nodes[k] = nodes[k] " " nv[1]
                np[k, nv[1]] += nv[2]
            }
        }
        # "vmalloc vpages" without pages= (3.x vendor kernels): its size less the guard page
        if (vm && vp && !hasp && !unp) {
            pages[k] += ($2 > ps ? int(($2 - ps) / ps) : 0); haspages[k] = 1; flag[k, 10] = 1
        }
    }
    END {
        for (g = 1; g <= ng; g++) {
            k = order[g]; kinds = ""; ns = ""
            for (i = 1; i <= nk; i++) if ((k, i) in flag) kinds = kinds (kinds == "" ? "" : ",") kw[i]
            n = split(substr(nodes[k], 2), ids, " ")
            for (i = 2; i <= n; i++)  # insertion sort by node id
                for (j = i; j > 1 && ids[j - 1] + 0 > ids[j] + 0; j--) { t = ids[j]; ids[j] = ids[j - 1]; ids[j - 1] = t }
            for (i = 1; i <= n; i++) ns = ns (i > 1 ? " " : "") "N" ids[i] "=" np[k, ids[i]]
            printf "%s\t%d\t%.0f\t%s\t%s\t%s\n", k, areas[k], bytes[k], (k in haspages) ? sprintf("%.0f", pages[k]) : "null", kinds, ns
        }
        printf "dropped\t%d\n", dropped
    }' "$1"
}

JQ_ROWS='.vmalloc.rows[] | [.caller, (.module // "null"), .areas, .bytes, (.pages // "null"),
         (.kinds | join(",")), (.nodes | map("N\(.node)=\(.pages)") | join(" "))] | @tsv'

fixtures=$(for f in */proc/vmallocinfo; do printf '%s\n' "${f%%/*}"; done | grep -v '^series-')
[ -n "$fixtures" ] && ok "fixtures with a vmallocinfo: $(echo $fixtures)" || nok "fixtures with a vmallocinfo"
for fx in $fixtures; do
    if ! "$KMEMTOP" --root "$fx" -o --view vmalloc --format json >"$TMP/f.json" 2>"$TMP/err"; then
        nok "$fx: kmemtop exits 0" "$(cat "$TMP/err")"; continue
    fi
    awk_groups "$fx/proc/vmallocinfo" "$(jq .page_size "$TMP/f.json")" >"$TMP/awk"
    grep -v '^dropped' "$TMP/awk" | sort >"$TMP/want"
    jq -r "$JQ_ROWS" "$TMP/f.json" | sort >"$TMP/got"
    n=$(wc -l <"$TMP/want" | tr -d ' ')
    if d=$(diff "$TMP/want" "$TMP/got"); then ok "$fx: the $n rows are awk's grouping of the file's lines"
    else nok "$fx: the rows are awk's grouping of the file's lines" "$d"; fi
    is "$fx: the lines awk drops are those the parser left out" \
        "$(jq -r '.sources.vmallocinfo.skipped // 0' "$TMP/f.json")" "$(sed -n 's/^dropped\t//p' "$TMP/awk")"
    check "$fx: the summary sums the rows, ram is pages x page_size" jq -e '
        .vmalloc as $v | .page_size as $ps | ($v.rows | length) == $v.summary.callers
        and ([$v.rows[].areas] | add) == $v.summary.areas and ([$v.rows[].bytes] | add) == $v.summary.bytes
        and ([$v.rows[].pages // 0] | add) == ($v.summary.pages // 0)
        and all($v.rows[]; .ram == (if .pages == null then null else .pages * $ps end))' "$TMP/f.json"
    check "$fx: sorted by RAM, largest first" jq -e '[.vmalloc.rows[].ram // -1] | . == (sort | reverse)' "$TMP/f.json"
done

# a filter keeps the rows whose caller or module matches; text and JSON alike
"$KMEMTOP" --root debian612-root -o --view vmalloc --filter zram --format json >"$TMP/z.json"
is "--filter zram: the three [zram] callers" \
    "$(jq -r '[.vmalloc.rows[] | "\(.caller) [\(.module)]"] | join(", ")' "$TMP/z.json")" \
    "disksize_store [zram], lz4_create [zram], zcomp_cpu_up_prepare [zram]"
"$KMEMTOP" --root debian612-root -o --view vmalloc -s areas --raw >"$TMP/a.txt"
contains "-s areas: unpurged (2039 areas) first" \
    "$(awk '/^CALLER/ { getline; print; exit }' "$TMP/a.txt")" '^unpurged +- +2039 +41758720 '
# one function in two modules is two rows: the same lines with the module renamed
mkdir -p "$TMP/t/proc"
sed '50s/\[zram\]/[other]/' debian612-root/proc/vmallocinfo >"$TMP/t/proc/vmallocinfo"
"$KMEMTOP" --root "$TMP/t" -o --view vmalloc --format json >"$TMP/t.json" 2>/dev/null
is "one caller in two modules: two rows" \
    "$(jq -r '[.vmalloc.rows[] | select(.caller == "disksize_store") | "\(.module)=\(.areas)"] | sort | join(" ")' "$TMP/t.json")" \
    "other=1 zram=1"

# what VmallocUsed is compared with, per era
"$KMEMTOP" --root debian61-root -o --view vmalloc --raw >"$TMP/d.txt"
contains "6.1: RAM in areas against VmallocUsed" "$(cat "$TMP/d.txt")" \
    '^RAM in areas 23838720 vs VmallocUsed 23887872: differ by -49152$'
"$KMEMTOP" --root mtk-armv7-3.4 -o --view vmalloc --raw >"$TMP/m.txt"
contains "3.4: bytes in areas against VmallocUsed (it summed sizes then)" "$(cat "$TMP/m.txt")" \
    '^Bytes in areas 153772032 vs VmallocUsed 151310336: differ by 2461696$'
"$KMEMTOP" --root debian61-root -o --view vmalloc --format json >"$TMP/d.json"
check "JSON: what VmallocUsed counts on 6.1, and the difference" jq -e '.vmalloc.summary |
    .vmalloc_used_counts == "vmalloc pages" and .ram_minus_vmalloc_used == -49152' "$TMP/d.json"
"$KMEMTOP" --root mtk-armv7-3.4 -o --view vmalloc --format json >"$TMP/m.json"
check "JSON: what it counts on 3.4, and the difference" jq -e '.vmalloc.summary |
    .vmalloc_used_counts == "area sizes" and .bytes_minus_vmalloc_used == 2461696' "$TMP/m.json"

# a series: growth between the two trees, matched by caller and module
"$KMEMTOP" --root series-debian61 -b --view vmalloc --format json | tail -1 >"$TMP/s.json"
check "series: load_module grew by one module's pages over the interval" jq -e '
    (.vmalloc.rows[] | select(.caller == "load_module")) as $r | .interval > 0 and $r.growth > 0' "$TMP/s.json"
check "series: the total growth is the change of the total RAM" jq -e '.vmalloc.summary.growth != null' "$TMP/s.json"

# a normal user: the reason, VmallocUsed, nothing silently empty
"$KMEMTOP" --root debian61-user -o --view vmalloc >"$TMP/u.txt"
contains "a user capture: the view says why it has no table" "$(cat "$TMP/u.txt")" '^Vmalloc: not in the captured tree'
contains "a user capture: VmallocUsed still shown" "$(cat "$TMP/u.txt")" 'What every user can read: meminfo VmallocUsed'
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && [ -r /proc/vmallocinfo ]; then
    (cd / && setpriv --reuid=65534 --regid=65534 --clear-groups "$KMEMTOP" -o --view vmalloc --format json) >"$TMP/n.json" 2>"$TMP/n.err"
    check "live, as nobody: denied with a reason, no rows" jq -e \
        '.vmalloc.status == "denied" and (.vmalloc.reason | length > 0) and .vmalloc.rows == []' "$TMP/n.json"
    (cd / && setpriv --reuid=65534 --regid=65534 --clear-groups "$KMEMTOP" -o --view vmalloc) >"$TMP/n.txt" 2>&1
    contains "live, as nobody: the text says so" "$(cat "$TMP/n.txt")" '^Vmalloc: .*root'
    "$KMEMTOP" -o --view vmalloc --format json >"$TMP/r.json"
    check "live, as root: rows" jq -e '.vmalloc.status == "ok" and (.vmalloc.rows | length > 0)' "$TMP/r.json"
fi
# --details CALLER: one caller's areas, against the file's own lines (awk: the caller before
# "+off/len", the module in brackets), text and JSON; the Modules view's --details unchanged
fx=debian612-root
want=$(awk '$0 ~ / disksize_store\+/ && $0 ~ /\[zram\]/ && $0 !~ /unpurged/ { n++; b += $2; for (i = 3; i <= NF; i++) if ($i ~ /^pages=/) { sub(/pages=/, "", $i); p += $i } } END { print n, b, p }' "$fx/proc/vmallocinfo")
j=$("$KMEMTOP" --root "$fx" -o --view vmalloc --details 'disksize_store [zram]' --format json | jq -c '.vmalloc.details')
is "--details 'disksize_store [zram]' (JSON): the file's areas, bytes and pages" \
    "$(printf '%s' "$j" | jq -r '"\(.areas | length) \([.areas[].bytes] | add) \([.areas[].pages] | add)"')" "$want"
is "... caller and module" "$(printf '%s' "$j" | jq -r '"\(.name)|\(.caller)|\(.module)"')" "disksize_store [zram]|disksize_store|zram"
is "... each area: range as printed, bytes, pages, kinds, per node pages, the caller as printed" \
    "$(printf '%s' "$j" | jq -c '.areas[0] | keys')" '["bytes","caller","kinds","nodes","pages","range"]'
first=$(grep ' disksize_store+' "$fx/proc/vmallocinfo" | grep -v unpurged | head -1 | awk '{print $1}')
is "... the first area's range is the file's first" "$(printf '%s' "$j" | jq -r '.areas[0].range')" "$first"
txt=$("$KMEMTOP" --root "$fx" -o --view vmalloc --details 'disksize_store [zram]')
contains "--details (text): a summary line under the table" "$txt" '^disksize_store \[zram\]: 2 areas, 1\.88M of address space, 1\.88M of RAM$'
contains "... the columns" "$txt" '^ADDRESS RANGE +BYTES +PAGES +KINDS +PER NODE +CALLER$'
contains "... an area: range, bytes, pages, kinds, per node, caller" "$txt" "^$first +388K +96 +vmalloc +N0=96 +disksize_store\\+0x84/0x180\$"
is "... one line per area" "$(printf '%s\n' "$txt" | grep -c '^0x.*disksize_store+')" "$(echo "$want" | cut -d' ' -f1)"
if printf '%s\n' "$txt" | grep -q '^== Details'; then nok "a caller's --details does not print the Modules view's"; else ok "a caller's --details does not print the Modules view's"; fi
n=$(grep -c ' kernel_clone+' "$fx/proc/vmallocinfo")
is "--details CALLER without [module]: a core kernel caller ($n areas)" \
    "$("$KMEMTOP" --root "$fx" -o --view vmalloc --details kernel_clone --format json | jq -r '"\(.vmalloc.details.areas | length) \(.vmalloc.details.module)"')" "$n null"
is "--details of no caller: said, areas null" \
    "$("$KMEMTOP" --root "$fx" -o --view vmalloc --details nosuch --format json | jq -c '.vmalloc.details')" '{"name":"nosuch","caller":null,"module":null,"areas":null}'
contains "... and in text" "$("$KMEMTOP" --root "$fx" -o --view vmalloc --details nosuch)" '^no vmalloc caller nosuch in this frame$'
is "--details MODULE with the Vmalloc view: the Modules view's details still printed" \
    "$("$KMEMTOP" --root "$fx" -o --view vmalloc --details zram | grep -c '^== Details: zram ==$')" 1
is "no --details: no details object" "$("$KMEMTOP" --root "$fx" -o --view vmalloc --format json | jq -c '.vmalloc.details')" null
done_testing
