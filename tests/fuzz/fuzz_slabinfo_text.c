/* fuzz_slabinfo_text.c - libFuzzer target: km_parse_slabinfo, kmemtop's own /proc/slabinfo parser. */
#include "kmemtop/proctext.h"

#include "fz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    struct km_slabs s;
    struct km_perr pe = {0};
    /* the page size from the first byte: every size a kernel has, 4 KiB to 256 KiB */
    long ps = 4096L << (size ? data[0] % 7 : 0);
    int rc = km_parse_slabinfo(p, size, ps, &s, &pe);
    fz_check_perr(rc, &pe, p, size);
    FZ_CHECK(pe.skipped >= 0 && pe.skipped <= fz_count_lines(p, size), "skipped %d", pe.skipped);
    if (rc)
        return 0;
    for (size_t i = 0; i < s.n; i++) {
        const struct km_slab *c = &s.slabs[i];
        FZ_CHECK(fz_cstr_ok(c->name, sizeof(c->name)), "cache %zu: name", i);
        FZ_CHECK(c->num_objs >= 0 && c->num_objs <= UINT32_MAX, "cache %zu: objects", i);
        FZ_CHECK(KM_IS_NA(c->footprint) || c->footprint == c->num_slabs * c->pages_per_slab * ps,
                 "cache %zu: footprint", i);
        FZ_CHECK(c->ordinal >= 0 && (size_t)c->ordinal <= i, "cache %zu: ordinal %d", i, c->ordinal);
    }
    km_slabs_free(&s);
    return 0;
}
