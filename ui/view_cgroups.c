/*
 * view_cgroups.c - the kernel memory each memory cgroup holds, as a tree:
 * cgroup v2's memory.stat (kernel, slab, kernel_stack, pagetables,
 * sec_pagetables, percpu, sock, vmalloc), memory.current and cgroup.stat's
 * dying descendants; on cgroup v1 the memory.kmem.* totals. A column the
 * kernel does not give is absent ('-'), never 0. Rows are sorted among their
 * siblings at every depth; '-' folds the selected cgroup, '+' unfolds it,
 * '*' unfolds all. Enter shows the cgroup's whole memory.stat.
 *
 * The hierarchy is walked only while this view is shown or asked for
 * (--view cgroups: "all" leaves it out, as it costs), every
 * KM_CG_MIN_INTERVAL seconds on the live system.
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#include "frame.h"
#include "json.h"
#include "views.h"
#include "kmemtop/read.h"
#include "kmemtop/util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define CG(r) ((const struct km_cgroup *)(r)->rec)

static bool v1(const struct km_vctx *c)
{
    return c->s->cg.hier == KM_CG_V1;
}
static bool v2(const struct km_vctx *c)
{
    return c->s->cg.hier == KM_CG_V2;
}

static struct km_val g_path(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_str(CG(r)->path);
}

/* The last component, marked '-' (unfolded) or '+' (folded) when it has children. */
static void f_path(const struct km_vctx *c, const struct km_row *r, char *out, size_t n)
{
    const char *p = CG(r)->path, *slash = strrchr(p, '/');
    const char *base = slash && slash[1] ? slash + 1 : p;
    const char *mark = r->has_kids ? (r->folded ? "+ " : "- ") : "  ";
    const char *denied = CG(r)->err && km_err_denied(CG(r)->err) ? " (no access)" : "";
    snprintf(out, n, "%s%s%s", mark, base, denied);
}

static struct km_val field(const struct km_row *r, enum km_cg_field f)
{
    int64_t v = CG(r)->v[f];
    return KM_IS_NA(v) ? km_v_none() : km_v_int(v);
}
static struct km_val frate(const struct km_row *r, enum km_cg_field f)
{
    return km_v_dbl(CG(r)->rate[f]);
}

#define G(fn, f)                                                                                   \
    static struct km_val fn(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)    \
    {                                                                                              \
        return field(r, f);                                                                        \
    }
G(g_current, KM_CGF_CURRENT)
G(g_kernel, KM_CGF_KERNEL)
G(g_slab, KM_CGF_SLAB)
G(g_srecl, KM_CGF_SLAB_RECL)
G(g_sunrecl, KM_CGF_SLAB_UNRECL)
G(g_kstack, KM_CGF_KSTACK)
G(g_pt, KM_CGF_PAGETABLES)
G(g_secpt, KM_CGF_SECPT)
G(g_percpu, KM_CGF_PERCPU)
G(g_sock, KM_CGF_SOCK)
G(g_vmalloc, KM_CGF_VMALLOC)
G(g_kmem, KM_CGF_KMEM)
G(g_kmem_max, KM_CGF_KMEM_MAX)
G(g_tcp, KM_CGF_KMEM_TCP)
G(g_dying, KM_CGF_DYING)
G(g_desc, KM_CGF_DESC)

/* The change per second of the kernel's total: v2 "kernel", v1 memory.kmem.usage_in_bytes. */
static struct km_val g_krate(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return frate(r, v1(c) ? KM_CGF_KMEM : KM_CGF_KERNEL);
}
static struct km_val g_srate(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return frate(r, KM_CGF_SLAB);
}

static int a_dying(const struct km_vctx *c, const struct km_row *r)
{
    return CG(r)->dying_grew ? KM_ATTR_BAD : CG(r)->v[KM_CGF_DYING] > 0 ? KM_ATTR_WARN
                                                                        : KM_ATTR_NORMAL;
}
static int a_growth(const struct km_vctx *c, const struct km_row *r)
{
    struct km_val v = g_krate(c, r, NULL, 0);
    return v.t == KM_VT_DBL && v.d > 0 ? KM_ATTR_BAD : KM_ATTR_NORMAL;
}

enum {
    C_PATH, C_CURRENT, C_KERNEL, C_SLAB, C_SRECL, C_SUNRECL, C_KSTACK, C_PT, C_SECPT, C_PERCPU,
    C_SOCK, C_VMALLOC, C_KMEM, C_KMEM_MAX, C_TCP, C_KRATE, C_SRATE, C_DYING, C_DESC
};

#define V2ONLY .when = v2
#define V1ONLY .when = v1

