/* pagetypeinfo.c - parser for /proc/pagetypeinfo. See include/kmemtop/pagetypeinfo.h. */
#include "kmemtop/pagetypeinfo.h"
#include "kmemtop/sat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SEC_BAD: under a header that could not be read, whose rows are left out with it */
enum section { SEC_NONE, SEC_FREE, SEC_BLOCKS, SEC_MIXED, SEC_BAD };

struct pstate {
    struct km_pagetypeinfo *out;
    size_t capf, capb;
    enum section sec;
    int lineno;
    int hdr_orders;        /* orders of the last free-count header, 0 before one */
    int ncols;             /* columns of the last "Number of blocks type" header */
    int colmap[KM_MAX_MT]; /* header column -> index into out->types */
    struct km_perr *err;
};

/* Consumes the words in order from t; false (t unspecified) on a mismatch. */
static bool take_words(struct km_tok *t, const char *const *words)
{
    const char *tok;
    size_t tl;
    for (; *words; words++)
        if (!km_tok_next(t, &tok, &tl) || !km_tok_eq(tok, tl, *words))
            return false;
    return true;
}

static bool starts_with(const struct km_tok *t, struct km_tok *rest, const char *const *words)
{
    *rest = *t;
    return take_words(rest, words);
}

/* A token with one trailing comma removed ("0," "Normal,"). */
static size_t strip_comma(const char *tok, size_t len)
{
    return len > 0 && tok[len - 1] == ',' ? len - 1 : len;
}

/* Index of a migrate type by name, added when new; -1 when the table is full. */
static int type_index(struct km_pagetypeinfo *p, const char *name, size_t len)
{
    for (int i = 0; i < p->ntypes; i++)
        if (km_tok_eq(name, len, p->types[i]))
            return i;
    if (p->ntypes == KM_MAX_MT)
        return -1;
    km_copy(p->types[p->ntypes], KM_MT_NAME, name, len);
    return p->ntypes++;
}

static int parse_count(const char *tok, size_t len, int64_t *v, bool *capped)
{
    uint64_t u;
    *capped = len > 0 && tok[0] == '>';
    int rc = km_parse_u64(tok + *capped, len - *capped, &u);
    if (rc == 0 && u > (uint64_t)INT64_MAX)
        rc = -ERANGE;
    if (rc == 0)
        *v = (int64_t)u;
    return rc;
}

/* "Node 0, zone Normal" (the commas optional); leaves t after the zone. */
static int parse_node_zone(struct pstate *s, struct km_tok *t, int *node, char *zone)
{
    const char *tok;
    size_t tl;
    int64_t v;
    if (!km_tok_next(t, &tok, &tl) || km_parse_i64(tok, strip_comma(tok, tl), &v) || v < 0 ||
        v > INT32_MAX)
        return km_perr_set(s->err, s->lineno, "bad node id");
    *node = (int)v;
    if (!km_tok_next(t, &tok, &tl) || !km_tok_eq(tok, tl, "zone"))
        return km_perr_set(s->err, s->lineno, "expected \"zone\" after the node id");
    if (!km_tok_next(t, &tok, &tl) || strip_comma(tok, tl) == 0)
        return km_perr_set(s->err, s->lineno, "missing zone name");
    tl = strip_comma(tok, tl);
    if (tl >= KM_ZONE_NAME)
        return km_perr_set(s->err, s->lineno, "zone name too long");
    km_copy(zone, KM_ZONE_NAME, tok, tl);
    return 0;
}

static int free_header(struct pstate *s, struct km_tok *t)
{
    const char *tok;
    size_t tl;
    int n = 0;
    while (km_tok_next(t, &tok, &tl)) {
        uint64_t v;
        if (n == KM_MAX_ORDERS)
            return km_perr_set(s->err, s->lineno, "more than %d orders", KM_MAX_ORDERS);
        if (km_parse_u64(tok, tl, &v) || v != (uint64_t)n)
            return km_perr_set(s->err, s->lineno, "order header column %d is not %d", n + 1, n);
        n++;
    }
    if (n == 0)
        return km_perr_set(s->err, s->lineno, "free-count header without orders");
    s->hdr_orders = n;
    if (n > s->out->norders)
        s->out->norders = n;
    s->sec = SEC_FREE;
    return 0;
}

