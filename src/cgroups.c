/* cgroups.c - memory cgroups: parsers and the walk of the hierarchy. See include/kmemtop/cgroups.h. */
#include "kmemtop/cgroups.h"
#include "kmemtop/read.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *km_cg_hier_name(enum km_cg_hier h)
{
    return h == KM_CG_V2 ? "cgroup v2" : h == KM_CG_V1 ? "cgroup v1" : "none";
}

/* ---- mountinfo ------------------------------------------------------------------ */

/* Copies a mountinfo field, undoing its octal escapes (\040 for a blank); false when too long. */
static bool unescape(const char *s, size_t len, char *out, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (ch == '\\' && i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' &&
            s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
            ch = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        }
        if (o + 1 >= n)
            return false;
        out[o++] = ch;
    }
    out[o] = '\0';
    return true;
}

/* Whether the comma-separated list [s, s+len) holds word. */
static bool has_word(const char *s, size_t len, const char *word)
{
    size_t wl = strlen(word);
    const char *end = s + len;
    while (s < end) {
        const char *c = memchr(s, ',', (size_t)(end - s));
        size_t l = c ? (size_t)(c - s) : (size_t)(end - s);
        if (l == wl && memcmp(s, word, wl) == 0)
            return true;
        s += l + 1;
    }
    return false;
}

int km_parse_cgroup_mounts(const char *buf, size_t len, struct km_cg_mount *out,
                           struct km_perr *err)
{
    struct km_lines it;
    const char *line;
    size_t ll;
    int good = 0, bad = 0;
    struct km_cg_mount v2 = {.hier = KM_CG_NONE};
    memset(out, 0, sizeof(*out));
    km_lines_init(&it, buf, len);
    while (km_lines_next_nonblank(&it, &line, &ll)) {
        struct km_tok t;
        const char *tok[32];
        size_t tl[32];
        int nt = 0, dash = -1;
        km_tok_init(&t, line, ll);
        while (nt < 32 && km_tok_next(&t, &tok[nt], &tl[nt])) {
            if (dash < 0 && nt >= 6 && tl[nt] == 1 && tok[nt][0] == '-')
                dash = nt;
            nt++;
        }
        if (dash < 0 || nt < dash + 3) {
            struct km_perr why = {0};
            km_perr_set(&why, it.lineno, "not a mountinfo line (no \" - fstype source options\")");
            km_perr_skip(err, &why);
            bad++;
            continue;
        }
        good++;
        const char *fs = tok[dash + 1];
        size_t fl = tl[dash + 1];
        bool is_v1 = fl == 6 && memcmp(fs, "cgroup", 6) == 0;
        bool is_v2 = fl == 7 && memcmp(fs, "cgroup2", 7) == 0;
        if (!is_v1 && !is_v2)
            continue;
        struct km_cg_mount m = {.hier = is_v1 ? KM_CG_V1 : KM_CG_V2};
        if (!unescape(tok[4], tl[4], m.point, sizeof(m.point)) ||
            !unescape(tok[3], tl[3], m.root, sizeof(m.root)))
            continue;
        bool opts = nt > dash + 3; /* the super options (a kernel always prints them) */
        if (is_v1 && opts && has_word(tok[dash + 3], tl[dash + 3], "memory") &&
            out->hier == KM_CG_NONE)
            *out = m;
        if (is_v2 && v2.hier == KM_CG_NONE)
            v2 = m;
    }
    if (out->hier == KM_CG_NONE)
        *out = v2;
    if (!good && bad)
        return km_perr_unusable(err);
    return 0;
}

/* ---- flat key value files ---------------------------------------------------------- */

static const struct {
    const char *key;
    enum km_cg_field f;
} stat_keys[] = {
    {"kernel", KM_CGF_KERNEL},
    {"slab", KM_CGF_SLAB},
    {"slab_reclaimable", KM_CGF_SLAB_RECL},
    {"slab_unreclaimable", KM_CGF_SLAB_UNRECL},
    {"kernel_stack", KM_CGF_KSTACK},
    {"pagetables", KM_CGF_PAGETABLES},
    {"sec_pagetables", KM_CGF_SECPT},
    {"percpu", KM_CGF_PERCPU},
    {"sock", KM_CGF_SOCK},
    {"vmalloc", KM_CGF_VMALLOC},
    {"nr_dying_descendants", KM_CGF_DYING},
    {"nr_descendants", KM_CGF_DESC},
};

