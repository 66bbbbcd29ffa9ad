#!/bin/sh
# cgroups.sh - the Cgroups view.
# On generated trees (tests/gen-cgroups.sh, v2 and v1): the hierarchy found from the
# tree's mountinfo, every cgroup a row under its parent, each figure the one the
# generator wrote, a symlink out of the tree not followed, a bad line named by file
# and line with the rest shown, a tree without the files said in words.
# On this machine, as root where a memory controller is mounted: real cgroups made
# here, kernel memory charged to one of them by a process inside it (directories and
# files, TCP socket buffers), which must show the growth in that cgroup and not in its
# sibling; then a dying cgroup (page cache charged, the process moved out, rmdir) that
# must be shown. Where no cgroup can be made (not root, no memory controller, a chroot
# or container), the view must say what it shows or why it cannot.
. "$(dirname "$0")/lib.sh"
if ! command -v jq >/dev/null 2>&1; then
    echo "1..0 # SKIP jq not found (build.sh test installs it)"
    exit 0
fi
GEN="$KM_SRCDIR/tests/gen-cgroups.sh"
J() { "$KMEMTOP" -o --view cgroups --format json --raw "$@"; }
# the names in a text table's CGROUP column, depth first; names 1: those at depth 1 only
names() { awk -v d="${1:-}" '/^CGROUP/ { f = 1; next }
    f { m = match($0, /[^ ]/); lvl = (m - 1) / 2; sub(/^ *([-+] )? */, ""); if (d == "" || lvl == d) print $1 }'; }
row() { jq -c --arg p "$2" '.cgroups.rows[] | select(.path == $p) | '"$3" "$1"; }

# ---- a generated v2 hierarchy: cgroup i holds kernel i*4096, slab i*1024 ...
sh "$GEN" "$TMP/v2" 250
J --root "$TMP/v2" >"$TMP/v2.json"
is "v2 tree: hierarchy and mount" "$(jq -r '.cgroups | "\(.status) \(.hierarchy) \(.mount)"' "$TMP/v2.json")" \
    "ok v2 /sys/fs/cgroup"
is "v2 tree: one row per cgroup" "$(jq '.cgroups.rows | length' "$TMP/v2.json")" 250
# slice-3 is cgroup 4, pod-13 (under slice-3) is 24, ctr-5 (slice-5/pod-5) is 116
is "v2 tree: /slice-3.slice" "$(row "$TMP/v2.json" /slice-3.slice '[.kernel, .slab, .kernel_stack, .sock, .current]')" \
    "[16384,4096,16384,4,524288]"
is "v2 tree: a pod" "$(row "$TMP/v2.json" /slice-3.slice/pod-13 '[.kernel, .pagetables, .percpu, .vmalloc, .slab_reclaimable]')" \
    "[98304,12288,192,384,6144]"
is "v2 tree: a container" "$(row "$TMP/v2.json" /slice-5.slice/pod-5/ctr-5 '[.kernel, .slab_unreclaimable]')" \
    "[475136,89088]"
is "v2 tree: the root's dying descendants, no memory.current there" \
    "$(row "$TMP/v2.json" / '[.dying, .descendants, .current]')" "[3,249,null]"
is "v2 tree: no v1 key" "$(row "$TMP/v2.json" /slice-3.slice 'has("kmem")')" false
out=$("$KMEMTOP" --root "$TMP/v2" -o --view cgroups --filter pod-13 --raw)
contains "text: the hierarchy is said" "$out" "^Hierarchy: cgroup v2 at /sys/fs/cgroup, 250 cgroups"
is "filter pod-13: the pod, its ancestors and its containers" \
    "$(printf '%s\n' "$out" | names | tr '\n' ' ')" \
    "/ slice-3.slice pod-13 ctr-113 ctr-13 "
# sorted among siblings at every depth: the slices by kernel, largest first
is "sorted by kernel at every depth" \
    "$("$KMEMTOP" --root "$TMP/v2" -o --view cgroups -s kernel | names 1 | head -3 | tr '\n' ' ')" \
    "slice-9.slice slice-8.slice slice-7.slice "
is "by path: A to Z at every depth" \
    "$("$KMEMTOP" --root "$TMP/v2" -o --view cgroups -s path | names 2 | head -3 | tr '\n' ' ')" \
    "pod-0 pod-10 pod-20 "
# a link out of the tree, one to a directory inside it, and a bad line
ln -s /sys/fs/cgroup "$TMP/v2/sys/fs/cgroup/escape"
ln -s slice-1.slice "$TMP/v2/sys/fs/cgroup/alias"
printf 'kernel 12\nslab oops\n' >"$TMP/v2/sys/fs/cgroup/slice-2.slice/memory.stat"
J --root "$TMP/v2" >"$TMP/v2b.json" 2>"$TMP/err"
is "symlinks are not walked" "$(jq '.cgroups.rows | length' "$TMP/v2b.json")" 250
is "a bad line: the rest of the file kept" "$(row "$TMP/v2b.json" /slice-2.slice '.kernel')" 12
contains "a bad line: its file and line named" "$(jq -r '.sources.cgroups.warning' "$TMP/v2b.json")" \
    "/sys/fs/cgroup/slice-2.slice/memory.stat: 1 line not understood, first at line 2"
is "the view is not in all" "$("$KMEMTOP" --root "$TMP/v2" -o --format json | jq 'has("cgroups")')" false
is "all,cgroups has it" "$("$KMEMTOP" --root "$TMP/v2" -o --view all,cgroups --format json | jq '.cgroups.status')" '"ok"'
# Prometheus: only behind --prom-cgroups; --prom-include matches paths at every depth
is "prometheus: no cgroup family by default" \
    "$("$KMEMTOP" --root "$TMP/v2" -o --format prometheus | grep -c '^kmemtop_cgroup_')" 0
prom=$("$KMEMTOP" --root "$TMP/v2" -o --format prometheus --prom-cgroups)
is "prometheus --prom-cgroups: a series per cgroup" "$(printf '%s\n' "$prom" | grep -c '^kmemtop_cgroup_kernel_bytes{')" 250
contains "prometheus --prom-cgroups: a pod's kernel bytes" "$prom" \
    '^kmemtop_cgroup_kernel_bytes\{cgroup="/slice-3.slice/pod-13"\} 98304$'
is "prometheus --prom-include cgroups=GLOB: that subtree only" \
    "$("$KMEMTOP" --root "$TMP/v2" -o --format prometheus --prom-cgroups --prom-include 'cgroups=/slice-3.slice/pod-13*' |
       grep '^kmemtop_cgroup_kernel_bytes{' | sed 's/.*cgroup="\([^"]*\)".*/\1/' | tr '\n' ' ')" \
    "/slice-3.slice/pod-13 /slice-3.slice/pod-13/ctr-113 /slice-3.slice/pod-13/ctr-13 "

