/*
 * test_fuzz.c - a deterministic mutation fuzz of every pure parser.
 *
 * Each parser gets real fixture files as seeds, and a fixed-seed xorshift
 * generator mutates them: bit flips, random bytes, insertions and deletions,
 * truncation, duplicated/deleted/swapped lines, digits turned into letters,
 * huge numbers, ">100000", NULs, very long tokens. Every mutated input is
 * copied into a malloc'd buffer of exactly its length with no NUL after it,
 * so that the sanitizer build catches a read past the end. A parser must
 * return 0 or a negative errno, and on error name a line inside the input
 * with a message; the node parsers must leave their record unchanged on
 * error. The module join runs on mutated pairs of /proc/modules and
 * /proc/vmallocinfo and must reconcile its totals.
 *
 * KM_FUZZ_SCALE=N multiplies the iteration counts, KM_FUZZ_SEED=N changes
 * the generator's seed (default fixed). When AddressSanitizer stops the
 * process, the input being parsed is written to fuzz-crash.bin in the current
 * directory and its origin printed (UBSan has its own runtime and does not
 * call back: its report names the line, the TAP output the target).
 */
#include "kmemtop/buddyinfo.h"
#include "kmemtop/meminfo.h"
#include "kmemtop/modevents.h"
#include "kmemtop/modjoin.h"
#include "kmemtop/modules.h"
#include "kmemtop/nodes.h"
#include "kmemtop/pagetypeinfo.h"
#include "kmemtop/slabinfo.h"
#include "kmemtop/vmallocinfo.h"
#include "kmemtop/zoneinfo.h"

#include <errno.h>
#include <stdarg.h>
#include <time.h>

#include "../tap.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define KM_FUZZ_SANITIZED 1
#include <sanitizer/common_interface_defs.h>
#endif

/* ---- generator and mutable buffer ------------------------------------------ */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t x = rng_state; /* xorshift64* */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static size_t below(size_t n)
{
    return n ? (size_t)(rnd() % n) : 0;
}

struct mbuf {
    char *p;
    size_t len, cap;
};

static void mb_reserve(struct mbuf *b, size_t need)
{
    if (need <= b->cap)
        return;
    b->cap = need * 2;
    b->p = realloc(b->p, b->cap);
    if (!b->p)
        abort();
}

static void mb_insert(struct mbuf *b, size_t pos, const char *s, size_t n)
{
    mb_reserve(b, b->len + n);
    memmove(b->p + pos + n, b->p + pos, b->len - pos);
    memcpy(b->p + pos, s, n);
    b->len += n;
}

static void mb_delete(struct mbuf *b, size_t pos, size_t n)
{
    if (pos + n > b->len)
        n = b->len - pos;
    memmove(b->p + pos, b->p + pos + n, b->len - pos - n);
    b->len -= n;
}

/* [start, end) of the line holding pos (end excludes the newline). */
static void line_at(const struct mbuf *b, size_t pos, size_t *start, size_t *end)
{
    size_t s = pos, e = pos;
    while (s > 0 && b->p[s - 1] != '\n')
        s--;
    while (e < b->len && b->p[e] != '\n')
        e++;
    *start = s;
    *end = e;
}

/* The first run of digits at or after a random position: [*s, *e); false if none. */
static bool digit_run(const struct mbuf *b, size_t *s, size_t *e)
{
    size_t i = below(b->len);
    while (i < b->len && (b->p[i] < '0' || b->p[i] > '9'))
        i++;
    if (i >= b->len)
        return false;
    *s = i;
    while (i < b->len && b->p[i] >= '0' && b->p[i] <= '9')
        i++;
    *e = i;
    return true;
}

static const char *const numbers[] = {
    "99999999999999999999",
    "18446744073709551616",
    "18446744073709551615",
    "9223372036854775808",
    "9223372036854775807",
    "-9223372036854775808",
    "-1",
    ">100000",
    "0x",
    "-",
    "",
    "00000000000000000000000000000000001",
};
static const char interesting[] = " \t\n\r:,-=()[]+/>Nx0123456789kB";

