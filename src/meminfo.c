/* meminfo.c - /proc/meminfo through libproc2. See include/kmemtop/meminfo.h. */
#include "kmemtop/meminfo.h"
#include "kmemtop/proctext.h"
#include "kmemtop/read.h"
#include "kmemtop/root.h"

#include <errno.h>
#include <stddef.h>
#include <libproc2/meminfo.h>
#include <stdlib.h>
#include <string.h>

/*
 * Keys some kernels do not print. libproc2 reports an absent key as 0 (and
 * an absent MemAvailable as MemFree), so the first read of a context also
 * reads the text once to learn which of them this kernel prints. The set
 * of keys is fixed for a boot, so the answer is kept until the context is
 * freed (which the sampler does when it moves to another tree).
 */
enum opt_key {
    OPT_AVAILABLE,
    OPT_PERCPU,
    OPT_KRECLAIM,
    OPT_SCS,
    OPT_SECPT,
    OPT_SHMEM,
    OPT_HTOTAL,
    OPT_HFREE,
    OPT_HSURP,
    OPT_HSIZE,
    OPT_HUGETLB,
    OPT_CMATOTAL,
    OPT_CMAFREE,
    OPT_N
};

static const char *const opt_names[OPT_N] = {
    [OPT_AVAILABLE] = "MemAvailable",   [OPT_PERCPU] = "Percpu",
    [OPT_KRECLAIM] = "KReclaimable",    [OPT_SCS] = "ShadowCallStack",
    [OPT_SECPT] = "SecPageTables",      [OPT_SHMEM] = "Shmem",
    [OPT_HTOTAL] = "HugePages_Total",   [OPT_HFREE] = "HugePages_Free",
    [OPT_HSURP] = "HugePages_Surp",     [OPT_HSIZE] = "Hugepagesize",
    [OPT_HUGETLB] = "Hugetlb",          [OPT_CMATOTAL] = "CmaTotal",
    [OPT_CMAFREE] = "CmaFree",
};

struct km_mem_ctx {
    /* libproc2 keeps /proc/meminfo open and lseeks it back to 0 on each read,
       so a context sees the file that was at /proc when it was created */
    struct meminfo_info *info;
    struct km_buf text; /* our own read of /proc/meminfo, when needed */
    bool scanned;       /* present[] is known */
    bool no_secpt;      /* SecPageTables not wanted (km_mem_ctx_want_secpt) */
    bool present[OPT_N];
};

/* The order of this list is the order of the results in the stack. */
static enum meminfo_item items[] = {
    MEMINFO_MEM_TOTAL,          MEMINFO_MEM_FREE,           MEMINFO_MEM_AVAILABLE,
    MEMINFO_MEM_BUFFERS,        MEMINFO_MEM_CACHED,         MEMINFO_MEM_SLAB,
    MEMINFO_MEM_SLAB_RECLAIM,   MEMINFO_MEM_SLAB_UNRECLAIM, MEMINFO_MEM_KERNEL_RECLAIM,
    MEMINFO_MEM_VM_ALLOC_TOTAL, MEMINFO_MEM_VM_ALLOC_USED,  MEMINFO_MEM_KERNEL_STACK,
    MEMINFO_MEM_PAGE_TABLES,    MEMINFO_MEM_PER_CPU,        MEMINFO_MEM_SHADOWCALLSTACK,
    MEMINFO_MEM_ANON,           MEMINFO_MEM_SHARED,         MEMINFO_SWAP_CACHED,
    MEMINFO_MEM_HUGE_TOTAL,     MEMINFO_MEM_HUGE_FREE,      MEMINFO_MEM_HUGE_SURPLUS,
    MEMINFO_MEM_HUGE_SIZE,      MEMINFO_MEM_HUGETBL,        MEMINFO_MEM_CMA_TOTAL,
    MEMINFO_MEM_CMA_FREE,
};
enum {
    I_TOTAL,
    I_FREE,
    I_AVAIL,
    I_BUFFERS,
    I_CACHED,
    I_SLAB,
    I_SRECL,
    I_SUNRECL,
    I_KRECL,
    I_VMTOTAL,
    I_VMUSED,
    I_KSTACK,
    I_PTABLES,
    I_PERCPU,
    I_SCS,
    I_ANON,
    I_SHMEM,
    I_SWAPCACHED,
    I_HTOTAL,
    I_HFREE,
    I_HSURP,
    I_HSIZE,
    I_HUGETLB,
    I_CMATOTAL,
    I_CMAFREE,
    I_N
};

_Static_assert(sizeof(items) / sizeof(items[0]) == I_N, "items and I_ indexes agree");

