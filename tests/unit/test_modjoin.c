/*
 * test_modjoin.c - km_modjoin per method on the captures, inline edge cases,
 * exact reconciliation, and load/unload events. Every figure below was
 * checked by hand against the fixture files (awk over vmallocinfo lines).
 */
#include "../tap.h"

#include "kmemtop/modevents.h"
#include "kmemtop/sampler.h"

#include <dirent.h>
#include <math.h>

#define PS 4096

struct tree {
    struct km_modules m;
    struct km_vmallocinfo vm;
    bool have_vm;
};

static bool read_small(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t r = fread(buf, 1, n - 1, f);
    fclose(f);
    buf[r] = '\0';
    return true;
}

/* What km_modules_read_sysfs would give root, read from the tree instead of /sys. */
static void load_sysfs(const char *tree, struct km_module *m)
{
    const char *src = getenv("KM_SRCDIR");
    char dir[2048], path[4096], v[128];
    snprintf(dir, sizeof(dir), "%s/tests/fixtures/%s/sys/module/%s", src ? src : ".", tree, m->name);
    snprintf(path, sizeof(path), "%s/coresize", dir);
    m->coresize = read_small(path, v, sizeof(v)) ? strtoll(v, NULL, 10) : KM_NA;
    /* every section file, as km_modules_read_sysfs reads them (init ones too: the join must skip them) */
    snprintf(path, sizeof(path), "%s/sections", dir);
    DIR *d = opendir(path);
    m->sections = calloc(KM_MOD_MAX_SECTIONS, sizeof(*m->sections));
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && m->nsections < KM_MOD_MAX_SECTIONS) {
        if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || strcmp(e->d_name, "..") == 0))
            continue;
        if (strlen(e->d_name) >= sizeof(m->sections[0].name))
            continue;
        snprintf(path, sizeof(path), "%s/sections/%s", dir, e->d_name);
        if (!read_small(path, v, sizeof(v)))
            continue;
        struct km_section *s = &m->sections[m->nsections++];
        snprintf(s->name, sizeof(s->name), "%s", e->d_name);
        s->addr = strtoull(v, NULL, 16);
    }
    if (d)
        closedir(d);
}

static void load_tree(const char *name, struct tree *t, bool sysfs)
{
    char rel[256];
    size_t len;
    memset(t, 0, sizeof(*t));
    snprintf(rel, sizeof(rel), "%s/proc/modules", name);
    char *b = tap_slurp(rel, &len);
    if (km_parse_modules(b, len, &t->m, NULL))
        printf("Bail out! %s does not parse\n", rel), exit(1);
    free(b);
    for (size_t i = 0; sysfs && i < t->m.n; i++)
        load_sysfs(name, &t->m.mods[i]);
    const char *src = getenv("KM_SRCDIR");
    char path[4096];
    snprintf(path, sizeof(path), "%s/tests/fixtures/%s/proc/vmallocinfo", src ? src : ".", name);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    fclose(f);
    snprintf(rel, sizeof(rel), "%s/proc/vmallocinfo", name);
    b = tap_slurp(rel, &len);
    t->have_vm = km_parse_vmallocinfo(b, len, &t->vm, NULL) == 0;
    free(b);
}

static void free_tree(struct tree *t)
{
    km_modules_free(&t->m);
    km_vmallocinfo_free(&t->vm);
}

static void join(struct tree *t, struct km_modjoin *j)
{
    if (km_modjoin(&t->m, t->have_vm ? &t->vm : NULL, PS, NULL, j))
        printf("Bail out! km_modjoin failed\n"), exit(1);
}

static const struct km_modmem *mm_of(const struct tree *t, const struct km_modjoin *j,
                                     const char *name)
{
    const struct km_module *m = km_modules_find(&t->m, name);
    if (!m)
        printf("Bail out! no module %s\n", name), exit(1);
    return &j->mods[m - t->m.mods];
}

/* attributed + unattributed + shared = image, and image = an independent sum by caller */
static void check_reconcile(const char *what, const struct tree *t, const struct km_modjoin *j,
                            const char *caller, int64_t areas, int64_t bytes, int64_t pages)
{
    char name[200];
    int64_t a = 0, b = 0, p = 0;
    for (size_t i = 0; i < t->vm.n; i++) {
        const struct km_vmarea *v = &t->vm.areas[i];
        if (v->caller && strncmp(v->caller, caller, strlen(caller)) == 0 && !v->module)
            a++, b += v->size, p += v->pages;
    }
    snprintf(name, sizeof(name), "%s: image areas by caller %s = %lld bytes", what, caller,
             (long long)bytes);
    ok(a == areas && b == bytes && p == pages && j->image.areas == areas &&
           j->image.bytes == bytes && j->image.pages == pages,
       name);
    if (j->image.bytes != bytes)
        printf("#   join %lld areas %lld bytes, file %lld areas %lld bytes\n",
               (long long)j->image.areas, (long long)j->image.bytes, (long long)a, (long long)b);
    snprintf(name, sizeof(name), "%s: attributed + unattributed + shared = image (areas, bytes, pages)",
             what);
    ok(j->attributed.areas + j->unattributed.areas + j->shared.areas == j->image.areas &&
           j->attributed.bytes + j->unattributed.bytes + j->shared.bytes == j->image.bytes &&
           j->attributed.pages + j->unattributed.pages + j->shared.pages == j->image.pages,
       name);
    int64_t sb = 0;
    for (size_t k = 0; k < j->n; k++)
        if (j->mods[k].method != KM_MJ_ESTIMATE)
            sb += j->mods[k].static_bytes - j->mods[k].text_bytes;
    snprintf(name, sizeof(name), "%s: module static bytes (less text charges) sum to the attributed areas", what);
    is_int(sb, j->attributed.bytes, name);
}


/* ---- inline inputs ----------------------------------------------------------- */

static void inline_tree(struct tree *t, const char *mods, const char *vm)
{
    memset(t, 0, sizeof(*t));
    if (km_parse_modules(mods, strlen(mods), &t->m, NULL))
        printf("Bail out! inline modules\n"), exit(1);
    for (size_t i = 0; i < t->m.n; i++)
        t->m.mods[i].coresize = t->m.mods[i].initsize = KM_NA;
    if (vm) {
        if (km_parse_vmallocinfo(vm, strlen(vm), &t->vm, NULL))
            printf("Bail out! inline vmallocinfo\n"), exit(1);
        t->have_vm = true;
    }
}

