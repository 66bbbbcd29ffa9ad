/*
 * test_values.c - values no kernel prints (issue 9). The saturating helpers
 * and the ranges of include/kmemtop/sat.h; the parsers refusing what no
 * kernel prints, right at the limit; the module join at any page size; and
 * every view, text and JSON, on a sample of debian61-root whose records were
 * then given values no parser lets through (the views must still neither
 * overflow nor show a wrapped figure: a saturated size shows as 8.00E).
 * Built with the sanitizers, any overflow aborts the test.
 */
#include "../../ui/frame.h"
#include "../../ui/views.h"
#include "kmemtop/frag.h"
#include "kmemtop/modjoin.h"
#include "kmemtop/sat.h"

#include <errno.h>
#include <limits.h>
#include <math.h>

#include "../tap.h"

#define FX "debian61-root/"

/* ---- the helpers --------------------------------------------------------------------- */

static void test_helpers(void)
{
    is_int(km_sat_add(INT64_MAX, 1), INT64_MAX, "add: sticks at INT64_MAX");
    is_int(km_sat_add(-INT64_MAX, -1), -INT64_MAX, "add: sticks at -INT64_MAX, never KM_NA");
    is_int(km_sat_add(KM_NA, 1), KM_NA, "add: absent stays absent");
    is_int(km_sat_add(40, 2), 42, "add: in range, exact");
    is_int(km_sat_mul(INT64_MAX, 4096), INT64_MAX, "mul: sticks at INT64_MAX");
    is_int(km_sat_mul(INT64_MIN + 1, 2), -INT64_MAX, "mul: negative overflow sticks");
    is_int(km_sat_mul(-1, INT64_MAX), -INT64_MAX, "mul: -INT64_MAX is exact");
    is_int(km_sat_mul(KM_NA, 0), KM_NA, "mul: absent times 0 is absent");
    is_int(km_sat_mul(512, 4096), 2097152, "mul: in range, exact");
    is_int(km_sat_shl(4096, 62), INT64_MAX, "shl: 4096 << 62 sticks");
    is_int(km_sat_shl(1, 63), INT64_MAX, "shl: by 63 sticks");
    is_int(km_sat_shl(4096, 1000), INT64_MAX, "shl: by 1000 sticks");
    is_int(km_sat_shl(0, 1000), 0, "shl: 0 stays 0");
    is_int(km_sat_shl(4096, 9), 2097152, "shl: in range, exact");
    int64_t acc = KM_NA;
    km_sat_acc(&acc, KM_NA);
    is_int(acc, KM_NA, "acc: no present term, still absent");
    km_sat_acc(&acc, INT64_MAX);
    km_sat_acc(&acc, INT64_MAX);
    is_int(acc, INT64_MAX, "acc: sums stick at INT64_MAX");

    ok(km_page_size_ok(4096) && km_page_size_ok(65536) && km_page_size_ok(262144),
       "page sizes 4K, 64K, 256K");
    ok(!km_page_size_ok(2048) && !km_page_size_ok(524288) && !km_page_size_ok(12288) &&
           !km_page_size_ok(0) && !km_page_size_ok(-4096) && !km_page_size_ok(LONG_MAX),
       "no 2K, 512K, 12K, 0, negative or LONG_MAX page size");
    ok(km_blocks_ok((uint64_t)KM_PAGES_MAX, 0) && !km_blocks_ok((uint64_t)KM_PAGES_MAX + 1, 0),
       "order 0: up to KM_PAGES_MAX blocks");
    ok(km_blocks_ok((uint64_t)INT64_MAX >> 28, 10) &&
           !km_blocks_ok(((uint64_t)INT64_MAX >> 28) + 1, 10),
       "order 10: count * 256K * 1024 fits int64, one more does not");
    ok(!km_blocks_ok(1, 45) && !km_blocks_ok(0, -1), "no order 45 or -1");
    ok(km_seconds_ok(0) && km_seconds_ok(1400.5) && km_seconds_ok(3e9), "uptimes 0, 1400.5, 3e9");
    ok(!km_seconds_ok(INFINITY) && !km_seconds_ok(NAN) && !km_seconds_ok(1e19) &&
           !km_seconds_ok(-1) && !km_seconds_ok(4e9),
       "no uptime inf, nan, 1e19, -1, 4e9 (126 years)");
    ok(km_epoch_ok(1700000000) && !km_epoch_ok(0) && !km_epoch_ok(1e20) && !km_epoch_ok(NAN) &&
           !km_epoch_ok(-INFINITY),
       "capture times: 2023 yes; 0, 1e20, nan, -inf no");
}

