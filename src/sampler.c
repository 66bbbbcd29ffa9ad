/*
 * sampler.c - one km_sample per tick, the previous one kept for rates.
 *
 * Each source is read, parsed and timed on its own; whatever goes wrong is
 * written into that source's status and reason and never stops the others.
 */
#include "kmemtop/sampler.h"
#include "kmemtop/read.h"
#include "kmemtop/root.h"
#include "kmemtop/sat.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct km_sampler {
    struct km_sample s[2];
    int cur; /* index of the current sample in s[] */
    unsigned seq;
    bool have_prev;
    struct km_mem_ctx *mem;
    struct km_slab_ctx *slab;
    struct km_mod_cache *modcache; /* /sys/module attributes of loaded modules */
    /*
     * Rates are taken against the last sample that read the source, not the
     * previous tick: a tick that did not read slabinfo (another view shown)
     * must not cost the slab view its growth. Flat copies (no pointers).
     */
    struct km_slabs slab_base;
    struct km_buddyinfo buddy_base;
    struct km_nodes node_base;
    double slab_t, buddy_t, node_t;  /* mono of each base; < 0: none */
    struct km_pagetypeinfo pti_last; /* the last good read of the live system's */
    double pti_t;                    /* its mono; < 0: none */
    struct km_source pti_src;        /* its status (ok) and warning */
    struct km_buf buf;
    long inferred_page_size; /* of the tree shown: 0 not tried, -1 could not tell */
    struct km_mod_event events[KM_MOD_EVENTS_MAX]; /* module loads/unloads, oldest first */
    size_t nevents;
};

static void bases_clear(struct km_sampler *s)
{
    free(s->slab_base.slabs);
    free(s->buddy_base.zones);
    free(s->node_base.nodes);
    memset(&s->slab_base, 0, sizeof(s->slab_base));
    memset(&s->buddy_base, 0, sizeof(s->buddy_base));
    memset(&s->node_base, 0, sizeof(s->node_base));
    s->slab_t = s->buddy_t = s->node_t = -1;
    km_pagetypeinfo_free(&s->pti_last);
    s->pti_t = -1;
}

struct km_sampler *km_sampler_new(void)
{
    struct km_sampler *s = xcalloc(1, sizeof(*s));
    s->slab_t = s->buddy_t = s->node_t = s->pti_t = -1;
    return s;
}

void km_sampler_reset_files(struct km_sampler *s)
{
    km_mem_ctx_free(&s->mem);
    km_slab_ctx_free(&s->slab);
    km_mod_cache_free(&s->modcache);
    s->inferred_page_size = 0; /* the next tree may have another */
}

void km_sampler_free(struct km_sampler *s)
{
    if (!s)
        return;
    km_sample_free(&s->s[0]);
    km_sample_free(&s->s[1]);
    km_sampler_reset_files(s);
    bases_clear(s);
    km_buf_free(&s->buf);
    free(s);
}

const struct km_sample *km_sampler_cur(const struct km_sampler *s)
{
    return &s->s[s->cur];
}

const struct km_sample *km_sampler_prev(const struct km_sampler *s)
{
    return s->have_prev ? &s->s[!s->cur] : NULL;
}

static void *dup_mem(const void *p, size_t n)
{
    void *d = xmalloc(n ? n : 1);
    if (n)
        memcpy(d, p, n);
    return d;
}

static void pti_copy(struct km_pagetypeinfo *dst, const struct km_pagetypeinfo *src)
{
    *dst = *src;
    dst->free = dup_mem(src->free, src->nfree * sizeof(*src->free));
    dst->blocks = dup_mem(src->blocks, src->nblocks * sizeof(*src->blocks));
}

/* ---- status helpers -------------------------------------------------- */

