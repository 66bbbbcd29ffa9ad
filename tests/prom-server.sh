#!/bin/sh
# The real thing: a Prometheus server (Debian's prometheus package, the binary
# run directly, a temporary TSDB, 127.0.0.1 and free ports) scrapes --listen
# and PromQL through its HTTP API returns the tree's values; node_exporter's
# textfile collector (alone) reads --textfile output without a scrape error;
# bad requests to --listen (other paths, POST, huge headers, many idle
# connections) get errors and leave it serving. Missing binaries SKIP, or
# fail under CI=true. Every server started is stopped on exit.
. "$(dirname "$0")/lib.sh"
cd "$FIX"
K="$KMEMTOP"
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
need() {
    for b in "$@"; do
        command -v "$b" >/dev/null 2>&1 && continue
        if [ "${CI:-}" = true ]; then
            nok "$b is installed (CI=true)" "build.sh test installs prometheus, prometheus-node-exporter, curl"
            done_testing
            exit 1
        fi
        echo "1..0 # SKIP $b not found (build.sh test installs it)"
        exit 0
    done
}
need curl python3 prometheus prometheus-node-exporter
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_for CMD...: until it succeeds, at most 30 s
wait_for() {
    i=0
    while [ $i -lt 150 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; i=$((i + 1)); done
    return 1
}
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# --- kmemtop --listen on a tree: its values are known ----------------------------
"$K" --root debian612-root --listen 127.0.0.1:0 >"$TMP/listen.out" 2>"$TMP/listen.err" &
PIDS="$PIDS $!"
KPID=$!
wait_for grep -q 'serving http' "$TMP/listen.out" || { nok "--listen starts" "$(cat "$TMP/listen.err")"; done_testing; exit 1; }
U=$(sed -n 's/^kmemtop: serving \(http:[^ ]*\)\/metrics$/\1/p' "$TMP/listen.out")
contains "--listen 127.0.0.1:0: says where" "$U" '^http://127\.0\.0\.1:[0-9]+$'
is "GET /metrics: 200" "$(status "$U/metrics")" 200
contains "GET /metrics: the exposition format's content type" \
    "$(curl -s -D - -o /dev/null "$U/metrics")" 'Content-Type: text/plain; version=0.0.4'
curl -s "$U/metrics" >"$TMP/scrape.prom"
"$K" --root debian612-root -o --format prometheus >"$TMP/want.prom"
is "the scrape is the tree's exposition" "$(grep -v duration_seconds "$TMP/scrape.prom" | md5sum)" \
    "$(grep -v duration_seconds "$TMP/want.prom" | md5sum)"
contains "GET /: a page linking /metrics" "$(curl -s "$U/")" 'href="/metrics"'
is "GET /other: 404" "$(status "$U/other")" 404
is "GET /metrics/x: 404" "$(status "$U/metrics/x")" 404
is "POST /metrics: 405" "$(status -X POST -d x=1 "$U/metrics")" 405
is "PUT /: 405" "$(status -X PUT -d x "$U/")" 405
contains "405 says Allow: GET" "$(curl -s -D - -o /dev/null -X DELETE "$U/metrics")" 'Allow: GET'
big=$(head -c 40000 /dev/zero | tr '\0' a)
contains "a 40 KB header: refused with a 4xx" "$(status -H "X-Big: $big" "$U/metrics")" '^4[0-9][0-9]$'
# many idle connections (more than --max-connections): held, then dropped
python3 - "$U" >"$TMP/many" 2>&1 <<'PY'
import socket, sys, time, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
socks = []
for i in range(64):
    try:
        s = socket.create_connection((u.hostname, u.port), timeout=2)
        s.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")  # never finished
        socks.append(s)
    except OSError:
        pass
time.sleep(0.5)
for s in socks:
    s.close()
print(len(socks))
PY
contains "64 idle connections: opened or refused, no crash" "$(cat "$TMP/many")" '^[0-9]+$'
kill -0 "$KPID" 2>/dev/null && ok "still running after the bad requests" || nok "still running after the bad requests" "$(cat "$TMP/listen.err")"
wait_for sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' '$U/metrics')\" = 200 ]"
is "GET /metrics after them: 200" "$?" 0

# --- a Prometheus server scrapes it -------------------------------------------------
PP=$(free_port)
HOSTPORT=${U#http://}
cat >"$TMP/prometheus.yml" <<EOT
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: kmemtop
    static_configs:
      - targets: ['$HOSTPORT']
EOT
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
    --web.listen-address="127.0.0.1:$PP" --log.level=warn >"$TMP/prom.log" 2>&1 &
PIDS="$PIDS $!"
Q="http://127.0.0.1:$PP/api/v1/query"
# query EXPR: the first result's value, "" when none
query() { curl -s -G --data-urlencode "query=$1" "$Q" | jq -r '.data.result[0].value[1] // empty'; }
nres() { curl -s -G --data-urlencode "query=$1" "$Q" | jq -r '.data.result | length'; }
if wait_for sh -c "[ \"\$(curl -s -G --data-urlencode 'query=up{job=\"kmemtop\"}' '$Q' | jq -r '.data.result[0].value[1] // empty')\" = 1 ]"; then
    ok "Prometheus scrapes --listen: up == 1"
else
    nok "Prometheus scrapes --listen: up == 1" "$(tail -5 "$TMP/prom.log"; curl -s "http://127.0.0.1:$PP/api/v1/targets" | head -c 600)"
fi
want() { awk -v k="$1" 'index($0, k " ") == 1 { print $2 }' "$TMP/want.prom"; }
for pair in \
    'kmemtop_slab_footprint_bytes{cache="dentry"}|kmemtop_slab_footprint_bytes{cache="dentry"}' \
    'kmemtop_zone_watermark_bytes{node="0",zone="DMA32",level="low"}|kmemtop_zone_watermark_bytes{node="0",zone="DMA32",level="low"}' \
    'kmemtop_buddy_free_blocks{node="0",zone="DMA32",order="3"}|kmemtop_buddy_free_blocks{node="0",zone="DMA32",order="3"}' \
    'kmemtop_meminfo_slab_bytes|kmemtop_meminfo_slab_bytes'; do
    q=${pair%%|*}; k=${pair#*|}
    is "PromQL $q: the tree's value" "$(query "$q")" "$(want "$k")"
done
is "PromQL: one series per zone and level" "$(nres 'kmemtop_zone_watermark_bytes')" \
    "$(grep -c '^kmemtop_zone_watermark_bytes{' "$TMP/want.prom")"
is "PromQL: the samples scraped are the exposition's" "$(query 'scrape_samples_scraped{job="kmemtop"}')" \
    "$(grep -vc '^#' "$TMP/want.prom")"
is "PromQL: sum of footprints equals the caches' footprint" \
    "$(query 'sum(kmemtop_slab_footprint_bytes)')" \
    "$("$K" --root debian612-root -o --raw --format json | jq '.slabs.summary.footprint')"
# (debian612-root has neither /proc/vmstat nor /proc/pressure/memory: those two are 0)
is "PromQL: the source of every family is up" "$(query 'min(kmemtop_source_up{source!~"vmstat|pressure"})')" 1
is "PromQL: a source the tree lacks is 0, not absent" "$(query 'kmemtop_source_up{source="pressure"}')" 0

# --- node_exporter's textfile collector reads --textfile output -------------------------
NP=$(free_port)
mkdir -m 755 "$TMP/textfile"
prometheus-node-exporter --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$TMP/textfile" --web.listen-address="127.0.0.1:$NP" \
    >"$TMP/ne.log" 2>&1 &
PIDS="$PIDS $!"
wait_for curl -sf "http://127.0.0.1:$NP/metrics"
mkdir -p "$TMP/twin"
cp -a debian612-root/. "$TMP/twin/"
awk 'NR == 3 { print; print } NR != 3' debian612-root/proc/slabinfo >"$TMP/twin/proc/slabinfo"
for tree in debian612-root hygon-8node edge-hostile-names "$TMP/twin" this-vm-6.18; do
    name=$(basename "$tree")
    "$K" --root "$tree" --textfile "$TMP/textfile" -n 1 --prom-top slabs=0 2>"$TMP/err" ||
        { nok "$name: --textfile" "$(cat "$TMP/err")"; continue; }
    curl -s "http://127.0.0.1:$NP/metrics" >"$TMP/ne.prom"
    is "$name: node_textfile_scrape_error 0" "$(awk '$1 == "node_textfile_scrape_error" { print $2 }' "$TMP/ne.prom")" 0
    is "$name: node_exporter serves every sample" "$(grep -c '^kmemtop_' "$TMP/ne.prom")" \
        "$(grep -c '^kmemtop_' "$TMP/textfile/kmemtop.prom")"
done

# --- live: --listen on this machine, scraped twice within the minimum interval ---------------
"$K" --listen 127.0.0.1:0 --scrape-interval-min 5 >"$TMP/live.out" 2>"$TMP/live.err" &
PIDS="$PIDS $!"
wait_for grep -q 'serving http' "$TMP/live.out"
L=$(sed -n 's/^kmemtop: serving \(http:[^ ]*\)$/\1/p' "$TMP/live.out")
curl -s "$L" >"$TMP/l1"
curl -s "$L" >"$TMP/l2"
contains "live: meminfo is up" "$(cat "$TMP/l1")" '^kmemtop_source_up\{source="meminfo"\} 1$'
check "live: two scrapes within --scrape-interval-min share one sample" cmp "$TMP/l1" "$TMP/l2"
done_testing
