/* overview.c - where MemTotal goes, pure. See include/kmemtop/overview.h and doc/formulas.md. */
#include "kmemtop/overview.h"
#include "kmemtop/modjoin.h"
#include "kmemtop/sat.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Thread stacks as vmallocinfo names their callers (CONFIG_VMAP_STACK), by release. */
bool km_ov_stack_caller(const char *sym, size_t len)
{
    static const char *const names[] = {"alloc_thread_stack_node", "dup_task_struct",
                                        "copy_process",            "_do_fork",
                                        "do_fork",                 "kernel_clone",
                                        "fork_idle"};
    for (size_t i = 0; i < KM_ARRAY_LEN(names); i++)
        if (strlen(names[i]) == len && memcmp(sym, names[i], len) == 0)
            return true;
    return false;
}

static int64_t sub(int64_t a, int64_t b)
{
    return KM_IS_NA(a) || KM_IS_NA(b) ? KM_NA : a - b;
}

static int64_t mul(int64_t a, int64_t b)
{
    return KM_IS_NA(a) || KM_IS_NA(b) ? KM_NA : km_sat_mul(a, b);
}

struct build {
    struct km_overview *ov;
    const struct km_ov_input *in;
};

static int add(struct build *b, int parent, const char *name, const char *label, int64_t bytes,
               const char *source)
{
    struct km_overview *ov = b->ov;
    if (ov->nrows >= KM_OV_ROWS)
        return -1; /* cannot happen: the tree is fixed and smaller */
    struct km_ov_row *r = &ov->rows[ov->nrows];
    memset(r, 0, sizeof(*r));
    r->name = name;
    r->label = label;
    r->parent = parent;
    r->depth = parent < 0 ? 0 : ov->rows[parent].depth + 1;
    r->leaf = true;
    r->bytes = bytes;
    r->source = source;
    r->rate = NAN;
    for (int k = 0; k < KM_OV_NODES; k++)
        r->node[k] = KM_NA;
    if (parent >= 0)
        ov->rows[parent].leaf = false;
    return ov->nrows++;
}

/* A parent's bytes: the sum of its children's (absent children count nothing). */
static void sum_children(struct km_overview *ov, int p)
{
    int64_t s = 0;
    bool any = false;
    for (int i = p + 1; i < ov->nrows; i++)
        if (ov->rows[i].parent == p && !KM_IS_NA(ov->rows[i].bytes)) {
            s = km_sat_add(s, ov->rows[i].bytes);
            any = true;
        }
    ov->rows[p].bytes = any ? s : KM_NA;
    for (int k = 0; k < KM_OV_NODES; k++) {
        int64_t ns = 0;
        bool all = true, one = false;
        for (int i = p + 1; i < ov->nrows; i++)
            if (ov->rows[i].parent == p && !KM_IS_NA(ov->rows[i].bytes)) {
                if (KM_IS_NA(ov->rows[i].node[k]))
                    all = false;
                else {
                    ns = km_sat_add(ns, ov->rows[i].node[k]);
                    one = true;
                }
            }
        ov->rows[p].node[k] = all && one ? ns : KM_NA;
    }
}

enum era { ERA_UNKNOWN, ERA_SIZES, ERA_NONE, ERA_PAGES };

static enum era vm_era(const struct km_ov_input *in)
{
    if (in->kernel_major <= 0)
        return ERA_UNKNOWN;
    long v = in->kernel_major * 1000L + in->kernel_minor;
    return v < 4004 ? ERA_SIZES : v < 5003 ? ERA_NONE : ERA_PAGES;
}

/* vmallocinfo's RAM in areas flagged vmalloc, by what holds it (pages). */
struct vmsplit {
    int64_t all, images, modules, stacks;
};

static struct vmsplit vm_split(const struct km_vmallocinfo *v)
{
    struct vmsplit s = {0, 0, 0, 0};
    /* the parser stores a caller once: what a caller is, decided once per pointer */
    const char *memo[64] = {NULL};
    unsigned char kind[64] = {0}; /* 1 image allocator, 2 stack allocator, 0 neither */
    for (size_t i = 0; i < v->n; i++) {
        const struct km_vmarea *a = &v->areas[i];
        if (!(a->flags & KM_VM_VMALLOC) || KM_IS_NA(a->pages) || a->pages <= 0)
            continue;
        s.all = km_sat_add(s.all, a->pages);
        size_t sl = a->caller ? (size_t)a->caller_symlen : 0;
        unsigned char k = 0;
        if (sl) {
            size_t h = ((uintptr_t)a->caller >> 3) & 63;
            if (memo[h] != a->caller) {
                memo[h] = a->caller;
                kind[h] = km_mj_image_caller(a->caller, sl)       ? 1
                          : km_ov_stack_caller(a->caller, sl) ? 2
                                                              : 0;
            }
            k = kind[h];
        }
        if (k == 1)
            s.images = km_sat_add(s.images, a->pages);
        else if (a->module)
            s.modules = km_sat_add(s.modules, a->pages);
        else if (k == 2)
            s.stacks = km_sat_add(s.stacks, a->pages);
    }
    return s;
}