static void add_section(struct tree *t, const char *mod, const char *name, uint64_t addr)
{
    struct km_module *m = km_modules_find(&t->m, mod);
    m->sections = realloc(m->sections, (size_t)(m->nsections + 1) * sizeof(*m->sections));
    struct km_section *s = &m->sections[m->nsections++];
    memset(s, 0, sizeof(*s));
    snprintf(s->name, sizeof(s->name), "%s", name);
    s->addr = addr;
}

/* ---- the cases ------------------------------------------------------------------- */

static void test_caller_set(void)
{
    static const char *const yes[] = {"load_module", "move_module", "module_alloc",
                                      "module_alloc_update_bounds", "module_memory_alloc",
                                      "execmem_alloc", "execmem_vmalloc", "sys_init_module"};
    static const char *const no[] = {"bpf_prog_pack_alloc", "bpf_jit_alloc_exec",
                                     "copy_module_from_user", "kernel_read_file", "load_modul",
                                     "arch_ftrace_update_trampoline", "module"};
    bool all = true;
    for (size_t i = 0; i < KM_ARRAY_LEN(yes); i++)
        all &= km_mj_image_caller(yes[i], strlen(yes[i]));
    ok(all, "caller set: every era's module-image allocator is recognised");
    all = true;
    for (size_t i = 0; i < KM_ARRAY_LEN(no); i++)
        all &= !km_mj_image_caller(no[i], strlen(no[i]));
    ok(all, "caller set: BPF, ftrace, .ko copies and prefixes of names are not images");
}

static void test_address_debian61(void)
{
    struct tree t;
    struct km_modjoin j;
    load_tree("debian61-root-kptr1", &t, true);
    join(&t, &j);
    is_str(km_mj_method_name(j.method), "address", "debian61 kptr1: method address");
    is_int(j.nmatched, 44, "debian61 kptr1: all 44 modules matched");
    const struct km_modmem *z = mm_of(&t, &j, "zram");
    ok(z->method == KM_MJ_ADDRESS && z->static_areas == 1 && z->static_bytes == 45056 &&
           z->static_pages == 10,
       "debian61 kptr1: zram 40960 -> one 45056-byte area of 10 pages");
    is_int(z->overhead_bytes, 4096, "debian61 kptr1: zram overhead is the guard page");
    ok(z->dynamic_areas == 2 && z->dynamic_bytes == 397312 + 1576960 && z->dynamic_pages == 480,
       "debian61 kptr1: zram dynamic: two disksize_store areas, 480 pages");
    is_int(z->total_bytes, 45056 + 1974272, "debian61 kptr1: zram total = static + dynamic");
    const struct km_modmem *e = mm_of(&t, &j, "e1000");
    ok(e->dynamic_areas == 2 && e->dynamic_bytes == 24576 && e->dynamic_pages == 4,
       "debian61 kptr1: e1000 dynamic counts vmalloc areas, not its ioremap");
    bool every = true;
    for (size_t k = 0; k < t.m.n; k++)
        every &= j.mods[k].static_bytes == (t.m.mods[k].size + PS - 1) / PS * PS + PS &&
                 j.mods[k].nimage == 1;
    ok(every, "debian61 kptr1: every module's area is PAGE_ALIGN(size) + guard");
    is_int(j.unattributed.areas, 0, "debian61 kptr1: no unattributed area");
    check_reconcile("debian61 kptr1", &t, &j, "load_module", 44, 8335360, 1991);
    km_modjoin_free(&j);
    free_tree(&t);
}

static void test_address_zte(void)
{
    struct tree t;
    struct km_modjoin j;
    load_tree("zte-armv7-4.1", &t, true);
    join(&t, &j);
    is_str(km_mj_method_name(j.method), "address", "zte 4.1: method address");
    is_int(j.nmatched, 21, "zte 4.1: all 21 modules matched");
    const struct km_modmem *tm = mm_of(&t, &j, "tm");
    ok(tm->static_bytes == 1581056 && tm->static_pages == 385 && tm->overhead_bytes == 4845,
       "zte 4.1: tm 1576211 -> 1581056 bytes, 385 pages, 4845 overhead");
    const struct km_modmem *mt = mm_of(&t, &j, "mt7615_ap");
    ok(mt->dynamic_areas == 6 && mt->dynamic_bytes == 3538944 && mt->dynamic_pages == 858,
       "zte 4.1: mt7615_ap dynamic: 6 areas, 3538944 bytes, 858 pages");
    const struct km_modmem *m3 = mm_of(&t, &j, "mt7603e_ap");
    ok(m3->dynamic_areas == 5 && m3->dynamic_bytes == 1114112 && m3->dynamic_pages == 267,
       "zte 4.1: mt7603e_ap dynamic: 5 areas, 1114112 bytes, 267 pages");
    check_reconcile("zte 4.1", &t, &j, "module_alloc_update_bounds", 21, 7794688, 1882);
    km_modjoin_free(&j);
    free_tree(&t);
}

static void check_612(const char *tree)
{
    struct tree t;
    struct km_modjoin j;
    char name[160];
    load_tree(tree, &t, true);
    join(&t, &j);
    snprintf(name, sizeof(name), "%s: method address (unhashed vmallocinfo), 12 modules", tree);
    ok(j.method == KM_MJ_ADDRESS && j.nmatched == 12 && j.nmissing == 0, name);
    const struct km_modmem *e = mm_of(&t, &j, "ext4");
    snprintf(name, sizeof(name), "%s: ext4 has 4 areas (text, data, rodata, __jump_table)", tree);
    ok(e->static_areas == 4 && e->static_bytes == 1163264 && e->static_pages == 280, name);
    const struct km_modmem *q = mm_of(&t, &j, "squashfs");
    snprintf(name, sizeof(name), "%s: squashfs 4 areas, 102400 bytes, 21 pages", tree);
    ok(q->static_areas == 4 && q->static_bytes == 102400 && q->static_pages == 21, name);
    bool every = true;
    for (size_t k = 0; k < t.m.n; k++)
        every &= j.mods[k].static_pages * PS == t.m.mods[k].size && j.mods[k].nimage >= 3;
    snprintf(name, sizeof(name), "%s: every module: pages x 4096 = lsmod size, 3+ areas", tree);
    if (!ok(every, name))
        for (size_t k = 0; k < t.m.n; k++)
            printf("#   %s: %zu areas, %lld pages, size %lld\n", t.m.mods[k].name,
                   j.mods[k].nimage, (long long)j.mods[k].static_pages,
                   (long long)t.m.mods[k].size);
    const struct km_modmem *z = mm_of(&t, &j, "zram");
    snprintf(name, sizeof(name), "%s: zram dynamic 10 areas, 2121728 bytes, 508 pages", tree);
    ok(z->dynamic_areas == 10 && z->dynamic_bytes == 2121728 && z->dynamic_pages == 508, name);
    is_int(j.unattributed.areas, 0, "debian612: no unattributed area");
    const struct km_modmem *vb = mm_of(&t, &j, "virtio_blk");
    snprintf(name, sizeof(name), "%s: virtio_blk 4 areas, 49152 bytes (the 4th found by size)", tree);
    ok(vb->static_areas == 4 && vb->static_bytes == 49152 && vb->static_pages == 8, name);
    check_reconcile(tree, &t, &j, "load_module", 40, 1826816, 406);
    km_modjoin_free(&j);
    free_tree(&t);
}

