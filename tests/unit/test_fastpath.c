/*
 * test_fastpath.c - the lines vmstat's and zoneinfo's parsers read without the tokenizer
 * ("name 123", "  nr_free_pages 123", "  min      11", "  count: 5") give what the
 * tokenizer gives.
 *
 * The tokenizer takes a tab as it takes a blank, and the fast readers take blanks only: the
 * same input with every blank turned into a tab goes the tokenizer's way alone, and must
 * parse to the same items, values, zones, errors and lines left out. Checked on every
 * fixture's file and on mutations of them (fuzz.h: fixed seed, KM_FUZZ_SCALE).
 */
#include "kmemtop/vmstat.h"
#include "kmemtop/zoneinfo.h"

#include "fuzz.h"
#include "kv_same.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static char *tabbed(const char *p, size_t len)
{
    char *t = malloc(len ? len : 1);
    for (size_t i = 0; i < len; i++)
        t[i] = p[i] == ' ' ? '\t' : p[i];
    return t;
}

static bool same_perr(const struct km_perr *a, const struct km_perr *b)
{
    return a->line == b->line && strcmp(a->msg, b->msg) == 0 && a->skipped == b->skipped &&
           a->skip_line == b->skip_line && strcmp(a->skip_msg, b->skip_msg) == 0;
}

/* Whether a and b (vmstat) parse alike; what differs first into why. */
static bool vmstat_alike(const char *a, const char *b, size_t len, char *why, size_t n)
{
    struct km_vmstat x, y;
    struct km_perr ex = {0}, ey = {0};
    int rx = km_parse_vmstat(a, len, &x, &ex), ry = km_parse_vmstat(b, len, &y, &ey);
    bool same = rx == ry && same_perr(&ex, &ey) && (rx != 0 || kv_same(&x.items, &y.items));
    if (!same)
        snprintf(why, n, "rc %d/%d, %zu/%zu counters, skipped %d/%d (%s | %s)", rx, ry,
                 rx ? 0 : x.items.n, ry ? 0 : y.items.n, ex.skipped, ey.skipped, ex.skip_msg,
                 ey.skip_msg);
    if (rx == 0)
        km_vmstat_free(&x);
    if (ry == 0)
        km_vmstat_free(&y);
    return same;
}

static bool same_zone(const struct km_zone *a, const struct km_zone *b)
{
    return a->node == b->node && strcmp(a->zone, b->zone) == 0 && a->free == b->free &&
           a->boost == b->boost && a->min == b->min && a->low == b->low && a->high == b->high &&
           a->promo == b->promo && a->spanned == b->spanned && a->present == b->present &&
           a->managed == b->managed && a->cma == b->cma && a->start_pfn == b->start_pfn &&
           a->nprotection == b->nprotection &&
           memcmp(a->protection, b->protection, sizeof(a->protection)) == 0 &&
           a->node_unreclaimable == b->node_unreclaimable && a->ncpus == b->ncpus &&
           a->pcp_count == b->pcp_count && kv_same(&a->stats, &b->stats);
}

static bool zoneinfo_alike(const char *a, const char *b, size_t len, char *why, size_t n)
{
    struct km_zoneinfo x, y;
    struct km_perr ex = {0}, ey = {0};
    int rx = km_parse_zoneinfo(a, len, &x, &ex), ry = km_parse_zoneinfo(b, len, &y, &ey);
    bool same = rx == ry && same_perr(&ex, &ey);
    if (same && rx == 0) {
        same = x.nzones == y.nzones && x.nnodes == y.nnodes;
        for (size_t i = 0; same && i < x.nzones; i++)
            same = same_zone(&x.zones[i], &y.zones[i]);
        for (size_t i = 0; same && i < x.nnodes; i++)
            same =
                x.nodes[i].node == y.nodes[i].node && kv_same(&x.nodes[i].stats, &y.nodes[i].stats);
    }
    if (!same)
        snprintf(why, n, "rc %d/%d, %zu/%zu zones, skipped %d/%d (%s | %s)", rx, ry,
                 rx ? 0 : x.nzones, ry ? 0 : y.nzones, ex.skipped, ey.skipped, ex.skip_msg,
                 ey.skip_msg);
    if (rx == 0)
        km_zoneinfo_free(&x);
    if (ry == 0)
        km_zoneinfo_free(&y);
    return same;
}

typedef bool (*alike_fn)(const char *, const char *, size_t, char *, size_t);

