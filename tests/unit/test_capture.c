/*
 * test_capture.c - the capture tee on its own: files keep their read/write
 * bits (never set-id or execute), a slab alias link is written as a link and
 * a file read through it lands in its target inside the tree, links whose
 * target is absolute or has ".." are not recreated and never written through,
 * and the record says complete=1, or complete=0 with the first error, which
 * km_roots_expand reads back. With force, a previous capture holding a
 * directory far deeper than any walk limit is removed whole, and the links at
 * its bottom are not followed. An interrupted capture places nothing and
 * leaves DIR as it was.
 */
#include "kmemtop/capture.h"
#include "kmemtop/read.h"
#include "kmemtop/root.h"
#include "../tap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[256];

static int mode_of(const char *rel)
{
    char p[512];
    struct stat st;
    snprintf(p, sizeof(p), "%s/%s", base, rel);
    return lstat(p, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static bool is_link_to(const char *rel, const char *want)
{
    char p[512], t[256];
    snprintf(p, sizeof(p), "%s/%s", base, rel);
    ssize_t n = readlink(p, t, sizeof(t) - 1);
    if (n < 0)
        return false;
    t[n] = '\0';
    return strcmp(t, want) == 0;
}

static bool exists(const char *rel)
{
    char p[512];
    struct stat st;
    snprintf(p, sizeof(p), "%s/%s", base, rel);
    return lstat(p, &st) == 0;
}

/* Entries of base other than the tree's own: a leftover temporary directory. */
static int leftovers(void)
{
    DIR *d = opendir(base);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += strncmp(e->d_name, ".kmemtop-", 9) == 0;
    if (d)
        closedir(d);
    return n;
}

static void read_back(const char *dir, struct km_tree *out)
{
    char *args[] = {(char *)dir};
    struct km_roots r = {0};
    char msg[256];
    memset(out, 0, sizeof(*out));
    if (km_roots_expand(args, 1, &r, msg, sizeof(msg)) == 0 && r.n == 1) {
        out->complete = r.trees[0].complete;
        snprintf(out->error, sizeof(out->error), "%s", r.trees[0].error);
    }
    km_roots_free(&r);
}

static void test_tree(void)
{
    char dir[300], msg[512];
    snprintf(dir, sizeof(dir), "%s/one", base);
    struct km_capture_opts o = {.dir_mode = 0700};
    is_int(km_capture_open(dir, &o, msg, sizeof(msg)), 0, "open a new DIR");
    is_int(km_capture_begin("", msg, sizeof(msg)), 0, "begin the tree");
    km_capture_put("/proc/vmallocinfo", "x\n", 2, 0100400);
    km_capture_put("/proc/meminfo", "MemTotal: 1 kB\n", 15, 0444);
    km_capture_put("/proc/evil", "#!/bin/sh\n", 10, 04755);
    km_capture_symlink("/sys/kernel/slab/alias", ":0000312");
    km_capture_put("/sys/kernel/slab/alias/object_size", "312\n", 4, 0444);
    km_capture_symlink("/sys/kernel/slab/abs", "/etc");
    km_capture_symlink("/sys/kernel/slab/up", "../../../../outside");
    km_capture_put("/sys/kernel/slab/alias/object_size", "313\n", 4, 0444); /* read twice */
    km_capture_end();
    char path[512];
    is_int(km_capture_error(path, sizeof(path)), 0, "no write error");
    is_int(km_capture_links_skipped(), 2, "two links leaving the tree skipped");
    is_int(km_capture_finish(1.5, 4096, "6.1.0", msg, sizeof(msg)), 0, "finish places the tree");
    is_int(km_capture_close(msg, sizeof(msg)), 0, "close removes the temporary directories");
    snprintf(base, sizeof(base), "%s", dir);
    is_int(mode_of("proc/vmallocinfo"), 0400, "a root-only file stays 0400");
    is_int(mode_of("proc/meminfo"), 0444, "a world-readable file stays 0444");
    is_int(mode_of("proc/evil"), 0644, "set-id and execute bits are dropped");
    is_int(mode_of("proc"), 0700, "directories are 0700");
    ok(is_link_to("sys/kernel/slab/alias", ":0000312"), "the alias is a link, as on the kernel");
    is_int(mode_of("sys/kernel/slab/:0000312/object_size"), 0444,
           "a file read through the alias lands in its target, inside the tree");
    ok(!exists("sys/kernel/slab/abs") && !exists("sys/kernel/slab/up"),
       "absolute and .. links are not recreated");
    ok(leftovers() == 0 && exists("kmemtop-capture"),
       "the record is in place, no temporary directory left");
    struct km_tree t;
    read_back(dir, &t);
    is_int(t.complete, 1, "the record says complete");
    *strrchr(base, '/') = '\0';
}

static void test_incomplete(void)
{
    char dir[300], msg[512], path[512];
    snprintf(dir, sizeof(dir), "%s/inc", base);
    is_int(km_capture_open(dir, NULL, msg, sizeof(msg)), 0, "open a second DIR");
    is_int(km_capture_begin("0001", msg, sizeof(msg)), 0, "begin a series' first tree");
    km_capture_put("/proc/meminfo", "MemTotal: 1 kB\n", 15, 0444);
    km_capture_fail(-ENOSPC, "proc/zoneinfo");
    km_capture_fail(-EIO, "proc/buddyinfo"); /* only the first is kept */
    km_capture_end();
    is_int(km_capture_error(path, sizeof(path)), -ENOSPC, "the first error is kept");
    char want[600];
    snprintf(want, sizeof(want), "%s/0001/proc/zoneinfo", dir);
    is_str(path, want, "with the path where the file would have been");
    is_int(km_capture_finish(2.5, 4096, "6.1.0", msg, sizeof(msg)), 0,
           "an incomplete tree is placed");
    is_int(km_capture_close(msg, sizeof(msg)), 0, "close removes the temporary directories");
    char tree[400];
    snprintf(tree, sizeof(tree), "%s/0001", dir);
    struct km_tree t;
    read_back(tree, &t);
    is_int(t.complete, -1, "the record says incomplete");
    is_str(t.error, "could not write proc/zoneinfo: No space left on device",
           "and what could not be written, and why");
    is_int(km_capture_open(dir, NULL, msg, sizeof(msg)), -EEXIST, "the DIR is now not empty");
    ok(strstr(msg, "exists and is not empty; use --force") != NULL, "and says so");
    struct km_capture_opts f = {.force = true};
    is_int(km_capture_open(dir, &f, msg, sizeof(msg)), 0, "with force it is a previous capture");
    is_int(km_capture_close(msg, sizeof(msg)), 0, "close removes the temporary directories");
}

/* One tree in DIR, with one file; 0 when it was captured and placed. */
static int capture_into(const char *dir, bool force)
{
    char msg[512];
    struct km_capture_opts o = {.force = force};
    int rc = km_capture_open(dir, &o, msg, sizeof(msg));
    if (rc == 0)
        rc = km_capture_begin("", msg, sizeof(msg));
    if (rc == 0) {
        km_capture_put("/proc/meminfo", "MemTotal: 1 kB\n", 15, 0444);
        km_capture_end();
        rc = km_capture_finish(3.5, 4096, "6.1.0", msg, sizeof(msg));
    }
    int crc = km_capture_close(msg, sizeof(msg));
    if (rc || crc)
        printf("# %s\n", msg);
    return rc ? rc : crc;
}

/* rel/d/d/.../d, depth levels below rel, with a file and links out of the tree at the bottom. */
static bool make_deep(const char *rel, int depth, const char *outside)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", base, rel);
    int fd = open(p, O_RDONLY | O_DIRECTORY);
    for (int i = 0; fd >= 0 && i < depth; i++) {
        int nfd = mkdirat(fd, "d", 0700) == 0 ? openat(fd, "d", O_RDONLY | O_DIRECTORY) : -1;
        close(fd);
        fd = nfd;
    }
    if (fd < 0)
        return false;
    int f = openat(fd, "leaf", O_WRONLY | O_CREAT | O_EXCL, 0600);
    bool yes = f >= 0 && symlinkat(outside, fd, "out") == 0;
    if (f >= 0)
        close(f);
    close(fd);
    return yes;
}

/* force over an old capture deeper than any walk limit: removed whole, links not followed */
static void test_deep_force(void)
{
    char dir[300], victim[300], vfile[400];
    snprintf(dir, sizeof(dir), "%s/deep", base);
    snprintf(victim, sizeof(victim), "%s/victim", base);
    snprintf(vfile, sizeof(vfile), "%s/file", victim);
    ok(mkdir(victim, 0700) == 0 && close(open(vfile, O_WRONLY | O_CREAT, 0600)) == 0,
       "a victim directory outside DIR");
    is_int(capture_into(dir, false), 0, "a first capture");
    snprintf(base, sizeof(base), "%s", dir);
    ok(make_deep("proc", 1000, victim), "a directory 1000 deep in its proc/");
    is_int(capture_into(dir, true), 0, "force over it: captured");
    is_int(leftovers(), 0, "and nothing of the old capture is left aside");
    ok(exists("kmemtop-capture") && exists("proc/meminfo") && !exists("proc/d"),
       "only the new tree is in DIR");
    *strrchr(base, '/') = '\0';
    struct stat st;
    ok(stat(vfile, &st) == 0, "the link at the bottom was not followed");
}

/* a capture interrupted mid-tree: nothing placed, the private directory and a DIR it made gone */
static void test_interrupt(void)
{
    char dir[300], msg[512];
    snprintf(dir, sizeof(dir), "%s/int", base);
    is_int(km_capture_open(dir, NULL, msg, sizeof(msg)), 0, "open a DIR that does not exist");
    is_int(km_capture_begin("", msg, sizeof(msg)), 0, "begin its tree");
    km_capture_put("/proc/meminfo", "MemTotal: 1 kB\n", 15, 0444);
    km_capture_interrupt(SIGINT); /* as the signal handler does */
    struct km_buf b = {0};
    is_int(km_read_file("/proc/self/status", &b), -EINTR, "the reader opens no more files");
    km_buf_free(&b);
    km_capture_end();
    is_int(km_capture_finish(4.5, 4096, "6.1.0", msg, sizeof(msg)), -EINTR,
           "finish places nothing");
    is_int(km_capture_close(msg, sizeof(msg)), 0, "close removes the unfinished tree");
    struct stat st;
    ok(stat(dir, &st) < 0 && errno == ENOENT, "and the DIR it made");
    mkdir(dir, 0700);
    is_int(km_capture_open(dir, NULL, msg, sizeof(msg)), 0, "an empty DIR of its own");
    is_int(km_capture_begin("", msg, sizeof(msg)), 0, "begin, interrupted");
    km_capture_end();
    is_int(km_capture_finish(4.5, 4096, "6.1.0", msg, sizeof(msg)), -EINTR, "nothing placed");
    is_int(km_capture_close(msg, sizeof(msg)), 0, "close");
    snprintf(base, sizeof(base), "%s", dir);
    DIR *d = opendir(dir);
    int n = 0;
    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    is_int(n, 2, "a DIR that was there stays, empty");
    *strrchr(base, '/') = '\0';
    km_capture_interrupt(0);
    is_int(capture_into(dir, false), 0, "once cleared, a capture places its tree again");
}

int main(void)
{
    snprintf(base, sizeof(base), "%s/km-test-capture.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(base))
        return 1;
    test_tree();
    test_incomplete();
    test_deep_force();
    test_interrupt();
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", base);
    return tap_done();
}
