/* test_nodes.c - NUMA sysfs node parsers and reader on fixtures, edge cases, a temp tree. */
#include "kmemtop/nodes.h"

#include <errno.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"

#define KUNPENG "kunpeng-4node/sys/devices/system/node"

static struct km_node node(int id)
{
    struct km_node n;
    km_node_init(&n, id);
    return n;
}

static int parse_meminfo(const char *b, size_t len, void *n, struct km_perr *pe)
{
    return km_parse_node_meminfo(b, len, n, pe);
}

static int parse_numastat(const char *b, size_t len, void *n, struct km_perr *pe)
{
    return km_parse_numastat(b, len, n, pe);
}

static int parse_distance(const char *b, size_t len, void *n, struct km_perr *pe)
{
    return km_parse_distance(b, len, n, pe);
}

/* For the case tables: each case parses into a fresh record of node 0. */
static int parse_meminfo0(const char *b, size_t len, void *n, struct km_perr *pe)
{
    km_node_init(n, 0);
    return km_parse_node_meminfo(b, len, n, pe);
}

static int parse_numastat0(const char *b, size_t len, void *n, struct km_perr *pe)
{
    km_node_init(n, 0);
    return km_parse_numastat(b, len, n, pe);
}

static int meminfo_str(const char *s, struct km_node *n, struct km_perr *pe)
{
    return tap_parse_str(parse_meminfo, s, n, pe);
}

/* Lines node0/meminfo does not have, each the only line: an error naming line 1. */
static const struct tap_case meminfo_cases[] = {
    {"extra column: error", "Node 0 MemTotal: 1 kB extra\n", -EINVAL, 1},
    {"> 2^64: error", "Node 0 MemTotal: 18446744073709551616 kB\n", -EINVAL, 1},
    {"kB to bytes overflow: error", "Node 0 MemTotal: 9007199254740993 kB\n", -EINVAL, 1},
    {"truncated: error", "Node 0 MemTotal:\n", -EINVAL, 1},
    {"kept field without kB: error", "Node 0 MemTotal: 5\n", -EINVAL, 1},
    {"other node's line: error", "Node 1 MemTotal: 5 kB\n", -EINVAL, 1},
    {"garbage: error", "garbage\n", -EINVAL, 1},
    {"unknown field: ignored", "Node 0 Frobs: 5 kB\n", 0, 0},
};

static const struct tap_case numastat_cases[] = {
    {"numastat extra column: error", "numa_hit 1 2\n", -EINVAL, 1},
    {"numastat truncated: error", "numa_hit\n", -EINVAL, 1},
    {"numastat huge: error", "numa_hit 99999999999999999999\n", -EINVAL, 1},
};

static void init_and_table(void)
{
    struct km_node n = node(3);
    is_int(n.node, 3, "init: id");
    is_int(n.mem_total, KM_NA, "init: mem_total KM_NA");
    is_int(n.other_node, KM_NA, "init: other_node KM_NA");
    is_int(n.ncpus, -1, "init: ncpus -1");
    ok(n.has_cpu && n.has_memory && !n.sysfs, "init: has_cpu/has_memory true, not sysfs");
    ok(isnan(n.rate_numa_hit), "init: rates NAN");
    is_str(n.cpulist, "", "init: empty cpulist");

    struct km_nodes ns = {0};
    ok(km_nodes_find(&ns, 0) == NULL, "find in empty");
    km_nodes_get(&ns, 250);
    km_nodes_get(&ns, 0);
    km_nodes_get(&ns, 8);
    km_nodes_get(&ns, 8);
    is_int(ns.n, 3, "get: 3 distinct records");
    is_int(ns.nodes[0].node, 0, "sorted: 0");
    is_int(ns.nodes[1].node, 8, "sorted: 8");
    is_int(ns.nodes[2].node, 250, "sorted: 250");
    ok(km_nodes_find(&ns, 8) == &ns.nodes[1], "find 8");
    ok(km_nodes_find(&ns, 7) == NULL, "find missing 7");
    ok(km_nodes_get(&ns, KM_MAX_NODES) == NULL, "get: id out of range");
    ok(km_nodes_get(&ns, -1) == NULL, "get: negative id");
    km_nodes_free(&ns);
    is_int(ns.n, 0, "free resets");
}

