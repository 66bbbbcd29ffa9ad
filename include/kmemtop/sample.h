/*
 * sample.h - one immutable snapshot of every source a tick read.
 *
 * The sampler owns samples; renderers and view models only read them.
 * Every source carries a status: skipped (not asked for this tick), ok,
 * missing (file absent: kernel built without the feature), denied (needs
 * root) or error (file, line and what was wrong in `reason`). A failed
 * source leaves its records empty; the others are unaffected. An ok source
 * may carry a warning: lines its parser could not read and left out.
 */
#ifndef KMEMTOP_SAMPLE_H
#define KMEMTOP_SAMPLE_H

#include "kmemtop/buddyinfo.h"
#include "kmemtop/cgroups.h"
#include "kmemtop/meminfo.h"
#include "kmemtop/modevents.h"
#include "kmemtop/modules.h"
#include "kmemtop/nodes.h"
#include "kmemtop/overview.h"
#include "kmemtop/pagetypeinfo.h"
#include "kmemtop/pressure.h"
#include "kmemtop/slabinfo.h"
#include "kmemtop/slabstat.h"
#include "kmemtop/vmallocinfo.h"
#include "kmemtop/vmgroup.h"
#include "kmemtop/vmstat.h"
#include "kmemtop/zoneinfo.h"

/* Indexes of km_sample.src[] and of the registry km_sources[] (source.h), in reading order. */
enum km_src {
    KM_SRC_MEMINFO,
    KM_SRC_MODULES,
    KM_SRC_VMALLOCINFO,
    KM_SRC_ZONEINFO,
    KM_SRC_BUDDYINFO,
    KM_SRC_PAGETYPEINFO,
    KM_SRC_NODES,
    KM_SRC_SLABINFO,
    KM_SRC_VMSTAT,
    KM_SRC_PRESSURE,
    KM_SRC_CGROUPS,
    KM_SRC_COUNT
};
#define KM_SRC_BIT(s) (1u << (s))
#define KM_SRC_ALL (KM_SRC_BIT(KM_SRC_COUNT) - 1u)

enum km_status { KM_ST_SKIPPED = 0, KM_ST_OK, KM_ST_MISSING, KM_ST_DENIED, KM_ST_ERROR };

struct km_source {
    enum km_status status;
    char reason[256]; /* why, in words a user understands; "" when ok */
    /*
     * ok, but lines were left out that the parser could not read: how many,
     * and a sentence naming the file and the first one ("" when none)
     */
    int skipped;
    char warning[256];
    double cost;  /* seconds spent reading and parsing */
    double age;   /* seconds since the records were read (a throttled source reused), 0 fresh */
    size_t bytes; /* bytes read */
    int rereads;  /* vmallocinfo: reads added because one was torn (0..3) */
    const char *parser; /* meminfo, slabinfo: "libproc2", or "kmemtop" (own parsers); else NULL */
};

enum km_pagesize_src { KM_PS_HOST, KM_PS_RECORDED, KM_PS_INFERRED };

#define KM_CPU_POSSIBLE_BITS 16384 /* CPU ids a possible list may name */

struct km_sample {
    double wall;  /* seconds since the epoch: now, or when the tree was captured */
    double mono;  /* seconds, for rates: monotonic live, capture time for trees */
    double dt;    /* seconds since the previous sample, 0 on the first */
    unsigned seq; /* 0 for the first sample */
    char kernel[128];
    char root[256]; /* the captured tree shown, "" for the live system */
    long page_size; /* bytes, the sampled kernel's */
    enum km_pagesize_src page_size_src;
    double uptime; /* seconds, -1 unknown */
    char boot_id[40]; /* /proc/sys/kernel/random/boot_id, "" unknown (absent or malformed) */
    bool new_boot;    /* boot_id differs from the previous sample's: no rates across it */
    char boot_warning[200]; /* why the boot id was not used ("FILE: line 1: ..."), "" none */
    int possible_cpus; /* /sys/devices/system/cpu/possible (read with modules), -1 unknown */
    const char *own_parsers; /* a tree without a mount namespace: why (meminfo and slabinfo
                                then by kmemtop's own parsers); NULL otherwise */
    struct km_source src[KM_SRC_COUNT];
    struct km_meminfo mem;
    struct km_modules mods;
    struct km_vmallocinfo vm;
    struct km_zoneinfo zi;
    struct km_buddyinfo bi;
    struct km_pagetypeinfo pti;
    struct km_nodes nodes;
    struct km_slabs slabs;
    struct km_slab_summary slabsum; /* slabtop's totals of slabs (when slabinfo was asked) */
    struct km_vmstat vmstat;
    struct km_pressure psi;
    /* memory cgroups (only while a view asks: a walk of the hierarchy) */
    struct km_cgroups cg;
    /* where MemTotal goes (when meminfo was read ok), with each row's change per second */
    struct km_overview ov;
    /* vmstat's reclaim, compaction and OOM counters and their rates (when vmstat was read) */
    struct km_signals sig;
    /* modules joined with vmallocinfo (estimates when it was not read) */
    struct km_modjoin mj;
    /* mj made already (by the sampler's check of the vmallocinfo read, or a derivation);
       without vmallocinfo it is made only for the Modules view or module events (derive.c) */
    bool mj_ready;
    /* vmallocinfo's areas by caller, with their growth (when vmallocinfo was read) */
    struct km_vmgroups vmg;
    /* recent module loads and unloads, oldest first; owned by the sampler */
    struct km_mod_event *mod_events; /* the sample's own copy of the recent events */
    size_t nmod_events;
};

/* The registry's name and path of s (source.h), "?" when s is not a source. */
const char *km_src_name(enum km_src s);    /* "meminfo", "modules", ... */
const char *km_src_path(enum km_src s);    /* "/proc/meminfo", ... */
const char *km_status_name(enum km_status st); /* "ok", "missing", ... */
/* Frees every source's records and the derived data, and zeroes s. */
void km_sample_free(struct km_sample *s);

#endif
