/*
 * test_sampler.c - the sampler across ticks on captured trees: rates taken
 * against the last tick that read the source (so switching views keeps them),
 * none across trees of different kernels, events kept per sample, the module join made
 * only for the frames that need it.
 *
 * Everything runs in a forked child that enters a private mount namespace
 * (--root's mechanism) and prints the TAP lines; the parent passes its status on.
 */
#include "../tap.h"
#include "kmemtop/root.h"
#include "kmemtop/sampler.h"

#include "kmemtop/derive.h"
#include "kmemtop/overview.h"

#include <math.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define SLABS (KM_SRC_BIT(KM_SRC_MEMINFO) | KM_SRC_BIT(KM_SRC_SLABINFO))
#define MEMONLY KM_SRC_BIT(KM_SRC_MEMINFO)

static struct km_tree tree(const char *rel)
{
    static char path[8][4096];
    static int k;
    const char *src = getenv("KM_SRCDIR");
    char *p = path[k++ % 8];
    snprintf(p, 4096, "%s/tests/fixtures/%s", src ? src : ".", rel);
    struct km_tree t = {.dir = p, .page_size = 4096};
    return t;
}

static bool show(struct km_sampler *s, const char *rel)
{
    char msg[512];
    struct km_tree t = tree(rel);
    if (km_root_switch(&t, msg, sizeof(msg)) != 0) {
        printf("# %s\n", msg);
        return false;
    }
    km_sampler_reset_files(s);
    return true;
}

static const struct km_slab *find(const struct km_sample *smp, const char *name)
{
    for (size_t i = 0; i < smp->slabs.n; i++)
        if (strcmp(smp->slabs.slabs[i].name, name) == 0)
            return &smp->slabs.slabs[i];
    return NULL;
}

static void growth_survives_other_views(void)
{
    struct km_sampler *s = km_sampler_new();
    struct km_sampler_opts o = {.page_size = 4096, .root = "t"};
    ok(show(s, "series-slab-growth/1-root"), "tree 1 shown");
    km_sampler_tick(s, SLABS, &o);
    const struct km_slab *d = find(km_sampler_cur(s), "dentry");
    ok(d && isnan(d->growth), "first frame: no growth yet");
    ok(show(s, "series-slab-growth/2-root2"), "tree 2 shown");
    km_sampler_tick(s, MEMONLY, &o); /* another view: slabinfo not read */
    is_int(km_sampler_cur(s)->src[KM_SRC_SLABINFO].status, KM_ST_SKIPPED, "slabinfo skipped");
    km_sampler_tick(s, SLABS, &o); /* back to the slab view */
    d = find(km_sampler_cur(s), "dentry");
    /* (1504 - 1414) slabs x 4096 / (28.37 - 23.33) s, the trees' uptimes */
    is_dbl(d ? d->growth : NAN, 90.0 * 4096 / 5.04, 0.01,
           "growth against the last frame that read slabinfo");
    km_sampler_free(s);
}

static void no_rates_across_kernels(void)
{
    struct km_sampler *s = km_sampler_new();
    struct km_sampler_opts o = {.page_size = 4096, .root = "t"};
    ok(show(s, "debian61-root"), "a 6.1 tree");
    km_sampler_tick(s, SLABS, &o);
    ok(show(s, "debian612-root"), "then a 6.12 tree");
    km_sampler_tick(s, SLABS, &o);
    const struct km_sample *c = km_sampler_cur(s);
    const struct km_slab *d = find(c, "dentry");
    ok(d && isnan(d->growth), "no growth between two kernels");
    is_dbl(c->dt, 0, 0, "no interval either");
    km_sampler_free(s);
}