static const struct km_col cols[] = {
    [C_PATH] = {KM_TEXT("CGROUP", "path", 30, g_path,
                        "the cgroup, below the hierarchy's mount point ('-' folds it, '+' unfolds)"),
                .fmt = f_path},
    [C_CURRENT] = {KM_NUM("CURRENT", "current", NULL, 8, KM_U_BYTES, g_current,
                          "all memory charged to it: memory.current (v1 memory.usage_in_bytes)"),
                .prom = KM_PROMS({.name = "cgroup_memory_bytes", .help = "memory charged to the cgroup: memory.current (v1 memory.usage_in_bytes)"})},
    [C_KERNEL] = {KM_NUM("KERNEL", "kernel", NULL, 8, KM_U_BYTES, g_kernel,
                         "kernel memory charged to it, memory.stat kernel (v2, 5.18+)"),
                  V2ONLY,
                .prom = KM_PROMS({.name = "cgroup_kernel_bytes", .help = "kernel memory charged to the cgroup (memory.stat kernel, v2, 5.18+)"})},
    [C_SLAB] = {KM_NUM("SLAB", "slab", NULL, 8, KM_U_BYTES, g_slab,
                       "slab objects charged to it (memory.stat slab, v2)"),
                V2ONLY,
                .prom = KM_PROMS({.name = "cgroup_slab_bytes", .help = "slab memory charged to the cgroup (memory.stat slab, v2)"})},
    [C_SRECL] = {KM_NUM("S_RECL", "slab_reclaimable", NULL, 8, KM_U_BYTES, g_srecl,
                        "of which reclaimable (dentries, inodes)"),
                 V2ONLY},
    [C_SUNRECL] = {KM_NUM("S_UNRECL", "slab_unreclaimable", NULL, 8, KM_U_BYTES, g_sunrecl,
                          "of which unreclaimable"),
                   V2ONLY},
    [C_KSTACK] = {KM_NUM("KSTACK", "kernel_stack", NULL, 8, KM_U_BYTES, g_kstack,
                         "kernel stacks of its tasks"),
                  V2ONLY,
                .prom = KM_PROMS({.name = "cgroup_kernel_stack_bytes", .help = "kernel stacks of the cgroup (v2)"})},
    [C_PT] = {KM_NUM("PGTABLE", "pagetables", NULL, 8, KM_U_BYTES, g_pt,
                     "page tables of its processes"),
              V2ONLY,
                .prom = KM_PROMS({.name = "cgroup_pagetables_bytes", .help = "page tables of the cgroup (v2)"})},
    [C_SECPT] = {KM_NUM("SECPT", "sec_pagetables", NULL, 8, KM_U_BYTES, g_secpt,
                        "secondary page tables (KVM's, 6.2+)"),
                 V2ONLY},
    [C_PERCPU] = {KM_NUM("PERCPU", "percpu", NULL, 8, KM_U_BYTES, g_percpu,
                         "per-CPU allocations charged to it"),
                  V2ONLY,
                .prom = KM_PROMS({.name = "cgroup_percpu_bytes", .help = "per-CPU memory charged to the cgroup (v2)"})},
    [C_SOCK] = {KM_NUM("SOCK", "sock", NULL, 8, KM_U_BYTES, g_sock,
                       "network socket buffers"),
                V2ONLY,
                .prom = KM_PROMS({.name = "cgroup_sock_bytes", .help = "socket buffers of the cgroup (v2)"})},
    [C_VMALLOC] = {KM_NUM("VMALLOC", "vmalloc", NULL, 8, KM_U_BYTES, g_vmalloc,
                          "vmalloc pages charged to it (6.1+ in memory.stat)"),
                   V2ONLY,
                .prom = KM_PROMS({.name = "cgroup_vmalloc_bytes", .help = "vmalloc memory charged to the cgroup (v2, 6.1+)"})},
    [C_KMEM] = {KM_NUM("KMEM", "kmem", NULL, 8, KM_U_BYTES, g_kmem,
                       "kernel memory charged to it: memory.kmem.usage_in_bytes (v1)"),
                V1ONLY,
                .prom = KM_PROMS({.name = "cgroup_kmem_bytes", .help = "kernel memory charged to the cgroup: memory.kmem.usage_in_bytes (v1)"})},
    [C_KMEM_MAX] = {KM_NUM("KMEM_MAX", "kmem_max", NULL, 8, KM_U_BYTES, g_kmem_max,
                           "the most it ever held: memory.kmem.max_usage_in_bytes (v1)"),
                    V1ONLY},
    [C_TCP] = {KM_NUM("TCP", "kmem_tcp", NULL, 8, KM_U_BYTES, g_tcp,
                      "TCP socket buffers: memory.kmem.tcp.usage_in_bytes (v1)"),
               V1ONLY,
                .prom = KM_PROMS({.name = "cgroup_kmem_tcp_bytes", .help = "TCP buffers: memory.kmem.tcp.usage_in_bytes (v1)"})},
    [C_KRATE] = {KM_NUM("KERN/s", "kernel_rate", NULL, 8, KM_U_BYTE_RATE, g_krate,
                        "change per second of KERNEL (v1: KMEM)"),
                 .attr = a_growth},
    [C_SRATE] = {KM_NUM("SLAB/s", "slab_rate", NULL, 8, KM_U_BYTE_RATE, g_srate,
                        "change per second of SLAB"),
                 V2ONLY},
    [C_DYING] = {KM_NUM("DYING", "dying", NULL, 6, KM_U_COUNT, g_dying,
                        "removed descendants still pinned by kernel objects: cgroup.stat "
                        "nr_dying_descendants (red while it grows)"),
                 .attr = a_dying, V2ONLY,
                .prom = KM_PROMS({.name = "cgroup_dying_descendants", .help = "removed descendants still pinned: cgroup.stat nr_dying_descendants (v2)"})},
    [C_DESC] = {KM_NUM("DESC", "descendants", NULL, 6, KM_U_COUNT, g_desc,
                       "live descendants: cgroup.stat nr_descendants"),
                V2ONLY},
};

