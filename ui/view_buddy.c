/*
 * view_buddy.c - the buddy allocator's free lists (/proc/buddyinfo): free
 * blocks per order for every node and zone, total free, the largest free
 * order, and the fragmentation summary for the selected order (the view's
 * state: --order N, + and -; KM_FRAG_DEFAULT_ORDER when -1). Under each zone: the kernel's
 * unusable free space index per order, the change per order since the
 * previous frame, and one row per migrate type from /proc/pagetypeinfo when
 * it was read (root only; holds the zone lock, so km_frame_sources asks for
 * it only while this view shows migrate types). Order columns follow the
 * sampled kernel: as many as its lines carry, titled with block sizes from
 * its page size. Formulas: doc/formulas.md.
 */
#include "fmt.h"
#include "frame.h"
#include "json.h"
#include "view_buddy.h"
#include "views.h"
#include "view_overview.h"
#include "kmemtop/sampler.h"

#include "kmemtop/frag.h"
#include "kmemtop/sat.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { K_ZONE, K_UNUSABLE, K_RATE, K_TYPE };
enum { C_NAME, C_FREE, C_LARGEST, C_BLOCKS, C_UNUS, C_ALLOC, C_SPREAD, C_ORDER0 };

#define BZ(r) ((const struct km_buddy_zone *)(r)->rec)
#define PF(r) ((const struct km_pti_free *)(r)->rec)

static bool have_types(const struct km_vctx *c)
{
    return c->s->src[KM_SRC_PAGETYPEINFO].status == KM_ST_OK;
}

static int sel_order(const struct km_vctx *c)
{
    return km_buddy_order(c);
}

/* The free counts and order count of any row kind. */
static const int64_t *counts(const struct km_row *r, int *norders)
{
    if (r->kind == K_TYPE) {
        *norders = PF(r)->norders;
        return PF(r)->free;
    }
    *norders = BZ(r)->norders;
    return BZ(r)->free;
}

/*
 * "4K", "2M", "512M", "1G": block sizes are powers of two. Any other size
 * (a tree's impossible page size, a saturated shift) in human units.
 */
static void block_size(char *o, size_t n, int64_t bytes)
{
    static const char units[] = "KMGTPE";
    int u = -1;
    if (bytes <= 0 || (bytes & (bytes - 1)) != 0) {
        km_fmt_size(o, n, bytes);
        return;
    }
    while (bytes >= 1024 && bytes % 1024 == 0 && u < 5) {
        bytes /= 1024;
        u++;
    }
    /* a block under 1K (a tree's page size): bytes, with their unit */
    char t[32];
    km_fmt_int(t, sizeof(t) - 1, bytes);
    size_t len = strlen(t);
    t[len] = u < 0 ? 'B' : units[u];
    t[len + 1] = '\0';
    km_fmt_str(o, n, t);
}

/* Pageblocks of a type (type row) or of all types (zone row); KM_NA when not read. */
static int64_t pageblocks(const struct km_vctx *c, const struct km_row *r)
{
    const struct km_pagetypeinfo *p = &c->s->pti;
    if (!have_types(c) || r->kind == K_UNUSABLE || r->kind == K_RATE)
        return KM_NA;
    const char *zone = r->kind == K_TYPE ? PF(r)->zone : BZ(r)->zone;
    int node = r->kind == K_TYPE ? PF(r)->node : BZ(r)->node;
    for (size_t i = 0; i < p->nblocks; i++) {
        const struct km_pti_blocks *b = &p->blocks[i];
        if (b->node != node || strcmp(b->zone, zone) != 0)
            continue;
        int64_t sum = 0;
        for (int t = 0; t < p->ntypes; t++) {
            bool mine = r->kind == K_ZONE || strcmp(p->types[t], PF(r)->type) == 0;
            if (mine)
                km_sat_acc(&sum, b->count[t]);
        }
        return sum;
    }
    return KM_NA;
}

/* ---- fields ------------------------------------------------------------ */

static struct km_val g_name(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    switch (r->kind) {
    case K_ZONE: { /* "0/DMA32" */
        char t[24];
        km_fmt_int(t, sizeof(t) - 1, BZ(r)->node);
        size_t len = strlen(t);
        t[len] = '/';
        t[len + 1] = '\0';
        km_fmt_str(o, n, t); /* cut as snprintf would */
        size_t used = strlen(o);
        km_fmt_str(o + used, n - used, BZ(r)->zone);
        return km_v_str(o);
    }
    case K_UNUSABLE:
        return km_v_str("unusable");
    case K_RATE:
        return km_v_str("change/s");
    default:
        return km_v_str(PF(r)->type);
    }
}
static int c_name(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    if (BZ(a)->node != BZ(b)->node)
        return BZ(a)->node - BZ(b)->node;
    return (a > b) - (a < b);
}

