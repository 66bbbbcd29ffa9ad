/* prom.c - batch frames in the Prometheus text format, from the field tables. See prom.h. */
#include "prom.h"
#include "config.h"
#include "fmt.h"
#include "frame.h"

#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "kmemtop_"

void km_prom_opts_init(struct km_prom_opts *po)
{
    memset(po, 0, sizeof(*po));
    for (int v = 0; v < KM_VIEWS_MAX; v++)
        po->top[v] = -1;
}

void km_prom_label_value(FILE *f, const char *s)
{
    char safe[1024];
    km_sanitize(safe, sizeof(safe), s ? s : "");
    for (const char *p = safe; *p; p++) {
        if (*p == '\\' || *p == '"')
            fputc('\\', f);
        if (*p == '\n')
            fputs("\\n", f);
        else
            fputc(*p, f);
    }
}

/* HELP text: one line, \\ and \n escaped. */
static void help_text(FILE *f, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '\\')
            fputs("\\\\", f);
        else if (*p == '\n')
            fputs("\\n", f);
        else
            fputc(*p, f);
    }
}

/* ---- a table's rows as families ------------------------------------------------ */

/* A row to export: the row, its label text (name="v",...; escaped), the rows summed into it. */
struct prow {
    const struct km_row *r; /* NULL: the "other" row */
    size_t order;           /* its place in build order (duplicate labels are told apart by it) */
    int kind;               /* rows of one kind feed the same families */
    char *labels;
};

struct table {
    const struct km_col *cols;
    int ncols;
    struct prow *rows;
    size_t nrows;
    const struct km_row **rest; /* the rows past the top N, summed into the "other" row */
    size_t nrest;
};

static bool applies(const struct km_prom *e, const struct km_row *r)
{
    return !e->kinds || (r->kind >= 0 && r->kind < 32 && (e->kinds & (1u << r->kind)));
}

/* A value as the exposition format writes it; false when it has none. */
static bool num(struct km_val v, double *d, int64_t *i, bool *isint)
{
    switch (v.t) {
    case KM_VT_INT:
    case KM_VT_BOOL:
        *i = v.i;
        *isint = true;
        return true;
    case KM_VT_DBL:
        *d = v.d;
        *isint = false;
        return true;
    default:
        return false;
    }
}

struct family {
    const char *name;
    bool started;
};

static void sample(FILE *f, struct family *fam, const struct km_prom *e, const struct km_col *col,
                   const char *labels, double d, int64_t i, bool isint)
{
    if (!fam->started) {
        fprintf(f, "# HELP " PREFIX "%s ", fam->name);
        help_text(f, e->help ? e->help : col->help);
        fprintf(f, "\n# TYPE " PREFIX "%s %s\n", fam->name,
                e->type == KM_PROM_COUNTER ? "counter" : "gauge");
        fam->started = true;
    }
    fprintf(f, PREFIX "%s", fam->name);
    bool any = labels && labels[0];
    if (any || e->label) {
        fputc('{', f);
        if (any)
            fputs(labels, f);
        if (e->label) {
            fprintf(f, "%s%s=\"", any ? "," : "", e->label);
            km_prom_label_value(f, e->lval);
            fputc('"', f);
        }
        fputc('}', f);
    }
    if (isint)
        fprintf(f, " %" PRId64 "\n", i);
    else
        fprintf(f, " %.15g\n", d);
}

/* The "other" row's value of entry e of col: the sum over the rest, false when none has one. */
static bool rest_sum(const struct table *t, const struct km_col *col, const struct km_prom *e,
                     const struct km_vctx *c, double *d, int64_t *i, bool *isint)
{
    bool any = false, allint = true;
    int64_t si = 0;
    double sd = 0;
    char buf[KM_FIELD_BUF];
    for (size_t k = 0; k < t->nrest; k++) {
        if (!applies(e, t->rest[k]))
            continue;
        double vd;
        int64_t vi;
        bool vint;
        if (!num(km_col_value(col, c, t->rest[k], buf, sizeof(buf)), &vd, &vi, &vint))
            continue;
        any = true;
        if (vint && allint && !__builtin_add_overflow(si, vi, &si)) {
            sd += (double)vi;
            continue;
        }
        allint = false;
        sd += vint ? (double)vi : vd;
    }
    *d = sd;
    *i = si;
    *isint = allint;
    return any;
}

