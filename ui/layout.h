/*
 * layout.h - the screen's layout arithmetic as pure functions: which columns
 * fit in a width, cell truncation with an ellipsis, word wrapping, and the
 * scroll position that keeps the selected row on screen. No curses, no I/O,
 * no allocation: callers own every buffer; outputs are always NUL-terminated.
 *
 * Widths are in terminal cells, as mbrtowc and wcwidth give them in the
 * current LC_CTYPE locale (a double-width character takes 2). Text comes
 * from captures and may hold anything: a control byte (< 0x20, 0x7f), a
 * byte that is not part of a valid character of the locale, or a
 * non-printable character counts as one cell, and the functions that write
 * text replace it with U+FFFD (utf8) or '?', so that no escape code reaches
 * the terminal and columns stay aligned. A cut never splits a character.
 *
 * Screen layer (libkmscreen.a), though curses-free itself: only the screen
 * lays out columns in cells.
 */
#ifndef KM_UI_LAYOUT_H
#define KM_UI_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

/* Cells taken by s. */
int km_layout_width(const char *s);
/* km_layout_width, and in *clean whether every character of s is shown as it is (none
 * that km_layout_trunc would replace): then a cell of s is s padded. */
int km_layout_width_clean(const char *s, bool *clean);

/*
 * Chooses the columns that fit in width cells with gap cells between
 * columns. want[i] is column i's full width; column 0 (the name) may shrink
 * down to name_min (or its want, if smaller). Columns are dropped from the
 * right until the rest fits, column keep (the sort column; -1 for none)
 * only when nothing else is left to drop; then column 0 takes the space
 * left, up to its want. Writes the widths to w[] (-1 for a dropped column)
 * and returns how many columns are kept (0 when n is 0 or width < 1;
 * column 0 alone, cut to width, when nothing else fits).
 */
int km_layout_fit(const int *want, int n, int name_min, int keep, int width, int gap, int *w);

/*
 * km_layout_fit with priorities: prio[i] is column i's (enum km_prio, the
 * higher the longer it stays); the lowest are dropped first, the rightmost
 * of equals first, so that NULL (all equal) drops from the right.
 */
int km_layout_fit_prio(const int *want, const signed char *prio, int n, int name_min, int keep,
                       int width, int gap, int *w);

/*
 * Writes s cut to at most width cells into out (n bytes), characters that
 * cannot be shown replaced. A cut string ends with "…" when utf8, else "~".
 * Returns the cells written.
 */
int km_layout_trunc(char *out, size_t n, const char *s, int width, bool utf8);

/*
 * Writes s into exactly width cells: padded with blanks on the right (left
 * aligned) or left (right aligned), cut with an ellipsis when too long.
 */
void km_layout_cell(char *out, size_t n, const char *s, int width, bool right, bool utf8);

/*
 * Word wrap: the byte length of the first line of s that fits in width
 * cells, breaking after a blank where possible (words longer than width are
 * cut). *next gets the offset where the following line starts (blanks at the
 * break skipped). Returns 0 with *next = 0 for an empty string.
 */
size_t km_layout_wrap(const char *s, int width, size_t *next);

/*
 * The first row to show so that row sel of n stays visible in a window of
 * rows lines, moving top as little as possible from its current value and
 * never leaving blank lines at the end while rows are hidden above.
 */
size_t km_layout_scroll(size_t sel, size_t top, size_t n, int rows);

#endif
