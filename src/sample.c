/* sample.c - source names and sample teardown, from the registry. See sample.h. */
#include "kmemtop/sample.h"
#include "kmemtop/source.h"

#include <stdlib.h>
#include <string.h>

const char *km_src_name(enum km_src s)
{
    const struct km_srcdesc *d = km_source(s);
    return d ? d->name : "?";
}

const char *km_src_path(enum km_src s)
{
    const struct km_srcdesc *d = km_source(s);
    return d ? d->path : "?";
}

const char *km_status_name(enum km_status st)
{
    switch (st) {
    case KM_ST_SKIPPED:
        return "skipped";
    case KM_ST_OK:
        return "ok";
    case KM_ST_MISSING:
        return "missing";
    case KM_ST_DENIED:
        return "denied";
    case KM_ST_ERROR:
        return "error";
    }
    return "?";
}

void km_sample_free(struct km_sample *s)
{
    km_modjoin_free(&s->mj); /* it points into the modules: before them */
    km_vmgroups_free(&s->vmg);
    for (const struct km_srcdesc *d = km_sources; d->name; d++)
        d->free(s);
    free(s->mod_events);
    memset(s, 0, sizeof(*s));
}
