/*
 * bench.c - what a kmemtop frame costs against a plain read of the files it needs.
 *
 * For each view: one frame (the second, as in steady state) is captured into a temporary tree to
 * learn exactly which files (and directories) that view's frame reads. Then, in alternating rounds,
 * (a) those files are read plainly (open, read to EOF with a 128 KiB buffer, as cat(1), close;
 * directories listed) and (b) kmemtop takes a frame: sampler tick for the view's sources, view
 * model build, text table rendered to /dev/null. CPU time (user + system, the kernel's work of
 * producing the files included) per frame is compared.
 *
 * cgroups[=N] times the Cgroups view on a generated cgroup v2 tree of N cgroups (10000 by
 * default; the layout of tests/gen-cgroups.sh: 10 slices, 100 pods, containers under them),
 * read through --root's code path (every frame walks it: no throttle on a tree), against a
 * plain read of the same files. The live Cgroups view is timed only when named (it is left
 * out of "all"), and live frames within 2 s reuse the last walk.
 *
 *   _build/tests/kmemtop-bench [-n FRAMES] [view ... | join | cgroups[=N]]
 */
#include "kmemtop/capture.h"
#include "kmemtop/read.h"
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
#include <time.h>
#include <unistd.h>

static char **files, **dirs;
static size_t nfiles, ndirs, capf, capd;
static size_t tree_prefix;

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    if (strlen(path) <= tree_prefix)
        return 0;
    const char *live = path + tree_prefix; /* "/proc/..." */
    if (type == FTW_F && strstr(live, "/kmemtop-capture") == NULL && live[1] != 'k') {
        xgrow((void **)&files, &capf, nfiles + 1, sizeof(*files));
        files[nfiles++] = xstrdup(live);
    } else if (type == FTW_D && strncmp(live, "/sys/", 5) == 0) {
        xgrow((void **)&dirs, &capd, ndirs + 1, sizeof(*dirs));
        dirs[ndirs++] = xstrdup(live);
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
    return (struct km_sampler_opts){.derive = km_views_derives(vis, NULL)};
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

static void bench_view(int v, int frames, FILE *null)
{
    bool vis[KM_VIEWS_MAX] = {false};
    vis[v] = true;
    unsigned mask = km_frame_sources(vis, NULL);
    struct km_sampler *s = km_sampler_new();
    nfiles = ndirs = 0;
    struct km_sampler_opts so = opts_of(vis);
    learn_files(s, mask, &so);
    size_t bufsz = 128 << 10; /* what cat(1) uses */
    char *buf = xmalloc(bufsz);
    struct km_vm vm;
    km_vm_init(&vm, km_views[v]);
    struct km_vctx c = {0};
    double t_plain = 0, t_km = 0;
    size_t bytes = 0;
    for (int i = 0; i < frames; i++) {
        double t0 = cpu_now();
        bytes = plain_read(buf, bufsz);
        double t1 = cpu_now();
        km_sampler_tick(s, mask, &so);
        c.s = km_sampler_cur(s);
        c.prev = km_sampler_prev(s);
        km_vm_build(&vm, &c);
        km_text_table(null, &vm, &c);
        double t2 = cpu_now();
        t_plain += t1 - t0;
        t_km += t2 - t1;
    }
    printf(
        "%-8s %5zu files %4zu dirs %8zu bytes   plain %8.1f us   kmemtop %8.1f us   ratio %.3f\n",
        km_views[v]->name, nfiles, ndirs, bytes, t_plain / frames * 1e6, t_km / frames * 1e6,
        t_plain > 0 ? t_km / t_plain : 0);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    for (size_t i = 0; i < ndirs; i++)
        free(dirs[i]);
    km_vm_free(&vm);
    km_sampler_free(s);
    free(buf);
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
    int frames = 200, first = 1;
    if (argc > 2 && strcmp(argv[1], "-n") == 0) {
        frames = atoi(argv[2]);
        first = 3;
    }
    if (frames < 1)
        frames = 1;
    FILE *null = fopen("/dev/null", "w");
    printf("CPU time (user+system) per frame, mean of %d alternating rounds\n", frames);
    for (int v = 0; km_views[v]; v++) {
        bool want = first >= argc && !km_views[v]->opt_in;
        for (int a = first; a < argc; a++)
            want |= strcmp(argv[a], km_views[v]->name) == 0;
        if (want)
            bench_view(v, frames, null);
    }
    for (int a = first; a < argc; a++)
        if (strncmp(argv[a], "cgroups=", 8) == 0 || strcmp(argv[a], "cgroups-tree") == 0)
            bench_cgroups_tree(argv[a][7] == '=' ? atol(argv[a] + 8) : 10000,
                               frames > 20 ? 20 : frames, null);
    if (first >= argc)
        bench_cgroups_tree(10000, frames > 20 ? 20 : frames, null);
    bench_libproc2(frames);
    bool join = first >= argc;
    for (int a = first; a < argc; a++)
        join |= strcmp(argv[a], "join") == 0;
    if (join)
        bench_join(frames);
    fclose(null);
    free(files);
    free(dirs);
    return 0;
}
