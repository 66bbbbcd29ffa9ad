/*
 * capture_tree.c - the tee: files and symlinks written into the tree being
 * captured, from its directory fd down. Every directory is opened with
 * O_DIRECTORY|O_NOFOLLOW, every file created with O_CREAT|O_EXCL|O_NOFOLLOW,
 * so nothing is ever written through a link. The one link the walk steps
 * through is one the capture itself made (a slab alias, sys/kernel/slab/<a>
 * -> :0000312): its target is resolved by hand, inside the tree, and only
 * when it is relative and has no "..". See capture.h.
 */
#include "capture_int.h"
#include "kmemtop/capture.h"
#include "kmemtop/read.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LINK_HOPS 8
#define SKIP_LINK (-EXDEV) /* internal: the path goes through a link leaving the tree */

void km_capture_fail(int err, const char *path)
{
    if (km_cap.err)
        return;
    km_cap.err = err ? err : -EIO;
    snprintf(km_cap.err_path, sizeof(km_cap.err_path), "%s", path);
}

void km_cap_forget_parent(void)
{
    if (km_cap.pfd >= 0)
        close(km_cap.pfd);
    km_cap.pfd = -1;
    km_cap.pdir[0] = '\0';
}

static int open_dir_at(int fd, const char *name)
{
    return openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* A link target the walk may follow: relative, no "..", not empty. */
bool km_capture_link_ok(const char *t)
{
    if (!t[0] || t[0] == '/')
        return false;
    for (const char *p = t; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return false;
        p += n;
        p += *p == '/';
    }
    return true;
}

static int walk(int fd, char *rel, int hops);

/* Opens (creating with dir_mode) directory name in fd; a captured link is resolved in fd. */
static int step(int fd, const char *name, int hops)
{
    int nfd = open_dir_at(fd, name);
    if (nfd >= 0)
        return nfd;
    if (errno == ENOENT) {
        if (mkdirat(fd, name, 0700) < 0 && errno != EEXIST)
            return -errno;
        nfd = open_dir_at(fd, name);
        if (nfd < 0)
            return -errno;
        if (fchmod(nfd, km_cap.dir_mode) < 0) {
            int e = -errno;
            close(nfd);
            return e;
        }
        return nfd;
    }
    int e = -errno;
    if (e != -ELOOP && e != -ENOTDIR)
        return e;
    char t[4096];
    ssize_t n = readlinkat(fd, name, t, sizeof(t) - 1);
    if (n < 0)
        return -ENOTDIR; /* a file where a directory must go */
    t[n] = '\0';
    if (!km_capture_link_ok(t) || hops >= LINK_HOPS)
        return SKIP_LINK;
    return walk(fd, t, hops + 1);
}

/* Opens directory rel (components separated by '/') under fd; rel is modified. */
static int walk(int fd, char *rel, int hops)
{
    int cur = dup(fd);
    if (cur < 0)
        return -errno;
    for (char *p = rel; *p;) {
        char *slash = strchr(p, '/');
        if (slash)
            *slash = '\0';
        int nfd = 0;
        if (strcmp(p, "..") == 0)
            nfd = -EINVAL;
        else if (p[0] && strcmp(p, ".") != 0)
            nfd = step(cur, p, hops);
        else
            nfd = dup(cur);
        if (slash)
            *slash = '/';
        close(cur);
        if (nfd < 0)
            return nfd;
        cur = nfd;
        if (!slash)
            break;
        p = slash + 1;
    }
    return cur;
}

/*
 * The tree-relative form of path in rel[relsz] and the fd of its parent
 * directory (created); *leaf points into rel. The parent's fd is cached.
 */
static int open_parent(const char *path, char *rel, size_t relsz, const char **leaf)
{
    while (*path == '/')
        path++;
    int n = snprintf(rel, relsz, "%s", path);
    if (n <= 0 || (size_t)n >= relsz)
        return -ENAMETOOLONG;
    char *slash = strrchr(rel, '/');
    *leaf = slash ? slash + 1 : rel;
    if (!**leaf || strcmp(*leaf, ".") == 0 || strcmp(*leaf, "..") == 0)
        return -EINVAL;
    if (!slash)
        return km_cap.rfd;
    *slash = '\0';
    if (km_cap.pfd >= 0 && strcmp(km_cap.pdir, rel) == 0) {
        *slash = '/';
        return km_cap.pfd;
    }
    km_cap_forget_parent();
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s", rel);
    int fd = walk(km_cap.rfd, tmp, 0);
    if (fd >= 0) {
        km_cap.pfd = fd;
        snprintf(km_cap.pdir, sizeof(km_cap.pdir), "%s", rel);
    }
    *slash = '/';
    return fd;
}

/* Creates leaf in pfd exclusively; a file captured earlier in this tree is replaced. */
static int create_file(int pfd, const char *leaf, mode_t mode)
{
    for (int tries = 0; tries < 2; tries++) {
        int fd = openat(pfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd >= 0 || errno != EEXIST)
            return fd >= 0 ? fd : -errno;
        if (unlinkat(pfd, leaf, 0) < 0)
            return -errno;
    }
    return -EEXIST;
}

static int write_all(int fd, const char *data, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? -errno : -ENOSPC;
        off += (size_t)w;
    }
    return 0;
}

