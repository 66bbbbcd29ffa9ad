/* modjoin.c - modules joined with their vmalloc areas. See modjoin.h. */
#include "modjoin_int.h"
#include "kmemtop/sat.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HUGE_AREA ((int64_t)2 * 1024 * 1024) /* bytes: PMD size of an execmem cache area */
#define ORDER_MIN_ADJACENT 8 /* hashed adjacencies needed to judge the order at all */
#define ORDER_MIN_PERCENT 95 /* of them on consecutive lines: address order */

#define C_NONE KM_MJC_NONE
#define C_IMAGE KM_MJC_IMAGE
#define C_SHARED KM_MJC_SHARED
#define C_DYN KM_MJC_DYN

/* ---- which areas hold module images ---------------------------------------- */

/*
 * Callers that allocate module images, by era (kernel-formats.md 5.2): the
 * return address passed to __vmalloc_node_range() is whichever of these the
 * compiler left out of line. The transient copy of a .ko (copy_module_from_user,
 * init_module_from_file, kernel_read_file) is not an image and not listed.
 */
static const char *const image_exact[] = {"load_module", "move_module", "module_memory_alloc",
                                          "sys_init_module", "layout_and_allocate"};
static const char *const image_prefix[] = {"module_alloc", "execmem_", "__execmem_"};

static bool sym_is(const char *sym, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(sym, word, len) == 0;
}

static bool sym_starts(const char *sym, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(sym, prefix, n) == 0;
}

bool km_mj_image_caller(const char *sym, size_t len)
{
    for (size_t i = 0; i < KM_ARRAY_LEN(image_exact); i++)
        if (sym_is(sym, len, image_exact[i]))
            return true;
    for (size_t i = 0; i < KM_ARRAY_LEN(image_prefix); i++)
        if (sym_starts(sym, len, image_prefix[i]))
            return true;
    return false;
}

/*
 * A shared execmem cache area (6.15+ ROX text): allocated by the cache, or
 * by an execmem function in whole huge pages (2 MiB multiples plus guard).
 */
static bool is_shared(const struct km_vmarea *a, long ps)
{
    const char *sym = a->caller;
    size_t len = (size_t)a->caller_symlen;
    if (sym_starts(sym, len, "execmem_cache"))
        return true;
    int64_t body = a->size - ps;
    return sym_starts(sym, len, "execmem_") && body > 0 && body % HUGE_AREA == 0;
}

static void classify(struct km_mj_ctx *x)
{
    struct km_modidx idx;
    km_modidx_init(&idx, x->m);
    const char *memo[64] = {NULL};
    bool image[64] = {false};
    for (size_t i = 0; i < x->vm->n; i++) {
        const struct km_vmarea *a = &x->vm->areas[i];
        x->cls[i] = C_NONE;
        x->owner[i] = -1;
        if (KM_IS_NA(a->pages))
            continue; /* no pages: ioremap, vm_map_ram, unpurged, percpu */
        if (a->module) {
            const struct km_module *mod = km_modidx_find(&idx, a->module);
            x->cls[i] = C_DYN;
            x->owner[i] = mod ? (long)(mod - x->m->mods) : -1;
        } else if (a->caller && a->caller_symlen > 0) {
            /* the parser stores a caller once: the same pointer is the same caller */
            size_t h = ((uintptr_t)a->caller >> 3) & 63;
            if (memo[h] != a->caller) {
                memo[h] = a->caller;
                image[h] = km_mj_image_caller(a->caller, (size_t)a->caller_symlen);
            }
            if (is_shared(a, x->ps))
                x->cls[i] = C_SHARED;
            else if (image[h])
                x->cls[i] = C_IMAGE;
            x->out->image.areas += x->cls[i] != C_NONE; /* for choose_method */
        }
    }
    km_modidx_free(&idx);
}

/* ---- is the file in address order? ----------------------------------------- */

struct startidx {
    uint64_t start;
    size_t i;
};

static int cmp_startidx(const void *a, const void *b)
{
    const struct startidx *p = a, *q = b;
    return (p->start > q->start) - (p->start < q->start);
}

