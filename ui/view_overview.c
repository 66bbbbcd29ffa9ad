/*
 * view_overview.c - where MemTotal goes: the tree of km_overview (the
 * sample's ov) whose leaves add up to MemTotal exactly, each line with its
 * bytes, share of MemTotal, a bar, change per second and source, per NUMA
 * node where there are several; beside it memory outside MemTotal, CMA,
 * the HugeTLB surplus; a warning when unaccounted is large or grows; and a
 * one-line summary of memory pressure (PSI and vmstat's reclaim,
 * compaction and OOM counters). The first tab.
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#include "view_overview.h"
#include "fmt.h"
#include "frame.h"
#include "hist.h"
#include "json.h"
#include "views.h"
#include "kmemtop/derive.h"
#include "kmemtop/util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define OR(r) ((const struct km_ov_row *)(r)->rec)
#define OV(c) (&(c)->s->ov)

static bool ov_ok(const struct km_vctx *c)
{
    return c->s->src[KM_SRC_MEMINFO].status == KM_ST_OK && OV(c)->ok;
}

static double share(const struct km_vctx *c, int64_t b)
{
    return KM_IS_NA(b) || OV(c)->mem_total <= 0 ? (double)NAN
                                                : 100.0 * (double)b / (double)OV(c)->mem_total;
}

/* ---- fields ------------------------------------------------------------------ */

static struct km_val g_label(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_str(OR(r)->label);
}
static struct km_val g_name(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_str(OR(r)->name);
}
static struct km_val g_parent(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    int p = OR(r)->parent;
    return p < 0 ? km_v_none() : km_v_str(OV(c)->rows[p].name);
}
static struct km_val g_leaf(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_bool(OR(r)->leaf);
}
static struct km_val g_bytes(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_int(OR(r)->bytes);
}
static struct km_val g_pct(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_dbl(share(c, OR(r)->bytes));
}
static struct km_val g_rate(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_dbl(OR(r)->rate);
}
static struct km_val g_source(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_str(OR(r)->source);
}
static struct km_val g_note(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_str(OR(r)->note);
}

/* the share as a bar of 20 cells, in eighths with Unicode, '#' without */
static void f_bar(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    static const char *const eighth[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    double p = share(c, OR(r)->bytes);
    size_t pos = 0;
    o[0] = '\0';
    if (!(p > 0))
        return;
    int units = (int)lround(p > 100 ? 160 : p * 1.6); /* 20 cells x 8 */
    for (int k = 0; k < units / 8 && pos + 4 < n; k++)
        pos += (size_t)snprintf(o + pos, n - pos, "%s", c->utf8 ? "█" : "#");
    if (c->utf8 && units % 8 && pos + 4 < n)
        snprintf(o + pos, n - pos, "%s", eighth[units % 8]);
}

static int a_rate(const struct km_vctx *c, const struct km_row *r)
{
    if (OV(c)->unaccounted >= 0 && OR(r) == &OV(c)->rows[OV(c)->unaccounted])
        return OV(c)->warn_share || OV(c)->warn_grows ? KM_ATTR_WARN : KM_ATTR_NORMAL;
    return KM_ATTR_NORMAL;
}

/* Tree order: the table is the tree, whatever column is sorted on. */
static int c_tree(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return OR(a) < OR(b) ? -1 : OR(a) > OR(b);
}

#define NODE_GET(k)                                                                                \
    static struct km_val g_node##k(const struct km_vctx *c, const struct km_row *r, char *b,      \
                                   size_t n)                                                       \
    {                                                                                              \
        return km_v_int(OR(r)->node[k]);                                                           \
    }
NODE_GET(0)
NODE_GET(1)
NODE_GET(2)
NODE_GET(3)
NODE_GET(4)
NODE_GET(5)
NODE_GET(6)
NODE_GET(7)

