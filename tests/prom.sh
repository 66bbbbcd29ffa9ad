#!/bin/sh
# --format prometheus on every fixture: promtool check metrics passes without a
# warning, and every sample equals the JSON frame's value (tests/prom-json.py);
# top N and "other", twin names, patterns, series, and --textfile's rewrite
# (atomic, never through a symlink). promtool comes with Debian's prometheus
# package (build.sh test installs it): without it those checks SKIP, or fail
# under CI=true.
. "$(dirname "$0")/lib.sh"
cd "$FIX"
LC_ALL=C; export LC_ALL
K="$KMEMTOP"
have_promtool=true
command -v promtool >/dev/null 2>&1 || have_promtool=false
if ! $have_promtool && [ "${CI:-}" = true ]; then
    nok "promtool is installed (CI=true)" "apt-get install prometheus"
fi
# lint FILE LABEL: promtool check metrics, no output at all (a warning is a failure)
lint() {
    if ! $have_promtool; then
        ok "$2: promtool check metrics # SKIP promtool not found (Debian package prometheus)"
        return
    fi
    if promtool check metrics <"$1" >"$TMP/lint" 2>&1 && [ ! -s "$TMP/lint" ]; then ok "$2: promtool check metrics, no warning"
    else nok "$2: promtool check metrics, no warning" "$(head -20 "$TMP/lint")"; fi
}
# compare LABEL ARGS...: the exposition against the JSON frame, all rows exported
compare() {
    label=$1; shift
    "$K" -o "$@" --format prometheus --prom-top slabs=0,vmalloc=0 >"$TMP/c.prom" 2>"$TMP/err" ||
        { nok "$label: exits 0" "$(cat "$TMP/err")"; return; }
    "$K" -o --raw "$@" --format json >"$TMP/c.json" 2>/dev/null
    python3 "$KM_SRCDIR/tests/prom-json.py" "$TMP/c.prom" "$TMP/c.json" >"$TMP/res" 2>&1 ||
        echo "nok	prom-json.py ran	$(cat "$TMP/res")" >>"$TMP/res"
    nbad=$(grep -vc '^ok' "$TMP/res")
    if [ "$nbad" -eq 0 ] && grep -q '^ok' "$TMP/res"; then
        ok "$label: $(grep -c '^ok' "$TMP/res") families equal the JSON frame"
    else
        nok "$label: every family equals the JSON frame" "$(grep -v '^ok' "$TMP/res" | head -10)"
    fi
}
for fx in $(ls -d */ | tr -d / | grep -v '^series-'); do
    "$K" --root "$fx" -o --format prometheus >"$TMP/$fx.prom" 2>"$TMP/err" ||
        { nok "$fx: exits 0" "$(cat "$TMP/err")"; continue; }
    lint "$TMP/$fx.prom" "$fx"
    compare "$fx" --root "$fx"
done
for fx in series-*; do
    first=$(ls -d "$fx"/*/ | head -1)
    "$K" --root "$first" -o --format prometheus >"$TMP/s.prom"
    lint "$TMP/s.prom" "$first"
    n=$("$K" --root "$fx" -b --format prometheus | grep -c '^kmemtop_build_info')
    is "$fx: one exposition per tree" "$n" "$(ls -d "$fx"/*/ | wc -l | tr -d ' ')"
done
P=$TMP/debian612-root.prom
# the required families
for fam in 'kmemtop_slab_footprint_bytes{cache=' 'kmemtop_slab_waste_bytes{cache=' \
    'kmemtop_module_static_bytes{module=' 'kmemtop_module_dynamic_bytes{module=' \
    'kmemtop_zone_free_bytes{node="0",zone=' 'kmemtop_zone_watermark_bytes{node="0",zone="DMA32",level="low"}' \
    'kmemtop_buddy_free_blocks{node="0",zone="DMA32",order="3"}' \
    'kmemtop_zone_unusable_index{node="0",zone="DMA32",order="3"}' 'kmemtop_source_up{source="slabinfo"} 1' \
    'kmemtop_source_duration_seconds{source='; do
    check "debian612-root has $fam" grep -qF "$fam" "$P"
done
contains "no timestamps: every sample is NAME{LABELS} VALUE" \
    "$(grep -v '^#' "$P" | grep -vE '^[a-z_]+(\{[^}]*\})? [-0-9.e+]+$' | head -3)" '^$'
contains "every family has HELP and TYPE" "$(grep -v '^#' "$P" | sed 's/[{ ].*//' | sort -u | while read -r f; do
    grep -q "^# HELP $f " "$P" && grep -q "^# TYPE $f " "$P" || echo "$f"; done)" '^$'
# top N: 50 caches and "other", which sums the rest
n=$(grep -c '^kmemtop_slab_footprint_bytes{' "$P")
all=$("$K" --root debian612-root -o --raw --format json | jq '.slabs.rows|length')
is "slabs: the top 50 and other (of $all caches)" "$n" 51
s1=$(awk '/^kmemtop_slab_footprint_bytes\{/ { s += $2 } END { printf "%d", s }' "$P")
s2=$("$K" --root debian612-root -o --raw --format json | jq '.slabs.summary.footprint')
is "slabs: the top 50 and other add up to the caches' footprint" "$s1" "$s2"
n=$("$K" --root debian612-root -o --format prometheus --prom-top slabs=5 | grep -c '^kmemtop_slab_footprint_bytes{')
is "--prom-top slabs=5: five and other" "$n" 6
out=$("$K" --root debian612-root -o --format prometheus --prom-include 'slabs=kmalloc-*|dentry' --prom-exclude 'slabs=kmalloc-r*' | grep '^kmemtop_slab_footprint_bytes{')
contains "--prom-include, --prom-exclude: only the caches they let through" \
    "$(printf '%s\n' "$out" | grep -v 'cache="kmalloc-' | grep -v 'cache="dentry"'; printf '%s\n' "$out" | grep 'kmalloc-r')" '^$'