/* first k with s[k].start >= key (strict: > key) */
static size_t first_from(const struct startidx *s, size_t n, uint64_t key, bool strict)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid].start < key || (strict && s[mid].start == key))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/*
 * Hashed: identical pointers hash identically, so an area ending where
 * another starts is adjacent to it. In an address-ordered file such pairs
 * are printed on consecutive lines, while 6.9+ per-node runs split many of
 * them. Hashes are 32 bits, so on 100k+ areas a few ends equal some unrelated
 * start by chance: decide by proportion, over starts that occur once.
 */
static bool hashed_ordered(const struct startidx *sorted, const uint64_t *ends, size_t n)
{
    size_t adjacent = 0, consecutive = 0;
    for (size_t k = 0; k < n; k++) {
        size_t h = first_from(sorted, n, ends[k], false);
        if (h == n || sorted[h].start != ends[k] || sorted[h].i == k)
            continue;
        if (h + 1 < n && sorted[h + 1].start == ends[k])
            continue; /* a start printed twice: a collision, no evidence */
        adjacent++;
        consecutive += sorted[h].i == k + 1;
    }
    return adjacent >= ORDER_MIN_ADJACENT && consecutive * 100 >= adjacent * ORDER_MIN_PERCENT;
}

/*
 * Real addresses: starts never decrease. Hashed: see hashed_ordered.
 * Unpurged lines (which 5.4+ appends at the end) are left out.
 */
bool km_mj_address_ordered(const struct km_vmallocinfo *vm)
{
    if (vm->addr_kind == KM_ADDR_ZERO || vm->n == 0)
        return false;
    struct startidx *s = xcalloc(vm->n, sizeof(*s));
    uint64_t *ends = xcalloc(vm->n, sizeof(*ends));
    size_t n = 0;
    for (size_t i = 0; i < vm->n; i++)
        if (!(vm->areas[i].flags & KM_VM_UNPURGED))
            s[n].start = vm->areas[i].start, s[n].i = n, ends[n++] = vm->areas[i].end;
    bool ordered = true;
    if (vm->addr_kind == KM_ADDR_REAL) {
        for (size_t k = 1; k < n && ordered; k++)
            ordered = s[k].start >= s[k - 1].start;
    } else {
        qsort(s, n, sizeof(*s), cmp_startidx);
        ordered = hashed_ordered(s, ends, n);
    }
    free(ends);
    free(s);
    return ordered;
}

/* ---- address: containment of base and section addresses ---------------------- */

/* .init.* sections (and the init-time symbol tables) point at freed memory that later modules reuse. */
static bool init_section(const char *name)
{
    return strncmp(name, ".init", 5) == 0 || strcmp(name, ".symtab") == 0 ||
           strcmp(name, ".strtab") == 0;
}

static long containing(const struct km_mj_ctx *x, const struct startidx *s, size_t n, uint64_t addr)
{
    size_t k = first_from(s, n, addr, true);
    if (k == 0)
        return -1;
    const struct km_vmarea *a = &x->vm->areas[s[k - 1].i];
    int64_t body = a->size > x->ps ? a->size - x->ps : a->size;
    return addr - a->start < (uint64_t)body ? (long)s[k - 1].i : -1;
}

static void claim(struct km_mj_ctx *x, const struct startidx *s, size_t n, size_t mod, uint64_t addr)
{
    long a = addr ? containing(x, s, n, addr) : -1;
    if (a < 0 || x->owner[a] >= 0)
        return;
    if (x->cls[a] == C_SHARED)
        x->text_shared[mod] = true;
    else
        x->owner[a] = (long)mod;
}

/* ---- address: completion by size, neighbours found by start == end ------------- */

struct idxv {
    size_t *v;
    size_t n, cap;
};

struct adj {
    const struct startidx *by_start; /* image and shared areas by start */
    struct startidx *by_end;         /* the same areas by start + size */
    size_t n;
    int64_t *have;     /* per module: pages of its image areas */
    struct idxv *cand; /* per module: areas next to its own, not yet tried */
};

static uint64_t area_end(const struct km_vmarea *a)
{
    return a->start + (uint64_t)a->size;
}

