/*
 * fz_node.h - the three node-file targets (fuzz_node_meminfo, fuzz_numastat,
 * fuzz_distance): a parser must leave the record alone on error.
 */
#ifndef KMEMTOP_FZ_NODE_H
#define KMEMTOP_FZ_NODE_H

#include "kmemtop/nodes.h"

#include "fz.h"

typedef int (*fz_node_parser)(const char *, size_t, struct km_node *, struct km_perr *);

/* The id a node file names ("Node 3 MemTotal:"), else 0: the file is read as that node's. */
static inline int fz_node_id(const char *p, size_t len)
{
    const char *n = len >= 6 ? memmem(p, len, "Node ", 5) : NULL;
    int id = 0;
    if (!n)
        return 0;
    for (size_t i = (size_t)(n - p) + 5; i < len && p[i] >= '0' && p[i] <= '9'; i++) {
        id = id * 10 + (p[i] - '0');
        if (id >= KM_MAX_NODES)
            return 0;
    }
    return id;
}

static inline void fz_node(const uint8_t *data, size_t size, fz_node_parser f)
{
    const char *p = (const char *)data;
    struct km_node n, before;
    struct km_perr pe = {.line = -1};
    km_node_init(&n, fz_node_id(p, size));
    before = n;
    int rc = f(p, size, &n, &pe);
    fz_check_perr(rc, &pe, p, size);
    if (rc)
        FZ_CHECK(memcmp(&n, &before, sizeof(n)) == 0, "the node record changed on error");
    else
        FZ_CHECK(n.ndistance >= 0 && n.ndistance <= (int)KM_ARRAY_LEN(n.distance), "ndistance %d",
                 n.ndistance);
}

#endif