static void mutate_once(struct mbuf *b)
{
    size_t pos = below(b->len + 1), s, e, s2, e2;
    char tmp[8];
    switch (below(15)) {
    case 0: /* bit flip */
        if (b->len)
            b->p[below(b->len)] ^= (char)(1u << below(8));
        break;
    case 1: /* a random byte, often a meaningful one */
        if (b->len)
            b->p[below(b->len)] =
                below(2) ? (char)rnd() : interesting[below(sizeof(interesting) - 1)];
        break;
    case 2: { /* insert 1-8 bytes */
        size_t n = 1 + below(8);
        for (size_t i = 0; i < n; i++)
            tmp[i] = below(2) ? (char)rnd() : interesting[below(sizeof(interesting) - 1)];
        mb_insert(b, pos, tmp, n);
        break;
    }
    case 3: /* delete 1-16 bytes */
        if (b->len)
            mb_delete(b, below(b->len), 1 + below(16));
        break;
    case 4: /* truncate */
        b->len = below(b->len + 1);
        break;
    case 5: /* duplicate a line */
        if (b->len) {
            line_at(b, below(b->len), &s, &e);
            size_t n = e - s + (e < b->len);
            char *copy = malloc(n ? n : 1);
            memcpy(copy, b->p + s, n);
            mb_insert(b, s, copy, n);
            free(copy);
        }
        break;
    case 6: /* delete a line */
        if (b->len) {
            line_at(b, below(b->len), &s, &e);
            mb_delete(b, s, e - s + (e < b->len));
        }
        break;
    case 7: /* a digit becomes a letter */
        if (digit_run(b, &s, &e))
            b->p[s + below(e - s)] = below(4) ? (char)('a' + below(26)) : 'O';
        break;
    case 8: /* a number becomes a huge, negative, capped or empty one */
        if (digit_run(b, &s, &e)) {
            const char *n = numbers[below(KM_ARRAY_LEN(numbers))];
            mb_delete(b, s, e - s);
            mb_insert(b, s, n, strlen(n));
        }
        break;
    case 9: /* a huge number or ">100000" inserted anywhere */
        if (below(2))
            mb_insert(b, pos, " 99999999999999999999", 21);
        else
            mb_insert(b, pos, " >100000", 8);
        break;
    case 10: /* NULs */
        mb_insert(b, pos, "\0\0\0\0", 1 + below(4));
        break;
    case 11: { /* a very long token */
        size_t n = 64 + below(5000);
        char c = "9xN-,(:"[below(7)];
        char *t = malloc(n);
        memset(t, c, n);
        mb_insert(b, pos, t, n);
        free(t);
        break;
    }
    case 12: /* split a line, or join two */
        if (below(2))
            mb_insert(b, pos, "\n", 1);
        else if (b->len) {
            line_at(b, below(b->len), &s, &e);
            if (e < b->len)
                mb_delete(b, e, 1);
        }
        break;
    case 13: /* swap two lines (the second must start after the first ends) */
        if (b->len) {
            line_at(b, below(b->len), &s, &e);
            if (e + 1 < b->len) {
                line_at(b, e + 1 + below(b->len - e - 1), &s2, &e2);
                size_t n1 = e - s, n2 = e2 - s2;
                char *a = malloc(n1 + 1), *c = malloc(n2 + 1);
                memcpy(a, b->p + s, n1);
                memcpy(c, b->p + s2, n2);
                mb_delete(b, s2, n2);
                mb_insert(b, s2, a, n1);
                mb_delete(b, s, n1);
                mb_insert(b, s, c, n2);
                free(a);
                free(c);
            }
        }
        break;
    default: /* drop a trailing newline, or add blank lines */
        if (b->len && b->p[b->len - 1] == '\n')
            b->len--;
        else
            mb_insert(b, pos, "\n\n", 1 + below(2));
        break;
    }
}

static void mutate(struct mbuf *b, const char *seed, size_t len)
{
    b->len = 0;
    mb_insert(b, 0, seed, len);
    /* mostly one change, so that many inputs get past the first line; some pile-ups */
    size_t k = below(20), n = k < 10 ? 1 : k < 17 ? 2 + below(3) : 8 + below(8);
    for (size_t i = 0; i < n; i++)
        mutate_once(b);
}

/* ---- exact buffers and what a sanitizer report should say -------------------- */

static const char *cur_target, *cur_seed;
static int cur_iter;
static const char *cur_data;
static size_t cur_len;

#ifdef KM_FUZZ_SANITIZED
static void on_death(void)
{
    FILE *f = fopen("fuzz-crash.bin", "wb");
    if (f) {
        fwrite(cur_data, 1, cur_len, f);
        fclose(f);
    }
    printf("# died in %s on a mutation of %s (iteration %d, %zu bytes): input in "
           "fuzz-crash.bin\n",
           cur_target ? cur_target : "?", cur_seed ? cur_seed : "?", cur_iter, cur_len);
    fflush(stdout);
}
#endif

/* A copy of b in a buffer of exactly its length (no NUL after it). */
static char *exact(const struct mbuf *b)
{
    char *p = malloc(b->len);
    if (b->len)
        memcpy(p, b->p, b->len);
    cur_data = p;
    cur_len = b->len;
    return p;
}

