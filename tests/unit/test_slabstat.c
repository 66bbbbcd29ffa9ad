/* test_slabstat.c - waste, leftover, use and slabtop's totals over made records. */
#include "kmemtop/slabstat.h"

#include "../tap.h"

#include <errno.h>
#include <math.h>

static struct km_slab cache(const char *name, int64_t active, int64_t objs, int64_t size,
                            int64_t per_slab, int64_t pages, int64_t slabs, long page_size)
{
    struct km_slab s = {.active_objs = active,
                        .num_objs = objs,
                        .obj_size = size,
                        .objs_per_slab = per_slab,
                        .pages_per_slab = pages,
                        .active_slabs = slabs,
                        .num_slabs = slabs,
                        .growth = NAN,
                        .reclaimable = -1,
                        .naliases = -1};
    snprintf(s.name, sizeof(s.name), "%s", name);
    s.footprint = slabs * pages * page_size;
    return s;
}

static void test_tcp_leftover(void)
{
    /* 8 pages = 32768 bytes hold 16 objects of 1984 bytes = 31744: 1024 left over */
    struct km_slab tcp = cache("TCP", 30, 32, 1984, 16, 8, 2, 4096);
    is_int(km_slab_leftover(&tcp, 4096), 1024, "TCP: 8 pages, 16 x 1984 leave 1024 per slab");
    is_int(km_slab_waste(&tcp), 2 * 32768 - 30 * 1984, "TCP: waste = footprint - active x size");
    is_int(km_slab_use_floor(&tcp), 93, "TCP: 30/32 is 93%");
    is_dbl(km_slab_use_pct(&tcp), 93.75, 1e-9, "TCP: use 93.75");
    is_int(km_slab_leftover(&tcp, 0), KM_NA, "no page size: leftover absent");
}

static void test_absent(void)
{
    struct km_slab e = cache("empty", 0, 0, 192, 21, 1, 0, 4096);
    ok(isnan(km_slab_use_pct(&e)), "no objects: use is NAN, not 0");
    is_int(km_slab_use_floor(&e), -1, "no objects: floor use -1");
    is_int(km_slab_waste(&e), 0, "no slabs: no waste");
    e.footprint = KM_NA;
    is_int(km_slab_waste(&e), KM_NA, "absent footprint: absent waste");
    struct km_slab big = cache("big", INT64_MAX / 2, INT64_MAX / 2, 4096, 1, 1, 1, 4096);
    is_int(km_slab_waste(&big), KM_NA, "overflowing product: absent, not wrapped");
    struct km_slab edge = cache("edge", 29, 100, 8, 512, 1, 1, 4096);
    is_int(km_slab_use_floor(&edge), 29, "29/100 is 29% (no float rounding down)");
}

static void test_summary(void)
{
    struct km_slab v[] = {
        cache("dentry", 29586, 29694, 192, 21, 1, 1414, 4096),
        cache("inode_cache", 20200, 20200, 640, 25, 4, 808, 4096),
        cache("empty", 0, 0, 8, 512, 1, 0, 4096),
    };
    v[0].growth = 100.5;
    v[1].growth = -0.5;
    struct km_slabs s = {.n = 3, .slabs = v};
    struct km_slab_summary t;
    km_slabs_summarize(&s, &t);
    is_int(t.caches, 3, "3 caches");
    is_int(t.active_caches, 2, "2 caches with objects");
    is_int(t.objs, 49894, "objects summed");
    is_int(t.active_objs, 49786, "active objects summed");
    is_int(t.slabs, 2222, "slabs summed");
    is_int(t.size, 29694LL * 192 + 20200LL * 640, "size = objects x object size");
    is_int(t.active_size, 29586LL * 192 + 20200LL * 640, "active size");
    is_int(t.min_obj_size, 8, "min over every cache, empty ones too (as slabtop)");
    is_int(t.max_obj_size, 640, "max");
    is_int(t.avg_obj_size, (29694LL * 192 + 20200LL * 640) / 49894, "avg = size / objects");
    is_int(t.footprint, 1414LL * 4096 + 808LL * 4 * 4096, "footprint summed");
    is_dbl(t.growth, 100.0, 1e-9, "growth summed over known rates");
    struct km_slabs none = {0};
    km_slabs_summarize(&none, &t);
    is_int(t.caches, 0, "no caches");
    is_int(t.min_obj_size, KM_NA, "no caches: min absent");
    is_int(t.avg_obj_size, KM_NA, "no objects: avg absent");
    ok(isnan(t.growth), "no caches: growth NAN");
}

static void test_node_tail(void)
{
    struct km_slab_node v[4];
    int64_t total = 0;
    is_int(km_parse_slab_nodes("1360 N0=878 N1=482", &total, v, 4), 2, "two nodes");
    is_int(total, 1360, "total");
    ok(v[0].node == 0 && v[0].slabs == 878 && v[1].node == 1 && v[1].slabs == 482, "pairs");
    is_int(km_parse_slab_nodes("7", &total, v, 4), 0, "no tail (no NUMA): no pairs");
    is_int(km_parse_slab_nodes("9 N250=9", &total, v, 4), 1, "sparse node id");
    is_int(v[0].node, 250, "node 250");
    is_int(km_parse_slab_nodes("5 N0=1 N1=1 N2=1", &total, v, 2), 2, "more nodes than room: max");
    is_int(km_parse_slab_nodes("5 N0=x", &total, v, 4), -EINVAL, "bad count");
    is_int(km_parse_slab_nodes("5 C0=1", &total, v, 4), -EINVAL, "not a node");
    is_int(km_parse_slab_nodes("5 N=1", &total, v, 4), -EINVAL, "no node id");
    is_int(km_parse_slab_nodes("", &total, v, 4), -EINVAL, "empty");
}

int main(void)
{
    test_node_tail();
    test_tcp_leftover();
    test_absent();
    test_summary();
    return tap_done();
}
