/* test_zoneinfo.c - /proc/zoneinfo parser on fixtures of every layout and edge cases. */
#include "kmemtop/zoneinfo.h"

#include <stddef.h>

#include "kv_same.h"

#include <errno.h>

#include "../tap.h"

static int parse(const char *b, size_t n, void *out, struct km_perr *pe)
{
    return km_parse_zoneinfo(b, n, out, pe);
}

static void release(void *out)
{
    km_zoneinfo_free(out);
}

static int parse_str(const char *s, struct km_zoneinfo *zi, struct km_perr *pe)
{
    return tap_parse_str(parse, s, zi, pe);
}

static int parse_fixture(const char *rel, struct km_zoneinfo *zi)
{
    return tap_parse_fixture(parse, rel, zi, NULL);
}

/* A line it cannot read is left out and counted; the zone stays. */
static const struct tap_case skipped_lines[] = {
    {"> 2^64", "Node 0, zone DMA\n  pages free 1\n    nr_x 18446744073709551616\n", 0, 3},
    {"extra column", "Node 0, zone DMA\n  pages free 1 2\n", 0, 2},
    {"truncated value", "Node 0, zone DMA\n  pages free\n", 0, 2},
    {"garbage value", "Node 0, zone DMA\n  pages free x\n", 0, 2},
    {"value without a name", "Node 0, zone DMA\n 12\n", 0, 2},
    {"bad protection", "Node 0, zone DMA\n protection: (0, x)\n", 0, 2},
    {"unclosed protection", "Node 0, zone DMA\n protection: (0, 1\n", 0, 2},
    {"9 protection entries", "Node 0, zone DMA\n protection: (0,0,0,0,0,0,0,0,0)\n", 0, 2},
    {"key before any zone", "  pages free 1\nNode 0, zone DMA\n", 0, 1},
};

static void zone_kept(const struct tap_case *c, int rc, void *out)
{
    const struct km_zoneinfo *zi = out;
    char name[160];
    snprintf(name, sizeof(name), "%s: the zone kept", c->name);
    ok(rc == 0 && zi->nzones == 1, name);
    snprintf(name, sizeof(name), "%s: no protection entries from the line left out", c->name);
    ok(rc == 0 && zi->nzones == 1 && zi->zones[0].nprotection == 0, name);
}

/* Nothing usable: an error naming the first line. */
static const struct tap_case bad_files[] = {
    {"only a key, no zone: error", "  pages free 1\n", -EINVAL, 1},
    {"node without comma: error", "Node 0 zone DMA\n", -EINVAL, 1},
};

static const struct km_zone *zone(const struct km_zoneinfo *zi, int node, const char *name)
{
    for (size_t i = 0; i < zi->nzones; i++)
        if (zi->zones[i].node == node && !strcmp(zi->zones[i].zone, name))
            return &zi->zones[i];
    return NULL;
}

/* 2.6.16: no managed, hot/cold pagesets per CPU, "scanned 0 (a: 0 i: 0)" */
static void fixture_26(void)
{
    struct km_zoneinfo zi;
    is_int(parse_fixture("sep4020-2.6/proc/zoneinfo", &zi), 0, "2.6: parses");
    is_int(zi.nzones, 1, "2.6: one zone");
    is_int(zi.nnodes, 1, "2.6: one node");
    const struct km_zone *z = zone(&zi, 0, "DMA");
    ok(z != NULL, "2.6: node 0 DMA");
    if (z) {
        is_int(z->free, 5410, "2.6: free");
        is_int(z->min, 181, "2.6: min");
        is_int(z->high, 271, "2.6: high watermark");
        is_int(z->spanned, 8192, "2.6: spanned");
        is_int(z->managed, KM_NA, "2.6: managed absent");
        is_int(z->boost, KM_NA, "2.6: boost absent");
        is_int(z->nprotection, 4, "2.6: 4 protection entries");
        is_int(z->protection[3], 0, "2.6: protection[3]");
        is_int(z->ncpus, 1, "2.6: hot and cold pagesets of one CPU");
        is_int(z->pcp_count, 2, "2.6: pcp count 2+0");
        is_int(z->start_pfn, 196608, "2.6: start_pfn");
        is_int(km_kv_get(&z->stats, "scanned"), 0, "2.6: scanned kept");
        is_int(km_kv_get(&z->stats, "active"), 367, "2.6: active kept");
        is_int(km_kv_get(&z->stats, "prev_priority"), 12, "2.6: prev_priority kept");
    }
    km_zoneinfo_free(&zi);
}

