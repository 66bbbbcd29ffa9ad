/*
 * root.c - show a captured tree through the same code path as /proc.
 *
 * See include/kmemtop/root.h for the contract. The namespace work lives
 * here and nowhere else: readers keep opening /proc and /sys unchanged.
 */
#include "kmemtop/root.h"
#include "kmemtop/source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "kmemtop/read.h"
#include "kmemtop/sampler.h"
#include "kmemtop/sat.h"
#include "kmemtop/util.h"

/* What the last km_root_switch() mounted, so the next one can undo it. */
static bool mounted_proc;

#if defined(__SANITIZE_ADDRESS__)
#define KM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KM_ASAN 1
#endif
#endif

/* ---- finding trees -------------------------------------------------------- */

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool has_sub_dir(const char *dir, const char *sub)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof(path), "%s/%s", dir, sub);
    return n > 0 && (size_t)n < sizeof(path) && is_dir(path);
}

static bool is_tree(const char *dir)
{
    return has_sub_dir(dir, "proc") || has_sub_dir(dir, "sys");
}

/* A page size some kernel uses (km_page_size_ok: a power of two from 4 KiB to 256 KiB). */
static bool parse_page_size(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || (*end && *end != '\n' && *end != '\r') || !km_page_size_ok(v))
        return false;
    *out = v;
    return true;
}

/*
 * The record's text, at most 4 KiB of it: not followed if it is a link, not
 * read if it is not a regular file (a FIFO would block), so a stranger's
 * tree cannot make it read anything else.
 */
static ssize_t read_record(const char *dir, char *buf, size_t bufsz)
{
    int d = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (d < 0)
        return -1;
    int fd = openat(d, KM_CAPTURE_META, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    close(d);
    if (fd < 0)
        return -1;
    struct stat st;
    ssize_t n = -1;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        n = read(fd, buf, bufsz - 1);
    close(fd);
    if (n >= 0)
        buf[n] = '\0';
    return n;
}

/* A record's free text, one line, control bytes replaced (the tree is anyone's). */
static void meta_text(char *dst, size_t dstsz, const char *src)
{
    size_t n = 0;
    for (; *src && *src != '\n' && *src != '\r' && n + 1 < dstsz; src++)
        dst[n++] = (unsigned char)*src < 0x20 || *src == 0x7f ? '?' : *src;
    dst[n] = '\0';
}

/* Reads DIR/kmemtop-capture; absent file or keys, or values no capture writes, leave 0 (unknown). */
static void read_meta(struct km_tree *t)
{
    char text[4096], why[128] = "", where[128] = "";
    if (read_record(t->dir, text, sizeof(text)) < 0)
        return;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        double wall;
        long ps;
        if (strncmp(line, "time=", 5) == 0 && km_parse_seconds(line + 5, &wall) && km_epoch_ok(wall))
            t->wall = wall;
        else if (strncmp(line, "page_size=", 10) == 0 && parse_page_size(line + 10, &ps))
            t->page_size = ps;
        else if (strncmp(line, "complete=", 9) == 0 && (line[9] == '0' || line[9] == '1'))
            t->complete = line[9] == '1' ? 1 : -1;
        else if (strncmp(line, "error=", 6) == 0)
            meta_text(why, sizeof(why), line + 6);
        else if (strncmp(line, "error_path=", 11) == 0)
            meta_text(where, sizeof(where), line + 11);
    }
    if (t->complete < 0)
        snprintf(t->error, sizeof(t->error), "%s%s%s%s", where[0] ? "could not write " : "", where,
                 where[0] && why[0] ? ": " : "", why[0] || where[0] ? why : "reason not recorded");
}

static int open_tree_dirs(const char *tdir, int *proc, int *sys, char *msg, size_t msgsz);

/*
 * The tree's boot id and uptime, read as a sample reads them (beneath the
 * tree, the read layer's limits, links out of it not followed), for the
 * series' order. Unknown stays unknown: a malformed boot id is left out here
 * and said by the sample of the tree.
 */
