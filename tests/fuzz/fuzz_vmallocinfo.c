/*
 * fuzz_vmallocinfo.c - libFuzzer target: km_parse_vmallocinfo
 * (/proc/vmallocinfo). The input is parsed from a copy freed before the
 * records are read: their strings must live in the record set. It is also
 * parsed in pieces (cut after newlines, as km_read_stream reads the live
 * file), into the memory of an earlier parse: the same areas, errors and
 * line numbers as the whole.
 */
#include "kmemtop/vmallocinfo.h"

#include "fz.h"
#include "fz_vm.h"

static struct km_vmallocinfo spare; /* recycled from input to input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *p = malloc(size ? size : 1);
    memcpy(p, data, size);
    struct km_vmallocinfo vm;
    struct km_perr pe = {.line = -1};
    int rc = km_parse_vmallocinfo(p, size, &vm, &pe);
    fz_check_perr(rc, &pe, p, size);
    int nl = fz_count_lines(p, size);
    struct km_vmallocinfo pv;
    struct km_perr pe2 = {.line = -1};
    unsigned seed = size ? data[0] : 0;
    int rc2 = vm_parse_pieces(p, size, seed, &spare, &pv, &pe2);
    free(p);
    FZ_CHECK(rc2 == rc, "in pieces (seed %u): rc %d, whole %d", seed, rc2, rc);
    FZ_CHECK(pe2.skipped == pe.skipped && pe2.line == pe.line,
             "in pieces: %d skipped, line %d; whole %d, %d", pe2.skipped, pe2.line, pe.skipped,
             pe.line);
    if (rc == 0) {
        char why[160];
        const char *d = vm_differ(&vm, &pv, why, sizeof(why));
        FZ_CHECK(d == NULL, "in pieces (seed %u): %s", seed, d);
        km_vmallocinfo_recycle(&pv, &spare);
    }
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
