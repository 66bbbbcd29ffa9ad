/*
 * test_sources.c - the source and derivation registries are complete and
 * consistent: one description per enum km_src, in its order, with what the
 * sampler relies on (a copy wherever a rate or a throttle needs one).
 */
#include "kmemtop/derive.h"
#include "kmemtop/read.h"
#include "kmemtop/sampler.h"
#include "kmemtop/source.h"

#include "../tap.h"

#include <math.h>
#include <string.h>

static void test_registry(void)
{
    size_t n = 0;
    for (const struct km_srcdesc *d = km_sources; d->name; d++, n++) {
        char what[96];
        snprintf(what, sizeof(what), "%s: id is its place, path, read and free", d->name);
        ok((size_t)d->id == n && d->path && d->path[0] == '/' && d->read && d->free, what);
        snprintf(what, sizeof(what), "%s: a copy where a rate or a throttle needs it", d->name);
        ok((!d->rate && d->min_interval <= 0) || d->copy, what);
        snprintf(what, sizeof(what), "%s: a read cap", d->name);
        ok(d->cap == KM_READ_CAP || d->cap == KM_READ_CAP_BIG, what);
        is_str(km_src_name(d->id), d->name, "km_src_name from the registry");
        is_str(km_src_path(d->id), d->path, "km_src_path from the registry");
    }
    is_int(n, KM_SRC_COUNT, "one description per source");
    ok(km_source(KM_SRC_COUNT) == NULL, "no description past the end");
    is_str(km_src_name(KM_SRC_COUNT), "?", "no name past the end");
}

static void test_properties(void)
{
    const struct km_srcdesc *pti = km_source(KM_SRC_PAGETYPEINFO);
    is_dbl(pti->min_interval, KM_PTI_MIN_INTERVAL, 0, "pagetypeinfo: the live throttle");
    is_int(pti->who, KM_WHO_ROOT, "pagetypeinfo: root only");
    ok(km_source(KM_SRC_ZONEINFO)->cap == KM_READ_CAP_BIG &&
           km_source(KM_SRC_VMALLOCINFO)->cap == KM_READ_CAP_BIG,
       "zoneinfo and vmallocinfo: the big cap");
    unsigned lp = 0, ps = 0;
    for (const struct km_srcdesc *d = km_sources; d->name; d++) {
        lp |= d->flags & KM_SRCF_LIBPROC2 ? KM_SRC_BIT(d->id) : 0;
        ps |= d->flags & KM_SRCF_PAGE_SIZE ? KM_SRC_BIT(d->id) : 0;
    }
    is_int(lp, KM_SRC_BIT(KM_SRC_MEMINFO) | KM_SRC_BIT(KM_SRC_SLABINFO),
           "libproc2 reads meminfo and slabinfo by name");
    is_int(ps, KM_SRC_BIT(KM_SRC_SLABINFO), "slabinfo waits for the page size");
}

static int place(const char *name)
{
    for (int i = 0; km_derivations[i].name; i++)
        if (strcmp(km_derivations[i].name, name) == 0)
            return i;
    return -1;
}

static void test_derivations(void)
{
    for (const struct km_derivation *d = km_derivations; d->name; d++) {
        char what[96];
        snprintf(what, sizeof(what), "%s: declares its sources and runs", d->name);
        ok(d->needs && !(d->needs >> KM_SRC_COUNT) && d->run, what);
    }
    ok(place("rates") >= 0 && place("rates") < place("slab summary"),
       "rates before the slab summary (it sums the growth)");
    ok(place("nodes from zones") >= 0 && place("nodes from zones") < place("rates"),
       "nodes named by zones before rates");
    ok(place("module join") >= 0 && place("module join") < place("module events"),
       "the module join before the events (they read it)");
}

/* A source added to the registry alone is read, and rated against its last read (live /proc). */
static void test_live_vmstat(void)
{
    struct km_sampler *s = km_sampler_new();
    km_sampler_tick(s, KM_SRC_BIT(KM_SRC_VMSTAT), NULL);
    km_sampler_tick(s, KM_SRC_BIT(KM_SRC_MEMINFO), NULL); /* another view: not read */
    km_sampler_tick(s, KM_SRC_BIT(KM_SRC_VMSTAT), NULL);
    const struct km_sample *c = km_sampler_cur(s);
    if (c->src[KM_SRC_VMSTAT].status != KM_ST_OK) { /* no /proc here (a bare chroot) */
        ok(c->src[KM_SRC_VMSTAT].status == KM_ST_MISSING, "live vmstat: missing, said so");
        km_sampler_free(s);
        return;
    }
    ok(c->src[KM_SRC_VMSTAT].bytes > 0 && c->vmstat.items.n > 0, "live vmstat: read");
    ok(!KM_IS_NA(km_vmstat_get(&c->vmstat, "pgfault")), "live vmstat: pgfault");
    ok(!isnan(km_vmstat_rate(&c->vmstat, "pgfault")),
       "live vmstat: a rate against the tick before the other view's");
    is_int(km_sampler_prev(s)->src[KM_SRC_VMSTAT].status, KM_ST_SKIPPED,
           "the tick in between did not read it");
    km_sampler_free(s);
}

int main(void)
{
    test_registry();
    test_properties();
    test_derivations();
    test_live_vmstat();
    return tap_done();
}