static int64_t free_pages(const struct km_row *r)
{
    int no;
    const int64_t *f = counts(r, &no);
    return r->kind == K_ZONE || r->kind == K_TYPE ? km_frag_free_pages(f, no) : KM_NA;
}
static struct km_val g_free(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    return km_v_int(km_sat_mul(free_pages(r), c->s->page_size));
}
static void f_free(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    int64_t p = free_pages(r);
    bool lower = r->kind == K_TYPE && PF(r)->capped; /* a capped count: at least this */
    int64_t b = km_sat_mul(p, c->s->page_size);
    char v[33];
    v[0] = '>';
    c->raw ? km_fmt_int(v + 1, sizeof(v) - 1, b) : km_fmt_size(v + 1, sizeof(v) - 1, b);
    km_fmt_str(o, n, lower ? v : v + 1);
}

static int largest(const struct km_row *r)
{
    int no;
    const int64_t *f = counts(r, &no);
    return km_frag_largest_order(f, no);
}
static struct km_val g_largest(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    int l = r->kind == K_ZONE || r->kind == K_TYPE ? largest(r) : -1;
    return km_v_int(l < 0 ? KM_NA : l);
}

static struct km_val g_blocks(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    return km_v_int(pageblocks(c, r));
}

static void fmt_milli(char *o, size_t n, int m)
{
    if (m < 0)
        km_fmt_str(o, n, "-");
    else { /* "%d.%03d", as the kernel prints it */
        char t[24];
        size_t len = 1;
        if (m < 1000) /* an index: 0.000 to 1.000 */
            t[0] = '0';
        else {
            km_fmt_int(t, sizeof(t) - 4, m / 1000);
            len = strlen(t);
        }
        int f = m % 1000;
        t[len] = '.';
        t[len + 1] = (char)('0' + f / 100);
        t[len + 2] = (char)('0' + f / 10 % 10);
        t[len + 3] = (char)('0' + f % 10);
        t[len + 4] = '\0';
        km_fmt_str(o, n, t);
    }
}
static int unusable_sel(const struct km_vctx *c, const struct km_row *r)
{
    return km_frag_unusable_milli(BZ(r)->free, BZ(r)->norders, sel_order(c));
}
/* thousandths as a value: 0.125 */
static struct km_val milli_val(int m)
{
    return m < 0 ? km_v_none() : km_v_dbl(m / 1000.0);
}
static struct km_val g_unus(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    return milli_val(r->kind == K_ZONE ? unusable_sel(c, r) : -1);
}
static void f_unus(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    fmt_milli(o, n, r->kind == K_ZONE ? unusable_sel(c, r) : -1);
}
static int alloc_sel(const struct km_vctx *c, const struct km_row *r)
{
    return km_frag_can_alloc(BZ(r)->free, BZ(r)->norders, sel_order(c));
}
static struct km_val g_alloc(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    return km_v_bool(r->kind == K_ZONE ? alloc_sel(c, r) : -1);
}
/* Most free memory in blocks too small for the selected order is a warning; nearly all, bad. */
static int a_unus(const struct km_vctx *c, const struct km_row *r)
{
    int m = r->kind == K_ZONE ? unusable_sel(c, r) : -1;
    return m >= 900 ? KM_ATTR_BAD : m >= 500 ? KM_ATTR_WARN : KM_ATTR_NORMAL;
}
static int a_alloc(const struct km_vctx *c, const struct km_row *r)
{
    int a = r->kind == K_ZONE ? alloc_sel(c, r) : -1;
    return a < 0 ? KM_ATTR_NORMAL : a ? KM_ATTR_GOOD : KM_ATTR_BAD;
}

/*
 * One character per order: how much of the free memory sits in blocks of
 * that order, in eighths (a blank is none at all). Unicode block elements
 * where the locale allows, ASCII otherwise and in batch text.
 */
