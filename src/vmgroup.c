/* vmgroup.c - vmallocinfo's areas grouped by caller. See include/kmemtop/vmgroup.h. */
#include "kmemtop/vmgroup.h"
#include "kmemtop/sat.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What groups an area: its key (the name points into the records or is a literal). */
struct key {
    enum km_vmg_kind kind;
    const char *name;
    size_t len;
    const char *module;
};

static struct key area_key(const struct km_vmarea *a)
{
    struct key k = {KM_VMG_CALLER, a->caller, 0, a->module};
    if (a->flags & KM_VM_UNPURGED)
        k = (struct key){KM_VMG_UNPURGED, KM_VMG_NAME_UNPURGED, 0, NULL};
    else if (!a->caller)
        k = (struct key){KM_VMG_NONE, KM_VMG_NAME_NONE, 0, NULL};
    k.len =
        k.kind == KM_VMG_CALLER && a->caller_symlen > 0 ? (size_t)a->caller_symlen : strlen(k.name);
    return k;
}

static struct key group_key(const struct km_vmgroup *g)
{
    return (struct key){g->kind, g->caller, g->caller_len, g->module};
}

static bool same_key(const struct key *a, const struct key *b)
{
    if (a->kind != b->kind || a->len != b->len || memcmp(a->name, b->name, a->len) != 0)
        return false;
    return a->module && b->module ? strcmp(a->module, b->module) == 0 : a->module == b->module;
}

/* FNV-1a over the key's parts, a separator between them. */
static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t key_hash(const struct key *k)
{
    uint64_t h = fnv(0xcbf29ce484222325ull ^ (uint64_t)k->kind, k->name, k->len);
    h = (h ^ 0x100) * 0x100000001b3ull;
    return k->module ? fnv(h, k->module, strlen(k->module)) : h;
}

/* Open addressing over group indexes: slot holds index + 1, 0 when empty; at most half full. */
struct table {
    size_t *slot;
    size_t mask;
};

static void table_init(struct table *t, size_t n)
{
    size_t cap = 16;
    while (cap / 2 < n)
        cap *= 2;
    t->slot = xcalloc(cap, sizeof(*t->slot));
    t->mask = cap - 1;
}

/* Twice the slots, the groups g[0 .. n) in them again. */
static void table_double(struct table *t, const struct km_vmgroup *g, size_t n)
{
    free(t->slot);
    size_t cap = (t->mask + 1) * 2;
    t->slot = xcalloc(cap, sizeof(*t->slot));
    t->mask = cap - 1;
    for (size_t k = 0; k < n; k++) {
        struct key gk = group_key(&g[k]);
        size_t i = (size_t)key_hash(&gk) & t->mask;
        while (t->slot[i])
            i = (i + 1) & t->mask;
        t->slot[i] = k + 1;
    }
}

/* The slot of the group with key k among g[], or the empty slot where it would go. */
static size_t *table_find(const struct table *t, const struct km_vmgroup *g, const struct key *k)
{
    size_t i = (size_t)key_hash(k) & t->mask;
    while (t->slot[i]) {
        struct key gk = group_key(&g[t->slot[i] - 1]);
        if (same_key(&gk, k))
            break;
        i = (i + 1) & t->mask;
    }
    return &t->slot[i];
}

static struct km_vmgroup *new_group(struct km_vmgroups *gs, const struct key *k)
{
    struct km_vmgroup *g = &gs->g[gs->n++];
    memset(g, 0, sizeof(*g));
    g->kind = k->kind;
    g->caller = k->name; /* v's or a literal until own_names copies it */
    g->caller_len = k->len;
    g->module = k->module;
    g->pages = g->ram = KM_NA;
    g->growth = NAN;
    return g;
}