static const char *missing_reason(enum km_src src, bool tree)
{
    if (tree)
        return "not in the captured tree (not captured, or unreadable where it was captured)";
    switch (src) {
    case KM_SRC_MODULES:
        return "kernel built without module support (no /proc/modules)";
    case KM_SRC_VMALLOCINFO:
        return "no /proc/vmallocinfo in this kernel";
    case KM_SRC_PAGETYPEINFO:
        return "no /proc/pagetypeinfo in this kernel";
    case KM_SRC_SLABINFO:
        return "no /proc/slabinfo: kernel built without SLUB_DEBUG (or with SLOB)";
    case KM_SRC_NODES:
        return "no /sys/devices/system/node (kernel without NUMA sysfs)";
    default:
        return "file not present in this kernel";
    }
}

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

static void set_status(struct km_sample *smp, enum km_src src, int rc, const char *path,
                       const struct km_perr *pe)
{
    struct km_source *so = &smp->src[src];
    set_warning(so, path, rc == 0 ? pe : NULL);
    if (rc == 0) {
        so->status = KM_ST_OK;
        so->reason[0] = '\0';
    } else if (km_err_missing(rc)) {
        so->status = KM_ST_MISSING;
        snprintf(so->reason, sizeof(so->reason), "%s", missing_reason(src, smp->root[0]));
    } else if (km_err_denied(rc)) {
        so->status = KM_ST_DENIED;
        snprintf(so->reason, sizeof(so->reason), "needs root: %s is readable by root only", path);
    } else if (rc == -EINVAL && pe && pe->line > 0) {
        so->status = KM_ST_ERROR;
        snprintf(so->reason, sizeof(so->reason), "%s line %d: %s", path, pe->line, pe->msg);
    } else if (rc == -EINVAL && pe && pe->msg[0]) { /* line 0: no line to name */
        so->status = KM_ST_ERROR;
        snprintf(so->reason, sizeof(so->reason), "%s: %s", path, pe->msg);
    } else {
        so->status = KM_ST_ERROR;
        snprintf(so->reason, sizeof(so->reason), "%s: %s", path, km_read_strerror(rc));
    }
}

/* ---- one function per source ------------------------------------------ */

typedef int (*km_parse_fn)(const char *, size_t, void *, struct km_perr *);

static void read_parsed(struct km_sampler *s, struct km_sample *smp, enum km_src src,
                        km_parse_fn parse, void *out)
{
    struct km_perr pe = {0};
    const char *path = km_src_path(src);
    /* per CPU per zone (zoneinfo) or per area (vmallocinfo): the two that grow with the machine */
    bool big = src == KM_SRC_ZONEINFO || src == KM_SRC_VMALLOCINFO;
    int rc = km_read_file_max(path, &s->buf, big ? KM_READ_CAP_BIG : KM_READ_CAP);
    if (rc == 0) {
        smp->src[src].bytes = s->buf.len;
        rc = parse(s->buf.data, s->buf.len, out, &pe);
    }
    set_status(smp, src, rc, path, &pe);
}

static int parse_modules(const char *b, size_t n, void *o, struct km_perr *e)
{
    return km_parse_modules(b, n, o, e);
}
static int parse_vmalloc(const char *b, size_t n, void *o, struct km_perr *e)
{
    return km_parse_vmallocinfo(b, n, o, e);
}
static int parse_zoneinfo(const char *b, size_t n, void *o, struct km_perr *e)
{
    return km_parse_zoneinfo(b, n, o, e);
}
static int parse_buddyinfo(const char *b, size_t n, void *o, struct km_perr *e)
{
    return km_parse_buddyinfo(b, n, o, e);
}
static int parse_pagetypeinfo(const char *b, size_t n, void *o, struct km_perr *e)
{
    return km_parse_pagetypeinfo(b, n, o, e);
}

/*
 * The live system's pagetypeinfo at most every KM_PTI_MIN_INTERVAL seconds
 * (it holds each zone's lock with IRQs off); a captured tree's every time.
 */
