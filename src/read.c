/* read.c - path to bytes, in as few read() calls as possible. See read.h. */
#include "kmemtop/read.h"
#include "kmemtop/capture.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KM_READ_MIN (64 * 1024)
#define KM_READ_MAX ((size_t)1 << 31)

bool km_err_missing(int err)
{
    return err == -ENOENT || err == -ENOTDIR || err == -ENODEV || err == -ENXIO;
}

bool km_err_denied(int err)
{
    return err == -EACCES || err == -EPERM;
}

static int resize(struct km_buf *b, size_t cap)
{
    if (cap > KM_READ_MAX)
        return -EFBIG;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
    return 0;
}

/*
 * Reads from offset `from` on until EOF or a full buffer (*full). Returns the
 * length read so far (from included) or a negative errno.
 */
static ssize_t fill(int fd, struct km_buf *b, size_t from, bool *full)
{
    size_t len = from;
    *full = false;
    while (len < b->cap - 1) {
        ssize_t r = pread(fd, b->data + len, b->cap - 1 - len, (off_t)len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -errno;
        if (r == 0)
            return (ssize_t)len;
        len += (size_t)r;
    }
    *full = true;
    return (ssize_t)len;
}

/*
 * Read from offset 0 until EOF. When a read fills the buffer the file is
 * larger than it: read on to EOF in a growing buffer to learn the length,
 * then read once more from 0 into a buffer a quarter larger than that, so
 * that the text comes from one clean pass (vmallocinfo drops lines between
 * two reads on 6.1) and a large file is generated twice, not once per
 * doubling. Should it have grown by more than the margin, learn again.
 */
static int read_fd(int fd, struct km_buf *b)
{
    if (b->cap < KM_READ_MIN)
        resize(b, KM_READ_MIN);
    for (;;) {
        bool full;
        ssize_t len = fill(fd, b, 0, &full);
        if (len >= 0 && !full) {
            b->len = (size_t)len;
            b->data[len] = '\0';
            return 0;
        }
        int rc = 0;
        while (len >= 0 && full && (rc = resize(b, b->cap * 2)) == 0)
            len = fill(fd, b, (size_t)len, &full); /* on to EOF: the length */
        if (len < 0)
            return (int)len;
        if (rc == 0)
            rc = resize(b, (size_t)len + (size_t)len / 4 + 2);
        if (rc)
            return rc;
    }
}

int km_read_file(const char *path, struct km_buf *b)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct stat st;
    int rc = fstat(fd, &st) < 0 ? -errno : read_fd(fd, b);
    close(fd);
    if (rc == 0)
        km_capture_put(path, b->data, b->len, st.st_mode & 07777);
    return rc;
}

int km_read_filef(struct km_buf *b, const char *fmt, ...)
{
    char path[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(path))
        return -ENAMETOOLONG;
    return km_read_file(path, b);
}

int km_read_line(const char *path, char *dst, size_t dstsz)
{
    char tmp[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct stat st;
    ssize_t r = fstat(fd, &st);
    if (r == 0)
        do
            r = read(fd, tmp, sizeof(tmp) - 1);
        while (r < 0 && errno == EINTR);
    int err = r < 0 ? -errno : 0;
    close(fd);
    if (err)
        return err;
    km_capture_put(path, tmp, (size_t)r, st.st_mode & 07777);
    size_t n = (size_t)r;
    while (n > 0 && (tmp[n - 1] == '\n' || tmp[n - 1] == '\0'))
        n--;
    km_copy(dst, dstsz, tmp, n);
    return 0;
}

int km_read_i64(const char *path, int64_t *out)
{
    char v[64];
    int rc = km_read_line(path, v, sizeof(v));
    if (rc)
        return rc;
    size_t n = strlen(v);
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    return km_parse_i64(v, n, out);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int km_read_dir(const char *path, char ***names, char ***targets)
{
    DIR *d = opendir(path);
    if (!d)
        return -errno;
    size_t n = 0, cap = 0;
    char **v = NULL;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        xgrow((void **)&v, &cap, n + 1, sizeof(*v));
        v[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_str);
    if (targets) {
        char **t = xcalloc(n ? n : 1, sizeof(*t));
        for (size_t i = 0; i < n; i++) {
            char p[4096], buf[4096];
            snprintf(p, sizeof(p), "%s/%s", path, v[i]);
            ssize_t r = readlink(p, buf, sizeof(buf) - 1);
            if (r >= 0) {
                buf[r] = '\0';
                t[i] = xstrdup(buf);
                km_capture_symlink(p, t[i]);
            }
        }
        *targets = t;
    }
    *names = v;
    return (int)n;
}

void km_strv_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}
