/*
 * test_frame_sources.c - /proc/pagetypeinfo holds the zone lock while it is
 * read: only the buddy view, and only while it shows migrate types, may ask
 * for it. Checks km_frame_sources for every view combination and that a
 * sampler tick for the nodes view leaves pagetypeinfo `skipped`. --details
 * NAME, printed whatever views are shown, reads what the modules view reads.
 */
#include "../../ui/frame.h"
#include "kmemtop/sampler.h"

#include "../tap.h"

/* Every view's state at its defaults, and --no-migrate-types when !mt. */
static const struct km_vstate *states(bool mt)
{
    static struct km_vstate st[2][KM_VIEWS_MAX];
    km_vstates_init(st[mt]);
    if (!mt && km_view_option(st[mt], "no-migrate-types", NULL) != NULL)
        printf("Bail out! no view has --no-migrate-types\n"), exit(1);
    return st[mt];
}

static unsigned sources(const bool *vis, bool mt)
{
    return km_frame_sources(vis, states(mt));
}

static bool wants_pti(const bool *vis, bool mt)
{
    return (sources(vis, mt) & KM_SRC_BIT(KM_SRC_PAGETYPEINFO)) != 0;
}

int main(void)
{
    /* every subset of the views, with and without migrate types */
    int bad = 0, nv = km_nviews(), vbuddy = km_view_find("buddy"), vnodes = km_view_find("nodes");
    if (vbuddy < 0 || vnodes < 0)
        printf("Bail out! no buddy or nodes view in the registry\n"), exit(1);
    bool buddy[KM_VIEWS_MAX] = {false}, nodes[KM_VIEWS_MAX] = {false};
    buddy[vbuddy] = nodes[vnodes] = true;
    ok(km_frame_sources(buddy, NULL) & KM_SRC_BIT(KM_SRC_PAGETYPEINFO),
       "without states the buddy view's defaults read pagetypeinfo");
    for (unsigned set = 0; set < (1u << nv); set++) {
        bool vis[KM_VIEWS_MAX] = {false};
        for (int v = 0; v < nv; v++)
            vis[v] = (set >> v) & 1;
        for (int mt = 0; mt <= 1; mt++)
            if (wants_pti(vis, mt) != (vis[vbuddy] && mt)) {
                printf("# views 0x%x, migrate types %d: pagetypeinfo %s\n", set, mt,
                       wants_pti(vis, mt) ? "read" : "not read");
                bad++;
            }
    }
    is_int(bad, 0, "pagetypeinfo is read exactly when the buddy view shows migrate types");
    /* --details NAME prints a module's areas whatever views are shown: the join's sources */
    int vmods = km_view_find("modules");
    if (vmods < 0)
        printf("Bail out! no modules view in the registry\n"), exit(1);
    struct km_vstate det[KM_VIEWS_MAX];
    km_vstates_init(det);
    if (km_view_option(det, "details", "xfs") != NULL)
        printf("Bail out! no view has --details\n"), exit(1);
    unsigned want = km_views[vmods]->sources, wantd = km_views[vmods]->derives, missed = 0;
    for (unsigned set = 0; set < (1u << nv); set++) {
        bool vis[KM_VIEWS_MAX] = {false};
        for (int v = 0; v < nv; v++)
            vis[v] = (set >> v) & 1;
        if ((km_frame_sources(vis, det) & want) != want ||
            (km_views_derives(vis, det) & wantd) != wantd)
            missed++;
    }
    is_int(missed, 0, "--details: every set of views reads what the modules view reads");
    bool none[KM_VIEWS_MAX] = {false};
    ok(km_views_sources(none, det) & KM_SRC_BIT(KM_SRC_VMALLOCINFO),
       "--details with no view shown still reads vmallocinfo");
    ok(!(km_views_sources(none, states(true)) & KM_SRC_BIT(KM_SRC_VMALLOCINFO)),
       "no view shown and no --details: vmallocinfo not read");

    unsigned m = sources(nodes, true);
    ok(m & KM_SRC_BIT(KM_SRC_ZONEINFO), "nodes view reads zoneinfo");
    ok(m & KM_SRC_BIT(KM_SRC_NODES), "nodes view reads node sysfs");
    ok(!(m & KM_SRC_BIT(KM_SRC_PAGETYPEINFO)), "nodes view never reads pagetypeinfo");
    ok(sources(buddy, true) & KM_SRC_BIT(KM_SRC_BUDDYINFO), "buddy view reads buddyinfo");

    /* a tick of the live system for the nodes view: pagetypeinfo stays skipped */
    struct km_sampler *s = km_sampler_new();
    km_sampler_tick(s, m, NULL);
    const struct km_sample *smp = km_sampler_cur(s);
    is_str(km_status_name(smp->src[KM_SRC_PAGETYPEINFO].status), "skipped",
           "nodes view tick: pagetypeinfo skipped");
    is_int(smp->pti.nfree, 0, "nodes view tick: no migrate-type rows");
    km_sampler_tick(s, sources(buddy, false), NULL);
    is_str(km_status_name(km_sampler_cur(s)->src[KM_SRC_PAGETYPEINFO].status), "skipped",
           "--no-migrate-types tick: pagetypeinfo skipped");
    km_sampler_free(s);
    return tap_done();
}
