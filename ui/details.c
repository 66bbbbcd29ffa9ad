/*
 * details.c - what the details overlay (Enter) shows for a row. See
 * km_screen_details in screen.h. Views with more to say about a row (the
 * modules view: its vmalloc areas) add their lines through their details hook.
 */
#include "screen.h"
#include "text.h"
#include "views.h"

#include <stdio.h>

void km_screen_details(const struct km_vm *vm, const struct km_vctx *c, const struct km_row *r,
                       km_line_fn line, void *arg)
{
    const struct km_view_def *d = vm->def;
    char buf[512], cell[256], tb[64];
    snprintf(buf, sizeof(buf), "%s: %s", d->title, km_row_name(r));
    line(arg, KM_ATTR_BOLD, buf);
    line(arg, KM_ATTR_NORMAL, "");
    for (int k = 0; k < d->ncols; k++) {
        if (!km_col_on_screen(d, c, k))
            continue;
        km_text_cell(vm, c, r, k, cell, sizeof(cell));
        const char *v = cell;
        while (*v == ' ')
            v++;
        snprintf(buf, sizeof(buf), "  %-12s %-12s %s", km_col_title(d, c, k, tb, sizeof(tb)), v,
                 d->cols[k].help ? d->cols[k].help : "");
        line(arg, KM_ATTR_NORMAL, buf);
    }
    if (d->details)
        d->details(c, r, line, arg);
}
