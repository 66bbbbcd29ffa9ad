/*
 * fuzz.h - the mutation engine of test_fuzz and test_fuzz_modjoin: a fixed-seed
 * xorshift generator, mutations of real fixture files, exactly sized input
 * buffers, and the bookkeeping of one fuzz target.
 *
 * Mutations: bit flips, random bytes, insertions and deletions, truncation,
 * duplicated/deleted/swapped lines, digits turned into letters, huge numbers,
 * ">100000", NULs, very long tokens. exact() copies an input into a malloc'd
 * buffer of exactly its length with no NUL after it, so that the sanitizer
 * build catches a read past the end.
 *
 * KM_FUZZ_SCALE=N multiplies the iteration counts, KM_FUZZ_SEED=N changes the
 * generator's seed (default fixed). When AddressSanitizer stops the process,
 * the input being parsed is written to fuzz-crash.bin in the current
 * directory and its origin printed (UBSan has its own runtime and does not
 * call back: its report names the line, the TAP output the target).
 */
#ifndef KMEMTOP_FUZZ_H
#define KMEMTOP_FUZZ_H

#include "kmemtop/util.h"

#include <stdarg.h>

#include "../tap.h"

#if defined(__SANITIZE_ADDRESS__)
#define KM_FUZZ_SANITIZED 1
#include <sanitizer/common_interface_defs.h>
#endif

/* ---- generator and mutable buffer ------------------------------------------ */

static uint64_t rng_state;

