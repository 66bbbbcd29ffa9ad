/*
 * view_nodes_state.c - where a zone or a node stands against its
 * watermarks, as the kernel's zone_watermark_ok() checks them with the
 * zone's lowmem_reserve (protection), and its headroom. A zone is taken
 * for the allocations whose highest zone it is itself, a node for those
 * that may use all its zones. doc/formulas.md; see view_nodes.h.
 */
#include "view_nodes.h"

#include "kmemtop/frag.h"
#include "kmemtop/sat.h"

static bool populated(const struct km_zone *z)
{
    int64_t managed = KM_IS_NA(z->managed) ? z->present : z->managed;
    return KM_IS_NA(managed) || managed > 0;
}

/*
 * lowmem_reserve for an allocation whose highest zone is z itself: the
 * entry at z's own index (its place in the node when the kernel printed
 * every zone, 4.14+), which the kernel keeps at 0; 0 when the index is
 * not known.
 */
static int64_t reserve_own(const struct km_vctx *c, const struct km_zone *z)
{
    const struct km_zoneinfo *zi = &c->s->zi;
    int pos = -1, cnt = 0;
    for (size_t i = 0; i < zi->nzones; i++)
        if (zi->zones[i].node == z->node) {
            if (&zi->zones[i] == z)
                pos = cnt;
            cnt++;
        }
    if (cnt != z->nprotection || pos < 0 || KM_IS_NA(z->protection[pos]))
        return 0;
    return z->protection[pos];
}

/*
 * lowmem_reserve for an allocation that may use every zone of the node
 * (its highest is the node's highest populated zone): the last entry, as
 * the zones above the highest populated one add no pages to the reserve.
 */
static int64_t reserve_top(const struct km_zone *z)
{
    if (z->nprotection <= 0 || KM_IS_NA(z->protection[z->nprotection - 1]))
        return 0;
    return z->protection[z->nprotection - 1];
}

enum km_wm_state km_nodes_zone_state(const struct km_vctx *c, const struct km_zone *z)
{
    return km_zone_wm_state_res(z, reserve_own(c, z));
}

/*
 * A node's state for an allocation that may use all its zones: the kernel
 * takes it from the first zone of the zonelist that passes the check, so
 * the node stands where its best zone does (each with its reserve for that
 * allocation); empty when no zone has memory, unknown without zones.
 */
enum km_wm_state km_nodes_node_state(const struct km_vctx *c, int node)
{
    enum km_wm_state best = KM_WM_UNKNOWN;
    bool empty = false;
    for (size_t i = 0; i < c->s->zi.nzones; i++) {
        const struct km_zone *z = &c->s->zi.zones[i];
        if (z->node != node)
            continue;
        enum km_wm_state st = km_zone_wm_state_res(z, reserve_top(z));
        if (st == KM_WM_EMPTY)
            empty = true;
        else if (st != KM_WM_UNKNOWN && (best == KM_WM_UNKNOWN || st < best))
            best = st;
    }
    return best == KM_WM_UNKNOWN && empty ? KM_WM_EMPTY : best;
}

/* free - low - reserve, pages; KM_NA for an empty zone or without the figures. */
static int64_t zone_headroom(const struct km_zone *z, int64_t reserve)
{
    if (!populated(z) || KM_IS_NA(z->free) || KM_IS_NA(z->low))
        return KM_NA;
    return km_sat_add(z->free, -km_sat_add(z->low, reserve));
}

/*
 * A node's headroom for an allocation that may use all its zones: what
 * its zones can give before each fails the low watermark with its
 * reserve (the sum of the positive headrooms); when none can, the
 * least negative one. Pages; KM_NA without zones.
 */
static int64_t node_headroom(const struct km_vctx *c, int node)
{
    int64_t sum = KM_NA, best = KM_NA;
    for (size_t i = 0; i < c->s->zi.nzones; i++) {
        const struct km_zone *z = &c->s->zi.zones[i];
        int64_t h = z->node == node ? zone_headroom(z, reserve_top(z)) : KM_NA;
        if (KM_IS_NA(h))
            continue;
        if (h > 0)
            km_sat_acc(&sum, h);
        if (KM_IS_NA(best) || h > best)
            best = h;
    }
    return KM_IS_NA(sum) ? best : sum;
}

const char *km_nodes_state_name(const struct km_vctx *c, const struct km_zone *z, int node)
{
    return km_wm_state_name(z ? km_nodes_zone_state(c, z) : km_nodes_node_state(c, node));
}

int64_t km_nodes_headroom(const struct km_vctx *c, const struct km_zone *z, int node)
{
    return z ? zone_headroom(z, reserve_own(c, z)) : node_headroom(c, node);
}