/* The groups' names into gs->text, which the groups then point into. */
static void own_names(struct km_vmgroups *gs)
{
    size_t n = 1;
    for (size_t k = 0; k < gs->n; k++)
        n += gs->g[k].caller_len + 1 + (gs->g[k].module ? strlen(gs->g[k].module) + 1 : 0);
    gs->text = xmalloc(n);
    gs->text_len = 0;
    for (size_t k = 0; k < gs->n; k++) {
        struct km_vmgroup *g = &gs->g[k];
        char *p = gs->text + gs->text_len;
        memcpy(p, g->caller, g->caller_len);
        p[g->caller_len] = '\0';
        gs->text_len += g->caller_len + 1;
        g->caller = p;
        if (g->module) {
            size_t len = strlen(g->module);
            p = gs->text + gs->text_len;
            memcpy(p, g->module, len + 1);
            gs->text_len += len + 1;
            g->module = p;
        }
    }
}

/* Each area into its group (gid[i]: the group of area i), with its sums. */
static void group_areas(const struct km_vmallocinfo *v, struct km_vmgroups *gs, size_t *gid)
{
    /* groups and their table grow as groups appear: a few hundred, not one per area */
    struct table t;
    table_init(&t, 64);
    size_t gcap = 0;
    /*
     * The parser stores each caller and module text once, so areas with one caller share its
     * pointers: a small cache by those pointers finds most areas' group without hashing the
     * text (a pointer pair seen before is the same key; the table still decides the rest).
     */
    struct {
        const char *caller, *module;
        uint32_t unpurged;
        size_t gid;
    } memo[64] = {{0}};
    for (size_t i = 0; i < v->n; i++) {
        const struct km_vmarea *a = &v->areas[i];
        uint32_t unp = a->flags & KM_VM_UNPURGED;
        size_t h = (((uintptr_t)a->caller >> 3) ^ ((uintptr_t)a->module >> 5) ^ unp) & 63;
        size_t gi;
        if (memo[h].gid && memo[h].caller == a->caller && memo[h].module == a->module &&
            memo[h].unpurged == unp) {
            gi = memo[h].gid - 1;
        } else {
            struct key k = area_key(a);
            size_t *slot = table_find(&t, gs->g, &k);
            if (!*slot) {
                if ((gs->n + 1) * 2 > t.mask + 1) { /* at most half full */
                    table_double(&t, gs->g, gs->n);
                    slot = table_find(&t, gs->g, &k);
                }
                if (gs->n + 1 > gcap)
                    xgrow((void **)&gs->g, &gcap, gs->n + 1, sizeof(*gs->g));
                new_group(gs, &k);
                *slot = gs->n;
            }
            gi = *slot - 1;
            memo[h].caller = a->caller, memo[h].module = a->module, memo[h].unpurged = unp;
            memo[h].gid = gi + 1;
        }
        struct km_vmgroup *g = &gs->g[gi];
        gid[i] = gi;
        g->areas++;
        g->bytes = km_sat_add(g->bytes, a->size);
        km_sat_acc(&g->pages, a->pages);
        g->flags |= a->flags;
    }
    free(t.slot);
}

/* The area indexes, by group, in file order within each. */
static void list_areas(const struct km_vmallocinfo *v, struct km_vmgroups *gs, const size_t *gid)
{
    size_t at = 0;
    for (size_t k = 0; k < gs->n; k++) {
        gs->g[k].area0 = at;
        at += (size_t)gs->g[k].areas;
    }
    size_t *fill = xcalloc(gs->n ? gs->n : 1, sizeof(*fill));
    gs->area = xmalloc(v->n * sizeof(*gs->area));
    for (size_t i = 0; i < v->n; i++)
        gs->area[gs->g[gid[i]].area0 + fill[gid[i]]++] = i;
    free(fill);
}

struct node_pages {
    size_t g;
    int node;
    int64_t pages;
};

static int cmp_node_pages(const void *a, const void *b)
{
    const struct node_pages *x = a, *y = b;
    if (x->g != y->g)
        return x->g < y->g ? -1 : 1;
    return (x->node > y->node) - (x->node < y->node);
}

