/*
 * screen.c - the interactive screen's loop: sampling at the chosen delay,
 * keys answered at once (getch waits at most until the next tick; keys typed
 * meanwhile are all answered before one paint), prompts
 * for search, filter and delay, signals, and restoring the terminal on every
 * way out. Painting is in draw.c; the keys are declared in keys.c.
 */
#include "fmt.h"
#include "keys.h"
#include "when.h"
#include "scr.h"
#include "tty.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ESC 27
#define STATUS_SECS 4.0
/*
 * The longest wait for a key: the loop wakes when a tick or a status message's end is due,
 * not before, as top does. A signal ends the wait at once (poll returns EINTR and getch
 * ERR: the handlers have no SA_RESTART), and so does a resize (KEY_RESIZE).
 */
#define MAX_WAIT_MS 10000

/* Handlers only record the signal; the loop acts on it. */
static volatile sig_atomic_t got_signal;
static bool curses_on;

static void on_signal(int sig)
{
    got_signal = sig;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* For exit() paths that do not come back through the loop. */
static void restore_terminal(void)
{
    if (curses_on && !isendwin())
        endwin();
    curses_on = false;
    km_tty_disarm();
}

struct loop {
    struct scr s;
    bool quit;
    bool dirty;        /* the screen needs painting */
    bool want_tick;    /* sample now (Space) */
    bool want_resample; /* sample the tree shown again for a new tab */
    bool want_branch;   /* b's prompt was answered: branch to its time */
    enum km_action want_replay; /* a replay key was pressed: the loop acts on it */
};

static void set_status(struct loop *l, int attr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_status(struct loop *l, int attr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->s.status, sizeof(l->s.status), fmt, ap);
    va_end(ap);
    l->s.status_attr = attr;
    l->s.status_until = km_now() + STATUS_SECS;
    l->dirty = true;
}

static struct km_vm *vm_of(struct loop *l)
{
    return &l->s.a->vms[l->s.view];
}

static void invalidate_widths(struct scr *s);

/*
 * Samples the active view's sources. resample: show the tree being shown
 * again (a series must not advance because a tab changed). Returns 0 or
 * km_app_tick's error with msg.
 */
static int do_tick(struct loop *l, bool resample, char *msg, size_t n)
{
    struct scr *s = &l->s;
    struct km_app *a = s->a;
    bool vis[KM_VIEWS_MAX] = {false};
    vis[s->view] = true;
    bool series = a->roots.n > 1;
    int rc;
    if (resample && series && a->tree > 0) {
        /* the tree shown again, with the rates of its own interval (the tree before it first) */
        bool end = s->series_end;
        rc = km_app_seek(a, km_app_shown(a), vis, msg, n);
        s->series_end = end;
        invalidate_widths(s);
        l->dirty = true;
        return rc == 1 ? 0 : rc;
    } else if (s->series_end) {
        return 0;
    }
    rc = km_app_tick(a, vis, msg, n);
    if (rc == 1) {
        rc = 0;
        s->series_end = true;
    }
    if (rc == 0 && series && a->tree >= a->roots.n && !s->series_end) {
        s->series_end = true;
        set_status(l, KM_ATTR_WARN, "End of the series: the last of its %zu trees stays shown",
                   a->roots.n);
    }
    l->dirty = true;
    return rc;
}

static void invalidate_widths(struct scr *s)
{
    for (int v = 0; v < KM_VIEWS_MAX; v++)
        s->widths[v].valid = false; /* a new sampler: its samples may sit where the old ones did */
}

/* Replay: shows tick i (its rates: tick i - 1 against it) and says where it is. */
static int replay_go(struct loop *l, size_t i, char *msg, size_t n)
{
    struct scr *s = &l->s;
    struct km_app *a = s->a;
    bool vis[KM_VIEWS_MAX] = {false};
    vis[s->view] = true;
    int rc = km_app_seek(a, i, vis, msg, n);
    if (rc == 1)
        rc = 0;
    s->series_end = a->tree >= a->roots.n;
    s->paused = true; /* stepping by hand: the ticks stay until t, or Z plays them */
    invalidate_widths(s);
    l->dirty = true;
    return rc;
}

static void switch_view(struct loop *l, int v)
{
    if (v == l->s.view)
        return;
    l->s.view = v;
    l->want_resample = true;
}

static void move_sel(struct loop *l, long delta, bool absolute)
{
    struct km_vm *vm = vm_of(l);
    if (vm->nvis == 0)
        return;
    long to = absolute ? delta : (long)vm->sel + delta;
    if (to < 0)
        to = 0;
    km_vm_select(vm, (size_t)to);
}

/*
 * After the order changed: the first rows (the largest) on screen. The
 * selected row stays selected when it is among them, else the first is.
 */
static void after_sort(struct loop *l)
{
    struct km_vm *vm = vm_of(l);
    vm->top = 0;
    if (vm->nvis > 0 && vm->sel >= (size_t)(l->s.table_rows > 0 ? l->s.table_rows : 1))
        km_vm_select(vm, 0);
}

/* Moves the sort to the next sortable column shown, to the right (dir 1) or left. */
static void move_sort(struct loop *l, int dir)
{
    struct km_vm *vm = vm_of(l);
    const struct km_view_def *d = vm->def;
    for (int k = vm->sort_col + dir; k >= 0 && k < d->ncols; k += dir)
        if (km_col_sortable(&d->cols[k]) && km_col_on_screen(d, &l->s.a->ctx, k)) {
            km_vm_set_sort(vm, k, &l->s.a->ctx);
            after_sort(l);
            return;
        }
}

static void sort_letter(struct loop *l, int ch)
{
    struct km_vm *vm = vm_of(l);
    int col = km_vm_find_letter(vm, (char)ch);
    if (col < 0 || !km_col_sortable(&vm->def->cols[col])) {
        set_status(l, KM_ATTR_WARN, "No column of this view sorts by '%c'", ch);
        return;
    }
    km_vm_set_sort(vm, col, &l->s.a->ctx);
    after_sort(l);
}

/* A key of the shown view's own: a slabtop letter sorts, any other goes to the view. */
static void view_key(struct loop *l, const struct km_view_key *k, int ch)
{
    struct km_vm *vm = vm_of(l);
    struct km_app *a = l->s.a;
    if (k->sort_letter) {
        sort_letter(l, ch);
        return;
    }
    if (!vm->def->key && !vm->def->vm_key)
        return;
    char msg[sizeof(l->s.status)] = "";
    if (vm->def->vm_key ? vm->def->vm_key(vm, &a->ctx, ch, msg, sizeof(msg))
                        : vm->def->key(km_view_state(&a->ctx, vm->def), &a->ctx, ch, msg,
                                       sizeof(msg))) {
        km_vm_build(vm, &a->ctx); /* the state may change the rows (nodes: all zones) */
        l->s.widths[l->s.view].valid = false; /* cells may read the state */
    }
    if (msg[0])
        set_status(l, KM_ATTR_NORMAL, "%s", msg);
    l->dirty = true;
}

static void search_step(struct loop *l, int dir)
{
    struct km_vm *vm = vm_of(l);
    if (!vm->search[0])
        set_status(l, KM_ATTR_WARN, "Nothing to search for: press / first");
    else if (!km_vm_search_next(vm, dir, false))
        set_status(l, KM_ATTR_WARN, "No match for \"%s\"", vm->search);
}

static void clear_find(struct loop *l)
{
    struct km_vm *vm = vm_of(l);
    bool had = vm->search[0] || vm->filter[0];
    vm->search[0] = '\0';
    vm->filter[0] = '\0';
    km_vm_refresh(vm, &l->s.a->ctx);
    if (had)
        set_status(l, KM_ATTR_NORMAL, "Search and filter cleared");
}

/* z: quiet rows hidden or shown, in every view at once (as numastat -z) */
static void set_baseline(struct loop *l)
{
    struct km_app *a = l->s.a;
    char msg[160];
    km_app_set_baseline(a, msg, sizeof(msg));
    if (a->ctx.s)
        km_vm_refresh(vm_of(l), &a->ctx);
    l->s.widths[l->s.view].valid = false;
    set_status(l, KM_ATTR_NORMAL, "%s", msg);
}

static void toggle_quiet(struct loop *l)
{
    struct km_app *a = l->s.a;
    bool hide = !vm_of(l)->hide_quiet;
    for (int v = 0; km_views[v]; v++) /* the others are built again when shown */
        a->vms[v].hide_quiet = hide;
    if (a->ctx.s)
        km_vm_refresh(vm_of(l), &a->ctx);
    l->s.widths[l->s.view].valid = false;
    set_status(l, KM_ATTR_NORMAL, "%s", hide ? "Rows that say nothing hidden (z shows them)"
                                            : "Every row shown (z hides the quiet ones)");
}

static void open_prompt(struct loop *l, enum scr_prompt p)
{
    struct scr *s = &l->s;
    s->prompt = p;
    s->input[0] = '\0';
    s->nomatch = false;
    if (p == SP_FILTER)
        snprintf(s->input, sizeof(s->input), "%s", vm_of(l)->filter);
    else if (p == SP_DELAY)
        snprintf(s->input, sizeof(s->input), "%g", s->a->o.delay);
    s->input_fresh = p == SP_DELAY; /* as top's d: what is typed replaces the shown value */
    s->status[0] = '\0';
}

static void act_view(struct loop *l, enum km_action act, int ch)
{
    switch (act) {
    case KA_VIEW:
        switch_view(l, ch - '1');
        break;
    case KA_TAB_NEXT:
        switch_view(l, (l->s.view + 1) % km_nviews());
        break;
    case KA_TAB_PREV:
        switch_view(l, (l->s.view + km_nviews() - 1) % km_nviews());
        break;
    case KA_UP:
        move_sel(l, -1, false);
        break;
    case KA_DOWN:
        move_sel(l, 1, false);
        break;
    case KA_PGUP:
        move_sel(l, -l->s.table_rows, false);
        break;
    case KA_PGDN:
        move_sel(l, l->s.table_rows, false);
        break;
    case KA_HOME:
        move_sel(l, 0, true);
        break;
    case KA_END:
        move_sel(l, (long)vm_of(l)->nvis - 1, true);
        break;
    case KA_HSCROLL: /* draw_table clamps and says whether there is more */
        if (ch == KEY_RIGHT && l->s.h_more)
            l->s.hscroll[l->s.view]++;
        else if (ch == KEY_LEFT && l->s.hscroll[l->s.view] > 0)
            l->s.hscroll[l->s.view]--;
        break;
    default:
        break;
    }
}

static void act_sort(struct loop *l, enum km_action act, int ch)
{
    struct km_vm *vm = vm_of(l);
    switch (act) {
    case KA_SORT_LEFT:
        move_sort(l, -1);
        break;
    case KA_SORT_RIGHT:
        move_sort(l, 1);
        break;
    case KA_REVERSE:
        vm->reverse = !vm->reverse;
        km_vm_refresh(vm, &l->s.a->ctx);
        after_sort(l);
        break;
    case KA_SORT_PICK:
        l->s.mode = SM_PICKER;
        l->s.pick = vm->sort_col;
        break;
    default:
        break;
    }
}

static void act_other(struct loop *l, enum km_action act)
{
    struct scr *s = &l->s;
    switch (act) {
    case KA_SEARCH:
        open_prompt(l, SP_SEARCH);
        break;
    case KA_SEARCH_NEXT:
    case KA_SEARCH_PREV:
        search_step(l, act == KA_SEARCH_NEXT ? 1 : -1);
        break;
    case KA_FILTER:
        open_prompt(l, SP_FILTER);
        break;
    case KA_CLEAR:
        clear_find(l);
        break;
    case KA_QUIET:
        toggle_quiet(l);
        break;
    case KA_REFRESH:
        l->want_tick = true;
        if (s->series_end)
            set_status(l, KM_ATTR_WARN, "End of the series: no tree left to show");
        break;
    case KA_PAUSE:
        s->paused = !s->paused;
        s->next_tick = km_now();
        break;
    case KA_DELAY:
        open_prompt(l, SP_DELAY);
        break;
    case KA_BASELINE:
        set_baseline(l);
        break;
    case KA_DETAILS: {
        const struct km_row *r = km_vm_row(vm_of(l), vm_of(l)->sel);
        if (r) {
            snprintf(s->details_id, sizeof(s->details_id), "%s", r->id);
            s->mode = SM_DETAILS;
            s->over_top = 0;
        }
        break;
    }
    case KA_HELP:
        s->mode = SM_HELP;
        s->over_top = 0;
        break;
    case KA_REDRAW:
        clearok(curscr, TRUE);
        break;
    case KA_SETUP:
        scr_setup_open(s);
        break;
    case KA_SAVE: {
        char m[sizeof(s->status)];
        int rc = scr_rc_save(s, m, sizeof(m));
        set_status(l, rc ? KM_ATTR_BAD : KM_ATTR_NORMAL, "%s", m);
        break;
    }
    case KA_QUIT:
        l->quit = true;
        break;
    default:
        break;
    }
}

/* t, T, b, r: the replay keys. */
static int act_replay(struct loop *l, enum km_action act, char *msg, size_t n)
{
    struct scr *s = &l->s;
    struct km_app *a = s->a;
    size_t shown = km_app_shown(a), last = a->roots.n - 1;
    switch (act) {
    case KA_TICK_NEXT:
        if (shown >= last) {
            set_status(l, KM_ATTR_WARN, "Tick %zu is the last", shown + 1);
            s->paused = true;
            return 0;
        }
        return replay_go(l, shown + 1, msg, n);
    case KA_TICK_PREV:
        if (shown <= a->first) {
            set_status(l, KM_ATTR_WARN, "Tick %zu is the first", shown + 1);
            s->paused = true;
            return 0;
        }
        return replay_go(l, shown - 1, msg, n);
    case KA_REWIND:
        set_status(l, KM_ATTR_NORMAL, "Rewound to the first tick");
        return replay_go(l, a->first, msg, n);
    case KA_BRANCH:
        open_prompt(l, SP_BRANCH);
        return 0;
    default:
        return 0;
    }
}

/* b's prompt done: the first tick at or after the time typed. */
static int branch(struct loop *l, char *msg, size_t n)
{
    struct scr *s = &l->s;
    struct km_app *a = s->a;
    const struct km_roots *r = &a->roots;
    double ref = r->trees[km_app_shown(a)].wall, t;
    char why[200];
    if (ref <= 0) {
        set_status(l, KM_ATTR_BAD, "This series has no capture times: b cannot branch");
        return 0;
    }
    if (!km_when_time(s->input, ref, &t, why, sizeof(why))) {
        set_status(l, KM_ATTR_BAD, "%s", why);
        return 0;
    }
    size_t i = a->first;
    while (i < r->n && r->trees[i].wall < t - 1e-6)
        i++;
    char when[32];
    km_when_format(t, when, sizeof(when));
    if (i >= r->n) {
        char lastw[32];
        km_when_format(r->trees[r->n - 1].wall, lastw, sizeof(lastw));
        set_status(l, KM_ATTR_WARN, "No tick at or after %s (the last is at %s)", when, lastw);
        return 0;
    }
    set_status(l, KM_ATTR_NORMAL, "Branched to tick %zu, the first at or after %s", i + 1, when);
    return replay_go(l, i, msg, n);
}

static void set_delay(struct loop *l)
{
    char *end;
    double v = strtod(l->s.input, &end);
    while (*end == ' ')
        end++;
    if (end == l->s.input || *end || isnan(v) || v < 0.05 || v > 86400) {
        set_status(l, KM_ATTR_BAD, "Not a delay: \"%s\" (seconds, 0.05 to 86400); still %gs",
                   l->s.input, l->s.a->o.delay);
        return;
    }
    l->s.a->o.delay = v;
    l->s.next_tick = km_now() + v;
    set_status(l, KM_ATTR_NORMAL, "Delay set to %gs", v);
}

/* The prompt's text changed: search and filter follow it as it is typed. */
static void prompt_changed(struct loop *l)
{
    struct scr *s = &l->s;
    struct km_vm *vm = vm_of(l);
    if (s->prompt == SP_SEARCH) {
        snprintf(vm->search, sizeof(vm->search), "%s", s->input);
        s->nomatch = vm->search[0] && !km_vm_search_next(vm, 1, true);
    } else if (s->prompt == SP_FILTER) {
        snprintf(vm->filter, sizeof(vm->filter), "%s", s->input);
        km_vm_refresh(vm, &s->a->ctx);
    }
}

static void prompt_done(struct loop *l, bool cancel)
{
    struct scr *s = &l->s;
    enum scr_prompt p = s->prompt;
    s->prompt = SP_NONE;
    if (cancel && p != SP_DELAY && p != SP_BRANCH) {
        s->input[0] = '\0';
        s->prompt = p;
        prompt_changed(l);
        s->prompt = SP_NONE;
    } else if (!cancel && p == SP_DELAY) {
        set_delay(l);
    } else if (!cancel && p == SP_BRANCH) {
        l->want_branch = true; /* the loop seeks: it may fail with a message that ends it */
    }
}

static void prompt_key(struct loop *l, int ch)
{
    struct scr *s = &l->s;
    size_t len = strlen(s->input);
    if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
        prompt_done(l, false);
        return;
    }
    if (ch == ESC) {
        prompt_done(l, true);
        return;
    }
    if (s->prompt == SP_SEARCH && (ch == KEY_F(3) || ch == KEY_F(15))) {
        search_step(l, ch == KEY_F(3) ? 1 : -1);
        return;
    }
    bool fresh = s->input_fresh;
    s->input_fresh = false;
    if (fresh && ch >= 32 && ch < 127)
        s->input[0] = '\0', len = 0; /* typing replaces the value shown; Backspace edits it */
    if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len > 0)
        s->input[len - 1] = '\0';
    else if (ch == ('u' & 0x1f))
        s->input[0] = '\0';
    else if (ch >= 32 && ch < 127 && len + 1 < sizeof(s->input)) {
        s->input[len] = (char)ch;
        s->input[len + 1] = '\0';
    } else
        return;
    s->status[0] = '\0';
    prompt_changed(l);
}

