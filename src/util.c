/* util.c - allocation, buffers, tokenizing, number parsing. See util.h. */
#include "kmemtop/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void (*fatal_hook)(void);

void km_set_fatal_hook(void (*fn)(void))
{
    fatal_hook = fn;
}

static void oom(size_t n)
{
    void (*fn)(void) = fatal_hook;
    fatal_hook = NULL; /* once: the hook itself may run out of memory */
    if (fn)
        fn();
    fprintf(stderr, "kmemtop: out of memory (%zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
    if (!p)
        oom(nmemb * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

void xgrow(void **p, size_t *cap, size_t need, size_t sz)
{
    if (need <= *cap)
        return;
    size_t c = *cap ? *cap : 8;
    while (c < need)
        c *= 2;
    *p = xrealloc(*p, c * sz);
    *cap = c;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void km_buf_free(struct km_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int km_perr_set(struct km_perr *err, int line, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->line = line;
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

void km_perr_skip(struct km_perr *err, const struct km_perr *why)
{
    if (!err)
        return;
    if (err->skipped++ == 0 && why) {
        err->skip_line = why->line;
        snprintf(err->skip_msg, sizeof(err->skip_msg), "%s", why->msg);
    }
}

int km_perr_unusable(struct km_perr *err)
{
    if (err && err->skipped)
        km_perr_set(err, err->skip_line, "%.110s; nothing in the file could be used",
                    err->skip_msg);
    return -EINVAL;
}

void km_lines_init(struct km_lines *it, const char *buf, size_t len)
{
    it->p = buf;
    it->end = buf + len;
    it->lineno = 0;
}

bool km_lines_next(struct km_lines *it, const char **line, size_t *len)
{
    if (it->p >= it->end)
        return false;
    const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
    const char *e = nl ? nl : it->end;
    *line = it->p;
    *len = (size_t)(e - it->p);
    it->p = nl ? nl + 1 : it->end;
    it->lineno++;
    return true;
}

/* Blank bytes for the tokenizer (NUL included: sysfs files can end in "\n\0"). */
static const bool space_tab[256] = {
    [' '] = true, ['\t'] = true, ['\r'] = true, ['\n'] = true,
    ['\0'] = true, ['\v'] = true, ['\f'] = true,
};

static inline bool is_space(char c)
{
    return space_tab[(unsigned char)c];
}

bool km_lines_next_nonblank(struct km_lines *it, const char **line, size_t *len)
{
    while (km_lines_next(it, line, len)) {
        for (size_t i = 0; i < *len; i++)
            if (!is_space((*line)[i]))
                return true;
    }
    return false;
}

void km_tok_init(struct km_tok *t, const char *line, size_t len)
{
    t->p = line;
    t->end = line + len;
}

bool km_tok_next(struct km_tok *t, const char **tok, size_t *len)
{
    const char *p = t->p, *end = t->end;
    while (p < end && is_space(*p))
        p++;
    if (p >= end) {
        t->p = p;
        return false;
    }
    const char *s = p;
    while (p < end && !is_space(*p))
        p++;
    t->p = p;
    *tok = s;
    *len = (size_t)(p - s);
    return true;
}

int km_parse_u64(const char *s, size_t len, uint64_t *out)
{
    if (len == 0)
        return -EINVAL;
    uint64_t v = 0;
    if (len <= 19) { /* cannot overflow: one test for a bad byte at the end */
        unsigned bad = 0;
        for (size_t i = 0; i < len; i++) {
            unsigned d = (unsigned)(unsigned char)s[i] - '0';
            bad |= d > 9;
            v = v * 10 + d;
        }
        if (bad)
            return -EINVAL;
        *out = v;
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -EINVAL;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -ERANGE;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int km_parse_i64(const char *s, size_t len, int64_t *out)
{
    bool neg = len > 0 && s[0] == '-';
    uint64_t u;
    int rc = km_parse_u64(s + neg, len - neg, &u);
    if (rc)
        return rc;
    if (neg ? u > (uint64_t)INT64_MAX + 1 : u > (uint64_t)INT64_MAX)
        return -ERANGE;
    *out = neg ? (int64_t)(0 - u) : (int64_t)u;
    return 0;
}

/* Hex digit values; 0xff for a byte that is not one. */
static const unsigned char hex_val[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
    ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
}; /* value + 1, so that 0 means "not a digit" */

int km_parse_hex(const char *s, size_t len, uint64_t *out)
{
    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        len -= 2;
    }
    if (len == 0)
        return -EINVAL;
    uint64_t v = 0;
    if (len <= 16) { /* cannot overflow: one test for a bad byte at the end */
        unsigned bad = 0;
        for (size_t i = 0; i < len; i++) {
            unsigned d = hex_val[(unsigned char)s[i]];
            bad |= d == 0;
            v = (v << 4) | ((d - 1) & 0xf);
        }
        if (bad)
            return -EINVAL;
        *out = v;
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned d = hex_val[(unsigned char)s[i]];
        if (!d)
            return -EINVAL;
        if (v >> 60)
            return -ERANGE;
        v = (v << 4) | (d - 1);
    }
    *out = v;
    return 0;
}

bool km_tok_eq(const char *tok, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(tok, word, len) == 0;
}

void km_copy(char *dst, size_t dstsz, const char *src, size_t len)
{
    if (dstsz == 0)
        return;
    if (len >= dstsz)
        len = dstsz - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

bool km_mask_test(const uint64_t *mask, int bit)
{
    return (mask[bit / 64] >> (bit % 64)) & 1;
}

int km_parse_idlist(const char *s, size_t len, uint64_t *mask, int nbits)
{
    /* strip trailing whitespace and NULs (5.15 bin attributes end in "\n\0") */
    while (len > 0 && is_space(s[len - 1]))
        len--;
    int count = 0;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] != ',')
            j++;
        const char *dash = memchr(s + i, '-', j - i);
        uint64_t a, b;
        int rc;
        if (dash) {
            rc = km_parse_u64(s + i, (size_t)(dash - (s + i)), &a);
            if (!rc)
                rc = km_parse_u64(dash + 1, (size_t)(s + j - dash - 1), &b);
        } else {
            rc = km_parse_u64(s + i, j - i, &a);
            b = a;
        }
        if (rc)
            return rc;
        if (b < a)
            return -EINVAL;
        if (b >= (uint64_t)nbits)
            return -ERANGE;
        for (uint64_t k = a; k <= b; k++) {
            if (!km_mask_test(mask, (int)k))
                count++;
            mask[k / 64] |= 1ull << (k % 64);
        }
        i = j + 1;
    }
    return count;
}

double km_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * glibc raises its mmap threshold to the size of each large block freed, so that after a few
 * frames the per-frame arrays of a large vmallocinfo (megabytes, made and freed every tick)
 * come from the heap, whose freed middle is never given back: RSS grows over the first frames
 * and stays at the peak. A fixed threshold keeps such blocks mapped and unmapped: flat RSS.
 */
void km_malloc_steady(void)
{
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
}

/*
 * Parses "123" or "123.456" without strtod, so the record reads the same
 * under any LC_NUMERIC the front end has set. Returns false on junk.
 */
bool km_parse_seconds(const char *s, double *out)
{
    double v = 0, scale = 1;
    bool digits = false, frac = false;
    for (; *s && *s != '\n' && *s != '\r' && *s != ' ' && *s != '\t'; s++) {
        if (*s >= '0' && *s <= '9') {
            digits = true;
            if (frac)
                v += (*s - '0') * (scale /= 10);
            else
                v = v * 10 + (*s - '0');
        } else if (*s == '.' && !frac) {
            frac = true;
        } else {
            return false;
        }
    }
    *out = v;
    return digits;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

bool km_parse_boot_id(const char *s, size_t len, char *out, char *why, size_t whysz)
{
    out[0] = '\0';
    if (len > 0 && s[len - 1] == '\n')
        len--;
    const char *what = NULL;
    if (len != KM_BOOT_ID_LEN)
        what = len == 0 ? "empty" : "not 36 characters";
    for (size_t i = 0; !what && i < len; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : hex_digit(s[i]) < 0)
            what = dash ? "no '-' where a UUID has one" : "a character that is not a hex digit";
    }
    if (what) {
        /* the start of what is there, control bytes replaced (the tree is anyone's) */
        char shown[48];
        size_t n = 0;
        for (; n < len && n < 40; n++)
            shown[n] = (unsigned char)s[n] < 0x20 || (unsigned char)s[n] >= 0x7f ? '?' : s[n];
        shown[n] = '\0';
        snprintf(why, whysz, "line 1: not a boot id (8-4-4-4-12 hex digits): %s: \"%s%s\"", what,
                 shown, len > n ? "..." : "");
        return false;
    }
    for (size_t i = 0; i < len; i++)
        out[i] = s[i] >= 'A' && s[i] <= 'F' ? (char)(s[i] - 'A' + 'a') : s[i];
    out[len] = '\0';
    return true;
}
