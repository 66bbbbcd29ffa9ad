/*
 * view_vmalloc.c - /proc/vmallocinfo by caller (root): one row per group of
 * km_vmgroup (the function that asked for the areas, and its module), with
 * its areas, address space, RAM, kinds, pages per node and RAM growth.
 * Above the table: the totals, and the RAM in areas against meminfo's
 * VmallocUsed with what VmallocUsed counts on this kernel. Enter, and
 * --details CALLER, list one caller's areas (view_vmalloc_details.c). Without root only VmallocUsed is shown, with the
 * reason the table is not.
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#include "frame.h"
#include "json.h"
#include "view_modules.h"
#include "view_vmalloc.h"
#include "views.h"
#include "kmemtop/derive.h"
#include "kmemtop/sat.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define GR(r) ((const struct km_vmgroup *)(r)->rec)
#define GS(c) (&(c)->s->vmg)

/* ---- fields: each a value of the group --------------------------------------- */

#define INT_GET(nm, expr) KM_GETTER(g_##nm, const struct km_vmgroup *g = GR(r), km_v_int(expr))
INT_GET(areas, g->areas)
INT_GET(bytes, g->bytes)
INT_GET(pages, g->pages)
INT_GET(ram, g->ram)

static struct km_val g_caller(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_str(GR(r)->caller);
}
static struct km_val g_module(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_str(GR(r)->module);
}
static struct km_val g_growth(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_dbl(GR(r)->growth);
}
/* A caller whose RAM grows is what a leak hunter looks for; one that shrinks gives it back. */
static int a_growth(const struct km_vctx *c, const struct km_row *r)
{
    double g = GR(r)->growth;
    return g > 0 ? KM_ATTR_BAD : g < 0 ? KM_ATTR_GOOD : KM_ATTR_NORMAL;
}

/* the kinds as a list: "vmalloc,vpages" in a cell and CSV, an array in JSON */
static struct km_val g_kinds(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_str(km_vm_flags_text(GR(r)->flags, ",", b, n));
}
static void j_kinds(const struct km_vctx *c, const struct km_row *r, struct km_json *j,
                    const char *key)
{
    km_json_arr(j, key);
    for (int k = 0; k < KM_VM_NFLAGS; k++)
        if (GR(r)->flags & (1u << k))
            km_json_str(j, NULL, km_vm_flag_word(k));
    km_json_arr_end(j);
}

/* pages per node as the kernel writes them: "N0=12 N1=3" */
static struct km_val g_nodes(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    const struct km_vmgroup *g = GR(r);
    size_t pos = 0;
    b[0] = '\0';
    for (size_t k = 0; k < g->nnodes && pos + 1 < n; k++) {
        const struct km_vmg_node *nd = &GS(c)->nodes[g->node0 + k];
        int w =
            snprintf(b + pos, n - pos, "%sN%d=%lld", k ? " " : "", nd->node, (long long)nd->pages);
        pos += w > 0 ? (size_t)w : 0;
    }
    return km_v_str(b);
}
static void j_nodes(const struct km_vctx *c, const struct km_row *r, struct km_json *j,
                    const char *key)
{
    const struct km_vmgroup *g = GR(r);
    km_json_arr(j, key);
    for (size_t k = 0; k < g->nnodes; k++) {
        const struct km_vmg_node *nd = &GS(c)->nodes[g->node0 + k];
        km_json_obj(j, NULL);
        km_json_int(j, "node", nd->node);
        km_json_int(j, "pages", nd->pages);
        km_json_obj_end(j);
    }
    km_json_arr_end(j);
}

enum { COL_CALLER, COL_MODULE, COL_AREAS, COL_BYTES, COL_RAM, COL_GROWTH, COL_KINDS, COL_NODES };

