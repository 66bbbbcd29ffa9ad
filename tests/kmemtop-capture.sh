#!/bin/sh
# kmemtop-capture.sh - capture what kmemtop reads, on a board that cannot
# run kmemtop, into a tree that `kmemtop --root DIR` shows later.
#
# usage: kmemtop-capture [-f] [-n COUNT] [-d SECONDS] DIR
#
#   DIR            with one capture: DIR/proc, DIR/sys, DIR/kmemtop-capture;
#                  with -n COUNT > 1: DIR/0001, DIR/0002, ... one tree each
#                  (a series: `kmemtop --root DIR` steps through them).
#                  DIR is created, or must be empty; never a symlink.
#   -f             DIR may hold a previous capture (its kmemtop-capture
#                  record, or trees with one): it is replaced whole
#   -n COUNT       number of captures (default 1)
#   -d SECONDS     wait between captures (default 1; fractions where the
#                  board's sleep takes them, else rounded up)
#
# Plain POSIX sh for busybox: uses cat, ls, chmod, ln, mv, rm, mkdir, date,
# sleep, and mktemp, readlink and getconf when present. /proc files are read
# with cat (one stream to EOF; their st_size is 0). Absent files are left
# out, as the kernel left them out; unreadable ones (not root) are skipped
# and counted. Each tree gets a kmemtop-capture record: time=, page_size=,
# kernel=, and complete=1, or complete=0 with error= and error_path=.
#
# Safety (it runs as root, DIR may be anyone's): the trees are written in a
# fresh private directory made inside DIR (mktemp -d, mode 0700) that the
# script works in (cd), then moved into DIR without replacing anything; a
# planted link is never written through. Files keep their source's read
# and write bits (chmod), directories are 0700 (umask 077). A failed write
# is an error: the tree is marked incomplete and the script exits 1.

prog=${0##*/} # kmemtop-capture when installed

usage() {
    echo "usage: $prog [-f] [-n COUNT] [-d SECONDS] DIR" >&2
    exit 2
}

fail() {
    printf '%s: %s\n' "$prog" "$*" >&2
    exit 1
}

count=1
delay=1
force=no
while getopts fn:d:h opt; do
    case $opt in
    f) force=yes ;;
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
while :; do # "link/" would follow the link
    case $dest in */) [ "$dest" = / ] && break; dest=${dest%/} ;; *) break ;; esac
done
case $dest in /*) ;; *) dest=$(pwd)/$dest ;; esac # the script works inside DIR

nl='
'
have_readlink=no
command -v readlink >/dev/null 2>&1 && have_readlink=yes

# entries DIR: every entry's path, dot files included, one a line (names have no newline here)
entries() {
    for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
        if [ -e "$e" ] || [ -L "$e" ]; then printf '%s\n' "$e"; fi
    done
}

# record_at PATH: a regular file (not a link) named kmemtop-capture
record_at() { [ -f "$1/kmemtop-capture" ] && [ ! -L "$1/kmemtop-capture" ]; }

# is_tree DIR [top]: a captured tree: its record and nothing but proc/ and sys/ beside
# it (at DIR, also the leftovers of an interrupted capture, .kmemtop-*)
is_tree() {
    record_at "$1" || return 1
    IFS=$nl
    for e in $(entries "$1"); do
        case ${e##*/} in
        kmemtop-capture | proc | sys) ;;
        .kmemtop-*) [ "${2:-}" = top ] || { unset IFS; return 1; } ;;
        *) unset IFS; return 1 ;;
        esac
    done
    unset IFS
}

