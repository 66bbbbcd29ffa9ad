/*
 * test_viewmodel.c - the view model of ui/view.c on a small view of its own
 * (three columns: a name, a size that sorts largest first, a note that does
 * not sort; a parent with two children; a pinned total row) and on the
 * modules view of a real capture (debian61-root): build, sort and reverse,
 * the pinned rows, filters with '|' terms, search forwards and backwards
 * with wrap-around, and the selection kept by id across rebuilds, re-sorts
 * and while its row is filtered out or gone; and the typed fields: cell text
 * by unit, absent and blank values, order, CSV values, overrides.
 */
#include "../../ui/text.h"
#include "../../ui/views.h"
#include "kmemtop/modjoin.h"

#include <math.h>

#include "../tap.h"

/* ---- a view of its own ------------------------------------------------------------------ */

struct item {
    const char *id;
    const char *name; /* NULL: the id is what filter and search match */
    int64_t size;     /* KM_NA: absent */
    int parent;       /* index of the parent item, -1 for a top-level one */
};

/* What the rows callback builds from: the data of the current "sample". */
static const struct item *items;
static size_t nitems;
static bool with_total;
static const struct item total_item = {"_total", "(total)", 0, -1};

#define IT(r) ((const struct item *)(r)->rec)

static void f_name(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    snprintf(o, n, "%s", km_row_name(r));
}
static int c_name(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    return strcmp(km_row_name(a), km_row_name(b));
}
static void f_size(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    km_size_cell(c, IT(r)->size, o, n);
}
static long size_cmps; /* comparisons by size made, for test_sort_again */
static int c_size(const struct km_vctx *c, const struct km_row *a, const struct km_row *b)
{
    size_cmps++;
    return km_cmp_i64(IT(a)->size, IT(b)->size);
}
static void f_note(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    snprintf(o, n, "%s", r->depth ? "child" : "");
}

static const struct km_col cols[] = {
    {.title = "NAME",
     .key = "name",
     .letter = 'n',
     .width = 12,
     .align = KM_AL_LEFT,
     .fmt = f_name,
     .cmp = c_name,
     .help = "name"},
    {.title = "SIZE",
     .key = "size",
     .letter = 's',
     .width = 8,
     .align = KM_AL_RIGHT,
     .fmt = f_size,
     .cmp = c_size,
     .desc = true,
     .help = "bytes"},
    {.title = "NOTE",
     .key = "note",
     .width = 6,
     .align = KM_AL_LEFT,
     .fmt = f_note,
     .help = "not sortable"},
};

/* Each top-level item, its children right after it (as the view model wants them), the total last.
 */
static void rows(struct km_vm *vm, const struct km_vctx *c)
{
    for (size_t i = 0; i < nitems; i++) {
        if (items[i].parent >= 0)
            continue;
        size_t top = km_vm_add(vm, &items[i], 0, 0, 0, items[i].name, "%s", items[i].id);
        for (size_t k = 0; k < nitems; k++)
            if (items[k].parent == (int)i)
                km_vm_add(vm, &items[k], 1, 1, top, items[k].name, "%s", items[k].id);
    }
    if (with_total) {
        size_t r = km_vm_add(vm, &total_item, 2, 0, 0, total_item.name, "%s", total_item.id);
        vm->rows[r].pinned = true;
    }
}

static const struct km_view_def test_view = {
    .name = "test",
    .title = "Test",
    .cols = cols,
    .ncols = (int)KM_ARRAY_LEN(cols),
    .default_sort = 1,
    .rows = rows,
};

/* gamma has two children (g1 "x-ray", g2 "yankee"); beta and delta tie; zeta's size is absent */
static const struct item set_a[] = {
    {"alpha", NULL, 30, -1},   {"beta", NULL, 10, -1},    {"gamma", NULL, 50, -1},
    {"g1", "x-ray", 5, 2},     {"g2", "yankee", 7, 2},    {"delta", NULL, 10, -1},
    {"epsilon", NULL, 20, -1}, {"zeta", NULL, KM_NA, -1},
};
/* the next frame: alpha has shrunk to the smallest */
static const struct item set_b[] = {
    {"alpha", NULL, 1, -1},    {"beta", NULL, 10, -1},    {"gamma", NULL, 50, -1},
    {"g1", "x-ray", 5, 2},     {"g2", "yankee", 7, 2},    {"delta", NULL, 10, -1},
    {"epsilon", NULL, 20, -1}, {"zeta", NULL, KM_NA, -1},
};
/* and then alpha has gone */
static const struct item set_c[] = {
    {"beta", NULL, 10, -1}, {"gamma", NULL, 50, -1}, {"g1", "x-ray", 5, 1},
    {"g2", "yankee", 7, 1}, {"delta", NULL, 10, -1},
};

static void use(const struct item *set, size_t n, bool total)
{
    items = set;
    nitems = n;
    with_total = total;
}

/* The visible rows' ids, blank-separated. */
static const char *order(const struct km_vm *vm)
{
    static char buf[4096];
    size_t len = 0;
    buf[0] = '\0';
    for (size_t v = 0; v < vm->nvis && len < sizeof(buf); v++)
        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", v ? " " : "",
                                km_vm_row(vm, v)->id);
    return buf;
}

static const char *selected(const struct km_vm *vm)
{
    const struct km_row *r = km_vm_row(vm, vm->sel);
    return r ? r->id : "(none)";
}

/* The visible index of the row with this id, or nvis. */
static size_t vis_of(const struct km_vm *vm, const char *id)
{
    size_t v = 0;
    while (v < vm->nvis && strcmp(km_vm_row(vm, v)->id, id) != 0)
        v++;
    return v;
}

static void set_filter(struct km_vm *vm, const struct km_vctx *c, const char *f)
{
    snprintf(vm->filter, sizeof(vm->filter), "%s", f);
    km_vm_refresh(vm, c);
}

