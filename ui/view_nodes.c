/*
 * view_nodes.c - NUMA nodes and, under each, its zones.
 * Node rows come from node sysfs (or, without it, from the nodes that
 * zoneinfo names); zone rows from /proc/zoneinfo. Sizes in bytes.
 */
#include "fmt.h"
#include "json.h"
#include "views.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { K_NODE, K_ZONE };

#define NODE(r) ((const struct km_node *)(r)->rec)
#define ZONE(r) ((const struct km_zone *)(r)->rec)

static int cmp_i64(int64_t a, int64_t b)
{
    if (KM_IS_NA(a) != KM_IS_NA(b))
        return KM_IS_NA(a) ? -1 : 1;
    return (a > b) - (a < b);
}

static int64_t pages(const struct km_vctx *c, int64_t p)
{
    return KM_IS_NA(p) ? KM_NA : p * c->s->page_size;
}

static void size_cell(const struct km_vctx *c, int64_t bytes, char *o, size_t n)
{
    c->raw ? km_fmt_int(o, n, bytes) : km_fmt_size(o, n, bytes);
}

static void f_name(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    if (r->kind == K_ZONE) {
        snprintf(o, n, "%s", ZONE(r)->zone);
        return;
    }
    const struct km_node *nd = NODE(r);
    snprintf(o, n, "node%d%s%s", nd->node, nd->has_memory ? "" : " (no memory)",
             nd->has_cpu ? "" : " (no CPUs)");
}
static int c_name(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return NODE(a)->node - NODE(b)->node;
}
static void f_cpus(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    snprintf(o, n, "%s", r->kind == K_NODE && NODE(r)->cpulist[0] ? NODE(r)->cpulist : "-");
}
static int64_t total(const struct km_vctx *c, const struct km_row *r)
{
    return r->kind == K_NODE ? NODE(r)->mem_total : pages(c, ZONE(r)->managed);
}
static int64_t freeb(const struct km_vctx *c, const struct km_row *r)
{
    return r->kind == K_NODE ? NODE(r)->mem_free : pages(c, ZONE(r)->free);
}
static void f_total(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    size_cell(c, total(c, r), o, n);
}
static int c_total(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return cmp_i64(total(c, a), total(c, b));
}
static void f_free(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    size_cell(c, freeb(c, r), o, n);
}
static int c_free(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return cmp_i64(freeb(c, a), freeb(c, b));
}
static double used_pct(const struct km_vctx *c, const struct km_row *r)
{
    int64_t t = total(c, r), f = freeb(c, r);
    if (KM_IS_NA(t) || KM_IS_NA(f) || t <= 0)
        return NAN;
    return 100.0 * (double)(t - f) / (double)t;
}
static void f_used(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    km_fmt_pct(o, n, used_pct(c, r));
}
static void f_wmark(const struct km_vctx *c, const struct km_row *r, char *o, size_t n, int which)
{
    if (r->kind != K_ZONE) {
        snprintf(o, n, "-");
        return;
    }
    const struct km_zone *z = ZONE(r);
    int64_t v = which == 0 ? z->min : which == 1 ? z->low : z->high;
    size_cell(c, pages(c, v), o, n);
}
static void f_min(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    f_wmark(c, r, o, n, 0);
}
static void f_low(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    f_wmark(c, r, o, n, 1);
}
static void f_high(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    f_wmark(c, r, o, n, 2);
}
static void f_hit(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    km_fmt_rate(o, n, r->kind == K_NODE ? NODE(r)->rate_numa_hit : NAN);
}
static void f_miss(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    km_fmt_rate(o, n, r->kind == K_NODE ? NODE(r)->rate_numa_miss : NAN);
}

