/*
 * nodes.h - NUMA node files under /sys/devices/system/node.
 *
 * Pure parsers for each file's text (node meminfo, numastat, distance) and
 * the node record the sampler fills from them. Node ids can be sparse
 * (0, 8, 250); KM_MAX_NODES bounds the id. Absent values are KM_NA.
 * A line a parser cannot read is left out and counted in err (skipped,
 * skip_line, skip_msg); -EINVAL with err set only when no line was usable.
 */
#ifndef KMEMTOP_NODES_H
#define KMEMTOP_NODES_H

#include "kmemtop/zoneinfo.h"

#define KM_MAX_NODES 1024
#define KM_NODE_WORDS (KM_MAX_NODES / 64)

struct km_node {
    int node;
    bool has_cpu, has_memory; /* from has_cpu/has_memory; true when unknown */
    bool sysfs;               /* found in sysfs (else only named by zoneinfo/buddyinfo) */
    char cpulist[128];        /* as the kernel printed it, "" if none or unknown */
    int ncpus;                /* CPUs in cpulist, -1 if unknown */
    /* node meminfo, bytes (the file says kB); KM_NA when absent */
    int64_t mem_total, mem_free, mem_used, file_pages, slab, sreclaimable, sunreclaim;
    int64_t kernel_stack, page_tables;
    int64_t anon_pages, shmem, sec_page_tables, kreclaimable;
    int64_t huge_total, huge_free; /* HugePages_Total, _Free: counts of default-size pages */
    /* numastat, events; KM_NA when absent */
    int64_t numa_hit, numa_miss, numa_foreign, interleave_hit, local_node, other_node;
    int ndistance;
    int distance[64]; /* SLIT row: one column per online node, in id order */
    /* per-second rates against the previous sample; NAN on the first */
    double rate_numa_hit, rate_numa_miss, rate_numa_foreign, rate_interleave_hit;
    double rate_local_node, rate_other_node;
};

struct km_nodes {
    size_t n;
    struct km_node *nodes; /* sorted by node id */
    bool have_sysfs;
    uint64_t online[KM_NODE_WORDS], possible[KM_NODE_WORDS];
    uint64_t has_cpu[KM_NODE_WORDS], has_memory[KM_NODE_WORDS];
};

/* "Node 0 MemTotal:  123 kB" lines into n's meminfo fields (bytes). */
int km_parse_node_meminfo(const char *buf, size_t len, struct km_node *n, struct km_perr *err);
/* "numa_hit 123" lines into n's numastat fields. */
int km_parse_numastat(const char *buf, size_t len, struct km_node *n, struct km_perr *err);
/* "10 21" into n->distance. */
int km_parse_distance(const char *buf, size_t len, struct km_node *n, struct km_perr *err);
void km_node_init(struct km_node *n, int id);
void km_nodes_free(struct km_nodes *ns);
/* The record for id, or NULL. */
struct km_node *km_nodes_find(struct km_nodes *ns, int id);
/*
 * The record for id, added in id order when absent; NULL when id is outside
 * 0..KM_MAX_NODES-1. Adding moves the array: earlier pointers go stale.
 */
struct km_node *km_nodes_get(struct km_nodes *ns, int id);

/*
 * Reads /sys/devices/system/node: the online/possible/has_cpu/has_memory
 * masks, then for every online node (every nodeN directory when `online`
 * is absent) its meminfo, numastat, cpulist and distance. *out is
 * overwritten (zeroed first; free a previous result before). Returns 0,
 * -ENOENT when the directory does not exist, -EACCES when it is denied, or
 * -EINVAL with err and errpath (the failing file) set. A malformed or
 * unreadable per-node file does not stop the other nodes: everything is
 * read and the first error is returned (*out holds what was read). A
 * missing per-node file (old kernels have no cpulist/distance) only leaves
 * its fields absent. On error the pure parsers leave *n unchanged.
 * Lines left out are summed over all files into err (skipped, skip_line,
 * skip_msg) when there is no error, errpath then naming the first one's file.
 */
int km_nodes_read(struct km_nodes *out, struct km_perr *err, char *errpath, size_t errpathsz);
/* km_nodes_read over another directory laid out like /sys/devices/system/node (tests). */
int km_nodes_read_dir(const char *dir, struct km_nodes *out, struct km_perr *err, char *errpath,
                      size_t errpathsz);
/*
 * What of those files only hotplug changes (the possible, has_cpu and has_memory masks, each
 * node's cpulist and distance): km_nodes_read_cached keeps it from a clean full read in t,
 * and for max_age seconds after (now: a monotonic clock) reads only the online mask, which
 * must be the same as then, and each node's meminfo and numastat, the counters; else, or
 * with t NULL, it reads everything as km_nodes_read_dir. On a 64-node server that is 130
 * files a tick fewer; a node or CPU brought up shows within max_age.
 */
struct km_nodes_topo;
struct km_nodes_topo *km_nodes_topo_new(void);
void km_nodes_topo_free(struct km_nodes_topo **t);
int km_nodes_read_cached(const char *dir, struct km_nodes_topo *t, double now, double max_age,
                         struct km_nodes *out, struct km_perr *err, char *errpath,
                         size_t errpathsz);
/* The sampler's live read: /sys/devices/system/node, the topology kept KM_NODES_TOPO_AGE s. */
#define KM_NODES_TOPO_AGE 10.0
int km_nodes_read_live(struct km_nodes_topo *t, double now, struct km_nodes *out,
                       struct km_perr *err, char *errpath, size_t errpathsz);

#endif
