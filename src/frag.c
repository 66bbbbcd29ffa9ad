/* frag.c - buddy fragmentation, watermark state, NUMA local share. See frag.h. */
#include "kmemtop/frag.h"
#include "kmemtop/sat.h"

#include <errno.h>
#include <math.h>

static bool counts_ok(const int64_t *free, int norders)
{
    if (!free || norders <= 0 || norders > 63)
        return false;
    for (int k = 0; k < norders; k++)
        if (KM_IS_NA(free[k]) || free[k] < 0)
            return false;
    return true;
}

static bool order_ok(const int64_t *free, int norders, int order)
{
    return counts_ok(free, norders) && order >= 0 && order < norders;
}

int64_t km_frag_free_pages(const int64_t *free, int norders)
{
    return km_frag_suitable_pages(free, norders, 0);
}

/* km_frag_suitable_pages of counts already checked (counts_ok) and order >= 0 */
static int64_t suitable(const int64_t *free, int norders, int order)
{
    uint64_t pages = 0;
    for (int k = order; k < norders; k++) {
        /* saturate: no real zone comes near, and the index's "x 1000" stays in range */
        if (k >= 53 || (uint64_t)free[k] > ((uint64_t)KM_FRAG_MAX_PAGES >> k))
            return KM_FRAG_MAX_PAGES;
        pages += (uint64_t)free[k] << k;
        if (pages >= (uint64_t)KM_FRAG_MAX_PAGES)
            return KM_FRAG_MAX_PAGES;
    }
    return (int64_t)pages;
}

int64_t km_frag_suitable_pages(const int64_t *free, int norders, int order)
{
    if (!counts_ok(free, norders) || order < 0)
        return KM_NA;
    return suitable(free, norders, order);
}

int km_frag_unusable_milli(const int64_t *free, int norders, int order)
{
    if (!order_ok(free, norders, order))
        return -EINVAL;
    /* order_ok checked the counts once: not again for each sum */
    uint64_t total = (uint64_t)suitable(free, norders, 0);
    if (total == 0)
        return 1000; /* the kernel: no free memory means all of it is unusable */
    uint64_t fit = (uint64_t)suitable(free, norders, order);
    return (int)((total - fit) * 1000u / total); /* truncated, like div_u64 */
}

double km_frag_unusable(const int64_t *free, int norders, int order)
{
    int m = km_frag_unusable_milli(free, norders, order);
    return m < 0 ? NAN : m / 1000.0;
}

int km_frag_index_milli(const int64_t *free, int norders, int order)
{
    if (!order_ok(free, norders, order))
        return -EINVAL;
    uint64_t blocks = 0;
    for (int k = 0; k < norders; k++)
        blocks += (uint64_t)free[k];
    if (blocks == 0)
        return 0;
    if (km_frag_can_alloc(free, norders, order))
        return -1000;
    uint64_t total = (uint64_t)km_frag_free_pages(free, norders);
    uint64_t requested = (uint64_t)1 << order;
    return 1000 - (int)((1000u + total * 1000u / requested) / blocks);
}

int km_frag_can_alloc(const int64_t *free, int norders, int order)
{
    if (!order_ok(free, norders, order))
        return -EINVAL;
    for (int k = order; k < norders; k++)
        if (free[k] > 0)
            return 1;
    return 0;
}

int km_frag_largest_order(const int64_t *free, int norders)
{
    if (!counts_ok(free, norders))
        return -1;
    for (int k = norders - 1; k >= 0; k--)
        if (free[k] > 0)
            return k;
    return -1;
}

enum km_wm_state km_wm_state_res(int64_t free, int64_t min, int64_t low, int64_t high,
                                 int64_t managed, int64_t reserve)
{
    if (!KM_IS_NA(managed) && managed == 0)
        return KM_WM_EMPTY;
    if (KM_IS_NA(free) || KM_IS_NA(min) || KM_IS_NA(low) || KM_IS_NA(high))
        return KM_WM_UNKNOWN;
    int64_t r = KM_IS_NA(reserve) || reserve < 0 ? 0 : reserve;
    /* as zone_watermark_ok(): met only when free exceeds mark + reserve */
    if (free > km_sat_add(high, r))
        return KM_WM_OK;
    if (free > km_sat_add(low, r))
        return KM_WM_BELOW_HIGH;
    if (free > km_sat_add(min, r))
        return KM_WM_BELOW_LOW;
    return KM_WM_BELOW_MIN;
}

enum km_wm_state km_wm_state(int64_t free, int64_t min, int64_t low, int64_t high, int64_t managed)
{
    return km_wm_state_res(free, min, low, high, managed, 0);
}

enum km_wm_state km_zone_wm_state_res(const struct km_zone *z, int64_t reserve)
{
    int64_t managed = KM_IS_NA(z->managed) ? z->present : z->managed;
    return km_wm_state_res(z->free, z->min, z->low, z->high, managed, reserve);
}

enum km_wm_state km_zone_wm_state(const struct km_zone *z)
{
    return km_zone_wm_state_res(z, 0);
}

const char *km_wm_state_name(enum km_wm_state st)
{
    switch (st) {
    case KM_WM_OK:
        return "ok";
    case KM_WM_BELOW_HIGH:
        return "below_high";
    case KM_WM_BELOW_LOW:
        return "below_low";
    case KM_WM_BELOW_MIN:
        return "below_min";
    case KM_WM_EMPTY:
        return "empty";
    case KM_WM_UNKNOWN:
        break;
    }
    return NULL;
}

enum km_wm_state km_wm_worse(enum km_wm_state a, enum km_wm_state b)
{
    /* a zone without memory says nothing about pressure */
    if (a == KM_WM_EMPTY || a == KM_WM_UNKNOWN)
        return b == KM_WM_UNKNOWN ? a : b;
    if (b == KM_WM_EMPTY || b == KM_WM_UNKNOWN)
        return a;
    return a > b ? a : b;
}

double km_local_share(double local, double other)
{
    if (isnan(local) || isnan(other) || local < 0 || other < 0 || local + other <= 0)
        return NAN;
    return local / (local + other);
}

double km_local_share_i64(int64_t local, int64_t other)
{
    if (KM_IS_NA(local) || KM_IS_NA(other))
        return NAN;
    return km_local_share((double)local, (double)other);
}
