/* fuzz_meminfo_text.c - libFuzzer target: km_parse_meminfo, kmemtop's own /proc/meminfo parser. */
#include "kmemtop/proctext.h"

#include "fz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    struct km_meminfo m;
    struct km_perr pe = {0};
    int rc = km_parse_meminfo(p, size, &m, &pe);
    fz_check_perr(rc, &pe, p, size);
    FZ_CHECK(pe.skipped >= 0 && pe.skipped <= fz_count_lines(p, size), "skipped %d", pe.skipped);
    if (rc)
        return 0;
    FZ_CHECK(m.mem_total >= 0, "MemTotal %lld", (long long)m.mem_total);
    FZ_CHECK(KM_IS_NA(m.mem_available) || m.mem_available >= 0, "MemAvailable negative");
    FZ_CHECK(m.mem_total % 1024 == 0, "MemTotal not whole KiB");
    return 0;
}
