/*
 * test_vmgroup.c - km_vmgroup: a small file counted by hand, every fixture
 * against a naive grouping (each area's key compared with every group's,
 * no hashing), growth between two area sets, copies that outlive their
 * source, and mutated fixtures (the invariants hold for whatever parses).
 * And the derivation runs only when a view asks for the groups (KM_DER_VMGROUPS):
 * the Modules view reads vmallocinfo too and needs none.
 * tests/vmalloc.sh compares kmemtop's rows with awk over the raw files.
 */
#include "kmemtop/derive.h"
#include "kmemtop/vmgroup.h"

#include "../tap.h"

#include <math.h>

static int parse(const char *b, size_t n, void *out, struct km_perr *e)
{
    return km_parse_vmallocinfo(b, n, out, e);
}

static const struct km_vmgroup *find(const struct km_vmgroups *gs, const char *caller,
                                     const char *module)
{
    for (size_t k = 0; k < gs->n; k++) {
        const struct km_vmgroup *g = &gs->g[k];
        bool mod = module ? g->module && strcmp(g->module, module) == 0 : !g->module;
        if (strcmp(g->caller, caller) == 0 && mod)
            return g;
    }
    return NULL;
}

/* Nine lines, six groups, counted by hand. */
static const char SMALL[] = "0x1000-0x3000 8192 foo+0x10/0x20 pages=1 vmalloc N0=1\n"
                            "0x3000-0x6000 12288 foo+0x30/0x20 pages=2 vmalloc N1=2\n"
                            "0x6000-0x8000 8192 foo+0x10/0x20 [modA] pages=1 vmalloc vpages N0=1\n"
                            "0x8000-0xa000 8192 foo+0x10/0x20 [modB] phys=0x1000 ioremap\n"
                            "0xa000-0xc000 8192 unpurged vm_area\n"
                            "0xc000-0xe000 8192 unpurged vm_area\n"
                            "0xe000-0xf000 4096 vm_map_ram\n"
                            "0xf000-0x11000 8192 0xffffffff81000000 pages=1 vmalloc N0=1\n"
                            "0x11000-0x13000 8192 foo+0x10/0x20 pages=1 vmalloc user N0=1 N1=0\n";

static void test_small(void)
{
    struct km_vmallocinfo v;
    struct km_vmgroups gs;
    is_int(tap_parse_str(parse, SMALL, &v, NULL), 0, "small: parses");
    km_vmgroup(&v, 4096, &gs);
    is_int(gs.n, 6, "small: six groups");
    is_int(gs.areas, 9, "small: nine areas");
    is_int(gs.bytes, 73728, "small: bytes summed");
    is_int(gs.pages, 6, "small: pages summed");
    is_int(gs.ram, 6 * 4096, "small: ram");
    ok(isnan(gs.growth), "small: no growth without a base");
    const struct km_vmgroup *g = &gs.g[0];
    is_str(g->caller, "foo", "small: first group is foo (offsets cut)");
    ok(!g->module, "small: foo of the core kernel");
    is_int(g->areas, 3, "small: foo has lines 1, 2 and 9");
    is_int(g->bytes, 28672, "small: foo bytes");
    is_int(g->pages, 4, "small: foo pages");
    is_int(g->flags, KM_VM_VMALLOC | KM_VM_USER, "small: foo kinds");
    is_int(g->nnodes, 2, "small: foo on two nodes");
    is_int(gs.nodes[g->node0].pages, 2, "small: foo N0=2");
    is_int(gs.nodes[g->node0 + 1].pages, 2, "small: foo N1=2");
    is_int(gs.area[g->area0 + 2], 8, "small: foo's third area is line 9");
    g = find(&gs, "foo", "modA");
    ok(g && g->areas == 1 && g->flags == (KM_VM_VMALLOC | KM_VM_VPAGES), "small: foo [modA]");
    g = find(&gs, "foo", "modB");
    ok(g && KM_IS_NA(g->pages) && KM_IS_NA(g->ram) && g->flags == KM_VM_IOREMAP,
       "small: foo [modB] is another group, without RAM");
    g = find(&gs, KM_VMG_NAME_UNPURGED, NULL);
    ok(g && g->kind == KM_VMG_UNPURGED && g->areas == 2 && g->bytes == 16384, "small: unpurged");
    g = find(&gs, KM_VMG_NAME_NONE, NULL);
    ok(g && g->kind == KM_VMG_NONE && g->areas == 1 && g->flags == KM_VM_MAP_RAM,
       "small: vm_map_ram has no caller: (none)");
    g = find(&gs, "0xffffffff81000000", NULL);
    ok(g && g->areas == 1 && g->ram == 4096, "small: a bare address is its own caller");
    char kinds[64];
    is_str(km_vm_flags_text(KM_VM_VMALLOC | KM_VM_VPAGES | KM_VM_IOREMAP, ",", kinds, 64),
           "ioremap,vmalloc,vpages", "kinds in the kernel's order");
    km_vmgroups_free(&gs);
    km_vmallocinfo_free(&v);
}