/* Node ids below this are summed in a dense array; others (no kernel has them) sorted. */
#define DENSE_NODES 4096

/*
 * Pages per node and group: every N<nid>= the parser kept, summed per group and node, in node
 * order. Each group's areas (gs->area) are walked once; their nodes summed in a dense array.
 */
static void group_nodes(const struct km_vmallocinfo *v, struct km_vmgroups *gs)
{
    if (!v->nnuma)
        return;
    /* both grow as needed: a group's entries are its distinct nodes, seldom all the tokens */
    size_t ncap = 0, npcap = 0;
    int64_t *acc = xmalloc(DENSE_NODES * sizeof(*acc));
    bool *seen = xcalloc(DENSE_NODES, sizeof(*seen));
    struct node_pages *np = NULL; /* one group's, then sorted */
    for (size_t k = 0; k < gs->n; k++) {
        struct km_vmgroup *g = &gs->g[k];
        size_t m = 0;
        for (size_t x = 0; x < (size_t)g->areas; x++) {
            const struct km_vmarea *a = &v->areas[gs->area[g->area0 + x]];
            const struct km_vmnuma *nu = km_vm_numa(v, a);
            for (int q = 0; q < a->nnuma; q++) {
                int node = nu[q].node;
                if (node >= 0 && node < DENSE_NODES && seen[node]) {
                    acc[node] = km_sat_add(acc[node], nu[q].pages);
                    continue;
                }
                if (m + 1 > npcap)
                    xgrow((void **)&np, &npcap, m + 1, sizeof(*np));
                if (node >= 0 && node < DENSE_NODES) {
                    seen[node] = true;
                    acc[node] = nu[q].pages;
                    np[m++] = (struct node_pages){k, node, 0};
                } else {
                    np[m++] = (struct node_pages){k, node, nu[q].pages};
                }
            }
        }
        for (size_t j = 0; j < m; j++)
            if (np[j].node >= 0 && np[j].node < DENSE_NODES) {
                np[j].pages = acc[np[j].node];
                seen[np[j].node] = false;
            }
        if (m > 1)
            qsort(np, m, sizeof(*np), cmp_node_pages);
        for (size_t j = 0; j < m; j++) {
            struct km_vmg_node *last = g->nnodes ? &gs->nodes[gs->nnodes - 1] : NULL;
            if (last && last->node == np[j].node) {
                last->pages = km_sat_add(last->pages, np[j].pages);
                continue;
            }
            if (!g->nnodes)
                g->node0 = gs->nnodes;
            if (gs->nnodes + 1 > ncap)
                xgrow((void **)&gs->nodes, &ncap, gs->nnodes + 1, sizeof(*gs->nodes));
            gs->nodes[gs->nnodes++] = (struct km_vmg_node){np[j].node, np[j].pages};
            g->nnodes++;
        }
    }
    free(np);
    free(seen);
    free(acc);
}

static int64_t ram_of(int64_t pages, long page_size)
{
    return page_size > 0 ? km_sat_mul(pages, page_size) : KM_NA;
}

void km_vmgroup(const struct km_vmallocinfo *v, long page_size, struct km_vmgroups *out)
{
    memset(out, 0, sizeof(*out));
    out->pages = out->ram = KM_NA;
    out->growth = NAN;
    if (!v || !v->n)
        return;
    size_t *gid = xmalloc(v->n * sizeof(*gid));
    group_areas(v, out, gid);
    out->g = xrealloc(out->g, out->n * sizeof(*out->g)); /* no room left over from growing */
    own_names(out);
    list_areas(v, out, gid);
    group_nodes(v, out);
    if (out->nnodes)
        out->nodes = xrealloc(out->nodes, out->nnodes * sizeof(*out->nodes));
    free(gid);
    for (size_t k = 0; k < out->n; k++) {
        struct km_vmgroup *g = &out->g[k];
        g->ram = ram_of(g->pages, page_size);
        out->areas += g->areas;
        out->bytes = km_sat_add(out->bytes, g->bytes);
        km_sat_acc(&out->pages, g->pages);
    }
    out->ram = ram_of(out->pages, page_size);
}

