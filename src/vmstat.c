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

int km_parse_vmstat(const char *buf, size_t len, struct km_vmstat *out, struct km_perr *err)
{
    struct km_lines it;
    const char *line;
    size_t ll;
    int bad = 0;
    memset(out, 0, sizeof(*out));
    km_lines_init(&it, buf, len);
    while (km_lines_next_nonblank(&it, &line, &ll)) {
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
