/*
 * draw.c - paints the screen from the state in struct scr: summary, tab bar,
 * notes, the table (or why it cannot be shown), overlays, status line and
 * the key hint bar. Reads the view model; changes nothing but vm->top.
 */
#include "help.h"
#include "fmt.h"
#include "keys.h"
#include "layout.h"
#include "scr.h"
#include "hist.h"
#include "text.h"
#include "when.h"

#include <curses.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

enum { P_HDR = 1, P_CYAN, P_WARN, P_BAD, P_GOOD, P_STATUS };

#define CELL 1024 /* bytes: a replacement character takes 3 bytes for one cell */
/* curses attributes as int, so that they mix with colour pairs in ?: */
#define AT_NORMAL ((int)A_NORMAL)
#define AT_DIM ((int)A_DIM)
#define AT_BOLD ((int)A_BOLD)
#define NAME_MIN 12 /* the name column shrinks to this before columns are dropped */

void scr_colors_init(struct scr *s)
{
    s->color = false;
    if (s->a->o.no_color || !has_colors() || start_color() == ERR)
        return;
    use_default_colors();
    init_pair(P_HDR, COLOR_BLACK, COLOR_GREEN);
    init_pair(P_CYAN, COLOR_BLACK, COLOR_CYAN);
    init_pair(P_WARN, COLOR_YELLOW, -1);
    init_pair(P_BAD, COLOR_RED, -1);
    init_pair(P_GOOD, COLOR_GREEN, -1);
    init_pair(P_STATUS, COLOR_WHITE, COLOR_BLUE);
    s->color = true;
}

int scr_attr(const struct scr *s, int a)
{
    bool c = s->color;
    switch (a) {
    case KM_ATTR_DIM:
        return AT_DIM;
    case KM_ATTR_WARN:
        return c ? (int)(COLOR_PAIR(P_WARN) | AT_BOLD) : AT_BOLD;
    case KM_ATTR_BAD:
        return c ? (int)(COLOR_PAIR(P_BAD) | AT_BOLD) : (int)(AT_BOLD | A_UNDERLINE);
    case KM_ATTR_GOOD:
        return c ? (int)COLOR_PAIR(P_GOOD) : AT_NORMAL;
    case KM_ATTR_BOLD:
        return AT_BOLD;
    }
    return AT_NORMAL;
}

static int a_hdr(const struct scr *s)
{
    return s->color ? (int)COLOR_PAIR(P_HDR) : A_REVERSE;
}
static int a_hi(const struct scr *s) /* selection, active tab, sort column, hint labels */
{
    return s->color ? (int)COLOR_PAIR(P_CYAN) : (int)(A_REVERSE | AT_BOLD);
}

void scr_lines_add(void *arg, int attr, const char *text)
{
    struct scr_lines *l = arg;
    xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    l->v[l->n].attr = attr;
    l->v[l->n].text = xstrdup(text);
    l->n++;
}

void scr_lines_free(struct scr_lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].text);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/*
 * text with everything a terminal would act on replaced: control bytes,
 * invalid UTF-8, C1 and bidirectional controls (km_sanitize_rep). The layout
 * then measures what is shown.
 */
static void defuse(char *out, size_t n, const char *text, bool utf8)
{
    km_sanitize_rep(out, n, text, utf8 ? "\xEF\xBF\xBD" : "?");
}

/*
 * The screen is not erased before a paint (only on a resize, a change of tab
 * or mode, and Ctrl-L): every line is written over from the left, the gaps
 * between what is written are blanked and each line is cleared after its
 * last cell, so that ncurses sends only what changed and does less work.
 * row_end[y]: the column up to which row y has been written in this paint.
 */
static int *row_end;
static int row_lines, row_cols, last_view = -1, last_mode = -1;
/*
 * A table row that writes what it wrote on its line in the last paint is not written
 * again: ncurses would compare every cell of it to find that nothing changed. line_sig[y]:
 * what the row drawn on line y wrote, each cell's place, width, alignment, attribute and
 * text, compared byte for byte (len 0: none, or something else wrote on the line since);
 * line_end[y]: where that row ended. Forgotten at every erase.
 */
struct line_sig {
    char *b;
    size_t len, cap;
};
static struct line_sig *line_sig;
static size_t nline_sig;
static char *sig_buf; /* the row being drawn's */
static size_t sig_cap;
static int *line_end;
static unsigned char *line_kept; /* in this paint: line y's row was kept (no clear after) */
static bool row_drawing; /* draw_row is writing: its own writes keep its line's signature */
static unsigned long n_rows_kept; /* rows not written again, for KM_TEST_DRAW_LOG */
static unsigned long n_paints, n_erases; /* for KM_TEST_DRAW_LOG */
/*
 * Also for it: the cells formatted (km_text_cell for the table), and those formatted again
 * in the paint that had formatted them already (fmt_seen: a byte per visible row and
 * column of the view painted, kept only while KM_TEST_DRAW_LOG is set).
 */
static unsigned long n_formats, n_twice;
static unsigned char *fmt_seen;
static size_t fmt_seen_n;
static int draw_log = -1; /* KM_TEST_DRAW_LOG is set: 1; not: 0; not looked yet: -1 */

static bool draw_testing(void)
{
    if (draw_log < 0) {
        const char *log = getenv("KM_TEST_DRAW_LOG");
        draw_log = log && log[0];
    }
    return draw_log > 0;
}

/* Row y is written from x on: the gap since the last write blanked first. */
static void row_from(int y, int x)
{
    if (!row_drawing)
        line_sig[y].len = line_kept[y] = 0;
    if (row_end[y] < x) {
        attrset(AT_NORMAL);
        mvhline(y, row_end[y], ' ', x - row_end[y]);
    }
}

static void row_to(int y, int x)
{
    if (row_end[y] < x)
        row_end[y] = x < COLS ? x : COLS;
}

static void write_text(int y, int x, int attr, const char *text, int w, bool utf8);

/* Writes text at (y, x) cut to w cells (ellipsis when cut); returns cells written. */
static int put(int y, int x, int attr, const char *text, int w, bool utf8)
{
    if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
        return 0;
    if (x + w > COLS)
        w = COLS - x;
    char safe[4 * CELL], buf[CELL];
    defuse(safe, sizeof(safe), text, utf8);
    int n = km_layout_trunc(buf, sizeof(buf), safe, w, utf8);
    row_from(y, x);
    write_text(y, x, attr, buf, n, utf8);
    row_to(y, x + n);
    return n;
}

