/*
 * test_read_tree.c - the reader on a hostile tree: links that leave it,
 * FIFOs, devices, directories where files belong, files no kernel writes,
 * link loops; with openat2 and with the component walk of older kernels.
 * Needs no namespace: km_read_set_tree() is all --root does for our reader.
 */
#include "../tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kmemtop/read.h"

static char top[4096];

static void put(const char *rel, const char *text)
{
    char p[8192];
    snprintf(p, sizeof(p), "%s/%s", top, rel);
    FILE *f = fopen(p, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        printf("Bail out! cannot write %s\n", p);
        exit(1);
    }
}

static void mk(const char *kind, const char *rel, const char *target)
{
    char p[8192];
    snprintf(p, sizeof(p), "%s/%s", top, rel);
    int rc = kind[0] == 'd'   ? mkdir(p, 0755)
             : kind[0] == 'l' ? symlink(target, p)
                              : mkfifo(p, 0644);
    if (rc < 0) {
        printf("Bail out! cannot make %s: %s\n", p, strerror(errno));
        exit(1);
    }
}

static void make_tree(void)
{
    snprintf(top, sizeof(top), "%s/kmtree.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(top)) {
        printf("Bail out! mkdtemp\n");
        exit(1);
    }
    mk("d", "proc", NULL);
    mk("d", "proc/sys", NULL);
    mk("d", "proc/sys/kernel", NULL);
    mk("d", "sys", NULL);
    mk("d", "sys/kernel", NULL);
    mk("d", "sys/kernel/slab", NULL);
    mk("d", "sys/kernel/slab/:0000064", NULL);
    put("proc/buddyinfo", "Node 0, zone   Normal  1 2 3\n");
    put("proc/sys/kernel/osrelease", "6.1.0-56-amd64\r\n");
    put("sys/kernel/slab/:0000064/object_size", "64\n");
    mk("l", "sys/kernel/slab/kmalloc-64", ":0000064");
    mk("l", "proc/inside", "buddyinfo");
    mk("l", "proc/sys/kernel/up", "../../buddyinfo");
    mk("l", "proc/abs", "/etc/passwd");
    mk("l", "proc/escape", "../../../../../../../../../../etc/passwd");
    mk("l", "proc/dotdot", "../proc/buddyinfo");
    mk("l", "proc/zero", "/dev/zero");
    mk("l", "proc/loop1", "loop2");
    mk("l", "proc/loop2", "loop1");
    mk("f", "proc/fifo", NULL);
    mk("d", "proc/adir", NULL);
    /* a sparse file past the 4 MiB cap: no kernel writes a buddyinfo that size */
    char p[8192];
    snprintf(p, sizeof(p), "%s/proc/big", top);
    int fd = open(p, O_WRONLY | O_CREAT, 0644);
    if (fd < 0 || ftruncate(fd, (off_t)KM_READ_CAP + 4096) < 0) {
        printf("Bail out! big file\n");
        exit(1);
    }
    close(fd);
}

static int open_dir(const char *rel)
{
    char p[8192];
    snprintf(p, sizeof(p), "%s/%s", top, rel);
    return open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void count_piece(void *ctx, const char *data, size_t len);

static void expect(const char *mode, const char *path, int want)
{
    struct km_buf b = {0};
    double t0 = now();
    int rc = km_read_file(path, &b);
    char name[512];
    snprintf(name, sizeof(name), "%s: %s -> %d (%s), in %.2f s", mode, path, rc,
             km_read_strerror(rc), now() - t0);
    ok(rc == want && now() - t0 < 2, name);
    if (rc == 0 && want == 0)
        ok(b.len > 0 && b.data[b.len] == '\0', "  ... and its bytes were read");
    /* read in pieces: the same answer */
    size_t total = 0;
    t0 = now();
    rc = km_read_stream(path, &b, KM_READ_CAP, count_piece, &total, &total);
    snprintf(name, sizeof(name), "%s: %s in pieces -> %d (%s)", mode, path, rc,
             km_read_strerror(rc));
    ok(rc == want && now() - t0 < 2, name);
    km_buf_free(&b);
}

/* km_read_stream's pieces of /proc/lines, checked as they come */
struct pieces {
    char *all;
    size_t len, n, bad;
};

static void count_piece(void *ctx, const char *data, size_t len)
{
    (void)ctx, (void)data, (void)len;
}

static void keep_piece(void *ctx, const char *data, size_t len)
{
    struct pieces *p = ctx;
    p->all = realloc(p->all, p->len + len + 1);
    memcpy(p->all + p->len, data, len);
    p->len += len;
    p->n++;
    if (len == 0)
        p->bad++; /* no empty piece */
    else if (data[len - 1] != '\n')
        p->bad += 1000; /* counted apart: only the last piece may end without a newline */
}

/* A file of short lines around one of 300 KiB (longer than a piece), without a last newline. */
static char *lines_text(size_t *len)
{
    size_t cap = 1 << 20, n = 0;
    char *t = malloc(cap);
    for (int i = 0; i < 3000; i++)
        n += (size_t)snprintf(t + n, cap - n, "0x%016x-0x%016x 8192 line%d+0x1/0x2\n", i, i + 1, i);
    memset(t + n, 'x', 300 << 10);
    n += 300 << 10;
    t[n++] = '\n';
    n += (size_t)snprintf(t + n, cap - n, "the last line, no newline");
    *len = n;
    return t;
}

static void test_stream(const char *mode)
{
    size_t len;
    char *text = lines_text(&len);
    char p[8192];
    snprintf(p, sizeof(p), "%s/proc/lines", top);
    FILE *f = fopen(p, "w");
    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
        printf("Bail out! cannot write %s\n", p);
        exit(1);
    }
    struct pieces pc = {0};
    struct km_buf b = {0};
    size_t total = 0;
    int rc = km_read_stream("/proc/lines", &b, KM_READ_CAP, keep_piece, &pc, &total);
    char name[256];
    snprintf(name, sizeof(name), "%s: a file of %zu bytes reads in pieces", mode, len);
    is_int(rc, 0, name);
    ok(pc.len == len && pc.all && memcmp(pc.all, text, len) == 0,
       "  ... which put together are the file");
    is_int((long)total, (long)len, "  ... and its length is said");
    ok(pc.n >= 3, "  ... in more than one piece");
    is_int((long)pc.bad, 1000, "  ... each ending after a newline but the last");
    ok(b.cap <= (size_t)1 << 20, "  ... and the buffer is no larger than a piece and the long line");
    free(pc.all);
    /* past the cap: refused, the buffer given back */
    rc = km_read_stream("/proc/lines", &b, 100000, count_piece, NULL, &total);
    is_int(rc, KM_ETOOBIG, "a file over the cap in pieces: too big");
    rc = km_read_stream("/proc/big", &b, KM_READ_CAP, count_piece, NULL, &total);
    is_int(rc, KM_ETOOBIG, "a 4 MiB line of NULs: too big");
    ok(b.cap <= (size_t)1 << 20, "  ... no big buffer left behind");
    km_buf_free(&b);
    unlink(p);
    free(text);
}