static void test_build_and_sort(void)
{
    struct km_vctx c = {0};
    struct km_vm vm;
    km_vm_init(&vm, &test_view);
    is_int(vm.sort_col, 1, "init: the view's default sort column");
    ok(!vm.reverse && vm.nrows == 0 && vm.nvis == 0, "init: no rows, not reversed");
    use(set_a, KM_ARRAY_LEN(set_a), true);
    km_vm_build(&vm, &c);
    is_int(vm.nrows, 9, "build: 8 items and the total");
    is_int(vm.nvis, 9, "build: every row visible");
    ok(km_vm_desc(&vm), "size sorts largest first");
    /* children stay under their parent in build order; ties in build order; absent first
       ascending, so last when largest first; the pinned total last */
    is_str(order(&vm), "gamma g1 g2 alpha epsilon beta delta zeta _total",
           "default sort: size, largest first");
    vm.reverse = true;
    km_vm_refresh(&vm, &c);
    ok(!km_vm_desc(&vm), "reversed: smallest first");
    is_str(order(&vm), "zeta beta delta epsilon alpha gamma g1 g2 _total",
           "reversed: absent first, ties still in build order, the total still last");
    km_vm_set_sort(&vm, 0, &c);
    ok(vm.sort_col == 0 && !vm.reverse && !km_vm_desc(&vm), "set_sort: name, reverse cleared");
    is_str(order(&vm), "alpha beta delta epsilon gamma g1 g2 zeta _total", "by name, ascending");
    vm.reverse = true;
    km_vm_refresh(&vm, &c);
    is_str(order(&vm), "zeta gamma g1 g2 epsilon delta beta alpha _total",
           "by name reversed: children still under gamma in their order");
    km_vm_set_sort(&vm, 2, &c);
    ok(vm.sort_col == 0 && vm.reverse, "set_sort on a column without a comparator: nothing");
    km_vm_set_sort(&vm, -1, &c);
    km_vm_set_sort(&vm, 3, &c);
    is_int(vm.sort_col, 0, "set_sort out of range: nothing");
    km_vm_set_sort(&vm, 1, &c);
    ok(vm.sort_col == 1 && !vm.reverse, "set_sort back to size: reverse cleared");

    is_int(km_vm_find_col(&vm, "SIZE"), 1, "find_col by title");
    is_int(km_vm_find_col(&vm, "Name"), 0, "find_col by key, any case");
    is_int(km_vm_find_col(&vm, "nope"), -1, "find_col: none");
    is_int(km_vm_find_letter(&vm, 's'), 1, "find_letter s");
    is_int(km_vm_find_letter(&vm, 'x'), -1, "find_letter: none");
    ok(km_vm_row(&vm, vm.nvis) == NULL, "km_vm_row past the end: NULL");
    const struct km_row *g2 = km_vm_row(&vm, vis_of(&vm, "g2"));
    ok(g2 && g2->depth == 1 && strcmp(km_vm_row(&vm, 0)->id, "gamma") == 0 &&
           g2->parent < vm.nrows && strcmp(vm.rows[g2->parent].id, "gamma") == 0,
       "a child's parent is the row it was added under");
    ok(g2 && strcmp(km_row_name(g2), "yankee") == 0, "row name: the name given");
    ok(strcmp(km_row_name(km_vm_row(&vm, 0)), "gamma") == 0, "row name: the id when none given");

    /* the next build starts afresh: no row of the last one is left */
    use(set_c, KM_ARRAY_LEN(set_c), false);
    km_vm_build(&vm, &c);
    is_str(order(&vm), "gamma g1 g2 beta delta", "rebuild: only the new rows");
    km_vm_free(&vm);
    ok(vm.rows == NULL && vm.vis == NULL && vm.nrows == 0 && vm.nvis == 0, "free: nothing left");
}

static void test_filter(void)
{
    ok(km_filter_match(NULL, "x") && km_filter_match("", "x"), "filter: none or empty matches all");
    ok(km_filter_match("GAM", "gamma") && !km_filter_match("gam", "alpha"),
       "filter: a substring, any case");
    ok(km_filter_match("zzz|alp", "alpha") && km_filter_match("alp|zzz", "alpha") &&
           !km_filter_match("zzz|yyy", "alpha"),
       "filter: '|' terms, any one matches");
    ok(km_filter_match("  alp  |zzz", "alpha") && !km_filter_match("a l", "alpha"),
       "filter: blanks around a term do not count, inside it they do");
    ok(!km_filter_match("zzz| |", "alpha"), "filter: empty terms match nothing");

    struct km_vctx c = {0};
    struct km_vm vm;
    km_vm_init(&vm, &test_view);
    use(set_a, KM_ARRAY_LEN(set_a), true);
    km_vm_build(&vm, &c);
    set_filter(&vm, &c, "ALP|del");
    is_str(order(&vm), "alpha delta _total", "filter a|b: both rows, sorted, the total kept");
    set_filter(&vm, &c, "gam");
    is_str(order(&vm), "gamma g1 g2 _total", "a parent that matches shows its children");
    set_filter(&vm, &c, "yank");
    is_str(order(&vm), "gamma g2 _total", "a child that matches shows its parent, not its sibling");
    set_filter(&vm, &c, " beta | ");
    is_str(order(&vm), "beta _total", "blanks and an empty term ignored");
    set_filter(&vm, &c, "zzz");
    is_str(order(&vm), "_total", "nothing matches: the pinned total alone");
    set_filter(&vm, &c, "");
    is_int(vm.nvis, 9, "filter cleared: every row again");
    /* the filter stays across builds */
    set_filter(&vm, &c, "eps");
    km_vm_build(&vm, &c);
    is_str(order(&vm), "epsilon _total", "the filter applies to the next build");
    km_vm_free(&vm);
}

