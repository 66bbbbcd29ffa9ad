/* field.c - cells, order, JSON and CSV derived from a field's (unit, value). See field.h. */
#include "fmt.h"
#include "hist.h"
#include "json.h"
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct km_val km_col_value(const struct km_col *f, const struct km_vctx *c, const struct km_row *r,
                           char *buf, size_t n)
{
    if (n)
        buf[0] = '\0';
    return f->get ? f->get(c, r, buf, n) : km_v_none();
}

void km_val_text(const struct km_vctx *c, enum km_unit u, struct km_val v, char *out, size_t n)
{
    if (v.t == KM_VT_BLANK) {
        out[0] = '\0';
    } else if (v.t == KM_VT_NONE || (v.t == KM_VT_STR && !v.s[0])) {
        km_fmt_str(out, n, "-");
    } else if (v.t == KM_VT_STR) {
        if (out != v.s)
            km_fmt_str(out, n, v.s);
    } else if (v.t == KM_VT_BOOL) {
        km_fmt_str(out, n, v.i ? "yes" : "no");
    } else if (v.t == KM_VT_INT) {
        u == KM_U_BYTES ? km_size_cell(c, v.i, out, n) : km_fmt_int(out, n, v.i);
    } else if (u == KM_U_PCT) {
        km_fmt_pct(out, n, v.d);
    } else if (u == KM_U_RATE) {
        km_fmt_rate(out, n, v.d);
    } else if (u == KM_U_BYTE_RATE && !c->raw) {
        km_fmt_size_rate(out, n, v.d);
    } else {
        snprintf(out, n, u == KM_U_BYTE_RATE ? "%+.1f" : "%.1f", v.d);
    }
}

void km_col_cell(const struct km_col *f, const struct km_vctx *c, const struct km_row *r, char *out,
                 size_t n)
{
    if (!n)
        return;
    out[0] = '\0';
    if (f->fmt) {
        f->fmt(c, r, out, n);
        return;
    }
    if (!f->get)
        return;
    /* a composed string goes straight into the cell (cut to it, as the cell would be) */
    struct km_val v = f->get(c, r, out, n);
    km_val_text(c, f->unit, v, out, n);
}

bool km_col_sortable(const struct km_col *f)
{
    return f->cmp || (f->get && !f->nosort);
}

int km_val_cmp(struct km_val a, struct km_val b)
{
    bool na = a.t == KM_VT_NONE || a.t == KM_VT_BLANK, nb = b.t == KM_VT_NONE || b.t == KM_VT_BLANK;
    if (na != nb)
        return na ? -1 : 1;
    if (na)
        return 0;
    if (a.t == KM_VT_STR || b.t == KM_VT_STR)
        return strcmp(a.t == KM_VT_STR ? a.s : "", b.t == KM_VT_STR ? b.s : "");
    if (a.t != KM_VT_DBL && b.t != KM_VT_DBL)
        return (a.i > b.i) - (a.i < b.i);
    double x = a.t == KM_VT_DBL ? a.d : (double)a.i, y = b.t == KM_VT_DBL ? b.d : (double)b.i;
    return (x > y) - (x < y);
}

int km_col_cmp(const struct km_col *f, const struct km_vctx *c, const struct km_row *a,
               const struct km_row *b)
{
    if (f->cmp)
        return f->cmp(c, a, b);
    if (!f->get)
        return 0;
    char ba[KM_FIELD_BUF], bb[KM_FIELD_BUF];
    return km_val_cmp(km_col_value(f, c, a, ba, sizeof(ba)), km_col_value(f, c, b, bb, sizeof(bb)));
}

const char *km_col_json_key(const struct km_col *f)
{
    return f->json ? f->json : f->key;
}

void km_val_csv(struct km_val v, char *out, size_t n)
{
    switch (v.t) {
    case KM_VT_NONE:
    case KM_VT_BLANK:
        snprintf(out, n, "%s", "");
        break;
    case KM_VT_INT:
        snprintf(out, n, "%" PRId64, v.i);
        break;
    case KM_VT_DBL:
        snprintf(out, n, "%.15g", v.d); /* as km_json_dbl writes it */
        break;
    case KM_VT_BOOL:
        snprintf(out, n, "%s", v.i ? "true" : "false");
        break;
    case KM_VT_STR:
        if (out != v.s)
            km_fmt_str(out, n, v.s);
        break;
    }
}

