#!/bin/sh
# The modules view end to end: methods, reconciliation, --details, loads and
# unloads across the debian61 series (root -> root2: vfat and fat loaded,
# squashfs unloaded). Figures checked by hand against the fixture files.
. "$(dirname "$0")/lib.sh"
cd "$FIX"
j() { "$KMEMTOP" --root "$1" -o --view modules --format json 2>"$TMP/err"; }

# order: hashed 6.1 vmallocinfo, address-ordered
j debian61-root > "$TMP/r.json"
is "debian61 root: method order" "$(jq -r .modules.method "$TMP/r.json")" order
is "debian61 root: zram static, dynamic, total bytes" \
   "$(jq -c '.modules.rows[]|select(.name=="zram")|[.static_areas,.static_bytes,.static_pages,.overhead_bytes,.dynamic_areas,.dynamic_bytes,.total_bytes,.method]' "$TMP/r.json")" \
   '[1,45056,10,4096,2,1974272,2019328,"order"]'
is "debian61 root: sorted by total, largest first (zram 2019328 > xfs 1974272)" \
   "$(jq -r '.modules.rows[0:2]|map(.name)|join(",")' "$TMP/r.json")" "zram,xfs"
is "debian61 root: image = attributed + unattributed + shared = 8335360" \
   "$(jq '.modules|[.totals.image.bytes, .totals.attributed.bytes + .unattributed.bytes + .shared.bytes]|unique' -c "$TMP/r.json")" '[8335360]'
check "debian61 root: rows keep lsmod fields and gain the join's" jq -e '.modules.rows|all(.[]; has("name") and has("size") and has("refcount") and has("used_by") and has("state") and has("taint") and has("core_size") and has("init_size") and has("static_areas") and has("static_bytes") and has("static_pages") and has("overhead_bytes") and has("dynamic_areas") and has("dynamic_bytes") and has("dynamic_pages") and has("total_bytes") and has("method"))' "$TMP/r.json"
txt=$("$KMEMTOP" --root debian61-root -o --view modules)
contains "debian61 root: how exact, and how" "$txt" '^exact for 44 of 44 modules \(order, one address order\): vmallocinfo addresses are hashed: areas matched by the order'
contains "debian61 root: pinned total row, saying what it adds up" "$txt" '^\(total: 44 modules\) +7\.78M .* 44 +7\.95M +1991 .*order'
is "debian61 root: a rule of - right above the pinned rows" \
   "$(printf '%s\n' "$txt" | grep -B1 '^(total' | head -1 | tr -d -- -)" ""
if printf '%s\n' "$txt" | grep -q '^(unattributed)'; then nok "debian61 root: every image area matched: no (unattributed) row"; else ok "debian61 root: every image area matched: no (unattributed) row"; fi
contains "debian61 root: the words under the table say the total is no module" "$txt" '^under the line, not modules: \(total\) adds up all 44 modules$'
csv=$("$KMEMTOP" --root debian61-root -o --view modules --format csv)
is "debian61 root CSV: no _unattributed record, _total the last" \
   "$(printf '%s\n' "$csv" | cut -d, -f2 | grep '^_' | tr '\n' ' ')" "_total "

# address: real addresses (kptr_restrict=1; 6.12 unhashed by slub_debug)
is "debian61 kptr1: method address" "$(j debian61-root-kptr1 | jq -r .modules.method)" address
j debian612-root > "$TMP/r612.json"
is "debian612 root: ext4 4 areas, 1163264 bytes, 280 pages" \
   "$(jq -c '.modules.rows[]|select(.name=="ext4")|[.static_areas,.static_bytes,.static_pages,.method]' "$TMP/r612.json")" '[4,1163264,280,"address"]'
is "debian612 root: no unattributed area" "$(jq -c .modules.unattributed "$TMP/r612.json")" '{"areas":0,"bytes":0,"pages":0}'
det=$("$KMEMTOP" --root debian612-root -o --view modules --details ext4)
is "debian612 --details ext4: 4 image areas" "$(printf '%s\n' "$det" | grep -c ' image .*load_module')" 4
contains "debian612 --details ext4: range as printed, bytes, pages, NUMA" "$det" '^0xffffffffc072b000-0xffffffffc072d000 +8192 +1 +image +N0=1 +load_module\+0x7cf/0x1e00$'
det=$("$KMEMTOP" --root debian612-root -o --view modules --details zram --format json)
is "debian612 --details zram (JSON): 3 image + 10 dynamic areas" \
   "$(printf '%s\n' "$det" | jq -c '.modules.details.areas|group_by(.kind)|map([.[0].kind,length])')" '[["dynamic",10],["image",3]]'
