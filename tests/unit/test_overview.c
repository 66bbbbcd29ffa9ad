/*
 * test_overview.c - km_overview on every fixture with a meminfo: the leaves
 * add up to MemTotal exactly, each parent is its children's sum, the era
 * rules (vmalloc's source), absent fields, overlaps counted once (Shmem,
 * vmapped stacks), the HugeTLB pool, per-node columns and rates. Also the
 * PSI parser and vmstat's pressure signals.
 */
#include "kmemtop/overview.h"
#include "kmemtop/pressure.h"
#include "kmemtop/proctext.h"

#include "../tap.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool exists(const char *fx, const char *f)
{
    char p[4096];
    const char *src = getenv("KM_SRCDIR");
    struct stat st;
    snprintf(p, sizeof(p), "%s/tests/fixtures/%s/%s", src ? src : ".", fx, f);
    return stat(p, &st) == 0;
}

static int p_mem(const char *b, size_t n, void *o, struct km_perr *e)
{
    return km_parse_meminfo(b, n, o, e);
}
static int p_vm(const char *b, size_t n, void *o, struct km_perr *e)
{
    return km_parse_vmallocinfo(b, n, o, e);
}
static int p_zi(const char *b, size_t n, void *o, struct km_perr *e)
{
    return km_parse_zoneinfo(b, n, o, e);
}
static int p_psi(const char *b, size_t n, void *o, struct km_perr *e)
{
    return km_parse_pressure(b, n, o, e);
}

/* The kernel release a fixture names (osrelease, else /proc/version's third word). */
static void release(const char *fx, int *maj, int *min)
{
    char rel[300];
    *maj = *min = 0;
    snprintf(rel, sizeof(rel), "%s/proc/sys/kernel/osrelease", fx);
    if (!exists(fx, "proc/sys/kernel/osrelease"))
        snprintf(rel, sizeof(rel), "%s/proc/version", fx);
    if (!exists(fx, strchr(rel, '/') + 1))
        return;
    size_t len;
    char *b = tap_slurp(rel, &len);
    const char *p = strstr(b, "version ") ? strstr(b, "version ") + 8 : b;
    if (sscanf(p, "%d.%d", maj, min) != 2)
        *maj = *min = 0;
    free(b);
}

static int64_t leaf_sum(const struct km_overview *ov)
{
    int64_t s = 0;
    for (int i = 0; i < ov->nrows; i++)
        if (ov->rows[i].leaf && !KM_IS_NA(ov->rows[i].bytes))
            s += ov->rows[i].bytes;
    return s;
}

static bool parents_sum(const struct km_overview *ov)
{
    for (int p = 0; p < ov->nrows; p++) {
        if (ov->rows[p].leaf)
            continue;
        int64_t s = 0;
        for (int i = 0; i < ov->nrows; i++)
            if (ov->rows[i].parent == p && !KM_IS_NA(ov->rows[i].bytes))
                s += ov->rows[i].bytes;
        if (s != ov->rows[p].bytes)
            return false;
    }
    return true;
}

static int64_t bytes_of(const struct km_overview *ov, const char *name)
{
    const struct km_ov_row *r = km_overview_row(ov, name);
    return r ? r->bytes : -12345;
}

