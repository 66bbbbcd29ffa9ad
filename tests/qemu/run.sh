#!/bin/sh
# run.sh - boot Debian's own kernels under qemu and run kmemtop live inside them.
#
#   make -C _build check-qemu         (tests/qemu/run.sh through the TAP driver)
#   tests/qemu/run.sh                 the same by hand; TAP on standard output
#
# This machine's kernel may have no module support: here kmemtop meets real modules. For
# each kernel of KM_QEMU_KERNELS (default "bookworm trixie": Debian 12's 6.1 and Debian
# 13's 6.12, amd64) the script
#   - resolves the image package linux-image-amd64 depends on and fetches it with
#     apt-get download, through a private apt configuration (its own sources.list, lists
#     and cache under the cache dir; the system's apt sources are not touched), once:
#     the .deb stays in KM_QEMU_CACHE (default: the build dir's qemu-cache);
#   - unpacks it (dpkg-deb -x), runs depmod -b when the package has no modules.dep, and
#     builds an initramfs (newc cpio, gzip) with busybox-static, kmemtop and the shared
#     objects ldd lists, a few terminfo entries, /etc/passwd and /etc/group (root,
#     nobody), the modules tests/qemu/init loads (with their dependencies, decompressed)
#     and tests/qemu/init as /init;
#   - boots it with software emulation (-accel tcg, one thread: with a thread per vCPU,
#     6.12 has died of an int3 Oops in early boot) on 4 CPUs and 2 GB split over 4 NUMA
#     nodes: node 0 (CPUs 0-1) and node 1 (CPU 2) with memory, node 2 (CPU 3) without
#     memory, node 3 with memory and no CPU; an e1000 and a virtio-net NIC; one virtio
#     disk, the guest's output: /init writes a tar stream of its results there;
#   - forwards the guest's own test points (console lines "KMQ ok - ...") and checks the
#     JSON the guest wrote with jq, here on the host; then replays the guest's capture
#     with kmemtop --root on the host and compares it with the guest's own replay.
# One boot per kernel; under TCG a boot and its checks take 15-60 s. A guest that
# does not finish within KM_QEMU_TIMEOUT seconds (default 300) is killed.
#
# Environment:
#   KM_QEMU_KERNELS   kernels to boot (names of the table below)
#   KM_QEMU_CACHE     where the packages and their unpacked trees are kept
#   KM_QEMU_REFRESH=1 resolve and fetch the packages again (new point releases)
#   KM_QEMU_MIRROR    Debian mirror (default http://deb.debian.org/debian); the security
#                     archive is KM_QEMU_SECURITY_MIRROR (default .../debian-security)
#   KM_QEMU_SHELL=1   after the checks, a shell on the guest's console (qemu in this
#                     terminal, no timeout); leave it with exit or Ctrl-D
#   KM_QEMU_TIMEOUT   seconds a guest may run
#   CI=true           a host that cannot run the rig (no qemu, no network for a package
#                     not cached) is a failure; otherwise the run is skipped with the reason
set -u
me=qemu/run.sh

