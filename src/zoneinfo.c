/* zoneinfo.c - parser for /proc/zoneinfo, 2.6 to 6.18. See include/kmemtop/zoneinfo.h. */
#include "kmemtop/zoneinfo.h"
#include "kmemtop/sat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- key/value lists --------------------------------------------------- */

int64_t km_kv_get(const struct km_kvlist *l, const char *key)
{
    if (!l || !key)
        return KM_NA;
    for (size_t i = l->n; i-- > 0;) /* the last value put under a key wins */
        if (strcmp(l->v[i].key, key) == 0)
            return l->v[i].val;
    return KM_NA;
}

void km_kv_put(struct km_kvlist *l, const char *key, size_t keylen, int64_t val)
{
    /* appended without looking for an earlier copy: keys of a stanza are
       unique, and km_kv_get takes the last one when they are not */
    char k[KM_KEY_LEN];
    km_copy(k, sizeof(k), key, keylen); /* longer keys are truncated */
    xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    memcpy(l->v[l->n].key, k, sizeof(k));
    l->v[l->n].val = val;
    l->n++;
}

void km_kv_free(struct km_kvlist *l)
{
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* Sum that sticks at the int64 limits instead of overflowing (garbage input). */
static int64_t sat_add(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? INT64_MAX : INT64_MIN + 1;
    return r;
}

/* ---- parser state --------------------------------------------------------- */

enum zstate {
    ZS_NONE, /* before the first "Node N, zone X" */
    ZS_NODE, /* inside "per-node stats" */
    ZS_ZONE, /* zone items */
    ZS_PCP,  /* after "pagesets" */
    ZS_SKIP  /* in the block of a zone header that could not be read */
};

struct zparse {
    struct km_zoneinfo *out;
    size_t capz, capn;
    enum zstate st;
    int lineno;
    struct km_perr *err;
    struct km_zone *z;             /* the current zone */
    struct km_zoneinfo_node *node; /* its node */
    bool have_cpu;
    int64_t last_cpu;
};

/* One "key value" line: key words joined by single blanks, without the colon. */
struct kv {
    char key[64];
    size_t keylen;
    bool colon;        /* the key ended with ':' */
    struct km_tok val; /* positioned after the key */
};

static bool looks_numeric(const char *tok)
{
    return (*tok >= '0' && *tok <= '9') || *tok == '-' || *tok == '(';
}

static void split_kv(const char *line, size_t len, struct kv *kv)
{
    const char *tok;
    size_t tl;
    kv->keylen = 0;
    kv->colon = false;
    km_tok_init(&kv->val, line, len);
    for (;;) {
        struct km_tok save = kv->val;
        if (!km_tok_next(&kv->val, &tok, &tl))
            break;
        if (looks_numeric(tok)) {
            kv->val = save;
            break;
        }
        kv->colon = tok[tl - 1] == ':';
        if (kv->colon)
            tl--;
        if (kv->keylen && kv->keylen < sizeof(kv->key) - 1)
            kv->key[kv->keylen++] = ' ';
        size_t room = sizeof(kv->key) - 1 - kv->keylen;
        memcpy(kv->key + kv->keylen, tok, tl < room ? tl : room);
        kv->keylen += tl < room ? tl : room;
        if (kv->colon)
            break;
    }
    kv->key[kv->keylen] = '\0';
}

static struct km_zoneinfo_node *node_get(struct zparse *s, int id)
{
    struct km_zoneinfo *zi = s->out;
    for (size_t i = 0; i < zi->nnodes; i++)
        if (zi->nodes[i].node == id)
            return &zi->nodes[i];
    xgrow((void **)&zi->nodes, &s->capn, zi->nnodes + 1, sizeof(*zi->nodes));
    struct km_zoneinfo_node *n = &zi->nodes[zi->nnodes++];
    memset(n, 0, sizeof(*n));
    n->node = id;
    return n;
}

static void zone_init(struct km_zone *z)
{
    memset(z, 0, sizeof(*z));
    z->free = z->boost = z->min = z->low = z->high = z->promo = KM_NA;
    z->spanned = z->present = z->managed = z->cma = z->start_pfn = KM_NA;
    for (int i = 0; i < KM_MAX_ZONES_PROT; i++)
        z->protection[i] = KM_NA;
    z->node_unreclaimable = KM_NA;
    z->pcp_count = KM_NA;
}

#define ZI_MAX_NODES 1024                 /* MAX_NUMNODES at its largest */
#define ZI_MAX_ZONES (ZI_MAX_NODES * 8) /* MAX_NR_ZONES is 6 at most */

/* "Node 0, zone      DMA" */
static int zone_header(struct zparse *s, const char *line, size_t len)
{
    struct km_tok t;
    const char *tok;
    size_t tl;
    int64_t id;
    km_tok_init(&t, line, len);
    km_tok_next(&t, &tok, &tl); /* "Node" */
    if (!km_tok_next(&t, &tok, &tl) || tl < 2 || tok[tl - 1] != ',' ||
        km_parse_i64(tok, tl - 1, &id) || id < 0 || id > INT32_MAX)
        return km_perr_set(s->err, s->lineno, "expected \"Node N, zone NAME\"");
    if (!km_tok_next(&t, &tok, &tl) || !km_tok_eq(tok, tl, "zone") || !km_tok_next(&t, &tok, &tl))
        return km_perr_set(s->err, s->lineno, "expected \"zone NAME\" after the node id");
    if (tl >= KM_ZONE_NAME)
        return km_perr_set(s->err, s->lineno, "zone name too long");
    const char *name = tok;
    size_t namelen = tl;
    if (km_tok_next(&t, &tok, &tl))
        return km_perr_set(s->err, s->lineno, "extra text after the zone name");
    /* what a kernel can print (nodes_shift <= 10; a few zones each): lookups stay cheap */
    if (id >= ZI_MAX_NODES)
        return km_perr_set(s->err, s->lineno, "node %lld: beyond any kernel's %d nodes",
                           (long long)id, ZI_MAX_NODES);
    if (s->out->nzones >= ZI_MAX_ZONES)
        return km_perr_set(s->err, s->lineno, "more than %d zones", ZI_MAX_ZONES);

    struct km_zoneinfo *zi = s->out;
    xgrow((void **)&zi->zones, &s->capz, zi->nzones + 1, sizeof(*zi->zones));
    s->z = &zi->zones[zi->nzones++];
    zone_init(s->z);
    s->z->node = (int)id;
    km_copy(s->z->zone, sizeof(s->z->zone), name, namelen);
    s->node = node_get(s, (int)id);
    s->st = ZS_ZONE;
    s->have_cpu = false;
    return 0;
}

/* "(0, 3019, 3659)" after "protection:"; the zone's entries change only when all are read. */
static int parse_protection(struct zparse *s, struct km_tok *t)
{
    const char *p = t->p, *e = t->end;
    int64_t prot[KM_MAX_ZONES_PROT];
    int n = 0;
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    if (e - p < 2 || *p != '(' || e[-1] != ')')
        return km_perr_set(s->err, s->lineno, "protection: expected \"(n, n, ...)\"");
    p++;
    e--;
    while (p < e) {
        const char *c = memchr(p, ',', (size_t)(e - p));
        struct km_tok t2;
        const char *tok;
        size_t tl;
        km_tok_init(&t2, p, (size_t)((c ? c : e) - p));
        if (n == KM_MAX_ZONES_PROT)
            return km_perr_set(s->err, s->lineno, "more than %d protection entries",
                               KM_MAX_ZONES_PROT);
        if (!km_tok_next(&t2, &tok, &tl) || km_parse_i64(tok, tl, &prot[n]) ||
            km_tok_next(&t2, &tok, &tl))
            return km_perr_set(s->err, s->lineno, "protection: bad entry %d", n + 1);
        if (prot[n] < 0 || prot[n] > KM_PAGES_MAX) /* pages: their bytes must fit 64 bits */
            return km_perr_set(s->err, s->lineno, "protection: out-of-range entry %d", n + 1);
        n++;
        p = c ? c + 1 : e;
    }
    s->z->nprotection = n;
    memcpy(s->z->protection, prot, (size_t)n * sizeof(prot[0]));
    return 0;
}

/* Typed zone fields by key; NULL for the ones kept in `stats`. */
static int64_t *zone_field(struct km_zone *z, const char *key)
{
    static const struct {
        const char *key;
        size_t off;
    } map[] = {
        {"pages free", offsetof(struct km_zone, free)},
        {"boost", offsetof(struct km_zone, boost)},
        {"min", offsetof(struct km_zone, min)},
        {"low", offsetof(struct km_zone, low)},
        {"high", offsetof(struct km_zone, high)},
        {"promo", offsetof(struct km_zone, promo)},
        {"spanned", offsetof(struct km_zone, spanned)},
        {"present", offsetof(struct km_zone, present)},
        {"managed", offsetof(struct km_zone, managed)},
        {"cma", offsetof(struct km_zone, cma)},
        {"start_pfn", offsetof(struct km_zone, start_pfn)},
        {"node_unreclaimable", offsetof(struct km_zone, node_unreclaimable)},
    };
    for (size_t i = 0; i < KM_ARRAY_LEN(map); i++)
        if (map[i].key[0] == key[0] && strcmp(map[i].key, key) == 0)
            return (int64_t *)(void *)((char *)z + map[i].off);
    return NULL;
}

/* Whether a typed field counts pages (a count no kernel prints above KM_PAGES_MAX). */
static bool is_pages(const struct km_zone *z, const int64_t *f)
{
    return f != &z->start_pfn && f != &z->node_unreclaimable;
}

/* Pageset lines; false when the key is not one of them. */
static bool pcp_item(struct zparse *s, const struct kv *kv, int64_t v)
{
    if (!kv->colon)
        return false;
    if (strcmp(kv->key, "cpu") == 0) {
        /* 2.6 prints "cpu: 0 pcp: 0" and "cpu: 0 pcp: 1" for one CPU */
        if (!s->have_cpu || v != s->last_cpu)
            s->z->ncpus++;
        s->have_cpu = true;
        s->last_cpu = v;
        return true;
    }
    if (strcmp(kv->key, "count") == 0) {
        s->z->pcp_count = sat_add(KM_IS_NA(s->z->pcp_count) ? 0 : s->z->pcp_count, v);
        return true;
    }
    return strcmp(kv->key, "high") == 0 || strcmp(kv->key, "batch") == 0 ||
           strcmp(kv->key, "high_min") == 0 || strcmp(kv->key, "high_max") == 0;
}

/* A zone's, its pagesets' or its node's item (kv_line's value read). */
static int kv_store(struct zparse *s, const struct kv *kv, int64_t v)
{
    if (s->st == ZS_NODE) {
        km_kv_put(&s->node->stats, kv->key, kv->keylen, v);
        return 0;
    }
    if (s->st == ZS_PCP && pcp_item(s, kv, v))
        return 0;
    int64_t *f = zone_field(s->z, kv->key);
    if (f && is_pages(s->z, f) && (v < 0 || v > KM_PAGES_MAX))
        return km_perr_set(s->err, s->lineno, "out-of-range value for \"%s\"", kv->key);
    if (f)
        *f = v;
    else
        km_kv_put(&s->z->stats, kv->key, kv->keylen, v);
    return 0;
}

static int kv_line(struct zparse *s, const char *line, size_t len)
{
    struct kv kv;
    const char *tok;
    size_t tl;
    int64_t v;

    split_kv(line, len, &kv);
    if (s->st == ZS_NONE)
        return km_perr_set(s->err, s->lineno, "expected a \"Node N, zone NAME\" line");
    if (kv.keylen == 0)
        return km_perr_set(s->err, s->lineno, "a value without a name");
    if (s->st == ZS_NODE && strncmp(kv.key, "pages free", 10) == 0 &&
        (kv.key[10] == '\0' || kv.key[10] == ' '))
        s->st = ZS_ZONE; /* the zone's own items start here, even if this value is bad */
    if (s->st != ZS_NODE && strcmp(kv.key, "protection") == 0)
        return parse_protection(s, &kv.val);
    if (!km_tok_next(&kv.val, &tok, &tl))
        return km_perr_set(s->err, s->lineno, "no value for \"%s\"", kv.key);
    int rc = km_parse_i64(tok, tl, &v);
    if (rc)
        return km_perr_set(s->err, s->lineno, "%s value for \"%s\"",
                           rc == -ERANGE ? "out-of-range" : "bad", kv.key);
    /* 2.6: "scanned 0 (a: 0 i: 0)", "cpu: 0 pcp: 0"; anything else is a new format */
    if (km_tok_next(&kv.val, &tok, &tl) && tok[0] != '(' && strcmp(kv.key, "cpu") != 0)
        return km_perr_set(s->err, s->lineno, "extra text after the value of \"%s\"", kv.key);

    return kv_store(s, &kv, v);
}

/*
 * The usual line, "  name 123" or "  name: 123": blanks, a name of one word (not starting
 * like a number, a ':' at its end taken off as split_kv does), blanks, an integer of at
 * most 18 digits to the line's end. kv (its key, length and colon) and *v as split_kv and
 * kv_line would make them; false for any other line, which goes the tokenizer's way.
 */
static bool fast_kv(const char *line, size_t len, struct kv *kv, int64_t *v)
{
    const unsigned char *p = (const unsigned char *)line;
    size_t i = 0;
    while (i < len && p[i] == ' ')
        i++;
    size_t ks = i;
    while (i < len && p[i] > ' ')
        i++;
    size_t kl = i - ks;
    if (kl == 0 || i + 1 >= len || p[i] != ' ' || looks_numeric(line + ks))
        return false;
    bool colon = p[i - 1] == ':';
    if (colon && --kl == 0)
        return false;
    if (kl >= KM_KEY_LEN)
        return false; /* kept whole by km_kv_put only below its size */
    size_t j = i + 1;
    while (j < len && p[j] == ' ') /* "min      11": aligned values */
        j++;
    if (j >= len)
        return false;
    bool neg = p[j] == '-';
    j += neg;
    if (j >= len || len - j > 18)
        return false;
    uint64_t u = 0;
    for (; j < len; j++) {
        unsigned d = (unsigned)p[j] - '0';
        if (d > 9)
            return false;
        u = u * 10 + d;
    }
    memcpy(kv->key, line + ks, kl);
    kv->key[kl] = '\0';
    kv->keylen = kl;
    kv->colon = colon;
    *v = neg ? -(int64_t)u : (int64_t)u;
    return true;
}

static int parse_line(struct zparse *s, const char *line, size_t len)
{
    struct km_tok t;
    const char *tok, *tok2;
    size_t tl, tl2;

    km_tok_init(&t, line, len);
    km_tok_next(&t, &tok, &tl); /* the caller skipped blank lines */
    if (km_tok_eq(tok, tl, "Node")) {
        if (zone_header(s, line, len) == 0)
            return 0;
        s->st = ZS_SKIP; /* what follows belongs to a zone that cannot be named */
        size_t n = strlen(s->err->msg);
        snprintf(s->err->msg + n, sizeof(s->err->msg) - n, " (its block skipped with it)");
        return -EINVAL;
    }
    if (s->st == ZS_SKIP)
        return 0;
    bool pagesets = km_tok_eq(tok, tl, "pagesets"), pernode = km_tok_eq(tok, tl, "per-node");
    if (!pagesets && !pernode)
        return kv_line(s, line, len); /* nearly every line: its second token not looked at twice */
    bool two = km_tok_next(&t, &tok2, &tl2);
    bool per_node =
        pernode && two && km_tok_eq(tok2, tl2, "stats") && !km_tok_next(&t, &tok2, &tl2);
    if (pagesets && !two) {
        if (s->st == ZS_NONE)
            return km_perr_set(s->err, s->lineno, "pagesets outside a zone");
        s->st = ZS_PCP;
        s->have_cpu = false;
        return 0;
    }
    if (per_node) {
        if (s->st == ZS_NONE)
            return km_perr_set(s->err, s->lineno, "per-node stats outside a zone");
        s->st = ZS_NODE;
        return 0;
    }
    return kv_line(s, line, len);
}

/* The parse's state between pieces. */
struct km_zi_parse {
    struct zparse s;
    struct km_perr why, *err;
    int lineno, bad;
};

struct km_zi_parse *km_zi_parse_begin(struct km_zoneinfo *out, struct km_perr *err)
{
    struct km_zi_parse *p = xcalloc(1, sizeof(*p));
    p->s = (struct zparse){.out = out, .st = ZS_NONE, .err = &p->why};
    p->err = err;
    memset(out, 0, sizeof(*out));
    return p;
}

void km_zi_parse_feed(struct km_zi_parse *p, const char *buf, size_t len)
{
    struct km_lines it;
    const char *line;
    size_t ll;
    km_lines_init(&it, buf, len);
    it.lineno = p->lineno;
    /* p->why is written only by a line that fails: cleared after one (zeroed at the start) */
    while (km_lines_next(&it, &line, &ll)) {
        p->s.lineno = it.lineno;
        struct kv kv;
        int64_t v;
        int rc;
        /* in a zone's block, nearly every line: read without the tokenizer ("Node" and
           "protection" lines have readers of their own); a line it reads is not blank */
        if ((p->s.st == ZS_ZONE || p->s.st == ZS_PCP || p->s.st == ZS_NODE) &&
            fast_kv(line, ll, &kv, &v) && strcmp(kv.key, "Node") != 0 &&
            strcmp(kv.key, "protection") != 0) {
            rc = kv_store(&p->s, &kv, v);
        } else {
            struct km_tok t;
            const char *tok;
            size_t tl;
            km_tok_init(&t, line, ll);
            if (!km_tok_next(&t, &tok, &tl))
                continue; /* blank, as km_lines_next_nonblank skips it */
            rc = parse_line(&p->s, line, ll);
        }
        if (rc) {
            km_perr_skip(p->err, &p->why);
            p->bad++;
            memset(&p->why, 0, sizeof(p->why));
        }
    }
    p->lineno = it.lineno;
}

int km_zi_parse_end(struct km_zi_parse *p)
{
    struct km_zoneinfo *out = p->s.out;
    struct km_perr *err = p->err;
    int bad = p->bad;
    free(p);
    if (bad && out->nzones == 0) {
        km_zoneinfo_free(out);
        return km_perr_unusable(err);
    }
    return 0;
}

void km_zi_parse_abort(struct km_zi_parse *p)
{
    if (!p)
        return;
    km_zoneinfo_free(p->s.out);
    free(p);
}

/*
 * A line that cannot be read is left out and counted (err->skipped), a zone
 * header with the block under it; none readable: -EINVAL.
 */
int km_parse_zoneinfo(const char *buf, size_t len, struct km_zoneinfo *out, struct km_perr *err)
{
    struct km_zi_parse *p = km_zi_parse_begin(out, err);
    km_zi_parse_feed(p, buf, len);
    return km_zi_parse_end(p);
}

void km_zoneinfo_free(struct km_zoneinfo *zi)
{
    for (size_t i = 0; i < zi->nzones; i++)
        km_kv_free(&zi->zones[i].stats);
    for (size_t i = 0; i < zi->nnodes; i++)
        km_kv_free(&zi->nodes[i].stats);
    free(zi->zones);
    free(zi->nodes);
    memset(zi, 0, sizeof(*zi));
}

int64_t km_zoneinfo_node_stat(const struct km_zoneinfo *zi, int node, const char *key)
{
    for (size_t i = 0; i < zi->nnodes; i++)
        if (zi->nodes[i].node == node) {
            int64_t v = km_kv_get(&zi->nodes[i].stats, key);
            if (!KM_IS_NA(v))
                return v;
        }
    int64_t sum = KM_NA;
    for (size_t i = 0; i < zi->nzones; i++) {
        struct km_zone *z = &zi->zones[i];
        if (z->node != node)
            continue;
        const int64_t *f = zone_field(z, key);
        int64_t v = f ? *f : km_kv_get(&z->stats, key);
        if (!KM_IS_NA(v))
            sum = sat_add(KM_IS_NA(sum) ? 0 : sum, v);
    }
    return sum;
}
