/* text.c - batch text tables. See text.h. */
#include "text.h"
#include "fmt.h"

#include <stdlib.h>
#include <string.h>

void km_text_line(FILE *f, const char *raw)
{
    char s[4096];
    km_sanitize(s, sizeof(s), raw); /* no escape codes or broken UTF-8 in batch text */
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    fwrite(s, 1, n, f);
    fputc('\n', f);
}

void km_text_cell(const struct km_vm *vm, const struct km_vctx *c, const struct km_row *r, int col,
                  char *out, size_t n)
{
    const struct km_col *cd = &vm->def->cols[col];
    size_t ind = col == 0 ? (size_t)r->depth * 2 : 0;
    if (ind >= n)
        ind = n - 1;
    memset(out, ' ', ind);
    out[ind] = '\0';
    if (cd->fmt)
        cd->fmt(c, r, out + ind, n - ind);
}

#define CELL 256

void km_text_table(FILE *f, const struct km_vm *vm, const struct km_vctx *c)
{
    const struct km_view_def *d = vm->def;
    int nc = d->ncols;
    int *w = xcalloc((size_t)nc, sizeof(*w));
    bool *shown = xcalloc((size_t)nc, sizeof(*shown)); /* decided once: col_shown may scan rows */
    for (int k = 0; k < nc; k++)
        shown[k] = km_col_shown(d, c, k);
    char (*title)[64] = xcalloc((size_t)nc, sizeof(*title));
    char *cells = xmalloc((vm->nvis ? vm->nvis : 1) * (size_t)nc * CELL);
    for (int k = 0; k < nc; k++) {
        char tb[64];
        snprintf(title[k], sizeof(title[k]), "%s", km_col_title(d, c, k, tb, sizeof(tb)));
        w[k] = (int)strlen(title[k]);
    }
    for (size_t v = 0; v < vm->nvis; v++)
        for (int k = 0; k < nc; k++) {
            char *cell = cells + (v * (size_t)nc + (size_t)k) * CELL;
            if (!shown[k]) {
                cell[0] = '\0';
                continue;
            }
            km_text_cell(vm, c, km_vm_row(vm, v), k, cell, CELL);
            int len = (int)strlen(cell);
            if (len > w[k])
                w[k] = len;
        }
    char *line = xmalloc((size_t)nc * (CELL + 2) + 1);
    for (size_t v = 0; v <= vm->nvis; v++) {
        char *p = line;
        for (int k = 0; k < nc; k++) {
            if (!shown[k])
                continue;
            const char *t = v == 0 ? title[k] : cells + ((v - 1) * (size_t)nc + (size_t)k) * CELL;
            size_t len = strlen(t), pad = (size_t)w[k] - len;
            if (p != line) {
                memcpy(p, "  ", 2);
                p += 2;
            }
            if (d->cols[k].align == KM_AL_RIGHT) {
                memset(p, ' ', pad);
                p += pad;
            }
            memcpy(p, t, len);
            p += len;
            if (d->cols[k].align == KM_AL_LEFT) {
                memset(p, ' ', pad);
                p += pad;
            }
        }
        *p = '\0';
        km_text_line(f, line);
    }
    free(line);
    free(cells);
    free(title);
    free(shown);
    free(w);
}