static void f_spread(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    static const char *const uni[9] = {" ",
                                       "\xE2\x96\x81",
                                       "\xE2\x96\x82",
                                       "\xE2\x96\x83",
                                       "\xE2\x96\x84",
                                       "\xE2\x96\x85",
                                       "\xE2\x96\x86",
                                       "\xE2\x96\x87",
                                       "\xE2\x96\x88"}; /* U+2581..2588 */
    static const char ascii[] = " .:-=+*#@";
    int no;
    const int64_t *f = counts(r, &no);
    int64_t total = free_pages(r);
    size_t pos = 0;
    o[0] = '\0';
    if (KM_IS_NA(total) || total <= 0) {
        km_fmt_str(o, n, "-");
        return;
    }
    for (int k = 0; k < no && pos + 4 < n; k++) {
        double share = KM_IS_NA(f[k]) ? 0 : (double)f[k] * (double)(1LL << k) / (double)total;
        int level = share <= 0 ? 0 : (int)(share * 8 + 0.999);
        level = level > 8 ? 8 : level;
        if (c->utf8)
            pos += (size_t)snprintf(o + pos, n - pos, "%s", uni[level]);
        else
            o[pos++] = ascii[level];
        o[pos] = '\0';
    }
}

static void order_cell(const struct km_vctx *c, const struct km_row *r, int k, char *o, size_t n)
{
    int no;
    const int64_t *f = counts(r, &no);
    if (k >= no) {
        km_fmt_str(o, n, "-");
        return;
    }
    switch (r->kind) {
    case K_UNUSABLE:
        fmt_milli(o, n, km_frag_unusable_milli(f, no, k));
        break;
    case K_RATE:
        km_fmt_delta_rate(o, n, BZ(r)->rate[k]); /* free blocks come and go */
        break;
    case K_TYPE:
        if (PF(r)->capped & (1u << k)) {
            snprintf(o, n, ">%lld", (long long)f[k]);
            break;
        }
        /* fall through */
    default:
        km_fmt_int(o, n, f[k]);
    }
}
/* Order k's value: a zone's or type's free blocks, the unusable index, the change per second. */
static struct km_val order_value(const struct km_row *r, int k)
{
    int no;
    const int64_t *f = counts(r, &no);
    if (k >= no)
        return km_v_none();
    switch (r->kind) {
    case K_UNUSABLE:
        return milli_val(km_frag_unusable_milli(f, no, k));
    case K_RATE:
        return km_v_dbl(BZ(r)->rate[k]);
    default:
        return km_v_int(f[k]);
    }
}

#define ORDER_FNS(k)                                                                               \
    static void f_o##k(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)         \
    {                                                                                              \
        order_cell(c, r, k, o, n);                                                                 \
    }                                                                                              \
    static struct km_val g_o##k(const struct km_vctx *c, const struct km_row *r, char *o,          \
                                size_t n)                                                          \
    {                                                                                              \
        return order_value(r, k);                                                                  \
    }
ORDER_FNS(0)
ORDER_FNS(1)
ORDER_FNS(2)
ORDER_FNS(3)
ORDER_FNS(4)
ORDER_FNS(5)
ORDER_FNS(6)
ORDER_FNS(7)
ORDER_FNS(8)
ORDER_FNS(9)
ORDER_FNS(10)
ORDER_FNS(11)
ORDER_FNS(12)
ORDER_FNS(13)
ORDER_FNS(14)
ORDER_FNS(15)
ORDER_FNS(16)
ORDER_FNS(17)
ORDER_FNS(18)
ORDER_FNS(19)

#define ORDER_COL(k)                                                                               \
    {                                                                                              \
        KM_NUM("o" #k, "o" #k, NULL, 6, KM_U_COUNT, g_o##k,                                        \
               "free blocks of order " #k " (titled by block size); under a zone: unusable "       \
               "index, change per second, per migrate type"),                                      \
            .fmt = f_o##k,                                                                         \
            .prom = KM_PROMS({.name = "buddy_free_blocks", .kinds = 1u << K_ZONE,                 \
                              .label = "order", .lval = #k,                                        \
                              .help = "free blocks of each order on the zone's buddy lists"},      \
                             {.name = "zone_unusable_index", .kinds = 1u << K_UNUSABLE,           \
                              .label = "order", .lval = #k,                                        \
                              .help = "unusable free space index per order: the share of free "    \
                                      "memory in blocks too small for it (0 none .. 1 all)"},      \
                             {.name = "buddy_type_free_blocks", .kinds = 1u << K_TYPE,            \
                              .label = "order", .lval = #k,                                        \
                              .help = "free blocks of each order and migrate type "                \
                                      "(pagetypeinfo, root; a count the kernel capped is its "     \
                                      "lower bound)"})                                             \
    }

