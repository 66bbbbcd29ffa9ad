/*
 * details.c - what the details overlay (Enter) shows for a row. See
 * km_screen_details in screen.h. Views with more to say about a row (the
 * modules view: its vmalloc areas) add their lines through their details hook.
 */
#include "screen.h"
#include "hist.h"
#include "text.h"
#include "views.h"

#include <stdio.h>
#include <string.h>

#define VALUE_MAX 32 /* a longer value puts its description on the next line */

/* The cell of column k of r without its padding. */
static const char *value_of(const struct km_vm *vm, const struct km_vctx *c, const struct km_row *r,
                            int k, char *cell, size_t n)
{
    km_text_cell(vm, c, r, k, cell, n);
    const char *v = cell;
    while (*v == ' ')
        v++;
    return v;
}

/* Columns a value takes on screen: one per UTF-8 character (a TREND's blocks). */
static int cols_of(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        w += (*p & 0xC0) != 0x80;
    return w;
}

void km_screen_details(const struct km_vm *vm, const struct km_vctx *c, const struct km_row *r,
                       km_line_fn line, void *arg)
{
    const struct km_view_def *d = vm->def;
    char buf[768], cell[256], tb[64];
    snprintf(buf, sizeof(buf), "%s: %s", d->title, km_row_name(r));
    line(arg, KM_ATTR_BOLD, buf);
    line(arg, KM_ATTR_NORMAL, "");
    /* the values' column as wide as the widest short value: none runs into its description */
    int vw = 12;
    for (int k = 0; k < d->ncols; k++) {
        if (!km_col_on_screen(d, c, k))
            continue;
        int len = cols_of(value_of(vm, c, r, k, cell, sizeof(cell)));
        if (len > vw && len <= VALUE_MAX)
            vw = len;
    }
    for (int k = 0; k < d->ncols; k++) {
        if (!km_col_on_screen(d, c, k))
            continue;
        const char *v = value_of(vm, c, r, k, cell, sizeof(cell));
        const char *title = km_col_title(d, c, k, tb, sizeof(tb));
        const char *help = d->cols[k].help ? d->cols[k].help : "";
        int pad = vw + (int)strlen(v) - cols_of(v); /* printf pads bytes, not characters */
        if (cols_of(v) > vw) { /* long: the value alone, its description under it */
            snprintf(buf, sizeof(buf), "  %-12s %s", title, v);
            line(arg, KM_ATTR_NORMAL, buf);
            snprintf(buf, sizeof(buf), "  %-12s %-*s  %s", "", vw, "", help);
        } else {
            snprintf(buf, sizeof(buf), "  %-12s %-*s  %s", title, pad, v, help);
        }
        line(arg, KM_ATTR_NORMAL, buf);
    }
    if (d->details)
        d->details(c, r, line, arg);
    km_hist_details(vm, c, r, line, arg);
}
