/*
 * fuzz_slab_nodes.c - libFuzzer target: km_parse_slab_nodes (a sysfs slab
 * count with its per-node tail, "1360 N0=878 N1=482"), on an exactly sized
 * NUL-terminated copy, into arrays of exactly 1 to 4 pairs.
 */
#include "kmemtop/slabinfo.h"

#include <errno.h>

#include "fz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    for (int max = 1; max <= 4; max++) {
        struct km_slab_node *out = malloc((size_t)max * sizeof(*out));
        int64_t total = KM_NA;
        int rc = km_parse_slab_nodes(s, &total, out, max);
        FZ_CHECK(rc == -EINVAL || (rc >= 0 && rc <= max), "returned %d for %d pairs", rc, max);
        free(out);
    }
    free(s);
    return 0;
}
