/* fuzz_pagetypeinfo.c - libFuzzer target: km_parse_pagetypeinfo (/proc/pagetypeinfo). */
#include "kmemtop/pagetypeinfo.h"

#include "fz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    struct km_pagetypeinfo pt;
    struct km_perr pe = {.line = -1};
    int rc = km_parse_pagetypeinfo(p, size, &pt, &pe);
    fz_check_perr(rc, &pe, p, size);
    if (rc)
        return 0;
    FZ_CHECK(pt.ntypes >= 0 && pt.ntypes <= KM_MAX_MT, "ntypes %d", pt.ntypes);
    FZ_CHECK(pt.norders >= 0 && pt.norders <= KM_MAX_ORDERS, "norders %d", pt.norders);
    for (int t = 0; t < pt.ntypes; t++)
        FZ_CHECK(fz_cstr_ok(pt.types[t], KM_MT_NAME), "type %d name", t);
    for (size_t i = 0; i < pt.nfree; i++) {
        const struct km_pti_free *f = &pt.free[i];
        FZ_CHECK(f->norders >= 1 && f->norders <= pt.norders, "free row %zu: norders %d", i,
                 f->norders);
        FZ_CHECK(fz_cstr_ok(f->type, KM_MT_NAME) && fz_cstr_ok(f->zone, KM_ZONE_NAME),
                 "free row %zu: names", i);
    }
    for (size_t i = 0; i < pt.nblocks; i++)
        FZ_CHECK(fz_cstr_ok(pt.blocks[i].zone, KM_ZONE_NAME), "block row %zu: zone", i);
    km_pagetypeinfo_free(&pt);
    return 0;
}