static void test_search(void)
{
    struct km_vctx c = {0};
    struct km_vm vm;
    km_vm_init(&vm, &test_view);
    use(set_a, KM_ARRAY_LEN(set_a), true);
    km_vm_build(&vm, &c);
    /* gamma g1 g2 alpha epsilon beta delta zeta _total; "ta" is in beta, delta, zeta and _total */
    ok(!km_vm_search_next(&vm, 1, false), "no search text: nothing found");
    snprintf(vm.search, sizeof(vm.search), "TA");
    is_int(vm.sel, 0, "the selection starts on the first row");
    ok(km_vm_search_next(&vm, 1, false), "next: found");
    is_str(selected(&vm), "beta", "next: the first match below");
    km_vm_search_next(&vm, 1, false);
    is_str(selected(&vm), "delta", "next again: the following match");
    km_vm_search_next(&vm, 1, false);
    is_str(selected(&vm), "zeta", "next again: the last match");
    km_vm_search_next(&vm, 1, false);
    is_str(selected(&vm), "beta", "next past the last: wraps to the first, skipping the total");
    km_vm_search_next(&vm, -1, false);
    is_str(selected(&vm), "zeta", "previous from the first: wraps to the last");
    km_vm_search_next(&vm, -1, false);
    is_str(selected(&vm), "delta", "previous again");
    is_str(vm.sel_id, "delta", "a search move sets the remembered row");
    ok(km_vm_search_next(&vm, 1, true) && strcmp(selected(&vm), "delta") == 0,
       "including the current row: it stays when it matches");
    km_vm_select(&vm, 0);
    ok(km_vm_search_next(&vm, -1, true) && strcmp(selected(&vm), "zeta") == 0,
       "including the current row that does not match: the previous match (wrapped)");
    snprintf(vm.search, sizeof(vm.search), "total");
    ok(!km_vm_search_next(&vm, 1, false), "the pinned total is never a search match");
    is_str(selected(&vm), "zeta", "nothing found: the selection stays");
    snprintf(vm.search, sizeof(vm.search), "zzz|yank");
    ok(km_vm_search_next(&vm, 1, false) && strcmp(selected(&vm), "g2") == 0,
       "search terms with '|', and children found too");
    /* the only match is the current row: a full turn finds it again */
    set_filter(&vm, &c, "del");
    snprintf(vm.search, sizeof(vm.search), "del");
    ok(km_vm_search_next(&vm, 1, false) && strcmp(selected(&vm), "delta") == 0,
       "filtered: the only match found");
    ok(km_vm_search_next(&vm, 1, false) && strcmp(selected(&vm), "delta") == 0,
       "the only match: found again after a full turn");
    km_vm_free(&vm);
}

static void test_selection(void)
{
    struct km_vctx c = {0};
    struct km_vm vm;
    km_vm_init(&vm, &test_view);
    use(set_a, KM_ARRAY_LEN(set_a), true);
    km_vm_build(&vm, &c);
    is_str(vm.sel_id, "gamma", "the first build remembers the first row");
    km_vm_select(&vm, vis_of(&vm, "alpha"));
    is_str(vm.sel_id, "alpha", "select: remembers the row's id");
    km_vm_set_sort(&vm, 0, &c);
    ok(vm.sel == 0 && strcmp(selected(&vm), "alpha") == 0, "re-sorted: the same row, moved");
    vm.reverse = true;
    km_vm_refresh(&vm, &c);
    is_str(selected(&vm), "alpha", "reversed: the same row");
    km_vm_set_sort(&vm, 1, &c);
    use(set_b, KM_ARRAY_LEN(set_b), true);
    km_vm_build(&vm, &c);
    ok(vm.sel == vis_of(&vm, "alpha") && vm.sel == 6, "rebuilt, alpha now smallest: followed");
    size_t before = vm.sel;
    set_filter(&vm, &c, "eps");
    ok(vm.sel < vm.nvis && strcmp(vm.sel_id, "alpha") == 0,
       "filtered out: the cursor in range, the row remembered");
    ok(vm.sel == vm.nvis - 1 && before > vm.sel,
       "filtered out: the cursor clamped to the last row");
    km_vm_build(&vm, &c);
    is_str(vm.sel_id, "alpha", "filtered out across a rebuild: still remembered");
    set_filter(&vm, &c, "");
    is_str(selected(&vm), "alpha", "filter cleared: selected again");
    use(set_c, KM_ARRAY_LEN(set_c), false);
    km_vm_build(&vm, &c);
    ok(vm.sel < vm.nvis && strcmp(vm.sel_id, "alpha") == 0,
       "row gone: remembered, cursor in range");
    use(set_a, KM_ARRAY_LEN(set_a), true);
    km_vm_build(&vm, &c);
    is_str(selected(&vm), "alpha", "row back: selected again");
    km_vm_select(&vm, 999);
    ok(vm.sel == vm.nvis - 1 && strcmp(vm.sel_id, "_total") == 0,
       "select past the end: the last row");

    use(NULL, 0, false);
    km_vm_build(&vm, &c);
    ok(vm.nvis == 0 && vm.sel == 0 && km_vm_row(&vm, 0) == NULL, "no rows: nothing selected");
    km_vm_select(&vm, 3);
    ok(vm.sel == 0 && strcmp(vm.sel_id, "_total") == 0, "no rows: select does nothing");
    snprintf(vm.search, sizeof(vm.search), "a");
    ok(!km_vm_search_next(&vm, 1, true), "no rows: search finds nothing");
    km_vm_free(&vm);
}

static bool odd_shown(const struct km_vctx *c, int col)
{
    return col != 2;
}
static void size_title(const struct km_vctx *c, int col, char *out, size_t n)
{
    if (col == 1)
        snprintf(out, n, "BYTES");
}