static int count_lines(const char *p, size_t len)
{
    int n = 0;
    for (size_t i = 0; i < len; i++)
        n += p[i] == '\n';
    return n + (len > 0 && p[len - 1] != '\n');
}

/* ---- per-target bookkeeping -------------------------------------------------- */

struct result {
    int runs, errors, bad;
    char why[400]; /* the first problem */
};

static void bad(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bad(struct result *r, const char *fmt, ...)
{
    if (r->bad++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        int n = snprintf(r->why, sizeof(r->why), "%s, iteration %d: ", cur_seed, cur_iter);
        vsnprintf(r->why + n, sizeof(r->why) - (size_t)n, fmt, ap);
        va_end(ap);
    }
}

/* rc of a line-numbering parser: 0, or a negative errno with the line and a message. */
static void check_perr(struct result *r, int rc, const struct km_perr *pe, const char *p,
                       size_t len)
{
    if (rc == 0)
        return;
    r->errors++;
    int nl = count_lines(p, len);
    if (rc > 0 || rc < -4095)
        bad(r, "returned %d", rc);
    else if (pe->line < 0 || pe->line > nl + 1)
        bad(r, "error on line %d of a %d-line input (%s)", pe->line, nl, pe->msg);
    else if (!pe->msg[0] || !memchr(pe->msg, '\0', sizeof(pe->msg)))
        bad(r, "error on line %d without a message", pe->line);
}

static bool cstr_ok(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

/* ---- the parsers ------------------------------------------------------------- */

typedef void (*run_fn)(struct result *r, const char *p, size_t len, const char *seedpath);

static void run_buddyinfo(struct result *r, const char *p, size_t len, const char *sp)
{
    struct km_buddyinfo bi;
    struct km_perr pe = {.line = -1};
    int rc = km_parse_buddyinfo(p, len, &bi, &pe);
    check_perr(r, rc, &pe, p, len);
    if (rc == 0) {
        if (bi.norders < 0 || bi.norders > KM_MAX_ORDERS)
            bad(r, "norders %d", bi.norders);
        for (size_t i = 0; i < bi.n; i++)
            if (!cstr_ok(bi.zones[i].zone, sizeof(bi.zones[i].zone)) || bi.zones[i].norders < 1 ||
                bi.zones[i].norders > bi.norders)
                bad(r, "row %zu malformed", i);
        km_buddyinfo_free(&bi);
    }
}

static void run_pagetypeinfo(struct result *r, const char *p, size_t len, const char *sp)
{
    struct km_pagetypeinfo pt;
    struct km_perr pe = {.line = -1};
    int rc = km_parse_pagetypeinfo(p, len, &pt, &pe);
    check_perr(r, rc, &pe, p, len);
    if (rc == 0) {
        if (pt.ntypes < 0 || pt.ntypes > KM_MAX_MT || pt.norders < 0 || pt.norders > KM_MAX_ORDERS)
            bad(r, "ntypes %d, norders %d", pt.ntypes, pt.norders);
        for (size_t i = 0; i < pt.nfree; i++)
            if (pt.free[i].norders < 1 || pt.free[i].norders > pt.norders ||
                !cstr_ok(pt.free[i].type, KM_MT_NAME) || !cstr_ok(pt.free[i].zone, KM_ZONE_NAME))
                bad(r, "free row %zu malformed", i);
        km_pagetypeinfo_free(&pt);
    }
}

static void run_zoneinfo(struct result *r, const char *p, size_t len, const char *sp)
{
    struct km_zoneinfo zi;
    struct km_perr pe = {.line = -1};
    int rc = km_parse_zoneinfo(p, len, &zi, &pe);
    check_perr(r, rc, &pe, p, len);
    if (rc == 0) {
        for (size_t i = 0; i < zi.nzones; i++) {
            const struct km_zone *z = &zi.zones[i];
            if (!cstr_ok(z->zone, KM_ZONE_NAME) || z->nprotection < 0 ||
                z->nprotection > KM_MAX_ZONES_PROT || z->ncpus < 0)
                bad(r, "zone %zu malformed", i);
            for (size_t k = 0; k < z->stats.n; k++)
                if (!cstr_ok(z->stats.v[k].key, KM_KEY_LEN))
                    bad(r, "zone %zu stat %zu key", i, k);
            /* the lookups a view makes */
            (void)km_zoneinfo_node_stat(&zi, z->node, "nr_free_pages");
            (void)km_zoneinfo_node_stat(&zi, z->node, "pages free");
        }
        km_zoneinfo_free(&zi);
    }
}

static void run_vmallocinfo(struct result *r, const char *p, size_t len, const char *sp)
{
    struct km_vmallocinfo vm;
    struct km_perr pe = {.line = -1};
    int rc = km_parse_vmallocinfo(p, len, &vm, &pe);
    check_perr(r, rc, &pe, p, len);
    if (rc == 0) {
        int nl = count_lines(p, len);
        for (size_t i = 0; i < vm.n; i++) {
            const struct km_vmarea *a = &vm.areas[i];
            /* strings must live in the record set (the input is freed next) */
            size_t cl = a->caller ? strlen(a->caller) : 0;
            if (a->module)
                (void)strlen(a->module);
            if (a->lineno < 1 || a->lineno > nl || a->nnuma < 0 || a->nnuma > KM_VM_MAX_NUMA ||
                a->caller_symlen < 0 || (size_t)a->caller_symlen > cl)
                bad(r, "area %zu malformed (line %d)", i, a->lineno);
        }
        (void)km_vmallocinfo_vmalloc_pages(&vm);
        km_vmallocinfo_free(&vm);
    }
}

static void run_modules(struct result *r, const char *p, size_t len, const char *sp)
{
    struct km_modules m;
    struct km_perr pe = {.line = -1};
    int rc = km_parse_modules(p, len, &m, &pe);
    check_perr(r, rc, &pe, p, len);
    if (rc == 0) {
        for (size_t i = 0; i < m.n; i++) {
            const struct km_module *x = &m.mods[i];
            if (!x->name[0] || !cstr_ok(x->name, KM_MOD_NAME) || !cstr_ok(x->state, 12) ||
                !cstr_ok(x->taint, 16) || x->ndeps < 0 || x->size < 0)
                bad(r, "module %zu malformed", i);
            for (int k = 0; k < x->ndeps; k++)
                (void)strlen(x->deps[k]);
            if (km_modules_find(&m, x->name) == NULL)
                bad(r, "module %s not found by name", x->name);
        }
        km_modules_free(&m);
    }
}

/* Node id from a seed path ".../nodeN/file". */
static int seed_node(const char *sp)
{
    const char *n = strstr(sp, "/node");
    return n && n[5] >= '0' && n[5] <= '9' ? atoi(n + 5) : 0;
}

typedef int (*node_parser)(const char *, size_t, struct km_node *, struct km_perr *);

static void run_node(struct result *r, const char *p, size_t len, const char *sp, node_parser f)
{
    struct km_node n, before;
    struct km_perr pe = {.line = -1};
    km_node_init(&n, seed_node(sp));
    before = n;
    int rc = f(p, len, &n, &pe);
    check_perr(r, rc, &pe, p, len);
    if (rc != 0 && memcmp(&n, &before, sizeof(n)) != 0)
        bad(r, "the node record changed on error");
    if (rc == 0 && (n.ndistance < 0 || n.ndistance > (int)KM_ARRAY_LEN(n.distance)))
        bad(r, "ndistance %d", n.ndistance);
}

static void run_node_meminfo(struct result *r, const char *p, size_t len, const char *sp)
{
    run_node(r, p, len, sp, km_parse_node_meminfo);
}

static void run_numastat(struct result *r, const char *p, size_t len, const char *sp)
{
    run_node(r, p, len, sp, km_parse_numastat);
}

static void run_distance(struct result *r, const char *p, size_t len, const char *sp)
{
    run_node(r, p, len, sp, km_parse_distance);
}

static void run_idlist(struct result *r, const char *p, size_t len, const char *sp)
{
    static const int widths[] = {1, 63, 64, 65, 256, KM_MAX_NODES};
    int nbits = widths[below(KM_ARRAY_LEN(widths))];
    size_t words = ((size_t)nbits + 63) / 64;
    uint64_t *mask = calloc(words, sizeof(*mask)); /* exactly nbits wide, rounded to words */
    int rc = km_parse_idlist(p, len, mask, nbits);
    if (rc < 0) {
        r->errors++;
        if (rc < -4095)
            bad(r, "returned %d", rc);
    } else {
        int pop = 0;
        for (size_t w = 0; w < words; w++)
            pop += __builtin_popcountll(mask[w]);
        if (pop != rc)
            bad(r, "returned %d ids, %d bits set", rc, pop);
        if (nbits % 64 && (mask[words - 1] >> (nbits % 64)))
            bad(r, "bit beyond %d set", nbits);
    }
    free(mask);
}

/* km_meminfo_has_key against a plain reimplementation of its contract. */
static bool has_key_ref(const char *p, size_t len, const char *key)
{
    size_t kl = strlen(key);
    if (kl && key[kl - 1] == ':')
        kl--;
    for (size_t s = 0; s < len;) {
        size_t e = s;
        while (e < len && p[e] != '\n')
            e++;
        if (e - s > kl && memcmp(p + s, key, kl) == 0 && p[s + kl] == ':')
            return true;
        s = e + 1;
    }
    return false;
}

static void run_has_key(struct result *r, const char *p, size_t len, const char *sp)
{
    static const char *const keys[] = {
        "MemTotal", "Percpu", "ShadowCallStack:", "SecPageTables", "KReclaimable", "Mem", "", ":"};
    for (size_t k = 0; k < KM_ARRAY_LEN(keys); k++)
        if (km_meminfo_has_key(p, len, keys[k]) != has_key_ref(p, len, keys[k]))
            bad(r, "key \"%s\": %d", keys[k], !has_key_ref(p, len, keys[k]));
}

static void run_slab_nodes(struct result *r, const char *p, size_t len, const char *sp)
{
    /* a NUL-terminated string, exactly sized; an out array of exactly max entries */
    char *s = malloc(len + 1);
    memcpy(s, p, len);
    s[len] = '\0';
    int max = (int)below(4) + 1;
    struct km_slab_node *out = malloc((size_t)max * sizeof(*out));
    int64_t total = KM_NA;
    int rc = km_parse_slab_nodes(s, &total, out, max);
    if (rc < 0) {
        r->errors++;
        if (rc != -EINVAL)
            bad(r, "returned %d", rc);
    } else if (rc > max) {
        bad(r, "%d pairs stored in %d", rc, max);
    }
    free(out);
    free(s);
}

/* ---- the module join --------------------------------------------------------- */

static bool sums_add_up(const struct km_modjoin *j)
{
    const struct km_mj_sum *i = &j->image, *a = &j->attributed, *u = &j->unattributed,
                           *s = &j->shared;
    return i->areas == a->areas + u->areas + s->areas &&
           i->bytes == a->bytes + u->bytes + s->bytes && i->pages == a->pages + u->pages + s->pages;
}

static void check_join(struct result *r, const struct km_modules *m,
                       const struct km_vmallocinfo *vm)
{
    struct km_modjoin j;
    int rc = km_modjoin(m, vm, 4096, &j);
    if (rc != 0) {
        bad(r, "km_modjoin returned %d", rc);
        return;
    }
    if (j.n != m->n)
        bad(r, "join has %zu modules for %zu", j.n, m->n);
    if (vm && !sums_add_up(&j))
        bad(r, "image areas %lld != attributed + unattributed + shared", (long long)j.image.areas);
    for (size_t k = 0; k < j.nlist; k++)
        if (!vm || j.list[k] >= vm->n)
            bad(r, "list[%zu] = %zu outside vmallocinfo", k, j.list[k]);
    for (size_t k = 0; k < j.n; k++)
        if (j.mods[k].first + j.mods[k].nimage + j.mods[k].ndynamic > j.nlist)
            bad(r, "module %zu's areas outside the list", k);
    if (j.unatt_first + j.nunatt > j.nlist || j.shared_first + j.nshared > j.nlist)
        bad(r, "unattributed/shared areas outside the list");
    (void)km_mj_method_name(j.method);
    km_modjoin_free(&j);
}

struct pair {
    const char *modules, *vmallocinfo;
    char *mbuf, *vbuf;
    size_t mlen, vlen;
    struct km_modules m; /* the seeds parsed, for module events */
    struct km_vmallocinfo vm;
    struct km_modjoin j;
};

static struct pair pairs[] = {
    {.modules = "zte-armv7-4.1/proc/modules", .vmallocinfo = "zte-armv7-4.1/proc/vmallocinfo"},
    {.modules = "debian61-root2/proc/modules", .vmallocinfo = "debian61-root2/proc/vmallocinfo"},
    {.modules = "debian61-race/proc/modules", .vmallocinfo = "debian61-race/proc/vmallocinfo"},
    {.modules = "debian612-root2/proc/modules", .vmallocinfo = "debian612-root2/proc/vmallocinfo"},
    {.modules = "mtk-armv7-3.4/proc/modules", .vmallocinfo = "mtk-armv7-3.4/proc/vmallocinfo"},
};

static void fuzz_modjoin(int iters)
{
    struct result r = {0};
    struct mbuf mb = {0}, vb = {0};
    struct km_perr pe;
    cur_target = "modjoin";
    printf("# modjoin\n");
    for (size_t i = 0; i < KM_ARRAY_LEN(pairs); i++) {
        struct pair *pr = &pairs[i];
        pr->mbuf = tap_slurp(pr->modules, &pr->mlen);
        pr->vbuf = tap_slurp(pr->vmallocinfo, &pr->vlen);
        if (km_parse_modules(pr->mbuf, pr->mlen, &pr->m, &pe) ||
            km_parse_vmallocinfo(pr->vbuf, pr->vlen, &pr->vm, &pe) ||
            km_modjoin(&pr->m, &pr->vm, 4096, &pr->j))
            bad(&r, "seed %s does not parse and join", pr->modules);
    }
    for (cur_iter = 0; cur_iter < iters && !r.bad; cur_iter++) {
        struct pair *pr = &pairs[cur_iter % KM_ARRAY_LEN(pairs)];
        cur_seed = pr->modules;
        int which = (int)below(3); /* 0: modules, 1: vmallocinfo, 2: both */
        mb.len = vb.len = 0;
        mb_insert(&mb, 0, pr->mbuf, pr->mlen);
        mb_insert(&vb, 0, pr->vbuf, pr->vlen);
        if (which != 1)
            mutate(&mb, pr->mbuf, pr->mlen);
        if (which != 0)
            mutate(&vb, pr->vbuf, pr->vlen);
        struct km_modules m;
        struct km_vmallocinfo vm;
        char *p = exact(&mb);
        int mrc = km_parse_modules(p, mb.len, &m, &pe);
        free(p);
        p = exact(&vb);
        int vrc = km_parse_vmallocinfo(p, vb.len, &vm, &pe);
        free(p);
        r.runs++;
        if (mrc || vrc)
            r.errors++;
        if (mrc == 0) {
            /* the inputs are freed: the join must use only the parsed records */
            check_join(&r, &m, vrc == 0 ? &vm : NULL);
            struct km_modjoin j;
            if (km_modjoin(&m, vrc == 0 ? &vm : NULL, 4096, &j) == 0) {
                struct km_mod_event ev[4];
                size_t n = 0;
                struct km_mod_side a = {&pr->m, &pr->j, NULL}, b = {&m, &j, NULL};
                km_mod_events(&a, &b, 1, 1, ev, &n, KM_ARRAY_LEN(ev));
                km_mod_events(&b, &a, 2, 2, ev, &n, KM_ARRAY_LEN(ev));
                if (n > KM_ARRAY_LEN(ev))
                    bad(&r, "%zu module events in 4", n);
                km_modjoin_free(&j);
            }
            km_modules_free(&m);
        }
        if (vrc == 0) {
            (void)km_mj_address_ordered(&vm);
            km_vmallocinfo_free(&vm);
        }
        /* an image-caller test on an exactly sized slice of the mutated text */
        if (vb.len) {
            size_t s = below(vb.len), n = below(vb.len - s < 64 ? vb.len - s : 64) + 1;
            char *sym = malloc(n);
            memcpy(sym, vb.p + s, n);
            (void)km_mj_image_caller(sym, n);
            free(sym);
        }
    }
    for (size_t i = 0; i < KM_ARRAY_LEN(pairs); i++) {
        km_modjoin_free(&pairs[i].j);
        km_modules_free(&pairs[i].m);
        km_vmallocinfo_free(&pairs[i].vm);
        free(pairs[i].mbuf);
        free(pairs[i].vbuf);
    }
    free(mb.p);
    free(vb.p);
    if (!ok(!r.bad, "modjoin: mutated modules/vmallocinfo pairs joined, totals reconcile"))
        printf("#   %s\n", r.why);
    printf("#   modjoin: %d joins of mutated pairs (%d with a parse error)\n", r.runs, r.errors);
}

/* ---- driver ------------------------------------------------------------------ */

struct target {
    const char *name;
    run_fn run;
    int iters;
    bool lines; /* reports errors by line */
    const char *seeds[12];
};

/* Seeds: real files; a trailing "@N" keeps only the first N bytes (cut at a line end). */
static const struct target targets[] = {
    {"buddyinfo",
     run_buddyinfo,
     16000,
     true,
     {"debian61-root/proc/buddyinfo", "hygon-8node/proc/buddyinfo", "mtk-armv7-3.4/proc/buddyinfo",
      "sep4020-2.6/proc/buddyinfo", "edge-64k-14order/proc/buddyinfo",
      "edge-numa-sparse/proc/buddyinfo", "edge-malformed/proc/buddyinfo"}},
    {"pagetypeinfo",
     run_pagetypeinfo,
     16000,
     true,
     {"debian61-root/proc/pagetypeinfo", "hygon-8node/proc/pagetypeinfo",
      "centos9-5.14/proc/pagetypeinfo", "mtk-armv7-3.4/proc/pagetypeinfo",
      "zte-armv7-4.1/proc/pagetypeinfo", "edge-64k-14order/proc/pagetypeinfo",
      "edge-malformed/proc/pagetypeinfo"}},
    {"zoneinfo",
     run_zoneinfo,
     12000,
     true,
     {"sep4020-2.6/proc/zoneinfo", "zte-armv7-4.1/proc/zoneinfo", "mtk-armv7-3.4/proc/zoneinfo",
      "centos9-5.14/proc/zoneinfo", "edge-numa-sparse/proc/zoneinfo",
      "debian612-root/proc/zoneinfo", "this-vm-6.18/proc/zoneinfo",
      "pcp-xeon-2node/proc/zoneinfo@6000", "edge-malformed/proc/zoneinfo"}},
    {"vmallocinfo",
     run_vmallocinfo,
     8000,
     true,
     {"zte-armv7-4.1/proc/vmallocinfo", "debian612-root2/proc/vmallocinfo",
      "debian61-race/proc/vmallocinfo", "mtk-armv7-3.4/proc/vmallocinfo@12000",
      "this-vm-6.18/proc/vmallocinfo@8000", "edge-malformed/proc/vmallocinfo@12000"}},
    {"modules",
     run_modules,
     16000,
     true,
     {"debian61-root/proc/modules", "zte-armv7-4.1/proc/modules", "mtk-armv7-3.4/proc/modules",
      "debian612-root2/proc/modules", "sep4020-2.6/proc/modules", "edge-malformed/proc/modules"}},
    {"node meminfo",
     run_node_meminfo,
     16000,
     true,
     {"debian61-root/sys/devices/system/node/node0/meminfo",
      "kunpeng-4node/sys/devices/system/node/node3/meminfo",
      "edge-numa-sparse/sys/devices/system/node/node250/meminfo",
      "edge-numa-sparse/sys/devices/system/node/node8/meminfo",
      "debian612-root/sys/devices/system/node/node0/meminfo"}},
    {"numastat",
     run_numastat,
     16000,
     true,
     {"debian61-root/sys/devices/system/node/node0/numastat",
      "kunpeng-4node/sys/devices/system/node/node1/numastat",
      "edge-numa-sparse/sys/devices/system/node/node250/numastat",
      "edge-malformed/sys/devices/system/node/node1/numastat"}},
    {"distance",
     run_distance,
     16000,
     true,
     {"debian61-root/sys/devices/system/node/node1/distance",
      "kunpeng-4node/sys/devices/system/node/node2/distance",
      "edge-numa-sparse/sys/devices/system/node/node8/distance"}},
    {"idlist",
     run_idlist,
     16000,
     false,
     {"kunpeng-4node/sys/devices/system/node/node0/cpulist",
      "kunpeng-4node/sys/devices/system/node/online",
      "debian61-root/sys/devices/system/node/possible",
      "edge-numa-sparse/sys/devices/system/node/online",
      "edge-numa-sparse/sys/devices/system/node/possible",
      "edge-numa-sparse/sys/devices/system/node/node0/cpulist"}},
    {"meminfo keys",
     run_has_key,
     12000,
     false,
     {"debian61-root/proc/meminfo", "centos9-5.14/proc/meminfo", "mtk-armv7-3.4/proc/meminfo",
      "zte-armv7-4.1/proc/meminfo", "this-vm-6.18/proc/meminfo"}},
    {"slab nodes",
     run_slab_nodes,
     16000,
     false,
     {"debian61-root/sys/kernel/slab/dentry/slabs",
      "debian61-root/sys/kernel/slab/inode_cache/slabs",
      "debian612-root/sys/kernel/slab/dentry/slabs"}},
};

/* Loads "path[@N]": the file, cut to its first N bytes at a line end. */
static char *load_seed(const char *spec, size_t *len)
{
    char path[512];
    const char *at = strchr(spec, '@');
    size_t pl = at ? (size_t)(at - spec) : strlen(spec);
    snprintf(path, sizeof(path), "%.*s", (int)pl, spec);
    char *b = tap_slurp(path, len);
    if (at && (size_t)atol(at + 1) < *len) {
        size_t n = (size_t)atol(at + 1);
        while (n > 0 && b[n - 1] != '\n')
            n--;
        *len = n;
    }
    return b;
}

static void fuzz(const struct target *t, int iters)
{
    struct result r = {0};
    struct mbuf mb = {0};
    char *seed[KM_ARRAY_LEN(t->seeds)];
    size_t seedlen[KM_ARRAY_LEN(t->seeds)], nseeds = 0;
    cur_target = t->name;
    printf("# %s\n", t->name);
    for (; nseeds < KM_ARRAY_LEN(t->seeds) && t->seeds[nseeds]; nseeds++) {
        seed[nseeds] = load_seed(t->seeds[nseeds], &seedlen[nseeds]);
        /* the unmutated seed first */
        cur_seed = t->seeds[nseeds];
        cur_iter = -1;
        mb.len = 0;
        mb_insert(&mb, 0, seed[nseeds], seedlen[nseeds]);
        char *p = exact(&mb);
        t->run(&r, p, mb.len, cur_seed);
        free(p);
    }
    for (cur_iter = 0; cur_iter < iters; cur_iter++) {
        size_t k = (size_t)cur_iter % nseeds;
        cur_seed = t->seeds[k];
        mutate(&mb, seed[k], seedlen[k]);
        char *p = exact(&mb);
        t->run(&r, p, mb.len, cur_seed);
        free(p);
        r.runs++;
    }
    char name[160];
    snprintf(name, sizeof(name), "%s: %d mutations, no crash%s", t->name, iters,
             t->lines ? ", errors name a line" : ", results as documented");
    if (!ok(!r.bad, name))
        printf("#   %d problems; the first: %s\n", r.bad, r.why);
    printf("#   %s: %d of %d inputs rejected\n", t->name, r.errors, r.runs + (int)nseeds);
    for (size_t i = 0; i < nseeds; i++)
        free(seed[i]);
    free(mb.p);
}

/* The hand-broken fixture: each parser rejects its file at the documented line. */
static void malformed_fixture(void)
{
    static const struct {
        const char *path;
        int line;
    } want[] = {
        {"edge-malformed/proc/buddyinfo", 2},
        {"edge-malformed/proc/pagetypeinfo", 12},
        {"edge-malformed/proc/zoneinfo", 97},
        {"edge-malformed/proc/vmallocinfo", 153},
        {"edge-malformed/proc/modules", 10},
        {"edge-malformed/sys/devices/system/node/node1/numastat", 4},
    };
    for (size_t i = 0; i < KM_ARRAY_LEN(want); i++) {
        size_t len;
        char *b = tap_slurp(want[i].path, &len);
        struct mbuf mb = {b, len, len};
        char *p = exact(&mb);
        struct km_perr pe = {.line = -1};
        int rc;
        if (strstr(want[i].path, "buddyinfo")) {
            struct km_buddyinfo x;
            rc = km_parse_buddyinfo(p, len, &x, &pe);
        } else if (strstr(want[i].path, "pagetypeinfo")) {
            struct km_pagetypeinfo x;
            rc = km_parse_pagetypeinfo(p, len, &x, &pe);
        } else if (strstr(want[i].path, "zoneinfo")) {
            struct km_zoneinfo x;
            rc = km_parse_zoneinfo(p, len, &x, &pe);
        } else if (strstr(want[i].path, "vmallocinfo")) {
            struct km_vmallocinfo x;
            rc = km_parse_vmallocinfo(p, len, &x, &pe);
        } else if (strstr(want[i].path, "modules")) {
            struct km_modules x;
            rc = km_parse_modules(p, len, &x, &pe);
        } else {
            struct km_node x;
            km_node_init(&x, 1);
            rc = km_parse_numastat(p, len, &x, &pe);
        }
        char name[200];
        snprintf(name, sizeof(name), "%s: rejected at line %d", want[i].path, want[i].line);
        ok(rc == -EINVAL && pe.line == want[i].line, name);
        if (rc != -EINVAL || pe.line != want[i].line)
            printf("#   got rc %d, line %d (%s)\n", rc, pe.line, pe.msg);
        free(p);
        free(b);
    }
}

int main(void)
{
    const char *e = getenv("KM_FUZZ_SEED");
    rng_state = e && *e ? strtoull(e, NULL, 0) : 0x6b6d656d746f70ull; /* "kmemtop" */
    if (!rng_state)
        rng_state = 1;
    e = getenv("KM_FUZZ_SCALE");
    double scale = e && *e ? atof(e) : 1.0;
    setvbuf(stdout, NULL, _IOLBF, 0); /* what was done before a sanitizer stops us */
#ifdef KM_FUZZ_SANITIZED
    __sanitizer_set_death_callback(on_death);
#endif
    printf("# seed 0x%llx, scale %g\n", (unsigned long long)rng_state, scale);
    malformed_fixture();
    for (size_t i = 0; i < KM_ARRAY_LEN(targets); i++) {
        clock_t t0 = clock();
        fuzz(&targets[i], (int)(targets[i].iters * scale));
        printf("#   %.2f s\n", (double)(clock() - t0) / CLOCKS_PER_SEC);
    }
    clock_t t0 = clock();
    fuzz_modjoin((int)(6000 * scale));
    printf("#   %.2f s\n", (double)(clock() - t0) / CLOCKS_PER_SEC);
    return tap_done();
}
