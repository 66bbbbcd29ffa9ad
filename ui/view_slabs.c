/*
 * view_slabs.c - slab caches by memory footprint (/proc/slabinfo), with
 * slabtop's columns and sort letters.
 */
#include "fmt.h"
#include "json.h"
#include "views.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SL(r) ((const struct km_slab *)(r)->rec)

static int cmp_i64(int64_t a, int64_t b)
{
    if (KM_IS_NA(a) != KM_IS_NA(b))
        return KM_IS_NA(a) ? -1 : 1;
    return (a > b) - (a < b);
}

static void size_cell(const struct km_vctx *c, int64_t bytes, char *o, size_t n)
{
    c->raw ? km_fmt_int(o, n, bytes) : km_fmt_size(o, n, bytes);
}

#define INT_COL_FNS(fld)                                                                           \
    static void f_##fld(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)        \
    {                                                                                              \
        km_fmt_int(o, n, SL(r)->fld);                                                              \
    }                                                                                              \
    static int c_##fld(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)    \
    {                                                                                              \
        return cmp_i64(SL(a)->fld, SL(b)->fld);                                                    \
    }
INT_COL_FNS(num_objs)
INT_COL_FNS(active_objs)
INT_COL_FNS(num_slabs)
INT_COL_FNS(objs_per_slab)
INT_COL_FNS(pages_per_slab)

static void f_name(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    snprintf(o, n, "%s", SL(r)->name);
}
static int c_name(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    int d = strcmp(SL(a)->name, SL(b)->name);
    return d ? d : SL(a)->ordinal - SL(b)->ordinal;
}
static double use_pct(const struct km_slab *s)
{
    if (KM_IS_NA(s->num_objs) || KM_IS_NA(s->active_objs) || s->num_objs <= 0)
        return NAN;
    return 100.0 * (double)s->active_objs / (double)s->num_objs;
}
static void f_use(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    double p = use_pct(SL(r));
    if (isnan(p))
        snprintf(o, n, "-");
    else
        snprintf(o, n, "%d%%", (int)p);
}
static int c_use(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    double x = use_pct(SL(a)), y = use_pct(SL(b));
    x = isnan(x) ? -1 : x;
    y = isnan(y) ? -1 : y;
    return (x > y) - (x < y);
}
static void f_objsize(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    km_fmt_int(o, n, SL(r)->obj_size);
}
static int c_objsize(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return cmp_i64(SL(a)->obj_size, SL(b)->obj_size);
}
static void f_foot(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    size_cell(c, SL(r)->footprint, o, n);
}
static int c_foot(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return cmp_i64(SL(a)->footprint, SL(b)->footprint);
}

static const struct km_col cols[] = {
    {.title = "NAME", .key = "name", .letter = 'n', .width = 24, .align = KM_AL_LEFT,
     .fmt = f_name, .cmp = c_name, .help = "cache name"},
    {.title = "OBJS", .key = "objs", .letter = 'o', .width = 8, .align = KM_AL_RIGHT,
     .fmt = f_num_objs, .cmp = c_num_objs, .desc = true, .help = "objects allocated"},
    {.title = "ACTIVE", .key = "active", .letter = 'a', .width = 8, .align = KM_AL_RIGHT,
     .fmt = f_active_objs, .cmp = c_active_objs, .desc = true, .help = "objects in use"},
    {.title = "USE", .key = "use", .letter = 'u', .width = 4, .align = KM_AL_RIGHT, .fmt = f_use,
     .cmp = c_use, .desc = true, .help = "active / objects"},
    {.title = "OBJ SIZE", .key = "objsize", .letter = 's', .width = 8, .align = KM_AL_RIGHT,
     .fmt = f_objsize, .cmp = c_objsize, .desc = true, .help = "bytes per object"},
    {.title = "SLABS", .key = "slabs", .letter = 'l', .width = 7, .align = KM_AL_RIGHT,
     .fmt = f_num_slabs, .cmp = c_num_slabs, .desc = true, .help = "slabs"},
    {.title = "OBJ/SLAB", .key = "objperslab", .letter = 'b', .width = 8, .align = KM_AL_RIGHT,
     .fmt = f_objs_per_slab, .cmp = c_objs_per_slab, .desc = true, .help = "objects per slab"},
    {.title = "PAGES/SLAB", .key = "pagesperslab", .letter = 'p', .width = 10,
     .align = KM_AL_RIGHT, .fmt = f_pages_per_slab, .cmp = c_pages_per_slab, .desc = true,
     .help = "pages per slab"},
    {.title = "FOOTPRINT", .key = "footprint", .letter = 'c', .width = 9, .align = KM_AL_RIGHT,
     .fmt = f_foot, .cmp = c_foot, .desc = true,
     .help = "memory the cache holds: slabs x pages per slab x page size"},
};

static void rows(struct km_vm *vm, const struct km_vctx *c)
{
    const struct km_slabs *s = &c->s->slabs;
    for (size_t i = 0; i < s->n; i++)
        km_vm_add(vm, &s->slabs[i], 0, 0, 0, s->slabs[i].name, "%s#%d", s->slabs[i].name,
                  s->slabs[i].ordinal);
}

static void json(const struct km_vm *vm, const struct km_vctx *c, struct km_json *j)
{
    km_json_arr(j, "rows");
    for (size_t v = 0; v < vm->nvis; v++) {
        const struct km_slab *s = SL(km_vm_row(vm, v));
        km_json_obj(j, NULL);
        km_json_str(j, "name", s->name);
        km_json_int_opt(j, "active_objs", s->active_objs);
        km_json_int_opt(j, "num_objs", s->num_objs);
        km_json_int_opt(j, "obj_size", s->obj_size);
        km_json_int_opt(j, "objs_per_slab", s->objs_per_slab);
        km_json_int_opt(j, "pages_per_slab", s->pages_per_slab);
        km_json_int_opt(j, "num_slabs", s->num_slabs);
        km_json_int_opt(j, "active_slabs", s->active_slabs);
        km_json_int_opt(j, "footprint", s->footprint);
        km_json_obj_end(j);
    }
    km_json_arr_end(j);
}

const struct km_view_def km_view_slabs = {
    .name = "slabs",
    .title = "Slabs",
    .sources = KM_SRC_BIT(KM_SRC_SLABINFO),
    .cols = cols,
    .ncols = (int)KM_ARRAY_LEN(cols),
    .default_sort = 8,
    .rows = rows,
    .json = json,
    .main_src = KM_SRC_SLABINFO,
};
