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
 *   _build/tests/kmemtop-bench [-n FRAMES] [-w WARM] [--root TREE] [view ... | all | join]
 *
 * With --root the frames read the captured (or tests/scale-tree.py) tree as `kmemtop --root`
 * does, and the plain read reads the same files of the tree.
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
        vis[i] = v < 0 || i == v;
    unsigned mask = km_frame_sources(vis, NULL);
    struct km_sampler *s = km_sampler_new();
    nfiles = ndirs = 0;
    struct km_sampler_opts so = opts_of(vis);
    learn_files(s, mask, &so);
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
           "RSS %6ld -> %6ld KiB  peak %6ld KiB\n",
           v < 0 ? "all" : km_views[v]->name, nfiles, ndirs, bytes, t_plain / frames * 1e6,
           t_km / frames * 1e6, t_plain > 0 ? t_km / t_plain : 0, rss_warm, status_kib("VmRSS"),
           status_kib("VmHWM"));
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
        bool want = first >= argc;
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
    if (join)
        bench_join(frames);
    fclose(null);
    free(files);
    free(dirs);
    km_roots_free(&roots);
    return 0;
}
