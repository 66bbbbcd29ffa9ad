/* view.c - the view model: rows, filter, sort, search, selection. See view.h. */
#include "view.h"
#include "fmt.h"
#include "hist.h"
#include "views.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void km_vm_init(struct km_vm *vm, const struct km_view_def *def)
{
    memset(vm, 0, sizeof(*vm));
    vm->def = def;
    vm->sort_col = def->default_sort;
    vm->auto_sort = def->default_sort;
}

/*
 * A view whose state changes its default sort (nodes' all-zones mode):
 * the sort follows while it is still the automatic one, a sort the user
 * chose stays.
 */
static void follow_sort_for(struct km_vm *vm, const struct km_vctx *c)
{
    const struct km_view_def *d = vm->def;
    const void *st = d->sort_for ? km_view_state(c, d) : NULL;
    int want = d->sort_for ? d->sort_for(st) : d->default_sort;
    if (want == vm->auto_sort || want < 0 || want >= d->ncols)
        return;
    if (vm->sort_col == vm->auto_sort) {
        vm->sort_col = want;
        vm->reverse = false;
    }
    vm->auto_sort = want;
}

void km_vm_free(struct km_vm *vm)
{
    free(vm->rows);
    free(vm->vis);
    km_hist_free(vm->hist);
    vm->hist = NULL;
    free(vm->fold);
    free(vm->order);
    vm->order = NULL;
    vm->norder = vm->ordercap = 0;
    vm->rows = NULL;
    vm->vis = NULL;
    vm->fold = NULL;
    vm->nrows = vm->cap = vm->nvis = vm->viscap = vm->nfold = vm->foldcap = 0;
}

/* The fold set: a few ids the user folded, searched in order (a user folds a handful). */
static long fold_find(const struct km_vm *vm, const char *id)
{
    for (size_t i = 0; i < vm->nfold; i++)
        if (strcmp(vm->fold[i], id) == 0)
            return (long)i;
    return -1;
}

bool km_vm_is_folded(const struct km_vm *vm, const char *id)
{
    return fold_find(vm, id) >= 0;
}

#define KM_FOLD_MAX 4096 /* folds kept at most: the oldest is dropped beyond */

bool km_vm_fold(struct km_vm *vm, const char *id, int how)
{
    long i = fold_find(vm, id);
    if (how < 0)
        how = i < 0;
    if (how && i < 0) {
        if (vm->nfold == KM_FOLD_MAX) {
            memmove(vm->fold, vm->fold + 1, (vm->nfold - 1) * sizeof(*vm->fold));
            vm->nfold--;
        }
        xgrow((void **)&vm->fold, &vm->foldcap, vm->nfold + 1, sizeof(*vm->fold));
        snprintf(vm->fold[vm->nfold++], sizeof(vm->fold[0]), "%s", id);
        return true;
    }
    if (!how && i >= 0) {
        memmove(vm->fold + i, vm->fold + i + 1, (vm->nfold - (size_t)i - 1) * sizeof(*vm->fold));
        vm->nfold--;
        return true;
    }
    return false;
}

bool km_vm_unfold_all(struct km_vm *vm)
{
    bool any = vm->nfold > 0;
    vm->nfold = 0;
    return any;
}

static struct km_row *new_row(struct km_vm *vm, const void *rec, int kind, int depth, size_t parent,
                              const char *name)
{
    if (vm->nrows == vm->cap)
        xgrow((void **)&vm->rows, &vm->cap, vm->nrows + 1, sizeof(*vm->rows));
    struct km_row *r = &vm->rows[vm->nrows];
    memset(r, 0, sizeof(*r));
    r->rec = rec;
    r->kind = kind;
    r->depth = depth;
    r->parent = parent;
    /* never a pointer into rows[]: the array moves as it grows */
    r->name = name;
    return r;
}

