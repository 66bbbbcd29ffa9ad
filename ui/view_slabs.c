/*
 * view_slabs.c - slab caches by memory footprint (/proc/slabinfo), with
 * slabtop's columns and sort letters, what each cache wastes, and how fast
 * it grows. Above the table: slabtop's totals, meminfo's Slab counters and
 * their gap to the caches, per NUMA node. Without root (/proc/slabinfo is
 * 0400) only those counters are shown, with the reason.
 */
#include "fmt.h"
#include "frame.h"
#include "json.h"
#include "views.h"

#include "kmemtop/slabstat.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SL(r) ((const struct km_slab *)(r)->rec)

#define INT_COL_FNS(fld)                                                                           \
    static void f_##fld(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)        \
    {                                                                                              \
        km_fmt_int(o, n, SL(r)->fld);                                                              \
    }                                                                                              \
    static int c_##fld(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)    \
    {                                                                                              \
        return km_cmp_i64(SL(a)->fld, SL(b)->fld);                                                    \
    }
INT_COL_FNS(num_objs)
INT_COL_FNS(active_objs)
INT_COL_FNS(num_slabs)
INT_COL_FNS(active_slabs)
INT_COL_FNS(objs_per_slab)
INT_COL_FNS(pages_per_slab)
INT_COL_FNS(obj_size)