int km_parse_cgroup_stat(const char *buf, size_t len, int64_t *v, bool *has_kernel,
                         struct km_perr *err)
{
    struct km_lines it;
    const char *line;
    size_t ll;
    int good = 0, bad = 0;
    if (has_kernel)
        *has_kernel = false;
    km_lines_init(&it, buf, len);
    while (km_lines_next_nonblank(&it, &line, &ll)) {
        struct km_tok t;
        const char *key, *val, *extra;
        size_t kl, vl, el;
        uint64_t n;
        struct km_perr why = {0};
        km_tok_init(&t, line, ll);
        if (!km_tok_next(&t, &key, &kl) || !km_tok_next(&t, &val, &vl) ||
            km_tok_next(&t, &extra, &el)) {
            km_perr_set(&why, it.lineno, "expected \"name value\"");
        } else if (km_parse_u64(val, vl, &n) || n > (uint64_t)INT64_MAX) {
            km_perr_set(&why, it.lineno, "bad value for \"%.*s\"", (int)(kl > 40 ? 40 : kl), key);
        } else {
            good++;
            for (size_t i = 0; i < KM_ARRAY_LEN(stat_keys); i++)
                if (strlen(stat_keys[i].key) == kl && memcmp(stat_keys[i].key, key, kl) == 0) {
                    v[stat_keys[i].f] = (int64_t)n;
                    if (has_kernel && stat_keys[i].f == KM_CGF_KERNEL)
                        *has_kernel = true;
                }
            continue;
        }
        km_perr_skip(err, &why);
        bad++;
    }
    /* kernels before 5.9 print the two slab lines without their sum */
    if (KM_IS_NA(v[KM_CGF_SLAB]) && !KM_IS_NA(v[KM_CGF_SLAB_RECL]) &&
        !KM_IS_NA(v[KM_CGF_SLAB_UNRECL]))
        v[KM_CGF_SLAB] = v[KM_CGF_SLAB_RECL] + v[KM_CGF_SLAB_UNRECL];
    if (!good && bad)
        return km_perr_unusable(err);
    return 0;
}

int km_parse_cgroup_value(const char *buf, size_t len, int64_t *out, struct km_perr *err)
{
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
        len--;
    uint64_t n;
    if (len == 0 || km_parse_u64(buf, len, &n) || n > (uint64_t)INT64_MAX)
        return km_perr_set(err, 1, "expected one number");
    *out = (int64_t)n;
    return 0;
}

int km_parse_proc_cgroups(const char *buf, size_t len, int64_t *memory_num, struct km_perr *err)
{
    struct km_lines it;
    const char *line;
    size_t ll;
    *memory_num = KM_NA;
    km_lines_init(&it, buf, len);
    while (km_lines_next_nonblank(&it, &line, &ll)) {
        struct km_tok t;
        const char *tok[4];
        size_t tl[4];
        int nt = 0;
        km_tok_init(&t, line, ll);
        while (nt < 4 && km_tok_next(&t, &tok[nt], &tl[nt]))
            nt++;
        uint64_t n;
        if (nt >= 3 && tl[0] == 6 && memcmp(tok[0], "memory", 6) == 0 &&
            km_parse_u64(tok[2], tl[2], &n) == 0 && n <= (uint64_t)INT64_MAX) {
            *memory_num = (int64_t)n;
            return 0;
        }
    }
    (void)err;
    return 0;
}

/* ---- the walk ------------------------------------------------------------------- */

struct walk {
    const struct km_cg_mount *m;
    struct km_buf *buf;
    struct km_cgroups *out;
    size_t *bytes;
    struct km_perr *err;
    char *badpath;
    size_t badpathsz;
    bool toomany;
};

/* A file of the cgroup at kpath read into b; 0 or a negative errno. */
static int read_one(struct walk *w, const char *kpath, const char *file)
{
    char p[KM_CG_PATH_MAX + 320];
    snprintf(p, sizeof(p), "%s/%s", kpath, file);
    int rc = km_read_file(p, w->buf);
    if (rc == 0)
        *w->bytes += w->buf->len;
    return rc;
}

