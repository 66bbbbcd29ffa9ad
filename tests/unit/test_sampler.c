/*
 * test_sampler.c - the sampler across ticks on captured trees: rates taken
 * against the last tick that read the source (so switching views keeps them),
 * none across trees of different kernels, events kept per sample.
 *
 * Everything runs in a forked child that enters a private mount namespace
 * (--root's mechanism) and prints the TAP lines; the parent passes its status on.
 */
#include "../tap.h"
#include "kmemtop/root.h"
#include "kmemtop/sampler.h"

#include <math.h>
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

int main(void)
{
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
        int rc = tap_done();
        fflush(stdout);
        _exit(rc);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
