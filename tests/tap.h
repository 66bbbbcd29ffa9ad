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

#include "kmemtop/util.h" /* struct km_perr */

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

/*
 * Parsers. Every km_parse_* has the shape int f(buf, len, out, err): a test
 * wraps its parser once in a tap_parse_fn (out as void *), then loads
 * fixtures and runs tables of edge cases through the helpers below.
 */
typedef int (*tap_parse_fn)(const char *buf, size_t len, void *out, struct km_perr *err);

/*
 * Parses a fixture (a path under tests/fixtures) with err zeroed first (err
 * may be NULL); a failure prints the line and message as a diagnostic. The
 * buffer is freed before returning: nothing in out may point into it.
 */
static inline int tap_parse_fixture(tap_parse_fn parse, const char *rel, void *out,
                                    struct km_perr *err)
{
    struct km_perr local;
    struct km_perr *pe = err ? err : &local;
    size_t len;
    char *buf = tap_slurp(rel, &len);
    memset(pe, 0, sizeof(*pe));
    int rc = parse(buf, len, out, pe);
    if (rc)
        printf("# %s line %d: %s\n", rel, pe->line, pe->msg);
    free(buf);
    return rc;
}

/* Parses the string s, err (may be NULL) zeroed first. */
static inline int tap_parse_str(tap_parse_fn parse, const char *s, void *out, struct km_perr *err)
{
    if (err)
        memset(err, 0, sizeof(*err));
    return parse(s, strlen(s), out, err);
}

/*
 * One edge case: the parser's return code for input, and the line:
 * rc < 0, the line the error names (err->line, with a message); rc == 0,
 * the one line the parser left out (err->skipped 1, err->skip_line, with a
 * message), 0 when none was.
 */
struct tap_case {
    const char *name;
    const char *input;
    int rc;
    int line;
};

/*
 * Runs each case into out, two checks per case (its rc under its name, then
 * its line); then check(case, rc, out) when not NULL, for what a case must
 * have kept; then release(out) (NULL: nothing to free).
 */
static inline void tap_cases_check(tap_parse_fn parse,
                                   void (*check)(const struct tap_case *, int, void *),
                                   void (*release)(void *), void *out, const struct tap_case *cases,
                                   size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct tap_case *c = &cases[i];
        struct km_perr pe;
        char name[256];
        int rc = tap_parse_str(parse, c->input, out, &pe);
        is_int(rc, c->rc, c->name);
        if (c->rc < 0) {
            snprintf(name, sizeof(name), "%s: names line %d, says why", c->name, c->line);
            if (!tap_ok(pe.line == c->line && pe.msg[0], name, __FILE__, __LINE__))
                printf("#   got line %d: %s\n", pe.line, pe.msg);
        } else if (c->line > 0) {
            snprintf(name, sizeof(name), "%s: line %d alone left out, says why", c->name, c->line);
            if (!tap_ok(pe.skipped == 1 && pe.skip_line == c->line && pe.skip_msg[0], name,
                        __FILE__, __LINE__))
                printf("#   got %d left out, the first line %d\n", pe.skipped, pe.skip_line);
        } else {
            snprintf(name, sizeof(name), "%s: no line left out", c->name);
            if (!tap_ok(pe.skipped == 0, name, __FILE__, __LINE__))
                printf("#   got %d left out, the first line %d: %s\n", pe.skipped, pe.skip_line,
                       pe.skip_msg);
        }
        if (check)
            check(c, rc, out);
        if (release)
            release(out);
    }
}

static inline void tap_cases(tap_parse_fn parse, void (*release)(void *), void *out,
                             const struct tap_case *cases, size_t n)
{
    tap_cases_check(parse, NULL, release, out, cases, n);
}

#endif