# --details NAME is the same whatever --view is printed: it asks for what the join needs
# (vmallocinfo), not only for what the views shown read
for fx in debian61-root debian612-root debian612-root-kptr1 mtk-armv7-3.4 this-vm-6.18 debian61-user; do
    mods=$(j "$fx" | jq -r '.modules.rows | [first.name, last.name] | unique | .[]')
    for m in $mods; do
        "$KMEMTOP" --root "$fx" -o --view modules --details "$m" | sed -n '/^== Details/,$p' >"$TMP/want"
        bad=""
        for v in $(km_views) all; do
            "$KMEMTOP" --root "$fx" -o --view "$v" --details "$m" | sed -n '/^== Details/,$p' >"$TMP/got"
            cmp -s "$TMP/want" "$TMP/got" || bad="$bad $v"
        done
        [ -s "$TMP/want" ] || bad="$bad (no details at all)"
        is "$fx --details $m: the same text whatever --view" "$bad" ""
        "$KMEMTOP" --root "$fx" -o --view modules --details "$m" --format json | jq -c .modules.details >"$TMP/want"
        bad=""
        for v in $(km_views); do
            "$KMEMTOP" --root "$fx" -o --view "$v,modules" --details "$m" --format json | jq -c .modules.details >"$TMP/got"
            cmp -s "$TMP/want" "$TMP/got" || bad="$bad $v"
        done
        is "$fx --details $m (JSON): the same details whatever other view is shown" "$bad" ""
    done
done
contains "--details of a module not loaded says so" "$("$KMEMTOP" --root debian612-root -o --view modules --details nosuch)" '^no module nosuch in this frame'

# estimate: no vmallocinfo (user), hidden module addresses (mtk 3.4)
j debian61-user > "$TMP/u.json"
is "debian61 user: estimate, areas and dynamic unknown (null), not 0" \
   "$(jq -c '[.modules.method, (.modules.rows[]|select(.name=="zram")|[.static_bytes,.static_areas,.dynamic_bytes]), .modules.unattributed]' "$TMP/u.json")" \
   '["estimate",[45056,null,null],null]'
contains "debian61 user: says why" "$("$KMEMTOP" --root debian61-user -o --view modules)" '^exact for 0 of 44 modules \(estimate\): no vmallocinfo in the captured tree'
txt=$("$KMEMTOP" --root mtk-armv7-3.4 -o --view modules)
contains "mtk 3.4: hidden addresses: estimate, and how to get exact figures" "$txt" '^exact for 0 of 16 modules \(estimate\): /proc/modules hides module addresses.*kptr_restrict=1'
contains "mtk 3.4: the 16 image areas are the unattributed row" "$txt" '^\(unattributed\) .* 16 +1\.99M +493 '
is "mtk 3.4: under the rule: (unattributed), then (total)" \
   "$(printf '%s\n' "$txt" | grep -A2 '^----' | cut -c1-14 | tr '\n' '|')" '--------------|(unattributed)|(total: 16 mod|'
contains "mtk 3.4: says in words what the unattributed areas are" "$txt" '^\(unattributed\): 16 module-image areas \(1\.99M\) that could not be matched to modules'
txt=$("$KMEMTOP" --root mtk-armv7-3.4 -o --view modules --sort name)
is "mtk 3.4: by name: (unattributed) and (total) still last" \
   "$(printf '%s\n' "$txt" | grep -A2 '^----' | cut -c1-14 | tr '\n' '|')" '--------------|(unattributed)|(total: 16 mod|'

# a racy 6.1 read lost vfat's area: the view says the areas do not cover every module
contains "debian61 race: says a module has no area" "$("$KMEMTOP" --root debian61-race -o --view modules)" '^1 of 45 modules shown as estimates \(vfat: no image area holds it; a line lost'

# no /proc/modules: one clear line, no table
txt=$("$KMEMTOP" --root centos9-5.14 -o --view modules)
contains "no /proc/modules: one clear line" "$txt" '^Modules: '
if printf '%s\n' "$txt" | grep -q '^MODULE '; then nok "no /proc/modules: no empty table"; else ok "no /proc/modules: no empty table"; fi

# loads and unloads across two frames
out=$("$KMEMTOP" --root series-debian61 -b --view modules --format json 2>"$TMP/err")
is "series: two frames" "$(printf '%s\n' "$out" | wc -l)" 2
is "series: no event in the first frame" "$(printf '%s\n' "$out" | head -1 | jq '.modules.events|length')" 0
is "series: one event for the interval (3 modules in it)" \
   "$(printf '%s\n' "$out" | tail -1 | jq -c '.modules.events|[length, .[0].kind, .[0].modules_changed, .[0].frame]')" '[1,"mixed",3,1]'
