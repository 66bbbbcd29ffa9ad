/*
 * pressure.h - memory-pressure signals: /proc/pressure/memory (PSI, 4.20+,
 * when CONFIG_PSI is on and not disabled with psi=0) and the reclaim,
 * compaction and OOM counters of /proc/vmstat, per second.
 *
 * km_parse_pressure reads "some avg10=0.00 avg60=0.00 avg300=0.00 total=0"
 * and the "full ..." line (4.20+; "full" is absent from a cpu file before
 * 5.13, printed for memory from the start). A line it cannot read is left
 * out and counted in err; -EINVAL when no line was usable. Pure.
 */
#ifndef KMEMTOP_PRESSURE_H
#define KMEMTOP_PRESSURE_H

#include "kmemtop/util.h"
#include "kmemtop/vmstat.h"

struct km_psi_line {
    bool present;
    double avg10, avg60, avg300; /* percent of wall time stalled */
    int64_t total;               /* microseconds stalled since boot */
};

struct km_pressure {
    struct km_psi_line some, full;
};

int km_parse_pressure(const char *buf, size_t len, struct km_pressure *out, struct km_perr *err);

/* The vmstat signals, in the order JSON and the summary give them. */
enum km_sig {
    KM_SIG_ALLOCSTALL,   /* allocstall, or the sum of allocstall_<zone> (4.10+) */
    KM_SIG_SCAN_KSWAPD,  /* pgscan_kswapd, or the sum over zones (before 4.8) */
    KM_SIG_SCAN_DIRECT,  /* pgscan_direct (pgscan_direct_throttle is not one) */
    KM_SIG_STEAL_KSWAPD, /* pgsteal_kswapd */
    KM_SIG_STEAL_DIRECT, /* pgsteal_direct */
    KM_SIG_COMPACT_STALL,
    KM_SIG_COMPACT_FAIL,
    KM_SIG_COMPACT_SUCCESS,
    KM_SIG_OOM_KILL, /* 4.13+ */
    KM_SIG_N
};

struct km_signals {
    int64_t count[KM_SIG_N]; /* since boot; KM_NA when this kernel prints no such counter */
    double rate[KM_SIG_N];   /* per second against the last vmstat read; NAN unknown */
};

/* The JSON name of a signal: "allocstall", "pgscan_kswapd", ... */
const char *km_sig_name(enum km_sig s);
/* The signals of v (its rates where v has them). Pure. */
void km_signals(const struct km_vmstat *v, struct km_signals *out);

#endif
