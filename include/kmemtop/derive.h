/*
 * derive.h - the registry of derivations: figures the sampler computes from
 * a tick's records once, after every source was read, in a fixed order.
 *
 * Each derivation declares the sources whose records it reads; it runs on a
 * tick that asked for at least one of them. Derivations that need the past
 * (rates against the last sample that read a source, module loads and
 * unloads, the growth of vmalloc groups) keep it in a km_derive_state the
 * sampler owns; nothing else keeps state between ticks. A derivation
 * writes only the current sample and that state, never prints and cannot
 * fail: what it cannot compute it leaves absent (KM_NA, NAN, empty).
 */
#ifndef KMEMTOP_DERIVE_H
#define KMEMTOP_DERIVE_H

#include "kmemtop/sample.h"

/* What derivations remember between ticks of one running system. */
struct km_derive_state {
    /* per source with a rate function: the records of the last sample that read it */
    struct km_sample base;
    double base_t[KM_SRC_COUNT];                   /* mono of each base; < 0: none */
    struct km_mod_event events[KM_MOD_EVENTS_MAX]; /* module loads/unloads, oldest first */
    size_t nevents;
    /* the vmalloc groups of the last sample that read vmallocinfo, and its mono (< 0: none) */
    struct km_vmgroups vmg_base;
    double vmg_base_t;
    /* the Overview's unaccounted bytes of the last samples: whether it grows, sustained */
    struct km_ov_hist ov_hist;
    unsigned wanted; /* the running km_derive_all's wanted (KM_DER_*) */
};

/*
 * Derived data only some views use: computed only when a frame's views ask
 * for it (km_sampler_opts.derive), not whenever its sources are read.
 */
enum { KM_DER_VMGROUPS = 1u << 0, KM_DER_OVERVIEW = 1u << 1, KM_DER_MODJOIN = 1u << 2 };

struct km_derivation {
    const char *name;
    unsigned needs;     /* KM_SRC_BIT mask of the sources it reads */
    unsigned on_demand; /* a KM_DER_* bit: runs only when asked for; 0: whenever needs is read */
    /* prev: the previous sample of the same running system, or NULL */
    void (*run)(struct km_derive_state *st, struct km_sample *smp, const struct km_sample *prev);
};

/* What the module join may use beyond the two files, from the rest of the sample. */
struct km_mj_hints km_sample_mj_hints(const struct km_sample *smp);

/* In the order they run, ended by {.name = NULL}. */
extern const struct km_derivation km_derivations[];

void km_derive_state_init(struct km_derive_state *st);
/* Forgets the past (another tree, another boot); frees what it held. */
void km_derive_state_clear(struct km_derive_state *st);
/*
 * Runs every derivation that needs one of the sources in asked (a KM_SRC_BIT
 * mask) and, for one on demand, whose bit is in wanted (KM_DER_*).
 */
void km_derive_all(struct km_derive_state *st, struct km_sample *smp, const struct km_sample *prev,
                   unsigned asked, unsigned wanted);

#endif