static bool col_shown(const struct km_vctx *c, int col)
{
    return !cols[col].when || cols[col].when(c);
}

/* FNV-1a of a path, for the ids of paths too long for km_row.id */
static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void rows(struct km_vm *vm, const struct km_vctx *c)
{
    const struct km_cgroups *g = &c->s->cg;
    if (c->s->src[KM_SRC_CGROUPS].status != KM_ST_OK)
        return;
    for (size_t i = 0; i < g->n; i++) {
        const struct km_cgroup *cg = &g->v[i];
        size_t pl = strlen(cg->path);
        size_t parent = cg->parent == SIZE_MAX ? 0 : cg->parent;
        if (pl < 120)
            km_vm_add(vm, cg, 0, cg->depth, parent, cg->path, "%s", cg->path);
        else /* ids are 128 bytes: the path's start and a hash of the whole */
            km_vm_add(vm, cg, 0, cg->depth, parent, cg->path, "%.100s#%016llx", cg->path,
                      (unsigned long long)hash_str(cg->path));
    }
}

static void notes(const struct km_vm *vm, const struct km_vctx *c, km_line_fn line, void *arg)
{
    const struct km_cgroups *g = &c->s->cg;
    const struct km_source *so = &c->s->src[KM_SRC_CGROUPS];
    char buf[512];
    if (so->status != KM_ST_OK)
        return;
    char every[80] = "";
    if (!c->tree)
        snprintf(every, sizeof(every), " (walked at most every %.0f s while this view is shown)",
                 KM_CG_MIN_INTERVAL);
    snprintf(buf, sizeof(buf), "Hierarchy: %s at %s, %zu cgroup%s%s", km_cg_hier_name(g->hier),
             g->mount, g->n, g->n == 1 ? "" : "s", every);
    line(arg, KM_ATTR_BOLD, buf);
    if (g->ndenied) {
        snprintf(buf, sizeof(buf),
                 "memory.stat of %zu cgroup%s is not readable by this user: shown as (no access), "
                 "run as root to see %s",
                 g->ndenied, g->ndenied == 1 ? "" : "s", g->ndenied == 1 ? "it" : "them");
        line(arg, KM_ATTR_WARN, buf);
    }
    if (g->hier == KM_CG_V1) {
        line(arg, KM_ATTR_DIM,
             "cgroup v1 gives kernel memory as totals only (memory.kmem.*): no slab, stack or "
             "page-table split");
        if (!KM_IS_NA(g->v1_css) && g->v1_css > (int64_t)g->n) {
            int64_t dying = g->v1_css - (int64_t)g->n;
            const struct km_cgroups *pg = c->prev ? &c->prev->cg : NULL;
            bool grew = pg && pg->hier == KM_CG_V1 && !KM_IS_NA(pg->v1_css) &&
                        pg->v1_css - (int64_t)pg->n < dying;
            snprintf(buf, sizeof(buf),
                     "%lld dying memory cgroup%s: removed, still pinned by kernel objects "
                     "(/proc/cgroups counts %lld, the tree holds %zu)%s",
                     (long long)dying, dying == 1 ? "" : "s", (long long)g->v1_css, g->n,
                     grew ? ", growing" : "");
            line(arg, grew ? KM_ATTR_BAD : KM_ATTR_WARN, buf);
        }
    } else if (g->hier == KM_CG_V2 && !g->stat_kernel && g->n) {
        line(arg, KM_ATTR_DIM, "memory.stat has no \"kernel\" line: a kernel before 5.18");
    }
    km_frame_warnings(c, vm->def->sources, line, arg);
}