is "series: squashfs unloaded, vfat and fat loaded, each with its own figures" \
   "$(printf '%s\n' "$out" | tail -1 | jq -c '[.modules.events[0].modules[]|[.event,.name,.static_bytes,.dynamic_bytes,.method]]|sort')" \
   '[["load","fat",94208,0,"order"],["load","vfat",28672,0,"order"],["unload","squashfs",77824,0,"order"]]'
is "series: the interval's VmallocUsed +24K, Slab +2112K, MemAvailable -95772K, MemFree -96080K, once" \
   "$(printf '%s\n' "$out" | tail -1 | jq -c '.modules.events[0].meminfo_delta|[.vmalloc_used,.slab,.mem_available,.mem_free]')" \
   '[24576,2162688,-98070528,-98385920]'
is "series: no module object carries the interval's change as its own" \
   "$(printf '%s\n' "$out" | tail -1 | jq -c '[.modules.events[].modules[]|keys[]|select(test("delta"))]')" '[]'
txt=$("$KMEMTOP" --root series-debian61 -b --view modules)
contains "series text: one line for the interval, its change said once" "$txt" \
   '^  frame 1 loaded vfat \(28\.0K\), fat \(92\.0K\); unloaded squashfs \(76\.0K\): VmallocUsed \+24\.0K, Slab \+2\.06M, MemAvailable -93\.5M, MemFree -93\.8M in this interval$'
is "series text: the change is not repeated per module" "$(printf '%s\n' "$txt" | grep -c 'VmallocUsed +24')" 1
contains "series text: loads and unloads come under the table" "$(printf '%s\n' "$txt" | sed -n '/^(total: /,$p' | tail -4)" 'recent loads and unloads'
"$KMEMTOP" --root debian612-root --root debian612-root2 -b --view modules --format json | tail -1 >"$TMP/s612.json"
is "debian612 series: vfat, fat loaded and squashfs unloaded: one mixed event, exact areas" \
   "$(jq -c '.modules.events|[length, .[0].kind, ([.[0].modules[]|[.name,.method]]|sort)]' "$TMP/s612.json")" \
   '[1,"mixed",[["fat","address"],["squashfs","address"],["vfat","address"]]]'
# synthetic pairs from debian61-root2: only fat and vfat loaded (VmallocUsed +120K); vfat alone
mkpair() { # mkpair DIR MODULE...: DIR/1 is root2 without the modules, 120K less VmallocUsed, earlier
    mkdir -p "$1" && cp -R debian61-root2 "$1/1" && ln -s "$FIX/debian61-root2" "$1/2"
    _d=$1; shift
    for _m in "$@"; do grep -v "^$_m " "$_d/1/proc/modules" >"$_d/m" && cat "$_d/m" >"$_d/1/proc/modules"; done
    sed 's/^VmallocUsed: *23352 kB/VmallocUsed:       23232 kB/' "$_d/1/proc/meminfo" >"$_d/m" && cat "$_d/m" >"$_d/1/proc/meminfo"
    echo "20.00 50.00" >"$_d/1/proc/uptime"
    rm -f "$_d/m"
}
mkpair "$TMP/two" fat vfat
out=$("$KMEMTOP" --root "$TMP/two" -b --view modules --format json | tail -1)
is "two loads in one interval: one load event listing both, VmallocUsed +120K once" \
   "$(printf '%s\n' "$out" | jq -c '.modules.events|[length, .[0].kind, ([.[0].modules[].name]|sort), .[0].meminfo_delta.vmalloc_used]')" \
   '[1,"load",["fat","vfat"],122880]'
txt=$("$KMEMTOP" --root "$TMP/two" -b --view modules | grep -A3 '^recent loads')
contains "two loads in one interval (text): loaded fat, vfat: VmallocUsed +120K in this interval" "$txt" \
   '^  frame 1 loaded (vfat \(28\.0K\), fat \(92\.0K\)|fat \(92\.0K\), vfat \(28\.0K\)): VmallocUsed \+120K, Slab 0, MemAvailable 0, MemFree 0 in this interval$'
is "two loads in one interval (text): one line" "$(printf '%s\n' "$txt" | grep -c '^  frame')" 1
mkpair "$TMP/one" vfat
out=$("$KMEMTOP" --root "$TMP/one" -b --view modules --format json | tail -1)
is "one load: one event of one module" \
   "$(printf '%s\n' "$out" | jq -c '.modules.events|[length, .[0].kind, .[0].modules_changed, [.[0].modules[].name]]')" '[1,"load",1,["vfat"]]'