# is_capture DIR: a previous capture: one tree, or only trees (and .kmemtop-* leftovers);
# a directory where someone dropped a record among other files is not one
is_capture() {
    is_tree "$1" top && return 0
    IFS=$nl
    for e in $(entries "$1"); do
        case ${e##*/} in .kmemtop-*) continue ;; esac
        [ -d "$e" ] && [ ! -L "$e" ] && is_tree "$e" || { unset IFS; return 1; }
    done
    unset IFS
}

[ -L "$dest" ] && fail "$dest: is a symbolic link; name the directory itself"
replace=no
if [ -e "$dest" ]; then
    [ -d "$dest" ] || fail "$dest: not a directory"
    if [ -n "$(entries "$dest")" ]; then
        [ "$force" = yes ] ||
            fail "$dest: exists and is not empty; use -f to replace a previous capture"
        is_capture "$dest" ||
            fail "$dest: -f: it holds no kmemtop capture (no kmemtop-capture record), not replaced"
        replace=yes
    fi
else
    parent=${dest%/*}
    [ -n "$parent" ] && { mkdir -p "$parent" 2>/dev/null || fail "$dest: cannot create $parent"; }
fi
umask 077
[ -d "$dest" ] || mkdir "$dest" 2>/dev/null || fail "$dest: cannot create it"

# This script works by path, so nothing on the way to DIR may be changeable by another
# user: a name swapped for a link between two commands would make us write through it.
# Every directory from / to DIR (links resolved) must be owned by root or by us, and
# not writable by group or others (a sticky directory such as /tmp may be: no one can
# rename another's entries there); DIR itself must be writable by us alone.
me=$(id -u)
# dir_ok PATH STRICT: PATH passes; STRICT: no sticky allowance
dir_ok() {
    set -- "$1" "$2" $(ls -ldn "$1" 2>/dev/null)
    [ $# -ge 5 ] || return 1
    _mode=$3 _uid=$5
    [ "$_uid" = 0 ] || [ "$_uid" = "$me" ] || { why="owned by uid $_uid"; return 1; }
    case $_mode in ?????w* | ????????w*) ;; *) return 0 ;; esac
    [ "$2" = strict ] && { why="writable by others ($_mode)"; return 1; }
    case $_mode in *[tT]) return 0 ;; esac
    why="writable by others ($_mode)"
    return 1
}
phys=$(cd "$dest" 2>/dev/null && pwd -P) || fail "$dest: cannot enter it"
dir_ok "$phys" strict || fail "$dest: $why; capture into a directory only you can change"
p=$phys
while [ -n "$p" ]; do
    p=${p%/*}
    dir_ok "${p:-/}" loose ||
        fail "$dest: ${p:-/} is $why: another user could swap names on the way to DIR; capture under a directory only root or you can change (e.g. /root or /var/tmp)"
done
dest=$phys

# private DIR/.kmemtop-WHAT.XXXXXX (0700, ours): prints its path
private() {
    if command -v mktemp >/dev/null 2>&1; then
        mktemp -d "$dest/.kmemtop-$1.XXXXXX" 2>/dev/null
    else
        mkdir "$dest/.kmemtop-$1.$$" 2>/dev/null && echo "$dest/.kmemtop-$1.$$"
    fi
}
work=$(private new) || fail "$dest: cannot make a private directory in it"
old=
cleanup() {
    cd / 2>/dev/null
    [ -n "$work" ] && rm -rf "$work" # rm does not follow links
    [ -n "$old" ] && rm -rf "$old"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
cd "$work" || fail "$work: cannot enter it"

# mv -T -n: onto a name, never into a directory or over a link; where mv lacks
# them the name was checked free just before
mkdir .probe && mv -T -n .probe .probe2 2>/dev/null && mvT="-T -n"
rm -rf .probe .probe2

# Per-tree counters and the tree's first write error.
files=0
skipped=0
links_skipped=0
werr=
wpath=

# note PATH WHY: keeps the first failed write
note() { [ -n "$wpath" ] || { wpath=${1#./}; werr=${2:-write error}; }; }

# mode_of FILE: its read and write bits in $m, in octal (from ls -l; no stat on every board)
mode_of() {
    p=$(ls -ldn "$1" 2>/dev/null) || return 1
    p=${p%% *}
    p=${p#?}
    m=
    for w in u g o; do
        d=0
        case $p in r*) d=$((d + 4)) ;; esac
        p=${p#?}
        case $p in w*) d=$((d + 2)) ;; esac
        p=${p#??}
        m=$m$d
    done
}

# copy SRC DST: one file; absent is fine, unreadable is counted, a failed write noted.
copy() {
    [ -e "$1" ] || return 0
    if [ ! -r "$1" ]; then
        skipped=$((skipped + 1))
        return 0
    fi
    if cat "$1" >"$2" 2>/dev/null; then
        mode_of "$1" && chmod "$m" "$2" 2>/dev/null || note "$2" "cannot set its mode"
        files=$((files + 1))
        return 0
    fi
    if cat "$1" >/dev/null 2>&1; then # the read works: the write failed; why
        why=$(cat "$1" 2>&1 >"$2")
        rm -f "$2"
        note "$2" "${why##*: }"
    else
        rm -f "$2"
        skipped=$((skipped + 1))
    fi
}

# target_of LINK: where it points
target_of() {
    if [ "$have_readlink" = yes ]; then
        readlink "$1"
    else
        l=$(ls -ld "$1") && printf '%s\n' "${l#* -> }"
    fi
}

# link SRC DST [inside]: recreate symlink SRC at DST; with "inside", only a
# target that stays in the directory (relative, no ..) is recreated
link() {
    target=$(target_of "$1") || { skipped=$((skipped + 1)); return 0; }
    if [ "$3" = inside ]; then
        case $target in '' | /* | .. | ../* | */.. | */../*)
            links_skipped=$((links_skipped + 1))
            return 0 ;;
        esac
    fi
    if why=$(ln -s "$target" "$2" 2>&1); then
        files=$((files + 1))
    else
        note "$2" "${why##*: }"
    fi
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

# mkdirs DIR: or note the failure
mkdirs() { why=$(mkdir -p "$1" 2>&1) || { note "$1" "${why##*: }"; return 1; }; }

capture_proc() {
    t=$1
    mkdirs "$t/proc/sys/kernel" || return 0
    for f in meminfo modules vmallocinfo zoneinfo buddyinfo pagetypeinfo slabinfo vmstat \
        version uptime; do
        copy "/proc/$f" "$t/proc/$f"
    done
    copy_in /proc/sys/kernel "$t/proc/sys/kernel" osrelease kptr_restrict tainted \
        perf_event_paranoid
    # the boot's id (2.6.24+): kmemtop --root orders a series by boot, then uptime
    if [ -e /proc/sys/kernel/random/boot_id ]; then
        mkdirs "$t/proc/sys/kernel/random" &&
            copy /proc/sys/kernel/random/boot_id "$t/proc/sys/kernel/random/boot_id"
    fi
    # PSI (4.20+, CONFIG_PSI): absent or unreadable (psi=0) is simply not copied
    if [ -e /proc/pressure/memory ]; then
        mkdirs "$t/proc/pressure" && copy /proc/pressure/memory "$t/proc/pressure/memory"
    fi
}

# The possible CPUs: from 6.9 the number of vmap nodes, which decides the order
# vmallocinfo prints areas in (the module join's order method needs it).
capture_cpus() {
    [ -e /sys/devices/system/cpu/possible ] || return 0
    mkdirs "$1/sys/devices/system/cpu" || return 0
    copy_in /sys/devices/system/cpu "$1/sys/devices/system/cpu" possible
}

capture_nodes() {
    t=$1/sys/devices/system/node
    [ -d /sys/devices/system/node ] || return 0
    mkdirs "$t" || return 0
    copy_in /sys/devices/system/node "$t" online possible has_cpu has_memory \
        has_normal_memory
    for n in /sys/devices/system/node/node[0-9]*; do
        [ -d "$n" ] || continue
        mkdirs "$t/${n##*/}" || continue
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
        mkdirs "$d/sections" && mkdirs "$d/holders" || continue
        copy_in "$m" "$d" coresize initsize refcnt taint initstate
        [ -d "$m/sections" ] && copy_entries "$m/sections" "$d/sections"
        [ -d "$m/holders" ] && copy_entries "$m/holders" "$d/holders"
    done
    return 0
}

