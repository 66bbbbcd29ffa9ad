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

static void add_region(struct mj_pred *p, size_t *cap, uint64_t start, uint32_t mod)
{
    xgrow((void **)&p->r, cap, p->n + 1, sizeof(*p->r));
    p->r[p->n++] = (struct mj_region){.start = start, .span = 1, .mod = mod};
    p->per_mod[mod]++;
}


/* One module's regions under v, appended to p. */
static void module_regions(const struct km_module *m, uint32_t k, const struct mj_variant *v,
                           struct mj_pred *p, size_t *cap)
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
        struct mj_region *best = NULL;
        if (init_time(m->sections[s].name))
            continue;
        for (size_t i = first; i < p->n; i++)
            if (p->r[i].start <= a && (!best || p->r[i].start > best->start))
                best = &p->r[i];
        if (best && a - best->start + 1 > best->span)
            best->span = a - best->start + 1;
    }
}

static void predict(const struct km_mj_ctx *x, const struct mj_variant *v, struct mj_pred *p)
{
    size_t cap = 0;
    for (size_t k = 0; k < x->m->n; k++)
        if (km_mj_usable(&x->m->mods[k]))
            module_regions(&x->m->mods[k], (uint32_t)k, v, p, &cap);
}

static int cmp_region(const void *a, const void *b)
{
    const struct mj_region *p = a, *q = b;
    if (p->node != q->node)
        return p->node < q->node ? -1 : 1;
    return (p->start > q->start) - (p->start < q->start);
}

/* ---- trying the predictions ------------------------------------------------- */

struct trial {
    struct mj_variant v;
    int nodes;
};

struct search {
    const struct km_mj_ctx *x;
    size_t *areas, na;
    int64_t *want;
    size_t usable;
    struct mj_eval cur, best;
    struct trial best_trial;
    bool have_best;
    bool inferring; /* N unknown: every N is tried */
    bool ambiguous; /* another N fitted as well with other pairs: the best is not trusted */
};

static void copy_eval(struct mj_eval *dst, const struct mj_eval *src, size_t na, size_t nm)
{
    memcpy(dst->own, src->own, (na ? na : 1) * sizeof(*dst->own));
    memcpy(dst->reg, src->reg, (na ? na : 1) * sizeof(*dst->reg));
    memcpy(dst->miss, src->miss, nm ? nm : 1);
    dst->exact = src->exact;
    dst->areas = src->areas;
}

/* Whether this trial made every usable module and every image area exact. */
static bool try_nodes(struct search *s, const struct mj_pred *p, const struct mj_variant *v, int nodes)
{
    const struct km_mj_ctx *x = s->x;
    uint64_t ps = (uint64_t)x->ps; /* > 0 */
    uint64_t zone = ps > UINT64_MAX / ZONE_PAGES ? UINT64_MAX : ps * ZONE_PAGES;
    for (size_t i = 0; i < p->n; i++)
        p->r[i].node = nodes > 1 ? (uint32_t)((p->r[i].start / zone) % (uint64_t)nodes) : 0;
    qsort(p->r, p->n, sizeof(*p->r), cmp_region);
    struct mj_align g = {.x = x, .v = v, .r = p->r, .nr = p->n, .a = s->areas, .na = s->na,
                      .want = s->want};
    km_mj_evaluate(&g, p, &s->cur);
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
        s.usable += km_mj_usable(m);
        sections |= m->nsections > 0;
        for (int i = 0; i < m->nsections && !scs; i++)
            scs = strcmp(m->sections[i].name, ".static_call_sites") == 0;
    }
    for (int e = 0; e < 2; e++) {
        struct mj_eval *ev = e ? &s.best : &s.cur;
        ev->own = xcalloc(s.na + 1, sizeof(*ev->own));
        ev->reg = xcalloc(s.na + 1, sizeof(*ev->reg));
        ev->miss = xcalloc(nm + 1, 1);
    }
    struct mj_variant vars[6];
    int nv = 0;
    if (sections) {
        vars[nv++] = (struct mj_variant){.layout = KM_MJ_LAYOUT_TYPES};
        if (scs)
            vars[nv++] = (struct mj_variant){.layout = KM_MJ_LAYOUT_TYPES, .scs_roai = true};
        if (shared) {
            vars[nv++] = (struct mj_variant){.layout = KM_MJ_LAYOUT_TYPES, .text_shared = true};
            if (scs)
                vars[nv++] = (struct mj_variant){
                    .layout = KM_MJ_LAYOUT_TYPES, .scs_roai = true, .text_shared = true};
        }
    }
    vars[nv++] = (struct mj_variant){.layout = KM_MJ_LAYOUT_ONE};
    struct mj_pred preds[KM_ARRAY_LEN(vars)];
    for (int vi = 0; vi < nv; vi++) {
        preds[vi] = (struct mj_pred){0};
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
        struct mj_eval *ev = e ? &s.best : &s.cur;
        free(ev->own);
        free(ev->reg);
        free(ev->miss);
    }
    free(s.want);
    free(s.areas);
    return matched;
}
