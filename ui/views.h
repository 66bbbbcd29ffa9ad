/*
 * views.h - the four views and what they need from the sampler.
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#ifndef KM_UI_VIEWS_H
#define KM_UI_VIEWS_H

#include "view.h"

enum km_view_id { KM_V_MODULES, KM_V_NODES, KM_V_BUDDY, KM_V_SLABS, KM_NVIEWS };

extern const struct km_view_def km_view_modules, km_view_nodes, km_view_buddy, km_view_slabs;
extern const struct km_view_def *const km_views[KM_NVIEWS];

/* The view named name ("modules", ...), or -1. */
int km_view_find(const char *name);

struct km_json;
/*
 * One module's vmalloc areas (--details, Enter on the screen), one call of
 * line per line (attr: enum km_attr). name is a module name or the id of a
 * modules pinned row ("_unattributed", "_shared"): pass the row's id.
 * Returns 0, or -ENOENT after a line saying that no such module is loaded.
 */
int km_modules_details_lines(const struct km_vctx *c, const char *name,
                             void (*line)(void *arg, int attr, const char *text), void *arg);
/* The same as a "details" object of the modules JSON. */
void km_modules_details_json(const struct km_vctx *c, const char *name, struct km_json *j);

#endif
