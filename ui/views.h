/*
 * views.h - the four views and what they need from the sampler.
 */
#ifndef KM_UI_VIEWS_H
#define KM_UI_VIEWS_H

#include "view.h"

enum km_view_id { KM_V_MODULES, KM_V_NODES, KM_V_BUDDY, KM_V_SLABS, KM_NVIEWS };

extern const struct km_view_def km_view_modules, km_view_nodes, km_view_buddy, km_view_slabs;
extern const struct km_view_def *const km_views[KM_NVIEWS];

/* The view named name ("modules", ...), or -1. */
int km_view_find(const char *name);

#endif
