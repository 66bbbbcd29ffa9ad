/*
 * test_frag.c - fragmentation, watermark state and local share on
 * hand-checked fixture values (doc/formulas.md gives the formulas).
 */
#include "kmemtop/frag.h"
#include "kmemtop/pagetypeinfo.h"

#include <errno.h>
#include <math.h>

#include "../tap.h"

static void load_buddy(const char *rel, struct km_buddyinfo *bi)
{
    size_t len;
    char *buf = tap_slurp(rel, &len);
    struct km_perr pe = {0};
    if (km_parse_buddyinfo(buf, len, bi, &pe) != 0) {
        printf("Bail out! %s line %d: %s\n", rel, pe.line, pe.msg);
        exit(1);
    }
    free(buf);
}

static void load_zones(const char *rel, struct km_zoneinfo *zi)
{
    size_t len;
    char *buf = tap_slurp(rel, &len);
    struct km_perr pe = {0};
    if (km_parse_zoneinfo(buf, len, zi, &pe) != 0) {
        printf("Bail out! %s line %d: %s\n", rel, pe.line, pe.msg);
        exit(1);
    }
    free(buf);
}

static const struct km_zone *zone_of(const struct km_zoneinfo *zi, int node, const char *name)
{
    for (size_t i = 0; i < zi->nzones; i++)
        if (zi->zones[i].node == node && strcmp(zi->zones[i].zone, name) == 0)
            return &zi->zones[i];
    printf("Bail out! no zone %d/%s\n", node, name);
    exit(1);
}

/* debian61: node 0 DMA = 0 0 0 0 0 0 1 1 0 1 3 -> 64+128+512+3072 = 3776 pages */
static void debian61(void)
{
    struct km_buddyinfo bi;
    load_buddy("debian61-root/proc/buddyinfo", &bi);
    const int64_t *dma = bi.zones[0].free;
    is_int(km_frag_free_pages(dma, 11), 3776, "debian61 DMA: free pages");
    is_int(km_frag_suitable_pages(dma, 11, 7), 3712, "debian61 DMA: pages in blocks >= order 7");
    /* order 7: 64 of 3776 pages unusable = 0.01694 -> 16 (truncated) */
    is_int(km_frag_unusable_milli(dma, 11, 7), 16, "debian61 DMA: unusable o7 = 0.016");
    /* order 10: 704 / 3776 = 0.18644 -> 186 */
    is_int(km_frag_unusable_milli(dma, 11, 10), 186, "debian61 DMA: unusable o10 = 0.186");
    is_int(km_frag_unusable_milli(dma, 11, 0), 0, "debian61 DMA: unusable o0 = 0");
    is_dbl(km_frag_unusable(dma, 11, 10), 0.186, 1e-12, "debian61 DMA: as a fraction");
    is_int(km_frag_largest_order(dma, 11), 10, "debian61 DMA: largest order 10");
    is_int(km_frag_can_alloc(dma, 11, 10), 1, "debian61 DMA: order 10 can be served");
    is_int(km_frag_index_milli(dma, 11, 10), -1000,
           "debian61 DMA: fragmentation index -1 (succeeds)");
    /* node 1 DMA32: 46 129 157 133 90 69 42 21 6 4 226 = 246028 pages; order 3:
     * unusable = 46 + 258 + 628 = 932 -> 932000 / 246028 = 3.78 -> 3 */
    const int64_t *n1 = bi.zones[2].free;
    is_int(km_frag_free_pages(n1, 11), 246028, "debian61 1/DMA32: free pages");
    is_int(km_frag_unusable_milli(n1, 11, 3), 3, "debian61 1/DMA32: unusable o3 = 0.003");
    /* order 9: 246028 - (4*512 + 226*1024) = 12556 -> 51.03 -> 51 */
    is_int(km_frag_unusable_milli(n1, 11, 9), 51, "debian61 1/DMA32: unusable o9 = 0.051");
    km_buddyinfo_free(&bi);

    struct km_zoneinfo zi;
    load_zones("debian61-root/proc/zoneinfo", &zi);
    is_str(km_wm_state_name(km_zone_wm_state(zone_of(&zi, 0, "DMA"))), "ok",
           "debian61 0/DMA: free 3776 >= high 193: ok");
    is_str(km_wm_state_name(km_zone_wm_state(zone_of(&zi, 1, "DMA32"))), "ok",
           "debian61 1/DMA32: free 245995 >= high 12980: ok");
    is_str(km_wm_state_name(km_zone_wm_state(zone_of(&zi, 0, "Normal"))), "empty",
           "debian61 0/Normal: managed 0: empty");
    is_str(km_wm_state_name(km_zone_wm_state(zone_of(&zi, 1, "DMA"))), "empty",
           "debian61 1/DMA: managed 0: empty");
    km_zoneinfo_free(&zi);
}

