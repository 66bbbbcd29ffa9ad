/*
 * test_modjoin_scale.c - the module join on synthetic files as large as real
 * ones get (100k+ areas: BPF, VMAP_STACK caches): the assignment must be the
 * expected one and come in well under a second, and a hashed file must be
 * judged address-ordered or not by the proportion of adjacencies, which a
 * few 32-bit hash collisions cannot overturn.
 */
#include "../tap.h"

#include "kmemtop/modjoin.h"
#include "synth_modorder.h"

#include <time.h>

#define PS 4096
#define NAREAS 100000
#define NMODS 200
#ifndef NDECOYS
#define NDECOYS 1000
#endif
#define MOD_REGION 0xffffffffc0000000ull
#define DECOY_REGION 0xffffffffd0000000ull
#define FILL_REGION 0xffffc90000000000ull

static void area(struct syn_text *t, uint64_t start, int pages, const char *caller)
{
    int64_t size = (int64_t)(pages + 1) * PS;
    syn_put(t, "0x%016llx-0x%016llx %7lld %s pages=%d vmalloc N0=%d\n", (unsigned long long)start,
        (unsigned long long)(start + (uint64_t)size), (long long)size, caller, pages, pages);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- address join: 200 modules each short of pages its base area gives --------- */

/*
 * Module k's text area (3 pages) starts at its base. Its lsmod size asks for
 * more, found by completion next to its own area:
 *   k % 4 == 0: one page right after;       k % 4 == 1: one page right before;
 *   k % 4 == 2: two 1-page areas chained after (5 pages wanted);
 *   k % 4 == 3: a 2-page area after (too big: stays unattributed), one page before.
 * NDECOYS 1-page image areas adjacent to nothing owned stay unattributed, and
 * plain vmalloc areas fill the file to NAREAS lines.
 */
static uint64_t mod_base(int k)
{
    return MOD_REGION + (uint64_t)k * 0x10000 + 0x2000;
}

static size_t module_areas(struct syn_text *vm, struct syn_text *mods, int k)
{
    const char *img = "load_module+0xbb7/0x21a0";
    uint64_t b = mod_base(k);
    int want = k % 4 == 2 ? 5 : 4;
    syn_put(mods, "m%d %d 0 - Live 0x%016llx\n", k, want * PS, (unsigned long long)b);
    size_t n = 0;
    if (k % 4 == 1 || k % 4 == 3)
        area(vm, b - 2 * PS, 1, img), n++;
    area(vm, b, 3, img), n++;
    if (k % 4 == 0 || k % 4 == 2)
        area(vm, b + 4 * PS, 1, img), n++;
    if (k % 4 == 2)
        area(vm, b + 6 * PS, 1, img), n++;
    if (k % 4 == 3)
        area(vm, b + 4 * PS, 2, img), n++;
    return n;
}

static void build_address(struct km_modules *m, struct km_vmallocinfo *v)
{
    struct syn_text vm = {0}, mods = {0};
    size_t n = 0;
    for (int i = 0; n < NAREAS - NMODS * 5 / 2 - NDECOYS; i++, n++)
        area(&vm, FILL_REGION + (uint64_t)i * 6 * PS, 4, "kernel_clone+0x94/0x3e0");
    for (int k = 0; k < NMODS; k++)
        n += module_areas(&vm, &mods, k);
    for (int i = 0; i < NDECOYS; i++, n++)
        area(&vm, DECOY_REGION + (uint64_t)i * 3 * PS, 1, "load_module+0xbb7/0x21a0");
    for (; n < NAREAS; n++)
        area(&vm, FILL_REGION - (uint64_t)(NAREAS - n) * 6 * PS, 4, "kernel_clone+0x94/0x3e0");
    if (km_parse_modules(mods.p, mods.len, m, NULL) ||
        km_parse_vmallocinfo(vm.p, vm.len, v, NULL) || v->n != NAREAS)
        printf("Bail out! the synthetic files do not parse\n"), exit(1);
    for (size_t k = 0; k < m->n; k++)
        m->mods[k].coresize = m->mods[k].initsize = KM_NA;
    free(vm.p);
    free(mods.p);
}

static bool module_as_expected(const struct km_modules *m, const struct km_vmallocinfo *v,
                               const struct km_modjoin *j, int k)
{
    char name[16];
    snprintf(name, sizeof(name), "m%d", k);
    const struct km_module *mod = km_modules_find(m, name);
    const struct km_modmem *mm = &j->mods[mod - m->mods];
    size_t want_areas = k % 4 == 2 ? 3 : 2;
    int64_t want_pages = k % 4 == 2 ? 5 : 4;
    if (mm->method != KM_MJ_ADDRESS || mm->nimage != want_areas || mm->static_pages != want_pages)
        return false;
    uint64_t lo = mod_base(k) - 2 * PS, hi = mod_base(k) + 8 * PS;
    for (size_t t = 0; t < mm->nimage; t++) {
        const struct km_vmarea *a = &v->areas[j->list[mm->first + t]];
        if (a->start < lo || a->start >= hi)
            return false;
        if (t > 0 && a->start < v->areas[j->list[mm->first + t - 1]].start)
            return false;
    }
    return true;
}

static void test_address_scale(void)
{
    struct km_modules m = {0};
    struct km_vmallocinfo v = {0};
    struct km_modjoin j;
    build_address(&m, &v);
    double t0 = now();
    int rc = km_modjoin(&m, &v, PS, NULL, &j);
    double ms = (now() - t0) * 1e3;
    printf("# km_modjoin of %d areas and %d modules took %.1f ms\n", NAREAS, NMODS, ms);
    ok(rc == 0 && j.method == KM_MJ_ADDRESS, "100k areas: joined by address");
    int good = 0;
    for (int k = 0; k < NMODS; k++)
        good += module_as_expected(&m, &v, &j, k);
    is_int(good, NMODS, "100k areas: every module completed by size with its own adjacent areas");
    ok(j.nmatched == NMODS && j.nmissing == 0, "100k areas: no module left to an estimate");
    is_int(j.unattributed.areas, NDECOYS + NMODS / 4,
           "100k areas: decoys and too-big neighbours stay unattributed");
    is_int(j.attributed.areas + j.unattributed.areas, NMODS * 5 / 2 + NDECOYS,
           "100k areas: every image area listed once");
    ok(ms < 1000, "100k areas: the join takes well under a second");
    km_modjoin_free(&j);
    km_vmallocinfo_free(&v);
    km_modules_free(&m);
}

/* ---- hashed order at scale: proportion, not a single coincidence ------------------ */

static uint32_t hash32(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)((x ^ (x >> 31)) >> 32);
}

