/* modevents.c - module loads and unloads between two samples. See modevents.h. */
#include "kmemtop/modevents.h"

#include <string.h>

static int64_t delta(int64_t after, int64_t before)
{
    return KM_IS_NA(after) || KM_IS_NA(before) ? KM_NA : after - before;
}

static void mem_deltas(struct km_mod_event *e, const struct km_meminfo *b,
                       const struct km_meminfo *a)
{
    e->d_vmalloc_used = e->d_slab = e->d_mem_available = e->d_mem_free = KM_NA;
    if (!a || !b)
        return;
    if (a->vmalloc_used_valid && b->vmalloc_used_valid)
        e->d_vmalloc_used = delta(a->vmalloc_used, b->vmalloc_used);
    e->d_slab = delta(a->slab, b->slab);
    e->d_mem_available = delta(a->mem_available, b->mem_available);
    e->d_mem_free = delta(a->mem_free, b->mem_free);
}

static void push_event(struct km_mod_event *ev, size_t *n, size_t cap,
                       const struct km_mod_event *e)
{
    if (cap == 0)
        return;
    if (*n == cap) {
        memmove(ev, ev + 1, (cap - 1) * sizeof(*ev));
        (*n)--;
    }
    ev[(*n)++] = *e;
}

/* Events for the modules of `have` that `lack` does not list. */
static size_t side_events(const struct km_mod_side *have, const struct km_mod_side *lack,
                          bool loaded, struct km_mod_event *tmpl, struct km_mod_event *ev,
                          size_t *n, size_t cap)
{
    size_t added = 0;
    struct km_modidx idx;
    km_modidx_init(&idx, lack->mods);
    for (size_t k = 0; k < have->mods->n; k++) {
        const struct km_module *m = &have->mods->mods[k];
        if (km_modidx_find(&idx, m->name))
            continue;
        struct km_mod_event e = *tmpl;
        km_copy(e.name, sizeof(e.name), m->name, strlen(m->name));
        e.loaded = loaded;
        e.size = m->size;
        e.static_bytes = e.dynamic_bytes = KM_NA;
        e.method = KM_MJ_NONE;
        km_copy(e.state, sizeof(e.state), m->state, strlen(m->state));
        /* an unload's figures are the last seen; a load's are final once it is Live */
        e.settled = !loaded || strcmp(m->state, "Live") == 0;
        if (have->mj && k < have->mj->n) {
            const struct km_modmem *mm = &have->mj->mods[k];
            e.static_bytes = mm->static_bytes;
            e.dynamic_bytes = mm->dynamic_bytes;
            e.method = mm->method;
        }
        push_event(ev, n, cap, &e);
        added++;
    }
    km_modidx_free(&idx);
    return added;
}

/* Modules of `have` that `lack` does not list. */
static unsigned count_missing(const struct km_modules *have, const struct km_modules *lack)
{
    unsigned c = 0;
    struct km_modidx idx;
    km_modidx_init(&idx, lack);
    for (size_t k = 0; k < have->n; k++)
        c += km_modidx_find(&idx, have->mods[k].name) == NULL;
    km_modidx_free(&idx);
    return c;
}

size_t km_mod_events_settle(struct km_mod_event *ev, size_t n, const struct km_mod_side *now)
{
    size_t settled = 0;
    for (size_t i = 0; now && now->mods && i < n; i++) {
        struct km_mod_event *e = &ev[i];
        if (e->settled || !e->loaded)
            continue;
        const struct km_module *m = km_modules_find(now->mods, e->name);
        if (!m) {
            e->settled = true; /* gone before it was ever Live: keep what was seen */
            continue;
        }
        if (strcmp(m->state, "Live") != 0)
            continue;
        size_t k = (size_t)(m - now->mods->mods);
        e->size = m->size;
        if (now->mj && k < now->mj->n) {
            e->static_bytes = now->mj->mods[k].static_bytes;
            e->dynamic_bytes = now->mj->mods[k].dynamic_bytes;
            e->method = now->mj->mods[k].method;
        }
        km_copy(e->state, sizeof(e->state), m->state, strlen(m->state));
        e->settled = true;
        settled++;
    }
    return settled;
}

size_t km_mod_events(const struct km_mod_side *before, const struct km_mod_side *after,
                     double time, unsigned seq, struct km_mod_event *ev, size_t *n, size_t cap)
{
    struct km_mod_event tmpl = {.time = time, .seq = seq};
    if (!before || !after || !before->mods || !after->mods)
        return 0;
    mem_deltas(&tmpl, before->mem, after->mem);
    tmpl.nchanged = count_missing(before->mods, after->mods) + count_missing(after->mods, before->mods);
    size_t added = side_events(before, after, false, &tmpl, ev, n, cap);
    return added + side_events(after, before, true, &tmpl, ev, n, cap);
}
