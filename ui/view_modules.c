/*
 * view_modules.c - loaded modules and where their memory really is: the
 * lsmod figures of /proc/modules and /sys/module next to the vmalloc areas
 * that hold each module's image (static) and that its code allocated
 * (dynamic), as joined by km_modjoin. Pinned rows, under a rule and
 * explained under the table (not modules, not to be added to them): the
 * module image areas matched to no module (only when there are some),
 * shared execmem cache areas, and the totals. The
 * notes say how areas were found and why not by address; recent loads and
 * unloads follow. The area list of one module (--details, Enter on screen)
 * and the list of loads and unloads are in view_modules_details.c.
 */
#include "fmt.h"
#include "frame.h"
#include "hist.h"
#include "json.h"
#include "view_modules.h"
#include "views.h"
#include "kmemtop/derive.h"
#include "kmemtop/sat.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum row_kind { R_MODULE, R_TOTAL, R_UNATT, R_SHARED };

#define MOD(r) ((const struct km_module *)(r)->rec)
#define MM(r) ((const struct km_modmem *)(r)->aux)
#define MJ(c) (&(c)->s->mj)

/* ---- per-row values: module rows and the pinned rows ------------------------- */

enum field {
    F_SIZE,
    F_CORE,
    F_INIT,
    F_AREAS,
    F_STATIC,
    F_PAGES,
    F_OVH,
    F_DAREAS,
    F_DYN,
    F_DPAGES,
    F_TOTAL
};

static int64_t sum_value(const struct km_mj_sum *s, bool joined, enum field f)
{
    if (!joined)
        return KM_NA;
    switch (f) {
    case F_AREAS:
        return s->areas;
    case F_STATIC:
    case F_TOTAL:
        return s->bytes;
    case F_PAGES:
        return s->pages;
    default:
        return KM_NA;
    }
}

static int64_t total_value(const struct km_modjoin *j, enum field f)
{
    int64_t v = 0;
    switch (f) {
    case F_SIZE:
        return j->lsmod_bytes;
    case F_STATIC:
        return j->static_bytes;
    case F_OVH:
        return j->static_bytes - j->lsmod_bytes;
    case F_TOTAL:
        return j->total_bytes;
    case F_AREAS:
    case F_PAGES: {
        bool any = false;
        for (size_t k = 0; k < j->n; k++) {
            int64_t x = f == F_AREAS ? j->mods[k].static_areas : j->mods[k].static_pages;
            km_sat_acc(&v, x);
            any |= !KM_IS_NA(x);
        }
        return any ? v : KM_NA;
    }
    case F_DAREAS:
        return j->joined ? j->dynamic.areas : KM_NA;
    case F_DYN:
        return j->joined ? j->dynamic.bytes : KM_NA;
    case F_DPAGES:
        return j->joined ? j->dynamic.pages : KM_NA;
    default:
        return KM_NA;
    }
}

static int64_t module_value(const struct km_row *r, enum field f)
{
    const struct km_module *m = MOD(r);
    const struct km_modmem *mm = MM(r);
    switch (f) {
    case F_SIZE:
        return m->size;
    case F_CORE:
        return m->coresize;
    case F_INIT:
        return m->initsize;
    default:
        break;
    }
    if (!mm)
        return KM_NA;
    const int64_t v[] = {[F_AREAS] = mm->static_areas,   [F_STATIC] = mm->static_bytes,
                         [F_PAGES] = mm->static_pages,   [F_OVH] = mm->overhead_bytes,
                         [F_DAREAS] = mm->dynamic_areas, [F_DYN] = mm->dynamic_bytes,
                         [F_DPAGES] = mm->dynamic_pages, [F_TOTAL] = mm->total_bytes};
    return v[f];
}

static int64_t value(const struct km_vctx *c, const struct km_row *r, enum field f)
{
    const struct km_modjoin *j = MJ(c);
    switch (r->kind) {
    case R_TOTAL:
        return total_value(j, f);
    case R_UNATT:
        return sum_value(&j->unattributed, j->joined, f);
    case R_SHARED:
        /* the cache less the text already charged to modules: never counted twice */
        if (f == F_TOTAL)
            return j->shared.bytes - j->text_bytes;
        return sum_value(&j->shared, j->joined, f);
    default:
        return module_value(r, f);
    }
}

