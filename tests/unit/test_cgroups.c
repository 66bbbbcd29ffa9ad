/*
 * test_cgroups.c - memory cgroups: mountinfo (which hierarchy), the flat
 * key value files, one-number files, /proc/cgroups, and the walk of a
 * hierarchy made here (order, parents, symlinks not followed, depth bound,
 * rates by path).
 */
#include "kmemtop/cgroups.h"
#include "kmemtop/read.h"
#include "kmemtop/sampler.h"

#include "../tap.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* This machine's lines (a v1 host), a hybrid host, a v2 host. */
static const char *V1_HOST =
    "25 1 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "30 25 0:27 / /sys/fs/cgroup rw,relatime - tmpfs cgroup_root rw,size=10240k,mode=755\n"
    "33 30 0:30 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "35 30 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n";
static const char *HYBRID =
    "30 25 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:4 - tmpfs tmpfs ro,mode=755\n"
    "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:5 - cgroup2 "
    "cgroup2 rw,nsdelegate\n"
    "40 30 0:36 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:19 - cgroup "
    "cgroup rw,memory\n";
static const char *V2_HOST =
    "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n";

static void test_mounts(void)
{
    struct km_cg_mount m;
    struct km_perr e = {0};
    is_int(km_parse_cgroup_mounts(V1_HOST, strlen(V1_HOST), &m, &e), 0, "v1 host: parses");
    ok(m.hier == KM_CG_V1 && strcmp(m.point, "/sys/fs/cgroup/memory") == 0,
       "v1 host: the memory controller's mount, not cpu's");
    is_int(km_parse_cgroup_mounts(HYBRID, strlen(HYBRID), &m, &e), 0, "hybrid: parses");
    ok(m.hier == KM_CG_V1 && strcmp(m.point, "/sys/fs/cgroup/memory") == 0,
       "hybrid: v1 holds the memory controller, not unified");
    is_int(km_parse_cgroup_mounts(V2_HOST, strlen(V2_HOST), &m, &e), 0, "v2 host: parses");
    ok(m.hier == KM_CG_V2 && strcmp(m.point, "/sys/fs/cgroup") == 0 &&
           strcmp(m.root, "/") == 0,
       "v2 host: the cgroup2 mount");
    const char *esc = "35 24 0:30 /x /mnt/my\\040cg rw - cgroup2 none rw\n";
    km_parse_cgroup_mounts(esc, strlen(esc), &m, &e);
    ok(strcmp(m.point, "/mnt/my cg") == 0 && strcmp(m.root, "/x") == 0,
       "an escaped blank in the mount point");
    /* found by tests/unit/test_fuzz.c: a line that ends after the source, no super options */
    const char *noopts = "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup\n";
    is_int(km_parse_cgroup_mounts(noopts, strlen(noopts), &m, &e), 0, "no super options: ok");
    is_int(m.hier, KM_CG_NONE, "no super options: no memory controller named");
    const char *none = "25 1 0:23 / /sys rw - sysfs sysfs rw\n";
    is_int(km_parse_cgroup_mounts(none, strlen(none), &m, &e), 0, "no cgroup mount: ok");
    is_int(m.hier, KM_CG_NONE, "no cgroup mount: none");
    memset(&e, 0, sizeof(e));
    const char *junk = "garbage\nmore garbage\n";
    is_int(km_parse_cgroup_mounts(junk, strlen(junk), &m, &e), -EINVAL, "not mountinfo: -EINVAL");
    ok(e.line == 1 && e.msg[0], "not mountinfo: names line 1");
    memset(&e, 0, sizeof(e));
    const char *one_bad = "junk\n35 24 0:30 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
    is_int(km_parse_cgroup_mounts(one_bad, strlen(one_bad), &m, &e), 0, "a bad line: ok");
    ok(e.skipped == 1 && e.skip_line == 1 && m.hier == KM_CG_V2, "a bad line: left out, named");
}

static void clear(int64_t *v)
{
    for (int i = 0; i < KM_CGF_N; i++)
        v[i] = KM_NA;
}