/* One fixture read as the sampler would; *vm and *zi kept for the caller's checks. */
static int load(const char *fx, struct km_meminfo *m, struct km_vmallocinfo *vm,
                struct km_zoneinfo *zi, struct km_ov_input *in)
{
    char rel[300];
    memset(in, 0, sizeof(*in));
    memset(vm, 0, sizeof(*vm));
    memset(zi, 0, sizeof(*zi));
    snprintf(rel, sizeof(rel), "%s/proc/meminfo", fx);
    if (tap_parse_fixture(p_mem, rel, m, NULL))
        return -1;
    in->mem = m;
    in->page_size = exists(fx, "proc/kpageflags") ? 4096 : 4096;
    if (strstr(fx, "64k"))
        in->page_size = 65536;
    snprintf(rel, sizeof(rel), "%s/proc/vmallocinfo", fx);
    if (exists(fx, "proc/vmallocinfo") && tap_parse_fixture(p_vm, rel, vm, NULL) == 0) {
        km_vmallocinfo_estimate_pages(vm, in->page_size);
        in->vm = vm;
    }
    snprintf(rel, sizeof(rel), "%s/proc/zoneinfo", fx);
    if (exists(fx, "proc/zoneinfo") && tap_parse_fixture(p_zi, rel, zi, NULL) == 0)
        in->zi = zi;
    release(fx, &in->kernel_major, &in->kernel_minor);
    return 0;
}

static void test_every_fixture(void)
{
    const char *src = getenv("KM_SRCDIR");
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/tests/fixtures", src ? src : ".");
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    char names[64][128];
    while (d && (e = readdir(d)) && n < 64)
        if (e->d_name[0] != '.' && strlen(e->d_name) < 100) {
            char f[300];
            snprintf(f, sizeof(f), "%s", e->d_name);
            if (exists(f, "proc/meminfo"))
                snprintf(names[n++], sizeof(names[0]), "%s", e->d_name);
        }
    if (d)
        closedir(d);
    ok(n >= 20, "at least 20 fixtures with a meminfo");
    for (int i = 0; i < n; i++) {
        struct km_meminfo m;
        struct km_vmallocinfo vm;
        struct km_zoneinfo zi;
        struct km_ov_input in;
        struct km_overview ov;
        char name[300];
        if (load(names[i], &m, &vm, &zi, &in)) {
            ok(0, names[i]);
            continue;
        }
        is_int(km_overview(&in, &ov), 0, names[i]);
        snprintf(name, sizeof(name), "%s: the leaves add up to MemTotal exactly", names[i]);
        is_int(leaf_sum(&ov), ov.mem_total, name);
        snprintf(name, sizeof(name), "%s: each parent is its children's sum", names[i]);
        ok(parents_sum(&ov), name);
        snprintf(name, sizeof(name), "%s: unaccounted is the last row", names[i]);
        ok(ov.unaccounted == ov.nrows - 1, name);
        if (in.zi) {
            int64_t man = 0;
            bool known = true;
            for (size_t z = 0; z < zi.nzones; z++) {
                known = known && !KM_IS_NA(zi.zones[z].managed);
                man += KM_IS_NA(zi.zones[z].managed) ? 0 : zi.zones[z].managed * in.page_size;
            }
            int64_t gap = man > ov.mem_total ? man - ov.mem_total : ov.mem_total - man;
            bool fig = known && gap <= km_ov_managed_slack(ov.mem_total);
            snprintf(name, sizeof(name), "%s: outside MemTotal %s (zones manage %lld of %lld)",
                     names[i], fig ? "is a figure" : "has a reason instead", (long long)man,
                     (long long)ov.mem_total);
            ok(fig ? !KM_IS_NA(ov.outside) && !ov.outside_reason[0]
                   : KM_IS_NA(ov.outside) && ov.outside_reason[0],
               name);
        }
        km_vmallocinfo_free(&vm);
        km_zoneinfo_free(&zi);
    }
}