contains "one load (text): the simple form, with the module's own figures" \
   "$("$KMEMTOP" --root "$TMP/one" -b --view modules)" \
   '^  frame 1 load +vfat +static 28\.0K \(order\), dynamic 0 \| VmallocUsed \+120K Slab 0 MemAvailable 0 MemFree 0$'
# two trees of different machines in a row are no load/unload, and give no rates
"$KMEMTOP" --root debian61-root --root debian612-root -b --format json --view modules,slabs >"$TMP/mix.json"
is "trees of two kernels: no events, no interval, no growth in the second frame" \
   "$(jq -sc '.[1] | [(.modules.events|length), .interval, ([.slabs.rows[].growth]|map(select(.!=null))|length)]' "$TMP/mix.json")" \
   '[0,null,0]'
# "- -" in /proc/modules (no MODULE_UNLOAD): refcount and users come from sysfs refcnt, holders/
"$KMEMTOP" --root edge-nounload -o --format json --view modules >"$TMP/nu.json"
is "no MODULE_UNLOAD: refcount and users from /sys/module" \
   "$(jq -c '[.modules.rows[]|{name,refcount,used_by}]|sort_by(.name)' "$TMP/nu.json")" \
   '[{"name":"base","refcount":1,"used_by":["user1"]},{"name":"user1","refcount":0,"used_by":[]}]'
# Every 6.x capture read as root at kptr_restrict=0 against its kptr_restrict=1 twin (same boot,
# a moment apart): every module's static areas, bytes and pages are the twin's (issue 11).
statics() {
    "$KMEMTOP" --root "$1" -o --view modules --format json |
        jq -c '[.modules.rows[] | [.name, .static_areas, .static_bytes, .static_pages, .method]] | sort'
}
for tw in debian61 debian612 debian612a; do
    a=$(statics "$tw-root" | jq -c 'map(.[0:4])'); b=$(statics "$tw-root-kptr1" | jq -c 'map(.[0:4])')
    is "$tw root (kptr_restrict=0) = root-kptr1: every module's static areas, bytes, pages" "$a" "$b"
    is "$tw root: no module is an estimate" \
        "$(statics "$tw-root" | jq '[.[] | select(.[4] == "estimate")] | length')" 0
done
contains "debian612a root: the header says how exact, and how" \
    "$("$KMEMTOP" --root debian612a-root -o --view modules)" \
    '^exact for 37 of 37 modules \(order, 6\.9\+ vmap nodes: 4 \(inferred: no cpu/possible file\)\)'

# The same tree with the possible CPUs a capture now keeps: N from it, the same figures
cp -r debian612a-root "$TMP/with-possible"
mkdir -p "$TMP/with-possible/sys/devices/system/cpu"
printf '0-3\n' >"$TMP/with-possible/sys/devices/system/cpu/possible"
contains "cpu/possible 0-3 in the tree: N = 4 from it" \
    "$("$KMEMTOP" --root "$TMP/with-possible" -o --view modules)" \
    '^exact for 37 of 37 modules \(order, 6\.9\+ vmap nodes: 4 \(from /sys/devices/system/cpu/possible\)\)'
is "cpu/possible 0-3: the same figures as the kptr_restrict=1 twin" \
    "$(statics "$TMP/with-possible" | jq -c 'map(.[0:4])')" "$(statics debian612a-root-kptr1 | jq -c 'map(.[0:4])')"
printf '0-2\n' >"$TMP/with-possible/sys/devices/system/cpu/possible"
wrong=$(statics "$TMP/with-possible")
key=$(statics debian612a-root-kptr1)
is "cpu/possible wrong (0-2): every module shown exact has the twin's figures, the rest are estimates" \
    "$(jq -n --argjson w "$wrong" --argjson k "$key" \
        '[range($w|length) | select($w[.][4] != "estimate" and $w[.][0:4] != $k[.][0:4])] | length')" 0

# the possible CPUs never change while a kernel runs: read once, not every frame
if command -v strace >/dev/null && strace -o /dev/null true 2>/dev/null && [ -r /sys/devices/system/cpu/possible ]; then
    strace -f -e trace=open,openat,openat2 -o "$TMP/strace" "$KMEMTOP" -b -n 3 -d 0.1 --view modules >/dev/null 2>&1
    is "live, 3 frames: /sys/devices/system/cpu/possible opened once" "$(grep -c 'cpu/possible' "$TMP/strace")" 1
    rm -rf "$TMP/cap3"
    "$KMEMTOP" --capture "$TMP/cap3" -n 2 -d 0.1 --view modules >/dev/null 2>&1
    is "--capture -n 2: each tree still gets it" "$(ls "$TMP"/cap3/000*/sys/devices/system/cpu/possible 2>/dev/null | wc -l)" 2
fi

done_testing