static void bad_file(struct walk *w, const char *kpath, const char *file, struct km_perr *why)
{
    if (w->err->skipped == 0)
        snprintf(w->badpath, w->badpathsz, "%s/%s", kpath, file);
    if (why->skipped == 0) /* the whole file: one line counted */
        km_perr_skip(w->err, why);
    else {
        struct km_perr one = {0};
        km_perr_set(&one, why->skip_line, "%s", why->skip_msg);
        km_perr_skip(w->err, &one);
    }
}

/* Reads the number in kpath/file into *v; a missing file leaves it absent. */
static void read_value(struct walk *w, const char *kpath, const char *file, int64_t *v)
{
    if (read_one(w, kpath, file))
        return;
    struct km_perr why = {0};
    if (km_parse_cgroup_value(w->buf->data, w->buf->len, v, &why))
        bad_file(w, kpath, file, &why);
}

static void read_stat(struct walk *w, struct km_cgroup *cg, const char *kpath, const char *file,
                      bool keep)
{
    int rc = read_one(w, kpath, file);
    if (rc) {
        if (keep) {
            cg->err = rc;
            if (km_err_denied(rc))
                w->out->ndenied++;
        }
        return;
    }
    struct km_perr why = {0};
    bool kernel = false;
    if (km_parse_cgroup_stat(w->buf->data, w->buf->len, cg->v, &kernel, &why) || why.skipped)
        bad_file(w, kpath, file, &why);
    if (kernel)
        w->out->stat_kernel = true;
    if (keep) {
        cg->stat = xmalloc(w->buf->len + 1);
        memcpy(cg->stat, w->buf->data, w->buf->len);
        cg->stat[w->buf->len] = '\0';
        cg->statlen = w->buf->len;
    }
}

static void walk(struct walk *w, const char *rel, int depth, size_t parent)
{
    if (w->toomany)
        return;
    if (w->out->n >= KM_CG_MAX) {
        w->toomany = true;
        return;
    }
    char kpath[KM_CG_PATH_MAX + 300];
    snprintf(kpath, sizeof(kpath), "%s%s", w->m->point, strcmp(rel, "/") == 0 ? "" : rel);
    xgrow((void **)&w->out->v, &w->out->cap, w->out->n + 1, sizeof(*w->out->v));
    size_t me = w->out->n++;
    struct km_cgroup *cg = &w->out->v[me];
    memset(cg, 0, sizeof(*cg));
    cg->path = xstrdup(rel);
    cg->depth = depth;
    cg->parent = parent;
    for (int i = 0; i < KM_CGF_N; i++) {
        cg->v[i] = KM_NA;
        cg->rate[i] = NAN;
    }
    if (w->m->hier == KM_CG_V2) {
        read_stat(w, cg, kpath, "memory.stat", true);
        read_value(w, kpath, "memory.current", &cg->v[KM_CGF_CURRENT]);
        read_stat(w, cg, kpath, "cgroup.stat", false);
    } else {
        read_stat(w, cg, kpath, "memory.stat", true);
        read_value(w, kpath, "memory.usage_in_bytes", &cg->v[KM_CGF_CURRENT]);
        read_value(w, kpath, "memory.kmem.usage_in_bytes", &cg->v[KM_CGF_KMEM]);
        read_value(w, kpath, "memory.kmem.max_usage_in_bytes", &cg->v[KM_CGF_KMEM_MAX]);
        read_value(w, kpath, "memory.kmem.tcp.usage_in_bytes", &cg->v[KM_CGF_KMEM_TCP]);
        if (!KM_IS_NA(cg->v[KM_CGF_KMEM_TCP]))
            w->out->v1_has_tcp = true;
    }
    if (depth >= KM_CG_DEPTH_MAX)
        return;
    char **names = NULL;
    int n = km_read_subdirs(kpath, &names);
    if (n == KM_ETOOMANY)
        w->toomany = true;
    for (int i = 0; i < n && !w->toomany; i++) {
        char child[KM_CG_PATH_MAX + 1];
        int l = snprintf(child, sizeof(child), "%s/%s", strcmp(rel, "/") == 0 ? "" : rel,
                         names[i]);
        if (l > 0 && (size_t)l < sizeof(child))
            walk(w, child, depth + 1, me);
    }
    km_strv_free(names, n > 0 ? (size_t)n : 0);
}

