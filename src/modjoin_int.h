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

#endif
