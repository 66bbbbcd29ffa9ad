/* nodes.c - NUMA node files under /sys/devices/system/node. See include/kmemtop/nodes.h. */
#include "kmemtop/nodes.h"
#include "kmemtop/read.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KM_NODE_DIR "/sys/devices/system/node"
#define KM_CPU_BITS 16384 /* ids a cpulist may name */

/* ---- records ------------------------------------------------------------- */

void km_node_init(struct km_node *n, int id)
{
    memset(n, 0, sizeof(*n));
    n->node = id;
    n->has_cpu = n->has_memory = true;
    n->ncpus = -1;
    n->mem_total = n->mem_free = n->mem_used = n->file_pages = KM_NA;
    n->slab = n->sreclaimable = n->sunreclaim = n->kernel_stack = n->page_tables = KM_NA;
    n->anon_pages = n->shmem = n->sec_page_tables = n->kreclaimable = KM_NA;
    n->huge_total = n->huge_free = KM_NA;
    n->numa_hit = n->numa_miss = n->numa_foreign = KM_NA;
    n->interleave_hit = n->local_node = n->other_node = KM_NA;
    n->rate_numa_hit = n->rate_numa_miss = n->rate_numa_foreign = NAN;
    n->rate_interleave_hit = n->rate_local_node = n->rate_other_node = NAN;
}

void km_nodes_free(struct km_nodes *ns)
{
    free(ns->nodes);
    memset(ns, 0, sizeof(*ns));
}

