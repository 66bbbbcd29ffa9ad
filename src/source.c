/*
 * source.c - the source registry: how each kernel file is read, parsed,
 * rated, copied and freed, and the status every read ends with. See source.h.
 */
#include "kmemtop/source.h"
#include "kmemtop/capture.h"
#include "kmemtop/derive.h" /* KM_DER_OVERVIEW */
#include "kmemtop/root.h"
#include "kmemtop/sampler.h" /* KM_PTI_MIN_INTERVAL */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *dup_mem(const void *p, size_t n)
{
    void *d = xmalloc(n ? n : 1);
    if (n)
        memcpy(d, p, n);
    return d;
}

static double rate(int64_t now, int64_t before, double dt)
{
    if (dt <= 0 || KM_IS_NA(now) || KM_IS_NA(before))
        return NAN;
    return (double)(now - before) / dt;
}

int km_source_slurp(struct km_src_io *io)
{
    int rc = km_read_file_max(io->desc->path, io->buf, io->desc->cap);
    if (rc == 0)
        io->bytes = io->buf->len;
    return rc;
}

/* ---- /proc/meminfo (libproc2, or kmemtop's own parser in a tree) ---------- */

static int meminfo_read(struct km_src_io *io, struct km_sample *smp, struct km_perr *pe)
{
    struct km_mem_ctx **ctx = (struct km_mem_ctx **)io->state;
    int rc = *ctx ? 0 : km_mem_ctx_new(ctx);
    if (rc == 0) {
        km_mem_ctx_want_secpt(*ctx, io->derive & KM_DER_OVERVIEW); /* the Overview's alone */
        rc = km_meminfo_read(*ctx, &smp->mem, pe);
    }
    if (rc)
        km_mem_ctx_free(ctx); /* try afresh next tick */
    return rc;
}

static void meminfo_state_free(void **state)
{
    km_mem_ctx_free((struct km_mem_ctx **)state);
}

static void meminfo_free(struct km_sample *smp)
{
    (void)smp; /* flat */
}

/* ---- /proc/modules and /sys/module ------------------------------------------ */

static int modules_read(struct km_src_io *io, struct km_sample *smp, struct km_perr *pe)
{
    int rc = km_source_slurp(io);
    if (rc == 0)
        rc = km_parse_modules(io->buf->data, io->buf->len, &smp->mods, pe);
    if (rc == 0) {
        struct km_mod_cache **cache = (struct km_mod_cache **)io->state;
        if (!*cache)
            *cache = km_mod_cache_new();
        km_modules_read_sysfs(*cache, &smp->mods, true);
    }
    return rc;
}

static void modules_state_free(void **state)
{
    km_mod_cache_free((struct km_mod_cache **)state);
}

static void modules_free(struct km_sample *smp)
{
    km_modules_free(&smp->mods);
}

/* ---- /proc/vmallocinfo, /proc/zoneinfo ---------------------------------------- */

static void vmallocinfo_piece(void *p, const char *data, size_t len)
{
    km_vm_parse_feed(p, data, len);
}

/*
 * Parsed as it is read, a piece at a time: a server's file is megabytes that would otherwise be
 * held whole, and read twice when the buffer turns out too small (km_read_file_max). The areas
 * go into the memory of the sample the sampler no longer needs (io->vm_spare).
 */
static int vmallocinfo_read(struct km_src_io *io, struct km_sample *smp, struct km_perr *pe)
{
    struct km_vm_parse *p = km_vm_parse_begin(&smp->vm, io->vm_spare, 0, pe);
    size_t total = 0;
    int rc =
        km_read_stream(io->desc->path, io->buf, io->desc->cap, vmallocinfo_piece, p, &total);
    if (rc) {
        km_vm_parse_abort(p);
        return rc;
    }
    io->bytes = total;
    return km_vm_parse_end(p);
}

static void vmallocinfo_free(struct km_sample *smp)
{
    km_vmallocinfo_free(&smp->vm);
}