capture_slabs() {
    t=$1/sys/kernel/slab
    [ -d /sys/kernel/slab ] || return 0
    mkdirs "$t" || return 0
    for c in /sys/kernel/slab/*; do
        if [ -L "$c" ]; then
            link "$c" "$t/${c##*/}" inside
        elif [ -d "$c" ]; then
            mkdirs "$t/${c##*/}" || continue
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

# write_meta TREE STAMP: the record, complete or not (written last)
write_meta() {
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
        if [ -z "$wpath" ]; then
            echo "complete=1"
        else
            printf 'complete=0\nerror=%s\nerror_path=%s\n' "$werr" "${wpath#"$1"/}"
        fi
    } >"$1/kmemtop-capture"
}

# place NAME: move ./NAME into DIR, never over anything there
place() {
    if [ -e "$dest/$1" ] || [ -L "$dest/$1" ]; then
        printf '%s: %s: %s is in the way\n' "$prog" "$dest" "$1" >&2
        return 1
    fi
    # shellcheck disable=SC2086 # $mvT is options or nothing
    mv $mvT "$1" "$dest/$1" 2>/dev/null
    if [ -e "$1" ] || [ -L "$1" ]; then
        printf '%s: %s: cannot move %s into place\n' "$prog" "$dest" "$1" >&2
        return 1
    fi
}