/* Index of the first record whose id is >= id. */
static size_t lower_bound(const struct km_nodes *ns, int id)
{
    size_t lo = 0, hi = ns->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ns->nodes[mid].node < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct km_node *km_nodes_find(struct km_nodes *ns, int id)
{
    size_t i = lower_bound(ns, id);
    return i < ns->n && ns->nodes[i].node == id ? &ns->nodes[i] : NULL;
}

struct km_node *km_nodes_get(struct km_nodes *ns, int id)
{
    if (id < 0 || id >= KM_MAX_NODES)
        return NULL;
    size_t i = lower_bound(ns, id);
    if (i < ns->n && ns->nodes[i].node == id)
        return &ns->nodes[i];
    ns->nodes = xrealloc(ns->nodes, (ns->n + 1) * sizeof(*ns->nodes));
    memmove(&ns->nodes[i + 1], &ns->nodes[i], (ns->n - i) * sizeof(*ns->nodes));
    ns->n++;
    km_node_init(&ns->nodes[i], id);
    return &ns->nodes[i];
}

/* ---- pure parsers ---------------------------------------------------------- */

static int parse_count(const char *tok, size_t len, int64_t *out)
{
    uint64_t v;
    int rc = km_parse_u64(tok, len, &v);
    if (rc == 0 && v > (uint64_t)INT64_MAX)
        rc = -ERANGE;
    if (rc == 0)
        *out = (int64_t)v;
    return rc;
}

static int64_t *meminfo_field(struct km_node *n, const char *name, size_t len, bool *count)
{
    static const struct {
        const char *name;
        size_t off;
        bool count; /* a count of pages, printed without kB */
    } map[] = {
        {"AnonPages", offsetof(struct km_node, anon_pages), false},
        {"Shmem", offsetof(struct km_node, shmem), false},
        {"SecPageTables", offsetof(struct km_node, sec_page_tables), false},
        {"KReclaimable", offsetof(struct km_node, kreclaimable), false},
        {"HugePages_Total", offsetof(struct km_node, huge_total), true},
        {"HugePages_Free", offsetof(struct km_node, huge_free), true},
        {"MemTotal", offsetof(struct km_node, mem_total), false},
        {"MemFree", offsetof(struct km_node, mem_free), false},
        {"MemUsed", offsetof(struct km_node, mem_used), false},
        {"FilePages", offsetof(struct km_node, file_pages), false},
        {"Slab", offsetof(struct km_node, slab), false},
        {"SReclaimable", offsetof(struct km_node, sreclaimable), false},
        {"SUnreclaim", offsetof(struct km_node, sunreclaim), false},
        {"KernelStack", offsetof(struct km_node, kernel_stack), false},
        {"PageTables", offsetof(struct km_node, page_tables), false},
    };
    for (size_t i = 0; i < KM_ARRAY_LEN(map); i++)
        if (km_tok_eq(name, len, map[i].name)) {
            *count = map[i].count;
            return (int64_t *)(void *)((char *)n + map[i].off);
        }
    return NULL;
}

/* "Node 0 MemTotal:       131732940 kB"; split on ':' first (ShadowCallStack:%8lu). */
static int meminfo_line(struct km_node *n, const char *line, size_t len, int lineno,
                        struct km_perr *err)
{
    const char *colon = memchr(line, ':', len);
    struct km_tok t;
    const char *tok, *name;
    size_t tl, namelen;
    int64_t id, v;

    if (!colon)
        return km_perr_set(err, lineno, "expected \"Node N Field: value kB\"");
    km_tok_init(&t, line, (size_t)(colon - line));
    if (!km_tok_next(&t, &tok, &tl) || !km_tok_eq(tok, tl, "Node") || !km_tok_next(&t, &tok, &tl) ||
        km_parse_i64(tok, tl, &id) || !km_tok_next(&t, &name, &namelen) ||
        km_tok_next(&t, &tok, &tl))
        return km_perr_set(err, lineno, "expected \"Node N Field:\" before the colon");
    if (id != n->node)
        return km_perr_set(err, lineno, "line of node %lld in node %d's file", (long long)id,
                           n->node);
    km_tok_init(&t, colon + 1, len - (size_t)(colon + 1 - line));
    if (!km_tok_next(&t, &tok, &tl))
        return km_perr_set(err, lineno, "no value for %.*s", (int)namelen, name);
    int rc = parse_count(tok, tl, &v);
    if (rc)
        return km_perr_set(err, lineno, "%s value for %.*s", rc == -ERANGE ? "out-of-range" : "bad",
                           (int)namelen, name);
    bool kb = km_tok_next(&t, &tok, &tl);
    if (kb && !km_tok_eq(tok, tl, "kB"))
        return km_perr_set(err, lineno, "unexpected unit after %.*s", (int)namelen, name);
    if (km_tok_next(&t, &tok, &tl))
        return km_perr_set(err, lineno, "extra text after %.*s", (int)namelen, name);
    bool count = false;
    int64_t *f = meminfo_field(n, name, namelen, &count);
    if (!f)
        return 0; /* HugePages_Surp (no unit) and the many fields not kept */
    if (count) {
        if (kb)
            return km_perr_set(err, lineno, "%.*s is a count, not kB", (int)namelen, name);
        *f = v;
        return 0;
    }
    if (!kb)
        return km_perr_set(err, lineno, "%.*s without kB", (int)namelen, name);
    if (v > INT64_MAX / 1024)
        return km_perr_set(err, lineno, "%.*s too large", (int)namelen, name);
    *f = v * 1024;
    return 0;
}

/* Counts a line left out; *bad counts for the parser itself (err may be NULL). */
static void skip(struct km_perr *err, const struct km_perr *why, int *bad)
{
    km_perr_skip(err, why);
    (*bad)++;
}

int km_parse_node_meminfo(const char *buf, size_t len, struct km_node *n, struct km_perr *err)
{
    struct km_node tmp = *n; /* *n is left alone on error */
    struct km_lines it;
    const char *line;
    size_t ll;
    int bad = 0, good = 0;
    km_lines_init(&it, buf, len);
    while (km_lines_next_nonblank(&it, &line, &ll)) {
        struct km_perr why = {0};
        if (meminfo_line(&tmp, line, ll, it.lineno, &why))
            skip(err, &why, &bad);
        else
            good++;
    }
    if (bad && !good)
        return km_perr_unusable(err);
    *n = tmp;
    return 0;
}

static int numastat_line(struct km_node *n, const char *line, size_t ll, int lineno,
                         struct km_perr *err)
{
    static const struct {
        const char *name;
        size_t off;
    } map[] = {
        {"numa_hit", offsetof(struct km_node, numa_hit)},
        {"numa_miss", offsetof(struct km_node, numa_miss)},
        {"numa_foreign", offsetof(struct km_node, numa_foreign)},
        {"interleave_hit", offsetof(struct km_node, interleave_hit)},
        {"local_node", offsetof(struct km_node, local_node)},
        {"other_node", offsetof(struct km_node, other_node)},
    };
    struct km_tok t;
    const char *name, *tok, *extra;
    size_t namelen, tl, el;
    int64_t v;
    km_tok_init(&t, line, ll);
    if (!km_tok_next(&t, &name, &namelen))
        return 1; /* blank */
    if (!km_tok_next(&t, &tok, &tl) || km_tok_next(&t, &extra, &el))
        return km_perr_set(err, lineno, "expected \"name count\"");
    int rc = parse_count(tok, tl, &v);
    if (rc)
        return km_perr_set(err, lineno, "%s count for %.*s", rc == -ERANGE ? "out-of-range" : "bad",
                           (int)namelen, name);
    for (size_t i = 0; i < KM_ARRAY_LEN(map); i++)
        if (km_tok_eq(name, namelen, map[i].name))
            *(int64_t *)(void *)((char *)n + map[i].off) = v;
    return 0;
}

int km_parse_numastat(const char *buf, size_t len, struct km_node *n, struct km_perr *err)
{
    struct km_node tmp = *n;
    struct km_lines it;
    const char *line;
    size_t ll;
    int bad = 0, good = 0;
    km_lines_init(&it, buf, len);
    while (km_lines_next(&it, &line, &ll)) {
        struct km_perr why = {0};
        int rc = numastat_line(&tmp, line, ll, it.lineno, &why);
        if (rc < 0)
            skip(err, &why, &bad);
        else if (rc == 0)
            good++;
    }
    if (bad && !good)
        return km_perr_unusable(err);
    *n = tmp;
    return 0;
}

/*
 * One line of SLIT distances, one per online node (may start with a blank
 * when node 0 is offline). More than the 64 the record holds are dropped.
 */
int km_parse_distance(const char *buf, size_t len, struct km_node *n, struct km_perr *err)
{
    struct km_lines it;
    const char *line, *tok;
    size_t ll, tl;
    int nd = 0, dist[KM_ARRAY_LEN(n->distance)], bad = 0;
    bool seen = false;
    km_lines_init(&it, buf, len);
    while (km_lines_next(&it, &line, &ll)) {
        struct km_tok t;
        struct km_perr why = {0};
        km_tok_init(&t, line, ll);
        if (!km_tok_next(&t, &tok, &tl))
            continue;
        if (seen) {
            km_perr_set(&why, it.lineno, "more than one line of distances");
            skip(err, &why, &bad);
            continue;
        }
        int k = 0;
        do {
            int64_t v;
            if (km_parse_i64(tok, tl, &v) || v < 0 || v > INT_MAX) {
                km_perr_set(&why, it.lineno, "bad distance in column %d", k + 1);
                break;
            }
            if ((size_t)k < KM_ARRAY_LEN(dist))
                dist[k++] = (int)v;
        } while (km_tok_next(&t, &tok, &tl));
        if (why.line) {
            skip(err, &why, &bad);
            continue;
        }
        seen = true;
        nd = k;
    }
    if (bad && !seen)
        return km_perr_unusable(err);
    n->ndistance = nd;
    memcpy(n->distance, dist, (size_t)nd * sizeof(dist[0]));
    return 0;
}

/* ---- the reader --------------------------------------------------------------- */

struct rd {
    const char *dir;
    struct km_buf buf;
    int rc; /* the first error */
    struct km_perr *err;
    char *errpath;
    size_t errpathsz;
    struct km_perr skips; /* lines left out, over all files; the first one's... */
    char skippath[4096];  /* ...file */
};

/* A file that parsed with lines left out: counted, the first one kept with its path. */
static void note_skips(struct rd *r, const char *path, const struct km_perr *pe)
{
    if (pe->skipped == 0)
        return;
    if (r->skips.skipped == 0) {
        r->skips.skip_line = pe->skip_line;
        memcpy(r->skips.skip_msg, pe->skip_msg, sizeof(r->skips.skip_msg));
        snprintf(r->skippath, sizeof(r->skippath), "%s", path);
    }
    r->skips.skipped += pe->skipped;
}

/* No error: the lines left out go to the caller, errpath naming the first one's file. */
static void report_skips(struct rd *r)
{
    if (r->rc || r->skips.skipped == 0)
        return;
    if (r->err) {
        r->err->skipped = r->skips.skipped;
        r->err->skip_line = r->skips.skip_line;
        memcpy(r->err->skip_msg, r->skips.skip_msg, sizeof(r->err->skip_msg));
    }
    if (r->errpath && r->errpathsz)
        snprintf(r->errpath, r->errpathsz, "%s", r->skippath);
}

static void note(struct rd *r, int rc, const char *path, const struct km_perr *pe)
{
    if (rc == 0 || r->rc)
        return;
    r->rc = rc;
    if (r->errpath && r->errpathsz)
        snprintf(r->errpath, r->errpathsz, "%s", path);
    if (r->err && pe)
        *r->err = *pe;
}

/* A node-list file into mask; false when the file is absent or unreadable. */
static bool read_mask(struct rd *r, const char *name, uint64_t *mask)
{
    char path[4096], line[4096];
    snprintf(path, sizeof(path), "%s/%s", r->dir, name);
    int rc = km_read_line(path, line, sizeof(line));
    if (rc) {
        if (!km_err_missing(rc))
            note(r, rc, path, NULL);
        return false;
    }
    rc = km_parse_idlist(line, strlen(line), mask, KM_MAX_NODES);
    if (rc < 0) {
        struct km_perr pe = {0};
        km_perr_set(&pe, 1, "bad node list \"%.60s\"", line);
        note(r, -EINVAL, path, &pe);
        memset(mask, 0, KM_NODE_WORDS * sizeof(*mask));
        return false;
    }
    return true;
}

typedef int (*node_parse_fn)(const char *, size_t, struct km_node *, struct km_perr *);

/* nodeN/<file> through parse; a missing file only leaves the fields absent. */
static void read_node_file(struct rd *r, struct km_node *n, const char *file, node_parse_fn parse)
{
    char path[4096];
    struct km_perr pe = {0};
    snprintf(path, sizeof(path), "%s/node%d/%s", r->dir, n->node, file);
    int rc = km_read_file(path, &r->buf);
    if (km_err_missing(rc))
        return;
    if (rc == 0)
        rc = parse(r->buf.data, r->buf.len, n, &pe);
    if (rc == 0)
        note_skips(r, path, &pe);
    note(r, rc, path, &pe);
}

static int parse_cpulist(const char *buf, size_t len, struct km_node *n, struct km_perr *err)
{
    uint64_t mask[KM_CPU_BITS / 64] = {0};
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == '\0' ||
                       buf[len - 1] == ' '))
        len--;
    int rc = km_parse_idlist(buf, len, mask, KM_CPU_BITS);
    if (rc < 0)
        return km_perr_set(err, 1, "bad CPU list \"%.*s\"", (int)(len > 60 ? 60 : len), buf);
    km_copy(n->cpulist, sizeof(n->cpulist), buf, len);
    n->ncpus = rc;
    return 0;
}

