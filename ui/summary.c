/*
 * summary.c - the frame's summary as fields: meminfo's figures of kernel
 * memory and the modules' total, the JSON "summary" object (ui/frame.c) and
 * the Prometheus meminfo families (ui/prom.c) made from one table.
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#include "frame.h"

#define MEM_OK(c) ((c)->s->src[KM_SRC_MEMINFO].status == KM_ST_OK)

static bool mem_ok(const struct km_vctx *c)
{
    return MEM_OK(c);
}
static bool mem_bad(const struct km_vctx *c)
{
    return !MEM_OK(c);
}

static struct km_val g_status(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_str(km_status_name(c->s->src[KM_SRC_MEMINFO].status));
}
static struct km_val g_reason(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_str(c->s->src[KM_SRC_MEMINFO].reason);
}

#define MEM_GET(nm, expr)                                                                          \
    KM_GETTER(g_##nm, const struct km_meminfo *m = &c->s->mem, km_v_int(expr))
MEM_GET(mem_total, m->mem_total)
MEM_GET(mem_free, m->mem_free)
MEM_GET(mem_available, m->mem_available)
MEM_GET(slab, m->slab)
MEM_GET(srecl, m->sreclaimable)
MEM_GET(sunrecl, m->sunreclaim)
MEM_GET(vmalloc_used, m->vmalloc_used_valid ? m->vmalloc_used : KM_NA)
MEM_GET(kernel_stack, m->kernel_stack)
MEM_GET(page_tables, m->page_tables)
MEM_GET(percpu, m->percpu)

static struct km_val g_modules(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    return km_v_int(km_frame_module_total(c->s));
}

/* A meminfo figure in bytes: its JSON key, getter, help, Prometheus family. */
#define MEM(k, g, h, fam)                                                                          \
    {                                                                                              \
        KM_NUM(k, k, NULL, 0, KM_U_BYTES, g_##g, h), .when = mem_ok,                               \
            .prom = KM_PROMS({.name = fam})                                                        \
    }

const struct km_col km_frame_sum[] = {
    {KM_TEXT("status", "status", 0, g_status, "meminfo's status")},
    MEM("mem_total", mem_total, "meminfo MemTotal", "meminfo_mem_total_bytes"),
    MEM("mem_free", mem_free, "meminfo MemFree", "meminfo_mem_free_bytes"),
    MEM("mem_available", mem_available, "meminfo MemAvailable", "meminfo_mem_available_bytes"),
    MEM("slab", slab, "meminfo Slab", "meminfo_slab_bytes"),
    MEM("slab_reclaimable", srecl, "meminfo SReclaimable", "meminfo_slab_reclaimable_bytes"),
    MEM("slab_unreclaimable", sunrecl, "meminfo SUnreclaim", "meminfo_slab_unreclaimable_bytes"),
    MEM("vmalloc_used", vmalloc_used,
        "meminfo VmallocUsed (absent where the kernel prints 0 for not counted, 4.4-5.2)",
        "meminfo_vmalloc_used_bytes"),
    MEM("kernel_stack", kernel_stack, "meminfo KernelStack", "meminfo_kernel_stack_bytes"),
    MEM("page_tables", page_tables, "meminfo PageTables", "meminfo_page_tables_bytes"),
    MEM("percpu", percpu, "meminfo Percpu", "meminfo_percpu_bytes"),
    {KM_TEXT("reason", "reason", 0, g_reason, "why meminfo could not be read"), .when = mem_bad},
    {KM_NUM("modules_total", "modules_total", NULL, 0, KM_U_BYTES, g_modules,
            "the loaded modules' sizes as lsmod reports them")},
};
const int km_frame_nsum = (int)(sizeof(km_frame_sum) / sizeof(km_frame_sum[0]));