/* Keys of the help and details overlays. */
static void overlay_key(struct loop *l, int ch)
{
    struct scr *s = &l->s;
    long page = s->over_rows > 1 ? s->over_rows - 1 : 1, top = (long)s->over_top;
    if (ch == KEY_UP || ch == 'k')
        top--;
    else if (ch == KEY_DOWN || ch == 'j' || ch == ' ')
        top++;
    else if (ch == KEY_PPAGE)
        top -= page;
    else if (ch == KEY_NPAGE)
        top += page;
    else if (ch == KEY_HOME)
        top = 0;
    else if (ch == KEY_END)
        top = 1L << 30; /* draw_overlay clamps */
    else if (ch == KEY_F(10))
        l->quit = true;
    else if (ch == ESC || ch == 'q' || ch == 'h' || ch == '?' || ch == KEY_F(1) || ch == '\n' ||
             ch == '\r' || ch == KEY_ENTER || ch == KEY_LEFT)
        s->mode = SM_TABLE;
    s->over_top = top < 0 ? 0 : (size_t)top;
}

static void picker_key(struct loop *l, int ch)
{
    struct scr *s = &l->s;
    struct km_vm *vm = vm_of(l);
    int n = km_view_screen_cols(vm->def);
    if (ch == KEY_UP || ch == 'k')
        s->pick = s->pick > 0 ? s->pick - 1 : 0;
    else if (ch == KEY_DOWN || ch == 'j')
        s->pick = s->pick + 1 < n ? s->pick + 1 : n - 1;
    else if (ch == KEY_HOME)
        s->pick = 0;
    else if (ch == KEY_END)
        s->pick = n - 1;
    else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
        if (!km_col_sortable(&vm->def->cols[s->pick])) {
            set_status(l, KM_ATTR_WARN, "%s cannot be sorted", vm->def->cols[s->pick].title);
            return;
        }
        km_vm_set_sort(vm, s->pick, &s->a->ctx);
        after_sort(l);
        s->mode = SM_TABLE;
    } else if (ch == ESC || ch == 'q' || ch == KEY_F(6))
        s->mode = SM_TABLE;
    else if (ch == KEY_F(10))
        l->quit = true;
}