static void read_clock(struct km_tree *t)
{
    char msg[256];
    int proc, sys;
    t->uptime = -1;
    if (open_tree_dirs(t->dir, &proc, &sys, msg, sizeof(msg)) < 0)
        return;
    km_read_set_tree(proc, sys);
    char why[256];
    km_read_boot_id(t->boot_id, why, sizeof(why));
    t->uptime = km_read_uptime();
    km_read_set_tree(-1, -1);
}

static void add_tree(struct km_roots *r, size_t *cap, char *dir)
{
    xgrow((void **)&r->trees, cap, r->n + 1, sizeof(*r->trees));
    struct km_tree *t = &r->trees[r->n++];
    *t = (struct km_tree){.dir = dir};
    read_meta(t);
    read_clock(t);
}

static int by_version(const void *a, const void *b)
{
    return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the names of DIR's subdirectories (symlinks followed) that are trees. */
/*
 * A series entry that is a symbolic link is followed only when the link and
 * what it leads to have one owner (the kernel's protected_symlinks rule): a
 * stranger's series cannot point root at another user's private capture.
 */
static bool same_owner_link(const char *path)
{
    struct stat l, t;
    if (lstat(path, &l) < 0 || !S_ISLNK(l.st_mode))
        return true;
    return stat(path, &t) == 0 && t.st_uid == l.st_uid;
}

static int list_series(const char *dir, char ***names, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return -errno;
    size_t cap = 0;
    struct dirent *e;
    *names = NULL;
    *n = 0;
    while ((e = readdir(d)) != NULL) {
        char path[PATH_MAX];
        int len = snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (e->d_name[0] == '.' || len < 0 || (size_t)len >= sizeof(path))
            continue;
        if (!is_tree(path) || !same_owner_link(path))
            continue;
        xgrow((void **)names, &cap, *n + 1, sizeof(**names));
        (*names)[(*n)++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (*n > 1)
        qsort(*names, *n, sizeof(**names), by_version);
    return 0;
}

/*
 * A series' trees in the order they were captured when each records its time
 * (names may sort otherwise: 9 before 10, names from other hosts' clocks);
 * trees of the same time keep their name order. An insertion sort: a series
 * already in time order (the usual case) costs one pass. True when done.
 */
static bool order_by_time(struct km_tree *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(t[i].wall > 0))
            return false; /* not every tree says when */
    for (size_t i = 1; i < n; i++) {
        struct km_tree x = t[i];
        size_t j = i;
        for (; j > 0 && t[j - 1].wall > x.wall; j--)
            t[j] = t[j - 1];
        t[j] = x;
    }
    return true;
}

/* A tree of a series being ordered by boot: its boot's rank, its name's. */
struct boot_key {
    struct km_tree t;
    size_t name;   /* place in name order */
    size_t boot;   /* rank of its boot */
    double first;  /* its boot's earliest recorded time, 0 none */
    size_t bname;  /* its boot's earliest name */
};

static int by_boot_id(const void *a, const void *b)
{
    const struct boot_key *x = a, *y = b;
    int c = strcmp(x->t.boot_id, y->t.boot_id);
    return c ? c : x->name < y->name ? -1 : x->name > y->name;
}

static bool boots_timed; /* every boot has a recorded time: boots in time order */

static int by_boot_start(const void *a, const void *b)
{
    const struct boot_key *x = a, *y = b;
    if (boots_timed && x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return x->bname < y->bname ? -1 : x->bname > y->bname;
}

static int by_boot_uptime(const void *a, const void *b)
{
    const struct boot_key *x = a, *y = b;
    if (x->boot != y->boot)
        return x->boot < y->boot ? -1 : 1;
    if (x->t.uptime != y->t.uptime)
        return x->t.uptime < y->t.uptime ? -1 : 1;
    return x->name < y->name ? -1 : x->name > y->name;
}

/*
 * A series without every time recorded, whose trees all give their boot id
 * and uptime: the trees of one boot by uptime (their kernel's own clock),
 * the boots apart, in the order of their earliest recorded time when each
 * has one, else of their earliest name. Otherwise the name order stays.
 */
static void order_by_boot(struct km_tree *t, size_t n)
{
    if (n < 2)
        return;
    for (size_t i = 0; i < n; i++)
        if (!t[i].boot_id[0] || !(t[i].uptime >= 0))
            return;
    struct boot_key *k = xcalloc(n, sizeof(*k));
    for (size_t i = 0; i < n; i++)
        k[i] = (struct boot_key){.t = t[i], .name = i};
    qsort(k, n, sizeof(*k), by_boot_id);
    boots_timed = true;
    for (size_t i = 0, j; i < n; i = j) { /* one group per boot: its start */
        double first = 0;
        for (j = i; j < n && strcmp(k[j].t.boot_id, k[i].t.boot_id) == 0; j++)
            if (k[j].t.wall > 0 && (!(first > 0) || k[j].t.wall < first))
                first = k[j].t.wall;
        boots_timed = boots_timed && first > 0;
        for (size_t m = i; m < j; m++) {
            k[m].first = first;
            k[m].bname = k[i].name; /* sorted by name within the boot */
        }
    }
    qsort(k, n, sizeof(*k), by_boot_start); /* boots in order; a boot's trees stay together */
    size_t rank = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(k[i].t.boot_id, k[i - 1].t.boot_id) != 0)
            rank++;
        k[i].boot = rank;
    }
    qsort(k, n, sizeof(*k), by_boot_uptime);
    for (size_t i = 0; i < n; i++)
        t[i] = k[i].t;
    free(k);
}

static int expand_one(const char *arg, struct km_roots *r, size_t *cap, char *msg, size_t msgsz)
{
    if (!is_dir(arg)) {
        int err = errno ? errno : ENOTDIR;
        snprintf(msg, msgsz, "--root %s: %s", arg, strerror(err));
        return -err;
    }
    if (is_tree(arg)) {
        add_tree(r, cap, xstrdup(arg));
        return 0;
    }
    char **names;
    size_t n, first = r->n;
    int err = list_series(arg, &names, &n);
    if (err < 0) {
        snprintf(msg, msgsz, "--root %s: %s", arg, strerror(-err));
        return err;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(arg) + strlen(names[i]) + 2;
        char *dir = xmalloc(len);
        snprintf(dir, len, "%s/%s", arg, names[i]);
        add_tree(r, cap, dir);
        free(names[i]);
    }
    free(names);
    if (!order_by_time(r->trees + first, r->n - first))
        order_by_boot(r->trees + first, r->n - first);
    if (n == 0) {
        snprintf(msg, msgsz,
                 "--root %s: no proc/ or sys/ here, and no subdirectories holding captured trees",
                 arg);
        return -ENOENT;
    }
    return 0;
}

int km_roots_expand(char *const *args, size_t nargs, struct km_roots *out, char *msg, size_t msgsz)
{
    size_t cap = 0;
    *out = (struct km_roots){0};
    if (msgsz)
        msg[0] = '\0';
    for (size_t i = 0; i < nargs; i++) {
        errno = 0;
        /* "tree/" and "tree//" name "tree": shown as given, without the slashes */
        char *arg = xstrdup(args[i]);
        size_t len = strlen(arg);
        while (len > 1 && arg[len - 1] == '/')
            arg[--len] = '\0';
        int err = expand_one(arg, out, &cap, msg, msgsz);
        free(arg);
        if (err < 0) {
            km_roots_free(out);
            return err;
        }
    }
    return 0;
}

void km_roots_free(struct km_roots *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->trees[i].dir);
    free(r->trees);
    *r = (struct km_roots){0};
}

