/*
 * setup.c - the screen's settings: the kmemtoprc read at start (ui/rc.c
 * parses it) and applied under the command line, and the setup screen (F2,
 * as htop's): the default tab, delay, colours, mouse, and per view the sort
 * and the columns shown, in their order. W saves what is in force.
 */
#include "keys.h"
#include "scr.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define ESC 27

/* ---- the settings file -------------------------------------------------------------------- */

struct rc_errs {
    const char *path;
    int n;
    char first[300];
};

static void on_bad_line(void *arg, int line, const char *msg)
{
    struct rc_errs *e = arg;
    fprintf(stderr, "kmemtop: %s:%d: %s (line skipped)\n", e->path, line, msg);
    if (e->n++ == 0)
        snprintf(e->first, sizeof(e->first), "line %d: %s", line, msg);
}

void scr_rc_start(struct scr *s, char *msg, size_t n)
{
    struct km_app *a = s->a;
    km_rc_init(&s->rc);
    msg[0] = '\0';
    if (km_rc_path(s->rc_path, sizeof(s->rc_path)) < 0)
        s->rc_path[0] = '\0';
    if (!a->o.no_config && s->rc_path[0]) {
        struct rc_errs e = {.path = s->rc_path};
        char m[600];
        int rc = km_rc_load(s->rc_path, &s->rc, on_bad_line, &e, m, sizeof(m));
        if (rc < 0) {
            fprintf(stderr, "kmemtop: %s: settings not read\n", m);
            snprintf(msg, n, "%s: settings not read", m);
            km_rc_init(&s->rc);
        } else if (e.n) {
            snprintf(msg, n, "%s: %s (skipped%s)", s->rc_path, e.first,
                     e.n > 1 ? "; more bad lines on stderr" : "");
        }
    }
    /* under the command line: -d, --view, -C, -M, -s win */
    if (!a->o.delay_given && !isnan(s->rc.delay))
        a->o.delay = s->rc.delay;
    if (s->rc.color == 0)
        a->o.no_color = true;
    s->mouse = !a->o.no_mouse && s->rc.mouse != 0;
    for (int v = 0; km_views[v]; v++) {
        struct km_vm *vm = &a->vms[v];
        if (s->rc.v[v].sort >= 0)
            vm->sort_col = s->rc.v[v].sort;
        if (s->rc.v[v].reverse >= 0)
            vm->reverse = s->rc.v[v].reverse;
    }
    char m[256];
    if (a->o.sort)
        km_app_apply_sort(a, a->o.sort, m, sizeof(m)); /* checked by km_app_init */
}

bool scr_col_chosen(const struct scr *s, int v, int k)
{
    const struct km_rc_view *w = &s->rc.v[v];
    if (k == 0 || w->ncols < 0)
        return true;
    for (int i = 0; i < w->ncols; i++)
        if (w->cols[i] == k)
            return true;
    return false;
}

int scr_col_order(const struct scr *s, int v, int *out, int max)
{
    const struct km_rc_view *w = &s->rc.v[v];
    int n = 0, nc = km_view_screen_cols(km_views[v]);
    if (w->ncols >= 0) {
        for (int i = 0; i < w->ncols && n < max; i++)
            out[n++] = w->cols[i];
        return n;
    }
    for (int k = 1; k < nc && n < max; k++)
        out[n++] = k;
    return n;
}

int scr_rc_save(struct scr *s, char *msg, size_t n)
{
    struct km_app *a = s->a;
    if (!s->rc_path[0]) {
        snprintf(msg, n, "Nowhere to save: neither XDG_CONFIG_HOME nor HOME is set");
        return -1;
    }
    struct km_rc out = s->rc;
    out.delay = a->o.delay;
    for (int v = 0; km_views[v]; v++) { /* a view's own default sort needs no line */
        const struct km_vm *vm = &a->vms[v];
        bool own = vm->sort_col != km_views[v]->default_sort || vm->reverse;
        out.v[v].sort = own || out.v[v].sort >= 0 ? vm->sort_col : -1;
        out.v[v].reverse = own || out.v[v].reverse >= 0 ? vm->reverse : -1;
    }
    char m[600];
    if (km_rc_save(s->rc_path, &out, m, sizeof(m)) < 0) {
        snprintf(msg, n, "Settings not saved: %s", m);
        return -1;
    }
    snprintf(msg, n, "Settings saved to %s", s->rc_path);
    return 0;
}

/* ---- the setup screen --------------------------------------------------------------------- */

