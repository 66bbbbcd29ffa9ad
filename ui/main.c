/*
 * main.c - kmemtop's entry: options, then capture, batch frames or the
 * interactive screen. The only place (with the screen) that ends the process.
 */
#include "app.h"
#include "fmt.h"
#include "csv.h"
#include "frame.h"
#include "screen.h"
#include "export.h"
#include "serve.h"
#include "text.h"
#include "replay.h"

#include "kmemtop/capture.h"
#include "kmemtop/record.h"
#include "kmemtop/source.h"
#include "kmemtop/read.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Waits s seconds between batch frames, or less: until the output has an
 * error (the reader of a pipe has gone), so that the next write finds it
 * at once rather than a delay later.
 */
static void wait_frame(double s)
{
    double end = km_now() + s;
    for (double left = s; left > 0; left = end - km_now()) {
        struct pollfd p = {.fd = STDOUT_FILENO, .events = 0};
        int ms = left > 1000 ? 1000000 : (int)(left * 1000 + 0.5);
        int r = poll(&p, 1, ms);
        if (r > 0 && (p.revents & (POLLERR | POLLHUP | POLLNVAL)))
            return;
        if (r < 0 && errno != EINTR)
            return;
    }
}

/*
 * The reader of the output has gone (EPIPE): end quietly, as a write with
 * SIGPIPE's default action would have (also when it was ignored).
 */
static void reader_gone(void)
{
    signal(SIGPIPE, SIG_DFL);
    raise(SIGPIPE);
    _exit(128 + SIGPIPE);
}

/*
 * Batch frames go to a stream over standard output that keeps the first
 * write error's errno (stdio keeps only a flag, and may even drop the
 * unwritten bytes, so that a later fflush succeeds).
 */
struct output {
    FILE *f;
    int err;
};

static ssize_t output_write(void *cookie, const char *buf, size_t n)
{
    struct output *o = cookie;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(STDOUT_FILENO, buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            if (!o->err)
                o->err = errno;
            if (errno == EPIPE)
                reader_gone();
            return -1;
        }
        done += (size_t)w;
    }
    return (ssize_t)n;
}

