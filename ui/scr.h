/*
 * scr.h - state shared by the screen's two halves, screen.c (the loop, keys,
 * signals, sampling) and draw.c (everything painted). Private to them.
 * Lines collected from callbacks (struct scr_lines) own their text.
 *
 * Screen layer (libkmscreen.a): on top of the render layer, with ncursesw.
 */
#ifndef KM_UI_SCR_H
#define KM_UI_SCR_H

#include "screen.h"

#include <stdbool.h>
#include <stddef.h>

enum scr_mode { SM_TABLE, SM_HELP, SM_DETAILS, SM_PICKER };
enum scr_prompt { SP_NONE, SP_SEARCH, SP_FILTER, SP_DELAY, SP_BRANCH };

/*
 * The table's measured columns, kept while what they depend on stays: the
 * view model, the sample (and its sequence number), the visible rows, the
 * buddy order, the locale's UTF-8, the filter and the sort column. Owns idx
 * and want. A column whose every cell is absent ('-') is not among them.
 */
struct scr_widths {
    bool valid;
    const struct km_vm *vm;
    const struct km_sample *sample;
    unsigned seq;
    size_t nvis;
    bool utf8;
    char filter[128];
    int sort_col;    /* kept even when all its cells are absent */
    bool quiet;      /* vm->hide_quiet */
    int n;           /* columns shown */
    int *idx, *want; /* column indexes shown, their wanted widths in cells */
    size_t cap;
};

struct scr {
    struct km_app *a;
    int view;               /* enum km_view_id: the active tab */
    enum scr_mode mode;
    enum scr_prompt prompt;
    char input[128];        /* text being typed at the prompt */
    bool input_fresh; /* the prompt shows the current value: the first key typed replaces it */
    bool nomatch;           /* the search being typed matches no row */
    bool paused;
    bool color;             /* colour pairs are in use */
    bool series_end;        /* a series of trees has no tree left */
    bool replay;            /* a recording or a series of trees: the replay keys (t, T, b, r) act */
    double next_tick;       /* km_now() seconds */
    char status[256];       /* a message on the status line */
    int status_attr;        /* enum km_attr */
    double status_until;    /* km_now() seconds; 0 = until replaced */
    size_t over_top;        /* first line shown of the help or details overlay */
    int pick;               /* column under the picker's cursor */
    int table_rows;         /* table rows on screen, for PgUp/PgDn */
    int hscroll[KM_VIEWS_MAX]; /* per view: columns scrolled off to the left, after the name */
    bool h_more;            /* the last table drawn left columns out at its right */
    bool h_wide;            /* ... or at its left: Left/Right scroll, the hint bar says so */
    int over_rows;          /* overlay lines on screen */
    char details_id[128];   /* the row the details overlay is about */
    struct scr_widths widths[KM_VIEWS_MAX]; /* per view; valid = false when a view's state changed */
};

struct scr_line {
    int attr;
    char *text;
};
struct scr_lines {
    struct scr_line *v;
    size_t n, cap;
};
/* A km_line_fn that appends to a struct scr_lines. */
void scr_lines_add(void *lines, int attr, const char *text);
void scr_lines_free(struct scr_lines *l);

/* draw.c */
void scr_colors_init(struct scr *s);
/* curses attributes for an enum km_attr (colour or monochrome). */
int scr_attr(const struct scr *s, int km_attr);
void scr_draw(struct scr *s);
/* Frees what scr_draw keeps between paints. */
void scr_draw_free(struct scr *s);
/* The details overlay's row, or NULL when it has gone from the sample. */
const struct km_row *scr_details_row(const struct scr *s);

#endif