static const struct km_col cols[] = {
    {KM_TEXT("NODE/ZONE", "zone", 12, g_name,
             "node/zone; under it the unusable index, changes and migrate types"),
     .cmp = c_name},
    {KM_NUM("FREE", "free", NULL, 7, KM_U_BYTES, g_free,
            "free memory on the buddy lists (\">\": a lower bound, the kernel capped a count)"), .prio = KM_PRIO_TOP,
     .fmt = f_free,
     .prom = KM_PROMS({.name = "buddy_free_bytes", .kinds = 1u << K_ZONE,
                       .help = "free memory on the zone's buddy lists"},
                      {.name = "buddy_type_free_bytes", .kinds = 1u << K_TYPE,
                       .help = "free memory of the migrate type on the zone's buddy lists"})},
    {KM_NUM("MAXORD", "largest", NULL, 6, KM_U_COUNT, g_largest,
            "largest order with a free block"), .prio = KM_PRIO_HIGH,
     .prom = KM_PROMS({.name = "buddy_largest_free_order", .kinds = 1u << K_ZONE,
                       .help = "the largest order with a free block (absent when none is free)"})},
    {KM_NUM("PAGEBLOCKS", "pageblocks", NULL, 10, KM_U_COUNT, g_blocks,
            "pageblocks of the zone / of the migrate type"), .prio = KM_PRIO_NORMAL,
     .prom = KM_PROMS({.name = "zone_pageblocks", .kinds = 1u << K_ZONE,
                       .help = "pageblocks of the zone (pagetypeinfo, root)"},
                      {.name = "zone_type_pageblocks", .kinds = 1u << K_TYPE,
                       .help = "pageblocks of the migrate type (pagetypeinfo, root)"})},
    {KM_NUM("UNUS@o3", "unusable", NULL, 7, KM_U_COUNT, g_unus,
            "unusable free space index for the selected order: share of free memory in "
            "blocks too small for it (0 none .. 1 all)"), .prio = KM_PRIO_HIGH,
     .fmt = f_unus, .attr = a_unus},
    {.title = "ALLOC@o3",
     .key = "alloc",
     .width = 8,
     .align = KM_AL_RIGHT,
     .unit = KM_U_BOOL,
     .get = g_alloc,
     .attr = a_alloc,
     .help = "whether a free block of the selected order or larger exists now"},
    {KM_TEXT("BY ORDER", "spread", 11, NULL,
             "where the free memory is, one bar per order from 0: its share in eighths"), .prio = KM_PRIO_HIGH,
     .fmt = f_spread},
    ORDER_COL(0),
    ORDER_COL(1),
    ORDER_COL(2),
    ORDER_COL(3),
    ORDER_COL(4),
    ORDER_COL(5),
    ORDER_COL(6),
    ORDER_COL(7),
    ORDER_COL(8),
    ORDER_COL(9),
    ORDER_COL(10),
    ORDER_COL(11),
    ORDER_COL(12),
    ORDER_COL(13),
    ORDER_COL(14),
    ORDER_COL(15),
    ORDER_COL(16),
    ORDER_COL(17),
    ORDER_COL(18),
    ORDER_COL(19),
};

static bool col_shown(const struct km_vctx *c, int col)
{
    if (col == C_BLOCKS)
        return have_types(c);
    return col < C_ORDER0 || col - C_ORDER0 < c->s->bi.norders;
}

static void col_title(const struct km_vctx *c, int col, char *o, size_t n)
{
    if (col == C_UNUS || col == C_ALLOC) { /* "UNUS@o3" */
        char ord[24];
        km_fmt_int(ord, sizeof(ord), sel_order(c));
        km_cat(o, n, col == C_UNUS ? "UNUS@o" : "ALLOC@o", ord, (char *)NULL);
    }
    else if (col >= C_ORDER0)
        block_size(o, n, km_sat_shl(c->s->page_size, col - C_ORDER0));
}

/* Prometheus: node, zone, and a migrate type's migrate_type */
static void prom_labels(const struct km_vctx *c, const struct km_row *r, struct km_plabels *l)
{
    bool t = r->kind == K_TYPE;
    l->n = t ? 3 : 2;
    l->name[0] = "node";
    snprintf(l->val[0], sizeof(l->val[0]), "%d", t ? PF(r)->node : BZ(r)->node);
    l->name[1] = "zone";
    snprintf(l->val[1], sizeof(l->val[1]), "%s", t ? PF(r)->zone : BZ(r)->zone);
    l->name[2] = "migrate_type";
    snprintf(l->val[2], sizeof(l->val[2]), "%s", t ? PF(r)->type : "");
}