/* A naive grouping: the key each area must have, compared with its group's. */
static bool area_in(const struct km_vmarea *a, const struct km_vmgroup *g)
{
    if (a->flags & KM_VM_UNPURGED)
        return g->kind == KM_VMG_UNPURGED;
    if (!a->caller)
        return g->kind == KM_VMG_NONE;
    size_t len = a->caller_symlen ? (size_t)a->caller_symlen : strlen(a->caller);
    bool mod = a->module ? g->module && strcmp(a->module, g->module) == 0 : !g->module;
    return g->kind == KM_VMG_CALLER && strlen(g->caller) == len &&
           strncmp(g->caller, a->caller, len) == 0 && mod;
}

/* Every area in exactly one group, the right one; the sums are the areas'. */
static int check_groups(const struct km_vmallocinfo *v, const struct km_vmgroups *gs, long ps)
{
    int bad = 0;
    int64_t areas = 0, bytes = 0;
    unsigned char *seen = calloc(v->n + 1, 1);
    for (size_t k = 0; k < gs->n; k++) {
        const struct km_vmgroup *g = &gs->g[k];
        int64_t b = 0, p = KM_NA;
        for (int64_t q = 0; q < g->areas; q++) {
            size_t i = gs->area[g->area0 + (size_t)q];
            bad += i >= v->n || seen[i]++ || !area_in(&v->areas[i], g);
            if (i < v->n) {
                b += v->areas[i].size;
                if (!KM_IS_NA(v->areas[i].pages))
                    p = (KM_IS_NA(p) ? 0 : p) + v->areas[i].pages;
            }
        }
        bad += b != g->bytes || p != g->pages || (!KM_IS_NA(p) && g->ram != p * ps);
        for (size_t j = 0; j < k; j++) /* no two groups of one key */
            bad +=
                strcmp(gs->g[j].caller, g->caller) == 0 && gs->g[j].kind == g->kind &&
                (gs->g[j].module ? g->module && !strcmp(gs->g[j].module, g->module) : !g->module);
        areas += g->areas;
        bytes += g->bytes;
    }
    bad += areas != (int64_t)v->n || bytes != gs->bytes || gs->areas != (int64_t)v->n;
    free(seen);
    return bad;
}

static const char *const fixtures[] = {
    "debian61-race",        "debian61-root-kptr1", "debian61-root",   "debian61-root2",
    "debian612-root-kptr1", "debian612-root",      "debian612-root2", "edge-malformed",
    "mtk-armv7-3.4",        "this-vm-6.18",        "zte-armv7-4.1",
};

static void test_fixtures(void)
{
    for (size_t f = 0; f < KM_ARRAY_LEN(fixtures); f++) {
        char rel[128], name[160];
        struct km_vmallocinfo v;
        struct km_vmgroups gs;
        struct km_perr e;
        snprintf(rel, sizeof(rel), "%s/proc/vmallocinfo", fixtures[f]);
        if (tap_parse_fixture(parse, rel, &v, &e) != 0) {
            snprintf(name, sizeof(name), "%s: parses", fixtures[f]);
            ok(0, name);
            continue;
        }
        km_vmgroup(&v, 4096, &gs);
        snprintf(name, sizeof(name),
                 "%s: %zu areas in %zu groups, each where a naive grouping puts it", fixtures[f],
                 v.n, gs.n);
        is_int(check_groups(&v, &gs, 4096), 0, name);
        km_vmgroups_free(&gs);
        km_vmallocinfo_free(&v);
    }
}

/* Figures counted with grep on the files. */
static void test_counts(void)
{
    struct km_vmallocinfo v;
    struct km_vmgroups gs;
    tap_parse_fixture(parse, "debian612-root/proc/vmallocinfo", &v, NULL);
    km_vmgroup(&v, 4096, &gs);
    const struct km_vmgroup *g = find(&gs, "disksize_store", "zram");
    ok(g && g->areas == 2 && g->pages == 480 && g->bytes == 397312 + 1576960,
       "debian612: disksize_store [zram], two areas of 96 and 384 pages");
    g = find(&gs, KM_VMG_NAME_UNPURGED, NULL);
    ok(g && g->areas == 2039 && KM_IS_NA(g->pages), "debian612: 2039 unpurged areas, no RAM");
    km_vmgroups_free(&gs);
    km_vmallocinfo_free(&v);
    tap_parse_fixture(parse, "debian61-root/proc/vmallocinfo", &v, NULL);
    km_vmgroup(&v, 4096, &gs);
    g = find(&gs, "kernel_clone", NULL);
    ok(g && g->areas == 90 && g->bytes == 1843200 && g->pages == 360,
       "debian61: kernel_clone, 90 stacks of 4 pages");
    km_vmgroups_free(&gs);
    km_vmallocinfo_free(&v);
}

