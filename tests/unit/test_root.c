/*
 * test_root.c - --root: expanding trees and series, and showing a tree
 * through /proc and /sys in a private mount namespace.
 *
 * The namespace checks run in forked children so this process keeps the
 * host's /proc. A child reports each check as one line on a pipe
 * ("1 name", "0 name", "S name" for skipped) and the parent prints TAP.
 * As root, a second child drops to nobody first, so the user-namespace
 * path is tested too. Where no namespace can be made (a container, a chroot)
 * the tree is still read, by the own parsers; only the checks of the private
 * /proc are skipped, saying why.
 */
#include "../tap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kmemtop/read.h"
#include "kmemtop/root.h"

static char fx[4096]; /* tests/fixtures, as given by KM_SRCDIR */

static char *fixture(const char *rel)
{
    static char buf[8][8192];
    static int i;
    char *p = buf[i++ % 8];
    if ((size_t)snprintf(p, sizeof(buf[0]), "%s/%s", fx, rel) >= sizeof(buf[0])) {
        printf("Bail out! fixture path too long\n");
        exit(1);
    }
    return p;
}

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static void test_expand_tree(void)
{
    struct km_roots r;
    char msg[512];
    char *args[] = {fixture("debian61-root")};
    is_int(km_roots_expand(args, 1, &r, msg, sizeof(msg)), 0, "a tree expands");
    is_int(r.n, 1, "a tree is one tree");
    if (r.n == 1) {
        is_str(r.trees[0].dir, args[0], "its dir is the argument");
        is_dbl(r.trees[0].wall, 0, 0, "no record: wall unknown");
        is_int(r.trees[0].page_size, 0, "no record: page size unknown");
    }
    km_roots_free(&r);
    is_int(r.n, 0, "km_roots_free empties");
}

static void test_expand_series_fixture(void)
{
    struct km_roots r;
    char msg[512];
    char *args[] = {fixture("series-debian61"), fixture("hygon-8node")};
    is_int(km_roots_expand(args, 2, &r, msg, sizeof(msg)), 0, "series + tree expand");
    is_int(r.n, 3, "two trees of the series (README skipped) then the tree");
    if (r.n == 3) {
        is_str(base(r.trees[0].dir), "1-root", "series in name order: 1-root first");
        is_str(base(r.trees[1].dir), "2-root2", "then 2-root2");
        is_str(base(r.trees[2].dir), "hygon-8node", "then the next argument");
    }
    km_roots_free(&r);
}

static void put(const char *dir, const char *rel, const char *text)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s/%s", dir, rel);
    FILE *f = fopen(p, "w");
    if (!f) {
        printf("Bail out! cannot write %s\n", p);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

static void mk(const char *dir, const char *rel)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s/%s", dir, rel);
    if (mkdir(p, 0755) < 0) {
        printf("Bail out! cannot mkdir %s\n", p);
        exit(1);
    }
}

/* A temporary series: strverscmp order, records, a symlinked tree, noise. */
static void test_expand_series_tmp(const char *tmp)
{
    char link[4096], target[4096];
    mk(tmp, "s");
    mk(tmp, "s/10-b");
    mk(tmp, "s/10-b/proc");
    mk(tmp, "s/9-a");
    mk(tmp, "s/9-a/sys");
    mk(tmp, "s/notes");
    mk(tmp, "s/.hidden");
    mk(tmp, "s/.hidden/proc");
    put(tmp, "s/README", "a series\n");
    put(tmp, "s/9-a/" KM_CAPTURE_META,
        "# kmemtop capture\ntime=1700000000.25\npage_size=16384\nkernel=6.1.0-test\n");
    put(tmp, "s/10-b/" KM_CAPTURE_META, "time=12x\npage_size=-4\n");
    snprintf(link, sizeof(link), "%s/s/11-link", tmp);
    snprintf(target, sizeof(target), "%s", fixture("debian61-root"));
    ok(symlink(target, link) == 0, "symlink a tree into the series");

    struct km_roots r;
    char msg[512], dir[4096];
    snprintf(dir, sizeof(dir), "%s/s", tmp);
    char *args[] = {dir};
    is_int(km_roots_expand(args, 1, &r, msg, sizeof(msg)), 0, "temporary series expands");
    is_int(r.n, 3, "three trees (notes/, .hidden/, README skipped)");
    if (r.n == 3) {
        is_str(base(r.trees[0].dir), "9-a", "version order: 9-a before 10-b");
        is_str(base(r.trees[1].dir), "10-b", "10-b");
        is_str(base(r.trees[2].dir), "11-link", "a symlink to a tree is a tree");
        is_dbl(r.trees[0].wall, 1700000000.25, 1e-6, "time= read with its fraction");
        is_int(r.trees[0].page_size, 16384, "page_size= read");
        is_dbl(r.trees[1].wall, 0, 0, "malformed time= is unknown");
        is_int(r.trees[1].page_size, 0, "malformed page_size= is unknown");
    }
    km_roots_free(&r);
}

