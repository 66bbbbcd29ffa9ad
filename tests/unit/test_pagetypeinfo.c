/* test_pagetypeinfo.c - /proc/pagetypeinfo parser on fixtures and edge cases. */
#include "kmemtop/pagetypeinfo.h"

#include <errno.h>

#include "../tap.h"

static int parse(const char *b, size_t n, void *out, struct km_perr *pe)
{
    return km_parse_pagetypeinfo(b, n, out, pe);
}

static void release(void *out)
{
    km_pagetypeinfo_free(out);
}

static int parse_str(const char *s, struct km_pagetypeinfo *p, struct km_perr *pe)
{
    return tap_parse_str(parse, s, p, pe);
}

static int parse_fixture(const char *rel, struct km_pagetypeinfo *p)
{
    return tap_parse_fixture(parse, rel, p, NULL);
}

static const struct km_pti_free *find_free(const struct km_pagetypeinfo *p, int node,
                                           const char *zone, const char *type)
{
    for (size_t i = 0; i < p->nfree; i++)
        if (p->free[i].node == node && !strcmp(p->free[i].zone, zone) &&
            !strcmp(p->free[i].type, type))
            return &p->free[i];
    return NULL;
}

static int type_idx(const struct km_pagetypeinfo *p, const char *name)
{
    for (int i = 0; i < p->ntypes; i++)
        if (!strcmp(p->types[i], name))
            return i;
    return -1;
}

static int64_t blocks(const struct km_pagetypeinfo *p, int node, const char *zone, const char *type)
{
    int t = type_idx(p, type);
    for (size_t i = 0; i < p->nblocks && t >= 0; i++)
        if (p->blocks[i].node == node && !strcmp(p->blocks[i].zone, zone))
            return p->blocks[i].count[t];
    return -1;
}

static void fixture_centos9(void)
{
    struct km_pagetypeinfo p;
    is_int(parse_fixture("centos9-5.14/proc/pagetypeinfo", &p), 0, "centos9: parses");
    is_int(p.pageblock_order, 9, "centos9: pageblock order 9");
    is_int(p.pages_per_block, 512, "centos9: 512 pages per block");
    is_int(p.norders, 11, "centos9: 11 orders");
    is_int(p.ntypes, 6, "centos9: 6 migrate types");
    is_str(p.types[1], "Movable", "centos9: type 1 Movable (4.4+ order)");
    is_str(p.types[4], "CMA", "centos9: type 4 CMA");
    is_int(p.nfree, 12, "centos9: 12 free rows");
    is_int(p.nblocks, 2, "centos9: 2 block rows");
    const struct km_pti_free *f = find_free(&p, 0, "DMA32", "Movable");
    ok(f != NULL, "centos9: DMA32 Movable row");
    if (f) {
        is_int(f->free[0], 5371, "centos9: DMA32 Movable order 0");
        is_int(f->free[10], 4, "centos9: DMA32 Movable order 10");
        is_int(f->capped, 0, "centos9: nothing capped");
    }
    is_int(blocks(&p, 0, "DMA32", "Unmovable"), 171, "centos9: DMA32 Unmovable blocks");
    is_int(blocks(&p, 0, "DMA32", "Movable"), 309, "centos9: DMA32 Movable blocks");
    is_int(blocks(&p, 0, "DMA", "Movable"), 7, "centos9: DMA Movable blocks");
    km_pagetypeinfo_free(&p);
}

/* 3.10-era order with Reserve, CMA, Isolate; pageblock order 10 */
static void fixture_zte(void)
{
    struct km_pagetypeinfo p;
    is_int(parse_fixture("zte-armv7-4.1/proc/pagetypeinfo", &p), 0, "zte: parses");
    is_int(p.pageblock_order, 10, "zte: pageblock order 10");
    is_int(p.pages_per_block, 1024, "zte: 1024 pages per block");
    is_int(p.ntypes, 6, "zte: 6 types");
    is_str(p.types[1], "Reclaimable", "zte: Reclaimable before Movable");
    is_str(p.types[3], "Reserve", "zte: Reserve");
    const struct km_pti_free *f = find_free(&p, 0, "Normal", "Reserve");
    ok(f != NULL, "zte: Reserve row");
    if (f) {
        is_int(f->free[1], 4, "zte: Reserve order 1");
        is_int(f->free[8], 1, "zte: Reserve order 8");
    }
    is_int(blocks(&p, 0, "Normal", "Movable"), 21, "zte: Movable blocks by name");
    is_int(blocks(&p, 0, "Normal", "Unmovable"), 9, "zte: Unmovable blocks");
    is_int(blocks(&p, 0, "Normal", "Reserve"), 1, "zte: Reserve blocks");
    km_pagetypeinfo_free(&p);
}

