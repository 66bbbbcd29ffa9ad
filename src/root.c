/*
 * root.c - show a captured tree through the same code path as /proc.
 *
 * See include/kmemtop/root.h for the contract. The namespace work lives
 * here and nowhere else: readers keep opening /proc and /sys unchanged.
 */
#include "kmemtop/root.h"

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
#include <unistd.h>

#include "kmemtop/util.h"

/* What the last km_root_switch() mounted, so the next one can undo it. */
static bool mounted_proc, mounted_sys;

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

/*
 * Parses "123" or "123.456" without strtod, so the record reads the same
 * under any LC_NUMERIC the front end has set. Returns false on junk.
 */
static bool parse_epoch(const char *s, double *out)
{
    double v = 0, scale = 1;
    bool digits = false, frac = false;
    for (; *s && *s != '\n' && *s != '\r'; s++) {
        if (*s >= '0' && *s <= '9') {
            digits = true;
            if (frac)
                v += (*s - '0') * (scale /= 10);
            else
                v = v * 10 + (*s - '0');
        } else if (*s == '.' && !frac) {
            frac = true;
        } else {
            return false;
        }
    }
    *out = v;
    return digits;
}

static bool parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || v <= 0 || (*end && *end != '\n' && *end != '\r'))
        return false;
    *out = v;
    return true;
}

/* A record's free text, one line, control bytes replaced (the tree is anyone's). */
static void meta_text(char *dst, size_t dstsz, const char *src)
{
    size_t n = 0;
    for (; *src && *src != '\n' && *src != '\r' && n + 1 < dstsz; src++)
        dst[n++] = (unsigned char)*src < 0x20 || *src == 0x7f ? '?' : *src;
    dst[n] = '\0';
}

/* Reads DIR/kmemtop-capture; absent file or keys leave 0 (unknown). */
static void read_meta(struct km_tree *t)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof(path), "%s/%s", t->dir, KM_CAPTURE_META);
    if (n < 0 || (size_t)n >= sizeof(path))
        return;
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    char line[256], why[128] = "", where[128] = "";
    while (fgets(line, sizeof(line), f)) {
        double wall;
        long ps;
        if (strncmp(line, "time=", 5) == 0 && parse_epoch(line + 5, &wall))
            t->wall = wall;
        else if (strncmp(line, "page_size=", 10) == 0 && parse_long(line + 10, &ps))
            t->page_size = ps;
        else if (strncmp(line, "complete=", 9) == 0 && (line[9] == '0' || line[9] == '1'))
            t->complete = line[9] == '1' ? 1 : -1;
        else if (strncmp(line, "error=", 6) == 0)
            meta_text(why, sizeof(why), line + 6);
        else if (strncmp(line, "error_path=", 11) == 0)
            meta_text(where, sizeof(where), line + 11);
    }
    fclose(f);
    if (t->complete < 0)
        snprintf(t->error, sizeof(t->error), "%s%s%s%s", where[0] ? "could not write " : "", where,
                 where[0] && why[0] ? ": " : "", why[0] || where[0] ? why : "reason not recorded");
}

static void add_tree(struct km_roots *r, size_t *cap, char *dir)
{
    xgrow((void **)&r->trees, cap, r->n + 1, sizeof(*r->trees));
    struct km_tree *t = &r->trees[r->n++];
    *t = (struct km_tree){.dir = dir};
    read_meta(t);
}

static int by_version(const void *a, const void *b)
{
    return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the names of DIR's subdirectories (symlinks followed) that are trees. */
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
        if (!is_tree(path))
            continue;
        xgrow((void **)names, &cap, *n + 1, sizeof(**names));
        (*names)[(*n)++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (*n > 1)
        qsort(*names, *n, sizeof(**names), by_version);
    return 0;
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
    size_t n;
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
        int err = expand_one(args[i], out, &cap, msg, msgsz);
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

/* A user namespace where this process keeps its own uid and gid. */
static int enter_userns(char *msg, size_t msgsz)
{
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
        int err = errno;
        if (err == EINVAL)
            snprintf(msg, msgsz, "--root: cannot create a user namespace in a "
                                 "multithreaded process (call km_root_enter before threads start)");
        else if (err == ENOSPC)
            snprintf(msg, msgsz, "--root needs a private mount namespace: as a normal user that "
                     "takes a user namespace, and the limit user.max_user_namespaces is 0 or "
                     "reached: %s", how_to_allow);
        else
            snprintf(msg, msgsz, "--root needs a private mount namespace, and this system does "
                     "not let a normal user create one (%s): %s", strerror(err), how_to_allow);
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

int km_root_enter(char *msg, size_t msgsz)
{
    if (msgsz)
        msg[0] = '\0';
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
        snprintf(msg, msgsz, "--root: cannot make mounts private (%s): %s", strerror(err),
                 how_to_allow);
        return -err;
    }
    mounted_proc = mounted_sys = false;
    return 0;
}

/* ---- showing one tree ------------------------------------------------------ */

/* Puts TREE/sub over /sub, or an empty read-only tmpfs when TREE lacks it. */
static int cover(const char *src, const char *target, bool *mounted, char *msg, size_t msgsz)
{
    int rc;
    if (src)
        rc = mount(src, target, NULL, MS_BIND | MS_REC, NULL);
    else
        rc = mount("kmemtop-empty", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                   "mode=0555,size=4k");
    if (rc < 0) {
        int err = errno;
        snprintf(msg, msgsz, "--root: cannot mount %s over %s: %s%s%s", src ? src : "an empty tmpfs",
                 target, strerror(err), err == EPERM ? "; " : "", err == EPERM ? how_to_allow : "");
        return -err;
    }
    *mounted = true;
    /* Read-only is a safety net only: nothing writes there. */
    if (src)
        (void)mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL);
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

/* Resolves TREE/sub to an absolute path in out, or "" when TREE has no such directory. */
static int sub_path(const char *abs, const char *sub, char *out, size_t outsz)
{
    int n = snprintf(out, outsz, "%s/%s", abs, sub);
    if (n < 0 || (size_t)n >= outsz)
        return -ENAMETOOLONG;
    if (!is_dir(out))
        out[0] = '\0';
    return 0;
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

int km_root_switch(const struct km_tree *t, char *msg, size_t msgsz)
{
    char abs[PATH_MAX], proc[PATH_MAX], sys[PATH_MAX];
    if (msgsz)
        msg[0] = '\0';
    /* Resolve first: once /proc is covered, nothing that needs /proc/self works. */
    if (!realpath(t->dir, abs)) {
        int err = errno;
        snprintf(msg, msgsz, "--root %s: %s", t->dir, strerror(err));
        return -err;
    }
    int err = sub_path(abs, "proc", proc, sizeof(proc));
    if (err == 0)
        err = sub_path(abs, "sys", sys, sizeof(sys));
    if (err < 0) {
        snprintf(msg, msgsz, "--root %s: %s", t->dir, strerror(-err));
        return err;
    }
    if ((err = uncover("/proc", &mounted_proc, msg, msgsz)) < 0 ||
        (err = uncover("/sys", &mounted_sys, msg, msgsz)) < 0)
        return err;
    arrange_uncover_at_exit();
    if ((err = cover(proc[0] ? proc : NULL, "/proc", &mounted_proc, msg, msgsz)) < 0)
        return err;
    return cover(sys[0] ? sys : NULL, "/sys", &mounted_sys, msg, msgsz);
}
