/*
 * modorder.c - the order method of the module join: where vmallocinfo's
 * addresses are hashed, the order it prints areas in is still known, and
 * root can read every module's real section addresses. See modjoin.h.
 *
 * The kernel's side (mm/vmalloc.c, kernel/module/main.c):
 *  - Up to 6.8 vmallocinfo walks one list of busy areas in address order.
 *    From 6.9 the busy areas are kept per "vmap node": an area starting at
 *    A is on node (A / (16 * PAGE_SIZE)) mod N, N = num_possible_cpus()
 *    clamped to 1..128 on 64-bit kernels (one node on 32-bit), and the file
 *    prints node 0's list, node 1's, ..., each in address order.
 *  - Up to 6.3 a module's core image is one allocation that starts at its
 *    base. From 6.4 it is one allocation per memory type that has contents:
 *    text (starting at the base, which /proc/modules prints), data, rodata
 *    and ro_after_init. Each type's sections are laid out from its start in
 *    section-header order, so the lowest address among a type's sections is
 *    where its area starts. sysfs names each section; the name says its
 *    type (the flags that decide it follow from the name for the sections
 *    a module build makes). Init sections are freed and not used.
 *
 * So the regions, sorted by (node, start), must meet the image areas in the
 * order printed. The alignment tolerates lines lost or doubled by a racy
 * read and areas of modules still loading; every module is then checked on
 * its own: each of its regions has an area large enough for its sections,
 * and (6.4+) its areas' pages add up to its lsmod size. What the data
 * cannot tell (the kernel's N when /sys/devices/system/cpu/possible is
 * missing, 6.3 or 6.4 layout, whether 6.15+ x86 put .static_call_sites in
 * ro_after_init, whether text is in shared cache areas) is tried both ways,
 * and the prediction that makes the most modules exact wins.
 */
#include "modjoin_int.h"
#include "kmemtop/sat.h"

#include <stdlib.h>
#include <string.h>

#define ZONE_PAGES 16       /* a vmap node's address block, in pages */
#define MAX_NODES 128       /* the kernel's clamp of num_possible_cpus() */
#define BAND_SLACK 8        /* alignment: lines off the diagonal beyond the count difference */
#define MAX_BAND_CELLS ((size_t)1024 * 1024) /* 8 MiB of scores at most */

enum mtype { T_TEXT, T_DATA, T_RODATA, T_ROAI, T_NTYPES };

/* ---- which memory type a section is in, by its name ------------------------ */

static const char *const exec_names[] = {
    ".text", ".plt", ".iplt", ".exit.text", ".ref.text", ".altinstr_replacement",
    ".static_call.text", ".noinstr.text", ".sched.text", ".spinlock.text", ".kprobes.text",
    ".cpuidle.text", ".entry.text", ".fixup", ".head.text",
};
static const char *const ro_names[] = {
    ".rodata", ".altinstructions", "__ex_table", "__param", "__mcount_loc", ".orc_header",
    ".orc_unwind", ".orc_unwind_ip", ".retpoline_sites", ".return_sites", ".call_sites",
    ".ibt_endbr_seal", ".cfi_sites", ".smp_locks", "__tracepoints_ptrs", "__tracepoints_strings",
    "__modver", ".parainstructions", "__ksymtab_strings",
};
static const char *const ro_prefixes[] = {".rodata.", ".note.", "__ksymtab", "__kcrctab"};
static const char *const data_names[] = {
    ".data", ".bss", ".gnu.linkonce.this_module", "__bug_table", "__patchable_function_entries",
    "__dyndbg", "__dyndbg_classes", "__tracepoints", "_ftrace_events", "_ftrace_eval_map",
    "__bpf_raw_tp_map", ".exit.data", ".ref.data", "__kprobes", ".kprobes",
};
static const char *const data_prefixes[] = {".data.", ".bss."};

/* Freed once the module is live (later modules reuse the memory): never used. */
static bool init_time(const char *name)
{
    return strncmp(name, ".init", 5) == 0 || strcmp(name, ".symtab") == 0 ||
           strcmp(name, ".strtab") == 0;
}

static bool in_list(const char *name, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, v[i]) == 0)
            return true;
    return false;
}