static const struct km_col cols[] = {
    [COL_CALLER] = {KM_TEXT("CALLER", "caller", 28, g_caller,
                            "the function that asked for the areas, without +off/len; (none): "
                            "no caller (vm_map_ram); unpurged: lazily freed, not yet purged")},
    [COL_MODULE] = {KM_TEXT("MODULE", "module", 16, g_module,
                            "the module the caller is in ([name]); - for the core kernel"), .prio = KM_PRIO_HIGH},
    [COL_AREAS] = {KM_NUM("AREAS", "areas", NULL, 6, KM_U_COUNT, g_areas, "vmalloc areas"), .prio = KM_PRIO_NORMAL,
                    .prom = KM_PROMS({.name = "vmalloc_areas", .sum = true})},
    [COL_BYTES] = {KM_NUM("BYTES", "bytes", NULL, 9, KM_U_BYTES, g_bytes,
                          "address space as vmallocinfo prints it, guard pages included"), .prio = KM_PRIO_TOP,
                    .prom = KM_PROMS({.name = "vmalloc_address_space_bytes", .sum = true})},
    [COL_RAM] = {KM_NUM("RAM", "ram", NULL, 9, KM_U_BYTES, g_ram,
                        "RAM the areas hold: pages= x page size; - when no area says "
                        "(ioremap, vmap)"), .prio = KM_PRIO_TOP,
                  .prom = KM_PROMS({.name = "vmalloc_ram_bytes", .sum = true})},
    [COL_GROWTH] = {KM_NUM("GROWTH", "growth", NULL, 9, KM_U_BYTE_RATE, g_growth,
                           "RAM change per second since the previous frame that read "
                           "vmallocinfo (a caller new since then grew from nothing)"), .prio = KM_PRIO_NORMAL,
                    .attr = a_growth},
    [COL_KINDS] = {KM_TEXT("KINDS", "kinds", 14, g_kinds,
                           "the flags seen among the areas: vmalloc, vmap, ioremap, user, "
                           "vpages, ..."), .prio = KM_PRIO_NORMAL,
                   .jsonw = j_kinds},
    [COL_NODES] = {KM_TEXT("PER NODE", "nodes", 14, g_nodes,
                           "pages per NUMA node (N<node>=pages, summed over the areas)"), .prio = KM_PRIO_LOW,
                   .nosort = true, .jsonw = j_nodes},
    /* JSON and CSV only */
    {KM_NUM("PAGES", "pages", NULL, 0, KM_U_COUNT, g_pages, "RAM pages: the sum of pages="),
     .flags = KM_F_NOSCREEN},
};

static bool vm_ok(const struct km_vctx *c)
{
    return c->s->src[KM_SRC_VMALLOCINFO].status == KM_ST_OK;
}

static void rows(struct km_vm *vm, const struct km_vctx *c)
{
    const struct km_vmgroups *gs = GS(c);
    if (!vm_ok(c))
        return;
    for (size_t k = 0; k < gs->n; k++) {
        const struct km_vmgroup *g = &gs->g[k];
        if (g->module)
            km_vm_add(vm, g, 0, 0, 0, NULL, "%s [%s]", g->caller, g->module);
        else
            km_vm_add(vm, g, 0, 0, 0, NULL, "%s", g->caller);
    }
}

/* ---- the summary: totals, and VmallocUsed ------------------------------------ */

/* What meminfo's VmallocUsed counts, by the kernel's release. */
enum era { ERA_UNKNOWN, ERA_SIZES, ERA_NONE, ERA_PAGES };

static enum era used_era(const struct km_vctx *c)
{
    int maj, min;
    if (sscanf(c->s->kernel, "%d.%d", &maj, &min) != 2 || maj < 2 || maj > 99 || min < 0)
        return ERA_UNKNOWN;
    long v = maj * 1000L + min;
    return v < 4004 ? ERA_SIZES : v < 5003 ? ERA_NONE : ERA_PAGES;
}

/* VmallocUsed, when meminfo was read and the kernel counts it. */
static int64_t vmalloc_used(const struct km_vctx *c)
{
    const struct km_meminfo *m = &c->s->mem;
    bool ok = c->s->src[KM_SRC_MEMINFO].status == KM_ST_OK && m->vmalloc_used_valid;
    return ok ? m->vmalloc_used : KM_NA;
}

/* meminfo was read and says VmallocUsed 0 (not counted, 4.4 to 5.2) */
#define MEM_ZERO(c)                                                                                \
    ((c)->s->src[KM_SRC_MEMINFO].status == KM_ST_OK && (c)->s->mem.vmalloc_used == 0)

static int64_t minus(int64_t a, int64_t b)
{
    return KM_IS_NA(a) || KM_IS_NA(b) ? KM_NA : a - b;
}