static void read_pagetypeinfo(struct km_sampler *s, struct km_sample *smp)
{
    double age = smp->mono - s->pti_t;
    if (!smp->root[0] && s->pti_t >= 0 && age >= 0 && age < KM_PTI_MIN_INTERVAL) {
        pti_copy(&smp->pti, &s->pti_last);
        smp->pti_age = age;
        smp->src[KM_SRC_PAGETYPEINFO] = s->pti_src; /* ok, and its warning if any */
        smp->src[KM_SRC_PAGETYPEINFO].bytes = 0;    /* nothing read this time */
        return;
    }
    read_parsed(s, smp, KM_SRC_PAGETYPEINFO, parse_pagetypeinfo, &smp->pti);
    if (smp->root[0] || smp->src[KM_SRC_PAGETYPEINFO].status != KM_ST_OK)
        return;
    km_pagetypeinfo_free(&s->pti_last);
    pti_copy(&s->pti_last, &smp->pti);
    s->pti_src = smp->src[KM_SRC_PAGETYPEINFO];
    s->pti_t = smp->mono;
}

static void read_meminfo(struct km_sampler *s, struct km_sample *smp)
{
    struct km_perr pe = {0};
    int rc = s->mem ? 0 : km_mem_ctx_new(&s->mem);
    if (rc == 0)
        rc = km_meminfo_read(s->mem, &smp->mem, &pe);
    if (rc)
        km_mem_ctx_free(&s->mem); /* try afresh next tick */
    set_status(smp, KM_SRC_MEMINFO, rc, "/proc/meminfo", &pe);
    smp->src[KM_SRC_MEMINFO].parser = km_root_own_parsers() ? "kmemtop" : "libproc2";
}

static void read_slabs(struct km_sampler *s, struct km_sample *smp)
{
    struct km_perr pe = {0};
    int rc = s->slab ? 0 : km_slab_ctx_new(&s->slab);
    if (rc == 0)
        rc = km_slabs_read(s->slab, smp->page_size, &smp->slabs, &pe);
    if (rc)
        km_slab_ctx_free(&s->slab);
    else {
        /* per-node slab counts are worth their file reads only with several nodes */
        bool several = smp->src[KM_SRC_NODES].status == KM_ST_OK && smp->nodes.n > 1;
        km_slabs_read_sysfs(s->slab, &smp->slabs, several);
    }
    set_status(smp, KM_SRC_SLABINFO, rc, "/proc/slabinfo", &pe);
    smp->src[KM_SRC_SLABINFO].parser = km_root_own_parsers() ? "kmemtop" : "libproc2";
}

static void read_nodes(struct km_sample *smp)
{
    struct km_perr pe = {0};
    char path[256] = "/sys/devices/system/node";
    int rc = km_nodes_read(&smp->nodes, &pe, path, sizeof(path));
    set_status(smp, KM_SRC_NODES, rc, path, &pe);
}

/* Nodes are known from every source that names them (old kernels, captures without sysfs). */
static void nodes_from_zones(struct km_sample *smp)
{
    for (size_t i = 0; i < smp->zi.nzones; i++)
        km_nodes_get(&smp->nodes, smp->zi.zones[i].node);
    for (size_t i = 0; i < smp->bi.n; i++)
        km_nodes_get(&smp->nodes, smp->bi.zones[i].node);
}

static void read_kernel(struct km_sampler *s, struct km_sample *smp)
{
    if (km_read_line("/proc/sys/kernel/osrelease", smp->kernel, sizeof(smp->kernel)) == 0 &&
        smp->kernel[0])
        return;
    if (km_read_file("/proc/version", &s->buf) == 0) {
        /* "Linux version 4.1.25 (...)" */
        struct km_tok t;
        const char *tok;
        size_t len;
        km_tok_init(&t, s->buf.data, s->buf.len);
        for (int i = 0; km_tok_next(&t, &tok, &len); i++)
            if (i == 2) {
                km_copy(smp->kernel, sizeof(smp->kernel), tok, len);
                return;
            }
    }
    snprintf(smp->kernel, sizeof(smp->kernel), "unknown");
}