/*
 * The characters of a stretch that is not ASCII, made once per character and attribute:
 * a table repeats a few (a trend's eight blocks), and addstr takes each through the
 * multibyte decoder, the character's width and the cell's making again.
 */
struct wide_memo {
    wchar_t wc; /* 0: empty */
    int attr;
    cchar_t cc;
};
static struct wide_memo wide_memo[64];

/* The next character of valid UTF-8 (km_sanitize made it so) at p[*i], or -1. */
static long utf8_next(const unsigned char *p, int m, int *i)
{
    unsigned c = p[*i];
    int n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : -1;
    if (n < 0 || *i + n >= m)
        return -1;
    long wc = (long)(c & (0x3f >> n));
    for (int k = 1; k <= n; k++) {
        if ((p[*i + k] & 0xc0) != 0x80)
            return -1;
        wc = wc << 6 | (p[*i + k] & 0x3f);
    }
    *i += n + 1;
    return wc;
}

/*
 * Writes the UTF-8 stretch p[0..m) at (y, x) as characters one cell wide each, at most
 * room of them; returns the cells written, or -1 (nothing written) when one is not one
 * cell wide (a wide or combining character: addstr places those).
 */
static int put_wide(int y, int x, int attr, const unsigned char *p, int m, int room)
{
    cchar_t cc[4 * CELL];
    int n = 0;
    for (int i = 0; i < m;) {
        long wc = utf8_next(p, m, &i);
        if (wc <= 0 || n >= room || wc > WCHAR_MAX)
            return -1;
        struct wide_memo *e = &wide_memo[((unsigned long)wc ^ (unsigned long)attr * 31u) & 63];
        if (e->wc != (wchar_t)wc || e->attr != attr) {
            wchar_t one[2] = {(wchar_t)wc, L'\0'};
            if (wcwidth((wchar_t)wc) != 1 ||
                setcchar(&e->cc, one, (attr_t)attr & ~(attr_t)A_COLOR,
                         (short)PAIR_NUMBER(attr), NULL) != OK) {
                e->wc = 0;
                return -1;
            }
            e->wc = (wchar_t)wc;
            e->attr = attr;
        }
        cc[n++] = e->cc;
    }
    mvadd_wchnstr(y, x, cc, n);
    return n;
}

/*
 * Writes text, laid out to w cells already, at (y, x). ASCII (the most of a
 * table) goes in as characters with their attribute, copied into the line as
 * they are: addstr would take each byte through the multibyte decoder. The
 * stretches of other characters go in as put_wide makes them, or through addstr
 * (a wide or combining character), each from where the one before ended.
 */
static void write_text(int y, int x, int attr, const char *text, int w, bool utf8)
{
    chtype ch[4 * CELL];
    const unsigned char *p = (const unsigned char *)text;
    int cx = x, end = x + w;
    while (*p && cx < end) {
        int n = 0;
        while (p[n] && p[n] < 0x80 && n < end - cx) {
            ch[n] = (chtype)p[n] | (chtype)attr;
            n++;
        }
        if (n) {
            mvaddchnstr(y, cx, ch, n);
            cx += n;
            p += n;
            continue;
        }
        if (*p < 0x80)
            break; /* ASCII past the width: never, the text is w wide */
        int m = 0;
        while (p[m] >= 0x80 && m < 4 * CELL)
            m++;
        int nw = utf8 ? put_wide(y, cx, attr, p, m, end - cx) : -1;
        if (nw < 0) {
            attrset(attr);
            mvaddnstr(y, cx, (const char *)p, m);
            attrset(AT_NORMAL);
            nw = getcurx(stdscr) - cx; /* a combining mark alone stays where it is */
            if (nw < 0)
                break; /* wrapped: never, the layout keeps text within COLS */
        }
        cx += nw;
        p += m;
    }
}

/* A cell already laid out (km_layout_cell of defused text): w cells, written as it is. */
static void put_cell(int y, int x, int attr, const char *cell, int w, bool utf8)
{
    if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
        return;
    if (x + w > COLS) { /* never: km_layout_fit keeps the columns within COLS */
        put(y, x, attr, cell, w, utf8);
        return;
    }
    row_from(y, x);
    write_text(y, x, attr, cell, w, utf8);
    row_to(y, x + w);
}

static void put_line(int y, int x, int attr, chtype ch, int n)
{
    if (y < 0 || y >= LINES || n <= 0)
        return;
    row_from(y, x);
    attrset(attr);
    mvhline(y, x, ch, n);
    attrset(AT_NORMAL);
    row_to(y, x + n);
}

static void fill(int y, int attr)
{
    put_line(y, 0, attr, ' ', COLS);
}

/* Before a paint: erase only when the size, the tab or the mode changed. */
static void paint_begin(const struct scr *s)
{
    n_paints++;
    if (LINES != row_lines || COLS != row_cols || s->view != last_view ||
        (int)s->mode != last_mode) {
        erase();
        n_erases++;
        size_t nl = (size_t)(LINES > 0 ? LINES : 1);
        row_end = xrealloc(row_end, nl * sizeof(*row_end));
        line_end = xrealloc(line_end, nl * sizeof(*line_end));
        memset(line_end, 0, nl * sizeof(*line_end));
        for (size_t i = 0; i < nline_sig; i++)
            free(line_sig[i].b);
        free(line_sig);
        line_sig = xcalloc(nl, sizeof(*line_sig));
        nline_sig = nl;
        line_kept = xrealloc(line_kept, nl);
        row_lines = LINES;
        row_cols = COLS;
        last_view = s->view;
        last_mode = (int)s->mode;
    }
    for (int y = 0; y < LINES; y++)
        row_end[y] = 0;
    memset(line_kept, 0, (size_t)(LINES > 0 ? LINES : 1));
    if (fmt_seen)
        memset(fmt_seen, 0, fmt_seen_n);
}

/* After: what was not written over in each line is cleared. */
static void paint_end(void)
{
    attrset(AT_NORMAL);
    for (int y = 0; y < LINES; y++)
        if (row_end[y] < COLS && !line_kept[y]) {
            if (row_end[y] < line_end[y])
                line_sig[y].len = 0; /* what its row wrote is cleared: no longer on the line */
            move(y, row_end[y]);
            clrtoeol();
        }
}

int scr_put(int y, int x, int attr, const char *text, int w, bool utf8)
{
    return put(y, x, attr, text, w, utf8);
}
void scr_fill(int y, int attr)
{
    fill(y, attr);
}
int scr_hi(const struct scr *s)
{
    return a_hi(s);
}
int scr_hdr(const struct scr *s)
{
    return a_hdr(s);
}

