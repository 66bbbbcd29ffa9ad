/*
 * bench.c - what a kmemtop frame costs against a plain read of the files it needs.
 *
 * For each view (and "all": every view in one frame, as `kmemtop -b` prints it): one frame (the
 * second, as in steady state) is captured into a temporary tree to learn exactly which files (and
 * directories) that view's frame reads. Then, after WARM frames of warm-up, in alternating rounds,
 * (a) those files are read plainly (open, read to EOF with a 128 KiB buffer, as cat(1), close;
 * directories listed) and (b) kmemtop takes a frame: sampler tick for the view's sources, view
 * model build, the batch text frame written to /dev/null. CPU time (user + system, the kernel's
 * work of producing the files included) per frame is compared. Each view runs in a child process
 * of its own, so that its memory is its own: RSS after the warm-up and at the end (steady means
 * the two are equal), and the peak (VmHWM).
 *
 *   _build/tests/kmemtop-bench [-n FRAMES] [-w WARM] [--root TREE] [view ... | all | join |
 *                               cgroups=N]
 *
 * With --root the frames read the captured (or tests/scale-tree.py) tree as `kmemtop --root`
 * does, and the plain read reads the same files of the tree.
 *
 * cgroups=N times the Cgroups view on a generated cgroup v2 tree of N cgroups (the layout of
 * tests/gen-cgroups.sh: 10 slices, 100 pods, containers under them), read through --root's
 * code path (every frame walks it: no throttle on a tree), against a plain read of the same
 * files. The live Cgroups view is timed only when named (it is left out of "all", as kmemtop
 * leaves it out), and live frames within 2 s reuse the last walk.
 */
#include "kmemtop/capture.h"
#include "kmemtop/read.h"
#include "kmemtop/root.h"
#include "kmemtop/sampler.h"

#include "unit/synth_modorder.h"

#include "../ui/frame.h"
#include "../ui/views.h"
#include "../ui/text.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char **files, **dirs;
static size_t nfiles, ndirs, capf, capd;
static size_t tree_prefix;
static struct km_roots roots;  /* --root: one tree */
static const char *tree_dir;   /* its directory, prefixed to the files of the plain read */
static int warm = 20;
static int procfd = -1; /* the real /proc, opened before --root mounts its own over it */

static char *in_tree(const char *live)
{
    if (!tree_dir)
        return xstrdup(live);
    size_t n = strlen(tree_dir) + strlen(live) + 1;
    char *p = xmalloc(n);
    snprintf(p, n, "%s%s", tree_dir, live);
    return p;
}

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    if (strlen(path) <= tree_prefix)
        return 0;
    const char *live = path + tree_prefix; /* "/proc/..." */
    if (type == FTW_F && strstr(live, "/kmemtop-capture") == NULL && live[1] != 'k') {
        xgrow((void **)&files, &capf, nfiles + 1, sizeof(*files));
        files[nfiles++] = in_tree(live);
    } else if (type == FTW_D && strncmp(live, "/sys/", 5) == 0) {
        xgrow((void **)&dirs, &capd, ndirs + 1, sizeof(*dirs));
        dirs[ndirs++] = in_tree(live);
    }
    return 0;
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    return remove(path);
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t plain_read(char *buf, size_t bufsz)
{
    size_t total = 0;
    for (size_t i = 0; i < nfiles; i++) {
        int fd = open(files[i], O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        ssize_t r;
        while ((r = read(fd, buf, bufsz)) > 0)
            total += (size_t)r;
        close(fd);
    }
    for (size_t i = 0; i < ndirs; i++) {
        DIR *d = opendir(dirs[i]);
        if (!d)
            continue;
        while (readdir(d))
            ;
        closedir(d);
    }
    return total;
}

/* The files one frame reads: a capture of the second frame, listed, then removed. */
static struct km_sampler_opts opts_of(const bool *vis)
{
    struct km_sampler_opts so = {.derive = km_views_derives(vis, NULL)};
    if (roots.n) {
        so.root = roots.trees[0].dir;
        so.wall = roots.trees[0].wall;
        so.page_size = roots.trees[0].page_size;
    }
    return so;
}

/* VmRSS or VmHWM of this process, KiB */
static long status_kib(const char *key)
{
    int fd = openat(procfd, "self/status", O_RDONLY | O_CLOEXEC);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    char line[256];
    long v = -1;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, key, n) == 0 && line[n] == ':')
            v = atol(line + n + 1);
    if (f)
        fclose(f);
    return v;
}

