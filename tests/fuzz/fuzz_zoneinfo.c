/*
 * fuzz_zoneinfo.c - libFuzzer target: km_parse_zoneinfo (/proc/zoneinfo) and its lookups; and
 * the same input parsed a line per piece (as km_read_stream hands the live file on), which
 * must give the same zones, nodes and errors.
 */
#include "kmemtop/zoneinfo.h"

#include "fz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    struct km_zoneinfo zi;
    struct km_perr pe = {.line = -1};
    int rc = km_parse_zoneinfo(p, size, &zi, &pe);
    fz_check_perr(rc, &pe, p, size);
    struct km_zoneinfo part;
    struct km_perr pe2 = {.line = -1};
    struct km_zi_parse *zp = km_zi_parse_begin(&part, &pe2);
    for (size_t at = 0; at < size;) {
        const char *nl = memchr(p + at, '\n', size - at);
        size_t end = nl ? (size_t)(nl - p) + 1 : size;
        km_zi_parse_feed(zp, p + at, end - at);
        at = end;
    }
    int rc2 = km_zi_parse_end(zp);
    FZ_CHECK(rc2 == rc && pe2.skipped == pe.skipped && pe2.line == pe.line,
             "in pieces: rc %d, %d skipped, line %d; whole %d, %d, %d", rc2, pe2.skipped,
             pe2.line, rc, pe.skipped, pe.line);
    if (rc2 == 0) {
        FZ_CHECK(part.nzones == zi.nzones && part.nnodes == zi.nnodes,
                 "in pieces: %zu zones, %zu nodes; whole %zu, %zu", part.nzones, part.nnodes,
                 zi.nzones, zi.nnodes);
        for (size_t i = 0; i < zi.nzones; i++)
            FZ_CHECK(part.zones[i].free == zi.zones[i].free &&
                         part.zones[i].stats.n == zi.zones[i].stats.n &&
                         part.zones[i].ncpus == zi.zones[i].ncpus,
                     "in pieces: zone %zu differs", i);
        km_zoneinfo_free(&part);
    }
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