/* Enter: the cgroup's whole memory.stat, as the kernel wrote it. */
static void details(const struct km_vctx *c, const struct km_row *r, km_line_fn line, void *arg)
{
    const struct km_cgroup *cg = CG(r);
    char buf[600];
    snprintf(buf, sizeof(buf), "%s%s/memory.stat", c->s->cg.mount,
             strcmp(cg->path, "/") == 0 ? "" : cg->path);
    line(arg, KM_ATTR_BOLD, buf);
    if (!cg->stat) {
        snprintf(buf, sizeof(buf), "not read: %s",
                 cg->err ? km_read_strerror(cg->err) : "no memory controller in this cgroup");
        line(arg, KM_ATTR_WARN, buf);
        return;
    }
    struct km_lines it;
    const char *l;
    size_t ll;
    km_lines_init(&it, cg->stat, cg->statlen);
    while (km_lines_next(&it, &l, &ll)) {
        snprintf(buf, sizeof(buf), "%.*s", (int)(ll > 500 ? 500 : ll), l);
        line(arg, KM_ATTR_NORMAL, buf);
    }
}

/* JSON: which hierarchy, where, then the rows (only when the walk was ok). */
static void json(const struct km_vm *vm, const struct km_vctx *c, struct km_json *j)
{
    const struct km_cgroups *g = &c->s->cg;
    bool ok = c->s->src[KM_SRC_CGROUPS].status == KM_ST_OK;
    if (ok && g->hier != KM_CG_NONE) {
        km_json_str(j, "hierarchy", g->hier == KM_CG_V2 ? "v2" : "v1");
        km_json_str(j, "mount", g->mount);
        km_json_int(j, "denied", (int64_t)g->ndenied);
        km_json_int_opt(j, "v1_dying", KM_IS_NA(g->v1_css) || g->v1_css < (int64_t)g->n
                                            ? KM_NA
                                            : g->v1_css - (int64_t)g->n);
    } else {
        km_json_null(j, "hierarchy");
    }
    km_json_rows(j, vm, c, ok);
}

static bool vm_key(struct km_vm *vm, const struct km_vctx *c, int ch, char *status, size_t n)
{
    if (ch == '*') {
        bool any = km_vm_unfold_all(vm);
        snprintf(status, n, any ? "Every cgroup unfolded" : "Nothing is folded");
        return any;
    }
    const struct km_row *r = km_vm_row(vm, vm->sel);
    if (!r)
        return false;
    bool kids = false;
    for (size_t i = 0; i < vm->nrows && !kids; i++)
        kids = vm->rows[i].depth > 0 && &vm->rows[vm->rows[i].parent] == r;
    if (ch == '-' && !kids) {
        snprintf(status, n, "%s has no children to fold", km_row_name(r));
        return false;
    }
    bool changed = km_vm_fold(vm, r->id, ch == '-');
    if (changed)
        snprintf(status, n, "%s %s", km_row_name(r), ch == '-' ? "folded" : "unfolded");
    return changed;
}

/* The view's own state: whether Prometheus exports it (--prom-cgroups). */
struct cg_state {
    bool prom;
};
_Static_assert(sizeof(struct cg_state) <= KM_VSTATE_MAX, "fits a view's state");

static const struct km_view_opt opts[] = {
    {"prom-cgroups", false,
     "      --prom-cgroups     Prometheus: the Cgroups view too, a series per cgroup and column\n"
     "                         (mind the cardinality: --prom-include cgroups=GLOBS narrows it)"},
    {NULL, false, NULL},
};

static const char *opt(void *state, const char *name, const char *arg)
{
    ((struct cg_state *)state)->prom = true;
    return NULL;
}

static bool exported(const void *state)
{
    return ((const struct cg_state *)state)->prom;
}

static const struct km_view_key keys[] = {
    {"-+*", KG_FIND,
     "Cgroups view: fold the selected cgroup (hide its children), unfold it, unfold every one",
     false},
    {NULL, 0, NULL, false},
};

const struct km_view_def km_view_cgroups = {
    .name = "cgroups",
    .title = "Cgroups",
    .sources = KM_SRC_BIT(KM_SRC_CGROUPS),
    .cols = cols,
    .ncols = (int)KM_ARRAY_LEN(cols),
    .default_sort = C_CURRENT,
    .rows = rows,
    .notes = notes,
    .main_src = KM_SRC_CGROUPS,
    .col_shown = col_shown,
    .keys = keys,
    .vm_key = vm_key,
    .sort_children = true,
    .details = details,
    .json = json,
    .json_always = true,
    .opt_in = true,
    .opts = opts,
    .opt = opt,
    .exported = exported,
    .prom_label = "cgroup",
};
