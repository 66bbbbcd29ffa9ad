/* test_vmstat.c - /proc/vmstat: a real capture, edge cases, rates by name. */
#include "kmemtop/vmstat.h"

#include "../tap.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void test_capture(void)
{
    size_t len;
    char *b = tap_slurp("pcp-laptop-a/proc/vmstat", &len);
    struct km_vmstat v;
    struct km_perr e = {0};
    is_int(km_parse_vmstat(b, len, &v, &e), 0, "pcp-laptop-a: parses");
    is_int(v.items.n, 118, "pcp-laptop-a: 118 counters");
    is_int(e.skipped, 0, "pcp-laptop-a: no line left out");
    is_int(km_vmstat_get(&v, "nr_free_pages"), 1159538, "nr_free_pages");
    is_int(km_vmstat_get(&v, "pgfault"), 414185127, "pgfault");
    is_int(km_vmstat_get(&v, "balloon_migrate"), 0, "the last line");
    ok(KM_IS_NA(km_vmstat_get(&v, "nr_no_such_counter")), "absent is not zero");
    ok(isnan(km_vmstat_rate(&v, "pgfault")), "no rate before a second read");
    km_vmstat_free(&v);
    free(b);
}

struct edge {
    const char *in;
    int rc, n, skipped, line;
};

static void test_edges(void)
{
    static const struct edge t[] = {
        {"", 0, 0, 0, 0},                              /* empty: nothing, and no error */
        {"a 1\nb 2", 0, 2, 0, 0},                      /* no trailing newline */
        {"a 1\n\n\nb 2\n", 0, 2, 0, 0},                /* blank lines */
        {"a 1\nb\nc 3\n", 0, 2, 1, 2},                 /* a name without a value */
        {"a 1 2\nb 2\n", 0, 1, 1, 1},                  /* an extra column */
        {"a x\nb 2\n", 0, 1, 1, 1},                    /* not a number */
        {"a -1\nb 2\n", 0, 1, 1, 1},                   /* the kernel prints unsigned */
        {"a 99999999999999999999\nb 2\n", 0, 1, 1, 1}, /* past 64 bits */
        {"a_name_that_is_far_too_long_for_the_table_kept 1\nb 2\n", 0, 1, 1, 1},
        {"x\ny\n", -EINVAL, 0, 2, 1}, /* nothing usable */
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        struct km_vmstat v;
        struct km_perr e = {0};
        char what[80];
        int rc = km_parse_vmstat(t[i].in, strlen(t[i].in), &v, &e);
        snprintf(what, sizeof(what), "edge %zu: rc, counters, lines left out, first", i);
        ok(rc == t[i].rc && (int)v.items.n == t[i].n && e.skipped == t[i].skipped &&
               e.skip_line == t[i].line,
           what);
        km_vmstat_free(&v);
    }
    struct km_vmstat v;
    const char *drift = "nr_mlock 18446744073709551615\n";
    is_int(km_parse_vmstat(drift, strlen(drift), &v, NULL), 0, "a drift below zero parses");
    is_int(km_vmstat_get(&v, "nr_mlock"), -1, "and is kept as the negative it is");
    km_vmstat_free(&v);
}

static void test_rates(void)
{
    struct km_vmstat a, b;
    const char *before = "pgfault 100\nnr_free_pages 50\ngone 7\n";
    const char *after = "nr_free_pages 40\npgfault 400\nnew 1\n"; /* another order */
    km_parse_vmstat(before, strlen(before), &a, NULL);
    km_parse_vmstat(after, strlen(after), &b, NULL);
    km_vmstat_rates(&b, &a, 2.0);
    is_dbl(km_vmstat_rate(&b, "pgfault"), 150.0, 1e-9, "pgfault: 300 in 2 s");
    is_dbl(km_vmstat_rate(&b, "nr_free_pages"), -5.0, 1e-9, "a gauge can fall");
    ok(isnan(km_vmstat_rate(&b, "new")), "a counter the earlier read lacked: no rate");
    km_vmstat_rates(&b, &a, 0);
    ok(isnan(km_vmstat_rate(&b, "pgfault")), "no time between the reads: no rate");
    km_vmstat_free(&a);
    km_vmstat_free(&b);
}

/* A file of more counters than any kernel prints: the rest is left out, counted. */
static void test_bound(void)
{
    struct km_buf b = {0};
    char line[64];
    for (int i = 0; i < KM_VMSTAT_MAX + 10; i++) {
        int n = snprintf(line, sizeof(line), "c%d %d\n", i, i);
        b.data = xrealloc(b.data, b.len + (size_t)n + 1);
        memcpy(b.data + b.len, line, (size_t)n + 1);
        b.len += (size_t)n;
    }
    struct km_vmstat v;
    struct km_perr pe = {0};
    is_int(km_parse_vmstat(b.data, b.len, &v, &pe), 0, "a huge vmstat parses");
    is_int((long)v.items.n, KM_VMSTAT_MAX, "  ... its first KM_VMSTAT_MAX counters");
    is_int(pe.skipped, 10, "  ... the rest counted as left out");
    is_int(pe.skip_line, KM_VMSTAT_MAX + 1, "  ... from the first one past the bound");
    km_vmstat_free(&v);
    km_buf_free(&b);
}

int main(void)
{
    test_capture();
    test_edges();
    test_rates();
    test_bound();
    return tap_done();
}