static void fixture_mtk(void)
{
    struct km_pagetypeinfo p;
    is_int(parse_fixture("mtk-armv7-3.4/proc/pagetypeinfo", &p), 0, "mtk: parses");
    is_int(p.ntypes, 5, "mtk: 5 types, no CMA");
    is_int(type_idx(&p, "CMA"), -1, "mtk: no CMA type");
    const struct km_pti_free *f = find_free(&p, 0, "HighMem", "Movable");
    ok(f != NULL, "mtk: HighMem Movable row");
    if (f) {
        is_int(f->free[0], 1774, "mtk: HighMem Movable order 0");
        is_int(f->free[10], 6, "mtk: HighMem Movable order 10");
    }
    is_int(blocks(&p, 0, "HighMem", "Movable"), 102, "mtk: HighMem Movable blocks");
    km_pagetypeinfo_free(&p);
}

/* 8 repeated per-node blocks, no blank line between them, >100000 caps */
static void fixture_hygon(void)
{
    struct km_pagetypeinfo p;
    is_int(parse_fixture("hygon-8node/proc/pagetypeinfo", &p), 0, "hygon: parses");
    is_int(p.nfree, 50, "hygon: 50 free rows");
    is_int(p.nblocks, 10, "hygon: 10 block rows");
    is_int(p.ntypes, 5, "hygon: types not duplicated across nodes");
    const struct km_pti_free *f = find_free(&p, 0, "Normal", "Movable");
    ok(f != NULL, "hygon: node 0 Normal Movable");
    if (f) {
        is_int(f->free[0], 21088, "hygon: node 0 order 0");
        is_int(f->free[1], 100000, "hygon: >100000 keeps the cap");
        is_int(f->capped, 0x1e, "hygon: orders 1-4 capped");
    }
    f = find_free(&p, 3, "Normal", "Movable");
    ok(f != NULL, "hygon: node 3 Normal Movable");
    if (f) {
        is_int(f->capped, 0xc, "hygon: node 3 orders 2-3 capped");
        is_int(f->free[4], 99802, "hygon: node 3 order 4");
    }
    is_int(blocks(&p, 7, "Normal", "Movable"), 31265, "hygon: node 7 Movable blocks");
    is_int(blocks(&p, 7, "Normal", "Reclaimable"), 241, "hygon: node 7 Reclaimable blocks");
    km_pagetypeinfo_free(&p);

    is_int(parse_fixture("debian61-root/proc/pagetypeinfo", &p), 0, "debian61: parses");
    is_int(blocks(&p, 1, "DMA32", "Movable"), 461, "debian61: node 1 Movable blocks");
    km_pagetypeinfo_free(&p);
}

static const char android[] =
    "Page block order: 9\n"
    "Pages per block:  512\n"
    "\n"
    "Free pages count per migrate type at order       0      1      2 \n"
    "Node    0, zone   Normal, type    Unmovable      1      2      3 \n"
    "Node    0, zone   Normal, type          CMA      4      5 >100000 \n"
    "\n"
    "Number of blocks type     Unmovable      Movable  Reclaimable          CMA   HighAtomic \n"
    "Node 0, zone   Normal           10           20           30           40           50 \n"
    "\n"
    "Number of mixed blocks    Unmovable      Movable  Reclaimable          CMA   HighAtomic \n"
    "Node 0, zone   Normal            1            2            3            4            5 ";

#define FREE_HDR "Free pages count per migrate type at order 0 1 2\n"
#define BLOCK_HDR "Number of blocks type Unmovable Movable\n"

/* Rows and headers no pagetypeinfo has, each the file's only row: an error naming its line. */
static const struct tap_case bad_rows[] = {
    {"extra order column: error", FREE_HDR "Node 0, zone Normal, type Movable 1 2 3 4\n", -EINVAL,
     2},
    {"missing order column: error", FREE_HDR "Node 0, zone Normal, type Movable 1 2\n", -EINVAL, 2},
    {"> 2^64: error", FREE_HDR "Node 0, zone Normal, type Movable 1 2 18446744073709551616\n",
     -EINVAL, 2},
    {"bare '>': error", FREE_HDR "Node 0, zone Normal, type Movable 1 2 >\n", -EINVAL, 2},
    {"truncated row: error", FREE_HDR "Node 0, zone Normal, type\n", -EINVAL, 2},
    {"no 'type' word: error", FREE_HDR "Node 0, zone Normal, kind Movable 1 2 3\n", -EINVAL, 2},
    {"non-consecutive orders: error", "Free pages count per migrate type at order 0 2\n", -EINVAL,
     1},
    {"extra block column: error", BLOCK_HDR "Node 0, zone Normal 1 2 3\n", -EINVAL, 2},
    {"missing block column: error", BLOCK_HDR "Node 0, zone Normal 1\n", -EINVAL, 2},
    {"duplicate type: error", "Number of blocks type A A\n", -EINVAL, 1},
    {"row before header: error", "Node 0, zone Normal 1 2\n", -EINVAL, 1},
    {"bad pageblock order: error", "Page block order: x\n", -EINVAL, 1},
};

