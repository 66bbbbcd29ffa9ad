/*
 * tap.h - a minimal TAP producer for unit tests (automake tap-driver.sh).
 * Each check prints "ok N - name" or "not ok N - name" with a diagnostic;
 * tap_done() prints the plan and returns the exit status.
 */
#ifndef KMEMTOP_TAP_H
#define KMEMTOP_TAP_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int tap_ok(int cond, const char *name, const char *file, int line)
{
    tap_n++;
    printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, name);
    if (!cond) {
        tap_failed++;
        printf("#   failed at %s:%d\n", file, line);
    }
    return cond;
}

#define ok(cond, name) tap_ok(!!(cond), name, __FILE__, __LINE__)

#define is_int(got, want, name)                                                                    \
    do {                                                                                           \
        long long g_ = (long long)(got), w_ = (long long)(want);                                   \
        if (!tap_ok(g_ == w_, name, __FILE__, __LINE__))                                           \
            printf("#   got %lld, want %lld\n", g_, w_);                                           \
    } while (0)

#define is_str(got, want, name)                                                                    \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        int c_ = g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_;                                        \
        if (!tap_ok(c_, name, __FILE__, __LINE__))                                                 \
            printf("#   got \"%s\", want \"%s\"\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)");       \
    } while (0)

#define is_dbl(got, want, eps, name)                                                               \
    do {                                                                                           \
        double g_ = (got), w_ = (want);                                                            \
        if (!tap_ok(g_ - w_ <= (eps) && w_ - g_ <= (eps), name, __FILE__, __LINE__))               \
            printf("#   got %.9g, want %.9g\n", g_, w_);                                           \
    } while (0)

static inline int tap_done(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

/* Reads a file under the source tree's tests/fixtures into a malloc'd buffer. */
static inline char *tap_slurp(const char *rel, size_t *len)
{
    const char *src = getenv("KM_SRCDIR");
    char path[4096];
    snprintf(path, sizeof(path), "%s/tests/fixtures/%s", src ? src : ".", rel);
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("Bail out! cannot open fixture %s\n", path);
        exit(1);
    }
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    size_t r;
    while ((r = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 == cap)
            b = realloc(b, cap *= 2);
    }
    fclose(f);
    b[n] = '\0';
    *len = n;
    return b;
}

/*
 * A copy of buf with the line text (and a newline) inserted after line
 * `after` (0: first): a good file with one line a parser cannot read.
 */
static inline char *tap_insert_line(const char *buf, size_t len, int after, const char *text,
                                    size_t *newlen)
{
    size_t at = 0, tl = strlen(text);
    for (int l = 0; l < after && at < len; at++)
        if (buf[at] == '\n')
            l++;
    char *out = malloc(len + tl + 2);
    if (!out)
        abort();
    memcpy(out, buf, at);
    memcpy(out + at, text, tl);
    out[at + tl] = '\n';
    memcpy(out + at + tl + 1, buf + at, len - at);
    *newlen = len + tl + 1;
    out[*newlen] = '\0';
    return out;
}

#endif