int km_mem_ctx_new(struct km_mem_ctx **ctx)
{
    /* libproc2's context is made on first read: it fails when the file is absent */
    *ctx = xcalloc(1, sizeof(**ctx));
    return 0;
}

void km_mem_ctx_want_secpt(struct km_mem_ctx *ctx, bool want)
{
    ctx->no_secpt = !want;
}

void km_mem_ctx_free(struct km_mem_ctx **ctx)
{
    if (!ctx || !*ctx)
        return;
    if ((*ctx)->info)
        procps_meminfo_unref(&(*ctx)->info);
    km_buf_free(&(*ctx)->text);
    free(*ctx);
    *ctx = NULL;
}

/* Finds "key:" at the start of a line; *val is the text after the colon. */
static bool find_key(const char *buf, size_t len, const char *key, const char **val, size_t *vlen)
{
    size_t klen = strlen(key);
    if (klen > 0 && key[klen - 1] == ':')
        klen--;
    struct km_lines it;
    const char *line;
    size_t llen;
    km_lines_init(&it, buf, len);
    while (km_lines_next(&it, &line, &llen)) {
        if (llen > klen && line[klen] == ':' && memcmp(line, key, klen) == 0) {
            *val = line + klen + 1;
            *vlen = llen - klen - 1;
            return true;
        }
    }
    return false;
}

bool km_meminfo_has_key(const char *buf, size_t len, const char *key)
{
    const char *v;
    size_t vlen;
    return find_key(buf, len, key, &v, &vlen);
}

/* KiB from the text ("Key:   123 kB", "ShadowCallStack:123 kB"); KM_NA when absent or bad. */
static int64_t text_kib(const char *buf, size_t len, const char *key)
{
    const char *v, *tok;
    size_t vlen, tlen;
    struct km_tok t;
    int64_t kib;
    if (!find_key(buf, len, key, &v, &vlen))
        return KM_NA;
    km_tok_init(&t, v, vlen);
    if (!km_tok_next(&t, &tok, &tlen) || km_parse_i64(tok, tlen, &kib) || kib < 0)
        return KM_NA;
    return kib;
}

static int64_t kib_to_bytes(int64_t kib)
{
    if (KM_IS_NA(kib) || kib > INT64_MAX / 1024)
        return KM_NA;
    return kib * 1024;
}

static int64_t ul_kib(unsigned long v)
{
    return v > (unsigned long)INT64_MAX ? KM_NA : (int64_t)v;
}

/*
 * Our own read happens on the first read of a context, to learn which
 * optional keys exist; after that every frame costs one read of the file, by
 * libproc2, but on a kernel that prints SecPageTables (6.1+), which libproc2
 * 4.0.2 has no item for: there the text is read each frame for it, when it is
 * wanted or when libproc2's MemAvailable may be its MemFree (the text corrects
 * it, as it did when the text was read every frame).
 */
static bool need_text(const struct km_mem_ctx *ctx, const struct meminfo_stack *st)
{
    if (!ctx->scanned)
        return true;
    if (!ctx->present[OPT_SECPT])
        return false;
    return !ctx->no_secpt ||
           st->head[I_AVAIL].result.ul_int == st->head[I_FREE].result.ul_int;
}

/*
 * The optional keys; and MemTotal, which every meminfo prints first: without
 * it the file is something else (libproc2 would give zeros for every key).
 */
static int scan_text(struct km_mem_ctx *ctx, struct km_perr *err)
{
    if (!km_meminfo_has_key(ctx->text.data, ctx->text.len, "MemTotal"))
        return km_perr_set(err, 0, "no MemTotal line: not a meminfo file");
    for (int k = 0; k < OPT_N; k++)
        ctx->present[k] = km_meminfo_has_key(ctx->text.data, ctx->text.len, opt_names[k]);
    ctx->scanned = true;
    return 0;
}