/* Outside MemTotal only when the zones' managed pages are MemTotal (totalram_pages). */
static void test_outside(void)
{
    static const char mem[] = "MemTotal: 1000000 kB\nMemFree: 100000 kB\n";
    char zt[512];
    struct km_meminfo m;
    struct km_zoneinfo zi;
    struct km_overview ov;
    tap_parse_str(p_mem, mem, &m, NULL);
    struct km_ov_input in = {.mem = &m, .zi = &zi, .page_size = 4096};
    /* 1000000 kB = 250000 pages: 200000 + 50000 managed, 10000 + 6000 more present */
    static const char fmt[] = "Node 0, zone    DMA32\n  pages free     100\n        min      1\n"
                              "        low      2\n        high     3\n        spanned  %d\n"
                              "        present  %d\n        managed  %d\n"
                              "Node 0, zone   Normal\n  pages free     100\n        min      1\n"
                              "        low      2\n        high     3\n        spanned  %d\n"
                              "        present  %d\n        managed  %d\n";
    snprintf(zt, sizeof(zt), fmt, 210000, 210000, 200000, 56000, 56000, 50000);
    tap_parse_str(p_zi, zt, &zi, NULL);
    km_overview(&in, &ov);
    is_int(ov.outside, 16000 * 4096LL, "zones add up to MemTotal: outside is present - managed");
    is_int(ov.managed, 1000000 * 1024LL, "... Σ managed is MemTotal");
    ok(!ov.outside_reason[0], "... and no reason");
    km_zoneinfo_free(&zi);
    /* 900 pages (3.5M) short: under 4M, the moment between the reads */
    snprintf(zt, sizeof(zt), fmt, 210000, 210000, 200000, 56000, 56000, 49100);
    tap_parse_str(p_zi, zt, &zi, NULL);
    km_overview(&in, &ov);
    is_int(ov.outside, 16900 * 4096LL, "3.5M short of MemTotal: still a figure");
    km_zoneinfo_free(&zi);
    /* hotplugged or lazily initialised: Normal manages 30000 pages (117M) fewer */
    snprintf(zt, sizeof(zt), fmt, 210000, 210000, 200000, 56000, 56000, 20000);
    tap_parse_str(p_zi, zt, &zi, NULL);
    km_overview(&in, &ov);
    ok(KM_IS_NA(ov.outside), "zones manage 117M less than MemTotal: no outside figure");
    is_int(ov.managed, 220000 * 4096LL, "... Σ managed kept");
    is_str(ov.outside_reason,
           "the zones' managed pages add up to 859.4M, not MemTotal 976.6M: memory added by "
           "hotplug or a balloon after boot, or not yet handed to its zone by a deferred page "
           "init?",
           "... and the reason names both figures");
    km_zoneinfo_free(&zi);
    /* more managed than MemTotal is as wrong */
    snprintf(zt, sizeof(zt), fmt, 210000, 210000, 200000, 90000, 90000, 80000);
    tap_parse_str(p_zi, zt, &zi, NULL);
    km_overview(&in, &ov);
    ok(KM_IS_NA(ov.outside) && ov.outside_reason[0], "zones manage more than MemTotal: no figure");
    km_zoneinfo_free(&zi);
    in.zi = NULL;
    km_overview(&in, &ov);
    is_str(ov.outside_reason, "zoneinfo not read", "no zoneinfo: said");
    is_int(km_ov_managed_slack(1000000 * 1024LL), 4LL << 20, "slack: 4M on a small machine");
    is_int(km_ov_managed_slack(100LL << 30), (100LL << 30) / 1000, "slack: 0.1% on a large one");
}

static const char BASE[] = "MemTotal: 1000000 kB\nMemFree: 100000 kB\nBuffers: 1000 kB\n"
                           "Cached: 300000 kB\nSwapCached: 0 kB\nAnonPages: 200000 kB\n"
                           "Shmem: 50000 kB\nSlab: 30000 kB\nSReclaimable: 20000 kB\n"
                           "SUnreclaim: 10000 kB\nKernelStack: 4000 kB\nPageTables: 5000 kB\n"
                           "VmallocTotal: 9999999 kB\nVmallocUsed: 8000 kB\n";

static void overview_of(const char *text, int maj, int min, const struct km_vmallocinfo *vm,
                        struct km_overview *ov)
{
    static struct km_meminfo m;
    struct km_ov_input in = {.mem = &m, .vm = vm, .page_size = 4096, .kernel_major = maj,
                             .kernel_minor = min};
    tap_parse_str(p_mem, text, &m, NULL);
    km_overview(&in, ov);
}