static bool has_prefix(const char *name, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(name, v[i], strlen(v[i])) == 0)
            return true;
    return false;
}

/*
 * The type of a section and whether its name is one we know (strong);
 * a weak guess (an unknown name) only sets a type's start when no known
 * section does. scs_roai: .static_call_sites is ro_after_init (6.15+).
 */
static enum mtype section_type(const char *name, bool scs_roai, bool *strong)
{
    *strong = true;
    if (strcmp(name, ".data..ro_after_init") == 0 || strcmp(name, "__jump_table") == 0)
        return T_ROAI;
    if (strcmp(name, ".static_call_sites") == 0)
        return scs_roai ? T_ROAI : T_DATA;
    if (in_list(name, exec_names, KM_ARRAY_LEN(exec_names)) || strncmp(name, ".text.", 6) == 0)
        return T_TEXT;
    if (in_list(name, ro_names, KM_ARRAY_LEN(ro_names)) ||
        has_prefix(name, ro_prefixes, KM_ARRAY_LEN(ro_prefixes)))
        return T_RODATA;
    if (in_list(name, data_names, KM_ARRAY_LEN(data_names)) ||
        has_prefix(name, data_prefixes, KM_ARRAY_LEN(data_prefixes)))
        return T_DATA;
    *strong = false;
    size_t len = strlen(name);
    if (len >= 4 && strcmp(name + len - 4, "text") == 0)
        return T_TEXT;
    return T_DATA;
}

int km_mj_regions_of(const struct km_module *m)
{
    bool has[T_NTYPES] = {false}, sure;
    for (int s = 0; s < m->nsections; s++)
        if (!init_time(m->sections[s].name))
            has[section_type(m->sections[s].name, false, &sure)] = true;
    has[T_TEXT] |= m->addr != 0 && m->nsections > 0;
    int n = 0;
    for (int t = 0; t < T_NTYPES; t++)
        n += has[t];
    return n;
}

/* ---- predicted regions ------------------------------------------------------ */

struct region {
    uint64_t start;
    uint64_t span;  /* bytes from start past its highest section: the least body it needs */
    uint32_t node;  /* vmap node under the N being tried */
    uint32_t mod;
};

struct variant {
    enum km_mj_layout layout;
    bool scs_roai;    /* .static_call_sites in ro_after_init */
    bool text_shared; /* text regions live in shared cache areas: not predicted */
};

struct pred {
    struct region *r; /* all modules' regions, in module order */
    size_t n;
    size_t *per_mod;  /* regions of each module */
    bool *no_sections; /* 6.4+ layout: the module's sections are unreadable */
};

static void add_region(struct pred *p, size_t *cap, uint64_t start, uint32_t mod)
{
    xgrow((void **)&p->r, cap, p->n + 1, sizeof(*p->r));
    p->r[p->n++] = (struct region){.start = start, .span = 1, .mod = mod};
    p->per_mod[mod]++;
}

static bool usable(const struct km_module *m)
{
    return m->addr != 0 && !KM_IS_NA(m->size) && m->size > 0;
}

/* One module's regions under v, appended to p. */
static void module_regions(const struct km_module *m, uint32_t k, const struct variant *v,
                           struct pred *p, size_t *cap)
{
    size_t first = p->n;
    if (v->layout == KM_MJ_LAYOUT_ONE) {
        add_region(p, cap, m->addr, k);
    } else {
        uint64_t strong[T_NTYPES], weak[T_NTYPES];
        for (int t = 0; t < T_NTYPES; t++)
            strong[t] = weak[t] = UINT64_MAX;
        for (int s = 0; s < m->nsections; s++) {
            bool sure;
            if (init_time(m->sections[s].name))
                continue;
            enum mtype t = section_type(m->sections[s].name, v->scs_roai, &sure);
            uint64_t a = m->sections[s].addr;
            uint64_t *slot = sure ? &strong[t] : &weak[t];
            if (a && a < *slot)
                *slot = a;
        }
        if (!v->text_shared)
            add_region(p, cap, m->addr, k);
        p->no_sections[k] = m->nsections == 0;
        for (int t = T_DATA; t < T_NTYPES; t++) {
            uint64_t start = strong[t] != UINT64_MAX ? strong[t] : weak[t];
            bool dup = start == UINT64_MAX || (start == m->addr && !v->text_shared);
            for (size_t i = first; i < p->n && !dup; i++)
                dup = p->r[i].start == start;
            if (!dup)
                add_region(p, cap, start, k);
        }
    }
    /* each section in the region it lies in: the one starting last at or below it */
    for (int s = 0; s < m->nsections; s++) {
        uint64_t a = m->sections[s].addr;
        struct region *best = NULL;
        if (init_time(m->sections[s].name))
            continue;
        for (size_t i = first; i < p->n; i++)
            if (p->r[i].start <= a && (!best || p->r[i].start > best->start))
                best = &p->r[i];
        if (best && a - best->start + 1 > best->span)
            best->span = a - best->start + 1;
    }
}