/* The vmalloc row (and its children where vmallocinfo was read). */
static void vmalloc_rows(struct build *b, int kernel, int64_t kstack)
{
    const struct km_ov_input *in = b->in;
    const struct km_meminfo *m = in->mem;
    enum era e = vm_era(in);
    long ps = in->page_size;
    bool info = in->vm && ps > 0;
    /* 4.4-5.2 print 0 (not counted), but a vendor kernel that backports the count does not */
    bool used_ok = m->vmalloc_used_valid && e != ERA_SIZES;
    struct vmsplit s = info ? vm_split(in->vm) : (struct vmsplit){0, 0, 0, 0};
    int64_t total = KM_NA;
    const char *src = "meminfo VmallocUsed";
    char note[160] = "";
    if (used_ok) {
        total = m->vmalloc_used;
    } else if (info) {
        total = mul(s.all, ps);
        src = "vmallocinfo pages= (flagged vmalloc)";
        snprintf(note, sizeof(note), "%s",
                 e == ERA_NONE ? "VmallocUsed is 0 on 4.4-5.2 (not counted): vmallocinfo's pages"
                 : e == ERA_SIZES
                     ? "VmallocUsed before 4.4 is address space, not RAM: vmallocinfo's pages"
                     : "VmallocUsed not counted: vmallocinfo's pages");
    } else {
        src = NULL; /* no figure: no source */
        snprintf(note, sizeof(note), "%s",
                 e == ERA_SIZES ? "VmallocUsed before 4.4 is address space, not RAM; "
                                  "vmallocinfo (root) says: counted in unaccounted"
                 : !KM_IS_NA(m->vmalloc_used) && m->vmalloc_used == 0
                     ? "VmallocUsed is 0 on 4.4-5.2 (not counted) and vmallocinfo (root) "
                       "was not read: counted in unaccounted"
                     : "not known: counted in unaccounted");
    }
    /* vmapped thread stacks are in KernelStack too: counted there */
    int64_t stacks = info ? mul(s.stacks, ps) : 0;
    if (!KM_IS_NA(kstack) && !KM_IS_NA(stacks) && stacks > kstack)
        stacks = kstack; /* cached free stacks are not in KernelStack: they stay here */
    if (KM_IS_NA(kstack))
        stacks = 0;
    if (!KM_IS_NA(total) && stacks > 0) {
        total -= stacks;
        size_t l = strlen(note);
        snprintf(note + l, sizeof(note) - l, "%sless %lld KiB of vmapped kernel stacks",
                 l ? "; " : "", (long long)(stacks / 1024));
    } else if (!KM_IS_NA(total) && !info && e == ERA_PAGES) {
        snprintf(note, sizeof(note), "may hold vmapped kernel stacks (counted twice) without "
                                     "vmallocinfo (root)");
    }
    int v = add(b, kernel, "vmalloc", "vmalloc", total, src);
    snprintf(b->ov->rows[v].note, sizeof(b->ov->rows[v].note), "%s", note);
    if (!info || KM_IS_NA(total))
        return;
    int64_t img = mul(s.images, ps), mod = mul(s.modules, ps);
    add(b, v, "module_images", "module images", img, "vmallocinfo module_alloc/execmem pages=");
    add(b, v, "module_vmalloc", "modules' own vmalloc", mod, "vmallocinfo [module] pages=");
    int o = add(b, v, "vmalloc_other", "other callers", total - img - mod,
                used_ok ? "VmallocUsed less the two above" : "vmallocinfo pages=, the rest");
    if (total - img - mod < 0)
        snprintf(b->ov->rows[o].note, sizeof(b->ov->rows[o].note),
                 "negative: VmallocUsed and vmallocinfo were read a moment apart");
}

/* A node's figure (bytes) at column k of row r. */
static void node_fig(struct km_overview *ov, int r, int k, int64_t v)
{
    if (r >= 0 && k < KM_OV_NODES)
        ov->rows[r].node[k] = v;
}