struct line {
    uint32_t start, end;
    int pages;
};

/* NAREAS areas in address order, mostly back to back, hashed as %pK does on 4.15+. */
static struct line *hashed_lines(void)
{
    struct line *l = calloc(NAREAS, sizeof(*l));
    uint64_t a = FILL_REGION;
    for (size_t i = 0; i < NAREAS; i++) {
        if (i % 10 == 0)
            a += (uint64_t)(1 + i % 7) * PS; /* a hole: no adjacency here */
        l[i].pages = 1 + (int)(i % 4);
        uint64_t end = a + (uint64_t)(l[i].pages + 1) * PS;
        l[i].start = hash32(a), l[i].end = hash32(end);
        a = end;
    }
    return l;
}

static void hashed_vm(const struct line *l, const size_t *order, struct km_vmallocinfo *v)
{
    struct syn_text t = {0};
    for (size_t k = 0; k < NAREAS; k++) {
        const struct line *x = &l[order[k]];
        syn_put(&t, "0x%016llx-0x%016llx %7d kernel_clone+0x94/0x3e0 pages=%d vmalloc N0=%d\n",
            (unsigned long long)x->start, (unsigned long long)x->end, (x->pages + 1) * PS, x->pages,
            x->pages);
    }
    for (int k = 0; k < 100; k++) /* 5.4+ appends unpurged areas at the end */
        syn_put(&t, "0x%016llx-0x%016llx    8192 unpurged vm_area\n",
            (unsigned long long)hash32((uint64_t)k << 40), (unsigned long long)l[k * 7].start);
    if (km_parse_vmallocinfo(t.p, t.len, v, NULL) || v->addr_kind != KM_ADDR_HASHED)
        printf("Bail out! the hashed synthetic file does not parse as hashed\n"), exit(1);
    free(t.p);
}