static int blocks_header(struct pstate *s, struct km_tok *t)
{
    const char *tok;
    size_t tl;
    int n = 0;
    while (km_tok_next(t, &tok, &tl)) {
        if (n == KM_MAX_MT)
            return km_perr_set(s->err, s->lineno, "more than %d migrate types", KM_MAX_MT);
        if (tl >= KM_MT_NAME)
            return km_perr_set(s->err, s->lineno, "migrate type name too long");
        int idx = type_index(s->out, tok, tl);
        if (idx < 0)
            return km_perr_set(s->err, s->lineno, "more than %d migrate types", KM_MAX_MT);
        for (int i = 0; i < n; i++)
            if (s->colmap[i] == idx)
                return km_perr_set(s->err, s->lineno, "migrate type %s twice", s->out->types[idx]);
        s->colmap[n++] = idx;
    }
    if (n == 0)
        return km_perr_set(s->err, s->lineno, "block-count header without migrate types");
    s->ncols = n;
    s->sec = SEC_BLOCKS;
    return 0;
}

/* "Node    0, zone   Normal, type    Unmovable  459 >100000 ..." */
static int free_row(struct pstate *s, struct km_tok *t)
{
    struct km_pti_free r = {.norders = 0};
    const char *tok;
    size_t tl;
    int rc = parse_node_zone(s, t, &r.node, r.zone);
    if (rc)
        return rc;
    if (!km_tok_next(t, &tok, &tl) || !km_tok_eq(tok, tl, "type"))
        return km_perr_set(s->err, s->lineno, "expected \"type\" after the zone");
    if (!km_tok_next(t, &tok, &tl))
        return km_perr_set(s->err, s->lineno, "missing migrate type");
    if (tl >= KM_MT_NAME || type_index(s->out, tok, tl) < 0)
        return km_perr_set(s->err, s->lineno, "bad migrate type \"%.*s\"", (int)(tl > 32 ? 32 : tl),
                           tok);
    km_copy(r.type, sizeof(r.type), tok, tl);
    for (int k = 0; k < KM_MAX_ORDERS; k++)
        r.free[k] = KM_NA;
    while (km_tok_next(t, &tok, &tl)) {
        bool capped;
        if (r.norders == KM_MAX_ORDERS)
            return km_perr_set(s->err, s->lineno, "more than %d order columns", KM_MAX_ORDERS);
        rc = parse_count(tok, tl, &r.free[r.norders], &capped);
        if (rc == 0 && !km_blocks_ok((uint64_t)r.free[r.norders], r.norders))
            rc = -ERANGE; /* its bytes do not fit 64 bits */
        if (rc)
            return km_perr_set(s->err, s->lineno, "order %d: %s count \"%.*s\"", r.norders,
                               rc == -ERANGE ? "out-of-range" : "bad", (int)(tl > 32 ? 32 : tl),
                               tok);
        if (capped)
            r.capped |= 1u << r.norders;
        r.norders++;
    }
    if (r.norders == 0)
        return km_perr_set(s->err, s->lineno, "no free counts");
    if (s->hdr_orders && r.norders != s->hdr_orders)
        return km_perr_set(s->err, s->lineno, "%d counts where the header has %d orders", r.norders,
                           s->hdr_orders);
    if (r.norders > s->out->norders)
        s->out->norders = r.norders;
    xgrow((void **)&s->out->free, &s->capf, s->out->nfree + 1, sizeof(r));
    s->out->free[s->out->nfree++] = r;
    return 0;
}

/* "Node 0, zone   Normal  40 267 ..." under "Number of blocks type". */
static int blocks_row(struct pstate *s, struct km_tok *t)
{
    struct km_pti_blocks r = {.node = 0};
    const char *tok;
    size_t tl;
    int n = 0;
    int rc = parse_node_zone(s, t, &r.node, r.zone);
    if (rc)
        return rc;
    for (int i = 0; i < KM_MAX_MT; i++)
        r.count[i] = KM_NA;
    while (km_tok_next(t, &tok, &tl)) {
        bool capped;
        if (n == s->ncols)
            return km_perr_set(s->err, s->lineno, "more counts than the %d migrate types",
                               s->ncols);
        if (parse_count(tok, tl, &r.count[s->colmap[n]], &capped) || capped)
            return km_perr_set(s->err, s->lineno, "bad block count \"%.*s\"",
                               (int)(tl > 32 ? 32 : tl), tok);
        n++;
    }
    if (n != s->ncols)
        return km_perr_set(s->err, s->lineno, "%d block counts for %d migrate types", n, s->ncols);
    xgrow((void **)&s->out->blocks, &s->capb, s->out->nblocks + 1, sizeof(r));
    s->out->blocks[s->out->nblocks++] = r;
    return 0;
}

