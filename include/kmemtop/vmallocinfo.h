/*
 * vmallocinfo.h - parser for /proc/vmallocinfo (root only).
 *
 * One record per line, in file order (address order up to 6.8; per-node
 * runs from 6.9). Addresses are kept as printed: real, hashed (4.15+ with
 * kptr_restrict=0) or zero (restricted); `addr_kind` says which the file
 * looks like. `size` includes the guard page. `pages` is KM_NA for lines
 * without "pages=" (vm_map_ram, unpurged, ioremap, percpu areas), which
 * hold no vmalloc'd memory. Strings point into `text`, owned by the
 * record set, each caller and module text stored once (areas with the same
 * caller share one pointer); an area's N<nid>= counts are numa[numa0 ..
 * numa0 + nnuma) (km_vm_numa). Pure; *out owns its memory (km_vmallocinfo_free). A line it
 * cannot read (or that would take the totals past 2^60 bytes or 2^40 pages)
 * is left out and counted in err (skipped, skip_line, skip_msg); a line
 * repeating the range of the one before is left out and counted in dups;
 * -EINVAL only when no line could be read.
 */
#ifndef KMEMTOP_VMALLOCINFO_H
#define KMEMTOP_VMALLOCINFO_H

#include "kmemtop/util.h"

enum km_vm_flag {
    KM_VM_IOREMAP = 1u << 0,
    KM_VM_SPARSE = 1u << 1,
    KM_VM_VMALLOC = 1u << 2,
    KM_VM_VMAP = 1u << 3,
    KM_VM_USER = 1u << 4,
    KM_VM_DMA_COHERENT = 1u << 5,
    KM_VM_VPAGES = 1u << 6,
    KM_VM_MAP_RAM = 1u << 7,  /* "vm_map_ram" line */
    KM_VM_UNPURGED = 1u << 8, /* "unpurged vm_area" line */
    /* not the kernel's: pages= was missing and pages is estimated (km_vmallocinfo_estimate_pages) */
    KM_VM_PAGES_EST = 1u << 9,
};

enum km_addr_kind { KM_ADDR_REAL, KM_ADDR_HASHED, KM_ADDR_ZERO };

#define KM_VM_MAX_NUMA 8

/* 64 bytes, no padding: a server has 100k+ of them */
struct km_vmarea {
    uint64_t start, end; /* as printed */
    int64_t size;        /* bytes, guard page included */
    int64_t pages;       /* pages= value, KM_NA when absent */
    const char *caller;  /* full caller text ("sym+0x1/0x2", "0x..."), NULL if none */
    const char *module;  /* the "[mod]" suffix without brackets, NULL if none */
    int caller_symlen;   /* length of the symbol part (before '+'), 0 if none */
    int lineno;
    uint32_t numa0;      /* the first N<nid>= count kept, in km_vmallocinfo.numa */
    uint16_t flags;      /* enum km_vm_flag (10 bits) */
    signed char nnuma;   /* N<nid>=<pages> tokens kept, the first KM_VM_MAX_NUMA */
};

struct km_vmnuma {
    int node;
    int64_t pages;
};

struct km_vmallocinfo {
    size_t n;
    struct km_vmarea *areas;
    struct km_vmnuma *numa; /* every area's N<nid>= counts, in file order */
    size_t nnuma;
    enum km_addr_kind addr_kind;
    char *text; /* owned storage for caller/module strings */
    /*
     * Lines left out because they repeat the range of the line before: two
     * areas never share a range, so the kernel printed one twice (a read
     * torn between two read() calls, up to 6.8). How many, the first's line.
     */
    size_t dups;
    int dup_lineno;
    /* the room of areas, numa and text (what a recycled record set can be filled with) */
    size_t areas_cap, numa_cap, text_cap;
};

/* The N<nid>= counts of area a of v: a->nnuma of them. */
static inline const struct km_vmnuma *km_vm_numa(const struct km_vmallocinfo *v,
                                                 const struct km_vmarea *a)
{
    return v->numa + a->numa0;
}

int km_parse_vmallocinfo(const char *buf, size_t len, struct km_vmallocinfo *out,
                         struct km_perr *err);
void km_vmallocinfo_free(struct km_vmallocinfo *v);
/*
 * The same parse in pieces, for a file read a piece at a time (km_read_stream): begin, then
 * feed each piece (whole lines: a piece ends after a newline, or at the end of the file; line
 * numbers go on from piece to piece), then end, which returns what km_parse_vmallocinfo
 * would for the pieces put together. spare (or NULL): a record set no longer needed
 * (km_vmallocinfo_recycle), whose memory is filled again instead of allocated: a server's
 * areas are megabytes, and fresh memory costs a page fault per 4 KiB each tick. hint: areas
 * to make room for (0: as they come). abort instead of end throws the parse away.
 */
struct km_vm_parse;
struct km_vm_parse *km_vm_parse_begin(struct km_vmallocinfo *out, struct km_vmallocinfo *spare,
                                      size_t hint, struct km_perr *err);
void km_vm_parse_feed(struct km_vm_parse *p, const char *buf, size_t len);
int km_vm_parse_end(struct km_vm_parse *p);
void km_vm_parse_abort(struct km_vm_parse *p);
/*
 * Keeps v's memory in spare for the next parse (the larger of the two is kept, the other
 * freed); v is left empty.
 */
void km_vmallocinfo_recycle(struct km_vmallocinfo *v, struct km_vmallocinfo *spare);
/*
 * Areas flagged "vmalloc vpages" but printed without pages= (3.x vendor
 * kernels, for a driver's large areas) still hold RAM: each gets pages =
 * (size - one guard page) / page_size and KM_VM_PAGES_EST. Percpu chunks
 * ("vmalloc" alone, no pages of their own) are left as they are.
 * Returns how many. Pure.
 */
size_t km_vmallocinfo_estimate_pages(struct km_vmallocinfo *v, long page_size);
/* Sum of pages= over lines flagged vmalloc (what VmallocUsed counts from 5.3). */
int64_t km_vmallocinfo_vmalloc_pages(const struct km_vmallocinfo *v);

#endif
