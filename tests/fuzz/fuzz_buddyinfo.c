/* fuzz_buddyinfo.c - libFuzzer target: km_parse_buddyinfo (/proc/buddyinfo). */
#include "kmemtop/buddyinfo.h"

#include "fz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    struct km_buddyinfo bi;
    struct km_perr pe = {.line = -1};
    int rc = km_parse_buddyinfo(p, size, &bi, &pe);
    fz_check_perr(rc, &pe, p, size);
    if (rc)
        return 0;
    FZ_CHECK(bi.norders >= 0 && bi.norders <= KM_MAX_ORDERS, "norders %d", bi.norders);
    for (size_t i = 0; i < bi.n; i++) {
        const struct km_buddy_zone *z = &bi.zones[i];
        FZ_CHECK(fz_cstr_ok(z->zone, sizeof(z->zone)), "row %zu: zone name", i);
        FZ_CHECK(z->norders >= 1 && z->norders <= bi.norders, "row %zu: norders %d", i, z->norders);
    }
    km_buddyinfo_free(&bi);
    return 0;
}
