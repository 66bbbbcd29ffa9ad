/* buddyinfo.c - parser for /proc/buddyinfo. See include/kmemtop/buddyinfo.h. */
#include "kmemtop/buddyinfo.h"
#include "kmemtop/sat.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* "0," (the comma may be missing on hand-edited input) into a node id. */
static int parse_node_tok(const char *tok, size_t len, int *node)
{
    int64_t v;
    if (len > 0 && tok[len - 1] == ',')
        len--;
    if (km_parse_i64(tok, len, &v) || v < 0 || v > INT32_MAX)
        return -EINVAL;
    *node = (int)v;
    return 0;
}

/* "Node 0, zone   Normal   1 2 3 " into *z. */
static int parse_row(const char *line, size_t len, int lineno, struct km_buddy_zone *z,
                     struct km_perr *err)
{
    struct km_tok t;
    const char *tok;
    size_t tl;

    memset(z, 0, sizeof(*z));
    for (int k = 0; k < KM_MAX_ORDERS; k++) {
        z->free[k] = KM_NA;
        z->rate[k] = NAN;
    }
    km_tok_init(&t, line, len);
    if (!km_tok_next(&t, &tok, &tl) || !km_tok_eq(tok, tl, "Node"))
        return km_perr_set(err, lineno, "expected \"Node N, zone NAME counts...\"");
    if (!km_tok_next(&t, &tok, &tl) || parse_node_tok(tok, tl, &z->node))
        return km_perr_set(err, lineno, "bad node id");
    if (!km_tok_next(&t, &tok, &tl) || !km_tok_eq(tok, tl, "zone"))
        return km_perr_set(err, lineno, "expected \"zone\" after the node id");
    if (!km_tok_next(&t, &tok, &tl))
        return km_perr_set(err, lineno, "missing zone name");
    if (tl >= sizeof(z->zone))
        return km_perr_set(err, lineno, "zone name too long");
    km_copy(z->zone, sizeof(z->zone), tok, tl);
    while (km_tok_next(&t, &tok, &tl)) {
        uint64_t v;
        if (z->norders == KM_MAX_ORDERS)
            return km_perr_set(err, lineno, "more than %d order columns", KM_MAX_ORDERS);
        int rc = km_parse_u64(tok, tl, &v);
        if (rc == 0 && !km_blocks_ok(v, z->norders)) /* its bytes do not fit 64 bits */
            rc = -ERANGE;
        if (rc)
            return km_perr_set(err, lineno, "order %d: %s count \"%.*s\"", z->norders,
                               rc == -ERANGE ? "out-of-range" : "bad", (int)(tl > 32 ? 32 : tl),
                               tok);
        z->free[z->norders++] = (int64_t)v;
    }
    if (z->norders == 0)
        return km_perr_set(err, lineno, "zone %s has no free counts", z->zone);
    return 0;
}

/* A row that cannot be read is left out and counted (err->skipped); none readable: -EINVAL. */
int km_parse_buddyinfo(const char *buf, size_t len, struct km_buddyinfo *out, struct km_perr *err)
{
    struct km_lines it;
    const char *line;
    size_t ll, cap = 0;
    int bad = 0;

    memset(out, 0, sizeof(*out));
    km_lines_init(&it, buf, len);
    while (km_lines_next_nonblank(&it, &line, &ll)) {
        struct km_perr why = {0};
        xgrow((void **)&out->zones, &cap, out->n + 1, sizeof(*out->zones));
        if (parse_row(line, ll, it.lineno, &out->zones[out->n], &why)) {
            km_perr_skip(err, &why);
            bad++;
            continue;
        }
        if (out->zones[out->n].norders > out->norders)
            out->norders = out->zones[out->n].norders;
        out->n++;
    }
    if (out->n == 0 && bad) {
        km_buddyinfo_free(out);
        return km_perr_unusable(err);
    }
    return 0;
}

void km_buddyinfo_free(struct km_buddyinfo *bi)
{
    free(bi->zones);
    memset(bi, 0, sizeof(*bi));
}
