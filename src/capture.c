/*
 * capture.c - tee of every read into a tree that --root can show.
 *
 * The capture directory is process state: set by km_capture_begin, used by
 * the reader on every successful read, cleared by km_capture_end. So is the
 * first error writing the tree, kept until the next km_capture_begin.
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
static int cap_err;             /* the first error writing the tree, a negative errno */
static char cap_err_path[4096]; /* and what could not be written */

static void failed(int err, const char *path)
{
    if (cap_err)
        return;
    cap_err = err ? err : -EIO;
    snprintf(cap_err_path, sizeof(cap_err_path), "%s", path);
}

int km_capture_error(char *path, size_t pathsz)
{
    if (path && pathsz)
        snprintf(path, pathsz, "%s", cap_err ? cap_err_path : "");
    return cap_err;
}

static int mkdirs(char *path);

/*
 * A directory the tree already holds as a captured symlink whose target was
 * not captured yet: /sys/kernel/slab/<alias> -> :0000312 is listed before
 * the alias's files are read, and the target is never read under its own
 * name. Create the target (relative links only: an absolute one would point
 * out of the tree).
 */
static int make_link_target(const char *link)
{
    char t[4096], full[4096];
    ssize_t n = readlink(link, t, sizeof(t) - 1);
    if (n <= 0 || t[0] == '/')
        return -ENOTDIR;
    t[n] = '\0';
    const char *slash = strrchr(link, '/');
    int m = snprintf(full, sizeof(full), "%.*s/%s", (int)(slash ? slash - link : 0), link, t);
    if (m < 0 || (size_t)m >= sizeof(full))
        return -ENAMETOOLONG;
    return mkdirs(full);
}

static int mkdir_one(char *path)
{
    struct stat st;
    if (mkdir(path, 0755) == 0)
        return 0;
    if (errno != EEXIST)
        return -errno;
    if (stat(path, &st) < 0 && errno == ENOENT && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
        return make_link_target(path);
    return 0;
}

static int mkdirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir_one(path);
        *p = '/';
        if (rc < 0)
            return rc;
    }
    return mkdir_one(path);
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
    cap_err = 0;
    cap_err_path[0] = '\0';
    return 0;
}

void km_capture_end(void)
{
    free(cap_dir);
    cap_dir = NULL;
}

/* DIR + path, with the parent directories created (failures kept). */
static bool target_path(const char *path, char *out, size_t outsz)
{
    int n = snprintf(out, outsz, "%s%s%s", cap_dir, path[0] == '/' ? "" : "/", path);
    if (n < 0 || (size_t)n >= outsz) {
        failed(-ENAMETOOLONG, path);
        return false;
    }
    char *slash = strrchr(out, '/');
    if (!slash || slash == out)
        return false;
    *slash = '\0';
    int rc = mkdirs(out);
    *slash = '/';
    if (rc)
        failed(rc, out);
    return rc == 0;
}

void km_capture_put(const char *path, const char *data, size_t len, mode_t mode)
{
    char t[4096];
    if (!cap_dir || !target_path(path, t, sizeof(t)))
        return;
    int fd = open(t, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    (void)mode; /* TODO(issue 9): kept by the safe capture */
    if (fd < 0) {
        failed(-errno, t);
        return;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            failed(w < 0 ? -errno : -ENOSPC, t);
            break;
        }
        off += (size_t)w;
    }
    if (close(fd) < 0)
        failed(-errno, t);
}

void km_capture_symlink(const char *path, const char *target)
{
    char t[4096];
    if (!cap_dir || !target_path(path, t, sizeof(t)))
        return;
    unlink(t);
    if (symlink(target, t) < 0)
        failed(-errno, t);
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
