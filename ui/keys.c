/* keys.c - the key table and the reading of keys. See keys.h. */
#include "keys.h"
#include "views.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define CTRL(c) ((c) & 0x1f)
#define ESC 27

const char *const km_key_group_title[KG_N] = {
    [KG_VIEWS] = "Views",
    [KG_MOVE] = "Moving",
    [KG_SORT] = "Sorting",
    [KG_FIND] = "Search and filter",
    [KG_SAMPLING] = "Sampling",
    [KG_OTHER] = "Other",
};

const struct km_key km_keys[] = {
    {KA_VIEW, KG_VIEWS, {0}, {NULL}, NULL, NULL, 0}, /* 1..N, from the registry */
    {KA_TAB_NEXT, KG_VIEWS, {'\t'}, {"Tab"}, "next view", "Next", 60},
    {KA_TAB_PREV, KG_VIEWS, {KEY_BTAB}, {"Shift-Tab"}, "previous view", NULL, 0},

    {KA_UP, KG_MOVE, {KEY_UP, 'k'}, {"Up", "k"}, "select the row above", NULL, 0},
    {KA_DOWN, KG_MOVE, {KEY_DOWN, 'j'}, {"Down", "j"}, "select the row below", NULL, 0},
    {KA_PGUP, KG_MOVE, {KEY_PPAGE}, {"PgUp"}, "one page up", NULL, 0},
    {KA_PGDN, KG_MOVE, {KEY_NPAGE}, {"PgDn"}, "one page down", NULL, 0},
    {KA_HOME, KG_MOVE, {KEY_HOME}, {"Home"}, "first row", NULL, 0},
    {KA_END, KG_MOVE, {KEY_END}, {"End"}, "last row", NULL, 0},
    /* in the hint bar only while the table is wider than the screen */
    {KA_HSCROLL, KG_MOVE, {KEY_LEFT, KEY_RIGHT}, {"Left", "Right"},
     "scroll the columns sideways when the table is wider than the screen (the name column "
     "stays)",
     "Columns", 25},
    {KA_DETAILS, KG_MOVE, {'\n', '\r', KEY_ENTER}, {"Enter"},
     "details of the selected row (a module's memory); Esc goes back", "Details", 80},

    {KA_SORT_LEFT, KG_SORT, {'<'}, {"<"}, "sort by the column to the left", NULL, 0},
    {KA_SORT_RIGHT, KG_SORT, {'>'}, {">"}, "sort by the column to the right", NULL, 0},
    {KA_REVERSE, KG_SORT, {'R', 'I'}, {"R", "I"}, "reverse the sort order", NULL, 0},
    {KA_SORT_PICK, KG_SORT, {KEY_F(6)}, {"F6"}, "pick the sort column from a list",
     "SortBy", 40},

    {KA_SEARCH, KG_FIND, {'/'}, {"/"},
     "search names as you type; the selection jumps to the first match", "Search", 20},
    {KA_SEARCH_NEXT, KG_FIND, {KEY_F(3)}, {"F3"}, "next match", NULL, 0},
    {KA_SEARCH_PREV, KG_FIND, {KEY_F(15)}, {"Shift-F3"}, "previous match", NULL, 0},
    {KA_FILTER, KG_FIND, {'\\', KEY_F(4)}, {"\\", "F4"},
     "show only rows whose name contains the text (no case; a|b: either)", "Filter", 30},
    {KA_CLEAR, KG_FIND, {ESC}, {"Esc"}, "clear the search and the filter", NULL, 0},
    {KA_QUIET, KG_FIND, {'z'}, {"z"},
     "show or hide the rows that say nothing: empty zones (Nodes), all-zero migrate types "
     "(Buddy)",
     NULL, 0},

    {KA_REFRESH, KG_SAMPLING, {' '}, {"Space"}, "sample now", NULL, 0},
    {KA_PAUSE, KG_SAMPLING, {'Z'}, {"Z"}, "pause or resume sampling", "Pause", 50},
    {KA_DELAY, KG_SAMPLING, {'d'}, {"d"}, "set the delay between samples, in seconds",
     "Delay", 70},

    {KA_HELP, KG_OTHER, {'h', '?', KEY_F(1)}, {"h", "?", "F1"}, "this help", "Help", 10},
    {KA_REDRAW, KG_OTHER, {CTRL('l')}, {"Ctrl-L"}, "redraw the screen", NULL, 0},
    {KA_SETUP, KG_OTHER, {KEY_F(2)}, {"F2"},
     "setup: the default tab, delay, colours, mouse, and each view's sort and columns "
     "(shown or not, their order)",
     "Setup", 45},
    {KA_SAVE, KG_OTHER, {'W'}, {"W"},
     "save the settings in force (tab, delay, colours, mouse, sorts, columns) to the kmemtoprc",
     NULL, 0},
    {KA_QUIT, KG_OTHER, {'q', KEY_F(10), CTRL('c')}, {"q", "F10", "Ctrl-C"}, "quit", "Quit",
     5},
};