/* Byte columns: the value, shown scaled (exact with --raw). */
#define SIZE_COL_FNS(nm, expr)                                                                     \
    static int64_t v_##nm(const struct km_vctx *c, const struct km_slab *s)                        \
    {                                                                                              \
        return (expr);                                                                             \
    }                                                                                              \
    static void f_##nm(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)         \
    {                                                                                              \
        km_size_cell(c, v_##nm(c, SL(r)), o, n);                                                      \
    }                                                                                              \
    static int c_##nm(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)     \
    {                                                                                              \
        return km_cmp_i64(v_##nm(c, SL(a)), v_##nm(c, SL(b)));                                        \
    }
SIZE_COL_FNS(foot, s->footprint)
SIZE_COL_FNS(waste, km_slab_waste(s))
SIZE_COL_FNS(leftover, km_slab_leftover(s, c->s->page_size))

static void f_name(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    snprintf(o, n, "%s", SL(r)->name);
}
static int c_name(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    int d = strcmp(SL(a)->name, SL(b)->name);
    return d ? d : SL(a)->ordinal - SL(b)->ordinal;
}
static void f_use(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    int p = km_slab_use_floor(SL(r));
    if (p < 0)
        snprintf(o, n, "-");
    else
        snprintf(o, n, "%d%%", p);
}
static int c_use(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return km_cmp_dbl(km_slab_use_pct(SL(a)), km_slab_use_pct(SL(b)));
}
static void f_growth(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    double g = SL(r)->growth;
    if (c->raw && !isnan(g))
        snprintf(o, n, "%+.1f", g);
    else
        km_fmt_size_rate(o, n, g);
}
static int c_growth(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return km_cmp_dbl(SL(a)->growth, SL(b)->growth);
}
/* A cache that grows is what slabtop users hunt for; one that shrinks gives memory back. */
static int a_growth(const struct km_vctx *c, const struct km_row *r)
{
    double g = SL(r)->growth;
    return g > 0 ? KM_ATTR_BAD : g < 0 ? KM_ATTR_GOOD : KM_ATTR_NORMAL;
}
static void f_recl(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    int v = SL(r)->reclaimable;
    snprintf(o, n, "%s", v < 0 ? "-" : v ? "yes" : "no");
}
static int c_recl(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return SL(a)->reclaimable - SL(b)->reclaimable;
}
static void f_aliases(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    int v = SL(r)->naliases;
    v < 0 ? snprintf(o, n, "-") : snprintf(o, n, "%d", v);
}
static int c_aliases(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return SL(a)->naliases - SL(b)->naliases;
}

/* A cache's bytes on one node: its slabs there x pages per slab x page size. */
static int64_t node_bytes(const struct km_vctx *c, const struct km_slab *s, int i)
{
    int64_t b, per;
    if (KM_IS_NA(s->pages_per_slab) || c->s->page_size <= 0 ||
        __builtin_mul_overflow(s->pages_per_slab, (int64_t)c->s->page_size, &per) ||
        __builtin_mul_overflow(s->nodes[i].slabs, per, &b))
        return KM_NA;
    return b;
}
static void f_nodes(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    const struct km_slab *s = SL(r);
    size_t pos = 0;
    o[0] = '\0';
    for (int i = 0; i < s->nnodes && pos + 1 < n; i++) {
        char v[24];
        km_size_cell(c, node_bytes(c, s, i), v, sizeof(v));
        int w = snprintf(o + pos, n - pos, "%sN%d:%s", i ? "," : "", s->nodes[i].node, v);
        pos += w > 0 ? (size_t)w : 0;
    }
    if (!s->nnodes)
        snprintf(o, n, "-");
}

enum {
    COL_NAME,
    COL_OBJS,
    COL_ACTIVE,
    COL_USE,
    COL_OBJSIZE,
    COL_SLABS,
    COL_ASLABS,
    COL_PERSLAB,
    COL_PAGES,
    COL_FOOT,
    COL_WASTE,
    COL_LEFTOVER,
    COL_GROWTH,
    COL_RECL,
    COL_ALIASES,
    COL_NODES,
    NCOLS
};

#define ACTIVE_NOTE                                                                                \
    " (SLUB counts objects on per-CPU slabs as active; since Linux 6.9/6.10 a node with more "     \
    "than 10000 partial slabs has its free objects estimated, not counted)"

static const struct km_col cols[NCOLS] = {
    [COL_NAME] = {.title = "NAME",
                  .key = "name",
                  .letter = 'n',
                  .width = 24,
                  .align = KM_AL_LEFT,
                  .fmt = f_name,
                  .cmp = c_name,
                  .help = "cache name (a name listed twice is two rows)"},
    [COL_OBJS] = {.title = "OBJS",
                  .key = "objs",
                  .letter = 'o',
                  .width = 8,
                  .align = KM_AL_RIGHT,
                  .fmt = f_num_objs,
                  .cmp = c_num_objs,
                  .desc = true,
                  .help = "objects the cache's slabs hold, in use or free"},
    [COL_ACTIVE] = {.title = "ACTIVE",
                    .key = "active",
                    .letter = 'a',
                    .width = 8,
                    .align = KM_AL_RIGHT,
                    .fmt = f_active_objs,
                    .cmp = c_active_objs,
                    .desc = true,
                    .help = "objects in use" ACTIVE_NOTE},
    [COL_USE] = {.title = "USE",
                 .key = "use",
                 .letter = 'u',
                 .width = 4,
                 .align = KM_AL_RIGHT,
                 .fmt = f_use,
                 .cmp = c_use,
                 .desc = true,
                 .help = "active / objects, rounded down as slabtop does; - for an empty cache"},
    [COL_OBJSIZE] = {.title = "OBJ SIZE",
                     .key = "objsize",
                     .letter = 's',
                     .width = 8,
                     .align = KM_AL_RIGHT,
                     .fmt = f_obj_size,
                     .cmp = c_obj_size,
                     .desc = true,
                     .help = "bytes per object, metadata and padding included"},
    [COL_SLABS] = {.title = "SLABS",
                   .key = "slabs",
                   .letter = 'l',
                   .width = 7,
                   .align = KM_AL_RIGHT,
                   .fmt = f_num_slabs,
                   .cmp = c_num_slabs,
                   .desc = true,
                   .help = "slabs"},
    [COL_ASLABS] = {.title = "ASLABS",
                    .key = "aslabs",
                    .letter = 'v',
                    .width = 7,
                    .align = KM_AL_RIGHT,
                    .fmt = f_active_slabs,
                    .cmp = c_active_slabs,
                    .desc = true,
                    .help = "active slabs: slabs with an object in use (SLAB allocator; equal "
                            "to SLABS with SLUB, then the column is hidden)"},
    [COL_PERSLAB] = {.title = "OBJ/SLAB",
                     .key = "objperslab",
                     .letter = 'b',
                     .width = 8,
                     .align = KM_AL_RIGHT,
                     .fmt = f_objs_per_slab,
                     .cmp = c_objs_per_slab,
                     .desc = true,
                     .help = "objects per slab"},
    [COL_PAGES] = {.title = "PAGES/SLAB",
                   .key = "pagesperslab",
                   .letter = 'p',
                   .width = 10,
                   .align = KM_AL_RIGHT,
                   .fmt = f_pages_per_slab,
                   .cmp = c_pages_per_slab,
                   .desc = true,
                   .help = "pages per slab (2^order)"},
    [COL_FOOT] = {.title = "FOOTPRINT",
                  .key = "footprint",
                  .letter = 'c',
                  .width = 9,
                  .align = KM_AL_RIGHT,
                  .fmt = f_foot,
                  .cmp = c_foot,
                  .desc = true,
                  .help = "memory the cache holds: slabs x pages per slab x page size "
                          "(slabtop's CACHE SIZE)"},
    [COL_WASTE] = {.title = "WASTE",
                   .key = "waste",
                   .width = 8,
                   .align = KM_AL_RIGHT,
                   .fmt = f_waste,
                   .cmp = c_waste,
                   .desc = true,
                   .help = "footprint - active objects x object size: held but not used by "
                           "live objects"},
    [COL_LEFTOVER] = {.title = "LEFTOVER",
                      .key = "leftover",
                      .width = 8,
                      .align = KM_AL_RIGHT,
                      .fmt = f_leftover,
                      .cmp = c_leftover,
                      .desc = true,
                      .help = "per slab: pages per slab x page size - objects per slab x "
                              "object size, the bytes no object can use"},
    [COL_GROWTH] = {.title = "GROWTH",
                    .key = "growth",
                    .width = 9,
                    .align = KM_AL_RIGHT,
                    .fmt = f_growth,
                    .cmp = c_growth,
                    .attr = a_growth,
                    .desc = true,
                    .help = "footprint change per second since the previous frame"},
    [COL_RECL] = {.title = "RECL",
                  .key = "reclaimable",
                  .width = 4,
                  .align = KM_AL_RIGHT,
                  .fmt = f_recl,
                  .cmp = c_recl,
                  .desc = true,
                  .help = "reclaimable (SLAB_RECLAIM_ACCOUNT), from /sys/kernel/slab (root)"},
    [COL_ALIASES] = {.title = "ALIASES",
                     .key = "aliases",
                     .width = 7,
                     .align = KM_AL_RIGHT,
                     .fmt = f_aliases,
                     .cmp = c_aliases,
                     .desc = true,
                     .help = "caches merged into this one (SLUB), from /sys/kernel/slab"},
    [COL_NODES] = {.title = "PER NODE",
                   .key = "nodes",
                   .width = 20,
                   .align = KM_AL_LEFT,
                   .fmt = f_nodes,
                   .help = "memory per NUMA node: the node's slabs (sysfs `slabs`, root, "
                           "SLUB_DEBUG) x pages per slab x page size"},
};

/* Columns that carry nothing on this sample are hidden (their sort still works). */
static bool col_shown(const struct km_vctx *c, int col)
{
    const struct km_slabs *s = &c->s->slabs;
    for (size_t i = 0; i < s->n; i++) {
        const struct km_slab *k = &s->slabs[i];
        if ((col == COL_ASLABS && k->active_slabs != k->num_slabs) ||
            (col == COL_RECL && k->reclaimable >= 0) || (col == COL_ALIASES && k->naliases >= 0) ||
            (col == COL_NODES && k->nnodes > 0))
            return true;
    }
    return col != COL_ASLABS && col != COL_RECL && col != COL_ALIASES && col != COL_NODES;
}

static void rows(struct km_vm *vm, const struct km_vctx *c)
{
    const struct km_slabs *s = &c->s->slabs;
    if (c->s->src[KM_SRC_SLABINFO].status != KM_ST_OK)
        return;
    for (size_t i = 0; i < s->n; i++)
        km_vm_add(vm, &s->slabs[i], 0, 0, 0, s->slabs[i].name, "%s#%d", s->slabs[i].name,
                  s->slabs[i].ordinal);
}

/* ---- the summary above the table ------------------------------------------ */


static double pct(int64_t part, int64_t whole)
{
    if (KM_IS_NA(part) || KM_IS_NA(whole) || whole <= 0)
        return NAN;
    return 100.0 * (double)part / (double)whole;
}

static void notes_totals(const struct km_vctx *c, km_line_fn line, void *arg)
{
    const struct km_slab_summary t = c->s->slabsum;
    char buf[512], p1[16], p2[16], p3[16], p4[16], a[24], b[24], mn[24], av[24], mx[24];
    km_fmt_pct(p1, sizeof(p1), pct(t.active_objs, t.objs));
    km_fmt_pct(p2, sizeof(p2), pct(t.active_slabs, t.slabs));
    km_fmt_pct(p3, sizeof(p3), pct(t.active_caches, t.caches));
    snprintf(buf, sizeof(buf),
             "Active / Total Objects: %lld / %lld (%s) | Slabs: %lld / %lld (%s) | "
             "Caches: %lld / %lld (%s)",
             (long long)t.active_objs, (long long)t.objs, p1, (long long)t.active_slabs,
             (long long)t.slabs, p2, (long long)t.active_caches, (long long)t.caches, p3);
    line(arg, KM_ATTR_NORMAL, buf);
    km_size_cell(c, t.active_size, a, sizeof(a));
    km_size_cell(c, t.size, b, sizeof(b));
    km_fmt_pct(p4, sizeof(p4), pct(t.active_size, t.size));
    km_size_cell(c, t.min_obj_size, mn, sizeof(mn));
    km_size_cell(c, t.avg_obj_size, av, sizeof(av));
    km_size_cell(c, t.max_obj_size, mx, sizeof(mx));
    snprintf(buf, sizeof(buf),
             "Active / Total Size: %s / %s (%s) | Minimum / Average / Maximum Object: %s / %s / %s",
             a, b, p4, mn, av, mx);
    line(arg, KM_ATTR_NORMAL, buf);
}

/* meminfo's Slab counters, and how much of Slab no cache accounts for. */
static void notes_meminfo(const struct km_vctx *c, bool have_caches, km_line_fn line, void *arg)
{
    const struct km_meminfo *m = &c->s->mem;
    char buf[512], s[24], r[24], u[24], f[24], g[24], w[24], gr[24];
    if (c->s->src[KM_SRC_MEMINFO].status != KM_ST_OK)
        return;
    km_size_cell(c, m->slab, s, sizeof(s));
    km_size_cell(c, m->sreclaimable, r, sizeof(r));
    km_size_cell(c, m->sunreclaim, u, sizeof(u));
    snprintf(buf, sizeof(buf), "meminfo Slab: %s (SReclaimable %s, SUnreclaim %s)", s, r, u);
    if (have_caches) {
        const struct km_slab_summary t = c->s->slabsum;
        int64_t gap = KM_IS_NA(m->slab) || KM_IS_NA(t.footprint) ? KM_NA : m->slab - t.footprint;
        km_size_cell(c, t.footprint, f, sizeof(f));
        km_size_cell(c, gap, g, sizeof(g));
        km_size_cell(c, t.waste, w, sizeof(w));
        c->raw && !isnan(t.growth) ? (void)snprintf(gr, sizeof(gr), "%+.1f", t.growth)
                                   : km_fmt_size_rate(gr, sizeof(gr), t.growth);
        line(arg, KM_ATTR_NORMAL, buf);
        snprintf(buf, sizeof(buf),
                 "Footprint: %s (Slab - Footprint: %s in no cache) | Waste: %s | Growth: %s", f, g,
                 w, gr);
    }
    line(arg, KM_ATTR_NORMAL, buf);
}

/*
 * Node meminfo is readable by everyone. Without slabinfo it is the main
 * content: one line per node; with it, one line for all nodes.
 */
static void notes_nodes(const struct km_vctx *c, bool compact, km_line_fn line, void *arg)
{
    const struct km_nodes *ns = &c->s->nodes;
    char buf[512], s[24], r[24], u[24];
    int n = snprintf(buf, sizeof(buf), "Slab per node:");
    bool any = false;
    for (size_t i = 0; i < ns->n; i++) {
        const struct km_node *nd = &ns->nodes[i];
        if (KM_IS_NA(nd->slab) && KM_IS_NA(nd->sreclaimable) && KM_IS_NA(nd->sunreclaim))
            continue;
        km_size_cell(c, nd->slab, s, sizeof(s));
        km_size_cell(c, nd->sreclaimable, r, sizeof(r));
        km_size_cell(c, nd->sunreclaim, u, sizeof(u));
        if (!compact) {
            snprintf(buf, sizeof(buf), "Node %d Slab: %s (SReclaimable %s, SUnreclaim %s)",
                     nd->node, s, r, u);
            line(arg, KM_ATTR_NORMAL, buf);
        } else if (n >= 0 && (size_t)n < sizeof(buf)) {
            n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s node%d %s (%s recl.)",
                          any ? " |" : "", nd->node, s, r);
        }
        any = true;
    }
    if (compact && any)
        line(arg, KM_ATTR_NORMAL, buf);
}

static void notes(const struct km_vm *vm, const struct km_vctx *c, km_line_fn line, void *arg)
{
    const struct km_source *so = &c->s->src[KM_SRC_SLABINFO];
    bool ok = so->status == KM_ST_OK;
    km_frame_warnings(c, vm->def->sources, line, arg);
    if (ok) {
        notes_totals(c, line, arg);
    } else if (so->status == KM_ST_DENIED) {
        /* the renderers show the reason (needs root) just above */
        line(arg, KM_ATTR_NORMAL, "What every user can read:");
    } else if (so->status == KM_ST_MISSING && c->s->root[0]) {
        line(arg, KM_ATTR_NORMAL,
             "/proc/slabinfo is readable by root only, so a normal user's capture has none. "
             "What every user can read:");
    } else if (so->status != KM_ST_SKIPPED) {
        line(arg, KM_ATTR_NORMAL, "What meminfo says:");
    }
    notes_meminfo(c, ok, line, arg);
    notes_nodes(c, ok, line, arg);
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_summary(const struct km_vctx *c, struct km_json *j, bool ok)
{
    const struct km_meminfo *m = &c->s->mem;
    bool mem = c->s->src[KM_SRC_MEMINFO].status == KM_ST_OK;
    const struct km_slab_summary t = c->s->slabsum;
    km_json_obj(j, "summary");
    if (ok) {
        km_json_int(j, "caches", t.caches);
        km_json_int(j, "active_caches", t.active_caches);
        km_json_int_opt(j, "num_objs", t.objs);
        km_json_int_opt(j, "active_objs", t.active_objs);
        km_json_int_opt(j, "num_slabs", t.slabs);
        km_json_int_opt(j, "active_slabs", t.active_slabs);
        km_json_int_opt(j, "total_size", t.size);
        km_json_int_opt(j, "active_size", t.active_size);
        km_json_int_opt(j, "min_obj_size", t.min_obj_size);
        km_json_int_opt(j, "avg_obj_size", t.avg_obj_size);
        km_json_int_opt(j, "max_obj_size", t.max_obj_size);
        km_json_int_opt(j, "footprint", t.footprint);
        km_json_int_opt(j, "waste", t.waste);
        km_json_dbl(j, "growth", t.growth);
    }
    km_json_int_opt(j, "slab", mem ? m->slab : KM_NA);
    km_json_int_opt(j, "sreclaimable", mem ? m->sreclaimable : KM_NA);
    km_json_int_opt(j, "sunreclaim", mem ? m->sunreclaim : KM_NA);
    if (ok)
        km_json_int_opt(
            j, "slab_not_in_caches",
            !mem || KM_IS_NA(m->slab) || KM_IS_NA(t.footprint) ? KM_NA : m->slab - t.footprint);
    km_json_arr(j, "nodes");
    for (size_t i = 0; i < c->s->nodes.n; i++) {
        const struct km_node *nd = &c->s->nodes.nodes[i];
        km_json_obj(j, NULL);
        km_json_int(j, "node", nd->node);
        km_json_int_opt(j, "slab", nd->slab);
        km_json_int_opt(j, "sreclaimable", nd->sreclaimable);
        km_json_int_opt(j, "sunreclaim", nd->sunreclaim);
        km_json_obj_end(j);
    }
    km_json_arr_end(j);
    km_json_obj_end(j);
}

static void json_row(const struct km_vctx *c, const struct km_slab *s, struct km_json *j)
{
    km_json_obj(j, NULL);
    km_json_str(j, "name", s->name);
    km_json_int(j, "ordinal", s->ordinal);
    km_json_int_opt(j, "active_objs", s->active_objs);
    km_json_int_opt(j, "num_objs", s->num_objs);
    km_json_dbl(j, "use_pct", km_slab_use_pct(s));
    km_json_int_opt(j, "obj_size", s->obj_size);
    km_json_int_opt(j, "objs_per_slab", s->objs_per_slab);
    km_json_int_opt(j, "pages_per_slab", s->pages_per_slab);
    km_json_int_opt(j, "num_slabs", s->num_slabs);
    km_json_int_opt(j, "active_slabs", s->active_slabs);
    km_json_int_opt(j, "footprint", s->footprint);
    km_json_int_opt(j, "waste", km_slab_waste(s));
    km_json_int_opt(j, "leftover", km_slab_leftover(s, c->s->page_size));
    km_json_dbl(j, "growth", s->growth);
    if (s->reclaimable < 0)
        km_json_null(j, "reclaimable");
    else
        km_json_bool(j, "reclaimable", s->reclaimable == 1);
    km_json_int_opt(j, "alias_count", s->naliases < 0 ? KM_NA : s->naliases);
    if (s->naliases < 0 && !s->aliases) {
        km_json_null(j, "aliases");
    } else {
        km_json_arr(j, "aliases");
        for (char **a = s->aliases; a && *a; a++)
            km_json_str(j, NULL, *a);
        km_json_arr_end(j);
    }
    if (!s->nnodes) {
        km_json_null(j, "nodes");
    } else {
        km_json_arr(j, "nodes");
        for (int i = 0; i < s->nnodes; i++) {
            km_json_obj(j, NULL);
            km_json_int(j, "node", s->nodes[i].node);
            km_json_int(j, "slabs", s->nodes[i].slabs);
            km_json_int_opt(j, "bytes", node_bytes(c, s, i));
            km_json_obj_end(j);
        }
        km_json_arr_end(j);
    }
    km_json_obj_end(j);
}

static void json(const struct km_vm *vm, const struct km_vctx *c, struct km_json *j)
{
    bool ok = c->s->src[KM_SRC_SLABINFO].status == KM_ST_OK;
    json_summary(c, j, ok);
    km_json_arr(j, "rows");
    for (size_t v = 0; ok && v < vm->nvis; v++)
        json_row(c, SL(km_vm_row(vm, v)), j);
    km_json_arr_end(j);
}

/* slabtop's sort keys, each the letter of a column (cols[].letter) */
static const struct km_view_key keys[] = {
    {"abclvnopsu", KG_SORT, "Slabs view: sort as slabtop does (letters listed under Columns)", true},
    {NULL, 0, NULL, false},
};

const struct km_view_def km_view_slabs = {
    .name = "slabs",
    .title = "Slabs",
    /* node meminfo (everyone may read it) gives per-node Slab totals, the
       only per-node slab figures a normal user gets */
    .sources = KM_SRC_BIT(KM_SRC_SLABINFO) | KM_SRC_BIT(KM_SRC_NODES),
    .cols = cols,
    .ncols = NCOLS,
    .default_sort = COL_FOOT,
    .rows = rows,
    .notes = notes,
    .json = json,
    .json_always = true,
    .main_src = KM_SRC_SLABINFO,
    .col_shown = col_shown,
    .keys = keys,
};