static void parsers_fixture(void)
{
    struct km_node n = node(0);
    is_int(tap_parse_fixture(parse_meminfo, KUNPENG "/node0/meminfo", &n, NULL), 0,
           "kunpeng meminfo: parses");
    is_int(n.mem_total, 131732940LL * 1024, "kunpeng: MemTotal bytes");
    is_int(n.mem_free, 130167340LL * 1024, "kunpeng: MemFree bytes");
    is_int(n.mem_used, 1565600LL * 1024, "kunpeng: MemUsed bytes");
    is_int(n.file_pages, 624196LL * 1024, "kunpeng: FilePages");
    is_int(n.slab, 185864LL * 1024, "kunpeng: Slab");
    is_int(n.sreclaimable, 80320LL * 1024, "kunpeng: SReclaimable");
    is_int(n.sunreclaim, 105544LL * 1024, "kunpeng: SUnreclaim");
    is_int(n.kernel_stack, 9168LL * 1024, "kunpeng: KernelStack");
    is_int(n.page_tables, 3636LL * 1024, "kunpeng: PageTables");

    is_int(tap_parse_fixture(parse_numastat, KUNPENG "/node0/numastat", &n, NULL), 0,
           "kunpeng numastat: parses");
    is_int(n.numa_hit, 2969674, "numa_hit");
    is_int(n.numa_miss, 0, "numa_miss 0 (present)");
    is_int(n.interleave_hit, 595, "interleave_hit");
    is_int(n.local_node, 2968452, "local_node");
    is_int(n.other_node, 1222, "other_node");

    is_int(tap_parse_fixture(parse_distance, KUNPENG "/node2/distance", &n, NULL), 0,
           "kunpeng distance: parses");
    is_int(n.ndistance, 4, "4 distances");
    is_int(n.distance[0], 32, "distance[0]");
    is_int(n.distance[3], 16, "distance[3]");
}

static void parsers_edges(void)
{
    struct km_perr pe;
    struct km_node n = node(0);

    is_int(meminfo_str("", &n, &pe), 0, "meminfo empty: ok");
    is_int(n.mem_total, KM_NA, "meminfo empty: absent");
    is_int(meminfo_str("Node 0 ShadowCallStack:12345678 kB\nNode 0 HugePages_Total:     0\n"
                       "Node 0 Slab:  4 kB",
                       &n, &pe),
           0, "no space after colon, HugePages without kB, no newline: ok");
    is_int(n.slab, 4096, "Slab after ShadowCallStack");
    is_int(meminfo_str("Node 0 MemTotal: 1 kB\nNode 0 MemFree: 1 MB\n", &n, &pe), 0,
           "wrong unit: the line left out");
    ok(pe.skipped == 1 && pe.skip_line == 2, "wrong unit: line 2 counted");
    ok(n.mem_total == 1024 && KM_IS_NA(n.mem_free), "wrong unit: MemTotal kept, MemFree absent");
    n = node(0);
    is_int(meminfo_str("Node 0 MemFree: 1 MB\n", &n, &pe), -EINVAL, "wrong unit, only line: error");
    is_int(pe.line, 1, "wrong unit, only line: line 1");
    is_int(n.mem_free, KM_NA, "error leaves the record unchanged");
    tap_cases(parse_meminfo0, NULL, &n, meminfo_cases, KM_ARRAY_LEN(meminfo_cases));
    n = node(0);

    const char *ns = "numa_hit 1\nnuma_miss 2\nnew_counter 3\nother_node 4";
    is_int(km_parse_numastat(ns, strlen(ns), &n, &pe), 0, "numastat unknown key, no newline");
    is_int(n.other_node, 4, "numastat last line");
    is_int(n.numa_foreign, KM_NA, "numastat absent stays KM_NA");
    tap_cases(parse_numastat0, NULL, &n, numastat_cases, KM_ARRAY_LEN(numastat_cases));

    const char *d = " 10 20\n"; /* node 0 offline: leading blank */
    is_int(km_parse_distance(d, strlen(d), &n, &pe), 0, "distance with leading blank");
    is_int(n.ndistance, 2, "2 distances");
    is_int(n.distance[1], 20, "distance[1]");
    d = "10 x\n";
    is_int(km_parse_distance(d, strlen(d), &n, &pe), -EINVAL, "distance garbage: error");
    is_int(n.ndistance, 2, "distance error keeps the record");
    d = "10\n20\n";
    memset(&pe, 0, sizeof(pe));
    is_int(km_parse_distance(d, strlen(d), &n, &pe), 0, "distance two lines: the second left out");
    ok(pe.skipped == 1 && pe.skip_line == 2, "distance two lines: line 2 counted");
    ok(n.ndistance == 1 && n.distance[0] == 10, "distance two lines: the first kept");
    d = "10 x\n10 20\n";
    memset(&pe, 0, sizeof(pe));
    is_int(km_parse_distance(d, strlen(d), &n, &pe), 0, "bad distance line, then a good one: ok");
    ok(pe.skip_line == 1 && n.ndistance == 2 && n.distance[1] == 20,
       "bad distance line: left out, the good line kept");
    is_int(km_parse_distance("\n", 1, &n, &pe), 0, "distance bare newline");
    is_int(n.ndistance, 0, "no distances");
}

