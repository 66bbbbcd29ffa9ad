/* derive.c - the derivations the sampler runs once per sample. See derive.h. */
#include "kmemtop/derive.h"
#include "kmemtop/source.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void km_derive_state_init(struct km_derive_state *st)
{
    memset(st, 0, sizeof(*st));
    for (int i = 0; i < KM_SRC_COUNT; i++)
        st->base_t[i] = -1;
    st->vmg_base_t = -1;
}

void km_derive_state_clear(struct km_derive_state *st)
{
    km_sample_free(&st->base);
    km_vmgroups_free(&st->vmg_base);
    km_derive_state_init(st);
}

/* Nodes are known from every source that names them (old kernels, captures without sysfs). */
static void nodes_from_zones(struct km_derive_state *st, struct km_sample *smp,
                             const struct km_sample *prev)
{
    (void)st, (void)prev;
    for (size_t i = 0; i < smp->zi.nzones; i++)
        km_nodes_get(&smp->nodes, smp->zi.zones[i].node);
    for (size_t i = 0; i < smp->bi.n; i++)
        km_nodes_get(&smp->nodes, smp->bi.zones[i].node);
}

/*
 * Rates against the last sample that read the source, not the previous
 * tick: a tick that did not read slabinfo (another view shown) must not cost
 * the slab view its growth. Then the sources read ok become the next bases.
 */
static void rates(struct km_derive_state *st, struct km_sample *smp, const struct km_sample *prev)
{
    static const struct km_sample none;
    (void)prev;
    for (const struct km_srcdesc *d = km_sources; d->name; d++) {
        if (!d->rate)
            continue;
        double t = st->base_t[d->id];
        if (smp->src[d->id].age > 0 && t >= 0) {
            /* a throttled source reused: the base is that same last read, with its rates */
            d->free(smp);
            d->copy(smp, &st->base);
            continue;
        }
        d->rate(smp, t >= 0 ? &st->base : &none, smp->mono - t);
    }
    for (const struct km_srcdesc *d = km_sources; d->name; d++) {
        /* a reused read is no new base: its time is not the tick's */
        if (!d->rate || smp->src[d->id].status != KM_ST_OK || smp->src[d->id].age > 0)
            continue;
        d->free(&st->base);
        d->copy(&st->base, smp);
        st->base_t[d->id] = smp->mono;
    }
}

static void slab_summary(struct km_derive_state *st, struct km_sample *smp,
                         const struct km_sample *prev)
{
    (void)st, (void)prev;
    km_slabs_summarize(&smp->slabs, &smp->slabsum);
}

/* vmalloc areas printed without pages= hold RAM too: estimated, before anything sums pages. */
static void vm_estimate(struct km_derive_state *st, struct km_sample *smp,
                        const struct km_sample *prev)
{
    (void)st, (void)prev;
    if (smp->src[KM_SRC_VMALLOCINFO].status == KM_ST_OK)
        km_vmallocinfo_estimate_pages(&smp->vm, smp->page_size);
}

struct km_mj_hints km_sample_mj_hints(const struct km_sample *smp)
{
    struct km_mj_hints h = {.possible_cpus = smp->possible_cpus};
    if (smp->src[KM_SRC_NODES].status == KM_ST_OK)
        for (size_t i = 0; i < smp->nodes.n; i++)
            h.listed_cpus += smp->nodes.nodes[i].ncpus > 0 ? smp->nodes.nodes[i].ncpus : 0;
    if (sscanf(smp->kernel, "%d.%d", &h.kernel_major, &h.kernel_minor) != 2)
        h.kernel_major = h.kernel_minor = 0;
    return h;
}

/* The join of smp's modules with its vmallocinfo (estimates when it was not read) into out. */
static void make_join(const struct km_sample *smp, struct km_modjoin *out)
{
    bool vm = smp->src[KM_SRC_VMALLOCINFO].status == KM_ST_OK;
    struct km_mj_hints h = km_sample_mj_hints(smp);
    km_modjoin(&smp->mods, vm ? &smp->vm : NULL, smp->page_size, &h, out);
}

/* smp's own join, unless made already (smp->mj_ready). */
static void ensure_join(struct km_sample *smp)
{
    if (smp->mj_ready || smp->src[KM_SRC_MODULES].status != KM_ST_OK)
        return;
    make_join(smp, &smp->mj);
    smp->mj_ready = true;
}

/*
 * Modules joined with vmallocinfo. A frame that read vmallocinfo always joins (its areas are
 * freed before the next tick). Without it the join is only estimates, which the Modules view
 * alone shows (KM_DER_MODJOIN): another view's frame reads /proc/modules for the summary's
 * total and makes no join, but when module events need one (module_events).
 */
