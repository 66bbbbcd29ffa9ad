/*
 * csv.h - batch frames as CSV (RFC 4180), derived from the views' column
 * tables alone: nothing here knows a particular view.
 *
 * Each view printed is one block: a header row, then one record per
 * visible row in view-model order (sort and filter apply as in text and
 * JSON). The header row is "view", "id", then the keys (struct km_col.key)
 * of the columns text would show: keys are stable, titles are for people
 * and change with the sample (the buddy view's block sizes). Every record
 * starts with the view's name and the row's stable id (km_row.id: child
 * rows carry their parent's id as a prefix, "node0/DMA32"), so the blocks
 * of one output can be split on their first field (a header row says
 * "view") and one view alone loads as one table. The values are the cells
 * text shows with --raw (exact numbers, "-" absent), always raw, without
 * the indentation of child rows; names pass through km_sanitize as in
 * text. A view whose table cannot be shown has its header row and no
 * record; its reason is in the text and JSON frames only, as are the
 * summary, the notes and --details. Fields holding a comma, a double
 * quote, CR or LF are quoted, quotes doubled; records end in CRLF, as RFC
 * 4180 says. A frame follows the previous one with its own header rows.
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#ifndef KM_UI_CSV_H
#define KM_UI_CSV_H

#include "views.h"

#include <stdio.h>

/* One view's block: its header row, then a record per visible row. */
void km_csv_table(FILE *f, const struct km_vm *vm, const struct km_vctx *c);
/* One batch frame: the block of each view whose vms[i] is not NULL. */
void km_csv_frame(FILE *f, struct km_vm *const *vms, const struct km_vctx *c);
/*
 * Writes raw as one field, after a comma unless first: sanitized as text
 * is, then quoted when it holds a comma, a quote, CR or LF.
 */
void km_csv_field(FILE *f, bool first, const char *raw);

#endif