int km_cgroups_read(const struct km_cg_mount *m, struct km_buf *buf, struct km_cgroups *out,
                    size_t *bytes, struct km_perr *err, char *badpath, size_t badpathsz)
{
    memset(out, 0, sizeof(*out));
    out->hier = m->hier;
    out->v1_css = KM_NA;
    snprintf(out->mount, sizeof(out->mount), "%s", m->point);
    char **names = NULL;
    int rc = km_read_subdirs(m->point, &names);
    if (rc < 0)
        return rc;
    km_strv_free(names, (size_t)rc);
    struct walk w = {.m = m, .buf = buf, .out = out, .bytes = bytes, .err = err,
                     .badpath = badpath, .badpathsz = badpathsz};
    walk(&w, "/", 0, SIZE_MAX);
    if (w.toomany) {
        km_cgroups_free(out);
        out->hier = m->hier;
        snprintf(out->mount, sizeof(out->mount), "%s", m->point);
        snprintf(badpath, badpathsz, "%s", m->point);
        km_perr_set(err, 0, "more than %d cgroups (or a directory of more than %d): not read",
                    KM_CG_MAX, KM_READ_DIR_MAX);
        return -EINVAL;
    }
    return 0;
}

/* ---- rates, copies ---------------------------------------------------------------- */

static int cmp_path_idx(const void *a, const void *b, void *arg)
{
    const struct km_cgroups *c = arg;
    return strcmp(c->v[*(const size_t *)a].path, c->v[*(const size_t *)b].path);
}

void km_cgroups_rates(struct km_cgroups *cur, const struct km_cgroups *base, double dt)
{
    size_t *idx = xmalloc((base->n ? base->n : 1) * sizeof(*idx));
    for (size_t i = 0; i < base->n; i++)
        idx[i] = i;
    qsort_r(idx, base->n, sizeof(*idx), cmp_path_idx, (void *)base);
    for (size_t i = 0; i < cur->n; i++) {
        struct km_cgroup *cg = &cur->v[i];
        size_t lo = 0, hi = base->n;
        const struct km_cgroup *b = NULL;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int r = strcmp(cg->path, base->v[idx[mid]].path);
            if (r == 0) {
                b = &base->v[idx[mid]];
                break;
            }
            if (r < 0)
                hi = mid;
            else
                lo = mid + 1;
        }
        for (int f = 0; f < KM_CGF_N; f++)
            cg->rate[f] = b && dt > 0 && !KM_IS_NA(cg->v[f]) && !KM_IS_NA(b->v[f])
                              ? (double)(cg->v[f] - b->v[f]) / dt
                              : (double)NAN;
        cg->dying_grew = b && !KM_IS_NA(cg->v[KM_CGF_DYING]) && !KM_IS_NA(b->v[KM_CGF_DYING]) &&
                         cg->v[KM_CGF_DYING] > b->v[KM_CGF_DYING];
    }
    free(idx);
}

void km_cgroups_copy(struct km_cgroups *dst, const struct km_cgroups *src, bool with_stat)
{
    *dst = *src;
    dst->v = xmalloc((src->n ? src->n : 1) * sizeof(*dst->v));
    dst->cap = src->n;
    for (size_t i = 0; i < src->n; i++) {
        dst->v[i] = src->v[i];
        dst->v[i].path = xstrdup(src->v[i].path);
        dst->v[i].stat = NULL;
        dst->v[i].statlen = 0;
        if (with_stat && src->v[i].stat) {
            dst->v[i].stat = xmalloc(src->v[i].statlen + 1);
            memcpy(dst->v[i].stat, src->v[i].stat, src->v[i].statlen + 1);
            dst->v[i].statlen = src->v[i].statlen;
        }
    }
}

void km_cgroups_free(struct km_cgroups *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].path);
        free(c->v[i].stat);
    }
    free(c->v);
    memset(c, 0, sizeof(*c));
}
