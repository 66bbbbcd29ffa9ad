/* vmstat.c - parser for /proc/vmstat. See include/kmemtop/vmstat.h. */
#include "kmemtop/vmstat.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int parse_line(const char *line, size_t len, int lineno, struct km_vmstat *out,
                      struct km_perr *err)
{
    struct km_tok t;
    const char *key, *val, *extra;
    size_t kl, vl, el;
    uint64_t v;
    km_tok_init(&t, line, len);
    if (!km_tok_next(&t, &key, &kl) || !km_tok_next(&t, &val, &vl))
        return km_perr_set(err, lineno, "expected \"name value\"");
    if (km_tok_next(&t, &extra, &el))
        return km_perr_set(err, lineno, "extra text after the value of \"%.*s\"",
                           (int)(kl > 40 ? 40 : kl), key);
    if (kl >= KM_KEY_LEN)
        return km_perr_set(err, lineno, "name longer than %d bytes", KM_KEY_LEN - 1);
    int rc = km_parse_u64(val, vl, &v);
    if (rc)
        return km_perr_set(err, lineno, "%s value for \"%.*s\"",
                           rc == -ERANGE ? "out-of-range" : "bad", (int)kl, key);
    km_kv_put(&out->items, key, kl, (int64_t)v); /* above INT64_MAX: a drift below zero */
    return 0;
}

/* Bytes of one 64-bit word: a byte below 0x21 (a blank, a control byte, the line's end). */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
static inline uint64_t below_21(uint64_t w)
{
    return (w - ONES * 0x21) & ~w & HIGHS; /* its lowest bit marks the first such byte */
}

/*
 * The shape of nearly every line, "name value\n" with one blank between, read without the
 * tokenizer: the name of bytes above ' ' and shorter than KM_KEY_LEN, then 1 to 19 digits to
 * the line's end. Appended to out as parse_line would, returning where the next line starts;
 * NULL (nothing done) for any other line, which the caller reads as before.
 */
static const char *fast_line(const char *line, const char *end, struct km_vmstat *out)
{
    const unsigned char *p = (const unsigned char *)line;
    size_t len = (size_t)(end - line), kl = 0;
    while (kl + 8 <= len) { /* the name, eight bytes at a time */
        uint64_t w;
        memcpy(&w, p + kl, 8);
        uint64_t m = below_21(w);
        if (m) {
            kl += (size_t)__builtin_ctzll(m) / 8;
            goto name_end;
        }
        kl += 8;
    }
    while (kl < len && p[kl] > ' ')
        kl++;
name_end:
    if (kl == 0 || kl >= KM_KEY_LEN || kl >= len || p[kl] != ' ')
        return NULL;
    uint64_t v = 0;
    size_t i = kl + 1;
    for (; i < len && p[i] != '\n'; i++) {
        unsigned d = (unsigned)p[i] - '0';
        if (d > 9 || i - kl > 19)
            return NULL;
        v = v * 10 + d;
    }
    if (i == kl + 1)
        return NULL;
    struct km_kvlist *l = &out->items;
    if (l->n == l->cap)
        xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    struct km_kv *kv = &l->v[l->n++];
    memcpy(kv->key, line, kl);
    kv->key[kl] = '\0';
    kv->val = (int64_t)v; /* above INT64_MAX: a drift below zero, as parse_line */
    return i < len ? line + i + 1 : end;
}

int km_parse_vmstat(const char *buf, size_t len, struct km_vmstat *out, struct km_perr *err)
{
    struct km_lines it;
    const char *line;
    size_t ll;
    int bad = 0;
    memset(out, 0, sizeof(*out));
    /* room for the lines at once (a kernel's are 16 bytes or more; bounded by the limit) */
    size_t guess = len / 16 + 1;
    xgrow((void **)&out->items.v, &out->items.cap, guess < KM_VMSTAT_MAX ? guess : KM_VMSTAT_MAX,
          sizeof(*out->items.v));
    km_lines_init(&it, buf, len);
    for (;;) {
        const char *next;
        if (it.p < it.end && out->items.n < KM_VMSTAT_MAX &&
            (next = fast_line(it.p, it.end, out)) != NULL) {
            it.p = next; /* what km_lines_next_nonblank would have given, read */
            it.lineno++;
            continue;
        }
        if (!km_lines_next_nonblank(&it, &line, &ll))
            break;
        struct km_perr why = {0};
        if (out->items.n >= KM_VMSTAT_MAX) { /* a kernel prints about 200: rates stay cheap */
            km_perr_set(&why, it.lineno, "more than %d counters", KM_VMSTAT_MAX);
            km_perr_skip(err, &why);
            bad++;
        } else if (parse_line(line, ll, it.lineno, out, &why)) {
            km_perr_skip(err, &why);
            bad++;
        }
    }
    if (out->items.n == 0 && bad) {
        km_vmstat_free(out);
        return km_perr_unusable(err);
    }
    return 0;
}

static long find(const struct km_vmstat *v, const char *key)
{
    for (size_t i = v->items.n; i-- > 0;) /* the last one wins, as km_kv_get */
        if (strcmp(v->items.v[i].key, key) == 0)
            return (long)i;
    return -1;
}

int64_t km_vmstat_get(const struct km_vmstat *v, const char *key)
{
    return km_kv_get(&v->items, key);
}

double km_vmstat_rate(const struct km_vmstat *v, const char *key)
{
    long i = find(v, key);
    return i >= 0 && v->rate ? v->rate[i] : NAN;
}

void km_vmstat_rates(struct km_vmstat *cur, const struct km_vmstat *prev, double dt)
{
    free(cur->rate);
    cur->rate = cur->items.n ? xmalloc(cur->items.n * sizeof(*cur->rate)) : NULL;
    for (size_t i = 0; i < cur->items.n; i++) {
        const struct km_kv *c = &cur->items.v[i];
        cur->rate[i] = NAN;
        /* the same kernel prints the same names in the same order: try the same place first */
        long j = i < prev->items.n && strcmp(prev->items.v[i].key, c->key) == 0
                     ? (long)i
                     : find(prev, c->key);
        if (j >= 0 && dt > 0)
            cur->rate[i] = ((double)c->val - (double)prev->items.v[j].val) / dt;
    }
}

void km_vmstat_free(struct km_vmstat *v)
{
    km_kv_free(&v->items);
    free(v->rate);
    memset(v, 0, sizeof(*v));
}