static void node_columns(struct build *b, const int idx[], int64_t huge_size)
{
    const struct km_nodes *ns = b->in->nodes;
    struct km_overview *ov = b->ov;
    if (!ns)
        return;
    int n = 0;
    for (size_t i = 0; i < ns->n; i++) {
        const struct km_node *nd = &ns->nodes[i];
        if (!nd->sysfs || KM_IS_NA(nd->mem_total))
            continue;
        if (n == KM_OV_NODES) {
            ov->more_nodes = true;
            break;
        }
        ov->node_id[n] = nd->node;
        ov->node_total[n] = nd->mem_total;
        ov->node_outside[n] = KM_NA;
        node_fig(ov, idx[0], n, nd->mem_free);
        node_fig(ov, idx[1], n, nd->anon_pages);
        node_fig(ov, idx[2], n, nd->shmem);
        node_fig(ov, idx[3], n, nd->sreclaimable);
        node_fig(ov, idx[4], n, nd->sunreclaim);
        node_fig(ov, idx[5], n, nd->kernel_stack);
        node_fig(ov, idx[6], n, nd->page_tables);
        node_fig(ov, idx[7], n, nd->sec_page_tables);
        node_fig(ov, idx[8], n, mul(nd->huge_total, huge_size));
        node_fig(ov, idx[9], n, mul(nd->huge_free, huge_size));
        node_fig(ov, idx[10], n, sub(mul(nd->huge_total, huge_size), mul(nd->huge_free, huge_size)));
        node_fig(ov, idx[11], n, sub(nd->kreclaimable, nd->sreclaimable));
        n++;
    }
    ov->nnodes = n >= 2 ? n : 0;
    if (ov->nnodes == 0) {
        for (int r = 0; r < ov->nrows; r++)
            for (int k = 0; k < KM_OV_NODES; k++)
                ov->rows[r].node[k] = KM_NA;
        ov->more_nodes = false;
    }
}

int64_t km_ov_managed_slack(int64_t mem_total)
{
    int64_t p = mem_total > 0 ? mem_total / 1000 * KM_OV_MANAGED_SLACK_PERMILLE : 0;
    return p > KM_OV_MANAGED_SLACK_MIN ? p : KM_OV_MANAGED_SLACK_MIN;
}

/* bytes as "10.8G", "512M", "64K": for a reason the core writes */
static void human(char *o, size_t n, int64_t b)
{
    static const char units[] = "KMGTPE";
    double v = (double)b / 1024;
    int u = 0;
    while ((v >= 1024 || v <= -1024) && u < 5) {
        v /= 1024;
        u++;
    }
    snprintf(o, n, u ? "%.1f%c" : "%.0f%c", v, units[u]);
}

/*
 * Memory the kernel never puts in MemTotal: present - managed pages, per
 * zone; only when the zones' managed pages are MemTotal (both are
 * totalram_pages() but for the moment between the two reads).
 */
static void outside(struct build *b)
{
    const struct km_zoneinfo *zi = b->in->zi;
    struct km_overview *ov = b->ov;
    long ps = b->in->page_size;
    ov->outside = ov->managed = KM_NA;
    if (!zi) {
        snprintf(ov->outside_reason, sizeof(ov->outside_reason), "zoneinfo not read");
        return;
    }
    if (ps <= 0 || zi->nzones == 0) {
        snprintf(ov->outside_reason, sizeof(ov->outside_reason), "%s",
                 ps <= 0 ? "the page size is not known" : "zoneinfo names no zone");
        return;
    }
    int64_t s = 0, man = 0;
    int64_t node_d[KM_OV_NODES];
    for (int k = 0; k < KM_OV_NODES; k++)
        node_d[k] = KM_NA;
    for (size_t i = 0; i < zi->nzones; i++) {
        const struct km_zone *z = &zi->zones[i];
        if (KM_IS_NA(z->present) || KM_IS_NA(z->managed)) {
            snprintf(ov->outside_reason, sizeof(ov->outside_reason),
                     "this kernel's zoneinfo prints no managed (or present) pages");
            return;
        }
        int64_t d = km_sat_mul(z->present - z->managed, ps);
        s = km_sat_add(s, d);
        man = km_sat_add(man, km_sat_mul(z->managed, ps));
        for (int k = 0; k < ov->nnodes; k++)
            if (ov->node_id[k] == z->node)
                node_d[k] = KM_IS_NA(node_d[k]) ? d : node_d[k] + d;
    }
    ov->managed = man;
    int64_t diff = man - ov->mem_total;
    if (diff < 0)
        diff = -diff;
    if (diff > km_ov_managed_slack(ov->mem_total)) {
        char a[32], t[32];
        human(a, sizeof(a), man);
        human(t, sizeof(t), ov->mem_total);
        snprintf(ov->outside_reason, sizeof(ov->outside_reason),
                 "the zones' managed pages add up to %s, not MemTotal %s: memory added by hotplug "
                 "or a balloon after boot, or not yet handed to its zone by a deferred page init?",
                 a, t);
        return;
    }
    ov->outside = s;
    for (int k = 0; k < ov->nnodes; k++)
        ov->node_outside[k] = node_d[k];
}