/* ---- entering a private mount namespace ---------------------------------- */

static int write_proc_self(const char *name, const char *text)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/%s", name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    size_t len = strlen(text);
    ssize_t w = write(fd, text, len);
    int err = w < 0 ? -errno : (size_t)w == len ? 0 : -EIO;
    close(fd);
    return err;
}

static const char how_to_allow[] =
    "run kmemtop as root, or allow unprivileged user namespaces "
    "(`sysctl kernel.unprivileged_userns_clone=1` on Debian-patched kernels, "
    "`sysctl user.max_user_namespaces=15000` where it is 0, "
    "`sysctl kernel.apparmor_restrict_unprivileged_userns=0` on Ubuntu; "
    "in a container, give it CAP_SYS_ADMIN or a seccomp profile that allows unshare)";

/*
 * Whether this process runs in a chroot: no mount is at its "/" (mountinfo lists only
 * the mounts reachable from the process's root, the chroot directory is a plain
 * directory of one). There no namespace can help: the kernel refuses a user namespace
 * to a chrooted process, and root's unshare(CLONE_NEWNS) works but "/" cannot be made
 * private (EINVAL). False when it cannot tell (no /proc). Only used to explain a failure.
 */
static bool in_chroot(void)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return false;
    char *line = NULL;
    size_t cap = 0;
    bool any = false, root = false;
    while (!root && getline(&line, &cap, f) > 0) {
        /* ID PARENT MAJ:MIN ROOT MOUNT-POINT ... */
        const char *p = line;
        for (int i = 0; i < 4 && p; i++)
            if ((p = strchr(p, ' ')))
                p++;
        any = true;
        root = p && p[0] == '/' && p[1] == ' ';
    }
    free(line);
    fclose(f);
    return any && !root;
}