static void zoneinfo_piece(void *p, const char *data, size_t len)
{
    km_zi_parse_feed(p, data, len);
}

/* In pieces too: a block per CPU per zone, megabytes on a large server. */
static int zoneinfo_read(struct km_src_io *io, struct km_sample *smp, struct km_perr *pe)
{
    struct km_zi_parse *p = km_zi_parse_begin(&smp->zi, pe);
    size_t total = 0;
    int rc = km_read_stream(io->desc->path, io->buf, io->desc->cap, zoneinfo_piece, p, &total);
    if (rc) {
        km_zi_parse_abort(p);
        return rc;
    }
    io->bytes = total;
    return km_zi_parse_end(p);
}

static void zoneinfo_free(struct km_sample *smp)
{
    km_zoneinfo_free(&smp->zi);
}

/* ---- /proc/buddyinfo: free blocks per order, and their rates ------------------ */

static int buddyinfo_read(struct km_src_io *io, struct km_sample *smp, struct km_perr *pe)
{
    int rc = km_source_slurp(io);
    return rc ? rc : km_parse_buddyinfo(io->buf->data, io->buf->len, &smp->bi, pe);
}

static void buddyinfo_rate(struct km_sample *cur, const struct km_sample *base, double dt)
{
    const struct km_buddyinfo *prev = &base->bi;
    for (size_t i = 0; i < cur->bi.n; i++) {
        struct km_buddy_zone *c = &cur->bi.zones[i];
        for (int k = 0; k < KM_MAX_ORDERS; k++)
            c->rate[k] = NAN;
        for (size_t j = 0; j < prev->n; j++) {
            const struct km_buddy_zone *p = &prev->zones[j];
            if (p->node != c->node || strcmp(p->zone, c->zone) != 0)
                continue;
            for (int k = 0; k < c->norders && k < p->norders; k++)
                c->rate[k] = rate(c->free[k], p->free[k], dt);
            break;
        }
    }
}

static void buddyinfo_copy(struct km_sample *dst, const struct km_sample *src)
{
    dst->bi = src->bi;
    dst->bi.zones = dup_mem(src->bi.zones, src->bi.n * sizeof(*src->bi.zones));
}

static void buddyinfo_free(struct km_sample *smp)
{
    km_buddyinfo_free(&smp->bi);
}

/* ---- /proc/pagetypeinfo --------------------------------------------------------- */

static int pagetypeinfo_read(struct km_src_io *io, struct km_sample *smp, struct km_perr *pe)
{
    int rc = km_source_slurp(io);
    return rc ? rc : km_parse_pagetypeinfo(io->buf->data, io->buf->len, &smp->pti, pe);
}

static void pagetypeinfo_copy(struct km_sample *dst, const struct km_sample *src)
{
    const struct km_pagetypeinfo *s = &src->pti;
    dst->pti = *s;
    dst->pti.free = dup_mem(s->free, s->nfree * sizeof(*s->free));
    dst->pti.blocks = dup_mem(s->blocks, s->nblocks * sizeof(*s->blocks));
}

static void pagetypeinfo_free(struct km_sample *smp)
{
    km_pagetypeinfo_free(&smp->pti);
}

/* ---- /sys/devices/system/node: NUMA nodes, and their numastat rates ------------- */

/*
 * Live, the topology files (masks, cpulist, distance) are read again only every
 * KM_NODES_TOPO_AGE s or when the online nodes change; a tree (each tick may be another
 * machine's) and a capture (which must hold every file) read them all.
 */
bool km_source_live(const struct km_sample *smp)
{
    return !smp->root[0] && !km_read_in_tree() && !km_capture_active();
}

static int nodes_read(struct km_src_io *io, struct km_sample *smp, struct km_perr *pe)
{
    if (!km_source_live(smp))
        return km_nodes_read(&smp->nodes, pe, io->path, sizeof(io->path));
    struct km_nodes_topo **t = (struct km_nodes_topo **)io->state;
    if (!*t)
        *t = km_nodes_topo_new();
    return km_nodes_read_live(*t, km_now(), &smp->nodes, pe, io->path, sizeof(io->path));
}