static struct km_vm *cur_vm(const struct scr *s)
{
    return &s->a->vms[s->view];
}

static void draw_tabs(struct scr *s, int y)
{
    int x = 0, v;
    s->geom.tab_y = y;
    for (v = 0; km_views[v] && x < COLS; v++) {
        char t[32];
        bool on = v == s->view;
        snprintf(t, sizeof(t), "%c%d %s%c", on ? '[' : ' ', v + 1, km_views[v]->title,
                 on ? ']' : ' ');
        s->geom.tab_x[v] = x;
        x += put(y, x, on ? a_hi(s) : AT_NORMAL, t, COLS - x, s->a->ctx.utf8);
    }
    s->geom.tab_x[v] = x;
    s->geom.ntabs = v;
}

/* An absent cell: "-" or nothing, blanks aside. */
static bool cell_absent(const char *t)
{
    t += strspn(t, " ");
    if (*t == '-')
        t++;
    return t[strspn(t, " ")] == '\0';
}

/* A cell formatted: counted, and in tests checked against those of this paint. */
static void count_format(const struct km_vm *vm, size_t v, int k)
{
    n_formats++;
    if (!draw_testing())
        return;
    size_t nc = (size_t)vm->def->ncols, need = vm->nvis * nc, i = v * nc + (size_t)k;
    if (need > fmt_seen_n) {
        fmt_seen = xrealloc(fmt_seen, need);
        memset(fmt_seen + fmt_seen_n, 0, need - fmt_seen_n);
        fmt_seen_n = need;
    }
    if (fmt_seen[i])
        n_twice++;
    fmt_seen[i] = 1;
}

#define NO_SLOT SIZE_MAX

static void cells_free(struct scr_cells *cc)
{
    for (size_t i = 0; i < cc->nslot; i++)
        free(cc->text[i]);
    free(cc->text);
    free(cc->len);
    free(cc->cap);
    free(cc->tag);
    free(cc->cell);
    memset(cc, 0, sizeof(*cc));
}

/*
 * The table's lines for this paint: nb body rows from the visible row top on, then npin
 * pinned rows from nbody on. The slots are kept when the lines are the same (a key that
 * scrolls keeps the rows still shown); else they start empty.
 */
static void cells_window(struct scr *s, size_t top, size_t nb, size_t nbody, size_t npin)
{
    struct scr_cells *cc = &s->cells[s->view];
    int nc = cur_vm(s)->def->ncols;
    if (nb < 1)
        nb = 1;
    if (!cc->tag || nc != cc->ncols || nb != cc->nb || npin != cc->npin || nbody != cc->nbody) {
        cells_free(cc);
        cc->nslot = nb + npin;
        cc->nb = nb;
        cc->npin = npin;
        cc->nbody = nbody;
        cc->ncols = nc;
        cc->tag = xmalloc(cc->nslot * sizeof(*cc->tag));
        for (size_t i = 0; i < cc->nslot; i++)
            cc->tag[i] = NO_SLOT;
        cc->cell = xcalloc(cc->nslot * (size_t)nc, sizeof(*cc->cell));
        cc->text = xcalloc(cc->nslot, sizeof(*cc->text));
        cc->len = xcalloc(cc->nslot, sizeof(*cc->len));
        cc->cap = xcalloc(cc->nslot, sizeof(*cc->cap));
        cc->epoch = s->widths[s->view].epoch;
    }
    cc->top = top;
}

/* The cells are of another epoch of the widths: every slot is emptied. */
static void cells_stale(struct scr_cells *cc, unsigned long epoch)
{
    for (size_t i = 0; cc->tag && i < cc->nslot; i++)
        cc->tag[i] = NO_SLOT;
    cc->epoch = epoch;
}

/* The slot of visible row v, or NO_SLOT when the table does not show it. */
static size_t slot_of(const struct scr_cells *cc, size_t v)
{
    if (v >= cc->nbody)
        return v - cc->nbody < cc->npin ? cc->nb + (v - cc->nbody) : NO_SLOT;
    return v >= cc->top && v - cc->top < cc->nb ? v % cc->nb : NO_SLOT;
}

struct cell_ref {
    const char *text; /* made safe; in the cache or in the caller's buffer */
    size_t len;
    int width;
    bool plain; /* laid out by padding alone (struct scr_cell) */
};

/*
 * The text of visible row v's cell in column k: from the cache when this epoch of the
 * widths formatted it already, else formatted into buf (CELL bytes) and, for a row the
 * table shows, kept. The text is valid until the next call. absent (when not NULL): whether
 * the cell is '-' or nothing, for measure (which formats every cell of a fresh epoch).
 */
static struct cell_ref cell_get(struct scr *s, size_t v, int k, char *buf, bool *absent)
{
    const struct km_vm *vm = cur_vm(s);
    struct scr_cells *cc = &s->cells[s->view];
    size_t row = vm->vis[v], sl = cc->tag ? slot_of(cc, v) : NO_SLOT;
    struct scr_cell *ce = NULL;
    if (sl != NO_SLOT) {
        struct scr_cell *first = &cc->cell[sl * (size_t)cc->ncols];
        if (cc->tag[sl] != row) {
            cc->tag[sl] = row;
            cc->len[sl] = 0;
            for (int j = 0; j < cc->ncols; j++)
                first[j].width = -1;
        }
        ce = &first[k];
        if (ce->width >= 0) {
            const char *t = cc->text[sl] + ce->off;
            if (absent)
                *absent = cell_absent(t); /* made safe, '-' and blanks are as they were */
            return (struct cell_ref){t, strlen(t), ce->width, ce->plain};
        }
    }
    char raw[CELL];
    km_text_cell(vm, &s->a->ctx, &vm->rows[row], k, raw, sizeof(raw));
    count_format(vm, v, k);
    if (absent)
        *absent = cell_absent(raw);
    bool ascii; /* printable ASCII: a cell a byte, no wcwidth */
    size_t len = km_sanitize_len(buf, CELL, raw, s->a->ctx.utf8 ? "\xEF\xBF\xBD" : "?", &ascii);
    struct cell_ref r = {buf, len, (int)len, ascii};
    if (!ascii)
        r.width = km_layout_width_clean(buf, &r.plain);
    if (ce) {
        xgrow((void **)&cc->text[sl], &cc->cap[sl], cc->len[sl] + len + 1, 1);
        memcpy(cc->text[sl] + cc->len[sl], buf, len + 1);
        *ce = (struct scr_cell){(unsigned)cc->len[sl], r.width, r.plain};
        cc->len[sl] += len + 1;
    }
    return r;
}

