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
    unsigned char len; /* strlen(name) */
    bool zoned;        /* other releases print it per zone instead: name_normal, name_dma32 */
} sigs[KM_SIG_N] = {
#define SIG(n, z) {n, sizeof(n) - 1, z}
    [KM_SIG_ALLOCSTALL] = SIG("allocstall", true),
    [KM_SIG_SCAN_KSWAPD] = SIG("pgscan_kswapd", true),
    [KM_SIG_SCAN_DIRECT] = SIG("pgscan_direct", true),
    [KM_SIG_STEAL_KSWAPD] = SIG("pgsteal_kswapd", true),
    [KM_SIG_STEAL_DIRECT] = SIG("pgsteal_direct", true),
    [KM_SIG_COMPACT_STALL] = SIG("compact_stall", false),
    [KM_SIG_COMPACT_FAIL] = SIG("compact_fail", false),
    [KM_SIG_COMPACT_SUCCESS] = SIG("compact_success", false),
    [KM_SIG_OOM_KILL] = SIG("oom_kill", false),
#undef SIG
};

const char *km_sig_name(enum km_sig s)
{
    return s >= 0 && s < KM_SIG_N ? sigs[s].name : "?";
}

/* Whether key k counts toward signal s: its own name,
   or a per-zone counter of it (pgscan_kswapd_normal, allocstall_dma32; not _throttle). */
static bool sig_key(int s, const char *k)
{
    size_t nl = sigs[s].len;
    for (size_t i = 1; i < nl; i++) /* k[0] matched; ends at k's NUL, which no name has */
        if (k[i] != sigs[s].name[i])
            return false;
    return k[nl] == '\0' || (sigs[s].zoned && k[nl] == '_' && strcmp(k + nl + 1, "throttle") != 0);
}

void km_signals(const struct km_vmstat *v, struct km_signals *out)
{
    int64_t sum[KM_SIG_N] = {0};
    double rsum[KM_SIG_N] = {0};
    bool found[KM_SIG_N] = {false}, rate_ok[KM_SIG_N];
    /*
     * One pass over the keys. The signals whose names start with a byte, as bits: a key
     * whose first byte starts none (most) is passed over, the others are compared with
     * those signals alone.
     */
    unsigned short first[128] = {0};
    for (int s = 0; s < KM_SIG_N; s++) {
        rate_ok[s] = v->rate != NULL;
        first[(unsigned char)sigs[s].name[0] & 127] |= (unsigned short)(1u << s);
    }
    _Static_assert(KM_SIG_N <= 16, "a signal's bit in an unsigned short");
    for (size_t i = 0; i < v->items.n; i++) {
        const char *k = v->items.v[i].key;
        unsigned c = (unsigned char)k[0];
        unsigned bits = c < 128 ? first[c] : 0;
        while (bits) {
            int s = __builtin_ctz(bits);
            bits &= bits - 1;
            if (!sig_key(s, k))
                continue;
            found[s] = true;
            sum[s] += v->items.v[i].val;
            if (rate_ok[s] && isfinite(v->rate[i]))
                rsum[s] += v->rate[i];
            else
                rate_ok[s] = false;
        }
    }
    for (int s = 0; s < KM_SIG_N; s++) {
        out->count[s] = found[s] ? sum[s] : KM_NA;
        out->rate[s] = found[s] && rate_ok[s] ? rsum[s] : NAN;
    }
}