static void test_address_debian612(void)
{
    check_612("debian612-root-kptr1");
    check_612("debian612-root");
}

/* The k-th image area in file order goes to the same module by order (hashed) and by address. */
static void test_order_debian61(void)
{
    struct tree h, r;
    struct km_modjoin jh, jr;
    load_tree("debian61-root", &h, true);
    load_tree("debian61-root-kptr1", &r, true);
    join(&h, &jh);
    join(&r, &jr);
    ok(h.vm.addr_kind == KM_ADDR_HASHED && km_mj_address_ordered(&h.vm),
       "debian61 root: hashed, judged address-ordered from hashed adjacency");
    is_str(km_mj_method_name(jh.method), "order", "debian61 root: method order");
    ok(jh.nmatched == 44 && jh.nmissing == 0 && jh.unattributed.areas == 0,
       "debian61 root: all 44 modules aligned");
    bool same = jh.n == jr.n;
    for (size_t k = 0; same && k < jh.n; k++) {
        const struct km_modmem *a = &jh.mods[k], *b = &jr.mods[k];
        same = a->nimage == 1 && b->nimage == 1 && a->static_bytes == b->static_bytes &&
               h.vm.areas[jh.list[a->first]].lineno - 1 >= 0 &&
               h.vm.areas[jh.list[a->first]].pages == r.vm.areas[jr.list[b->first]].pages &&
               km_vm_numa(&h.vm, &h.vm.areas[jh.list[a->first]])[0].node ==
                   km_vm_numa(&r.vm, &r.vm.areas[jr.list[b->first]])[0].node;
    }
    ok(same, "debian61 root: order gives each module the area address gives it in root-kptr1");
    const struct km_modmem *z = mm_of(&h, &jh, "zram");
    ok(z->method == KM_MJ_ORDER && z->static_bytes == 45056 && z->dynamic_bytes == 1974272,
       "debian61 root: zram 45056 static by order, 1974272 dynamic");
    check_reconcile("debian61 root", &h, &jh, "load_module", 44, 8335360, 1991);
    km_modjoin_free(&jh);
    km_modjoin_free(&jr);
    free_tree(&h);
    free_tree(&r);
}

static const char order_mods[] = "m4 16384 0 - Live 0xffffffffc0009000\n"
                                 "m3 4096 0 - Live 0xffffffffc0007000\n"
                                 "m2 12288 0 - Live 0xffffffffc0003000\n"
                                 "m1 8192 0 - Live 0xffffffffc0000000\n";
/*
 * hashed, adjacency chained line by line (9 adjacencies: the order is judged
 * from 8 on); a 6-page transient area; m4's line lost
 */
static const char order_vm[] =
    "0x00000000a1a1a1a1-0x00000000b2b2b2b2    8192 kernel_clone+0x94/0x3e0 pages=1 vmalloc\n"
    "0x00000000b2b2b2b2-0x00000000c3c3c3c3    8192 kernel_clone+0x94/0x3e0 pages=1 vmalloc\n"
    "0x00000000c3c3c3c3-0x00000000d4d4d4d4    8192 kernel_clone+0x94/0x3e0 pages=1 vmalloc\n"
    "0x00000000d4d4d4d4-0x00000000e5e5e5e5    8192 kernel_clone+0x94/0x3e0 pages=1 vmalloc\n"
    "0x00000000e5e5e5e5-0x00000000f6f6f6f6    8192 kernel_clone+0x94/0x3e0 pages=1 vmalloc\n"
    "0x00000000f6f6f6f6-0x0000000011111111    8192 kernel_clone+0x94/0x3e0 pages=1 vmalloc\n"
    "0x0000000011111111-0x0000000022222222   12288 load_module+0xbb7/0x21a0 pages=2 vmalloc\n"
    "0x0000000022222222-0x0000000033333333   16384 load_module+0xbb7/0x21a0 pages=3 vmalloc\n"
    "0x0000000033333333-0x0000000044444444   28672 load_module+0xbb7/0x21a0 pages=6 vmalloc\n"
    "0x0000000044444444-0x0000000055555555    8192 load_module+0xbb7/0x21a0 pages=1 vmalloc\n"
    "0x0000000066666666-0x0000000077777777    8192 bpf_prog_pack_alloc+0x1/0x2 pages=1 vmalloc\n";
/* the same areas, the adjacency 1 -> 2 printed out of order (6.9+ per-node runs) */
static const char unordered_vm[] =
    "0x0000000011111111-0x0000000022222222   12288 load_module+0xbb7/0x21a0 pages=2 vmalloc\n"
    "0x0000000044444444-0x0000000055555555    8192 load_module+0xbb7/0x21a0 pages=1 vmalloc\n"
    "0x0000000022222222-0x0000000033333333   16384 load_module+0xbb7/0x21a0 pages=3 vmalloc\n";

/* A real racy read of 6.1's vmallocinfo (shared captures, meta/vmallocinfo-race): vfat's line is lost. */
static void test_race(void)
{
    struct tree t;
    struct km_modjoin j;
    load_tree("debian61-race", &t, false);
    join(&t, &j);
    const struct km_modmem *v = mm_of(&t, &j, "vfat");
    ok(j.method == KM_MJ_ADDRESS && j.nmatched == 44 && j.nmissing == 1 &&
           v->method == KM_MJ_ESTIMATE && v->static_bytes == 28672,
       "debian61 race: 44 of 45 modules found, vfat (line lost) an estimate, counted missing");
    check_reconcile("debian61 race", &t, &j, "load_module", 44, 8351744, 1995);
    km_modjoin_free(&j);
    free_tree(&t);
}

