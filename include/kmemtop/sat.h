/*
 * sat.h - saturating arithmetic on kernel figures, and the ranges a kernel
 * can print for them.
 *
 * Values come from files anyone can hand kmemtop (a capture tree), so no
 * product, sum or shift of them may overflow. The helpers here take KM_NA
 * as "absent" (the result is then KM_NA) and stick at +-INT64_MAX instead of
 * wrapping; they never return KM_NA (INT64_MIN) for present inputs, so a
 * saturated figure is never mistaken for an absent one. A figure that
 * saturates shows as 8.00E: an impossible value, visibly so.
 *
 * The limits are what every kernel from 2.6 to today stays within, with a
 * wide margin: parsers refuse values outside them, so that what the views
 * compute from a real file never saturates.
 */
#ifndef KMEMTOP_SAT_H
#define KMEMTOP_SAT_H

#include "kmemtop/util.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

/* Page sizes of Linux: a power of two from 4 KiB (x86) to 256 KiB (hexagon, ppc44x). */
#define KM_PAGE_SIZE_MIN 4096L
#define KM_PAGE_SIZE_MAX 262144L
#define KM_PAGE_SHIFT_MAX 18
/* Pageblock and allocation orders of every kernel are below this (arm64 4K: 15 at most). */
#define KM_ORDER_LIMIT 16
/* A count of pages whose bytes fit int64 at the largest page size (2^45 - 1: 8 EiB). */
#define KM_PAGES_MAX (INT64_MAX >> KM_PAGE_SHIFT_MAX)
/* An uptime beyond this (about 100 years) is not a kernel's. */
#define KM_SECONDS_MAX (100.0 * 365.25 * 86400)
/* A capture time (seconds since the epoch) is above 0 and below 2^40 (the year 36812). */
#define KM_EPOCH_MAX 1099511627776.0

/* A page size as a kernel can have it: a power of two from 4 KiB to 256 KiB. */
static inline bool km_page_size_ok(long ps)
{
    return ps >= KM_PAGE_SIZE_MIN && ps <= KM_PAGE_SIZE_MAX && (ps & (ps - 1)) == 0;
}

/*
 * A free-list count of blocks of 2^order pages whose bytes fit int64 at the
 * largest page size: count * 256 KiB * 2^order <= INT64_MAX.
 */
static inline bool km_blocks_ok(uint64_t count, int order)
{
    return order >= 0 && order < 63 - KM_PAGE_SHIFT_MAX &&
           count <= (uint64_t)(INT64_MAX >> (KM_PAGE_SHIFT_MAX + order));
}

/* A duration in seconds a kernel can report (uptime): finite, >= 0, below ~100 years. */
static inline bool km_seconds_ok(double s)
{
    return isfinite(s) && s >= 0 && s < KM_SECONDS_MAX;
}

/* A capture time a clock can have given: finite, 0 < t < 2^40. */
static inline bool km_epoch_ok(double t)
{
    return isfinite(t) && t > 0 && t < KM_EPOCH_MAX;
}

static inline int64_t km_sat_clamp(bool negative)
{
    return negative ? -INT64_MAX : INT64_MAX;
}

/* a + b, saturating; KM_NA when either is. */
static inline int64_t km_sat_add(int64_t a, int64_t b)
{
    int64_t r;
    if (KM_IS_NA(a) || KM_IS_NA(b))
        return KM_NA;
    if (__builtin_add_overflow(a, b, &r) || r == KM_NA)
        return km_sat_clamp(b < 0);
    return r;
}

/* a * b, saturating; KM_NA when either is. */
static inline int64_t km_sat_mul(int64_t a, int64_t b)
{
    int64_t r;
    if (KM_IS_NA(a) || KM_IS_NA(b))
        return KM_NA;
    if (__builtin_mul_overflow(a, b, &r) || r == KM_NA)
        return km_sat_clamp((a < 0) != (b < 0));
    return r;
}

/* v * 2^k for any k (k < 0: 0), saturating; KM_NA when v is. */
static inline int64_t km_sat_shl(int64_t v, int k)
{
    if (KM_IS_NA(v) || v == 0 || k < 0)
        return KM_IS_NA(v) ? KM_NA : 0;
    if (k >= 63)
        return km_sat_clamp(v < 0);
    return km_sat_mul(v, (int64_t)1 << k);
}

/* *acc += v where v is present, saturating: for sums that skip absent terms. */
static inline void km_sat_acc(int64_t *acc, int64_t v)
{
    if (!KM_IS_NA(v))
        *acc = km_sat_add(KM_IS_NA(*acc) ? 0 : *acc, v);
}

#endif