/* ---- fields ------------------------------------------------------------------------ */

#define NUM_GET(fn, f) KM_GETTER(fn, (void)0, km_v_int(value(c, r, f)))
NUM_GET(g_size, F_SIZE)
NUM_GET(g_core, F_CORE)
NUM_GET(g_init, F_INIT)
NUM_GET(g_areas, F_AREAS)
NUM_GET(g_static, F_STATIC)
NUM_GET(g_pages, F_PAGES)
NUM_GET(g_ovh, F_OVH)
NUM_GET(g_dareas, F_DAREAS)
NUM_GET(g_dyn, F_DYN)
NUM_GET(g_dpages, F_DPAGES)
NUM_GET(g_total, F_TOTAL)

static struct km_val g_ovhpct(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    if (r->kind == R_MODULE)
        return km_v_dbl(MM(r) ? MM(r)->overhead_pct : NAN);
    const struct km_modjoin *j = MJ(c);
    if (r->kind == R_TOTAL && j->lsmod_bytes > 0)
        return km_v_dbl(100.0 * (double)(j->static_bytes - j->lsmod_bytes) /
                        (double)j->lsmod_bytes);
    return km_v_none();
}

/* The totals row says what it adds up, so that it cannot be read as a module. */
static struct km_val g_name(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    if (r->kind != R_TOTAL)
        return km_v_str(r->name);
    snprintf(b, n, "(total: %zu module%s)", c->s->mods.n, c->s->mods.n == 1 ? "" : "s");
    return km_v_str(b);
}

/* The module's own values; the pinned rows have none. */
static struct km_val g_refs(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return r->kind == R_MODULE ? km_v_int(MOD(r)->refcnt) : km_v_blank();
}
static struct km_val g_state(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return r->kind == R_MODULE ? km_v_str(MOD(r)->state) : km_v_blank();
}
static struct km_val g_taint(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return r->kind == R_MODULE ? km_v_str(MOD(r)->taint) : km_v_blank();
}
static struct km_val g_permanent(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return r->kind == R_MODULE ? km_v_bool(MOD(r)->permanent) : km_v_blank();
}
/* text of a module in a shared execmem cache area (charged to it, not to the cache) */
static struct km_val g_text_shared(const struct km_vctx *c, const struct km_row *r, char *b,
                                   size_t n)
{
    if (r->kind != R_MODULE)
        return km_v_blank();
    const struct km_modmem *mm = MM(r);
    return km_v_int(mm && mm->method == KM_MJ_SHARED ? mm->text_bytes : KM_NA);
}

/* why a module is an estimate while the join matched others; null when it is not */
static struct km_val g_miss(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    if (r->kind != R_MODULE)
        return km_v_blank();
    const struct km_modmem *mm = MM(r);
    return mm && mm->miss != KM_MJ_MISS_NONE ? km_v_str(km_mj_miss_text(mm->miss)) : km_v_none();
}

/* A module without join data has none; the totals row has the join's. */
static struct km_val g_method(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    if (r->kind == R_MODULE)
        return MM(r) ? km_v_str(km_mj_method_name(MM(r)->method)) : km_v_none();
    return r->kind == R_TOTAL ? km_v_str(km_mj_method_name(MJ(c)->method)) : km_v_blank();
}

static void f_usedby(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    o[0] = '\0';
    if (r->kind != R_MODULE)
        return;
    const struct km_module *m = MOD(r);
    size_t pos = 0;
    for (int i = 0; i < m->ndeps && pos + 1 < n; i++)
        pos += (size_t)snprintf(o + pos, n - pos, "%s%s", i ? "," : "", m->deps[i]);
    if (m->permanent && pos + 1 < n)
        snprintf(o + pos, n - pos, "%s[permanent]", pos ? "," : "");
    if (!o[0])
        snprintf(o, n, "-");
}
static void j_usedby(const struct km_vctx *c, const struct km_row *r, struct km_json *j,
                     const char *key)
{
    const struct km_module *m = MOD(r);
    km_json_arr(j, key);
    for (int i = 0; r->kind == R_MODULE && i < m->ndeps; i++)
        km_json_str(j, NULL, m->deps[i]);
    km_json_arr_end(j);
}