static int64_t vmalloc_ram(const struct km_vctx *c)
{
    long ps = c->s->page_size;
    return ps > 0 ? km_sat_mul(km_vmallocinfo_vmalloc_pages(&c->s->vm), ps) : KM_NA;
}

#define SUM_GET(nm, expr) KM_GETTER(s_##nm, const struct km_vmgroups *t = GS(c); (void)t, expr)
SUM_GET(callers, km_v_int((int64_t)t->n))
SUM_GET(areas, km_v_int(t->areas))
SUM_GET(bytes, km_v_int(t->bytes))
SUM_GET(pages, km_v_int(t->pages))
SUM_GET(ram, km_v_int(t->ram))
SUM_GET(growth, km_v_dbl(t->growth))
SUM_GET(vmalloc_ram, km_v_int(vmalloc_ram(c)))
SUM_GET(used, km_v_int(vmalloc_used(c)))
SUM_GET(ram_minus_used, km_v_int(minus(t->ram, vmalloc_used(c))))
SUM_GET(bytes_minus_used, km_v_int(minus(t->bytes, vmalloc_used(c))))

static struct km_val s_counts(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    static const char *const what[] = {[ERA_UNKNOWN] = NULL,
                                       [ERA_SIZES] = "area sizes",
                                       [ERA_NONE] = "nothing",
                                       [ERA_PAGES] = "vmalloc pages"};
    enum era e = used_era(c);
    if (e == ERA_NONE && !KM_IS_NA(vmalloc_used(c)))
        e = ERA_UNKNOWN; /* a 4.4 to 5.2 kernel that counts it after all (a vendor's) */
    return km_v_str(what[e]);
}