static void j_nodes(const struct km_vctx *c, const struct km_row *r, struct km_json *j,
                    const char *key)
{
    const struct km_overview *ov = OV(c);
    km_json_arr(j, key);
    for (int k = 0; k < ov->nnodes; k++) {
        km_json_obj(j, NULL);
        km_json_int(j, "node", ov->node_id[k]);
        km_json_int_opt(j, "bytes", OR(r)->node[k]);
        km_json_obj_end(j);
    }
    km_json_arr_end(j);
}

enum {
    C_WHAT,
    C_BYTES,
    C_PCT,
    C_BAR,
    C_RATE,
    C_DELTA,
    C_TREND,
    C_FLAG,
    C_NODE0,
    C_SOURCE = C_NODE0 + KM_OV_NODES,
    C_NOTE
};

#define NODE_COL(k)                                                                                \
    [C_NODE0 + k] = {KM_NUM("NODE", "node" #k, NULL, 8, KM_U_BYTES, g_node##k,                     \
                            "the node's share of the row, from its node meminfo (2+ nodes; - "     \
                            "where node meminfo has no such figure)"),                             \
                     .flags = KM_F_NOJSON}

static const struct km_col cols[] = {
    [C_WHAT] = {KM_TEXT("WHAT", "what", 34, g_label,
                        "the part of MemTotal, in a tree: free, user, kernel, unaccounted"),
                .json = "label", .cmp = c_tree},
    [C_BYTES] = {KM_NUM("BYTES", "bytes", NULL, 9, KM_U_BYTES, g_bytes,
                        "bytes; a parent is the sum of its children; - where the kernel does "
                        "not print the figure"), .prio = KM_PRIO_TOP,
                 .cmp = c_tree,
                 .prom = KM_PROMS({.name = "memory_bytes",
                                   .help = "MemTotal in parts (the Overview): free, user, kernel and "
                                           "their parts, unaccounted; the leaf=\"true\" series add "
                                           "up to MemTotal exactly"})},
    [C_PCT] = {KM_NUM("%TOTAL", "pct", NULL, 6, KM_U_PCT, g_pct, "share of MemTotal"), .prio = KM_PRIO_TOP,
               .cmp = c_tree},
    [C_BAR] = {.title = "SHARE", .key = "bar", .width = 20, .align = KM_AL_LEFT,
               .unit = KM_U_TEXT, .flags = KM_F_NOJSON, .nosort = true, .fmt = f_bar,
               .help = "the share of MemTotal as a bar of 20 cells"},
    [C_RATE] = {KM_NUM("CHANGE", "rate", NULL, 9, KM_U_BYTE_RATE, g_rate,
                       "change per second since the previous frame"), .prio = KM_PRIO_HIGH,
                .cmp = c_tree, .attr = a_rate},
    NODE_COL(0),
    NODE_COL(1),
    NODE_COL(2),
    NODE_COL(3),
    NODE_COL(4),
    NODE_COL(5),
    NODE_COL(6),
    NODE_COL(7),
    [C_DELTA] = KM_HIST_DELTA0("+BYTES"),
    [C_TREND] = KM_HIST_TREND,
    [C_FLAG] = KM_HIST_FLAG,
    [C_SOURCE] = {KM_TEXT("SOURCE", "source", 30, g_source,
                          "the kernel's figure the line comes from"), .prio = KM_PRIO_LOW,
                  .cmp = c_tree},
    [C_NOTE] = {KM_TEXT("NOTE", "note", 40, g_note,
                        "an era difference or an overlap taken out, named on the line"), .prio = KM_PRIO_LEAST,
                .cmp = c_tree},
    /* JSON and CSV only */
    {KM_TEXT("NAME", "name", 0, g_name, "the row's name in snake_case"), .flags = KM_F_NOSCREEN},
    {KM_TEXT("PARENT", "parent", 0, g_parent, "the parent row's name, null at the top"),
     .flags = KM_F_NOSCREEN},
    {KM_NUM("LEAF", "leaf", NULL, 0, KM_U_BOOL, g_leaf,
            "no children: the leaves add up to mem_total"),
     .flags = KM_F_NOSCREEN},
    {KM_TEXT("NODES", "nodes", 0, NULL, "per node bytes (2+ nodes)"), .flags = KM_F_NOSCREEN,
     .jsonw = j_nodes, .nosort = true},
    KM_HIST_NEW,
};