/* KEY_MOUSE: a tab, a column title, a row, or the wheel (ui/mouse.c says which). */
static void mouse_key(struct loop *l)
{
    struct scr *s = &l->s;
    struct km_vm *vm = vm_of(l);
    struct scr_click c = scr_mouse_read(s);
    int wheel = c.what == SC_WHEEL_UP ? -3 : c.what == SC_WHEEL_DOWN ? 3 : 0;
    if (s->prompt != SP_NONE || s->mode == SM_PICKER)
        return; /* what is typed there is about this view */
    if (s->mode == SM_HELP || s->mode == SM_DETAILS) {
        long top = (long)s->over_top + wheel;
        s->over_top = top < 0 ? 0 : (size_t)top;
        return;
    }
    if (s->mode == SM_SETUP) {
        if (c.what == SC_ROW)
            s->setup_item = (int)c.arg;
        return;
    }
    if (c.what == SC_TAB)
        switch_view(l, (int)c.arg);
    else if (c.what == SC_SORT && km_col_sortable(&vm->def->cols[c.arg])) {
        if (c.arg == vm->sort_col) { /* again: the other way */
            vm->reverse = !vm->reverse;
            km_vm_refresh(vm, &s->a->ctx);
        } else
            km_vm_set_sort(vm, (int)c.arg, &s->a->ctx);
        after_sort(l);
    } else if (c.what == SC_SORT)
        set_status(l, KM_ATTR_WARN, "%s cannot be sorted", vm->def->cols[c.arg].title);
    else if (c.what == SC_ROW)
        km_vm_select(vm, (size_t)c.arg);
    else if (wheel)
        move_sel(l, wheel, false);
}

