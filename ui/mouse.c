/*
 * mouse.c - the mouse, as htop's: what a click or the wheel hit on the last
 * paint (struct scr_geom, written by draw.c). screen.c acts on it: a tab
 * switches to its view, a column title sorts by the column (again: the other
 * way), a row is selected, the wheel scrolls. -M, --no-mouse and "mouse = no"
 * in the kmemtoprc leave the terminal's own mouse alone (selecting text).
 */
#include "scr.h"

#include <curses.h>

void scr_mouse_set(struct scr *s, bool on)
{
    /*
     * Presses rather than clicks: a click is a press and a release within
     * mouseinterval, which would delay every press; 0 turns that off.
     */
    mmask_t want = on ? BUTTON1_PRESSED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
                            | BUTTON5_PRESSED
#endif
                      : 0;
    mousemask(want, NULL);
    mouseinterval(0);
    s->mouse = on;
}

struct scr_click scr_mouse_read(const struct scr *s)
{
    struct scr_click c = {SC_NONE, 0};
    MEVENT ev;
    if (!s->mouse || getmouse(&ev) != OK)
        return c;
    if (ev.bstate & BUTTON4_PRESSED)
        return (struct scr_click){SC_WHEEL_UP, 0};
#ifdef BUTTON5_PRESSED
    if (ev.bstate & BUTTON5_PRESSED)
        return (struct scr_click){SC_WHEEL_DOWN, 0};
#endif
    if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
        return c;
    const struct scr_geom *g = &s->geom;
    if (ev.y == g->tab_y) {
        for (int v = 0; v < g->ntabs; v++)
            if (ev.x >= g->tab_x[v] && ev.x < g->tab_x[v + 1])
                return (struct scr_click){SC_TAB, v};
        return c;
    }
    if (ev.y == g->hdr_y) {
        for (int i = 0; i < g->ncols; i++) /* the blank after a title belongs to it */
            if (ev.x >= g->col_x[i] && ev.x <= g->col_x[i] + g->col_w[i])
                return (struct scr_click){SC_SORT, g->col_k[i]};
        return c;
    }
    if (ev.y >= 0 && ev.y < SCR_LINES_MAX && g->row[ev.y] >= 0)
        return (struct scr_click){SC_ROW, g->row[ev.y]};
    return c;
}