/* "Page block order: 9" / "Pages per block: 512": the value after the words. */
static int header_value(struct pstate *s, struct km_tok *t, int64_t max, int64_t *out)
{
    const char *tok;
    size_t tl;
    int64_t v;
    if (!km_tok_next(t, &tok, &tl) || km_parse_i64(tok, tl, &v))
        return km_perr_set(s->err, s->lineno, "bad value");
    if (v < 0 || v > max)
        return km_perr_set(s->err, s->lineno, "value %lld out of range (0 to %lld)", (long long)v,
                           (long long)max);
    if (km_tok_next(t, &tok, &tl))
        return km_perr_set(s->err, s->lineno, "extra text after the value");
    *out = v;
    return 0;
}

/* The rows under a header that could not be read go with it: one line counted, and said. */
static int bad_header(struct pstate *s)
{
    s->sec = SEC_BAD;
    if (s->err) {
        size_t n = strlen(s->err->msg);
        snprintf(s->err->msg + n, sizeof(s->err->msg) - n, " (its rows skipped with it)");
    }
    return -EINVAL;
}

static int parse_line(struct pstate *s, const char *line, size_t len)
{
    static const char *const w_order[] = {"Page", "block", "order:", NULL};
    static const char *const w_ppb[] = {"Pages", "per", "block:", NULL};
    static const char *const w_free[] = {"Free", "pages", "count", "per", "migrate",
                                         "type", "at",    "order", NULL};
    static const char *const w_blocks[] = {"Number", "of", "blocks", "type", NULL};
    static const char *const w_mixed[] = {"Number", "of", "mixed", "blocks", NULL};
    static const char *const w_node[] = {"Node", NULL};
    struct km_tok t, r;
    int64_t v;
    int rc;

    km_tok_init(&t, line, len);
    if (starts_with(&t, &r, w_order)) {
        if ((rc = header_value(s, &r, KM_ORDER_LIMIT - 1, &v)) == 0)
            s->out->pageblock_order = (int)v;
        return rc;
    }
    if (starts_with(&t, &r, w_ppb))
        return header_value(s, &r, (int64_t)1 << (KM_ORDER_LIMIT - 1), &s->out->pages_per_block);
    if (starts_with(&t, &r, w_free))
        return free_header(s, &r) ? bad_header(s) : 0;
    if (starts_with(&t, &r, w_blocks))
        return blocks_header(s, &r) ? bad_header(s) : 0;
    if (starts_with(&t, &r, w_mixed)) {
        s->sec = SEC_MIXED; /* page_owner detail: not kept */
        return 0;
    }
    if (starts_with(&t, &r, w_node)) {
        switch (s->sec) {
        case SEC_FREE:
            return free_row(s, &r);
        case SEC_BLOCKS:
            return blocks_row(s, &r);
        case SEC_MIXED:
        case SEC_BAD:
            return 0;
        case SEC_NONE:
            break;
        }
        return km_perr_set(s->err, s->lineno, "zone row before any header");
    }
    return km_perr_set(s->err, s->lineno, "unexpected line");
}

static bool pti_empty(const struct km_pagetypeinfo *p)
{
    return p->nfree == 0 && p->nblocks == 0 && p->pageblock_order < 0 &&
           KM_IS_NA(p->pages_per_block);
}

/* A line that cannot be read is left out and counted (err->skipped); none readable: -EINVAL. */
int km_parse_pagetypeinfo(const char *buf, size_t len, struct km_pagetypeinfo *out,
                          struct km_perr *err)
{
    struct km_perr why;
    struct pstate s = {.out = out, .sec = SEC_NONE, .err = &why};
    struct km_lines it;
    const char *line;
    size_t ll;
    int bad = 0;

    memset(out, 0, sizeof(*out));
    out->pageblock_order = -1;
    out->pages_per_block = KM_NA;
    km_lines_init(&it, buf, len);
    while (km_lines_next_nonblank(&it, &line, &ll)) {
        int ntypes = out->ntypes; /* a line left out adds no migrate type */
        memset(&why, 0, sizeof(why));
        s.lineno = it.lineno;
        if (parse_line(&s, line, ll)) {
            out->ntypes = ntypes;
            km_perr_skip(err, &why);
            bad++;
        }
    }
    if (bad && pti_empty(out)) {
        km_pagetypeinfo_free(out);
        return km_perr_unusable(err);
    }
    return 0;
}

void km_pagetypeinfo_free(struct km_pagetypeinfo *p)
{
    free(p->free);
    free(p->blocks);
    memset(p, 0, sizeof(*p));
    p->pageblock_order = -1;
    p->pages_per_block = KM_NA;
}
