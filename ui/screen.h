/*
 * screen.h - the interactive ncurses screen over the four views.
 * km_screen_run owns the terminal from start to end and restores it on
 * every way out (quit keys, SIGINT, SIGTERM, SIGHUP, fatal errors, whose
 * message is printed after the terminal is restored). Returns the process
 * exit status: 0 after a quit, 1 after a fatal error, 128 + the signal
 * number after SIGTERM or SIGHUP.
 *
 * Screen layer (libkmscreen.a): on top of the render layer, with ncursesw.
 */
#ifndef KM_UI_SCREEN_H
#define KM_UI_SCREEN_H

#include "app.h"

int km_screen_run(struct km_app *a);

/*
 * The lines of the details overlay that Enter opens on row r of vm (one
 * call of line per line; attr is an enum km_attr). Owned by ui/details.c so
 * that a view can give its own details (a module's vmalloc areas); the
 * default lists every column of the row.
 */
void km_screen_details(const struct km_vm *vm, const struct km_vctx *c, const struct km_row *r,
                       km_line_fn line, void *arg);

#endif
