/* pressure.c - PSI memory lines and vmstat's pressure counters. See kmemtop/pressure.h. */
#include "kmemtop/pressure.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* "avg10=1.23": the number after key=, into *v. */
static bool kv_dbl(const char *tok, size_t len, const char *key, double *v)
{
    size_t kl = strlen(key);
    if (len <= kl + 1 || memcmp(tok, key, kl) != 0 || tok[kl] != '=')
        return false;
    char num[32];
    size_t nl = len - kl - 1;
    if (nl >= sizeof(num))
        return false;
    memcpy(num, tok + kl + 1, nl);
    num[nl] = '\0';
    char *end;
    errno = 0;
    double d = strtod(num, &end);
    if (errno || *end || !isfinite(d) || d < 0 || d > 100)
        return false;
    *v = d;
    return true;
}

static int psi_line(const char *line, size_t len, int lineno, struct km_pressure *out,
                    struct km_perr *err)
{
    struct km_tok t;
    const char *tok;
    size_t tl;
    km_tok_init(&t, line, len);
    if (!km_tok_next(&t, &tok, &tl))
        return km_perr_set(err, lineno, "empty line");
    struct km_psi_line l = {.present = true};
    struct km_psi_line *dst = km_tok_eq(tok, tl, "some")   ? &out->some
                              : km_tok_eq(tok, tl, "full") ? &out->full
                                                           : NULL;
    if (!dst)
        return km_perr_set(err, lineno, "not a \"some\" or \"full\" line");
    bool a10 = false, a60 = false, a300 = false, tot = false;
    while (km_tok_next(&t, &tok, &tl)) {
        if (kv_dbl(tok, tl, "avg10", &l.avg10))
            a10 = true;
        else if (kv_dbl(tok, tl, "avg60", &l.avg60))
            a60 = true;
        else if (kv_dbl(tok, tl, "avg300", &l.avg300))
            a300 = true;
        else if (tl > 6 && memcmp(tok, "total=", 6) == 0 &&
                 km_parse_i64(tok + 6, tl - 6, &l.total) == 0 && l.total >= 0)
            tot = true;
        else
            return km_perr_set(err, lineno, "unreadable field \"%.*s\"", (int)(tl > 40 ? 40 : tl),
                               tok);
    }
    if (!a10 || !a60 || !a300 || !tot)
        return km_perr_set(err, lineno, "avg10, avg60, avg300 or total missing");
    *dst = l;
    return 0;
}

int km_parse_pressure(const char *buf, size_t len, struct km_pressure *out, struct km_perr *err)
{
    struct km_lines it;
    const char *line;
    size_t ll;
    int good = 0, bad = 0;
    memset(out, 0, sizeof(*out));
    km_lines_init(&it, buf, len);
    while (km_lines_next_nonblank(&it, &line, &ll)) {
        struct km_perr why = {0};
        if (psi_line(line, ll, it.lineno, out, &why)) {
            km_perr_skip(err, &why);
            bad++;
        } else {
            good++;
        }
    }
    if (!good)
        return bad ? km_perr_unusable(err) : km_perr_set(err, 1, "empty file");
    return 0;
}

/* ---- vmstat ------------------------------------------------------------------ */

static const struct {
    const char *name;  /* JSON name, and the counter of kernels that print one */
    const char *zoned; /* prefix of the per-zone counters of other releases, or NULL */
} sigs[KM_SIG_N] = {
    [KM_SIG_ALLOCSTALL] = {"allocstall", "allocstall_"},
    [KM_SIG_SCAN_KSWAPD] = {"pgscan_kswapd", "pgscan_kswapd_"},
    [KM_SIG_SCAN_DIRECT] = {"pgscan_direct", "pgscan_direct_"},
    [KM_SIG_STEAL_KSWAPD] = {"pgsteal_kswapd", "pgsteal_kswapd_"},
    [KM_SIG_STEAL_DIRECT] = {"pgsteal_direct", "pgsteal_direct_"},
    [KM_SIG_COMPACT_STALL] = {"compact_stall", NULL},
    [KM_SIG_COMPACT_FAIL] = {"compact_fail", NULL},
    [KM_SIG_COMPACT_SUCCESS] = {"compact_success", NULL},
    [KM_SIG_OOM_KILL] = {"oom_kill", NULL},
};

const char *km_sig_name(enum km_sig s)
{
    return s >= 0 && s < KM_SIG_N ? sigs[s].name : "?";
}

void km_signals(const struct km_vmstat *v, struct km_signals *out)
{
    for (int s = 0; s < KM_SIG_N; s++) {
        out->count[s] = KM_NA;
        out->rate[s] = NAN;
        int64_t sum = 0;
        double rsum = 0;
        bool found = false, rate_ok = v->rate != NULL;
        size_t pl = sigs[s].zoned ? strlen(sigs[s].zoned) : 0;
        for (size_t i = 0; i < v->items.n; i++) {
            const char *k = v->items.v[i].key;
            /* a signal's names start alike, and most keys differ there */
            if (k[0] != sigs[s].name[0])
                continue;
            bool exact = strcmp(k, sigs[s].name) == 0;
            /* per-zone counters: pgscan_kswapd_normal, allocstall_dma32; not _throttle */
            bool zoned = pl && strncmp(k, sigs[s].zoned, pl) == 0 &&
                         strcmp(k + pl, "throttle") != 0;
            if (!exact && !zoned)
                continue;
            found = true;
            sum += v->items.v[i].val;
            if (rate_ok && isfinite(v->rate[i]))
                rsum += v->rate[i];
            else
                rate_ok = false;
        }
        if (found) {
            out->count[s] = sum;
            out->rate[s] = rate_ok ? rsum : NAN;
        }
    }
}