size_t km_vm_add(struct km_vm *vm, const void *rec, int kind, int depth, size_t parent,
                 const char *name, const char *idfmt, ...)
{
    struct km_row *r = new_row(vm, rec, kind, depth, parent, name);
    va_list ap;
    va_start(ap, idfmt);
    if (idfmt[0] == '%' && idfmt[1] == 's' && !idfmt[2]) { /* "%s", most views' ids */
        const char *a = va_arg(ap, const char *);
        km_fmt_str(r->id, sizeof(r->id), a ? a : "(null)"); /* as glibc prints NULL */
    } else {
        vsnprintf(r->id, sizeof(r->id), idfmt, ap);
    }
    va_end(ap);
    return vm->nrows++;
}

size_t km_vm_add_id(struct km_vm *vm, const void *rec, int kind, int depth, size_t parent,
                    const char *name, const struct km_id *id)
{
    struct km_row *r = new_row(vm, rec, kind, depth, parent, name);
    memcpy(r->id, id->s, id->n + 1);
    return vm->nrows++;
}

void km_id_str(struct km_id *id, const char *s)
{
    while (*s && id->n + 1 < sizeof(id->s))
        id->s[id->n++] = *s++;
    id->s[id->n] = '\0';
}

void km_id_int(struct km_id *id, int v)
{
    char t[24];
    km_fmt_int(t, sizeof(t), v);
    km_id_str(id, t);
}

bool km_filter_match(const char *filter, const char *name)
{
    if (!filter || !*filter)
        return true;
    const char *p = filter;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        while (n > 0 && isspace((unsigned char)*p)) {
            p++;
            n--;
        }
        while (n > 0 && isspace((unsigned char)p[n - 1]))
            n--;
        if (n > 0) {
            for (const char *h = name; *h; h++)
                if (strncasecmp(h, p, n) == 0)
                    return true;
        }
        if (!bar)
            break;
        p = bar + 1;
    }
    return false;
}

bool km_vm_desc(const struct km_vm *vm)
{
    bool d = vm->sort_col >= 0 && vm->sort_col < vm->def->ncols && vm->def->cols[vm->sort_col].desc;
    return vm->reverse ? !d : d;
}

/* What one sort compares by (qsort_r's context). */
struct sort_ctx {
    const struct km_vm *vm;
    const struct km_vctx *c;
    const struct km_col *col; /* NULL: rows keep their order */
    bool desc;
    const struct km_val *keys; /* each row's value of col, by row index; NULL: ask col */
};

static int cmp_rows(const void *a, const void *b, void *arg)
{
    const struct sort_ctx *sc = arg;
    size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
    const struct km_row *ra = &sc->vm->rows[ia], *rb = &sc->vm->rows[ib];
    int r = sc->keys  ? km_val_cmp(sc->keys[ia], sc->keys[ib])
            : sc->col ? km_col_cmp(sc->col, sc->c, ra, rb)
                      : 0;
    if (sc->desc)
        r = -r;
    if (r == 0)
        r = (ia > ib) - (ia < ib);
    return r;
}

static size_t top_of(const struct km_vm *vm, size_t i)
{
    while (vm->rows[i].depth > 0 && vm->rows[i].parent < i)
        i = vm->rows[i].parent;
    return i;
}

/* The row's name matches pattern, or another name of it does (d->match). */
static bool row_match(const struct km_vm *vm, const struct km_row *r, const char *pattern)
{
    if (km_filter_match(pattern, km_row_name(r)))
        return true;
    return vm->def->match && pattern && *pattern && vm->def->match(r, pattern);
}

static bool hidden_quiet(const struct km_vm *vm, const struct km_row *r)
{
    return vm->hide_quiet && r->quiet && !r->pinned;
}

/*
 * Visible: the row matches, or an ancestor does, or a descendant does; a
 * quiet row never while they are hidden (nor does it show its parent), and
 * nquiet counts those the filter would have shown.
 */