static const char in_a_chroot[] =
    "kmemtop runs in a chroot (no mount is at its /), where no private mount namespace "
    "can be made, as root or not";

/* A user namespace where this process keeps its own uid and gid. */
static int enter_userns(char *msg, size_t msgsz)
{
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
        int err = errno;
        if (err == EPERM && in_chroot())
            snprintf(msg, msgsz, "--root: cannot create a user namespace (%s): %s", strerror(err),
                     in_a_chroot);
        else if (err == EINVAL)
            snprintf(msg, msgsz,
                     "--root: cannot create a user namespace in a "
                     "multithreaded process (call km_root_enter before threads start)");
        else if (err == ENOSPC)
            snprintf(msg, msgsz,
                     "--root needs a private mount namespace: as a normal user that "
                     "takes a user namespace, and the limit user.max_user_namespaces is 0 or "
                     "reached: %s",
                     how_to_allow);
        else
            snprintf(msg, msgsz,
                     "--root needs a private mount namespace, and this system does "
                     "not let a normal user create one (%s): %s",
                     strerror(err), how_to_allow);
        return -err;
    }
    char map[64];
    int err = write_proc_self("setgroups", "deny");
    if (err == -ENOENT) /* before Linux 3.19 there is no setgroups file */
        err = 0;
    if (err == 0) {
        snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
        err = write_proc_self("uid_map", map);
    }
    if (err == 0) {
        snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
        err = write_proc_self("gid_map", map);
    }
    if (err < 0)
        snprintf(msg, msgsz, "--root: cannot set up the user namespace's id maps (%s): %s",
                 strerror(-err), how_to_allow);
    return err;
}

/* No private mount namespace: meminfo and slabinfo by our own parsers, and why. */
static bool own_parsers;
static char own_reason[512];

bool km_root_own_parsers(void)
{
    return own_parsers && km_read_in_tree();
}

const char *km_root_own_reason(void)
{
    return own_parsers ? own_reason : "";
}