static void predict(const struct km_mj_ctx *x, const struct variant *v, struct pred *p)
{
    size_t cap = 0;
    for (size_t k = 0; k < x->m->n; k++)
        if (usable(&x->m->mods[k]))
            module_regions(&x->m->mods[k], (uint32_t)k, v, p, &cap);
}

static int cmp_region(const void *a, const void *b)
{
    const struct region *p = a, *q = b;
    if (p->node != q->node)
        return p->node < q->node ? -1 : 1;
    return (p->start > q->start) - (p->start < q->start);
}

/* ---- alignment of predicted regions with the printed image areas ------------ */

struct eval {
    long *own;        /* per image area in file order: module, or -1 */
    long *reg;        /* per image area: the sorted region paired with it, or -1 */
    unsigned char *miss; /* per module: enum km_mj_miss */
    size_t exact;     /* modules found exact */
    size_t areas;     /* image areas given to them */
};

struct align {
    const struct km_mj_ctx *x;
    const struct variant *v;
    const struct region *r; /* sorted */
    size_t nr;
    const size_t *a; /* image area indexes in file order */
    size_t na;
    const int64_t *want; /* per module: pages its lsmod size needs */
};

/*
 * The score of pairing region i with area j: pairs count first; among
 * alignments with as many pairs, the one whose areas are the least larger
 * than their regions' sections need (a pairing shifted by one line along a
 * run of similar areas fits as often, but more loosely).
 */
#define PAIR_SCORE ((int64_t)1 << 40)
#define SLACK_CAP ((int64_t)1 << 24) /* pages */

static int64_t pair_score(const struct align *g, size_t i, size_t j)
{
    const struct km_vmarea *a = &g->x->vm->areas[g->a[j]];
    uint64_t need = km_mj_pages_for((int64_t)(g->r[i].span > INT64_MAX ? INT64_MAX : g->r[i].span),
                                    g->x->ps);
    uint64_t slack = (uint64_t)a->pages - need; /* fits: pages >= need */
    return PAIR_SCORE - (int64_t)(slack < (uint64_t)SLACK_CAP ? slack : (uint64_t)SLACK_CAP);
}

static bool fits(const struct align *g, size_t i, size_t j)
{
    const struct km_vmarea *a = &g->x->vm->areas[g->a[j]];
    const struct region *r = &g->r[i];
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
static bool align_band(const struct align *g, long *own, long *reg)
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
static void verify(const struct align *g, const struct pred *p, long *own, long *reg,
                   struct eval *e)
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
        if (!usable(&x->m->mods[k]))
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
    const struct align *g;
    const struct pred *p;
    const size_t *ri, *aj; /* left-over regions (sorted order) and areas (file order) */
    size_t nr, na;
    size_t drop[2], ndrop; /* indexes dropped on the longer side */
    long *trial, *trial_reg;
    struct eval *best, *tmp;
    bool improved;
};

/* Pairs what is left over in order, skipping the dropped; keeps it if more modules check out. */
static void repair_try(struct repair *r)
{
    const struct align *g = r->g;
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
static void repair(const struct align *g, const struct pred *p, struct eval *e)
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
    struct eval tmp = {.miss = xcalloc(g->x->m->n + 1, 1)};
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
static void evaluate(const struct align *g, const struct pred *p, struct eval *e)
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
            e->miss[k] = usable(&x->m->mods[k]) ? KM_MJ_MISS_NOFIT : KM_MJ_MISS_NO_ADDRESS;
        e->exact = e->areas = 0;
        return;
    }
    verify(g, p, e->own, e->reg, e);
    if (e->exact > 0 && (e->exact < x->m->n || e->areas < g->na))
        repair(g, p, e);
}