static void test_columns_and_cmp(void)
{
    struct km_view_def d = test_view;
    char buf[32];
    is_str(km_col_title(&d, NULL, 1, buf, sizeof(buf)), "SIZE", "col_title: the column's");
    ok(km_col_shown(&d, NULL, 2), "col_shown: every column without a callback");
    d.col_shown = odd_shown;
    d.col_title = size_title;
    is_str(km_col_title(&d, NULL, 1, buf, sizeof(buf)), "BYTES", "col_title: the view's");
    is_str(km_col_title(&d, NULL, 0, buf, sizeof(buf)), "NAME", "col_title: '' falls back");
    ok(km_col_shown(&d, NULL, 1) && !km_col_shown(&d, NULL, 2), "col_shown: the view's");

    ok(km_cmp_i64(KM_NA, INT64_MIN + 1) < 0 && km_cmp_i64(5, KM_NA) > 0 &&
           km_cmp_i64(KM_NA, KM_NA) == 0,
       "cmp_i64: absent first");
    ok(km_cmp_i64(-1, 1) < 0 && km_cmp_i64(INT64_MAX, 0) > 0 && km_cmp_i64(7, 7) == 0,
       "cmp_i64: by value, no overflow");
    ok(km_cmp_dbl(NAN, -INFINITY) < 0 && km_cmp_dbl(0.5, NAN) > 0 && km_cmp_dbl(NAN, NAN) == 0,
       "cmp_dbl: NAN first");
    ok(km_cmp_dbl(-0.5, 0.25) < 0 && km_cmp_dbl(2, 1) > 0, "cmp_dbl: by value");
}

/* ---- the modules view on debian61-root -------------------------------------------------- */

static int parse_mods(const char *b, size_t n, void *o, struct km_perr *e)
{
    return km_parse_modules(b, n, o, e);
}
static int parse_vm(const char *b, size_t n, void *o, struct km_perr *e)
{
    return km_parse_vmallocinfo(b, n, o, e);
}

/* Whether the visible rows are in the order of the sort column, pinned rows last. */
static bool in_order(const struct km_vm *vm, const struct km_vctx *c, bool *pinned_last)
{
    const struct km_col *col = &vm->def->cols[vm->sort_col];
    bool sorted = true, seen_pin = false;
    *pinned_last = true;
    const struct km_row *prev = NULL;
    for (size_t v = 0; v < vm->nvis; v++) {
        const struct km_row *r = km_vm_row(vm, v);
        if (r->pinned) {
            seen_pin = true;
            continue;
        }
        if (seen_pin)
            *pinned_last = false;
        if (prev && r->depth == 0) {
            int d = km_col_cmp(col, c, prev, r);
            if (km_vm_desc(vm) ? d < 0 : d > 0)
                sorted = false;
        }
        if (r->depth == 0)
            prev = r;
    }
    return sorted;
}

static void test_modules_fixture(void)
{
    struct km_sample s = {0};
    s.page_size = 4096;
    s.uptime = -1;
    if (tap_parse_fixture(parse_mods, "debian61-root/proc/modules", &s.mods, NULL) != 0 ||
        tap_parse_fixture(parse_vm, "debian61-root/proc/vmallocinfo", &s.vm, NULL) != 0 ||
        km_modjoin(&s.mods, &s.vm, s.page_size, NULL, &s.mj) != 0) {
        printf("Bail out! debian61-root's modules do not load\n");
        exit(1);
    }
    for (int i = 0; i < KM_SRC_COUNT; i++)
        s.src[i].status = KM_ST_OK;
    struct km_vctx c = {.s = &s};
    struct km_vm vm;
    km_vm_init(&vm, &km_view_modules);
    km_vm_build(&vm, &c);
    size_t npin = 0;
    for (size_t i = 0; i < vm.nrows; i++)
        npin += vm.rows[i].pinned;
    ok(npin >= 1 && vm.nrows == s.mods.n + npin, "modules: a row per module and the pinned rows");
    is_str(km_vm_row(&vm, vm.nvis - 1)->id, "_total", "modules: (total) is the last row");
    bool unatt_row = false;
    for (size_t i = 0; i < vm.nrows; i++)
        unatt_row |= strcmp(vm.rows[i].id, "_unattributed") == 0;
    ok(s.mj.unattributed.areas == 0 && !unatt_row,
       "modules: every image area matched: no (unattributed) row");
    char cell[256];
    km_col_cell(&vm.def->cols[0], &c, km_vm_row(&vm, vm.nvis - 1), cell, sizeof(cell));
    is_str(cell, "(total: 44 modules)", "modules: the totals row says what it adds up");
    int sortable = 0;
    bool all_sorted = true, all_pinned = true;
    for (int col = 0; col < km_view_screen_cols(vm.def); col++) {
        if (!km_col_sortable(&vm.def->cols[col]))
            continue;
        sortable++;
        km_vm_set_sort(&vm, col, &c);
        for (int rev = 0; rev < 2; rev++) {
            vm.reverse = rev;
            km_vm_refresh(&vm, &c);
            bool pins, sorted = in_order(&vm, &c, &pins);
            char name[128];
            snprintf(name, sizeof(name), "modules by %s%s: in order, pinned rows last",
                     vm.def->cols[col].key, rev ? " reversed" : "");
            ok(sorted && pins && vm.nvis == vm.nrows, name);
            all_sorted &= sorted;
            all_pinned &= pins;
        }
    }
    ok(sortable >= 15 && all_sorted && all_pinned, "modules: every sortable column checked");

    km_vm_set_sort(&vm, km_vm_find_col(&vm, "total"), &c);
    km_vm_select(&vm, vis_of(&vm, "ext4"));
    is_str(selected(&vm), "ext4", "modules: ext4 selected");
    km_vm_set_sort(&vm, km_vm_find_col(&vm, "name"), &c);
    is_str(selected(&vm), "ext4", "modules: by name, ext4 still selected");
    km_vm_build(&vm, &c);
    is_str(selected(&vm), "ext4", "modules: rebuilt, ext4 still selected");
    set_filter(&vm, &c, "ext4|jbd");
    bool match = true;
    size_t shown = 0;
    for (size_t v = 0; v < vm.nvis; v++) {
        const struct km_row *r = km_vm_row(&vm, v);
        if (!r->pinned) {
            shown++;
            match &= km_filter_match("ext4|jbd", km_row_name(r));
        }
    }
    ok(shown == 2 && match && vm.nvis == 2 + npin, "modules: filter ext4|jbd, both and the pinned");
    is_str(selected(&vm), "ext4", "modules: filtered, ext4 still selected");
    snprintf(vm.search, sizeof(vm.search), "jbd");
    ok(km_vm_search_next(&vm, 1, false) && strcmp(selected(&vm), "jbd2") == 0,
       "modules: search finds jbd2");
    km_vm_free(&vm);
    km_sample_free(&s);
}

