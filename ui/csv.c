/* csv.c - batch frames as CSV, from the column tables. See csv.h. */
#include "csv.h"
#include "fmt.h"
#include "frame.h"

#include <stdlib.h>
#include <string.h>

#define CSV_CELL 1024
#define CSV_EOL "\r\n"

void km_csv_field(FILE *f, bool first, const char *raw)
{
    char s[CSV_CELL];
    km_sanitize(s, sizeof(s), raw);
    if (!first)
        fputc(',', f);
    if (!s[strcspn(s, ",\"\r\n")]) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

/*
 * The fields CSV carries: those with a value or a cell text, shown on this
 * sample (or JSON-only). Named as in JSON.
 */
static bool csv_has(const struct km_view_def *d, const struct km_vctx *c, int k)
{
    const struct km_col *f = &d->cols[k];
    return (f->get || f->fmt) && !(f->flags & KM_F_NOCSV) &&
           (((f->flags & KM_F_NOSCREEN) && !(f->flags & KM_F_HIST)) || km_col_shown(d, c, k));
}

/*
 * A field's CSV value: exact (km_val_csv), or the cell's --raw text when it
 * has no value of its own (a list); a text's "-" (nothing) is empty, as an
 * absent value is.
 */
static void csv_value(const struct km_col *fd, const struct km_vctx *rc, const struct km_row *r,
                      char *cell, size_t n)
{
    if (fd->get)
        km_val_csv(km_col_value(fd, rc, r, cell, n), cell, n);
    else
        km_col_cell(fd, rc, r, cell, n);
    if (strcmp(cell, "-") == 0)
        cell[0] = '\0';
}

/* The header row, then the visible rows when with_rows. */
static void block(FILE *f, const struct km_vm *vm, const struct km_vctx *c, bool with_rows)
{
    const struct km_view_def *d = vm->def;
    struct km_vctx rc = *c;
    rc.raw = true; /* CSV is for programs: exact numbers */
    bool *shown = xcalloc((size_t)d->ncols, sizeof(*shown)); /* col_shown may scan rows */
    km_csv_field(f, true, "view");
    km_csv_field(f, false, "id");
    for (int k = 0; k < d->ncols; k++) {
        shown[k] = csv_has(d, &rc, k);
        if (shown[k])
            km_csv_field(f, false, km_col_json_key(&d->cols[k]));
    }
    fputs(CSV_EOL, f);
    char cell[CSV_CELL];
    for (size_t v = 0; with_rows && v < vm->nvis; v++) {
        const struct km_row *r = km_vm_row(vm, v);
        km_csv_field(f, true, d->name);
        km_csv_field(f, false, r->id);
        for (int k = 0; k < d->ncols; k++) {
            if (shown[k]) {
                csv_value(&d->cols[k], &rc, r, cell, sizeof(cell));
                km_csv_field(f, false, cell);
            }
        }
        fputs(CSV_EOL, f);
    }
    free(shown);
}

void km_csv_table(FILE *f, const struct km_vm *vm, const struct km_vctx *c)
{
    block(f, vm, c, true);
}

void km_csv_frame(FILE *f, struct km_vm *const *vms, const struct km_vctx *c)
{
    for (int v = 0; km_views[v]; v++) {
        const struct km_vm *vm = vms[v];
        if (!vm)
            continue;
        char buf[400];
        /* a table that cannot be shown: its header alone (text and JSON say why) */
        block(f, vm, c, !km_frame_view_problem(vm->def, c, buf, sizeof(buf))[0]);
    }
    fflush(f);
}
