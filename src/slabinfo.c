/* slabinfo.c - slab caches via libproc2, plus /sys/kernel/slab. See kmemtop/slabinfo.h. */
#include "kmemtop/slabinfo.h"
#include "kmemtop/proctext.h"
#include "kmemtop/read.h"
#include "kmemtop/root.h"

#include <errno.h>
#include <libproc2/slabinfo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What /sys/kernel/slab says of a cache that does not change while it lives. */
struct static_attrs {
    char name[KM_SLAB_NAME];
    int reclaimable, naliases;
    char **aliases; /* NULL-terminated, may be NULL */
};

struct km_slab_ctx {
    /* libproc2 fopen()s /proc/slabinfo once and fseek()s back to 0 on each
       reap, so a context keeps reading the file that was there when it was
       made: re-create it when /proc changes (a switch of captured tree). */
    struct slabinfo_info *info;
    struct km_buf text; /* our own read, on a tree without a mount namespace */
    /* sysfs attributes that are fixed for a cache's life, sorted by name;
       read again only when slabinfo names a cache not in here */
    struct static_attrs *attrs;
    size_t nattrs;
    bool attrs_read;
};

static void free_strv(char **v)
{
    if (v)
        for (char **a = v; *a; a++)
            free(*a);
    free(v);
}

static void free_attrs(struct km_slab_ctx *ctx)
{
    for (size_t i = 0; i < ctx->nattrs; i++)
        free_strv(ctx->attrs[i].aliases);
    free(ctx->attrs);
    ctx->attrs = NULL;
    ctx->nattrs = 0;
    ctx->attrs_read = false;
}

static enum slabinfo_item items[] = {
    SLAB_NAME,         SLAB_NUM_OBJS,   SLAB_ACTIVE_OBJS,  SLAB_OBJ_SIZE,
    SLAB_OBJ_PER_SLAB, SLAB_NUMS_SLABS, SLAB_ACTIVE_SLABS, SLAB_PAGES_PER_SLAB,
};
enum { I_NAME, I_NUM, I_ACTIVE, I_OBJSIZE, I_PERSLAB, I_SLABS, I_ASLABS, I_PAGES, I_N };

_Static_assert(sizeof(items) / sizeof(items[0]) == I_N, "items and I_ indexes agree");

int km_slab_ctx_new(struct km_slab_ctx **ctx)
{
    /* libproc2's context is made on first read: making it reads the file,
       which fails when it is absent or denied */
    *ctx = xcalloc(1, sizeof(**ctx));
    return 0;
}

void km_slab_ctx_free(struct km_slab_ctx **ctx)
{
    if (!ctx || !*ctx)
        return;
    if ((*ctx)->info)
        procps_slabinfo_unref(&(*ctx)->info);
    free_attrs(*ctx);
    km_buf_free(&(*ctx)->text);
    free(*ctx);
    *ctx = NULL;
}

/*
 * libproc2 fails the whole read with ERANGE when the version line is not
 * "slabinfo - version: 2.x" or a cache line has fewer than the 8 numbers
 * it scans; it does not say which line, so the message names none (line 0:
 * the sampler then prints no line number).
 */
static int map_err(int e, struct km_perr *err)
{
    int rc = -e;
    const char *msg;
    if (km_err_missing(-e)) {
        rc = -ENOENT;
        msg = "no /proc/slabinfo (kernel without SLUB_DEBUG, or SLOB)";
    } else if (km_err_denied(-e)) {
        rc = -EACCES;
        msg = "/proc/slabinfo is readable by root only";
    } else if (e == ERANGE) {
        return km_perr_set(err, 0,
                           "libproc2 could not parse the file, without saying which line "
                           "(not version 2.x, or a short cache line)");
    } else {
        msg = km_read_strerror(-e);
    }
    if (err) {
        err->line = 0;
        snprintf(err->msg, sizeof(err->msg), "%s", msg);
    }
    return rc;
}

static int64_t footprint(const struct km_slab *s, long page_size)
{
    int64_t pages, bytes;
    if (page_size <= 0 || __builtin_mul_overflow(s->num_slabs, s->pages_per_slab, &pages) ||
        __builtin_mul_overflow(pages, (int64_t)page_size, &bytes))
        return KM_NA;
    return bytes;
}

