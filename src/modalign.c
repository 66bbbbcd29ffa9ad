/*
 * modalign.c - the order method's alignment: the predicted regions (sorted by
 * vmap node and start, modorder.c) paired with the module-image areas in the
 * order vmallocinfo printed them, every module checked on its own, and the
 * pairing repaired around lost or doubled lines. See modjoin.h.
 */
#include "modjoin_int.h"
#include "kmemtop/sat.h"

#include <stdlib.h>
#include <string.h>

#define BAND_SLACK 8 /* alignment: lines off the diagonal beyond the count difference */
#define MAX_BAND_CELLS ((size_t)1024 * 1024) /* 8 MiB of scores at most */




/*
 * The score of pairing region i with area j: pairs count first; among
 * alignments with as many pairs, the one whose areas are the least larger
 * than their regions' sections need (a pairing shifted by one line along a
 * run of similar areas fits as often, but more loosely).
 */
#define PAIR_SCORE ((int64_t)1 << 40)
#define SLACK_CAP ((int64_t)1 << 24) /* pages */

static int64_t pair_score(const struct mj_align *g, size_t i, size_t j)
{
    const struct km_vmarea *a = &g->x->vm->areas[g->a[j]];
    uint64_t need = km_mj_pages_for((int64_t)(g->r[i].span > INT64_MAX ? INT64_MAX : g->r[i].span),
                                    g->x->ps);
    uint64_t slack = (uint64_t)a->pages - need; /* fits: pages >= need */
    return PAIR_SCORE - (int64_t)(slack < (uint64_t)SLACK_CAP ? slack : (uint64_t)SLACK_CAP);
}

static bool fits(const struct mj_align *g, size_t i, size_t j)
{
    const struct km_vmarea *a = &g->x->vm->areas[g->a[j]];
    const struct mj_region *r = &g->r[i];
    if (a->pages < 1 || (uint64_t)km_sat_mul(a->pages, g->x->ps) < r->span)
        return false;
    return g->v->layout != KM_MJ_LAYOUT_ONE || a->pages == g->want[r->mod];
}

/*
 * Most regions paired with areas, each in order, by dynamic programming in
 * a band around the diagonal: lost or doubled lines shift the pairing by
 * a few, never by more than the count difference plus BAND_SLACK. The pairs
 * go to own[] (region i's module). False when the band would be too large.
 */
static bool align_band(const struct mj_align *g, long *own, long *reg)
{
    long d = (long)g->na - (long)g->nr;
    long lo = (d < 0 ? d : 0) - BAND_SLACK, hi = (d > 0 ? d : 0) + BAND_SLACK;
    size_t w = (size_t)(hi - lo + 1);
    if ((g->nr + 1) > MAX_BAND_CELLS / w)
        return false;
    /* cell (i, j) at i * w + (j - i - lo); outside the band: -1 */
    int64_t *dp = xcalloc((g->nr + 1) * w, sizeof(*dp));
#define CELL(i, j) ((long)(j) - (long)(i) < lo || (long)(j) - (long)(i) > hi || (j) > g->na \
                        ? -1 : dp[(size_t)(i) * w + (size_t)((long)(j) - (long)(i) - lo)])
    for (size_t i = 0; i <= g->nr; i++)
        for (long off = lo; off <= hi; off++) {
            long jl = (long)i + off;
            if (jl < 0 || jl > (long)g->na)
                continue;
            size_t j = (size_t)jl;
            int64_t best = 0;
            if (i > 0 && j > 0) {
                int64_t up = CELL(i - 1, j), left = CELL(i, j - 1), diag = CELL(i - 1, j - 1);
                best = up > left ? up : left;
                if (diag >= 0 && fits(g, i - 1, j - 1) && diag + pair_score(g, i - 1, j - 1) > best)
                    best = diag + pair_score(g, i - 1, j - 1);
            } else if (i > 0) {
                best = CELL(i - 1, j) > 0 ? CELL(i - 1, j) : 0;
            } else if (j > 0) {
                best = CELL(i, j - 1) > 0 ? CELL(i, j - 1) : 0;
            }
            dp[i * w + (size_t)(off - lo)] = best;
        }
    size_t i = g->nr, j = g->na;
    while (CELL(i, j) < 0 && j > 0)
        j--; /* the corner is in the band (lo <= d <= hi): never taken */
    while (i > 0 && j > 0) {
        int64_t here = CELL(i, j);
        if (CELL(i - 1, j - 1) >= 0 && fits(g, i - 1, j - 1) &&
            CELL(i - 1, j - 1) + pair_score(g, i - 1, j - 1) == here) {
            own[j - 1] = (long)g->r[i - 1].mod;
            reg[j - 1] = (long)(i - 1);
            i--, j--;
        } else if (CELL(i, j - 1) == here) {
            j--;
        } else {
            i--;
        }
    }
