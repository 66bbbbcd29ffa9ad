/* text.c - batch text tables. See text.h. */
#include "text.h"
#include "fmt.h"

#include <stdlib.h>
#include <string.h>

static void text_line_safe_n(FILE *f, const char *s, size_t n);
static bool plain_ascii(const char *s);

void km_text_line(FILE *f, const char *raw)
{
    size_t len = strlen(raw);
    if (len < 4095 && plain_ascii(raw)) { /* what km_sanitize would leave as it is */
        text_line_safe_n(f, raw, len);
        return;
    }
    char s[4096];
    km_sanitize(s, sizeof(s), raw); /* no escape codes or broken UTF-8 in batch text */
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    fwrite(s, 1, n, f);
    fputc('\n', f);
}

/*
 * A line of a table whose parts are already safe (cells sanitized, titles printable ASCII):
 * as km_text_line, without sanitizing the line a second time. A line km_text_line would cut
 * goes through it, so that the cut is the same.
 */
static void text_line_safe_n(FILE *f, const char *s, size_t n)
{
    if (n >= 4095) {
        km_text_line(f, s);
        return;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    fwrite(s, 1, n, f);
    fputc('\n', f);
}

/* Printable ASCII only: km_sanitize leaves it as it is. */
static bool plain_ascii(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p >= 0x7f)
            return false;
    return true;
}

void km_text_cell(const struct km_vm *vm, const struct km_vctx *c, const struct km_row *r, int col,
                  char *out, size_t n)
{
    const struct km_col *cd = &vm->def->cols[col];
    size_t ind = col == 0 ? (size_t)r->depth * 2 : 0;
    if (ind >= n)
        ind = n - 1;
    for (size_t i = 0; i < ind; i++) /* 0, 2 or 4: no call to memset */
        out[i] = ' ';
    out[ind] = '\0';
    km_col_cell(cd, c, r, out + ind, n - ind);
}

#define CELL 256

/*
 * Every cell of a table, sanitized, one after another with their NULs, in
 * the order they are printed: memory in proportion to the text, not to the
 * rows times the widest cell could be. Beside each, its length and columns.
 */
struct cells {
    char *p;
    size_t len, cap;
    struct cell_size {
        unsigned short len, width; /* < CELL */
    } *sz;
    size_t n, szcap;
};

/* Columns a cell takes: one per character (names are ASCII but for what a tree chose). */
static int text_width(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        w += (*p & 0xC0) != 0x80;
    return w;
}

/* Appends t (len bytes, w columns) padded to width cw as the column wants it, after a gap
   unless first. */
static char *put_cell(char *p, bool first, const struct km_col *cd, const char *t, size_t len,
                      int w, int cw)
{
    size_t pad = (size_t)(cw - w);
    if (!first) {
        memcpy(p, "  ", 2);
        p += 2;
    }
    if (cd->align == KM_AL_RIGHT) {
        memset(p, ' ', pad);
        p += pad;
    }
    memcpy(p, t, len);
    p += len;
    if (cd->align == KM_AL_LEFT) {
        memset(p, ' ', pad);
        p += pad;
    }
    return p;
}

/*
 * Formats and stores the shown cells of every visible row; widens w to fit them. A cell is
 * formatted in place in the buffer; one of printable ASCII (nearly all) is what km_sanitize
 * would make of it, its length its width, and stays as it is; any other is sanitized.
 */
static void collect(const struct km_vm *vm, const struct km_vctx *c, const bool *shown, int *w,
                    struct cells *b, size_t *maxlen)
{
    int nc = vm->def->ncols;
    size_t nshown = 0;
    for (int k = 0; k < nc; k++)
        nshown += shown[k];
    /* room for them at once: their sizes, and 8 bytes a cell (more grows as needed) */
    xgrow((void **)&b->sz, &b->szcap, vm->nvis * nshown + 1, sizeof(*b->sz));
    xgrow((void **)&b->p, &b->cap, vm->nvis * nshown * 8 + CELL, 1);
    for (size_t v = 0; v < vm->nvis; v++) {
        const struct km_row *r = km_vm_row(vm, v);
        for (int k = 0; k < nc; k++) {
            if (!shown[k])
                continue;
            if (b->cap - b->len < CELL)
                xgrow((void **)&b->p, &b->cap, b->len + CELL, 1);
            if (b->n == b->szcap)
                xgrow((void **)&b->sz, &b->szcap, b->n + 1, sizeof(*b->sz));
            char *raw = b->p + b->len;
            km_text_cell(vm, c, r, k, raw, CELL);
            size_t len = 0;
            while ((unsigned char)raw[len] >= 0x20 && (unsigned char)raw[len] < 0x7f)
                len++;
            int cw = (int)len;
            if (raw[len]) {
                char cell[CELL];
                km_sanitize(cell, sizeof(cell), raw);
                len = strlen(cell);
                memcpy(raw, cell, len + 1);
                cw = text_width(cell);
            }
            if (cw > w[k])
                w[k] = cw;
            if (len > maxlen[k])
                maxlen[k] = len;
            b->sz[b->n++] = (struct cell_size){(unsigned short)len, (unsigned short)cw};
            b->len += len + 1;
        }
    }
}

