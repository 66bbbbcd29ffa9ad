/*
 * view_vmstat.c - memory compaction as /proc/vmstat counts it: one row per
 * compact_* counter the kernel printed (their set differs between kernels
 * and configs), its value since boot and its change per second since the
 * previous frame. A small view, and the worked example of one: this file
 * and its name in KM_VIEW_LIST (ui/views.h) are all it took.
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#include "frame.h"
#include "views.h"
#include "kmemtop/util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PREFIX "compact_"
#define KV(r) ((const struct km_kv *)(r)->rec)

/* The rate of row r's counter (the same index in the sample's rate array), NAN unknown. */
static double rate(const struct km_vctx *c, const struct km_row *r)
{
    const struct km_vmstat *v = &c->s->vmstat;
    size_t i = (size_t)(KV(r) - v->items.v);
    return v->rate && i < v->items.n ? v->rate[i] : (double)NAN;
}

static struct km_val g_name(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_str(KV(r)->key);
}
static struct km_val g_value(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_int(KV(r)->val);
}
static struct km_val g_rate(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_dbl(rate(c, r));
}

static const struct km_col cols[] = {
    {KM_TEXT("COUNTER", "name", 24, g_name, "the compaction counter, as /proc/vmstat names it")},
    {KM_NUM("VALUE", "value", NULL, 12, KM_U_COUNT, g_value,
            "its count since boot (pages or events)"), .prio = KM_PRIO_TOP,
     .prom = KM_PROMS({.name = "vmstat_compact_total", .type = KM_PROM_COUNTER,
                       .help = "/proc/vmstat's compact_* counters since boot (pages or events)"})},
    {KM_NUM("RATE", "rate", NULL, 10, KM_U_RATE, g_rate,
            "its change per second since the previous frame"), .prio = KM_PRIO_HIGH},
};

static void rows(struct km_vm *vm, const struct km_vctx *c)
{
    const struct km_kvlist *l = &c->s->vmstat.items;
    for (size_t i = 0; i < l->n; i++)
        if (strncmp(l->v[i].key, PREFIX, strlen(PREFIX)) == 0)
            km_vm_add(vm, &l->v[i], 0, 0, 0, NULL, "%s", l->v[i].key);
}

static void notes(const struct km_vm *vm, const struct km_vctx *c, km_line_fn line, void *arg)
{
    if (c->s->src[KM_SRC_VMSTAT].status == KM_ST_OK && vm->nrows == 0)
        line(arg, KM_ATTR_DIM, "No compact_* counters: a kernel without CONFIG_COMPACTION");
    km_frame_warnings(c, vm->def->sources, line, arg);
}

const struct km_view_def km_view_vmstat = {
    .name = "vmstat",
    .title = "Vmstat",
    .sources = KM_SRC_BIT(KM_SRC_VMSTAT),
    .cols = cols,
    .ncols = (int)KM_ARRAY_LEN(cols),
    .default_sort = 0,
    .rows = rows,
    .notes = notes,
    .main_src = KM_SRC_VMSTAT,
    .prom_label = "counter",
};
