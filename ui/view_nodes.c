/*
 * view_nodes.c - NUMA nodes and, indented under each, its zones.
 *
 * Node rows come from node sysfs (meminfo, numastat, cpulist, distance) or,
 * without it, from the nodes zoneinfo/buddyinfo name; zone rows from
 * /proc/zoneinfo. Node ids are the kernel's (sparse ids stay as they are);
 * memory-less and CPU-less nodes are labelled. The table shows when either
 * source is readable. Sizes in bytes on screen (human units), pages in
 * JSON; derived figures are defined in doc/formulas.md. STATE and HEADROOM
 * follow the kernel's watermark check with lowmem_reserve (protection):
 * a zone's for allocations whose highest zone it is, a node's for those
 * that may use all its zones (view_nodes_state.c). The all-zones mode
 * (A, --all-zones) lists the zones of every node in one table, least
 * headroom first. The distance matrix is in view_nodes_dist.c.
 */
#include "fmt.h"
#include "frame.h"
#include "json.h"
#include "view_nodes.h"
#include "views.h"

#include "kmemtop/frag.h"
#include "kmemtop/sat.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

enum { K_NODE, K_ZONE };

#define NODE(r) ((const struct km_node *)(r)->rec)
#define ZONE(r) ((const struct km_zone *)(r)->rec)

/* Pages to bytes, saturating: a tree may hold any count and any page size. */
static int64_t pages(const struct km_vctx *c, int64_t p)
{
    return km_sat_mul(p, c->s->page_size);
}

/* ---- what a node is, from whichever source knows ------------------------ */

/* Sum of a zone field over the node's zoneinfo zones (pages), KM_NA if none. */
static int64_t zone_sum(const struct km_vctx *c, int node, size_t off)
{
    const struct km_zoneinfo *zi = &c->s->zi;
    int64_t t = KM_NA;
    for (size_t i = 0; i < zi->nzones; i++) {
        int64_t v = *(const int64_t *)((const char *)&zi->zones[i] + off);
        if (zi->zones[i].node == node)
            km_sat_acc(&t, v);
    }
    return t;
}

/*
 * 1, 0 or -1 (unknown). The sysfs masks decide when they were read (a node
 * whose flag disagrees with the mask got the "unknown" default), else the
 * cpulist / the node's memory.
 */
static int has_cpu(const struct km_vctx *c, const struct km_node *nd)
{
    const struct km_nodes *ns = &c->s->nodes;
    if (nd->sysfs && nd->has_cpu == km_mask_test(ns->has_cpu, nd->node))
        return nd->has_cpu;
    return nd->ncpus >= 0 ? nd->ncpus > 0 : -1;
}

static int has_memory(const struct km_vctx *c, const struct km_node *nd)
{
    const struct km_nodes *ns = &c->s->nodes;
    if (nd->sysfs && nd->has_memory == km_mask_test(ns->has_memory, nd->node))
        return nd->has_memory;
    if (!KM_IS_NA(nd->mem_total))
        return nd->mem_total > 0;
    int64_t present = zone_sum(c, nd->node, offsetof(struct km_zone, present));
    if (!KM_IS_NA(present))
        return present > 0;
    for (size_t i = 0; i < c->s->bi.n; i++)
        if (c->s->bi.zones[i].node == nd->node)
            return 1;
    return -1;
}

static int64_t node_total(const struct km_vctx *c, const struct km_node *nd)
{
    if (!KM_IS_NA(nd->mem_total))
        return nd->mem_total;
    return pages(c, zone_sum(c, nd->node, offsetof(struct km_zone, managed)));
}

static int64_t node_free(const struct km_vctx *c, const struct km_node *nd)
{
    if (!KM_IS_NA(nd->mem_free))
        return nd->mem_free;
    return pages(c, zone_sum(c, nd->node, offsetof(struct km_zone, free)));
}

