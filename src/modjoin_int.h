/*
 * modjoin_int.h - what modjoin.c and modorder.c share: the join's working
 * state. Not part of the core's interface.
 */
#ifndef KMEMTOP_MODJOIN_INT_H
#define KMEMTOP_MODJOIN_INT_H

#include "kmemtop/modjoin.h"

enum km_mj_class { KM_MJC_NONE, KM_MJC_IMAGE, KM_MJC_SHARED, KM_MJC_DYN };

struct km_mj_ctx {
    const struct km_modules *m;
    const struct km_vmallocinfo *vm;
    const struct km_mj_hints *h; /* never NULL */
    long ps;
    unsigned char *cls;     /* per area: enum km_mj_class */
    long *owner;            /* per area: module index, or -1 */
    bool *text_shared;      /* per module: its text lies in a shared area */
    struct km_modjoin *out;
};

/* Pages that hold `bytes` (>= 0) at any page size > 0: never overflows. */
static inline int64_t km_mj_pages_for(int64_t bytes, long ps)
{
    return bytes <= 0 ? 0 : (bytes - 1) / ps + 1;
}

/*
 * The order method (modorder.c): predicts the printed order of the module
 * images' regions and aligns it with the image areas in file order. Sets
 * owner[] of the image areas of every module found exact, text_shared[]
 * where its text is in a shared cache area, out->vmap_nodes, nodes_from,
 * layout and mods[k].miss. Returns the number of modules matched.
 */
size_t km_mj_match_order(struct km_mj_ctx *x);
/* How many areas a module has under the 6.4+ layout, from its sections; 0 without them. */
int km_mj_regions_of(const struct km_module *m);

/* ---- the order method's working data (modorder.c predicts, modalign.c aligns) ---- */

struct mj_region {
    uint64_t start;
    uint64_t span;  /* bytes from start past its highest section: the least body it needs */
    uint32_t node;  /* vmap node under the N being tried */
    uint32_t mod;
};

struct mj_variant {
    enum km_mj_layout layout;
    bool scs_roai;    /* .static_call_sites in ro_after_init */
    bool text_shared; /* text regions live in shared cache areas: not predicted */
};

struct mj_pred {
    struct mj_region *r; /* all modules' regions, in module order */
    size_t n;
    size_t *per_mod;  /* regions of each module */
    bool *no_sections; /* 6.4+ layout: the module's sections are unreadable */
};

struct mj_eval {
    long *own;        /* per image area in file order: module, or -1 */
    long *reg;        /* per image area: the sorted region paired with it, or -1 */
    unsigned char *miss; /* per module: enum km_mj_miss */
    size_t exact;     /* modules found exact */
    size_t areas;     /* image areas given to them */
};

struct mj_align {
    const struct km_mj_ctx *x;
    const struct mj_variant *v;
    const struct mj_region *r; /* sorted */
    size_t nr;
    const size_t *a; /* image area indexes in file order */
    size_t na;
    const int64_t *want; /* per module: pages its lsmod size needs */
};

static inline bool km_mj_usable(const struct km_module *m)
{
    return m->addr != 0 && !KM_IS_NA(m->size) && m->size > 0;
}

/*
 * Pairs the sorted regions with the image areas (g), then keeps in e the
 * modules that check out, repairing around lost or doubled lines.
 */
void km_mj_evaluate(const struct mj_align *g, const struct mj_pred *p, struct mj_eval *e);

#endif
