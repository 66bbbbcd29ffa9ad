/* kv_same.h - whether two parsed key/value lists (zoneinfo's, vmstat's) hold the same items. */
#ifndef KMEMTOP_TEST_KV_SAME_H
#define KMEMTOP_TEST_KV_SAME_H

#include "kmemtop/zoneinfo.h"

#include <stdbool.h>
#include <string.h>

static inline bool kv_same(const struct km_kvlist *a, const struct km_kvlist *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i].key, b->v[i].key) != 0 || a->v[i].val != b->v[i].val)
            return false;
    return true;
}

#endif