static void nodes_state_free(void **state)
{
    km_nodes_topo_free((struct km_nodes_topo **)state);
}

static void nodes_rate(struct km_sample *cur, const struct km_sample *base, double dt)
{
    struct km_nodes *prev = (struct km_nodes *)&base->nodes; /* km_nodes_find does not write */
    for (size_t i = 0; i < cur->nodes.n; i++) {
        struct km_node *c = &cur->nodes.nodes[i];
        struct km_node *p = km_nodes_find(prev, c->node);
        if (!p)
            continue;
        c->rate_numa_hit = rate(c->numa_hit, p->numa_hit, dt);
        c->rate_numa_miss = rate(c->numa_miss, p->numa_miss, dt);
        c->rate_numa_foreign = rate(c->numa_foreign, p->numa_foreign, dt);
        c->rate_interleave_hit = rate(c->interleave_hit, p->interleave_hit, dt);
        c->rate_local_node = rate(c->local_node, p->local_node, dt);
        c->rate_other_node = rate(c->other_node, p->other_node, dt);
    }
}

static void nodes_copy(struct km_sample *dst, const struct km_sample *src)
{
    dst->nodes = src->nodes;
    dst->nodes.nodes = dup_mem(src->nodes.nodes, src->nodes.n * sizeof(*src->nodes.nodes));
}

static void nodes_free(struct km_sample *smp)
{
    km_nodes_free(&smp->nodes);
}

/* ---- /proc/slabinfo (libproc2, or kmemtop's own parser) and /sys/kernel/slab ---- */

static int slabinfo_read(struct km_src_io *io, struct km_sample *smp, struct km_perr *pe)
{
    struct km_slab_ctx **ctx = (struct km_slab_ctx **)io->state;
    int rc = *ctx ? 0 : km_slab_ctx_new(ctx);
    if (rc == 0)
        rc = km_slabs_read(*ctx, smp->page_size, &smp->slabs, pe);
    if (rc) {
        km_slab_ctx_free(ctx);
        return rc;
    }
    /* per-node slab counts are worth their file reads only with several nodes */
    bool several = smp->src[KM_SRC_NODES].status == KM_ST_OK && smp->nodes.n > 1;
    km_slabs_read_sysfs(*ctx, &smp->slabs, several);
    return 0;
}

static void slabinfo_state_free(void **state)
{
    km_slab_ctx_free((struct km_slab_ctx **)state);
}

static void slabinfo_rate(struct km_sample *cur, const struct km_sample *base, double dt)
{
    const struct km_slabs *prev = &base->slabs;
    for (size_t i = 0; i < cur->slabs.n; i++) {
        struct km_slab *c = &cur->slabs.slabs[i];
        c->growth = NAN;
        const struct km_slab *p = NULL;
        if (i < prev->n && strcmp(prev->slabs[i].name, c->name) == 0 &&
            prev->slabs[i].ordinal == c->ordinal)
            p = &prev->slabs[i];
        for (size_t j = 0; !p && j < prev->n; j++)
            if (prev->slabs[j].ordinal == c->ordinal && strcmp(prev->slabs[j].name, c->name) == 0)
                p = &prev->slabs[j];
        if (p)
            c->growth = rate(c->footprint, p->footprint, dt);
    }
}

/* The figures only: aliases and per-node counts stay with their sample. */
static void slabinfo_copy(struct km_sample *dst, const struct km_sample *src)
{
    dst->slabs.n = src->slabs.n;
    dst->slabs.slabs = dup_mem(src->slabs.slabs, src->slabs.n * sizeof(*src->slabs.slabs));
    for (size_t i = 0; i < dst->slabs.n; i++) {
        dst->slabs.slabs[i].aliases = NULL;
        dst->slabs.slabs[i].nodes = NULL;
        dst->slabs.slabs[i].nnodes = 0;
    }
}

