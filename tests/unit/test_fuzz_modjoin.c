/*
 * test_fuzz_modjoin.c - the module join on mutated pairs of /proc/modules and
 * /proc/vmallocinfo (fuzz.h). The inputs are freed once parsed, so the join
 * may use only the parsed records; it must return 0, keep its indexes inside
 * the inputs and reconcile its totals (attributed + unattributed + shared =
 * every module-image area); module events against the unmutated seed stay
 * within their array.
 */
#include "kmemtop/modevents.h"
#include "kmemtop/modjoin.h"
#include "kmemtop/modules.h"
#include "kmemtop/vmallocinfo.h"

#include <errno.h>
#include <time.h>

#include "fuzz.h"

/* ---- the module join --------------------------------------------------------- */

static bool sums_add_up(const struct km_modjoin *j)
{
    const struct km_mj_sum *i = &j->image, *a = &j->attributed, *u = &j->unattributed,
                           *s = &j->shared;
    return i->areas == a->areas + u->areas + s->areas &&
           i->bytes == a->bytes + u->bytes + s->bytes && i->pages == a->pages + u->pages + s->pages;
}

static void check_join(struct result *r, const struct km_modules *m,
                       const struct km_vmallocinfo *vm)
{
    struct km_modjoin j;
    int rc = km_modjoin(m, vm, 4096, NULL, &j);
    if (rc != 0) {
        bad(r, "km_modjoin returned %d", rc);
        return;
    }
    if (j.n != m->n)
        bad(r, "join has %zu modules for %zu", j.n, m->n);
    if (vm && !sums_add_up(&j))
        bad(r, "image areas %lld != attributed + unattributed + shared", (long long)j.image.areas);
    for (size_t k = 0; k < j.nlist; k++)
        if (!vm || j.list[k] >= vm->n)
            bad(r, "list[%zu] = %zu outside vmallocinfo", k, j.list[k]);
    for (size_t k = 0; k < j.n; k++)
        if (j.mods[k].first + j.mods[k].nimage + j.mods[k].ndynamic > j.nlist)
            bad(r, "module %zu's areas outside the list", k);
    if (j.unatt_first + j.nunatt > j.nlist || j.shared_first + j.nshared > j.nlist)
        bad(r, "unattributed/shared areas outside the list");
    (void)km_mj_method_name(j.method);
    km_modjoin_free(&j);
}

struct pair {
    const char *modules, *vmallocinfo;
    char *mbuf, *vbuf;
    size_t mlen, vlen;
    struct km_modules m; /* the seeds parsed, for module events */
    struct km_vmallocinfo vm;
    struct km_modjoin j;
};

static struct pair pairs[] = {
    {.modules = "zte-armv7-4.1/proc/modules", .vmallocinfo = "zte-armv7-4.1/proc/vmallocinfo"},
    {.modules = "debian61-root2/proc/modules", .vmallocinfo = "debian61-root2/proc/vmallocinfo"},
    {.modules = "debian61-race/proc/modules", .vmallocinfo = "debian61-race/proc/vmallocinfo"},
    {.modules = "debian612-root2/proc/modules", .vmallocinfo = "debian612-root2/proc/vmallocinfo"},
    {.modules = "mtk-armv7-3.4/proc/modules", .vmallocinfo = "mtk-armv7-3.4/proc/vmallocinfo"},
};

static void fuzz_modjoin(int iters)
{
    struct result r = {0};
    struct mbuf mb = {0}, vb = {0};
    struct km_perr pe;
    cur_target = "modjoin";
    printf("# modjoin\n");
    for (size_t i = 0; i < KM_ARRAY_LEN(pairs); i++) {
        struct pair *pr = &pairs[i];
        pr->mbuf = tap_slurp(pr->modules, &pr->mlen);
        pr->vbuf = tap_slurp(pr->vmallocinfo, &pr->vlen);
        if (km_parse_modules(pr->mbuf, pr->mlen, &pr->m, &pe) ||
            km_parse_vmallocinfo(pr->vbuf, pr->vlen, &pr->vm, &pe) ||
            km_modjoin(&pr->m, &pr->vm, 4096, NULL, &pr->j))
            bad(&r, "seed %s does not parse and join", pr->modules);
    }
    for (cur_iter = 0; cur_iter < iters && !r.bad; cur_iter++) {
        struct pair *pr = &pairs[cur_iter % KM_ARRAY_LEN(pairs)];
        cur_seed = pr->modules;
        int which = (int)below(3); /* 0: modules, 1: vmallocinfo, 2: both */
        mb.len = vb.len = 0;
        mb_insert(&mb, 0, pr->mbuf, pr->mlen);
        mb_insert(&vb, 0, pr->vbuf, pr->vlen);
        if (which != 1)
            mutate(&mb, pr->mbuf, pr->mlen);
        if (which != 0)
            mutate(&vb, pr->vbuf, pr->vlen);
        struct km_modules m;
        struct km_vmallocinfo vm;
        char *p = exact(&mb);
        int mrc = km_parse_modules(p, mb.len, &m, &pe);
        free(p);
        p = exact(&vb);
        int vrc = km_parse_vmallocinfo(p, vb.len, &vm, &pe);
        free(p);
        r.runs++;
        if (mrc || vrc)
            r.errors++;
        if (mrc == 0) {
            /* the inputs are freed: the join must use only the parsed records */
            check_join(&r, &m, vrc == 0 ? &vm : NULL);
            struct km_modjoin j;
            if (km_modjoin(&m, vrc == 0 ? &vm : NULL, 4096, NULL, &j) == 0) {
                struct km_mod_event ev[4];
                size_t n = 0;
                struct km_mod_side a = {&pr->m, &pr->j, NULL}, b = {&m, &j, NULL};
                km_mod_events(&a, &b, 1, 1, ev, &n, KM_ARRAY_LEN(ev));
                km_mod_events(&b, &a, 2, 2, ev, &n, KM_ARRAY_LEN(ev));
                if (n > KM_ARRAY_LEN(ev))
                    bad(&r, "%zu module events in 4", n);
                km_modjoin_free(&j);
            }
            km_modules_free(&m);
        }
        if (vrc == 0) {
            (void)km_mj_address_ordered(&vm);
            km_vmallocinfo_free(&vm);
        }
        /* an image-caller test on an exactly sized slice of the mutated text */
        if (vb.len) {
            size_t s = below(vb.len), n = below(vb.len - s < 64 ? vb.len - s : 64) + 1;
            char *sym = malloc(n);
            memcpy(sym, vb.p + s, n);
            (void)km_mj_image_caller(sym, n);
            free(sym);
        }
    }
    for (size_t i = 0; i < KM_ARRAY_LEN(pairs); i++) {
        km_modjoin_free(&pairs[i].j);
        km_modules_free(&pairs[i].m);
        km_vmallocinfo_free(&pairs[i].vm);
        free(pairs[i].mbuf);
        free(pairs[i].vbuf);
    }
    free(mb.p);
    free(vb.p);
    if (!ok(!r.bad, "modjoin: mutated modules/vmallocinfo pairs joined, totals reconcile"))
        printf("#   %s\n", r.why);
    printf("#   modjoin: %d joins of mutated pairs (%d with a parse error)\n", r.runs, r.errors);
}

int main(void)
{
    double scale = fuzz_init();
    clock_t t0 = clock();
    fuzz_modjoin((int)(6000 * scale));
    printf("#   %.2f s\n", (double)(clock() - t0) / CLOCKS_PER_SEC);
    return tap_done();
}