/* 3.10: zone-level counters, 32 CPUs, "vm stats threshold" per CPU */
static void fixture_310(void)
{
    struct km_zoneinfo zi;
    is_int(parse_fixture("pcp-xeon-2node/proc/zoneinfo", &zi), 0, "3.10: parses");
    is_int(zi.nzones, 4, "3.10: 4 zones");
    is_int(zi.nnodes, 2, "3.10: 2 nodes");
    const struct km_zone *z = zone(&zi, 0, "DMA");
    ok(z != NULL, "3.10: node 0 DMA");
    if (z) {
        is_int(z->free, 3830, "3.10: DMA free");
        is_int(z->managed, 3974, "3.10: DMA managed");
        is_int(z->nprotection, 4, "3.10: 4 protection entries");
        is_int(z->protection[2], 64216, "3.10: protection[2]");
        is_int(z->ncpus, 32, "3.10: 32 CPUs");
        is_int(z->pcp_count, 0, "3.10: DMA pcp 0 (present, not absent)");
        is_int(z->node_unreclaimable, KM_NA, "3.10: node_unreclaimable absent");
        is_int(km_kv_get(&z->stats, "vm stats threshold"), 12, "3.10: threshold kept");
        is_int(km_kv_get(&z->stats, "inactive_ratio"), 1, "3.10: inactive_ratio kept");
        is_int(km_kv_get(&z->stats, "numa_hit"), 144, "3.10: numa_hit");
    }
    z = zone(&zi, 1, "Normal");
    ok(z != NULL, "3.10: node 1 Normal");
    if (z) {
        is_int(z->free, 11093906, "3.10: node 1 free");
        is_int(z->pcp_count, 2111, "3.10: node 1 pcp sum");
    }
    is_int(zi.nodes[0].stats.n, 0, "3.10: no per-node block");
    is_int(km_zoneinfo_node_stat(&zi, 0, "nr_kernel_stack"), 397, "3.10: node stat summed");
    is_int(km_zoneinfo_node_stat(&zi, 0, "nr_slab_unreclaimable"), 32395,
           "3.10: node 0 slab summed over 3 zones");
    is_int(km_zoneinfo_node_stat(&zi, 1, "nr_free_pages"), 11093906, "3.10: node 1 free");
    is_int(km_zoneinfo_node_stat(&zi, 0, "managed"), 3974 + 449237 + 15990165,
           "3.10: typed field summed by name");
    km_zoneinfo_free(&zi);
}

/* 6.1: per-node stats in the first populated zone, stubs, node 1 starting with a stub */
static void fixture_61(void)
{
    struct km_zoneinfo zi;
    is_int(parse_fixture("debian61-root/proc/zoneinfo", &zi), 0, "6.1: parses");
    is_int(zi.nzones, 10, "6.1: 10 zones including stubs");
    is_int(zi.nnodes, 2, "6.1: 2 nodes");
    is_int(zi.nodes[1].node, 1, "6.1: second node is 1");
    is_int(km_kv_get(&zi.nodes[1].stats, "nr_kernel_stack"), 632, "6.1: node 1 block");
    is_int(km_zoneinfo_node_stat(&zi, 0, "nr_kernel_stack"), 792, "6.1: node 0 stack");
    is_int(km_zoneinfo_node_stat(&zi, 0, "nr_slab_unreclaimable"), 3160, "6.1: node 0 slab");
    is_int(km_zoneinfo_node_stat(&zi, 0, "numa_hit"), 70175, "6.1: numa_hit over zones");
    is_int(km_zoneinfo_node_stat(&zi, 1, "numa_hit"), 57380, "6.1: node 1 numa_hit");
    is_int(km_zoneinfo_node_stat(&zi, 0, "no_such_key"), KM_NA, "6.1: unknown key KM_NA");
    is_int(km_zoneinfo_node_stat(&zi, 7, "nr_kernel_stack"), KM_NA, "6.1: unknown node KM_NA");
    const struct km_zone *z = zone(&zi, 1, "DMA32");
    ok(z != NULL, "6.1: node 1 DMA32");
    if (z) {
        is_int(z->start_pfn, 262144, "6.1: node 1 DMA32 start_pfn");
        is_int(z->pcp_count, 679, "6.1: node 1 DMA32 pcp");
        is_int(z->boost, 0, "6.1: boost 0");
        is_int(z->promo, KM_NA, "6.1: promo absent");
        is_int(km_kv_get(&z->stats, "nr_kernel_stack"), KM_NA, "6.1: node items not in zone");
    }
    z = zone(&zi, 1, "DMA");
    ok(z != NULL, "6.1: node 1 DMA");
    if (z) {
        is_int(z->present, 0, "6.1: stub present 0");
        is_int(z->ncpus, 0, "6.1: stub no pagesets");
        is_int(z->pcp_count, KM_NA, "6.1: stub pcp absent");
        is_int(z->start_pfn, KM_NA, "6.1: stub start_pfn absent");
        is_int(z->nprotection, 5, "6.1: stub protection");
    }
    km_zoneinfo_free(&zi);
}

