/*
 * text.h - plain text tables for batch mode (and cell text for the screen).
 * No escape codes, trailing blanks trimmed, stable for diffs.
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#ifndef KM_UI_TEXT_H
#define KM_UI_TEXT_H

#include "view.h"

#include <stdio.h>

/* The cell text of column col for row r (child rows indented in column 0). */
void km_text_cell(const struct km_vm *vm, const struct km_vctx *c, const struct km_row *r, int col,
                  char *out, size_t n);
/*
 * The view's visible rows as a table with a header row, the sort column's
 * title marked with '*'; a rule of - above the pinned rows.
 */
void km_text_table(FILE *f, const struct km_vm *vm, const struct km_vctx *c);
/* "Slabs, sorted by FOOTPRINT (descending)": the line above the table. */
void km_text_sort_line(FILE *f, const struct km_vm *vm, const struct km_vctx *c);
/* Writes s without trailing blanks, then a newline. */
void km_text_line(FILE *f, const char *s);

#endif
