/*
 * view_modules.c - loaded modules: lsmod's figures per module.
 * (The vmalloc areas each module really holds are joined in by the
 * modules issue; this table shows /proc/modules and /sys/module.)
 */
#include "fmt.h"
#include "json.h"
#include "views.h"

#include <stdio.h>
#include <string.h>

#define MOD(r) ((const struct km_module *)(r)->rec)

static int cmp_i64(int64_t a, int64_t b)
{
    if (KM_IS_NA(a) != KM_IS_NA(b))
        return KM_IS_NA(a) ? -1 : 1;
    return (a > b) - (a < b);
}

static void f_name(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    snprintf(o, n, "%s", MOD(r)->name);
}
static int c_name(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return strcmp(MOD(a)->name, MOD(b)->name);
}
static void f_size(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    c->raw ? km_fmt_int(o, n, MOD(r)->size) : km_fmt_size(o, n, MOD(r)->size);
}
static int c_size(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return cmp_i64(MOD(a)->size, MOD(b)->size);
}
static void f_core(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    c->raw ? km_fmt_int(o, n, MOD(r)->coresize) : km_fmt_size(o, n, MOD(r)->coresize);
}
static int c_core(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return cmp_i64(MOD(a)->coresize, MOD(b)->coresize);
}
static void f_init(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    c->raw ? km_fmt_int(o, n, MOD(r)->initsize) : km_fmt_size(o, n, MOD(r)->initsize);
}
static int c_init(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return cmp_i64(MOD(a)->initsize, MOD(b)->initsize);
}
static void f_refs(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    km_fmt_int(o, n, MOD(r)->refcnt);
}
static int c_refs(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return cmp_i64(MOD(a)->refcnt, MOD(b)->refcnt);
}
static void f_state(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    snprintf(o, n, "%s", MOD(r)->state);
}
static int c_state(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return strcmp(MOD(a)->state, MOD(b)->state);
}
static void f_taint(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    snprintf(o, n, "%s", MOD(r)->taint[0] ? MOD(r)->taint : "-");
}
static int c_taint(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return strcmp(MOD(a)->taint, MOD(b)->taint);
}
static void f_usedby(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    const struct km_module *m = MOD(r);
    size_t pos = 0;
    o[0] = '\0';
    for (int i = 0; i < m->ndeps && pos + 1 < n; i++)
        pos += (size_t)snprintf(o + pos, n - pos, "%s%s", i ? "," : "", m->deps[i]);
    if (m->permanent && pos + 1 < n)
        snprintf(o + pos, n - pos, "%s[permanent]", pos ? "," : "");
    if (!o[0])
        snprintf(o, n, "-");
}

static const struct km_col cols[] = {
    {.title = "MODULE", .key = "name", .width = 20, .align = KM_AL_LEFT, .fmt = f_name,
     .cmp = c_name, .help = "module name"},
    {.title = "SIZE", .key = "size", .width = 7, .align = KM_AL_RIGHT, .fmt = f_size,
     .cmp = c_size, .desc = true, .help = "size as lsmod and /proc/modules report it"},
    {.title = "CORE", .key = "core", .width = 7, .align = KM_AL_RIGHT, .fmt = f_core,
     .cmp = c_core, .desc = true, .help = "/sys/module/<m>/coresize"},
    {.title = "INIT", .key = "init", .width = 6, .align = KM_AL_RIGHT, .fmt = f_init,
     .cmp = c_init, .desc = true, .help = "/sys/module/<m>/initsize (0 once loaded)"},
    {.title = "REFS", .key = "refs", .width = 4, .align = KM_AL_RIGHT, .fmt = f_refs,
     .cmp = c_refs, .desc = true, .help = "reference count"},
    {.title = "STATE", .key = "state", .width = 9, .align = KM_AL_LEFT, .fmt = f_state,
     .cmp = c_state, .help = "Live, Loading or Unloading"},
    {.title = "TAINT", .key = "taint", .width = 5, .align = KM_AL_LEFT, .fmt = f_taint,
     .cmp = c_taint, .help = "taint flags (O out-of-tree, E unsigned, P proprietary, ...)"},
    {.title = "USED BY", .key = "usedby", .width = 20, .align = KM_AL_LEFT, .fmt = f_usedby,
     .help = "modules that use this one"},
};

static void rows(struct km_vm *vm, const struct km_vctx *c)
{
    const struct km_modules *m = &c->s->mods;
    for (size_t i = 0; i < m->n; i++)
        km_vm_add(vm, &m->mods[i], 0, 0, 0, m->mods[i].name, "%s", m->mods[i].name);
}

static void notes(const struct km_vm *vm, const struct km_vctx *c,
                  void (*line)(void *, int, const char *), void *arg)
{
    const struct km_modules *m = &c->s->mods;
    if (c->s->src[KM_SRC_MODULES].status != KM_ST_OK)
        return;
    int64_t total = 0;
    for (size_t i = 0; i < m->n; i++)
        if (!KM_IS_NA(m->mods[i].size))
            total += m->mods[i].size;
    char t[32], buf[160];
    km_fmt_size(t, sizeof(t), total);
    snprintf(buf, sizeof(buf), "%zu modules, %s as lsmod counts them", m->n, t);
    line(arg, KM_ATTR_NORMAL, buf);
}

static void json(const struct km_vm *vm, const struct km_vctx *c, struct km_json *j)
{
    km_json_arr(j, "rows");
    for (size_t v = 0; v < vm->nvis; v++) {
        const struct km_module *m = MOD(km_vm_row(vm, v));
        km_json_obj(j, NULL);
        km_json_str(j, "name", m->name);
        km_json_int(j, "size", m->size);
        km_json_int_opt(j, "refcount", m->refcnt);
        km_json_arr(j, "used_by");
        for (int i = 0; i < m->ndeps; i++)
            km_json_str(j, NULL, m->deps[i]);
        km_json_arr_end(j);
        km_json_bool(j, "permanent", m->permanent);
        km_json_str(j, "state", m->state);
        km_json_str(j, "taint", m->taint);
        km_json_int_opt(j, "core_size", m->coresize);
        km_json_int_opt(j, "init_size", m->initsize);
        km_json_obj_end(j);
    }
    km_json_arr_end(j);
}

const struct km_view_def km_view_modules = {
    .name = "modules",
    .title = "Modules",
    .sources = KM_SRC_BIT(KM_SRC_MODULES),
    .cols = cols,
    .ncols = (int)KM_ARRAY_LEN(cols),
    .default_sort = 1,
    .rows = rows,
    .notes = notes,
    .json = json,
    .main_src = KM_SRC_MODULES,
};
