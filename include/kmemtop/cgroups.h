/*
 * cgroups.h - the kernel memory each memory cgroup holds.
 *
 * cgroup v2 (memory.stat, memory.current, cgroup.stat of every cgroup under
 * the cgroup2 mount) or, where the memory controller is mounted as cgroup v1,
 * its memory.kmem.* files and memory.usage_in_bytes. Where the hierarchy is
 * comes from mountinfo (km_parse_cgroup_mounts), never from a fixed path.
 *
 * The parsers are pure: km_parse_cgroup_stat reads a flat "key value" file
 * (memory.stat, cgroup.stat) into the figures kmemtop shows, km_parse_cgroup_value
 * a file holding one number. km_cgroups_read walks the hierarchy through
 * src/read.c (so the same code reads the live system and a captured tree),
 * bounded by KM_CG_MAX cgroups and KM_CG_DEPTH_MAX levels, never through a
 * symlink.
 */
#ifndef KMEMTOP_CGROUPS_H
#define KMEMTOP_CGROUPS_H

#include "kmemtop/util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A host with more cgroups than this is refused (a real one has up to ~100k). */
#define KM_CG_MAX 150000
/* Levels below the mount point walked at most (systemd makes 4 to 6). */
#define KM_CG_DEPTH_MAX 64
/* Seconds between two walks of the live hierarchy (memory.stat of thousands of cgroups costs). */
#define KM_CG_MIN_INTERVAL 2.0
/* The longest cgroup path kept, below the mount point. */
#define KM_CG_PATH_MAX 1024

enum km_cg_hier { KM_CG_NONE, KM_CG_V2, KM_CG_V1 };

/* The figures of one cgroup; KM_NA where the kernel gives none. */
enum km_cg_field {
    KM_CGF_CURRENT,      /* v2 memory.current, v1 memory.usage_in_bytes */
    KM_CGF_KERNEL,       /* v2 memory.stat kernel (5.18+) */
    KM_CGF_SLAB,         /* v2 slab (or slab_reclaimable + slab_unreclaimable) */
    KM_CGF_SLAB_RECL,    /* v2 slab_reclaimable */
    KM_CGF_SLAB_UNRECL,  /* v2 slab_unreclaimable */
    KM_CGF_KSTACK,       /* v2 kernel_stack */
    KM_CGF_PAGETABLES,   /* v2 pagetables */
    KM_CGF_SECPT,        /* v2 sec_pagetables (6.2+) */
    KM_CGF_PERCPU,       /* v2 percpu */
    KM_CGF_SOCK,         /* v2 sock */
    KM_CGF_VMALLOC,      /* v2 vmalloc (6.1+ in memory.stat) */
    KM_CGF_KMEM,         /* v1 memory.kmem.usage_in_bytes */
    KM_CGF_KMEM_MAX,     /* v1 memory.kmem.max_usage_in_bytes */
    KM_CGF_KMEM_TCP,     /* v1 memory.kmem.tcp.usage_in_bytes */
    KM_CGF_DYING,        /* v2 cgroup.stat nr_dying_descendants */
    KM_CGF_DESC,         /* v2 cgroup.stat nr_descendants */
    KM_CGF_N
};

struct km_cgroup {
    char *path;    /* below the mount point: "/" for the root, "/system.slice/x.service" */
    int depth;     /* 0 for the root */
    size_t parent; /* index of the parent, SIZE_MAX for the root */
    int64_t v[KM_CGF_N];
    double rate[KM_CGF_N]; /* change per second, NAN unknown */
    bool dying_grew;       /* nr_dying_descendants above the base's */
    int err;               /* 0, or why memory.stat could not be read (negative errno) */
    char *stat;            /* memory.stat as read (NULL when not read), for the details */
    size_t statlen;
};

struct km_cgroups {
    enum km_cg_hier hier;
    char mount[256];        /* the mount point, as mountinfo names it */
    struct km_cgroup *v;    /* walk order: a parent before its children, siblings by name */
    size_t n, cap;
    size_t ndenied;         /* cgroups whose memory.stat could not be read for permission */
    bool stat_kernel;       /* memory.stat of some cgroup had the "kernel" key */
    bool v1_has_tcp;        /* v1: memory.kmem.tcp.usage_in_bytes exists */
    int64_t v1_css;         /* v1: /proc/cgroups memory num_cgroups (dying included), KM_NA */
};

/* The hierarchy to show, from mountinfo. */
struct km_cg_mount {
    enum km_cg_hier hier;
    char point[256]; /* mount point, unescaped */
    char root[256];  /* the mount's root within the hierarchy ("/" unless a namespace) */
};

/*
 * Finds the cgroup hierarchy that holds the memory controller in a
 * mountinfo file: a cgroup (v1) mount whose super options name "memory",
 * else the first cgroup2 mount. 0 with out->hier KM_CG_NONE when there is
 * neither; -EINVAL for a file with no line of the mountinfo form.
 */
int km_parse_cgroup_mounts(const char *buf, size_t len, struct km_cg_mount *out,
                           struct km_perr *err);

/*
 * Reads the keys kmemtop shows from a flat "key value" file (memory.stat or
 * cgroup.stat of v2, memory.stat of v1) into v (KM_CGF_N entries, left as
 * they are for keys the file lacks). Unknown keys are ignored; a line that
 * is not "key number" is skipped and counted. *has_kernel says whether the
 * "kernel" key was there (may be NULL).
 */
int km_parse_cgroup_stat(const char *buf, size_t len, int64_t *v, bool *has_kernel,
                         struct km_perr *err);

/* A file that holds one decimal number (memory.current, memory.kmem.*). */
int km_parse_cgroup_value(const char *buf, size_t len, int64_t *out, struct km_perr *err);

/*
 * /proc/cgroups: the number of cgroups of the memory controller (v1 counts
 * the dying ones too). KM_NA when the line is not there.
 */
int km_parse_proc_cgroups(const char *buf, size_t len, int64_t *memory_num, struct km_perr *err);

/*
 * Walks the hierarchy m is mounted at, through the reader (km_read_*):
 * every cgroup's files into out. buf is a reused read buffer; *bytes adds
 * what was read. A file that cannot be parsed is named in err's skip (path in
 * badpath, badpathsz bytes). Returns 0, or a negative errno when the mount
 * point itself cannot be read, -E2BIG when there are more than KM_CG_MAX
 * cgroups (out is then emptied).
 */
int km_cgroups_read(const struct km_cg_mount *m, struct km_buf *buf, struct km_cgroups *out,
                    size_t *bytes, struct km_perr *err, char *badpath, size_t badpathsz);

/* Rates of cur against base (matched by path), dt seconds apart. */
void km_cgroups_rates(struct km_cgroups *cur, const struct km_cgroups *base, double dt);
/* A deep copy (with_stat: the memory.stat texts too). */
void km_cgroups_copy(struct km_cgroups *dst, const struct km_cgroups *src, bool with_stat);
void km_cgroups_free(struct km_cgroups *c);
/* The name of a hierarchy: "cgroup v2", "cgroup v1", "none". */
const char *km_cg_hier_name(enum km_cg_hier h);

#endif