static void events_belong_to_their_sample(void)
{
    struct km_sampler *s = km_sampler_new();
    unsigned m = MEMONLY | KM_SRC_BIT(KM_SRC_MODULES);
    struct km_sampler_opts o = {.page_size = 4096, .root = "t"};
    ok(show(s, "debian61-root"), "modules before");
    km_sampler_tick(s, m, &o);
    ok(show(s, "debian61-root2"), "modules after a load and an unload");
    km_sampler_tick(s, m, &o);
    const struct km_sample *c = km_sampler_cur(s);
    is_int(c->nmod_events, 3, "fat and vfat loaded, squashfs unloaded");
    char first[KM_MOD_NAME] = "";
    if (c->nmod_events)
        snprintf(first, sizeof(first), "%s", c->mod_events[0].name);
    km_sampler_tick(s, m, &o); /* the same tree again: nothing new happened */
    const struct km_sample *p = km_sampler_prev(s);
    c = km_sampler_cur(s);
    ok(p && p->nmod_events == 3 && strcmp(p->mod_events[0].name, first) == 0,
       "the previous sample keeps its events");
    ok(p && c->nmod_events == 3 && c->mod_events != p->mod_events,
       "each sample has its own copy, not the sampler's list");
    ok(show(s, "debian61-root"), "back to the first tree: its uptime is earlier");
    km_sampler_tick(s, m, &o);
    is_int(km_sampler_cur(s)->nmod_events, 0, "an earlier uptime is another boot: no events");
    km_sampler_free(s);
}

/*
 * A frame of a view that does not show modules (the Buddy view's sources and /proc/modules,
 * which the summary's total needs) makes no module join; its module events still get their
 * figures, the same as when every frame joins (KM_DER_MODJOIN, the Modules view).
 */
static void events_without_the_join(void)
{
    unsigned m = MEMONLY | KM_SRC_BIT(KM_SRC_MODULES) | KM_SRC_BIT(KM_SRC_BUDDYINFO);
    struct km_mod_event ev[2][KM_MOD_EVENTS_MAX];
    size_t n[2] = {0, 0};
    bool joined[2][3];
    for (int run = 0; run < 2; run++) {
        struct km_sampler *s = km_sampler_new();
        struct km_sampler_opts o = {
            .page_size = 4096, .root = "t", .derive = run ? KM_DER_MODJOIN : 0};
        const char *trees[3] = {"debian61-root", "debian61-root2", "debian61-root2"};
        for (int t = 0; t < 3; t++) {
            show(s, trees[t]);
            km_sampler_tick(s, m, &o);
            joined[run][t] = km_sampler_cur(s)->mj.mods != NULL;
        }
        const struct km_sample *c = km_sampler_cur(s);
        n[run] = c->nmod_events < KM_MOD_EVENTS_MAX ? c->nmod_events : KM_MOD_EVENTS_MAX;
        memcpy(ev[run], c->mod_events, n[run] * sizeof(ev[run][0]));
        km_sampler_free(s);
    }
    ok(!joined[0][0] && !joined[0][2], "another view's frame: no module join");
    ok(joined[0][1], "... but for the frame with loads and unloads, for their figures");
    ok(joined[1][0] && joined[1][1] && joined[1][2], "the Modules view's frames: joined");
    bool same = n[0] == 3 && n[0] == n[1];
    for (size_t i = 0; same && i < n[0]; i++) {
        const struct km_mod_event *a = &ev[0][i], *b = &ev[1][i];
        same = strcmp(a->name, b->name) == 0 && a->loaded == b->loaded && a->size == b->size &&
               a->static_bytes == b->static_bytes && a->dynamic_bytes == b->dynamic_bytes &&
               a->method == b->method && a->settled == b->settled &&
               strcmp(a->state, b->state) == 0 && !KM_IS_NA(a->static_bytes);
    }
    ok(same, "the 3 events have the same figures either way (from the joins)");
}

/* Made before the namespace is entered (in it, cp cannot set a directory's mode on some hosts). */
static char secpt_dir[] = "/tmp/km-test-secpt.XXXXXX";
static bool secpt_dir_made, secpt_made;