static void on_key(struct loop *l, int ch)
{
    struct scr *s = &l->s;
    l->dirty = true;
    if (ch == KEY_RESIZE)
        return;
    if (ch == KEY_MOUSE) {
        mouse_key(l);
        return;
    }
    if (s->prompt != SP_NONE) {
        prompt_key(l, ch);
        return;
    }
    s->status[0] = '\0'; /* a message lasts a few seconds or until the next key */
    if (s->mode == SM_HELP || s->mode == SM_DETAILS) {
        overlay_key(l, ch);
        return;
    }
    if (s->mode == SM_PICKER) {
        picker_key(l, ch);
        return;
    }
    if (s->mode == SM_SETUP) {
        char m[sizeof(s->status)];
        l->quit = scr_setup_key(s, ch, m, sizeof(m)) == 1;
        if (m[0])
            set_status(l, KM_ATTR_NORMAL, "%s", m);
        return;
    }
    const struct km_key *rk = s->replay ? km_replay_key_find(ch) : NULL;
    if (rk) { /* wins over a view's own key of the same code */
        l->want_replay = rk->action;
        return;
    }
    const struct km_key *k = km_key_find(ch);
    const struct km_view_key *vk = k ? NULL : km_view_key_find(km_views[s->view], ch);
    if (vk) {
        view_key(l, vk, ch);
        return;
    }
    if (!k) {
        if (ch >= 32 && ch < 127)
            set_status(l, KM_ATTR_WARN, "Unknown key '%c': press h for help", ch);
        return;
    }
    if (k->group == KG_VIEWS || k->group == KG_MOVE) {
        if (k->action == KA_DETAILS)
            act_other(l, k->action);
        else
            act_view(l, k->action, ch);
    } else if (k->group == KG_SORT)
        act_sort(l, k->action, ch);
    else
        act_other(l, k->action);
}