/* Every fixture's proc/FILE, as it is and mutated iters times in all; returns the seeds. */
static int check(const char *file, alike_fn alike, int iters)
{
    char *seed[64];
    size_t seedlen[64];
    int nseeds = 0, bad_n = 0;
    char first[400] = "";
    const char *src = getenv("KM_SRCDIR");
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/tests/fixtures", src ? src : ".");
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) && nseeds < 64) {
        if (e->d_name[0] == '.')
            continue;
        char path[4600];
        snprintf(path, sizeof(path), "%s/%s/proc/%s", dir, e->d_name, file);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        fclose(f);
        snprintf(path, sizeof(path), "%s/proc/%s", e->d_name, file);
        seed[nseeds] = tap_slurp(path, &seedlen[nseeds]);
        nseeds++;
    }
    if (d)
        closedir(d);
    struct mbuf mb = {0};
    cur_target = file; /* named by a sanitizer's report (fuzz.h) */
    for (int i = -nseeds; i < iters && nseeds > 0; i++) {
        int k = i < 0 ? i + nseeds : i % nseeds; /* each seed as it is first */
        if (i < 0) {
            mb.len = 0;
            mb_insert(&mb, 0, seed[k], seedlen[k]);
        } else {
            mutate(&mb, seed[k], seedlen[k]);
        }
        cur_seed = file;
        cur_iter = i;
        char *p = exact(&mb), *t = tabbed(p, mb.len), why[300];
        if (!alike(p, t, mb.len, why, sizeof(why)) && bad_n++ == 0)
            snprintf(first, sizeof(first), "seed %d, iteration %d: %s", k, i, why);
        free(p);
        free(t);
    }
    char name[200];
    snprintf(name, sizeof(name),
             "%s: %d fixtures and %d mutations parse as the tokenizer "
             "reads them",
             file, nseeds, iters);
    if (!ok(nseeds > 0 && bad_n == 0, name))
        printf("#   %d differ; the first: %s\n", bad_n, first);
    for (int i = 0; i < nseeds; i++)
        free(seed[i]);
    free(mb.p);
    return nseeds;
}

/* Lines each fast reader must leave to the tokenizer, and what it must make of the rest. */
static void edges(void)
{
    static const char *const vm[] = {
        "a 1\nb  2\nc\t3\n d 4\ne 5 \nf 6\r\ng -7\nh 1234567890123456789\ni 12345678901234567890\n",
        "k 00001\nl 1x\nm 18446744073709551615\n\0n 5\nop\n",
        "a_name_that_is_far_too_long_for_the_table_kept 1\nname_of_exactly_39_bytes_for_the_key_ok "
        "2\n",
    };
    for (size_t i = 0; i < KM_ARRAY_LEN(vm); i++) {
        size_t len = strlen(vm[i]) + (i == 1 ? 6 : 0); /* the second with a NUL inside */
        char *t = tabbed(vm[i], len), why[300] = "";
        bool same = vmstat_alike(vm[i], t, len, why, sizeof(why));
        char name[80];
        snprintf(name, sizeof(name), "vmstat edge %zu: as the tokenizer reads it", i);
        if (!ok(same, name))
            printf("#   %s\n", why);
        free(t);
    }
    static const char *const zi[] = {
        "Node 0, zone DMA\n  pages free 5\n  min 1\n  low      2\n  high -3\n  x: 4\n  :5\n"
        "  5 6\n  -a 7\n  (b 8\n  c 9 10\n  d 0x5\n  e 1234567890123456789\n  f 12345678901234567\n"
        "  protection: (0, 1)\n  Node 3\n  pagesets\n    cpu: 0\n              count: 7\n"
        "              high:  8\n              batch: 1\n  vm stats threshold: 2\n",
        "Node 0, zone Normal\n  per-node stats\n      nr_a 1\n      pages 2\n      nr_b\t3\n"
        "      nr_c 4 \n  pages free     9\n        min      1\n  node_unreclaimable: 0\n"
        "  start_pfn:           4096\n  key_of_exactly_forty_bytes_far_too_long_x 3\n",
        "  nr_before_any_zone 1\nNode 0, zone DMA\n  managed 18446744073709551615\n  spanned 5\n",
    };
    for (size_t i = 0; i < KM_ARRAY_LEN(zi); i++) {
        size_t len = strlen(zi[i]);
        char *t = tabbed(zi[i], len), why[300] = "";
        bool same = zoneinfo_alike(zi[i], t, len, why, sizeof(why));
        char name[80];
        snprintf(name, sizeof(name), "zoneinfo edge %zu: as the tokenizer reads it", i);
        if (!ok(same, name))
            printf("#   %s\n", why);
        free(t);
    }
}

int main(void)
{
    double scale = fuzz_init();
    edges();
    check("vmstat", vmstat_alike, (int)(4000 * scale));
    check("zoneinfo", zoneinfo_alike, (int)(4000 * scale));
    return tap_done();
}
