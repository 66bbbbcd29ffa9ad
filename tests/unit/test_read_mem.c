/*
 * test_read_mem.c - the in-memory tree (km_memtree, what kmemtop -r reads)
 * answers as the capture tree the tick would have been written as: the same
 * tree is made on disk and in memory, and every read, line, listing and
 * error is compared (missing, a directory read as a file, a file as a
 * directory, links inside the tree, links that leave it, ".." above /proc,
 * a file read through a link, caps, a path put twice).
 */
#include "../tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kmemtop/read.h"

static char top[4096];
static struct km_memtree *m;

/* A file both on disk (as record.c writes it: mode (mode & 0666) | 0400) and in memory. */
static void file(const char *path, const char *text, unsigned mode)
{
    char p[8192];
    snprintf(p, sizeof(p), "%s%s", top, path);
    /* parents */
    for (char *s = p + strlen(top) + 1; (s = strchr(s, '/')); s++) {
        *s = '\0';
        mkdir(p, 0700);
        *s = '/';
    }
    FILE *f = fopen(p, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0 || chmod(p, (mode & 0666) | 0400) < 0) {
        printf("Bail out! cannot write %s\n", p);
        exit(1);
    }
    km_memtree_put(m, path, text, strlen(text), mode);
}

static void link_(const char *path, const char *target)
{
    char p[8192];
    snprintf(p, sizeof(p), "%s%s", top, path);
    if (symlink(target, p) < 0) {
        printf("Bail out! cannot link %s: %s\n", p, strerror(errno));
        exit(1);
    }
    km_memtree_link(m, path, target);
}

static void on_disk(void)
{
    char p[8192];
    snprintf(p, sizeof(p), "%s/proc", top);
    int pf = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
    snprintf(p, sizeof(p), "%s/sys", top);
    int sf = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
    km_read_set_tree(pf, sf);
}

/* What a read gives, in words: rc, and the bytes on success. */
static void read_words(const char *path, char *out, size_t outsz, int how)
{
    struct km_buf b = {0};
    int rc;
    if (how == 0) {
        rc = km_read_file(path, &b);
        snprintf(out, outsz, "%d:%s", rc, rc == 0 ? b.data : "");
    } else if (how == 1) {
        char line[64];
        rc = km_read_line(path, line, sizeof(line));
        snprintf(out, outsz, "%d:%s", rc, rc == 0 ? line : "");
    } else {
        char **names = NULL, **targets = NULL;
        rc = how == 2 ? km_read_dir(path, &names, &targets) : km_read_subdirs(path, &names);
        int n = snprintf(out, outsz, "%d:", rc);
        for (int i = 0; i < rc && (size_t)n < outsz; i++)
            n += snprintf(out + n, outsz - (size_t)n, "%s%s%s,", names[i],
                          how == 2 && targets[i] ? "->" : "", how == 2 && targets[i] ? targets[i] : "");
        if (rc > 0) {
            km_strv_free(names, (size_t)rc);
            if (how == 2)
                km_strv_free(targets, (size_t)rc);
        }
    }
    km_buf_free(&b);
}

