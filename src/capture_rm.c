/*
 * capture_rm.c - emptying a private directory of the capture (the unfinished
 * tree, or a replaced capture moved aside with force), however deep what it
 * holds, with bounded memory and no recursion.
 *
 * The walk never descends more than one level below the directory it
 * empties (root): each directory directly in root has its files unlinked and
 * its subdirectories renamed up into root under a fresh name, then is
 * removed; a pass over root is repeated until root is empty. Every
 * directory is opened from its parent's descriptor with
 * O_DIRECTORY|O_NOFOLLOW, so no symbolic link is ever followed (a link is
 * unlinked, never entered), ".." is never used (a directory someone moves
 * away while it is emptied cannot lead the walk out of the tree), and a
 * directory of another file system (a mount point) is neither entered nor
 * moved. Two descriptors and two directory streams at a time, whatever the
 * depth. See capture_int.h.
 */
#include "capture_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HOIST_PREFIX ".kmemtop-up."
#define HOIST_TRIES 1000

struct rm_walk {
    int root;
    dev_t dev;     /* root's file system: the walk stays on it */
    unsigned seq;  /* the next name for a directory moved up */
    bool progress; /* this pass removed or moved something */
    int err;       /* the first error of this pass */
    char *bad;     /* where it happened, relative to root */
    size_t badsz;
};

static bool dot(const char *name)
{
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

static void fail(struct rm_walk *w, int err, const char *dir, const char *name)
{
    if (w->err)
        return;
    w->err = err;
    if (w->bad && w->badsz)
        snprintf(w->bad, w->badsz, "%s%s%s", dir ? dir : "", dir ? "/" : "", name);
}

static bool exists_at(int fd, const char *name)
{
    struct stat st;
    return fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT;
}

/* Renames directory name of dfd into root under a fresh name (never replacing anything). */
static int hoist(struct rm_walk *w, int dfd, const char *name)
{
    for (int tries = 0; tries < HOIST_TRIES; tries++) {
        char to[64];
        snprintf(to, sizeof(to), HOIST_PREFIX "%u", w->seq++);
        int rc = renameat2(dfd, name, w->root, to, RENAME_NOREPLACE);
        if (rc < 0 && (errno == EINVAL || errno == ENOSYS)) {
            if (exists_at(w->root, to))
                continue;
            rc = renameat(dfd, name, w->root, to); /* a file system without RENAME_NOREPLACE */
        }
        if (rc == 0)
            return 0;
        if (errno != EEXIST && errno != ENOTEMPTY)
            return errno == ENOENT ? 0 : -errno; /* ENOENT: gone meanwhile */
    }
    return -EEXIST;
}

/* Entry name of dfd gone: unlinked, or (a directory) moved up into root. */
static int clear_entry(struct rm_walk *w, int dfd, const char *name)
{
    if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return -errno;
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : -errno;
    if (!S_ISDIR(st.st_mode))
        return -EPERM; /* a file that cannot be unlinked */
    if (st.st_dev != w->dev)
        return -EXDEV; /* a mount point: not entered */
    return hoist(w, dfd, name);
}

/* Directory name of root: its files unlinked, its directories moved up into root, then it. */
static void flatten(struct rm_walk *w, const char *name)
{
    int dfd = openat(w->root, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0 && (errno == ENOTDIR || errno == ELOOP))
        errno = EPERM; /* not a directory, and unlinkat refused it */
    struct stat st;
    if (dfd >= 0 && fstat(dfd, &st) == 0 && st.st_dev != w->dev) {
        close(dfd);
        fail(w, -EXDEV, NULL, name);
        return;
    }
    DIR *d = dfd < 0 ? NULL : km_cap_opendir(dfd);
    if (!d) {
        if (errno != ENOENT)
            fail(w, -errno, NULL, name);
        if (dfd >= 0)
            close(dfd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (dot(e->d_name))
            continue;
        int rc = clear_entry(w, dfd, e->d_name);
        if (rc)
            fail(w, rc, name, e->d_name);
        else
            w->progress = true;
    }
    closedir(d);
    close(dfd);
    if (unlinkat(w->root, name, AT_REMOVEDIR) == 0)
        w->progress = true;
    else if (errno != ENOENT && errno != ENOTEMPTY)
        fail(w, -errno, NULL, name);
}

/* One pass over root; false when root was empty. */
static bool pass(struct rm_walk *w)
{
    DIR *d = km_cap_opendir(w->root);
    if (!d) {
        fail(w, -errno, NULL, ".");
        return false;
    }
    bool any = false;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (dot(e->d_name))
            continue;
        any = true;
        if (unlinkat(w->root, e->d_name, 0) == 0 || errno == ENOENT)
            w->progress = true;
        else if (errno == EISDIR || errno == EPERM)
            flatten(w, e->d_name);
        else
            fail(w, -errno, NULL, e->d_name);
    }
    closedir(d);
    return any;
}

int km_cap_empty_dir(int fd, char *bad, size_t badsz)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    struct rm_walk w = {.root = fd, .dev = st.st_dev, .bad = bad, .badsz = badsz};
    for (;;) {
        w.progress = false;
        w.err = 0;
        if (!pass(&w))
            return w.err; /* empty, or not readable */
        /* a pass that removed nothing: what is left cannot be, the first error says why */
        if (!w.progress)
            return w.err ? w.err : -ENOTEMPTY;
    }
}