static void test_expand_errors(const char *tmp)
{
    struct km_roots r;
    char msg[512], dir[4096];
    snprintf(dir, sizeof(dir), "%s/s/notes", tmp);
    put(dir, "README", "not a tree\n");
    char *args[] = {fixture("debian61-root"), dir};
    is_int(km_roots_expand(args, 2, &r, msg, sizeof(msg)), -ENOENT, "a dir without trees fails");
    ok(strstr(msg, "no proc/ or sys/ here, and no subdirectories holding captured trees") &&
           strstr(msg, dir),
       "and says why, naming the dir");
    printf("# %s\n", msg);
    is_int(r.n, 0, "and returns no trees");

    char *missing[] = {fixture("no-such-capture")};
    is_int(km_roots_expand(missing, 1, &r, msg, sizeof(msg)), -ENOENT, "a missing dir fails");
    ok(strstr(msg, "no-such-capture") != NULL, "and names it");

    char *file[] = {fixture("README")};
    is_int(km_roots_expand(file, 1, &r, msg, sizeof(msg)), -ENOTDIR, "a file is not a tree");
}

/* ---- the child side: checks reported over a pipe ---------------------- */

static int report_fd;

static void report(char status, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    line[0] = status;
    line[1] = ' ';
    va_start(ap, fmt);
    vsnprintf(line + 2, sizeof(line) - 3, fmt, ap);
    va_end(ap);
    strcat(line, "\n");
    if (write(report_fd, line, strlen(line)) < 0)
        _exit(3);
}

struct want {
    const char *path; /* on the live side, e.g. /proc/buddyinfo */
    const char *data; /* NULL: must be absent */
    size_t len;
};

static void check_file(const char *tag, const struct want *w)
{
    struct km_buf b = {0};
    int rc = km_read_file(w->path, &b);
    if (!w->data)
        report(rc == -ENOENT ? '1' : '0', "%s: %s absent (rc %d)", tag, w->path, rc);
    else
        report(rc == 0 && b.len == w->len && memcmp(b.data, w->data, w->len) == 0 ? '1' : '0',
               "%s: %s has the capture's bytes (rc %d, %zu of %zu bytes)", tag, w->path, rc, b.len,
               w->len);
    km_buf_free(&b);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -errno;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* One step of the child's script: switch to a tree and check files. */
struct step {
    const struct km_tree *tree;
    const char *tag;
    const struct want *wants;
    size_t nwants;
};

static void child_run(const struct step *steps, size_t nsteps)
{
    char msg[1024];
    int rc = km_root_enter(true, msg, sizeof(msg));
    report(rc == 0 ? '1' : '0', "km_root_enter as uid %u (rc %d) %s", (unsigned)getuid(), rc, msg);
    if (rc < 0)
        _exit(2);
    for (size_t i = 0; i < nsteps; i++) {
        rc = km_root_switch(steps[i].tree, msg, sizeof(msg));
        report(rc == 0 ? '1' : '0', "%s: km_root_switch (rc %d) %s", steps[i].tag, rc, msg);
        if (rc < 0)
            _exit(2);
        for (size_t j = 0; j < steps[i].nwants; j++)
            check_file(steps[i].tag, &steps[i].wants[j]);
    }
    const char *last = steps[nsteps - 1].tag;
    char **names = NULL;
    rc = km_read_dir("/sys/devices/system/node", &names, NULL);
    report(rc == -ENOENT ? '1' : '0',
           "%s: a tree without sys/ has no /sys/devices/system/node (rc %d)", last, rc);
    struct km_buf b = {0};
    rc = km_read_file("/etc/hostname", &b);
    report(rc == KM_ELEAVES ? '1' : '0', "%s: a path outside /proc and /sys is refused (rc %d)",
           last, rc);
    km_buf_free(&b);
    if (km_root_own_parsers()) { /* no namespace could be made here: nothing was mounted */
        report('S', "%s: no private /proc without a mount namespace (%s)", last,
               km_root_own_reason());
        return;
    }
    rc = access("/proc/self", F_OK) < 0 && errno == ENOENT;
    report(rc ? '1' : '0', "%s: nothing of the host's /proc leaks in (/proc/self absent)", last);
    rc = count_entries("/proc");
    report(rc >= 0 && rc <= 2 ? '1' : '0', "%s: the private /proc holds only the staged files (%d)",
           last, rc);
    rc = open("/proc/kmemtop-probe", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    report(rc < 0 && errno == EROFS ? '1' : '0', "%s: the private /proc is read-only", last);
}

/* Drops to nobody; 0 when done, else a reason to skip. */
static const char *drop_to_nobody(const char *need)
{
    if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
        setresuid(65534, 65534, 65534) < 0)
        return "cannot drop to uid 65534";
    /* A set*id() call made us non-dumpable, which makes /proc/self/uid_map root's. */
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    if (access(need, R_OK | X_OK) < 0)
        return "nobody cannot read the fixtures here";
    return NULL;
}

static void run_child(const char *name, bool as_nobody, const struct step *steps, size_t nsteps)
{
    int fds[2];
    if (pipe(fds) < 0) {
        printf("Bail out! pipe: %s\n", strerror(errno));
        exit(1);
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        report_fd = fds[1];
        const char *why = as_nobody ? drop_to_nobody(fx) : NULL;
        if (why)
            report('S', "%s", why);
        else
            child_run(steps, nsteps);
        _exit(0); /* no atexit work: LSan would want the host's /proc */
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char line[600];
    while (f && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == 'S') {
            printf("ok %d - %s # SKIP %s\n", ++tap_n, name, line + 2);
            continue;
        }
        char full[700];
        snprintf(full, sizeof(full), "%s: %s", name, line + 2);
        ok(line[0] == '1', full);
    }
    if (f)
        fclose(f);
    int st = 0;
    waitpid(pid, &st, 0);
    is_int(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), 0, "child exits cleanly");
}

