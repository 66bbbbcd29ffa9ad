/*
 * view_buddy.h - what the two files of the buddy view share (ui only): its
 * own state (view_buddy_state.c) as the hooks of km_view_buddy see it.
 * The state is opaque: only view_buddy_state.c knows its layout.
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#ifndef KM_UI_VIEW_BUDDY_H
#define KM_UI_VIEW_BUDDY_H

#include "view.h"

/* The order the fragmentation columns are for: the user's, else KM_FRAG_DEFAULT_ORDER. */
int km_buddy_order(const struct km_vctx *c);

/* km_view_def hooks (view.h says what each does). */
void km_buddy_state_init(void *state);
unsigned km_buddy_state_sources(const void *state);
extern const struct km_view_key km_buddy_keys[];
bool km_buddy_key(void *state, const struct km_vctx *c, int ch, char *status, size_t n);
extern const struct km_view_opt km_buddy_opts[];
const char *km_buddy_opt(void *state, const char *name, const char *arg);
void km_buddy_status(const void *state, char *out, size_t n);

#endif