static int enter_namespace(char *msg, size_t msgsz)
{
    if (unshare(CLONE_NEWNS) < 0) {
        if (errno != EPERM) {
            int err = errno;
            snprintf(msg, msgsz, "--root: cannot create a mount namespace: %s", strerror(err));
            return -err;
        }
        int err = enter_userns(msg, msgsz);
        if (err < 0)
            return err;
    }
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
        int err = errno;
        if (err == EINVAL) /* "/" is not a mount point */
            snprintf(msg, msgsz, "--root: cannot make mounts private (%s): %s", strerror(err),
                     in_chroot() ? in_a_chroot : "/ is not a mount point");
        else
            snprintf(msg, msgsz, "--root: cannot make mounts private (%s): %s", strerror(err),
                     how_to_allow);
        return -err;
    }
    mounted_proc = false;
    return 0;
}

int km_root_enter(bool use_namespace, char *msg, size_t msgsz)
{
    if (msgsz)
        msg[0] = '\0';
    own_parsers = !use_namespace;
    snprintf(own_reason, sizeof(own_reason), "%s", "--no-namespace");
    if (use_namespace && enter_namespace(own_reason, sizeof(own_reason)) < 0)
        own_parsers = true; /* a chroot, a container, user namespaces denied: trees still open */
    return 0;
}

/* ---- showing one tree ------------------------------------------------------ */

/*
 * A private /proc that holds only what libproc2 reads by path: a small
 * tmpfs (no devices, no set-uid, no exec), filled by stage() and then made
 * read-only.
 */
static int cover_proc(char *msg, size_t msgsz)
{
    if (mount("kmemtop-tree", "/proc", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "mode=0755,size=64m") < 0) {
        int err = errno;
        snprintf(msg, msgsz, "--root: cannot mount a private /proc: %s%s%s", strerror(err),
                 err == EPERM ? "; " : "", err == EPERM ? how_to_allow : "");
        return -err;
    }
    mounted_proc = true;
    return 0;
}

static int uncover(const char *target, bool *mounted, char *msg, size_t msgsz)
{
    if (!*mounted)
        return 0;
    if (umount2(target, MNT_DETACH) < 0) {
        int err = errno;
        snprintf(msg, msgsz, "--root: cannot unmount the previous tree from %s: %s", target,
                 strerror(err));
        return -err;
    }
    *mounted = false;
    return 0;
}

/* Writes a new file of the private /proc (a tmpfs of our own: nothing else is in it). */
static int write_new(const char *path, const struct km_buf *b)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
    if (fd < 0)
        return -errno;
    size_t off = 0;
    int err = 0;
    while (off < b->len && !err) {
        ssize_t w = write(fd, b->data + off, b->len - off);
        if (w > 0)
            off += (size_t)w;
        else if (w < 0 && errno != EINTR)
            err = -errno;
    }
    if (close(fd) < 0 && !err)
        err = -errno;
    return err;
}

/*
 * Copies the tree's file through the safe reader into the private /proc;
 * what went wrong is kept for the source to report (libproc2 would only see
 * a missing file).
 */
static void stage(const char *path)
{
    struct km_buf b = {0};
    int rc = km_read_file_quiet(path, &b);
    if (rc == 0)
        rc = write_new(path, &b);
    km_read_set_staged_error(path, rc);
    km_buf_free(&b);
}

/*
 * TREE/sub as a directory descriptor, -1 when the tree has none. A sub that
 * is a symbolic link is refused: it would lead out of the tree.
 */
#define KM_PROC_MAGIC 0x9fa0      /* procfs */
#define KM_SYSFS_MAGIC 0x62656572 /* sysfs */

/*
 * A tree's proc/ or sys/ that is the live kernel's (procfs, sysfs: a tree
 * that is a link to /), or the private /proc this process mounted for the
 * previous tree of a series: never shown as a capture.
 */