static void test_stat(void)
{
    /* the order and keys of a 6.12 memory.stat, shortened */
    const char *st = "anon 1081344\nfile 4096\nkernel 1691648\nkernel_stack 49152\n"
                     "pagetables 86016\nsec_pagetables 0\npercpu 1240\nsock 0\nvmalloc 8192\n"
                     "shmem 0\nslab_reclaimable 380000\nslab_unreclaimable 900000\n"
                     "slab 1280000\nworkingset_refault_anon 0\n";
    int64_t v[KM_CGF_N];
    bool k;
    struct km_perr e = {0};
    clear(v);
    is_int(km_parse_cgroup_stat(st, strlen(st), v, &k, &e), 0, "v2 memory.stat parses");
    ok(k, "has the kernel line");
    is_int(v[KM_CGF_KERNEL], 1691648, "kernel");
    is_int(v[KM_CGF_SLAB], 1280000, "slab");
    is_int(v[KM_CGF_SLAB_RECL], 380000, "slab_reclaimable");
    is_int(v[KM_CGF_KSTACK], 49152, "kernel_stack");
    is_int(v[KM_CGF_PAGETABLES], 86016, "pagetables");
    is_int(v[KM_CGF_SECPT], 0, "sec_pagetables 0 stays 0");
    is_int(v[KM_CGF_PERCPU], 1240, "percpu");
    is_int(v[KM_CGF_VMALLOC], 8192, "vmalloc");
    ok(KM_IS_NA(v[KM_CGF_CURRENT]) && KM_IS_NA(v[KM_CGF_DYING]), "others stay absent");
    /* 5.4: no kernel, no slab sum, no vmalloc */
    const char *old = "anon 1\nkernel_stack 16384\nslab_reclaimable 100\nslab_unreclaimable 50\n";
    clear(v);
    km_parse_cgroup_stat(old, strlen(old), v, &k, &e);
    ok(!k && KM_IS_NA(v[KM_CGF_KERNEL]) && KM_IS_NA(v[KM_CGF_VMALLOC]),
       "an old kernel: kernel and vmalloc absent, not 0");
    is_int(v[KM_CGF_SLAB], 150, "an old kernel: slab is the sum of the two");
    const char *cs = "nr_descendants 3\nnr_subsys_cgroup 4\nnr_dying_descendants 2\n";
    clear(v);
    is_int(km_parse_cgroup_stat(cs, strlen(cs), v, NULL, &e), 0, "cgroup.stat parses");
    ok(v[KM_CGF_DESC] == 3 && v[KM_CGF_DYING] == 2, "nr_descendants, nr_dying_descendants");
    memset(&e, 0, sizeof(e));
    const char *bad = "kernel 5\nslab x\nsock 1 2\npercpu 7\n";
    clear(v);
    is_int(km_parse_cgroup_stat(bad, strlen(bad), v, NULL, &e), 0, "bad lines: ok");
    ok(e.skipped == 2 && e.skip_line == 2 && e.skip_msg[0], "bad lines: 2 left out, line 2 first");
    ok(v[KM_CGF_KERNEL] == 5 && v[KM_CGF_PERCPU] == 7 && KM_IS_NA(v[KM_CGF_SLAB]),
       "bad lines: the good ones kept");
    memset(&e, 0, sizeof(e));
    is_int(km_parse_cgroup_stat("x\ny\n", 4, v, NULL, &e), -EINVAL, "nothing usable: -EINVAL");
    is_int(e.line, 1, "nothing usable: line 1");
    const char *big = "kernel 99999999999999999999\n";
    memset(&e, 0, sizeof(e));
    is_int(km_parse_cgroup_stat(big, strlen(big), v, NULL, &e), -EINVAL, "past 64 bits refused");
}

static void test_value(void)
{
    int64_t v = 0;
    struct km_perr e = {0};
    is_int(km_parse_cgroup_value("123456\n", 7, &v, &e), 0, "a number");
    is_int(v, 123456, "its value");
    is_int(km_parse_cgroup_value("max\n", 4, &v, &e), -EINVAL, "max is not a usage");
    is_int(km_parse_cgroup_value("", 0, &v, &e), -EINVAL, "empty");
    const char *pc = "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t1\t1\t1\n"
                     "memory\t4\t68\t1\n";
    km_parse_proc_cgroups(pc, strlen(pc), &v, &e);
    is_int(v, 68, "/proc/cgroups: memory's num_cgroups");
    km_parse_proc_cgroups("cpu 1 1 1\n", 10, &v, &e);
    ok(KM_IS_NA(v), "/proc/cgroups without memory: absent");
}