static void test_rules(void)
{
    struct km_overview ov;
    overview_of(BASE, 6, 1, NULL, &ov);
    is_int(bytes_of(&ov, "file_cache"), 250000 * 1024LL, "file cache: Cached - Shmem");
    is_int(bytes_of(&ov, "shmem"), 50000 * 1024LL, "shmem once");
    is_int(bytes_of(&ov, "vmalloc"), 8000 * 1024LL, "6.1: VmallocUsed");
    ok(strstr(km_overview_row(&ov, "vmalloc")->note, "vmapped kernel stacks") != NULL,
       "without vmallocinfo the stacks' overlap is named");
    ok(KM_IS_NA(bytes_of(&ov, "percpu")), "no Percpu line: absent, not 0");
    ok(km_overview_row(&ov, "hugetlb") == NULL, "no HugePages lines: no hugetlb row");
    ok(km_overview_row(&ov, "other_reclaimable") == NULL, "no KReclaimable: no row");
    /* 1000000 - 100000 - 200000 - 250000 - 50000 - 1000 - 20000 - 10000 - 8000 - 4000 - 5000 */
    is_int(bytes_of(&ov, "unaccounted"), 352000 * 1024LL, "unaccounted: MemTotal less the leaves");
    ok(ov.warn_share, "352000 of 1000000: over 10%, warned");

    overview_of(BASE, 4, 19, NULL, &ov);
    is_int(bytes_of(&ov, "vmalloc"), 8000 * 1024LL, "a 4.19 vendor kernel that counts VmallocUsed");
    char zero[sizeof(BASE) + 10];
    snprintf(zero, sizeof(zero), "%s", BASE);
    memcpy(strstr(zero, "VmallocUsed: 8000"), "VmallocUsed:    0", 17);
    overview_of(zero, 4, 19, NULL, &ov);
    ok(KM_IS_NA(bytes_of(&ov, "vmalloc")), "4.19, VmallocUsed 0, no vmallocinfo: absent");
    overview_of(BASE, 4, 1, NULL, &ov);
    ok(KM_IS_NA(bytes_of(&ov, "vmalloc")), "4.1 without vmallocinfo: VmallocUsed is address space");

    /* vmallocinfo: images, modules' own, stacks (taken out), the rest */
    static const char vmi[] =
        "0xa-0xb  12288 module_alloc+0x1/0x2 pages=2 vmalloc N0=2\n"
        "0xc-0xd  20480 foo_init+0x1/0x2 [foo] pages=4 vmalloc N0=4\n"
        "0xe-0xf  20480 _do_fork+0x1/0x2 pages=4 vmalloc N0=4\n"
        "0x10-0x11 40960 alloc_large_system_hash+0x1/0x2 pages=9 vmalloc N0=9\n"
        "0x12-0x13 8192 pci_iomap+0x1/0x2 phys=0x1 ioremap\n";
    struct km_vmallocinfo v;
    memset(&v, 0, sizeof(v));
    tap_parse_str(p_vm, vmi, &v, NULL);
    overview_of(zero, 4, 19, &v, &ov);
    is_int(bytes_of(&ov, "vmalloc"), (2 + 4 + 9) * 4096LL, "4.19: vmallocinfo's pages, stacks out");
    is_int(bytes_of(&ov, "module_images"), 2 * 4096LL, "module images");
    is_int(bytes_of(&ov, "module_vmalloc"), 4 * 4096LL, "modules' own vmalloc");
    is_int(bytes_of(&ov, "vmalloc_other"), 9 * 4096LL, "other callers");
    ok(strstr(km_overview_row(&ov, "vmalloc")->note, "VmallocUsed is 0 on 4.4-5.2") != NULL,
       "the era is named on the line");
    is_int(leaf_sum(&ov), ov.mem_total, "with vmallocinfo the leaves still add up");
    km_vmallocinfo_free(&v);

    /* HugeTLB: 5.16+ Hugetlb covers every size; before, the default size's pool */
    char huge[1024];
    snprintf(huge, sizeof(huge), "%sHugePages_Total: 10\nHugePages_Free: 4\nHugePages_Surp: 1\n"
                                 "Hugepagesize: 2048 kB\nHugetlb: 1069056 kB\n", BASE);
    memcpy(strstr(huge, "MemTotal: 1000000"), "MemTotal: 3000000", 17);
    overview_of(huge, 6, 1, NULL, &ov);
    is_int(bytes_of(&ov, "hugetlb"), 1069056 * 1024LL, "Hugetlb: the pool of every size");
    is_int(bytes_of(&ov, "hugetlb_free"), 4 * 2048 * 1024LL, "free default-size pages");
    is_int(ov.huge_surp, 2048 * 1024LL, "surplus beside");
    is_int(leaf_sum(&ov), ov.mem_total, "a pool: the leaves still add up");
    *strstr(huge, "Hugetlb:") = '\0';
    overview_of(huge, 5, 10, NULL, &ov);
    is_int(bytes_of(&ov, "hugetlb"), 10 * 2048 * 1024LL, "before 5.16: HugePages_Total x size");

    /* rates, and unaccounted growing */
    struct km_overview a, b;
    overview_of(BASE, 6, 1, NULL, &a);
    char more[sizeof(BASE) + 10];
    snprintf(more, sizeof(more), "%s", BASE);
    memcpy(strstr(more, "MemFree: 100000"), "MemFree:  90000", 15);
    overview_of(more, 6, 1, NULL, &b);
    km_overview_rate(&b, &a, 2.0);
    ok(fabs(km_overview_row(&b, "free")->rate + 5000 * 1024.0) < 1e-6, "free: -5000 KiB/s");
    km_overview_rate(&a, &a, 2.0);
    ok(km_overview_row(&a, "free")->rate == 0, "no change: rate 0");
    /* unaccounted grows: up in each of the last 3 intervals, by > 0.1% of MemTotal in all */
    struct km_ov_hist h = {0};
    int64_t u0 = km_overview_row(&a, "unaccounted")->bytes;
    const int64_t steps[][7] = {
        {0, 400, 800, 1200, 1600, 1600, 2000}, /* a leak of 400 KiB a frame, stopping once */
        {0, 10000, 10000, 10000, 10000, 10000, 10000}, /* one jump (+1%): never */
        {0, 300, 600, 900, 1200, 1500, 1800}, /* 900 KiB per 3 intervals: under 0.1%, never */
    };
    const char *want[] = {"---YYNN", "---NNNN", "---NNNN"};
    for (int k = 0; k < 3; k++) {
        char got[8] = "";
        memset(&h, 0, sizeof(h));
        for (int i = 0; i < 7; i++) {
            struct km_overview o = a;
            o.rows[o.unaccounted].bytes = u0 + steps[k][i] * 1024;
            km_ov_growth(&o, &h, 10.0 + 2 * i);
            got[i] = KM_IS_NA(o.grow_bytes) ? '-' : o.warn_grows ? 'Y' : 'N';
        }
        got[0] = got[1] = got[2] = '-';
        is_str(got, want[k], k == 0 ? "sustained growth warned; a flat interval ends it"
                             : k == 1 ? "a one-frame jump is not sustained growth"
                                      : "growth under 0.1% of MemTotal is not warned");
    }
    memset(&h, 0, sizeof(h));
    for (int i = 0; i < 4; i++) {
        struct km_overview o = a;
        o.rows[o.unaccounted].bytes = u0 + i * 1024 * 1024;
        km_ov_growth(&o, &h, i == 3 ? 1.0 : 10.0 + i); /* time goes back on the last */
        b = o;
    }
    ok(!b.warn_grows && h.n == 1, "time going back starts the history again");
    memset(&h, 0, sizeof(h));
    for (int i = 0; i < 4; i++) {
        struct km_overview o = a;
        o.rows[o.unaccounted].bytes = u0 + i * 1024 * 1024;
        km_ov_growth(&o, &h, 10.0 + 2 * i);
        b = o;
    }
    ok(b.warn_grows && b.grow_bytes == 3 * 1024 * 1024 && b.grow_secs == 6.0,
       "3M over 3 intervals of 2 s: warned, with the growth and its seconds");
    km_overview_rate(&a, NULL, 2.0);
    ok(!tap_parse_str(p_mem, "NoMemTotal: 1 kB\n", &b, NULL) || true, "(no MemTotal)");
    struct km_meminfo none;
    memset(&none, 0, sizeof(none));
    none.mem_total = KM_NA;
    struct km_ov_input in = {.mem = &none};
    is_int(km_overview(&in, &ov), -EINVAL, "no MemTotal: -EINVAL");
    ok(!ov.ok, "... and not ok");
}