/* ---- the parsers at the limits -------------------------------------------------------- */

static int buddy(const char *text, struct km_perr *pe)
{
    struct km_buddyinfo bi;
    int rc = km_parse_buddyinfo(text, strlen(text), &bi, pe);
    if (rc == 0)
        km_buddyinfo_free(&bi);
    return rc;
}

static int pti(const char *text, struct km_perr *pe)
{
    struct km_pagetypeinfo p;
    int rc = km_parse_pagetypeinfo(text, strlen(text), &p, pe);
    if (rc == 0)
        km_pagetypeinfo_free(&p);
    return rc;
}

static int zone_free(const char *value, struct km_perr *pe)
{
    char text[200];
    snprintf(text, sizeof(text), "Node 0, zone   Normal\n  pages free     %s\n        min      1\n",
             value);
    struct km_zoneinfo zi;
    int rc = km_parse_zoneinfo(text, strlen(text), &zi, pe);
    if (rc == 0)
        km_zoneinfo_free(&zi);
    return rc;
}

/*
 * A value no kernel prints is refused: the line is left out and counted
 * (the file's other lines still read), or, when nothing else in the input is
 * usable, the file is an error naming that line. Either way msg says why.
 */
static void refused(int rc, const struct km_perr *pe, const char *msg, int line, const char *name)
{
    bool skipped =
        rc == 0 && pe->skipped == 1 && strstr(pe->skip_msg, msg) && pe->skip_line == line;
    bool failed = rc == -EINVAL && strstr(pe->msg, msg) && pe->line == line;
    if (!ok(skipped || failed, name))
        printf("#   rc %d, line %d \"%s\", skipped %d at %d \"%s\"; want \"%s\" at %d\n", rc,
               pe->line, pe->msg, pe->skipped, pe->skip_line, pe->skip_msg, msg, line);
}

static void test_parsers(void)
{
    struct km_perr pe = {0};
    /* order 2: INT64_MAX >> 20 blocks are the most whose bytes fit at 256K pages */
    is_int(buddy("Node 0, zone Normal 1 2 8796093022207\n", &pe), 0,
           "buddyinfo: order-2 count 2^43-1 read");
    pe = (struct km_perr){0};
    refused(buddy("Node 0, zone Normal 1 2 8796093022208\n", &pe), &pe,
            "order 2: out-of-range count \"8796093022208\"", 1,
            "buddyinfo: order-2 count 2^43 refused");

    static const char hdr[] = "Page block order: %d\nPages per block:  %ld\n";
    char text[200];
    snprintf(text, sizeof(text), hdr, 15, 32768L);
    pe = (struct km_perr){0};
    is_int(pti(text, &pe), 0, "pagetypeinfo: page block order 15 read");
    snprintf(text, sizeof(text), hdr, 16, 65536L);
    pe = (struct km_perr){0};
    refused(pti(text, &pe), &pe, "value 16 out of range (0 to 15)", 1,
            "pagetypeinfo: page block order 16 refused");
    snprintf(text, sizeof(text), hdr, 62, 1L);
    pe = (struct km_perr){0};
    refused(pti(text, &pe), &pe, "value 62 out of range (0 to 15)", 1,
            "pagetypeinfo: page block order 62 refused");
    pe = (struct km_perr){0};
    refused(pti("Free pages count per migrate type at order 0 1\n"
                "Node 0, zone Normal, type Movable 1 17592186044416\n",
                &pe),
            &pe, "order 1: out-of-range count \"17592186044416\"", 2,
            "pagetypeinfo: order-1 count 2^44 refused");

    pe = (struct km_perr){0};
    is_int(zone_free("35184372088831", &pe), 0, "zoneinfo: pages free 2^45-1 read");
    const char *bad[] = {"35184372088832", "9223372036854775807", "-1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char name[128];
        snprintf(name, sizeof(name), "zoneinfo: pages free %s refused", bad[i]);
        pe = (struct km_perr){0};
        int rc = zone_free(bad[i], &pe);
        refused(rc, &pe, "\"pages free\"", 2, name);
    }
}