static int start_curses(struct scr *s, SCREEN **term)
{
    const char *t = getenv("TERM");
    if (!t || !*t)
        return -1; /* said by the caller; newterm would fail the same way (and leak) */
    km_tty_save(fileno(stdout)); /* the modes from before curses, for a fatal signal */
    *term = newterm(NULL, stdout, stdin);
    if (!*term)
        return -1;
    /* a terminal that cannot place the cursor (TERM=dumb, a printing terminal) draws nothing usable */
    const char *cup = tigetstr("cup");
    if (!cup || cup == (const char *)-1) {
        endwin();
        delscreen(*term);
        *term = NULL;
        return -1;
    }
    /*
     * Out of curses and back once before the first paint: until a screen has been resumed,
     * ncurses (6.4) flushes its output at every cursor move, as it must for a program that
     * only uses terminfo, so a paint went out as a write() for each line that changed
     * (about 12 a tick on the Slabs tab, against 2 after). Nothing is shown yet; the
     * modes below are set after it (a resume sets the typeahead check again).
     */
    endwin();
    refresh();
    curses_on = true;
    atexit(restore_terminal);
    km_set_fatal_hook(restore_terminal);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    /*
     * No typeahead check while a paint is written: ncurses would otherwise flush its output
     * and poll the keyboard before each changed line, a write() of a few bytes per cell
     * (about 190 a frame on the Slabs tab, each a system call and a wake-up of the
     * terminal), where one paint is one write of what changed. A key is read after the
     * paint, as it would be anyway: a frame is milliseconds.
     */
    typeahead(-1);
    curs_set(0);
    scr_colors_init(s);
    km_tty_arm();
    return 0;
}

