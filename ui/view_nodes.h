/*
 * view_nodes.h - what the nodes view's files share: the watermark
 * state and headroom of a zone or node (view_nodes_state.c), the distance
 * matrix under the table and a node's distances in its details
 * (view_nodes_dist.c). Render layer: no curses.
 */
#ifndef KM_UI_VIEW_NODES_H
#define KM_UI_VIEW_NODES_H

#include "view.h"
#include "kmemtop/frag.h"
#include "kmemtop/nodes.h"

/*
 * The state's name for zone z (for allocations whose highest zone it is),
 * or, z NULL, for node `node` (allocations that may use all its zones);
 * NULL when unknown. doc/formulas.md.
 */
const char *km_nodes_state_name(const struct km_vctx *c, const struct km_zone *z, int node);
/* The same as states: zone z's, node's. */
enum km_wm_state km_nodes_zone_state(const struct km_vctx *c, const struct km_zone *z);
enum km_wm_state km_nodes_node_state(const struct km_vctx *c, int node);
/* free - (low + protection) for the same allocations, pages; KM_NA when unknown. */
int64_t km_nodes_headroom(const struct km_vctx *c, const struct km_zone *z, int node);

/* Up to KM_NODES_MATRIX_MAX nodes: the matrix as numactl -H prints it; more: a summary line. */
#define KM_NODES_MATRIX_MAX 8
void km_nodes_footer(const struct km_vm *vm, const struct km_vctx *c, km_line_fn line, void *arg);
/* Node nd's distances, 16 to a line, and its counters since boot (details overlay). */
void km_nodes_distance_row(const struct km_vctx *c, const struct km_node *nd, km_line_fn line,
                           void *arg);

#endif