static void fixture_612(void)
{
    struct km_zoneinfo zi;
    is_int(parse_fixture("debian612-root/proc/zoneinfo", &zi), 0, "6.12: parses");
    is_int(zi.nzones, 5, "6.12: 5 zones");
    const struct km_zone *z = zone(&zi, 0, "DMA32");
    ok(z != NULL, "6.12: DMA32");
    if (z) {
        is_int(z->free, 341410, "6.12: free");
        is_int(z->promo, 19509, "6.12: promo");
        is_int(z->cma, 0, "6.12: cma");
        is_int(z->managed, 371859, "6.12: managed");
        is_int(z->pcp_count, 1966 + 3872, "6.12: pcp count");
        is_int(z->ncpus, 2, "6.12: 2 CPUs");
        is_int(z->node_unreclaimable, 0, "6.12: node_unreclaimable");
        is_int(km_kv_get(&z->stats, "nr_zspages"), 1427, "6.12: zone item");
    }
    z = zone(&zi, 0, "Movable");
    ok(z != NULL, "6.12: node 0 Movable");
    if (z)
        is_int(z->min, 32, "6.12: Movable stub min");
    is_int(km_zoneinfo_node_stat(&zi, 0, "nr_kernel_stack"), 1048, "6.12: node stack");
    is_int(km_zoneinfo_node_stat(&zi, 0, "nr_free_pages"), 3776 + 341410, "6.12: free sum");
    km_zoneinfo_free(&zi);

    is_int(parse_fixture("centos9-5.14/proc/zoneinfo", &zi), 0, "centos9 5.14: parses");
    z = zone(&zi, 0, "DMA32");
    ok(z != NULL, "centos9: node 0 DMA32");
    if (z) {
        is_int(z->boost, 0, "centos9: backported boost");
        is_int(z->pcp_count, 2862, "centos9: pcp");
    }
    is_int(km_zoneinfo_node_stat(&zi, 0, "nr_kernel_stack"), 1872, "centos9: stack");
    km_zoneinfo_free(&zi);
}