/* Every family of the table, each with its samples together. */
static void families(FILE *f, const struct table *t, const struct km_vctx *c)
{
    const char *done[256];
    size_t ndone = 0;
    char buf[KM_FIELD_BUF];
    for (int k0 = 0; k0 < t->ncols; k0++) {
        for (const struct km_prom *e0 = t->cols[k0].prom; e0 && e0->name; e0++) {
            bool seen = false;
            for (size_t q = 0; q < ndone && !seen; q++)
                seen = strcmp(done[q], e0->name) == 0;
            if (seen || ndone == 256)
                continue;
            done[ndone++] = e0->name;
            struct family fam = {.name = e0->name};
            for (size_t ri = 0; ri < t->nrows; ri++) {
                const struct prow *pr = &t->rows[ri];
                for (int k = k0; k < t->ncols; k++) {
                    const struct km_col *col = &t->cols[k];
                    for (const struct km_prom *e = col->prom; e && e->name; e++) {
                        if (strcmp(e->name, e0->name) != 0)
                            continue;
                        double d;
                        int64_t i;
                        bool isint;
                        if (pr->r && !applies(e, pr->r))
                            continue;
                        if (pr->r && (col->when && !col->when(c)))
                            continue;
                        if (pr->r ? !num(km_col_value(col, c, pr->r, buf, sizeof(buf)), &d, &i,
                                         &isint)
                                  : !e->sum || !rest_sum(t, col, e, c, &d, &i, &isint))
                            continue;
                        sample(f, &fam, e, col, pr->labels, d, i, isint);
                    }
                }
            }
        }
    }
}

/* ---- which rows, their labels ---------------------------------------------------- */

static bool has_prom(const struct km_col *cols, int n)
{
    for (int k = 0; k < n; k++)
        if (cols[k].prom)
            return true;
    return false;
}

/* name matches one of the globs "a*|b*" (NULL: none) */
static bool globs_match(const char *globs, const char *name)
{
    if (!globs)
        return false;
    char pat[512];
    const char *p = globs;
    for (;;) {
        size_t len = strcspn(p, "|");
        snprintf(pat, sizeof(pat), "%.*s", (int)len, p);
        if (fnmatch(pat, name, 0) == 0)
            return true;
        if (!p[len])
            return false;
        p += len + 1;
    }
}

static void labels_of(const struct km_view_def *d, const struct km_vctx *c,
                      const struct km_row *r, struct km_plabels *l)
{
    memset(l, 0, sizeof(*l));
    if (d->prom_labels) {
        d->prom_labels(c, r, l);
        return;
    }
    l->n = 1;
    l->name[0] = d->prom_label ? d->prom_label : "name";
    snprintf(l->val[0], sizeof(l->val[0]), "%s", km_row_name(r));
}

static char *labels_text(const struct km_plabels *l, bool other)
{
    char *s = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&s, &n);
    for (int i = 0; m && i < l->n; i++) {
        fprintf(m, "%s%s=\"", i ? "," : "", l->name[i]);
        km_prom_label_value(m, other ? (i == 0 ? "other" : "") : l->val[i]);
        fputc('"', m);
    }
    if (!m || fclose(m) != 0)
        abort();
    return s;
}

static int by_labels(const void *a, const void *b)
{
    const struct prow *x = *(const struct prow *const *)a, *y = *(const struct prow *const *)b;
    int d = x->kind != y->kind ? (x->kind > y->kind) - (x->kind < y->kind)
                               : strcmp(x->labels, y->labels);
    return d ? d : (x->order > y->order) - (x->order < y->order);
}

/*
 * Rows of one kind whose labels collide get index="k", k their place among
 * them in build order.
 */
static void index_twins(struct prow *rows, size_t n)
{
    struct prow **p = xcalloc(n ? n : 1, sizeof(*p));
    for (size_t i = 0; i < n; i++)
        p[i] = &rows[i];
    qsort(p, n, sizeof(*p), by_labels);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && p[j]->kind == p[i]->kind && strcmp(p[j]->labels, p[i]->labels) == 0)
            j++;
        for (size_t k = i; j - i > 1 && k < j; k++) {
            size_t len = strlen(p[k]->labels) + 32;
            char *s = xcalloc(len, 1);
            snprintf(s, len, "%s%sindex=\"%zu\"", p[k]->labels, p[k]->labels[0] ? "," : "", k - i);
            free(p[k]->labels);
            p[k]->labels = s;
        }
        i = j;
    }
    free(p);
}

static int view_index(const struct km_view_def *d)
{
    int v = km_view_index(d);
    return v >= 0 && v < KM_VIEWS_MAX ? v : 0;
}

/* The rows to export (top N, patterns), the rest, their labels. */
static void select_rows(struct table *t, const struct km_vm *vm, const struct km_vctx *c,
                        const struct km_prom_opts *po)
{
    const struct km_view_def *d = vm->def;
    int v = view_index(d);
    int top = po && po->top[v] >= 0 ? po->top[v] : d->prom_top;
    const char *inc = po ? po->include[v] : NULL, *exc = po ? po->exclude[v] : NULL;
    t->rows = xcalloc(vm->nvis + 1, sizeof(*t->rows));
    t->rest = xcalloc(vm->nvis + 1, sizeof(*t->rest));
    size_t tops = 0;
    bool keep = true, first_rest = true;
    struct km_plabels l;
    for (size_t i = 0; i < vm->nvis; i++) {
        const struct km_row *r = km_vm_row(vm, i);
        if (r->pinned)
            continue;
        if (r->depth == 0) {
            const char *name = km_row_name(r);
            keep = (!inc || globs_match(inc, name)) && !globs_match(exc, name);
            if (keep && top > 0 && tops >= (size_t)top) {
                t->rest[t->nrest++] = r;
                if (first_rest) { /* the "other" row, labelled as the rows are */
                    labels_of(d, c, r, &l);
                    t->rows[t->nrows++] = (struct prow){.r = NULL, .order = SIZE_MAX,
                                                        .kind = r->kind,
                                                        .labels = labels_text(&l, true)};
                    first_rest = false;
                }
                keep = false;
                continue;
            }
            tops += keep;
        } else if (d->sort_children) { /* a tree (cgroups): every row by its own name */
            const char *name = km_row_name(r);
            keep = (!inc || globs_match(inc, name)) && !globs_match(exc, name);
        }
        if (!keep)
            continue;
        labels_of(d, c, r, &l);
        t->rows[t->nrows++] =
            (struct prow){.r = r, .order = (size_t)(r - vm->rows), .kind = r->kind,
                          .labels = labels_text(&l, false)};
    }
    index_twins(t->rows, t->nrows);
}