/* ---- trying the predictions ------------------------------------------------- */

struct trial {
    struct variant v;
    int nodes;
};

struct search {
    const struct km_mj_ctx *x;
    size_t *areas, na;
    int64_t *want;
    size_t usable;
    struct eval cur, best;
    struct trial best_trial;
    bool have_best;
    bool inferring; /* N unknown: every N is tried */
    bool ambiguous; /* another N fitted as well with other pairs: the best is not trusted */
};

static void copy_eval(struct eval *dst, const struct eval *src, size_t na, size_t nm)
{
    memcpy(dst->own, src->own, (na ? na : 1) * sizeof(*dst->own));
    memcpy(dst->reg, src->reg, (na ? na : 1) * sizeof(*dst->reg));
    memcpy(dst->miss, src->miss, nm ? nm : 1);
    dst->exact = src->exact;
    dst->areas = src->areas;
}

/* Whether this trial made every usable module and every image area exact. */
static bool try_nodes(struct search *s, const struct pred *p, const struct variant *v, int nodes)
{
    const struct km_mj_ctx *x = s->x;
    uint64_t ps = (uint64_t)x->ps; /* > 0 */
    uint64_t zone = ps > UINT64_MAX / ZONE_PAGES ? UINT64_MAX : ps * ZONE_PAGES;
    for (size_t i = 0; i < p->n; i++)
        p->r[i].node = nodes > 1 ? (uint32_t)((p->r[i].start / zone) % (uint64_t)nodes) : 0;
    qsort(p->r, p->n, sizeof(*p->r), cmp_region);
    struct align g = {.x = x, .v = v, .r = p->r, .nr = p->n, .a = s->areas, .na = s->na,
                      .want = s->want};
    evaluate(&g, p, &s->cur);
    bool better = !s->have_best || s->cur.exact > s->best.exact ||
                  (s->cur.exact == s->best.exact && s->cur.areas > s->best.areas);
    if (better) {
        copy_eval(&s->best, &s->cur, s->na, x->m->n);
        s->best_trial = (struct trial){.v = *v, .nodes = nodes};
        s->have_best = true;
        s->ambiguous = false;
    } else if (s->inferring && s->cur.exact > 0 && s->cur.exact == s->best.exact &&
               s->cur.areas == s->best.areas &&
               memcmp(s->cur.own, s->best.own, s->na * sizeof(*s->cur.own)) != 0) {
        s->ambiguous = true; /* as good, other pairs: which N is the kernel's? */
    }
    /* a guessed N is trusted only when no other N fits as well */
    return !s->inferring && s->cur.exact == s->usable && s->cur.areas == s->na;
}

static int clamp_nodes(int cpus)
{
    return cpus < 1 ? 1 : cpus > MAX_NODES ? MAX_NODES : cpus;
}

/* The N to try, most likely first: ties go to the earlier. */
static int node_candidates(const struct km_mj_ctx *x, int *cand, bool *inferring)
{
    bool wide = false; /* vmap nodes exist only on 64-bit kernels */
    for (size_t k = 0; k < x->m->n && !wide; k++)
        wide = x->m->mods[k].addr > UINT32_MAX;
    int n = 0;
    *inferring = wide && x->h->possible_cpus <= 0;
    cand[n++] = 1; /* up to 6.8 (and on 32-bit): one address order */
    if (wide) {
        if (x->h->possible_cpus > 0) {
            cand[n++] = clamp_nodes(x->h->possible_cpus);
        } else {
            if (x->h->listed_cpus > 0)
                cand[n++] = clamp_nodes(x->h->listed_cpus);
            for (int k = 2; k <= MAX_NODES; k++)
                cand[n++] = k;
        }
    }
    /* drop repeats, keeping the first */
    int m = 0;
    for (int i = 0; i < n; i++) {
        bool seen = false;
        for (int k = 0; k < m && !seen; k++)
            seen = cand[k] == cand[i];
        if (!seen)
            cand[m++] = cand[i];
    }
    return m;
}