void km_col_json(const struct km_col *f, const struct km_vctx *c, const struct km_row *r,
                 struct km_json *j)
{
    const char *key = km_col_json_key(f);
    if (f->jsonw) {
        f->jsonw(c, r, j, key);
        return;
    }
    char buf[KM_FIELD_BUF];
    struct km_val v = km_col_value(f, c, r, buf, sizeof(buf));
    switch (v.t) {
    case KM_VT_NONE:
    case KM_VT_BLANK:
        km_json_null(j, key);
        break;
    case KM_VT_INT:
        km_json_int(j, key, v.i);
        break;
    case KM_VT_DBL:
        km_json_dbl(j, key, v.d);
        break;
    case KM_VT_BOOL:
        km_json_bool(j, key, v.i != 0);
        break;
    case KM_VT_STR:
        km_json_str(j, key, v.s);
        break;
    }
}

void km_json_rows(struct km_json *j, const struct km_vm *vm, const struct km_vctx *c, bool with)
{
    km_json_arr(j, "rows");
    for (size_t v = 0; with && v < vm->nvis; v++) {
        const struct km_row *r = km_vm_row(vm, v);
        if (r->pinned)
            continue;
        km_json_obj(j, NULL);
        km_json_fields(vm->def, c, r, j);
        km_json_obj_end(j);
    }
    km_json_arr_end(j);
}

/* d: the view of the fields, whose history decides on KM_F_HIST ones; NULL: none apply. */
static void json_fields(const struct km_view_def *d, const struct km_col *f, int n,
                        const struct km_vctx *c, const struct km_row *r, struct km_json *j)
{
    bool hist = d && km_hist_shown(d, c);
    for (int k = 0; k < n; k++)
        if (!(f[k].flags & KM_F_NOJSON) && (f[k].get || f[k].jsonw) &&
            (!f[k].when || f[k].when(c)) && (hist || !(f[k].flags & KM_F_HIST)))
            km_col_json(&f[k], c, r, j);
}

void km_json_fields_of(const struct km_col *f, int n, const struct km_vctx *c,
                       const struct km_row *r, struct km_json *j)
{
    json_fields(NULL, f, n, c, r, j);
}

void km_json_fields(const struct km_view_def *d, const struct km_vctx *c, const struct km_row *r,
                    struct km_json *j)
{
    json_fields(d, d->cols, d->ncols, c, r, j);
}

struct km_row km_sample_row(const struct km_vctx *c)
{
    return (struct km_row){.rec = c->s, .id = "summary"};
}

void km_json_summary(const struct km_view_def *d, const struct km_vctx *c, struct km_json *j)
{
    struct km_row r = km_sample_row(c);
    km_json_obj(j, d->sum_key ? d->sum_key : "summary");
    json_fields(NULL, d->sum, d->nsum, c, &r, j);
    km_json_obj_end(j);
}

static const struct km_col *sum_field(const struct km_view_def *d, const char *key, size_t len)
{
    for (int k = 0; k < d->nsum; k++)
        if (strlen(d->sum[k].key) == len && strncmp(d->sum[k].key, key, len) == 0)
            return &d->sum[k];
    return NULL;
}

void km_fields_line(const struct km_view_def *d, const struct km_vctx *c, const char *tmpl,
                    char *out, size_t n)
{
    struct km_row r = km_sample_row(c);
    size_t pos = 0;
    char cell[KM_FIELD_BUF];
    for (const char *p = tmpl; *p && pos + 1 < n;) {
        const char *end = *p == '{' ? strchr(p, '}') : NULL;
        if (!end) {
            out[pos++] = *p++;
            continue;
        }
        const struct km_col *f = sum_field(d, p + 1, (size_t)(end - p - 1));
        if (f)
            km_col_cell(f, c, &r, cell, sizeof(cell));
        else
            snprintf(cell, sizeof(cell), "{?%.*s}", (int)(end - p - 1), p + 1);
        int w = snprintf(out + pos, n - pos, "%s", cell);
        pos += w > 0 ? (size_t)w : 0;
        p = end + 1;
    }
    out[pos < n ? pos : n - 1] = '\0';
}