/* ---- rows ------------------------------------------------------------------ */

static bool any_rate(const struct km_buddy_zone *z)
{
    for (int k = 0; k < z->norders; k++)
        if (!isnan(z->rate[k]))
            return true;
    return false;
}

/* Quiet: a migrate type with no free block of any order and no pageblock (or none read). */
static bool type_quiet(const struct km_vctx *c, const struct km_row *r)
{
    const struct km_pti_free *f = PF(r);
    for (int k = 0; k < f->norders; k++)
        if (f->free[k] != 0)
            return false;
    int64_t pb = pageblocks(c, r);
    return KM_IS_NA(pb) || pb == 0;
}

static void rows(struct km_vm *vm, const struct km_vctx *c)
{
    const struct km_buddyinfo *bi = &c->s->bi;
    const struct km_pagetypeinfo *p = &c->s->pti;
    for (size_t i = 0; i < bi->n; i++) {
        const struct km_buddy_zone *z = &bi->zones[i];
        /* filter and search match the id: "node1/DMA32" (also "1/DMA32", "DMA32"); its
           children's ids are the zone's and a part of their own: "node1/DMA32/unusable" */
        struct km_id zid = {.n = 0};
        km_id_str(&zid, "node");
        km_id_int(&zid, z->node);
        km_id_str(&zid, "/");
        km_id_str(&zid, z->zone);
        size_t top = km_vm_add_id(vm, z, K_ZONE, 0, 0, NULL, &zid);
        km_id_str(&zid, "/");
        struct km_id id = zid;
        km_id_str(&id, "unusable");
        km_vm_add_id(vm, z, K_UNUSABLE, 1, top, "unusable", &id);
        if (any_rate(z)) {
            id = zid;
            km_id_str(&id, "rate");
            km_vm_add_id(vm, z, K_RATE, 1, top, "change/s", &id);
        }
        for (size_t t = 0; have_types(c) && t < p->nfree; t++) {
            const struct km_pti_free *f = &p->free[t];
            if (f->node == z->node && strcmp(f->zone, z->zone) == 0) {
                id = zid;
                km_id_str(&id, f->type);
                size_t r = km_vm_add_id(vm, f, K_TYPE, 1, top, f->type, &id);
                vm->rows[r].quiet = type_quiet(c, &vm->rows[r]);
            }
        }
    }
}

/* ---- notes ----------------------------------------------------------------- */

