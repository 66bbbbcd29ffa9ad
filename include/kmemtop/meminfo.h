/*
 * meminfo.h - /proc/meminfo through libproc2's meminfo API.
 *
 * All sizes in bytes; KM_NA for a field this kernel does not print
 * (Percpu before 4.16, KReclaimable before 4.20, ...). VmallocUsed is 0 on
 * 4.4-5.2 kernels, which means "not counted": `vmalloc_used_valid` says
 * whether the number can be believed.
 * km_meminfo_read returns 0 or a negative errno (-ENOENT: no meminfo;
 * -EINVAL with err set (line 0: the message names no line) when the file
 * has no MemTotal line, i.e. is not a meminfo; err may be NULL).
 * libproc2 keeps /proc/meminfo open from the first read on: free and
 * re-create the context whenever /proc is switched to another tree.
 */
#ifndef KMEMTOP_MEMINFO_H
#define KMEMTOP_MEMINFO_H

#include "kmemtop/util.h"

struct km_meminfo {
    int64_t mem_total, mem_free, mem_available, buffers, cached;
    int64_t slab, sreclaimable, sunreclaim, kreclaimable;
    int64_t vmalloc_total, vmalloc_used, kernel_stack, page_tables;
    /* SecPageTables (6.1+): libproc2 4.0.2 has no item for it, so a kernel that prints it
       has the text read each frame for this one figure */
    int64_t sec_page_tables;
    int64_t percpu, shadow_call_stack;
    /* for the Overview: user memory, the HugeTLB pool (huge_*: counts of pages of
       huge_size bytes; hugetlb: Hugetlb, every size's pool, 5.16+), CMA */
    int64_t anon_pages, shmem, swap_cached;
    int64_t huge_total, huge_free, huge_surp, huge_size, hugetlb;
    int64_t cma_total, cma_free;
    bool vmalloc_used_valid;
};

struct km_mem_ctx;

int km_mem_ctx_new(struct km_mem_ctx **ctx);
void km_mem_ctx_free(struct km_mem_ctx **ctx);
int km_meminfo_read(struct km_mem_ctx *ctx, struct km_meminfo *out, struct km_perr *err);
/*
 * Whether the reads of ctx must give SecPageTables (the Overview's; the default): libproc2
 * 4.0.2 has no item for it, so on a kernel that prints it (6.1+) kmemtop reads the file a
 * second time each frame for it. Not wanted: sec_page_tables is KM_NA and the file is read
 * once a frame, by libproc2, unless its MemAvailable needs the text (libproc2 gives MemFree
 * for a MemAvailable of 0).
 */
void km_mem_ctx_want_secpt(struct km_mem_ctx *ctx, bool want);
/* Pure: does the meminfo text print this key? (libproc2 cannot tell 0 from absent) */
bool km_meminfo_has_key(const char *buf, size_t len, const char *key);

#endif
