/*
 * fuzz_modjoin.c - libFuzzer target: the module join. The input is a
 * /proc/modules text and a /proc/vmallocinfo text split at the first
 * FZ_MJ_SEP line (no separator: modules alone, the join without
 * vmallocinfo). Each part is parsed from a copy freed before the join, which
 * must then use only the parsed records; the join must keep its indexes
 * inside the inputs and reconcile its totals (attributed + unattributed +
 * shared = every module-image area); module events between the join without
 * and with vmallocinfo stay within their array. The page size is 4, 16 or
 * 64 KiB, picked by the input's length.
 */
#include "kmemtop/modevents.h"
#include "kmemtop/modjoin.h"

#include "fz.h"

#define FZ_MJ_SEP "\n==vmallocinfo==\n"

static int parse_copy(const char *p, size_t n, struct km_modules *m, struct km_vmallocinfo *vm)
{
    char *c = malloc(n ? n : 1);
    memcpy(c, p, n);
    struct km_perr pe;
    int rc = m ? km_parse_modules(c, n, m, &pe) : km_parse_vmallocinfo(c, n, vm, &pe);
    free(c);
    return rc;
}

static void check_sum(const struct km_modjoin *j)
{
    const struct km_mj_sum *i = &j->image, *a = &j->attributed, *u = &j->unattributed,
                           *s = &j->shared;
    FZ_CHECK(i->areas == a->areas + u->areas + s->areas, "image areas %lld", (long long)i->areas);
    FZ_CHECK(i->bytes == a->bytes + u->bytes + s->bytes, "image bytes %lld", (long long)i->bytes);
    FZ_CHECK(i->pages == a->pages + u->pages + s->pages, "image pages %lld", (long long)i->pages);
}

static void check_join(const struct km_modules *m, const struct km_vmallocinfo *vm,
                       const struct km_modjoin *j)
{
    FZ_CHECK(j->n == m->n, "join has %zu modules for %zu", j->n, m->n);
    if (vm)
        check_sum(j);
    for (size_t k = 0; k < j->nlist; k++)
        FZ_CHECK(vm && j->list[k] < vm->n, "list[%zu] = %zu outside vmallocinfo", k, j->list[k]);
    for (size_t k = 0; k < j->n; k++)
        FZ_CHECK(j->mods[k].first + j->mods[k].nimage + j->mods[k].ndynamic <= j->nlist,
                 "module %zu's areas outside the list", k);
    FZ_CHECK(j->unatt_first + j->nunatt <= j->nlist, "unattributed areas outside the list");
    FZ_CHECK(j->shared_first + j->nshared <= j->nlist, "shared areas outside the list");
    (void)km_mj_method_name(j->method);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    const char *sep = memmem(p, size, FZ_MJ_SEP, sizeof(FZ_MJ_SEP) - 1);
    size_t mlen = sep ? (size_t)(sep - p) : size;
    struct km_modules m;
    struct km_vmallocinfo vm;
    if (parse_copy(p, mlen, &m, NULL))
        return 0;
    int have_vm = 0;
    if (sep) {
        const char *v = sep + sizeof(FZ_MJ_SEP) - 1;
        have_vm = parse_copy(v, size - (size_t)(v - p), NULL, &vm) == 0;
        if (have_vm)
            (void)km_mj_address_ordered(&vm);
    }
    long page = 4096L << (2 * (size % 3));
    struct km_modjoin without, with;
    FZ_CHECK(km_modjoin(&m, NULL, page, NULL, &without) == 0, "join without vmallocinfo failed");
    check_join(&m, NULL, &without);
    FZ_CHECK(km_modjoin(&m, have_vm ? &vm : NULL, page, NULL, &with) == 0, "join failed");
    check_join(&m, have_vm ? &vm : NULL, &with);

    struct km_mod_event ev[4];
    size_t n = 0;
    struct km_mod_side a = {&m, &without, NULL}, b = {&m, &with, NULL};
    km_mod_events(&a, &b, 1, 1, ev, &n, KM_ARRAY_LEN(ev));
    km_mod_events(&b, &a, 2, 2, ev, &n, KM_ARRAY_LEN(ev));
    FZ_CHECK(n <= KM_ARRAY_LEN(ev), "%zu module events in 4", n);

    km_modjoin_free(&with);
    km_modjoin_free(&without);
    if (have_vm)
        km_vmallocinfo_free(&vm);
    km_modules_free(&m);
    /* the image-caller test on an exactly sized slice of the input */
    if (size) {
        size_t s = size / 3, len = size - s < 64 ? size - s : 64;
        char *sym = malloc(len ? len : 1);
        memcpy(sym, p + s, len);
        (void)km_mj_image_caller(sym, len);
        free(sym);
    }
    return 0;
}
