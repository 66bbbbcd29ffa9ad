/* fuzz_node_meminfo.c - libFuzzer target: km_parse_node_meminfo (sysfs nodeN/meminfo). */
#include "fz_node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_node(data, size, km_parse_node_meminfo);
    return 0;
}