static bool col_shown(const struct km_vctx *c, int col)
{
    if (col >= C_NODE0 && col < C_NODE0 + KM_OV_NODES)
        return col - C_NODE0 < OV(c)->nnodes;
    return true;
}

static void col_title(const struct km_vctx *c, int col, char *o, size_t n)
{
    if (col >= C_NODE0 && col < C_NODE0 + KM_OV_NODES)
        snprintf(o, n, "N%d", OV(c)->node_id[col - C_NODE0]);
}

static void rows(struct km_vm *vm, const struct km_vctx *c)
{
    const struct km_overview *ov = OV(c);
    size_t idx[KM_OV_ROWS];
    if (!ov_ok(c))
        return;
    for (int i = 0; i < ov->nrows; i++) {
        const struct km_ov_row *r = &ov->rows[i];
        size_t parent = r->parent >= 0 ? idx[r->parent] : 0;
        idx[i] = km_vm_add(vm, r, 0, r->depth, parent, r->name, "%s", r->name);
    }
}

/* ---- pressure ------------------------------------------------------------------ */

static bool vmstat_ok(const struct km_vctx *c)
{
    return c->s->src[KM_SRC_VMSTAT].status == KM_ST_OK;
}

static void sig_cell(const struct km_vctx *c, int s, char *o, size_t n)
{
    const struct km_signals *g = &c->s->sig;
    if (KM_IS_NA(g->count[s]))
        snprintf(o, n, "-");
    else if (isfinite(g->rate[s]))
        km_fmt_rate(o, n, g->rate[s]);
    else
        snprintf(o, n, "%lld", (long long)g->count[s]);
}

void km_compaction_line(const struct km_vctx *c, char *o, size_t n)
{
    const struct km_signals *g = &c->s->sig;
    char st[32], fa[32], su[32];
    if (!vmstat_ok(c)) {
        snprintf(o, n, "Compaction: /proc/vmstat %s", km_status_name(c->s->src[KM_SRC_VMSTAT].status));
        return;
    }
    if (KM_IS_NA(g->count[KM_SIG_COMPACT_STALL])) {
        snprintf(o, n, "Compaction: no compact_* counters (a kernel without CONFIG_COMPACTION)");
        return;
    }
    sig_cell(c, KM_SIG_COMPACT_STALL, st, sizeof(st));
    sig_cell(c, KM_SIG_COMPACT_FAIL, fa, sizeof(fa));
    sig_cell(c, KM_SIG_COMPACT_SUCCESS, su, sizeof(su));
    snprintf(o, n,
             "Compaction: stalls %s, failures %s, successes %s (since boot %lld, %lld, %lld)", st,
             fa, su, (long long)g->count[KM_SIG_COMPACT_STALL],
             (long long)g->count[KM_SIG_COMPACT_FAIL],
             (long long)g->count[KM_SIG_COMPACT_SUCCESS]);
}

void km_signals_json(struct km_json *j, const struct km_vctx *c, const char *key, int first,
                     int last)
{
    const struct km_source *so = &c->s->src[KM_SRC_VMSTAT];
    km_json_obj(j, key);
    km_json_str(j, "status", km_status_name(so->status));
    if (so->status != KM_ST_OK) {
        km_json_str(j, "reason", so->reason[0] ? so->reason : "not read");
    } else {
        for (int s = first; s <= last; s++) {
            km_json_obj(j, km_sig_name((enum km_sig)s));
            km_json_int_opt(j, "count", c->s->sig.count[s]);
            km_json_dbl(j, "rate", c->s->sig.rate[s]);
            km_json_obj_end(j);
        }
    }
    km_json_obj_end(j);
}