/* The visible rows the table shows, in order: its window of the body, then the pinned rows. */
static size_t shown_first(const struct scr_cells *cc)
{
    return cc->top < cc->nbody ? cc->top : cc->nbody;
}

static size_t shown_next(const struct scr_cells *cc, size_t v)
{
    v++;
    return v < cc->nbody && v - cc->top >= cc->nb ? cc->nbody : v;
}

/*
 * Column k's wanted width: its title, its preferred width, its longest cell
 * among the rows shown, and the widest it was since the widths were made anew
 * (seen, -1 for none); -1 when every cell shown is absent ('-') and it was never
 * shown: such a column is left out (the name column and the sort column never
 * are; nor any when there is no row). Only the rows on screen are formatted:
 * 40 lines of a table of 10,000 cgroups, not 10,000.
 */
static int col_want(struct scr *s, const struct km_vm *vm, const struct km_vctx *c, int k,
                    int seen)
{
    const struct km_view_def *d = vm->def;
    const struct scr_cells *cc = &s->cells[s->view];
    char tb[64];
    int w = km_layout_width(km_col_title(d, c, k, tb, sizeof(tb))) + 1;
    if (w < d->cols[k].width)
        w = d->cols[k].width;
    /* long text (USED BY) is cut rather than pushing columns off */
    int cap = k > 0 && d->cols[k].align == KM_AL_LEFT ? 2 * w : 1 << 20;
    bool absent = k > 0 && k != vm->sort_col && vm->nvis > 0 && seen < 0;
    if (seen > w)
        w = seen;
    for (size_t v = shown_first(cc); v < cc->nbody + cc->npin && v < vm->nvis && (w < cap || absent);
         v = shown_next(cc, v)) {
        char buf[CELL];
        bool none = false;
        struct cell_ref ce = cell_get(s, v, k, buf, absent ? &none : NULL); /* kept for drawing */
        absent = absent && none;
        int cw = ce.width;
        if (cw > w)
            w = cw < cap ? cw : cap;
    }
    return absent ? -1 : w;
}

static bool widths_fresh(const struct scr_widths *m, const struct km_vm *vm,
                         const struct km_vctx *c)
{
    return m->valid && m->vm == vm && m->sample == c->s && (!c->s || m->seq == c->s->seq) &&
           m->nvis == vm->nvis && m->utf8 == c->utf8 && m->sort_col == vm->sort_col &&
           m->quiet == vm->hide_quiet && strcmp(m->filter, vm->filter) == 0;
}

/*
 * The columns shown for this sample and their wanted widths (owned by s).
 * Formatting the cells is the costly part of a paint: it is done again only
 * when the rows may have changed, not for a key or a status timeout; a scroll
 * formats only the rows it brings in.
 */
static const struct scr_widths *measure(struct scr *s)
{
    const struct km_vm *vm = cur_vm(s);
    const struct km_vctx *c = &s->a->ctx;
    struct scr_widths *m = &s->widths[s->view];
    const struct scr_cells *cc = &s->cells[s->view];
    bool fresh = widths_fresh(m, vm, c);
    if (fresh && m->top == cc->top && m->nb == cc->nb && m->nbody == cc->nbody &&
        m->npin == cc->npin)
        return m;
    size_t nc = (size_t)vm->def->ncols;
    /* what the columns were so far holds for this view as it was, at this size */
    bool anew = !m->valid || m->vm != vm || m->utf8 != c->utf8 || m->quiet != vm->hide_quiet ||
                strcmp(m->filter, vm->filter) != 0 || m->cols != COLS || m->seen_n != nc;
    if (!fresh) {
        m->epoch++; /* the cells kept for the last widths are stale */
        cells_stale(&s->cells[s->view], m->epoch);
    }
    if (nc > m->cap) {
        m->idx = xrealloc(m->idx, nc * sizeof(int));
        m->want = xrealloc(m->want, nc * sizeof(int));
        m->cap = nc;
    }
    if (anew) {
        m->seen = xrealloc(m->seen, (nc ? nc : 1) * sizeof(int));
        for (size_t k = 0; k < nc; k++)
            m->seen[k] = -1;
        m->seen_n = nc;
        m->cols = COLS;
    }
    m->n = 0;
    /* the name column, then the columns chosen (setup screen, kmemtoprc) in their order */
    int order[KM_RC_COLS_MAX + 1], no = 1;
    order[0] = 0;
    no += scr_col_order(s, s->view, order + 1, KM_RC_COLS_MAX);
    for (int j = 0; j < no; j++)
        if (km_col_on_screen(vm->def, c, order[j])) {
            int k = order[j];
            int w = col_want(s, vm, c, k, m->seen[k]);
            m->seen[k] = w;
            if (w < 0)
                continue; /* every cell absent */
            m->idx[m->n] = k;
            m->want[m->n++] = w;
        }

    m->vm = vm;
    m->sample = c->s;
    m->seq = c->s ? c->s->seq : 0;
    m->nvis = vm->nvis;
    m->utf8 = c->utf8;
    m->sort_col = vm->sort_col;
    m->quiet = vm->hide_quiet;
    snprintf(m->filter, sizeof(m->filter), "%s", vm->filter);
    m->top = cc->top;
    m->nb = cc->nb;
    m->nbody = cc->nbody;
    m->npin = cc->npin;
    m->valid = true;
    return m;
}

void scr_draw_free(struct scr *s)
{
    const char *log = getenv("KM_TEST_DRAW_LOG"); /* tests/screen-diff.sh: erased paints */
    int fd = log && log[0] ? open(log, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)
                           : -1;
    if (fd >= 0) {
        dprintf(fd, "paints %lu erases %lu formats %lu twice %lu kept %lu\n", n_paints, n_erases,
                n_formats, n_twice, n_rows_kept);
        close(fd);
    }
    free(row_end);
    row_end = NULL;
    free(line_end);
    line_end = NULL;
    for (size_t i = 0; i < nline_sig; i++)
        free(line_sig[i].b);
    free(line_sig);
    line_sig = NULL;
    nline_sig = 0;
    free(sig_buf);
    sig_buf = NULL;
    sig_cap = 0;
    free(line_kept);
    line_kept = NULL;
    row_lines = row_cols = 0;
    last_view = last_mode = -1;
    for (int v = 0; v < KM_VIEWS_MAX; v++) {
        free(s->widths[v].idx);
        free(s->widths[v].want);
        free(s->widths[v].seen);
        memset(&s->widths[v], 0, sizeof(s->widths[v]));
        cells_free(&s->cells[v]);
    }
    free(fmt_seen);
    fmt_seen = NULL;
    fmt_seen_n = 0;
}