# ---- a generated v1 hierarchy
sh "$GEN" "$TMP/v1" 40 v1
J --root "$TMP/v1" >"$TMP/v1.json"
is "v1 tree: hierarchy, mount, dying from /proc/cgroups" \
    "$(jq -r '.cgroups | "\(.hierarchy) \(.mount) \(.v1_dying) \(.rows | length)"' "$TMP/v1.json")" \
    "v1 /sys/fs/cgroup/memory 3 40"
is "v1 tree: kmem, kmem_max, kmem_tcp, current" \
    "$(row "$TMP/v1.json" /slice-3.slice/pod-13 '[.kmem, .kmem_max, .kmem_tcp, .current]')" \
    "[98304,196608,24,1572864]"
is "v1 tree: no v2 key" "$(row "$TMP/v1.json" /slice-3.slice 'has("slab") or has("dying")')" false
contains "v1 tree: the dying cgroups are said" "$("$KMEMTOP" --root "$TMP/v1" -o --view cgroups)" \
    "^3 dying memory cgroups: removed, still pinned by kernel objects \(/proc/cgroups counts 43, the tree holds 40\)"

# ---- trees without the hierarchy
is "a tree without mountinfo: missing, said" \
    "$(J --root "$FIX/debian61-root" | jq -r '.cgroups | "\(.status): \(.reason)"')" \
    "missing: not in the captured tree (not captured, or unreadable where it was captured)"
mkdir -p "$TMP/nomount/proc/self"
cp "$TMP/v2/proc/self/mountinfo" "$TMP/nomount/proc/self/"
is "mountinfo without the hierarchy's files: missing" "$(J --root "$TMP/nomount" | jq -r .cgroups.status)" missing
mkdir -p "$TMP/nocg/proc/self"
echo '25 1 0:23 / /sys rw - sysfs sysfs rw' >"$TMP/nocg/proc/self/mountinfo"
contains "no cgroup mount: said" "$("$KMEMTOP" --root "$TMP/nocg" -o --view cgroups)" "^Cgroups: "