/*
 * Image areas matched to no module (mtk 3.4: addresses hidden, 16 areas): an
 * (unattributed) row, pinned after every module row whatever the sort, just
 * above (total).
 */
static void test_modules_unattributed(void)
{
    struct km_sample s = {0};
    s.page_size = 4096;
    s.uptime = -1;
    if (tap_parse_fixture(parse_mods, "mtk-armv7-3.4/proc/modules", &s.mods, NULL) != 0 ||
        tap_parse_fixture(parse_vm, "mtk-armv7-3.4/proc/vmallocinfo", &s.vm, NULL) != 0 ||
        km_modjoin(&s.mods, &s.vm, s.page_size, NULL, &s.mj) != 0) {
        printf("Bail out! mtk-armv7-3.4's modules do not load\n");
        exit(1);
    }
    for (int i = 0; i < KM_SRC_COUNT; i++)
        s.src[i].status = KM_ST_OK;
    struct km_vctx c = {.s = &s};
    struct km_vm vm;
    km_vm_init(&vm, &km_view_modules);
    km_vm_build(&vm, &c);
    is_int(s.mj.unattributed.areas, 16, "mtk: 16 image areas matched to no module");
    bool placed = true;
    for (int col = 0; col < km_view_screen_cols(vm.def); col++)
        for (int rev = 0; rev < 2 && km_col_sortable(&vm.def->cols[col]); rev++) {
            km_vm_set_sort(&vm, col, &c);
            vm.reverse = rev;
            km_vm_refresh(&vm, &c);
            placed &= vm.nvis == s.mods.n + 2 &&
                      strcmp(km_vm_row(&vm, s.mods.n)->id, "_unattributed") == 0 &&
                      km_vm_row(&vm, s.mods.n)->pinned &&
                      strcmp(km_vm_row(&vm, s.mods.n + 1)->id, "_total") == 0;
        }
    ok(placed, "mtk: (unattributed) under every module row, above (total), by any column");
    km_vm_free(&vm);
    km_sample_free(&s);
}

/* The vmstat view: a row per compact_* counter, its rate from the sample, sortable. */
static void test_vmstat_view(void)
{
    static const char text[] = "nr_free_pages 100\ncompact_stall 7\npgfault 9\n"
                               "compact_fail 3\ncompact_success 4\n";
    struct km_sample s = {0};
    struct km_perr pe = {0};
    if (km_parse_vmstat(text, sizeof(text) - 1, &s.vmstat, &pe) != 0)
        printf("Bail out! vmstat text does not parse\n"), exit(1);
    s.src[KM_SRC_VMSTAT].status = KM_ST_OK;
    struct km_vctx c = {.s = &s};
    struct km_vm vm;
    km_vm_init(&vm, &km_view_vmstat);
    km_vm_build(&vm, &c);
    ok(vm.nrows == 3 && vm.nvis == 3, "vmstat: the three compact_* counters, nothing else");
    is_str(km_vm_row(&vm, 0)->id, "compact_fail", "vmstat: sorted by name by default");
    char cell[64];
    km_text_cell(&vm, &c, km_vm_row(&vm, 0), km_vm_find_col(&vm, "rate"), cell, sizeof(cell));
    ok(strstr(cell, "-") != NULL, "vmstat: no rate on the first sample");
    s.vmstat.rate = calloc(s.vmstat.items.n, sizeof(double));
    s.vmstat.rate[1] = 2.5; /* compact_stall, the second counter the kernel printed */
    km_vm_set_sort(&vm, km_vm_find_col(&vm, "rate"), &c);
    is_str(km_vm_row(&vm, 0)->id, "compact_stall", "vmstat: by rate, largest first");
    km_text_cell(&vm, &c, km_vm_row(&vm, 0), km_vm_find_col(&vm, "rate"), cell, sizeof(cell));
    ok(strstr(cell, "2.5/s") != NULL && !strstr(cell, "+"), "vmstat: the rate cell (a counter: no '+')");
    km_vm_set_sort(&vm, km_vm_find_col(&vm, "value"), &c);
    is_str(km_vm_row(&vm, 0)->id, "compact_stall", "vmstat: by value, largest first");
    km_vm_free(&vm);
    km_sample_free(&s);
}

/* ---- typed fields: what the renderers derive from (unit, value) ------------------------- */

static void text_is(const struct km_vctx *c, enum km_unit u, struct km_val v, const char *want,
                    const char *name)
{
    char out[64];
    km_val_text(c, u, v, out, sizeof(out));
    is_str(out, want, name);
}

static void csv_is(struct km_val v, const char *want, const char *name)
{
    char out[64];
    km_val_csv(v, out, sizeof(out));
    is_str(out, want, name);
}

static struct km_val g_item_size(const struct km_vctx *c, const struct km_row *r, char *b,
                                 size_t n)
{
    return km_v_int(IT(r)->size);
}
static void f_item_size(const struct km_vctx *c, const struct km_row *r, char *o, size_t n)
{
    snprintf(o, n, "own");
}