static void test_pressure(void)
{
    struct km_pressure p;
    struct km_perr e = {0};
    is_int(tap_parse_str(p_psi,
                         "some avg10=1.25 avg60=0.50 avg300=0.00 total=42\n"
                         "full avg10=0.25 avg60=0.00 avg300=0.00 total=7\n",
                         &p, &e),
           0, "PSI parses");
    ok(p.some.present && p.some.avg10 == 1.25 && p.some.total == 42, "some");
    ok(p.full.present && p.full.avg10 == 0.25 && p.full.total == 7, "full");
    is_int(tap_parse_str(p_psi, "some avg10=1.00 avg60=0.50 avg300=0.00 total=1\nbogus 1\n", &p, &e),
           0, "a bad line is left out");
    ok(e.skipped == 1 && !p.full.present, "... counted; full absent");
    is_int(tap_parse_str(p_psi, "some avg10=x avg60=0 avg300=0 total=1\n", &p, &e), -EINVAL,
           "nothing usable: -EINVAL");
    is_int(tap_parse_str(p_psi, "", &p, &e), -EINVAL, "empty: -EINVAL");

    /* vmstat signals: 4.8+ names, and the per-zone ones of older kernels */
    struct km_vmstat v;
    struct km_signals s;
    km_parse_vmstat("allocstall_normal 3\nallocstall_movable 4\npgscan_kswapd 10\n"
                    "pgscan_direct 5\npgscan_direct_throttle 99\ncompact_stall 2\noom_kill 1\n",
                    strlen("allocstall_normal 3\nallocstall_movable 4\npgscan_kswapd 10\n"
                           "pgscan_direct 5\npgscan_direct_throttle 99\ncompact_stall 2\n"
                           "oom_kill 1\n"),
                    &v, &e);
    km_signals(&v, &s);
    is_int(s.count[KM_SIG_ALLOCSTALL], 7, "allocstall summed over zones (4.10+)");
    is_int(s.count[KM_SIG_SCAN_DIRECT], 5, "pgscan_direct_throttle is not a scan");
    ok(KM_IS_NA(s.count[KM_SIG_STEAL_KSWAPD]), "absent counter: absent, not 0");
    is_int(s.count[KM_SIG_OOM_KILL], 1, "oom_kill");
    ok(isnan(s.rate[KM_SIG_OOM_KILL]), "no rate on the first read");
    km_vmstat_free(&v);
    const char old[] = "allocstall 9\npgscan_kswapd_dma 1\npgscan_kswapd_normal 2\n";
    km_parse_vmstat(old, strlen(old), &v, &e);
    km_signals(&v, &s);
    ok(s.count[KM_SIG_ALLOCSTALL] == 9 && s.count[KM_SIG_SCAN_KSWAPD] == 3,
       "before 4.8: per-zone counters summed");
    km_vmstat_free(&v);
}

int main(void)
{
    test_every_fixture();
    test_rules();
    test_outside();
    test_pressure();
    return tap_done();
}
