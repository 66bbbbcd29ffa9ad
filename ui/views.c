/* views.c - the view registry and the views' state. See views.h. */
#include "views.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define VIEW_PTR(name) &km_view_##name,
/* KM_VIEW_LIST (views.h), in tab order */
const struct km_view_def *const km_views[] = {KM_VIEW_LIST(VIEW_PTR) NULL};

int km_nviews(void)
{
    int n = 0;
    while (km_views[n] && n < KM_VIEWS_MAX)
        n++;
    return n;
}

int km_view_find(const char *name)
{
    for (int i = 0; km_views[i]; i++)
        if (strcasecmp(km_views[i]->name, name) == 0)
            return i;
    return -1;
}

int km_view_index(const struct km_view_def *d)
{
    for (int i = 0; km_views[i]; i++)
        if (km_views[i] == d)
            return i;
    return -1;
}

void km_view_names(char *out, size_t n)
{
    size_t pos = 0;
    out[0] = '\0';
    for (int i = 0; km_views[i] && pos < n; i++)
        pos += (size_t)snprintf(out + pos, n - pos, "%s%s", i ? ", " : "", km_views[i]->name);
}

void km_vstates_init(struct km_vstate *states)
{
    for (int i = 0; i < KM_VIEWS_MAX; i++) {
        memset(&states[i], 0, sizeof(states[i]));
        if (i < km_nviews() && km_views[i]->state_init)
            km_views[i]->state_init(states[i].b);
    }
}

void *km_view_state(const struct km_vctx *c, const struct km_view_def *d)
{
    int i = km_view_index(d);
    return c->states && i >= 0 ? c->states[i].b : NULL;
}

const char *km_view_option(struct km_vstate *states, const char *name, const char *arg)
{
    for (int i = 0; km_views[i]; i++)
        for (const struct km_view_opt *o = km_views[i]->opts; o && o->name; o++)
            if (strcmp(o->name, name) == 0)
                return km_views[i]->opt(states[i].b, name, arg);
    return "";
}

/*
 * Whether view i's data is needed: it is shown, or its state has it print
 * something whatever views are shown (after_needs).
 */
static bool needed(int i, const bool *visible, const struct km_vstate *states)
{
    const struct km_view_def *d = km_views[i];
    return visible[i] || (d->after_needs && d->after_needs(states[i].b));
}

/* states, or every view's defaults in buf when there are none */
static const struct km_vstate *states_or_defaults(const struct km_vstate *states,
                                                  struct km_vstate *buf)
{
    if (states)
        return states;
    km_vstates_init(buf);
    return buf;
}

unsigned km_views_sources(const bool *visible, const struct km_vstate *states)
{
    struct km_vstate defaults[KM_VIEWS_MAX];
    states = states_or_defaults(states, defaults);
    unsigned m = 0;
    for (int i = 0; km_views[i]; i++) {
        if (!needed(i, visible, states))
            continue;
        m |= km_views[i]->sources;
        if (km_views[i]->state_sources)
            m |= km_views[i]->state_sources(states[i].b);
    }
    return m;
}

unsigned km_views_derives(const bool *visible, const struct km_vstate *states)
{
    struct km_vstate defaults[KM_VIEWS_MAX];
    states = states_or_defaults(states, defaults);
    unsigned m = 0;
    for (int i = 0; km_views[i]; i++)
        if (needed(i, visible, states))
            m |= km_views[i]->derives;
    return m;
}