static void fill_slab(struct km_slab *s, const struct slabinfo_stack *st, long page_size)
{
    const struct slabinfo_result *r = st->head;
    const char *name = r[I_NAME].result.str ? r[I_NAME].result.str : "";
    km_copy(s->name, sizeof(s->name), name, strlen(name));
    s->num_objs = r[I_NUM].result.u_int;
    s->active_objs = r[I_ACTIVE].result.u_int;
    s->obj_size = r[I_OBJSIZE].result.u_int;
    s->objs_per_slab = r[I_PERSLAB].result.u_int;
    s->num_slabs = r[I_SLABS].result.u_int;
    s->active_slabs = r[I_ASLABS].result.u_int;
    s->pages_per_slab = r[I_PAGES].result.u_int;
    s->footprint = footprint(s, page_size);
    s->growth = NAN;
    s->reclaimable = -1;
    s->naliases = -1;
    s->aliases = NULL;
}

/* FNV-1a of a cache name. */
static size_t name_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return (size_t)(h ^ (h >> 29));
}

/*
 * ordinal = how many earlier lines carry the same name: each name's last line so far is
 * found by hash (index + 1 in its slot), one look a line rather than a sort of every name.
 */
void km_slabs_number_duplicates(struct km_slabs *s)
{
    if (s->n < 2)
        return;
    size_t nslot = 16;
    while (nslot < 2 * s->n)
        nslot *= 2;
    size_t *slot = xcalloc(nslot, sizeof(*slot));
    for (size_t i = 0; i < s->n; i++) {
        struct km_slab *cur = &s->slabs[i];
        size_t h = name_hash(cur->name) & (nslot - 1);
        while (slot[h] && strcmp(s->slabs[slot[h] - 1].name, cur->name) != 0)
            h = (h + 1) & (nslot - 1);
        if (slot[h])
            cur->ordinal = s->slabs[slot[h] - 1].ordinal + 1;
        slot[h] = i + 1;
    }
    free(slot);
}

/* A tree shown without a mount namespace: our own read and parser (libproc2 reads only /proc). */
static int read_own(struct km_slab_ctx *ctx, long page_size, struct km_slabs *out,
                    struct km_perr *err)
{
    int rc = km_read_file("/proc/slabinfo", &ctx->text);
    if (rc)
        return map_err(-rc, err);
    return km_parse_slabinfo(ctx->text.data, ctx->text.len, page_size, out, err);
}

int km_slabs_read(struct km_slab_ctx *ctx, long page_size, struct km_slabs *out,
                  struct km_perr *err)
{
    memset(out, 0, sizeof(*out));
    if (km_root_own_parsers())
        return read_own(ctx, page_size, out, err);
    if (!ctx->info) {
        int rc = km_read_staged_error("/proc/slabinfo"); /* a tree's copy that could not be made */
        if (rc == 0)
            rc = procps_slabinfo_new(&ctx->info);
        if (rc < 0) {
            ctx->info = NULL;
            return map_err(-rc, err);
        }
    }
    errno = 0;
    struct slabinfo_reaped *r = procps_slabinfo_reap(ctx->info, items, I_N);
    if (!r) {
        int e = errno ? errno : EIO;
        procps_slabinfo_unref(&ctx->info); /* reopen on the next read */
        ctx->info = NULL;
        return map_err(e, err);
    }
    size_t n = r->total > 0 ? (size_t)r->total : 0;
    out->slabs = xcalloc(n ? n : 1, sizeof(*out->slabs));
    for (size_t i = 0; i < n; i++)
        fill_slab(&out->slabs[i], r->stacks[i], page_size);
    out->n = n;
    km_slabs_number_duplicates(out);
    return 0;
}

static void free_aliases(struct km_slab *s)
{
    free_strv(s->aliases);
    s->aliases = NULL;
    free(s->nodes);
    s->nodes = NULL;
    s->nnodes = 0;
}

void km_slabs_free(struct km_slabs *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        if (s->slabs[i].aliases || s->slabs[i].nodes) /* a rate base has none: no calls */
            free_aliases(&s->slabs[i]);
    free(s->slabs);
    s->slabs = NULL;
    s->n = 0;
}

/* ---- /sys/kernel/slab ------------------------------------------------------ */

