/*
 * fuzz_vmallocinfo.c - libFuzzer target: km_parse_vmallocinfo
 * (/proc/vmallocinfo). The input is parsed from a copy freed before the
 * records are read: their strings must live in the record set.
 */
#include "kmemtop/vmallocinfo.h"

#include "fz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *p = malloc(size ? size : 1);
    memcpy(p, data, size);
    struct km_vmallocinfo vm;
    struct km_perr pe = {.line = -1};
    int rc = km_parse_vmallocinfo(p, size, &vm, &pe);
    fz_check_perr(rc, &pe, p, size);
    int nl = fz_count_lines(p, size);
    free(p);
    if (rc)
        return 0;
    for (size_t i = 0; i < vm.n; i++) {
        const struct km_vmarea *a = &vm.areas[i];
        size_t cl = a->caller ? strlen(a->caller) : 0;
        if (a->module)
            (void)strlen(a->module);
        FZ_CHECK(a->lineno >= 1 && a->lineno <= nl, "area %zu: line %d of %d", i, a->lineno, nl);
        FZ_CHECK(a->nnuma >= 0 && a->nnuma <= KM_VM_MAX_NUMA, "area %zu: nnuma %d", i, a->nnuma);
        FZ_CHECK(a->caller_symlen >= 0 && (size_t)a->caller_symlen <= cl,
                 "area %zu: caller_symlen %d of %zu", i, a->caller_symlen, cl);
    }
    (void)km_vmallocinfo_vmalloc_pages(&vm);
    km_vmallocinfo_free(&vm);
    return 0;
}