static inline uint64_t rnd(void)
{
    uint64_t x = rng_state; /* xorshift64* */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static inline size_t below(size_t n)
{
    return n ? (size_t)(rnd() % n) : 0;
}

struct mbuf {
    char *p;
    size_t len, cap;
};

static inline void mb_reserve(struct mbuf *b, size_t need)
{
    if (need <= b->cap)
        return;
    b->cap = need * 2;
    b->p = realloc(b->p, b->cap);
    if (!b->p)
        abort();
}

static inline void mb_insert(struct mbuf *b, size_t pos, const char *s, size_t n)
{
    mb_reserve(b, b->len + n);
    memmove(b->p + pos + n, b->p + pos, b->len - pos);
    memcpy(b->p + pos, s, n);
    b->len += n;
}

static inline void mb_delete(struct mbuf *b, size_t pos, size_t n)
{
    if (pos + n > b->len)
        n = b->len - pos;
    memmove(b->p + pos, b->p + pos + n, b->len - pos - n);
    b->len -= n;
}

/* [start, end) of the line holding pos (end excludes the newline). */
static inline void line_at(const struct mbuf *b, size_t pos, size_t *start, size_t *end)
{
    size_t s = pos, e = pos;
    while (s > 0 && b->p[s - 1] != '\n')
        s--;
    while (e < b->len && b->p[e] != '\n')
        e++;
    *start = s;
    *end = e;
}

/* The first run of digits at or after a random position: [*s, *e); false if none. */
static inline bool digit_run(const struct mbuf *b, size_t *s, size_t *e)
{
    size_t i = below(b->len);
    while (i < b->len && (b->p[i] < '0' || b->p[i] > '9'))
        i++;
    if (i >= b->len)
        return false;
    *s = i;
    while (i < b->len && b->p[i] >= '0' && b->p[i] <= '9')
        i++;
    *e = i;
    return true;
}

static const char *const numbers[] = {
    "99999999999999999999",
    "18446744073709551616",
    "18446744073709551615",
    "9223372036854775808",
    "9223372036854775807",
    "-9223372036854775808",
    "-1",
    ">100000",
    "0x",
    "-",
    "",
    "00000000000000000000000000000000001",
};
static const char interesting[] = " \t\n\r:,-=()[]+/>Nx0123456789kB";

static inline void mutate_once(struct mbuf *b)
{
    size_t pos = below(b->len + 1), s, e, s2, e2;
    char tmp[8];
    switch (below(15)) {
    case 0: /* bit flip */
        if (b->len)
            b->p[below(b->len)] ^= (char)(1u << below(8));
        break;
    case 1: /* a random byte, often a meaningful one */
        if (b->len)
            b->p[below(b->len)] =
                below(2) ? (char)rnd() : interesting[below(sizeof(interesting) - 1)];
        break;
    case 2: { /* insert 1-8 bytes */
        size_t n = 1 + below(8);
        for (size_t i = 0; i < n; i++)
            tmp[i] = below(2) ? (char)rnd() : interesting[below(sizeof(interesting) - 1)];
        mb_insert(b, pos, tmp, n);
        break;
    }
    case 3: /* delete 1-16 bytes */
        if (b->len)
            mb_delete(b, below(b->len), 1 + below(16));
        break;
    case 4: /* truncate */
        b->len = below(b->len + 1);
        break;
    case 5: /* duplicate a line */
        if (b->len) {
            line_at(b, below(b->len), &s, &e);
            size_t n = e - s + (e < b->len);
            char *copy = malloc(n ? n : 1);
            memcpy(copy, b->p + s, n);
            mb_insert(b, s, copy, n);
            free(copy);
        }
        break;
    case 6: /* delete a line */
        if (b->len) {
            line_at(b, below(b->len), &s, &e);
            mb_delete(b, s, e - s + (e < b->len));
        }
        break;
    case 7: /* a digit becomes a letter */
        if (digit_run(b, &s, &e))
            b->p[s + below(e - s)] = below(4) ? (char)('a' + below(26)) : 'O';
        break;
    case 8: /* a number becomes a huge, negative, capped or empty one */
        if (digit_run(b, &s, &e)) {
            const char *n = numbers[below(KM_ARRAY_LEN(numbers))];
            mb_delete(b, s, e - s);
            mb_insert(b, s, n, strlen(n));
        }
        break;
    case 9: /* a huge number or ">100000" inserted anywhere */
        if (below(2))
            mb_insert(b, pos, " 99999999999999999999", 21);
        else
            mb_insert(b, pos, " >100000", 8);
        break;
    case 10: /* NULs */
        mb_insert(b, pos, "\0\0\0\0", 1 + below(4));
        break;
    case 11: { /* a very long token */
        size_t n = 64 + below(5000);
        char c = "9xN-,(:"[below(7)];
        char *t = malloc(n);
        memset(t, c, n);
        mb_insert(b, pos, t, n);
        free(t);
        break;
    }
    case 12: /* split a line, or join two */
        if (below(2))
            mb_insert(b, pos, "\n", 1);
        else if (b->len) {
            line_at(b, below(b->len), &s, &e);
            if (e < b->len)
                mb_delete(b, e, 1);
        }
        break;
    case 13: /* swap two lines (the second must start after the first ends) */
        if (b->len) {
            line_at(b, below(b->len), &s, &e);
            if (e + 1 < b->len) {
                line_at(b, e + 1 + below(b->len - e - 1), &s2, &e2);
                size_t n1 = e - s, n2 = e2 - s2;
                char *a = malloc(n1 + 1), *c = malloc(n2 + 1);
                memcpy(a, b->p + s, n1);
                memcpy(c, b->p + s2, n2);
                mb_delete(b, s2, n2);
                mb_insert(b, s2, a, n1);
                mb_delete(b, s, n1);
                mb_insert(b, s, c, n2);
                free(a);
                free(c);
            }
        }
        break;
    default: /* drop a trailing newline, or add blank lines */
        if (b->len && b->p[b->len - 1] == '\n')
            b->len--;
        else
            mb_insert(b, pos, "\n\n", 1 + below(2));
        break;
    }
}

static inline void mutate(struct mbuf *b, const char *seed, size_t len)
{
    b->len = 0;
    mb_insert(b, 0, seed, len);
    /* mostly one change, so that many inputs get past the first line; some pile-ups */
    size_t k = below(20), n = k < 10 ? 1 : k < 17 ? 2 + below(3) : 8 + below(8);
    for (size_t i = 0; i < n; i++)
        mutate_once(b);
}

/* ---- exact buffers and what a sanitizer report should say -------------------- */

static const char *cur_target, *cur_seed;
static int cur_iter;
static const char *cur_data;
static size_t cur_len;

#ifdef KM_FUZZ_SANITIZED
static inline void on_death(void)
{
    FILE *f = fopen("fuzz-crash.bin", "wb");
    if (f) {
        fwrite(cur_data, 1, cur_len, f);
        fclose(f);
    }
    printf("# died in %s on a mutation of %s (iteration %d, %zu bytes): input in "
           "fuzz-crash.bin\n",
           cur_target ? cur_target : "?", cur_seed ? cur_seed : "?", cur_iter, cur_len);
    fflush(stdout);
}
#endif

/* A copy of b in a buffer of exactly its length (no NUL after it). */
static inline char *exact(const struct mbuf *b)
{
    char *p = malloc(b->len);
    if (b->len)
        memcpy(p, b->p, b->len);
    cur_data = p;
    cur_len = b->len;
    return p;
}

static inline int count_lines(const char *p, size_t len)
{
    int n = 0;
    for (size_t i = 0; i < len; i++)
        n += p[i] == '\n';
    return n + (len > 0 && p[len - 1] != '\n');
}

/* ---- per-target bookkeeping -------------------------------------------------- */

struct result {
    int runs, errors, bad;
    char why[400]; /* the first problem */
};

static inline void bad(struct result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void bad(struct result *r, const char *fmt, ...)
{
    if (r->bad++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        int n = snprintf(r->why, sizeof(r->why), "%s, iteration %d: ", cur_seed, cur_iter);
        vsnprintf(r->why + n, sizeof(r->why) - (size_t)n, fmt, ap);
        va_end(ap);
    }
}

/* rc of a line-numbering parser: 0, or a negative errno with the line and a message. */
static inline void check_perr(struct result *r, int rc, const struct km_perr *pe, const char *p,
                              size_t len)
{
    int nl = count_lines(p, len);
    if (rc == 0) { /* lines left out: counted, the first one inside the input, with a message */
        if (pe->skipped < 0 || pe->skipped > nl + 1)
            bad(r, "%d lines left out of a %d-line input", pe->skipped, nl);
        else if (pe->skipped > 0 && (pe->skip_line < 1 || pe->skip_line > nl + 1))
            bad(r, "first line left out %d of a %d-line input", pe->skip_line, nl);
        else if (pe->skipped > 0 &&
                 (!pe->skip_msg[0] || !memchr(pe->skip_msg, '\0', sizeof(pe->skip_msg))))
            bad(r, "line %d left out without a message", pe->skip_line);
        else if (pe->skipped == 0 && pe->skip_line != 0)
            bad(r, "no line left out, but a first one (%d)", pe->skip_line);
        return;
    }
    r->errors++;
    if (rc > 0 || rc < -4095)
        bad(r, "returned %d", rc);
    else if (pe->line < 0 || pe->line > nl + 1)
        bad(r, "error on line %d of a %d-line input (%s)", pe->line, nl, pe->msg);
    else if (!pe->msg[0] || !memchr(pe->msg, '\0', sizeof(pe->msg)))
        bad(r, "error on line %d without a message", pe->line);
}

static inline bool cstr_ok(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

/* Seeds the generator, sets up the crash report; returns the iteration scale. */
static inline double fuzz_init(void)
{
    const char *e = getenv("KM_FUZZ_SEED");
    rng_state = e && *e ? strtoull(e, NULL, 0) : 0x6b6d656d746f70ull; /* "kmemtop" */
    if (!rng_state)
        rng_state = 1;
    e = getenv("KM_FUZZ_SCALE");
    double scale = e && *e ? atof(e) : 1.0;
    setvbuf(stdout, NULL, _IOLBF, 0); /* what was done before a sanitizer stops us */
#ifdef KM_FUZZ_SANITIZED
    __sanitizer_set_death_callback(on_death);
#endif
    printf("# seed 0x%llx, scale %g\n", (unsigned long long)rng_state, scale);
    return scale;
}

#endif