static void test_hashed_order_scale(void)
{
    struct line *l = hashed_lines();
    size_t *order = calloc(NAREAS, sizeof(*order));
    for (size_t i = 0; i < NAREAS; i++)
        order[i] = i;
    /* planted collisions: an end equal to a far line's start, a start printed twice */
    for (size_t k = 1; k <= 40; k++) {
        size_t i = k * 2011 % NAREAS, far = (i + NAREAS / 2) % NAREAS;
        if (k % 4)
            l[i].end = l[far].start;
        else
            l[i].start = l[far].start;
    }
    struct km_vmallocinfo v = {0};
    hashed_vm(l, order, &v);
    double t0 = now();
    bool ordered = km_mj_address_ordered(&v);
    printf("# km_mj_address_ordered of %d hashed areas took %.1f ms\n", NAREAS, (now() - t0) * 1e3);
    ok(ordered, "hashed 100k, address order with planted collisions: judged ordered");
    km_vmallocinfo_free(&v);

    srand(42);
    for (size_t i = NAREAS - 1; i > 0; i--) {
        size_t r = (size_t)rand() % (i + 1), s = order[i];
        order[i] = order[r], order[r] = s;
    }
    hashed_vm(l, order, &v);
    ok(!km_mj_address_ordered(&v), "hashed 100k, shuffled: judged not ordered");
    km_vmallocinfo_free(&v);

    /* 6.9+: two per-node lists, each sorted, printed one after the other */
    size_t n = 0;
    for (int node = 0; node < 2; node++)
        for (size_t i = 0; i < NAREAS; i++)
            if ((int)(i / 3 % 2) == node)
                order[n++] = i;
    hashed_vm(l, order, &v);
    ok(!km_mj_address_ordered(&v), "hashed 100k, per-node runs: judged not ordered");
    km_vmallocinfo_free(&v);
    free(order);
    free(l);
}

/* ---- order: 1000 modules, 64 vmap nodes, 100k areas, hashed --------------------- */

static void test_vmap_order_scale(void)
{
    struct km_modules m = {0};
    struct km_vmallocinfo v = {0};
    struct km_modjoin j;
    synth_order(1000, 64, 96000, &m, &v);
    struct km_mj_hints h = {.possible_cpus = 64};
    double t0 = now();
    int rc = km_modjoin(&m, &v, SYN_PS, &h, &j);
    double t = now() - t0;
    ok(rc == 0 && j.method == KM_MJ_ORDER && j.vmap_nodes == 64 && j.nodes_from == KM_MJ_NF_POSSIBLE,
       "1000 modules, 64 vmap nodes, hashed: method order with N = 64 from cpu/possible");
    bool all = j.nmatched == 1000 && j.nmissing == 0 && j.unattributed.areas == 0;
    for (size_t k = 0; all && k < m.n; k++) {
        int p[4], kk = atoi(m.mods[k].name + 1);
        syn_pages(kk, p);
        all = j.mods[k].static_areas == 3 + (p[3] > 0) &&
              j.mods[k].static_pages == p[0] + p[1] + p[2] + p[3];
    }
    ok(all, "1000 modules: each exact with its 3 or 4 areas, nothing unattributed");
    printf("# the join took %.1f ms (N given)\n", t * 1e3);
    ok(t < 1.0, "1000 modules: the join takes well under a second");
    km_modjoin_free(&j);

    /* cpu/possible not in the tree: every N is tried */
    t0 = now();
    rc = km_modjoin(&m, &v, SYN_PS, NULL, &j);
    t = now() - t0;
    ok(rc == 0 && j.nmatched == 1000 && j.vmap_nodes == 64 && j.nodes_from == KM_MJ_NF_INFERRED,
       "1000 modules, N not given: 64 inferred, all exact");
    printf("# the join took %.1f ms (N inferred)\n", t * 1e3);
    km_modjoin_free(&j);
    km_modules_free(&m);
    km_vmallocinfo_free(&v);

    /* 6.4 to 6.8: several areas a module, one address order, whatever cpu/possible says */
    synth_order(300, 1, 2000, &m, &v);
    h.possible_cpus = 8;
    rc = km_modjoin(&m, &v, SYN_PS, &h, &j);
    ok(rc == 0 && j.method == KM_MJ_ORDER && j.vmap_nodes == 1 && j.why == KM_MJ_WHY_HASHED_ORDERED &&
           j.layout == KM_MJ_LAYOUT_TYPES && j.nmatched == 300 && j.unattributed.areas == 0,
       "6.4-6.8 layout (3-4 areas a module) in one address order: all 300 exact, N = 1");
    km_modjoin_free(&j);
    km_modules_free(&m);
    km_vmallocinfo_free(&v);
}

int main(void)
{
    test_address_scale();
    test_hashed_order_scale();
    test_vmap_order_scale();
    return tap_done();
}