static void draw_header(struct scr *s, int y, const int *idx, const int *w, int n)
{
    s->geom.hdr_y = y;
    s->geom.ncols = 0;
    const struct km_vm *vm = cur_vm(s);
    const struct km_view_def *d = vm->def;
    bool utf8 = s->a->ctx.utf8;
    const char *arrow = km_vm_desc(vm) ? (utf8 ? "\xE2\x96\xBC" : "v") : (utf8 ? "\xE2\x96\xB2" : "^");
    fill(y, a_hdr(s));
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (w[i] < 0)
            continue;
        char tb[64], t[96], cell[CELL];
        const char *title = km_col_title(d, &s->a->ctx, idx[i], tb, sizeof(tb));
        bool right = d->cols[idx[i]].align == KM_AL_RIGHT;
        bool sorted = idx[i] == vm->sort_col;
        if (sorted)
            snprintf(t, sizeof(t), right ? "%2$s%1$s" : "%1$s%2$s", title, arrow);
        else
            snprintf(t, sizeof(t), "%s", title);
        km_layout_cell(cell, sizeof(cell), t, w[i], right, utf8);
        put(y, x, sorted ? a_hi(s) : a_hdr(s), cell, w[i], utf8);
        if (s->geom.ncols < KM_RC_COLS_MAX + 1) {
            s->geom.col_x[s->geom.ncols] = x;
            s->geom.col_w[s->geom.ncols] = w[i];
            s->geom.col_k[s->geom.ncols++] = idx[i];
        }
        x += w[i] + 1;
    }
}

/*
 * A row is written in runs: neighbouring cells of one attribute go out in one
 * call, with the blank between them, when a blank of that attribute looks
 * like any other (no underline, no reverse; or the row is the selection).
 */
struct run {
    char text[4 * CELL];
    size_t len;
    int x, w, at;
};

static void run_flush(struct run *u, int y, bool utf8)
{
    if (u->len)
        put_cell(y, u->x, u->at, u->text, u->w, utf8);
    u->len = 0;
}

static void run_add(struct run *u, int y, int x, int at, bool join, const char *cell, int w,
                    bool utf8)
{
    size_t n = strlen(cell);
    if (u->len && (!join || at != u->at || u->x + u->w + 1 != x || u->len + n + 2 > sizeof(u->text)))
        run_flush(u, y, utf8);
    if (u->len) {
        u->text[u->len++] = ' ';
        u->w++;
    } else {
        u->x = x;
        u->w = 0;
        u->at = at;
    }
    if (n >= sizeof(u->text) - u->len) { /* never: a cell is at most CELL bytes */
        run_flush(u, y, utf8);
        put_cell(y, x, at, cell, w, utf8);
        return;
    }
    memcpy(u->text + u->len, cell, n + 1);
    u->len += n;
    u->w += w;
}

static size_t sig_add(size_t at, const void *p, size_t n)
{
    xgrow((void **)&sig_buf, &sig_cap, at + n, 1);
    memcpy(sig_buf + at, p, n);
    return at + n;
}

/* The attribute of row r's cell in column k. */
static int cell_attr(const struct scr *s, const struct km_vm *vm, const struct km_row *r, int k,
                     bool sel)
{
    km_attr_fn fa = vm->def->cols[k].attr;
    int at = sel ? a_hi(s) : fa ? scr_attr(s, fa(&s->a->ctx, r)) : AT_NORMAL;
    if (!sel && r->pinned)
        at |= AT_BOLD;
    return at;
}

static void draw_row(struct scr *s, int y, size_t v, bool sel, const int *idx, const int *w,
                     int n)
{
    const struct km_vm *vm = cur_vm(s);
    const struct km_row *r = km_vm_row(vm, v);
    if (y >= 0 && y < SCR_LINES_MAX)
        s->geom.row[y] = (long)v;
    if (y < 0 || y >= LINES)
        return;
    bool utf8 = s->a->ctx.utf8;
    /* what the row writes: each cell's text, place, width, alignment and attribute */
    size_t sl = sig_add(0, &(int[]){sel, utf8, COLS}, 3 * sizeof(int));
    for (int i = 0, x = 0; i < n; i++) {
        if (w[i] < 0)
            continue;
        char buf[CELL];
        struct cell_ref ce = cell_get(s, v, idx[i], buf, NULL);
        int at = cell_attr(s, vm, r, idx[i], sel);
        int right = vm->def->cols[idx[i]].align == KM_AL_RIGHT;
        sl = sig_add(sl, &(int[]){x, w[i], right, at}, 4 * sizeof(int));
        sl = sig_add(sl, ce.text, ce.len + 1);
        x += w[i] + 1;
    }
    int before = row_end[y];
    struct line_sig *ls = &line_sig[y];
    if (before == 0 && ls->len == sl && memcmp(ls->b, sig_buf, sl) == 0) {
        row_end[y] = line_end[y]; /* on the screen as it is, blank after */
        line_kept[y] = 1;
        n_rows_kept++;
        return;
    }
    row_drawing = true;
    if (sel)
        fill(y, a_hi(s));
    struct run u = {.len = 0};
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (w[i] < 0)
            continue;
        char buf[CELL], cell[CELL];
        struct cell_ref ce = cell_get(s, v, idx[i], buf, NULL); /* formatted once: measure's */
        bool right = vm->def->cols[idx[i]].align == KM_AL_RIGHT;
        size_t pad = ce.width < w[i] ? (size_t)(w[i] - ce.width) : 0;
        if (ce.plain && ce.width <= w[i] && ce.len + pad < CELL - 1) { /* as km_layout_cell */
            memset(cell, ' ', pad);
            memcpy(cell + (right ? pad : 0), ce.text, ce.len);
            if (!right)
                memset(cell + ce.len, ' ', pad);
            cell[ce.len + pad] = '\0';
        } else
            km_layout_cell(cell, sizeof(cell), ce.text, w[i], right, utf8);
        int at = cell_attr(s, vm, r, idx[i], sel);
        bool join = sel || !(at & (int)(A_UNDERLINE | A_REVERSE));
        run_add(&u, y, x, at, join, cell, w[i], utf8); /* defused and laid out once */
        x += w[i] + 1;
    }
    run_flush(&u, y, utf8);
    row_drawing = false;
    ls->len = 0; /* written on by another first: not the row's alone */
    if (before == 0) {
        xgrow((void **)&ls->b, &ls->cap, sl, 1);
        memcpy(ls->b, sig_buf, sl);
        ls->len = sl;
    }
    line_end[y] = row_end[y];
}