enum { IT_TAB, IT_DELAY, IT_COLOR, IT_MOUSE, IT_SORT, IT_REVERSE, IT_COLS };

/* Every screen column of view v after the name: the chosen in order, then the others. */
static int all_cols(const struct scr *s, int v, int *idx, bool *on)
{
    int n = scr_col_order(s, v, idx, KM_RC_COLS_MAX);
    for (int i = 0; i < n; i++)
        on[i] = true;
    int nc = km_view_screen_cols(km_views[v]);
    for (int k = 1; k < nc && n < KM_RC_COLS_MAX; k++)
        if (!scr_col_chosen(s, v, k)) {
            idx[n] = k;
            on[n++] = false;
        }
    return n;
}

static void set_cols(struct scr *s, int v, const int *idx, const bool *on, int n)
{
    struct km_rc_view *w = &s->rc.v[v];
    w->ncols = 0;
    for (int i = 0; i < n; i++)
        if (on[i])
            w->cols[w->ncols++] = idx[i];
    s->widths[v].valid = false;
}

static int nitems(const struct scr *s)
{
    return IT_COLS + s->setup_n;
}

/* The list of setup_view's columns, as the settings have them. */
static void list_load(struct scr *s)
{
    s->setup_n = all_cols(s, s->setup_view, s->setup_idx, s->setup_on);
}

void scr_setup_open(struct scr *s)
{
    s->mode = SM_SETUP;
    s->setup_view = s->view;
    s->setup_item = 0;
    list_load(s);
}

static const double steps[] = {0.1, 0.2, 0.5, 1, 2, 3, 5, 10, 15, 30, 60};

static double step_delay(double d, int dir)
{
    int ns = (int)(sizeof(steps) / sizeof(steps[0]));
    if (dir > 0) {
        for (int i = 0; i < ns; i++)
            if (steps[i] > d + 1e-9)
                return steps[i];
        return d;
    }
    for (int i = ns - 1; i >= 0; i--)
        if (steps[i] < d - 1e-9)
            return steps[i];
    return d;
}

/* The next sortable screen column of vm after (dir 1) or before the sort column, wrapping. */
static int next_sort(const struct km_vm *vm, int dir)
{
    int nc = km_view_screen_cols(vm->def);
    for (int i = 1, k = vm->sort_col; i <= nc; i++) {
        k = (k + dir + nc) % nc;
        if (km_col_sortable(&vm->def->cols[k]))
            return k;
    }
    return vm->sort_col;
}

static void item_text(struct scr *s, int it, char *out, size_t n)
{
    struct km_app *a = s->a;
    const struct km_view_def *d = km_views[s->setup_view];
    const struct km_vm *vm = &a->vms[s->setup_view];
    char tb[64];
    switch (it) {
    case IT_TAB:
        snprintf(out, n, "  Default tab     %s", s->rc.tab >= 0 ? km_views[s->rc.tab]->title
                                                                : "(the first with data)");
        return;
    case IT_DELAY:
        snprintf(out, n, "  Delay           %gs", a->o.delay);
        return;
    case IT_COLOR:
        snprintf(out, n, "  Colours         %s", s->color ? "on" : a->o.no_color ? "off" : "off (the terminal has none)");
        return;
    case IT_MOUSE:
        snprintf(out, n, "  Mouse           %s", s->mouse ? "on" : "off");
        return;
    case IT_SORT:
        snprintf(out, n, "  Sort (%s)%*s%s", d->title, 9 - (int)strlen(d->title) > 0 ? 9 - (int)strlen(d->title) : 1, "",
                 km_col_title(d, &a->ctx, vm->sort_col, tb, sizeof(tb)));
        return;
    case IT_REVERSE:
        snprintf(out, n, "  Order           %s", km_vm_desc(vm) ? "largest first" : "smallest first");
        return;
    }
    int k = s->setup_idx[it - IT_COLS];
    snprintf(out, n, "  [%c] %-12s %s", s->setup_on[it - IT_COLS] ? 'x' : ' ',
             km_col_title(d, &a->ctx, k, tb, sizeof(tb)), d->cols[k].help ? d->cols[k].help : "");
}

