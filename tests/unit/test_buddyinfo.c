/* test_buddyinfo.c - /proc/buddyinfo parser on fixtures and edge cases. */
#include "kmemtop/buddyinfo.h"
#include "kmemtop/frag.h"

#include <errno.h>
#include <math.h>

#include "../tap.h"

static int parse(const char *b, size_t n, void *out, struct km_perr *pe)
{
    return km_parse_buddyinfo(b, n, out, pe);
}

static void release(void *out)
{
    km_buddyinfo_free(out);
}

static int parse_str(const char *s, struct km_buddyinfo *bi, struct km_perr *pe)
{
    return tap_parse_str(parse, s, bi, pe);
}

static void fixture_debian61(void)
{
    struct km_buddyinfo bi;
    is_int(tap_parse_fixture(parse, "debian61-root/proc/buddyinfo", &bi, NULL), 0,
           "debian61: parses");
    is_int(bi.n, 3, "debian61: 3 zones");
    is_int(bi.norders, 11, "debian61: 11 orders");
    if (bi.n == 3) {
        is_int(bi.zones[0].node, 0, "debian61: row 0 node 0");
        is_str(bi.zones[0].zone, "DMA", "debian61: row 0 zone DMA");
        is_int(bi.zones[0].free[10], 3, "debian61: DMA order 10 = 3");
        is_int(bi.zones[2].node, 1, "debian61: row 2 node 1");
        is_str(bi.zones[2].zone, "DMA32", "debian61: row 2 zone DMA32");
        is_int(bi.zones[2].free[0], 46, "debian61: node1 DMA32 order 0 = 46");
        is_int(bi.zones[2].free[10], 226, "debian61: node1 DMA32 order 10 = 226");
        is_int(km_frag_free_pages(bi.zones[0].free, bi.zones[0].norders), 3776,
               "debian61: DMA free pages");
        is_int(km_frag_free_pages(bi.zones[1].free, bi.zones[1].norders), 210333,
               "debian61: node0 DMA32 free pages");
        is_int(km_frag_free_pages(bi.zones[2].free, bi.zones[2].norders), 246028,
               "debian61: node1 DMA32 free pages");
        ok(isnan(bi.zones[2].rate[3]), "debian61: rate starts as NAN");
        is_int(bi.zones[2].free[11], KM_NA, "debian61: order 11 absent is KM_NA");
    }
    km_buddyinfo_free(&bi);
    is_int(bi.n, 0, "free resets the count");
}

/* hygon: 8 nodes, no trailing blanks, counts wider than the %6lu column */
static void fixture_hygon(void)
{
    struct km_buddyinfo bi;
    is_int(tap_parse_fixture(parse, "hygon-8node/proc/buddyinfo", &bi, NULL), 0, "hygon: parses");
    is_int(bi.n, 10, "hygon: 10 zones");
    if (bi.n == 10) {
        is_int(bi.zones[9].node, 7, "hygon: last row node 7");
        is_str(bi.zones[8].zone, "Normal", "hygon: node 6 Normal");
        is_int(bi.zones[8].free[0], 104493, "hygon: node 6 order 0 = 104493");
        is_int(bi.zones[8].free[1], 378362, "hygon: node 6 order 1 = 378362");
        is_int(km_frag_free_pages(bi.zones[2].free, bi.zones[2].norders), 12410411,
               "hygon: node0 Normal free pages");
        is_int(km_frag_free_pages(bi.zones[9].free, bi.zones[9].norders), 9368269,
               "hygon: node7 Normal free pages");
    }
    km_buddyinfo_free(&bi);
}