/*
 * The columns from the horizontal scroll position on: the name column, then
 * those after the hs first others (hs clamped so that one is left).
 */
static int scrolled_cols(const struct scr_widths *m, int *hs, int *idx, int *want)
{
    int n = 0;
    if (*hs > m->n - 2)
        *hs = m->n > 2 ? m->n - 2 : 0;
    for (int i = 0; i < m->n; i++)
        if (i == 0 || i > *hs) {
            idx[n] = m->idx[i];
            want[n++] = m->want[i];
        }
    return n;
}

static void draw_table(struct scr *s, int y, int h)
{
    struct km_vm *vm = cur_vm(s);
    /*
     * The pinned rows (totals) stay at the foot of the table under a rule,
     * set apart from the rows that scroll, when there is room for a row too.
     */
    size_t npin = 0;
    while (npin < vm->nvis && km_vm_row(vm, vm->nvis - 1 - npin)->pinned)
        npin++;
    if (h - 1 < (int)npin + 3)
        npin = 0;
    size_t nbody = vm->nvis - npin;
    int bh = npin ? h - 2 - (int)npin : h - 1, drawn = 0;
    s->table_rows = bh > 1 ? bh : 1;
    vm->top = km_layout_scroll(vm->sel, vm->top, nbody, bh);
    /* the rows shown are known before the widths: measure keeps their cells for drawing */
    cells_window(s, vm->top, bh > 0 ? (size_t)bh : 1, nbody, npin);
    const struct scr_widths *m = measure(s);
    size_t nc = (size_t)vm->def->ncols;
    int *idx = xcalloc(nc, sizeof(int)), *want = xcalloc(nc, sizeof(int));
    int n = scrolled_cols(m, &s->hscroll[s->view], idx, want), keep = -1;
    int *w = xcalloc(nc, sizeof(int));
    signed char *prio = xcalloc(nc, 1);
    for (int i = 0; i < n; i++) {
        if (idx[i] == vm->sort_col)
            keep = i;
        prio[i] = vm->def->cols[idx[i]].prio;
    }
    /*
     * Unscrolled, the least useful columns make room first; scrolled
     * sideways, the columns follow in table order from the scroll position
     * (dropped from the right), so that Right reaches every one.
     */
    km_layout_fit_prio(want, s->hscroll[s->view] > 0 ? NULL : prio, n, NAME_MIN, keep, COLS, 1, w);
    free(prio);
    s->h_more = false; /* columns left out at the right (the sort column may stay past them) */
    for (int i = 1; i < n; i++)
        s->h_more = s->h_more || w[i] < 0;
    s->h_wide = s->h_more || s->hscroll[s->view] > 0;
    draw_header(s, y, idx, w, n);
    if (nbody == 0 && h > 1) {
        char msg[200];
        snprintf(msg, sizeof(msg), vm->filter[0] ? "No row matches the filter \"%s\"." : "No rows.",
                 vm->filter);
        put(y + 1, 0, AT_DIM, msg, COLS, s->a->ctx.utf8);
        drawn = 1;
    }
    for (; drawn < bh && vm->top + (size_t)drawn < nbody; drawn++) {
        size_t v = vm->top + (size_t)drawn;
        draw_row(s, y + 1 + drawn, v, v == vm->sel, idx, w, n);
    }
    if (npin) {
        int width = 0, ry = y + 1 + drawn;
        for (int i = 0; i < n; i++)
            width += w[i] < 0 ? 0 : w[i] + (width ? 1 : 0);
        put_line(ry, 0, AT_DIM, s->a->ctx.utf8 ? ACS_HLINE : '-', width < COLS ? width : COLS);
        for (size_t p = 0; p < npin; p++)
            draw_row(s, ry + 1 + (int)p, nbody + p, nbody + p == vm->sel, idx, w, n);
    }
    free(w);
    free(want);
    free(idx);
}

/* Word-wraps text from row y; returns the rows used (at most h; the last cut with "…"). */
static int put_wrapped(const struct scr *s, int y, int h, int attr, const char *raw)
{
    size_t n = strlen(raw) * 3 + 1; /* a replacement takes up to 3 bytes for one */
    char *safe = xmalloc(n), *text = safe;
    defuse(safe, n, raw, s->a->ctx.utf8); /* wrapped as it is shown */
    int used = 0;
    while (*text && used < h) {
        if (used == h - 1) {
            put(y + used++, 0, attr, text, COLS, s->a->ctx.utf8);
            break;
        }
        size_t next, len = km_layout_wrap(text, COLS, &next);
        char buf[1024];
        km_copy(buf, sizeof(buf), text, len);
        put(y + used++, 0, attr, buf, COLS, s->a->ctx.utf8);
        text += next;
    }
    free(safe);
    return used;
}

static void draw_body(struct scr *s, int y, int h)
{
    struct km_vm *vm = cur_vm(s);
    const struct km_vctx *c = &s->a->ctx;
    struct scr_lines notes = {0};
    if (vm->def->notes)
        vm->def->notes(vm, c, scr_lines_add, &notes);
    char pb[512];
    const char *problem = km_frame_view_problem(vm->def, c, pb, sizeof(pb));
    if (!problem[0])
        km_hist_note(vm, c, scr_lines_add, &notes);
    if (!problem[0])
        km_frame_quiet(vm, "z", scr_lines_add, &notes);
    int max_notes = h - 4 < h / 2 ? h - 4 : h / 2;
    int row = 0;
    if (problem[0]) { /* the reason first; then the notes, wrapped, say what is left */
        s->table_rows = 1;
        row = put_wrapped(s, y, h, scr_attr(s, KM_ATTR_WARN), problem);
        row += row < h - 1 && notes.n;
        for (size_t i = 0; i < notes.n && row < h; i++)
            row += put_wrapped(s, y + row, h - row, scr_attr(s, notes.v[i].attr), notes.v[i].text);
        scr_lines_free(&notes);
        return;
    }
    for (size_t i = 0; i < notes.n && row < max_notes; i++) /* one line each above a table */
        row += put_wrapped(s, y + row, 1, scr_attr(s, notes.v[i].attr), notes.v[i].text);
    scr_lines_free(&notes);
    /* the footer (recent events) takes at most a third of what is left, under the table */
    struct scr_lines foot = {0};
    if (vm->def->footer)
        vm->def->footer(vm, c, scr_lines_add, &foot);
    int nfoot = (int)foot.n, room = (h - row) / 3;
    if (nfoot > room)
        nfoot = room;
    if (h - row - nfoot >= 1)
        draw_table(s, y + row, h - row - nfoot);
    for (int i = 0; i < nfoot; i++)
        put(y + h - nfoot + i, 0, scr_attr(s, foot.v[i].attr), foot.v[i].text, COLS, c->utf8);
    scr_lines_free(&foot);
}