static enum km_wm_state row_state(const struct km_vctx *c, const struct km_row *r)
{
    return r->kind == K_ZONE ? km_nodes_zone_state(c, ZONE(r)) : km_nodes_node_state(c, NODE(r)->node);
}

static int64_t row_headroom(const struct km_vctx *c, const struct km_row *r)
{
    return km_nodes_headroom(c, r->kind == K_ZONE ? ZONE(r) : NULL,
                             r->kind == K_ZONE ? ZONE(r)->node : NODE(r)->node);
}

/* Managed pages of the row (a node: of its zones); KM_NA if unknown. */
static int64_t row_managed(const struct km_vctx *c, const struct km_row *r)
{
    if (r->kind == K_ZONE)
        return ZONE(r)->managed;
    return zone_sum(c, NODE(r)->node, offsetof(struct km_zone, managed));
}

/* Interval share when there is a previous frame, since boot otherwise. */
static double local_share(const struct km_node *nd)
{
    if (!isnan(nd->rate_local_node) && !isnan(nd->rate_other_node))
        return km_local_share(nd->rate_local_node, nd->rate_other_node);
    return km_local_share_i64(nd->local_node, nd->other_node);
}

/* ---- fields ----------------------------------------------------------- */

/* "node1", labelled when it has no memory or no CPUs; a zone's name ("node1/Normal" listed alone) */
static struct km_val g_name(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    if (r->kind == K_ZONE && r->depth > 0)
        return km_v_str(ZONE(r)->zone);
    if (r->kind == K_ZONE) {
        snprintf(b, n, "node%d/%s", ZONE(r)->node, ZONE(r)->zone);
        return km_v_str(b);
    }
    const struct km_node *nd = NODE(r);
    snprintf(b, n, "node%d%s%s", nd->node, has_memory(c, nd) == 0 ? " (no memory)" : "",
             has_cpu(c, nd) == 0 ? " (no CPUs)" : "");
    return km_v_str(b);
}
/* by node number (zones keep their order under their node; listed alone, the file's order) */
static int c_name(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    if (a->kind == K_ZONE && b->kind == K_ZONE)
        return (ZONE(a) > ZONE(b)) - (ZONE(a) < ZONE(b));
    return NODE(a)->node - NODE(b)->node;
}
static struct km_val g_cpus(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_str(r->kind == K_NODE ? NODE(r)->cpulist : NULL);
}
static int64_t total(const struct km_vctx *c, const struct km_row *r)
{
    return r->kind == K_NODE ? node_total(c, NODE(r)) : pages(c, ZONE(r)->managed);
}
static int64_t freeb(const struct km_vctx *c, const struct km_row *r)
{
    return r->kind == K_NODE ? node_free(c, NODE(r)) : pages(c, ZONE(r)->free);
}
static struct km_val g_used(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    int64_t t = total(c, r), f = freeb(c, r);
    if (KM_IS_NA(t) || KM_IS_NA(f) || t <= 0)
        return km_v_none();
    return km_v_dbl(100.0 * ((double)t - (double)f) / (double)t); /* no int64 difference */
}

#define BYTES_GET(nm, expr) KM_GETTER(g_##nm, (void)0, km_v_int(expr))
BYTES_GET(total, total(c, r))
BYTES_GET(free, freeb(c, r))
BYTES_GET(file, r->kind == K_NODE ? NODE(r)->file_pages : KM_NA)
BYTES_GET(slab, r->kind == K_NODE ? NODE(r)->slab : KM_NA)
BYTES_GET(min, r->kind == K_ZONE ? pages(c, ZONE(r)->min) : KM_NA)
BYTES_GET(low, r->kind == K_ZONE ? pages(c, ZONE(r)->low) : KM_NA)
BYTES_GET(high, r->kind == K_ZONE ? pages(c, ZONE(r)->high) : KM_NA)
BYTES_GET(promo, r->kind == K_ZONE ? pages(c, ZONE(r)->promo) : KM_NA)
BYTES_GET(spanned, r->kind == K_ZONE ? pages(c, ZONE(r)->spanned) : KM_NA)
BYTES_GET(present, r->kind == K_ZONE ? pages(c, ZONE(r)->present) : KM_NA)
BYTES_GET(headroom, pages(c, row_headroom(c, r)))

