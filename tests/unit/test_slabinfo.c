/* test_slabinfo.c - km_slabs_read/km_slabs_read_sysfs on live /proc and captured or made trees. */
#include "kmemtop/slabinfo.h"

#include "../tap.h"

#include <errno.h>
#include <math.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int stacked; /* mounts to undo before exit, so the sanitizers see the real /proc */

static bool bind(const char *src, const char *dst)
{
    if (mount(src, dst, NULL, MS_BIND, NULL) != 0)
        return false;
    stacked += strcmp(dst, "/proc") == 0;
    return true;
}

static bool show_fixture(const char *tree, const char *what)
{
    char path[4096];
    const char *src = getenv("KM_SRCDIR");
    snprintf(path, sizeof(path), "%s/tests/fixtures/%s/%s", src ? src : ".", tree, what);
    return bind(path, strcmp(what, "proc") == 0 ? "/proc" : "/sys");
}

static const struct km_slab *find(const struct km_slabs *s, const char *name, int ordinal)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->slabs[i].name, name) == 0 && s->slabs[i].ordinal == ordinal)
            return &s->slabs[i];
    return NULL;
}

static void test_live(void)
{
    struct km_slab_ctx *ctx = NULL;
    struct km_slabs s;
    struct km_perr e = {0};
    km_slab_ctx_new(&ctx);
    int rc = km_slabs_read(ctx, 4096, &s, &e);
    if (rc == -ENOENT) {
        ok(1, "# SKIP live: kernel without /proc/slabinfo");
        km_slab_ctx_free(&ctx);
        return;
    }
    is_int(rc, 0, "live /proc/slabinfo (as root)");
    ok(s.n > 20, "dozens of caches");
    const struct km_slab *k = find(&s, "kmalloc-64", 0);
    ok(k != NULL, "kmalloc-64 listed");
    if (k) {
        is_int(k->obj_size, 64, "kmalloc-64 object size");
        ok(k->active_objs <= k->num_objs, "active <= total objects");
        is_int(k->footprint, k->num_slabs * k->pages_per_slab * 4096, "footprint");
        ok(isnan(k->growth), "growth unknown on a single read");
        ok(k->reclaimable == -1 && k->naliases == -1 && !k->aliases, "sysfs not read yet");
    }
    km_slabs_free(&s);
    is_int(km_slabs_read(ctx, 0, &s, &e), 0, "second read on the same context");
    ok(s.n > 0 && KM_IS_NA(s.slabs[0].footprint), "page size unknown: footprint absent");
    km_slabs_read_sysfs(ctx, &s, true);
    k = find(&s, "kmalloc-64", 0);
    int want = -1;
    FILE *ra = fopen("/sys/kernel/slab/kmalloc-64/reclaim_account", "r");
    if (ra && fscanf(ra, "%d", &want) == 1) {
        is_int(want, 0, "kmalloc-64: sysfs says not reclaimable");
        ok(k && k->reclaimable == want, "kmalloc-64: reclaimable read from sysfs (0)");
    } else {
        ok(1, "# SKIP kmalloc-64 reclaimable: /sys/kernel/slab unreadable here");
    }
    if (ra)
        fclose(ra);
    km_slabs_free(&s);
    km_slab_ctx_free(&ctx);

    /* as nobody: /proc/slabinfo is 0400 */
    pid_t pid = fork();
    if (pid == 0) {
        if (setgid(65534) || setuid(65534))
            _exit(2);
        struct km_slab_ctx *c = NULL;
        km_slab_ctx_new(&c);
        rc = km_slabs_read(c, 4096, &s, &e);
        _exit(rc == -EACCES && strstr(e.msg, "root") ? 0 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    is_int(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0, "non-root: -EACCES with a message");
}

static void test_fixtures(void)
{
    struct km_slab_ctx *ctx = NULL;
    struct km_slabs s;
    struct km_perr e = {0};

    ok(show_fixture("debian61-root", "proc") && show_fixture("debian61-root", "sys"),
       "debian61 over /proc and /sys");
    km_slab_ctx_new(&ctx);
    is_int(km_slabs_read(ctx, 4096, &s, &e), 0, "6.1 SLUB reads");
    is_int(s.n, 186, "186 caches");
    is_str(s.slabs[0].name, "9p-fcall-cache-1", "file order kept");
    is_int(s.slabs[0].pages_per_slab, 32, "pages per slab");
    const struct km_slab *d = &s.slabs[103];
    is_str(d->name, "dentry", "dentry at line 106");
    is_int(d->active_objs, 29586, "dentry active");
    is_int(d->num_objs, 29694, "dentry objects");
    is_int(d->obj_size, 192, "dentry objsize");
    is_int(d->objs_per_slab, 21, "dentry per slab");
    is_int(d->num_slabs, 1414, "dentry slabs");
    is_int(d->footprint, 1414LL * 4096, "dentry footprint");
    km_slabs_read_sysfs(ctx, &s, true);
    const struct km_slab *f = find(&s, "fuse_inode", 0);
    ok(f && f->reclaimable == 1 && f->naliases == 0, "fuse_inode: reclaimable, no aliases");
    const struct km_slab *z = find(&s, "zs_handle", 0);
    ok(z && z->reclaimable == -1 && z->naliases == -1, "sysfs files not captured: unknown");
    km_slabs_free(&s);
    km_slab_ctx_free(&ctx); /* the next tree needs a new context */

    ok(show_fixture("sep4020-2.6", "proc"), "2.6 SLAB over /proc");
    km_slab_ctx_new(&ctx);
    is_int(km_slabs_read(ctx, 4096, &s, &e), 0, "SLAB 2.1 with tunables reads");
    is_int(s.n, 126, "126 caches");
    const struct km_slab *b = &s.slabs[106];
    is_str(b->name, "size-4096", "size-4096");
    is_int(b->active_slabs, 73, "SLAB active slabs");
    is_int(b->footprint, 73LL * 4096, "SLAB footprint");
    km_slabs_free(&s);
    km_slab_ctx_free(&ctx);

    ok(show_fixture("mtk-armv7-3.4", "proc"), "tree without slabinfo");
    km_slab_ctx_new(&ctx);
    is_int(km_slabs_read(ctx, 4096, &s, &e), -ENOENT, "missing: -ENOENT");
    ok(s.n == 0 && strlen(e.msg) > 0, "empty result and a message");
    km_slab_ctx_free(&ctx);
}

static void put(const char *dir, const char *rel, const char *text)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* A made tree: duplicate names, alias symlinks, a broken file. */
static void test_made(void)
{
    char dir[] = "/tmp/km-slab-XXXXXX", path[4096];
    if (!mkdtemp(dir))
        return;
    const char *dirs[] = {
        "proc", "sys",     "sys/kernel", "sys/kernel/slab", "sys/kernel/slab/:0000064",
        "bad",  "bad/proc"};
    for (size_t i = 0; i < KM_ARRAY_LEN(dirs); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, dirs[i]);
        mkdir(path, 0755);
    }
    put(dir, "proc/slabinfo",
        "slabinfo - version: 2.1\n# name <active_objs> ...\n"
        "a   10 20 64 64 1 : tunables 0 0 0 : slabdata 1 1 0\n"
        "foo  1  2  3  4 2 : tunables 0 0 0 : slabdata 5 6 0\n"
        "foo  5  6  7  8 1 : tunables 0 0 0 : slabdata 2 3 0");
    put(dir, "sys/kernel/slab/:0000064/aliases", "2\n");
    put(dir, "sys/kernel/slab/:0000064/reclaim_account", "0\n");
    const char *links[] = {"a", "b", "c"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/sys/kernel/slab/%s", dir, links[i]);
        if (symlink(":0000064", path) != 0)
            ok(0, "symlink");
    }
    put(dir, "bad/proc/slabinfo", "slabinfo - version: 2.1\nfoo 1 2 3\n");

    struct km_slab_ctx *ctx = NULL;
    struct km_slabs s;
    struct km_perr e = {0};
    snprintf(path, sizeof(path), "%s/proc", dir);
    bool shown = bind(path, "/proc");
    snprintf(path, sizeof(path), "%s/sys", dir);
    ok(shown && bind(path, "/sys"), "made tree over /proc and /sys");
    km_slab_ctx_new(&ctx);
    is_int(km_slabs_read(ctx, 16384, &s, &e), 0, "made tree reads");
    is_int(s.n, 3, "three lines, no trailing newline");
    ok(s.slabs[1].ordinal == 0 && s.slabs[2].ordinal == 1, "duplicate names: ordinals 0, 1");
    is_int(s.slabs[1].footprint, 6LL * 2 * 16384, "footprint with 16 KiB pages");
    is_int(s.slabs[2].num_objs, 6, "second foo keeps its own numbers");
    km_slabs_read_sysfs(ctx, &s, true);
    const struct km_slab *a = &s.slabs[0];
    is_int(a->naliases, 2, "aliases file through the link");
    is_int(a->reclaimable, 0, "reclaim_account through the link");
    ok(a->aliases && a->aliases[0] && a->aliases[1] && !a->aliases[2], "two alias names");
    if (a->aliases && a->aliases[0] && a->aliases[1]) {
        is_str(a->aliases[0], "b", "alias b");
        is_str(a->aliases[1], "c", "alias c");
    }
    /* fixed attributes are read once per context: a change on disk is not re-read */
    put(dir, "sys/kernel/slab/:0000064/reclaim_account", "1\n");
    km_slabs_read_sysfs(ctx, &s, true); /* twice: no leak, same answer */
    ok(s.slabs[0].aliases && s.slabs[0].naliases == 2, "re-read sysfs");
    is_int(s.slabs[0].reclaimable, 0, "reclaim_account cached, not read again");
    km_slabs_free(&s);
    km_slab_ctx_free(&ctx);

    snprintf(path, sizeof(path), "%s/bad/proc", dir);
    ok(bind(path, "/proc"), "broken slabinfo over /proc");
    km_slab_ctx_new(&ctx);
    is_int(km_slabs_read(ctx, 4096, &s, &e), -EINVAL, "short line: -EINVAL");
    ok(strstr(e.msg, "parse") != NULL, "message says it could not parse");
    km_slab_ctx_free(&ctx);

    /* a directory that is the source of a mount cannot be removed */
    umount2("/sys", MNT_DETACH);
    for (int i = 0; i < 2 && stacked > 0; i++, stacked--)
        umount2("/proc", MNT_DETACH);
    snprintf(path, sizeof(path), "rm -rf '%s'", dir);
    if (system(path) != 0)
        printf("# could not remove %s\n", dir);
}

/* Ordinals by name, interleaved and thrice; names equal only as whole strings. */
static void test_ordinals(void)
{
    const char *names[] = {"a", "b", "a", "ab", "a", "b", "c", "ab"};
    const int want[] = {0, 0, 1, 0, 2, 1, 0, 1};
    struct km_slab v[8];
    memset(v, 0, sizeof(v));
    for (int i = 0; i < 8; i++)
        snprintf(v[i].name, sizeof(v[i].name), "%s", names[i]);
    struct km_slabs s = {.slabs = v, .n = 8};
    km_slabs_number_duplicates(&s);
    bool same = true;
    for (int i = 0; i < 8; i++)
        same = same && v[i].ordinal == want[i];
    ok(same, "ordinals of interleaved duplicate names: 0 0 1 0 2 1 0 1");
}

int main(void)
{
    test_ordinals();
    test_live();
    if (unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0) {
        test_fixtures();
        test_made();
        for (; stacked > 0; stacked--)
            umount2("/proc", MNT_DETACH);
    } else {
        ok(1, "# SKIP captured trees: no private mount namespace here");
    }
    return tap_done();
}