static void apply_filter(struct km_vm *vm, bool *show)
{
    vm->nquiet = 0;
    for (size_t i = 0; i < vm->nrows; i++) { /* parents come before children */
        const struct km_row *r = &vm->rows[i];
        show[i] = r->pinned || row_match(vm, r, vm->filter) ||
                  (r->depth > 0 && r->parent < i && show[r->parent]);
        if (show[i] && hidden_quiet(vm, r)) {
            show[i] = false;
            vm->nquiet++;
        }
    }
    for (size_t i = vm->nrows; i-- > 0;)
        if (show[i] && vm->rows[i].depth > 0 && vm->rows[i].parent < i &&
            !hidden_quiet(vm, &vm->rows[vm->rows[i].parent]))
            show[vm->rows[i].parent] = true;
}

/*
 * The sort column's value of each top row, read once instead of twice per
 * comparison; NULL when the column orders by its own cmp or yields text (a
 * string may live in the getter's buffer only).
 */
static struct km_val *sort_keys(const struct km_vm *vm, const struct km_vctx *c,
                                const struct km_col *col, const size_t *tops, size_t ntop)
{
    if (!col || col->cmp || !col->get || ntop < 2)
        return NULL;
    struct km_val *k = xmalloc(vm->nrows * sizeof(*k));
    char buf[KM_FIELD_BUF];
    for (size_t t = 0; t < ntop; t++) {
        k[tops[t]] = km_col_value(col, c, &vm->rows[tops[t]], buf, sizeof(buf));
        if (k[tops[t]].t == KM_VT_STR) {
            free(k);
            return NULL;
        }
    }
    return k;
}

/*
 * Marks each row's has_kids and folded, and hides the descendants of a
 * folded row (parents come before their children).
 */
static void apply_fold(struct km_vm *vm, bool *show)
{
    bool *under = vm->nfold ? xcalloc(vm->nrows ? vm->nrows : 1, sizeof(*under)) : NULL;
    for (size_t i = 0; i < vm->nrows; i++) {
        struct km_row *r = &vm->rows[i];
        r->has_kids = false;
        r->folded = vm->nfold && km_vm_is_folded(vm, r->id);
        if (r->depth > 0 && r->parent < i) {
            vm->rows[r->parent].has_kids = true;
            if (under && (under[r->parent] || vm->rows[r->parent].folded)) {
                under[i] = true;
                show[i] = false;
            }
        }
    }
    free(under);
}

/* The sort column's value of every shown row (sort_children), or NULL as sort_keys. */
static struct km_val *all_keys(const struct km_vm *vm, const struct km_vctx *c,
                               const struct km_col *col, const bool *show)
{
    if (!col || col->cmp || !col->get || vm->nrows < 2)
        return NULL;
    struct km_val *k = xmalloc(vm->nrows * sizeof(*k));
    char buf[KM_FIELD_BUF];
    for (size_t i = 0; i < vm->nrows; i++) {
        if (!show[i])
            continue;
        k[i] = km_col_value(col, c, &vm->rows[i], buf, sizeof(buf));
        if (k[i].t == KM_VT_STR) {
            free(k);
            return NULL;
        }
    }
    return k;
}

/*
 * Sorts list[0..n) by cmp_rows starting from the order it is in: insertion sort, n - 1
 * comparisons when nothing moved; qsort when more than 4n moves would be needed. cmp_rows
 * is a total order, so the result is the one qsort gives from any starting order.
 */
static void sort_from(size_t *list, size_t n, struct sort_ctx *sc)
{
    size_t moves = 0, limit = 4 * n; /* beyond: qsort's n log n is cheaper */
    for (size_t i = 1; i < n && moves <= limit; i++) {
        size_t x = list[i], j = i;
        while (j > 0 && cmp_rows(&list[j - 1], &x, sc) > 0 && moves++ <= limit) {
            list[j] = list[j - 1];
            j--;
        }
        list[j] = x;
    }
    if (moves > limit)
        qsort_r(list, n, sizeof(*list), cmp_rows, sc);
}

/*
 * sort_children: appends the rows of group g (its members at list[start[g] .. start[g + 1]),
 * sorted) to vis, each followed depth first by its own group. Group n is the top rows.
 */
static void emit_tree(struct km_vm *vm, const size_t *list, const size_t *start, size_t g)
{
    for (size_t k = start[g]; k < start[g + 1]; k++) {
        vm->vis[vm->nvis++] = list[k];
        emit_tree(vm, list, start, list[k]);
    }
}