static void test_order_rules(void)
{
    struct tree t;
    struct km_modjoin j;
    inline_tree(&t, order_mods, order_vm);
    join(&t, &j);
    is_str(km_mj_method_name(j.method), "order", "order inline: method order");
    ok(mm_of(&t, &j, "m1")->static_bytes == 12288 && mm_of(&t, &j, "m2")->static_bytes == 16384 &&
           mm_of(&t, &j, "m3")->static_bytes == 8192 && mm_of(&t, &j, "m3")->method == KM_MJ_ORDER,
       "order inline: m1, m2, m3 paired by size fit across the transient area");
    ok(j.unattributed.areas == 1 && j.unattributed.bytes == 28672,
       "order inline: the area that fits no module stays unattributed");
    const struct km_modmem *m4 = mm_of(&t, &j, "m4");
    ok(m4->method == KM_MJ_ESTIMATE && m4->static_bytes == 20480 && KM_IS_NA(m4->static_areas) &&
           j.nmissing == 1,
       "order inline: the module whose line was lost is an estimate, counted missing");
    km_modjoin_free(&j);
    free_tree(&t);

    inline_tree(&t, order_mods, unordered_vm);
    join(&t, &j);
    const struct km_modmem *u2 = mm_of(&t, &j, "m2");
    ok(!km_mj_address_ordered(&t.vm) && j.method == KM_MJ_ORDER &&
           mm_of(&t, &j, "m1")->static_bytes == 12288 &&
           mm_of(&t, &j, "m3")->static_bytes == 8192 && u2->method == KM_MJ_ESTIMATE &&
           u2->miss != KM_MJ_MISS_NONE && j.unattributed.areas == 1 &&
           j.unattributed.bytes == 16384,
       "out-of-order line: the areas in predicted order fit, the one out of it stays unattributed");
    km_modjoin_free(&j);
    free_tree(&t);
}

static uint64_t fake_hash(uint64_t x)
{
    return (x * 0x9E3779B97F4A7C15ull) >> 32;
}

static void test_estimate(void)
{
    struct tree t;
    struct km_modjoin j;
    load_tree("debian61-user", &t, false);
    join(&t, &j);
    const struct km_modmem *z = mm_of(&t, &j, "zram");
    ok(j.method == KM_MJ_ESTIMATE && j.why == KM_MJ_WHY_NO_VMALLOCINFO && !j.joined,
       "debian61 user: no vmallocinfo -> estimate");
    ok(z->static_bytes == 45056 && z->static_pages == 10 && KM_IS_NA(z->static_areas) &&
           KM_IS_NA(z->dynamic_bytes) && z->total_bytes == 45056,
       "debian61 user: zram estimate 45056 (PAGE_ALIGN + guard), dynamic unknown");
    is_int(j.static_bytes, 8335360, "debian61 user: the estimates add up to the real 8335360");
    km_modjoin_free(&j);
    free_tree(&t);

    load_tree("mtk-armv7-3.4", &t, false);
    join(&t, &j);
    ok(j.method == KM_MJ_ESTIMATE && j.why == KM_MJ_WHY_MODULES_HIDDEN,
       "mtk 3.4: zeroed /proc/modules addresses -> estimate");
    is_int(mm_of(&t, &j, "pvrsrvkm")->static_bytes, 249856, "mtk 3.4: pvrsrvkm 244973 -> 249856");
    ok(j.unattributed.areas == 16 && j.unattributed.bytes == 2084864,
       "mtk 3.4: all 16 image areas in the unattributed row");
    check_reconcile("mtk 3.4", &t, &j, "module_alloc_update_bounds", 16, 2084864, 493);
    km_modjoin_free(&j);
    free_tree(&t);

    /* 6.12 with the default kptr_restrict=0 (no such capture: hash the unhashed one) */
    load_tree("debian612-root", &t, true);
    for (size_t i = 0; i < t.vm.n; i++)
        t.vm.areas[i].start = fake_hash(t.vm.areas[i].start),
        t.vm.areas[i].end = fake_hash(t.vm.areas[i].end);
    t.vm.addr_kind = KM_ADDR_HASHED;
    join(&t, &j);
    struct tree r;
    struct km_modjoin jr;
    load_tree("debian612-root", &r, true);
    join(&r, &jr);
    ok(!km_mj_address_ordered(&t.vm) && j.method == KM_MJ_ORDER && j.nmatched == 12 &&
           j.nmissing == 0 && j.vmap_nodes > 1 && j.nodes_from == KM_MJ_NF_INFERRED,
       "debian612 hashed: per-node runs, N inferred: every module exact by order");
    bool same = true;
    for (size_t k = 0; k < j.n; k++)
        same &= j.mods[k].static_bytes == jr.mods[k].static_bytes &&
                j.mods[k].static_areas == jr.mods[k].static_areas &&
                j.mods[k].static_pages == jr.mods[k].static_pages &&
                j.mods[k].dynamic_bytes == jr.mods[k].dynamic_bytes;
    ok(same, "debian612 hashed: every module's areas, bytes, pages as by address");
    km_modjoin_free(&jr);
    free_tree(&r);
    check_reconcile("debian612 hashed", &t, &j, "load_module", 40, 1826816, 406);
    km_modjoin_free(&j);
    free_tree(&t);
}

/* ---- 6.9+: the order of per-node runs predicted from section addresses ------------ */

static void join_h(struct tree *t, const struct km_mj_hints *h, struct km_modjoin *j)
{
    if (km_modjoin(&t->m, t->have_vm ? &t->vm : NULL, PS, h, j))
        printf("Bail out! km_modjoin failed\n"), exit(1);
}

/* Modules of j equal to the twin's (same /proc/modules order); *estimates counts the rest. */
static size_t twin_equal(const struct km_modjoin *j, const struct km_modjoin *twin, size_t *estimates)
{
    size_t eq = 0;
    *estimates = 0;
    for (size_t k = 0; k < j->n && k < twin->n; k++) {
        const struct km_modmem *a = &j->mods[k], *b = &twin->mods[k];
        if (a->method == KM_MJ_ESTIMATE)
            ++*estimates;
        else
            eq += a->static_areas == b->static_areas && a->static_bytes == b->static_bytes &&
                  a->static_pages == b->static_pages && a->dynamic_bytes == b->dynamic_bytes;
    }
    return eq;
}

