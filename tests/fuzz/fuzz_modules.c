/*
 * fuzz_modules.c - libFuzzer target: km_parse_modules (/proc/modules). The
 * input is parsed from a copy freed before the records are read.
 */
#include "kmemtop/modules.h"

#include "fz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *p = malloc(size ? size : 1);
    memcpy(p, data, size);
    struct km_modules m;
    struct km_perr pe = {.line = -1};
    int rc = km_parse_modules(p, size, &m, &pe);
    fz_check_perr(rc, &pe, p, size);
    free(p);
    if (rc)
        return 0;
    for (size_t i = 0; i < m.n; i++) {
        const struct km_module *x = &m.mods[i];
        FZ_CHECK(x->name[0] && fz_cstr_ok(x->name, KM_MOD_NAME), "module %zu: name", i);
        FZ_CHECK(fz_cstr_ok(x->state, sizeof(x->state)) && fz_cstr_ok(x->taint, sizeof(x->taint)),
                 "module %zu: state or taint", i);
        FZ_CHECK(x->ndeps >= 0 && x->size >= 0, "module %zu: ndeps %d, size %lld", i, x->ndeps,
                 (long long)x->size);
        for (int k = 0; k < x->ndeps; k++)
            (void)strlen(x->deps[k]);
        FZ_CHECK(km_modules_find(&m, x->name) != NULL, "module %s not found by name", x->name);
    }
    km_modules_free(&m);
    return 0;
}