static void run(const char *mode)
{
    km_read_set_tree(open_dir("proc"), open_dir("sys"));
    ok(km_read_in_tree(), "a tree is set");
    expect(mode, "/proc/buddyinfo", 0);
    expect(mode, "/proc/inside", 0);        /* a link inside the tree */
    expect(mode, "/proc/sys/kernel/up", 0); /* up and down again, still inside */
    expect(mode, "/sys/kernel/slab/kmalloc-64/object_size", 0); /* through an alias link */
    expect(mode, "/proc/abs", KM_ELEAVES);                      /* absolute: out of the tree */
    expect(mode, "/proc/escape", KM_ELEAVES);                   /* relative, climbing out */
    expect(mode, "/proc/dotdot", KM_ELEAVES);                   /* above proc/ is not beneath it */
    expect(mode, "/proc/zero", KM_ELEAVES);
    expect(mode, "/proc/loop1", -ELOOP);
    expect(mode, "/proc/fifo", KM_ENOTREG); /* never blocks in open() */
    expect(mode, "/proc/adir", KM_ENOTREG);
    expect(mode, "/proc/absent", -ENOENT);
    expect(mode, "/etc/passwd", KM_ELEAVES); /* not a kernel path */
    expect(mode, "/proc/../etc/passwd", KM_ELEAVES);
    expect(mode, "/proc/big", KM_ETOOBIG);

    struct km_buf b = {0};
    km_read_file("/proc/big", &b);
    ok(b.cap <= (size_t)1 << 20, "a refused big file leaves no big buffer behind");
    is_int((long)km_read_file_max("/proc/big", &b, KM_READ_CAP_BIG), 0,
           "the same file under the big cap reads");
    is_int((long)b.len, (long)(KM_READ_CAP + 4096), "  ... all of it");
    km_buf_free(&b);

    char v[64];
    is_int(km_read_line("/proc/sys/kernel/osrelease", v, sizeof(v)), 0, "a CRLF sysfs value reads");
    is_str(v, "6.1.0-56-amd64", "  ... without its CR");
    is_int(km_read_line("/proc/fifo", v, sizeof(v)), KM_ENOTREG, "a FIFO as a value is refused");
    is_int(km_read_line("/proc/abs", v, sizeof(v)), KM_ELEAVES, "a value's link out is refused");

    char **names = NULL, **targets = NULL;
    int n = km_read_dir("/sys/kernel/slab", &names, &targets);
    is_int(n, 2, "the slab directory of the tree lists");
    if (n == 2) {
        is_str(names[1], "kmalloc-64", "  ... the alias");
        is_str(targets[1] ? targets[1] : "(null)", ":0000064", "  ... with its target");
    }
    if (n > 0) {
        km_strv_free(names, (size_t)n);
        km_strv_free(targets, (size_t)n);
    }
    is_int(km_read_dir("/proc/abs", &names, NULL), KM_ELEAVES, "a directory link out is refused");
    is_int(km_read_dir("/proc/buddyinfo", &names, NULL), -ENOTDIR, "a file is no directory");

    test_stream(mode);

    km_read_set_tree(open_dir("proc"), -1);
    expect(mode, "/sys/kernel/slab/kmalloc-64/object_size", -ENOENT); /* the tree has no sys/ */
    km_read_set_tree(-1, -1);
    ok(!km_read_in_tree(), "back on the live system");
}

int main(void)
{
    make_tree();
    run("openat2");
    km_read_force_walk(true);
    run("walk");
    km_read_force_walk(false);

    /* the live system: /proc files are regular, a FIFO is still refused */
    struct km_buf b = {0};
    is_int(km_read_file("/proc/self/status", &b), 0, "live: /proc/self/status reads");
    char p[8192];
    snprintf(p, sizeof(p), "%s/proc/fifo", top);
    is_int(km_read_file(p, &b), KM_ENOTREG, "live: a FIFO is refused, not waited on");
    km_buf_free(&b);

    char cmd[8300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", top);
    return tap_done();
}