static void fixture_arm(void)
{
    struct km_zoneinfo zi;
    is_int(parse_fixture("mtk-armv7-3.4/proc/zoneinfo", &zi), 0, "mtk 3.4: parses");
    const struct km_zone *z = zone(&zi, 0, "HighMem");
    ok(z != NULL, "mtk: HighMem");
    if (z) {
        is_int(z->free, 13452, "mtk: HighMem free");
        is_int(z->nprotection, 3, "mtk: 3 protection entries");
        is_int(z->start_pfn, 646656, "mtk: start_pfn");
        is_int(z->managed, KM_NA, "mtk: no managed in 3.4");
    }
    is_int(km_zoneinfo_node_stat(&zi, 0, "nr_kernel_stack"), 842, "mtk: stack over zones");
    km_zoneinfo_free(&zi);

    is_int(parse_fixture("zte-armv7-4.1/proc/zoneinfo", &zi), 0, "zte 4.1: parses");
    z = zone(&zi, 0, "Normal");
    ok(z != NULL, "zte: node 0 Normal");
    if (z) {
        is_int(z->managed, 23603, "zte: managed");
        is_int(z->ncpus, 2, "zte: 2 CPUs");
        is_int(z->pcp_count, 13, "zte: pcp");
    }
    km_zoneinfo_free(&zi);

    is_int(parse_fixture("pcp-laptop-a/proc/zoneinfo", &zi), 0, "laptop 4.4: parses");
    z = zone(&zi, 0, "Normal");
    ok(z != NULL, "laptop: node 0 Normal");
    if (z) {
        is_int(z->free, 1087382, "laptop: Normal free");
        is_int(z->ncpus, 8, "laptop: 8 CPUs");
    }
    km_zoneinfo_free(&zi);
}

/* 6.13+ pagesets, promo, a memoryless node with only stubs, no trailing newline */
static const char z613[] = "Node 0, zone   Normal\n"
                           "  per-node stats\n"
                           "      nr_inactive_anon 1410\n"
                           "      nr_kernel_file_pages 77\n"
                           "  pages free     3840\n"
                           "        boost    0\n"
                           "        min      68\n"
                           "        low      85\n"
                           "        high     102\n"
                           "        promo    119\n"
                           "        spanned  4095\n"
                           "        present  3998\n"
                           "        managed  3840\n"
                           "        cma      0\n"
                           "        protection: (0, 3019, 3659, 3659, 3659)\n"
                           "      nr_free_pages 3840\n"
                           "      nr_free_pages_blocks 3584\n"
                           "  pagesets\n"
                           "    cpu: 0\n"
                           "              count:    5\n"
                           "              high:     0\n"
                           "              batch:    1\n"
                           "              high_min: 42\n"
                           "              high_max: 240\n"
                           "  vm stats threshold: 4\n"
                           "    cpu: 1\n"
                           "              count:    7\n"
                           "              high:     9\n"
                           "              batch:    1\n"
                           "              high_min: 42\n"
                           "              high_max: 240\n"
                           "  vm stats threshold: 4\n"
                           "  node_unreclaimable:  1\n"
                           "  start_pfn:           1\n"
                           "Node 8, zone   Normal\n"
                           "  pages free     0\n"
                           "        min      0\n"
                           "        protection: (0, 0)";