static void put(const char *dir, const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
}

static void test_walk(void)
{
    char root[] = "/tmp/kmemtop-cgtest.XXXXXX", p[512];
    if (!mkdtemp(root)) {
        ok(0, "mkdtemp");
        return;
    }
    const char *dirs[] = {"b", "a", "a/y", "a/x", "a/x/deep"};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        snprintf(p, sizeof(p), "%s/%s", root, dirs[i]);
        mkdir(p, 0755);
        put(p, "memory.stat", "kernel 1000\nslab 400\n");
        put(p, "memory.current", "5000\n");
        put(p, "cgroup.stat", "nr_descendants 0\nnr_dying_descendants 0\n");
    }
    put(root, "memory.stat", "kernel 9000\n");
    put(root, "cgroup.stat", "nr_descendants 5\nnr_dying_descendants 1\n");
    snprintf(p, sizeof(p), "%s/a/x", root);
    put(p, "memory.stat", "kernel 2000\nslab 700\nbogus line here\n");
    snprintf(p, sizeof(p), "%s/link", root);
    ok(symlink("/sys/fs", p) == 0, "a symlink to a directory in the tree");
    struct km_cg_mount m = {.hier = KM_CG_V2};
    snprintf(m.point, sizeof(m.point), "%s", root);
    struct km_buf b = {0};
    struct km_cgroups g;
    struct km_perr e = {0};
    char bad[256] = "";
    size_t bytes = 0;
    is_int(km_cgroups_read(&m, &b, &g, &bytes, &e, bad, sizeof(bad)), 0, "walk: ok");
    is_int(g.n, 6, "walk: the root and 5 cgroups, the symlink not followed");
    const char *order[] = {"/", "/a", "/a/x", "/a/x/deep", "/a/y", "/b"};
    const int depth[] = {0, 1, 2, 3, 2, 1};
    const size_t parent[] = {SIZE_MAX, 0, 1, 2, 1, 0};
    bool good = g.n == 6;
    for (size_t i = 0; good && i < 6; i++)
        good = strcmp(g.v[i].path, order[i]) == 0 && g.v[i].depth == depth[i] &&
               g.v[i].parent == parent[i];
    ok(good, "walk: parents first, siblings by name, depth and parent");
    ok(g.n == 6 && g.v[0].v[KM_CGF_KERNEL] == 9000 && g.v[0].v[KM_CGF_DYING] == 1 &&
           KM_IS_NA(g.v[0].v[KM_CGF_CURRENT]),
       "walk: the root's figures; no memory.current there is absent");
    ok(g.n == 6 && g.v[2].v[KM_CGF_KERNEL] == 2000 && g.v[2].v[KM_CGF_CURRENT] == 5000,
       "walk: /a/x's figures");
    ok(e.skipped == 1 && strstr(bad, "/a/x/memory.stat"), "walk: the bad line's file is named");
    ok(g.n == 6 && g.v[2].stat && strstr(g.v[2].stat, "bogus"), "walk: memory.stat kept");
    ok(bytes > 0, "walk: bytes counted");
    /* rates: /a/x grows by 3000 in 2 s */
    snprintf(p, sizeof(p), "%s/a/x", root);
    put(p, "memory.stat", "kernel 8000\nslab 700\n");
    put(root, "cgroup.stat", "nr_descendants 5\nnr_dying_descendants 3\n");
    struct km_cgroups g2;
    memset(&e, 0, sizeof(e));
    km_cgroups_read(&m, &b, &g2, &bytes, &e, bad, sizeof(bad));
    km_cgroups_rates(&g2, &g, 2.0);
    ok(g2.n == 6 && g2.v[2].rate[KM_CGF_KERNEL] == 3000.0 && g2.v[2].rate[KM_CGF_SLAB] == 0.0,
       "rates: matched by path");
    ok(g2.n == 6 && g2.v[0].dying_grew && !g2.v[1].dying_grew, "rates: dying descendants grew");
    ok(g2.n == 6 && isnan(g2.v[0].rate[KM_CGF_CURRENT]), "rates: absent stays NAN");
    struct km_cgroups cp;
    km_cgroups_copy(&cp, &g2, true);
    ok(cp.n == 6 && cp.v[2].stat && strcmp(cp.v[3].path, "/a/x/deep") == 0, "copy: deep");
    km_cgroups_free(&cp);
    km_cgroups_free(&g2);
    km_cgroups_free(&g);
    /* the depth bound: a chain deeper than KM_CG_DEPTH_MAX is cut there */
    snprintf(p, sizeof(p), "%s/b", root);
    size_t pl = strlen(p);
    for (int d = 0; d < KM_CG_DEPTH_MAX + 3 && pl + 3 < sizeof(p); d++) {
        memcpy(p + pl, "/c", 3);
        pl += 2;
        mkdir(p, 0755);
    }
    memset(&e, 0, sizeof(e));
    is_int(km_cgroups_read(&m, &b, &g, &bytes, &e, bad, sizeof(bad)), 0, "deep chain: ok");
    int maxd = 0;
    for (size_t i = 0; i < g.n; i++)
        maxd = g.v[i].depth > maxd ? g.v[i].depth : maxd;
    is_int(maxd, KM_CG_DEPTH_MAX, "deep chain: cut at KM_CG_DEPTH_MAX");
    km_cgroups_free(&g);
    strcpy(m.point, "/nonexistent/kmemtop-cg");
    ok(km_err_missing(km_cgroups_read(&m, &b, &g, &bytes, &e, bad, sizeof(bad))),
       "no mount point: missing");
    km_buf_free(&b);
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    ok(system(cmd) == 0, "cleaned up");
}