static void drop_area(struct tree *t, size_t i)
{
    memmove(&t->vm.areas[i], &t->vm.areas[i + 1], (t->vm.n - i - 1) * sizeof(t->vm.areas[0]));
    t->vm.n--;
}

/* the index in t->vm of the n-th module-image area (file order) */
static size_t nth_image(const struct tree *t, size_t n)
{
    for (size_t i = 0; i < t->vm.n; i++) {
        const struct km_vmarea *a = &t->vm.areas[i];
        if (a->caller && !a->module && strncmp(a->caller, "load_module", 11) == 0 && n-- == 0)
            return i;
    }
    printf("Bail out! no image area %zu\n", n), exit(1);
}

static void test_vmap_nodes(void)
{
    struct tree h, r;
    struct km_modjoin j, jr;
    size_t est;
    load_tree("debian612a-root", &h, true);
    load_tree("debian612a-root-kptr1", &r, true);
    join(&r, &jr);
    ok(jr.method == KM_MJ_ADDRESS && jr.nmatched == 37 && jr.unattributed.areas == 0,
       "arm64 6.12 kptr1: 37 modules by address, the answer key");

    join(&h, &j);
    ok(h.vm.addr_kind == KM_ADDR_HASHED && !km_mj_address_ordered(&h.vm) &&
           j.method == KM_MJ_ORDER && j.why == KM_MJ_WHY_HASHED_NODES,
       "arm64 6.12 root (kptr_restrict=0): hashed, per-node runs, method order");
    ok(j.vmap_nodes == 4 && j.nodes_from == KM_MJ_NF_INFERRED && j.layout == KM_MJ_LAYOUT_TYPES,
       "arm64 6.12 root: no cpu/possible in the tree: N = 4 inferred (the guest's -smp 4)");
    is_int((int64_t)twin_equal(&j, &jr, &est), 37,
           "arm64 6.12 root: all 37 modules' areas, bytes and pages equal root-kptr1's");
    ok(j.nmatched == 37 && j.nmissing == 0 && j.unattributed.areas == 0 && est == 0,
       "arm64 6.12 root: exact for 37 of 37, nothing unattributed");
    check_reconcile("arm64 6.12 root", &h, &j, "load_module", 130, 8052736, 1836);
    km_modjoin_free(&j);

    struct km_mj_hints four = {.possible_cpus = 4};
    join_h(&h, &four, &j);
    ok(j.vmap_nodes == 4 && j.nodes_from == KM_MJ_NF_POSSIBLE && twin_equal(&j, &jr, &est) == 37,
       "arm64 6.12 root, cpu/possible 0-3: N = 4 from it, the same 37 exact");
    km_modjoin_free(&j);

    /* a wrong N: never a wrong figure, only estimates */
    for (int n = 2; n <= 8; n++) {
        if (n == 4)
            continue;
        struct km_mj_hints wrong = {.possible_cpus = n};
        join_h(&h, &wrong, &j);
        size_t eq = twin_equal(&j, &jr, &est);
        char name[160];
        snprintf(name, sizeof(name),
                 "arm64 6.12 root, cpu/possible wrongly %d: %zu exact (all equal the twin), %zu "
                 "estimates", n, eq, est);
        ok(eq + est == 37 && eq < 37, name);
        km_modjoin_free(&j);
    }

    /* a line lost in a racy read: that module alone becomes an estimate */
    size_t lost = nth_image(&h, 57);
    drop_area(&h, lost);
    join_h(&h, &four, &j);
    size_t eq = twin_equal(&j, &jr, &est);
    ok(eq == 36 && est == 1 && j.nmissing == 1, "arm64 6.12, a lost line: 36 exact, 1 estimate");
    /*
     * The estimate is the module that lost the line, or one whose area of the same size the
     * alignment gave to that module instead (hashed, equal sizes are told apart only by
     * order): either way the figures shown are right, and the estimate's other areas are
     * unattributed.
     */
    size_t k;
    for (k = 0; k < j.n && j.mods[k].method != KM_MJ_ESTIMATE; k++)
        ;
    ok(k < j.n && j.mods[k].miss == KM_MJ_MISS_NOFIT &&
           j.unattributed.areas == (int64_t)jr.mods[k].nimage - 1,
       "arm64 6.12, a lost line: the estimate does not fit, its other areas unattributed");
    km_modjoin_free(&j);
    free_tree(&h);

    /* every single line lost in turn: never a wrong figure; how many modules it costs */
    load_tree("debian61-root", &h, true); /* placeholder to keep h valid for free below */
    free_tree(&h);
    size_t worst = 0, wrong = 0;
    for (size_t n = 0; n < 130; n++) {
        load_tree("debian612a-root", &h, true);
        drop_area(&h, nth_image(&h, n));
        join_h(&h, &four, &j);
        size_t e1 = twin_equal(&j, &jr, &est);
        wrong += e1 + est != 37;
        if (est > worst)
            worst = est;
        km_modjoin_free(&j);
        free_tree(&h);
    }
    ok(wrong == 0, "arm64 6.12, each of the 130 image lines lost in turn: no wrong figure");
    printf("# worst case: %zu modules became estimates for one lost line\n", worst);
    ok(worst <= 2, "arm64 6.12, one lost line costs at most 2 modules");

    /* a line printed twice: every module exact, the copy unattributed */
    load_tree("debian612a-root", &h, true);
    size_t dup = nth_image(&h, 80);
    h.vm.areas = realloc(h.vm.areas, (h.vm.n + 1) * sizeof(h.vm.areas[0]));
    memmove(&h.vm.areas[dup + 1], &h.vm.areas[dup], (h.vm.n - dup) * sizeof(h.vm.areas[0]));
    h.vm.n++;
    join_h(&h, &four, &j);
    eq = twin_equal(&j, &jr, &est);
    if (!ok(eq == 37 && j.unattributed.areas == 1,
            "arm64 6.12, a line printed twice: 37 exact, the copy unattributed"))
        printf("#   %zu exact, %zu estimates, %lld unattributed\n", eq, est,
               (long long)j.unattributed.areas);
    km_modjoin_free(&j);

    /* sections unreadable for one module: it alone is an estimate */
    struct km_module *z = km_modules_find(&h.m, "zram");
    drop_area(&h, dup); /* back to the file as read */
    int keep = z->nsections;
    z->nsections = 0;
    join_h(&h, &four, &j);
    ok(mm_of(&h, &j, "zram")->method == KM_MJ_ESTIMATE &&
           mm_of(&h, &j, "zram")->miss == KM_MJ_MISS_NO_SECTIONS && twin_equal(&j, &jr, &est) == 36,
       "arm64 6.12, zram's sections unreadable: zram an estimate (says why), 36 exact");
    z->nsections = keep;
    km_modjoin_free(&j);

    /* estimates without vmallocinfo: a guard page per memory-type area (from the sections) */
    h.have_vm = false;
    struct km_mj_hints v612 = {.kernel_major = 6, .kernel_minor = 12};
    join_h(&h, &v612, &j);
    size_t same = 0;
    for (size_t i = 0; i < j.n; i++)
        same += j.mods[i].static_bytes == jr.mods[i].static_bytes;
    ok(j.method == KM_MJ_ESTIMATE && j.layout == KM_MJ_LAYOUT_TYPES && same == 37,
       "6.12 estimates with sections: size + a guard page per area = the real bytes of all 37");
    km_modjoin_free(&j);
    free_tree(&h);

    /* nobody: no sections, no vmallocinfo: three areas a module at least */
    load_tree("debian612a-user", &h, false);
    join_h(&h, &v612, &j);
    const struct km_module *e4 = km_modules_find(&h.m, "ext4");
    ok(e4 && mm_of(&h, &j, "ext4")->static_bytes == e4->size + 3 * PS,
       "6.12 estimate as nobody: ext4 = size + 3 guard pages (text, data, rodata)");
    km_modjoin_free(&j);
    join_h(&h, NULL, &j);
    ok(mm_of(&h, &j, "ext4")->static_bytes == e4->size + PS,
       "kernel version unknown: one guard page");
    km_modjoin_free(&j);
    free_tree(&h);
    km_modjoin_free(&jr);
    free_tree(&r);
}

