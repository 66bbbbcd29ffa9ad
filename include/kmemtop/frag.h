/*
 * frag.h - figures derived from the buddy free lists, the zone watermarks
 * and the NUMA counters: the kernel's unusable free space index and
 * fragmentation index per order, whether an order-N allocation can be
 * served now, the largest free order, a zone's watermark state and a
 * node's local allocation share.
 *
 * Everything here is pure: no I/O, no globals, no allocation. Block counts
 * are the buddy free lists of one zone (free[k] = free blocks of 2^k pages,
 * order 0 first, as /proc/buddyinfo prints them). Absent inputs (KM_NA, NAN)
 * give absent outputs (KM_NA, NAN, KM_WM_UNKNOWN); a bad order gives
 * -EINVAL. Every formula is written out in doc/formulas.md.
 */
#ifndef KMEMTOP_FRAG_H
#define KMEMTOP_FRAG_H

#include "kmemtop/zoneinfo.h"

/* The order the buddy view summarises when the user chose none (8 pages: networking). */
#define KM_FRAG_DEFAULT_ORDER 3

/* Free pages on the lists: sum of free[k] << k (pages). KM_NA if any count is. */
/* Sums of pages saturate here (2^53: far beyond any machine), so that no formula overflows. */
#define KM_FRAG_MAX_PAGES ((int64_t)1 << 53)
int64_t km_frag_free_pages(const int64_t *free, int norders);
/* Free pages in blocks of at least `order`: sum over k >= order of free[k] << k (pages). */
int64_t km_frag_suitable_pages(const int64_t *free, int norders, int order);

/*
 * The unusable free space index for `order`, in thousandths, exactly as the
 * kernel computes it for debugfs extfrag/unusable_index (mm/vmstat.c,
 * unusable_free_index): (free - suitable) * 1000 / free, truncated; 1000
 * when the zone has no free page at all ("no free memory is unusable").
 * 0 = every free page can serve the order, 1000 = none can. Returns 0..1000,
 * -EINVAL for an order outside 0..norders-1 or absent counts.
 */
int km_frag_unusable_milli(const int64_t *free, int norders, int order);
/* The same as a fraction 0..1 (the kernel's printed "0.123"); NAN on error. */
double km_frag_unusable(const int64_t *free, int norders, int order);

/*
 * The kernel's fragmentation index for `order` in thousandths
 * (__fragmentation_index): -1000 when an order-N allocation would succeed,
 * 0 when there is no free block, otherwise
 * 1000 - (1000 + free * 1000 / 2^order) / total_blocks (integer division):
 * near 0 the failure is lack of memory, near 1000 it is fragmentation.
 * -EINVAL (which is < -1000) for a bad order.
 */
int km_frag_index_milli(const int64_t *free, int norders, int order);

/* Whether a free block of `order` or larger exists (0/1), -EINVAL for a bad order. */
int km_frag_can_alloc(const int64_t *free, int norders, int order);
/* The largest order with a free block, -1 when the lists are empty. */
int km_frag_largest_order(const int64_t *free, int norders);

/*
 * Where a zone's free pages stand against its watermarks, as the kernel's
 * zone_watermark_ok() checks them: a watermark is met when free pages
 * exceed it plus the zone's lowmem_reserve (protection) for the
 * allocation's highest usable zone. Ordered by severity; R is that reserve.
 */
enum km_wm_state {
    KM_WM_UNKNOWN = 0, /* free or a watermark absent */
    KM_WM_OK,          /* free > high + R */
    KM_WM_BELOW_HIGH,  /* low + R < free <= high + R: kswapd, once woken, keeps reclaiming */
    KM_WM_BELOW_LOW,   /* min + R < free <= low + R: kswapd is woken */
    KM_WM_BELOW_MIN,   /* free <= min + R: allocations reclaim directly */
    KM_WM_EMPTY,       /* no managed pages: the zone holds no memory */
};
/* All in pages; managed may be KM_NA (then only free and the watermarks decide). R = 0. */
enum km_wm_state km_wm_state(int64_t free, int64_t min, int64_t low, int64_t high, int64_t managed);
/* The same with the reserve R (pages; KM_NA counts as 0). */
enum km_wm_state km_wm_state_res(int64_t free, int64_t min, int64_t low, int64_t high,
                                 int64_t managed, int64_t reserve);
/* The state of a zoneinfo record (managed, else present when managed is absent), R = 0. */
enum km_wm_state km_zone_wm_state(const struct km_zone *z);
/* The same for an allocation that the zone's protection[] holds back `reserve` pages from. */
enum km_wm_state km_zone_wm_state_res(const struct km_zone *z, int64_t reserve);
/* "ok", "below_high", "below_low", "below_min", "empty"; NULL for KM_WM_UNKNOWN. */
const char *km_wm_state_name(enum km_wm_state st);
/* The worse of two states for a node: below_min > below_low > below_high > ok; empty and unknown
 * lose. */
enum km_wm_state km_wm_worse(enum km_wm_state a, enum km_wm_state b);

/*
 * local_node / (local_node + other_node) as a fraction 0..1: the share of
 * allocations by this node's CPUs served from this node. Works on counters
 * (events) or on rates (events/s). NAN when either is absent or both are 0.
 */
double km_local_share(double local, double other);
/* The same over int64 counters, KM_NA-aware. */
double km_local_share_i64(int64_t local, int64_t other);

#endif