static void read_uptime(struct km_sampler *s, struct km_sample *smp)
{
    smp->uptime = -1;
    if (km_read_file("/proc/uptime", &s->buf) != 0)
        return;
    double up = strtod(s->buf.data, NULL);
    if (km_seconds_ok(up)) /* inf, nan, 1e19 or -5 in a tree: unknown */
        smp->uptime = up;
}

/* The power of two from 4 KiB to 256 KiB nearest to ratio, within 2^0.25; 0 if none. */
static long nearest_page_size(double ratio)
{
    for (long p = 4096; p <= 262144; p *= 2)
        if (fabs(log2(ratio) - log2((double)p)) < 0.25)
            return p;
    return 0;
}

/*
 * The page size of a tree without a record. /proc/meminfo's MemTotal (bytes)
 * is totalram_pages, the sum of the zones' managed pages: MemTotal / Σ managed
 * is the page size. Deferred memory init and hotplug can make MemTotal and
 * the zones disagree (kernel-formats §8), so present pages check it: they are
 * at least the managed ones (boot reservations: up to a quarter on a small
 * machine), so MemTotal / Σ present must fall in (P/2, 1.1 P]. Otherwise,
 * and before 3.8 (no managed line), MemTotal / Σ present decides alone.
 * 0: unknown.
 */
static long infer_page_size(const struct km_sample *smp)
{
    if (smp->src[KM_SRC_MEMINFO].status != KM_ST_OK || KM_IS_NA(smp->mem.mem_total))
        return 0;
    int64_t managed = 0, present = 0;
    for (size_t i = 0; i < smp->zi.nzones; i++) {
        km_sat_acc(&managed, smp->zi.zones[i].managed);
        km_sat_acc(&present, smp->zi.zones[i].present);
    }
    if (present <= 0)
        return 0;
    double by_present = (double)smp->mem.mem_total / (double)present;
    long p = managed > 0 ? nearest_page_size((double)smp->mem.mem_total / (double)managed) : 0;
    if (p && by_present > (double)p / 2 && by_present <= (double)p * 1.1)
        return p;
    return nearest_page_size(by_present);
}

static void choose_page_size(struct km_sampler *s, struct km_sample *smp,
                             const struct km_sampler_opts *o, unsigned *mask)
{
    if (o && o->page_size > 0) {
        smp->page_size = o->page_size;
        smp->page_size_src = KM_PS_RECORDED;
        return;
    }
    smp->page_size = sysconf(_SC_PAGESIZE);
    smp->page_size_src = KM_PS_HOST;
    if (!smp->root[0])
        return; /* the live kernel's page size is the host's */
    if (s->inferred_page_size == 0) {
        *mask |= KM_SRC_BIT(KM_SRC_MEMINFO) | KM_SRC_BIT(KM_SRC_ZONEINFO);
        return; /* decided after reading */
    }
    if (s->inferred_page_size < 0)
        return; /* tried on this tree: the host's, and the frame says so */
    smp->page_size = s->inferred_page_size;
    smp->page_size_src = KM_PS_INFERRED;
}

/* ---- rates -------------------------------------------------------------- */

static double rate(int64_t now, int64_t before, double dt)
{
    if (dt <= 0 || KM_IS_NA(now) || KM_IS_NA(before))
        return NAN;
    return (double)(now - before) / dt;
}

