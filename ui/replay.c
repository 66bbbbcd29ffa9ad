/* replay.c - a recording replayed as a series of trees. See replay.h. */
#include "replay.h"

#include "kmemtop/record.h"
#include "kmemtop/sat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

static struct km_rec_reader *rec;
static char tmp_dir[4096];          /* the private directory; "" when none */
static volatile sig_atomic_t have_tmp; /* tmp_dir is set and not removed yet */
static size_t made_last = SIZE_MAX, made_before = SIZE_MAX; /* the trees made last, SIZE_MAX: none */

/* The tree directory of tick i, relative to tmp_dir. */
static void tree_name(char *buf, size_t n, size_t i)
{
    snprintf(buf, n, "%06zu", i + 1);
}

/*
 * Removes name in dfd, however deep, never following a link: only system
 * calls (getdents64, unlinkat, openat) and stack buffers, so that a signal
 * handler may call it.
 */
static void rm_at(int dfd, const char *name, int depth)
{
    if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
        return;
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return;
    for (bool again = true; again && depth < 64;) {
        again = false;
        char buf[4096] __attribute__((aligned(8)));
        lseek(fd, 0, SEEK_SET);
        for (;;) {
            long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
            if (n <= 0)
                break;
            for (long off = 0; off < n;) {
                struct {
                    uint64_t ino;
                    int64_t off;
                    unsigned short reclen;
                    unsigned char type;
                    char name[];
                } *d = (void *)(buf + off);
                off += d->reclen;
                if (d->name[0] == '.' && (!d->name[1] || (d->name[1] == '.' && !d->name[2])))
                    continue;
                rm_at(fd, d->name, depth + 1);
                again = true;
            }
        }
    }
    close(fd);
    unlinkat(dfd, name, AT_REMOVEDIR);
}

void km_replay_cleanup(void)
{
    if (!have_tmp)
        return;
    have_tmp = 0;
    rm_at(AT_FDCWD, tmp_dir, 0);
}

void km_replay_close(void)
{
    km_replay_cleanup();
    km_rec_close_read(rec);
    rec = NULL;
}

static void on_signal(int sig)
{
    km_replay_cleanup();
    signal(sig, SIG_DFL);
    raise(sig); /* delivered as the handler returns: ends as the signal would have */
}

static void catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction old, sa = {.sa_handler = on_signal};
        sigemptyset(&sa.sa_mask);
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

/*
 * Where the trees go: $TMPDIR, else /dev/shm when it is a tmpfs (a tick
 * writes a whole tree, thousands of files: several times faster in memory
 * than on a disk), else /tmp.
 */
static const char *temp_base(void)
{
    const char *t = getenv("TMPDIR");
    if (t && *t)
        return t;
    struct statfs fs;
    struct stat st;
    if (lstat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) &&
        statfs("/dev/shm", &fs) == 0 && fs.f_type == TMPFS_MAGIC && access("/dev/shm", W_OK) == 0)
        return "/dev/shm";
    return "/tmp";
}

/* The prepare hook: tick i's tree, made before the sampler switches to it. */
static int prepare(void *arg, size_t i, char *msg, size_t msgsz)
{
    struct km_app *a = arg;
    int dfd = open(tmp_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) {
        snprintf(msg, msgsz, "%s: %s", tmp_dir, strerror(errno));
        return -1;
    }
    char name[32];
    /* the tree made before the one shown until now is done with (a seek: wherever it was) */
    if (made_before != SIZE_MAX && made_before != made_last && made_before != i) {
        tree_name(name, sizeof(name), made_before);
        rm_at(dfd, name, 0);
    }
    made_before = made_last;
    made_last = i;
    tree_name(name, sizeof(name), i);
    rm_at(dfd, name, 0); /* shown once already (one tree shown again) */
    int rc = mkdirat(dfd, name, 0700) < 0 ? -errno : 0;
    int tfd = rc ? -1 : openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (rc == 0 && tfd < 0)
        rc = -errno;
    if (rc)
        snprintf(msg, msgsz, "%s/%s: %s", tmp_dir, name, strerror(-rc));
    else
        rc = km_rec_materialise(rec, i, tfd, msg, msgsz);
    if (rc == 0) /* the record's complete=, as --root reads it from the tree */
        a->roots.trees[i].complete = km_rec_complete(rec, i);
    if (tfd >= 0)
        close(tfd);
    close(dfd);
    return rc ? -1 : 0;
}

int km_replay_open(struct km_app *a, char *msg, size_t msgsz)
{
    uint64_t torn = 0;
    int rc = km_rec_open_read(a->o.replay, &rec, &torn, msg, msgsz);
    if (rc)
        return rc;
    size_t n = km_rec_ticks(rec);
    if (torn)
        fprintf(stderr,
                "kmemtop: %s: %llu bytes after tick %zu are not a whole record (a torn tail): "
                "ignored\n",
                a->o.replay, (unsigned long long)torn, n);
    if (n == 0) {
        snprintf(msg, msgsz, "%s: the recording holds no tick", a->o.replay);
        return -ENOENT;
    }
    snprintf(tmp_dir, sizeof(tmp_dir), "%s/kmemtop-replay.XXXXXX", temp_base());
    catch_signals();
    if (!mkdtemp(tmp_dir)) {
        snprintf(msg, msgsz, "cannot make a temporary directory %s: %s", tmp_dir, strerror(errno));
        return -errno;
    }
    have_tmp = 1;
    atexit(km_replay_cleanup);
    a->roots.trees = xcalloc(n, sizeof(*a->roots.trees));
    a->roots.n = n;
    for (size_t i = 0; i < n; i++) {
        char name[32], dir[4200];
        tree_name(name, sizeof(name), i);
        snprintf(dir, sizeof(dir), "%s/%s", tmp_dir, name);
        struct km_tree *tr = &a->roots.trees[i];
        tr->dir = xstrdup(dir);
        /* values no kernel or clock gives are unknown, as in a tree's record */
        tr->wall = km_epoch_ok(km_rec_wall(rec, i)) ? km_rec_wall(rec, i) : 0;
        tr->page_size = km_page_size_ok(km_rec_page_size(rec, i)) ? km_rec_page_size(rec, i) : 0;
    }
    a->prepare = prepare;
    a->prepare_arg = a;
    return 0;
}