static void table_free(struct table *t)
{
    for (size_t i = 0; i < t->nrows; i++)
        free(t->rows[i].labels);
    free(t->rows);
    free(t->rest);
}

/* A summary table: one row, the sample, no label. */
static void summary(FILE *f, const struct km_col *cols, int n, const struct km_vctx *c)
{
    if (!cols || !has_prom(cols, n))
        return;
    struct km_row r = km_sample_row(c);
    char none[1] = "";
    struct prow pr = {.r = &r, .labels = none};
    struct table t = {.cols = cols, .ncols = n, .rows = &pr, .nrows = 1};
    families(f, &t, c);
}

void km_prom_view(FILE *f, const struct km_vm *vm, const struct km_vctx *c,
                  const struct km_prom_opts *po)
{
    const struct km_view_def *d = vm->def;
    char buf[400];
    summary(f, d->sum, d->nsum, c);
    if (!has_prom(d->cols, d->ncols) || km_frame_view_problem(d, c, buf, sizeof(buf))[0])
        return;
    struct table t = {.cols = d->cols, .ncols = d->ncols};
    select_rows(&t, vm, c, po);
    families(f, &t, c);
    table_free(&t);
}

/* ---- the frame's own families ------------------------------------------------------- */

static void head_family(FILE *f, const char *name, const char *type, const char *help)
{
    fprintf(f, "# HELP " PREFIX "%s %s\n# TYPE " PREFIX "%s %s\n", name, help, name, type);
}

/* One sample per source that was read (or kept): fn's value of it. */
static void per_source(FILE *f, const char *name, const char *help, const struct km_source *src,
                       const double *age, int what)
{
    bool started = false;
    for (int i = 0; i < KM_SRC_COUNT; i++) {
        const struct km_source *so = &src[i];
        if (so->status == KM_ST_SKIPPED)
            continue;
        double a = age && age[i] > 0 ? age[i] : so->age > 0 ? so->age : 0;
        if (!started)
            head_family(f, name, "gauge", help);
        started = true;
        fprintf(f, PREFIX "%s{source=\"%s\"} ", name, km_src_name((enum km_src)i));
        if (what == 0)
            fprintf(f, "%d\n", so->status == KM_ST_OK);
        else if (what == 1)
            fprintf(f, "%.9g\n", so->cost);
        else if (what == 2)
            fprintf(f, "%.9g\n", a);
        else
            fprintf(f, "%" PRId64 "\n", so->status == KM_ST_OK ? (int64_t)so->skipped : 0);
    }
}

void km_prom_head(FILE *f, const struct km_vctx *c, const struct km_source *src,
                  const double *age)
{
    const struct km_sample *s = c->s;
    head_family(f, "build_info", "gauge",
                "always 1: kmemtop's version and the kernel release it reads");
    fputs(PREFIX "build_info{version=\"", f);
    km_prom_label_value(f, PACKAGE_VERSION);
    fputs("\",kernel=\"", f);
    km_prom_label_value(f, s->kernel);
    fputs("\"} 1\n", f);
    head_family(f, "page_size_bytes", "gauge", "the page size of the kernel read");
    fprintf(f, PREFIX "page_size_bytes %ld\n", s->page_size);
    summary(f, km_frame_sum, km_frame_nsum, c);
    per_source(f, "source_up", "1 when the source was read and parsed, 0 when it was missing, "
               "denied or unusable (a failed source is a 0, not a failed scrape)", src, age, 0);
    per_source(f, "source_duration_seconds", "time the source's last read and parse took", src,
               age, 1);
    per_source(f, "source_age_seconds",
               "how old the source's figures are: 0 when read for this frame, else the age of "
               "the throttled read reused", src, age, 2);
    per_source(f, "source_skipped_lines", "lines of the source the parser could not read", src,
               age, 3);
}

void km_prom_frame(FILE *f, struct km_vm *const *vms, const struct km_vctx *c,
                   const struct km_prom_opts *po)
{
    km_prom_head(f, c, c->s->src, NULL);
    for (int v = 0; km_views[v]; v++)
        if (vms[v])
            km_prom_view(f, vms[v], c, po);
    fflush(f);
}