static void psi_text(const struct km_vctx *c, char *o, size_t n)
{
    const struct km_source *so = &c->s->src[KM_SRC_PRESSURE];
    const struct km_pressure *p = &c->s->psi;
    if (so->status != KM_ST_OK) {
        snprintf(o, n, "PSI: %s", so->status == KM_ST_MISSING
                                      ? "none (a kernel before 4.20 or without CONFIG_PSI)"
                                      : so->reason[0] ? so->reason : km_status_name(so->status));
        return;
    }
    int k = snprintf(o, n, "PSI some %.2f%% %.2f%%", p->some.avg10, p->some.avg60);
    if (p->full.present && k > 0 && (size_t)k < n)
        snprintf(o + k, n - (size_t)k, ", full %.2f%% %.2f%% (avg10 avg60)", p->full.avg10,
                 p->full.avg60);
    else if (k > 0 && (size_t)k < n)
        snprintf(o + k, n - (size_t)k, " (avg10 avg60)");
}

static void pressure_line(const struct km_vctx *c, km_line_fn line, void *arg)
{
    char psi[160], buf[600];
    psi_text(c, psi, sizeof(psi));
    if (!vmstat_ok(c)) {
        snprintf(buf, sizeof(buf), "Pressure: %s | /proc/vmstat %s", psi,
                 km_status_name(c->s->src[KM_SRC_VMSTAT].status));
    } else {
        char v[KM_SIG_N][32];
        for (int s = 0; s < KM_SIG_N; s++)
            sig_cell(c, s, v[s], sizeof(v[s]));
        snprintf(buf, sizeof(buf),
                 "Pressure: %s | direct reclaim %s | scanned kswapd %s direct %s | stolen "
                 "kswapd %s direct %s | compaction stalls %s fail %s ok %s | oom_kill %s",
                 psi, v[KM_SIG_ALLOCSTALL], v[KM_SIG_SCAN_KSWAPD], v[KM_SIG_SCAN_DIRECT],
                 v[KM_SIG_STEAL_KSWAPD], v[KM_SIG_STEAL_DIRECT], v[KM_SIG_COMPACT_STALL],
                 v[KM_SIG_COMPACT_FAIL], v[KM_SIG_COMPACT_SUCCESS], v[KM_SIG_OOM_KILL]);
    }
    bool hot = (c->s->src[KM_SRC_PRESSURE].status == KM_ST_OK && c->s->psi.some.avg10 > 0) ||
               (vmstat_ok(c) && (c->s->sig.rate[KM_SIG_ALLOCSTALL] > 0 ||
                                 c->s->sig.rate[KM_SIG_OOM_KILL] > 0));
    line(arg, hot ? KM_ATTR_WARN : KM_ATTR_NORMAL, buf);
}

/* ---- notes ------------------------------------------------------------------ */

static void size(const struct km_vctx *c, int64_t b, char *o, size_t n)
{
    km_size_cell(c, b, o, n);
}

