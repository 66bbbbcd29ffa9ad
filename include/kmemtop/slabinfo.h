/*
 * slabinfo.h - slab caches from /proc/slabinfo through libproc2, plus what
 * /sys/kernel/slab/<cache>/ adds where it is readable (root, SLUB).
 *
 * km_slabs_read opens /proc/slabinfo through procps_slabinfo_*; a cache
 * name that appears twice is two rows, told apart by `ordinal` (0, 1, ...).
 * Returns 0, -ENOENT (no slabinfo: SLOB or !SLUB_DEBUG), -EACCES (needs
 * root) or another negative errno with a message in err. *out owns its
 * memory (km_slabs_free). Sizes in bytes, counts in objects/slabs/pages.
 * libproc2 keeps /proc/slabinfo open from the first read on: free and
 * re-create the context whenever /proc is switched to another tree.
 */
#ifndef KMEMTOP_SLABINFO_H
#define KMEMTOP_SLABINFO_H

#include "kmemtop/util.h"

#define KM_SLAB_NAME 64

struct km_slab_node {
    int node;
    int64_t slabs; /* this cache's slabs on the node */
};

/*
 * Names kept per cache: a real kernel merges a few dozen caches at most
 * (naliases has the kernel's full count); a tree of 8000 links into one
 * directory must not cost 8000 names per cache.
 */
#define KM_SLAB_ALIASES_MAX 64

struct km_slab {
    char name[KM_SLAB_NAME];
    int ordinal; /* 0 for the first line with this name, 1 for the next... */
    int64_t active_objs, num_objs;
    int64_t obj_size; /* bytes per object, metadata included */
    int64_t objs_per_slab, pages_per_slab;
    int64_t active_slabs, num_slabs;
    int64_t footprint; /* num_slabs * pages_per_slab * page size, bytes */
    double growth;     /* footprint change, bytes/s; NAN on the first sample */
    /* from /sys/kernel/slab/<name>/, when readable */
    int reclaimable; /* 1/0, -1 unknown */
    int naliases;    /* the kernel's "aliases" count (root only), -1 unknown */
    char **aliases;  /* NULL-terminated names whose /sys/kernel/slab link leads to this
                        cache's directory (listable without root), the first
                        KM_SLAB_ALIASES_MAX of them by name; NULL if none */
    int nnodes;      /* entries in nodes; 0 unknown */
    struct km_slab_node *nodes; /* slabs per NUMA node (sysfs `slabs`, root), NULL unknown */
};

struct km_slabs {
    size_t n;
    struct km_slab *slabs; /* in /proc/slabinfo order */
};

struct km_slab_ctx; /* a libproc2 slabinfo context */

/* Sets each cache's ordinal (the count of earlier lines with its name). */
void km_slabs_number_duplicates(struct km_slabs *s);

int km_slab_ctx_new(struct km_slab_ctx **ctx);
void km_slab_ctx_free(struct km_slab_ctx **ctx);
/* page_size scales footprint (the captured kernel's, not the host's); <= 0
 * leaves footprint KM_NA. */
int km_slabs_read(struct km_slab_ctx *ctx, long page_size, struct km_slabs *out,
                  struct km_perr *err);
/*
 * Adds what /sys/kernel/slab says (root; SLUB): reclaimable and aliases,
 * which are fixed for a cache's life and so read once per context (again
 * only when a cache name appears that was not seen), and, with per_node,
 * each cache's slabs per NUMA node, read every time. Silent where
 * unreadable.
 */
void km_slabs_read_sysfs(struct km_slab_ctx *ctx, struct km_slabs *s, bool per_node);
void km_slabs_free(struct km_slabs *s);
/*
 * Pure: a sysfs count with a per-node tail, "1360 N0=878 N1=482" (the tail
 * is printed with CONFIG_NUMA, for nodes with a non-zero count). Stores
 * up to max pairs; returns how many, or -EINVAL.
 */
int km_parse_slab_nodes(const char *buf, int64_t *total, struct km_slab_node *out, int max);

#endif