/* Good files with one line the parser cannot read in the middle: every other value kept. */
static void lenient(void)
{
    const char *base = "debian61-root/sys/devices/system/node/node1/";
    char rel[256];
    size_t len, n2;
    struct km_perr pe = {0};
    struct km_node ref = node(1), n = node(1);

    snprintf(rel, sizeof(rel), "%smeminfo", base);
    char *good = tap_slurp(rel, &len);
    char *buf = tap_insert_line(good, len, 3, "Node 1 Active(anon) 12 kB", &n2);
    km_parse_node_meminfo(good, len, &ref, NULL);
    is_int(km_parse_node_meminfo(buf, n2, &n, &pe), 0, "node meminfo, line without colon: ok");
    ok(pe.skipped == 1 && pe.skip_line == 4, "node meminfo: line 4 alone left out");
    ok(n.mem_total == ref.mem_total && n.slab == ref.slab && n.page_tables == ref.page_tables &&
           !KM_IS_NA(n.mem_total) && !KM_IS_NA(n.page_tables),
       "node meminfo: every other field as without it");
    free(buf);
    free(good);

    snprintf(rel, sizeof(rel), "%snumastat", base);
    good = tap_slurp(rel, &len);
    buf = tap_insert_line(good, len, 2, "numa_foreign", &n2);
    ref = node(1);
    n = node(1);
    memset(&pe, 0, sizeof(pe));
    km_parse_numastat(good, len, &ref, NULL);
    is_int(km_parse_numastat(buf, n2, &n, &pe), 0, "numastat, truncated line inside: ok");
    ok(pe.skipped == 1 && pe.skip_line == 3, "numastat: line 3 alone left out");
    ok(n.numa_hit == ref.numa_hit && n.numa_foreign == ref.numa_foreign &&
           n.other_node == ref.other_node && !KM_IS_NA(n.other_node),
       "numastat: every counter as without it");
    free(buf);
    free(good);
}