static void slabinfo_free(struct km_sample *smp)
{
    km_slabs_free(&smp->slabs);
}

/* ---- /proc/vmstat: the kernel's counters by name, and their rates ----------------- */

static int vmstat_read(struct km_src_io *io, struct km_sample *smp, struct km_perr *pe)
{
    int rc = km_source_slurp(io);
    return rc ? rc : km_parse_vmstat(io->buf->data, io->buf->len, &smp->vmstat, pe);
}

static void vmstat_rate(struct km_sample *cur, const struct km_sample *base, double dt)
{
    km_vmstat_rates(&cur->vmstat, &base->vmstat, dt);
}

static void vmstat_copy(struct km_sample *dst, const struct km_sample *src)
{
    const struct km_kvlist *l = &src->vmstat.items;
    dst->vmstat.items.n = dst->vmstat.items.cap = l->n;
    dst->vmstat.items.v = dup_mem(l->v, l->n * sizeof(*l->v));
    dst->vmstat.rate = NULL; /* a base needs the counters only */
}

static void vmstat_free(struct km_sample *smp)
{
    km_vmstat_free(&smp->vmstat);
}

/* ---- /proc/pressure/memory: PSI's memory stall averages (4.20+) ----------------------- */

static int pressure_read(struct km_src_io *io, struct km_sample *smp, struct km_perr *pe)
{
    int rc = km_source_slurp(io);
    return rc ? rc : km_parse_pressure(io->buf->data, io->buf->len, &smp->psi, pe);
}

static void pressure_free(struct km_sample *smp)
{
    memset(&smp->psi, 0, sizeof(smp->psi));
}

/* ---- memory cgroups: the hierarchy mountinfo names, walked ---------------------------- */

#define MOUNTINFO "/proc/self/mountinfo"

static int cgroups_read(struct km_src_io *io, struct km_sample *smp, struct km_perr *pe)
{
    snprintf(io->path, sizeof(io->path), "%s", MOUNTINFO);
    int rc = km_read_file(MOUNTINFO, io->buf);
    if (rc)
        return rc;
    io->bytes += io->buf->len;
    struct km_cg_mount m;
    rc = km_parse_cgroup_mounts(io->buf->data, io->buf->len, &m, pe);
    if (rc)
        return rc;
    if (m.hier == KM_CG_NONE) {
        smp->cg.hier = KM_CG_NONE;
        return -ENOENT;
    }
    memset(pe, 0, sizeof(*pe)); /* mountinfo's odd lines are no cgroup's */
    char bad[256] = "";
    size_t bytes = 0;
    rc = km_cgroups_read(&m, io->buf, &smp->cg, &bytes, pe, bad, sizeof(bad));
    io->bytes += bytes;
    if (rc == 0 && m.hier == KM_CG_V1 && km_read_file("/proc/cgroups", io->buf) == 0) {
        io->bytes += io->buf->len;
        km_parse_proc_cgroups(io->buf->data, io->buf->len, &smp->cg.v1_css, NULL);
    }
    snprintf(io->path, sizeof(io->path), "%s", bad[0] ? bad : m.point);
    return rc;
}

static void cgroups_rate(struct km_sample *cur, const struct km_sample *base, double dt)
{
    km_cgroups_rates(&cur->cg, &base->cg, dt);
}

static void cgroups_copy(struct km_sample *dst, const struct km_sample *src)
{
    km_cgroups_copy(&dst->cg, &src->cg, true);
}

static void cgroups_free(struct km_sample *smp)
{
    km_cgroups_free(&smp->cg);
}

/* ---- the registry ------------------------------------------------------------------ */