static struct km_val g_page_size(const struct km_vctx *c, const struct km_row *r, char *b,
                                 size_t n)
{
    return km_v_int(((const struct km_sample *)r->rec)->page_size);
}

/* Summary fields read the sample; sentences are templates over them. */
static void test_summary_line(void)
{
    static const struct km_col sum[] = {
        {KM_NUM("page", "page", NULL, 0, KM_U_BYTES, g_page_size, "page size")},
    };
    struct km_view_def d = {.name = "t", .sum = sum, .nsum = 1};
    struct km_sample s = {.page_size = 65536};
    struct km_vctx c = {.s = &s};
    char out[64];
    km_fields_line(&d, &c, "pages of {page} ({page})", out, sizeof(out));
    is_str(out, "pages of 64.0K (64.0K)", "summary line: each {key} is the field's cell");
    c.raw = true;
    km_fields_line(&d, &c, "{page}", out, sizeof(out));
    is_str(out, "65536", "summary line: exact with --raw");
    km_fields_line(&d, &c, "{nope} and {", out, sizeof(out));
    is_str(out, "{?nope} and {", "summary line: an unknown key shows, a lone brace stays");
    km_fields_line(&d, &c, "0123456789{page}", out, 8);
    is_str(out, "0123456", "summary line: cut to the buffer");
}

static void test_fields(void)
{
    test_summary_line();
    struct km_vctx human = {0}, raw = {.raw = true};
    text_is(&human, KM_U_BYTES, km_v_int(45056), "44.0K", "bytes: human units");
    /* one unit convention: every size has its suffix, bytes included; zero alone is bare */
    text_is(&human, KM_U_BYTES, km_v_int(696), "696B", "bytes below 1K: with B");
    text_is(&human, KM_U_BYTES, km_v_int(1023), "1023B", "1023 bytes: still B");
    text_is(&human, KM_U_BYTES, km_v_int(-696), "-696B", "a negative size (headroom): with B");
    text_is(&human, KM_U_BYTES, km_v_int(0), "0", "zero bytes: 0");
    text_is(&human, KM_U_BYTES, km_v_int(1536), "1.50K", "1536 bytes: 1.50K");
    text_is(&human, KM_U_BYTE_RATE, km_v_dbl(512), "+512B/s", "a byte rate below 1K: B/s");
    text_is(&raw, KM_U_BYTES, km_v_int(45056), "45056", "bytes: exact with --raw");
    text_is(&human, KM_U_COUNT, km_v_int(45056), "45056", "a count: exact");
    text_is(&human, KM_U_BYTES, km_v_int(KM_NA), "-", "KM_NA: absent, '-'");
    text_is(&human, KM_U_PCT, km_v_dbl(12.345), "12.3%", "percent: one decimal");
    text_is(&human, KM_U_PCT, km_v_dbl(NAN), "-", "NAN: absent");
    text_is(&human, KM_U_RATE, km_v_dbl(12.5), "12.5/s", "rate: per second, one decimal below 100");
    text_is(&human, KM_U_RATE, km_v_dbl(353012.4), "353012/s", "rate: whole up to a million, no e-notation");
    text_is(&human, KM_U_RATE, km_v_dbl(4271234), "4.27M/s", "rate: millions above");
    text_is(&human, KM_U_RATE, km_v_dbl(-3.25), "-3.2/s", "rate: a counter reset shows its sign");
    text_is(&raw, KM_U_BYTE_RATE, km_v_dbl(-2048), "-2048.0", "byte rate: exact with --raw");
    text_is(&human, KM_U_BOOL, km_v_bool(1), "yes", "bool: yes");
    text_is(&human, KM_U_BOOL, km_v_bool(-1), "-", "tristate -1: absent");
    text_is(&human, KM_U_TEXT, km_v_str(""), "-", "empty text: '-'");
    text_is(&human, KM_U_COUNT, km_v_blank(), "", "blank (does not apply): empty cell");
    csv_is(km_v_int(KM_NA), "", "csv: absent is empty");
    csv_is(km_v_blank(), "", "csv: blank is empty");
    csv_is(km_v_int(-7), "-7", "csv: an integer in full");
    csv_is(km_v_dbl(0.1 + 0.2), "0.3", "csv: a double as JSON writes it (%.15g)");
    csv_is(km_v_bool(0), "false", "csv: booleans as in JSON");
    csv_is(km_v_str("a,b"), "a,b", "csv: text as it is (quoting is the writer's)");
    ok(km_val_cmp(km_v_none(), km_v_int(-5)) < 0 && km_val_cmp(km_v_int(3), km_v_none()) > 0,
       "order: absent first");
    ok(km_val_cmp(km_v_blank(), km_v_none()) == 0, "order: blank ranks with absent");
    ok(km_val_cmp(km_v_int(2), km_v_dbl(2.5)) < 0 && km_val_cmp(km_v_dbl(3), km_v_int(3)) == 0,
       "order: integers and doubles compare as numbers");
    ok(km_val_cmp(km_v_str("abc"), km_v_str("abd")) < 0, "order: strings as strcmp");

    /* a field: the getter makes the cell and the order; fmt overrides the cell alone */
    struct item a = {"a", NULL, 10, -1}, b = {"b", NULL, KM_NA, -1};
    struct km_row ra = {.rec = &a}, rb = {.rec = &b};
    struct km_col f = {.title = "SIZE", .key = "size", .unit = KM_U_COUNT, .get = g_item_size};
    char cell[32];
    km_col_cell(&f, &human, &ra, cell, sizeof(cell));
    is_str(cell, "10", "field: the cell is the value's text");
    ok(km_col_sortable(&f) && km_col_cmp(&f, &human, &rb, &ra) < 0,
       "field: sortable by its value, absent first");
    f.fmt = f_item_size;
    km_col_cell(&f, &human, &ra, cell, sizeof(cell));
    is_str(cell, "own", "field: fmt overrides the cell");
    f.nosort = true;
    ok(!km_col_sortable(&f), "field: nosort");
    is_str(km_col_json_key(&f), "size", "field: JSON name is the key...");
    f.json = "size_bytes";
    is_str(km_col_json_key(&f), "size_bytes", "...unless the field names another");
}

