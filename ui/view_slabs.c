/*
 * view_slabs.c - slab caches by memory footprint (/proc/slabinfo), with
 * slabtop's columns and sort letters, what each cache wastes, and how fast
 * it grows. Above the table: slabtop's totals, meminfo's Slab counters and
 * their gap to the caches, per NUMA node. Without root (/proc/slabinfo is
 * 0400) only those counters are shown, with the reason.
 */
#include "fmt.h"
#include "frame.h"
#include "hist.h"
#include "json.h"
#include "views.h"

#include "kmemtop/slabstat.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SL(r) ((const struct km_slab *)(r)->rec)

/* Row kinds: a cache, or (key x) a name merged into the cache above it. */
enum { K_CACHE, K_ALIAS };
/* An alias row's record: it has no figures of its own (its cache has them). */
static const struct km_slab blank = {.reclaimable = -1, .naliases = -1, .growth = NAN};
#define ALIAS(r) ((r)->kind == K_ALIAS)

/* ---- fields: each a value of the cache record --------------------------------- */

#define INT_GET(nm, expr)                                                                          \
    KM_GETTER(g_##nm, const struct km_slab *s = SL(r), km_v_int(ALIAS(r) ? KM_NA : (expr)))
INT_GET(num_objs, s->num_objs)
INT_GET(active_objs, s->active_objs)
INT_GET(num_slabs, s->num_slabs)
INT_GET(active_slabs, s->active_slabs)
INT_GET(objs_per_slab, s->objs_per_slab)
INT_GET(pages_per_slab, s->pages_per_slab)
INT_GET(obj_size, s->obj_size)
INT_GET(foot, s->footprint)
INT_GET(waste, km_slab_waste(s))
INT_GET(leftover, km_slab_leftover(s, c->s->page_size))
INT_GET(aliases, s->naliases < 0 ? KM_NA : s->naliases)
INT_GET(ordinal, s->ordinal)

static struct km_val g_name(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_str(ALIAS(r) ? r->name : SL(r)->name);
}
/* a name listed twice is two rows, in file order */
static int c_name(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    int d = strcmp(SL(a)->name, SL(b)->name);
    return d ? d : SL(a)->ordinal - SL(b)->ordinal;
}
static struct km_val g_use(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return ALIAS(r) ? km_v_none() : km_v_dbl(km_slab_use_pct(SL(r)));
}
/* slabtop rounds the use down to a whole percent */
static void f_use(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    int p = ALIAS(r) ? -1 : km_slab_use_floor(SL(r));
    if (p < 0)
        km_fmt_str(o, n, "-");
    else
        snprintf(o, n, "%d%%", p);
}
static struct km_val g_growth(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return ALIAS(r) ? km_v_none() : km_v_dbl(SL(r)->growth);
}
/* A cache that grows is what slabtop users hunt for; one that shrinks gives memory back. */
static int a_growth(const struct km_vctx *c, const struct km_row *r)
{
    double g = SL(r)->growth;
    return g > 0 ? KM_ATTR_BAD : g < 0 ? KM_ATTR_GOOD : KM_ATTR_NORMAL;
}
static struct km_val g_recl(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_bool(SL(r)->reclaimable);
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
        km_fmt_str(o, n, "-");
}
static void j_nodes(const struct km_vctx *c, const struct km_row *r, struct km_json *j,
                    const char *key)
{
    const struct km_slab *s = SL(r);
    if (!s->nnodes) {
        km_json_null(j, key);
        return;
    }
    km_json_arr(j, key);
    for (int i = 0; i < s->nnodes; i++) {
        km_json_obj(j, NULL);
        km_json_int(j, "node", s->nodes[i].node);
        km_json_int(j, "slabs", s->nodes[i].slabs);
        km_json_int_opt(j, "bytes", node_bytes(c, s, i));
        km_json_obj_end(j);
    }
    km_json_arr_end(j);
}
/* the caches merged into this one, "a,b" in CSV */
static void f_alias_list(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    size_t pos = 0;
    o[0] = '\0';
    for (char **a = SL(r)->aliases; a && *a && pos + 1 < n; a++) {
        int w = snprintf(o + pos, n - pos, "%s%s", pos ? "," : "", *a);
        pos += w > 0 ? (size_t)w : 0;
    }
}
static void j_alias_list(const struct km_vctx *c, const struct km_row *r, struct km_json *j,
                         const char *key)
{
    const struct km_slab *s = SL(r);
    if (s->naliases < 0 && !s->aliases) {
        km_json_null(j, key);
        return;
    }
    km_json_arr(j, key);
    for (char **a = s->aliases; a && *a; a++)
        km_json_str(j, NULL, *a);
    km_json_arr_end(j);
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
    COL_DELTA,
    COL_DELTA_OBJS,
    COL_TREND,
    COL_FLAG,
    COL_RECL,
    COL_ALIASES,
    COL_NODES,
    NCOLS = COL_NODES + 4 /* and three JSON-only fields */
};

#define ACTIVE_NOTE                                                                                \
    " (SLUB counts objects on per-CPU slabs as active; since Linux 6.9/6.10 a node with more "     \
    "than 10000 partial slabs has its free objects estimated, not counted)"

/* A number column with a slabtop letter: title, --sort key, JSON name, letter, width, unit. */
#define NUM(t, k, js, l, w, u, g, h, ...)                                                          \
    {                                                                                              \
        KM_NUM(t, k, js, w, u, g_##g, h), .letter = l, __VA_ARGS__                                 \
    }
/* A Prometheus family of a cache (label cache); S: summed into cache="other" past the top N. */
#define P(n) .prom = KM_PROMS({.name = n})
#define PS(n) .prom = KM_PROMS({.name = n, .sum = true})

static const struct km_col cols[NCOLS] = {
    [COL_NAME] = {KM_TEXT("NAME", "name", 24, g_name,
                          "cache name (a name listed twice is two rows)"),
                  .letter = 'n', .cmp = c_name},
    [COL_OBJS] = NUM("OBJS", "objs", "num_objs", 'o', 8, KM_U_COUNT, num_objs,
                     "objects the cache's slabs hold, in use or free", PS("slab_objects"), .prio = KM_PRIO_HIGH),
    [COL_ACTIVE] = NUM("ACTIVE", "active", "active_objs", 'a', 8, KM_U_COUNT, active_objs,
                       "objects in use" ACTIVE_NOTE, PS("slab_active_objects"), .prio = KM_PRIO_HIGH),
    [COL_USE] = {KM_NUM("USE", "use", "use_pct", 4, KM_U_PCT, g_use,
                        "active / objects, rounded down as slabtop does; - for an empty cache"), .prio = KM_PRIO_HIGH,
                 .letter = 'u', .fmt = f_use},
    [COL_OBJSIZE] = NUM("OBJ SIZE", "objsize", "obj_size", 's', 8, KM_U_COUNT, obj_size,
                        "bytes per object, metadata and padding included", P("slab_object_size_bytes"), .prio = KM_PRIO_HIGH),
    [COL_SLABS] = NUM("SLABS", "slabs", "num_slabs", 'l', 7, KM_U_COUNT, num_slabs, "slabs", PS("slab_slabs"), .prio = KM_PRIO_NORMAL),
    [COL_ASLABS] = NUM("ASLABS", "aslabs", "active_slabs", 'v', 7, KM_U_COUNT, active_slabs,
                       "active slabs: slabs with an object in use (SLAB allocator; equal "
                       "to SLABS with SLUB, then the column is hidden)", PS("slab_active_slabs"), .prio = KM_PRIO_LOW),
    [COL_PERSLAB] = NUM("OBJ/SLAB", "objperslab", "objs_per_slab", 'b', 8, KM_U_COUNT,
                        objs_per_slab, "objects per slab", P("slab_objects_per_slab"), .prio = KM_PRIO_LOW),
    [COL_PAGES] = NUM("PAGES/SLAB", "pagesperslab", "pages_per_slab", 'p', 10, KM_U_COUNT,
                      pages_per_slab, "pages per slab (2^order)", P("slab_pages_per_slab"), .prio = KM_PRIO_LOW),
    [COL_FOOT] = NUM("FOOTPRINT", "footprint", NULL, 'c', 9, KM_U_BYTES, foot,
                     "memory the cache holds: slabs x pages per slab x page size "
                     "(slabtop's CACHE SIZE)", PS("slab_footprint_bytes"), .prio = KM_PRIO_TOP),
    [COL_WASTE] = NUM("WASTE", "waste", NULL, 0, 8, KM_U_BYTES, waste,
                      "footprint - active objects x object size: held but not used by "
                      "live objects", PS("slab_waste_bytes"), .prio = KM_PRIO_NORMAL),
    [COL_LEFTOVER] = NUM("LEFTOVER", "leftover", NULL, 0, 8, KM_U_BYTES, leftover,
                         "per slab: pages per slab x page size - objects per slab x "
                         "object size, the bytes no object can use", P("slab_leftover_bytes"), .prio = KM_PRIO_LOW),
    [COL_GROWTH] = {KM_NUM("GROWTH", "growth", NULL, 9, KM_U_BYTE_RATE, g_growth,
                           "footprint change per second since the previous frame"), .prio = KM_PRIO_NORMAL,
                    .attr = a_growth},
    [COL_DELTA] = KM_HIST_DELTA0("+SIZE"),
    [COL_DELTA_OBJS] = KM_HIST_DELTA1("+OBJS", "delta_objs", KM_U_COUNT, km_hist_f_dcount1,
                                      "change of OBJS since the baseline"),
    [COL_TREND] = KM_HIST_TREND,
    [COL_FLAG] = KM_HIST_FLAG,
    [COL_RECL] = {KM_NUM("RECL", "reclaimable", NULL, 4, KM_U_BOOL, g_recl,
                         "reclaimable (SLAB_RECLAIM_ACCOUNT), from /sys/kernel/slab (root)"), .prio = KM_PRIO_NORMAL,
                 .prom = KM_PROMS({.name = "slab_reclaimable",
                                   .help = "1 when the cache is reclaimable "
                                           "(SLAB_RECLAIM_ACCOUNT, /sys/kernel/slab, root)"})},
    [COL_ALIASES] = NUM("ALIASES", "aliases", "alias_count", 0, 7, KM_U_COUNT, aliases,
                        "caches merged into this one (SLUB), from /sys/kernel/slab", P("slab_aliases"), .prio = KM_PRIO_LOW),
    [COL_NODES] = {KM_TEXT("PER NODE", "nodes", 20, NULL,
                           "memory per NUMA node: the node's slabs (sysfs `slabs`, root, "
                           "SLUB_DEBUG) x pages per slab x page size"), .prio = KM_PRIO_LOW,
                   .fmt = f_nodes, .jsonw = j_nodes},
    /* JSON and CSV only */
    {KM_NUM("ORDINAL", "ordinal", NULL, 0, KM_U_COUNT, g_ordinal,
            "the cache's place in /proc/slabinfo (tells two caches of one name apart)"),
     .flags = KM_F_NOSCREEN},
    {KM_TEXT("ALIAS NAMES", "alias_names", 0, NULL, "the names merged into this cache"),
     .json = "aliases", .fmt = f_alias_list, .jsonw = j_alias_list, .flags = KM_F_NOSCREEN},
    KM_HIST_NEW,
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

/* ---- the view's own state: the alias rows (key x) -------------------------- */

struct slabs_state {
    bool aliases; /* a child row under each cache for each name merged into it */
};
_Static_assert(sizeof(struct slabs_state) <= KM_VSTATE_MAX, "the slabs state fits");

static bool show_aliases(const struct km_vctx *c)
{
    const struct slabs_state *st = km_view_state(c, &km_view_slabs);
    return st && st->aliases;
}

static void rows(struct km_vm *vm, const struct km_vctx *c)
{
    const struct km_slabs *s = &c->s->slabs;
    bool kids = show_aliases(c);
    if (c->s->src[KM_SRC_SLABINFO].status != KM_ST_OK)
        return;
    for (size_t i = 0; i < s->n; i++) {
        const struct km_slab *k = &s->slabs[i];
        size_t p = km_vm_add(vm, k, K_CACHE, 0, 0, k->name, "%s#%d", k->name, k->ordinal);
        for (char **a = kids ? k->aliases : NULL; a && *a; a++) {
            size_t r = km_vm_add(vm, &blank, K_ALIAS, 1, p, *a, "%s#%d/%s", k->name, k->ordinal, *a);
            vm->rows[r].untracked = true;
        }
    }
}

/* Filter and search find a cache by the names merged into it too (SLUB aliases). */
static bool match_alias(const struct km_row *r, const char *pattern)
{
    if (ALIAS(r))
        return false; /* its name is matched already */
    for (char **a = SL(r)->aliases; a && *a; a++)
        if (km_filter_match(pattern, *a))
            return true;
    return false;
}

/* The details overlay: the names merged into the cache, one a line. */
static void details(const struct km_vctx *c, const struct km_row *r, km_line_fn line, void *arg)
{
    const struct km_slab *s = SL(r);
    char buf[300];
    size_t n = 0;
    for (char **a = s->aliases; a && *a; a++)
        n++;
    if (s->naliases < 0 && n == 0)
        return; /* /sys/kernel/slab not read: nothing known */
    line(arg, KM_ATTR_NORMAL, "");
    if (n == 0)
        snprintf(buf, sizeof(buf), "No other cache is merged into %s.", s->name);
    else if (s->naliases > (int)n)
        snprintf(buf, sizeof(buf), "Merged into %s (SLUB aliases, %zu of %d named):", s->name, n,
                 s->naliases);
    else
        snprintf(buf, sizeof(buf), "Merged into %s (SLUB aliases):", s->name);
    line(arg, KM_ATTR_BOLD, buf);
    for (char **a = s->aliases; a && *a; a++) {
        snprintf(buf, sizeof(buf), "  %s", *a);
        line(arg, KM_ATTR_NORMAL, buf);
    }
}

/* ---- the summary above the table ------------------------------------------ */

/* The summary: slabtop's totals over the caches, and meminfo's Slab counters. */
#define SUM(c) (&(c)->s->slabsum)
#define MEM_OK(c) ((c)->s->src[KM_SRC_MEMINFO].status == KM_ST_OK)

static bool caches_ok(const struct km_vctx *c)
{
    return c->s->src[KM_SRC_SLABINFO].status == KM_ST_OK;
}

static struct km_val pct(int64_t part, int64_t whole)
{
    if (KM_IS_NA(part) || KM_IS_NA(whole) || whole <= 0)
        return km_v_none();
    return km_v_dbl(100.0 * (double)part / (double)whole);
}

#define SUM_GET(nm, expr)                                                                          \
    KM_GETTER(s_##nm, const struct km_slab_summary *t = SUM(c);                                    \
              const struct km_meminfo *m = &c->s->mem; (void)t; (void)m, expr)
SUM_GET(caches, km_v_int(t->caches))
SUM_GET(active_caches, km_v_int(t->active_caches))
SUM_GET(objs, km_v_int(t->objs))
SUM_GET(active_objs, km_v_int(t->active_objs))
SUM_GET(slabs, km_v_int(t->slabs))
SUM_GET(active_slabs, km_v_int(t->active_slabs))
SUM_GET(size, km_v_int(t->size))
SUM_GET(active_size, km_v_int(t->active_size))
SUM_GET(min, km_v_int(t->min_obj_size))
SUM_GET(avg, km_v_int(t->avg_obj_size))
SUM_GET(max, km_v_int(t->max_obj_size))
SUM_GET(footprint, km_v_int(t->footprint))
SUM_GET(waste, km_v_int(t->waste))
SUM_GET(growth, km_v_dbl(t->growth))
SUM_GET(obj_pct, pct(t->active_objs, t->objs))
SUM_GET(slab_pct, pct(t->active_slabs, t->slabs))
SUM_GET(cache_pct, pct(t->active_caches, t->caches))
SUM_GET(size_pct, pct(t->active_size, t->size))
SUM_GET(slab, km_v_int(MEM_OK(c) ? m->slab : KM_NA))
SUM_GET(srecl, km_v_int(MEM_OK(c) ? m->sreclaimable : KM_NA))
SUM_GET(sunrecl, km_v_int(MEM_OK(c) ? m->sunreclaim : KM_NA))
SUM_GET(gap, km_v_int(!MEM_OK(c) || KM_IS_NA(m->slab) || KM_IS_NA(t->footprint)
                          ? KM_NA
                          : m->slab - t->footprint))

/* meminfo's Slab counters per node */
static void j_nodes_slab(const struct km_vctx *c, const struct km_row *r, struct km_json *j,
                         const char *key)
{
    km_json_arr(j, key);
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
}

/* A summary field of slabinfo (title, key, JSON name, unit, getter, help). */
#define CSUM(k, js, u, g, h)                                                                       \
    {                                                                                              \
        KM_NUM(k, k, js, 0, u, s_##g, h), .when = caches_ok                                        \
    }
#define MSUM(k, u, g, h)                                                                           \
    {                                                                                              \
        KM_NUM(k, k, NULL, 0, u, s_##g, h)                                                         \
    }
/* with a Prometheus family */
#define CSUMP(k, js, u, g, h, fam)                                                                 \
    {                                                                                              \
        KM_NUM(k, k, js, 0, u, s_##g, h), .when = caches_ok, .prom = KM_PROMS({.name = fam})       \
    }
#define PSUM(k, g, h)                                                                              \
    {                                                                                              \
        KM_NUM(k, k, NULL, 0, KM_U_PCT, s_##g, h), .flags = KM_F_NOJSON                            \
    }

static const struct km_col sum[] = {
    CSUMP("caches", NULL, KM_U_COUNT, caches, "caches", "slab_caches"),
    CSUMP("active_caches", NULL, KM_U_COUNT, active_caches, "caches with an object in use",
          "slab_active_caches"),
    CSUM("objs", "num_objs", KM_U_COUNT, objs, "objects"),
    CSUM("active_objs", NULL, KM_U_COUNT, active_objs, "objects in use"),
    CSUM("slabs", "num_slabs", KM_U_COUNT, slabs, "slabs"),
    CSUM("active_slabs", NULL, KM_U_COUNT, active_slabs, "slabs with an object in use"),
    CSUM("size", "total_size", KM_U_BYTES, size, "objects x object size"),
    CSUM("active_size", NULL, KM_U_BYTES, active_size, "objects in use x object size"),
    CSUM("min_obj_size", NULL, KM_U_BYTES, min, "smallest object size"),
    CSUM("avg_obj_size", NULL, KM_U_BYTES, avg, "size / objects, rounded down"),
    CSUM("max_obj_size", NULL, KM_U_BYTES, max, "largest object size"),
    CSUM("footprint", NULL, KM_U_BYTES, footprint, "the caches' footprints"),
    CSUM("waste", NULL, KM_U_BYTES, waste, "the caches' waste"),
    CSUM("growth", NULL, KM_U_BYTE_RATE, growth, "the known growths, bytes per second"),
    MSUM("slab", KM_U_BYTES, slab, "meminfo Slab"),
    MSUM("sreclaimable", KM_U_BYTES, srecl, "meminfo SReclaimable"),
    MSUM("sunreclaim", KM_U_BYTES, sunrecl, "meminfo SUnreclaim"),
    CSUMP("slab_not_in_caches", NULL, KM_U_BYTES, gap, "meminfo Slab - footprint",
          "slab_not_in_caches_bytes"),
    {KM_TEXT("nodes", "nodes", 0, NULL, "meminfo's Slab counters per node"), .jsonw = j_nodes_slab},
    PSUM("obj_pct", obj_pct, "active / all objects"),
    PSUM("slab_pct", slab_pct, "active / all slabs"),
    PSUM("cache_pct", cache_pct, "active / all caches"),
    PSUM("size_pct", size_pct, "active / all size"),
};

static void sum_line(const struct km_vctx *c, const char *tmpl, km_line_fn line, void *arg)
{
    char buf[512];
    km_fields_line(&km_view_slabs, c, tmpl, buf, sizeof(buf));
    line(arg, KM_ATTR_NORMAL, buf);
}

static void notes_totals(const struct km_vctx *c, km_line_fn line, void *arg)
{
    sum_line(c,
             "Active / Total Objects: {active_objs} / {objs} ({obj_pct}) | Slabs: {active_slabs} "
             "/ {slabs} ({slab_pct}) | Caches: {active_caches} / {caches} ({cache_pct})",
             line, arg);
    sum_line(c,
             "Active / Total Size: {active_size} / {size} ({size_pct}) | Minimum / Average / "
             "Maximum Object: {min_obj_size} / {avg_obj_size} / {max_obj_size}",
             line, arg);
}

/* meminfo's Slab counters, and how much of Slab no cache accounts for. */
static void notes_meminfo(const struct km_vctx *c, bool have_caches, km_line_fn line, void *arg)
{
    if (!MEM_OK(c))
        return;
    sum_line(c, "meminfo Slab: {slab} (SReclaimable {sreclaimable}, SUnreclaim {sunreclaim})", line,
             arg);
    if (have_caches)
        sum_line(c,
                 "Footprint: {footprint} (Slab - Footprint: {slab_not_in_caches} in no cache) | "
                 "Waste: {waste} | Growth: {growth}",
                 line, arg);
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

static void json(const struct km_vm *vm, const struct km_vctx *c, struct km_json *j)
{
    bool ok = c->s->src[KM_SRC_SLABINFO].status == KM_ST_OK;
    km_json_summary(vm->def, c, j);
    km_json_rows(j, vm, c, ok);
}

/* slabtop's sort keys, each the letter of a column (cols[].letter) */
static const struct km_view_key keys[] = {
    {"abclvnopsu", KG_SORT, "Slabs view: sort as slabtop does (letters listed under Columns)",
     true},
    {"x", KG_FIND, "Slabs view: a row under each cache for each name merged into it (SLUB "
                   "aliases; again: hide them)", false},
    {NULL, 0, NULL, false},
};

static bool key(void *p, const struct km_vctx *c, int ch, char *status, size_t n)
{
    struct slabs_state *st = p;
    st->aliases = !st->aliases;
    snprintf(status, n, "%s", st->aliases ? "Merged names (aliases) under their caches"
                                          : "Merged names hidden");
    return true;
}

static void status(const void *p, char *out, size_t n)
{
    snprintf(out, n, "%s", ((const struct slabs_state *)p)->aliases ? "aliases  " : "");
}

const struct km_view_def km_view_slabs = {
    .name = "slabs",
    .title = "Slabs",
    /* node meminfo (everyone may read it) gives per-node Slab totals, the
       only per-node slab figures a normal user gets */
    .sources = KM_SRC_BIT(KM_SRC_SLABINFO) | KM_SRC_BIT(KM_SRC_NODES),
    .cols = cols,
    .ncols = NCOLS,
    .trend = {"footprint", "objs"},
    .sum = sum,
    .nsum = (int)KM_ARRAY_LEN(sum),
    .default_sort = COL_FOOT,
    .rows = rows,
    .notes = notes,
    .json = json,
    .json_always = true,
    .main_src = KM_SRC_SLABINFO,
    .col_shown = col_shown,
    .match = match_alias,
    .details = details,
    .keys = keys,
    .key = key,
    .status = status,
    .prom_label = "cache",
    .prom_top = 50,
};