struct slabdir {
    int n;
    char **names;       /* sorted entries of /sys/kernel/slab */
    const char **group; /* the directory each entry stands for (itself or its link's) */
    char **targets;
    int *links; /* the entries that are links, by group then name */
    int nlinks;
};

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int cmp_name(const void *key, const void *elem)
{
    return strcmp(key, *(char *const *)elem);
}

static int find_entry(const struct slabdir *d, const char *name)
{
    char **hit = bsearch(name, d->names, (size_t)d->n, sizeof(*d->names), cmp_name);
    return hit ? (int)(hit - d->names) : -1;
}

static const struct slabdir *sort_dir; /* qsort has no context argument in C11 */

static int cmp_link(const void *a, const void *b)
{
    int i = *(const int *)a, j = *(const int *)b;
    int c = strcmp(sort_dir->group[i], sort_dir->group[j]);
    return c ? c : i - j; /* names are sorted already: index order is name order */
}

/* Orders the link entries by the directory they lead to: each group is one run. */
static void index_links(struct slabdir *d)
{
    d->links = xcalloc((size_t)d->n + 1, sizeof(*d->links));
    d->nlinks = 0;
    for (int j = 0; j < d->n; j++)
        if (d->targets[j])
            d->links[d->nlinks++] = j;
    sort_dir = d;
    qsort(d->links, (size_t)d->nlinks, sizeof(*d->links), cmp_link);
    sort_dir = NULL;
}