# ---- the screen, on the generated v2 tree: the tab, folding, Enter, filter
. "$KM_SRCDIR/tests/tmux.sh"
S=cg
if km_tmux kmcg; then
    T new-session -d -s cg -x 150 -y 30 "\"$KMEMTOP\" --root \"$TMP/v2\" --view cgroups"
    see "screen: the Cgroups tab is shown" '\[[0-9] Cgroups\]'
    see "screen: the hierarchy line" "^Hierarchy: cgroup v2 at /sys/fs/cgroup, 250 cgroups"
    see "screen: the root, unfolded, and the slices under it" "^  - slice-9.slice "
    T send-keys -t cg -- -
    see "screen: - folds the selected root" "^\+ / "
    gone "screen: its children hidden" "slice-9.slice"
    T send-keys -t cg +
    see "screen: + unfolds it" "^  - slice-9.slice "
    T send-keys -t cg Down -- -
    see "screen: a slice folded" "^  \+ slice-9.slice "
    T send-keys -t cg '*'
    see "screen: * unfolds all" "^    - pod-99 "
    T send-keys -t cg Enter
    see "screen: Enter shows memory.stat" "/sys/fs/cgroup/slice-9.slice/memory.stat"
    see "screen: its lines" "^kernel 40960$"
    T send-keys -t cg Escape '\\' 'ctr-113' Enter
    see "screen: a filter by path" "ctr-113 "
    gone "screen: the rest filtered out" "ctr-13 "
    T send-keys -t cg q
    T kill-server 2>/dev/null
fi

# ---- this machine
live=$(J 2>&1)
hier=$(printf '%s\n' "$live" | jq -r '.cgroups.hierarchy // empty' 2>/dev/null)
mnt=$(printf '%s\n' "$live" | jq -r '.cgroups.mount // empty' 2>/dev/null)
if [ -z "$hier" ]; then
    # no hierarchy to show: the view must say why, not crash nor stay silent
    contains "live: no hierarchy, the reason is given" \
        "$(printf '%s\n' "$live" | jq -r '.cgroups | "\(.status): \(.reason)"')" "^(missing|denied|error): ."
    contains "live text: the reason is given" "$("$KMEMTOP" -o --view cgroups 2>&1)" "^Cgroups: ."
    echo "# no cgroup hierarchy here: $(printf '%s\n' "$live" | jq -r .cgroups.reason)"
    done_testing
    exit
fi
contains "live: the hierarchy found from mountinfo" "$(printf '%s\n' "$live" | jq -r .cgroups.status)" ok
# --capture and -w hold the cgroup files when the view is named, and only then
"$KMEMTOP" --capture "$TMP/cap" --view cgroups >/dev/null 2>&1
is "capture --view cgroups: replayed, the same hierarchy" \
    "$(J --root "$TMP/cap" | jq -r '.cgroups | "\(.status) \(.hierarchy) \(.mount) \(.rows | length > 0)"')" \
    "ok $hier $mnt true"
"$KMEMTOP" --capture "$TMP/cap0" >/dev/null 2>&1
is "capture without --view cgroups: no cgroup file" "$(find "$TMP/cap0" -name memory.stat | wc -l)" 0
"$KMEMTOP" -w "$TMP/rec" --view cgroups -n 2 -d 0.5 >/dev/null 2>&1
is "recording: both ticks hold the walk (not throttled while recording), the second a rate" \
    "$("$KMEMTOP" -r "$TMP/rec" -b --view cgroups --format json | jq -r '.cgroups | "\(.status) \(.rows[0].kernel_rate != null)"' | tr '\n' ' ')" \
    "ok false ok true "
P="$mnt/kmemtop-test-$$"
if [ "$(id -u)" != 0 ] || ! mkdir "$P" 2>/dev/null; then
    why="not root"; [ "$(id -u)" = 0 ] && why="mkdir $P refused"
    echo "# cannot make a cgroup ($why): checking what the view says instead"
    contains "live: rows shown, or the reason" "$("$KMEMTOP" -o --view cgroups 2>&1)" \
        "^Hierarchy: cgroup v[12] at $mnt"
    done_testing
    exit
fi
cleanup() {
    for d in "$P/a" "$P/b" "$P/dying"; do
        [ -d "$d" ] && for p in $(cat "$d/cgroup.procs" 2>/dev/null); do echo "$p" >"$mnt/cgroup.procs"; done
        [ -d "$d" ] && rmdir "$d"
    done
    [ -d "$P" ] && rmdir "$P"
    rm -rf "$TMP"
}
trap cleanup EXIT
if [ "$hier" = v2 ]; then
    echo +memory >"$P/cgroup.subtree_control" 2>/dev/null
    KEY=kernel
else
    KEY=kmem
fi
mkdir "$P/a" "$P/b"
[ "$hier" = v1 ] && echo 1000000000 >"$P/a/memory.kmem.tcp.limit_in_bytes" 2>/dev/null
kval() { row "$1" "/kmemtop-test-$$/$2" ".$KEY // 0"; }
J >"$TMP/before.json"
a0=$(kval "$TMP/before.json" a) b0=$(kval "$TMP/before.json" b)
is "live: our cgroups are rows under their parent" \
    "$(jq -r --arg p "/kmemtop-test-$$/" '[.cgroups.rows[] | select(.path | startswith($p)) | .path] | join(" ")' "$TMP/before.json")" \
    "/kmemtop-test-$$/a /kmemtop-test-$$/b"