static void rates_slabs(struct km_slabs *cur, const struct km_slabs *prev, double dt)
{
    for (size_t i = 0; i < cur->n; i++) {
        struct km_slab *c = &cur->slabs[i];
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

static void rates_nodes(struct km_nodes *cur, struct km_nodes *prev, double dt)
{
    for (size_t i = 0; i < cur->n; i++) {
        struct km_node *c = &cur->nodes[i];
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

static void rates_buddy(struct km_buddyinfo *cur, const struct km_buddyinfo *prev, double dt)
{
    for (size_t i = 0; i < cur->n; i++) {
        struct km_buddy_zone *c = &cur->zones[i];
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

/* Takes cur's figures as the base of the next rates (flat copies). */
static void bases_update(struct km_sampler *s, const struct km_sample *cur)
{
    if (cur->src[KM_SRC_SLABINFO].status == KM_ST_OK) {
        free(s->slab_base.slabs);
        s->slab_base.n = cur->slabs.n;
        s->slab_base.slabs = dup_mem(cur->slabs.slabs, cur->slabs.n * sizeof(*cur->slabs.slabs));
        for (size_t i = 0; i < s->slab_base.n; i++) { /* not ours to keep */
            s->slab_base.slabs[i].aliases = NULL;
            s->slab_base.slabs[i].nodes = NULL;
            s->slab_base.slabs[i].nnodes = 0;
        }
        s->slab_t = cur->mono;
    }
    if (cur->src[KM_SRC_BUDDYINFO].status == KM_ST_OK) {
        free(s->buddy_base.zones);
        s->buddy_base = cur->bi;
        s->buddy_base.zones = dup_mem(cur->bi.zones, cur->bi.n * sizeof(*cur->bi.zones));
        s->buddy_t = cur->mono;
    }
    if (cur->src[KM_SRC_NODES].status == KM_ST_OK) {
        free(s->node_base.nodes);
        s->node_base = cur->nodes;
        s->node_base.nodes = dup_mem(cur->nodes.nodes, cur->nodes.n * sizeof(*cur->nodes.nodes));
        s->node_t = cur->mono;
    }
}

static void compute_rates(struct km_sampler *s, struct km_sample *cur)
{
    struct km_slabs none_s = {0};
    struct km_buddyinfo none_b = {0};
    struct km_nodes none_n = {0};
    rates_slabs(&cur->slabs, s->slab_t >= 0 ? &s->slab_base : &none_s, cur->mono - s->slab_t);
    rates_buddy(&cur->bi, s->buddy_t >= 0 ? &s->buddy_base : &none_b, cur->mono - s->buddy_t);
    rates_nodes(&cur->nodes, s->node_t >= 0 ? &s->node_base : &none_n, cur->mono - s->node_t);
    bases_update(s, cur);
}

/* Modules joined with vmallocinfo, and loads/unloads since the previous sample. */
static void join_modules(struct km_sampler *s, struct km_sample *smp, const struct km_sample *prev)
{
    if (smp->src[KM_SRC_MODULES].status == KM_ST_OK) {
        bool vm = smp->src[KM_SRC_VMALLOCINFO].status == KM_ST_OK;
        km_modjoin(&smp->mods, vm ? &smp->vm : NULL, smp->page_size, &smp->mj);
    }
    if (prev && prev->src[KM_SRC_MODULES].status == KM_ST_OK &&
        smp->src[KM_SRC_MODULES].status == KM_ST_OK) {
        bool mb = prev->src[KM_SRC_MEMINFO].status == KM_ST_OK;
        bool ma = smp->src[KM_SRC_MEMINFO].status == KM_ST_OK;
        struct km_mod_side b = {&prev->mods, &prev->mj, mb ? &prev->mem : NULL};
        struct km_mod_side a = {&smp->mods, &smp->mj, ma ? &smp->mem : NULL};
        km_mod_events(&b, &a, smp->wall, smp->seq, s->events, &s->nevents, KM_MOD_EVENTS_MAX);
    }
    /* a copy: a sample stays as it was when later ticks record more events */
    smp->nmod_events = s->nevents;
    smp->mod_events = s->nevents ? xmalloc(s->nevents * sizeof(*s->events)) : NULL;
    if (s->nevents)
        memcpy(smp->mod_events, s->events, s->nevents * sizeof(*s->events));
}

/* ---- the tick -------------------------------------------------------------- */

static void read_source(struct km_sampler *s, struct km_sample *smp, enum km_src src)
{
    double t0 = km_now();
    switch (src) {
    case KM_SRC_MEMINFO:
        read_meminfo(s, smp);
        break;
    case KM_SRC_MODULES:
        read_parsed(s, smp, src, parse_modules, &smp->mods);
        if (smp->src[src].status == KM_ST_OK) {
            if (!s->modcache)
                s->modcache = km_mod_cache_new();
            km_modules_read_sysfs(s->modcache, &smp->mods, true);
        }
        break;
    case KM_SRC_VMALLOCINFO:
        read_parsed(s, smp, src, parse_vmalloc, &smp->vm);
        break;
    case KM_SRC_ZONEINFO:
        read_parsed(s, smp, src, parse_zoneinfo, &smp->zi);
        break;
    case KM_SRC_BUDDYINFO:
        read_parsed(s, smp, src, parse_buddyinfo, &smp->bi);
        break;
    case KM_SRC_PAGETYPEINFO:
        read_pagetypeinfo(s, smp);
        break;
    case KM_SRC_NODES:
        read_nodes(smp);
        break;
    case KM_SRC_SLABINFO:
        read_slabs(s, smp);
        break;
    case KM_SRC_COUNT:
        break;
    }
    smp->src[src].cost = km_now() - t0;
}

/* Two samples of one running kernel: the same release, and no reboot in between. */
static bool same_system(const struct km_sample *a, const struct km_sample *b)
{
    if (strcmp(a->kernel, b->kernel) != 0)
        return false;
    return a->uptime < 0 || b->uptime < 0 || b->uptime >= a->uptime;
}

/*
 * The clock for rates: a tree's recorded capture time; else the captured
 * kernel's own uptime (two trees of a series are that far apart on the
 * machine they came from); else this machine's monotonic clock.
 */
static void stamp_time(struct km_sample *smp, const struct km_sampler_opts *o)
{
    if (o && o->wall > 0) {
        smp->wall = o->wall;
        smp->mono = o->wall;
        return;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    /* a captured tree without a record of its time has no wall time */
    smp->wall = smp->root[0] ? 0 : (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    smp->mono = smp->root[0] && smp->uptime >= 0 ? smp->uptime : km_now();
}

int km_sampler_tick(struct km_sampler *s, unsigned srcmask, const struct km_sampler_opts *o)
{
    s->cur = !s->cur;
    struct km_sample *smp = &s->s[s->cur];
    struct km_sample *prev = s->have_prev || s->seq > 0 ? &s->s[!s->cur] : NULL;
    km_sample_free(smp);
    smp->seq = s->seq++;
    if (o && o->root)
        snprintf(smp->root, sizeof(smp->root), "%s", o->root);
    smp->own_parsers = km_root_own_parsers() ? km_root_own_reason() : NULL;
    read_kernel(s, smp);
    read_uptime(s, smp);
    if (prev && !same_system(prev, smp)) {
        prev = NULL; /* trees of other machines or boots: no rates, no loads/unloads */
        s->nevents = 0;
        bases_clear(s);
    }
    stamp_time(smp, o);
    smp->dt = prev ? smp->mono - prev->mono : 0;
    unsigned mask = srcmask;
    choose_page_size(s, smp, o, &mask);
    /* the slab footprint needs the page size: read slabinfo last */
    for (int src = 0; src < KM_SRC_COUNT; src++)
        if (src != KM_SRC_SLABINFO && (mask & KM_SRC_BIT(src)))
            read_source(s, smp, (enum km_src)src);
    if (smp->root[0] && smp->page_size_src == KM_PS_HOST && !(o && o->page_size > 0)) {
        long ps = infer_page_size(smp);
        s->inferred_page_size = ps ? ps : -1; /* -1: do not force zoneinfo again */
        if (ps) {
            smp->page_size = ps;
            smp->page_size_src = KM_PS_INFERRED;
        }
    }
    if (mask & KM_SRC_BIT(KM_SRC_SLABINFO))
        read_source(s, smp, KM_SRC_SLABINFO);
    if (mask &
        (KM_SRC_BIT(KM_SRC_NODES) | KM_SRC_BIT(KM_SRC_ZONEINFO) | KM_SRC_BIT(KM_SRC_BUDDYINFO)))
        nodes_from_zones(smp);
    compute_rates(s, smp);
    join_modules(s, smp, prev);
    s->have_prev = prev != NULL;
    return 0;
}