# With -f: the previous capture goes aside whole before the first new tree lands.
move_old_aside() {
    [ "$replace" = yes ] || return 0
    replace=no
    old=$(private old) || fail "$dest: cannot make a private directory in it"
    IFS=$nl
    for e in $(entries "$dest"); do
        case $e in "$work" | "$old") continue ;; esac
        mv "$e" "$old/" || fail "$dest: cannot move ${e##*/} aside"
    done
    unset IFS
}

# place_tree TREE: a series' tree whole; a lone tree's entries, the record last
place_tree() {
    move_old_aside
    if [ "$1" != . ]; then
        place "$1"
        return
    fi
    for e in $(entries .); do # proc, sys: no spaces
        e=${e#./}
        [ "$e" = kmemtop-capture ] || place "$e" || return 1
    done
    place kmemtop-capture
}

# capture TREE NAME: one tree, /proc first (it changes fastest); NAME is how it is shown
capture() {
    files=0
    skipped=0
    werr=
    wpath=
    [ "$1" = . ] || mkdirs "$1" || return 1
    printf '# kmemtop capture in progress\ncomplete=0\nerror=the capture did not finish\n' \
        >"$1/kmemtop-capture" 2>/dev/null || note "$1/kmemtop-capture" "cannot write the record"
    stamp=$(now)
    capture_proc "$1"
    capture_cpus "$1"
    capture_nodes "$1"
    capture_modules "$1"
    capture_slabs "$1"
    write_meta "$1" "$stamp" 2>/dev/null || note "$1/kmemtop-capture" "cannot write the record"
    place_tree "$1" || return 1
    note=" (files keep their kernel modes; the tree is readable by you only)"
    if [ "$skipped" -gt 0 ]; then
        printf '%s: %d files, %d unreadable skipped%s\n' "$2" "$files" "$skipped" "$note"
    else
        printf '%s: %d files%s\n' "$2" "$files" "$note"
    fi
    total_skipped=$((total_skipped + skipped))
    if [ -n "$wpath" ]; then
        printf '%s: %s: could not write %s: %s\n' "$prog" "$dest" "$2/${wpath#"$1"/}" "$werr" >&2
        exit 1
    fi
}

pause() {
    sleep "$delay" 2>/dev/null && return 0
    whole=${delay%%.*}
    sleep $((${whole:-0} + 1))
}

total_skipped=0
if [ "$count" -eq 1 ]; then
    capture . "$dest" || exit 1
else
    i=1
    while [ "$i" -le "$count" ]; do
        tree=$(printf '%04d' "$i")
        capture "$tree" "$dest/$tree" || exit 1
        [ "$i" -lt "$count" ] && pause
        i=$((i + 1))
    done
fi
if [ "$links_skipped" -gt 0 ]; then
    printf '%s: %d slab links pointing out of the tree not recreated\n' "$prog" "$links_skipped"
fi
if [ "$total_skipped" -gt 0 ]; then
    printf '%s: %d unreadable files skipped in all; run as root to capture them\n' \
        "$prog" "$total_skipped"
fi
exit 0