static void fill(struct km_mem_ctx *ctx, const struct meminfo_stack *st, bool have_text,
                 struct km_meminfo *out)
{
#define B(i) kib_to_bytes(ul_kib(st->head[i].result.ul_int))
    out->mem_total = B(I_TOTAL);
    out->mem_free = B(I_FREE);
    out->mem_available = B(I_AVAIL);
    out->buffers = B(I_BUFFERS);
    out->cached = B(I_CACHED);
    out->slab = B(I_SLAB);
    out->sreclaimable = B(I_SRECL);
    out->sunreclaim = B(I_SUNRECL);
    out->kreclaimable = B(I_KRECL);
    out->vmalloc_total = B(I_VMTOTAL);
    out->vmalloc_used = B(I_VMUSED);
    out->kernel_stack = B(I_KSTACK);
    out->page_tables = B(I_PTABLES);
    out->percpu = B(I_PERCPU);
    out->shadow_call_stack = B(I_SCS);
    out->anon_pages = B(I_ANON);
    out->shmem = B(I_SHMEM);
    out->swap_cached = B(I_SWAPCACHED);
    out->huge_total = ul_kib(st->head[I_HTOTAL].result.ul_int); /* counts, not kB */
    out->huge_free = ul_kib(st->head[I_HFREE].result.ul_int);
    out->huge_surp = ul_kib(st->head[I_HSURP].result.ul_int);
    out->huge_size = B(I_HSIZE);
    out->hugetlb = B(I_HUGETLB);
    out->cma_total = B(I_CMATOTAL);
    out->cma_free = B(I_CMAFREE);
#undef B
    out->sec_page_tables = KM_NA;
    if (have_text) {
        const char *t = ctx->text.data;
        size_t n = ctx->text.len;
        /* libproc2 turns MemAvailable 0 (or > MemTotal) into MemFree */
        if (out->mem_available == out->mem_free)
            out->mem_available = kib_to_bytes(text_kib(t, n, "MemAvailable"));
        if (!ctx->no_secpt)
            out->sec_page_tables = kib_to_bytes(text_kib(t, n, "SecPageTables"));
    }
    /* 4.4-5.2 print 0 for "not counted"; a real kernel always has some */
    out->vmalloc_used_valid = !KM_IS_NA(out->vmalloc_used) && out->vmalloc_used != 0;
    if (!ctx->scanned)
        return; /* could not read the text: keep libproc2's numbers */
    if (!ctx->present[OPT_AVAILABLE])
        out->mem_available = KM_NA;
    if (!ctx->present[OPT_PERCPU])
        out->percpu = KM_NA;
    if (!ctx->present[OPT_KRECLAIM])
        out->kreclaimable = KM_NA;
    if (!ctx->present[OPT_SCS])
        out->shadow_call_stack = KM_NA;
    /* libproc2 gives 0 for an absent key: absent it is */
    static const struct {
        enum opt_key k;
        size_t off;
    } opt_fields[] = {
        {OPT_SHMEM, offsetof(struct km_meminfo, shmem)},
        {OPT_HTOTAL, offsetof(struct km_meminfo, huge_total)},
        {OPT_HFREE, offsetof(struct km_meminfo, huge_free)},
        {OPT_HSURP, offsetof(struct km_meminfo, huge_surp)},
        {OPT_HSIZE, offsetof(struct km_meminfo, huge_size)},
        {OPT_HUGETLB, offsetof(struct km_meminfo, hugetlb)},
        {OPT_CMATOTAL, offsetof(struct km_meminfo, cma_total)},
        {OPT_CMAFREE, offsetof(struct km_meminfo, cma_free)},
    };
    for (size_t i = 0; i < sizeof(opt_fields) / sizeof(opt_fields[0]); i++)
        if (!ctx->present[opt_fields[i].k])
            *(int64_t *)(void *)((char *)out + opt_fields[i].off) = KM_NA;
}

/* A tree shown without a mount namespace: our own read and parser (libproc2 reads only /proc). */
static int read_own(struct km_mem_ctx *ctx, struct km_meminfo *out, struct km_perr *err)
{
    struct km_perr tmp = {0};
    int rc = km_read_file("/proc/meminfo", &ctx->text);
    return rc ? rc : km_parse_meminfo(ctx->text.data, ctx->text.len, out, err ? err : &tmp);
}

int km_meminfo_read(struct km_mem_ctx *ctx, struct km_meminfo *out, struct km_perr *err)
{
    memset(out, 0, sizeof(*out));
    if (km_root_own_parsers())
        return read_own(ctx, out, err);
    if (!ctx->info) {
        int rc = km_read_staged_error("/proc/meminfo"); /* a tree's copy that could not be made */
        if (rc == 0)
            rc = procps_meminfo_new(&ctx->info);
        if (rc < 0) {
            ctx->info = NULL;
            return rc;
        }
    }
    /* select reads the file every time; get caches it for a second */
    errno = 0;
    struct meminfo_stack *st = procps_meminfo_select(ctx->info, items, I_N);
    if (!st) {
        int rc = errno ? -errno : -EIO;
        procps_meminfo_unref(&ctx->info); /* reopen on the next read */
        ctx->info = NULL;
        return rc;
    }
    bool have_text = false;
    if (need_text(ctx, st) && km_read_file("/proc/meminfo", &ctx->text) == 0) {
        have_text = true;
        int rc = ctx->scanned ? 0 : scan_text(ctx, err);
        if (rc)
            return rc;
    }
    fill(ctx, st, have_text, out);
    return 0;
}
