/*
 * view_modules.h - what the two files of the modules view share (ui only):
 * the recent loads and unloads, listed in the notes and in JSON.
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#ifndef KM_UI_VIEW_MODULES_H
#define KM_UI_VIEW_MODULES_H

#include "view.h"

struct km_json;

/* The last few events, newest first, as notes lines (nothing when there is none). */
void km_modules_events_notes(const struct km_vctx *c,
                             void (*line)(void *arg, int attr, const char *text), void *arg);
/* The "events" array of the modules JSON object, oldest first. */
void km_modules_events_json(const struct km_sample *s, struct km_json *j);

#endif