/* ---- torn reads: what makes a live tick read vmallocinfo again ---------------------- */

static bool torn(struct tree *t, char *why, size_t n)
{
    struct km_sample s;
    memset(&s, 0, sizeof(s));
    s.mods = t->m;
    s.vm = t->vm;
    s.src[KM_SRC_MODULES].status = KM_ST_OK;
    s.page_size = PS;
    s.possible_cpus = -1;
    why[0] = '\0';
    return km_vm_torn(&s, NULL, why, n);
}

static void test_torn(void)
{
    struct tree t;
    char why[160];
    load_tree("debian61-root", &t, true);
    ok(!torn(&t, why, sizeof(why)), "torn: a complete 6.1 read (hashed, order) is not");
    free_tree(&t);
    load_tree("debian612a-root", &t, true);
    ok(!torn(&t, why, sizeof(why)), "torn: a complete 6.12 read (per-node runs) is not");
    free_tree(&t);
    load_tree("debian61-race", &t, false);
    ok(torn(&t, why, sizeof(why)) && strstr(why, "vfat's image area missing"),
       "torn: the real racy 6.1 read: vfat's line lost");
    printf("#   %s\n", why);
    free_tree(&t);

    /* the same 6.1 file with one line printed twice, as a torn read does */
    size_t len;
    char *b = tap_slurp("debian61-root/proc/vmallocinfo", &len);
    char *nl = b;
    for (int i = 0; i < 99 && nl; i++)
        nl = memchr(nl, '\n', len - (size_t)(nl - b)), nl = nl ? nl + 1 : NULL;
    char *end = nl ? memchr(nl, '\n', len - (size_t)(nl - b)) : NULL;
    if (!end) {
        ok(0, "torn: a 100-line vmallocinfo");
        free(b);
        return;
    }
    size_t l100 = (size_t)(end + 1 - nl);
    char *twice = malloc(len + l100);
    memcpy(twice, b, (size_t)(end + 1 - b));
    memcpy(twice + (end + 1 - b), nl, l100);
    memcpy(twice + (end + 1 - b) + l100, end + 1, len - (size_t)(end + 1 - b));
    struct km_vmallocinfo once, two;
    km_parse_vmallocinfo(b, len, &once, NULL);
    km_parse_vmallocinfo(twice, len + l100, &two, NULL);
    ok(two.n == once.n && two.dups == 1 && two.dup_lineno == 101 && once.dups == 0,
       "parser: a line repeating the range before it is dropped and counted (line 101)");
    load_tree("debian61-root", &t, true);
    km_vmallocinfo_free(&t.vm);
    t.vm = two;
    ok(torn(&t, why, sizeof(why)) && strstr(why, "line 101 printed twice"),
       "torn: a line printed twice");
    free_tree(&t);
    km_vmallocinfo_free(&once);
    free(twice);
    free(b);
}

static const char shared_mods[] = "beta 16384 0 - Live 0xffffffffc0202000\n"
                                  "alpha 28672 0 - Live 0xffffffffc0200000\n";
static const char shared_vm[] =
    "0xffffffffc0200000-0xffffffffc0401000 2101248 execmem_cache_populate+0x10f/0x1a0 pages=512 vmalloc N0=512\n"
    "0xffffffffc0401000-0xffffffffc0404000   12288 load_module+0x7cf/0x1e00 pages=2 vmalloc N0=2\n"
    "0xffffffffc0404000-0xffffffffc0407000   12288 load_module+0x7cf/0x1e00 pages=2 vmalloc N0=2\n"
    "0xffffffffc0407000-0xffffffffc0409000    8192 load_module+0x7cf/0x1e00 pages=1 vmalloc N0=1\n";