/* Node ids from the nodeN entries of the directory listing. */
static void ids_from_dir(char **names, int count, uint64_t *ids)
{
    for (int i = 0; i < count; i++) {
        const char *s = names[i];
        uint64_t id;
        if (strncmp(s, "node", 4) == 0 && km_parse_u64(s + 4, strlen(s + 4), &id) == 0 &&
            id < KM_MAX_NODES)
            ids[id / 64] |= 1ull << (id % 64);
    }
}

static void read_node(struct rd *r, struct km_nodes *out, int id, bool cpu_known, bool mem_known)
{
    struct km_node *n = km_nodes_get(out, id);
    n->sysfs = true;
    n->has_cpu = cpu_known ? km_mask_test(out->has_cpu, id) : true;
    n->has_memory = mem_known ? km_mask_test(out->has_memory, id) : true;
    read_node_file(r, n, "meminfo", km_parse_node_meminfo);
    read_node_file(r, n, "numastat", km_parse_numastat);
    read_node_file(r, n, "cpulist", parse_cpulist);
    read_node_file(r, n, "distance", km_parse_distance);
}

/* What a full read found that only hotplug changes: the masks, each node's CPUs and distances. */
struct topo_node {
    int node;
    char cpulist[128];
    int ncpus, ndistance;
    int distance[64];
};

