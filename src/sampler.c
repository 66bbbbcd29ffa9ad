/*
 * sampler.c - one km_sample per tick, the previous one kept for rates.
 *
 * Walks the source registry (source.h): each source asked for is read,
 * parsed and timed on its own, and whatever goes wrong is written into that
 * source's status and never stops the others. A source with a minimum
 * interval is read at most that often on the live system, its last good
 * read reused in between. Then the derivations run (derive.h).
 */
#include "kmemtop/sampler.h"
#include "kmemtop/capture.h"
#include "kmemtop/derive.h"
#include "kmemtop/read.h"
#include "kmemtop/root.h"
#include "kmemtop/sat.h"
#include "kmemtop/source.h"
#include "kmemtop/util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct km_sampler {
    struct km_sample s[2];
    int cur; /* index of the current sample in s[] */
    unsigned seq;
    bool have_prev;
    void *state[KM_SRC_COUNT]; /* each source's own lasting state (libproc2, sysfs caches) */
    /* per source with a min_interval: its last good read of the live system */
    struct km_sample kept;
    struct km_source kept_src[KM_SRC_COUNT]; /* its status (ok) and warning */
    double kept_t[KM_SRC_COUNT];             /* its mono; < 0: none */
    /* while capturing: the bytes of that read, so that each tree gets the file it reuses */
    struct km_buf kept_raw[KM_SRC_COUNT];
    struct km_derive_state derive;           /* rate bases, module events */
    struct km_buf buf;
    struct km_vmallocinfo vm_spare; /* the areas' memory of the sample last replaced */
    /* the live kernel's release and boot id, which cannot change while kmemtop runs */
    char live_kernel[sizeof(((struct km_sample *)0)->kernel)];
    char live_boot_id[sizeof(((struct km_sample *)0)->boot_id)];
    bool live_known;
    long inferred_page_size; /* of the tree shown: 0 not tried, -1 could not tell */
    int possible_cpus;       /* of the tree shown (fixed while it runs): 0 not read, -1 unknown */
    unsigned wanted;         /* this tick's km_sampler_opts.derive, for the sources' reads */
};

/* Another tree or another boot: no rates, no loads/unloads, nothing reused. */
static void forget_past(struct km_sampler *s)
{
    km_derive_state_clear(&s->derive);
    km_sample_free(&s->kept);
    s->possible_cpus = 0; /* another boot may have other CPUs */
    for (int i = 0; i < KM_SRC_COUNT; i++) {
        s->kept_t[i] = -1;
        km_buf_free(&s->kept_raw[i]);
    }
}

struct km_sampler *km_sampler_new(void)
{
    struct km_sampler *s = xcalloc(1, sizeof(*s));
    km_derive_state_init(&s->derive);
    for (int i = 0; i < KM_SRC_COUNT; i++)
        s->kept_t[i] = -1;
    return s;
}

void km_sampler_reset_files(struct km_sampler *s)
{
    for (const struct km_srcdesc *d = km_sources; d->name; d++)
        if (d->state_free)
            d->state_free(&s->state[d->id]);
    s->inferred_page_size = 0; /* the next tree may have another */
    s->possible_cpus = 0;
}

void km_sampler_free(struct km_sampler *s)
{
    if (!s)
        return;
    km_sample_free(&s->s[0]);
    km_sample_free(&s->s[1]);
    km_sampler_reset_files(s);
    forget_past(s);
    km_buf_free(&s->buf);
    km_vmallocinfo_free(&s->vm_spare);
    free(s);
}

const struct km_sample *km_sampler_cur(const struct km_sampler *s)
{
    return &s->s[s->cur];
}

const struct km_sample *km_sampler_prev(const struct km_sampler *s)
{
    return s->have_prev ? &s->s[!s->cur] : NULL;
}

/* ---- reading the registry's sources ---------------------------------------- */

/* A throttled source read less than its interval ago on the live system: its last read again. */
static bool reuse_kept(struct km_sampler *s, const struct km_srcdesc *d, struct km_sample *smp)
{
    double t = s->kept_t[d->id], age = smp->mono - t;
    if (d->min_interval <= 0 || smp->root[0] || t < 0 || age < 0 || age >= d->min_interval)
        return false;
    if ((d->flags & KM_SRCF_FAMILY) && km_capture_active())
        return false; /* many files: read again, so that the tree or recording holds them */
    d->copy(smp, &s->kept);
    const struct km_buf *raw = &s->kept_raw[d->id];
    if (km_capture_active() && raw->data) /* the kernel's mode: who may read it */
        km_capture_put(d->path, raw->data, raw->len, d->who == KM_WHO_ROOT ? 0400 : 0444);
    smp->src[d->id] = s->kept_src[d->id]; /* ok, and its warning if any */
    smp->src[d->id].bytes = 0;            /* nothing read this time */
    smp->src[d->id].age = age;
    return true;
}