static const struct km_col cols[] = {
    {.title = "NODE/ZONE", .key = "node", .width = 12, .align = KM_AL_LEFT, .fmt = f_name,
     .cmp = c_name, .help = "NUMA node and, indented, its zones"},
    {.title = "CPUS", .key = "cpus", .width = 8, .align = KM_AL_LEFT, .fmt = f_cpus,
     .help = "the node's CPUs (cpulist)"},
    {.title = "TOTAL", .key = "total", .width = 7, .align = KM_AL_RIGHT, .fmt = f_total,
     .cmp = c_total, .desc = true, .help = "node MemTotal; zone managed pages"},
    {.title = "FREE", .key = "free", .width = 7, .align = KM_AL_RIGHT, .fmt = f_free,
     .cmp = c_free, .desc = true, .help = "node MemFree; zone free pages"},
    {.title = "USED%", .key = "used", .width = 6, .align = KM_AL_RIGHT, .fmt = f_used,
     .help = "share of total not free"},
    {.title = "MIN", .key = "min", .width = 7, .align = KM_AL_RIGHT, .fmt = f_min,
     .help = "zone min watermark"},
    {.title = "LOW", .key = "low", .width = 7, .align = KM_AL_RIGHT, .fmt = f_low,
     .help = "zone low watermark"},
    {.title = "HIGH", .key = "high", .width = 7, .align = KM_AL_RIGHT, .fmt = f_high,
     .help = "zone high watermark"},
    {.title = "HIT/s", .key = "hit", .width = 8, .align = KM_AL_RIGHT, .fmt = f_hit,
     .help = "numa_hit per second"},
    {.title = "MISS/s", .key = "miss", .width = 8, .align = KM_AL_RIGHT, .fmt = f_miss,
     .help = "numa_miss per second"},
};

static void rows(struct km_vm *vm, const struct km_vctx *c)
{
    const struct km_nodes *ns = &c->s->nodes;
    const struct km_zoneinfo *zi = &c->s->zi;
    for (size_t i = 0; i < ns->n; i++) {
        const struct km_node *nd = &ns->nodes[i];
        char *nm = NULL;
        size_t p = km_vm_add(vm, nd, K_NODE, 0, 0, nm, "node%d", nd->node);
        snprintf(vm->rows[p].id, sizeof(vm->rows[p].id), "node%d", nd->node);
        vm->rows[p].name = vm->rows[p].id;
        for (size_t z = 0; z < zi->nzones; z++)
            if (zi->zones[z].node == nd->node)
                km_vm_add(vm, &zi->zones[z], K_ZONE, 1, p, zi->zones[z].zone, "node%d/%s",
                          nd->node, zi->zones[z].zone);
    }
}

static void json(const struct km_vm *vm, const struct km_vctx *c, struct km_json *j)
{
    km_json_arr(j, "rows");
    for (size_t v = 0; v < vm->nvis; v++) {
        const struct km_row *r = km_vm_row(vm, v);
        if (r->kind != K_NODE)
            continue;
        const struct km_node *nd = NODE(r);
        km_json_obj(j, NULL);
        km_json_int(j, "node", nd->node);
        km_json_str(j, "cpus", nd->cpulist);
        km_json_int_opt(j, "mem_total", nd->mem_total);
        km_json_int_opt(j, "mem_free", nd->mem_free);
        km_json_int_opt(j, "numa_hit", nd->numa_hit);
        km_json_int_opt(j, "numa_miss", nd->numa_miss);
        km_json_arr(j, "zones");
        for (size_t w = v + 1; w < vm->nvis && km_vm_row(vm, w)->kind == K_ZONE; w++) {
            const struct km_zone *z = ZONE(km_vm_row(vm, w));
            km_json_obj(j, NULL);
            km_json_str(j, "zone", z->zone);
            km_json_int_opt(j, "free", z->free);
            km_json_int_opt(j, "min", z->min);
            km_json_int_opt(j, "low", z->low);
            km_json_int_opt(j, "high", z->high);
            km_json_int_opt(j, "spanned", z->spanned);
            km_json_int_opt(j, "present", z->present);
            km_json_int_opt(j, "managed", z->managed);
            km_json_obj_end(j);
        }
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
    .json = json,
    .main_src = KM_SRC_ZONEINFO,
};