#undef CELL
    free(dp);
    return true;
}

/*
 * Keeps in own[] the modules that check out: every region paired, and (6.4+)
 * their areas' pages add up to the lsmod size; miss[] says why for the others.
 */
static void verify(const struct mj_align *g, const struct mj_pred *p, long *own, long *reg,
                   struct mj_eval *e)
{
    const struct km_mj_ctx *x = g->x;
    size_t n = x->m->n;
    size_t *got = xcalloc(n + 1, sizeof(*got));
    int64_t *pages = xcalloc(n + 1, sizeof(*pages));
    for (size_t j = 0; j < g->na; j++)
        if (own[j] >= 0) {
            got[own[j]]++;
            km_sat_acc(&pages[own[j]], x->vm->areas[g->a[j]].pages);
        }
    e->exact = e->areas = 0;
    for (size_t k = 0; k < n; k++) {
        if (!km_mj_usable(&x->m->mods[k]))
            e->miss[k] = KM_MJ_MISS_NO_ADDRESS;
        else if (g->v->layout == KM_MJ_LAYOUT_TYPES && p->no_sections[k])
            e->miss[k] = KM_MJ_MISS_NO_SECTIONS;
        else if (got[k] == 0)
            e->miss[k] = KM_MJ_MISS_NO_AREA;
        else if (got[k] != p->per_mod[k])
            e->miss[k] = KM_MJ_MISS_NOFIT;
        else if (g->v->text_shared ? pages[k] >= g->want[k] : pages[k] != g->want[k])
            e->miss[k] = KM_MJ_MISS_NOFIT; /* shared text: the rest holds less than all */
        else
            e->miss[k] = KM_MJ_MISS_NONE, e->exact++, e->areas += got[k];
    }
    for (size_t j = 0; j < g->na; j++)
        if (own[j] >= 0 && e->miss[own[j]] != KM_MJ_MISS_NONE)
            own[j] = reg[j] = -1;
    free(got);
    free(pages);
}

#define REPAIR_MAX 64 /* regions or areas left over: beyond, no repair */

struct repair {
    const struct mj_align *g;
    const struct mj_pred *p;
    const size_t *ri, *aj; /* left-over regions (sorted order) and areas (file order) */
    size_t nr, na;
    size_t drop[2], ndrop; /* indexes dropped on the longer side */
    long *trial, *trial_reg;
    struct mj_eval *best, *tmp;
    bool improved;
};

/* Pairs what is left over in order, skipping the dropped; keeps it if more modules check out. */
static void repair_try(struct repair *r)
{
    const struct mj_align *g = r->g;
    bool drop_regions = r->nr > r->na;
    size_t i = 0, j = 0, d = 0;
    memcpy(r->trial, r->best->own, g->na * sizeof(*r->trial));
    memcpy(r->trial_reg, r->best->reg, g->na * sizeof(*r->trial_reg));
    while (i < r->nr && j < r->na) {
        if (d < r->ndrop && (drop_regions ? i : j) == r->drop[d]) {
            d++, drop_regions ? i++ : j++;
            continue;
        }
        if (fits(g, r->ri[i], r->aj[j]))
            r->trial[r->aj[j]] = (long)g->r[r->ri[i]].mod, r->trial_reg[r->aj[j]] = (long)r->ri[i];
        i++, j++;
    }
    /* the pairs, kept and new, must still follow both orders */
    long last = -1;
    for (size_t t = 0; t < g->na; t++)
        if (r->trial_reg[t] >= 0) {
            if (r->trial_reg[t] <= last)
                return;
            last = r->trial_reg[t];
        }
    verify(g, r->p, r->trial, r->trial_reg, r->tmp);
    if (r->tmp->exact > r->best->exact) {
        memcpy(r->best->own, r->trial, g->na * sizeof(*r->trial));
        memcpy(r->best->reg, r->trial_reg, g->na * sizeof(*r->trial_reg));
        memcpy(r->best->miss, r->tmp->miss, g->x->m->n);
        r->best->exact = r->tmp->exact;
        r->best->areas = r->tmp->areas;
        r->improved = true;
    }
}

