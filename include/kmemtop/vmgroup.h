/*
 * vmgroup.h - /proc/vmallocinfo's areas grouped by caller: the kernel
 * function that asked for them and the module it is in, with what the
 * group holds (areas, address space, RAM, kinds, pages per node) and how
 * fast its RAM grows.
 *
 * A group's key:
 *  - an area with a caller: its symbol, the caller text without "+off/len"
 *    (caller_symlen; the whole text for a bare "0x..." address, a kernel
 *    without kallsyms), and its module ("[name]"; none for the core
 *    kernel): the same symbol in two modules, or in a module and the core,
 *    is two groups;
 *  - an unpurged area (lazily freed, not yet purged: KM_VM_UNPURGED), whatever
 *    else its line says: the group "unpurged";
 *  - any other area without a caller (vm_map_ram, ...): the group "(none)".
 *
 * Pure: no I/O, no globals. Memory is bounded: at most one group per area,
 * one node entry per N<nid>= token the parser kept, names no longer than
 * the callers'. *out owns all of it (km_vmgroups_free); no pointer into the
 * vmallocinfo records is kept but the area indexes, so a copy
 * (km_vmgroups_copy, the rate base) outlives them. Sums cannot overflow:
 * the parser bounds an area set's bytes and pages, and per-node pages and
 * byte products saturate (sat.h).
 */
#ifndef KMEMTOP_VMGROUP_H
#define KMEMTOP_VMGROUP_H

#include "kmemtop/vmallocinfo.h"

#include <stddef.h>
#include <stdint.h>

enum km_vmg_kind { KM_VMG_CALLER, KM_VMG_NONE, KM_VMG_UNPURGED };

/* The names of the two groups that are not a caller. */
#define KM_VMG_NAME_NONE "(none)"
#define KM_VMG_NAME_UNPURGED "unpurged"

struct km_vmg_node {
    int node;      /* node id as N<nid>= gives it */
    int64_t pages; /* Σ of the group's N<nid>= pages on it, saturating */
};

struct km_vmgroup {
    enum km_vmg_kind kind;
    const char *caller; /* the symbol (or bare address), "(none)" or "unpurged" */
    size_t caller_len;  /* strlen(caller) */
    const char *module; /* the caller's module, NULL for the core kernel and the other kinds */
    int64_t areas;      /* areas in the group (>= 1) */
    int64_t bytes;      /* Σ size: address space, guard pages included */
    int64_t pages;      /* Σ pages=: RAM pages; KM_NA when no area printed pages= */
    int64_t ram;        /* pages × page size, bytes; KM_NA with pages or an unknown page size */
    uint32_t flags;     /* every enum km_vm_flag seen among the group's areas */
    size_t node0;       /* its pages per node: nodes[node0 .. node0 + nnodes), by node id */
    size_t nnodes;
    size_t area0;  /* its areas: area[area0 .. area0 + areas), in file order (not in a copy) */
    double growth; /* ram change per second (km_vmgroups_rate); NAN when unknown */
};

struct km_vmgroups {
    size_t n; /* groups, in the order their first area appears in the file */
    struct km_vmgroup *g;
    size_t nnodes;
    struct km_vmg_node *nodes;
    size_t *area; /* indexes into the grouped vmallocinfo's areas, by group; NULL in a copy */
    char *text;   /* owned storage of the names */
    size_t text_len;
    /* totals over every area */
    int64_t areas, bytes;
    int64_t pages, ram; /* KM_NA when no area printed pages= */
    double growth;      /* Σ ram change per second; NAN when unknown */
};

/*
 * Groups v's areas (v NULL or empty: no group, zero totals). page_size:
 * bytes per page for ram, <= 0 when unknown. Every growth is NAN until
 * km_vmgroups_rate.
 */
void km_vmgroup(const struct km_vmallocinfo *v, long page_size, struct km_vmgroups *out);

/*
 * Each group's and the total RAM change per second against base, dt seconds
 * earlier, groups matched by key (kind, caller, module). A group base lacks
 * grew from nothing; a group with no RAM in either (no pages=: ioremap, vmap)
 * keeps NAN. base NULL (no earlier sample) or dt <= 0: everything NAN.
 */
void km_vmgroups_rate(struct km_vmgroups *cur, const struct km_vmgroups *base, double dt);

/* A copy of src into dst (which owns it) without the area indexes: a rate base. */
void km_vmgroups_copy(struct km_vmgroups *dst, const struct km_vmgroups *src);

void km_vmgroups_free(struct km_vmgroups *gs);

/* The flag words of vmallocinfo, bit k of enum km_vm_flag, for k < KM_VM_NFLAGS. */
#define KM_VM_NFLAGS 10
const char *km_vm_flag_word(int k);

/* flags as the kernel's words joined by sep ("vmalloc,vpages"), "" for none; returns out. */
char *km_vm_flags_text(uint32_t flags, const char *sep, char *out, size_t n);

#endif