static void test_shared(void)
{
    struct tree t;
    struct km_modjoin j;
    inline_tree(&t, shared_mods, shared_vm);
    add_section(&t, "alpha", ".text", 0xffffffffc0200000);
    add_section(&t, "alpha", ".data", 0xffffffffc0401000);
    add_section(&t, "alpha", ".rodata", 0xffffffffc0404010);
    add_section(&t, "beta", ".text", 0xffffffffc0202000);
    add_section(&t, "beta", ".data", 0xffffffffc0407000);
    join(&t, &j);
    const struct km_modmem *a = mm_of(&t, &j, "alpha"), *b = mm_of(&t, &j, "beta");
    ok(a->method == KM_MJ_SHARED && a->static_areas == 2 && a->text_bytes == 12288 &&
           a->static_bytes == 36864 && a->static_pages == 7,
       "shared: alpha charged 3 text pages beside its 2 own areas");
    ok(b->method == KM_MJ_SHARED && b->static_areas == 1 && b->text_bytes == 12288 &&
           b->static_bytes == 20480 && b->static_pages == 4,
       "shared: beta charged 3 text pages beside its data area");
    ok(j.shared.areas == 1 && j.shared.bytes == 2101248 && j.shared.pages == 512 && j.nshared == 1,
       "shared: the 2 MiB cache area is its own row, given to no module");
    ok(j.attributed.bytes == 32768 && j.unattributed.areas == 0 && j.text_bytes == 24576,
       "shared: own areas attributed, text charges counted apart");
    check_reconcile("shared", &t, &j, "", 4, 2134016, 517);
    km_modjoin_free(&j);
    free_tree(&t);

    /* an execmem caller in whole huge pages is shared too; a small one is an image */
    static const char vm2[] =
        "0x0000000011111111-0x0000000022222222 4198400 execmem_vmalloc+0x3c/0x90 pages=1024 vmalloc\n"
        "0x0000000022222222-0x0000000033333333   20480 execmem_alloc+0x3c/0x90 pages=4 vmalloc\n";
    inline_tree(&t, shared_mods, vm2);
    join(&t, &j);
    ok(j.shared.areas == 1 && j.shared.bytes == 4198400 && j.image.areas == 2,
       "shared: execmem area of 2 x 2 MiB + guard is a cache, a 4-page one an image");
    km_modjoin_free(&j);
    free_tree(&t);
}

static void test_unattributed(void)
{
    static const char mods[] = "b 8192 0 - Live 0xffffffffc0010000\n"
                               "a 16384 0 - Live 0xffffffffc0000000\n";
    static const char vm[] =
        "0xffffffffc0000000-0xffffffffc0005000   20480 load_module+0xbb7/0x21a0 pages=4 vmalloc\n"
        "0xffffffffc0005000-0xffffffffc000a000   20480 load_module+0xbb7/0x21a0 pages=4 vmalloc\n"
        "0xffffffffc0010000-0xffffffffc0013000   12288 load_module+0xbb7/0x21a0 pages=2 vmalloc\n"
        "0xffffffffc0020000-0xffffffffc0022000    8192 bpf_prog_pack_alloc+0x1/0x2 pages=1 vmalloc\n";
    struct tree t;
    struct km_modjoin j;
    inline_tree(&t, mods, vm);
    join(&t, &j);
    ok(j.unattributed.areas == 1 && j.unattributed.bytes == 20480 && j.unattributed.pages == 4 &&
           j.nunatt == 1 && t.vm.areas[j.list[j.unatt_first]].lineno == 2,
       "unattributed: the area holding no module's address is its own row");
    ok(mm_of(&t, &j, "a")->static_bytes == 20480 && mm_of(&t, &j, "b")->static_bytes == 12288,
       "unattributed: a complete module does not take an adjacent area");
    check_reconcile("unattributed", &t, &j, "load_module", 3, 53248, 10);
    km_modjoin_free(&j);
    free_tree(&t);
}

/* A's .init.text points into B's data area (freed, reused): it must not claim it. */
static void test_init_sections(void)
{
    static const char mods[] = "A 8192 0 - Live 0xffffffffc0000000\n"
                               "B 8192 0 - Live 0xffffffffc0020000\n";
    static const char vm[] =
        "0xffffffffc0000000-0xffffffffc0002000    8192 load_module+0x7cf/0x1e00 pages=1 vmalloc\n"
        "0xffffffffc0002000-0xffffffffc0004000    8192 load_module+0x7cf/0x1e00 pages=1 vmalloc\n"
        "0xffffffffc0010000-0xffffffffc0012000    8192 load_module+0x7cf/0x1e00 pages=1 vmalloc\n"
        "0xffffffffc0020000-0xffffffffc0022000    8192 load_module+0x7cf/0x1e00 pages=1 vmalloc\n";
    struct tree t;
    struct km_modjoin j;
    inline_tree(&t, mods, vm);
    add_section(&t, "A", ".text", 0xffffffffc0000000);
    add_section(&t, "A", ".init.text", 0xffffffffc0010000);
    add_section(&t, "A", ".data", 0xffffffffc0002000);
    add_section(&t, "B", ".text", 0xffffffffc0020000);
    add_section(&t, "B", ".data", 0xffffffffc0010040);
    join(&t, &j);
    ok(mm_of(&t, &j, "A")->static_areas == 2 && mm_of(&t, &j, "B")->static_areas == 2 &&
           j.unattributed.areas == 0,
       "address: .init.* sections are ignored, each module gets its own 2 areas");
    km_modjoin_free(&j);
    free_tree(&t);
}

/* The source article: lsmod 234750 bytes, vmallocinfo 241664 = 58 pages + 1 guard page. */
static void test_article(void)
{
    static const char mods[] = "article 234750 0 - Live 0xffffffffc0400000\n";
    static const char vm[] =
        "0xffffffffc0400000-0xffffffffc043b000  241664 load_module+0x2b9/0x2a20 pages=58 vmalloc N0=58\n";
    struct tree t;
    struct km_modjoin j;
    inline_tree(&t, mods, vm);
    join(&t, &j);
    const struct km_modmem *a = &j.mods[0];
    ok(a->method == KM_MJ_ADDRESS && a->static_bytes == 241664 && a->static_pages == 58 &&
           a->overhead_bytes == 6914,
       "article: 234750 -> 241664 bytes, 58 pages, 6914 overhead");
    is_dbl(a->overhead_pct, 100.0 * 6914 / 234750, 1e-9, "article: overhead 2.95%");
    km_modjoin_free(&j);
    free_tree(&t);
    inline_tree(&t, mods, NULL);
    join(&t, &j);
    ok(j.mods[0].method == KM_MJ_ESTIMATE && j.mods[0].static_bytes == 241664 &&
           j.mods[0].static_pages == 58,
       "article: the estimate without vmallocinfo gives the same 241664");
    km_modjoin_free(&j);
    free_tree(&t);
}

static void meminfo(struct km_meminfo *m, int64_t free_kb, int64_t avail_kb, int64_t slab_kb,
                    int64_t vmalloc_kb)
{
    memset(m, 0, sizeof(*m));
    m->mem_free = free_kb * 1024, m->mem_available = avail_kb * 1024;
    m->slab = slab_kb * 1024, m->vmalloc_used = vmalloc_kb * 1024;
    m->vmalloc_used_valid = true;
}

static const struct km_mod_event *find_event(const struct km_mod_event *ev, size_t n,
                                             const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ev[i].name, name) == 0)
            return &ev[i];
    return NULL;
}