/* A good read of a throttled source (io: what it read, a single file) is kept for reuse. */
static void keep(struct km_sampler *s, const struct km_srcdesc *d, const struct km_src_io *io,
                 const struct km_sample *smp)
{
    if (d->min_interval <= 0 || smp->root[0] || smp->src[d->id].status != KM_ST_OK)
        return;
    struct km_buf *raw = &s->kept_raw[d->id];
    raw->len = 0;
    if (km_capture_active() && io->buf->data) {
        xgrow((void **)&raw->data, &raw->cap, io->buf->len + 1, 1);
        memcpy(raw->data, io->buf->data, io->buf->len);
        raw->len = io->buf->len;
        raw->data[raw->len] = '\0';
    } else {
        km_buf_free(raw);
    }
    d->free(&s->kept);
    d->copy(&s->kept, smp);
    s->kept_src[d->id] = smp->src[d->id];
    s->kept_t[d->id] = smp->mono;
}

static void read_source(struct km_sampler *s, const struct km_srcdesc *d, struct km_sample *smp)
{
    double t0 = km_now();
    if (!reuse_kept(s, d, smp)) {
        struct km_src_io io = {.buf = &s->buf,
                               .state = &s->state[d->id],
                               .derive = s->wanted,
                               .vm_spare = &s->vm_spare};
        km_source_run(d, &io, smp);
        keep(s, d, &io, smp);
    }
    smp->src[d->id].cost = km_now() - t0;
}

/* ---- a torn vmallocinfo read: read again -------------------------------------- */

#define VM_REREADS 3 /* reads of vmallocinfo a tick may add when one is torn */

/*
 * Whether this tick's vmallocinfo cannot be what the kernel held: a line
 * printed twice (the parser dropped it), or, against /proc/modules read a
 * moment before, a live module with no image area of its own, or image
 * areas of no module while every module is live. Up to 6.8 the kernel
 * drops its lock between the chunks a read() hands out, so lines can be
 * lost or repeated (doc/formulas.md); 6.9+ builds the file in one go.
 */
bool km_vm_torn(const struct km_sample *smp, struct km_modjoin *out, char *why, size_t n)
{
    const struct km_vmallocinfo *v = &smp->vm;
    if (out)
        memset(out, 0, sizeof(*out));
    if (v->dups) {
        snprintf(why, n, "line %d printed twice", v->dup_lineno);
        return true;
    }
    if (smp->src[KM_SRC_MODULES].status != KM_ST_OK || smp->mods.n == 0)
        return false;
    struct km_mj_hints h = km_sample_mj_hints(smp);
    struct km_modjoin j;
    if (km_modjoin(&smp->mods, v, smp->page_size, &h, &j) != 0)
        return false;
    bool torn = false, settled = true;
    for (size_t k = 0; k < smp->mods.n; k++)
        settled &= strcmp(smp->mods.mods[k].state, "Live") == 0;
    if (j.method == KM_MJ_ADDRESS || j.method == KM_MJ_ORDER) {
        for (size_t k = 0; k < j.n && !torn; k++) {
            const struct km_module *m = &smp->mods.mods[k];
            enum km_mj_miss miss = j.mods[k].miss;
            if (strcmp(m->state, "Live") == 0 && j.mods[k].method == KM_MJ_ESTIMATE &&
                (miss == KM_MJ_MISS_NO_AREA || miss == KM_MJ_MISS_NOFIT)) {
                snprintf(why, n, "%.64s's image area missing", m->name);
                torn = true;
            }
        }
        if (!torn && settled && j.unattributed.areas > 0) {
            snprintf(why, n, "%lld module-image area%s of no module",
                     (long long)j.unattributed.areas, j.unattributed.areas > 1 ? "s" : "");
            torn = true;
        }
    }
    if (out)
        *out = j; /* the join of this read: the sample's, if it is the one kept */
    else
        km_modjoin_free(&j);
    return torn;
}