/*
 * Every shown row in a tree order whose siblings are sorted at each depth. Each group of
 * siblings starts from its order of the last refresh (vm->order holds the rows emitted then),
 * the rows new to it after them, and is sorted from there (sort_from) when most of its rows
 * were in that order (else with qsort): a refresh whose data and order did not change costs
 * n - 1 comparisons per group, not a qsort of every group.
 */
static void refresh_tree(struct km_vm *vm, const struct km_vctx *c, const bool *show)
{
    const struct km_col *col =
        vm->sort_col >= 0 && vm->sort_col < vm->def->ncols ? &vm->def->cols[vm->sort_col] : NULL;
    struct sort_ctx sc = {
        .vm = vm, .c = c, .col = col && km_col_sortable(col) ? col : NULL, .desc = km_vm_desc(vm)};
    size_t n = vm->nrows;
    /* grp[i]: the group row i sorts in (its parent's index; n: a top row); SIZE_MAX: none */
    size_t *grp = xmalloc((n ? n : 1) * sizeof(*grp));
    size_t *start = xcalloc(n + 2, sizeof(*start)), *fill = xcalloc(n + 1, sizeof(*fill));
    size_t *list = xmalloc((n ? n : 1) * sizeof(*list));
    for (size_t i = 0; i < n; i++) {
        const struct km_row *r = &vm->rows[i];
        size_t p = r->depth > 0 && r->parent < i ? r->parent : n;
        grp[i] = !show[i] || (r->pinned && r->depth == 0) || (p < n && grp[p] == SIZE_MAX)
                     ? SIZE_MAX
                     : p;
        if (grp[i] != SIZE_MAX)
            start[p + 1]++;
    }
    for (size_t g = 0; g <= n; g++) /* group g's members at list[start[g] .. start[g + 1]) */
        start[g + 1] += start[g];
    /*
     * The last order first, then the rows new to the tree (each row once); old[g]: how many
     * of group g's rows were in the last order.
     */
    unsigned char *placed = xcalloc(n ? n : 1, 1);
    size_t *old = xcalloc(n + 1, sizeof(*old));
    for (size_t pass = 0; pass < 2; pass++)
        for (size_t t = 0; t < (pass ? n : vm->norder); t++) {
            size_t i = pass ? t : vm->order[t];
            if (i >= n || grp[i] == SIZE_MAX || placed[i])
                continue;
            placed[i] = 1;
            list[start[grp[i]] + fill[grp[i]]++] = i;
            old[grp[i]] += !pass;
        }
    free(placed);
    struct km_val *keys = sc.col ? all_keys(vm, c, sc.col, show) : NULL;
    sc.keys = keys;
    for (size_t g = 0; g <= n; g++) {
        size_t len = start[g + 1] - start[g];
        if (len > 1 && 2 * old[g] >= len) /* mostly in the last order: sorted from it */
            sort_from(list + start[g], len, &sc);
        else if (len > 1) /* mostly new (the first refresh): insertion would only waste time */
            qsort_r(list + start[g], len, sizeof(*list), cmp_rows, &sc);
    }
    free(keys);
    free(old);
    size_t from = vm->nvis;
    emit_tree(vm, list, start, n);
    xgrow((void **)&vm->order, &vm->ordercap, vm->nvis - from + 1, sizeof(*vm->order));
    memcpy(vm->order, vm->vis + from, (vm->nvis - from) * sizeof(*vm->order));
    vm->norder = vm->nvis - from;
    free(grp);
    free(start);
    free(fill);
    free(list);
}

/*
 * Sorts tops (ascending row indexes) by starting from the last refresh's order when it holds
 * the same rows: insertion sort, n - 1 comparisons when the order did not change and a few
 * more when some rows moved; qsort when the rows are others or too many moved. cmp_rows is a
 * total order (ties go by row index), so the result is the one qsort gives.
 */