/* hygon: 8 nodes, counts past 100000 in buddyinfo and capped ones in pagetypeinfo */
static void hygon(void)
{
    struct km_buddyinfo bi;
    load_buddy("hygon-8node/proc/buddyinfo", &bi);
    /* 0/Normal: 38337 145731 222145 199776 151452 91969 38086 10037 1762 104 1 */
    const int64_t *n0 = bi.zones[2].free;
    is_int(km_frag_free_pages(n0, 11), 12410411, "hygon 0/Normal: free pages");
    /* order 3: 38337 + 2*145731 + 4*222145 = 1218379 -> 1218379000/12410411 = 98.17 -> 98 */
    is_int(km_frag_unusable_milli(n0, 11, 3), 98, "hygon 0/Normal: unusable o3 = 0.098");
    is_int(km_frag_unusable_milli(n0, 11, 10), 999, "hygon 0/Normal: unusable o10 = 0.999");
    /* 1/Normal has no order-10 block: nothing can serve order 10 */
    const int64_t *n1 = bi.zones[3].free;
    is_int(km_frag_unusable_milli(n1, 11, 10), 1000, "hygon 1/Normal: unusable o10 = 1.000");
    is_int(km_frag_can_alloc(n1, 11, 10), 0, "hygon 1/Normal: order 10 cannot be served");
    is_int(km_frag_can_alloc(n1, 11, 9), 1, "hygon 1/Normal: order 9 can");
    is_int(km_frag_largest_order(n1, 11), 9, "hygon 1/Normal: largest order 9");
    /* fragmentation index o10: 1000 - (1000 + 11159671000/1024) / 995017 blocks
     * = 1000 - 10899116/995017 = 1000 - 10 = 990 */
    is_int(km_frag_index_milli(n1, 11, 10), 990, "hygon 1/Normal: fragmentation index o10 0.990");
    /* 6/Normal order 3: 104493 + 756724 + 1420632 = 2281849 / 3644233 = 0.6261 -> 626 */
    is_int(km_frag_unusable_milli(bi.zones[8].free, 11, 3), 626,
           "hygon 6/Normal: unusable o3 = 0.626");
    km_buddyinfo_free(&bi);

    size_t len;
    char *buf = tap_slurp("hygon-8node/proc/pagetypeinfo", &len);
    struct km_pagetypeinfo p;
    struct km_perr pe = {0};
    is_int(km_parse_pagetypeinfo(buf, len, &p, &pe), 0, "hygon pagetypeinfo parses");
    const struct km_pti_free *mov = NULL;
    for (size_t i = 0; i < p.nfree; i++)
        if (p.free[i].node == 0 && !strcmp(p.free[i].zone, "Normal") &&
            !strcmp(p.free[i].type, "Movable"))
            mov = &p.free[i];
    ok(mov && mov->capped == 0x1e, "hygon 0/Normal Movable: orders 1-4 printed as >100000");
    /* a capped list gives a lower bound: 21088 + (2+4+8+16)*100000 + 90231*32 + 37197*64
     * + 9379*128 + 1552*256 + 83*512 + 1024 = 9930432 */
    if (mov)
        is_int(km_frag_free_pages(mov->free, mov->norders), 9930432,
               "hygon 0/Normal Movable: free pages, a lower bound with caps");
    km_pagetypeinfo_free(&p);
    free(buf);
}

