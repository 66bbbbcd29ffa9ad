/* modjoin.c - modules joined with their vmalloc areas. See modjoin.h. */
#include "kmemtop/modjoin.h"
#include "kmemtop/sat.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HUGE_AREA ((int64_t)2 * 1024 * 1024) /* bytes: PMD size of an execmem cache area */
#define ORDER_MAX_CELLS ((size_t)32 * 1024 * 1024)
#define ORDER_MIN_ADJACENT 8 /* hashed adjacencies needed to judge the order at all */
#define ORDER_MIN_PERCENT 95 /* of them on consecutive lines: address order */

enum area_class { C_NONE, C_IMAGE, C_SHARED, C_DYN };

struct ctx {
    const struct km_modules *m;
    const struct km_vmallocinfo *vm;
    long ps;
    unsigned char *cls;     /* per area: enum area_class */
    long *owner;            /* per area: module index, or -1 */
    bool *text_shared;      /* per module: its text lies in a shared area */
    struct km_modjoin *out;
};

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

static void classify(struct ctx *x)
{
    for (size_t i = 0; i < x->vm->n; i++) {
        const struct km_vmarea *a = &x->vm->areas[i];
        x->cls[i] = C_NONE;
        x->owner[i] = -1;
        if (KM_IS_NA(a->pages))
            continue; /* no pages: ioremap, vm_map_ram, unpurged, percpu */
        if (a->module) {
            const struct km_module *mod = km_modules_find(x->m, a->module);
            x->cls[i] = C_DYN;
            x->owner[i] = mod ? (long)(mod - x->m->mods) : -1;
        } else if (a->caller && a->caller_symlen > 0) {
            if (is_shared(a, x->ps))
                x->cls[i] = C_SHARED;
            else if (km_mj_image_caller(a->caller, (size_t)a->caller_symlen))
                x->cls[i] = C_IMAGE;
            x->out->image.areas += x->cls[i] != C_NONE; /* for choose_method */
        }
    }
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

/* Pages that hold `bytes` (>= 0) at any page size > 0: never overflows. */
static int64_t pages_for(int64_t bytes, long ps)
{
    return bytes <= 0 ? 0 : (bytes - 1) / ps + 1;
}

/* .init.* sections (and the init-time symbol tables) point at freed memory that later modules reuse. */
static bool init_section(const char *name)
{
    return strncmp(name, ".init", 5) == 0 || strcmp(name, ".symtab") == 0 ||
           strcmp(name, ".strtab") == 0;
}

static long containing(const struct ctx *x, const struct startidx *s, size_t n, uint64_t addr)
{
    size_t k = first_from(s, n, addr, true);
    if (k == 0)
        return -1;
    const struct km_vmarea *a = &x->vm->areas[s[k - 1].i];
    int64_t body = a->size > x->ps ? a->size - x->ps : a->size;
    return addr - a->start < (uint64_t)body ? (long)s[k - 1].i : -1;
}

static void claim(struct ctx *x, const struct startidx *s, size_t n, size_t mod, uint64_t addr)
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
static void push_neighbours(const struct ctx *x, struct adj *d, size_t mod, size_t i, bool after)
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
static long pick(const struct ctx *x, struct idxv *c, int64_t room)
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
static void complete_by_size(struct ctx *x, struct adj *d, size_t mod, bool after)
{
    const struct km_module *m = &x->m->mods[mod];
    if (KM_IS_NA(m->size) || m->size <= 0 || x->text_shared[mod])
        return;
    int64_t want = pages_for(m->size, x->ps);
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
static void complete_all(struct ctx *x, const struct startidx *s, size_t n)
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

static void match_address(struct ctx *x)
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

/* ---- order: align modules by base with image areas in file order -------------- */

struct order {
    struct startidx *mods; /* module bases and indexes, sorted by base */
    size_t nm;
    size_t *areas, na; /* image area indexes in file order */
    int64_t *want;     /* per sorted module: pages its size needs */
    int kmax;          /* areas per module: 1 before 6.4, up to 4 after */
    int32_t *dp;       /* (nm+1) x (na+1): most pairs for a prefix of each */
};

/* Whether areas [j-k, j) of the file-ordered list fit sorted module i-1. */
static bool fits(const struct ctx *x, const struct order *o, size_t i, size_t j, int k)
{
    if ((size_t)k > j)
        return false;
    int64_t pages = 0;
    for (size_t t = j - (size_t)k; t < j; t++)
        km_sat_acc(&pages, x->vm->areas[o->areas[t]].pages);
    return pages == o->want[i - 1];
}

#define DP(o, i, j) ((o)->dp[(i) * ((o)->na + 1) + (j)])

static void order_fill(const struct ctx *x, struct order *o)
{
    for (size_t i = 1; i <= o->nm; i++)
        for (size_t j = 1; j <= o->na; j++) {
            int32_t best = DP(o, i - 1, j) > DP(o, i, j - 1) ? DP(o, i - 1, j) : DP(o, i, j - 1);
            for (int k = 1; k <= o->kmax; k++)
                if (fits(x, o, i, j, k) && DP(o, i - 1, j - (size_t)k) + 1 > best)
                    best = DP(o, i - 1, j - (size_t)k) + 1;
            DP(o, i, j) = best;
        }
}

static void order_trace(struct ctx *x, const struct order *o)
{
    size_t i = o->nm, j = o->na;
    while (i > 0 && j > 0) {
        int k;
        for (k = 1; k <= o->kmax; k++)
            if (fits(x, o, i, j, k) && DP(o, i - 1, j - (size_t)k) + 1 == DP(o, i, j))
                break;
        if (k <= o->kmax) {
            for (size_t t = j - (size_t)k; t < j; t++)
                x->owner[o->areas[t]] = (long)o->mods[i - 1].i;
            i--, j -= (size_t)k;
        } else if (DP(o, i, j - 1) == DP(o, i, j)) {
            j--;
        } else {
            i--;
        }
    }
}

static void match_order(struct ctx *x)
{
    struct order o = {0};
    o.mods = xcalloc(x->m->n + 1, sizeof(*o.mods));
    o.areas = xcalloc(x->vm->n + 1, sizeof(*o.areas));
    for (size_t k = 0; k < x->m->n; k++) {
        const struct km_module *m = &x->m->mods[k];
        if (m->addr && !KM_IS_NA(m->size) && m->size > 0)
            o.mods[o.nm].start = m->addr, o.mods[o.nm++].i = k;
    }
    for (size_t i = 0; i < x->vm->n; i++)
        if (x->cls[i] == C_IMAGE)
            o.areas[o.na++] = i;
    qsort(o.mods, o.nm, sizeof(*o.mods), cmp_startidx);
    o.want = xcalloc(o.nm + 1, sizeof(*o.want));
    for (size_t k = 0; k < o.nm; k++)
        o.want[k] = pages_for(x->m->mods[o.mods[k].i].size, x->ps);
    o.kmax = o.na > o.nm ? 4 : 1;
    if ((o.nm + 1) * (o.na + 1) <= ORDER_MAX_CELLS) {
        o.dp = xcalloc((o.nm + 1) * (o.na + 1), sizeof(*o.dp));
        order_fill(x, &o);
        order_trace(x, &o);
    }
    free(o.dp);
    free(o.want);
    free(o.areas);
    free(o.mods);
}

/* ---- results ------------------------------------------------------------------ */

static void add_sum(struct km_mj_sum *s, const struct km_vmarea *a)
{
    s->areas++;
    km_sat_acc(&s->bytes, a->size);
    km_sat_acc(&s->pages, a->pages);
}

static void sum_areas(struct ctx *x)
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
static void build_list(struct ctx *x)
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

static void estimate(struct km_modmem *mm, const struct km_module *m, long ps)
{
    mm->method = KM_MJ_ESTIMATE;
    mm->static_areas = KM_NA;
    if (KM_IS_NA(m->size)) {
        mm->static_bytes = mm->static_pages = KM_NA;
        return;
    }
    mm->static_pages = pages_for(m->size, ps);
    mm->static_bytes = km_sat_add(km_sat_mul(mm->static_pages, ps), ps); /* + the guard page */
}

static void finish_module(struct ctx *x, size_t k)
{
    struct km_modjoin *j = x->out;
    struct km_modmem *mm = &j->mods[k];
    const struct km_module *m = &x->m->mods[k];
    bool shared = x->text_shared && x->text_shared[k];
    if (shared && !KM_IS_NA(m->size)) {
        /* both >= 0: the difference cannot overflow */
        int64_t text =
            km_sat_mul(pages_for(m->size, x->ps), x->ps) - km_sat_mul(mm->static_pages, x->ps);
        mm->text_bytes = text > 0 ? text : 0;
        mm->static_bytes = km_sat_add(mm->static_bytes, mm->text_bytes);
        mm->static_pages = km_sat_add(mm->static_pages, mm->text_bytes / x->ps);
        mm->method = KM_MJ_SHARED;
    } else if (mm->nimage > 0) {
        mm->method = j->method;
    } else {
        estimate(mm, m, x->ps);
        j->nmissing += j->method == KM_MJ_ADDRESS || j->method == KM_MJ_ORDER;
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

static void choose_method(struct ctx *x)
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
    } else if (km_mj_address_ordered(x->vm)) {
        j->method = KM_MJ_ORDER, j->why = KM_MJ_WHY_HASHED_ORDERED;
    } else {
        j->method = KM_MJ_ESTIMATE, j->why = KM_MJ_WHY_HASHED_UNORDERED;
    }
}

int km_modjoin(const struct km_modules *m, const struct km_vmallocinfo *vm, long page_size,
               struct km_modjoin *out)
{
    memset(out, 0, sizeof(*out));
    if (page_size <= 0)
        return -EINVAL;
    struct ctx x = {.m = m, .vm = vm, .ps = page_size, .out = out};
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