static void learn_files(struct km_sampler *s, unsigned mask, const struct km_sampler_opts *so)
{
    char tmpl[] = "/tmp/kmemtop-bench.XXXXXX", msg[512];
    char *dir = mkdtemp(tmpl);
    struct km_capture_opts opts = {0};
    if (!dir || km_capture_open(dir, &opts, msg, sizeof(msg)) < 0) {
        fprintf(stderr, "kmemtop-bench: cannot capture into %s: %s\n", dir ? dir : "/tmp",
                dir ? msg : "mkdtemp failed");
        exit(1);
    }
    km_sampler_tick(s, mask, so); /* the first frame may read what later ones cache */
    if (km_capture_begin(NULL, msg, sizeof(msg)) < 0) {
        fprintf(stderr, "kmemtop-bench: %s\n", msg);
        exit(1);
    }
    km_sampler_tick(s, mask, so);
    if (mask & KM_SRC_BIT(KM_SRC_MEMINFO))
        km_capture_copy("/proc/meminfo");
    if (mask & KM_SRC_BIT(KM_SRC_SLABINFO))
        km_capture_copy("/proc/slabinfo");
    km_capture_end();
    if (km_capture_finish(0, 4096, "bench", msg, sizeof(msg)) < 0)
        fprintf(stderr, "kmemtop-bench: %s\n", msg);
    if (km_capture_close(msg, sizeof(msg)) < 0)
        fprintf(stderr, "kmemtop-bench: %s\n", msg);
    tree_prefix = strlen(dir);
    nftw(dir, collect, 16, FTW_PHYS);
    nftw(dir, rm_entry, 16, FTW_PHYS | FTW_DEPTH);
}

/* v < 0: every view in one frame */
static void bench_view(int v, int frames, FILE *null)
{
    bool vis[KM_VIEWS_MAX] = {false};
    for (int i = 0; km_views[i]; i++)
        vis[i] = (v < 0 && !km_views[i]->opt_in) || i == v; /* all: as kmemtop -b */
    unsigned mask = km_frame_sources(vis, NULL);
    struct km_sampler *s = km_sampler_new();
    nfiles = ndirs = 0;
    struct km_sampler_opts so = opts_of(vis);
    learn_files(s, mask, &so);
    /*
     * The peak so far is the learning's (a capture of the second frame, the first frame's
     * sysfs reads): kept, then the peak started anew (clear_refs 5, Linux 4.0+), so that the
     * last figure is the peak of the warm-up and measured frames alone.
     */
    long hwm_learn = status_kib("VmHWM");
    /* the real /proc: with --root, /proc is the tree's */
    int crfd = openat(procfd, "self/clear_refs", O_WRONLY | O_CLOEXEC);
    bool reset = crfd >= 0 && write(crfd, "5", 1) == 1;
    if (crfd >= 0)
        close(crfd);
    size_t bufsz = 128 << 10; /* what cat(1) uses */
    char *buf = xmalloc(bufsz);
    struct km_vm vms[KM_VIEWS_MAX];
    struct km_vm *shown[KM_VIEWS_MAX + 1] = {NULL};
    for (int i = 0; km_views[i]; i++) {
        km_vm_init(&vms[i], km_views[i]);
        vms[i].hide_quiet = true; /* as batch text */
        shown[i] = vis[i] ? &vms[i] : NULL;
    }
    struct km_vctx c = {.tree = roots.n ? &roots.trees[0] : NULL};
    double t_plain = 0, t_km = 0;
    size_t bytes = 0;
    long rss_warm = 0;
    for (int i = -warm; i < frames; i++) {
        if (i == 0)
            rss_warm = status_kib("VmRSS");
        double t0 = cpu_now();
        bytes = plain_read(buf, bufsz);
        double t1 = cpu_now();
        km_sampler_tick(s, mask, &so);
        c.s = km_sampler_cur(s);
        c.prev = km_sampler_prev(s);
        for (int k = 0; km_views[k]; k++)
            if (vis[k])
                km_vm_build(&vms[k], &c);
        km_frame_text(null, shown, &c);
        double t2 = cpu_now();
        if (i >= 0) {
            t_plain += t1 - t0;
            t_km += t2 - t1;
        }
    }
    printf("%-8s %5zu files %4zu dirs %9zu bytes  plain %9.1f us  kmemtop %9.1f us  ratio %6.3f  "
           "RSS %6ld -> %6ld KiB  peak %6ld KiB  first frames' peak %6ld KiB%s\n",
           v < 0 ? "all" : km_views[v]->name, nfiles, ndirs, bytes, t_plain / frames * 1e6,
           t_km / frames * 1e6, t_plain > 0 ? t_km / t_plain : 0, rss_warm, status_kib("VmRSS"),
           status_kib("VmHWM"), hwm_learn, reset ? "" : " (peak not reset: it includes them)");
    fflush(stdout);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    for (size_t i = 0; i < ndirs; i++)
        free(dirs[i]);
    for (int i = 0; km_views[i]; i++)
        km_vm_free(&vms[i]);
    km_sampler_free(s);
    free(buf);
}