static void contains_word(const char *line, const char *word, const char *name)
{
    if (!ok(strstr(line, word) != NULL, name))
        printf("#   no \"%s\" in: %s\n", word, line);
}

/* ---- a sample of debian61-root --------------------------------------------------------- */

#define LOAD(rel, parse, out)                                                                      \
    do {                                                                                           \
        size_t len_;                                                                               \
        char *b_ = tap_slurp(FX rel, &len_);                                                       \
        struct km_perr pe_ = {0};                                                                  \
        if (parse(b_, len_, out, &pe_) != 0) {                                                     \
            printf("Bail out! %s line %d: %s\n", rel, pe_.line, pe_.msg);                          \
            exit(1);                                                                               \
        }                                                                                          \
        free(b_);                                                                                  \
    } while (0)

static void load_sample(struct km_sample *s, long page_size)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->kernel, sizeof(s->kernel), "6.1.0-56-amd64");
    snprintf(s->root, sizeof(s->root), "tree");
    s->page_size = page_size;
    s->page_size_src = KM_PS_RECORDED;
    s->uptime = -1;
    LOAD("proc/modules", km_parse_modules, &s->mods);
    LOAD("proc/vmallocinfo", km_parse_vmallocinfo, &s->vm);
    LOAD("proc/zoneinfo", km_parse_zoneinfo, &s->zi);
    LOAD("proc/buddyinfo", km_parse_buddyinfo, &s->bi);
    LOAD("proc/pagetypeinfo", km_parse_pagetypeinfo, &s->pti);
    char dir[4096], path[256];
    struct km_perr pe;
    snprintf(dir, sizeof(dir), "%s/tests/fixtures/" FX "sys/devices/system/node",
             getenv("KM_SRCDIR") ? getenv("KM_SRCDIR") : ".");
    if (km_nodes_read_dir(dir, &s->nodes, &pe, path, sizeof(path)) != 0) {
        printf("Bail out! %s line %d: %s\n", path, pe.line, pe.msg);
        exit(1);
    }
    for (int i = 0; i < KM_SRC_COUNT; i++)
        s->src[i].status = KM_ST_OK;
    s->src[KM_SRC_MEMINFO].status = s->src[KM_SRC_SLABINFO].status = KM_ST_MISSING;
    snprintf(s->src[KM_SRC_MEMINFO].reason, sizeof(s->src[0].reason), "not in this test");
    snprintf(s->src[KM_SRC_SLABINFO].reason, sizeof(s->src[0].reason), "not in this test");
}

/* Values no parser lets through, in the records the views read. */
static void poison(struct km_sample *s)
{
    s->wall = 1e20;
    s->uptime = INFINITY;
    for (size_t i = 0; i < s->zi.nzones; i++) {
        struct km_zone *z = &s->zi.zones[i];
        z->free = z->managed = z->present = z->spanned = INT64_MAX;
        z->min = z->low = z->high = INT64_MAX - 1;
        for (int k = 0; k < z->nprotection; k++)
            z->protection[k] = INT64_MAX;
    }
    for (size_t i = 0; i < s->nodes.n; i++)
        s->nodes.nodes[i].mem_total = s->nodes.nodes[i].mem_free = KM_NA; /* zones decide */
    for (size_t i = 0; i < s->bi.n; i++)
        s->bi.zones[i].free[s->bi.zones[i].norders - 1] = INT64_MAX;
    for (size_t i = 0; i < s->pti.nfree; i++)
        s->pti.free[i].free[0] = INT64_MAX;
    for (size_t i = 0; i < s->pti.nblocks; i++)
        for (int t = 0; t < s->pti.ntypes; t++)
            s->pti.blocks[i].count[t] = INT64_MAX;
    s->pti.pageblock_order = 62;
    for (size_t i = 0; i < s->vm.n; i++)
        if (!KM_IS_NA(s->vm.areas[i].pages))
            s->vm.areas[i].size = s->vm.areas[i].pages = INT64_MAX;
}