/* Queues for mod the areas that start where area i ends (after) or end where it starts. */
static void push_neighbours(const struct km_mj_ctx *x, struct adj *d, size_t mod, size_t i, bool after)
{
    const struct km_vmarea *a = &x->vm->areas[i];
    const struct startidx *s = after ? d->by_start : d->by_end;
    uint64_t key = after ? area_end(a) : a->start;
    struct idxv *c = &d->cand[mod];
    for (size_t k = first_from(s, d->n, key, false); k < d->n && s[k].start == key; k++) {
        xgrow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v));
        c->v[c->n++] = s[k].i;
    }
}

/*
 * The first in file order of mod's candidates that fit `room` pages. One
 * that does not fit now never will (a module only gains pages and areas
 * only gain owners), so it leaves the queue for good.
 */
static long pick(const struct km_mj_ctx *x, struct idxv *c, int64_t room)
{
    long best = -1;
    for (size_t t = 0; t < c->n;) {
        size_t i = c->v[t];
        if (x->cls[i] != C_IMAGE || x->owner[i] >= 0 || x->vm->areas[i].pages > room) {
            c->v[t] = c->v[--c->n];
            continue;
        }
        if (best < 0 || i < (size_t)best)
            best = (long)i;
        t++;
    }
    return best;
}

/*
 * 6.4+ sections that were not captured (or not readable) leave an area of
 * the module unclaimed, e.g. __jump_table's ro_after_init area. The page
 * counts of a module's areas add up to its lsmod size, so an unclaimed
 * image area adjacent to the module's own that fills the missing pages is
 * its own; among several, the first in the file.
 */
static void complete_by_size(struct km_mj_ctx *x, struct adj *d, size_t mod, bool after)
{
    const struct km_module *m = &x->m->mods[mod];
    if (KM_IS_NA(m->size) || m->size <= 0 || x->text_shared[mod])
        return;
    int64_t want = km_mj_pages_for(m->size, x->ps);
    long i;
    while (d->have[mod] > 0 && d->have[mod] < want &&
           (i = pick(x, &d->cand[mod], want - d->have[mod])) >= 0) {
        x->owner[i] = (long)mod;
        km_sat_acc(&d->have[mod], x->vm->areas[i].pages);
        push_neighbours(x, d, mod, (size_t)i, after);
    }
}

/*
 * The areas are allocated text, data, rodata, ro_after_init in turn, so an
 * area right after a module's own is tried for every module before one right
 * before it. One pass per direction is enough: a module that has found no
 * more fitting neighbour cannot gain one from another module's claims.
 */
static void complete_all(struct km_mj_ctx *x, const struct startidx *s, size_t n)
{
    struct adj d = {.by_start = s, .n = n};
    d.by_end = xcalloc(n ? n : 1, sizeof(*d.by_end));
    for (size_t k = 0; k < n; k++)
        d.by_end[k].start = area_end(&x->vm->areas[s[k].i]), d.by_end[k].i = s[k].i;
    qsort(d.by_end, n, sizeof(*d.by_end), cmp_startidx);
    d.have = xcalloc(x->m->n + 1, sizeof(*d.have));
    d.cand = xcalloc(x->m->n + 1, sizeof(*d.cand));
    for (size_t i = 0; i < x->vm->n; i++)
        if (x->cls[i] == C_IMAGE && x->owner[i] >= 0)
            km_sat_acc(&d.have[x->owner[i]], x->vm->areas[i].pages);
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < x->vm->n; i++)
            if (x->cls[i] == C_IMAGE && x->owner[i] >= 0)
                push_neighbours(x, &d, (size_t)x->owner[i], i, round == 0);
        for (size_t k = 0; k < x->m->n; k++) {
            complete_by_size(x, &d, k, round == 0);
            d.cand[k].n = 0;
        }
    }
    for (size_t k = 0; k < x->m->n; k++)
        free(d.cand[k].v);
    free(d.cand);
    free(d.have);
    free(d.by_end);
}

static void match_address(struct km_mj_ctx *x)
{
    struct startidx *s = xcalloc(x->vm->n ? x->vm->n : 1, sizeof(*s));
    size_t n = 0;
    for (size_t i = 0; i < x->vm->n; i++)
        if (x->cls[i] == C_IMAGE || x->cls[i] == C_SHARED)
            s[n].start = x->vm->areas[i].start, s[n].i = i, n++;
    qsort(s, n, sizeof(*s), cmp_startidx);
    /* bases first, so that a stray section address never takes another module's area */
    for (size_t k = 0; k < x->m->n; k++)
        claim(x, s, n, k, x->m->mods[k].addr);
    for (size_t k = 0; k < x->m->n; k++) {
        const struct km_module *m = &x->m->mods[k];
        for (int j = 0; j < m->nsections; j++)
            if (!init_section(m->sections[j].name))
                claim(x, s, n, k, m->sections[j].addr);
    }
    complete_all(x, s, n);
    free(s);
}

