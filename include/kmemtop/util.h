/*
 * util.h - allocation, growable buffers, line scanning and parse errors.
 *
 * Shared by every core module. The x* allocators never return NULL: on
 * failure they call the fatal hook, print one message to stderr and abort
 * (DESIGN.md: allocation failure aborts through one xmalloc family). Everything else returns 0 or a
 * negative errno. Absent numeric fields are KM_NA, never 0.
 */
#ifndef KMEMTOP_UTIL_H
#define KMEMTOP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A numeric field the kernel did not print. Never shown as 0. */
#define KM_NA INT64_MIN
#define KM_IS_NA(v) ((v) == KM_NA)

#define KM_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* A fixed malloc mmap threshold (glibc): large per-frame blocks go back to the system. */
void km_malloc_steady(void);
/* Grows *p (holding *cap elements of size sz) to at least need elements. */
void xgrow(void **p, size_t *cap, size_t need, size_t sz);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/*
 * fn runs once before a fatal error (out of memory) prints its message and
 * aborts: the front end restores the terminal there. NULL removes it.
 */
void km_set_fatal_hook(void (*fn)(void));

/* A growable byte buffer; data is always NUL-terminated after len bytes. */
struct km_buf {
    char *data;
    size_t len;
    size_t cap;
};
void km_buf_free(struct km_buf *b);

/*
 * Where a parser failed: 1-based line number in its input and what was
 * wrong (line 0: no line can be named, msg then names the file). The
 * caller (who knows the path) adds the file name.
 *
 * Parsers are lenient: a line they cannot read is left out and counted in
 * `skipped`, the first such line kept in skip_line/skip_msg, and the parse
 * succeeds. Only a file with nothing usable at all fails (-EINVAL, line and
 * msg those of its first unreadable line).
 */
struct km_perr {
    int line;
    char msg[160];
    int skipped;   /* lines left out because they could not be read */
    int skip_line; /* the first of them, 0 if none */
    char skip_msg[160];
};
/* Fills err (may be NULL) and returns -EINVAL. */
int km_perr_set(struct km_perr *err, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * Counts a line left out; why holds what km_perr_set wrote for it (its line
 * and message), kept when it is the first. err and why may be NULL. The
 * counts add up: callers zero err before a parse.
 */
void km_perr_skip(struct km_perr *err, const struct km_perr *why);
/* Nothing in the file was usable: the first line left out becomes the error. -EINVAL. */
int km_perr_unusable(struct km_perr *err);

/*
 * Line iteration over a buffer that need not end with '\n' or NUL.
 * Returns false at the end. The line and its length exclude the newline; lineno counts
 * from 1.
 */
struct km_lines {
    const char *p, *end;
    int lineno;
};
void km_lines_init(struct km_lines *it, const char *buf, size_t len);
bool km_lines_next(struct km_lines *it, const char **line, size_t *len);
/* The same, skipping lines that hold only blanks (lineno still counts them). */
bool km_lines_next_nonblank(struct km_lines *it, const char **line, size_t *len);

/*
 * Whitespace tokenizer over one line (not NUL-terminated). Returns false
 * when no token is left.
 */
struct km_tok {
    const char *p, *end;
};
void km_tok_init(struct km_tok *t, const char *line, size_t len);
bool km_tok_next(struct km_tok *t, const char **tok, size_t *len);

/* Strict decimal parse of [s, s+len): 0 or -EINVAL / -ERANGE. */
int km_parse_u64(const char *s, size_t len, uint64_t *out);
int km_parse_i64(const char *s, size_t len, int64_t *out);
/* Hex with optional 0x prefix. */
int km_parse_hex(const char *s, size_t len, uint64_t *out);
/* True when tok equals the NUL-terminated word. */
bool km_tok_eq(const char *tok, size_t len, const char *word);
/* Copies at most dstsz-1 bytes and NUL-terminates. */
void km_copy(char *dst, size_t dstsz, const char *src, size_t len);

/*
 * Parses a kernel node or CPU list ("0-3,8,10-11", possibly empty, possibly
 * followed by "\n" and a NUL as some 5.15 sysfs files are). Sets bits in
 * mask (nbits wide, caller-zeroed) and returns the number of ids, or a
 * negative errno (-ERANGE when an id does not fit).
 */
int km_parse_idlist(const char *s, size_t len, uint64_t *mask, int nbits);
bool km_mask_test(const uint64_t *mask, int bit);

/*
 * A kernel boot id (/proc/sys/kernel/random/boot_id: a random UUID, 8-4-4-4-12
 * hex digits, made once per boot) in [s, s+len), a trailing newline allowed.
 * Copies it, lower-cased, to out (KM_BOOT_ID_LEN + 1 bytes) and returns true;
 * on anything else returns false and says why in why ("line 1: ..."), out "".
 */
#define KM_BOOT_ID_LEN 36
bool km_parse_boot_id(const char *s, size_t len, char *out, char *why, size_t whysz);

/*
 * Seconds as the kernel and kmemtop's records print them, "123" or
 * "123.456", up to a blank or the end of the line; without strtod, so the
 * same under any LC_NUMERIC the front end sets. False on anything else.
 */
bool km_parse_seconds(const char *s, double *out);

/* Monotonic clock in seconds. */
double km_now(void);

#endif