static void test_growth(void)
{
    struct km_vmallocinfo a, b;
    struct km_vmgroups ga, gb, base;
    tap_parse_str(parse, SMALL, &a, NULL);
    tap_parse_str(parse,
                  "0x1000-0x3000 8192 foo+0x10/0x20 pages=5 vmalloc\n"
                  "0x8000-0xa000 8192 foo+0x10/0x20 [modB] phys=0x1000 ioremap\n"
                  "0x2000-0x3000 8192 bar+0x1/0x2 [modA] pages=2 vmalloc\n",
                  &b, NULL);
    km_vmgroup(&a, 4096, &ga);
    km_vmgroups_copy(&base, &ga);
    km_vmgroups_free(&ga); /* the copy outlives the groups and the records it came from */
    km_vmallocinfo_free(&a);
    km_vmgroup(&b, 4096, &gb);
    km_vmgroups_rate(&gb, &base, 2.0);
    is_dbl(find(&gb, "foo", NULL)->growth, (5 - 4) * 4096 / 2.0, 1e-9, "growth of foo: one page");
    ok(isnan(find(&gb, "foo", "modB")->growth), "no RAM then or now: no growth");
    is_dbl(find(&gb, "bar", "modA")->growth, 2 * 4096 / 2.0, 1e-9, "a new caller grew from 0");
    is_dbl(gb.growth, (7 - 6) * 4096 / 2.0, 1e-9, "total growth");
    ok(find(&base, "foo", "modA") && !base.area, "the copy keeps names, not area indexes");
    km_vmgroups_rate(&gb, &base, 0);
    ok(isnan(gb.growth) && isnan(gb.g[0].growth), "dt 0: no growth");
    km_vmgroups_rate(&gb, NULL, 2.0);
    ok(isnan(gb.growth), "no base: no growth");
    km_vmgroups_free(&gb);
    km_vmgroups_free(&base);
    km_vmallocinfo_free(&b);
    km_vmgroup(NULL, 4096, &gb);
    ok(gb.n == 0 && gb.areas == 0 && KM_IS_NA(gb.ram), "nothing: no group");
    km_vmgroups_free(&gb);
}

/* Bytes of a fixture flipped at random: whatever still parses groups consistently. */
static void test_mutated(void)
{
    size_t len;
    char *orig = tap_slurp("zte-armv7-4.1/proc/vmallocinfo", &len);
    char *buf = malloc(len + 1);
    unsigned long long seed = 12345;
    int bad = 0, runs = 300;
    static const char pool[] = " \n+[]=0x9N-";
    for (int r = 0; r < runs; r++) {
        memcpy(buf, orig, len);
        for (int m = 0; m < 20; m++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            buf[(seed >> 33) % len] = pool[(seed >> 20) % (sizeof(pool) - 1)];
        }
        struct km_vmallocinfo v;
        struct km_perr e = {0};
        if (parse(buf, len, &v, &e) != 0)
            continue;
        struct km_vmgroups gs;
        km_vmgroup(&v, 4096, &gs);
        bad += check_groups(&v, &gs, 4096) != 0;
        km_vmgroups_free(&gs);
        km_vmallocinfo_free(&v);
    }
    is_int(bad, 0, "300 mutated files: every grouping consistent");
    free(buf);
    free(orig);
}

/* The derivation on demand: not for a frame that only reads vmallocinfo. */
static void test_on_demand(void)
{
    struct km_derive_state st;
    km_derive_state_init(&st);
    unsigned vm = KM_SRC_BIT(KM_SRC_VMALLOCINFO);
    for (int want = 0; want <= 1; want++) {
        struct km_sample smp = {.page_size = 4096, .mono = 1 + want};
        if (tap_parse_fixture(parse, "debian612-root/proc/vmallocinfo", &smp.vm, NULL) != 0) {
            printf("Bail out! debian612-root's vmallocinfo does not parse\n");
            exit(1);
        }
        smp.src[KM_SRC_VMALLOCINFO].status = KM_ST_OK;
        km_derive_all(&st, &smp, NULL, vm, want ? KM_DER_VMGROUPS : 0);
        if (want)
            ok(smp.vmg.n > 10 && smp.vmg.areas == (int64_t)smp.vm.n,
               "asked for (the Vmalloc view): the groups are made");
        else
            ok(smp.vmg.n == 0 && smp.vmg.g == NULL, "not asked for (the Modules view): no groups");
        km_sample_free(&smp);
    }
    km_derive_state_clear(&st);
}

int main(void)
{
    test_on_demand();
    test_small();
    test_fixtures();
    test_counts();
    test_growth();
    test_mutated();
    return tap_done();
}
