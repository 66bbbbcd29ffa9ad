/*
 * capture.c - tee of every read into a tree that --root can show.
 *
 * The capture directory is process state: set by km_capture_begin, used by
 * the reader on every successful read, cleared by km_capture_end.
 */
#include "kmemtop/capture.h"
#include "kmemtop/read.h"
#include "kmemtop/root.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *cap_dir;

static int mkdirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(path, 0755);
        *p = '/';
        if (rc < 0 && errno != EEXIST)
            return -errno;
    }
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
        return -errno;
    return 0;
}

int km_capture_begin(const char *dir)
{
    char *d = xstrdup(dir);
    int rc = mkdirs(d);
    if (rc) {
        free(d);
        return rc;
    }
    free(cap_dir);
    cap_dir = d;
    return 0;
}

void km_capture_end(void)
{
    free(cap_dir);
    cap_dir = NULL;
}

/* DIR + path, with the parent directories created. */
static bool target_path(const char *path, char *out, size_t outsz)
{
    int n = snprintf(out, outsz, "%s%s%s", cap_dir, path[0] == '/' ? "" : "/", path);
    if (n < 0 || (size_t)n >= outsz)
        return false;
    char *slash = strrchr(out, '/');
    if (!slash || slash == out)
        return false;
    *slash = '\0';
    bool ok = mkdirs(out) == 0;
    *slash = '/';
    return ok;
}

void km_capture_put(const char *path, const char *data, size_t len)
{
    char t[4096];
    if (!cap_dir || !target_path(path, t, sizeof(t)))
        return;
    int fd = open(t, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    close(fd);
}

void km_capture_symlink(const char *path, const char *target)
{
    char t[4096];
    if (!cap_dir || !target_path(path, t, sizeof(t)))
        return;
    unlink(t);
    if (symlink(target, t) < 0) {
        /* nothing to do: the listing is still captured by the files read */
    }
}

void km_capture_copy(const char *path)
{
    if (!cap_dir)
        return;
    struct km_buf b = {0};
    km_read_file(path, &b); /* the reader tees it */
    km_buf_free(&b);
}

int km_capture_meta(const char *dir, double wall, long page_size, const char *kernel)
{
    char p[4096];
    int n = snprintf(p, sizeof(p), "%s/%s", dir, KM_CAPTURE_META);
    if (n < 0 || (size_t)n >= sizeof(p))
        return -ENAMETOOLONG;
    FILE *f = fopen(p, "w");
    if (!f)
        return -errno;
    fprintf(f, "# written by kmemtop --capture (or tests/kmemtop-capture.sh)\n");
    fprintf(f, "time=%.3f\npage_size=%ld\nkernel=%s\n", wall, page_size, kernel ? kernel : "");
    return fclose(f) == 0 ? 0 : -errno;
}