static struct want want_fixture(const char *live, const char *tree, const char *rel)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", tree, rel);
    struct want w = {.path = live};
    w.data = tap_slurp(p, &w.len);
    return w;
}

static void test_switch(void)
{
    struct km_roots r;
    char msg[512];
    char *args[] = {fixture("series-debian61"), fixture("sep4020-2.6"), fixture("hygon-8node")};
    if (km_roots_expand(args, 3, &r, msg, sizeof(msg)) < 0 || r.n != 4) {
        printf("Bail out! cannot expand the switch fixtures: %s\n", msg);
        exit(1);
    }
    struct want w1[] = {
        want_fixture("/proc/buddyinfo", "debian61-root", "proc/buddyinfo"),
        want_fixture("/proc/zoneinfo", "debian61-root", "proc/zoneinfo"),
        want_fixture("/sys/devices/system/node/online", "debian61-root",
                     "sys/devices/system/node/online"),
        want_fixture("/sys/devices/system/node/node1/meminfo", "debian61-root",
                     "sys/devices/system/node/node1/meminfo"),
    };
    struct want w2[] = {
        want_fixture("/proc/buddyinfo", "debian61-root2", "proc/buddyinfo"),
        want_fixture("/proc/slabinfo", "debian61-root2", "proc/slabinfo"),
    };
    struct want w3[] = {
        want_fixture("/proc/slabinfo", "sep4020-2.6", "proc/slabinfo"),
        want_fixture("/proc/zoneinfo", "sep4020-2.6", "proc/zoneinfo"),
        {.path = "/proc/meminfo"},            /* the board gave none */
        {.path = "/sys/devices/system/node"}, /* nor NUMA sysfs */
    };
    struct want w4[] = {
        want_fixture("/proc/buddyinfo", "hygon-8node", "proc/buddyinfo"),
        want_fixture("/proc/pagetypeinfo", "hygon-8node", "proc/pagetypeinfo"),
        {.path = "/proc/zoneinfo"},
    };
    const struct step steps[] = {
        {&r.trees[0], "series 1-root", w1, KM_ARRAY_LEN(w1)},
        {&r.trees[1], "series 2-root2", w2, KM_ARRAY_LEN(w2)},
        {&r.trees[2], "sep4020-2.6", w3, KM_ARRAY_LEN(w3)},
        {&r.trees[3], "hygon-8node (no sys/)", w4, KM_ARRAY_LEN(w4)},
    };
    run_child("as this user", false, steps, KM_ARRAY_LEN(steps));
    if (geteuid() == 0)
        run_child("as nobody (user namespace)", true, steps, KM_ARRAY_LEN(steps));

    struct km_buf b = {0};
    ok(km_read_file("/proc/self/status", &b) == 0, "the test process still sees the host's /proc");
    km_buf_free(&b);
    for (size_t i = 0; i < KM_ARRAY_LEN(w1); i++)
        free((void *)w1[i].data);
    for (size_t i = 0; i < KM_ARRAY_LEN(w2); i++)
        free((void *)w2[i].data);
    for (size_t i = 0; i < KM_ARRAY_LEN(w3); i++)
        free((void *)w3[i].data);
    for (size_t i = 0; i < KM_ARRAY_LEN(w4); i++)
        free((void *)w4[i].data);
    km_roots_free(&r);
}

static void rm_tree(const char *tmp)
{
    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", tmp);
}

int main(void)
{
    const char *src = getenv("KM_SRCDIR");
    snprintf(fx, sizeof(fx), "%s/tests/fixtures", src ? src : ".");
    char tmp[] = "/tmp/km-test-root.XXXXXX";
    if (!mkdtemp(tmp)) {
        printf("Bail out! mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    test_expand_tree();
    test_expand_series_fixture();
    test_expand_series_tmp(tmp);
    test_expand_errors(tmp);
    test_switch();
    rm_tree(tmp);
    return tap_done();
}