const struct km_row *scr_details_row(const struct scr *s)
{
    const struct km_vm *vm = cur_vm(s);
    for (size_t i = 0; i < vm->nrows; i++)
        if (strcmp(vm->rows[i].id, s->details_id) == 0)
            return &vm->rows[i];
    return NULL;
}

/* A scrollable list of lines over rows y .. y+h-1 (help and details). */
static void draw_overlay(struct scr *s, int y, int h, const struct scr_lines *l)
{
    s->over_rows = h;
    if (l->n <= (size_t)h)
        s->over_top = 0;
    else if (s->over_top > l->n - (size_t)h)
        s->over_top = l->n - (size_t)h;
    for (int i = 0; i < h && s->over_top + (size_t)i < l->n; i++) {
        const struct scr_line *ln = &l->v[s->over_top + (size_t)i];
        put(y + i, 0, scr_attr(s, ln->attr), ln->text, COLS, s->a->ctx.utf8);
    }
}

static void draw_details(struct scr *s, int y, int h)
{
    struct scr_lines l = {0};
    const struct km_row *r = scr_details_row(s);
    if (r)
        km_screen_details(cur_vm(s), &s->a->ctx, r, scr_lines_add, &l);
    else
        scr_lines_add(&l, KM_ATTR_WARN, "This row is no longer in the sample.");
    draw_overlay(s, y, h, &l);
    scr_lines_free(&l);
}

static void draw_picker(struct scr *s, int y, int h)
{
    const struct km_vm *vm = cur_vm(s);
    const struct km_view_def *d = vm->def;
    put(y, 0, a_hdr(s), "Sort by", 20, false);
    int first = s->pick >= h - 1 ? s->pick - (h - 2) : 0;
    for (int k = first, row = 1; k < km_view_screen_cols(d) && row < h; k++) {
        char tb[64], t[128];
        snprintf(t, sizeof(t), "%s %-12s %s", k == vm->sort_col ? "*" : " ",
                 km_col_title(d, &s->a->ctx, k, tb, sizeof(tb)), d->cols[k].help);
        int at = k == s->pick ? a_hi(s) : km_col_sortable(&d->cols[k]) ? AT_NORMAL : AT_DIM;
        if (k == s->pick)
            fill(y + row, at);
        put(y + row++, 0, at, t, COLS, s->a->ctx.utf8);
    }
}

static void draw_summary(const struct scr *s, int n)
{
    struct scr_lines l = {0};
    km_frame_summary(&s->a->ctx, scr_lines_add, &l);
    for (int i = 0; i < n && (size_t)i < l.n; i++)
        put(i, 0, scr_attr(s, l.v[i].attr), l.v[i].text, COLS, s->a->ctx.utf8);
    scr_lines_free(&l);
}

static void status_right(const struct scr *s, char *out, size_t n)
{
    const struct km_app *a = s->a;
    size_t pos = 0;
    out[0] = '\0';
    if (a->roots.n > 1 && a->o.replay && a->tree > 0) {
        /* the time line: tick N/M, its wall-clock time, the interval its rates are over */
        size_t i = km_app_shown(a);
        char when[32];
        km_when_format(a->roots.trees[i].wall, when, sizeof(when));
        pos += (size_t)snprintf(out + pos, n - pos, "tick %zu/%zu %s", i + 1, a->roots.n, when);
        bool reboot = a->ctx.s && a->ctx.s->new_boot;
        double iv = i > 0 && a->roots.trees[i].wall > 0 && a->roots.trees[i - 1].wall > 0
                        ? a->roots.trees[i].wall - a->roots.trees[i - 1].wall
                        : 0;
        if (pos < n && reboot) /* no interval across a reboot: the rates are not over one */
            pos += (size_t)snprintf(out + pos, n - pos, " NEW BOOT");
        else if (pos < n && iv > 0)
            pos += (size_t)snprintf(out + pos, n - pos, " +%.*fs", iv < 10 ? 1 : 0, iv);
        if (pos < n && s->series_end)
            pos += (size_t)snprintf(out + pos, n - pos, " end");
        if (pos < n)
            pos += (size_t)snprintf(out + pos, n - pos, " ");
        if (pos < n && s->paused)
            snprintf(out + pos, n - pos, "PAUSED");
        else if (pos < n)
            snprintf(out + pos, n - pos, "%gs", a->o.delay);
        return;
    }
    if (a->roots.n > 1)
        pos += (size_t)snprintf(out + pos, n - pos, "%s tree %zu/%zu %s",
                                s->series_end ? "end of series: last" : "",
                                a->tree < a->roots.n ? a->tree : a->roots.n, a->roots.n,
                                a->ctx.s && a->ctx.s->new_boot ? "NEW BOOT " : "");
    if (pos < n && s->paused)
        pos += (size_t)snprintf(out + pos, n - pos, "PAUSED ");
    if (pos < n)
        snprintf(out + pos, n - pos, "%gs", a->o.delay);
}

static void status_left(const struct scr *s, char *out, size_t n)
{
    const struct km_vm *vm = cur_vm(s);
    size_t pos = 0;
    out[0] = '\0';
    if (vm->filter[0])
        pos += (size_t)snprintf(out + pos, n - pos, "Filter: %s  ", vm->filter);
    if (vm->search[0] && pos < n)
        pos += (size_t)snprintf(out + pos, n - pos, "Search: %s  ", vm->search);
    if (vm->def->status && pos < n) {
        vm->def->status(km_view_state(&s->a->ctx, vm->def), out + pos, n - pos);
        pos += strlen(out + pos);
    }
    if (vm->nvis && pos < n)
        snprintf(out + pos, n - pos, "%zu/%zu", vm->sel + 1, vm->nvis);
}