static void notes(const struct km_vm *vm, const struct km_vctx *c, km_line_fn line, void *arg)
{
    const struct km_overview *ov = OV(c);
    char buf[700], a[32], b[32], d[32];
    km_frame_warnings(c, vm->def->sources, line, arg);
    if (!ov_ok(c))
        return;
    size(c, ov->mem_total, a, sizeof(a));
    snprintf(buf, sizeof(buf),
             "MemTotal %s = free + user + kernel + unaccounted; each byte once (Shmem taken out of "
             "Cached, vmapped stacks out of vmalloc)",
             a);
    line(arg, KM_ATTR_NORMAL, buf);
    if (!KM_IS_NA(ov->outside)) {
        size(c, ov->outside, a, sizeof(a));
        int k = snprintf(buf, sizeof(buf),
                         "Outside MemTotal: %s (zones' present - managed pages: firmware, the "
                         "kernel image, memblock reservations)",
                         a);
        for (int q = 0; q < ov->nnodes && k > 0 && (size_t)k < sizeof(buf); q++) {
            size(c, ov->node_outside[q], b, sizeof(b));
            k += snprintf(buf + k, sizeof(buf) - (size_t)k, "%s N%d %s", q ? "," : ";",
                          ov->node_id[q], b);
        }
        line(arg, KM_ATTR_NORMAL, buf);
    } else {
        snprintf(buf, sizeof(buf), "Outside MemTotal: not known (%s)", ov->outside_reason);
        line(arg, KM_IS_NA(ov->managed) ? KM_ATTR_DIM : KM_ATTR_WARN, buf);
    }
    if (!KM_IS_NA(ov->cma_total) && ov->cma_total > 0) {
        size(c, ov->cma_total, a, sizeof(a));
        size(c, ov->cma_free, b, sizeof(b));
        snprintf(buf, sizeof(buf),
                 "CMA: %s reserved, %s of it free (lent to movable pages: inside free and user "
                 "above, not counted again)",
                 a, b);
        line(arg, KM_ATTR_NORMAL, buf);
    }
    if (!KM_IS_NA(ov->huge_surp) && ov->huge_surp > 0) {
        size(c, ov->huge_surp, a, sizeof(a));
        snprintf(buf, sizeof(buf), "HugeTLB surplus pages: %s (inside the pool above)", a);
        line(arg, KM_ATTR_NORMAL, buf);
    }
    if (ov->nnodes && ov->more_nodes)
        line(arg, KM_ATTR_DIM, "More nodes than columns: the first 8 are shown");
    const struct km_ov_row *u = ov->unaccounted >= 0 ? &ov->rows[ov->unaccounted] : NULL;
    if (u && (ov->warn_share || ov->warn_grows)) {
        size(c, u->bytes, a, sizeof(a));
        km_fmt_pct(d, sizeof(d), share(c, u->bytes));
        int k = snprintf(buf, sizeof(buf), "Warning: unaccounted %s (%s of MemTotal)", a, d);
        if (ov->warn_grows && k > 0 && (size_t)k < sizeof(buf)) {
            char g[32];
            size(c, ov->grow_bytes, g, sizeof(g));
            km_fmt_size_rate(b, sizeof(b), (double)ov->grow_bytes / ov->grow_secs);
            snprintf(buf + k, sizeof(buf) - (size_t)k,
                     ", growing: up in each of the last %d intervals, +%s in %.0f s (%s)",
                     KM_OV_GROW_INTERVALS, g, ov->grow_secs, b);
        }
        line(arg, KM_ATTR_WARN, buf);
    }
    pressure_line(c, line, arg);
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_psi_line(struct km_json *j, const char *key, const struct km_psi_line *l)
{
    if (!l->present) {
        km_json_null(j, key);
        return;
    }
    km_json_obj(j, key);
    km_json_dbl(j, "avg10", l->avg10);
    km_json_dbl(j, "avg60", l->avg60);
    km_json_dbl(j, "avg300", l->avg300);
    km_json_int(j, "total_us", l->total);
    km_json_obj_end(j);
}

static void json(const struct km_vm *vm, const struct km_vctx *c, struct km_json *j)
{
    const struct km_overview *ov = OV(c);
    bool ok = ov_ok(c);
    if (ok) {
        km_json_int(j, "mem_total", ov->mem_total);
        km_json_int_opt(j, "outside_mem_total", ov->outside);
        if (ov->outside_reason[0])
            km_json_str(j, "outside_mem_total_reason", ov->outside_reason);
        else
            km_json_null(j, "outside_mem_total_reason");
        km_json_int_opt(j, "zones_managed", ov->managed);
        km_json_int_opt(j, "cma_total", ov->cma_total);
        km_json_int_opt(j, "cma_free", ov->cma_free);
        km_json_int_opt(j, "hugetlb_free", ov->huge_free);
        km_json_int_opt(j, "hugetlb_surplus", ov->huge_surp);
        km_json_arr(j, "nodes");
        for (int k = 0; k < ov->nnodes; k++) {
            km_json_obj(j, NULL);
            km_json_int(j, "node", ov->node_id[k]);
            km_json_int_opt(j, "mem_total", ov->node_total[k]);
            km_json_int_opt(j, "outside_mem_total", ov->node_outside[k]);
            km_json_obj_end(j);
        }
        km_json_arr_end(j);
        if (KM_IS_NA(ov->grow_bytes)) {
            km_json_null(j, "unaccounted_growth");
        } else {
            km_json_obj(j, "unaccounted_growth");
            km_json_int(j, "bytes", ov->grow_bytes);
            km_json_dbl(j, "seconds", ov->grow_secs);
            km_json_int(j, "intervals", KM_OV_GROW_INTERVALS);
            km_json_obj_end(j);
        }
        km_json_arr(j, "warnings");
        if (ov->warn_share)
            km_json_str(j, NULL, "unaccounted_over_10pct");
        if (ov->warn_grows)
            km_json_str(j, NULL, "unaccounted_grows");
        km_json_arr_end(j);
    }
    km_json_rows(j, vm, c, ok);
    km_json_obj(j, "pressure");
    const struct km_source *ps = &c->s->src[KM_SRC_PRESSURE];
    km_json_obj(j, "psi");
    km_json_str(j, "status", km_status_name(ps->status));
    if (ps->status == KM_ST_OK) {
        json_psi_line(j, "some", &c->s->psi.some);
        json_psi_line(j, "full", &c->s->psi.full);
    } else {
        km_json_str(j, "reason", ps->reason[0] ? ps->reason : "not read");
    }
    km_json_obj_end(j);
    km_signals_json(j, c, "vmstat", 0, KM_SIG_N - 1);
    km_json_obj_end(j);
}

/* Prometheus: the part, its parent ("" at the top) and whether it is a leaf */
static void prom_labels(const struct km_vctx *c, const struct km_row *r, struct km_plabels *l)
{
    int p = OR(r)->parent;
    l->n = 3;
    l->name[0] = "part";
    l->name[1] = "parent";
    l->name[2] = "leaf";
    snprintf(l->val[0], sizeof(l->val[0]), "%s", OR(r)->name);
    snprintf(l->val[1], sizeof(l->val[1]), "%s", p < 0 ? "" : OV(c)->rows[p].name);
    snprintf(l->val[2], sizeof(l->val[2]), "%s", OR(r)->leaf ? "true" : "false");
}

const struct km_view_def km_view_overview = {
    .name = "overview",
    .title = "Overview",
    /* vmallocinfo (root) splits vmalloc; zoneinfo: outside MemTotal; nodes: per-node columns */
    .sources = KM_SRC_BIT(KM_SRC_MEMINFO) | KM_SRC_BIT(KM_SRC_VMALLOCINFO) |
               KM_SRC_BIT(KM_SRC_ZONEINFO) | KM_SRC_BIT(KM_SRC_NODES) |
               KM_SRC_BIT(KM_SRC_VMSTAT) | KM_SRC_BIT(KM_SRC_PRESSURE),
    .derives = KM_DER_OVERVIEW, /* made only for a frame that shows it */
    .cols = cols,
    .ncols = (int)KM_ARRAY_LEN(cols),
    .trend = {"bytes"},
    .default_sort = C_WHAT,
    .rows = rows,
    .notes = notes,
    .json = json,
    .json_always = true,
    .main_src = KM_SRC_MEMINFO,
    .col_shown = col_shown,
    .col_title = col_title,
    .prom_labels = prom_labels,
};
