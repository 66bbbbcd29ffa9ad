/*
 * help.h - the help screen's text, built from the key table, every view's
 * own keys (the registry) and the shown view's column table. Pure: lines go
 * to a callback (attr is an enum km_attr); no curses, nothing allocated that outlives the call.
 *
 * Screen layer (libkmscreen.a), though curses-free itself: it lists the
 * screen's keys (keys.h, whose codes are curses key codes).
 */
#ifndef KM_UI_HELP_H
#define KM_UI_HELP_H

#include "frame.h"
#include "keys.h"

/* The keys column of a help line: the key's names joined by ", ". */
void km_help_key_names(const struct km_key *k, char *out, size_t n);
/* The same for a view's own key: its characters joined by ", ". */
void km_help_view_key_names(const struct km_view_key *k, char *out, size_t n);
/* Every line of the help screen for view d (its columns are listed too). */
/* c may be NULL; with a sample, only the columns that apply to it are listed (titled as shown). */
void km_help_text(const struct km_view_def *d, const struct km_vctx *c, km_line_fn line, void *arg);

#endif
