/* fuzz_distance.c - libFuzzer target: km_parse_distance (sysfs nodeN/distance). */
#include "fz_node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_node(data, size, km_parse_distance);
    return 0;
}
