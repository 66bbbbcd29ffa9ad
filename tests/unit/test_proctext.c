/*
 * test_proctext.c - kmemtop's own meminfo and slabinfo parsers: real files,
 * and each edge case as {input, rc, skipped, line} (whole frames against
 * libproc2 are compared by tests/own-parsers.sh on every fixture).
 */
#include "kmemtop/proctext.h"

#include "../tap.h"

#include <errno.h>

#define KIB 1024LL

struct mem_case {
    const char *name, *in;
    int rc, skipped, line;
    int64_t total;
};

static void test_meminfo_cases(void)
{
    static const struct mem_case cases[] = {
        {"a minimal file", "MemTotal: 4 kB\n", 0, 0, 0, 4 * KIB},
        {"no newline at the end", "MemFree: 1 kB\nMemTotal: 8 kB", 0, 0, 0, 8 * KIB},
        {"CRLF lines", "MemTotal: 8 kB\r\nMemFree: 1 kB\r\n", 0, 0, 0, 8 * KIB},
        {"a garbage line is skipped", "MemTotal: 8 kB\nhello world\nMemFree: 1 kB\n", 0, 1, 2,
         8 * KIB},
        {"a bad number is skipped", "MemFree: x kB\nMemTotal: 8 kB\n", 0, 1, 1, 8 * KIB},
        {"an unknown unit is skipped", "MemTotal: 8 MB\nMemTotal: 9 kB\n", 0, 1, 1, 9 * KIB},
        {"a value past int64 bytes is skipped",
         "MemTotal: 9223372036854775807 kB\nMemTotal: 2 kB\n", 0, 1, 1, 2 * KIB},
        {"HugePages_Total (no unit) is fine", "MemTotal: 8 kB\nHugePages_Total: 0\n", 0, 0, 0,
         8 * KIB},
        {"no MemTotal: an error", "hello world\n", -EINVAL, 1, 1, 0},
        {"/etc/passwd's shape: an error", "root:x:0:0:root:/root:/bin/bash\n", -EINVAL, 1, 1, 0},
        {"an empty file: an error", "", -EINVAL, 0, 1, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct mem_case *c = &cases[i];
        struct km_meminfo m;
        struct km_perr err = {0};
        int rc = km_parse_meminfo(c->in, strlen(c->in), &m, &err);
        int skipped = err.skipped, line = rc ? err.line : err.skip_line;
        char name[256];
        snprintf(name, sizeof(name), "meminfo, %s: rc %d skipped %d line %d (%s%s)", c->name, rc,
                 skipped, line, err.msg, err.skip_msg);
        ok(rc == c->rc && skipped == c->skipped && (c->line == 0 || line == c->line) &&
               (rc || m.mem_total == c->total),
           name);
    }
}

static void test_meminfo_file(void)
{
    size_t len;
    char *buf = tap_slurp("debian61-root/proc/meminfo", &len);
    struct km_meminfo m;
    struct km_perr err = {0};
    is_int(km_parse_meminfo(buf, len, &m, &err), 0, "6.1 meminfo parses");
    is_int(err.skipped, 0, "  ... every line understood");
    is_int(m.mem_total, 2016528 * KIB, "  MemTotal");
    is_int(m.mem_available, 1749572 * KIB, "  MemAvailable");
    is_int(m.slab, 46236 * KIB, "  Slab");
    is_int(m.percpu, 1136 * KIB, "  Percpu");
    ok(KM_IS_NA(m.shadow_call_stack), "  no ShadowCallStack on x86: absent");
    ok(m.vmalloc_used_valid, "  VmallocUsed counted");
    free(buf);
    buf = tap_slurp("mtk-armv7-3.4/proc/meminfo", &len);
    is_int(km_parse_meminfo(buf, len, &m, &err), 0, "3.4 meminfo parses");
    ok(KM_IS_NA(m.mem_available) && KM_IS_NA(m.percpu) && KM_IS_NA(m.kreclaimable),
       "  3.4: MemAvailable, Percpu, KReclaimable absent");
    free(buf);
}

#define HDR "slabinfo - version: 2.1\n# name <active_objs> ...\n"
#define LINE(n) n " 10 20 64 64 1 : tunables 0 0 0 : slabdata 1 2 0\n"

struct slab_case {
    const char *name, *in;
    int rc, skipped, line;
    size_t n;
};

static void test_slabinfo_cases(void)
{
    static const struct slab_case cases[] = {
        {"one cache", HDR LINE("a"), 0, 0, 0, 1},
        {"no caches", HDR, 0, 0, 0, 0},
        {"version 1.1: an error", "slabinfo - version: 1.1\n" LINE("a"), -EINVAL, 0, 1, 0},
        {"no header: an error", LINE("a"), -EINVAL, 0, 1, 0},
        {"an empty file: an error", "", -EINVAL, 0, 1, 0},
        {"a short line is skipped", HDR "b 1 2 3\n" LINE("a"), 0, 1, 3, 1},
        {"a line without slabdata is skipped",
         HDR "b 10 20 64 64 1 : tunables 0 0 0 : xx 1 2 0\n" LINE("a"), 0, 1, 3, 1},
        {"a count past 2^32 is skipped",
         HDR "b 10 4294967296 64 64 1 : tunables 0 0 0 : slabdata 1 2 0\n" LINE("a"), 0, 1, 3, 1},
        {"a negative count is skipped",
         HDR "b -1 20 64 64 1 : tunables 0 0 0 : slabdata 1 2 0\n" LINE("a"), 0, 1, 3, 1},
        {"SLAB's statistics after slabdata",
         HDR
         "a 10 20 64 64 1 : tunables 120 60 8 : slabdata 1 2 0 : globalstat 1 2 3 : cpustat 1 2\n",
         0, 0, 0, 1},
        {"CRLF lines",
         "slabinfo - version: 2.1\r\n"
         "a 10 20 64 64 1 : tunables 0 0 0 : slabdata 1 2 0\r\n",
         0, 0, 0, 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct slab_case *c = &cases[i];
        struct km_slabs s;
        struct km_perr err = {0};
        int rc = km_parse_slabinfo(c->in, strlen(c->in), 4096, &s, &err);
        int skipped = err.skipped, line = rc ? err.line : err.skip_line;
        char name[256];
        snprintf(name, sizeof(name), "slabinfo, %s: rc %d skipped %d line %d n %zu (%s%s)", c->name,
                 rc, skipped, line, rc ? 0 : s.n, err.msg, err.skip_msg);
        ok(rc == c->rc && (rc || (skipped == c->skipped && s.n == c->n)) &&
               (c->line == 0 || line == c->line),
           name);
        if (rc == 0)
            km_slabs_free(&s);
    }
}

static void test_slabinfo_values(void)
{
    const char *in = HDR LINE("a") LINE("b") LINE("a");
    struct km_slabs s;
    struct km_perr err = {0};
    is_int(km_parse_slabinfo(in, strlen(in), 4096, &s, &err), 0, "three caches parse");
    is_int((long)s.n, 3, "  in file order");
    if (s.n == 3) {
        is_str(s.slabs[2].name, "a", "  the third is a");
        is_int(s.slabs[2].ordinal, 1, "  a duplicate name is numbered");
        is_int(s.slabs[0].active_objs, 10, "  active objects");
        is_int(s.slabs[0].num_objs, 20, "  objects");
        is_int(s.slabs[0].obj_size, 64, "  object size");
        is_int(s.slabs[0].active_slabs, 1, "  active slabs");
        is_int(s.slabs[0].num_slabs, 2, "  slabs");
        is_int(s.slabs[0].footprint, 2 * 1 * 4096, "  footprint = slabs x pages x page size");
        is_int(s.slabs[0].reclaimable, -1, "  reclaimable unknown until sysfs");
    }
    km_slabs_free(&s);
    const char *big = HDR "huge 4294967295 4294967295 64 64 8 : tunables 0 0 0 : "
                          "slabdata 4294967295 4294967295 0\n"
                          "over 1 1 64 64 4294967295 : tunables 0 0 0 : "
                          "slabdata 4294967295 4294967295 0\n";
    is_int(km_parse_slabinfo(big, strlen(big), 262144, &s, &err), 0, "the largest counts");
    ok(s.n == 2 && s.slabs[0].footprint == 4294967295LL * 8 * 262144,
       "  a large footprint is exact");
    ok(s.n == 2 && KM_IS_NA(s.slabs[1].footprint), "  one past int64 is unknown, not wrapped");
    km_slabs_free(&s);
    size_t len;
    char *buf = tap_slurp("debian61-root/proc/slabinfo", &len);
    memset(&err, 0, sizeof(err));
    is_int(km_parse_slabinfo(buf, len, 4096, &s, &err), 0, "6.1 slabinfo parses");
    is_int(err.skipped, 0, "  every line understood");
    is_int((long)s.n, 186, "  186 caches, as slabtop counts them");
    km_slabs_free(&s);
    free(buf);
}

int main(void)
{
    test_meminfo_cases();
    test_meminfo_file();
    test_slabinfo_cases();
    test_slabinfo_values();
    return tap_done();
}