static size_t apply(struct km_mj_ctx *x, const struct search *s)
{
    struct km_modjoin *j = x->out;
    const struct trial *t = &s->best_trial;
    for (size_t k = 0; k < x->m->n; k++)
        j->mods[k].miss = (enum km_mj_miss)s->best.miss[k];
    for (size_t i = 0; i < s->na; i++)
        if (s->best.own[i] >= 0) {
            x->owner[s->areas[i]] = s->best.own[i];
            x->text_shared[s->best.own[i]] = t->v.text_shared;
        }
    if (s->best.exact > 0) {
        j->vmap_nodes = t->nodes;
        j->nodes_from = t->nodes > 1 ? (x->h->possible_cpus > 0 ? KM_MJ_NF_POSSIBLE
                                                                : KM_MJ_NF_INFERRED)
                                     : KM_MJ_NF_NONE;
        j->layout = t->v.layout;
    }
    return s->best.exact;
}

size_t km_mj_match_order(struct km_mj_ctx *x)
{
    struct search s = {.x = x};
    size_t nm = x->m->n;
    s.areas = xcalloc(x->vm->n + 1, sizeof(*s.areas));
    bool sections = false, scs = false, shared = false;
    for (size_t i = 0; i < x->vm->n; i++) {
        if (x->cls[i] == KM_MJC_IMAGE)
            s.areas[s.na++] = i;
        shared |= x->cls[i] == KM_MJC_SHARED;
    }
    s.want = xcalloc(nm + 1, sizeof(*s.want));
    for (size_t k = 0; k < nm; k++) {
        const struct km_module *m = &x->m->mods[k];
        s.want[k] = KM_IS_NA(m->size) ? 0 : km_mj_pages_for(m->size, x->ps);
        s.usable += usable(m);
        sections |= m->nsections > 0;
        for (int i = 0; i < m->nsections && !scs; i++)
            scs = strcmp(m->sections[i].name, ".static_call_sites") == 0;
    }
    for (int e = 0; e < 2; e++) {
        struct eval *ev = e ? &s.best : &s.cur;
        ev->own = xcalloc(s.na + 1, sizeof(*ev->own));
        ev->reg = xcalloc(s.na + 1, sizeof(*ev->reg));
        ev->miss = xcalloc(nm + 1, 1);
    }
    struct variant vars[6];
    int nv = 0;
    if (sections) {
        vars[nv++] = (struct variant){.layout = KM_MJ_LAYOUT_TYPES};
        if (scs)
            vars[nv++] = (struct variant){.layout = KM_MJ_LAYOUT_TYPES, .scs_roai = true};
        if (shared) {
            vars[nv++] = (struct variant){.layout = KM_MJ_LAYOUT_TYPES, .text_shared = true};
            if (scs)
                vars[nv++] = (struct variant){
                    .layout = KM_MJ_LAYOUT_TYPES, .scs_roai = true, .text_shared = true};
        }
    }
    vars[nv++] = (struct variant){.layout = KM_MJ_LAYOUT_ONE};
    struct pred preds[KM_ARRAY_LEN(vars)];
    for (int vi = 0; vi < nv; vi++) {
        preds[vi] = (struct pred){0};
        preds[vi].per_mod = xcalloc(nm + 1, sizeof(*preds[vi].per_mod));
        preds[vi].no_sections = xcalloc(nm + 1, sizeof(*preds[vi].no_sections));
        predict(x, &vars[vi], &preds[vi]);
    }
    int cand[MAX_NODES + 2];
    int nc = node_candidates(x, cand, &s.inferring);
    bool done = false;
    for (int c = 0; c < nc && !done; c++)
        for (int vi = 0; vi < nv && !done; vi++)
            done = try_nodes(&s, &preds[vi], &vars[vi], cand[c]);
    for (int vi = 0; vi < nv; vi++) {
        free(preds[vi].r);
        free(preds[vi].per_mod);
        free(preds[vi].no_sections);
    }
    size_t matched = s.have_best && !s.ambiguous ? apply(x, &s) : 0;
    for (int e = 0; e < 2; e++) {
        struct eval *ev = e ? &s.best : &s.cur;
        free(ev->own);
        free(ev->reg);
        free(ev->miss);
    }
    free(s.want);
    free(s.areas);
    return matched;
}