/* In a child of its own: the memory figures are the view's alone. */
static void bench_view_child(int v, int frames, FILE *null)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        bench_view(v, frames, null);
        _exit(0);
    }
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
        printf("%-8s failed\n", v < 0 ? "all" : km_views[v]->name);
}

/*
 * The floor under the slab view: libproc2's own read of /proc/slabinfo (which
 * the project uses for it) against one plain read of the same file.
 */
static void bench_libproc2(int frames)
{
    struct km_slab_ctx *ctx = NULL;
    struct km_slabs sl = {0};
    struct km_perr pe = {0};
    char *buf = xmalloc(128 << 10);
    double t_lib = 0, t_plain = 0;
    if (km_slab_ctx_new(&ctx) || km_slabs_read(ctx, 4096, &sl, &pe)) {
        printf("libproc2 slabinfo: not readable here\n");
        km_slab_ctx_free(&ctx);
        free(buf);
        return;
    }
    for (int i = 0; i < frames; i++) {
        double t0 = cpu_now();
        km_slabs_free(&sl);
        km_slabs_read(ctx, 4096, &sl, &pe);
        double t1 = cpu_now();
        int fd = open("/proc/slabinfo", O_RDONLY | O_CLOEXEC);
        while (fd >= 0 && read(fd, buf, 128 << 10) > 0)
            ;
        if (fd >= 0)
            close(fd);
        t_lib += t1 - t0;
        t_plain += cpu_now() - t1;
    }
    printf("libproc2 slabinfo read %8.1f us, plain read of /proc/slabinfo %8.1f us: ratio %.3f "
           "(the floor of the slab view)\n",
           t_lib / frames * 1e6, t_plain / frames * 1e6, t_plain > 0 ? t_lib / t_plain : 0);
    km_slabs_free(&sl);
    km_slab_ctx_free(&ctx);
    free(buf);
}

/*
 * The module join alone at server scale (synthetic, tests/unit/synth_modorder.h): 1000
 * modules with 3-4 image areas each on 64 vmap nodes, hashed, among 96k other areas; with
 * N from cpu/possible and with N inferred (a tree without it).
 */
static void bench_join(int frames)
{
    struct km_modules m = {0};
    struct km_vmallocinfo v = {0};
    synth_order(1000, 64, 96000, &m, &v);
    struct km_mj_hints given = {.possible_cpus = 64};
    const struct km_mj_hints *hints[2] = {&given, NULL};
    for (int h = 0; h < 2; h++) {
        int n = h ? (frames + 9) / 10 : frames;
        size_t exact = 0;
        double t0 = cpu_now();
        for (int i = 0; i < n; i++) {
            struct km_modjoin j;
            km_modjoin(&m, &v, SYN_PS, hints[h], &j);
            exact = j.nmatched;
            km_modjoin_free(&j);
        }
        printf("%-10s %9.1f us  1000 modules, 100k areas, hashed, order by 64 vmap nodes (N %s): "
               "exact for %zu\n",
               "join", (cpu_now() - t0) / n * 1e6, h ? "inferred" : "given", exact);
    }
    km_modules_free(&m);
    km_vmallocinfo_free(&v);
}

