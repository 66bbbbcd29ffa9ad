/*
 * fuzz_idlist.c - libFuzzer target: km_parse_idlist (sysfs id lists such as
 * node/online, nodeN/cpulist), into masks of several widths, each allocated
 * exactly: the count returned must be the bits set, none beyond the width.
 */
#include "fz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int widths[] = {1, 63, 64, 65, 256, 1024};
    const char *p = (const char *)data;
    for (size_t w = 0; w < KM_ARRAY_LEN(widths); w++) {
        int nbits = widths[w];
        size_t words = ((size_t)nbits + 63) / 64;
        uint64_t *mask = calloc(words, sizeof(*mask));
        int rc = km_parse_idlist(p, size, mask, nbits);
        if (rc < 0) {
            FZ_CHECK(rc >= -4095, "returned %d", rc);
        } else {
            int pop = 0;
            for (size_t k = 0; k < words; k++)
                pop += __builtin_popcountll(mask[k]);
            FZ_CHECK(pop == rc, "returned %d ids, %d bits set", rc, pop);
            FZ_CHECK(nbits % 64 == 0 || !(mask[words - 1] >> (nbits % 64)), "bit beyond %d set",
                     nbits);
        }
        free(mask);
    }
    return 0;
}