/* A live read of vmallocinfo that is torn is read again, a bounded number of times. */
static void check_vmallocinfo(struct km_sampler *s, struct km_sample *smp, unsigned mask)
{
    const struct km_srcdesc *d = &km_sources[KM_SRC_VMALLOCINFO]; /* indexed by id */
    struct km_source *so = &smp->src[KM_SRC_VMALLOCINFO];
    if (smp->root[0] || !(mask & KM_SRC_BIT(KM_SRC_VMALLOCINFO)) ||
        so->status != KM_ST_OK || so->age > 0)
        return; /* a tree does not change; a reused read was checked when it was made */
    char why[160];
    int r = 0;
    struct km_modjoin j;
    while (km_vm_torn(smp, &j, why, sizeof(why))) {
        km_modjoin_free(&j);
        if (r == VM_REREADS) {
            if (!so->warning[0])
                snprintf(so->warning, sizeof(so->warning),
                         "/proc/vmallocinfo: torn in each of %d reads (%s): the kernel changed "
                         "it while it was read; the figures come from the last read",
                         r + 1, why);
            break;
        }
        double cost = so->cost;
        km_vmallocinfo_recycle(&smp->vm, &s->vm_spare); /* d->free, its memory kept */
        struct km_src_io io = {.buf = &s->buf,
                               .state = &s->state[d->id],
                               .derive = s->wanted,
                               .vm_spare = &s->vm_spare};
        double t0 = km_now();
        km_source_run(d, &io, smp);
        so->cost = cost + (km_now() - t0);
        r++;
        if (so->status != KM_ST_OK)
            break;
    }
    so->rereads = r;
    /* the join of the read kept (made by the last check) is the sample's */
    if (so->status == KM_ST_OK && smp->src[KM_SRC_MODULES].status == KM_ST_OK && j.mods) {
        smp->mj = j;
        smp->mj_ready = true;
    } else {
        km_modjoin_free(&j);
    }
}

/* The sources in mask, in registry order: those that need the page size, or the others. */
static void read_sources(struct km_sampler *s, struct km_sample *smp, unsigned mask, bool page_size)
{
    for (const struct km_srcdesc *d = km_sources; d->name; d++)
        if ((mask & KM_SRC_BIT(d->id)) && !(d->flags & KM_SRCF_PAGE_SIZE) == !page_size)
            read_source(s, d, smp);
}

