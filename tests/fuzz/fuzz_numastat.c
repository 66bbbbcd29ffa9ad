/* fuzz_numastat.c - libFuzzer target: km_parse_numastat (sysfs nodeN/numastat). */
#include "fz_node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_node(data, size, km_parse_numastat);
    return 0;
}