int km_overview(const struct km_ov_input *in, struct km_overview *ov)
{
    const struct km_meminfo *m = in->mem;
    struct build b = {ov, in};
    memset(ov, 0, sizeof(*ov));
    ov->unaccounted = -1;
    ov->grow_bytes = KM_NA;
    ov->grow_secs = NAN;
    ov->outside = ov->managed = ov->cma_total = ov->cma_free = ov->huge_free = ov->huge_surp = KM_NA;
    if (!m || KM_IS_NA(m->mem_total) || m->mem_total <= 0)
        return -EINVAL;
    ov->ok = true;
    ov->mem_total = m->mem_total;
    int idx[12];
    for (int k = 0; k < 12; k++)
        idx[k] = -1;

    idx[0] = add(&b, -1, "free", "free", m->mem_free, "meminfo MemFree");

    int user = add(&b, -1, "user", "user", KM_NA, "");
    idx[1] = add(&b, user, "anonymous", "anonymous", m->anon_pages, "meminfo AnonPages");
    if (!KM_IS_NA(m->shmem)) {
        add(&b, user, "file_cache", "file cache", sub(m->cached, m->shmem),
            "meminfo Cached - Shmem");
        idx[2] = add(&b, user, "shmem", "shmem (tmpfs, shared anon)", m->shmem, "meminfo Shmem");
    } else {
        int r = add(&b, user, "file_cache", "file cache", m->cached, "meminfo Cached");
        snprintf(ov->rows[r].note, sizeof(ov->rows[r].note),
                 "Shmem not printed by this kernel: inside file cache");
    }
    add(&b, user, "buffers", "buffers", m->buffers, "meminfo Buffers");
    add(&b, user, "swap_cache", "swap cache", m->swap_cached, "meminfo SwapCached");
    sum_children(ov, user);

    int kernel = add(&b, -1, "kernel", "kernel", KM_NA, "");
    if (!KM_IS_NA(m->sreclaimable) && !KM_IS_NA(m->sunreclaim) &&
        (m->sreclaimable || m->sunreclaim || !m->slab)) {
        int slab = add(&b, kernel, "slab", "slab", KM_NA, "");
        idx[3] = add(&b, slab, "slab_reclaimable", "reclaimable", m->sreclaimable,
                     "meminfo SReclaimable");
        idx[4] = add(&b, slab, "slab_unreclaimable", "unreclaimable", m->sunreclaim,
                     "meminfo SUnreclaim");
        sum_children(ov, slab);
    } else {
        add(&b, kernel, "slab", "slab", m->slab, "meminfo Slab");
    }
    vmalloc_rows(&b, kernel, m->kernel_stack);
    int vm = -1;
    for (int i = 0; i < ov->nrows; i++)
        if (strcmp(ov->rows[i].name, "vmalloc") == 0)
            vm = i;
    if (vm >= 0 && !ov->rows[vm].leaf)
        sum_children(ov, vm);
    idx[5] = add(&b, kernel, "kernel_stack", "kernel stacks", m->kernel_stack,
                 "meminfo KernelStack");
    if (!KM_IS_NA(m->shadow_call_stack))
        add(&b, kernel, "shadow_call_stack", "shadow call stacks", m->shadow_call_stack,
            "meminfo ShadowCallStack");
    idx[6] = add(&b, kernel, "page_tables", "page tables", m->page_tables, "meminfo PageTables");
    if (!KM_IS_NA(m->sec_page_tables))
        idx[7] = add(&b, kernel, "sec_page_tables", "secondary page tables (KVM, IOMMU)",
                     m->sec_page_tables, "meminfo SecPageTables");
    int r = add(&b, kernel, "percpu", "percpu", m->percpu, "meminfo Percpu");
    if (KM_IS_NA(m->percpu))
        snprintf(ov->rows[r].note, sizeof(ov->rows[r].note),
                 "Percpu not printed before 4.16: counted in unaccounted");

    int64_t hsize = m->huge_size;
    if (!KM_IS_NA(m->huge_total) && !KM_IS_NA(hsize)) {
        int64_t deflt = mul(m->huge_total, hsize);
        bool all = !KM_IS_NA(m->hugetlb);
        int64_t pool = all ? m->hugetlb : deflt;
        ov->huge_free = mul(m->huge_free, hsize);
        ov->huge_surp = mul(m->huge_surp, hsize);
        const char *src = all ? "meminfo Hugetlb" : "meminfo HugePages_Total x Hugepagesize";
        if (pool > 0 && !KM_IS_NA(ov->huge_free)) {
            int h = add(&b, kernel, "hugetlb", "HugeTLB pool", KM_NA, src);
            idx[10] = add(&b, h, "hugetlb_used", "in use", pool - ov->huge_free,
                          all ? "Hugetlb - HugePages_Free x Hugepagesize"
                              : "(HugePages_Total - HugePages_Free) x Hugepagesize");
            idx[9] = add(&b, h, "hugetlb_free", "free", ov->huge_free,
                         "meminfo HugePages_Free x Hugepagesize");
            sum_children(ov, h);
            ov->rows[h].source = src;
            idx[8] = h;
            if (all && pool != deflt)
                snprintf(ov->rows[idx[10]].note, sizeof(ov->rows[idx[10]].note),
                         "pools of other page sizes included (Hugetlb, 5.16+)");
        } else {
            idx[8] = add(&b, kernel, "hugetlb", "HugeTLB pool", pool, src);
        }
        if (!all)
            snprintf(ov->rows[idx[8]].note, sizeof(ov->rows[idx[8]].note),
                     "the default page size's pool (Hugetlb, every size, from 5.16)");
    }
    if (!KM_IS_NA(m->kreclaimable) && !KM_IS_NA(m->sreclaimable))
        idx[11] = add(&b, kernel, "other_reclaimable", "other reclaimable kernel memory",
                      m->kreclaimable - m->sreclaimable, "meminfo KReclaimable - SReclaimable");
    sum_children(ov, kernel);

    int64_t rest = m->mem_total;
    for (int i = 0; i < ov->nrows; i++)
        if (ov->rows[i].leaf && !KM_IS_NA(ov->rows[i].bytes))
            rest -= ov->rows[i].bytes;
    ov->unaccounted = add(&b, -1, "unaccounted", "unaccounted", rest,
                          "MemTotal - every leaf above");
    ov->warn_share = rest * 10 > m->mem_total;
    ov->cma_total = m->cma_total;
    ov->cma_free = m->cma_free;
    node_columns(&b, idx, hsize);
    outside(&b);
    return 0;
}