/* Every file and directory of a generated tree, for the plain reader. */
static int collect_all(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    if (type == FTW_F) {
        xgrow((void **)&files, &capf, nfiles + 1, sizeof(*files));
        files[nfiles++] = xstrdup(path);
    } else if (type == FTW_D) {
        xgrow((void **)&dirs, &capd, ndirs + 1, sizeof(*dirs));
        dirs[ndirs++] = xstrdup(path);
    }
    return 0;
}

/* One cgroup's files, its figures following from its number i, as tests/gen-cgroups.sh. */
static void cg_files(const char *dir, long i)
{
    char p[4096], text[1024];
    snprintf(p, sizeof(p), "%s/memory.stat", dir);
    FILE *f = fopen(p, "w");
    snprintf(text, sizeof(text),
             "anon %ld\nfile %ld\nkernel %ld\nkernel_stack 16384\npagetables %ld\nsec_pagetables "
             "0\npercpu %ld\nsock %ld\nvmalloc %ld\nshmem 0\nslab_reclaimable %ld\n"
             "slab_unreclaimable %ld\nslab %ld\n",
             i * 65536, i * 32768, i * 4096, i * 512, i * 8, i, i * 16, i * 256, i * 768, i * 1024);
    fputs(text, f);
    fclose(f);
    snprintf(p, sizeof(p), "%s/memory.current", dir);
    f = fopen(p, "w");
    fprintf(f, "%ld\n", i * 131072);
    fclose(f);
    snprintf(p, sizeof(p), "%s/cgroup.stat", dir);
    f = fopen(p, "w");
    fputs("nr_descendants 0\nnr_dying_descendants 0\n", f);
    fclose(f);
}

/* A generated cgroup v2 tree of n cgroups in dir (dir/proc/self/mountinfo, dir/sys/fs/cgroup). */
static void cg_tree(const char *dir, long n)
{
    char p[4096], root[4096];
    snprintf(p, sizeof(p), "%s/proc", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/proc/self", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/proc/self/mountinfo", dir);
    FILE *f = fopen(p, "w");
    fputs("35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw\n", f);
    fclose(f);
    const char *parts[] = {"sys", "sys/fs", "sys/fs/cgroup"};
    for (int k = 0; k < 3; k++) {
        snprintf(p, sizeof(p), "%s/%s", dir, parts[k]);
        mkdir(p, 0755);
    }
    snprintf(root, sizeof(root), "%s/sys/fs/cgroup", dir);
    cg_files(root, 0);
    long i = 1;
    for (long s = 0; s < 10 && i < n; s++, i++) {
        snprintf(p, sizeof(p), "%s/slice-%ld.slice", root, s);
        mkdir(p, 0755);
        cg_files(p, i);
    }
    for (long s = 0; s < 100 && i < n; s++, i++) {
        snprintf(p, sizeof(p), "%s/slice-%ld.slice/pod-%ld", root, s % 10, s);
        mkdir(p, 0755);
        cg_files(p, i);
    }
    for (long c = 0; i < n; c++, i++) {
        snprintf(p, sizeof(p), "%s/slice-%ld.slice/pod-%ld/ctr-%ld", root, c % 10, c % 100, c);
        mkdir(p, 0755);
        cg_files(p, i);
    }
}

