/*
 * capture.c - a capture session: DIR checked (empty, or a previous capture
 * with force), a private temporary directory inside it, each tree built
 * there (capture_tree.c), its record written, the tree renamed into DIR.
 * Process state, one session at a time. See capture.h.
 */
#include "capture_int.h"
#include "kmemtop/capture.h"
#include "kmemtop/root.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TMP_PREFIX ".kmemtop-"
#define META_RESERVE 1024 /* the record's first, incomplete, version: room for the last */

struct km_cap km_cap = {.dfd = -1, .tfd = -1, .ofd = -1, .rfd = -1, .meta_fd = -1, .pfd = -1};
static volatile sig_atomic_t interrupted;

void km_capture_interrupt(int sig)
{
    interrupted = sig;
}

int km_capture_interrupted(void)
{
    return interrupted;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* A regular file named KM_CAPTURE_META directly in fd (links not followed). */
static bool has_record(int fd)
{
    struct stat st;
    return fstatat(fd, KM_CAPTURE_META, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

/* What a captured tree holds: its record, proc/ and sys/ (and, at DIR, our leftovers). */
static bool tree_entry(const char *name, bool top)
{
    return !strcmp(name, KM_CAPTURE_META) || !strcmp(name, "proc") || !strcmp(name, "sys") ||
           (top && strncmp(name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0);
}

/*
 * fd is a captured tree: a record, and nothing but proc/ and sys/ beside it
 * (a directory where someone dropped a record among other files is not one).
 */
static bool is_tree(int fd, bool top)
{
    if (!has_record(fd))
        return false;
    DIR *d = km_cap_opendir(fd);
    if (!d)
        return false;
    bool yes = true;
    struct dirent *e;
    while (yes && (e = readdir(d)) != NULL)
        yes = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || tree_entry(e->d_name, top);
    closedir(d);
    return yes;
}

/* Entry name of fd a real directory that is a captured tree. */
static bool is_tree_dir(int fd, const char *name)
{
    int d = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (d < 0)
        return false;
    bool yes = is_tree(d, false);
    close(d);
    return yes;
}

enum dir_kind { DIR_EMPTY, DIR_CAPTURE, DIR_OTHER };

/*
 * Empty; a previous capture (one tree, or only trees, and the leftovers
 * .kmemtop-* of an interrupted capture); or anything else.
 */
static int classify(int fd)
{
    DIR *d = km_cap_opendir(fd);
    if (!d)
        return -errno;
    size_t n = 0, other = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        n++;
        if (strncmp(e->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0)
            continue;
        if (!is_tree_dir(fd, e->d_name))
            other++;
    }
    closedir(d);
    if (n == 0)
        return DIR_EMPTY;
    return is_tree(fd, true) || other == 0 ? DIR_CAPTURE : DIR_OTHER;
}

/* Makes DIR/.kmemtop-<what>.XXXXXX, mode 0700, ours; its fd, name in name[64]. */
static int make_private(int dfd, const char *what, char name[64])
{
    static unsigned seq;
    for (int tries = 0; tries < 100; tries++) {
        unsigned r = (unsigned)getpid() * 2654435761u ^ (unsigned)time(NULL) ^ (++seq * 40503u);
        snprintf(name, 64, "%s%s.%06x", TMP_PREFIX, what, r & 0xffffff);
        if (mkdirat(dfd, name, 0700) < 0) {
            if (errno == EEXIST)
                continue;
            return -errno;
        }
        int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (fd >= 0 && (fstat(fd, &st) < 0 || st.st_uid != geteuid() || fchmod(fd, 0700) < 0)) {
            close(fd);
            return -EPERM; /* not the directory just made */
        }
        return fd >= 0 ? fd : -errno;
    }
    return -EEXIST;
}

/* DIR's missing parents, as mkdir -p makes them (outside the tree: the umask applies). */
static void make_parents(const char *dir)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s", dir);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        mkdir(p, 0777);
        *s = '/';
    }
}

static int open_dest(const char *dir, mode_t mode, char *msg, size_t msgsz)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        make_parents(dir);
        if (mkdir(dir, 0700) == 0)
            km_cap.made_dir = true;
        else if (errno != EEXIST) {
            snprintf(msg, msgsz, "--capture %s: %s", dir, strerror(errno));
            return -errno;
        }
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0)
            fchmod(fd, mode);
    }
    if (fd < 0) {
        int e = errno;
        struct stat st;
        bool link = e == ELOOP || (e == ENOTDIR && lstat(dir, &st) == 0 && S_ISLNK(st.st_mode));
        snprintf(msg, msgsz, "--capture %s: %s", dir,
                 link ? "is a symbolic link; name the directory itself" : strerror(e));
        return -e;
    }
    return fd;
}