/* The first link of group g (binary search over the sorted links). */
static int first_link(const struct slabdir *d, const char *g)
{
    int lo = 0, hi = d->nlinks;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (strcmp(d->group[d->links[mid]], g) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The other names whose link leads to the same directory as entry k (at most KM_SLAB_ALIASES_MAX).
 */
static char **alias_names(const struct slabdir *d, int k, int *count)
{
    char **v = NULL;
    size_t cap = 0, n = 0;
    const char *g = d->group[k];
    for (int i = first_link(d, g); i < d->nlinks && n < KM_SLAB_ALIASES_MAX; i++) {
        int j = d->links[i];
        if (strcmp(d->group[j], g) != 0)
            break;
        if (j == k)
            continue;
        xgrow((void **)&v, &cap, n + 2, sizeof(*v));
        v[n++] = xstrdup(d->names[j]);
        v[n] = NULL;
    }
    *count = (int)n;
    return v;
}

static bool safe_name(const char *s)
{
    return s[0] && strcmp(s, ".") && strcmp(s, "..") && !strchr(s, '/');
}

int km_parse_slab_nodes(const char *buf, int64_t *total, struct km_slab_node *out, int max)
{
    struct km_tok t;
    const char *tok;
    size_t len;
    int n = 0;
    km_tok_init(&t, buf, strlen(buf));
    if (!km_tok_next(&t, &tok, &len) || km_parse_i64(tok, len, total) != 0)
        return -EINVAL;
    while (km_tok_next(&t, &tok, &len)) {
        const char *eq = memchr(tok, '=', len);
        int64_t node, v;
        if (len < 4 || tok[0] != 'N' || !eq || eq == tok + 1 ||
            km_parse_i64(tok + 1, (size_t)(eq - tok - 1), &node) != 0 ||
            km_parse_i64(eq + 1, len - (size_t)(eq + 1 - tok), &v) != 0 || node < 0 ||
            node > INT32_MAX)
            return -EINVAL;
        if (n < max)
            out[n++] = (struct km_slab_node){.node = (int)node, .slabs = v};
    }
    return n;
}

/* Slabs per node from the `slabs` file (root; SLUB_DEBUG; the tail needs NUMA). */
static void read_nodes(struct km_slab *s)
{
    char path[512], line[4096];
    struct km_slab_node v[256];
    int64_t total;
    snprintf(path, sizeof(path), "/sys/kernel/slab/%s/slabs", s->name);
    if (km_read_line(path, line, sizeof(line)) != 0)
        return;
    int n = km_parse_slab_nodes(line, &total, v, (int)KM_ARRAY_LEN(v));
    if (n <= 0)
        return;
    s->nodes = xmalloc((size_t)n * sizeof(*s->nodes));
    memcpy(s->nodes, v, (size_t)n * sizeof(*v));
    s->nnodes = n;
}

static void read_static(struct static_attrs *a, const struct slabdir *d)
{
    char path[512];
    int64_t v;
    a->reclaimable = a->naliases = -1;
    a->aliases = NULL;
    if (!safe_name(a->name))
        return;
    snprintf(path, sizeof(path), "/sys/kernel/slab/%s/reclaim_account", a->name);
    if (km_read_i64(path, &v) == 0 && (v == 0 || v == 1))
        a->reclaimable = (int)v;
    snprintf(path, sizeof(path), "/sys/kernel/slab/%s/aliases", a->name);
    if (km_read_i64(path, &v) == 0 && v >= 0 && v <= INT32_MAX)
        a->naliases = (int)v;
    /* the links are listable without root; naliases stays the kernel's count */
    int k = find_entry(d, a->name), count = 0;
    if (k >= 0)
        a->aliases = alias_names(d, k, &count);
}

static int cmp_attrs(const void *a, const void *b)
{
    return strcmp(((const struct static_attrs *)a)->name, ((const struct static_attrs *)b)->name);
}

static int cmp_name_attrs(const void *key, const void *elem)
{
    return strcmp(key, ((const struct static_attrs *)elem)->name);
}

static const struct static_attrs *find_attrs(const struct km_slab_ctx *ctx, const char *name)
{
    if (ctx->nattrs == 0)
        return NULL; /* bsearch wants a real array even for 0 elements */
    return bsearch(name, ctx->attrs, ctx->nattrs, sizeof(*ctx->attrs), cmp_name_attrs);
}

/* Lists /sys/kernel/slab (with link targets) once and reads every cache's fixed attributes. */
static void read_all_static(struct km_slab_ctx *ctx, const struct km_slabs *s)
{
    free_attrs(ctx);
    ctx->attrs_read = true;
    struct slabdir d = {0};
    d.n = km_read_dir("/sys/kernel/slab", &d.names, &d.targets);
    if (d.n < 0)
        return; /* SLAB, or no sysfs: everything stays unknown */
    d.group = xcalloc((size_t)d.n + 1, sizeof(*d.group));
    for (int j = 0; j < d.n; j++)
        d.group[j] = d.targets[j] ? base_name(d.targets[j]) : d.names[j];
    index_links(&d);
    ctx->attrs = xcalloc(s->n ? s->n : 1, sizeof(*ctx->attrs));
    for (size_t i = 0; i < s->n; i++) {
        if (s->slabs[i].ordinal > 0)
            continue; /* a duplicate name has the same directory */
        struct static_attrs *a = &ctx->attrs[ctx->nattrs++];
        km_copy(a->name, sizeof(a->name), s->slabs[i].name, strlen(s->slabs[i].name));
        read_static(a, &d);
    }
    qsort(ctx->attrs, ctx->nattrs, sizeof(*ctx->attrs), cmp_attrs);
    free(d.group);
    free(d.links);
    km_strv_free(d.names, (size_t)d.n);
    km_strv_free(d.targets, (size_t)d.n);
}

static char **dup_strv(char *const *v)
{
    if (!v)
        return NULL;
    size_t n = 0;
    while (v[n])
        n++;
    char **d = xcalloc(n + 1, sizeof(*d));
    for (size_t i = 0; i < n; i++)
        d[i] = xstrdup(v[i]);
    return d;
}

void km_slabs_read_sysfs(struct km_slab_ctx *ctx, struct km_slabs *s, bool per_node)
{
    bool stale = !ctx->attrs_read;
    for (size_t i = 0; i < s->n && !stale; i++)
        stale = !find_attrs(ctx, s->slabs[i].name);
    if (stale && ctx->attrs_read && ctx->nattrs == 0)
        stale = false; /* /sys/kernel/slab is not there: do not look again */
    if (stale)
        read_all_static(ctx, s);
    for (size_t i = 0; i < s->n; i++) {
        struct km_slab *sl = &s->slabs[i];
        free_aliases(sl);
        sl->reclaimable = sl->naliases = -1;
        const struct static_attrs *a = find_attrs(ctx, sl->name);
        if (!a)
            continue;
        sl->reclaimable = a->reclaimable;
        sl->naliases = a->naliases;
        sl->aliases = dup_strv(a->aliases);
        if (per_node && a->reclaimable >= 0)
            read_nodes(sl);
    }
}