static void notes(const struct km_vm *vm, const struct km_vctx *c, km_line_fn line, void *arg)
{
    const struct km_source *so = &c->s->src[KM_SRC_PAGETYPEINFO];
    const struct km_pagetypeinfo *p = &c->s->pti;
    char buf[400], sz[16], bsz[16] = "";
    int order = sel_order(c);
    km_frame_warnings(c, vm->def->sources | KM_SRC_BIT(KM_SRC_PAGETYPEINFO), line, arg);
    if (c->s->src[KM_SRC_BUDDYINFO].status != KM_ST_OK)
        return; /* the frame says why there is no table */
    block_size(sz, sizeof(sz), km_sat_shl(c->s->page_size, order));
    if (so->status == KM_ST_OK && p->pageblock_order >= 0)
        block_size(bsz, sizeof(bsz), km_sat_shl(c->s->page_size, p->pageblock_order));
    int len = snprintf(buf, sizeof(buf), "Selected order %d (%s blocks)", order, sz);
    if (bsz[0])
        snprintf(buf + len, sizeof(buf) - (size_t)len, "; pageblock order %d (%s)",
                 p->pageblock_order, bsz);
    line(arg, KM_ATTR_NORMAL, buf);
    km_compaction_line(c, buf, sizeof(buf)); /* beside the fragmentation indexes */
    line(arg, KM_ATTR_NORMAL, buf);
    switch (so->status) {
    case KM_ST_OK:
        if (so->age > 0) {
            snprintf(buf, sizeof(buf),
                     "Migrate types as read %.0f s ago: /proc/pagetypeinfo holds the zone locks, "
                     "so it is read at most every %.0f s",
                     so->age, KM_PTI_MIN_INTERVAL);
            line(arg, KM_ATTR_DIM, buf);
        }
        return;
    case KM_ST_DENIED:
        line(arg, KM_ATTR_DIM,
             "Migrate types need root (/proc/pagetypeinfo is readable by root only)");
        return;
    case KM_ST_SKIPPED:
        line(arg, KM_ATTR_DIM,
             "Migrate types not read (/proc/pagetypeinfo holds the zone lock; "
             "--no-migrate-types)");
        return;
    case KM_ST_MISSING:
        if (c->s->root[0]) { /* a capture leaves out what it could not read */
            line(arg, KM_ATTR_DIM,
                 "No migrate types: /proc/pagetypeinfo is not in the captured tree (not "
                 "captured, unreadable where it was captured, or a kernel before 2.6.24)");
            return;
        }
        /* fall through */
    default:
        snprintf(buf, sizeof(buf), "Migrate types: %s", so->reason);
        line(arg, KM_ATTR_DIM, buf);
    }
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_types(const struct km_vctx *c, const struct km_buddy_zone *z, struct km_json *j)
{
    const struct km_pagetypeinfo *p = &c->s->pti;
    bool capped = false;
    km_json_obj(j, "types");
    for (size_t t = 0; t < p->nfree; t++) {
        const struct km_pti_free *f = &p->free[t];
        if (f->node != z->node || strcmp(f->zone, z->zone) != 0)
            continue;
        capped = capped || f->capped;
        km_json_arr(j, f->type);
        for (int k = 0; k < f->norders; k++)
            km_json_int_opt(j, NULL, f->free[k]);
        km_json_arr_end(j);
    }
    km_json_obj_end(j);
    if (!capped)
        return;
    /* the orders whose count the kernel printed as ">N" (the value is then N) */
    km_json_obj(j, "capped");
    for (size_t t = 0; t < p->nfree; t++) {
        const struct km_pti_free *f = &p->free[t];
        if (f->node != z->node || strcmp(f->zone, z->zone) != 0 || !f->capped)
            continue;
        km_json_arr(j, f->type);
        for (int k = 0; k < f->norders; k++)
            if (f->capped & (1u << k))
                km_json_int(j, NULL, k);
        km_json_arr_end(j);
    }
    km_json_obj_end(j);
}

static void json(const struct km_vm *vm, const struct km_vctx *c, struct km_json *j)
{
    km_json_arr(j, "rows");
    for (size_t v = 0; v < vm->nvis; v++) {
        const struct km_row *r = km_vm_row(vm, v);
        if (r->kind != K_ZONE)
            continue;
        const struct km_buddy_zone *z = BZ(r);
        km_json_obj(j, NULL);
        km_json_int(j, "node", z->node);
        km_json_str(j, "zone", z->zone);
        km_json_arr(j, "free");
        for (int k = 0; k < z->norders; k++)
            km_json_int(j, NULL, z->free[k]);
        km_json_arr_end(j);
        km_json_int(j, "free_pages", km_frag_free_pages(z->free, z->norders));
        km_json_int(j, "largest_order", km_frag_largest_order(z->free, z->norders));
        km_json_arr(j, "unusable_index");
        for (int k = 0; k < z->norders; k++)
            km_json_dbl(j, NULL, km_frag_unusable(z->free, z->norders, k));
        km_json_arr_end(j);
        if (have_types(c))
            json_types(c, z, j);
        km_json_obj_end(j);
    }
    km_json_arr_end(j);
    km_signals_json(j, c, "compaction", KM_SIG_COMPACT_STALL, KM_SIG_COMPACT_SUCCESS);
}

const struct km_view_def km_view_buddy = {
    .name = "buddy",
    .title = "Buddy",
    .sources = KM_SRC_BIT(KM_SRC_BUDDYINFO) | KM_SRC_BIT(KM_SRC_VMSTAT), /* vmstat: compaction */
    .cols = cols,
    .ncols = (int)KM_ARRAY_LEN(cols),
    .default_sort = 0,
    .rows = rows,
    .notes = notes,
    .json = json,
    .main_src = KM_SRC_BUDDYINFO,
    .col_shown = col_shown,
    .quiet_one = "all-zero migrate type",
    .quiet_many = "all-zero migrate types",
    .col_title = col_title,
    .state_init = km_buddy_state_init,
    .state_sources = km_buddy_state_sources,
    .keys = km_buddy_keys,
    .key = km_buddy_key,
    .opts = km_buddy_opts,
    .opt = km_buddy_opt,
    .status = km_buddy_status,
    .prom_labels = prom_labels,
};