static void sort_tops(struct km_vm *vm, struct sort_ctx *sc, size_t *tops, size_t ntop)
{
    bool reuse = ntop >= 2 && vm->norder == ntop;
    unsigned char *seen = reuse ? xcalloc(vm->nrows, 1) : NULL;
    for (size_t t = 0; reuse && t < ntop; t++)
        seen[tops[t]] = 1;
    for (size_t t = 0; reuse && t < ntop; t++) /* a top row each, once */
        reuse = vm->order[t] < vm->nrows && seen[vm->order[t]]-- == 1;
    free(seen);
    if (reuse) {
        memcpy(tops, vm->order, ntop * sizeof(*tops));
        sort_from(tops, ntop, sc);
    } else {
        qsort_r(tops, ntop, sizeof(*tops), cmp_rows, sc);
    }
    xgrow((void **)&vm->order, &vm->ordercap, ntop ? ntop : 1, sizeof(*vm->order));
    memcpy(vm->order, tops, ntop * sizeof(*tops));
    vm->norder = ntop;
}

/* The top rows sorted, each followed by its children in build order. */
static void refresh_flat(struct km_vm *vm, const struct km_vctx *c, const bool *show)
{
    size_t *tops = xmalloc((vm->nrows ? vm->nrows : 1) * sizeof(*tops));
    size_t ntop = 0;
    for (size_t i = 0; i < vm->nrows; i++)
        if (show[i] && vm->rows[i].depth == 0 && !vm->rows[i].pinned)
            tops[ntop++] = i;
    const struct km_col *col =
        vm->sort_col >= 0 && vm->sort_col < vm->def->ncols ? &vm->def->cols[vm->sort_col] : NULL;
    struct sort_ctx sc = {
        .vm = vm, .c = c, .col = col && km_col_sortable(col) ? col : NULL, .desc = km_vm_desc(vm)};
    struct km_val *keys = sort_keys(vm, c, sc.col, tops, ntop);
    sc.keys = keys;
    sort_tops(vm, &sc, tops, ntop);
    free(keys);
    for (size_t t = 0; t < ntop; t++) {
        vm->vis[vm->nvis++] = tops[t];
        for (size_t i = tops[t] + 1; i < vm->nrows && vm->rows[i].depth > 0; i++)
            if (show[i] && top_of(vm, i) == tops[t])
                vm->vis[vm->nvis++] = i;
    }
    free(tops);
}

void km_vm_refresh(struct km_vm *vm, const struct km_vctx *c)
{
    follow_sort_for(vm, c);
    bool *show = xcalloc(vm->nrows ? vm->nrows : 1, sizeof(*show));
    apply_filter(vm, show);
    apply_fold(vm, show);
    xgrow((void **)&vm->vis, &vm->viscap, vm->nrows + 1, sizeof(*vm->vis));
    vm->nvis = 0;
    if (vm->def->sort_children)
        refresh_tree(vm, c, show);
    else
        refresh_flat(vm, c, show);
    for (size_t i = 0; i < vm->nrows; i++)
        if (vm->rows[i].pinned && vm->rows[i].depth == 0)
            vm->vis[vm->nvis++] = i;
    free(show);
    /*
     * Restore the selection by identity. When that row is not shown (filtered
     * out, or gone for now) keep the cursor where it was, but remember the
     * row: it is selected again as soon as it comes back (the filter cleared).
     * Only the user's moves (km_vm_select) change the remembered row.
     */
    bool found = false;
    for (size_t v = 0; v < vm->nvis && vm->sel_id[0]; v++)
        if (strcmp(vm->rows[vm->vis[v]].id, vm->sel_id) == 0) {
            vm->sel = v;
            found = true;
            break;
        }
    if (!found)
        vm->sel = vm->nvis == 0 ? 0 : vm->sel < vm->nvis ? vm->sel : vm->nvis - 1;
    if (!vm->sel_id[0] && vm->nvis)
        snprintf(vm->sel_id, sizeof(vm->sel_id), "%s", vm->rows[vm->vis[vm->sel]].id);
}

