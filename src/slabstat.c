/* slabstat.c - waste, leftover, use and totals of slab caches. See include/kmemtop/slabstat.h. */
#include "kmemtop/slabstat.h"

#include <math.h>

static int64_t mul(int64_t a, int64_t b)
{
    int64_t r;
    if (KM_IS_NA(a) || KM_IS_NA(b) || __builtin_mul_overflow(a, b, &r))
        return KM_NA;
    return r;
}

static int64_t sub(int64_t a, int64_t b)
{
    int64_t r;
    if (KM_IS_NA(a) || KM_IS_NA(b) || __builtin_sub_overflow(a, b, &r))
        return KM_NA;
    return r;
}

/* a += b; a sum with one absent term is absent */
static void add(int64_t *a, int64_t b)
{
    if (KM_IS_NA(*a) || KM_IS_NA(b) || __builtin_add_overflow(*a, b, a))
        *a = KM_NA;
}

int64_t km_slab_waste(const struct km_slab *s)
{
    return sub(s->footprint, mul(s->active_objs, s->obj_size));
}

int64_t km_slab_leftover(const struct km_slab *s, long page_size)
{
    if (page_size <= 0)
        return KM_NA;
    return sub(mul(s->pages_per_slab, page_size), mul(s->objs_per_slab, s->obj_size));
}

double km_slab_use_pct(const struct km_slab *s)
{
    if (KM_IS_NA(s->num_objs) || KM_IS_NA(s->active_objs) || s->num_objs <= 0)
        return NAN;
    return 100.0 * (double)s->active_objs / (double)s->num_objs;
}

int km_slab_use_floor(const struct km_slab *s)
{
    int64_t a100 = mul(s->active_objs, 100);
    if (KM_IS_NA(a100) || KM_IS_NA(s->num_objs) || s->num_objs <= 0 || a100 < 0)
        return -1;
    return (int)(a100 / s->num_objs); /* integer division: exact, no float rounding */
}

static void add_cache(struct km_slab_summary *t, const struct km_slab *s)
{
    t->caches++;
    if (!KM_IS_NA(s->num_objs) && s->num_objs > 0)
        t->active_caches++;
    add(&t->objs, s->num_objs);
    add(&t->active_objs, s->active_objs);
    add(&t->slabs, s->num_slabs);
    add(&t->active_slabs, s->active_slabs);
    add(&t->size, mul(s->num_objs, s->obj_size));
    add(&t->active_size, mul(s->active_objs, s->obj_size));
    add(&t->footprint, s->footprint);
    add(&t->waste, km_slab_waste(s));
    if (!KM_IS_NA(s->obj_size)) {
        if (KM_IS_NA(t->min_obj_size) || s->obj_size < t->min_obj_size)
            t->min_obj_size = s->obj_size;
        if (KM_IS_NA(t->max_obj_size) || s->obj_size > t->max_obj_size)
            t->max_obj_size = s->obj_size;
    }
    if (!isnan(s->growth))
        t->growth = isnan(t->growth) ? s->growth : t->growth + s->growth;
}

void km_slabs_summarize(const struct km_slabs *s, struct km_slab_summary *out)
{
    *out = (struct km_slab_summary){
        .min_obj_size = KM_NA,
        .avg_obj_size = KM_NA,
        .max_obj_size = KM_NA,
        .growth = NAN,
    };
    for (size_t i = 0; i < s->n; i++)
        add_cache(out, &s->slabs[i]);
    if (!KM_IS_NA(out->size) && !KM_IS_NA(out->objs) && out->objs > 0)
        out->avg_obj_size = out->size / out->objs;
}