#define RCOL(t, k, js, w, u, g, h, ...)                                                            \
    {                                                                                              \
        KM_NUM(t, k, js, w, u, g, h), __VA_ARGS__                                                  \
    }
/* A module's Prometheus family (label module; the pinned rows are not exported) */
#define PM(n) .prom = KM_PROMS({.name = n, .kinds = 1u << R_MODULE, .sum = true})
#define LCOL(t, k, w, g, h, ...)                                                                      \
    {                                                                                              \
        KM_TEXT(t, k, w, g, h), __VA_ARGS__                                                        \
    }
#define BYTES KM_U_BYTES
#define COUNT KM_U_COUNT

enum { COL_TOTAL = 15 };

static const struct km_col cols[] = {
    LCOL("MODULE", "name", 20, g_name, "module name"),
    RCOL("SIZE", "size", NULL, 7, BYTES, g_size, "size as lsmod and /proc/modules report it",
         PM("module_size_bytes"), .prio = KM_PRIO_TOP),
    RCOL("CORE", "core", "core_size", 7, BYTES, g_core, "/sys/module/<m>/coresize", PM("module_core_bytes"), .prio = KM_PRIO_NORMAL),
    RCOL("INIT", "init", "init_size", 6, BYTES, g_init, "/sys/module/<m>/initsize (0 once loaded)",
         PM("module_init_bytes"), .prio = KM_PRIO_LEAST),
    RCOL("REFS", "refs", "refcount", 4, COUNT, g_refs, "reference count",
         .prom = KM_PROMS({.name = "module_refcount", .kinds = 1u << R_MODULE}), .prio = KM_PRIO_HIGH),
    LCOL("STATE", "state", 9, g_state, "Live, Loading or Unloading", .prio = KM_PRIO_LOW),
    LCOL("TAINT", "taint", 5, g_taint,
         "taint flags (O out-of-tree, E unsigned, P proprietary, ...)", .prio = KM_PRIO_LOW),
    RCOL("AREAS", "areas", "static_areas", 5, COUNT, g_areas,
         "vmalloc areas holding the module image", PM("module_static_areas"), .prio = KM_PRIO_NORMAL),
    RCOL("STATIC", "static", "static_bytes", 7, BYTES, g_static,
         "bytes of those areas as vmallocinfo prints them (guard pages included)",
         PM("module_static_bytes"), .prio = KM_PRIO_TOP),
    RCOL("PAGES", "pages", "static_pages", 6, COUNT, g_pages, "pages of those areas (pages=)", .prio = KM_PRIO_LOW),
    RCOL("OVERHEAD", "overhead", "overhead_bytes", 8, BYTES, g_ovh,
         "static minus lsmod size: page rounding and guard pages", .prio = KM_PRIO_TOP),
    RCOL("OVH%", "overhead_pct", NULL, 6, KM_U_PCT, g_ovhpct,
         "overhead in percent of the lsmod size", .prio = KM_PRIO_NORMAL),
    RCOL("DYN#", "dynamic_areas", NULL, 4, COUNT, g_dareas,
         "vmalloc areas the module's own code allocated (caller [name])",
         PM("module_dynamic_areas"), .prio = KM_PRIO_NORMAL),
    RCOL("DYNAMIC", "dynamic", "dynamic_bytes", 7, BYTES, g_dyn, "bytes of those areas as printed",
         PM("module_dynamic_bytes"), .prio = KM_PRIO_TOP),
    RCOL("DPAGES", "dynamic_pages", NULL, 6, COUNT, g_dpages, "pages of those areas", .prio = KM_PRIO_LOW),
    RCOL("TOTAL", "total", "total_bytes", 7, BYTES, g_total, "static + dynamic", .prio = KM_PRIO_TOP),
    KM_HIST_DELTA0("+TOTAL"),
    KM_HIST_TREND,
    KM_HIST_FLAG,
    LCOL("METHOD", "method", 8, g_method,
         "how the static areas were found: address, order, estimate, shared", .prio = KM_PRIO_TOP),
    {KM_TEXT("USED BY", "usedby", 20, NULL, "modules that use this one"), .prio = KM_PRIO_NORMAL, .json = "used_by",
     .fmt = f_usedby, .jsonw = j_usedby},
    /* JSON and CSV only */
    {KM_NUM("PERMANENT", "permanent", NULL, 0, KM_U_BOOL, g_permanent,
            "the module cannot be unloaded (no exit function)"),
     .flags = KM_F_NOSCREEN},
    {KM_NUM("TEXT SHARED", "text_shared_bytes", NULL, 0, KM_U_BYTES, g_text_shared,
            "the module's text in a shared execmem cache area, charged to the module"),
     .flags = KM_F_NOSCREEN},
    {KM_TEXT("ESTIMATE REASON", "estimate_reason", 0, g_miss,
             "why the module is an estimate while the others were matched"),
     .flags = KM_F_NOSCREEN},
    KM_HIST_NEW,
};
_Static_assert(KM_ARRAY_LEN(cols) == COL_TOTAL + 10, "the TOTAL column index");

