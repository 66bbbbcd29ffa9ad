/*
 * fuzz_vmgroup.c - libFuzzer target: km_vmgroup over what km_parse_vmallocinfo
 * made of the input, then a copy as rate base and km_vmgroups_rate against
 * it. Checks that every area is in exactly one group, that the groups' sums
 * are the totals, and that a group against its own copy does not grow.
 */
#include "kmemtop/vmgroup.h"

#include "fz.h"

#include <math.h>

static void check_groups(const struct km_vmallocinfo *vm, const struct km_vmgroups *g)
{
    int64_t areas = 0, bytes = 0;
    char *seen = calloc(vm->n ? vm->n : 1, 1);
    for (size_t i = 0; i < g->n; i++) {
        const struct km_vmgroup *x = &g->g[i];
        FZ_CHECK(x->areas >= 1 && x->area0 + (size_t)x->areas <= vm->n, "group %zu: areas %lld",
                 i, (long long)x->areas);
        FZ_CHECK(x->node0 + x->nnodes <= g->nnodes, "group %zu: nodes out of range", i);
        FZ_CHECK(x->caller && strlen(x->caller) == x->caller_len, "group %zu: caller", i);
        for (int64_t k = 0; k < x->areas; k++) {
            size_t a = g->area[x->area0 + (size_t)k];
            FZ_CHECK(a < vm->n && !seen[a], "group %zu: area %zu twice or out of range", i, a);
            seen[a] = 1;
        }
        areas += x->areas;
        bytes += x->bytes;
    }
    free(seen);
    FZ_CHECK(areas == (int64_t)vm->n && areas == g->areas, "areas %lld of %zu", (long long)areas,
             vm->n);
    FZ_CHECK(bytes == g->bytes, "bytes %lld, total %lld", (long long)bytes, (long long)g->bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *p = malloc(size ? size : 1);
    memcpy(p, data, size);
    struct km_vmallocinfo vm;
    struct km_perr pe = {.line = -1};
    int rc = km_parse_vmallocinfo(p, size, &vm, &pe);
    free(p);
    if (rc)
        return 0;
    struct km_vmgroups g, base;
    km_vmgroup(&vm, 4096, &g);
    check_groups(&vm, &g);
    km_vmgroups_copy(&base, &g);
    km_vmgroups_rate(&g, &base, 1.0);
    for (size_t i = 0; i < g.n; i++)
        FZ_CHECK(isnan(g.g[i].growth) || g.g[i].growth == 0, "group %zu grows against itself", i);
    km_vmgroups_free(&base);
    km_vmgroups_free(&g);
    km_vmallocinfo_free(&vm);
    return 0;
}