static int check_dest(int fd, bool force, char *msg, size_t msgsz)
{
    int kind = classify(fd);
    if (kind < 0) {
        snprintf(msg, msgsz, "--capture %s: %s", km_cap.dir, strerror(-kind));
        return kind;
    }
    if (kind == DIR_EMPTY)
        return 0;
    if (!force) {
        snprintf(msg, msgsz,
                 "--capture %s: exists and is not empty; use --force to replace a previous capture",
                 km_cap.dir);
        return -EEXIST;
    }
    if (kind != DIR_CAPTURE) {
        snprintf(msg, msgsz,
                 "--capture %s: --force: it holds no kmemtop capture (no %s record), not replaced",
                 km_cap.dir, KM_CAPTURE_META);
        return -EEXIST;
    }
    km_cap.replace = true;
    return 0;
}

int km_capture_open(const char *dir, const struct km_capture_opts *o, char *msg, size_t msgsz)
{
    km_capture_close(NULL, 0);
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--; /* "link/" would follow the link */
    if (len == 0 || len >= sizeof(km_cap.dir)) {
        snprintf(msg, msgsz, "--capture %s: %s", dir, strerror(ENAMETOOLONG));
        return -ENAMETOOLONG;
    }
    memcpy(km_cap.dir, dir, len);
    km_cap.dir[len] = '\0';
    km_cap.dir_mode = o && o->dir_mode ? o->dir_mode & 07777 : 0700;
    km_cap.replace = false;
    km_cap.links_skipped = 0;
    int fd = open_dest(km_cap.dir, km_cap.dir_mode, msg, msgsz);
    if (fd < 0)
        return fd;
    km_cap.dfd = fd;
    int rc = check_dest(fd, o && o->force, msg, msgsz);
    if (rc == 0) {
        km_cap.tfd = make_private(fd, "new", km_cap.tname);
        rc = km_cap.tfd < 0 ? km_cap.tfd : 0;
        if (rc)
            snprintf(msg, msgsz, "--capture %s: cannot make a private directory in it: %s",
                     km_cap.dir, strerror(-rc));
    }
    if (rc)
        km_capture_close(NULL, 0);
    return rc;
}

/* The record's text; complete unless the tree kept an error. */
static int record_text(char *buf, size_t sz, double wall, long ps, const char *kernel)
{
    int n = snprintf(buf, sz, "# written by kmemtop --capture (or tests/kmemtop-capture.sh)\n");
    if (wall > 0)
        n += snprintf(buf + n, sz - (size_t)n, "time=%.3f\n", wall);
    if (ps > 0)
        n += snprintf(buf + n, sz - (size_t)n, "page_size=%ld\n", ps);
    if (kernel) /* one line, whatever the sampled osrelease held: no key can be injected */
        n += snprintf(buf + n, sz - (size_t)n, "kernel=%.*s\n",
                      (int)strcspn(kernel, "\n\r") > 200 ? 200 : (int)strcspn(kernel, "\n\r"),
                      kernel);
    if (km_cap.err == 0)
        return n + snprintf(buf + n, sz - (size_t)n, "complete=1\n");
    return n + snprintf(buf + n, sz - (size_t)n, "complete=0\nerror=%s\nerror_path=%.512s\n",
                        strerror(-km_cap.err), km_cap.err_path);
}

