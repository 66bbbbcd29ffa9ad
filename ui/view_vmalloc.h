/*
 * view_vmalloc.h - the Vmalloc view's details (view_vmalloc_details.c): one
 * caller's areas for --details CALLER and Enter (ui only).
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#ifndef KM_UI_VIEW_VMALLOC_H
#define KM_UI_VIEW_VMALLOC_H

#include "view.h"

struct km_json;

/* Whether the frame's vmalloc groups have a caller name ("caller" or "caller [module]"). */
bool km_vmalloc_has_caller(const struct km_vctx *c, const char *name);
/*
 * The caller's areas, one call of line per line: a summary, a header, one
 * line per area. Returns 0, or -ENOENT after a line saying there is none.
 */
int km_vmalloc_details_lines(const struct km_vctx *c, const char *name, km_line_fn line, void *arg);
/* The same as the "details" object of the vmalloc JSON: {name, caller, module, areas}. */
void km_vmalloc_details_json(const struct km_vctx *c, const char *name, struct km_json *j);
/* km_view_def hooks: Enter (the first 40 areas), and --details under the table. */
void km_vmalloc_details(const struct km_vctx *c, const struct km_row *r, km_line_fn line, void *arg);
void km_vmalloc_footer(const struct km_vm *vm, const struct km_vctx *c, km_line_fn line, void *arg);

#endif