static void read_fixtures(void)
{
    char dir[4096], path[256] = "";
    struct km_nodes ns;
    struct km_perr pe = {0};
    const char *src = getenv("KM_SRCDIR");

    snprintf(dir, sizeof(dir), "%s/tests/fixtures/%s", src ? src : ".", KUNPENG);
    is_int(km_nodes_read_dir(dir, &ns, &pe, path, sizeof(path)), 0, "kunpeng read: ok");
    ok(ns.have_sysfs, "kunpeng: have_sysfs");
    is_int(ns.n, 4, "kunpeng: 4 nodes");
    ok(km_mask_test(ns.online, 3) && !km_mask_test(ns.online, 4), "kunpeng: online 0-3");
    struct km_node *n = km_nodes_find(&ns, 3);
    ok(n != NULL, "kunpeng: node 3");
    if (n) {
        ok(n->sysfs && n->has_cpu && n->has_memory, "kunpeng: node 3 flags");
        is_str(n->cpulist, "96-127", "kunpeng: cpulist without \\n\\0");
        is_int(n->ncpus, 32, "kunpeng: 32 CPUs");
        is_int(n->ndistance, 4, "kunpeng: 4 distances");
        is_int(n->distance[0], 33, "kunpeng: node 3 distance[0]");
        is_int(n->mem_total, 131062408LL * 1024, "kunpeng: node 3 MemTotal");
        is_int(n->other_node, 8113, "kunpeng: node 3 other_node");
    }
    km_nodes_free(&ns);

    snprintf(dir, sizeof(dir), "%s/tests/fixtures/debian61-root/sys/devices/system/node",
             src ? src : ".");
    is_int(km_nodes_read_dir(dir, &ns, &pe, path, sizeof(path)), 0, "debian61 read: ok");
    is_int(ns.n, 2, "debian61: 2 nodes");
    n = km_nodes_find(&ns, 1);
    if (n) {
        is_int(n->ncpus, 2, "debian61: node 1 has 2 CPUs");
        is_int(n->distance[0], 20, "debian61: node 1 distance[0]");
        is_int(n->numa_hit, 57709, "debian61: node 1 numa_hit");
        is_int(n->mem_total, 1031316LL * 1024, "debian61: node 1 MemTotal");
    }
    km_nodes_free(&ns);

    /* old capture: no online/has_* files, no cpulist or distance */
    snprintf(dir, sizeof(dir), "%s/tests/fixtures/pcp-xeon-2node/sys/devices/system/node",
             src ? src : ".");
    is_int(km_nodes_read_dir(dir, &ns, &pe, path, sizeof(path)), 0, "xeon read: ok");
    is_int(ns.n, 2, "xeon: nodes from node0/node1 directories");
    n = km_nodes_find(&ns, 1);
    if (n) {
        is_int(n->ncpus, -1, "xeon: no cpulist, ncpus unknown");
        is_int(n->ndistance, 0, "xeon: no distance");
        ok(n->has_cpu && n->has_memory, "xeon: flags unknown -> true");
        is_int(n->numa_hit, 281361558, "xeon: numa_hit");
        is_int(n->kernel_stack, 6000LL * 1024, "xeon: KernelStack");
    }
    km_nodes_free(&ns);

    strcpy(path, "unchanged");
    is_int(km_nodes_read_dir("/nonexistent/kmemtop/node", &ns, &pe, path, sizeof(path)), -ENOENT,
           "missing directory: -ENOENT");
    is_str(path, "/nonexistent/kmemtop/node", "missing directory: errpath");
    ok(!ns.have_sysfs && ns.n == 0, "missing directory: nothing");
}

static void put(const char *dir, const char *rel, const char *text, size_t len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(text, 1, len, f);
        fclose(f);
    }
}

#define PUT(dir, rel, lit) put(dir, rel, lit, sizeof(lit) - 1)

