/*
 * overview.h - where MemTotal goes: a tree of meminfo's figures (and
 * vmallocinfo's, where readable) whose leaves add up to MemTotal exactly.
 *
 * Each byte is counted once: Shmem is taken out of Cached (file_cache =
 * Cached - Shmem), CMA and the HugeTLB pool's surplus are shown beside the
 * tree (CMA pages are lent to movable user pages, CmaFree is inside
 * MemFree; surplus pages are inside HugePages_Total), vmapped kernel stacks
 * are taken out of vmalloc when vmallocinfo says how much of it they are.
 * `unaccounted` is MemTotal less every other leaf: what no counter names
 * (drivers' own alloc_pages, memory of a balloon, ...). It may be negative
 * when two counters overlap in a way not known here. A figure the kernel
 * does not print is absent (KM_NA), never 0, and counts nothing.
 *
 * Pure: no I/O, no allocation; doc/formulas.md states the formula.
 */
#ifndef KMEMTOP_OVERVIEW_H
#define KMEMTOP_OVERVIEW_H

#include "kmemtop/meminfo.h"
#include "kmemtop/nodes.h"
#include "kmemtop/vmallocinfo.h"
#include "kmemtop/zoneinfo.h"

#define KM_OV_ROWS 32
#define KM_OV_NODES 8 /* per-node figures for at most this many nodes */

struct km_ov_row {
    const char *name;   /* snake_case: "free", "slab_reclaimable", ... */
    const char *label;  /* for people: "Slab, reclaimable" */
    int parent;         /* index of the parent row, -1 at the top */
    int depth;          /* 0, 1, 2 */
    bool leaf;          /* no children: the leaves add up to MemTotal */
    int64_t bytes;      /* KM_NA when the kernel does not print it */
    const char *source; /* where the figure comes from: "meminfo AnonPages"; NULL none */
    char note[160];     /* an era difference, an overlap taken out; "" none */
    double rate;        /* bytes per second against the previous sample, NAN unknown */
    /* per node (node meminfo), KM_NA where it has no counterpart */
    int64_t node[KM_OV_NODES];
};

struct km_overview {
    bool ok;            /* meminfo had a MemTotal */
    int64_t mem_total;  /* bytes */
    int nrows;
    struct km_ov_row rows[KM_OV_ROWS];
    /* beside the tree */
    int64_t outside;           /* Σ zones (present - managed) pages, bytes; KM_NA without */
    int64_t managed;           /* Σ zones managed pages, bytes; KM_NA without */
    char outside_reason[200];  /* why outside is KM_NA; "" when it is known */
    int64_t cma_total, cma_free;
    int64_t huge_free, huge_surp; /* default-size pool pages, bytes; KM_NA without */
    int nnodes;                   /* nodes with per-node figures (0 unless 2+) */
    int node_id[KM_OV_NODES];
    int64_t node_total[KM_OV_NODES];   /* node MemTotal */
    int64_t node_outside[KM_OV_NODES]; /* zones' present - managed on the node */
    bool more_nodes;                   /* more nodes than KM_OV_NODES: the first shown */
    int unaccounted;                   /* its row index */
    bool warn_share;                   /* unaccounted > 10% of MemTotal */
    bool warn_grows;                   /* unaccounted grows, sustained: km_ov_growth */
    /* unaccounted's growth over the last KM_OV_GROW_INTERVALS intervals; KM_NA, NAN until seen */
    int64_t grow_bytes;
    double grow_secs;
};

/*
 * Unaccounted "grows" only when it grew in each of the last
 * KM_OV_GROW_INTERVALS intervals and by more than KM_OV_GROW_PERMILLE of
 * MemTotal over all of them: a leak grows frame after frame, while the noise
 * of reading counters a moment apart on a busy machine goes up and down.
 */
#define KM_OV_GROW_INTERVALS 3
#define KM_OV_GROW_PERMILLE 1
/* The unaccounted bytes of the last samples, and their times, oldest first. */
struct km_ov_hist {
    int n;
    int64_t bytes[KM_OV_GROW_INTERVALS + 1];
    double t[KM_OV_GROW_INTERVALS + 1];
};

/* What km_overview reads; any pointer but mem may be NULL (not read). */
struct km_ov_input {
    const struct km_meminfo *mem;
    const struct km_vmallocinfo *vm; /* read ok, pages estimated already */
    const struct km_zoneinfo *zi;
    const struct km_nodes *nodes;
    long page_size;             /* bytes; <= 0 unknown */
    int kernel_major, kernel_minor; /* 0 0: unknown */
};

/*
 * Outside MemTotal is Σ zones (present - managed) only while the zones'
 * managed pages add up to MemTotal (totalram_pages() is Σ managed): within
 * this much, for the moment between the reads of meminfo and zoneinfo. Else
 * (memory hotplug, a balloon, pages a lazy deferred init has not yet given
 * to their zone) outside is KM_NA and outside_reason says why.
 */
#define KM_OV_MANAGED_SLACK_MIN (4LL << 20) /* bytes */
#define KM_OV_MANAGED_SLACK_PERMILLE 1      /* of MemTotal, when that is more */
int64_t km_ov_managed_slack(int64_t mem_total);

/* Fills *out; returns 0, or -EINVAL (out->ok false) without a MemTotal. */
int km_overview(const struct km_ov_input *in, struct km_overview *out);
/*
 * Each row's rate against prev (matched by name), dt seconds earlier. prev
 * NULL or not ok, dt <= 0: rates NAN.
 */
void km_overview_rate(struct km_overview *cur, const struct km_overview *prev, double dt);
/*
 * Adds cur's unaccounted at time t (seconds, rising) to the history h and
 * sets cur's warn_grows, grow_bytes and grow_secs from it. A time not after
 * the last one's starts the history again. cur not ok: h is left as it is.
 */
void km_ov_growth(struct km_overview *cur, struct km_ov_hist *h, double t);
/* The row named name, or NULL. */
const struct km_ov_row *km_overview_row(const struct km_overview *ov, const char *name);
/* Whether a vmallocinfo caller symbol allocates thread stacks (vmapped stacks). */
bool km_ov_stack_caller(const char *sym, size_t len);

#endif