static void draw_status(const struct scr *s, int y)
{
    static const char *const label[] = {"", "Search: ", "Filter: ", "Delay (seconds): ",
                                        "Branch to (HH:MM, date time, +N/-N[smhd]): "};
    char left[400], right[128];
    bool utf8 = s->a->ctx.utf8;
    status_right(s, right, sizeof(right));
    int rw = km_layout_width(right);
    int most = s->a->o.replay ? COLS * 2 / 3 : COLS / 2; /* the time line may take more */
    if (rw > most)
        rw = most;
    int at = AT_NORMAL;
    if (s->prompt != SP_NONE) {
        snprintf(left, sizeof(left), "%s%s%s", label[s->prompt], s->input,
                 s->nomatch ? "  (no match)" : "");
        at = s->nomatch ? scr_attr(s, KM_ATTR_BAD) : AT_BOLD;
    } else if (s->status[0]) {
        snprintf(left, sizeof(left), "%s", s->status);
        at = scr_attr(s, s->status_attr);
    } else
        status_left(s, left, sizeof(left));
    int lw = put(y, 0, at, left, COLS - rw - 1, utf8);
    /* the right part after the left one: the gap between is blanked */
    put(y, COLS - rw, s->paused || s->series_end ? scr_attr(s, KM_ATTR_WARN) : AT_NORMAL, right, rw,
        utf8);
    if (s->prompt != SP_NONE) {
        lw = km_layout_width(label[s->prompt]) + km_layout_width(s->input);
        move(y, lw < COLS - rw - 1 ? lw : COLS - rw - 2);
        curs_set(1);
    } else
        curs_set(0);
}

static void hint_pairs(const struct scr *s, const char *const **out, int *n)
{
    static const char *const search[] = {"Enter", "Done", "Esc", "Clear", "F3", "Next",
                                         "Shift-F3", "Prev", NULL};
    static const char *const filter[] = {"Enter", "Done", "Esc", "Clear", NULL};
    static const char *const edit[] = {"Enter", "Done", "Esc", "Cancel", NULL};
    static const char *const over[] = {"Esc", "Back", "Up/Down", "Scroll", "F10", "Quit", NULL};
    static const char *const pick[] = {"Enter", "Sort", "Esc", "Cancel", NULL};
    static const char *const setup[] = {"Left/Right", "Change", "Space", "Show", "[/]", "Move",
                                        "Tab", "View", "W", "Save", "Esc", "Done", NULL};
    const char *const *p = NULL;
    if (s->prompt == SP_SEARCH)
        p = search;
    else if (s->prompt == SP_FILTER)
        p = filter;
    else if (s->prompt != SP_NONE)
        p = edit;
    else if (s->mode == SM_PICKER)
        p = pick;
    else if (s->mode == SM_SETUP)
        p = setup;
    else if (s->mode != SM_TABLE)
        p = over;
    *out = p;
    for (*n = 0; p && p[*n]; (*n)++)
        ;
}

/* One hint: the key, then its label highlighted with a blank either side. */
static int hint(const struct scr *s, int y, int x, const char *key, const char *label)
{
    char t[64];
    snprintf(t, sizeof(t), " %s ", label);
    int w = put(y, x, AT_BOLD, key, COLS - x, false);
    return w + put(y, x + w, a_hi(s), t, COLS - x - w, false);
}

/* Whether k has a hint now: Left/Right's only while the table is wider than the screen. */
static bool has_hint(const struct scr *s, const struct km_key *k)
{
    return k->hint && (k->action != KA_HSCROLL || (s->h_wide && s->mode == SM_TABLE));
}

/* The key as the hint bar writes it: its first name, both for the pair Left/Right. */
static const char *hint_key(const struct km_key *k)
{
    return k->action == KA_HSCROLL ? "Left/Right" : k->names[0];
}

/* The key table's hints with the lowest ranks that fit in COLS, in table order. */
static void draw_key_hints(const struct scr *s, int y)
{
    int x = 0, maxrank = 1000;
    for (;;) {
        int w = 0;
        for (size_t i = 0; i < km_nkeys; i++)
            if (has_hint(s, &km_keys[i]) && km_keys[i].hint_rank <= maxrank)
                w += km_layout_width(hint_key(&km_keys[i])) + km_layout_width(km_keys[i].hint) + 2;
        if (w <= COLS || maxrank <= 0)
            break;
        int next = 0; /* drop the highest rank still in */
        for (size_t i = 0; i < km_nkeys; i++)
            if (has_hint(s, &km_keys[i]) && km_keys[i].hint_rank < maxrank &&
                km_keys[i].hint_rank > next)
                next = km_keys[i].hint_rank;
        maxrank = next;
    }
    for (size_t i = 0; i < km_nkeys; i++) {
        const struct km_key *k = &km_keys[i];
        if (!has_hint(s, k) || k->hint_rank > maxrank)
            continue;
        x += hint(s, y, x, hint_key(k), k->hint);
    }
}

static void draw_hints(const struct scr *s, int y)
{
    const char *const *p;
    int n;
    hint_pairs(s, &p, &n);
    if (!p) {
        draw_key_hints(s, y);
        return;
    }
    int x = 0;
    for (int i = 0; i + 1 < n; i += 2)
        x += hint(s, y, x, p[i], p[i + 1]);
}

void scr_draw(struct scr *s)
{
    paint_begin(s);
    s->geom.tab_y = s->geom.hdr_y = -1;
    s->geom.ntabs = s->geom.ncols = 0;
    for (int i = 0; i < SCR_LINES_MAX; i++)
        s->geom.row[i] = -1;
    int H = LINES, nsum = H >= 24 ? 3 : H >= 16 ? 2 : 1;
    if (H < 5)
        nsum = 0;
    int bottom = H - 2; /* the status line; the hint bar is below it */
    if (s->mode == SM_HELP) {
        struct scr_lines l = {0};
        km_help_text(km_views[s->view], &s->a->ctx, scr_lines_add, &l);
        if (s->a->ctx.s) {
            scr_lines_add(&l, KM_ATTR_NORMAL, "");
            km_frame_source_costs(s->a->ctx.s, scr_lines_add, &l);
        }
        draw_overlay(s, 0, bottom, &l);
        scr_lines_free(&l);
    } else {
        draw_summary(s, nsum);
        draw_tabs(s, nsum);
        int y = nsum + 1, h = bottom - y;
        if (h > 0) {
            if (s->mode == SM_DETAILS)
                draw_details(s, y, h);
            else if (s->mode == SM_PICKER)
                draw_picker(s, y, h);
            else if (s->mode == SM_SETUP)
                scr_setup_draw(s, y, h);
            else
                draw_body(s, y, h);
        }
    }
    draw_hints(s, H - 1);
    paint_end();
    draw_status(s, bottom); /* last: it places the cursor */
    refresh();
}