# a process inside a: 3000 directories and 3000 files (dentries, inodes: slab)
mkdir "$TMP/charge"
sh -c 'echo $$ >"$1/cgroup.procs" && i=0 && while [ $i -lt 3000 ]; do mkdir "$2/d$i"; : >"$2/f$i"; i=$((i + 1)); done' \
    sh "$P/a" "$TMP/charge"
J >"$TMP/after.json"
a1=$(kval "$TMP/after.json" a) b1=$(kval "$TMP/after.json" b)
if [ $((a1 - a0)) -gt 2000000 ]; then ok "live: $KEY of a grew by $((a1 - a0)) bytes (6000 dentries and inodes)"
else nok "live: $KEY of a grew by more than 2 MB" "before $a0, after $a1"; fi
if [ $((b1 - b0)) -lt 500000 ]; then ok "live: its sibling b did not ($b0 to $b1)"
else nok "live: its sibling b did not grow" "before $b0, after $b1"; fi
p1=$(row "$TMP/after.json" "/kmemtop-test-$$" ".$KEY")
[ "$p1" -ge "$a1" ] && ok "live: the parent holds a's ($p1 >= $a1)" || nok "live: the parent holds a's" "$p1 < $a1"
# TCP: socket buffers of a connection whose peer does not read, from inside a
if command -v python3 >/dev/null 2>&1; then
    sh -c 'echo $$ >"$1/cgroup.procs" && exec python3 -c "
import socket, sys, time
l = socket.socket(); l.bind((\"127.0.0.1\", 0)); l.listen(1)
c = socket.create_connection(l.getsockname()); s, _ = l.accept(); c.setblocking(False)
n = 0
try:
    while n < 4 << 20: n += c.send(b\"x\" * 65536)
except BlockingIOError: pass
print(n, flush=True); time.sleep(4)"' sh "$P/a" >"$TMP/sent" &
    spid=$!
    i=0; while [ ! -s "$TMP/sent" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    J >"$TMP/sock.json"
    if [ "$hier" = v1 ]; then t=$(row "$TMP/sock.json" "/kmemtop-test-$$/a" .kmem_tcp)
    else t=$(row "$TMP/sock.json" "/kmemtop-test-$$/a" .sock); fi
    tb=$(row "$TMP/sock.json" "/kmemtop-test-$$/b" '.kmem_tcp // .sock')
    if [ "${t:-0}" -gt 1000000 ] && [ "${tb:-0}" -lt 100000 ]; then
        ok "live: socket buffers ($t bytes, $(cat "$TMP/sent") sent unread) in a, not in b"
    else nok "live: socket buffers in a, not in b" "a: $t, b: $tb, sent $(cat "$TMP/sent")"; fi
    wait $spid
fi
# a cgroup whose memory.stat a normal user may not read: marked, and said
if command -v setpriv >/dev/null 2>&1 && chmod 0400 "$P/b/memory.stat" 2>/dev/null; then
    out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$KMEMTOP" -o --view cgroups 2>&1)
    chmod 0444 "$P/b/memory.stat"
    contains "nobody: the unreadable cgroup is marked" "$out" "^ +b \(no access\)"
    contains "nobody: and said above the table" "$out" "^memory.stat of 1 cgroup is not readable by this user"
fi
# a dying cgroup: page cache and files charged, the process moved out, rmdir
mkdir "$P/dying"
sh -c 'echo $$ >"$1/cgroup.procs" && head -c 4000000 /dev/zero >"$2/data" && mkdir "$2/dd" &&
       i=0 && while [ $i -lt 500 ]; do : >"$2/dd/f$i"; i=$((i + 1)); done' sh "$P/dying" "$TMP/charge"
rmdir "$P/dying"
[ -d "$P/dying" ] && nok "rmdir of the dying cgroup" || ok "rmdir of the dying cgroup"
J >"$TMP/dying.json"
if [ "$hier" = v2 ]; then
    d=$(row "$TMP/dying.json" "/kmemtop-test-$$" .dying)
    [ "${d:-0}" -ge 1 ] && ok "live: the parent shows $d dying descendant(s)" ||
        nok "live: the parent shows a dying descendant" "dying: $d"
else
    d=$(jq '.cgroups.v1_dying' "$TMP/dying.json")
    n=$(jq '.cgroups.rows | length' "$TMP/dying.json")
    css=$(awk '$1 == "memory" { print $3 }' /proc/cgroups)
    [ "${d:-0}" -ge 1 ] && ok "live: $d dying memory cgroups shown" || nok "live: dying cgroups shown" "v1_dying: $d"
    contains "live text: the dying cgroups are said" "$("$KMEMTOP" -o --view cgroups)" "^[0-9]+ dying memory cgroups?: removed"
    echo "# /proc/cgroups now $css, the tree $n, kmemtop $d"
fi
rm -rf "$TMP/charge"
done_testing
