/*
 * view_modules.h - what the two files of the modules view share (ui only):
 * the recent loads and unloads, listed in the notes and in JSON, and the
 * view's own state (--details NAME), opaque outside view_modules_details.c.
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#ifndef KM_UI_VIEW_MODULES_H
#define KM_UI_VIEW_MODULES_H

#include "view.h"

#include <stdio.h>

struct km_json;

/* Under the table: what each pinned row shown is (not a module), one line each. */
void km_modules_pins_notes(const struct km_vm *vm, const struct km_vctx *c,
                           void (*line)(void *arg, int attr, const char *text), void *arg);
/* The last few intervals with loads or unloads, newest first, one line each (none: nothing). */
void km_modules_events_notes(const struct km_vctx *c,
                             void (*line)(void *arg, int attr, const char *text), void *arg);
/* The "events" array of the modules JSON object: one object per interval, oldest first. */
void km_modules_events_json(const struct km_sample *s, struct km_json *j);

/* --details NAME, NULL when not asked. */
const char *km_modules_details_name(const struct km_vctx *c);

/* km_view_def hooks (view.h says what each does). */
void km_modules_state_init(void *state);
extern const struct km_view_opt km_modules_opts[];
const char *km_modules_opt(void *state, const char *name, const char *arg);
void km_modules_details(const struct km_vctx *c, const struct km_row *r,
                        void (*line)(void *arg, int attr, const char *text), void *arg);
void km_modules_text_after(const struct km_vctx *c, FILE *f);
bool km_modules_after_needs(const void *state);
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
