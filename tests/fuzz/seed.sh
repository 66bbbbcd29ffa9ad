#!/bin/sh
# seed.sh - fill a libFuzzer target's seed corpus from the fixtures.
#
#   seed.sh SRCDIR TARGET DIR MAXLEN
#
# Copies every fixture file the target parses (tests/fixtures/*/proc/<file>,
# the node and slab sysfs files, ...) into DIR, one file per distinct content
# (named by its checksum), plus the hand-written seeds in
# tests/fuzz/seeds/TARGET/. A file longer than MAXLEN is cut at line ends
# into pieces of at most MAXLEN bytes (zoneinfo: at zone headers), so that
# every part of a large real file reaches the fuzzer (libFuzzer would only
# see its first MAXLEN bytes).
# modjoin's seeds are one fixture's /proc/modules, the separator line
# "==vmallocinfo==" and that fixture's module-related vmallocinfo lines.
# The fixtures are only read.
set -eu
src=$1 target=$2 dir=$3 maxlen=$4
fx=$src/tests/fixtures
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# add FILE: copy it under its checksum; one longer than maxlen in pieces of
# whole records (a record starts at a line matching $record: a line, or a
# zone's "Node N, zone X" block of zoneinfo), as many as fit in maxlen
record=.
add() {
    if [ "$(wc -c <"$1")" -le "$maxlen" ]; then
        cp "$1" "$dir/seed-$(cksum <"$1" | tr ' ' -)"
        return
    fi
    rm -f "$tmp"/piece.*
    awk -v re="$record" -v max="$maxlen" -v out="$tmp/piece." '
        function flush() { if (buf != "") { printf "%s", buf > (out n); close(out n); n++ } buf = "" }
        function put() { if (length(buf) + length(rec) > max) flush(); buf = buf rec; rec = "" }
        $0 ~ re && rec != "" { put() }
        { rec = rec $0 "\n" }
        END { put(); flush() }' "$1"
    for p in "$tmp"/piece.*; do
        [ "$(wc -c <"$p")" -le "$maxlen" ] || continue # one record longer than maxlen
        cp "$p" "$dir/seed-$(cksum <"$p" | tr ' ' -)"
    done
}

# files NAME-PATTERN...: the fixture files whose path ends like one of the patterns
files() {
    for pat in "$@"; do
        find "$fx" -type f -path "*/$pat"
    done | sort
}

node=sys/devices/system/node
case $target in
buddyinfo | pagetypeinfo | vmallocinfo | modules) list=$(files "proc/$target") ;;
vmgroup) list=$(files proc/vmallocinfo) ;;
zoneinfo) list=$(files proc/zoneinfo) record='^Node ' ;;
meminfo_keys) list=$(files proc/meminfo "$node/node*/meminfo") ;;
meminfo_text) list=$(files proc/meminfo) ;;
slabinfo_text) list=$(files proc/slabinfo) ;;
vmstat) list=$(files proc/vmstat) ;;
pressure) list=$(files proc/pressure/memory) ;; # and tests/fuzz/seeds/pressure/
cgroup_files) list= ;; # tests/fuzz/seeds/cgroup_files/ (no fixture holds cgroup files)
node_meminfo) list=$(files "$node/node*/meminfo") ;;
numastat | distance) list=$(files "$node/node*/$target") ;;
idlist) list=$(files "$node/online" "$node/possible" "$node/has_*" "$node/node*/cpulist") ;;
slab_nodes)
    # thousands of caches: the distinct counts with a per-node tail, and a few without
    list=$( (files 'slab/*/slabs' 'slab/*/objects' 'slab/*/total_objects' |
        xargs grep -l N 2>/dev/null | head -n 150
        files 'slab/*/objects' | head -n 20) | sort -u)
    ;;
numbers) list= ;;
modjoin)
    list=
    for m in $(files proc/modules); do
        v=${m%/modules}/vmallocinfo
        [ -f "$v" ] || continue
        n=$(echo "$m" | cksum | cut -d' ' -f1)
        { cat "$m"; echo "==vmallocinfo=="
          grep -E 'module|execmem|\[|vmap_area' "$v" || true; } | head -c "$maxlen" >"$tmp/pair.$n"
        cp "$tmp/pair.$n" "$dir/seed-$(cksum <"$tmp/pair.$n" | tr ' ' -)"
    done
    ;;
*)
    echo "seed.sh: unknown target $target" >&2
    exit 2
    ;;
esac
for f in $list; do
    add "$f"
done
if [ -d "$src/tests/fuzz/seeds/$target" ]; then
    for f in "$src/tests/fuzz/seeds/$target"/*; do
        [ -f "$f" ] && add "$f"
    done
fi
[ -n "$(ls "$dir")" ] || { echo "seed.sh: no seeds for $target" >&2; exit 1; }