const struct km_srcdesc km_sources[] = {
    {.name = "meminfo",
     .path = "/proc/meminfo",
     .id = KM_SRC_MEMINFO,
     .who = KM_WHO_EVERYONE,
     .flags = KM_SRCF_LIBPROC2,
     .cap = KM_READ_CAP,
     .read = meminfo_read,
     .free = meminfo_free,
     .state_free = meminfo_state_free},
    {.name = "modules",
     .path = "/proc/modules",
     .id = KM_SRC_MODULES,
     .who = KM_WHO_EVERYONE,
     .cap = KM_READ_CAP,
     .missing = "kernel built without module support (no /proc/modules)",
     .read = modules_read,
     .free = modules_free,
     .state_free = modules_state_free},
    /* per area: it grows with the machine */
    {.name = "vmallocinfo",
     .path = "/proc/vmallocinfo",
     .id = KM_SRC_VMALLOCINFO,
     .who = KM_WHO_ROOT,
     .cap = KM_READ_CAP_BIG,
     .missing = "no /proc/vmallocinfo in this kernel",
     .read = vmallocinfo_read,
     .free = vmallocinfo_free},
    /* per CPU per zone: it grows with the machine */
    {.name = "zoneinfo",
     .path = "/proc/zoneinfo",
     .id = KM_SRC_ZONEINFO,
     .who = KM_WHO_EVERYONE,
     .cap = KM_READ_CAP_BIG,
     .read = zoneinfo_read,
     .free = zoneinfo_free},
    {.name = "buddyinfo",
     .path = "/proc/buddyinfo",
     .id = KM_SRC_BUDDYINFO,
     .who = KM_WHO_EVERYONE,
     .cap = KM_READ_CAP,
     .read = buddyinfo_read,
     .rate = buddyinfo_rate,
     .copy = buddyinfo_copy,
     .free = buddyinfo_free},
    /* it walks every pageblock under the zone lock with IRQs off */
    {.name = "pagetypeinfo",
     .path = "/proc/pagetypeinfo",
     .id = KM_SRC_PAGETYPEINFO,
     .who = KM_WHO_ROOT,
     .cap = KM_READ_CAP,
     .min_interval = KM_PTI_MIN_INTERVAL,
     .missing = "no /proc/pagetypeinfo in this kernel",
     .read = pagetypeinfo_read,
     .copy = pagetypeinfo_copy,
     .free = pagetypeinfo_free},
    {.name = "nodes",
     .path = "/sys/devices/system/node",
     .id = KM_SRC_NODES,
     .who = KM_WHO_EVERYONE,
     .cap = KM_READ_CAP,
     .missing = "no /sys/devices/system/node (kernel without NUMA sysfs)",
     .read = nodes_read,
     .rate = nodes_rate,
     .copy = nodes_copy,
     .free = nodes_free,
     .state_free = nodes_state_free},
    {.name = "slabinfo",
     .path = "/proc/slabinfo",
     .id = KM_SRC_SLABINFO,
     .who = KM_WHO_ROOT,
     .flags = KM_SRCF_LIBPROC2 | KM_SRCF_PAGE_SIZE,
     .cap = KM_READ_CAP,
     .missing = "no /proc/slabinfo: kernel built without SLUB_DEBUG (or with SLOB)",
     .read = slabinfo_read,
     .rate = slabinfo_rate,
     .copy = slabinfo_copy,
     .free = slabinfo_free,
     .state_free = slabinfo_state_free},
    {.name = "vmstat",
     .path = "/proc/vmstat",
     .id = KM_SRC_VMSTAT,
     .who = KM_WHO_EVERYONE,
     .cap = KM_READ_CAP,
     .read = vmstat_read,
     .rate = vmstat_rate,
     .copy = vmstat_copy,
     .free = vmstat_free},
    {.name = "pressure",
     .path = "/proc/pressure/memory",
     .id = KM_SRC_PRESSURE,
     .who = KM_WHO_EVERYONE,
     .missing = "no /proc/pressure/memory: a kernel before 4.20, or built without CONFIG_PSI",
     .cap = KM_READ_CAP,
     .read = pressure_read,
     .free = pressure_free},
    /* a file family: every cgroup's memory.stat, memory.current, cgroup.stat (v1: memory.kmem.*) */
    {.name = "cgroups",
     .path = "/sys/fs/cgroup",
     .id = KM_SRC_CGROUPS,
     .who = KM_WHO_EVERYONE,
     .flags = KM_SRCF_FAMILY,
     .cap = KM_READ_CAP,
     .min_interval = KM_CG_MIN_INTERVAL,
     .missing = "no memory cgroups: neither cgroup2 nor cgroup v1's memory controller is mounted "
                "(" MOUNTINFO ")",
     .read = cgroups_read,
     .rate = cgroups_rate,
     .copy = cgroups_copy,
     .free = cgroups_free},
    {.name = NULL},
};

