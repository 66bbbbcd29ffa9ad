/*
 * pagetypeinfo.h - parser for /proc/pagetypeinfo (root only from 5.4).
 *
 * Two tables: free blocks per (node, zone, migrate type, order), and
 * pageblock counts per (node, zone, migrate type). Migrate types are taken
 * from the headers by name, never by position (3.10: Reserve; Android puts
 * CMA before HighAtomic). Counts the kernel capped (">100000") keep the cap
 * as value and set their bit in `capped`. The header block may repeat for
 * every node. Pure; *out owns its memory (km_pagetypeinfo_free).
 * A line it cannot read is left out and counted in err (skipped, skip_line,
 * skip_msg); a header it cannot read takes the rows under it along (one
 * line counted, the message says so). -EINVAL only when nothing was usable.
 */
#ifndef KMEMTOP_PAGETYPEINFO_H
#define KMEMTOP_PAGETYPEINFO_H

#include "kmemtop/buddyinfo.h"

#define KM_MAX_MT 10
#define KM_MT_NAME 16

struct km_pti_free {
    int node;
    char zone[KM_ZONE_NAME];
    char type[KM_MT_NAME];
    int norders;
    int64_t free[KM_MAX_ORDERS]; /* blocks */
    uint32_t capped;             /* bit k: free[k] was printed as ">N" */
};

struct km_pti_blocks {
    int node;
    char zone[KM_ZONE_NAME];
    int64_t count[KM_MAX_MT]; /* pageblocks, indexed like km_pagetypeinfo.types */
};

struct km_pagetypeinfo {
    int pageblock_order;     /* -1 when absent */
    int64_t pages_per_block; /* KM_NA when absent */
    int norders;
    /*
     * Migrate types by name, in order of first appearance: the columns of
     * the "Number of blocks type" header(s), plus any type named only by a
     * free-count row (not the case on real kernels).
     */
    int ntypes;
    char types[KM_MAX_MT][KM_MT_NAME];
    size_t nfree;
    struct km_pti_free *free;
    size_t nblocks;
    struct km_pti_blocks *blocks;
};

int km_parse_pagetypeinfo(const char *buf, size_t len, struct km_pagetypeinfo *out,
                          struct km_perr *err);
void km_pagetypeinfo_free(struct km_pagetypeinfo *p);

#endif