contains "--prom-include: kmalloc-64 is in" "$out" 'cache="kmalloc-64"'
"$K" --root debian612-root -o --format prometheus --prom-top nosuch=3 >/dev/null 2>&1
is "--prom-top of no view: usage error" "$?" 2
# two caches of one name: an index label on those two only, and still valid
mkdir -p "$TMP/twin"
cp -a debian612-root/. "$TMP/twin/"
awk 'NR == 3 { print; print } NR != 3' debian612-root/proc/slabinfo >"$TMP/twin/proc/slabinfo"
twin=$(sed -n 3p debian612-root/proc/slabinfo | awk '{ print $1 }')
"$K" --root "$TMP/twin" -o --format prometheus --prom-top slabs=0 >"$TMP/twin.prom"
lint "$TMP/twin.prom" "a cache listed twice"
is "a cache listed twice: index 0 and 1" \
    "$(grep "^kmemtop_slab_objects{cache=\"$twin\"" "$TMP/twin.prom" | sed 's/.*index="\([0-9]\)".*/\1/' | tr '\n' ' ')" "0 1 "
is "the other caches carry no index" "$(grep '^kmemtop_slab_objects{' "$TMP/twin.prom" | grep -c index=)" 2
compare "a cache listed twice" --root "$TMP/twin"

# --textfile DIR: one rewrite per tick, the same text, no file left behind
D=$TMP/tf
mkdir -m 755 "$D"
"$K" --root debian612-root --textfile "$D" -n 2 -d 0.1 2>"$TMP/err"
is "--textfile: exits 0" "$?" 0
is "--textfile: kmemtop.prom alone in DIR" "$(ls -A "$D")" kmemtop.prom
"$K" --root debian612-root -o --format prometheus | grep -v duration_seconds >"$TMP/want"
grep -v duration_seconds "$D/kmemtop.prom" >"$TMP/got"
check "--textfile: the text of --format prometheus" cmp "$TMP/want" "$TMP/got"
lint "$D/kmemtop.prom" "--textfile output"
rm "$D/kmemtop.prom"
echo precious >"$TMP/target"
ln -s "$TMP/target" "$D/kmemtop.prom"
"$K" --root debian612-root --textfile "$D" -n 1 2>"$TMP/err"
check "--textfile: a symlink kmemtop.prom is replaced, not written through" \
    sh -c "[ ! -L '$D/kmemtop.prom' ] && [ -f '$D/kmemtop.prom' ] && [ \"\$(cat '$TMP/target')\" = precious ]"
ln -s "$D" "$TMP/tf-link"
"$K" --root debian612-root --textfile "$TMP/tf-link" -n 1 2>"$TMP/err"
is "--textfile through a symlinked DIR: refused" "$?" 1
contains "--textfile through a symlinked DIR: says why" "$(cat "$TMP/err")" 'symlink'
mkdir -m 777 "$TMP/open"
chmod 777 "$TMP/open"
"$K" --root debian612-root --textfile "$TMP/open" -n 1 2>"$TMP/err"
is "--textfile in a world-writable, not sticky DIR: refused" "$?" 1
chmod 1777 "$TMP/open"
"$K" --root debian612-root --textfile "$TMP/open" -n 1 2>"$TMP/err"
is "--textfile in a sticky DIR: written" "$?$(ls -A "$TMP/open")" 0kmemtop.prom
# a series: one rewrite per tree, the last one's left
"$K" --root series-debian61 --textfile "$D" -d 0.05 2>"$TMP/err"
last=$(ls -d series-debian61/*/ | tail -1)
"$K" --root "$last" -o --format prometheus | grep -v duration_seconds >"$TMP/want"
grep -v duration_seconds "$D/kmemtop.prom" | grep -v '^kmemtop_source_age' >"$TMP/got"
grep -v '^kmemtop_source_age' "$TMP/want" >"$TMP/want2"
check "--textfile on a series: the last tree's" cmp "$TMP/want2" "$TMP/got"

# the documentation: every family of every fixture in doc/metrics.md; the rules valid and each
# alert unit-tested
cat "$TMP"/*.prom | sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p' | sort -u >"$TMP/fams"
contains "doc/metrics.md lists every family ($(wc -l <"$TMP/fams" | tr -d ' '))" \
    "$(while read -r f; do grep -q "^| \`$f\` |" "$KM_SRCDIR/doc/metrics.md" || echo "$f"; done <"$TMP/fams")" '^$'
R=$KM_SRCDIR/doc/prometheus
contains "every family the rules use is documented" "$(grep -o 'kmemtop_[a-z_]*' "$R/kmemtop-rules.yml" |
    sort -u | while read -r f; do grep -q "^| \`$f\` |" "$KM_SRCDIR/doc/metrics.md" || echo "$f"; done)" '^$'
contains "every alert has a unit test" "$(sed -n 's/^ *- alert: //p' "$R/kmemtop-rules.yml" | while read -r a; do
    grep -q "alertname: $a\$" "$R/kmemtop-rules.test.yml" || echo "$a"; done)" '^$'
if $have_promtool; then
    check "promtool check rules doc/prometheus/kmemtop-rules.yml" promtool check rules "$R/kmemtop-rules.yml"
    (cd "$R" && promtool test rules kmemtop-rules.test.yml) >"$TMP/rt" 2>&1
    is "promtool test rules: every alert's unit test passes" "$?" 0 || cat "$TMP/rt" | sed 's/^/#   /'
else
    ok "promtool check rules # SKIP promtool not found"
    ok "promtool test rules # SKIP promtool not found"
fi
done_testing
