#!/bin/sh
# kmemtop-capture.sh - capture what kmemtop reads, on a board that cannot
# run kmemtop, into a tree that `kmemtop --root DIR` shows later.
#
# usage: kmemtop-capture.sh [-n COUNT] [-d SECONDS] DIR
#
#   DIR            with one capture: DIR/proc, DIR/sys, DIR/kmemtop-capture;
#                  with -n COUNT > 1: DIR/0001, DIR/0002, ... one tree each
#                  (a series: `kmemtop --root DIR` steps through them)
#   -n COUNT       number of captures (default 1)
#   -d SECONDS     wait between captures (default 1; fractions where the
#                  board's sleep takes them, else rounded up)
#
# Plain POSIX sh for busybox: uses cat, cp, ln, rm, mkdir, date, sleep, and
# readlink and getconf when present. /proc files are read with cat (one
# stream to EOF; their st_size is 0). Absent files are left out, as the
# kernel left them out; unreadable ones (not root) are skipped and counted.
# Each tree gets a kmemtop-capture record: time=, page_size=, kernel=.

prog=kmemtop-capture.sh

usage() {
    echo "usage: $prog [-n COUNT] [-d SECONDS] DIR" >&2
    exit 2
}

count=1
delay=1
while getopts n:d:h opt; do
    case $opt in
    n) count=$OPTARG ;;
    d) delay=$OPTARG ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
dest=$1
case $count in '' | *[!0-9]*) usage ;; esac
case $delay in '' | .* | *[!0-9.]* | *.*.*) usage ;; esac
[ "$count" -ge 1 ] || usage

have_readlink=no
command -v readlink >/dev/null 2>&1 && have_readlink=yes

# Per-tree counters.
files=0
skipped=0

# copy SRC DST: one file; absent is fine, unreadable is counted.
copy() {
    [ -e "$1" ] || return 0
    if [ -r "$1" ] && cat "$1" >"$2" 2>/dev/null; then
        files=$((files + 1))
    else
        rm -f "$2"
        skipped=$((skipped + 1))
    fi
}

# link SRC DST: recreate symlink SRC at DST, pointing where it points.
link() {
    if [ "$have_readlink" = yes ]; then
        target=$(readlink "$1") && ln -s "$target" "$2" 2>/dev/null
    else
        cp -RP "$1" "$2" 2>/dev/null
    fi && files=$((files + 1)) || skipped=$((skipped + 1))
}

# copy_in SRCDIR DSTDIR NAME...: several files of one directory.
copy_in() {
    src=$1
    dst=$2
    shift 2
    for f in "$@"; do
        copy "$src/$f" "$dst/$f"
    done
}

capture_proc() {
    t=$1
    mkdir -p "$t/proc/sys/kernel" || return 1
    for f in meminfo modules vmallocinfo zoneinfo buddyinfo pagetypeinfo slabinfo \
        version uptime; do
        copy "/proc/$f" "$t/proc/$f"
    done
    copy_in /proc/sys/kernel "$t/proc/sys/kernel" osrelease kptr_restrict tainted \
        perf_event_paranoid
}

capture_nodes() {
    t=$1/sys/devices/system/node
    [ -d /sys/devices/system/node ] || return 0
    mkdir -p "$t" || return 1
    copy_in /sys/devices/system/node "$t" online possible has_cpu has_memory \
        has_normal_memory
    for n in /sys/devices/system/node/node[0-9]*; do
        [ -d "$n" ] || continue
        mkdir -p "$t/${n##*/}" || return 1
        copy_in "$n" "$t/${n##*/}" meminfo numastat cpulist distance
    done
}

# Every entry of a directory, dot files included (module sections are .text etc.).
copy_entries() {
    src=$1
    dst=$2
    for e in "$src"/* "$src"/.[!.]* "$src"/..?*; do
        [ -e "$e" ] || [ -L "$e" ] || continue
        if [ -L "$e" ]; then
            link "$e" "$dst/${e##*/}"
        else
            copy "$e" "$dst/${e##*/}"
        fi
    done
}

capture_modules() {
    t=$1/sys/module
    for m in /sys/module/*; do
        [ -e "$m/initstate" ] || continue # built in: no memory of its own
        d=$t/${m##*/}
        mkdir -p "$d/sections" "$d/holders" || return 1
        copy_in "$m" "$d" coresize initsize refcnt taint initstate
        [ -d "$m/sections" ] && copy_entries "$m/sections" "$d/sections"
        [ -d "$m/holders" ] && copy_entries "$m/holders" "$d/holders"
    done
    return 0
}

capture_slabs() {
    t=$1/sys/kernel/slab
    [ -d /sys/kernel/slab ] || return 0
    mkdir -p "$t" || return 1
    for c in /sys/kernel/slab/*; do
        if [ -L "$c" ]; then
            link "$c" "$t/${c##*/}"
        elif [ -d "$c" ]; then
            mkdir -p "$t/${c##*/}" || return 1
            copy_in "$c" "$t/${c##*/}" aliases reclaim_account objects slabs total_objects \
                object_size slab_size objs_per_slab order
        fi
    done
}

now() {
    s=$(date +%s.%N 2>/dev/null)
    case $s in
    [0-9]*.[0-9]*) case $s in *[!0-9.]*) s= ;; esac ;;
    *) s= ;;
    esac
    [ -n "$s" ] || s=$(date +%s 2>/dev/null)
    case $s in '' | *[!0-9.]*) s= ;; esac
    echo "$s"
}

write_meta() {
    t=$1
    {
        echo "# kmemtop capture, written by $prog"
        [ -n "$2" ] && printf 'time=%s\n' "$2"
        if command -v getconf >/dev/null 2>&1; then
            ps=$(getconf PAGESIZE 2>/dev/null)
            case $ps in '' | *[!0-9]*) ;; *) echo "page_size=$ps" ;; esac
        fi
        if [ -r /proc/sys/kernel/osrelease ]; then
            read -r kernel </proc/sys/kernel/osrelease && printf 'kernel=%s\n' "$kernel"
        fi
    } >"$t/kmemtop-capture"
}

# capture TREE: one tree, /proc first (it changes fastest).
capture() {
    files=0
    skipped=0
    mkdir -p "$1" || return 1
    stamp=$(now)
    capture_proc "$1" && capture_nodes "$1" && capture_modules "$1" &&
        capture_slabs "$1" && write_meta "$1" "$stamp" || return 1
    if [ "$skipped" -gt 0 ]; then
        printf '%s: %d files, %d unreadable skipped\n' "$1" "$files" "$skipped"
    else
        printf '%s: %d files\n' "$1" "$files"
    fi
    total_skipped=$((total_skipped + skipped))
}

pause() {
    sleep "$delay" 2>/dev/null && return 0
    whole=${delay%%.*}
    sleep $((${whole:-0} + 1))
}

total_skipped=0
if [ "$count" -eq 1 ]; then
    capture "$dest" || { printf '%s: cannot write %s\n' "$prog" "$dest" >&2; exit 1; }
else
    i=1
    while [ "$i" -le "$count" ]; do
        tree=$(printf '%s/%04d' "$dest" "$i")
        capture "$tree" || { printf '%s: cannot write %s\n' "$prog" "$tree" >&2; exit 1; }
        [ "$i" -lt "$count" ] && pause
        i=$((i + 1))
    done
fi
if [ "$total_skipped" -gt 0 ]; then
    printf '%s: %d unreadable files skipped in all; run as root to capture them\n' \
        "$prog" "$total_skipped"
fi
exit 0
