/*
 * vmstat.h - parser for /proc/vmstat: one "name value" counter per line.
 *
 * The counters are kept by name in the kernel's order (they differ between
 * kernels and configs; nothing is matched by position). A line that is not
 * a name (shorter than KM_KEY_LEN) and one decimal value is left out and
 * counted in err (skipped, skip_line, skip_msg); -EINVAL only when lines
 * were given and none could be read. A value above INT64_MAX is the
 * kernel's unsigned print of a per-CPU drift below zero and is kept as that
 * negative number. Pure; *out owns its memory (km_vmstat_free).
 */
#ifndef KMEMTOP_VMSTAT_H
#define KMEMTOP_VMSTAT_H

#include "kmemtop/zoneinfo.h" /* struct km_kvlist */

/* Counters kept from one file: far above any kernel's (about 200 in 6.x). */
#define KM_VMSTAT_MAX 1024

struct km_vmstat {
    struct km_kvlist items; /* counters, pages or events as the kernel names them */
    double *rate; /* per item: change per second against the last read, NAN unknown; may be NULL */
};

int km_parse_vmstat(const char *buf, size_t len, struct km_vmstat *out, struct km_perr *err);
/* The counter named key, KM_NA when the kernel did not print it. */
int64_t km_vmstat_get(const struct km_vmstat *v, const char *key);
/* Its rate (per second), NAN when unknown. */
double km_vmstat_rate(const struct km_vmstat *v, const char *key);
/* Per-second rates of cur's counters against prev's, dt seconds earlier (matched by name). */
void km_vmstat_rates(struct km_vmstat *cur, const struct km_vmstat *prev, double dt);
void km_vmstat_free(struct km_vmstat *v);

#endif
