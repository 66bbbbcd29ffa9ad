/*
 * view_nodes_dist.c - the NUMA distance matrix (node<N>/distance) under the
 * nodes table, as numactl -H prints it: a row per node, a column per
 * online node. Wider than KM_NODES_MATRIX_MAX nodes it is one line that
 * counts each distance value; a node's own row is then in its details.
 * See view_nodes.h.
 */
#include "view_nodes.h"
#include "views.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The node id of the i-th online node (distance columns), or -1. */
static int online_id(const struct km_nodes *ns, int i)
{
    bool mask = false;
    for (int w = 0; w < KM_NODE_WORDS; w++)
        mask = mask || ns->online[w];
    if (!mask)
        return (size_t)i < ns->n ? ns->nodes[i].node : -1;
    for (int id = 0; id < KM_MAX_NODES; id++)
        if (km_mask_test(ns->online, id) && i-- == 0)
            return id;
    return -1;
}

static int columns(const struct km_nodes *ns)
{
    int ncol = 0;
    for (size_t i = 0; i < ns->n; i++)
        if (ns->nodes[i].ndistance > ncol)
            ncol = ns->nodes[i].ndistance;
    return ncol;
}

/* Appends to buf (n bytes) at *len, never past its end. */
__attribute__((format(printf, 4, 5))) static void add(char *buf, size_t n, size_t *len,
                                                      const char *fmt, ...)
{
    if (*len >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *len, n - *len, fmt, ap);
    va_end(ap);
    *len = w < 0 ? n : *len + (size_t)w;
}

/* "Node distances: 10 x4 (local), 16 x4, 32 x4, 33 x4" (the distinct values and how often). */
static void summary(const struct km_nodes *ns, int ncol, char *buf, size_t n)
{
    enum { MAXV = 12 };
    int val[MAXV], cnt[MAXV], nv = 0, more = 0, nrow = 0;
    for (size_t i = 0; i < ns->n; i++) {
        nrow += ns->nodes[i].ndistance > 0;
        for (int k = 0; k < ns->nodes[i].ndistance; k++) {
            int d = ns->nodes[i].distance[k], v = 0;
            while (v < nv && val[v] != d)
                v++;
            if (v == nv && nv == MAXV) {
                more++;
                continue;
            }
            if (v == nv) {
                val[nv] = d;
                cnt[nv++] = 0;
            }
            cnt[v]++;
        }
    }
    size_t len = 0;
    add(buf, n, &len, "Node distances (%d nodes x %d):", nrow, ncol);
    for (int v = 0; v < nv; v++) { /* in the order first seen: node0's own distance first */
        add(buf, n, &len, " %d x%d", val[v], cnt[v]);
        if (v == 0 && len < n)
            len += (size_t)snprintf(buf + len, n - len, " (local)");
        if (v + 1 < nv && len < n)
            len += (size_t)snprintf(buf + len, n - len, ",");
    }
    if (more)
        add(buf, n, &len, "; %d more of other values", more);
}

void km_nodes_footer(const struct km_vm *vm, const struct km_vctx *c, km_line_fn line, void *arg)
{
    const struct km_nodes *ns = &c->s->nodes;
    int ncol = columns(ns);
    if (ncol < 2)
        return; /* one node: a distance to itself says nothing */
    char buf[1024];
    summary(ns, ncol, buf, sizeof(buf));
    if (ncol > KM_NODES_MATRIX_MAX) {
        size_t len = strlen(buf);
        snprintf(buf + len, sizeof(buf) - len, "; each node's row: Enter on it, all: --format json");
        line(arg, KM_ATTR_NORMAL, buf);
        return;
    }
    line(arg, KM_ATTR_NORMAL, buf);
    size_t len = (size_t)snprintf(buf, sizeof(buf), "node");
    for (int k = 0; k < ncol; k++)
        add(buf, sizeof(buf), &len, " %4d", online_id(ns, k));
    line(arg, KM_ATTR_BOLD, buf);
    for (size_t i = 0; i < ns->n; i++) {
        const struct km_node *nd = &ns->nodes[i];
        if (nd->ndistance == 0)
            continue;
        len = 0;
        add(buf, sizeof(buf), &len, "%3d:", nd->node);
        for (int k = 0; k < nd->ndistance; k++)
            add(buf, sizeof(buf), &len, " %4d", nd->distance[k]);
        line(arg, KM_ATTR_NORMAL, buf);
    }
}

void km_nodes_distance_row(const struct km_vctx *c, const struct km_node *nd, km_line_fn line,
                           void *arg)
{
    const struct km_nodes *ns = &c->s->nodes;
    char buf[256];
    for (int k0 = 0; k0 < nd->ndistance; k0 += 16) {
        size_t len = 0;
        int last = k0 + 15 < nd->ndistance - 1 ? k0 + 15 : nd->ndistance - 1;
        add(buf, sizeof(buf), &len, "distances to nodes %d-%d:", online_id(ns, k0),
            online_id(ns, last));
        for (int k = k0; k < nd->ndistance && k < k0 + 16; k++)
            add(buf, sizeof(buf), &len, " %d", nd->distance[k]);
        line(arg, KM_ATTR_NORMAL, buf);
    }
}
