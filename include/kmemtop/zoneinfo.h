/*
 * zoneinfo.h - parser for /proc/zoneinfo, 2.6 to 6.18 layouts.
 *
 * One record per zone stanza, populated or not (4.14+ prints empty zones as
 * stubs). Known keys become typed fields (KM_NA when the kernel did not
 * print them); every other "key value" line is kept by name in `stats`
 * (zone items) or in the node's `node_stats` (the "per-node stats" block,
 * 4.8+, attached to the node's first populated zone). Keys are matched by
 * name, never by position. Pure; *out owns its memory.
 * A line it cannot read is left out and counted in err (skipped, skip_line,
 * skip_msg): 4.18-era kernels print a value without a name among the
 * per-node stats. A "Node N, zone NAME" header it cannot read takes its
 * block along (one line counted, the message says so). -EINVAL only when no
 * zone could be read.
 */
#ifndef KMEMTOP_ZONEINFO_H
#define KMEMTOP_ZONEINFO_H

#include "kmemtop/buddyinfo.h"

#define KM_MAX_ZONES_PROT 8
#define KM_KEY_LEN 40

struct km_kv {
    char key[KM_KEY_LEN];
    int64_t val;
};

struct km_kvlist {
    size_t n, cap;
    struct km_kv *v;
};
/* Value for key (the last one put, if put twice), or KM_NA. */
int64_t km_kv_get(const struct km_kvlist *l, const char *key);
void km_kv_put(struct km_kvlist *l, const char *key, size_t keylen, int64_t val);
void km_kv_free(struct km_kvlist *l);

struct km_zone {
    int node;
    char zone[KM_ZONE_NAME];
    /* all in pages, KM_NA when absent */
    int64_t free, boost, min, low, high, promo;
    int64_t spanned, present, managed, cma;
    int64_t start_pfn;
    int nprotection;
    int64_t protection[KM_MAX_ZONES_PROT]; /* lowmem_reserve, pages */
    int64_t node_unreclaimable;            /* 0/1 or KM_NA */
    int ncpus;                             /* "cpu:" entries in pagesets */
    int64_t pcp_count;                     /* sum of pageset count:, pages; KM_NA if none */
    struct km_kvlist stats;                /* zone stat items (nr_free_pages, numa_hit, ...) */
};

struct km_zoneinfo_node {
    int node;
    struct km_kvlist stats; /* the "per-node stats" block; empty before 4.8 */
};

struct km_zoneinfo {
    size_t nzones;
    struct km_zone *zones;
    size_t nnodes;
    struct km_zoneinfo_node *nodes; /* one per node id seen, in file order */
};

int km_parse_zoneinfo(const char *buf, size_t len, struct km_zoneinfo *out, struct km_perr *err);
/*
 * The same parse in pieces (km_read_stream: each piece whole lines, line numbers going on):
 * begin, feed each piece, end (what km_parse_zoneinfo returns for the pieces put together);
 * abort throws it away. A 1,000-CPU server's zoneinfo is megabytes, mostly per-CPU pagesets.
 */
struct km_zi_parse;
struct km_zi_parse *km_zi_parse_begin(struct km_zoneinfo *out, struct km_perr *err);
void km_zi_parse_feed(struct km_zi_parse *p, const char *buf, size_t len);
int km_zi_parse_end(struct km_zi_parse *p);
void km_zi_parse_abort(struct km_zi_parse *p);
void km_zoneinfo_free(struct km_zoneinfo *zi);
/* A counter from the node block, else summed over the node's zones; KM_NA if nowhere. */
int64_t km_zoneinfo_node_stat(const struct km_zoneinfo *zi, int node, const char *key);

#endif