/* ---- rows -------------------------------------------------------------------------- */

static void rows(struct km_vm *vm, const struct km_vctx *c)
{
    const struct km_modules *m = &c->s->mods;
    const struct km_modjoin *j = MJ(c);
    bool joined_ok = j->n == m->n && j->mods;
    for (size_t i = 0; i < m->n; i++) {
        size_t r =
            km_vm_add(vm, &m->mods[i], R_MODULE, 0, 0, m->mods[i].name, "%s", m->mods[i].name);
        vm->rows[r].aux = joined_ok ? &j->mods[i] : NULL;
    }
    if (!joined_ok || m->n == 0)
        return;
    static const struct {
        int kind;
        const char *name, *id;
    } pins[] = {{R_UNATT, "(unattributed)", "_unattributed"},
                {R_SHARED, "(shared execmem)", "_shared"},
                {R_TOTAL, "(total)", "_total"}};
    for (size_t p = 0; p < KM_ARRAY_LEN(pins); p++) {
        /* the unattributed row only when some image area is matched to no module */
        if ((pins[p].kind == R_UNATT && !(j->joined && j->nunatt > 0)) ||
            (pins[p].kind == R_SHARED && !j->nshared))
            continue;
        size_t r = km_vm_add(vm, j, pins[p].kind, 0, 0, pins[p].name, "%s", pins[p].id);
        vm->rows[r].pinned = true;
    }
}

/* ---- notes above the table ------------------------------------------------------------- */

/* Module pages in vmalloc areas as a share of VmallocUsed (pages, not guard VA). */
static double vmalloc_share(const struct km_vctx *c)
{
    const struct km_sample *s = c->s;
    const struct km_modjoin *j = MJ(c);
    if (s->src[KM_SRC_MEMINFO].status != KM_ST_OK || !s->mem.vmalloc_used_valid ||
        KM_IS_NA(s->mem.vmalloc_used) || s->mem.vmalloc_used <= 0)
        return NAN;
    int64_t pages = total_value(j, F_PAGES);
    if (j->joined)
        pages = km_sat_add(km_sat_add(j->image.pages, j->dynamic.pages), j->dynamic_other.pages);
    if (KM_IS_NA(pages))
        return NAN;
    return 100.0 * ((double)pages * (double)s->page_size) / (double)s->mem.vmalloc_used;
}