void km_vm_build(struct km_vm *vm, const struct km_vctx *c)
{
    vm->nrows = 0;
    if (vm->def->rows)
        vm->def->rows(vm, c);
    if (vm->hist)
        km_hist_update(vm->hist, vm, c);
    km_vm_refresh(vm, c);
}

int km_view_screen_cols(const struct km_view_def *d)
{
    int n = 0;
    while (n < d->ncols && !(d->cols[n].flags & KM_F_NOSCREEN))
        n++;
    return n;
}

int km_vm_find_col(const struct km_vm *vm, const char *key)
{
    for (int i = 0; i < km_view_screen_cols(vm->def); i++) {
        const struct km_col *col = &vm->def->cols[i];
        if ((col->key && strcasecmp(col->key, key) == 0) || strcasecmp(col->title, key) == 0)
            return i;
    }
    return -1;
}

int km_vm_find_letter(const struct km_vm *vm, char letter)
{
    for (int i = 0; i < vm->def->ncols; i++)
        if (vm->def->cols[i].letter == letter)
            return i;
    return -1;
}

void km_vm_set_sort(struct km_vm *vm, int col, const struct km_vctx *c)
{
    if (col < 0 || col >= km_view_screen_cols(vm->def) || !km_col_sortable(&vm->def->cols[col]))
        return;
    vm->sort_col = col;
    vm->reverse = false;
    km_vm_refresh(vm, c);
}

void km_vm_select(struct km_vm *vm, size_t visidx)
{
    if (vm->nvis == 0)
        return;
    if (visidx >= vm->nvis)
        visidx = vm->nvis - 1;
    vm->sel = visidx;
    snprintf(vm->sel_id, sizeof(vm->sel_id), "%s", vm->rows[vm->vis[visidx]].id);
}

bool km_vm_search_next(struct km_vm *vm, int dir, bool include_current)
{
    if (!vm->search[0] || vm->nvis == 0)
        return false;
    size_t n = vm->nvis;
    for (size_t k = include_current ? 0 : 1; k <= n; k++) {
        size_t v = dir >= 0 ? (vm->sel + k) % n : (vm->sel + n - (k % n)) % n;
        const struct km_row *r = &vm->rows[vm->vis[v]];
        if (!r->pinned && row_match(vm, r, vm->search)) {
            km_vm_select(vm, v);
            return true;
        }
    }
    return false;
}

const char *km_row_name(const struct km_row *r)
{
    return r->name ? r->name : r->id;
}

const struct km_row *km_vm_row(const struct km_vm *vm, size_t visidx)
{
    return visidx < vm->nvis ? &vm->rows[vm->vis[visidx]] : NULL;
}

const char *km_col_title(const struct km_view_def *d, const struct km_vctx *c, int col, char *buf,
                         size_t n)
{
    if (d->col_title) {
        buf[0] = '\0';
        d->col_title(c, col, buf, n);
        if (buf[0])
            return buf;
    }
    return d->cols[col].title;
}

bool km_col_shown(const struct km_view_def *d, const struct km_vctx *c, int col)
{
    if ((d->cols[col].flags & KM_F_HIST) && !km_hist_shown(d, c))
        return false;
    return !d->col_shown || d->col_shown(c, col);
}

bool km_col_on_screen(const struct km_view_def *d, const struct km_vctx *c, int col)
{
    return !(d->cols[col].flags & KM_F_NOSCREEN) && km_col_shown(d, c, col) &&
           (!d->col_table || d->col_table(c, col));
}

int km_cmp_i64(int64_t a, int64_t b)
{
    if (KM_IS_NA(a) != KM_IS_NA(b))
        return KM_IS_NA(a) ? -1 : 1;
    return (a > b) - (a < b);
}

int km_cmp_dbl(double a, double b)
{
    if (isnan(a) != isnan(b))
        return isnan(a) ? -1 : 1;
    return (a > b) - (a < b);
}

void km_size_cell(const struct km_vctx *c, int64_t bytes, char *out, size_t n)
{
    if (c->raw)
        km_fmt_int(out, n, bytes);
    else
        km_fmt_size(out, n, bytes);
}