/*
 * A lost or doubled line can make the alignment pair a run of similar areas
 * one line off, and every module along the run then fails its check. With
 * the modules that checked out kept, the few regions and areas left over
 * are paired again in order with one or two lines skipped at every place,
 * and the pairing that makes the most modules check out is kept.
 */
static void repair(const struct mj_align *g, const struct mj_pred *p, struct mj_eval *e)
{
    size_t ri[REPAIR_MAX], aj[REPAIR_MAX], nr = 0, na = 0;
    for (size_t i = 0; i < g->nr; i++) {
        uint32_t k = g->r[i].mod;
        if (e->miss[k] == KM_MJ_MISS_NONE || e->miss[k] == KM_MJ_MISS_NO_SECTIONS)
            continue;
        if (nr == REPAIR_MAX)
            return;
        ri[nr++] = i;
    }
    for (size_t j = 0; j < g->na; j++) {
        if (e->own[j] >= 0)
            continue;
        if (na == REPAIR_MAX)
            return;
        aj[na++] = j;
    }
    size_t diff = nr > na ? nr - na : na - nr, longer = nr > na ? nr : na;
    if (nr == 0 || na == 0 || diff > 2)
        return;
    struct mj_eval tmp = {.miss = xcalloc(g->x->m->n + 1, 1)};
    struct repair r = {.g = g, .p = p, .ri = ri, .aj = aj, .nr = nr, .na = na, .ndrop = diff,
                       .trial = xcalloc(g->na + 1, sizeof(long)),
                       .trial_reg = xcalloc(g->na + 1, sizeof(long)), .best = e, .tmp = &tmp};
    if (diff == 0)
        repair_try(&r);
    for (size_t a = 0; diff >= 1 && a < longer; a++) {
        r.drop[0] = a;
        if (diff == 1)
            repair_try(&r);
        for (size_t b = a + 1; diff == 2 && b < longer; b++)
            r.drop[1] = b, repair_try(&r);
    }
    free(r.trial);
    free(r.trial_reg);
    free(tmp.miss);
}

/* Pairs the sorted regions with the areas, then keeps the modules that check out. */
void km_mj_evaluate(const struct mj_align *g, const struct mj_pred *p, struct mj_eval *e)
{
    const struct km_mj_ctx *x = g->x;
    for (size_t j = 0; j < g->na; j++)
        e->own[j] = e->reg[j] = -1;
    bool one_to_one = g->nr == g->na;
    for (size_t i = 0; i < g->nr && one_to_one; i++)
        one_to_one = fits(g, i, i);
    if (one_to_one) {
        for (size_t i = 0; i < g->nr; i++)
            e->own[i] = (long)g->r[i].mod, e->reg[i] = (long)i;
    } else if (!align_band(g, e->own, e->reg)) {
        for (size_t k = 0; k < x->m->n; k++)
            e->miss[k] = km_mj_usable(&x->m->mods[k]) ? KM_MJ_MISS_NOFIT : KM_MJ_MISS_NO_ADDRESS;
        e->exact = e->areas = 0;
        return;
    }
    verify(g, p, e->own, e->reg, e);
    if (e->exact > 0 && (e->exact < x->m->n || e->areas < g->na))
        repair(g, p, e);
}
