/*
 * views.h - the view registry: every view kmemtop has, in tab order, and
 * the state each keeps. Generic code (frames, keys, options, the screen)
 * loops over km_views[] and asks a view through its km_view_def hooks; it
 * never names a particular view. A view is one file (ui/view_<name>.c,
 * defining km_view_<name>) plus its name in KM_VIEW_LIST.
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#ifndef KM_UI_VIEWS_H
#define KM_UI_VIEWS_H

#include "view.h"

/* At most this many views: tab keys are the digits 1..9. */
#define KM_VIEWS_MAX 9

/* The views, in tab order: the registry's one line. */
#define KM_VIEW_LIST(X) X(overview) X(modules) X(nodes) X(buddy) X(slabs) X(vmstat) X(vmalloc) X(cgroups)

#define KM_VIEW_EXTERN(name) extern const struct km_view_def km_view_##name;
KM_VIEW_LIST(KM_VIEW_EXTERN)
#undef KM_VIEW_EXTERN
/* The registry, in tab order, ended by NULL. */
extern const struct km_view_def *const km_views[];

/* The number of views in km_views[] (at most KM_VIEWS_MAX). */
int km_nviews(void);
/* The view named name ("modules", ..., case-insensitive), or -1. */
int km_view_find(const char *name);
/* d's index in km_views[], or -1. */
int km_view_index(const struct km_view_def *d);
/* The views' names as "modules, nodes, buddy, slabs" (--view's help and error). */
void km_view_names(char *out, size_t n);

/* Every view's state at its defaults (states: KM_VIEWS_MAX entries). */
void km_vstates_init(struct km_vstate *states);
/* d's state in c, or NULL when c carries none (the view then uses its defaults). */
void *km_view_state(const struct km_vctx *c, const struct km_view_def *d);
/*
 * The view option name (without "--"): hands arg to the view that has it.
 * Returns NULL, or what was wrong with arg; "" when no view has the option.
 */
const char *km_view_option(struct km_vstate *states, const char *name, const char *arg);
/*
 * Sources to read for the views marked visible (parallel to km_views[]),
 * their states asking, and for every view whose state has it print
 * something whatever views are shown (after_needs: --details NAME).
 * states NULL: every view's defaults.
 */
unsigned km_views_sources(const bool *visible, const struct km_vstate *states);
/* The derived data (KM_DER_*) those same views ask for. */
unsigned km_views_derives(const bool *visible, const struct km_vstate *states);

#endif