/* sparse ids, bare "\n" list, a malformed and a missing per-node file */
static void read_temp_tree(void)
{
    char dir[] = "/tmp/km-test-nodes-XXXXXX", sub[4200], path[4096] = "";
    if (!mkdtemp(dir)) {
        ok(0, "mkdtemp");
        return;
    }
    const int ids[] = {0, 8, 250};
    for (size_t i = 0; i < 3; i++) {
        snprintf(sub, sizeof(sub), "%s/node%d", dir, ids[i]);
        mkdir(sub, 0755);
    }
    PUT(dir, "online", "0,8,250\n");
    PUT(dir, "possible", "0-255\n");
    PUT(dir, "has_cpu", "0,250\n");
    PUT(dir, "has_memory", "\n");
    PUT(dir, "node0/meminfo", "Node 0 MemTotal: 4 kB\n");
    PUT(dir, "node8/meminfo", "Node 8 MemTotal: lots kB\n");
    PUT(dir, "node8/numastat", "numa_hit 7\n");
    PUT(dir, "node250/meminfo", "Node 250 MemTotal: 8 kB\n");
    PUT(dir, "node250/cpulist", "0-3,8\n\0");

    struct km_nodes ns;
    struct km_perr pe = {0};
    is_int(km_nodes_read_dir(dir, &ns, &pe, path, sizeof(path)), -EINVAL,
           "temp: malformed -> EINVAL");
    snprintf(sub, sizeof(sub), "%s/node8/meminfo", dir);
    is_str(path, sub, "temp: errpath names the file");
    is_int(pe.line, 1, "temp: error line");
    is_int(ns.n, 3, "temp: all 3 nodes read");
    ok(km_mask_test(ns.possible, 255), "temp: possible mask");
    struct km_node *n = km_nodes_find(&ns, 8);
    if (n) {
        is_int(n->numa_hit, 7, "temp: node 8 numastat read after its bad meminfo");
        is_int(n->mem_total, KM_NA, "temp: node 8 MemTotal absent");
        ok(!n->has_cpu, "temp: node 8 has no CPU");
        ok(!n->has_memory, "temp: bare newline has_memory -> no memory");
    }
    n = km_nodes_find(&ns, 250);
    if (n) {
        ok(n->sysfs, "temp: node 250 from sysfs");
        is_int(n->mem_total, 8192, "temp: node 250 MemTotal");
        is_int(n->ncpus, 5, "temp: node 250 cpulist ending in \\n\\0");
        is_str(n->cpulist, "0-3,8", "temp: node 250 cpulist text");
        is_int(n->numa_hit, KM_NA, "temp: missing numastat -> KM_NA");
    }
    km_nodes_free(&ns);

    /* a line left out in one file: no error; the count and the file come back */
    PUT(dir, "node8/meminfo", "Node 8 MemTotal: 2 kB\nNode 8 MemFree: lots kB\n");
    PUT(dir, "node8/numastat", "numa_hit 7\nnuma_miss\nnuma_foreign 2 3\n");
    memset(&pe, 0, sizeof(pe));
    is_int(km_nodes_read_dir(dir, &ns, &pe, path, sizeof(path)), 0, "temp: lines left out, ok");
    ok(pe.skipped == 3 && pe.skip_line == 2, "temp: 3 lines left out, the first on line 2");
    snprintf(sub, sizeof(sub), "%s/node8/meminfo", dir);
    is_str(path, sub, "temp: errpath names the first one's file");
    n = km_nodes_find(&ns, 8);
    ok(n && n->mem_total == 2048 && n->numa_hit == 7, "temp: node 8 keeps what it could read");
    km_nodes_free(&ns);

    PUT(dir, "node8/meminfo", "Node 8 MemTotal: 2 kB\n");
    PUT(dir, "node8/numastat", "numa_hit 7\n");
    PUT(dir, "online", "zero\n");
    is_int(km_nodes_read_dir(dir, &ns, &pe, path, sizeof(path)), -EINVAL, "temp: bad online list");
    snprintf(sub, sizeof(sub), "%s/online", dir);
    is_str(path, sub, "temp: errpath online");
    is_int(ns.n, 3, "temp: falls back to nodeN directories");
    km_nodes_free(&ns);

    /* the live read: the topology kept for KM_NODES_TOPO_AGE s while the online mask holds */
    PUT(dir, "online", "0,8,250\n");
    PUT(dir, "node250/cpulist", "0-3\n");
    PUT(dir, "node0/distance", "10 20 30\n");
    struct km_nodes_topo *t = km_nodes_topo_new();
    memset(&pe, 0, sizeof(pe));
    is_int(km_nodes_read_cached(dir, t, 100, 10, &ns, &pe, path, sizeof(path)), 0,
           "topology: the first read reads everything");
    n = km_nodes_find(&ns, 250);
    ok(n && n->ncpus == 4 && ns.n == 3, "topology: 3 nodes, node 250's 4 CPUs");
    km_nodes_free(&ns);
    PUT(dir, "node250/cpulist", "0-7\n");
    PUT(dir, "node0/distance", "10 21 31\n");
    PUT(dir, "possible", "0-511\n");
    PUT(dir, "node0/meminfo", "Node 0 MemTotal: 12 kB\n");
    is_int(km_nodes_read_cached(dir, t, 105, 10, &ns, &pe, path, sizeof(path)), 0,
           "topology: 5 s later, read on the kept topology");
    n = km_nodes_find(&ns, 250);
    struct km_node *n0 = km_nodes_find(&ns, 0);
    ok(n && n->ncpus == 4 && n0 && n0->ndistance == 3 && n0->distance[1] == 20 &&
           !km_mask_test(ns.possible, 300),
       "topology: cpulist, distance and the possible mask kept");
    ok(n0 && n0->mem_total == 12 * 1024, "topology: meminfo, a counter, read again");
    ok(n && n->has_cpu && n0 && n0->has_cpu && km_nodes_find(&ns, 8) &&
           !km_nodes_find(&ns, 8)->has_cpu,
       "topology: has_cpu as kept");
    km_nodes_free(&ns);
    is_int(km_nodes_read_cached(dir, t, 111, 10, &ns, &pe, path, sizeof(path)), 0,
           "topology: 11 s later, read again");
    n = km_nodes_find(&ns, 250);
    n0 = km_nodes_find(&ns, 0);
    ok(n && n->ncpus == 8 && n0 && n0->distance[1] == 21 && km_mask_test(ns.possible, 300),
       "topology: the new cpulist, distance and possible mask");
    km_nodes_free(&ns);
    PUT(dir, "node250/cpulist", "0\n");
    PUT(dir, "online", "0,250\n");
    is_int(km_nodes_read_cached(dir, t, 112, 10, &ns, &pe, path, sizeof(path)), 0,
           "topology: a node gone offline: read again at once");
    n = km_nodes_find(&ns, 250);
    ok(ns.n == 2 && n && n->ncpus == 1, "topology: 2 nodes, node 250's new cpulist");
    km_nodes_free(&ns);
    PUT(dir, "node250/cpulist", "zz\n");
    is_int(km_nodes_read_cached(dir, t, 130, 10, &ns, &pe, path, sizeof(path)), -EINVAL,
           "topology: a bad cpulist is said");
    km_nodes_free(&ns);
    PUT(dir, "node250/cpulist", "0-1\n");
    is_int(km_nodes_read_cached(dir, t, 131, 10, &ns, &pe, path, sizeof(path)), 0,
           "topology: a read with an error is not kept: read again");
    n = km_nodes_find(&ns, 250);
    ok(n && n->ncpus == 2, "topology: the mended cpulist");
    km_nodes_free(&ns);
    PUT(dir, "online", "zero\n");
    is_int(km_nodes_read_cached(dir, t, 132, 10, &ns, &pe, path, sizeof(path)), -EINVAL,
           "topology: a bad online list on a kept topology is said (full read)");
    is_int(ns.n, 3, "topology: ... and falls back to nodeN directories");
    km_nodes_free(&ns);
    km_nodes_topo_free(&t);
    ok(t == NULL, "topology: freed");

    const char *rm[] = {"online",          "possible",      "has_cpu",        "has_memory",
                        "node0/meminfo",   "node8/meminfo", "node8/numastat", "node250/meminfo",
                        "node250/cpulist", "node0/distance", "node0",         "node8",
                        "node250"};
    for (size_t i = 0; i < KM_ARRAY_LEN(rm); i++) {
        snprintf(sub, sizeof(sub), "%s/%s", dir, rm[i]);
        if (remove(sub) != 0)
            printf("# cannot remove %s\n", sub);
    }
    rmdir(dir);
}

int main(void)
{
    init_and_table();
    parsers_fixture();
    parsers_edges();
    lenient();
    read_fixtures();
    read_temp_tree();
    return tap_done();
}
