/*
 * scr.h - state shared by the screen's two halves, screen.c (the loop, keys,
 * signals, sampling) and draw.c (everything painted). Private to them.
 * Lines collected from callbacks (struct scr_lines) own their text.
 *
 * Screen layer (libkmscreen.a): on top of the render layer, with ncursesw.
 */
#ifndef KM_UI_SCR_H
#define KM_UI_SCR_H

#include "rc.h"
#include "screen.h"

#include <stdbool.h>
#include <stddef.h>

enum scr_mode { SM_TABLE, SM_HELP, SM_DETAILS, SM_PICKER, SM_SETUP };

#define SCR_LINES_MAX 1024 /* screen lines the mouse maps to rows (taller screens: the first) */

/* Where the last paint put what a click can hit (draw.c writes it, the mouse reads it). */
struct scr_geom {
    int tab_y;                     /* the tab bar's line; -1: none drawn */
    int tab_x[KM_VIEWS_MAX + 1];   /* tab v spans tab_x[v] .. tab_x[v + 1] - 1 */
    int ntabs;
    int hdr_y;                     /* the column header's line; -1: none */
    int ncols;
    int col_x[KM_RC_COLS_MAX + 1]; /* column i spans col_x[i] .. col_x[i] + col_w[i] */
    int col_w[KM_RC_COLS_MAX + 1];
    int col_k[KM_RC_COLS_MAX + 1]; /* its index in the view's table */
    long row[SCR_LINES_MAX];       /* the visible row (vis index) on each line; -1: none */
};
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
    unsigned long epoch; /* counts the measures: the cell texts below hold for one */
    /* the table lines measured (struct scr_cells' window): the widths are of those rows */
    size_t top, nb, nbody, npin;
    /*
     * Per column of the view: the widest it was since the widths were last made anew (-1:
     * every cell absent so far). Columns grow, as top's do, and narrow again only on a new
     * size, filter or state of the view (valid = false).
     */
    int *seen;
    size_t seen_n;
    int cols; /* COLS when seen was made */
};

/*
 * The text of the table's cells as measured (made safe, draw.c's defuse) for the rows the
 * table shows, so that a paint formats each cell once: measure() fills it as it takes the
 * column widths, the rows drawn read it, and so do the paints that follow while the widths
 * hold (one epoch of struct scr_widths). Bounded: a slot per table line (body rows by their
 * visible index modulo the lines, then the pinned rows), each cell at most a cell's bytes.
 */
struct scr_cell {
    unsigned off; /* into the slot's text */
    int width;    /* cells on screen; -1: not formatted yet */
    bool plain;   /* every character shown as it is: laid out by padding alone */
};
struct scr_cells {
    unsigned long epoch; /* of the widths it was filled for */
    size_t top, nb;      /* body slots: visible rows top .. top + nb - 1 (v % nb) */
    size_t nbody, npin;  /* pinned slots: visible rows nbody .. nbody + npin - 1 */
    int ncols;           /* the view's columns: cells per slot */
    size_t nslot;
    size_t *tag;         /* the row (index into vm->rows) each slot holds; SIZE_MAX: none */
    struct scr_cell *cell; /* nslot * ncols */
    char **text;         /* per slot: its cells' text, NUL after each */
    size_t *len, *cap;
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
    struct scr_cells cells[KM_VIEWS_MAX];   /* per view: the shown cells' text (draw.c) */
    /* --- settings (ui/setup.c), mouse (ui/mouse.c) --- */
    struct km_rc rc;        /* the settings in force: read at start, edited by the setup screen */
    char rc_path[4096];     /* where W saves them; "" when there is no such path */
    int setup_item;         /* the setup screen's cursor */
    int setup_view;         /* the view whose sort and columns it edits */
    /* its list of columns while it is open: every one after the name, in order, shown or not */
    int setup_n, setup_idx[KM_RC_COLS_MAX];
    bool setup_on[KM_RC_COLS_MAX];
    bool mouse;             /* mouse reporting is on */
    struct scr_geom geom;
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
/* draw.c's painting helpers, for the setup screen (setup.c) */
int scr_put(int y, int x, int attr, const char *text, int w, bool utf8);
void scr_fill(int y, int attr);
int scr_hi(const struct scr *s);  /* selection, active tab, sort column */
int scr_hdr(const struct scr *s); /* the column header's bar */

/* setup.c: the settings (kmemtoprc) and the setup screen (F2) */
/* Before curses: reads the file unless --no-config and applies it under the options; a
 * bad line is printed on stderr and its first said in msg (for the status line). */
void scr_rc_start(struct scr *s, char *msg, size_t n);
/* Whether column k of view v is shown (the name column always is). */
bool scr_col_chosen(const struct scr *s, int v, int k);
/* The column order of view v: the indexes shown after the name into out (at most max). */
int scr_col_order(const struct scr *s, int v, int *out, int max);
void scr_setup_open(struct scr *s);
void scr_setup_draw(struct scr *s, int y, int h);
/* A key on the setup screen: a message in msg (may stay ""); returns 1 to quit kmemtop. */
int scr_setup_key(struct scr *s, int ch, char *msg, size_t n);
/* Saves the settings in force (W): 0, or -1; says which in msg. */
int scr_rc_save(struct scr *s, char *msg, size_t n);

/* mouse.c */
void scr_mouse_set(struct scr *s, bool on);
enum scr_click_what { SC_NONE, SC_TAB, SC_SORT, SC_ROW, SC_WHEEL_UP, SC_WHEEL_DOWN };
struct scr_click {
    enum scr_click_what what;
    long arg; /* the tab's view, the column's index, the row's (vis index; setup: item) */
};
/* After KEY_MOUSE: what the event hit (SC_NONE: nothing, or the mouse is off). */
struct scr_click scr_mouse_read(const struct scr *s);

/* The details overlay's row, or NULL when it has gone from the sample. */
const struct km_row *scr_details_row(const struct scr *s);

#endif
