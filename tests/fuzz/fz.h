/*
 * fz.h - what every libFuzzer target of tests/fuzz shares: the entry point's
 * prototype and the checks. A broken contract prints what was wrong and
 * aborts, which libFuzzer reports as a crash and saves the input.
 *
 * libFuzzer hands each input in a heap buffer of exactly its size, so
 * AddressSanitizer catches a read one byte past the end.
 */
#ifndef KMEMTOP_FZ_H
#define KMEMTOP_FZ_H

#include "kmemtop/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(cond, ...)                                                                        \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz check failed at %s:%d: %s: ", __FILE__, __LINE__, #cond);        \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static inline int fz_count_lines(const char *p, size_t len)
{
    int n = 0;
    for (size_t i = 0; i < len; i++)
        n += p[i] == '\n';
    return n + (len > 0 && p[len - 1] != '\n');
}

/* A line-numbering parser's rc: 0, or a negative errno naming an input line, with a message. */
static inline void fz_check_perr(int rc, const struct km_perr *pe, const char *p, size_t len)
{
    if (rc == 0)
        return;
    int nl = fz_count_lines(p, len);
    FZ_CHECK(rc < 0 && rc >= -4095, "returned %d", rc);
    FZ_CHECK(pe->line >= 0 && pe->line <= nl + 1, "error on line %d of a %d-line input", pe->line,
             nl);
    FZ_CHECK(memchr(pe->msg, '\0', sizeof(pe->msg)) != NULL, "message not terminated");
    FZ_CHECK(pe->msg[0], "error on line %d without a message", pe->line);
}

static inline int fz_cstr_ok(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

#endif