/*
 * The live throttle: a tick within KM_CG_MIN_INTERVAL reuses the last walk, rates and
 * all (not a rate of 0 against itself), and is no new base for the next walk's rates.
 */
static void test_throttle(void)
{
    struct km_sampler *s = km_sampler_new();
    const unsigned m = KM_SRC_BIT(KM_SRC_CGROUPS);
    km_sampler_tick(s, m, NULL);
    const struct km_sample *c = km_sampler_cur(s);
    if (c->src[KM_SRC_CGROUPS].status != KM_ST_OK || c->cg.n == 0) {
        printf("# no live cgroup hierarchy (%s): throttle not tested\n",
               c->src[KM_SRC_CGROUPS].reason);
        km_sampler_free(s);
        return;
    }
    int f = c->cg.hier == KM_CG_V1 ? KM_CGF_KMEM : KM_CGF_CURRENT;
    usleep(200000);
    km_sampler_tick(s, m, NULL);
    c = km_sampler_cur(s);
    ok(c->src[KM_SRC_CGROUPS].age > 0, "throttle: a tick 0.2 s later reuses the walk");
    ok(c->cg.n > 0 && isnan(c->cg.v[0].rate[f]),
       "throttle: the reused walk keeps its rates (none yet), not 0 against itself");
    usleep((useconds_t)(KM_CG_MIN_INTERVAL * 1e6) + 100000);
    km_sampler_tick(s, m, NULL);
    c = km_sampler_cur(s);
    ok(c->src[KM_SRC_CGROUPS].age == 0 && c->cg.n > 0 && !KM_IS_NA(c->cg.v[0].v[f]) &&
           !isnan(c->cg.v[0].rate[f]),
       "throttle: the next walk has a rate");
    double r = c->cg.n ? c->cg.v[0].rate[f] : NAN;
    usleep(200000);
    km_sampler_tick(s, m, NULL);
    c = km_sampler_cur(s);
    ok(c->cg.n > 0 && c->cg.v[0].rate[f] == r, "throttle: reused again, the same rate");
    km_sampler_free(s);
}

int main(void)
{
    test_mounts();
    test_stat();
    test_value();
    test_walk();
    test_throttle();
    return tap_done();
}