static void fixture_small(void)
{
    struct km_buddyinfo bi;
    is_int(tap_parse_fixture(parse, "mtk-armv7-3.4/proc/buddyinfo", &bi, NULL), 0, "mtk: parses");
    is_int(bi.n, 2, "mtk: 2 zones");
    if (bi.n == 2) {
        is_str(bi.zones[1].zone, "HighMem", "mtk: HighMem zone");
        is_int(km_frag_free_pages(bi.zones[1].free, bi.zones[1].norders), 15468,
               "mtk: HighMem free pages");
    }
    km_buddyinfo_free(&bi);

    is_int(tap_parse_fixture(parse, "sep4020-2.6/proc/buddyinfo", &bi, NULL), 0,
           "sep4020 2.6: parses");
    is_int(bi.n, 1, "sep4020: one zone");
    if (bi.n == 1)
        is_int(km_frag_free_pages(bi.zones[0].free, bi.zones[0].norders), 5410,
               "sep4020: free pages = zoneinfo free");
    km_buddyinfo_free(&bi);
}

/* Lines no buddyinfo has: the only line of the file, so each is an error naming line 1. */
static const struct tap_case bad_lines[] = {
    {"> 2^64: error", "Node 0, zone Normal 1 2 18446744073709551616\n", -EINVAL, 1},
    {"> INT64_MAX: error", "Node 0, zone Normal 1 9223372036854775808\n", -EINVAL, 1},
    {"garbage count: error", "Node 0, zone Normal 1 2 x3\n", -EINVAL, 1},
    {"'>' count: error", "Node 0, zone Normal 1 >100000\n", -EINVAL, 1},
    {"negative: error", "Node 0, zone Normal 1 -2\n", -EINVAL, 1},
    {"truncated before zone: error", "Node 0, zone\n", -EINVAL, 1},
    {"no counts: error", "Node 0, zone Normal\n", -EINVAL, 1},
    {"bad node: error", "Node x, zone DMA 1\n", -EINVAL, 1},
    {"garbage line: error", "garbage\n", -EINVAL, 1},
    {"zone name too long: error", "Node 0, zone AVeryLongZoneName 1\n", -EINVAL, 1},
};

static void edges(void)
{
    struct km_buddyinfo bi;
    struct km_perr pe;

    is_int(parse_str("", &bi, &pe), 0, "empty: ok");
    is_int(bi.n, 0, "empty: zero rows");
    is_int(bi.norders, 0, "empty: zero orders");
    km_buddyinfo_free(&bi);

    is_int(km_parse_buddyinfo(NULL, 0, &bi, &pe), 0, "NULL,0: ok");
    km_buddyinfo_free(&bi);

    is_int(parse_str("\n\n", &bi, &pe), 0, "blank lines: ok");
    is_int(bi.n, 0, "blank lines: zero rows");
    km_buddyinfo_free(&bi);

    /* no trailing newline, 3 orders only, irregular spacing */
    is_int(parse_str("Node 0, zone   Normal   1 2 3 ", &bi, &pe), 0, "3 orders: ok");
    is_int(bi.n, 1, "3 orders: one row");
    is_int(bi.norders, 3, "3 orders: norders 3");
    is_int(km_frag_free_pages(bi.zones[0].free, bi.zones[0].norders), 1 + 4 + 12,
           "3 orders: free pages");
    km_buddyinfo_free(&bi);

    is_int(parse_str("Node 250,\tzone Movable 7", &bi, &pe), 0, "tabs, no newline: ok");
    is_int(bi.zones[0].node, 250, "sparse node id 250");
    is_str(bi.zones[0].zone, "Movable", "zone Movable");
    km_buddyinfo_free(&bi);

    /* rows with different order counts: norders is the largest */
    is_int(parse_str("Node 0, zone DMA 1 1\nNode 0, zone Normal 1 1 1 1 1 1 1 1 1 1 1 1 1 1\n", &bi,
                     &pe),
           0, "14 orders (arm64 64K): ok");
    is_int(bi.norders, 14, "14 orders: norders 14");
    is_int(bi.zones[0].norders, 2, "first row keeps its 2 orders");
    km_buddyinfo_free(&bi);

    /* 21 columns: one more than KM_MAX_ORDERS */
    is_int(parse_str("Node 0, zone DMA 1\nNode 0, zone Normal 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 "
                     "0 0 0 0\n",
                     &bi, &pe),
           0, "21 orders: the row is left out, the file kept");
    is_int(bi.n, 1, "21 orders: the other row kept");
    is_int(pe.skipped, 1, "21 orders: one line left out");
    is_int(pe.skip_line, 2, "21 orders: names line 2");
    km_buddyinfo_free(&bi);
    is_int(parse_str("Node 0, zone Normal 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", &bi, &pe),
           -EINVAL, "21 orders, the only row: error");
    is_int(pe.line, 1, "the only row: names line 1");
    ok(strstr(pe.msg, "more than 20 order columns") && strstr(pe.msg, "nothing in the file"),
       "the only row: says why and that nothing was usable");
    is_int(bi.n, 0, "error leaves no rows");

    tap_cases(parse, release, &bi, bad_lines, KM_ARRAY_LEN(bad_lines));
    is_int(parse_str("Node 0, zone DMA 1\nNode", &bi, &pe), 0, "truncated last line: left out");
    is_int(pe.skip_line, 2, "truncated last line: line 2");
    is_int(bi.n, 1, "truncated last line: the first row kept");
    km_buddyinfo_free(&bi);
    is_int(parse_str("Node 0, zone DMA 1\n", &bi, NULL), 0, "NULL err is allowed");
    km_buddyinfo_free(&bi);
    /* no NUL after the buffer: parse a prefix of a larger string */
    const char *s = "Node 0, zone DMA 12345";
    is_int(km_parse_buddyinfo(s, 19, &bi, &pe), 0, "prefix of a buffer: ok");
    is_int(bi.zones[0].free[0], 12, "prefix: stops at len");
    km_buddyinfo_free(&bi);

    struct km_buddy_zone z = {.norders = 2, .free = {KM_NA, 3}};
    ok(KM_IS_NA(km_frag_free_pages(z.free, z.norders)), "free pages: an absent count, no sum");
    struct km_buddy_zone h = {.norders = 11, .free = {[10] = (int64_t)1 << 55}};
    is_int(km_frag_free_pages(h.free, h.norders), KM_FRAG_MAX_PAGES,
           "free pages saturate, never wrap");
    is_int(km_frag_unusable_milli(h.free, h.norders, 10), 0, "saturated: order 10 is all usable");
}

