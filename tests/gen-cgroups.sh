#!/bin/sh
# gen-cgroups.sh DIR N [v1] - writes a captured tree in DIR holding a cgroup v2
# hierarchy of N cgroups (v1: the memory controller's v1 files instead), as a
# container host has them: 10 slices, 10 pods in each, the rest as containers
# spread over the pods. Every figure follows from the cgroup's number, so a test
# can compute what kmemtop must show: cgroup i (1..N-1 in walk order of creation)
# holds kernel = i*4096, slab = i*1024, kernel_stack = 16384, sock = i.
# The root's cgroup.stat says 3 dying descendants. For tests/cgroups.sh and the
# benchmark (tests/bench.c: make bench).
set -eu
dir=$1 n=$2 kind=${3:-v2}
[ "$n" -ge 1 ] || { echo "gen-cgroups.sh: N must be at least 1" >&2; exit 2; }
mkdir -p "$dir/proc/self" "$dir/sys/fs/cgroup"
if [ "$kind" = v1 ]; then
    m=/sys/fs/cgroup/memory
    printf '35 31 0:32 / %s rw,relatime - cgroup cgroup rw,memory\n' "$m" >"$dir/proc/self/mountinfo"
    printf '#subsys_name\thierarchy\tnum_cgroups\tenabled\nmemory\t4\t%d\t1\n' $((n + 3)) >"$dir/proc/cgroups"
else
    m=/sys/fs/cgroup
    printf '35 24 0:30 / %s rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n' \
        "$m" >"$dir/proc/self/mountinfo"
fi
root=$dir$m
mkdir -p "$root"
files() { # DIR I: the files of cgroup number I
    if [ "$kind" = v1 ]; then
        printf 'cache %d\nrss %d\n' $(($2 * 8192)) $(($2 * 4096)) >"$1/memory.stat"
        printf '%d\n' $(($2 * 65536)) >"$1/memory.usage_in_bytes"
        printf '%d\n' $(($2 * 4096)) >"$1/memory.kmem.usage_in_bytes"
        printf '%d\n' $(($2 * 8192)) >"$1/memory.kmem.max_usage_in_bytes"
        printf '%d\n' "$2" >"$1/memory.kmem.tcp.usage_in_bytes"
        return
    fi
    printf 'anon %d\nfile %d\nkernel %d\nkernel_stack 16384\npagetables %d\nsec_pagetables 0\npercpu %d\nsock %d\nvmalloc %d\nshmem 0\nslab_reclaimable %d\nslab_unreclaimable %d\nslab %d\n' \
        $(($2 * 65536)) $(($2 * 32768)) $(($2 * 4096)) $(($2 * 512)) $(($2 * 8)) "$2" $(($2 * 16)) \
        $(($2 * 256)) $(($2 * 768)) $(($2 * 1024)) >"$1/memory.stat"
    printf '%d\n' $(($2 * 131072)) >"$1/memory.current"
    printf 'nr_descendants 0\nnr_dying_descendants 0\n' >"$1/cgroup.stat"
}
files "$root" 0
[ "$kind" = v1 ] || printf 'nr_descendants %d\nnr_dying_descendants 3\n' $((n - 1)) >"$root/cgroup.stat"
rm -f "$root/memory.current" # the v2 root has none
i=1 s=0
while [ $s -lt 10 ] && [ $i -lt "$n" ]; do
    mkdir "$root/slice-$s.slice"; files "$root/slice-$s.slice" $i; i=$((i + 1)); s=$((s + 1))
done
s=0
while [ $s -lt 100 ] && [ $i -lt "$n" ]; do
    p=$root/slice-$((s % 10)).slice/pod-$s
    mkdir "$p"; files "$p" $i; i=$((i + 1)); s=$((s + 1))
done
c=0
while [ $i -lt "$n" ]; do
    p=$root/slice-$((c % 10)).slice/pod-$((c % 100))/ctr-$c
    mkdir "$p"; files "$p" $i; i=$((i + 1)); c=$((c + 1))
done
