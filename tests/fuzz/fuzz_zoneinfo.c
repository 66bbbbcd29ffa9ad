/* fuzz_zoneinfo.c - libFuzzer target: km_parse_zoneinfo (/proc/zoneinfo) and its lookups. */
#include "kmemtop/zoneinfo.h"

#include "fz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    struct km_zoneinfo zi;
    struct km_perr pe = {.line = -1};
    int rc = km_parse_zoneinfo(p, size, &zi, &pe);
    fz_check_perr(rc, &pe, p, size);
    if (rc)
        return 0;
    for (size_t i = 0; i < zi.nzones; i++) {
        const struct km_zone *z = &zi.zones[i];
        FZ_CHECK(fz_cstr_ok(z->zone, KM_ZONE_NAME), "zone %zu: name", i);
        FZ_CHECK(z->nprotection >= 0 && z->nprotection <= KM_MAX_ZONES_PROT,
                 "zone %zu: nprotection %d", i, z->nprotection);
        FZ_CHECK(z->ncpus >= 0, "zone %zu: ncpus %d", i, z->ncpus);
        FZ_CHECK(z->stats.n <= z->stats.cap, "zone %zu: %zu stats in %zu", i, z->stats.n,
                 z->stats.cap);
        for (size_t k = 0; k < z->stats.n; k++)
            FZ_CHECK(fz_cstr_ok(z->stats.v[k].key, KM_KEY_LEN), "zone %zu stat %zu: key", i, k);
        /* the lookups a view makes */
        (void)km_zoneinfo_node_stat(&zi, z->node, "nr_free_pages");
        (void)km_zoneinfo_node_stat(&zi, z->node, "pages free");
        (void)km_zoneinfo_node_stat(&zi, z->node, "nr_slab_unreclaimable");
    }
    for (size_t i = 0; i < zi.nnodes; i++)
        for (size_t k = 0; k < zi.nodes[i].stats.n; k++)
            FZ_CHECK(fz_cstr_ok(zi.nodes[i].stats.v[k].key, KM_KEY_LEN), "node %zu stat %zu", i, k);
    km_zoneinfo_free(&zi);
    return 0;
}