/* A good file with one line the parser cannot read in the middle: every other row kept. */
static void lenient(void)
{
    size_t len, n2;
    char *good = tap_slurp("debian61-root/proc/buddyinfo", &len);
    char *buf = tap_insert_line(good, len, 1, "Node 0, zone Normal 1 2 junk 4", &n2);
    struct km_buddyinfo bi;
    struct km_perr pe = {0};
    is_int(km_parse_buddyinfo(buf, n2, &bi, &pe), 0, "garbage line inside: the file parses");
    is_int(bi.n, 3, "garbage line inside: all 3 zones kept");
    is_int(pe.skipped, 1, "garbage line inside: 1 line left out");
    is_int(pe.skip_line, 2, "garbage line inside: it is line 2");
    ok(strstr(pe.skip_msg, "junk") != NULL, "garbage line inside: the message quotes it");
    if (bi.n == 3) {
        is_str(bi.zones[1].zone, "DMA32", "garbage line inside: node0 DMA32 follows DMA");
        is_int(km_frag_free_pages(bi.zones[2].free, bi.zones[2].norders), 246028,
               "garbage line inside: node1 DMA32 free pages as without it");
    }
    km_buddyinfo_free(&bi);
    free(buf);
    buf = tap_insert_line(good, len, 3, "hello world", &n2);
    memset(&pe, 0, sizeof(pe));
    is_int(km_parse_buddyinfo(buf, n2, &bi, NULL), 0, "garbage last line, NULL err: ok");
    is_int(bi.n, 3, "garbage last line: 3 zones");
    km_buddyinfo_free(&bi);
    free(buf);
    free(good);
}

int main(void)
{
    lenient();
    fixture_debian61();
    fixture_hygon();
    fixture_small();
    edges();
    return tap_done();
}
