/*
 * keys.h - the screen's keys, declared once. The screen dispatches through
 * this table, the help screen and the hint bar are drawn from it, and a test
 * checks that every name in it appears in the help text and the man page.
 * The table holds the keys every view has; the tab keys (1..N) come from
 * the view registry (views.h) and each view's own keys from its
 * km_view_def (keys, key). The table is static data; nothing here allocates. km_key_read reads keys
 * from curses so that an escape sequence terminfo does not know never acts
 * as several keys.
 *
 * Screen layer (libkmscreen.a): on top of the render layer, with ncursesw.
 */
#ifndef KM_UI_KEYS_H
#define KM_UI_KEYS_H

#include "views.h"

#include <stdbool.h>
#include <stddef.h>

enum km_action {
    KA_NONE,
    KA_VIEW,       /* 1..N: the key's digit picks the view of the registry */
    KA_TAB_NEXT,
    KA_TAB_PREV,
    KA_UP,
    KA_DOWN,
    KA_PGUP,
    KA_PGDN,
    KA_HOME,
    KA_END,
    KA_HSCROLL,
    KA_SORT_LEFT,
    KA_SORT_RIGHT,
    KA_REVERSE,
    KA_SORT_PICK,
    KA_SEARCH,
    KA_SEARCH_NEXT,
    KA_SEARCH_PREV,
    KA_FILTER,
    KA_CLEAR,
    KA_QUIET,
    KA_REFRESH,
    KA_PAUSE,
    KA_DELAY,
    KA_DETAILS,
    KA_HELP,
    KA_REDRAW,
    KA_SETUP,
    KA_SAVE,
    KA_QUIT,
};

#define KM_KEY_MAX 10

struct km_key {
    enum km_action action;
    int group;                       /* enum km_key_group (view.h) */
    int codes[KM_KEY_MAX];           /* curses key codes, 0 ends the list */
    const char *names[KM_KEY_MAX];   /* as help and man page write them; NULL ends (KA_VIEW: see km_key_name) */
    const char *desc;                /* help text (KA_VIEW: see km_key_desc) */
    const char *hint;                /* hint bar label, NULL: not in the hint bar */
    int hint_rank;                   /* hint bar order (lower first, dropped last) */
};

extern const struct km_key km_keys[];
extern const size_t km_nkeys;
extern const char *const km_key_group_title[KG_N];

/* The entry bound to curses key code (on every view), or NULL. */
const struct km_key *km_key_find(int code);
/* The key of view d's own bound to code, or NULL. */
const struct km_view_key *km_view_key_find(const struct km_view_def *d, int code);
/* k's j-th name into out (KA_VIEW: "1".."N"); false when k has no j-th name. */
bool km_key_name(const struct km_key *k, int j, char *out, size_t n);
/* k's help text (KA_VIEW: "show the Modules, Nodes, Buddy or Slabs view" from the registry). */
const char *km_key_desc(const struct km_key *k, char *buf, size_t n);

/*
 * The curses key code for the escape sequence seq (the bytes after ESC,
 * e.g. "[1~" or "OH") that terminfo may not know: Home or End; 0 for any
 * other sequence.
 */
int km_key_escape(const char *seq);

/*
 * The next key from curses (getch under the caller's timeout): a curses key
 * code, ERR when none came, ESC for a lone Esc, or 0 for an unknown escape
 * sequence, read whole (ESC '[' or 'O', then up to its final byte) and
 * swallowed. Leaves the timeout at 0 when it read past an ESC.
 */
int km_key_read(void);

#endif