: "${KM_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${KM_BUILDDIR:=$KM_SRCDIR/_build}"
: "${KMEMTOP:=$KM_BUILDDIR/kmemtop}"
cache=${KM_QEMU_CACHE:-$KM_BUILDDIR/qemu-cache}
work=$KM_BUILDDIR/qemu
kernels=${KM_QEMU_KERNELS:-bookworm trixie}
mirror=${KM_QEMU_MIRROR:-http://deb.debian.org/debian}
secmirror=${KM_QEMU_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
boot_timeout=${KM_QEMU_TIMEOUT:-300}
shell=${KM_QEMU_SHELL:-0}
PATH=$PATH:/usr/sbin:/sbin; export PATH  # depmod, for a normal user too
TZ=UTC; export TZ

# The kernels: name, apt sources (| between lines), the image package's name pattern.
kernel_table() {
    cat <<EOF
bookworm	deb $mirror bookworm main|deb $secmirror bookworm-security main	linux-image-6.1.*-amd64
trixie	deb $mirror trixie main	linux-image-6.12.*-amd64
EOF
}

# The modules the guest loads (with what they depend on), in this order; the ones it
# unloads again; the one it loads and the one it unloads between two frames. busybox
# modprobe follows modules.dep but not modules.softdep: crc32c_generic is loaded by name
# before what wants a crc32c (libcrc32c's "softdep libcrc32c pre: crc32c", for xfs, btrfs).
# Modules the kernel has built in (6.12: virtio_pci, fuse) are left out, with a note.
LOAD="virtio_pci virtio_blk virtio_net e1000 zram loop brd dm_mod crc32c_generic ext4 xfs btrfs squashfs isofs overlay fuse tun bridge"
UNLOAD="isofs squashfs"
EVENT_LOAD=squashfs
EVENT_UNLOAD=tun

# --- TAP ----------------------------------------------------------------------------
n=0
failed=0
ok()  { n=$((n + 1)); echo "ok $n - $1"; }
nok() {
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
    [ $# -gt 1 ] && printf '%s\n' "$2" | head -"${KM_DIAG_LINES:-40}" | sed 's/^/#   /'
    return 0
}
note() { echo "# $*"; }
# is NAME GOT WANT
is() { if [ "$2" = "$3" ]; then ok "$1"; else nok "$1" "got:  $2
want: $3"; fi; }
# jqt NAME FILE FILTER: ok when the jq filter prints true for FILE (slurped: an array of
# the file's JSON lines); jq's output otherwise is the diagnostic
jqt() {
    _name=$1 _file=$2 _f=$3
    if [ ! -s "$_file" ]; then nok "$_name" "$_file is missing or empty"; return; fi
    _out=$(jq -rs "$_f" "$_file" 2>&1)
    if [ "$_out" = true ]; then ok "$_name"; else nok "$_name" "$_out"; fi
}
# Cannot run here: a failure in CI, a skip elsewhere. Ends the script.
cannot() {
    if [ "${CI:-}" = true ]; then
        nok "the qemu rig can run on this host" "$*"
        echo "1..$n"
        exit 1
    fi
    if [ "$n" -eq 0 ]; then
        echo "1..0 # SKIP $*"
    else
        echo "# SKIP the rest: $*"
        echo "1..$n"
    fi
    exit 0
}

# --- the host ------------------------------------------------------------------------
for c in qemu-system-x86_64 busybox cpio gzip dpkg-deb apt-get apt-cache depmod ldd jq timeout tar xz; do
    command -v "$c" >/dev/null 2>&1 ||
        cannot "$c is not installed (./build.sh deps installs qemu-system-x86, busybox-static, cpio, kmod, xz-utils, jq)"
done
[ -x "$KMEMTOP" ] || cannot "no kmemtop at $KMEMTOP: build it first"
bb=$(command -v busybox)
case $(LC_ALL=C ldd "$bb" 2>&1) in
*"not a dynamic"*|*"statically linked"*) ;;
*) cannot "$bb is not statically linked: install busybox-static" ;;
esac
mkdir -p "$cache" "$work" || cannot "cannot make $cache and $work"
cache=$(cd "$cache" && pwd) work=$(cd "$work" && pwd)

# --- packages ------------------------------------------------------------------------
# apt_private NAME SOURCES: apt-get/apt-cache options for a private configuration in
# $cache/apt-NAME with those sources (| between lines)
apt_private() {
    _d=$cache/apt-$1
    mkdir -p "$_d/lists/partial" "$_d/cache/archives/partial" "$_d/etc/preferences.d" "$_d/etc/apt.conf.d"
    _kr=""
    [ -f /usr/share/keyrings/debian-archive-keyring.gpg ] &&
        _kr="[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
    printf '%s\n' "$2" | tr '|' '\n' | sed "s|^deb |deb $_kr|" >"$_d/etc/sources.list"
    echo "-o Dir::Etc::SourceList=$_d/etc/sources.list -o Dir::Etc::SourceParts=$_d/etc/sources.list.d" \
        "-o Dir::Etc::Preferences=$_d/etc/preferences -o Dir::Etc::PreferencesParts=$_d/etc/preferences.d" \
        "-o Dir::State::Lists=$_d/lists -o Dir::Cache=$_d/cache -o Dir::State::status=/dev/null" \
        "-o APT::Architecture=amd64 -o APT::Architectures::=amd64 -o Acquire::Languages=none" \
        "-o Debug::NoLocking=1 -o APT::Sandbox::User=$(id -un)"
}

# fetch NAME SOURCES PATTERN: the cached image .deb of kernel NAME (path on stdout),
# fetched when there is none (or KM_QEMU_REFRESH=1); a message on stderr when it fails
fetch() {
    _rec=$cache/$1.deb-name
    if [ "${KM_QEMU_REFRESH:-0}" != 1 ] && [ -s "$_rec" ] && [ -s "$cache/$(cat "$_rec")" ]; then
        echo "$cache/$(cat "$_rec")"
        return 0
    fi
    _o=$(apt_private "$1" "$2")
    # shellcheck disable=SC2086
    if ! apt-get -q $_o update >"$cache/apt-$1/update.log" 2>&1; then
        echo "apt-get update for $1 failed (network? $2): $(grep -E '^(E|W):' "$cache/apt-$1/update.log" | head -3)" >&2
        return 1
    fi
    # shellcheck disable=SC2086
    _pkg=$(apt-cache $_o depends linux-image-amd64 2>/dev/null |
        awk -v pat="^$3\$" '$1 == "Depends:" && $2 ~ pat { print $2; exit }')
    if [ -z "$_pkg" ]; then
        # apt-get update ends with status 0 when an index could not be fetched: say what it said
        echo "linux-image-amd64 in $1 depends on no package like $3: $(apt-cache $_o depends linux-image-amd64 2>&1 | head -3 | tr '\n' ' ')" \
            "(apt-get update with $2: $(grep -E '^(Err|E|W):' "$cache/apt-$1/update.log" | head -2 | tr '\n' ' '))" >&2
        return 1
    fi
    # shellcheck disable=SC2086
    if ! (cd "$cache" && apt-get -q $_o download "$_pkg") >"$cache/apt-$1/download.log" 2>&1; then
        echo "apt-get download $_pkg failed: $(grep -E '^E:' "$cache/apt-$1/download.log" | head -3)" >&2
        return 1
    fi
    _deb=$(cd "$cache" && ls -t "${_pkg}"_*.deb 2>/dev/null | head -1)
    [ -n "$_deb" ] || { echo "apt-get download $_pkg left no .deb in $cache" >&2; return 1; }
    echo "$_deb" >"$_rec"
    echo "$cache/$_deb"
}

# unpack DEB: the unpacked tree (cached next to the .deb); sets kver, kimage, kmods (the
# modules directory) and kmbase (what depmod -b takes: kmods is kmbase/lib/modules/kver)
unpack() {
    _x=${1%.deb}.x
    if [ ! -f "$_x/.unpacked" ]; then
        rm -rf "$_x"
        dpkg-deb -x "$1" "$_x" || return 1
        : >"$_x/.unpacked"
    fi
    kmods=$(find "$_x" -maxdepth 4 -type d -path '*/lib/modules/*' | head -1)
    [ -n "$kmods" ] || { echo "no lib/modules in $1" >&2; return 1; }
    kver=${kmods##*/}
    kmbase=${kmods%/lib/modules/*}
    kimage=$_x/boot/vmlinuz-$kver
    [ -f "$kimage" ] || { echo "no boot/vmlinuz-$kver in $1" >&2; return 1; }
    if [ ! -s "$kmods/modules.dep" ]; then
        depmod -b "$kmbase" "$kver" || { echo "depmod -b $kmbase $kver failed" >&2; return 1; }
    fi
}

# --- the initramfs -------------------------------------------------------------------
# mod_closure MODULES...: the modules.dep paths of the modules and their dependencies,
# dependencies first (names with - or _ alike); names that are not modules are left out
mod_closure() {
    awk -v want="$*" '
        function norm(p) { sub(/.*\//, "", p); sub(/\.ko(\.[a-z]+)?$/, "", p); gsub(/-/, "_", p); return p }
        { sub(/:$/, "", $1); m = norm($1); path[m] = $1; deps[m] = ""
          for (i = 2; i <= NF; i++) deps[m] = deps[m] " " norm($i) }
        function visit(m,   d, k, i) {
            if (m in seen || !(m in path)) return
            seen[m] = 1
            k = split(deps[m], d, " ")
            for (i = k; i >= 1; i--) visit(d[i])
            print path[m]
        }
        END { k = split(want, w, " "); for (i = 1; i <= k; i++) { m = w[i]; gsub(/-/, "_", m); visit(m) } }
    ' FS='[ \t]+' "$kmods/modules.dep"
}

# is_builtin MODULE: the kernel has it built in
is_builtin() {
    _m=$(echo "$1" | tr - _)
    sed 's|.*/||; s|\.ko$||; s|-|_|g' "$kmods/modules.builtin" 2>/dev/null | grep -qx "$_m"
}

# initramfs DIR OUT: build the guest's root in DIR and its cpio.gz in OUT
initramfs() {
    _r=$1
    rm -rf "$_r"
    mkdir -p "$_r/bin" "$_r/sbin" "$_r/etc" "$_r/proc" "$_r/sys" "$_r/dev" "$_r/tmp" "$_r/out" \
        "$_r/root" "$_r/lib/modules/$kver" "$_r/usr/bin" "$_r/usr/sbin"
    cp "$bb" "$_r/bin/busybox"
    for a in $("$bb" --list); do
        [ -e "$_r/bin/$a" ] || ln -s busybox "$_r/bin/$a"
    done
    cp "$KMEMTOP" "$_r/bin/kmemtop"
    # the shared objects, where ldd finds them here, and the dynamic loader
    for so in $(ldd "$KMEMTOP" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' | sort -u); do
        mkdir -p "$_r$(dirname "$so")"
        cp -L "$so" "$_r$so"
    done
    # terminfo for the screen, in a KM_QEMU_SHELL session (batch frames need none)
    for t in linux vt100 vt220 xterm xterm-256color screen dumb; do
        for _td in /usr/share/terminfo /lib/terminfo /etc/terminfo; do
            f=$_td/$(printf %.1s "$t")/$t
            if [ -f "$f" ]; then mkdir -p "$_r/usr/share/terminfo/${t%"${t#?}"}"; cp -L "$f" "$_r/usr/share/terminfo/${t%"${t#?}"}/"; break; fi
        done
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' >"$_r/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$_r/etc/group"
    echo /bin/sh >"$_r/etc/shells"
    # the modules, decompressed (busybox insmod need not know the compression)
    load=""
    builtin=""
    for m in $LOAD; do
        if is_builtin "$m"; then builtin="$builtin $m"; else load="$load $m"; fi
    done
    for p in $(mod_closure $load $EVENT_LOAD); do
        mkdir -p "$_r/lib/modules/$kver/$(dirname "$p")"
        case $p in
        *.xz) xz -dc "$kmods/$p" >"$_r/lib/modules/$kver/${p%.xz}" ;;
        *.zst) zstd -qdc "$kmods/$p" >"$_r/lib/modules/$kver/${p%.zst}" ;;
        *.gz) gzip -dc "$kmods/$p" >"$_r/lib/modules/$kver/${p%.gz}" ;;
        *) cp "$kmods/$p" "$_r/lib/modules/$kver/$p" ;;
        esac || return 1
    done
    for f in modules.builtin modules.builtin.modinfo modules.order; do
        [ -f "$kmods/$f" ] && sed 's/\.ko\.\(xz\|zst\|gz\)$/.ko/' "$kmods/$f" >"$_r/lib/modules/$kver/$f"
    done
    depmod -b "$_r" "$kver" || return 1
    cp "$KM_SRCDIR/tests/qemu/init" "$_r/init"
    chmod 755 "$_r/init"
    {
        echo "KMQ_KERNEL='$kname'"
        echo "KMQ_LOAD='$load'"
        echo "KMQ_BUILTIN='$builtin'"
        echo "KMQ_UNLOAD='$UNLOAD'"
        echo "KMQ_EVENT_LOAD='$EVENT_LOAD'"
        echo "KMQ_EVENT_UNLOAD='$EVENT_UNLOAD'"
        echo "KMQ_SHELL='$shell'"
    } >"$_r/etc/kmq.conf"
    (cd "$_r" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$2"
}

# --- the guest -----------------------------------------------------------------------
# boot DIR: run the kernel and initramfs of DIR; console in DIR/console.log, the guest's
# tar stream in DIR/out.img
boot() {
    _d=$1
    rm -f "$_d/out.img" "$_d/console.log"
    truncate -s 256M "$_d/out.img" || return 1
    set -- qemu-system-x86_64 -M pc -accel tcg,thread=single -cpu max,la57=off \
        -smp 4,sockets=2,cores=2,threads=1 -m 2G \
        -object memory-backend-ram,id=m0,size=768M \
        -object memory-backend-ram,id=m1,size=768M \
        -object memory-backend-ram,id=m3,size=512M \
        -numa node,nodeid=0,cpus=0-1,memdev=m0 \
        -numa node,nodeid=1,cpus=2,memdev=m1 \
        -numa node,nodeid=2,cpus=3 \
        -numa node,nodeid=3,memdev=m3 \
        -nic user,model=e1000 -nic user,model=virtio-net-pci \
        -drive file="$_d/out.img",if=virtio,format=raw \
        -kernel "$kimage" -initrd "$_d/initrd.gz" \
        -append "console=ttyS0 panic=-1 loglevel=4" -no-reboot
    echo "$*" >"$_d/qemu-cmdline.txt"
    if [ "$shell" = 1 ]; then
        # the terminal, even under make's test driver (which keeps stdout for the log)
        if ! { : </dev/tty >/dev/tty; } 2>/dev/null; then
            echo "KM_QEMU_SHELL=1 needs a terminal (/dev/tty)" >"$_d/console.log"
            return 1
        fi
        echo "$me: KM_QEMU_SHELL=1: the guest's console is this terminal (Ctrl-A X ends qemu)" >/dev/tty
        "$@" -nographic </dev/tty 2>&1 | tee "$_d/console.log" >/dev/tty
        return 0
    fi
    timeout -k 10 "$boot_timeout" "$@" -display none -vga none -monitor none \
        -serial file:"$_d/console.log" </dev/null >"$_d/qemu.out" 2>&1
    _rc=$?
    [ $_rc -eq 124 ] && echo "timeout" >"$_d/timed-out"
    return $_rc
}

# --- the checks of one guest's results (host side, jq) --------------------------------
# row figures that do not depend on time: the modules' static figures
STATIC='[.modules.rows[] | {name, size, core_size, static_areas, static_bytes, static_pages, method}] | sort_by(.name)'
# a frame without what changes between two readings of the same tree
NORM='del(.root, .own_parsers, .sources)'

host_checks() {
    k=$1 o=$2
    for kp in 0 1; do
        f=$o/modules-kptr$kp.json
        jqt "$k: kptr_restrict=$kp: modules view ok with rows" "$f" \
            '.[0].modules | if .status == "ok" and (.rows | length) > 0 then true else {status, reason, rows: (.rows | length)} end'
        [ -s "$f" ] || continue
        tot=$(jq -rs '.[0].modules.rows | length' "$f")
        ex=$(jq -rs '[.[0].modules.rows[] | select(.method == "address" or .method == "order")] | length' "$f")
        jqt "$k: kptr_restrict=$kp: every module exact (address or order), not estimate: exact for $ex of $tot modules" "$f" \
            '.[0].modules | if all(.rows[]; .method == "address" or .method == "order") then true else
                "frame method: \(.method) - \(.method_reason // "")",
                "not exact: \([.rows[] | select(.method != "address" and .method != "order") | "\(.name)=\(.method)"] | join(" "))"
             end'
    done
    if [ -s "$o/modules-kptr0.json" ] && [ -s "$o/modules-kptr1.json" ]; then
        s0=$(jq -cs ".[0] | $STATIC | map({name, static_areas, static_bytes, static_pages})" "$o/modules-kptr0.json")
        s1=$(jq -cs ".[0] | $STATIC | map({name, static_areas, static_bytes, static_pages})" "$o/modules-kptr1.json")
        if [ "$s0" = "$s1" ]; then
            ok "$k: static areas, bytes and pages of every module the same at kptr_restrict 0 and 1"
        else
            nok "$k: static areas, bytes and pages of every module the same at kptr_restrict 0 and 1" \
                "$(jq -rn --argjson a "$s0" --argjson b "$s1" '
                    ($b | map({(.name): .}) | add) as $bb |
                    $a[] | select(. != $bb[.name]) | "kptr0 \(.)\nkptr1 \($bb[.name])"')"
        fi
    else
        nok "$k: static areas, bytes and pages of every module the same at kptr_restrict 0 and 1" "a frame is missing"
    fi

    # under churn: every frame exact, or it says which read it could not trust
    for kp in 0 1; do
        f=$o/churn-kptr$kp.json
        jqt "$k: churn, kptr_restrict=$kp: 40 frames, each exact (no estimate, nothing unattributed) or saying the read was torn" "$f" \
            'if length != 40 then "\(length) frames" else
             [.[] | select((.modules.rows | all(.method == "address" or .method == "order")) and
                           ((.modules.unattributed.areas // 0) == 0) | not) |
                    select(.sources.vmallocinfo.warning == null) |
                    "frame \(.frame): \(.modules.exact_modules) of \(.modules.rows | length) exact, \(.modules.unattributed.areas // 0) unattributed"] |
             if length == 0 then true else .[] end end'
        [ -s "$f" ] && echo "# $k: churn, kptr_restrict=$kp: $(jq -rs '"\(length) frames, \([.[] | .sources.vmallocinfo.rereads // 0] | add) re-reads in all, at most \([.[] | .sources.vmallocinfo.rereads // 0] | max) in a frame, \([.[] | select((.sources.vmallocinfo.rereads // 0) > 0)] | length) frames re-read, \([.[] | select(.sources.vmallocinfo.warning != null)] | length) still torn; vmallocinfo \([.[] | .sources.vmallocinfo.seconds] | add / length * 1000 | floor) ms a frame on average"' "$f")"
    done

    # load and unload events between two frames
    f=$o/events.json
    jqt "$k: two frames: $EVENT_LOAD only in the second, $EVENT_UNLOAD only in the first" "$f" \
        "if length != 2 then \"\(length) frames\" else [.[] | [.modules.rows[].name]] as [\$a, \$b] |
         if (\$a | index([\"$EVENT_LOAD\"])) == null and (\$b | index([\"$EVENT_LOAD\"])) != null and
            (\$a | index([\"$EVENT_UNLOAD\"])) != null and (\$b | index([\"$EVENT_UNLOAD\"])) == null then true
         else {first: \$a, second: \$b} end end"
    for ev in "load $EVENT_LOAD" "unload $EVENT_UNLOAD"; do
        set -- $ev
        jqt "$k: the $1 of $2 between the frames is an event of the second frame with its meminfo deltas" "$f" \
            "if length != 2 then \"\(length) frames\" else
             [.[1].modules.events[]? | select(.frame == 1) |
              select(any(.modules[]; .name == \"$2\" and .event == \"$1\" and .settled and
                                      (.static_bytes | type) == \"number\"))] as \$e |
             if (\$e | length) != 1 then \"events: \(.[1].modules.events)\"
             elif all(\$e[0].meminfo_delta | .vmalloc_used, .slab, .mem_available, .mem_free; type == \"number\") then true
             else \$e[0] end end"
    done

    # Nodes and Buddy on the 4-node guest
    f=$o/nodes-buddy.json
    jqt "$k: nodes view ok, nodes 0 1 2 3 listed" "$f" \
        '.[0].nodes | if .status == "ok" and ([.rows[].node] == [0,1,2,3]) then true else {status, reason, nodes: [.rows[].node]} end'
    jqt "$k: node 2 has CPUs and no memory, node 3 memory and no CPU, 0 and 1 both" "$f" \
        '[.[0].nodes.rows[] | {node, cpus, has_cpu, has_memory, mem_total}] as $r |
         if [$r[] | [.has_cpu, .has_memory]] == [[true,true],[true,true],[true,false],[false,true]]
            and $r[3].cpus == "" and ($r[2].mem_total // 0) == 0 then true else $r end'
    jqt "$k: buddy view ok, with the zones of the nodes with memory (0 1 3) and none of node 2" "$f" \
        '.[0].buddy | if .status == "ok" and ([.rows[].node] | unique) == [0,1,3] then true
         else {status, reason, zones: [.rows[] | "\(.node)/\(.zone)"]} end'
    if [ -s "$o/nodes-buddy.txt" ]; then
        t=$(cat "$o/nodes-buddy.txt")
        case $t in *"(no memory)"*) ok "$k: the Nodes text labels the memory-less node (no memory)" ;;
        *) nok "$k: the Nodes text labels the memory-less node (no memory)" "$(head -30 "$o/nodes-buddy.txt")" ;; esac
        case $t in *"(no CPUs)"*) ok "$k: the Nodes text labels the CPU-less node (no CPUs)" ;;
        *) nok "$k: the Nodes text labels the CPU-less node (no CPUs)" "$(head -30 "$o/nodes-buddy.txt")" ;; esac
    else
        nok "$k: the Nodes text of the guest" "$o/nodes-buddy.txt is missing"
    fi

    # as nobody: every view says what it cannot see, and why
    f=$o/nobody.json
    jqt "$k: as nobody, every view is there, none an error, each not ok with a reason" "$f" \
        '.[0] as $f | [("modules","nodes","buddy","slabs","vmstat","vmalloc") as $v |
            $f[$v] as $o | select($o == null or $o.status == "error" or ($o.status != "ok" and (($o.reason // "") == "")))
            | "\($v): \($o | {status, reason})"] | if length == 0 then true else .[] end'
    jqt "$k: as nobody, every source not read says why" "$f" \
        '[.[0].sources | to_entries[] | select(.value.status != "ok" and ((.value.reason // "") == "")) | .key] |
         if length == 0 then true else "no reason: \(join(" "))" end'
    jqt "$k: as nobody, vmallocinfo and slabinfo are denied: the Vmalloc and Slabs views say so" "$f" \
        '.[0] | if .vmalloc.status == "denied" and .slabs.status == "denied" and .sources.vmallocinfo.status == "denied"
         then true else {vmalloc: .vmalloc.status, slabs: .slabs.status, vmallocinfo: .sources.vmallocinfo.status} end'
    jqt "$k: as nobody, the modules view says why its figures are not exact" "$f" \
        '.[0].modules | if .status == "ok" and .method != "address" and ((.method_reason // "") != "") then true
         else {status, method, method_reason} end'

    # the capture, replayed here and in the guest
    c=$o/capture
    if [ -d "$c" ]; then
        ok "$k: the guest's capture came out ($(find "$c" -type f | wc -l) files)"
    else
        nok "$k: the guest's capture came out" "no $c"
        return
    fi
    V=modules,nodes,buddy,slabs
    "$KMEMTOP" --root "$c" -b -n 1 --format json --view $V >"$o/replay-host.json" 2>"$o/replay-host.err"
    is "$k: kmemtop --root on the host exits 0 on the guest's capture" "$? $(head -3 "$o/replay-host.err")" "0 "
    jqt "$k: the host's replay: every view ok" "$o/replay-host.json" \
        '.[0] | [.modules, .nodes, .buddy, .slabs | .status] | if all(. == "ok") then true else . end'
    if [ -s "$o/replay-guest.json" ] && [ -s "$o/replay-host.json" ]; then
        jq -cS "$NORM" "$o/replay-guest.json" >"$o/replay-guest.norm"
        jq -cS "$NORM" "$o/replay-host.json" >"$o/replay-host.norm"
        if cmp -s "$o/replay-guest.norm" "$o/replay-host.norm"; then
            ok "$k: the host's replay of the capture is the guest's replay of it, value for value"
        else
            nok "$k: the host's replay of the capture is the guest's replay of it, value for value" \
                "$(for w in guest host; do jq -r 'paths(scalars) as $p | "\($p | map(tostring) | join(".")) = \(getpath($p))"' \
                    "$o/replay-$w.norm" >"$o/replay-$w.flat"; done
                   diff "$o/replay-guest.flat" "$o/replay-host.flat" | head -20)"
        fi
    else
        nok "$k: the host's replay of the capture is the guest's replay of it, value for value" "a replay is missing"
    fi
    # cgroup v2: the growth in the right cgroup, the dying one, the capture and a normal user
    b=$o/cgroups-before.json a=$o/cgroups-after.json d=$o/cgroups-dying.json
    jqt "$k: cgroups: the v2 hierarchy at /sys/fs/cgroup, with kmq, kmq/a, kmq/b" "$b" \
        '.[0].cgroups | if .status == "ok" and .hierarchy == "v2" and .mount == "/sys/fs/cgroup" and
         ((["/kmq", "/kmq/a", "/kmq/b"] - [.rows[].path]) == []) then true else {status, reason, hierarchy, mount} end'
    if [ -s "$b" ] && [ -s "$a" ]; then
        g=$(jq -rs --slurpfile b "$b" '
            def r($f; $p): $f[0].cgroups.rows[] | select(.path == $p);
            [(r(.; "/kmq/a").kernel - r($b; "/kmq/a").kernel), (r(.; "/kmq/a").slab - r($b; "/kmq/a").slab),
             (r(.; "/kmq/b").kernel - r($b; "/kmq/b").kernel)] | map(tostring) | join(" ")' "$a")
        set -- $g
        if [ "${1:-0}" -gt 2000000 ] && [ "${2:-0}" -gt 1000000 ] && [ "${3:-1}" -lt 200000 ]; then
            ok "$k: cgroups: 6000 dentries and inodes made in kmq/a: its kernel grew by $1, its slab by $2, kmq/b by $3"
        else
            nok "$k: cgroups: the growth in kmq/a, not in kmq/b" "kernel +${1:-?}, slab +${2:-?}, b +${3:-?}"
        fi
    else
        nok "$k: cgroups: the growth in kmq/a, not in kmq/b" "a frame is missing"
    fi
    jqt "$k: cgroups: the removed cgroup is a dying descendant of kmq and of the root" "$d" \
        '.[0].cgroups.rows | (map(select(.path == "/kmq"))[0].dying) as $k | (map(select(.path == "/"))[0].dying) as $r |
         if $k >= 1 and $r >= $k then true else {kmq: $k, root: $r} end'
    jqt "$k: cgroups: the kernel columns 6.1+ gives are numbers, not null" "$d" \
        '.[0].cgroups.rows | map(select(.path == "/kmq/a"))[0] | if ([.kernel, .slab, .kernel_stack, .pagetables,
         .percpu, .sock, .vmalloc, .current] | all(type == "number")) then true else . end'
    t=$(cat "$o/cgroups-dying.txt" 2>/dev/null)
    case $t in *"Hierarchy: cgroup v2 at /sys/fs/cgroup"*) ok "$k: cgroups text: the hierarchy is said" ;;
    *) nok "$k: cgroups text: the hierarchy is said" "$(head -20 "$o/cgroups-dying.txt" 2>/dev/null)" ;; esac
    if [ -d "$o/cgcapture" ]; then
        "$KMEMTOP" --root "$o/cgcapture" -b -n 1 --format json --raw --view cgroups >"$o/cgroups-replay.json" 2>&1
        jqt "$k: cgroups: the host's replay of the guest's capture has kmq's rows and its dying descendant" \
            "$o/cgroups-replay.json" '.[0].cgroups | if .status == "ok" and .hierarchy == "v2" and
             (.rows | map(select(.path == "/kmq"))[0].dying >= 1) then true else {status, reason} end'
    else
        nok "$k: cgroups: the guest's capture with --view cgroups came out" "no $o/cgcapture"
    fi
    jqt "$k: cgroups as nobody: the rows, or what cannot be read said" "$o/cgroups-nobody.json" \
        '.[0].cgroups | if (.status == "ok" and (.rows | length) > 0) or ((.reason // "") != "") then true
         else {status, reason} end'

    for live in live-before live-after; do
        if [ -s "$o/$live.json" ] && [ -s "$o/replay-host.json" ]; then
            a=$(jq -cs ".[0] | $STATIC" "$o/$live.json")
            b=$(jq -cs ".[0] | $STATIC" "$o/replay-host.json")
            is "$k: the modules' static figures of the replay are those of the live frame ${live#live-} the capture" "$b" "$a"
        else
            nok "$k: the modules' static figures of the replay are those of the live frame ${live#live-} the capture" "a frame is missing"
        fi
    done
}

# --- main -----------------------------------------------------------------------------
start=$(date +%s)
note "kernels: $kernels; cache: $cache; work: $work"
for kname in $kernels; do
    line=$(kernel_table | awk -F '\t' -v k="$kname" '$1 == k')
    [ -n "$line" ] || { nok "$kname: a kernel of the table" "known: $(kernel_table | cut -f1 | tr '\n' ' ')"; continue; }
    sources=$(printf '%s\n' "$line" | cut -f2)
    pattern=$(printf '%s\n' "$line" | cut -f3)
    t0=$(date +%s)
    if ! deb=$(fetch "$kname" "$sources" "$pattern" 2>"$work/fetch-$kname.err"); then
        cannot "$kname: cannot fetch the kernel package: $(cat "$work/fetch-$kname.err")"
    fi
    if ! unpack "$deb" 2>"$work/unpack-$kname.err"; then
        nok "$kname: unpack $(basename "$deb")" "$(cat "$work/unpack-$kname.err")"
        continue
    fi
    d=$work/$kname
    mkdir -p "$d"
    if ! initramfs "$d/root" "$d/initrd.gz" >"$d/initramfs.log" 2>&1; then
        nok "$kname: initramfs for $kver" "$(tail -20 "$d/initramfs.log")"
        continue
    fi
    t1=$(date +%s)
    note "$kname: $(basename "$deb"), kernel $kver, initramfs $(($(wc -c <"$d/initrd.gz") / 1024)) KiB (${builtin:+built in:$builtin; }$((t1 - t0)) s to prepare); booting"
    boot "$d"
    rc=$?
    # A kernel that dies before /init prints anything (TCG has shown an int3 Oops in early
    # boot now and then) has not run kmemtop: one more boot, said here, console kept.
    if [ "$shell" != 1 ] && [ ! -f "$d/timed-out" ] && ! grep -q '^KMQ' "$d/console.log" 2>/dev/null; then
        cp "$d/console.log" "$d/console-first-boot.log" 2>/dev/null
        note "$kname: the guest died before /init ran ($(grep -m1 -E 'Oops|Kernel panic|BUG' "$d/console.log" 2>/dev/null | tr -d '\r')); console in console-first-boot.log; booting once more"
        boot "$d"
        rc=$?
    fi
    t2=$(date +%s)
    tr -d '\r' <"$d/console.log" >"$d/console.txt" 2>/dev/null
    if [ -f "$d/timed-out" ]; then
        rm -f "$d/timed-out"
        nok "$kname: the guest finishes within $boot_timeout s" "killed; console:
$(tail -25 "$d/console.txt")"
        continue
    fi
    # the guest's own test points, renumbered
    guest_tap=$(sed -n 's/^.*KMQ \(ok\|not ok\) - /\1 - /p' "$d/console.txt")
    if [ -n "$guest_tap" ]; then
        printf '%s\n' "$guest_tap" >"$d/guest.tap"
        while IFS= read -r l; do
            case $l in
            "ok - "*) ok "$kname: ${l#ok - }" ;;
            *) nok "$kname: ${l#not ok - }" "$(grep -F -A8 "KMQ $l" "$d/console.txt" | grep '^KMQ#' | head -8)" ;;
            esac
        done <"$d/guest.tap"
    fi
    if grep -q '^KMQ-END' "$d/console.txt"; then
        ok "$kname: the guest $kver booted, ran the checks and wrote its results (qemu exit $rc, $((t2 - t1)) s)"
    else
        nok "$kname: the guest $kver booted, ran the checks and wrote its results" "qemu exit $rc: $(tail -5 "$d/qemu.out" 2>/dev/null)
console:
$(tail -25 "$d/console.txt")"
        continue
    fi
    o=$d/out
    rm -rf "$o"
    mkdir -p "$o"
    if ! tar -xf "$d/out.img" -C "$o" --no-same-owner 2>"$d/tar.err"; then
        nok "$kname: the guest's tar stream reads" "$(head -5 "$d/tar.err")"
        continue
    fi
    host_checks "$kname" "$o"
done
note "took $(($(date +%s) - start)) s"
echo "1..$n"
[ "$failed" -eq 0 ]