/* The Cgroups view's frame on a generated tree of n cgroups, against a plain read of its files. */
static void bench_cgroups_tree(long n, int frames, FILE *null)
{
    char tmpl[] = "/tmp/kmemtop-bench-cg.XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir) {
        perror("kmemtop-bench: mkdtemp");
        return;
    }
    double g0 = cpu_now();
    cg_tree(dir, n);
    double g1 = cpu_now();
    nfiles = ndirs = 0;
    char sub[4200];
    snprintf(sub, sizeof(sub), "%s/sys/fs/cgroup", dir);
    nftw(sub, collect_all, 16, FTW_PHYS); /* the plain reader's list: every file, every directory */
    char pdir[4200], sdir[4200];
    snprintf(pdir, sizeof(pdir), "%s/proc", dir);
    snprintf(sdir, sizeof(sdir), "%s/sys", dir);
    km_read_set_tree(open(pdir, O_PATH | O_DIRECTORY | O_CLOEXEC),
                     open(sdir, O_PATH | O_DIRECTORY | O_CLOEXEC));
    int v = km_view_find("cgroups");
    bool vis[KM_VIEWS_MAX] = {false};
    vis[v] = true;
    struct km_sampler_opts so = opts_of(vis);
    so.root = dir;
    struct km_sampler *s = km_sampler_new();
    size_t bufsz = 128 << 10;
    char *buf = xmalloc(bufsz);
    struct km_vm vm;
    km_vm_init(&vm, km_views[v]);
    struct km_vctx c = {0};
    double t_plain = 0, t_read = 0, t_view = 0;
    size_t bytes = 0, rows = 0;
    for (int i = 0; i < frames; i++) {
        double t0 = cpu_now();
        bytes = plain_read(buf, bufsz);
        double t1 = cpu_now();
        km_sampler_tick(s, KM_SRC_BIT(KM_SRC_CGROUPS), &so);
        double t2 = cpu_now();
        c.s = km_sampler_cur(s);
        c.prev = km_sampler_prev(s);
        km_vm_build(&vm, &c);
        km_text_table(null, &vm, &c);
        double t3 = cpu_now();
        rows = vm.nvis;
        t_plain += t1 - t0;
        t_read += t2 - t1;
        t_view += t3 - t2;
    }
    printf("cgroups  %ld generated v2 cgroups (%.1f s to make): %zu rows, %zu files %zu dirs %zu "
           "bytes\n         plain read %8.1f ms   kmemtop frame %8.1f ms (walk and parse %.1f ms, "
           "view and text %.1f ms)   ratio %.3f\n",
           n, g1 - g0, rows, nfiles, ndirs, bytes, t_plain / frames * 1e3,
           (t_read + t_view) / frames * 1e3, t_read / frames * 1e3, t_view / frames * 1e3,
           t_plain > 0 ? (t_read + t_view) / t_plain : 0);
    km_vm_free(&vm);
    km_sampler_free(s);
    km_read_set_tree(-1, -1);
    free(buf);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    for (size_t i = 0; i < ndirs; i++)
        free(dirs[i]);
    nftw(dir, rm_entry, 16, FTW_PHYS | FTW_DEPTH);
}

int main(int argc, char **argv)
{
    int frames = 200, a = 1;
    char msg[512];
    procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    km_malloc_steady(); /* as the program does */
    for (; a + 1 < argc && argv[a][0] == '-'; a += 2) {
        if (strcmp(argv[a], "-n") == 0)
            frames = atoi(argv[a + 1]);
        else if (strcmp(argv[a], "-w") == 0)
            warm = atoi(argv[a + 1]);
        else if (strcmp(argv[a], "--root") == 0) {
            if (km_roots_expand(&argv[a + 1], 1, &roots, msg, sizeof(msg)) ||
                km_root_enter(true, msg, sizeof(msg)) ||
                km_root_switch(&roots.trees[0], msg, sizeof(msg))) {
                fprintf(stderr, "kmemtop-bench: %s\n", msg);
                return 1;
            }
            tree_dir = roots.trees[0].dir;
        } else
            break;
    }
    int first = a;
    if (frames < 1)
        frames = 1;
    if (warm < 0)
        warm = 0;
    FILE *null = fopen("/dev/null", "w");
    printf("%s: CPU time (user+system) per frame, mean of %d alternating rounds after %d of "
           "warm-up\n",
           tree_dir ? tree_dir : "live", frames, warm);
    for (int v = 0; km_views[v]; v++) {
        bool want = first >= argc && !km_views[v]->opt_in;
        for (int k = first; k < argc; k++)
            want |= strcmp(argv[k], km_views[v]->name) == 0;
        if (want)
            bench_view_child(v, frames, null);
    }
    bool all = first >= argc, join = first >= argc && !tree_dir;
    for (int k = first; k < argc; k++) {
        all |= strcmp(argv[k], "all") == 0;
        join |= strcmp(argv[k], "join") == 0;
    }
    if (all)
        bench_view_child(-1, frames, null);
    if (!tree_dir && first >= argc)
        bench_libproc2(frames);
    for (int k = first; k < argc; k++)
        if (strncmp(argv[k], "cgroups=", 8) == 0)
            bench_cgroups_tree(atol(argv[k] + 8), frames, null);
    if (join)
        bench_join(frames);
    fclose(null);
    free(files);
    free(dirs);
    km_roots_free(&roots);
    return 0;
}