static bool live_dir(int fd, const char *sub)
{
    struct statfs sf;
    struct stat a, b;
    if (fstatfs(fd, &sf) == 0 && (sf.f_type == KM_PROC_MAGIC || sf.f_type == KM_SYSFS_MAGIC))
        return true;
    return fstat(fd, &a) == 0 && stat(strcmp(sub, "proc") == 0 ? "/proc" : "/sys", &b) == 0 &&
           a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int open_sub(int dir, const char *sub, const char *tree, char *msg, size_t msgsz)
{
    struct stat st;
    if (fstatat(dir, sub, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? -1 : -errno;
    if (!S_ISDIR(st.st_mode)) {
        snprintf(msg, msgsz, "--root %s: %s/ is %s, not a directory; not followed", tree, sub,
                 S_ISLNK(st.st_mode) ? "a symbolic link" : "a file");
        return KM_ELEAVES;
    }
    int fd = openat(dir, sub, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (live_dir(fd, sub)) {
        close(fd);
        snprintf(msg, msgsz,
                 "--root %s: %s/ is a running kernel's /%s (or kmemtop's own), not a captured "
                 "tree; run kmemtop without --root to see this system",
                 tree, sub, sub);
        return KM_ELEAVES;
    }
    return fd;
}

#ifdef KM_ASAN
/*
 * LeakSanitizer's exit check reads /proc/self/maps and /proc/<pid>/task,
 * which a tree hides. Its handler was registered before main, so this one
 * runs first and gives the host's /proc back to this namespace.
 */
static void uncover_at_exit(void)
{
    if (mounted_proc)
        (void)umount2("/proc", MNT_DETACH);
}

static void arrange_uncover_at_exit(void)
{
    static bool done;
    if (!done)
        done = atexit(uncover_at_exit) == 0;
}
#else
static void arrange_uncover_at_exit(void) {}
#endif

/* The tree's proc/ and sys/ as descriptors (-1 for one it lacks). */
static int open_tree_dirs(const char *tdir, int *proc, int *sys, char *msg, size_t msgsz)
{
    *proc = *sys = -1;
    int dir = open(tdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        int err = errno;
        snprintf(msg, msgsz, "--root %s: %s", tdir, strerror(err));
        return -err;
    }
    *proc = open_sub(dir, "proc", tdir, msg, msgsz);
    *sys = *proc < -1 ? -1 : open_sub(dir, "sys", tdir, msg, msgsz);
    close(dir);
    int err = *proc < -1 ? *proc : *sys < -1 ? *sys : 0;
    if (err < 0) {
        if (*proc >= 0)
            close(*proc);
        if (!msg[0])
            snprintf(msg, msgsz, "--root %s: %s", tdir, km_read_strerror(err));
    }
    return err;
}

/* The reader pointed at t: its directory's proc/ and sys/, or its in-memory tree. */
static void point(const struct km_tree *t, int proc, int sys)
{
    if (t->mem)
        km_read_set_mem(t->mem);
    else
        km_read_set_tree(proc, sys);
}

int km_root_switch(const struct km_tree *t, char *msg, size_t msgsz)
{
    int proc = -1, sys = -1;
    if (msgsz)
        msg[0] = '\0';
    int err = t->mem ? 0 : open_tree_dirs(t->dir, &proc, &sys, msg, msgsz);
    if (err < 0)
        return err;
    km_read_set_tree(-1, -1);
    if (own_parsers) {
        point(t, proc, sys); /* no mount at all: libproc2 is not used */
        return 0;
    }
    if ((err = uncover("/proc", &mounted_proc, msg, msgsz)) < 0 ||
        (arrange_uncover_at_exit(), err = cover_proc(msg, msgsz)) < 0) {
        if (proc >= 0)
            close(proc);
        if (sys >= 0)
            close(sys);
        return err;
    }
    point(t, proc, sys);
    for (const struct km_srcdesc *d = km_sources; d->name; d++)
        if (d->flags & KM_SRCF_LIBPROC2) /* the files libproc2 opens by name */
            stage(d->path);
    /* Read-only is a safety net only: nothing writes there. */
    (void)mount(NULL, "/proc", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                NULL);
    return 0;
}
