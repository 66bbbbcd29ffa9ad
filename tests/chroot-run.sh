#!/bin/sh
# chroot-run.sh - run the whole suite (./build.sh test) inside a plain Debian 12 chroot.
#
#   tests/chroot-run.sh [DIR]        (make check-chroot, as root; 15-30 minutes)
#
# In a chroot whose root is not a mount point no private mount namespace can be set
# up: mount --make-rprivate / (what unshare -m and kmemtop --root do) fails with EINVAL,
# so --root reads trees with kmemtop's own parsers. tests/no-namespaces imitates a
# container with seccomp; this is the real chroot. The script
#   - makes DIR (default: _build/chroot-bookworm) with debootstrap --variant=minbase, or
#     reuses a DIR it made before (the file DIR/.kmemtop-chroot says so); any other
#     existing DIR is refused, as is a DIR that is itself a mount point;
#   - mounts proc, sysfs and /dev (a recursive bind, made a slave) in it the way one
#     enters a chroot by hand, and no mount namespace; a trap unmounts them on exit;
#   - clones this checkout's HEAD (commits only) to DIR/root/kmemtop and runs
#     ./build.sh test there, which installs the packages it needs with apt-get;
#   - keeps the output in DIR/root/chroot-run.log; the last line is build.sh's
#     "N passed, N failed", and the exit status is build.sh's.
# KM_CHROOT_MIRROR overrides the Debian mirror (default: the host's apt mirror, else
# http://deb.debian.org/debian).
set -eu

me=chroot-run.sh
die() { echo "$me: $*" >&2; exit 1; }
say() { echo "$me: $*"; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, mount and chroot need it): sudo make check-chroot"
for c in git mountpoint flock chroot mount umount; do
    command -v "$c" >/dev/null 2>&1 || die "needs $c"
done

src=$(cd "$(dirname "$0")/.." && pwd -P)
git -c safe.directory="$src" -C "$src" rev-parse --verify -q HEAD >/dev/null 2>&1 ||
    die "$src is not a git checkout: the chroot gets a clone of its HEAD"

