/*
 * rc.h - the screen's saved settings, $XDG_CONFIG_HOME/kmemtop/kmemtoprc
 * (default ~/.config/kmemtop/kmemtoprc): a text file of "name = value"
 * lines, as doc/kmemtop.1 (FILES) describes it.
 *
 *   # comment                  blank lines and lines starting with # are skipped
 *   tab = nodes                the tab the screen opens on
 *   delay = 2                  seconds between samples (0.05 to 86400)
 *   color = yes                colours (no: as -C)
 *   mouse = yes                mouse clicks and wheel (no: as -M)
 *   sort.slabs = footprint     a view's sort column (its --sort key)
 *   reverse.slabs = no         against the column's natural direction
 *   columns.modules = size static overhead dynamic total method
 *                              the columns shown after the name, in this order
 *
 * km_rc_parse is a pure function over a buffer: a line it cannot use is
 * reported (line number and why) and skipped, the rest applies. Reading and
 * writing the file are km_rc_load and km_rc_save: never through a symlink,
 * never blocking, bounded.
 *
 * Render layer (libkmrender.a): no curses.
 */
#ifndef KM_UI_RC_H
#define KM_UI_RC_H

#include "views.h"

#include <stdbool.h>
#include <stddef.h>

#define KM_RC_COLS_MAX 64          /* columns a view may list */
#define KM_RC_FILE_MAX (64 * 1024) /* a larger file is refused whole */
#define KM_RC_LINE_MAX 1024        /* a longer line is a bad line */

struct km_rc_view {
    int sort;    /* column index; -1: not set */
    int reverse; /* -1: not set, 0, 1 */
    int ncols;   /* -1: not set (every column, in table order) */
    int cols[KM_RC_COLS_MAX]; /* column indexes shown after the name, in order */
};

struct km_rc {
    int tab;      /* view index; -1: not set */
    double delay; /* seconds; NAN: not set */
    int color;    /* -1: not set, 0, 1 */
    int mouse;    /* -1: not set, 0, 1 */
    struct km_rc_view v[KM_VIEWS_MAX]; /* parallel to km_views[] */
};

/* A bad line: its number (from 1) and what is wrong with it. */
typedef void (*km_rc_err_fn)(void *arg, int line, const char *msg);

/* Everything "not set". */
void km_rc_init(struct km_rc *rc);

/*
 * Parses a config file's text into rc (settings it holds overwrite rc's; a
 * later line wins). Every bad line goes to err (may be NULL) and is skipped.
 * Returns the number of bad lines.
 */
int km_rc_parse(const char *buf, size_t len, struct km_rc *rc, km_rc_err_fn err, void *arg);

/*
 * Writes rc as a config file (the settings that are set, with comments)
 * into out; returns its length, or -1 when n is too small.
 */
int km_rc_format(const struct km_rc *rc, char *out, size_t n);

/*
 * The file's path: $XDG_CONFIG_HOME/kmemtop/kmemtoprc when that is an
 * absolute path, else $HOME/.config/kmemtop/kmemtoprc. -1 when neither is
 * set (or the path does not fit).
 */
int km_rc_path(char *out, size_t n);

/*
 * Reads and parses the file. 0: read (bad lines went to err), 1: there is
 * no such file, -1: it cannot be used (not a regular file, too large,
 * unreadable), with msg.
 */
int km_rc_load(const char *path, struct km_rc *rc, km_rc_err_fn err, void *arg, char *msg,
               size_t n);

/*
 * Writes rc to path: the directory is made (0700) when missing and must be
 * owned by the effective user; the text goes to a new file in it
 * (O_EXCL|O_NOFOLLOW, 0600), which is then renamed over path, so that a
 * symlink at path is replaced, never written through. 0, or -1 with msg.
 */
int km_rc_save(const char *path, const struct km_rc *rc, char *msg, size_t n);

#endif