static bool skipped(int rc)
{
    if (rc != SKIP_LINK)
        return false;
    km_cap.links_skipped++;
    return true;
}

DIR *km_cap_opendir(int fd)
{
    int d2 = dup(fd);
    DIR *d = d2 < 0 ? NULL : fdopendir(d2);
    if (!d) {
        int err = errno;
        if (d2 >= 0)
            close(d2);
        errno = err;
        return NULL;
    }
    rewinddir(d); /* the dup shares fd's offset */
    return d;
}

/* The second sink (a recording, record.c): every file and link the tee sees. */
static const struct km_capture_sink *sink;

void km_capture_set_sink(const struct km_capture_sink *s)
{
    sink = s;
}

bool km_capture_active(void)
{
    return km_cap.tee || sink;
}

void km_capture_put(const char *path, const char *data, size_t len, mode_t mode)
{
    if (sink)
        sink->put(sink->arg, path, data, len, mode);
    if (!km_cap.tee)
        return;
    char rel[4096];
    const char *leaf;
    int pfd = open_parent(path, rel, sizeof(rel), &leaf);
    if (skipped(pfd))
        return;
    if (pfd < 0) {
        km_capture_fail(pfd, rel);
        return;
    }
    int fd = create_file(pfd, leaf, mode & 0666);
    if (fd < 0) {
        km_capture_fail(fd, rel);
        return;
    }
    int rc = write_all(fd, data, len);
    if (rc == 0 && fchmod(fd, mode & 0666) < 0)
        rc = -errno;
    if (close(fd) < 0 && rc == 0)
        rc = -errno;
    if (rc) {
        unlinkat(pfd, leaf, 0); /* a partial file must not look captured */
        km_capture_fail(rc, rel);
    }
}

void km_capture_symlink(const char *path, const char *target)
{
    if (!km_cap.tee && !sink)
        return;
    if (!km_capture_link_ok(target)) {
        km_cap.links_skipped++;
        return;
    }
    if (sink)
        sink->symlink(sink->arg, path, target);
    if (!km_cap.tee)
        return;
    char rel[4096];
    const char *leaf;
    int pfd = open_parent(path, rel, sizeof(rel), &leaf);
    if (skipped(pfd))
        return;
    int rc = pfd < 0 ? pfd : 0;
    if (rc == 0 && symlinkat(target, pfd, leaf) < 0) {
        rc = -errno;
        if (rc == -EEXIST && unlinkat(pfd, leaf, 0) == 0)
            rc = symlinkat(target, pfd, leaf) < 0 ? -errno : 0;
    }
    if (rc)
        km_capture_fail(rc, rel);
}

void km_capture_copy(const char *path)
{
    if (!km_cap.tee && !sink)
        return;
    struct km_buf b = {0};
    km_read_file(path, &b); /* the reader tees it */
    km_buf_free(&b);
}

unsigned km_capture_links_skipped(void)
{
    return km_cap.links_skipped;
}
