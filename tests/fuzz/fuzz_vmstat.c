/* fuzz_vmstat.c - libFuzzer target: km_parse_vmstat (/proc/vmstat). */
#include "kmemtop/vmstat.h"

#include "fz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    struct km_vmstat v = {0};
    struct km_perr pe = {0};
    int rc = km_parse_vmstat(p, size, &v, &pe);
    fz_check_perr(rc, &pe, p, size);
    if (rc == 0)
        km_vmstat_free(&v);
    return 0;
}