/* How long getch may wait: until the next tick or the end of the status message. */
static int wait_ms(const struct loop *l)
{
    if (l->want_tick || l->want_resample || l->want_replay || l->want_branch)
        return 0;
    double now = km_now();
    double ms = l->s.paused || l->s.series_end ? MAX_WAIT_MS : (l->s.next_tick - now) * 1000.0;
    if (l->s.status[0] && l->s.status_until > 0 && (l->s.status_until - now) * 1000.0 < ms)
        ms = (l->s.status_until - now) * 1000.0 + 1; /* just past it */
    if (ms < 0)
        ms = 0;
    return ms > MAX_WAIT_MS ? MAX_WAIT_MS : (int)ms;
}

/*
 * No key came: whether that is because the terminal has gone (a setsid child
 * of a closed pane gets no SIGHUP, only end of input or EIO, at once and
 * forever). A byte that was in fact waiting goes back to curses.
 */
static bool input_gone(char *msg, size_t n)
{
    int byte;
    if (km_tty_gone(STDIN_FILENO, &byte, msg, n))
        return true;
    if (byte >= 0)
        ungetch(byte);
    return false;
}

/* One pass: sample when due, paint when needed, answer the keys typed. */
static int step(struct loop *l, char *msg, size_t n)
{
    struct scr *s = &l->s;
    double now = km_now();
    if (l->want_replay || l->want_branch) {
        int rc = l->want_branch ? branch(l, msg, n) : act_replay(l, l->want_replay, msg, n);
        l->want_replay = KA_NONE;
        l->want_branch = false;
        if (rc)
            return rc;
        s->next_tick = now + s->a->o.delay;
    }
    if (l->want_resample || l->want_tick || (!s->paused && now >= s->next_tick)) {
        int rc = do_tick(l, l->want_resample, msg, n);
        l->want_resample = l->want_tick = false;
        if (rc)
            return rc;
        s->next_tick = now + s->a->o.delay;
    }
    if (s->status[0] && s->status_until > 0 && now >= s->status_until) {
        s->status[0] = '\0';
        l->dirty = true;
    }
    if (l->dirty) {
        scr_draw(s);
        l->dirty = false;
    }
    timeout(wait_ms(l));
    /* every key already typed before the next paint; a tab change samples first */
    for (int ch = km_key_read();; ch = km_key_read()) {
        if (ch == ERR && input_gone(msg, n))
            return -1;
        if (ch == ERR)
            break;
        if (ch)
            on_key(l, ch);
        if (l->quit || l->want_resample || l->want_tick || l->want_replay || l->want_branch ||
            got_signal)
            break;
        timeout(0);
    }
    return 0;
}