static double head_share(const struct km_vctx *c, const struct km_row *r)
{
    int64_t h = row_headroom(c, r), m = row_managed(c, r);
    if (KM_IS_NA(h) || KM_IS_NA(m) || m <= 0)
        return NAN;
    return 100.0 * (double)h / (double)m;
}
static struct km_val g_headpct(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_dbl(head_share(c, r));
}
/* least headroom first; rows without a figure (empty zones) last */
static int c_headpct(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    double x = head_share(c, a), y = head_share(c, b);
    if (isnan(x) || isnan(y))
        return isnan(x) - isnan(y);
    return (x > y) - (x < y);
}
static int a_head(const struct km_vctx *c, const struct km_row *r)
{
    int64_t h = row_headroom(c, r);
    return KM_IS_NA(h) ? KM_ATTR_NORMAL : h <= 0 ? KM_ATTR_BAD : KM_ATTR_NORMAL;
}

/* ok is good; kswapd at work is a warning; direct reclaim is bad; an empty zone is dim */
static int a_state(const struct km_vctx *c, const struct km_row *r)
{
    switch (row_state(c, r)) {
    case KM_WM_OK:
        return KM_ATTR_GOOD;
    case KM_WM_BELOW_HIGH:
    case KM_WM_BELOW_LOW:
        return KM_ATTR_WARN;
    case KM_WM_BELOW_MIN:
        return KM_ATTR_BAD;
    case KM_WM_EMPTY:
        return KM_ATTR_DIM;
    default:
        return KM_ATTR_NORMAL;
    }
}
static struct km_val g_state(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_str(km_wm_state_name(row_state(c, r)));
}
static int c_state(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    enum km_wm_state x = row_state(c, a), y = row_state(c, b);
    /* pressure first when sorted largest first; empty ranks with unknown */
    int sx = x == KM_WM_EMPTY ? 0 : (int)x, sy = y == KM_WM_EMPTY ? 0 : (int)y;
    return (sx > sy) - (sx < sy);
}
static void f_prot(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    const struct km_zone *z = r->kind == K_ZONE ? ZONE(r) : NULL;
    km_fmt_str(o, n, "-");
    for (int i = 0; z && i < z->nprotection; i++) {
        char v[32];
        size_t len = i ? strlen(o) : 0;
        km_size_cell(c, pages(c, z->protection[i]), v, sizeof(v));
        snprintf(o + len, n - len, "%s%s", i ? "," : "", v);
    }
}

/* Rates once there is a previous frame; before that, numastat's counters since boot. */
static bool have_rates(const struct km_vctx *c)
{
    for (size_t i = 0; i < c->s->nodes.n; i++)
        if (!isnan(c->s->nodes.nodes[i].rate_numa_hit))
            return true;
    return false;
}

/*
 * A numastat column: its value is the rate (JSON, CSV); its cell and order
 * are the rate, or on a single frame (no rate yet for any node) the counter
 * since boot in pages, as numastat prints it, titled by its name.
 */