struct km_nodes_topo {
    bool have;
    double t; /* when it was read */
    uint64_t online[KM_NODE_WORDS], possible[KM_NODE_WORDS];
    uint64_t has_cpu[KM_NODE_WORDS], has_memory[KM_NODE_WORDS];
    bool cpu_known, mem_known;
    size_t n;
    struct topo_node *nodes;
};

struct km_nodes_topo *km_nodes_topo_new(void)
{
    return xcalloc(1, sizeof(struct km_nodes_topo));
}

void km_nodes_topo_free(struct km_nodes_topo **t)
{
    if (!t || !*t)
        return;
    free((*t)->nodes);
    free(*t);
    *t = NULL;
}

static void topo_keep(struct km_nodes_topo *t, const struct km_nodes *out, bool cpu_known,
                      bool mem_known, double now)
{
    t->have = true;
    t->t = now;
    memcpy(t->online, out->online, sizeof(t->online));
    memcpy(t->possible, out->possible, sizeof(t->possible));
    memcpy(t->has_cpu, out->has_cpu, sizeof(t->has_cpu));
    memcpy(t->has_memory, out->has_memory, sizeof(t->has_memory));
    t->cpu_known = cpu_known;
    t->mem_known = mem_known;
    t->nodes = xrealloc(t->nodes, (out->n ? out->n : 1) * sizeof(*t->nodes));
    t->n = out->n;
    for (size_t i = 0; i < out->n; i++) {
        const struct km_node *n = &out->nodes[i];
        struct topo_node *k = &t->nodes[i];
        k->node = n->node;
        memcpy(k->cpulist, n->cpulist, sizeof(k->cpulist));
        k->ncpus = n->ncpus;
        k->ndistance = n->ndistance;
        memcpy(k->distance, n->distance, sizeof(k->distance));
    }
}