/* ---- a tree (sort_children) and folding -------------------------------------------------- */

/* a tree three deep, items listed parents first as the cgroups walk lists them */
static const struct item tree_items[] = {
    {"root", NULL, 100, -1}, {"a", NULL, 10, 0},  {"a1", NULL, 1, 1}, {"a2", NULL, 4, 1},
    {"b", NULL, 30, 0},      {"b1", NULL, 5, 4},  {"b2", NULL, 7, 4}, {"b2x", NULL, 2, 6},
};

static void tree_rows(struct km_vm *vm, const struct km_vctx *c)
{
    for (size_t i = 0; i < KM_ARRAY_LEN(tree_items); i++) {
        int d = 0;
        for (int p = tree_items[i].parent; p >= 0; p = tree_items[p].parent)
            d++;
        km_vm_add(vm, &tree_items[i], 0, d, tree_items[i].parent < 0 ? 0 : (size_t)tree_items[i].parent,
                  NULL, "%s", tree_items[i].id);
    }
}

static const struct km_view_def tree_view = {
    .name = "tree",
    .title = "Tree",
    .cols = cols,
    .ncols = (int)KM_ARRAY_LEN(cols),
    .default_sort = 1,
    .rows = tree_rows,
    .sort_children = true,
};

static void test_tree_and_fold(void)
{
    struct km_vm vm;
    struct km_vctx c = {0};
    km_vm_init(&vm, &tree_view);
    km_vm_build(&vm, &c);
    is_str(order(&vm), "root b b2 b2x b1 a a2 a1", "tree: siblings sorted by size at every depth");
    km_vm_set_sort(&vm, 0, &c);
    is_str(order(&vm), "root a a1 a2 b b1 b2 b2x", "tree: by name at every depth");
    vm.reverse = true;
    km_vm_refresh(&vm, &c);
    is_str(order(&vm), "root b b2 b2x b1 a a2 a1", "tree: reversed at every depth");
    km_vm_set_sort(&vm, 1, &c);
    ok(km_vm_fold(&vm, "b", 1), "fold b: changed");
    ok(!km_vm_fold(&vm, "b", 1), "fold b again: nothing to change");
    km_vm_refresh(&vm, &c);
    is_str(order(&vm), "root b a a2 a1", "folded b: its descendants hidden, b shown");
    const struct km_row *b = km_vm_row(&vm, 1);
    ok(b && b->folded && b->has_kids, "folded b: marked folded, with children");
    const struct km_row *a1 = km_vm_row(&vm, 4);
    ok(a1 && !a1->has_kids && !a1->folded, "a leaf: no children, not folded");
    km_vm_fold(&vm, "root", -1);
    km_vm_build(&vm, &c);
    is_str(order(&vm), "root", "toggle-folded root, rebuilt: the folds stay");
    km_vm_fold(&vm, "root", -1);
    km_vm_refresh(&vm, &c);
    is_str(order(&vm), "root b a a2 a1", "root toggled back: b still folded");
    snprintf(vm.filter, sizeof(vm.filter), "a1|b2x");
    km_vm_refresh(&vm, &c);
    is_str(order(&vm), "root b a a1", "filter with b folded: matches under a fold stay hidden");
    ok(km_vm_unfold_all(&vm), "unfold all: something was folded");
    km_vm_refresh(&vm, &c);
    is_str(order(&vm), "root b b2 b2x a a1", "filter a1|b2x: the matches and their ancestors");
    ok(!km_vm_unfold_all(&vm), "unfold all again: nothing");
    km_vm_free(&vm);
    ok(vm.nfold == 0 && vm.fold == NULL, "free: the folds too");
}

/* ---- a tree sorted again from its last order ------------------------------------------- */

/* The items as a tree (parents listed first; an item's row index is its index). */
static void items_tree_rows(struct km_vm *vm, const struct km_vctx *c)
{
    for (size_t i = 0; i < nitems; i++) {
        int d = 0;
        for (int p = items[i].parent; p >= 0; p = items[p].parent)
            d++;
        km_vm_add(vm, &items[i], 0, d, items[i].parent < 0 ? 0 : (size_t)items[i].parent, NULL,
                  "%s", items[i].id);
    }
}

static const struct km_view_def items_tree_view = {
    .name = "tree2",
    .title = "Tree2",
    .cols = cols,
    .ncols = (int)KM_ARRAY_LEN(cols),
    .default_sort = 1,
    .rows = items_tree_rows,
    .sort_children = true,
};

/* The expected order, made here: siblings by size (largest first, or smallest when
 * reverse), ties by index, each followed by its own children. */
static void tree_ref(int parent, bool reverse, char *buf, size_t n, size_t *len)
{
    int kids[256], nk = 0;
    for (size_t i = 0; i < nitems && nk < 256; i++)
        if (items[i].parent == parent)
            kids[nk++] = (int)i;
    for (int i = 1; i < nk; i++) /* insertion sort: stable, so ties stay by index */
        for (int j = i; j > 0; j--) {
            int64_t a = items[kids[j - 1]].size, b = items[kids[j]].size;
            if (!(reverse ? a > b : a < b))
                break;
            int t = kids[j];
            kids[j] = kids[j - 1];
            kids[j - 1] = t;
        }
    for (int k = 0; k < nk; k++) {
        *len += (size_t)snprintf(buf + *len, n - *len, "%s%s", *len ? " " : "", items[kids[k]].id);
        tree_ref(kids[k], reverse, buf, n, len);
    }
}

