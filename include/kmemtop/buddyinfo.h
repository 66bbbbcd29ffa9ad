/*
 * buddyinfo.h - parser for /proc/buddyinfo.
 *
 * One row per populated zone: free blocks per order, order 0 first. The
 * number of orders is whatever the line carries (11 on x86, 14 on arm64
 * with 64K pages, 9 on ppc64/64K), up to KM_MAX_ORDERS.
 * km_parse_buddyinfo is pure; *out owns its memory (km_buddyinfo_free).
 * A row it cannot read is left out and counted in err (km_perr: skipped,
 * skip_line, skip_msg); returns 0, or -EINVAL with err set when no row at
 * all could be read.
 */
#ifndef KMEMTOP_BUDDYINFO_H
#define KMEMTOP_BUDDYINFO_H

#include "kmemtop/util.h"

#define KM_MAX_ORDERS 20
#define KM_ZONE_NAME 16

struct km_buddy_zone {
    int node;
    char zone[KM_ZONE_NAME];
    int norders;
    int64_t free[KM_MAX_ORDERS]; /* blocks of 2^order pages */
    double rate[KM_MAX_ORDERS];  /* blocks/s against the previous sample; NAN on the first */
};

struct km_buddyinfo {
    size_t n;
    struct km_buddy_zone *zones;
    int norders; /* the largest norders of any row */
};

int km_parse_buddyinfo(const char *buf, size_t len, struct km_buddyinfo *out,
                       struct km_perr *err);
void km_buddyinfo_free(struct km_buddyinfo *bi);

#endif