const size_t km_nkeys = sizeof(km_keys) / sizeof(km_keys[0]);

const struct km_key *km_key_find(int code)
{
    for (size_t i = 0; i < km_nkeys; i++) {
        const struct km_key *k = &km_keys[i];
        if (k->action == KA_VIEW && code >= '1' && code < '1' + km_nviews())
            return k;
        for (int j = 0; j < KM_KEY_MAX && k->codes[j]; j++)
            if (k->codes[j] == code)
                return k;
    }
    return NULL;
}

const struct km_view_key *km_view_key_find(const struct km_view_def *d, int code)
{
    for (const struct km_view_key *k = d->keys; k && k->chars; k++)
        if (code > 0 && code < 128 && strchr(k->chars, code))
            return k;
    return NULL;
}

bool km_key_name(const struct km_key *k, int j, char *out, size_t n)
{
    if (k->action == KA_VIEW) {
        if (j >= km_nviews())
            return false;
        snprintf(out, n, "%d", j + 1);
        return true;
    }
    if (j >= KM_KEY_MAX || !k->names[j])
        return false;
    snprintf(out, n, "%s", k->names[j]);
    return true;
}

/* "Modules, Nodes, Buddy or Slabs" */
static void view_titles(char *out, size_t n)
{
    size_t pos = 0;
    int nv = km_nviews();
    out[0] = '\0';
    for (int i = 0; i < nv && pos < n; i++)
        pos += (size_t)snprintf(out + pos, n - pos, "%s%s", i == 0 ? "" : i + 1 == nv ? " or " : ", ",
                                km_views[i]->title);
}

const char *km_key_desc(const struct km_key *k, char *buf, size_t n)
{
    if (k->action != KA_VIEW)
        return k->desc;
    char titles[256];
    view_titles(titles, sizeof(titles));
    snprintf(buf, n, "show the %s view", titles);
    return buf;
}

/* Sequences terminfo may lack for the terminal in use (tmux, rxvt, xterm modes). */
static const struct {
    const char *seq;
    int code;
} escapes[] = {
    {"[1~", KEY_HOME}, {"[7~", KEY_HOME}, {"[H", KEY_HOME}, {"OH", KEY_HOME},
    {"[4~", KEY_END},  {"[8~", KEY_END},  {"[F", KEY_END},  {"OF", KEY_END},
};

int km_key_escape(const char *seq)
{
    for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++)
        if (strcmp(seq, escapes[i].seq) == 0)
            return escapes[i].code;
    return 0;
}

int km_key_read(void)
{
    int ch = getch();
    if (ch != ESC)
        return ch;
    timeout(0); /* what follows at once is part of a sequence */
    int c = getch();
    if (c == ERR)
        return ESC;
    if (c != '[' && c != 'O') {
        ungetch(c);
        return ESC;
    }
    char seq[32];
    size_t n = 0;
    seq[n++] = (char)c;
    /* parameter and intermediate bytes up to the final byte (0x40-0x7e) */
    while ((c = getch()) != ERR) {
        if (c < 0x20 || c > 0x7e) {
            ungetch(c);
            break;
        }
        if (n + 1 < sizeof(seq))
            seq[n++] = (char)c;
        if (c >= 0x40)
            break;
    }
    seq[n] = '\0';
    return km_key_escape(seq);
}