#define RATE_GET(fld)                                                                              \
    KM_GETTER(g_##fld, (void)0, km_v_dbl(r->kind == K_NODE ? NODE(r)->rate_##fld : NAN))         \
    static void f_##fld(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)        \
    {                                                                                              \
        if (have_rates(c))                                                                         \
            km_val_text(c, KM_U_RATE, g_##fld(c, r, NULL, 0), o, n);                               \
        else                                                                                       \
            km_fmt_int(o, n, r->kind == K_NODE ? NODE(r)->fld : KM_NA);                            \
    }                                                                                              \
    static int c_##fld(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)    \
    {                                                                                              \
        if (have_rates(c))                                                                         \
            return km_cmp_dbl(a->kind == K_NODE ? NODE(a)->rate_##fld : NAN,                       \
                              b->kind == K_NODE ? NODE(b)->rate_##fld : NAN);                      \
        return km_cmp_i64(a->kind == K_NODE ? NODE(a)->fld : KM_NA,                               \
                          b->kind == K_NODE ? NODE(b)->fld : KM_NA);                               \
    }
RATE_GET(numa_hit)
RATE_GET(numa_miss)
RATE_GET(numa_foreign)
RATE_GET(interleave_hit)
RATE_GET(local_node)
RATE_GET(other_node)

static struct km_val g_local(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_dbl(r->kind == K_NODE ? 100.0 * local_share(NODE(r)) : NAN);
}

#define RCOL(t, k, w, u, fn, h, ...)                                                               \
    {                                                                                              \
        KM_NUM(t, k, NULL, w, u, g_##fn, h), __VA_ARGS__                                           \
    }
#define SIZE_COL(t, k, fn, h, ...) RCOL(t, k, 7, KM_U_BYTES, fn, h, __VA_ARGS__)
/* Prometheus: a node's family (label node), a zone's (node, zone), a watermark (level) */
#define NODE_P(n, h) {.name = n, .kinds = 1u << K_NODE, .help = h}
#define ZONE_P(n, h) {.name = n, .kinds = 1u << K_ZONE, .help = h}
#define WM_P(lv)                                                                                   \
    .prom = KM_PROMS({.name = "zone_watermark_bytes", .kinds = 1u << K_ZONE, .label = "level",     \
                      .lval = lv,                                                                  \
                      .help = "zone watermarks (level min, low, high, promo) from zoneinfo"})
/* numastat's counters since boot, which the table shows as rates */
#define NUMA_GET(fld) KM_GETTER(g_c_##fld, (void)0, km_v_int(r->kind == K_NODE ? NODE(r)->fld : KM_NA))
NUMA_GET(numa_hit)
NUMA_GET(numa_miss)
NUMA_GET(numa_foreign)
NUMA_GET(interleave_hit)
NUMA_GET(local_node)
NUMA_GET(other_node)
#define NUMA_COL(fld, h)                                                                           \
    {                                                                                              \
        KM_NUM(#fld, "numastat_" #fld, NULL, 10, KM_U_COUNT, g_c_##fld, h),                        \
            .flags = KM_F_PROM_ONLY,                                                               \
            .prom = KM_PROMS({.name = "node_" #fld "_total", .kinds = 1u << K_NODE,               \
                              .type = KM_PROM_COUNTER})                                            \
    }
#define RATE_COL(t, k, fn, h) RCOL(t, k, 8, KM_U_RATE, fn, h, .fmt = f_##fn, .cmp = c_##fn, .prio = KM_PRIO_LOW)

enum {
    C_CPUS = 1,
    C_PROMO = 11,
    C_FILE,
    C_SLAB,
    C_RATE0, /* six numastat rates (counters on a single frame), then LOCAL% */
    C_LOCAL = C_RATE0 + 6,
    C_HEADPCT = 7,
};

static const struct km_col cols[] = {
    {KM_TEXT("NODE/ZONE", "node", 12, g_name,
             "NUMA node (labelled when it has no memory or no CPUs) and its zones"),
     .cmp = c_name},
    {KM_TEXT("CPUS", "cpus", 8, g_cpus, "the node's CPUs (cpulist)"), .prio = KM_PRIO_LOW, .nosort = true},
    SIZE_COL("TOTAL", "total", total, "node MemTotal; zone managed pages",
             .prom = KM_PROMS(NODE_P("node_mem_total_bytes", "node meminfo MemTotal"),
                              ZONE_P("zone_managed_bytes", "zone managed pages, in bytes")), .prio = KM_PRIO_TOP),
    SIZE_COL("FREE", "free", free, "node MemFree; zone free pages",
             .prom = KM_PROMS(NODE_P("node_mem_free_bytes", "node meminfo MemFree"),
                              ZONE_P("zone_free_bytes", "zone free pages, in bytes")), .prio = KM_PRIO_TOP),
    RCOL("USED%", "used", 6, KM_U_PCT, used, "share of total not free", .prio = KM_PRIO_NORMAL),
    {KM_TEXT("STATE", "state", 10, g_state,
             "free against the watermarks plus protection, as the kernel checks them: ok, "
             "below_high, below_low, below_min, empty; a zone for allocations whose highest "
             "zone it is, a node for allocations that may use all its zones (its best zone)"),
     .prio = KM_PRIO_TOP,
     .cmp = c_state, .attr = a_state, .desc = true},
    /* least headroom first */
    {.title = "HEADROOM", .key = "headroom", .width = 8, .align = KM_AL_RIGHT,
     .unit = KM_U_BYTES, .get = g_headroom, .attr = a_head, .prio = KM_PRIO_NORMAL,
     .help = "free - (low + protection): what can be allocated before kswapd is woken; a node: "
             "the sum over its zones for allocations that may use them all"},
    {.title = "HEAD%", .key = "headshare", .json = "headroom_pct", .width = 6,
     .align = KM_AL_RIGHT, .unit = KM_U_PCT, .get = g_headpct, .cmp = c_headpct, .attr = a_head,
     .prio = KM_PRIO_NORMAL,
     .help = "HEADROOM as a share of managed pages"},
    SIZE_COL("MIN", "min", min, "zone min watermark: below it allocations reclaim directly",
             WM_P("min"), .prio = KM_PRIO_HIGH),
    SIZE_COL("LOW", "low", low, "zone low watermark: below it kswapd is woken", WM_P("low"), .prio = KM_PRIO_HIGH),
    SIZE_COL("HIGH", "high", high, "zone high watermark: kswapd reclaims up to it", WM_P("high"), .prio = KM_PRIO_NORMAL),
    SIZE_COL("PROMO", "promo", promo, "zone promotion watermark (memory tiering, 6.12+)",
             WM_P("promo"), .prio = KM_PRIO_NORMAL),
    SIZE_COL("FILE", "file", file, "node FilePages (page cache)",
             .prom = KM_PROMS(NODE_P("node_file_bytes", NULL)), .prio = KM_PRIO_NORMAL),
    SIZE_COL("SLAB", "slab", slab, "node Slab", .prom = KM_PROMS(NODE_P("node_slab_bytes", NULL)), .prio = KM_PRIO_NORMAL),
    RATE_COL("HIT/s", "hit", numa_hit, "numa_hit per second: allocated on this node as intended"),
    RATE_COL("MISS/s", "miss", numa_miss,
             "numa_miss per second: allocated here though another node was preferred"),
    RATE_COL("FOREIGN/s", "foreign", numa_foreign,
             "numa_foreign per second: meant for this node, allocated elsewhere"),
    RATE_COL("INTLV/s", "interleave", interleave_hit, "interleave_hit per second"),
    RATE_COL("LOCAL/s", "local", local_node,
             "local_node per second: allocated here by this node's CPUs"),
    RATE_COL("OTHER/s", "other", other_node,
             "other_node per second: allocated here by other nodes' CPUs"),
    RCOL("LOCAL%", "localshare", 6, KM_U_PCT, local,
         "local_node / (local_node + other_node): over the last interval, since boot on "
         "the first frame", .prio = KM_PRIO_HIGH),
    SIZE_COL("SPANNED", "spanned", spanned, "zone PFN range, holes included",
             .prom = KM_PROMS(ZONE_P("zone_spanned_bytes", NULL)), .prio = KM_PRIO_LOW),
    SIZE_COL("PRESENT", "present", present, "zone physical pages present",
             .prom = KM_PROMS(ZONE_P("zone_present_bytes", NULL)), .prio = KM_PRIO_LOW),
    {KM_TEXT("PROTECTION", "protection", 10, NULL,
             "zone lowmem_reserve[]: kept back from allocations that could use each zone"), .prio = KM_PRIO_HIGH,
     .fmt = f_prot},
    /* Prometheus only */
    NUMA_COL(numa_hit, "numa_hit since boot: pages allocated on this node as intended"),
    NUMA_COL(numa_miss, "numa_miss since boot: pages allocated here though another node was preferred"),
    NUMA_COL(numa_foreign, "numa_foreign since boot: pages meant for this node, allocated elsewhere"),
    NUMA_COL(interleave_hit, "interleave_hit since boot"),
    NUMA_COL(local_node, "local_node since boot: pages allocated here by this node's CPUs"),
    NUMA_COL(other_node, "other_node since boot: pages allocated here by other nodes' CPUs"),
};

/* ---- the view's own state: the all-zones mode ----------------------------- */

struct nodes_state {
    bool zones; /* every node's zones in one table, not nodes with their zones */
};
_Static_assert(sizeof(struct nodes_state) <= KM_VSTATE_MAX, "the nodes state fits");

static bool all_zones(const struct km_vctx *c)
{
    const struct nodes_state *st = km_view_state(c, &km_view_nodes);
    return st && st->zones;
}

static const struct km_view_key keys[] = {
    {"A", KG_FIND, "Nodes view: all zones of every node in one list, least headroom first "
                   "(again: nodes with their zones)", false},
    {NULL, 0, NULL, false},
};

static bool key(void *p, const struct km_vctx *c, int ch, char *status, size_t n)
{
    struct nodes_state *st = p;
    st->zones = !st->zones;
    snprintf(status, n, "%s", st->zones ? "All zones, least headroom first" : "Nodes and their zones");
    return true;
}

static const struct km_view_opt opts[] = {
    {"all-zones", false,
     "      --all-zones        nodes view: the zones of every node in one list, least headroom first"},
    {NULL, false, NULL},
};

static const char *opt(void *p, const char *name, const char *arg)
{
    ((struct nodes_state *)p)->zones = true;
    return NULL;
}

static void status(const void *p, char *out, size_t n)
{
    snprintf(out, n, "%s", ((const struct nodes_state *)p)->zones ? "all zones  " : "");
}

/* the all-zones mode sorts by headroom share unless another sort was chosen */
static int sort_for(const void *p)
{
    return p && ((const struct nodes_state *)p)->zones ? C_HEADPCT : 0;
}

/* PROMO only for kernels that print it. */
static bool col_shown(const struct km_vctx *c, int col)
{
    if (col != C_PROMO)
        return true;
    for (size_t i = 0; i < c->s->zi.nzones; i++)
        if (!KM_IS_NA(c->s->zi.zones[i].promo))
            return true;
    return false;
}

/* Tables of zones alone have no node columns (CSV keeps them, empty). */
static bool col_table(const struct km_vctx *c, int col)
{
    bool node_col = col == C_CPUS || col == C_FILE || col == C_SLAB ||
                    (col >= C_RATE0 && col <= C_LOCAL);
    return !node_col || !all_zones(c);
}

/* The numastat columns on a single frame: the counters' own names. */
static void col_title(const struct km_vctx *c, int col, char *out, size_t n)
{
    static const char *const names[] = {"numa_hit",       "numa_miss",  "numa_foreign",
                                        "interleave_hit", "local_node", "other_node"};
    out[0] = '\0';
    if (col >= C_RATE0 && col < C_LOCAL && !have_rates(c))
        snprintf(out, n, "%s", names[col - C_RATE0]);
}

/* Prometheus: node, and zone for a zone */
static void prom_labels(const struct km_vctx *c, const struct km_row *r, struct km_plabels *l)
{
    l->n = r->kind == K_ZONE ? 2 : 1;
    l->name[0] = "node";
    snprintf(l->val[0], sizeof(l->val[0]), "%d", r->kind == K_ZONE ? ZONE(r)->node : NODE(r)->node);
    l->name[1] = "zone";
    snprintf(l->val[1], sizeof(l->val[1]), "%s", r->kind == K_ZONE ? ZONE(r)->zone : "");
}

static void rows(struct km_vm *vm, const struct km_vctx *c)
{
    const struct km_nodes *ns = &c->s->nodes;
    const struct km_zoneinfo *zi = &c->s->zi;
    bool flat = all_zones(c);
    for (size_t i = 0; i < ns->n; i++) {
        const struct km_node *nd = &ns->nodes[i];
        /* filter and search match the ids ("node1", "node1/DMA32") */
        struct km_id nid = {.n = 0};
        km_id_str(&nid, "node");
        km_id_int(&nid, nd->node);
        size_t p = flat ? 0 : km_vm_add_id(vm, nd, K_NODE, 0, 0, NULL, &nid);
        km_id_str(&nid, "/");
        for (size_t z = 0; z < zi->nzones; z++)
            if (zi->zones[z].node == nd->node) {
                struct km_id id = nid;
                km_id_str(&id, zi->zones[z].zone);
                size_t zr = km_vm_add_id(vm, &zi->zones[z], K_ZONE, flat ? 0 : 1, p, NULL, &id);
                /* quiet: an empty zone (no managed pages); a node row never is */
                vm->rows[zr].quiet = km_zone_wm_state(&zi->zones[z]) == KM_WM_EMPTY;
            }
    }
}

static void notes(const struct km_vm *vm, const struct km_vctx *c, km_line_fn line, void *arg)
{
    const struct km_source *zs = &c->s->src[KM_SRC_ZONEINFO];
    const struct km_source *ns = &c->s->src[KM_SRC_NODES];
    char buf[400];
    km_frame_warnings(c, vm->def->sources, line, arg);
    bool zok = zs->status == KM_ST_OK, nok = ns->status == KM_ST_OK;
    if (zok == nok)
        return; /* both shown, or neither (the frame says why) */
    if (!zok)
        snprintf(buf, sizeof(buf), "Zones: %s", zs->reason);
    else
        snprintf(buf, sizeof(buf), "Node CPUs, meminfo and numastat: %s", ns->reason);
    line(arg, KM_ATTR_DIM, buf);
}

/* Enter on a node: its distances to every node, and its counters since boot. */
static void details(const struct km_vctx *c, const struct km_row *r, km_line_fn line, void *arg)
{
    if (r->kind == K_NODE)
        km_nodes_distance_row(c, NODE(r), line, arg);
}

/* ---- JSON ---------------------------------------------------------------- */

static void json_bool3(struct km_json *j, const char *key, int v)
{
    if (v < 0)
        km_json_null(j, key);
    else
        km_json_bool(j, key, v);
}

static void json_state(struct km_json *j, const char *st)
{
    if (st)
        km_json_str(j, "state", st);
    else
        km_json_null(j, "state");
}

static void json_zone(struct km_json *j, const struct km_vctx *c, const struct km_zone *z,
                      bool with_node)
{
    km_json_obj(j, NULL);
    if (with_node)
        km_json_int(j, "node", z->node);
    km_json_str(j, "zone", z->zone);
    km_json_int_opt(j, "free", z->free);
    km_json_int_opt(j, "min", z->min);
    km_json_int_opt(j, "low", z->low);
    km_json_int_opt(j, "high", z->high);
    km_json_int_omit(j, "promo", z->promo);
    km_json_int_opt(j, "spanned", z->spanned);
    km_json_int_opt(j, "present", z->present);
    km_json_int_opt(j, "managed", z->managed);
    km_json_arr(j, "protection");
    for (int i = 0; i < z->nprotection; i++)
        km_json_int_opt(j, NULL, z->protection[i]);
    km_json_arr_end(j);
    json_state(j, km_nodes_state_name(c, z, z->node));
    km_json_int_opt(j, "headroom", km_nodes_headroom(c, z, z->node));
    km_json_obj_end(j);
}

static void json_node(struct km_json *j, const struct km_vctx *c, const struct km_node *nd)
{
    km_json_int(j, "node", nd->node);
    km_json_str(j, "cpus", nd->cpulist);
    km_json_int_opt(j, "mem_total", nd->mem_total);
    km_json_int_opt(j, "mem_free", nd->mem_free);
    km_json_int_opt(j, "numa_hit", nd->numa_hit);
    km_json_int_opt(j, "numa_miss", nd->numa_miss);
    km_json_int_opt(j, "numa_foreign", nd->numa_foreign);
    km_json_int_opt(j, "interleave_hit", nd->interleave_hit);
    km_json_int_opt(j, "local_node", nd->local_node);
    km_json_int_opt(j, "other_node", nd->other_node);
    km_json_obj(j, "rates");
    km_json_dbl(j, "numa_hit", nd->rate_numa_hit);
    km_json_dbl(j, "numa_miss", nd->rate_numa_miss);
    km_json_dbl(j, "numa_foreign", nd->rate_numa_foreign);
    km_json_dbl(j, "interleave_hit", nd->rate_interleave_hit);
    km_json_dbl(j, "local_node", nd->rate_local_node);
    km_json_dbl(j, "other_node", nd->rate_other_node);
    km_json_obj_end(j);
    km_json_arr(j, "distance");
    for (int k = 0; k < nd->ndistance; k++)
        km_json_int(j, NULL, nd->distance[k]);
    km_json_arr_end(j);
    json_bool3(j, "has_cpu", has_cpu(c, nd));
    json_bool3(j, "has_memory", has_memory(c, nd));
    json_state(j, km_nodes_state_name(c, NULL, nd->node));
    km_json_int_opt(j, "headroom", km_nodes_headroom(c, NULL, nd->node));
}

static void json(const struct km_vm *vm, const struct km_vctx *c, struct km_json *j)
{
    km_json_arr(j, "rows");
    for (size_t v = 0; v < vm->nvis; v++) {
        const struct km_row *r = km_vm_row(vm, v);
        if (r->kind == K_ZONE && r->depth == 0) /* --all-zones: zones, each naming its node */
            json_zone(j, c, ZONE(r), true);
        if (r->kind != K_NODE)
            continue;
        km_json_obj(j, NULL);
        json_node(j, c, NODE(r));
        km_json_arr(j, "zones");
        for (size_t w = v + 1; w < vm->nvis && km_vm_row(vm, w)->kind == K_ZONE; w++)
            json_zone(j, c, ZONE(km_vm_row(vm, w)), false);
        km_json_arr_end(j);
        km_json_obj_end(j);
    }
    km_json_arr_end(j);
}

const struct km_view_def km_view_nodes = {
    .name = "nodes",
    .title = "Nodes",
    .sources = KM_SRC_BIT(KM_SRC_NODES) | KM_SRC_BIT(KM_SRC_ZONEINFO),
    .cols = cols,
    .ncols = (int)KM_ARRAY_LEN(cols),
    .default_sort = 0,
    .rows = rows,
    .notes = notes,
    .footer = km_nodes_footer,
    .json = json,
    .main_src = KM_SRC_ZONEINFO,
    .main_any = KM_SRC_BIT(KM_SRC_ZONEINFO) | KM_SRC_BIT(KM_SRC_NODES),
    .col_shown = col_shown,
    .col_table = col_table,
    .col_title = col_title,
    .quiet_one = "empty zone",
    .quiet_many = "empty zones",
    .prom_labels = prom_labels,
    .sort_for = sort_for,
    .keys = keys,
    .key = key,
    .opts = opts,
    .opt = opt,
    .status = status,
    .details = details,
};
