/*
 * slabstat.h - figures derived from slab cache records: waste, leftover,
 * use, and the totals slabtop prints above its table.
 *
 * Pure functions over km_slab records (no I/O, no allocation). Sizes in
 * bytes; KM_NA (or NAN) when an input is absent or a product overflows.
 * The totals follow slabtop's definitions so that the two tools agree on
 * the same /proc/slabinfo: "size" is objects x object size, not footprint;
 * a cache is active when it has objects; the average object size is total
 * size / objects, rounded down.
 */
#ifndef KMEMTOP_SLABSTAT_H
#define KMEMTOP_SLABSTAT_H

#include "kmemtop/slabinfo.h"

/* footprint - active objects x object size: held but not used by live objects */
int64_t km_slab_waste(const struct km_slab *s);
/* pages per slab x page size - objects per slab x object size: bytes per slab no object can use */
int64_t km_slab_leftover(const struct km_slab *s, long page_size);
/* 100 x active / objects; NAN when the cache has no objects */
double km_slab_use_pct(const struct km_slab *s);
/* The same, rounded down to a whole percent as slabtop prints it; -1 when NAN. */
int km_slab_use_floor(const struct km_slab *s);

struct km_slab_summary {
    int64_t caches, active_caches; /* caches; those with objects */
    int64_t objs, active_objs;
    int64_t slabs, active_slabs;
    int64_t size, active_size; /* bytes: sum of objects (active objects) x object size */
    int64_t min_obj_size;      /* bytes, over every cache; KM_NA when there is none */
    int64_t avg_obj_size;      /* bytes, size / objs rounded down; KM_NA when no objects */
    int64_t max_obj_size;      /* bytes; KM_NA when there is no cache */
    int64_t footprint;         /* bytes: sum of the caches' footprints */
    int64_t waste;             /* bytes: sum of the caches' waste */
    double growth;             /* bytes/s: sum of the known growths; NAN when none is known */
};

void km_slabs_summarize(const struct km_slabs *s, struct km_slab_summary *out);

#endif