/* (now - was) / dt, an absent side counting as nothing; NAN when both are absent. */
static double change(int64_t now, int64_t was, double dt)
{
    if (KM_IS_NA(now) && KM_IS_NA(was))
        return NAN;
    return ((KM_IS_NA(now) ? 0.0 : (double)now) - (KM_IS_NA(was) ? 0.0 : (double)was)) / dt;
}

void km_vmgroups_rate(struct km_vmgroups *cur, const struct km_vmgroups *base, double dt)
{
    cur->growth = NAN;
    for (size_t k = 0; k < cur->n; k++)
        cur->g[k].growth = NAN;
    if (!base || !(dt > 0) || !isfinite(dt))
        return;
    struct table t;
    table_init(&t, base->n);
    for (size_t k = 0; k < base->n; k++) {
        struct key bk = group_key(&base->g[k]);
        *table_find(&t, base->g, &bk) = k + 1;
    }
    for (size_t k = 0; k < cur->n; k++) {
        struct km_vmgroup *g = &cur->g[k];
        struct key gk = group_key(g);
        size_t slot = *table_find(&t, base->g, &gk);
        g->growth = change(g->ram, slot ? base->g[slot - 1].ram : KM_NA, dt);
    }
    free(t.slot);
    cur->growth = change(cur->ram, base->ram, dt);
}

static void *dup_mem(const void *p, size_t n)
{
    if (!n)
        return NULL;
    void *d = xmalloc(n);
    memcpy(d, p, n);
    return d;
}

static const char *rebase(const char *p, const char *from, char *to)
{
    return p ? to + (p - from) : NULL;
}

void km_vmgroups_copy(struct km_vmgroups *dst, const struct km_vmgroups *src)
{
    *dst = *src;
    dst->area = NULL;
    dst->g = dup_mem(src->g, src->n * sizeof(*src->g));
    dst->nodes = dup_mem(src->nodes, src->nnodes * sizeof(*src->nodes));
    dst->text = dup_mem(src->text, src->text_len);
    for (size_t k = 0; k < dst->n; k++) {
        dst->g[k].caller = rebase(src->g[k].caller, src->text, dst->text);
        dst->g[k].module = rebase(src->g[k].module, src->text, dst->text);
    }
}

void km_vmgroups_free(struct km_vmgroups *gs)
{
    if (!gs)
        return;
    free(gs->g);
    free(gs->nodes);
    free(gs->area);
    free(gs->text);
    memset(gs, 0, sizeof(*gs));
}

/* In enum km_vm_flag's bit order, which is the order the kernel prints a line's flags in. */
static const char *const flag_words[KM_VM_NFLAGS] = {
    "ioremap",      "sparse", "vmalloc",    "vmap",     "user",
    "dma-coherent", "vpages", "vm_map_ram", "unpurged", "pages-estimated",
};
_Static_assert(KM_VM_PAGES_EST == 1u << (KM_VM_NFLAGS - 1), "a word for every flag");

const char *km_vm_flag_word(int k)
{
    return k >= 0 && k < KM_VM_NFLAGS ? flag_words[k] : NULL;
}

char *km_vm_flags_text(uint32_t flags, const char *sep, char *out, size_t n)
{
    size_t pos = 0;
    if (n)
        out[0] = '\0';
    for (int k = 0; k < KM_VM_NFLAGS && pos + 1 < n; k++) {
        if (!(flags & (1u << k)))
            continue;
        int w = snprintf(out + pos, n - pos, "%s%s", pos ? sep : "", flag_words[k]);
        pos += w > 0 ? (size_t)w : 0;
    }
    return out;
}