/* centos9: a tiny VM, Normal and Movable zones present but empty */
static void centos9(void)
{
    struct km_buddyinfo bi;
    load_buddy("centos9-5.14/proc/buddyinfo", &bi);
    const int64_t *d32 = bi.zones[1].free;
    is_int(km_frag_free_pages(d32, 11), 59214, "centos9 DMA32: free pages");
    /* 5372 + 4198 + 3284 = 12854 / 59214 = 0.2171 -> 217 */
    is_int(km_frag_unusable_milli(d32, 11, 3), 217, "centos9 DMA32: unusable o3 = 0.217");
    is_int(km_frag_unusable_milli(d32, 11, 10), 930, "centos9 DMA32: unusable o10 = 0.930");
    km_buddyinfo_free(&bi);

    struct km_zoneinfo zi;
    load_zones("centos9-5.14/proc/zoneinfo", &zi);
    is_str(km_wm_state_name(km_zone_wm_state(zone_of(&zi, 0, "DMA32"))), "ok",
           "centos9 DMA32: 59214 >= high 12668: ok");
    const struct km_zone *nrm = zone_of(&zi, 0, "Normal");
    is_str(km_wm_state_name(km_zone_wm_state(nrm)), "empty", "centos9 Normal: empty");
    is_int(nrm->free, 0, "centos9 Normal: free 0 (not absent)");
    km_zoneinfo_free(&zi);
    /* an empty zone's free lists: no free page -> the kernel prints 1.000 */
    int64_t none[11] = {0};
    is_int(km_frag_unusable_milli(none, 11, 0), 1000, "no free page: unusable 1.000 (kernel)");
    is_int(km_frag_index_milli(none, 11, 3), 0, "no free block: fragmentation index 0");
    is_int(km_frag_largest_order(none, 11), -1, "no free block: no largest order");
    is_int(km_frag_can_alloc(none, 11, 0), 0, "no free block: order 0 cannot be served");
}

/* zte 4.1: free 388 between low 382 and high 459 */
static void zte(void)
{
    struct km_zoneinfo zi;
    load_zones("zte-armv7-4.1/proc/zoneinfo", &zi);
    is_str(km_wm_state_name(km_zone_wm_state(zone_of(&zi, 0, "Normal"))), "below_high",
           "zte Normal: low 382 <= free 388 < high 459: below_high");
    km_zoneinfo_free(&zi);
}