static void edges(void)
{
    struct km_pagetypeinfo p;
    struct km_perr pe;

    is_int(parse_str("", &p, &pe), 0, "empty: ok");
    is_int(p.nfree + p.nblocks, 0, "empty: no rows");
    is_int(p.pageblock_order, -1, "empty: pageblock order -1");
    is_int(p.pages_per_block, KM_NA, "empty: pages per block KM_NA");
    km_pagetypeinfo_free(&p);

    is_int(parse_str(android, &p, &pe), 0, "android order + mixed section, no newline: ok");
    is_int(blocks(&p, 0, "Normal", "CMA"), 40, "android: CMA by name");
    is_int(blocks(&p, 0, "Normal", "HighAtomic"), 50, "android: HighAtomic by name");
    is_int(p.nblocks, 1, "android: mixed rows not taken as block rows");
    const struct km_pti_free *f = find_free(&p, 0, "Normal", "CMA");
    ok(f && f->capped == 4 && f->free[2] == 100000, "android: CMA order 2 capped");
    is_int(p.norders, 3, "android: 3 orders");
    km_pagetypeinfo_free(&p);

    tap_cases(parse, release, &p, bad_rows, KM_ARRAY_LEN(bad_rows));
    is_int(parse_str("Page block order: 9\nPages per blok: 512\n", &p, &pe), 0,
           "garbage after a header: the header kept");
    is_int(p.pageblock_order, 9, "garbage: pageblock order 9");
    is_int(pe.skipped, 1, "garbage: 1 line left out");
    is_int(pe.skip_line, 2, "garbage: line 2");
    km_pagetypeinfo_free(&p);
    is_int(parse_str("Page block order: 9", &p, &pe), 0, "header only, no newline: ok");
    is_int(p.pageblock_order, 9, "header only: order 9");
    km_pagetypeinfo_free(&p);

    /* unknown migrate type names are taken as they come */
    is_int(parse_str("Number of blocks type Unmovable Frobbed\nNode 3, zone Normal 5 6\n", &p, &pe),
           0, "unknown type name: ok");
    is_int(blocks(&p, 3, "Normal", "Frobbed"), 6, "unknown type: value by name");
    is_int(p.blocks[0].count[2], KM_NA, "unused type slot is KM_NA");
    km_pagetypeinfo_free(&p);
}

/* A good file with one line the parser cannot read in the middle: every other row kept. */
static void lenient(void)
{
    size_t len, n2;
    struct km_pagetypeinfo ref, p;
    struct km_perr pe = {0};
    char *good = tap_slurp("debian61-root/proc/pagetypeinfo", &len);
    if (km_parse_pagetypeinfo(good, len, &ref, NULL) != 0) {
        printf("Bail out! debian61 pagetypeinfo does not parse\n");
        exit(1);
    }
    char *buf = tap_insert_line(good, len, 6, "Node    0, zone    DMA32, type Movable 1 2", &n2);
    is_int(km_parse_pagetypeinfo(buf, n2, &p, &pe), 0, "short row inside: the file parses");
    is_int(p.nfree, ref.nfree, "short row inside: every free row kept");
    is_int(p.nblocks, ref.nblocks, "short row inside: every block row kept");
    is_int(p.ntypes, ref.ntypes, "short row inside: the same migrate types");
    is_int(pe.skipped, 1, "short row inside: 1 line left out");
    is_int(pe.skip_line, 7, "short row inside: it is line 7");
    const struct km_pti_free *f = find_free(&p, 0, "DMA32", "Movable");
    ok(f && f->free[10] == 203, "short row inside: node0 DMA32 Movable order 10 as without it");
    km_pagetypeinfo_free(&p);
    free(buf);

    const char *bad_hdr = "Free pages count per migrate type at order 0 1\n"
                          "Node 0, zone Normal, type Movable 1 2\n"
                          "Number of blocks type Movable Movable\n"
                          "Node 0, zone Normal 3 4\n"
                          "Node 1, zone Normal 5 6\n";
    memset(&pe, 0, sizeof(pe));
    is_int(km_parse_pagetypeinfo(bad_hdr, strlen(bad_hdr), &p, &pe), 0,
           "bad block header: the file parses");
    ok(p.nfree == 1 && p.nblocks == 0, "bad block header: free row kept, its block rows not");
    is_int(pe.skipped, 1, "bad block header: counted once");
    is_int(pe.skip_line, 3, "bad block header: line 3");
    ok(strstr(pe.skip_msg, "twice") && strstr(pe.skip_msg, "rows skipped with it"),
       "bad block header: says why, and that its rows went with it");
    km_pagetypeinfo_free(&p);
    km_pagetypeinfo_free(&ref);
    free(good);
}

int main(void)
{
    lenient();
    fixture_centos9();
    fixture_zte();
    fixture_mtk();
    fixture_hygon();
    edges();
    return tap_done();
}