/* A line of '-' as wide as the table: above the pinned rows (totals), set apart from the rows. */
static void rule(FILE *f, const bool *shown, const int *w, int nc)
{
    int width = 0;
    for (int k = 0; k < nc; k++)
        if (shown[k])
            width += w[k] + (width ? 2 : 0);
    for (int i = 0; i < width; i++)
        fputc('-', f);
    fputc('\n', f);
}

void km_text_table(FILE *f, const struct km_vm *vm, const struct km_vctx *c)
{
    const struct km_view_def *d = vm->def;
    int nc = d->ncols;
    /* each entry is set below (a column not shown: no title, width 0) */
    int *w = xmalloc((size_t)nc * sizeof(*w));
    size_t *maxlen = xmalloc((size_t)nc * sizeof(*maxlen));
    bool *shown = xmalloc((size_t)nc * sizeof(*shown)); /* decided once: col_shown may scan rows */
    char (*title)[64] = xmalloc((size_t)nc * sizeof(*title));
    bool safe = true; /* every part of a line already safe: it is not sanitized again */
    for (int k = 0; k < nc; k++) {
        char tb[64];
        shown[k] = km_col_on_screen(d, c, k);
        if (!shown[k]) {
            title[k][0] = '\0';
            w[k] = 0;
            maxlen[k] = 0;
            continue;
        }
        /* the sort column's title ends in '*' (km_text_sort_line says which way) */
        km_fmt_str(title[k], sizeof(title[k]), km_col_title(d, c, k, tb, sizeof(tb)));
        size_t tl = strlen(title[k]);
        if (k == vm->sort_col && km_col_sortable(&d->cols[k]) && tl + 1 < sizeof(title[k])) {
            title[k][tl] = '*';
            title[k][tl + 1] = '\0';
        }
        w[k] = text_width(title[k]);
        maxlen[k] = strlen(title[k]);
        if (shown[k] && !plain_ascii(title[k]))
            safe = false;
    }
    struct cells b = {0};
    collect(vm, c, shown, w, &b, maxlen);
    size_t linesz = 1;
    for (int k = 0; k < nc; k++)
        linesz += maxlen[k] + (size_t)w[k] + 2; /* the text, its padding, the gap */
    char *line = xmalloc(linesz);
    const char *next = b.p;
    const struct cell_size *sz = b.sz;
    for (size_t v = 0; v <= vm->nvis; v++) {
        char *p = line;
        if (v > 0 && km_vm_row(vm, v - 1)->pinned && (v == 1 || !km_vm_row(vm, v - 2)->pinned))
            rule(f, shown, w, nc); /* the totals are not rows to add up with the others */
        for (int k = 0; k < nc; k++) {
            if (!shown[k])
                continue;
            if (v > 0) {
                p = put_cell(p, p == line, &d->cols[k], next, sz->len, sz->width, w[k]);
                next += sz->len + 1;
                sz++;
            } else {
                p = put_cell(p, p == line, &d->cols[k], title[k], strlen(title[k]),
                             text_width(title[k]), w[k]);
            }
        }
        *p = '\0';
        if (safe)
            text_line_safe_n(f, line, (size_t)(p - line));
        else
            km_text_line(f, line);
    }
    free(line);
    free(b.sz);
    free(b.p);
    free(title);
    free(shown);
    free(maxlen);
    free(w);
}

void km_text_sort_line(FILE *f, const struct km_vm *vm, const struct km_vctx *c)
{
    const struct km_view_def *d = vm->def;
    int k = vm->sort_col;
    if (k < 0 || k >= d->ncols || !km_col_sortable(&d->cols[k]))
        return;
    char tb[64], line[200];
    snprintf(line, sizeof(line), "%s, sorted by %s (%s)", d->title,
             km_col_title(d, c, k, tb, sizeof(tb)), km_vm_desc(vm) ? "descending" : "ascending");
    km_text_line(f, line);
}
