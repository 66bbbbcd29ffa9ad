#!/bin/sh
# --format csv on every fixture: a strict RFC 4180 reader parses it, and its
# rows and values are the JSON frame's for the same tree and options
# (tests/csv-json.py: ids rebuilt from the JSON rows, each value compared as
# --raw text writes it), with sort and filter applied alike. Hostile names
# come out sanitized, quoted where they must be.
. "$(dirname "$0")/lib.sh"
if ! command -v python3 >/dev/null 2>&1; then
    echo "1..0 # SKIP python3 not found (build.sh test installs it)"
    exit 0
fi
cd "$FIX"
LC_ALL=C; export LC_ALL
# run LABEL KMEMTOP-ARGS...: the CSV and the JSON frame of the same run, compared
run() {
    label=$1; shift
    if ! "$KMEMTOP" -o "$@" --format csv >"$TMP/f.csv" 2>"$TMP/err"; then
        nok "$label: csv exits 0" "$(cat "$TMP/err")"; return
    fi
    "$KMEMTOP" -o --raw "$@" --format json >"$TMP/f.json" 2>/dev/null
    python3 "$KM_SRCDIR/tests/csv-json.py" "$TMP/f.csv" "$TMP/f.json" >"$TMP/res" 2>&1 ||
        echo "nok	csv-json.py ran	$(cat "$TMP/res")" >>"$TMP/res"
    while IFS='	' read -r r name detail; do
        case $r in
        ok) ok "$label: $name" ;;
        nok) nok "$label: $name" "$detail" ;;
        *) nok "$label: csv-json.py says" "$r $name $detail" ;;
        esac
    done <"$TMP/res"
}
for fx in $(ls -d */ | tr -d / | grep -v '^series-'); do
    run "$fx" --root "$fx"
done
# sort, reverse order of a sort, filter: applied as in JSON
run "slabs -s c --filter kmalloc|dentry" --root debian612-root --view slabs -s c --filter 'kmalloc|dentry'
run "nodes --filter DMA" --root pcp-xeon-2node --view nodes --filter dma
run "modules -s name" --root debian612-root --view modules -s name
# the first tree of a series
run "series-debian61 slabs, first tree" --root series-debian61 --view slabs

H=edge-hostile-names
"$KMEMTOP" --root $H -o --format csv >"$TMP/h.csv"
check "hostile names: no control byte but the CRLF record ends" \
    sh -c "! tr -d '\r\n' <\"$TMP/h.csv\" | LC_ALL=C grep -q '[[:cntrl:]]'"
check "hostile names: valid UTF-8" iconv -f UTF-8 -t UTF-8 "$TMP/h.csv" -o /dev/null
contains "hostile names: a name holding a quote is quoted, the quote doubled" "$(cat "$TMP/h.csv")" \
    '^slabs,"evil\?\[31mred\?""q\\\?#0","evil\?\[31mred\?""q\\\?",'
# and the reader can fail: a bare quote, a needless quote, a bare LF
printf '%s\n' '{"page_size":4096}' >"$TMP/q.json"
for bad in 'a bare quote:view,id\r\nslabs,a"b\r\n' 'needless quotes:view,id\r\nslabs,"ab"\r\n' \
    'LF line ends:view,id\nslabs,ab\n'; do
    printf "${bad#*:}" >"$TMP/q.csv"
    contains "the reader refuses ${bad%%:*}" \
        "$(python3 "$KM_SRCDIR/tests/csv-json.py" "$TMP/q.csv" "$TMP/q.json")" '^nok	parses'
done

# a multi-frame series: every frame has its header rows
n=$("$KMEMTOP" --root series-debian61 -b --view slabs --format csv | grep -c '^view,')
t=$(ls -d series-debian61/*/ | wc -l | tr -d ' ')
is "a series: one header row per frame ($t trees)" "$n" "$t"
# --raw or not, the CSV is the same (always exact numbers)
a=$("$KMEMTOP" --root debian612-root -o --format csv | md5sum)
b=$("$KMEMTOP" --root debian612-root -o --raw --format csv | md5sum)
is "CSV has exact numbers with or without --raw" "$a" "$b"
done_testing
