/*
 * view_buddy.c - the buddy allocator's free lists: free blocks per order for
 * every node and zone (/proc/buddyinfo). Order columns follow the sampled
 * kernel: as many as its lines carry, titled with block sizes computed from
 * its page size.
 */
#include "fmt.h"
#include "json.h"
#include "views.h"

#include <stdio.h>
#include <string.h>

#define BZ(r) ((const struct km_buddy_zone *)(r)->rec)

enum { C_NAME, C_FREE, C_LARGEST, C_ORDER0 };

static int largest(const struct km_buddy_zone *z)
{
    for (int k = z->norders - 1; k >= 0; k--)
        if (z->free[k] > 0)
            return k;
    return -1;
}

static void f_name(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    snprintf(o, n, "%d/%s", BZ(r)->node, BZ(r)->zone);
}
static int c_name(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    if (BZ(a)->node != BZ(b)->node)
        return BZ(a)->node - BZ(b)->node;
    return (a > b) - (a < b);
}
static void f_free(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    int64_t b = km_buddy_free_pages(BZ(r)) * c->s->page_size;
    c->raw ? km_fmt_int(o, n, b) : km_fmt_size(o, n, b);
}
static int c_free(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    int64_t x = km_buddy_free_pages(BZ(a)), y = km_buddy_free_pages(BZ(b));
    return (x > y) - (x < y);
}
static void f_largest(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    int l = largest(BZ(r));
    if (l < 0)
        snprintf(o, n, "-");
    else
        snprintf(o, n, "%d", l);
}
static int c_largest(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return largest(BZ(a)) - largest(BZ(b));
}

#define ORDER_FNS(k)                                                                               \
    static void f_o##k(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)         \
    {                                                                                              \
        if (k < BZ(r)->norders)                                                                    \
            km_fmt_int(o, n, BZ(r)->free[k]);                                                      \
        else                                                                                       \
            snprintf(o, n, "-");                                                                   \
    }                                                                                              \
    static int c_o##k(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)     \
    {                                                                                              \
        int64_t x = k < BZ(a)->norders ? BZ(a)->free[k] : -1;                                      \
        int64_t y = k < BZ(b)->norders ? BZ(b)->free[k] : -1;                                      \
        return (x > y) - (x < y);                                                                  \
    }
ORDER_FNS(0)
ORDER_FNS(1)
ORDER_FNS(2)
ORDER_FNS(3)
ORDER_FNS(4)
ORDER_FNS(5)
ORDER_FNS(6)
ORDER_FNS(7)
ORDER_FNS(8)
ORDER_FNS(9)
ORDER_FNS(10)
ORDER_FNS(11)
ORDER_FNS(12)
ORDER_FNS(13)
ORDER_FNS(14)
ORDER_FNS(15)
ORDER_FNS(16)
ORDER_FNS(17)
ORDER_FNS(18)
ORDER_FNS(19)

#define ORDER_COL(k)                                                                               \
    {.title = "o" #k, .key = "o" #k, .width = 6, .align = KM_AL_RIGHT, .fmt = f_o##k,              \
     .cmp = c_o##k, .desc = true, .help = "free blocks of order " #k}

static const struct km_col cols[] = {
    {.title = "NODE/ZONE", .key = "zone", .width = 12, .align = KM_AL_LEFT, .fmt = f_name,
     .cmp = c_name, .help = "node and zone"},
    {.title = "FREE", .key = "free", .width = 7, .align = KM_AL_RIGHT, .fmt = f_free,
     .cmp = c_free, .desc = true, .help = "free memory on the buddy lists"},
    {.title = "MAXORD", .key = "largest", .width = 6, .align = KM_AL_RIGHT, .fmt = f_largest,
     .cmp = c_largest, .desc = true, .help = "largest order with a free block"},
    ORDER_COL(0), ORDER_COL(1), ORDER_COL(2), ORDER_COL(3), ORDER_COL(4),
    ORDER_COL(5), ORDER_COL(6), ORDER_COL(7), ORDER_COL(8), ORDER_COL(9),
    ORDER_COL(10), ORDER_COL(11), ORDER_COL(12), ORDER_COL(13), ORDER_COL(14),
    ORDER_COL(15), ORDER_COL(16), ORDER_COL(17), ORDER_COL(18), ORDER_COL(19),
};

static bool col_shown(const struct km_vctx *c, int col)
{
    return col < C_ORDER0 || col - C_ORDER0 < c->s->bi.norders;
}

static void col_title(const struct km_vctx *c, int col, char *o, size_t n)
{
    if (col < C_ORDER0)
        return;
    int k = col - C_ORDER0;
    km_fmt_size(o, n, (int64_t)c->s->page_size << k);
}

static void rows(struct km_vm *vm, const struct km_vctx *c)
{
    const struct km_buddyinfo *bi = &c->s->bi;
    for (size_t i = 0; i < bi->n; i++)
        km_vm_add(vm, &bi->zones[i], 0, 0, 0, bi->zones[i].zone, "node%d/%s", bi->zones[i].node,
                  bi->zones[i].zone);
}

static void json(const struct km_vm *vm, const struct km_vctx *c, struct km_json *j)
{
    km_json_arr(j, "rows");
    for (size_t v = 0; v < vm->nvis; v++) {
        const struct km_buddy_zone *z = BZ(km_vm_row(vm, v));
        km_json_obj(j, NULL);
        km_json_int(j, "node", z->node);
        km_json_str(j, "zone", z->zone);
        km_json_arr(j, "free");
        for (int k = 0; k < z->norders; k++)
            km_json_int(j, NULL, z->free[k]);
        km_json_arr_end(j);
        km_json_int(j, "free_pages", km_buddy_free_pages(z));
        km_json_int(j, "largest_order", largest(z));
        km_json_obj_end(j);
    }
    km_json_arr_end(j);
}

const struct km_view_def km_view_buddy = {
    .name = "buddy",
    .title = "Buddy",
    .sources = KM_SRC_BIT(KM_SRC_BUDDYINFO),
    .cols = cols,
    .ncols = (int)KM_ARRAY_LEN(cols),
    .default_sort = 0,
    .rows = rows,
    .json = json,
    .main_src = KM_SRC_BUDDYINFO,
    .col_shown = col_shown,
    .col_title = col_title,
};