static const char *tree_expected(bool reverse)
{
    static char buf[4096];
    size_t len = 0;
    buf[0] = '\0';
    tree_ref(-1, reverse, buf, sizeof(buf), &len);
    return buf;
}

/* The visible rows of a tree view (order(), whose buffer holds them too). */
#define tree_order order

/*
 * A tree (sort_children) sorted only when its data or order changed: a rebuild of the same
 * tree costs n - 1 comparisons per group of n siblings (a qsort of each group made more),
 * and whatever moved, the order is the one of siblings sorted by size, ties by row index.
 */
static void test_tree_sort_again(void)
{
    enum { KIDS = 40, GRAND = 3, N = 1 + KIDS + KIDS * GRAND };
    static struct item t[N];
    static char ids[N][8];
    t[0] = (struct item){"root", NULL, 1000, -1};
    for (int i = 1; i < N; i++) {
        snprintf(ids[i], sizeof(ids[i]), "t%03d", i);
        int parent = i <= KIDS ? 0 : 1 + (i - KIDS - 1) / GRAND;
        t[i] = (struct item){ids[i], NULL, (i * 37) % 13 * 100, parent}; /* many ties */
    }
    use(t, N, false);
    struct km_vctx c = {0};
    struct km_vm vm;
    km_vm_init(&vm, &items_tree_view);
    km_vm_build(&vm, &c);
    is_str(tree_order(&vm), tree_expected(false), "tree sort: the first sort");
    size_cmps = 0;
    km_vm_build(&vm, &c);
    long want = (KIDS - 1) + KIDS * (GRAND - 1);
    if (size_cmps != want)
        printf("# %ld comparisons, %ld wanted\n", size_cmps, want);
    ok(size_cmps == want, "tree sort: the same data sorted with n - 1 comparisons per group");
    is_str(tree_order(&vm), tree_expected(false), "tree sort: the same order");
    t[5].size = 99999; /* one child to the top, a grandchild down, one to a tie */
    t[KIDS + 7].size = -5;
    t[KIDS + 8].size = t[KIDS + 9].size;
    km_vm_build(&vm, &c);
    is_str(tree_order(&vm), tree_expected(false), "tree sort: three rows moved");
    for (int i = 1; i < N; i++) /* everything moves */
        t[i].size = (N - i) * 10 % 700;
    km_vm_build(&vm, &c);
    is_str(tree_order(&vm), tree_expected(false), "tree sort: every row moved");
    vm.reverse = true;
    km_vm_refresh(&vm, &c);
    is_str(tree_order(&vm), tree_expected(true), "tree sort: reversed");
    use(t, N - 10, false); /* rows gone */
    km_vm_build(&vm, &c);
    is_str(tree_order(&vm), tree_expected(true), "tree sort: rows gone");
    use(t, N, false); /* and back */
    km_vm_build(&vm, &c);
    is_str(tree_order(&vm), tree_expected(true), "tree sort: rows back");
    km_vm_free(&vm);
}

/* The order of a view model that never sorted before (qsort alone) for the current items. */
static const char *fresh_order(const struct km_vctx *c, int col, bool reverse)
{
    static char buf[1024];
    struct km_vm vm;
    km_vm_init(&vm, &test_view);
    vm.sort_col = col;
    vm.reverse = reverse;
    km_vm_build(&vm, c);
    snprintf(buf, sizeof(buf), "%s", order(&vm));
    km_vm_free(&vm);
    return buf;
}

/*
 * Sorting only when the order changed: a rebuild whose rows are still in the
 * last order costs n - 1 comparisons (qsort: about n log n), and whatever
 * moved, the order is the one a first sort gives.
 */
static void test_sort_again(void)
{
    enum { N = 64 };
    static struct item many[N];
    static char ids[N][8];
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], sizeof(ids[i]), "i%02d", i);
        many[i] = (struct item){ids[i], NULL, (i * 37) % N * 100, -1};
    }
    use(many, N, true);
    struct km_vctx c = {0};
    struct km_vm vm;
    km_vm_init(&vm, &test_view);
    km_vm_build(&vm, &c);
    ok(strcmp(order(&vm), fresh_order(&c, 1, false)) == 0, "sort again: the first sort");
    size_cmps = 0;
    km_vm_build(&vm, &c);
    if (size_cmps != N - 1)
        printf("# %ld comparisons\n", size_cmps);
    ok(size_cmps == N - 1, "sort again: the same data sorted with n - 1 comparisons");
    ok(strcmp(order(&vm), fresh_order(&c, 1, false)) == 0, "sort again: the same order");
    many[5].size = 99999; /* one row moves to the top, another down */
    many[40].size = -1;
    km_vm_build(&vm, &c);
    ok(strcmp(order(&vm), fresh_order(&c, 1, false)) == 0,
       "sort again: two rows moved: the order of a first sort");
    for (int i = 0; i < N; i++) /* everything moves: qsort again */
        many[i].size = (N - i) * 10;
    km_vm_build(&vm, &c);
    ok(strcmp(order(&vm), fresh_order(&c, 1, false)) == 0,
       "sort again: all rows moved: the order of a first sort");
    km_vm_set_sort(&vm, 0, &c); /* another column */
    ok(strcmp(order(&vm), fresh_order(&c, 0, false)) == 0, "sort again: by another column");
    use(many, N - 3, true); /* rows gone */
    km_vm_build(&vm, &c);
    ok(strcmp(order(&vm), fresh_order(&c, 0, false)) == 0, "sort again: rows gone");
    km_vm_free(&vm);
}

int main(void)
{
    test_sort_again();
    test_build_and_sort();
    test_filter();
    test_search();
    test_selection();
    test_columns_and_cmp();
    test_modules_fixture();
    test_modules_unattributed();
    test_vmstat_view();
    test_fields();
    test_tree_and_fold();
    test_tree_sort_again();
    return tap_done();
}