/*
 * The per-tick read on a kept topology: the online mask (which must be the kept one: else
 * false, and a full read follows), then each node's meminfo and numastat; the rest from t.
 */
static bool read_on_topo(struct rd *r, struct km_nodes *out, const struct km_nodes_topo *t)
{
    uint64_t online[KM_NODE_WORDS] = {0};
    char path[4096], line[4096];
    snprintf(path, sizeof(path), "%s/online", r->dir);
    /* unreadable, malformed or changed: the full read's (which reports what is wrong) */
    if (km_read_line(path, line, sizeof(line)) != 0 ||
        km_parse_idlist(line, strlen(line), online, KM_MAX_NODES) < 0 ||
        memcmp(online, t->online, sizeof(online)) != 0)
        return false;
    out->have_sysfs = true;
    memcpy(out->online, t->online, sizeof(out->online));
    memcpy(out->possible, t->possible, sizeof(out->possible));
    memcpy(out->has_cpu, t->has_cpu, sizeof(out->has_cpu));
    memcpy(out->has_memory, t->has_memory, sizeof(out->has_memory));
    for (size_t i = 0; i < t->n; i++) {
        const struct topo_node *k = &t->nodes[i];
        struct km_node *n = km_nodes_get(out, k->node);
        n->sysfs = true;
        n->has_cpu = t->cpu_known ? km_mask_test(t->has_cpu, k->node) : true;
        n->has_memory = t->mem_known ? km_mask_test(t->has_memory, k->node) : true;
        memcpy(n->cpulist, k->cpulist, sizeof(n->cpulist));
        n->ncpus = k->ncpus;
        n->ndistance = k->ndistance;
        memcpy(n->distance, k->distance, sizeof(n->distance));
        read_node_file(r, n, "meminfo", km_parse_node_meminfo);
        read_node_file(r, n, "numastat", km_parse_numastat);
    }
    return true;
}

int km_nodes_read_cached(const char *dir, struct km_nodes_topo *t, double now, double max_age,
                         struct km_nodes *out, struct km_perr *err, char *errpath,
                         size_t errpathsz)
{
    struct rd r = {.dir = dir, .err = err, .errpath = errpath, .errpathsz = errpathsz};
    char **names = NULL;
    uint64_t ids[KM_NODE_WORDS] = {0};

    memset(out, 0, sizeof(*out));
    if (t && t->have && now >= t->t && now - t->t < max_age) {
        if (read_on_topo(&r, out, t)) {
            km_buf_free(&r.buf);
            report_skips(&r);
            return r.rc;
        }
    }
    int count = km_read_dir(dir, &names, NULL);
    if (count < 0) {
        note(&r, count, dir, NULL);
        if (t)
            t->have = false;
        return count;
    }
    out->have_sysfs = true;
    bool online = read_mask(&r, "online", out->online);
    read_mask(&r, "possible", out->possible);
    bool cpu_known = read_mask(&r, "has_cpu", out->has_cpu);
    bool mem_known = read_mask(&r, "has_memory", out->has_memory);
    if (online)
        memcpy(ids, out->online, sizeof(ids));
    else
        ids_from_dir(names, count, ids);
    km_strv_free(names, (size_t)count);
    for (int id = 0; id < KM_MAX_NODES; id++)
        if (km_mask_test(ids, id))
            read_node(&r, out, id, cpu_known, mem_known);
    km_buf_free(&r.buf);
    report_skips(&r);
    if (t) {
        /* only a clean read with an online mask is worth keeping */
        t->have = false;
        if (r.rc == 0 && online && (!err || err->skipped == 0))
            topo_keep(t, out, cpu_known, mem_known, now);
    }
    return r.rc;
}

int km_nodes_read_dir(const char *dir, struct km_nodes *out, struct km_perr *err, char *errpath,
                      size_t errpathsz)
{
    return km_nodes_read_cached(dir, NULL, 0, 0, out, err, errpath, errpathsz);
}

int km_nodes_read(struct km_nodes *out, struct km_perr *err, char *errpath, size_t errpathsz)
{
    return km_nodes_read_dir(KM_NODE_DIR, out, err, errpath, errpathsz);
}

int km_nodes_read_live(struct km_nodes_topo *t, double now, struct km_nodes *out,
                       struct km_perr *err, char *errpath, size_t errpathsz)
{
    return km_nodes_read_cached(KM_NODE_DIR, t, now, KM_NODES_TOPO_AGE, out, err, errpath,
                                errpathsz);
}
