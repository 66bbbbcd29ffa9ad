/*
 * screen.h - the interactive ncurses screen over the four views.
 * km_screen_run owns the terminal from start to end and restores it on
 * every way out. Returns the process exit status.
 */
#ifndef KM_UI_SCREEN_H
#define KM_UI_SCREEN_H

#include "app.h"

int km_screen_run(struct km_app *a);

#endif