static int output_open(struct output *o, char *msg, size_t msgsz)
{
    cookie_io_functions_t fn = {.write = output_write};
    o->err = 0;
    o->f = fopencookie(o, "w", fn);
    if (!o->f) {
        snprintf(msg, msgsz, "standard output: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Sends what was written so far (close: and ends the stream); -1 with msg when refused. */
static int output_flush(struct output *o, bool close, char *msg, size_t msgsz)
{
    bool bad = fflush(o->f) != 0 || ferror(o->f) || o->err;
    if (close) {
        bad |= fclose(o->f) != 0;
        o->f = NULL;
        bad |= fclose(stdout) != 0; /* nothing should be there, but say if it was refused */
    }
    if (!bad)
        return 0;
    snprintf(msg, msgsz, "writing output: %s", strerror(o->err ? o->err : EIO));
    return -1;
}

static void all_views(bool v[KM_VIEWS_MAX])
{
    for (int i = 0; i < KM_VIEWS_MAX; i++)
        v[i] = i < km_nviews() && !km_views[i]->opt_in;
}

/* An error on stderr: it may quote names from a stranger's tree, so no control byte gets out. */
static void say_error(const char *msg)
{
    char safe[1024];
    km_sanitize(safe, sizeof(safe), msg);
    fprintf(stderr, "kmemtop: %s\n", safe);
}

/*
 * What the capture left out, and why: files this reader may not read
 * (vmallocinfo, slabinfo, pagetypeinfo and module sections need root) and
 * files this kernel does not have. From the capture's last tick.
 */
static void say_left_out(const struct km_sample *s)
{
    char denied[600] = "", missing[600] = "";
    size_t dn = 0, mn = 0;
    for (int i = 0; i < KM_SRC_COUNT; i++) {
        const struct km_source *so = &s->src[i];
        char *b = so->status == KM_ST_DENIED ? denied : so->status == KM_ST_MISSING ? missing : NULL;
        size_t *pos = b == denied ? &dn : &mn;
        if (!b || *pos + 2 >= sizeof(denied))
            continue;
        int w = snprintf(b + *pos, sizeof(denied) - *pos, "%s%s", *pos ? ", " : "",
                         km_src_path((enum km_src)i));
        *pos = w < 0 ? *pos : *pos + (size_t)w >= sizeof(denied) ? sizeof(denied) - 1 : *pos + (size_t)w;
    }
    size_t sec = 0;
    for (size_t k = 0; s->src[KM_SRC_MODULES].status == KM_ST_OK && k < s->mods.n; k++)
        sec += s->mods.mods[k].sections_denied;
    if (sec && dn + 2 < sizeof(denied))
        snprintf(denied + dn, sizeof(denied) - dn, "%s/sys/module/*/sections of %zu modules",
                 dn ? ", " : "", sec);
    if (denied[0])
        printf("  left out, unreadable by this user (root can read them): %s\n", denied);
    if (missing[0])
        printf("  left out, not in this kernel: %s\n", missing);
}

/* Where the capture's files may be read: said when it is written. */
static void say_captured(const char *dir, mode_t dir_mode)
{
    if ((dir_mode & 077) == 0)
        printf("captured %s (files keep their kernel modes; the tree is readable by you only)\n",
               dir);
    else
        printf("captured %s (files keep their kernel modes; directories are mode %03o)\n", dir,
               (unsigned)(dir_mode & 07777));
    unsigned skipped = km_capture_links_skipped();
    if (skipped)
        printf("  %u symlinks pointing out of the tree were not recreated\n", skipped);
}

/* One tree ("" for DIR itself): a tick of every view with the tee on, then the record. */
static int capture_one(struct km_app *a, const char *tree, char *msg, size_t msgsz)
{
    int rc = km_capture_begin(tree, msg, msgsz);
    if (rc)
        return rc;
    bool v[KM_VIEWS_MAX];
    all_views(v);
    for (int i = 0; i < KM_VIEWS_MAX; i++) /* and a view all leaves out, when named (cgroups) */
        v[i] = v[i] || a->o.views[i];
    km_sampler_reset_files(a->sampler);
    rc = km_app_tick(a, v, msg, msgsz);
    if (rc)
        km_capture_fail(-EIO, "(sampling failed)");
    km_sources_capture_libproc2(); /* the files libproc2 reads by name (meminfo, slabinfo) */
    km_capture_copy("/proc/version");
    km_capture_copy("/proc/sys/kernel/kptr_restrict");
    km_capture_end();
    char path[4096];
    int crc = km_capture_error(path, sizeof(path));
    const struct km_sample *s = a->ctx.s;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    double wall = s->wall > 0 ? s->wall : (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    long ps = s->page_size;
    if (a->ctx.tree) { /* from a tree or a recording: what it said, unknown staying unknown */
        wall = a->ctx.tree->wall;
        ps = a->ctx.tree->page_size;
    }
    char fmsg[512];
    int frc = km_capture_finish(wall, ps, s->kernel, fmsg, sizeof(fmsg));
    if (rc)
        return rc;
    if (frc) {
        snprintf(msg, msgsz, "%s", fmsg);
        return frc;
    }
    if (crc) {
        snprintf(msg, msgsz, "--capture %s: could not write %s: %s", a->o.capture, path,
                 strerror(-crc));
        return crc;
    }
    return 0;
}

/* --capture's signals: each caught unless it was ignored on entry (nohup, a background job). */
static const int capture_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void on_capture_signal(int sig)
{
    km_capture_interrupt(sig); /* async-signal-safe: stores sig, nothing more */
}

/* Catches the capture's signals into set, without SA_RESTART: a slow read returns EINTR. */
static void catch_capture_signals(sigset_t *set)
{
    sigemptyset(set);
    for (size_t i = 0; i < sizeof(capture_signals) / sizeof(capture_signals[0]); i++) {
        struct sigaction old, sa = {.sa_handler = on_capture_signal};
        sigemptyset(&sa.sa_mask);
        if (sigaction(capture_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(capture_signals[i], &sa, NULL);
        sigaddset(set, capture_signals[i]);
    }
}

/* Waits s seconds between the trees of a series, or until a caught signal interrupts it. */
static void capture_wait(double s, const sigset_t *set)
{
    sigset_t old;
    sigprocmask(SIG_BLOCK, set, &old); /* no signal between the check and the wait */
    double end = km_now() + s;
    for (double left = s; left > 0 && !km_capture_interrupted(); left = end - km_now()) {
        struct timespec ts = {.tv_sec = (time_t)left,
                              .tv_nsec = (long)((left - (double)(time_t)left) * 1e9)};
        ppoll(NULL, 0, &ts, &old); /* the signals are let in only while waiting */
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static const char *signal_name(int sig)
{
    return sig == SIGINT    ? "SIGINT"
           : sig == SIGTERM ? "SIGTERM"
           : sig == SIGHUP  ? "SIGHUP"
                            : "a signal";
}

/* What an interrupted capture did, in msg: rc its error, done of n trees placed. */
static void say_interrupted(const char *dir, int sig, int rc, bool removed, long done, long n,
                            char *msg, size_t msgsz)
{
    const char *name = signal_name(sig);
    if (rc == 0 && done == 0)
        snprintf(msg, msgsz, "--capture %s: interrupted by %s before any tree was written", dir,
                 name);
    else if (rc == 0)
        snprintf(msg, msgsz,
                 "--capture %s: interrupted by %s after %ld of %ld trees (those are kept)", dir,
                 name, done, n);
    else if (done == 0)
        snprintf(msg, msgsz, "--capture %s: interrupted by %s%s", dir, name,
                 removed ? "; the unfinished tree was removed" : "");
    else
        snprintf(msg, msgsz, "--capture %s: interrupted by %s%s (%ld of %ld trees captured, kept)",
                 dir, name, removed ? "; the unfinished tree was removed" : "", done, n);
}

/* The trees, until the last, an error or a caught signal; *done counts those placed. */
static int capture_trees(struct km_app *a, long n, const sigset_t *sigs, long *done, char *msg,
                         size_t msgsz)
{
    int rc = 0;
    for (long i = 0; i < n && rc == 0 && !km_capture_interrupted(); i++) {
        char tree[24] = "";
        if (n > 1) /* a series' trees in name order: as many digits as the last needs */
            snprintf(tree, sizeof(tree), "%0*ld", n > 9999 ? (int)snprintf(NULL, 0, "%ld", n) : 4,
                     i + 1);
        rc = capture_one(a, tree, msg, msgsz);
        if (rc)
            break;
        ++*done;
        if (n > 1) {
            printf("captured %s/%s\n", a->o.capture, tree);
            fflush(stdout); /* each tree as it lands, also into a pipe or a log */
        }
        if (i + 1 < n && a->roots.n <= 1)
            capture_wait(a->o.delay, sigs);
    }
    return rc;
}

static int run_capture(struct km_app *a, char *msg, size_t msgsz)
{
    struct km_capture_opts co = {.dir_mode = a->o.dir_mode ? a->o.dir_mode : 0700,
                                 .force = a->o.force};
    sigset_t sigs;
    catch_capture_signals(&sigs);
    int rc = km_capture_open(a->o.capture, &co, msg, msgsz);
    if (rc)
        return rc;
    /* a recording (-r) or a series: each of its ticks a tree, unless -n says how many */
    long left = a->roots.n > 1 ? (long)(a->roots.n - a->tree) : 1;
    long n = a->o.iterations > 0 ? a->o.iterations : a->o.replay ? left : 1, done = 0;
    if (a->roots.n > 1 && n > left)
        n = left;
    rc = capture_trees(a, n, &sigs, &done, msg, msgsz);
    char cmsg[1024];
    int crc = km_capture_close(cmsg, sizeof(cmsg));
    int sig = km_capture_interrupted();
    if (rc == 0 && done == n) {
        say_captured(a->o.capture, co.dir_mode);
        say_left_out(a->ctx.s);
    }
    if (crc && (rc || sig))
        say_error(cmsg); /* msg says the first error, or the signal; this one too */
    else if (crc) {
        snprintf(msg, msgsz, "%s", cmsg);
        rc = crc;
    }
    if (sig && done < n) {
        say_interrupted(a->o.capture, sig, rc, crc == 0, done, n, msg, msgsz);
        rc = -EINTR;
    }
    return rc;
}

/* One tick into the recording: the files of the views read, as a capture tree holds them. */
static int record_one(struct km_app *a, struct km_rec_writer *w, const bool *v, size_t *bytes,
                      char *msg, size_t msgsz)
{
    km_rec_begin(w);
    km_sampler_reset_files(a->sampler); /* every tick whole: each replays as a tree of its own */
    int rc = km_app_tick(a, v, msg, msgsz);
    if (rc == 0) {
        km_sources_capture_libproc2(); /* the files libproc2 reads by name (meminfo, slabinfo) */
        km_capture_copy("/proc/version");
        km_capture_copy("/proc/sys/kernel/kptr_restrict");
    }
    if (rc || km_capture_interrupted()) {
        km_rec_abort(w);
        return rc;
    }
    const struct km_sample *s = a->ctx.s;
    /* from a tree: what its record said (unknown stays unknown, so replay infers the same) */
    double wall = a->ctx.tree ? a->ctx.tree->wall : s->wall;
    long ps = a->ctx.tree ? a->ctx.tree->page_size : s->page_size;
    struct km_rec_tick t = {.wall = wall, .page_size = ps, .kernel = s->kernel,
                            .complete = a->ctx.tree ? a->ctx.tree->complete : 1};
    return km_rec_commit(w, &t, bytes, msg, msgsz);
}

/*
 * -w FILE: -n ticks (without -n, until a signal or the series' end; a single tree: one),
 * -d seconds apart on the live system.
 */
static int run_record(struct km_app *a, char *msg, size_t msgsz)
{
    sigset_t sigs;
    catch_capture_signals(&sigs);
    struct km_rec_writer *w;
    uint64_t torn = 0;
    int rc = km_rec_open_write(a->o.record, &w, &torn, msg, msgsz);
    if (rc)
        return rc;
    if (torn) {
        char m[600];
        snprintf(m, sizeof(m),
                 "%s: %llu bytes of a torn record at its end (cut off); the recording continues "
                 "after tick %zu",
                 a->o.record, (unsigned long long)torn, km_rec_writer_ticks(w));
        say_error(m);
    }
    km_rec_set_limits(w, a->o.keep, a->o.max_size);
    bool v[KM_VIEWS_MAX];
    memcpy(v, a->o.views, sizeof(v));
    if (!a->o.view_given)
        all_views(v);
    long n = a->o.iterations;
    if (n < 0 && a->roots.n == 1)
        n = 1; /* one tree: one tick (without -n, the same tree again and again, undelayed) */
    for (long i = 0; (n < 0 || i < n) && !km_capture_interrupted(); i++) {
        size_t bytes = 0;
        rc = record_one(a, w, v, &bytes, msg, msgsz);
        if (rc == 1) {
            rc = 0; /* the series has no tree left */
            break;
        }
        if (rc || km_capture_interrupted())
            break;
        printf("recorded tick %zu: %zu bytes\n", km_rec_writer_ticks(w), bytes);
        fflush(stdout);
        if ((n < 0 || i + 1 < n) && a->roots.n == 0)
            capture_wait(a->o.delay, &sigs);
    }
    km_rec_close_write(w);
    return rc;
}

/* After a caught signal: ends as the signal would have (the shell sees 128 + its number). */
static void end_by_signal(int sig)
{
    fflush(stdout);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig);
}

static void write_frame(struct km_app *a, struct km_vm *const *vms, long i, FILE *f)
{
    if (a->o.format == KM_FMT_JSON) {
        km_frame_json(f, vms, &a->ctx);
        return;
    }
    if (a->o.format == KM_FMT_CSV) {
        km_csv_frame(f, vms, &a->ctx);
        return;
    }

    if (i > 0)
        fputc('\n', f);
    km_frame_text(f, vms, &a->ctx);
}

static int run_batch(struct km_app *a, char *msg, size_t msgsz)
{
    bool v[KM_VIEWS_MAX];
    memcpy(v, a->o.views, sizeof(v));
    if (!a->o.view_given)
        all_views(v);
    struct km_vm *vms[KM_VIEWS_MAX];
    for (int i = 0; i < KM_VIEWS_MAX; i++)
        vms[i] = v[i] ? &a->vms[i] : NULL;
    /*
     * -b without -n, live, runs as top -b does: until a signal (n == 0). A
     * tree shows once, a series and a recording each tree once; -o, or a
     * batch that only the output chose (a pipe, --format), prints one frame.
     */
    long n = a->o.iterations;
    if (n < 0)
        n = a->roots.n > 1                                      ? (long)(a->roots.n - a->tree)
            : a->o.batch && !a->o.once && a->roots.n == 0 ? 0
                                                          : 1;
    struct output out;
    if (output_open(&out, msg, msgsz) < 0)
        return -1;
    int rc = 0;
    for (long i = 0; (n == 0 || i < n) && rc == 0; i++) {
        /* --from: the first tick with the rates of its recorded interval */
        rc = i == 0 && a->tree > 0 ? km_app_seek(a, a->tree, v, msg, msgsz)
                                   : km_app_tick(a, v, msg, msgsz);
        if (rc == 1) {
            rc = 0;
            break; /* the series has no tree left */
        }
        if (rc)
            break;
        write_frame(a, vms, i, out.f);
        rc = output_flush(&out, false, msg, msgsz);
        if (rc == 0 && (n == 0 || i + 1 < n) && a->roots.n == 0)
            wait_frame(a->o.delay);
    }
    if (rc == 0)
        rc = output_flush(&out, true, msg, msgsz);
    else
        fclose(out.f);
    return rc;
}

static volatile sig_atomic_t export_stop;

static void on_export_signal(int sig)
{
    export_stop = sig;
}

/* Sleeps s seconds, or until SIGINT or SIGTERM. */
static void sleep_stoppable(double s)
{
    double end = km_now() + s;
    for (double left = s; left > 0 && !export_stop; left = end - km_now()) {
        struct timespec ts = {.tv_sec = (time_t)left,
                              .tv_nsec = (long)((left - (double)(time_t)left) * 1e9)};
        nanosleep(&ts, NULL);
    }
}

/*
 * --format prometheus, --textfile DIR, --listen ADDR:PORT: the exporter's
 * samples (ui/export.c), to standard output, to DIR/kmemtop.prom each -d
 * seconds, or to scrapers.
 */
static int run_export(struct km_app *a, char *msg, size_t msgsz)
{
    struct km_export e;
    km_export_init(&e, a);
    int rc = 0;
    if (a->o.listen) {
        rc = km_serve(&e, msg, msgsz);
        km_export_free(&e);
        return rc;
    }
    if (a->o.textfile && km_textfile_open(&e, a->o.textfile, msg, msgsz) < 0) {
        km_export_free(&e);
        return -1;
    }
    struct sigaction sa = {.sa_handler = on_export_signal};
    sigemptyset(&sa.sa_mask);
    if (a->o.textfile) {
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
    }
    long n = a->o.iterations;
    if (n < 0)
        n = a->o.textfile ? (a->roots.n > 1 ? (long)a->roots.n : 0) : a->roots.n > 1 ? (long)a->roots.n : 1;
    struct output out;
    if (!a->o.textfile && output_open(&out, msg, msgsz) < 0) {
        km_export_free(&e);
        return -1;
    }
    for (long i = 0; (n == 0 || i < n) && rc == 0 && !export_stop; i++) {
        rc = km_export_tick(&e, msg, msgsz);
        if (rc == 1) {
            rc = 0;
            break;
        }
        if (rc)
            break;
        if (a->o.textfile) {
            rc = km_textfile_write(&e, msg, msgsz);
        } else {
            fwrite(e.text, 1, e.len, out.f);
            rc = output_flush(&out, false, msg, msgsz);
        }
        if (rc == 0 && (n == 0 || i + 1 < n) && a->o.textfile)
            sleep_stoppable(a->o.delay);
        else if (rc == 0 && i + 1 < n && a->roots.n == 0)
            wait_frame(a->o.delay);
    }
    if (!a->o.textfile) {
        if (rc == 0)
            rc = output_flush(&out, true, msg, msgsz);
        else
            fclose(out.f);
    }
    km_export_free(&e);
    return rc;
}

int main(int argc, char **argv)
{
    struct km_app a;
    memset(&a, 0, sizeof(a));
    km_malloc_steady();
    int rc = km_opts_parse(&a.o, argc, argv);
    if (rc) {
        free(a.o.roots); /* --root given before the bad option */
        return rc > 0 ? 0 : 2;
    }
    char msg[512] = "";
    rc = km_app_init(&a, msg, sizeof(msg));
    if (rc < 0) {
        say_error(msg);
        if (rc == KM_APP_USAGE)
            fprintf(stderr, "Try 'kmemtop --help'.\n");
        km_app_free(&a);
        return rc == KM_APP_USAGE ? 2 : 1;
    }
    if (a.o.replay) {
        rc = km_replay_open(&a, msg, sizeof(msg));
        if (rc == 0)
            rc = km_root_enter(!a.o.no_namespace, msg, sizeof(msg));
        if (rc) {
            say_error(msg);
            km_replay_close();
            km_app_free(&a);
            return 1;
        }
    }
    if (km_app_range(&a, msg, sizeof(msg)) < 0) {
        say_error(msg);
        km_replay_close();
        km_app_free(&a);
        return 1;
    }
    if (a.o.record || a.o.capture) {
        /* both end by a caught signal once they have cleaned up */
        rc = a.o.record ? run_record(&a, msg, sizeof(msg)) : run_capture(&a, msg, sizeof(msg));
        int sig = km_capture_interrupted();
        if (sig) {
            if (rc)
                say_error(msg);
            km_app_free(&a);
            end_by_signal(sig);
        }
    } else if (a.o.textfile || a.o.listen || a.o.format == KM_FMT_PROM) {
        rc = run_export(&a, msg, sizeof(msg));
    } else if (a.o.batch || a.o.format != KM_FMT_TEXT || !isatty(STDOUT_FILENO))
        rc = run_batch(&a, msg, sizeof(msg));
    else {
        int status = km_screen_run(&a);
        km_replay_close();
        km_app_free(&a);
        return status;
    }
    if (rc)
        say_error(msg);
    km_replay_close();
    km_app_free(&a);
    return rc ? 1 : 0;
}
