/*
 * modevents.h - module loads and unloads between two samples.
 *
 * The source article measures a module's whole footprint by loading or
 * unloading it and comparing /proc/meminfo before and after. When a module
 * appears or disappears between two samples, km_mod_events records it with
 * the module's static and dynamic bytes (from the sample where it is
 * present) and the change across the two samples in VmallocUsed, Slab,
 * MemAvailable and MemFree. That change is the interval's, not the
 * module's: when several modules came or went in one interval, each of
 * their events carries the same change (and seq, and nchanged), to be
 * shown once for the interval, never added up. Pure; the caller owns the
 * event array.
 */
#ifndef KMEMTOP_MODEVENTS_H
#define KMEMTOP_MODEVENTS_H

#include "kmemtop/meminfo.h"
#include "kmemtop/modjoin.h"

#define KM_MOD_EVENTS_MAX 32

struct km_mod_event {
    char name[KM_MOD_NAME];
    bool loaded;            /* true: appeared; false: disappeared */
    double time;            /* seconds since the epoch of the later sample; 0 unknown */
    unsigned seq;           /* frame number of the later sample */
    enum km_mj_method method; /* how static_bytes was found */
    int64_t size;           /* bytes, lsmod */
    int64_t static_bytes;   /* bytes (from the sample where the module was present) */
    int64_t dynamic_bytes;  /* bytes, KM_NA without vmallocinfo */
    /*
     * The interval's: later minus earlier sample, bytes; KM_NA when either
     * side lacks it. The same for every event of the interval (seq).
     */
    int64_t d_vmalloc_used, d_slab, d_mem_available, d_mem_free;
    /* modules loaded or unloaded in the interval, this one included (some may have been dropped) */
    unsigned nchanged;
    /*
     * A load whose module was not yet Live (Loading: its init areas and a
     * half-made image) has provisional figures: false until a later sample
     * sees it Live and km_mod_events_settle puts that sample's figures in.
     */
    bool settled;
    char state[12]; /* the module's state when its figures were taken */
};

/*
 * Loads recorded before their module was Live get the figures of `now`
 * where it is Live now (the same module: name, base); a load whose module
 * is gone again settles as it was. Returns how many settled.
 */
struct km_mod_side;
size_t km_mod_events_settle(struct km_mod_event *ev, size_t n, const struct km_mod_side *now);

/* One side of the comparison: a sample's modules, join and meminfo. */
struct km_mod_side {
    const struct km_modules *mods;
    const struct km_modjoin *mj;
    const struct km_meminfo *mem; /* NULL when not read */
};

/*
 * Appends to ev (holding *n of cap, oldest first; the oldest are dropped
 * when full) one event per module present on one side only: the unloads,
 * then the loads, consecutive, with the same time, seq, changes and
 * nchanged. Returns the number of events added.
 */
size_t km_mod_events(const struct km_mod_side *before, const struct km_mod_side *after,
                     double time, unsigned seq, struct km_mod_event *ev, size_t *n, size_t cap);

#endif
