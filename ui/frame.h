/*
 * frame.h - what every renderer shows around the views: the summary header
 * of kernel memory, each view's status line, and whole batch frames as
 * text or JSON.
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#ifndef KM_UI_FRAME_H
#define KM_UI_FRAME_H

#include "views.h"

#include <stdio.h>


/*
 * The sources to read for the views marked in visible (parallel to
 * km_views[]), as their states ask (NULL: defaults), plus the header's.
 */
unsigned km_frame_sources(const bool *visible, const struct km_vstate *states);
/* The summary header, one call of line per line. */
void km_frame_summary(const struct km_vctx *c, km_line_fn line, void *arg);
/* Why a view's table cannot be shown ("" when it can), in words for a user. */
const char *km_frame_view_problem(const struct km_view_def *d, const struct km_vctx *c,
                                  char *buf, size_t n);
/* Sum of module sizes in bytes, KM_NA when /proc/modules was not read. */
int64_t km_frame_module_total(const struct km_sample *s);
/* The warning of each ok source in srcmask that left lines out, one line each (view notes). */
void km_frame_warnings(const struct km_vctx *c, unsigned srcmask, km_line_fn line, void *arg);
/*
 * "14 empty zones hidden: HOW shows them" when the last refresh of vm left
 * quiet rows out (how: "z" on screen, "--all-rows" in batch text); nothing else.
 */
void km_frame_quiet(const struct km_vm *vm, const char *how, km_line_fn line, void *arg);
/* What each source read for the last frame cost, one line each (the help screen). */
void km_frame_source_costs(const struct km_sample *s, km_line_fn line, void *arg);
/*
 * One batch frame: summary and each view whose vms[i] is not NULL (vms
 * parallel to km_views[]); text then what each view prints after the frame
 * (text_after: --details).
 */
void km_frame_text(FILE *f, struct km_vm *const *vms, const struct km_vctx *c);
/* The frame's summary as fields (ui/summary.c): meminfo's figures, the modules' total. */
extern const struct km_col km_frame_sum[];
extern const int km_frame_nsum;

void km_frame_json(FILE *f, struct km_vm *const *vms, const struct km_vctx *c);

#endif