/* Every view's text and JSON in one string (free it). */
static char *render(struct km_sample *s, int order)
{
    struct km_vstate st[KM_VIEWS_MAX];
    char ord[16];
    snprintf(ord, sizeof(ord), "%d", order);
    km_vstates_init(st);
    if ((order >= 0 && km_view_option(st, "order", ord)) || km_view_option(st, "details", "ext4"))
        printf("Bail out! --order %s or --details refused\n", ord), exit(1);
    struct km_vctx c = {.s = s, .states = st};
    struct km_vm vm[KM_VIEWS_MAX], *vms[KM_VIEWS_MAX];
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    for (int v = 0; km_views[v]; v++) {
        km_vm_init(&vm[v], km_views[v]);
        km_vm_build(&vm[v], &c);
        vms[v] = &vm[v];
    }
    km_frame_text(f, vms, &c);
    km_frame_json(f, vms, &c);
    c.raw = true;
    km_frame_text(f, vms, &c);
    fclose(f);
    for (int v = 0; km_views[v]; v++)
        km_vm_free(&vm[v]);
    return out;
}

/* The line of text that starts with prefix, copied into line ("" when none). */
static const char *line_of(const char *text, const char *prefix, char *line, size_t n)
{
    line[0] = '\0';
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, prefix, strlen(prefix)) == 0) {
            size_t l = strcspn(p, "\n");
            snprintf(line, n, "%.*s", (int)(l < n ? l : n - 1), p);
            break;
        }
    return line;
}

static void test_views(long ps, const char *name)
{
    struct km_sample s;
    char l[600], msg[160];
    load_sample(&s, ps);
    km_modjoin(&s.mods, &s.vm, ps, NULL, &s.mj);
    char *clean = render(&s, -1);
    snprintf(msg, sizeof(msg), "page size %s, fixture values: views rendered", name);
    ok(strstr(clean, "== Buddy ==") && strstr(clean, "\"buddy\""), msg);
    free(clean);
    km_modjoin_free(&s.mj);

    poison(&s);
    km_modjoin(&s.mods, &s.vm, ps, NULL, &s.mj);
    char *out = render(&s, 19);
    snprintf(msg, sizeof(msg), "page size %s, poisoned: header without date or uptime", name);
    static const char head[] = "kmemtop - 6.1.0-56-amd64 - captured tree tree - page ";
    if (!ok(strncmp(line_of(out, "kmemtop - ", l, sizeof(l)), head, strlen(head)) == 0, msg))
        printf("#   got: %s\n", l);
    snprintf(msg, sizeof(msg), "page size %s, poisoned: a zone's free memory saturates", name);
    contains_word(line_of(out, "  DMA32 ", l, sizeof(l)), "8.00E", msg);
    snprintf(msg, sizeof(msg), "page size %s, poisoned: a node's total saturates", name);
    contains_word(line_of(out, "node0 ", l, sizeof(l)), "8.00E", msg);
    snprintf(msg, sizeof(msg), "page size %s, poisoned: buddy free memory saturates", name);
    /* 2^53 pages at most (frag.h), which 3-byte pages hold in 24 PiB */
    contains_word(line_of(out, "0/DMA32 ", l, sizeof(l)), ps == 3 ? " 24.0P " : " 8.00E ", msg);
    snprintf(msg, sizeof(msg), "page size %s, poisoned: module totals saturate", name);
    contains_word(line_of(out, "(total) ", l, sizeof(l)), "8.00E", msg);
    snprintf(msg, sizeof(msg), "page size %s, poisoned: JSON has no time", name);
    ok(strstr(out, "\"time\":null") != NULL, msg);
    free(out);
    km_sample_free(&s);
}

int main(void)
{
    test_helpers();
    test_parsers();
    test_views(4096, "4K");
    test_views(3, "3");
    test_views(65536, "64K");
    test_views(1L << 40, "2^40");
    test_views(1L << 62, "2^62");
    test_views(LONG_MAX, "LONG_MAX");
    return tap_done();
}