static void test_events(void)
{
    struct tree a, b;
    struct km_modjoin ja, jb;
    struct km_meminfo ma, mb;
    load_tree("debian61-root", &a, true);
    load_tree("debian61-root2", &b, true);
    join(&a, &ja);
    join(&b, &jb);
    /* /proc/meminfo of the two trees, kB */
    meminfo(&ma, 1840416, 1749572, 46236, 23328);
    meminfo(&mb, 1744336, 1653800, 48348, 23352);
    struct km_mod_side before = {&a.m, &ja, &ma}, after = {&b.m, &jb, &mb};
    struct km_mod_event ev[KM_MOD_EVENTS_MAX];
    size_t n = 0;
    is_int(km_mod_events(&before, &after, 1000.5, 1, ev, &n, KM_MOD_EVENTS_MAX), 3,
           "events: root -> root2 gives 3 events");
    const struct km_mod_event *sq = find_event(ev, n, "squashfs"), *fat = find_event(ev, n, "fat"),
                              *vfat = find_event(ev, n, "vfat");
    ok(sq && !sq->loaded && sq->size == 73728 && sq->static_bytes == 77824 &&
           sq->method == KM_MJ_ORDER && sq->dynamic_bytes == 0,
       "events: squashfs unloaded, 77824 static bytes from the earlier frame");
    ok(fat && fat->loaded && fat->static_bytes == 94208 && fat->method == KM_MJ_ORDER,
       "events: fat loaded, 94208 static bytes by order");
    ok(vfat && vfat->loaded && vfat->static_bytes == 28672, "events: vfat loaded, 28672 bytes");
    ok(fat && fat->d_vmalloc_used == 24 * 1024 && fat->d_slab == 2112 * 1024 &&
           fat->d_mem_available == -95772 * 1024 && fat->d_mem_free == -96080 * 1024 &&
           fat->time == 1000.5 && fat->seq == 1,
       "events: VmallocUsed +24K, Slab +2112K, MemAvailable -95772K, MemFree -96080K");
    ok(sq && fat && vfat && sq->nchanged == 3 && fat->nchanged == 3 && vfat->nchanged == 3 &&
           sq->seq == fat->seq && sq->d_slab == fat->d_slab && vfat->d_slab == fat->d_slab,
       "events: the three share the interval (seq, the meminfo change) and say it covers 3");
    ok(n == 3 && !ev[0].loaded && ev[1].loaded && ev[2].loaded,
       "events: the unload, then the loads, consecutive");
    ok(fat && vfat && sq && fat->settled && vfat->settled && sq->settled && strcmp(fat->state, "Live") == 0,
       "events: modules seen Live: figures settled");

    /* a module caught while Loading: provisional figures, settled once it is Live */
    struct km_module *fm = km_modules_find(&b.m, "fat");
    snprintf(fm->state, sizeof(fm->state), "Loading");
    int64_t real_static = jb.mods[fm - b.m.mods].static_bytes;
    jb.mods[fm - b.m.mods].static_bytes = 12345; /* what a half-made image might show */
    struct km_mod_event lev[8];
    size_t ln = 0;
    km_mod_events(&before, &after, 1000.5, 1, lev, &ln, KM_ARRAY_LEN(lev));
    struct km_mod_event *lf = (struct km_mod_event *)find_event(lev, ln, "fat");
    ok(lf && !lf->settled && lf->static_bytes == 12345 && strcmp(lf->state, "Loading") == 0,
       "events: fat seen Loading: its figures are provisional");
    is_int((int64_t)km_mod_events_settle(lev, ln, &after), 0, "events: still Loading: nothing settles");
    snprintf(fm->state, sizeof(fm->state), "Live");
    jb.mods[fm - b.m.mods].static_bytes = real_static;
    is_int((int64_t)km_mod_events_settle(lev, ln, &after), 1, "events: Live now: fat settles");
    ok(lf && lf->settled && lf->static_bytes == 94208 && strcmp(lf->state, "Live") == 0 &&
           lf->d_vmalloc_used == 24 * 1024,
       "events: the load carries the settled figures (94208), the interval's change kept");
    struct km_mod_side gone = {&a.m, &ja, &ma}; /* fat unloaded again before it was Live */
    lev[0].settled = false;
    snprintf(lev[0].name, sizeof(lev[0].name), "fat");
    lev[0].loaded = true;
    km_mod_events_settle(lev, 1, &gone);
    ok(lev[0].settled, "events: a module gone before it was Live settles as it was seen");

    /* the other way: two unloads, one load, each saying the interval covers 3 */
    size_t n2 = 0;
    struct km_mod_event back[4];
    km_mod_events(&after, &before, 3, 3, back, &n2, KM_ARRAY_LEN(back));
    ok(n2 == 3 && back[0].nchanged == 3 && !back[0].loaded && !back[1].loaded && back[2].loaded &&
           back[0].d_vmalloc_used == -24 * 1024,
       "events: back again: vfat and fat unloaded, squashfs loaded, VmallocUsed -24K for all 3");
    /* a ring of 2 keeps the interval's last two events, which still say it covered 3 */
    n2 = 0;
    km_mod_events(&before, &after, 4, 4, back, &n2, 2);
    ok(n2 == 2 && back[0].nchanged == 3 && back[0].loaded && back[1].loaded,
       "events: a full ring drops the oldest; nchanged still counts every module of the interval");
    is_int(km_mod_events(&after, &after, 2, 2, ev, &n, KM_MOD_EVENTS_MAX), 0,
           "events: none between equal module lists");
    for (int i = 0; i < 12; i++)
        km_mod_events(&before, &after, i, (unsigned)i, ev, &n, KM_MOD_EVENTS_MAX);
    ok(n == KM_MOD_EVENTS_MAX && ev[n - 1].seq == 11 && ev[0].seq == 1,
       "events: the list keeps the last 32, oldest first");
    after.mem = NULL;
    n = 0;
    km_mod_events(&before, &after, 0, 0, ev, &n, 4);
    ok(n == 3 && KM_IS_NA(ev[0].d_slab), "events: meminfo missing -> deltas unknown, not 0");
    km_modjoin_free(&ja);
    km_modjoin_free(&jb);
    free_tree(&a);
    free_tree(&b);
}

int main(void)
{
    test_caller_set();
    test_address_debian61();
    test_address_zte();
    test_address_debian612();
    test_order_debian61();
    test_order_rules();
    test_race();
    test_estimate();
    test_vmap_nodes();
    test_torn();
    test_shared();
    test_unattributed();
    test_init_sections();
    test_article();
    test_events();
    return tap_done();
}