static const char *why_text(const struct km_vctx *c)
{
    const struct km_modjoin *j = MJ(c);
    enum km_status vs = c->s->src[KM_SRC_VMALLOCINFO].status;
    const char *root = c->s->root[0] ? " before capturing" : "";
    static char buf[320];
    switch (j->why) {
    case KM_MJ_WHY_NO_VMALLOCINFO:
        snprintf(buf, sizeof(buf), "%s: sizes are estimates (PAGE_ALIGN(size) + a guard page per area)%s",
                 vs == KM_ST_DENIED                     ? "/proc/vmallocinfo needs root"
                 : vs == KM_ST_MISSING && c->s->root[0] ? "no vmallocinfo in the captured tree"
                 : vs == KM_ST_MISSING                  ? "no /proc/vmallocinfo"
                 : vs == KM_ST_ERROR ? c->s->src[KM_SRC_VMALLOCINFO].reason /* file and line */
                                     : "/proc/vmallocinfo not read",
                 vs == KM_ST_DENIED ? "; run as root for exact figures" : "");
        return buf;
    case KM_MJ_WHY_MODULES_HIDDEN:
        snprintf(buf, sizeof(buf),
                 "/proc/modules hides module addresses from this reader: estimates; for exact "
                 "figures read as root%s with `sysctl kernel.kptr_restrict=1`",
                 root);
        return buf;
    case KM_MJ_WHY_VM_ZERO:
        snprintf(buf, sizeof(buf),
                 "vmallocinfo addresses are zeroed: estimates; `sysctl kernel.kptr_restrict=1` as "
                 "root%s gives exact figures",
                 root);
        return buf;
    case KM_MJ_WHY_HASHED_ORDERED:
    case KM_MJ_WHY_HASHED_NODES:
        snprintf(buf, sizeof(buf),
                 "vmallocinfo addresses are hashed: areas matched by the order the kernel prints "
                 "them in (predicted from the modules' section addresses) and by size");
        return buf;
    case KM_MJ_WHY_HASHED_UNORDERED:
        snprintf(buf, sizeof(buf),
                 "vmallocinfo addresses are hashed and no predicted order fits them%s: estimates; "
                 "`sysctl kernel.kptr_restrict=1` as root%s gives exact figures",
                 c->s->possible_cpus < 0 ? " (no /sys/devices/system/cpu/possible)" : "", root);
        return buf;
    case KM_MJ_WHY_NO_IMAGE_AREAS:
        return "no module-image area in vmallocinfo (no known allocator caller): estimates";
    case KM_MJ_WHY_NONE:
        break;
    }
    return "";
}

/* ---- the summary: the join's totals (JSON "totals"), fields of the sample ------------- */

static void json_sum(struct km_json *j, const char *key, const struct km_mj_sum *s, bool joined)
{
    if (!joined) {
        km_json_null(j, key);
        return;
    }
    km_json_obj(j, key);
    km_json_int(j, "areas", s->areas);
    km_json_int(j, "bytes", s->bytes);
    km_json_int(j, "pages", s->pages);
    km_json_obj_end(j);
}

#define TOT_GET(nm, expr) KM_GETTER(t_##nm, const struct km_modjoin *j = MJ(c); (void)j, expr)
TOT_GET(modules, km_v_int((int64_t)c->s->mods.n))
TOT_GET(lsmod, km_v_int(j->lsmod_bytes))
TOT_GET(static, km_v_int(j->static_bytes))
TOT_GET(pages, km_v_int(total_value(j, F_PAGES)))
TOT_GET(dareas, km_v_int(total_value(j, F_DAREAS)))
TOT_GET(dyn, km_v_int(total_value(j, F_DYN)))
TOT_GET(dpages, km_v_int(total_value(j, F_DPAGES)))
TOT_GET(total, km_v_int(j->total_bytes))
TOT_GET(text, km_v_int(j->text_bytes))
TOT_GET(share, km_v_dbl(vmalloc_share(c)))
TOT_GET(matched, km_v_int((int64_t)j->nmatched))
TOT_GET(missing, km_v_int((int64_t)j->nmissing))
TOT_GET(estimated, j->method == KM_MJ_ESTIMATE ? km_v_str(" (estimated)") : km_v_blank())
TOT_GET(image_areas, km_v_int(j->image.areas))
TOT_GET(image_bytes, km_v_int(j->image.bytes))
TOT_GET(matched_areas, km_v_int(j->attributed.areas))
TOT_GET(unatt_areas, km_v_int(j->unattributed.areas))
TOT_GET(unatt_bytes, km_v_int(j->unattributed.bytes))
TOT_GET(shared_areas, km_v_int(j->shared.areas))
TOT_GET(shared_bytes, km_v_int(j->shared.bytes))