_Static_assert(sizeof(km_sources) / sizeof(km_sources[0]) == KM_SRC_COUNT + 1,
               "one description per enum km_src value, and the sentinel");

const struct km_srcdesc *km_source(enum km_src s)
{
    return (unsigned)s < KM_SRC_COUNT ? &km_sources[s] : NULL;
}

void km_sources_capture_libproc2(void)
{
    for (const struct km_srcdesc *d = km_sources; d->name; d++)
        if (d->flags & KM_SRCF_LIBPROC2)
            km_capture_copy(d->path);
}

/* ---- status ---------------------------------------------------------------------- */

/* An ok source whose parser left lines out says how many and which first. */
static void set_warning(struct km_source *so, const char *path, const struct km_perr *pe)
{
    so->skipped = pe ? pe->skipped : 0;
    so->warning[0] = '\0';
    if (so->skipped > 0)
        snprintf(so->warning, sizeof(so->warning),
                 "%s: %d line%s not understood, first at line %d: %s", path, so->skipped,
                 so->skipped == 1 ? "" : "s", pe->skip_line, pe->skip_msg);
}

static const char *missing_reason(const struct km_srcdesc *d, bool tree)
{
    if (tree)
        return "not in the captured tree (not captured, or unreadable where it was captured)";
    return d->missing ? d->missing : "file not present in this kernel";
}

static void set_status(struct km_source *so, const struct km_srcdesc *d, bool tree, int rc,
                       const char *path, const struct km_perr *pe)
{
    set_warning(so, path, rc == 0 ? pe : NULL);
    if (rc == 0) {
        so->status = KM_ST_OK;
        so->reason[0] = '\0';
        return;
    }
    if (km_err_missing(rc)) {
        so->status = KM_ST_MISSING;
        snprintf(so->reason, sizeof(so->reason), "%s", missing_reason(d, tree));
        return;
    }
    if (km_err_denied(rc)) {
        so->status = KM_ST_DENIED;
        snprintf(so->reason, sizeof(so->reason), "needs root: %s is readable by root only", path);
        return;
    }
    so->status = KM_ST_ERROR;
    if (rc == -EINVAL && pe && pe->line > 0)
        snprintf(so->reason, sizeof(so->reason), "%s line %d: %s", path, pe->line, pe->msg);
    else if (rc == -EINVAL && pe && pe->msg[0]) /* line 0: no line to name */
        snprintf(so->reason, sizeof(so->reason), "%s: %s", path, pe->msg);
    else
        snprintf(so->reason, sizeof(so->reason), "%s: %s", path, km_read_strerror(rc));
}

void km_source_run(const struct km_srcdesc *d, struct km_src_io *io, struct km_sample *smp)
{
    struct km_perr pe = {0};
    struct km_source *so = &smp->src[d->id];
    io->desc = d;
    io->bytes = 0;
    snprintf(io->path, sizeof(io->path), "%s", d->path);
    int rc = d->read(io, smp, &pe);
    if (io->bytes)
        so->bytes = io->bytes;
    set_status(so, d, smp->root[0] != '\0', rc, io->path, &pe);
    if (d->flags & KM_SRCF_LIBPROC2)
        so->parser = km_root_own_parsers() ? "kmemtop" : "libproc2";
}
