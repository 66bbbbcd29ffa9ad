/*
 * test_fuzz.c - a deterministic mutation fuzz of every pure parser.
 *
 * Each parser gets real fixture files as seeds, mutated by fuzz.h, each input
 * in a buffer of exactly its length. A parser must return 0 or a negative
 * errno, and on error name a line inside the input with a message; the node
 * parsers must leave their record unchanged on error; successful results are
 * checked for sane counts and terminated strings, and lines left out are
 * counted and named inside the input. The hand-broken fixture
 * (edge-malformed) parses, leaving out just the lines its README names.
 */
#include "kmemtop/buddyinfo.h"
#include "kmemtop/cgroups.h"
#include "kmemtop/meminfo.h"
#include "kmemtop/modules.h"
#include "kmemtop/nodes.h"
#include "kmemtop/pagetypeinfo.h"
#include "kmemtop/slabinfo.h"
#include "kmemtop/vmallocinfo.h"
#include "kmemtop/zoneinfo.h"

#include <errno.h>
#include <time.h>

#include "fuzz.h"

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

/* The cgroup parsers (src/cgroups.c) on the same input: mountinfo, flat key value, one number. */
static void run_cgroup_files(struct result *r, const char *p, size_t len, const char *sp)
{
    struct km_perr pe = {.line = -1};
    struct km_cg_mount m;
    int rc = km_parse_cgroup_mounts(p, len, &m, &pe);
    check_perr(r, rc, &pe, p, len);
    if (rc == 0 && (!cstr_ok(m.point, sizeof(m.point)) || !cstr_ok(m.root, sizeof(m.root)) ||
                    (m.hier != KM_CG_NONE && m.hier != KM_CG_V1 && m.hier != KM_CG_V2)))
        bad(r, "mount malformed");
    int64_t v[KM_CGF_N];
    for (int i = 0; i < KM_CGF_N; i++)
        v[i] = KM_NA;
    pe = (struct km_perr){.line = -1};
    rc = km_parse_cgroup_stat(p, len, v, NULL, &pe);
    check_perr(r, rc, &pe, p, len);
    for (int i = 0; i < KM_CGF_N; i++)
        if (!KM_IS_NA(v[i]) && v[i] < 0)
            bad(r, "field %d negative", i);
    int64_t one = 0;
    pe = (struct km_perr){.line = -1};
    rc = km_parse_cgroup_value(p, len, &one, &pe);
    if (rc && (rc != -EINVAL || pe.line != 1 || !pe.msg[0]))
        bad(r, "one number: rc %d line %d", rc, pe.line);
    km_parse_proc_cgroups(p, len, &one, NULL);
    if (!KM_IS_NA(one) && one < 0)
        bad(r, "num_cgroups negative");
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
    {"cgroup files",
     run_cgroup_files,
     12000,
     true,
     {"../fuzz/seeds/cgroup_files/mountinfo-v1-6.18", "../fuzz/seeds/cgroup_files/mountinfo-v2",
      "../fuzz/seeds/cgroup_files/memory.stat-v2", "../fuzz/seeds/cgroup_files/cgroup.stat",
      "../fuzz/seeds/cgroup_files/memory.stat-v1-6.18", "../fuzz/seeds/cgroup_files/proc-cgroups-6.18",
      "../fuzz/seeds/cgroup_files/value"}},
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

/*
 * The hand-broken fixture: each parser keeps its file and leaves out exactly
 * the broken line its README names (one line, counted, the first named).
 */
static int parse_malformed(const char *path, const char *p, size_t len, struct km_perr *pe)
{
    int rc;
    if (strstr(path, "buddyinfo")) {
        struct km_buddyinfo x;
        if ((rc = km_parse_buddyinfo(p, len, &x, pe)) == 0)
            km_buddyinfo_free(&x);
    } else if (strstr(path, "pagetypeinfo")) {
        struct km_pagetypeinfo x;
        if ((rc = km_parse_pagetypeinfo(p, len, &x, pe)) == 0)
            km_pagetypeinfo_free(&x);
    } else if (strstr(path, "zoneinfo")) {
        struct km_zoneinfo x;
        if ((rc = km_parse_zoneinfo(p, len, &x, pe)) == 0)
            km_zoneinfo_free(&x);
    } else if (strstr(path, "vmallocinfo")) {
        struct km_vmallocinfo x;
        if ((rc = km_parse_vmallocinfo(p, len, &x, pe)) == 0)
            km_vmallocinfo_free(&x);
    } else if (strstr(path, "modules")) {
        struct km_modules x;
        if ((rc = km_parse_modules(p, len, &x, pe)) == 0)
            km_modules_free(&x);
    } else {
        struct km_node x;
        km_node_init(&x, 1);
        rc = km_parse_numastat(p, len, &x, pe);
    }
    return rc;
}

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
        int rc = parse_malformed(want[i].path, p, len, &pe);
        char name[200];
        snprintf(name, sizeof(name), "%s: kept, line %d alone left out", want[i].path,
                 want[i].line);
        ok(rc == 0 && pe.skipped == 1 && pe.skip_line == want[i].line, name);
        if (rc != 0 || pe.skipped != 1 || pe.skip_line != want[i].line)
            printf("#   got rc %d, %d left out, first %d (%s)\n", rc, pe.skipped, pe.skip_line,
                   pe.skip_msg);
        free(p);
        free(b);
    }
}

int main(void)
{
    double scale = fuzz_init();
    malformed_fixture();
    for (size_t i = 0; i < KM_ARRAY_LEN(targets); i++) {
        clock_t t0 = clock();
        fuzz(&targets[i], (int)(targets[i].iters * scale));
        printf("#   %.2f s\n", (double)(clock() - t0) / CLOCKS_PER_SEC);
    }
    return tap_done();
}