static void states(void)
{
    is_int(km_wm_state(100, 10, 20, 30, 1000), KM_WM_OK, "free 100, high 30: ok");
    is_int(km_wm_state(30, 10, 20, 30, 1000), KM_WM_BELOW_HIGH, "free == high: below_high (zone_watermark_ok wants more)");
    is_int(km_wm_state(31, 10, 20, 30, 1000), KM_WM_OK, "free 31: ok");
    is_int(km_wm_state(29, 10, 20, 30, 1000), KM_WM_BELOW_HIGH, "free 29: below_high");
    is_int(km_wm_state(20, 10, 20, 30, 1000), KM_WM_BELOW_LOW, "free == low: below_low");
    is_int(km_wm_state(21, 10, 20, 30, 1000), KM_WM_BELOW_HIGH, "free 21: below_high");
    is_int(km_wm_state(19, 10, 20, 30, 1000), KM_WM_BELOW_LOW, "free 19: below_low");
    is_int(km_wm_state(10, 10, 20, 30, 1000), KM_WM_BELOW_MIN, "free == min: below_min");
    is_int(km_wm_state(11, 10, 20, 30, 1000), KM_WM_BELOW_LOW, "free 11: below_low");
    /* protection: the reserve for the allocation's highest zone is added to every mark */
    is_int(km_wm_state_res(100, 10, 20, 30, 1000, 70), KM_WM_BELOW_HIGH, "free 100, high 30 + reserve 70: below_high");
    is_int(km_wm_state_res(100, 10, 20, 30, 1000, 80), KM_WM_BELOW_LOW, "reserve 80: below_low");
    is_int(km_wm_state_res(100, 10, 20, 30, 1000, 95), KM_WM_BELOW_MIN, "reserve 95: below_min");
    is_int(km_wm_state_res(100, 10, 20, 30, 1000, KM_NA), KM_WM_OK, "reserve absent: as 0");
    is_int(km_wm_state_res(100, 10, 20, INT64_MAX, 1000, 5), KM_WM_BELOW_HIGH, "saturating: no overflow");
    is_int(km_wm_state(9, 10, 20, 30, 1000), KM_WM_BELOW_MIN, "free 9: below_min");
    is_int(km_wm_state(0, 0, 0, 0, 0), KM_WM_EMPTY, "managed 0: empty");
    is_int(km_wm_state(0, 32, 40, 48, 0), KM_WM_EMPTY,
           "empty wins over watermarks (6.12 Movable stub)");
    is_int(km_wm_state(KM_NA, 10, 20, 30, 1000), KM_WM_UNKNOWN, "free absent: unknown");
    is_int(km_wm_state(50, 10, 20, 30, KM_NA), KM_WM_OK, "managed absent: watermarks decide");
    ok(km_wm_state_name(KM_WM_UNKNOWN) == NULL, "unknown has no name");
    is_str(km_wm_state_name(KM_WM_BELOW_LOW), "below_low", "below_low name");
    is_str(km_wm_state_name(KM_WM_BELOW_MIN), "below_min", "below_min name");
    is_int(km_wm_worse(KM_WM_OK, KM_WM_BELOW_LOW), KM_WM_BELOW_LOW, "worse: below_low over ok");
    is_int(km_wm_worse(KM_WM_EMPTY, KM_WM_OK), KM_WM_OK, "worse: an empty zone says nothing");
    is_int(km_wm_worse(KM_WM_UNKNOWN, KM_WM_EMPTY), KM_WM_EMPTY, "worse: all empty stays empty");
    is_int(km_wm_worse(KM_WM_BELOW_MIN, KM_WM_BELOW_HIGH), KM_WM_BELOW_MIN, "worse: below_min");
}

static void share(void)
{
    /* pcp-xeon node 0: local_node 341312139, other_node 11838 */
    is_dbl(km_local_share_i64(341312139, 11838), 341312139.0 / 341323977.0, 1e-12,
           "pcp-xeon node0: local share 0.99997");
    /* debian61 node 0: 69648 / (69648 + 872) = 0.98763 */
    is_dbl(km_local_share_i64(69648, 872), 0.987634713, 1e-9, "debian61 node0: local share");
    ok(isnan(km_local_share_i64(0, 0)), "no allocations: no share");
    ok(isnan(km_local_share_i64(KM_NA, 5)), "absent counter: no share");
    ok(isnan(km_local_share(NAN, 1)), "absent rate: no share");
    /* series debian61 node 0 over 5.04 s: local +4846, other +0 -> 1.0 */
    is_dbl(km_local_share(4846 / 5.04, 0 / 5.04), 1.0, 1e-12, "series node0: interval share 1.0");
}

static void errors(void)
{
    int64_t b[3] = {1, 2, 3};
    is_int(km_frag_unusable_milli(b, 3, 3), -EINVAL, "order past the last: -EINVAL");
    is_int(km_frag_unusable_milli(b, 3, -1), -EINVAL, "negative order: -EINVAL");
    is_int(km_frag_can_alloc(b, 3, 5), -EINVAL, "can_alloc bad order: -EINVAL");
    ok(isnan(km_frag_unusable(b, 3, 7)), "fraction of a bad order: NAN");
    int64_t na[3] = {1, KM_NA, 3};
    is_int(km_frag_free_pages(na, 3), KM_NA, "absent count: free pages absent");
    is_int(km_frag_unusable_milli(na, 3, 1), -EINVAL, "absent count: no index");
    /* 64K pages, 14 orders: 1 block of order 13 = 8192 pages */
    int64_t big[14] = {[13] = 1, [0] = 8192};
    is_int(km_frag_unusable_milli(big, 14, 13), 500, "14 orders: half the pages in order 13");
    is_int(km_frag_largest_order(big, 14), 13, "14 orders: largest 13");
}

int main(void)
{
    debian61();
    hygon();
    centos9();
    zte();
    states();
    share();
    errors();
    return tap_done();
}