static void join_modules(struct km_derive_state *st, struct km_sample *smp,
                         const struct km_sample *prev)
{
    (void)prev;
    if (smp->src[KM_SRC_MODULES].status != KM_ST_OK)
        return;
    if (smp->mj_ready)
        return; /* the sampler's check of the vmallocinfo read made it (km_vm_torn) */
    if (smp->src[KM_SRC_VMALLOCINFO].status != KM_ST_OK && !(st->wanted & KM_DER_MODJOIN))
        return;
    ensure_join(smp);
}

/* Whether a and b may list other modules (not the same names in the same order). */
static bool mods_changed(const struct km_modules *a, const struct km_modules *b)
{
    if (a->n != b->n)
        return true;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->mods[i].name, b->mods[i].name) != 0)
            return true;
    return false;
}

/*
 * vmallocinfo's areas by caller, and their growth against the last sample
 * that read vmallocinfo (as the rates: another view shown in between costs
 * the Vmalloc view nothing); then this sample's groups become the base.
 */
static void vmalloc_groups(struct km_derive_state *st, struct km_sample *smp,
                           const struct km_sample *prev)
{
    (void)prev;
    if (smp->src[KM_SRC_VMALLOCINFO].status != KM_ST_OK)
        return;
    km_vmgroup(&smp->vm, smp->page_size, &smp->vmg);
    bool base = st->vmg_base_t >= 0;
    km_vmgroups_rate(&smp->vmg, base ? &st->vmg_base : NULL, smp->mono - st->vmg_base_t);
    km_vmgroups_free(&st->vmg_base);
    km_vmgroups_copy(&st->vmg_base, &smp->vmg);
    st->vmg_base_t = smp->mono;
}

/* Loads and unloads since the previous sample; the sample gets its own copy of the recent ones. */
static void module_events(struct km_derive_state *st, struct km_sample *smp,
                          const struct km_sample *prev)
{
    /*
     * An event takes its figures from the joins of the two samples. A frame that made no
     * join (join_modules) makes it here when an event may need it: when the modules may
     * have changed, or a load is not settled yet; the previous sample's, when it made none,
     * into a join of this function's own (the same one: it had no vmallocinfo, and the join
     * without it is a function of its modules and the rest of the sample, all kept).
     */
    struct km_modjoin pj = {0};
    bool own_pj = false;
    if (prev && prev->src[KM_SRC_MODULES].status == KM_ST_OK &&
        smp->src[KM_SRC_MODULES].status == KM_ST_OK) {
        if (mods_changed(&prev->mods, &smp->mods)) {
            ensure_join(smp);
            if (!prev->mj_ready) {
                make_join(prev, &pj);
                own_pj = true;
            }
        }
        bool mb = prev->src[KM_SRC_MEMINFO].status == KM_ST_OK;
        bool ma = smp->src[KM_SRC_MEMINFO].status == KM_ST_OK;
        struct km_mod_side b = {&prev->mods, own_pj ? &pj : &prev->mj, mb ? &prev->mem : NULL};
        struct km_mod_side a = {&smp->mods, &smp->mj, ma ? &smp->mem : NULL};
        km_mod_events(&b, &a, smp->wall, smp->seq, st->events, &st->nevents, KM_MOD_EVENTS_MAX);
    }
    if (own_pj)
        km_modjoin_free(&pj);
    if (smp->src[KM_SRC_MODULES].status == KM_ST_OK) {
        for (size_t i = 0; i < st->nevents; i++)
            if (!st->events[i].settled && st->events[i].loaded) {
                ensure_join(smp); /* a load to settle: its figures from this join */
                break;
            }
        bool ma = smp->src[KM_SRC_MEMINFO].status == KM_ST_OK;
        struct km_mod_side now = {&smp->mods, &smp->mj, ma ? &smp->mem : NULL};
        km_mod_events_settle(st->events, st->nevents, &now);
    }
    /* a copy: a sample stays as it was when later ticks record more events */
    smp->nmod_events = st->nevents;
    smp->mod_events = st->nevents ? xmalloc(st->nevents * sizeof(*st->events)) : NULL;
    if (st->nevents)
        memcpy(smp->mod_events, st->events, st->nevents * sizeof(*st->events));
}

/* vmstat's pressure signals (the Overview's and the Buddy view's compaction). */
static void signals(struct km_derive_state *st, struct km_sample *smp, const struct km_sample *prev)
{
    (void)st, (void)prev;
    if (smp->src[KM_SRC_VMSTAT].status == KM_ST_OK)
        km_signals(&smp->vmstat, &smp->sig);
}