#define SUM_JSON(nm, member)                                                                       \
    static void j_##nm(const struct km_vctx *c, const struct km_row *r, struct km_json *j,         \
                       const char *key)                                                            \
    {                                                                                              \
        json_sum(j, key, &MJ(c)->member, MJ(c)->joined);                                           \
    }
SUM_JSON(image, image)
SUM_JSON(attributed, attributed)
SUM_JSON(unloaded, dynamic_other)

#define TOT(k, u, g, h, ...)                                                                       \
    {                                                                                              \
        KM_NUM(k, k, NULL, 0, u, t_##g, h), __VA_ARGS__                                            \
    }
/* Prometheus: the totals when JSON has them (a join was made), the pinned rows' when joined */
static bool have_join(const struct km_vctx *c)
{
    return MJ(c)->mods != NULL;
}
static bool joined(const struct km_vctx *c)
{
    return MJ(c)->mods != NULL && MJ(c)->joined;
}
#define PT(n) .prom = KM_PROMS({.name = n}), .when = have_join
#define TOT_TEXT(k, g, h)                                                                          \
    {                                                                                              \
        KM_NUM(k, k, NULL, 0, KM_U_COUNT, t_##g, h), .flags = KM_F_NOJSON                          \
    }
#define TOT_OBJ(k, g, h)                                                                           \
    {                                                                                              \
        KM_TEXT(k, k, 0, NULL, h), .jsonw = j_##g                                                  \
    }

static const struct km_col sum[] = {
    TOT("modules", KM_U_COUNT, modules, "loaded modules", PT("modules_loaded")),
    TOT("lsmod_bytes", KM_U_BYTES, lsmod, "their sizes as lsmod counts them"),
    TOT("static_bytes", KM_U_BYTES, static, "their static areas (estimates included)"),
    TOT("static_pages", KM_U_COUNT, pages, "pages of those areas"),
    TOT("dynamic_areas", KM_U_COUNT, dareas, "areas the modules' own code allocated"),
    TOT("dynamic_bytes", KM_U_BYTES, dyn, "bytes of those areas"),
    TOT("dynamic_pages", KM_U_COUNT, dpages, "pages of those areas"),
    TOT("total_bytes", KM_U_BYTES, total, "static + dynamic"),
    TOT("text_shared_bytes", KM_U_BYTES, text, "module text charged from shared execmem areas",
        PT("modules_text_shared_bytes")),
    TOT("vmalloc_used_pct", KM_U_PCT, share, "module pages in percent of VmallocUsed"),
    TOT_OBJ("image", image, "every module-image area"),
    TOT_OBJ("attributed", attributed, "image areas matched to a module"),
    TOT_OBJ("dynamic_unloaded", unloaded, "\"[name]\" areas of no loaded module"),
    TOT("modules_matched", KM_U_COUNT, matched, "modules given areas by address, order or shared"),
    TOT("modules_missing", KM_U_COUNT, missing, "modules left to an estimate"),
    /* the sentences' words and figures */
    TOT_TEXT("estimated", estimated, "\" (estimated)\" when the static sizes are estimates"),
    {KM_NUM("image_areas", "image_areas", NULL, 0, KM_U_COUNT, t_image_areas, "image areas"),
     .flags = KM_F_NOJSON},
    {KM_NUM("image_bytes", "image_bytes", NULL, 0, KM_U_BYTES, t_image_bytes, "their bytes"),
     .flags = KM_F_NOJSON},
    {KM_NUM("matched_areas", "matched_areas", NULL, 0, KM_U_COUNT, t_matched_areas,
            "image areas matched"),
     .flags = KM_F_NOJSON},
    {KM_NUM("unattributed_areas", "unattributed_areas", NULL, 0, KM_U_COUNT, t_unatt_areas,
            "image areas matched to no module"),
     .flags = KM_F_NOJSON},
    {KM_NUM("unattributed_bytes", "unattributed_bytes", NULL, 0, KM_U_BYTES, t_unatt_bytes,
            "their bytes"),
     .flags = KM_F_NOJSON, .when = joined,
     .prom = KM_PROMS({.name = "modules_unattributed_bytes",
                       .help = "bytes of module-image areas matched to no module"})},
    {KM_NUM("shared_areas", "shared_areas", NULL, 0, KM_U_COUNT, t_shared_areas,
            "shared execmem cache areas"),
     .flags = KM_F_NOJSON},
    {KM_NUM("shared_bytes", "shared_bytes", NULL, 0, KM_U_BYTES, t_shared_bytes, "their bytes"),
     .flags = KM_F_NOJSON, .when = joined,
     .prom = KM_PROMS({.name = "modules_shared_execmem_bytes",
                       .help = "bytes of the shared execmem cache areas"})},
};

static void note_totals(const struct km_vctx *c, km_line_fn line, void *arg)
{
    char buf[400];
    km_fields_line(&km_view_modules, c,
                   "{modules} modules: {lsmod_bytes} as lsmod counts them, {static_bytes} "
                   "static{estimated}, {dynamic_bytes} dynamic; {vmalloc_used_pct} of VmallocUsed",
                   buf, sizeof(buf));
    line(arg, KM_ATTR_NORMAL, buf);
}

/* "order, 6.9+ vmap nodes: 4 (from /sys/devices/system/cpu/possible)", "address", ... */
static void method_words(const struct km_modjoin *j, char *buf, size_t n)
{
    int k = snprintf(buf, n, "%s", km_mj_method_name(j->method));
    if (j->method == KM_MJ_ORDER && j->vmap_nodes > 1 && k >= 0 && (size_t)k < n)
        snprintf(buf + k, n - (size_t)k, ", 6.9+ vmap nodes: %d %s", j->vmap_nodes,
                 j->nodes_from == KM_MJ_NF_POSSIBLE ? "(from /sys/devices/system/cpu/possible)"
                                                    : "(inferred: no cpu/possible file)");
    else if (j->method == KM_MJ_ORDER && k >= 0 && (size_t)k < n)
        snprintf(buf + k, n - (size_t)k, ", one address order");
}

/* The first module left to an estimate while others matched, and why. */
static const struct km_module *first_missing(const struct km_vctx *c, const char **why)
{
    const struct km_modjoin *j = MJ(c);
    for (size_t k = 0; k < j->n; k++)
        if (j->mods[k].method == KM_MJ_ESTIMATE && j->mods[k].miss != KM_MJ_MISS_NONE) {
            *why = km_mj_miss_text(j->mods[k].miss);
            return &c->s->mods.mods[k];
        }
    return NULL;
}

static void note_method(const struct km_vctx *c, km_line_fn line, void *arg)
{
    const struct km_modjoin *j = MJ(c);
    char buf[560], how[160];
    method_words(j, how, sizeof(how));
    snprintf(buf, sizeof(buf), "exact for %zu of %zu modules (%s)%s%s", j->nmatched, j->n, how,
             j->why != KM_MJ_WHY_NONE ? ": " : "", why_text(c));
    line(arg, j->method == KM_MJ_ESTIMATE || j->nmissing ? KM_ATTR_WARN : KM_ATTR_NORMAL, buf);
    if (j->method == KM_MJ_ESTIMATE && j->unattributed.areas > 0)
        line(
            arg, KM_ATTR_DIM,
            "the unattributed areas hold the images that the estimates stand for: do not add both");
    const char *why = "";
    const struct km_module *miss = first_missing(c, &why);
    if (j->nmissing && miss) {
        char name[KM_MOD_NAME * 4];
        km_sanitize(name, sizeof(name), miss->name);
        snprintf(buf, sizeof(buf),
                 "%zu of %zu modules shown as estimates (%s%s: %s; a line lost in a racy read, or "
                 "a module still loading)",
                 j->nmissing, j->n, name, j->nmissing > 1 ? " and others" : "", why);
        line(arg, KM_ATTR_WARN, buf);
    }
    if (!j->joined)
        return;
    km_fields_line(&km_view_modules, c,
                   "module-image areas in vmallocinfo: {image_areas} ({image_bytes}) = "
                   "{matched_areas} matched + {unattributed_areas} unattributed "
                   "({unattributed_bytes}) + {shared_areas} shared ({shared_bytes})",
                   buf, sizeof(buf));
    line(arg, KM_ATTR_DIM, buf);
}

static void notes(const struct km_vm *vm, const struct km_vctx *c, km_line_fn line, void *arg)
{
    km_frame_warnings(c, vm->def->sources, line, arg);
    if (c->s->src[KM_SRC_MODULES].status != KM_ST_OK || !MJ(c)->mods)
        return;
    note_totals(c, line, arg);
    note_method(c, line, arg);
}

/* Under the table: what the pinned rows are, then the loads and unloads seen between frames. */
static void footer(const struct km_vm *vm, const struct km_vctx *c, km_line_fn line, void *arg)
{
    if (c->s->src[KM_SRC_MODULES].status != KM_ST_OK)
        return;
    km_modules_pins_notes(vm, c, line, arg);
    km_modules_events_notes(c, line, arg);
}

/* ---- JSON ------------------------------------------------------------------------------ */

static void json(const struct km_vm *vm, const struct km_vctx *c, struct km_json *j)
{
    const struct km_modjoin *mj = MJ(c);
    km_json_str(j, "method", km_mj_method_name(mj->method));
    if (mj->why != KM_MJ_WHY_NONE)
        km_json_str(j, "method_reason", why_text(c));
    if (mj->mods) {
        km_json_int(j, "exact_modules", (int64_t)mj->nmatched);
        km_json_str(j, "layout", mj->layout == KM_MJ_LAYOUT_TYPES ? "per_memory_type"
                                 : mj->layout == KM_MJ_LAYOUT_ONE ? "one_area"
                                                                  : "unknown");
    }
    if (mj->method == KM_MJ_ORDER) {
        km_json_int(j, "vmap_nodes", mj->vmap_nodes);
        if (mj->vmap_nodes > 1)
            km_json_str(j, "vmap_nodes_from", km_mj_nfrom_name(mj->nodes_from));
    }
    km_json_rows(j, vm, c, true); /* the pinned rows are in "totals", "unattributed", "shared" */
    if (mj->mods) {
        km_json_summary(vm->def, c, j); /* "totals" */
        json_sum(j, "unattributed", &mj->unattributed, mj->joined);
        json_sum(j, "shared", &mj->shared, mj->joined);
    }
    km_modules_events_json(c->s, j);
    const char *details = km_modules_details_name(c);
    if (details)
        km_modules_details_json(c, details, j);
}

const struct km_view_def km_view_modules = {
    .name = "modules",
    .title = "Modules",
    .sources = KM_SRC_BIT(KM_SRC_MODULES) | KM_SRC_BIT(KM_SRC_VMALLOCINFO),
    .derives = KM_DER_MODJOIN, /* the join's estimates without vmallocinfo too */
    .cols = cols,
    .ncols = (int)KM_ARRAY_LEN(cols),
    .trend = {"total"},
    .sum = sum,
    .nsum = (int)KM_ARRAY_LEN(sum),
    .sum_key = "totals",
    .default_sort = COL_TOTAL,
    .rows = rows,
    .notes = notes,
    .footer = footer,
    .json = json,
    .main_src = KM_SRC_MODULES,
    .state_init = km_modules_state_init,
    .opts = km_modules_opts,
    .opt = km_modules_opt,
    .details = km_modules_details,
    .text_after = km_modules_text_after,
    .after_needs = km_modules_after_needs,
    .prom_label = "module",
};