suite=bookworm
dir=${1:-${KM_BUILDDIR:-$src/_build}/chroot-bookworm}
case $dir in /*) ;; *) dir=$(pwd -P)/$dir ;; esac
marker=.kmemtop-chroot

# The path is compared with /proc/self/mountinfo below: keep it plain.
case $dir in
*[!A-Za-z0-9._/+-]*) die "'$dir': use a path of letters, digits and . _ / + - only" ;;
esac

detect_mirror() {
    { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
          awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\/.*\/debian\/?$/) { print $i; exit } }'
      cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
          awk '$1 == "URIs:" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\/.*\/debian\/?$/) { print $i; exit } }'
    } | head -1
}

# Anything mounted at or beneath DIR (one mount point a line).
mounts_under() {
    awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo
}

state() { sed -n 's/^state=//p' "$dir/$marker" 2>/dev/null; }
set_state() {
    printf 'kmemtop chroot made by tests/chroot-run.sh\nsuite=%s\nmirror=%s\nstate=%s\n' \
        "$suite" "$mirror" "$1" >"$dir/$marker.new" && mv -f "$dir/$marker.new" "$dir/$marker"
}

mirror=${KM_CHROOT_MIRROR:-$(detect_mirror)}
mirror=${mirror:-http://deb.debian.org/debian}

if [ -L "$dir" ]; then
    die "$dir is a symbolic link: give the real directory"
elif [ -e "$dir" ]; then
    if ! { [ -d "$dir" ] && [ -f "$dir/$marker" ] && [ ! -L "$dir/$marker" ] &&
           head -1 "$dir/$marker" | grep -q '^kmemtop chroot made by tests/chroot-run.sh$'; }; then
        die "$dir exists and is not a chroot made by $me: give a new directory (or remove it yourself)"
    fi
    dir=$(cd "$dir" && pwd -P)
    case $(state) in
    ready) say "reusing the chroot in $dir" ;;
    *) die "the chroot in $dir was not finished (debootstrap failed or was stopped; see $dir/.kmemtop-debootstrap.log): check that 'findmnt -R $dir' shows nothing, then remove it and run again" ;;
    esac
else
    if ! command -v debootstrap >/dev/null 2>&1; then
        command -v apt-get >/dev/null 2>&1 || die "needs debootstrap"
        say "installing debootstrap"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    fi
    mkdir -p "$(dirname "$dir")"
    mkdir -m 755 "$dir"
    dir=$(cd "$dir" && pwd -P)
    set_state building
    say "debootstrap --variant=minbase $suite $dir $mirror (log: $dir/.kmemtop-debootstrap.log)"
    debootstrap --variant=minbase "$suite" "$dir" "$mirror" >"$dir/.kmemtop-debootstrap.log" 2>&1 || {
        tail -20 "$dir/.kmemtop-debootstrap.log" >&2
        left=$(mounts_under "$dir")
        [ -z "$left" ] || echo "$me: still mounted (unmount before removing $dir): $left" >&2
        die "debootstrap failed; remove $dir and run again"
    }
    set_state ready
fi

# One run at a time per chroot.
exec 9<"$dir/$marker"
flock -n 9 || die "another $me is using $dir"

# The case under test is a chroot whose root is a plain directory.
if mountpoint -q "$dir"; then
    die "$dir is a mount point: inside, / would be one too and a mount namespace could be made; use a plain directory"
fi
[ -z "$(mounts_under "$dir")" ] ||
    die "something is mounted in $dir already (a run that was killed?): $(mounts_under "$dir" | tr '\n' ' ')"

# What is mounted on or written to must be the chroot's own directories, not links out of it.
for d in proc sys dev etc root; do
    if [ -L "$dir/$d" ] || [ ! -d "$dir/$d" ]; then
        die "$dir/$d is not a directory: the chroot is damaged; remove it and run again"
    fi
done

# The clone: this checkout's HEAD, nothing uncommitted.
rev=$(git -c safe.directory="$src" -C "$src" rev-parse --verify HEAD)
if [ -n "$(git -c safe.directory="$src" -C "$src" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    say "note: $src has uncommitted changes; the chroot runs the commit $rev without them"
fi
rm -rf "$dir/root/kmemtop"
git -c safe.directory="$src" clone -q --no-checkout "$src" "$dir/root/kmemtop"
git -c safe.directory="$src" -C "$dir/root/kmemtop" fetch -q "$src" HEAD
git -C "$dir/root/kmemtop" checkout -q --detach FETCH_HEAD
[ "$(git -C "$dir/root/kmemtop" rev-parse HEAD)" = "$rev" ] || die "the clone is not at $rev"
say "cloned $(git -C "$dir/root/kmemtop" log -1 --format='%h %s' | cut -c1-70)"

# Name resolution for apt-get, as the host has it (a previous file is replaced, not written through).
if [ -f /etc/resolv.conf ]; then
    rm -f "$dir/etc/resolv.conf"
    cp -L /etc/resolv.conf "$dir/etc/resolv.conf"
fi

# Enter it as one enters a chroot by hand. Mounted newest first, for the trap.
mounted=""
cleanup() {
    set +e
    for m in $mounted; do
        umount -R "$m" 2>/dev/null || umount -R -l "$m" || echo "$me: could not unmount $m" >&2
    done
    mounted=""
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
mount -t proc proc "$dir/proc"
mounted="$dir/proc $mounted"
mount -t sysfs sysfs "$dir/sys"
mounted="$dir/sys $mounted"
mount --rbind /dev "$dir/dev"
mounted="$dir/dev $mounted"
mount --make-rslave "$dir/dev" # nothing mounted in the chroot's /dev propagates to the host's

# A clean environment; the lock's descriptor stays outside.
inside() { chroot "$dir" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-xterm}" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@" 9<&-; }

# What the issue says of a chroot: no private mounts (unshare -m makes / private).
if why=$(inside unshare -m --propagation private true 2>&1); then
    die "a private mount namespace can be made in $dir: not a plain chroot"
fi
say "inside, unshare -m --propagation private fails as in a plain chroot: $why"

log="$dir/root/chroot-run.log"
say "running ./build.sh test in the chroot (output also in $log)"
start=$(date +%s)
set +e
{ inside sh -c 'cd /root/kmemtop && exec ./build.sh test' 2>&1; echo $? >"$dir/root/chroot-run.rc"; } | tee "$log"
set -e
rc=$(cat "$dir/root/chroot-run.rc" 2>/dev/null || echo 1)
say "$rev in the chroot $dir: exit status $rc, took $(( $(date +%s) - start )) s"
last=$(tail -1 "$log")
echo "$last"
[ "$rc" -eq 0 ] && echo "$last" | grep -q '^[0-9][0-9]* passed, 0 failed$'