int main(void)
{
    snprintf(top, sizeof(top), "%s/kmmem.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(top)) {
        printf("Bail out! mkdtemp\n");
        return 1;
    }
    m = km_memtree_new();
    file("/proc/meminfo", "MemTotal: 1 kB\n", 0444);
    file("/proc/sys/kernel/osrelease", "6.1.0\n", 0444);
    file("/proc/slabinfo", "slabinfo - version: 2.1\n", 0400);
    file("/sys/kernel/slab/:0000064/object_size", "64\n", 0444);
    file("/sys/kernel/slab/:0000064/slabs", "3 N0=3\n", 0444);
    file("/sys/kernel/slab/kmalloc-64-x/order", "0\n", 0444);
    file("/sys/kernel/slab/a/b/deep", "deep\n", 0444);
    link_("/sys/kernel/slab/kmalloc-64", ":0000064");
    link_("/sys/kernel/slab/abs", "/etc");
    link_("/sys/kernel/slab/up", "../../../../etc");
    link_("/sys/kernel/slab/loop", "loop");
    file("/sys/module/ext4/coresize", "12345\n", 0444);
    file("/sys/module/ext4/refcnt", "0\n", 0444);
    static char zone[100001];
    memset(zone, 'z', 100000);
    file("/proc/zoneinfo", zone, 0444); /* 100000 bytes: more than the first buffer */
    /* read twice in one tick: the last content, as the tree's writer keeps it */
    km_memtree_put(m, "/proc/meminfo", "MemTotal: 0 kB\n", 15, 0444);
    km_memtree_put(m, "/proc/meminfo", "MemTotal: 1 kB\n", 15, 0444);

    static const struct {
        const char *path;
        int how; /* 0 file, 1 line, 2 dir, 3 subdirs */
    } cases[] = {
        {"/proc/meminfo", 0},
        {"/proc/slabinfo", 0},
        {"/proc/vmstat", 0},
        {"/proc/sys", 0},
        {"/proc/sys/kernel/osrelease", 1},
        {"/proc/meminfo/x", 0},
        {"/proc/sys/kernel/../kernel/osrelease", 0},
        {"/proc/../etc/passwd", 0},
        {"/etc/passwd", 0},
        {"/sys/kernel/slab/kmalloc-64/object_size", 0},
        {"/sys/kernel/slab/kmalloc-64/object_size", 1},
        {"/sys/kernel/slab/kmalloc-64", 2},
        {"/sys/kernel/slab/abs/passwd", 0},
        {"/sys/kernel/slab/up/passwd", 0},
        {"/sys/kernel/slab/loop/x", 0},
        {"/sys/kernel/slab", 2},
        {"/sys/kernel/slab", 3},
        {"/sys/kernel/slab/a", 3},
        {"/sys/kernel/slab/none", 2},
        {"/sys/kernel/slab/:0000064/slabs", 2},
        {"/sys/module", 3},
        {"/sys/module/ext4/coresize", 1},
        {"/proc", 2},
        {"/sys", 3},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char disk[2048], memw[2048], name[512];
        on_disk();
        read_words(cases[i].path, disk, sizeof(disk), cases[i].how);
        km_read_set_mem(m);
        ok(km_read_in_tree(), "the in-memory tree counts as a tree");
        read_words(cases[i].path, memw, sizeof(memw), cases[i].how);
        snprintf(name, sizeof(name), "%s %s: as on disk (%s)",
                 (const char *[]){"read", "line", "dir", "subdirs"}[cases[i].how], cases[i].path,
                 disk);
        if (!ok(strcmp(disk, memw) == 0, name))
            printf("# in memory: %s\n", memw);
    }
    /* caps: as read_fd gives them (a buffer of at least 64 KiB holds a small file whatever max) */
    static const size_t maxes[] = {15, 99999, 100000, 100001, 200000};
    for (size_t i = 0; i < sizeof(maxes) / sizeof(maxes[0]); i++) {
        for (int big = 0; big < 2; big++) {
            struct km_buf bd = {0}, bm = {0};
            const char *path = big ? "/proc/zoneinfo" : "/proc/meminfo";
            on_disk();
            int rd = km_read_file_max(path, &bd, maxes[i]);
            km_read_set_mem(m);
            int rm = km_read_file_max(path, &bm, maxes[i]);
            char name[256];
            snprintf(name, sizeof(name), "%s with a cap of %zu: as on disk (%d)", path, maxes[i], rd);
            ok(rd == rm && bd.len == bm.len && (rd || memcmp(bd.data, bm.data, bd.len) == 0), name);
            km_buf_free(&bd);
            km_buf_free(&bm);
        }
    }
    km_read_set_mem(NULL);
    ok(!km_read_in_tree(), "back on the live system");
    km_memtree_free(m);
    char cmd[8300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", top);
    return tap_done();
}