/* The first record: incomplete (until the last replaces it), padded to reserve the room. */
static int reserve_record(void)
{
    int fd = openat(km_cap.rfd, KM_CAPTURE_META,
                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    char buf[META_RESERVE];
    int n =
        snprintf(buf, sizeof(buf),
                 "# kmemtop capture in progress\ncomplete=0\nerror=the capture did not finish\n#");
    memset(buf + n, '#', sizeof(buf) - (size_t)n - 1);
    buf[sizeof(buf) - 1] = '\n';
    ssize_t w = write(fd, buf, sizeof(buf));
    int rc = w == (ssize_t)sizeof(buf) ? 0 : w < 0 ? -errno : -ENOSPC;
    if (rc == 0 && fchmod(fd, km_cap.dir_mode & 0666) < 0)
        rc = -errno;
    if (rc) {
        close(fd);
        return rc;
    }
    km_cap.meta_fd = fd;
    return 0;
}

int km_capture_begin(const char *tree, char *msg, size_t msgsz)
{
    km_capture_end();
    close_fd(&km_cap.meta_fd);
    if (km_cap.rfd != km_cap.tfd)
        close_fd(&km_cap.rfd);
    km_cap.err = 0;
    km_cap.err_path[0] = '\0';
    snprintf(km_cap.tree, sizeof(km_cap.tree), "%s", tree ? tree : "");
    if (km_cap.tfd < 0)
        return -EBADF;
    km_cap.rfd = km_cap.tfd;
    int rc = 0;
    if (km_cap.tree[0]) {
        km_cap.rfd = -1;
        if (mkdirat(km_cap.tfd, km_cap.tree, 0700) < 0)
            rc = -errno;
        else if ((km_cap.rfd = openat(km_cap.tfd, km_cap.tree,
                                      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
            rc = -errno;
        else if (fchmod(km_cap.rfd, km_cap.dir_mode) < 0)
            rc = -errno;
    }
    if (rc == 0)
        rc = reserve_record();
    if (rc) {
        snprintf(msg, msgsz, "--capture %s: could not write %s%s%s: %s", km_cap.dir, km_cap.tree,
                 km_cap.tree[0] ? "/" : "", KM_CAPTURE_META, strerror(-rc));
        return rc;
    }
    km_cap.tee = true;
    return 0;
}

void km_capture_end(void)
{
    km_cap.tee = false;
    km_cap_forget_parent();
}

int km_capture_error(char *path, size_t pathsz)
{
    if (path && pathsz)
        snprintf(path, pathsz, "%s/%s%s%s", km_cap.dir, km_cap.tree, km_cap.tree[0] ? "/" : "",
                 km_cap.err ? km_cap.err_path : "");
    return km_cap.err;
}

static int write_record(double wall, long ps, const char *kernel)
{
    char buf[META_RESERVE + 1024];
    int n = record_text(buf, sizeof(buf), wall, ps, kernel);
    if (n < 0 || (size_t)n >= sizeof(buf))
        return -ENAMETOOLONG;
    /* over the reserved bytes, then cut: a full disk cannot stop the record */
    ssize_t w = pwrite(km_cap.meta_fd, buf, (size_t)n, 0);
    int rc = w == n ? 0 : w < 0 ? -errno : -ENOSPC;
    if (rc == 0 && ftruncate(km_cap.meta_fd, n) < 0)
        rc = -errno;
    if (close(km_cap.meta_fd) < 0 && rc == 0)
        rc = -errno;
    km_cap.meta_fd = -1;
    return rc;
}

/* Renames name from fd to DIR, never replacing what is there. */
static int move_in(int fd, const char *name)
{
    int rc = renameat2(fd, name, km_cap.dfd, name, RENAME_NOREPLACE) == 0 ? 0 : -errno;
    if (rc == -EINVAL || rc == -ENOSYS) {
        struct stat st; /* a file system without RENAME_NOREPLACE */
        if (fstatat(km_cap.dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            return -EEXIST;
        rc = renameat(fd, name, km_cap.dfd, name) < 0 ? -errno : 0;
    }
    if (rc == 0)
        km_cap.placed = true;
    return rc;
}

/* With force: DIR's previous entries go aside, whole, before the first new tree lands. */
static int move_old_aside(char *failed, size_t failedsz)
{
    km_cap.ofd = make_private(km_cap.dfd, "old", km_cap.oname);
    if (km_cap.ofd < 0)
        return km_cap.ofd;
    DIR *d = km_cap_opendir(km_cap.dfd);
    if (!d)
        return -errno;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        const char *nm = e->d_name;
        if (!strcmp(nm, ".") || !strcmp(nm, "..") || !strcmp(nm, km_cap.tname) ||
            !strcmp(nm, km_cap.oname))
            continue;
        if (renameat(km_cap.dfd, nm, km_cap.ofd, nm) < 0) {
            rc = -errno;
            snprintf(failed, failedsz, "%s", nm);
        } else
            km_cap.placed = true;
    }
    closedir(d);
    km_cap.replace = false;
    return rc;
}

/* Moves the finished tree into DIR: a series' tree whole, a lone tree's entries, record last. */
static int place(char *failed, size_t failedsz)
{
    if (km_cap.replace) {
        int rc = move_old_aside(failed, failedsz);
        if (rc)
            return rc;
    }
    if (km_cap.tree[0]) {
        snprintf(failed, failedsz, "%s", km_cap.tree);
        return move_in(km_cap.tfd, km_cap.tree);
    }
    DIR *d = km_cap_opendir(km_cap.tfd);
    if (!d)
        return -errno;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
            !strcmp(e->d_name, KM_CAPTURE_META))
            continue;
        snprintf(failed, failedsz, "%s", e->d_name);
        rc = move_in(km_cap.tfd, e->d_name);
    }
    closedir(d);
    if (rc == 0) {
        snprintf(failed, failedsz, "%s", KM_CAPTURE_META);
        rc = move_in(km_cap.tfd, KM_CAPTURE_META);
    }
    return rc;
}

int km_capture_finish(double wall, long page_size, const char *kernel, char *msg, size_t msgsz)
{
    km_capture_end();
    if (km_cap.meta_fd < 0)
        return -EBADF;
    if (interrupted) {
        snprintf(msg, msgsz, "--capture %s: interrupted", km_cap.dir);
        return -EINTR; /* the tree stays in the private directory, which close removes */
    }
    int rc = write_record(wall, page_size, kernel);
    if (rc) {
        snprintf(msg, msgsz, "--capture %s: could not write %s%s%s: %s", km_cap.dir, km_cap.tree,
                 km_cap.tree[0] ? "/" : "", KM_CAPTURE_META, strerror(-rc));
        return rc;
    }
    char failed[256] = "";
    rc = place(failed, sizeof(failed));
    if (rc)
        snprintf(msg, msgsz, "--capture %s: cannot move %s into place: %s", km_cap.dir, failed,
                 strerror(-rc));
    return rc;
}

/* Why a temporary directory could not be emptied, in words. */
static const char *rm_error(int err)
{
    return err == -EXDEV ? "a mount point of another file system, not entered" : strerror(-err);
}

/* Empties and removes DIR/<name>; on failure msg names what is left (what: whose it was). */
static int remove_private(int *fd, char *name, const char *what, char *msg, size_t msgsz)
{
    int rc = 0;
    char bad[512] = "";
    if (*fd >= 0) {
        rc = km_cap_empty_dir(*fd, bad, sizeof(bad));
        close_fd(fd);
        if (rc == 0 && unlinkat(km_cap.dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
            rc = -errno;
            snprintf(bad, sizeof(bad), ".");
        }
    }
    if (rc && msg && msgsz)
        snprintf(msg, msgsz, "--capture %s: %s: %s/%s is left behind (%s in it: %s)", km_cap.dir,
                 what, km_cap.dir, name, bad, rm_error(rc));
    name[0] = '\0';
    return rc;
}

int km_capture_close(char *msg, size_t msgsz)
{
    km_capture_end();
    close_fd(&km_cap.meta_fd);
    if (km_cap.rfd != km_cap.tfd)
        close_fd(&km_cap.rfd);
    km_cap.rfd = -1;
    char omsg[1024] = "";
    int rc = remove_private(&km_cap.tfd, km_cap.tname, "the unfinished tree could not be removed",
                            msg, msgsz);
    int orc =
        remove_private(&km_cap.ofd, km_cap.oname,
                       "the replaced capture could not be removed completely", omsg, sizeof(omsg));
    if (orc && !rc && msg && msgsz)
        snprintf(msg, msgsz, "%s", omsg);
    close_fd(&km_cap.dfd);
    if (km_cap.made_dir && !km_cap.placed)
        rmdir(km_cap.dir); /* made for a capture that placed nothing: gone again (when empty) */
    km_cap.made_dir = km_cap.placed = false;
    return rc ? rc : orc;
}
