/*
 * view_overview.h - what the Overview shares with other views: the
 * memory-pressure signals as a line and as JSON (the Buddy view shows the
 * compaction ones beside its fragmentation indexes).
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#ifndef KM_UI_VIEW_OVERVIEW_H
#define KM_UI_VIEW_OVERVIEW_H

#include "view.h"

struct km_json;

/* "Compaction: stalls +0.0/s, failures +0.0/s, successes +0.0/s (since boot: ...)"; or why not. */
void km_compaction_line(const struct km_vctx *c, char *out, size_t n);
/*
 * Writes key: {"status", "reason"?, and per signal of [first, last] (enum
 * km_sig) its {"count", "rate"}} from vmstat.
 */
void km_signals_json(struct km_json *j, const struct km_vctx *c, const char *key, int first,
                     int last);

#endif