/* ---- results ------------------------------------------------------------------ */

static void add_sum(struct km_mj_sum *s, const struct km_vmarea *a)
{
    s->areas++;
    km_sat_acc(&s->bytes, a->size);
    km_sat_acc(&s->pages, a->pages);
}

static void sum_areas(struct km_mj_ctx *x)
{
    struct km_modjoin *j = x->out;
    for (size_t i = 0; i < x->vm->n; i++) {
        const struct km_vmarea *a = &x->vm->areas[i];
        long o = x->owner[i];
        struct km_modmem *mm = o >= 0 ? &j->mods[o] : NULL;
        switch (x->cls[i]) {
        case C_IMAGE:
            add_sum(&j->image, a);
            add_sum(o >= 0 ? &j->attributed : &j->unattributed, a);
            if (mm) {
                mm->nimage++, mm->static_areas++;
                km_sat_acc(&mm->static_bytes, a->size);
                km_sat_acc(&mm->static_pages, a->pages);
            }
            break;
        case C_SHARED:
            add_sum(&j->image, a);
            add_sum(&j->shared, a);
            break;
        case C_DYN:
            add_sum(o >= 0 ? &j->dynamic : &j->dynamic_other, a);
            if (mm) {
                mm->ndynamic++, mm->dynamic_areas++;
                km_sat_acc(&mm->dynamic_bytes, a->size);
                km_sat_acc(&mm->dynamic_pages, a->pages);
            }
            break;
        default:
            break;
        }
    }
}

/*
 * Module areas first (image, then dynamic, each in file order), then
 * unattributed, then shared: one pass, with the counts sum_areas made.
 */
static void build_list(struct km_mj_ctx *x)
{
    struct km_modjoin *j = x->out;
    size_t *img = xcalloc(j->n + 1, sizeof(*img)), *dyn = xcalloc(j->n + 1, sizeof(*dyn));
    size_t pos = 0;
    for (size_t k = 0; k < j->n; k++) {
        j->mods[k].first = img[k] = pos;
        dyn[k] = pos + j->mods[k].nimage;
        pos = dyn[k] + j->mods[k].ndynamic;
    }
    j->unatt_first = pos;
    j->nunatt = (size_t)j->unattributed.areas;
    j->shared_first = j->unatt_first + j->nunatt;
    j->nshared = (size_t)j->shared.areas;
    j->nlist = j->shared_first + j->nshared;
    j->list = xcalloc(j->nlist + 1, sizeof(*j->list));
    size_t un = j->unatt_first, sh = j->shared_first;
    for (size_t i = 0; i < x->vm->n; i++) {
        long o = x->owner[i];
        if (x->cls[i] == C_IMAGE)
            j->list[o >= 0 ? img[o]++ : un++] = i;
        else if (x->cls[i] == C_DYN && o >= 0)
            j->list[dyn[o]++] = i;
        else if (x->cls[i] == C_SHARED)
            j->list[sh++] = i;
    }
    free(img);
    free(dyn);
}

/*
 * The areas an estimated module would have: one up to 6.3; from 6.4 one per
 * memory type with contents (from its sections, else the three every module
 * has: text, data with its struct module, rodata with its notes).
 */
static int estimated_areas(const struct km_mj_ctx *x, const struct km_module *m)
{
    if (x->out->layout != KM_MJ_LAYOUT_TYPES)
        return 1;
    int n = km_mj_regions_of(m);
    return n > 0 ? n : 3;
}

static void estimate(const struct km_mj_ctx *x, struct km_modmem *mm, const struct km_module *m)
{
    mm->method = KM_MJ_ESTIMATE;
    mm->static_areas = KM_NA;
    if (KM_IS_NA(m->size)) {
        mm->static_bytes = mm->static_pages = KM_NA;
        return;
    }
    mm->static_pages = km_mj_pages_for(m->size, x->ps);
    /* + a guard page per area */
    mm->static_bytes = km_sat_mul(km_sat_add(mm->static_pages, estimated_areas(x, m)), x->ps);
}