static void make_secpt_trees(void)
{
    char cmd[8192];
    const char *src = getenv("KM_SRCDIR");
    if (!mkdtemp(secpt_dir))
        return;
    secpt_dir_made = true;
    /* two trees of one kernel, 10 s apart, with the same meminfo */
    snprintf(cmd, sizeof(cmd),
             "cp -R --no-preserve=mode '%s/tests/fixtures/debian612-root' '%s/a' && "
             "sed -i 's/^SecPageTables: .*/SecPageTables:   1048576 kB/' '%s/a/proc/meminfo' && "
             "grep -q '^SecPageTables:   1048576 kB' '%s/a/proc/meminfo' && "
             "cp -R '%s/a' '%s/b' && "
             "awk '{ printf \"%%.2f %%s\\n\", $1 + 10, $2 }' '%s/a/proc/uptime' > '%s/up' && "
             "mv '%s/up' '%s/b/proc/uptime'",
             src ? src : ".", secpt_dir, secpt_dir, secpt_dir, secpt_dir, secpt_dir, secpt_dir,
             secpt_dir, secpt_dir, secpt_dir);
    secpt_made = system(cmd) == 0;
}

/*
 * A frame of another view (Buddy: meminfo and vmstat read, no Overview, so
 * SecPageTables not read on 6.1+), then the Overview of a tree 10 s later: its
 * CHANGE at once, and no row may take SecPageTables' appearance for growth.
 */
static void overview_after_another_view(void)
{
    char a[64], b[64];
    snprintf(a, sizeof(a), "%s/a", secpt_dir);
    snprintf(b, sizeof(b), "%s/b", secpt_dir);
    ok(secpt_made, "two 6.12 trees 10 s apart, with 1 GiB of secondary page tables");
    struct km_sampler *s = km_sampler_new();
    char msg[512];
    struct km_tree ta = {.dir = a, .page_size = 4096}, tb = {.dir = b, .page_size = 4096};
    unsigned m = MEMONLY | KM_SRC_BIT(KM_SRC_VMSTAT);
    struct km_sampler_opts o = {.page_size = 4096, .root = "t"};
    ok(km_root_switch(&ta, msg, sizeof(msg)) == 0, "the first shown");
    km_sampler_reset_files(s);
    km_sampler_tick(s, m, &o); /* the Buddy view */
    ok(!km_sampler_cur(s)->ov.ok, "no Overview made for another view");
    ok(km_root_switch(&tb, msg, sizeof(msg)) == 0, "the second shown");
    km_sampler_reset_files(s);
    o.derive = KM_DER_OVERVIEW;
    km_sampler_tick(s, m, &o); /* the Overview */
    const struct km_sample *c = km_sampler_cur(s);
    is_dbl(c->dt, 10, 0.01, "10 s between them");
    const struct km_ov_row *sp = km_overview_row(&c->ov, "sec_page_tables");
    is_dbl(sp ? (double)sp->bytes : NAN, 1048576.0 * 1024, 0, "SecPageTables read for the Overview");
    /* the first frame did not read SecPageTables: no change for it ('-'), but no jump */
    ok(sp && !(fabs(sp->rate) > 0), "sec_page_tables: no CHANGE from a frame that did not read it");
    static const char *const rows[] = {"kernel_stack", "unaccounted", "free"};
    for (int i = 0; i < 3; i++) {
        const struct km_ov_row *r = km_overview_row(&c->ov, rows[i]);
        char what[96];
        snprintf(what, sizeof(what), "%s: CHANGE 0 at once (the same meminfo), not a jump", rows[i]);
        is_dbl(r ? r->rate : NAN, 0, 0, what);
    }
    km_sampler_free(s);
}

int main(void)
{
    make_secpt_trees();
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char msg[512];
        if (km_root_enter(true, msg, sizeof(msg)) != 0) {
            printf("Bail out! %s\n", msg);
            _exit(1);
        }
        growth_survives_other_views();
        no_rates_across_kernels();
        events_belong_to_their_sample();
        events_without_the_join();
        overview_after_another_view();
        int rc = tap_done();
        fflush(stdout);
        _exit(rc);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", secpt_dir);
    if (secpt_dir_made && system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", secpt_dir);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