static void edges(void)
{
    struct km_zoneinfo zi;
    struct km_perr pe;

    is_int(parse_str("", &zi, &pe), 0, "empty: ok");
    is_int(zi.nzones + zi.nnodes, 0, "empty: nothing");
    is_int(km_zoneinfo_node_stat(&zi, 0, "x"), KM_NA, "empty: node stat KM_NA");
    km_zoneinfo_free(&zi);

    is_int(parse_str(z613, &zi, &pe), 0, "6.13 layout, no trailing newline: ok");
    is_int(zi.nzones, 2, "6.13: 2 zones");
    is_int(zi.nnodes, 2, "6.13: 2 nodes, sparse");
    if (zi.nzones == 2) {
        const struct km_zone *z = &zi.zones[0];
        is_int(z->promo, 119, "6.13: promo");
        is_int(z->high, 102, "6.13: watermark high not clobbered by pcp high:");
        is_int(z->pcp_count, 12, "6.13: realigned count:");
        is_int(z->ncpus, 2, "6.13: 2 CPUs");
        is_int(z->node_unreclaimable, 1, "6.13: node_unreclaimable 1");
        is_int(z->protection[4], 3659, "6.13: protection[4]");
        is_int(km_kv_get(&z->stats, "nr_free_pages_blocks"), 3584, "6.13: unknown zone key");
        is_int(km_kv_get(&z->stats, "high_min"), KM_NA, "6.13: high_min not a zone stat");
        is_int(km_kv_get(&zi.nodes[0].stats, "nr_kernel_file_pages"), 77, "6.18: unknown node key");
        is_int(zi.zones[1].node, 8, "memoryless node 8");
        is_int(zi.zones[1].nprotection, 2, "stub: 2 protection entries");
        is_int(zi.nodes[1].stats.n, 0, "memoryless node: no per-node stats");
    }
    km_zoneinfo_free(&zi);

    tap_cases_check(parse, zone_kept, release, &zi, skipped_lines, KM_ARRAY_LEN(skipped_lines));
    tap_cases(parse, release, &zi, bad_files, KM_ARRAY_LEN(bad_files));
    is_int(parse_str("Node 0, zone\n", &zi, &pe), -EINVAL, "truncated header: error");
    ok(strstr(pe.msg, "nothing in the file could be used") != NULL, "truncated header: said so");
    is_int(parse_str("Node 0, zone DMA\n  frobs: 7\n  new thing 9\n", &zi, &pe), 0,
           "unknown keys: ok");
    is_int(km_kv_get(&zi.zones[0].stats, "frobs"), 7, "unknown colon key kept");
    is_int(km_kv_get(&zi.zones[0].stats, "new thing"), 9, "unknown two-word key kept");
    km_zoneinfo_free(&zi);
    /* count sums saturate instead of overflowing */
    is_int(parse_str("Node 0, zone DMA\n pagesets\n cpu: 0\n count: 9223372036854775807\n"
                     " cpu: 1\n count: 9223372036854775807\n",
                     &zi, &pe),
           0, "huge pcp counts: ok");
    is_int(zi.zones[0].pcp_count, INT64_MAX, "huge pcp counts saturate");
    km_zoneinfo_free(&zi);

    struct km_kvlist l = {0};
    km_kv_put(&l, "abc", 2, 5);
    km_kv_put(&l, "ab", 2, 6);
    is_int(km_kv_get(&l, "ab"), 6, "a key put twice reads as the last value");
    is_int(km_kv_get(&l, "ab"), 6, "kv_get");
    is_int(km_kv_get(&l, "abc"), KM_NA, "kv_get missing");
    km_kv_free(&l);
    is_int(km_kv_get(&l, "ab"), KM_NA, "kv_get after free");
}

/* A good file with one line the parser cannot read in the middle: every other record kept. */
static void lenient(void)
{
    size_t len, n2;
    struct km_zoneinfo ref, zi;
    struct km_perr pe = {0};
    char *good = tap_slurp("centos9-5.14/proc/zoneinfo", &len);
    if (km_parse_zoneinfo(good, len, &ref, NULL) != 0) {
        printf("Bail out! centos9 zoneinfo does not parse\n");
        exit(1);
    }
    /* the 4.18 shape: a value without a name among the per-node stats */
    char *buf = tap_insert_line(good, len, 35, "                   0", &n2);
    is_int(km_parse_zoneinfo(buf, n2, &zi, &pe), 0, "nameless value inside: the file parses");
    is_int(zi.nzones, ref.nzones, "nameless value inside: every zone kept");
    ok(zi.nnodes == 1 && zi.nodes[0].stats.n == ref.nodes[0].stats.n,
       "nameless value inside: every node stat kept");
    is_int(pe.skipped, 1, "nameless value inside: 1 line left out");
    is_int(pe.skip_line, 36, "nameless value inside: it is line 36");
    is_str(pe.skip_msg, "a value without a name", "nameless value inside: said so");
    const struct km_zone *z = zone(&zi, 0, "Normal"), *r = zone(&ref, 0, "Normal");
    ok(z && r && z->free == r->free && z->managed == r->managed,
       "nameless value inside: Normal's figures as without it");
    km_zoneinfo_free(&zi);
    free(buf);

    /* a zone header it cannot read takes its block: not one of its lines lands elsewhere */
    const char *s = "Node 0, zone DMA\n pages free 5\nNode x, zone Normal\n pages free 7\n"
                    " min 3\nNode 1, zone Normal\n pages free 9\n";
    memset(&pe, 0, sizeof(pe));
    is_int(km_parse_zoneinfo(s, strlen(s), &zi, &pe), 0, "bad zone header: the file parses");
    is_int(zi.nzones, 2, "bad zone header: the other 2 zones kept");
    ok(zi.nzones == 2 && zi.zones[0].free == 5 && KM_IS_NA(zi.zones[0].min) &&
           zi.zones[1].free == 9,
       "bad zone header: its block is not taken for the zone before");
    ok(pe.skipped == 1 && pe.skip_line == 3 && strstr(pe.skip_msg, "block skipped"),
       "bad zone header: one line counted, line 3, block skipped said");
    km_zoneinfo_free(&zi);

    /* a bad "pages free" still ends the per-node block */
    s = "Node 0, zone DMA\n  per-node stats\n      nr_a 1\n  pages free x\n        min 4\n";
    is_int(km_parse_zoneinfo(s, strlen(s), &zi, NULL), 0, "bad pages free: parses");
    ok(zi.nzones == 1 && zi.zones[0].min == 4 && KM_IS_NA(km_kv_get(&zi.nodes[0].stats, "min")),
       "bad pages free: min is the zone's, not a node stat");
    km_zoneinfo_free(&zi);
    km_zoneinfo_free(&ref);
    free(good);
}