static void finish_module(struct km_mj_ctx *x, size_t k)
{
    struct km_modjoin *j = x->out;
    struct km_modmem *mm = &j->mods[k];
    const struct km_module *m = &x->m->mods[k];
    bool shared = x->text_shared && x->text_shared[k];
    if (shared && !KM_IS_NA(m->size)) {
        /* both >= 0: the difference cannot overflow */
        int64_t text =
            km_sat_mul(km_mj_pages_for(m->size, x->ps), x->ps) - km_sat_mul(mm->static_pages, x->ps);
        mm->text_bytes = text > 0 ? text : 0;
        mm->static_bytes = km_sat_add(mm->static_bytes, mm->text_bytes);
        mm->static_pages = km_sat_add(mm->static_pages, mm->text_bytes / x->ps);
        mm->method = KM_MJ_SHARED;
    } else if (mm->nimage > 0) {
        mm->method = j->method;
    } else {
        estimate(x, mm, m);
        bool matching = j->method == KM_MJ_ADDRESS || j->method == KM_MJ_ORDER;
        j->nmissing += matching;
        if (!matching)
            mm->miss = KM_MJ_MISS_NONE;
        else if (mm->miss == KM_MJ_MISS_NONE)
            mm->miss = m->addr ? KM_MJ_MISS_NO_AREA : KM_MJ_MISS_NO_ADDRESS;
    }
    j->nmatched += mm->method != KM_MJ_ESTIMATE;
    mm->overhead_bytes = KM_NA;
    mm->overhead_pct = NAN;
    if (!KM_IS_NA(m->size) && !KM_IS_NA(mm->static_bytes)) {
        mm->overhead_bytes = mm->static_bytes - m->size;
        if (m->size > 0)
            mm->overhead_pct = 100.0 * (double)mm->overhead_bytes / (double)m->size;
    }
    if (!j->joined)
        mm->dynamic_areas = mm->dynamic_bytes = mm->dynamic_pages = KM_NA;
    mm->total_bytes = mm->static_bytes;
    if (!KM_IS_NA(mm->total_bytes) && !KM_IS_NA(mm->dynamic_bytes))
        mm->total_bytes = km_sat_add(mm->total_bytes, mm->dynamic_bytes);
}

static void choose_method(struct km_mj_ctx *x)
{
    struct km_modjoin *j = x->out;
    bool visible = false;
    for (size_t k = 0; k < x->m->n; k++)
        visible |= x->m->mods[k].addr != 0;
    if (!x->vm) {
        j->method = KM_MJ_ESTIMATE, j->why = KM_MJ_WHY_NO_VMALLOCINFO;
    } else if (j->image.areas == 0) {
        j->method = KM_MJ_ESTIMATE, j->why = KM_MJ_WHY_NO_IMAGE_AREAS;
    } else if (!visible) {
        j->method = KM_MJ_ESTIMATE, j->why = KM_MJ_WHY_MODULES_HIDDEN;
    } else if (x->vm->addr_kind == KM_ADDR_REAL) {
        j->method = KM_MJ_ADDRESS, j->why = KM_MJ_WHY_NONE;
    } else if (x->vm->addr_kind == KM_ADDR_ZERO) {
        j->method = KM_MJ_ESTIMATE, j->why = KM_MJ_WHY_VM_ZERO;
    } else {
        j->method = KM_MJ_ORDER; /* why: once the order is known (match_order) */
    }
}

/* The hashed file's order predicted; an estimate of every module when nothing fits. */
static void match_order(struct km_mj_ctx *x)
{
    struct km_modjoin *j = x->out;
    if (km_mj_match_order(x) == 0) {
        j->method = KM_MJ_ESTIMATE, j->why = KM_MJ_WHY_HASHED_UNORDERED;
        j->vmap_nodes = 0;
        for (size_t k = 0; k < j->n; k++)
            j->mods[k].miss = KM_MJ_MISS_NONE;
    } else {
        j->why = j->vmap_nodes > 1 ? KM_MJ_WHY_HASHED_NODES : KM_MJ_WHY_HASHED_ORDERED;
    }
}