/* What km_overview reads of a sample; with_vm false: not its vmallocinfo areas. */
static void ov_input(const struct km_sample *smp, bool with_vm, struct km_ov_input *in)
{
    *in = (struct km_ov_input){
        .mem = &smp->mem,
        .vm = with_vm && smp->src[KM_SRC_VMALLOCINFO].status == KM_ST_OK ? &smp->vm : NULL,
        .zi = smp->src[KM_SRC_ZONEINFO].status == KM_ST_OK ? &smp->zi : NULL,
        .nodes = smp->src[KM_SRC_NODES].status == KM_ST_OK ? &smp->nodes : NULL,
        .page_size = smp->page_size,
    };
    if (sscanf(smp->kernel, "%d.%d", &in->kernel_major, &in->kernel_minor) != 2)
        in->kernel_major = in->kernel_minor = 0;
}

/*
 * Where MemTotal goes, its rows' change against the previous sample, whether
 * unaccounted grows (its history in the state). Only for a frame that shows
 * the Overview (KM_DER_OVERVIEW): when the previous frame showed another
 * view it made none, and its Overview is made here from its figures, for the
 * rates (its vmallocinfo areas are freed by then: vmalloc's split has no
 * rate on that first frame).
 */
static void overview(struct km_derive_state *st, struct km_sample *smp,
                     const struct km_sample *prev)
{
    if (smp->src[KM_SRC_MEMINFO].status != KM_ST_OK)
        return;
    struct km_ov_input in;
    ov_input(smp, true, &in);
    km_overview(&in, &smp->ov);
    if (prev && prev->ov.ok) {
        km_overview_rate(&smp->ov, &prev->ov, smp->mono - prev->mono);
    } else if (prev && prev->src[KM_SRC_MEMINFO].status == KM_ST_OK) {
        /* both without the areas, so that each row is the same sum in both */
        struct km_overview *was = xmalloc(2 * sizeof(*was)), *now = was + 1;
        struct km_ov_input pin;
        ov_input(prev, false, &pin);
        ov_input(smp, false, &in);
        /* a frame without the Overview does not read SecPageTables (meminfo.h): it is
           left out of both, or its 1 GiB would show as a jump of the kernel's rows */
        struct km_meminfo mem = smp->mem;
        if (KM_IS_NA(prev->mem.sec_page_tables))
            mem.sec_page_tables = KM_NA;
        in.mem = &mem;
        if (km_overview(&pin, was) == 0 && km_overview(&in, now) == 0) {
            km_overview_rate(now, was, smp->mono - prev->mono);
            for (int i = 0; i < smp->ov.nrows; i++) {
                const struct km_ov_row *r = km_overview_row(now, smp->ov.rows[i].name);
                smp->ov.rows[i].rate = r ? r->rate : NAN;
            }
        }
        free(was);
    }
    km_ov_growth(&smp->ov, &st->ov_hist, smp->mono); /* sustained growth, over several samples */
}

#define B(s) KM_SRC_BIT(KM_SRC_##s)

const struct km_derivation km_derivations[] = {
    {"nodes from zones", B(NODES) | B(ZONEINFO) | B(BUDDYINFO), 0, nodes_from_zones},
    {"vmalloc pages estimated", B(VMALLOCINFO), 0, vm_estimate}, /* before anything sums pages */
    {"rates", KM_SRC_ALL, 0, rates},                /* every source with a rate function */
    {"slab summary", B(SLABINFO), 0, slab_summary}, /* after rates: it sums the growth */
    {"module join", B(MODULES) | B(VMALLOCINFO), 0, join_modules},
    /* the Modules view reads vmallocinfo too: its frames need no groups */
    {"vmalloc groups", B(VMALLOCINFO), KM_DER_VMGROUPS, vmalloc_groups},
    {"module events", B(MODULES) | B(MEMINFO), 0, module_events}, /* after the join */
    {"pressure signals", B(VMSTAT), 0, signals}, /* after the rates (vmstat's) */
    /* after the estimate of vmalloc pages; only for the Overview (SecPageTables: meminfo.h) */
    {"overview", B(MEMINFO), KM_DER_OVERVIEW, overview},
    {NULL, 0, 0, NULL},
};

void km_derive_all(struct km_derive_state *st, struct km_sample *smp, const struct km_sample *prev,
                   unsigned asked, unsigned wanted)
{
    st->wanted = wanted;
    for (const struct km_derivation *d = km_derivations; d->name; d++)
        if ((asked & d->needs) && (!d->on_demand || (wanted & d->on_demand)))
            d->run(st, smp, prev);
}