/* A summary field of vmallocinfo (key, unit, getter, help): only when it was read. */
#define VSUM(k, u, g, h)                                                                           \
    {                                                                                              \
        KM_NUM(k, k, NULL, 0, u, s_##g, h), .when = vm_ok                                          \
    }

static const struct km_col sum[] = {
    {KM_NUM("callers", "callers", NULL, 0, KM_U_COUNT, s_callers,
            "groups: callers, (none) and unpurged"),
     .when = vm_ok, .prom = KM_PROMS({.name = "vmalloc_callers"})},
    VSUM("areas", KM_U_COUNT, areas, "areas"),
    VSUM("bytes", KM_U_BYTES, bytes, "address space, guard pages included"),
    VSUM("pages", KM_U_COUNT, pages, "RAM pages: the sum of pages="),
    VSUM("ram", KM_U_BYTES, ram, "pages x page size"),
    VSUM("growth", KM_U_BYTE_RATE, growth, "RAM change per second"),
    VSUM("vmalloc_ram", KM_U_BYTES, vmalloc_ram, "RAM of the areas flagged vmalloc"),
    {KM_NUM("vmalloc_used", "vmalloc_used", NULL, 0, KM_U_BYTES, s_used, "meminfo VmallocUsed")},
    {KM_TEXT("vmalloc_used_counts", "vmalloc_used_counts", 0, s_counts,
             "what VmallocUsed counts on this kernel's release")},
    VSUM("ram_minus_vmalloc_used", KM_U_BYTES, ram_minus_used, "ram - VmallocUsed"),
    VSUM("bytes_minus_vmalloc_used", KM_U_BYTES, bytes_minus_used, "bytes - VmallocUsed"),
};

static void sum_line(const struct km_vctx *c, int attr, const char *tmpl, km_line_fn line,
                     void *arg)
{
    char buf[600];
    km_fields_line(&km_view_vmalloc, c, tmpl, buf, sizeof(buf));
    line(arg, attr, buf);
}

/* meminfo's VmallocUsed is 0: what that means. */
static void note_not_counted(km_line_fn line, void *arg)
{
    line(arg, KM_ATTR_DIM,
         "meminfo's VmallocUsed is 0, which kernels 4.4 to 5.2 print for \"not counted\"");
}

/* RAM (or, before 4.4, bytes) in the areas against VmallocUsed, and why they differ. */
static void notes_used(const struct km_vctx *c, km_line_fn line, void *arg)
{
    enum era e = used_era(c);
    if (KM_IS_NA(vmalloc_used(c))) {
        if (MEM_ZERO(c))
            note_not_counted(line, arg);
    } else if (e == ERA_SIZES) {
        sum_line(c, KM_ATTR_NORMAL,
                 "Bytes in areas {bytes} vs VmallocUsed {vmalloc_used}: differ by "
                 "{bytes_minus_vmalloc_used}",
                 line, arg);
        line(arg, KM_ATTR_DIM,
             "before 4.4 VmallocUsed summed the sizes of the areas in the vmalloc range (guard "
             "pages included): address space, not RAM");
        line(arg, KM_ATTR_DIM,
             "areas outside that range (module space on 32-bit ARM) are not in it");
    } else {
        sum_line(c, KM_ATTR_NORMAL,
                 "RAM in areas {ram} vs VmallocUsed {vmalloc_used}: differ by "
                 "{ram_minus_vmalloc_used}",
                 line, arg);
        if (e == ERA_PAGES)
            sum_line(c, KM_ATTR_DIM,
                     "since 5.3 VmallocUsed counts the pages vmalloc() allocated ({vmalloc_ram} "
                     "in areas flagged vmalloc), not vmap()'s; meminfo is read a moment apart",
                     line, arg);
    }
}

static void notes(const struct km_vm *vm, const struct km_vctx *c, km_line_fn line, void *arg)
{
    enum km_status st = c->s->src[KM_SRC_VMALLOCINFO].status;
    km_frame_warnings(c, vm->def->sources, line, arg);
    if (st == KM_ST_OK) {
        sum_line(c, KM_ATTR_NORMAL,
                 "{callers} callers, {areas} areas: {bytes} of address space (guard pages "
                 "included), {ram} of RAM | Growth: {growth}",
                 line, arg);
        notes_used(c, line, arg);
        return;
    }
    if (st == KM_ST_MISSING && c->s->root[0])
        line(arg, KM_ATTR_NORMAL,
             "/proc/vmallocinfo is readable by root only: a capture by a normal user has none");
    if (st == KM_ST_SKIPPED)
        return;
    if (!KM_IS_NA(vmalloc_used(c)))
        sum_line(c, KM_ATTR_NORMAL, "What every user can read: meminfo VmallocUsed {vmalloc_used}",
                 line, arg);
    else if (MEM_ZERO(c))
        note_not_counted(line, arg);
}

static void json(const struct km_vm *vm, const struct km_vctx *c, struct km_json *j)
{
    km_json_summary(vm->def, c, j);
    km_json_rows(j, vm, c, vm_ok(c));
    if (km_modules_details_name(c)) /* --details CALLER: view_vmalloc_details.c */
        km_vmalloc_details_json(c, km_modules_details_name(c), j);
}

/* Prometheus: caller and module ("" for the core kernel) */
static void prom_labels(const struct km_vctx *c, const struct km_row *r, struct km_plabels *l)
{
    char b[KM_FIELD_BUF];
    struct km_val v;
    l->n = 2;
    l->name[0] = "caller";
    l->name[1] = "module";
    v = cols[COL_CALLER].get(c, r, b, sizeof(b));
    snprintf(l->val[0], sizeof(l->val[0]), "%s", v.t == KM_VT_STR ? v.s : "");
    v = cols[COL_MODULE].get(c, r, b, sizeof(b));
    snprintf(l->val[1], sizeof(l->val[1]), "%s", v.t == KM_VT_STR ? v.s : "");
}

const struct km_view_def km_view_vmalloc = {
    .name = "vmalloc",
    .title = "Vmalloc",
    /* meminfo: VmallocUsed, to reconcile the areas with (the header reads it anyway) */
    .sources = KM_SRC_BIT(KM_SRC_VMALLOCINFO) | KM_SRC_BIT(KM_SRC_MEMINFO),
    .derives = KM_DER_VMGROUPS, /* the Modules view reads vmallocinfo without needing them */
    .cols = cols,
    .ncols = (int)KM_ARRAY_LEN(cols),
    .sum = sum,
    .nsum = (int)KM_ARRAY_LEN(sum),
    .default_sort = COL_RAM,
    .rows = rows,
    .notes = notes,
    .json = json,
    .json_always = true,
    .main_src = KM_SRC_VMALLOCINFO,
    .footer = km_vmalloc_footer,   /* --details CALLER */
    .details = km_vmalloc_details, /* Enter */
    .prom_labels = prom_labels,
    .prom_top = 30,
};
