/*
 * view_buddy_state.c - the buddy view's own state (struct km_vstate): the
 * order its fragmentation columns are for (--order N, + and -) and whether
 * it reads /proc/pagetypeinfo (--no-migrate-types). See view_buddy.h.
 */
#include "view_buddy.h"
#include "views.h"
#include "kmemtop/frag.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buddy_state {
    int order;          /* the order the user selected; -1: KM_FRAG_DEFAULT_ORDER */
    bool migrate_types; /* read /proc/pagetypeinfo too */
};
_Static_assert(sizeof(struct buddy_state) <= KM_VSTATE_MAX, "the buddy state fits");

int km_buddy_order(const struct km_vctx *c)
{
    const struct buddy_state *st = km_view_state(c, &km_view_buddy);
    return st && st->order >= 0 ? st->order : KM_FRAG_DEFAULT_ORDER;
}

void km_buddy_state_init(void *p)
{
    *(struct buddy_state *)p = (struct buddy_state){.order = -1, .migrate_types = true};
}

unsigned km_buddy_state_sources(const void *p)
{
    return ((const struct buddy_state *)p)->migrate_types ? KM_SRC_BIT(KM_SRC_PAGETYPEINFO) : 0;
}

const struct km_view_key km_buddy_keys[] = {
    {"+", KG_SAMPLING, "Buddy view: the next higher order for the fragmentation column", false},
    {"-", KG_SAMPLING, "Buddy view: the next lower order for the fragmentation column", false},
    {NULL, 0, NULL, false},
};

/* + and -: the order the fragmentation columns are for, within the kernel's orders. */
bool km_buddy_key(void *p, const struct km_vctx *c, int ch, char *status, size_t n)
{
    struct buddy_state *st = p;
    int norders = c->s ? c->s->bi.norders : 0;
    int cur = (st->order < 0 ? KM_FRAG_DEFAULT_ORDER : st->order) + (ch == '+' ? 1 : -1);
    if (cur >= norders)
        cur = norders - 1;
    if (cur < 0)
        cur = 0;
    st->order = cur;
    snprintf(status, n, "Fragmentation for order %d", cur);
    return true;
}

const struct km_view_opt km_buddy_opts[] = {
    {"order", true,
     "      --order N          buddy view: the order the fragmentation summary is for"},
    {"no-migrate-types", false,
     "      --no-migrate-types buddy view: do not read /proc/pagetypeinfo"},
    {NULL, false, NULL},
};

const char *km_buddy_opt(void *p, const char *name, const char *arg)
{
    struct buddy_state *st = p;
    if (strcmp(name, "no-migrate-types") == 0) {
        st->migrate_types = false;
        return NULL;
    }
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || !(v >= 0 && v <= KM_MAX_ORDERS - 1) || v != (int)v)
        return "--order wants an order from 0 to 19";
    st->order = (int)v;
    return NULL;
}

void km_buddy_status(const void *p, char *out, size_t n)
{
    const struct buddy_state *st = p;
    out[0] = '\0';
    if (st->order >= 0)
        snprintf(out, n, "order %d  ", st->order);
}