void km_overview_rate(struct km_overview *cur, const struct km_overview *prev, double dt)
{
    cur->warn_grows = false;
    if (!cur->ok || !prev || !prev->ok || !(dt > 0))
        return;
    for (int i = 0; i < cur->nrows; i++) {
        struct km_ov_row *r = &cur->rows[i];
        const struct km_ov_row *p = km_overview_row(prev, r->name);
        if (p && !KM_IS_NA(p->bytes) && !KM_IS_NA(r->bytes))
            r->rate = (double)(r->bytes - p->bytes) / dt;
    }
}

void km_ov_growth(struct km_overview *cur, struct km_ov_hist *h, double t)
{
    enum { N = KM_OV_GROW_INTERVALS + 1 };
    cur->warn_grows = false;
    cur->grow_bytes = KM_NA;
    cur->grow_secs = NAN;
    if (!cur->ok || cur->unaccounted < 0)
        return;
    int64_t u = cur->rows[cur->unaccounted].bytes;
    if (h->n > 0 && !(t > h->t[h->n - 1]))
        h->n = 0; /* time went back or stood: another run of samples */
    if (h->n == N) {
        memmove(h->bytes, h->bytes + 1, (N - 1) * sizeof(h->bytes[0]));
        memmove(h->t, h->t + 1, (N - 1) * sizeof(h->t[0]));
        h->n--;
    }
    h->bytes[h->n] = u;
    h->t[h->n] = t;
    h->n++;
    if (h->n < N)
        return;
    bool each = true;
    for (int i = 1; i < N; i++)
        each = each && h->bytes[i] > h->bytes[i - 1];
    cur->grow_bytes = h->bytes[N - 1] - h->bytes[0];
    cur->grow_secs = h->t[N - 1] - h->t[0];
    cur->warn_grows =
        each && cur->grow_bytes > cur->mem_total / 1000 * KM_OV_GROW_PERMILLE;
}

const struct km_ov_row *km_overview_row(const struct km_overview *ov, const char *name)
{
    for (int i = 0; i < ov->nrows; i++)
        if (strcmp(ov->rows[i].name, name) == 0)
            return &ov->rows[i];
    return NULL;
}