/* NULL when a and b hold the same zones and nodes, else what differs. */
static const char *zi_differ(const struct km_zoneinfo *a, const struct km_zoneinfo *b)
{
    if (a->nzones != b->nzones || a->nnodes != b->nnodes)
        return "the counts of zones or nodes";
    for (size_t i = 0; i < a->nzones; i++) {
        if (!kv_same(&a->zones[i].stats, &b->zones[i].stats))
            return "a zone's stat items";
        /* every field before the stats (zone_init zeroes the padding too) */
        if (memcmp(&a->zones[i], &b->zones[i], offsetof(struct km_zone, stats)) != 0)
            return "a zone's fields";
    }
    for (size_t i = 0; i < a->nnodes; i++)
        if (a->nodes[i].node != b->nodes[i].node || !kv_same(&a->nodes[i].stats, &b->nodes[i].stats))
            return "a node's stat items";
    return NULL;
}

/* Parsed in pieces, as kmemtop reads the file (km_read_stream): what the whole gives. */
static void pieces(void)
{
    static const char *const files[] = {
        "debian61-root/proc/zoneinfo", "debian612-root/proc/zoneinfo",
        "pcp-xeon-2node/proc/zoneinfo", "edge-numa-sparse/proc/zoneinfo",
        "mtk-armv7-3.4/proc/zoneinfo", "edge-malformed/proc/zoneinfo",
        "centos9-5.14/proc/zoneinfo",  "sep4020-2.6/proc/zoneinfo",
    };
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        size_t len;
        char *buf = tap_slurp(files[f], &len);
        struct km_zoneinfo whole;
        struct km_perr e1 = {0};
        int rc = km_parse_zoneinfo(buf, len, &whole, &e1);
        for (unsigned cut = 0; cut < 3; cut++) {
            struct km_zoneinfo part;
            struct km_perr e2 = {0};
            struct km_zi_parse *p = km_zi_parse_begin(&part, &e2);
            char *scratch = malloc(len + 1);
            for (size_t at = 0, step = cut ? 97 * cut : 1; at < len;) {
                size_t end = at + step < len ? at + step : len;
                while (end < len && buf[end - 1] != '\n')
                    end++;
                memcpy(scratch, buf + at, end - at); /* where the piece before was */
                km_zi_parse_feed(p, scratch, end - at);
                memset(scratch, '#', end - at);
                at = end;
            }
            free(scratch);
            int rc2 = km_zi_parse_end(p);
            const char *d = rc || rc2 ? NULL : zi_differ(&whole, &part);
            char name[256];
            snprintf(name, sizeof(name), "%s in pieces (cut %u): %s", files[f], cut,
                     d ? d : "the same zones and nodes");
            ok(rc == rc2 && !d && e1.skipped == e2.skipped && e1.skip_line == e2.skip_line, name);
            if (rc2 == 0)
                km_zoneinfo_free(&part);
        }
        if (rc == 0)
            km_zoneinfo_free(&whole);
        free(buf);
    }
}

int main(void)
{
    pieces();
    lenient();
    fixture_26();
    fixture_310();
    fixture_61();
    fixture_612();
    fixture_arm();
    edges();
    return tap_done();
}