void scr_setup_draw(struct scr *s, int y, int h)
{
    bool utf8 = s->a->ctx.utf8;
    char t[600];
    snprintf(t, sizeof(t), "Setup: W saves to %s", s->rc_path[0] ? s->rc_path : "(no path: HOME unset)");
    scr_put(y, 0, scr_hdr(s), t, COLS, utf8);
    int n = nitems(s), row = 1;
    /* the cursor's line stays on screen */
    int first = s->setup_item >= h - 3 ? s->setup_item - (h - 4) : 0;
    for (int it = first; it < n && row < h; it++) {
        if (it == IT_COLS) {
            snprintf(t, sizeof(t), "Columns of %s (the name column comes first; Tab: another view)",
                     km_views[s->setup_view]->title);
            scr_put(y + row++, 0, (int)A_BOLD, t, COLS, utf8);
            if (row >= h)
                break;
        }
        item_text(s, it, t, sizeof(t));
        bool cur = it == s->setup_item;
        if (cur)
            scr_fill(y + row, scr_hi(s));
        if (y + row < SCR_LINES_MAX)
            s->geom.row[y + row] = it; /* the mouse selects items too */
        scr_put(y + row++, 0, cur ? scr_hi(s) : (int)A_NORMAL, t, COLS, utf8);
    }
}

static void change(struct scr *s, int dir, char *msg, size_t n)
{
    struct km_app *a = s->a;
    struct km_vm *vm = &a->vms[s->setup_view];
    int nv = km_nviews();
    switch (s->setup_item) {
    case IT_TAB:
        s->rc.tab = (s->rc.tab + 1 + dir + nv + 1) % (nv + 1) - 1; /* -1: not set */
        return;
    case IT_DELAY:
        a->o.delay = step_delay(a->o.delay, dir);
        s->next_tick = km_now() + a->o.delay;
        return;
    case IT_COLOR:
        a->o.no_color = s->color;
        s->rc.color = !a->o.no_color;
        scr_colors_init(s);
        if (!a->o.no_color && !s->color)
            snprintf(msg, n, "This terminal has no colours");
        return;
    case IT_MOUSE:
        scr_mouse_set(s, !s->mouse);
        s->rc.mouse = s->mouse;
        return;
    case IT_SORT:
        km_vm_set_sort(vm, next_sort(vm, dir), &a->ctx);
        vm->top = 0;
        return;
    case IT_REVERSE:
        vm->reverse = !vm->reverse;
        km_vm_refresh(vm, &a->ctx);
        vm->top = 0;
        return;
    }
}

/* Space on a column: shown or not; [ and ] (- and +): the column moves up or down. */
static void col_key(struct scr *s, int ch)
{
    int *idx = s->setup_idx, nc = s->setup_n, i = s->setup_item - IT_COLS;
    bool *on = s->setup_on;
    if (i < 0 || i >= nc)
        return;
    if (ch == ' ') { /* the list keeps its order: the next Space is for the next column */
        on[i] = !on[i];
        set_cols(s, s->setup_view, idx, on, nc);
        return;
    }
    int j = i + (ch == ']' || ch == '+' ? 1 : -1);
    if (j < 0 || j >= nc)
        return;
    bool to = on[j];
    on[j] = on[i];
    on[i] = to;
    int t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
    set_cols(s, s->setup_view, idx, on, nc);
    s->setup_item = IT_COLS + j;
}

int scr_setup_key(struct scr *s, int ch, char *msg, size_t n)
{
    int ni = nitems(s), nv = km_nviews();
    msg[0] = '\0';
    if (ch == KEY_UP || ch == 'k')
        s->setup_item = s->setup_item > 0 ? s->setup_item - 1 : 0;
    else if (ch == KEY_DOWN || ch == 'j')
        s->setup_item = s->setup_item + 1 < ni ? s->setup_item + 1 : ni - 1;
    else if (ch == KEY_HOME)
        s->setup_item = 0;
    else if (ch == KEY_END)
        s->setup_item = ni - 1;
    else if (ch == KEY_LEFT || ch == KEY_RIGHT)
        change(s, ch == KEY_RIGHT ? 1 : -1, msg, n);
    else if (ch == ' ' || ch == '[' || ch == ']' || ch == '-' || ch == '+') {
        if (s->setup_item >= IT_COLS)
            col_key(s, ch);
        else if (ch == ' ')
            change(s, 1, msg, n);
    } else if (ch == '\t' || ch == KEY_BTAB) {
        s->setup_view = (s->setup_view + (ch == '\t' ? 1 : nv - 1)) % nv;
        list_load(s);
        if (s->setup_item >= nitems(s))
            s->setup_item = nitems(s) - 1;
    } else if (ch == 'W')
        scr_rc_save(s, msg, n);
    else if (ch == ESC || ch == 'q' || ch == KEY_F(2) || ch == '\n' || ch == '\r' || ch == KEY_ENTER)
        s->mode = SM_TABLE;
    else if (ch == KEY_F(10))
        return 1;
    return 0;
}