int km_screen_run(struct km_app *a)
{
    struct loop l;
    memset(&l, 0, sizeof(l));
    l.s.a = a;
    char rcmsg[sizeof(l.s.status)];
    scr_rc_start(&l.s, rcmsg, sizeof(rcmsg)); /* the kmemtoprc, under the options */
    l.s.view = a->o.view_given ? a->o.first_view : l.s.rc.tab >= 0 ? l.s.rc.tab : 0;
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C"); /* the delay prompt and %.1f cells always use a dot */
    a->ctx.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    install_signals();
    SCREEN *term;
    if (start_curses(&l.s, &term) < 0) {
        fprintf(stderr, "kmemtop: cannot drive this terminal (TERM=%s); -b prints text frames\n",
                getenv("TERM") ? getenv("TERM") : "");
        return 1;
    }
    scr_mouse_set(&l.s, l.s.mouse);
    if (rcmsg[0])
        set_status(&l, KM_ATTR_WARN, "%s", rcmsg);
    char msg[512] = "";
    l.s.replay = a->roots.n > 1;
    l.s.paused = a->o.replay != NULL; /* a recording waits for t (Z plays it), as atop -r */
    int rc;
    if (a->tree > 0) /* --from: its first tick with the rates of its recorded interval */
        rc = replay_go(&l, a->tree, msg, sizeof(msg));
    else
        rc = do_tick(&l, false, msg, sizeof(msg));
    l.s.paused = a->o.replay != NULL;
    /*
     * Without --view, the first tab that has data: not an empty Modules tab on
     * a kernel without module support (its file is not there at all).
     */
    for (int v = l.s.view + 1; rc == 0 && !a->o.view_given && l.s.rc.tab < 0 && v < km_nviews() &&
                               a->ctx.s->src[km_views[l.s.view]->main_src].status == KM_ST_MISSING;
         v++) {
        l.s.view = v;
        rc = do_tick(&l, true, msg, sizeof(msg));
    }
    l.s.next_tick = km_now() + a->o.delay;
    while (rc == 0 && !l.quit && !got_signal)
        rc = step(&l, msg, sizeof(msg));
    restore_terminal();
    km_set_fatal_hook(NULL);
    scr_draw_free(&l.s);
    delscreen(term);
    if (rc) {
        char safe[1024];
        km_sanitize(safe, sizeof(safe), msg); /* it may quote a stranger's names */
        fprintf(stderr, "kmemtop: %s\n", safe);
        return 1;
    }
    if (got_signal == SIGTERM || got_signal == SIGHUP)
        return 128 + got_signal;
    return 0;
}