static void read_kernel(struct km_sampler *s, struct km_sample *smp)
{
    if (km_read_line("/proc/sys/kernel/osrelease", smp->kernel, sizeof(smp->kernel)) == 0) {
        /* one line of printable bytes: a tree's osrelease may hold anything */
        smp->kernel[strcspn(smp->kernel, "\n\r")] = '\0';
        for (char *c = smp->kernel; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                *c = '?';
        if (smp->kernel[0])
            return;
    }
    if (km_read_file("/proc/version", &s->buf) == 0) {
        /* "Linux version 4.1.25 (...)" */
        struct km_tok t;
        const char *tok;
        size_t len;
        km_tok_init(&t, s->buf.data, s->buf.len);
        for (int i = 0; km_tok_next(&t, &tok, &len); i++)
            if (i == 2) {
                km_copy(smp->kernel, sizeof(smp->kernel), tok, len);
                return;
            }
    }
    snprintf(smp->kernel, sizeof(smp->kernel), "unknown");
}

/*
 * How many CPUs the kernel could ever bring up: from 6.9 the number of
 * vmap nodes, which decides the order vmallocinfo prints areas in (the
 * module join's order method). Readable by everyone; -1 when absent.
 */
static void read_possible_cpus(struct km_sampler *s, struct km_sample *smp)
{
    /* the possible CPUs do not change while a kernel runs: read once per tree (and
       again for each capture tree or recorded tick, which reset the files read) */
    if (s->possible_cpus == 0) {
        char line[256];
        uint64_t mask[KM_CPU_POSSIBLE_BITS / 64];
        memset(mask, 0, sizeof(mask));
        int n = km_read_line("/sys/devices/system/cpu/possible", line, sizeof(line)) == 0
                    ? km_parse_idlist(line, strlen(line), mask, KM_CPU_POSSIBLE_BITS)
                    : -1;
        s->possible_cpus = n > 0 ? n : -1;
    }
    smp->possible_cpus = s->possible_cpus;
}

double km_read_uptime(void)
{
    char line[128];
    double up;
    if (km_read_line("/proc/uptime", line, sizeof(line)) != 0 || !km_parse_seconds(line, &up) ||
        !km_seconds_ok(up)) /* junk, 1e19 or -5 in a tree: unknown */
        return -1;
    return up;
}

/*
 * The boot's random id: two samples with different ones come from two boots
 * (counters start again), whatever their uptimes say. Read every tick (one
 * small file), so a capture and a recorded tick hold it too. A tree without
 * it (before 2.6.24, or old captures) leaves it unknown; a malformed one is
 * said and not used.
 */
#define KM_BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"
void km_read_boot_id(char *out, char *warn, size_t warnsz)
{
    char line[128], why[160];
    out[0] = '\0';
    warn[0] = '\0';
    int rc = km_read_line(KM_BOOT_ID_PATH, line, sizeof(line));
    if (rc == -ENOENT)
        return;
    if (rc != 0)
        snprintf(warn, warnsz, "%s: %s", KM_BOOT_ID_PATH, km_read_strerror(rc));
    else if (!km_parse_boot_id(line, strlen(line), out, why, sizeof(why)))
        snprintf(warn, warnsz, "%s: %s", KM_BOOT_ID_PATH, why);
}

/*
 * The kernel's release, uptime and boot id of this tick. Live (no tree, no capture, which must
 * hold the files), the release and boot id are read once, as they cannot change while the
 * kernel runs, and the uptime is CLOCK_BOOTTIME, the clock /proc/uptime prints: three files
 * a tick fewer.
 */
static void read_clock(struct km_sampler *s, struct km_sample *smp)
{
    bool live = km_source_live(smp);
    struct timespec ts;
    if (live && s->live_known) {
        memcpy(smp->kernel, s->live_kernel, sizeof(smp->kernel));
        memcpy(smp->boot_id, s->live_boot_id, sizeof(smp->boot_id));
        smp->boot_warning[0] = '\0';
    } else {
        read_kernel(s, smp);
        km_read_boot_id(smp->boot_id, smp->boot_warning, sizeof(smp->boot_warning));
        if (live && !smp->boot_warning[0] && strcmp(smp->kernel, "unknown") != 0) {
            memcpy(s->live_kernel, smp->kernel, sizeof(s->live_kernel));
            memcpy(s->live_boot_id, smp->boot_id, sizeof(s->live_boot_id));
            s->live_known = true;
        }
    }
    if (live && clock_gettime(CLOCK_BOOTTIME, &ts) == 0)
        smp->uptime = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    else
        smp->uptime = km_read_uptime();
}

/* The power of two from 4 KiB to 256 KiB nearest to ratio, within 2^0.25; 0 if none. */
static long nearest_page_size(double ratio)
{
    for (long p = 4096; p <= 262144; p *= 2)
        if (fabs(log2(ratio) - log2((double)p)) < 0.25)
            return p;
    return 0;
}

/*
 * The page size of a tree without a record. /proc/meminfo's MemTotal (bytes)
 * is totalram_pages, the sum of the zones' managed pages: MemTotal / Σ managed
 * is the page size. Deferred memory init and hotplug can make MemTotal and
 * the zones disagree (kernel-formats §8), so present pages check it: they are
 * at least the managed ones (boot reservations: up to a quarter on a small
 * machine), so MemTotal / Σ present must fall in (P/2, 1.1 P]. Otherwise,
 * and before 3.8 (no managed line), MemTotal / Σ present decides alone.
 * 0: unknown.
 */
static long infer_page_size(const struct km_sample *smp)
{
    if (smp->src[KM_SRC_MEMINFO].status != KM_ST_OK || KM_IS_NA(smp->mem.mem_total))
        return 0;
    int64_t managed = 0, present = 0;
    for (size_t i = 0; i < smp->zi.nzones; i++) {
        km_sat_acc(&managed, smp->zi.zones[i].managed);
        km_sat_acc(&present, smp->zi.zones[i].present);
    }
    if (present <= 0)
        return 0;
    double by_present = (double)smp->mem.mem_total / (double)present;
    long p = managed > 0 ? nearest_page_size((double)smp->mem.mem_total / (double)managed) : 0;
    if (p && by_present > (double)p / 2 && by_present <= (double)p * 1.1)
        return p;
    return nearest_page_size(by_present);
}

static void choose_page_size(struct km_sampler *s, struct km_sample *smp,
                             const struct km_sampler_opts *o, unsigned *mask)
{
    if (o && o->page_size > 0) {
        smp->page_size = o->page_size;
        smp->page_size_src = KM_PS_RECORDED;
        return;
    }
    smp->page_size = sysconf(_SC_PAGESIZE);
    smp->page_size_src = KM_PS_HOST;
    if (!smp->root[0])
        return; /* the live kernel's page size is the host's */
    if (s->inferred_page_size == 0) {
        *mask |= KM_SRC_BIT(KM_SRC_MEMINFO) | KM_SRC_BIT(KM_SRC_ZONEINFO);
        return; /* decided after reading */
    }
    if (s->inferred_page_size < 0)
        return; /* tried on this tree: the host's, and the frame says so */
    smp->page_size = s->inferred_page_size;
    smp->page_size_src = KM_PS_INFERRED;
}

/* ---- the tick -------------------------------------------------------------- */

/* Two samples of one running kernel: the same release, and no reboot in between. */
static bool same_system(const struct km_sample *a, const struct km_sample *b)
{
    if (strcmp(a->kernel, b->kernel) != 0)
        return false;
    if (a->boot_id[0] && b->boot_id[0] && strcmp(a->boot_id, b->boot_id) != 0)
        return false;
    return a->uptime < 0 || b->uptime < 0 || b->uptime >= a->uptime;
}

/*
 * The clock for rates: a tree's recorded capture time; else the captured
 * kernel's own uptime (two trees of a series are that far apart on the
 * machine they came from); else this machine's monotonic clock.
 */
static void stamp_time(struct km_sample *smp, const struct km_sampler_opts *o)
{
    if (o && o->wall > 0) {
        smp->wall = o->wall;
        smp->mono = o->wall;
        return;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    /* a captured tree without a record of its time has no wall time */
    smp->wall = smp->root[0] ? 0 : (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    smp->mono = smp->root[0] && smp->uptime >= 0 ? smp->uptime : km_now();
}

/* A tree without a recorded page size: the one its meminfo and zones imply. */
static void settle_page_size(struct km_sampler *s, struct km_sample *smp,
                             const struct km_sampler_opts *o)
{
    if (!smp->root[0] || smp->page_size_src != KM_PS_HOST || (o && o->page_size > 0))
        return;
    long ps = infer_page_size(smp);
    s->inferred_page_size = ps ? ps : -1; /* -1: do not force zoneinfo again */
    if (ps) {
        smp->page_size = ps;
        smp->page_size_src = KM_PS_INFERRED;
    }
}

int km_sampler_tick(struct km_sampler *s, unsigned srcmask, const struct km_sampler_opts *o)
{
    s->cur = !s->cur;
    s->wanted = o ? o->derive : 0;
    struct km_sample *smp = &s->s[s->cur];
    struct km_sample *prev = s->have_prev || s->seq > 0 ? &s->s[!s->cur] : NULL;
    km_vmallocinfo_recycle(&smp->vm, &s->vm_spare);
    km_sample_free(smp);
    /*
     * No derivation and no view reads the previous sample's areas (its module join, groups
     * and overview are kept apart): at server scale they are most of the memory, so only
     * the current sample holds them, and this tick's parse fills their memory again.
     */
    if (prev)
        km_vmallocinfo_recycle(&prev->vm, &s->vm_spare);
    smp->seq = s->seq++;
    if (o && o->root)
        snprintf(smp->root, sizeof(smp->root), "%s", o->root);
    smp->own_parsers = km_root_own_parsers() ? km_root_own_reason() : NULL;
    read_clock(s, smp);
    smp->new_boot = prev && prev->boot_id[0] && smp->boot_id[0] &&
                    strcmp(prev->boot_id, smp->boot_id) != 0;
    if (prev && !same_system(prev, smp)) {
        prev = NULL; /* trees of other machines or boots: no rates, no loads/unloads */
        forget_past(s);
    }
    stamp_time(smp, o);
    smp->dt = prev ? smp->mono - prev->mono : 0;
    unsigned mask = srcmask;
    choose_page_size(s, smp, o, &mask);
    read_sources(s, smp, mask, false);
    if (mask & KM_SRC_BIT(KM_SRC_MODULES))
        read_possible_cpus(s, smp);
    else
        smp->possible_cpus = -1;
    check_vmallocinfo(s, smp, mask);
    settle_page_size(s, smp, o);
    read_sources(s, smp, mask, true); /* the slab footprint needs the page size */
    km_derive_all(&s->derive, smp, prev, mask, o ? o->derive : 0);
    s->have_prev = prev != NULL;
    return 0;
}
