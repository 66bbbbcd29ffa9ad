/*
 * read.h - the only place that turns a path into bytes.
 *
 * /proc files are regenerated on every read() and lists can change between
 * two reads, so km_read_file reads with a buffer larger than the file in as
 * few read() calls as possible: one consistent pass from offset 0 where the
 * buffer is large enough. When it is not, it reads on to EOF to learn the
 * length, then once more from offset 0 into a buffer about 1.25 times that
 * length: two passes over a large file, not one per doubling. st_size is
 * never trusted.
 *
 * Returns 0, or -ENOENT (missing), -EACCES/-EPERM (denied), or another
 * negative errno. The buffer is owned by the caller, reused across calls
 * (keeps its capacity) and always NUL-terminated.
 */
#ifndef KMEMTOP_READ_H
#define KMEMTOP_READ_H

#include "kmemtop/util.h"

int km_read_file(const char *path, struct km_buf *b);
/* printf-style path; same contract. */
int km_read_filef(struct km_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads a small sysfs value and strips the trailing newline. */
int km_read_line(const char *path, char *dst, size_t dstsz);
/* Reads a decimal integer file (e.g. coresize). */
int km_read_i64(const char *path, int64_t *out);
/*
 * Lists a directory's entries (without . and ..), sorted by name. Entries
 * that are symlinks get their target in targets[i] (else NULL) when targets
 * is not NULL. Returns the count or a negative errno. km_strv_free frees.
 */
int km_read_dir(const char *path, char ***names, char ***targets);
void km_strv_free(char **v, size_t n);
/* True when the errno means "the file is not there". */
bool km_err_missing(int err);
/* True when the errno means "no permission". */
bool km_err_denied(int err);

#endif