/*
 * The layout matched (address: a module with several image areas means
 * 6.4+), else the one the kernel's version gives, for the estimates.
 */
static void settle_layout(struct km_mj_ctx *x)
{
    struct km_modjoin *j = x->out;
    if (j->layout != KM_MJ_LAYOUT_UNKNOWN)
        return;
    size_t with = 0, several = 0;
    for (size_t k = 0; k < j->n; k++)
        with += j->mods[k].nimage > 0, several += j->mods[k].nimage > 1;
    if (j->method == KM_MJ_ADDRESS && with > 0) {
        j->layout = several > 0 ? KM_MJ_LAYOUT_TYPES : KM_MJ_LAYOUT_ONE;
        return;
    }
    int maj = x->h->kernel_major, min = x->h->kernel_minor;
    if (maj > 0)
        j->layout = maj > 6 || (maj == 6 && min >= 4) ? KM_MJ_LAYOUT_TYPES : KM_MJ_LAYOUT_ONE;
}

int km_modjoin(const struct km_modules *m, const struct km_vmallocinfo *vm, long page_size,
               const struct km_mj_hints *h, struct km_modjoin *out)
{
    static const struct km_mj_hints none;
    memset(out, 0, sizeof(*out));
    if (page_size <= 0)
        return -EINVAL;
    struct km_mj_ctx x = {.m = m, .vm = vm, .h = h ? h : &none, .ps = page_size, .out = out};
    out->page_size = page_size;
    out->joined = vm != NULL;
    out->n = m->n;
    out->mods = xcalloc(m->n ? m->n : 1, sizeof(*out->mods));
    if (vm) {
        x.cls = xcalloc(vm->n + 1, 1);
        x.owner = xcalloc(vm->n + 1, sizeof(*x.owner));
        x.text_shared = xcalloc(m->n + 1, sizeof(*x.text_shared));
        classify(&x);
    }
    choose_method(&x);
    out->image.areas = 0; /* counted again with bytes by sum_areas */
    if (out->method == KM_MJ_ADDRESS)
        match_address(&x);
    else if (out->method == KM_MJ_ORDER)
        match_order(&x);
    if (vm) {
        sum_areas(&x);
        build_list(&x);
    }
    settle_layout(&x);
    for (size_t k = 0; k < m->n; k++) {
        finish_module(&x, k);
        const struct km_modmem *mm = &out->mods[k];
        km_sat_acc(&out->lsmod_bytes, m->mods[k].size);
        km_sat_acc(&out->static_bytes, mm->static_bytes);
        km_sat_acc(&out->total_bytes, mm->total_bytes);
        km_sat_acc(&out->text_bytes, mm->text_bytes);
    }
    free(x.cls);
    free(x.owner);
    free(x.text_shared);
    return 0;
}

void km_modjoin_free(struct km_modjoin *j)
{
    free(j->mods);
    free(j->list);
    memset(j, 0, sizeof(*j));
}

const char *km_mj_method_name(enum km_mj_method m)
{
    static const char *const names[] = {[KM_MJ_ADDRESS] = "address",
                                        [KM_MJ_ORDER] = "order",
                                        [KM_MJ_ESTIMATE] = "estimate",
                                        [KM_MJ_SHARED] = "shared"};
    return (size_t)m < KM_ARRAY_LEN(names) && names[m] ? names[m] : "-";
}

const char *km_mj_miss_text(enum km_mj_miss m)
{
    static const char *const text[] = {
        [KM_MJ_MISS_NO_AREA] = "no image area holds it",
        [KM_MJ_MISS_NO_ADDRESS] = "its address or size is unknown",
        [KM_MJ_MISS_NO_SECTIONS] = "its section addresses are unreadable",
        [KM_MJ_MISS_NOFIT] = "the areas at its place do not fit its sections and size",
    };
    return (size_t)m < KM_ARRAY_LEN(text) && text[m] ? text[m] : "";
}

const char *km_mj_nfrom_name(enum km_mj_nfrom f)
{
    return f == KM_MJ_NF_POSSIBLE ? "possible" : f == KM_MJ_NF_INFERRED ? "inferred" : "";
}
