/* sample.c - source names and sample teardown. See sample.h. */
#include "kmemtop/sample.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name, *path;
} src_info[KM_SRC_COUNT] = {
    [KM_SRC_MEMINFO] = {"meminfo", "/proc/meminfo"},
    [KM_SRC_MODULES] = {"modules", "/proc/modules"},
    [KM_SRC_VMALLOCINFO] = {"vmallocinfo", "/proc/vmallocinfo"},
    [KM_SRC_ZONEINFO] = {"zoneinfo", "/proc/zoneinfo"},
    [KM_SRC_BUDDYINFO] = {"buddyinfo", "/proc/buddyinfo"},
    [KM_SRC_PAGETYPEINFO] = {"pagetypeinfo", "/proc/pagetypeinfo"},
    [KM_SRC_NODES] = {"nodes", "/sys/devices/system/node"},
    [KM_SRC_SLABINFO] = {"slabinfo", "/proc/slabinfo"},
};

const char *km_src_name(enum km_src s)
{
    return s < KM_SRC_COUNT ? src_info[s].name : "?";
}

const char *km_src_path(enum km_src s)
{
    return s < KM_SRC_COUNT ? src_info[s].path : "?";
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
    km_modjoin_free(&s->mj);
    km_modules_free(&s->mods);
    km_vmallocinfo_free(&s->vm);
    km_zoneinfo_free(&s->zi);
    km_buddyinfo_free(&s->bi);
    km_pagetypeinfo_free(&s->pti);
    km_nodes_free(&s->nodes);
    km_slabs_free(&s->slabs);
    free(s->mod_events);
    memset(s, 0, sizeof(*s));
}
