/*
 * test_hist.c - rows' history (ui/hist.c) on a small view of its own: the
 * leak-suspect rule at its edges (too few intervals, 90% exactly, gaps, the
 * threshold exclusive), sparklines in blocks and ASCII, the chart's shape
 * and axes, and the ring: one tick per sample however often the view is
 * rebuilt, the window's order once the ring wraps, the baseline (the first
 * tick, a later --baseline tick, set again), rows new since it, rows gone
 * then dropped, and the bound on rows tracked.
 */
#include "../../ui/hist.h"
#include "../../ui/views.h"

#include <string.h>

#include "../tap.h"

#define NA KM_NA

/* ---- the suspect rule ---- */

static void test_suspect(void)
{
    int64_t up[11], flat[11], gap[12];
    for (int i = 0; i < 11; i++)
        up[i] = 1000 + 100 * i, flat[i] = 5;
    ok(km_leak_suspect(up, 11, 999), "10 intervals, all grew, by 1000 > 999: a suspect");
    ok(!km_leak_suspect(up, 11, 1000), "the threshold is exclusive: 1000 is not more than 1000");
    ok(!km_leak_suspect(up, 10, 0), "9 intervals are too few");
    ok(!km_leak_suspect(flat, 11, 0), "flat: not a suspect");
    /* 20 intervals, 18 grew (90%): a suspect; 17 (85%): not */
    int64_t v[21];
    for (int i = 0; i < 21; i++)
        v[i] = 100 * i;
    v[5] = v[4]; /* one flat interval ... */
    v[11] = v[10] - 1; /* ... and one that shrank, then grows again */
    ok(km_leak_suspect(v, 21, 0), "18 of 20 intervals grew (90%): a suspect");
    v[15] = v[14];
    ok(!km_leak_suspect(v, 21, 0), "17 of 20 (85%): not");
    /* absent values break intervals: 12 values with a gap have 10 whole intervals */
    for (int i = 0; i < 12; i++)
        gap[i] = 10 * i;
    gap[6] = NA;
    ok(!km_leak_suspect(gap, 12, 0), "a gap: 9 whole intervals are too few");
    int64_t gap2[13];
    for (int i = 0; i < 13; i++)
        gap2[i] = i == 6 ? NA : 10 * i;
    ok(km_leak_suspect(gap2, 13, 0), "13 values, one absent: 10 whole intervals, a suspect");
    int64_t down[12];
    for (int i = 0; i < 12; i++)
        down[i] = 1000 - i;
    ok(!km_leak_suspect(down, 12, 0), "shrinking: not");
}

/* ---- sparkline and chart ---- */

static void test_spark(void)
{
    int64_t v[] = {0, 1, 2, 3, 4, 5, 6, 7, NA};
    char out[64];
    km_spark(v, 9, false, out, sizeof(out));
    is_str(out, "_.-~=+*# ", "ASCII: eight levels, absent blank");
    km_spark(v, 9, true, out, sizeof(out));
    is_str(out, "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588 ", "UTF-8: the eight blocks");
    int64_t f[] = {7, 7, 7};
    km_spark(f, 3, false, out, sizeof(out));
    is_str(out, "___", "flat: the lowest level");
    int64_t big[] = {0, INT64_MAX / 2, INT64_MAX};
    km_spark(big, 3, false, out, sizeof(out));
    is_str(out, "_=#", "huge values scale without overflow");
    km_spark(v, 9, true, out, 7);
    is_str(out, "\u2581\u2582", "cut to the buffer on a whole character");
}

struct lines {
    char l[32][256];
    int n;
};
static void add_line(void *arg, int attr, const char *text)
{
    (void)attr;
    struct lines *L = arg;
    if (L->n < 32)
        snprintf(L->l[L->n++], 256, "%s", text);
}

static void test_chart(void)
{
    struct km_vctx c = {.raw = true};
    int64_t v[] = {100, 200, NA, 400};
    double t[] = {0, 10, 20, 130};
    struct lines L = {0};
    km_chart(&c, v, t, false, 4, 2, KM_U_BYTES, add_line, &L);
    is_int(L.n, 4, "2 lines, the x axis, the time line");
    is_str(L.l[0], "        400 |   #", "top line: the largest value, only it reaches it");
    is_str(L.l[1], "        100 |.# #", "bottom line: the least value labelled; absent blank");
    is_str(L.l[2], "            +----", "x axis, one column per tick");
    is_str(L.l[3], "             up 0s .. up 2m10s: 4 ticks over 2m10s", "time span");
    L.n = 0;
    int64_t none[] = {NA, NA};
    km_chart(&c, none, t, false, 2, 4, KM_U_BYTES, add_line, &L);
    is_int(L.n, 1, "no value: one line says so");
    char s[32];
    km_hist_span(s, sizeof(s), 90061);
    is_str(s, "1d01h", "span in days");
}

/* ---- the ring, on a view of its own ---- */

struct item {
    const char *id;
    int64_t size, count;
};
static const struct item *items;
static size_t nitems;

#define IT(r) ((const struct item *)(r)->rec)
KM_GETTER(g_id, (void)c, km_v_str(IT(r)->id))
KM_GETTER(g_size, (void)c, km_v_int(IT(r)->size))
KM_GETTER(g_count, (void)c, km_v_int(IT(r)->count))

static void rows(struct km_vm *vm, const struct km_vctx *c)
{
    (void)c;
    for (size_t i = 0; i < nitems; i++)
        km_vm_add(vm, &items[i], 0, 0, 0, NULL, "%s", items[i].id);
}

static const struct km_col cols[] = {
    {KM_TEXT("NAME", "name", 10, g_id, "name")},
    {KM_NUM("SIZE", "size", NULL, 8, KM_U_BYTES, g_size, "size")},
    {KM_NUM("COUNT", "count", NULL, 8, KM_U_COUNT, g_count, "count")},
    KM_HIST_DELTA0("+SIZE"),
    KM_HIST_DELTA1("+COUNT", "delta_count", KM_U_COUNT, km_hist_f_dcount1, "count change"),
    KM_HIST_TREND,
    KM_HIST_FLAG,
};
static const struct km_view_def def = {
    .name = "test", .title = "Test", .cols = cols, .ncols = 7, .default_sort = 1,
    .rows = rows, .trend = {"size", "count"},
};

static struct km_sample sample;
static struct km_vctx ctx = {.s = &sample, .raw = true};

/* One tick: the sample's seq moves on, the view is built (twice: a rebuild adds no tick). */
static void tick(struct km_vm *vm, const struct item *it, size_t n)
{
    items = it;
    nitems = n;
    sample.seq++;
    sample.wall = 1.7e9 + 10.0 * sample.seq;
    km_vm_build(vm, &ctx);
    km_vm_build(vm, &ctx);
}

static const struct km_row *row_of(const struct km_vm *vm, const char *id)
{
    for (size_t i = 0; i < vm->nrows; i++)
        if (strcmp(vm->rows[i].id, id) == 0)
            return &vm->rows[i];
    return NULL;
}

static int64_t cell_int(const struct km_vm *vm, const char *id, int col)
{
    char b[64];
    struct km_val v = km_col_value(&def.cols[col], &ctx, row_of(vm, id), b, sizeof(b));
    return v.t == KM_VT_INT ? v.i : NA;
}

static void test_ring(void)
{
    struct km_vm vm;
    km_vm_init(&vm, &def);
    ok(km_hist_new(&km_view_vmstat, 1, 0) == NULL, "a view naming no figures keeps no history");
    vm.hist = km_hist_new(&def, 3, 4096);
    ok(vm.hist && vm.hist->col[0] == 1 && vm.hist->col[1] == 2, "figures found by --sort key");
    struct item it[3] = {{"grow", 0, 0}, {"wave", 1000, 10}, {"late", 50, 5}};
    for (int k = 0; k < 70; k++) {
        it[0].size = 1000 * k;
        it[0].count = k;
        it[1].size = 1000 + (k % 2) * 5000;
        tick(&vm, it, k < 20 ? 2 : 3); /* "late" appears at the 21st tick */
        if (k == 1)
            is_int(cell_int(&vm, "grow", 3), NA, "before the baseline tick (3): no change");
        if (k == 2)
            is_int(cell_int(&vm, "grow", 3), 0, "at the baseline tick: 0");
    }
    struct km_hist *h = vm.hist;
    is_int((int64_t)h->ticks, 70, "70 ticks (each built twice): 70 recorded");
    is_int((int64_t)h->base_tick, 3, "--baseline 3");
    is_int(cell_int(&vm, "grow", 3), 1000 * 69 - 2000, "+SIZE: now - at the baseline");
    is_int(cell_int(&vm, "grow", 4), 69 - 2, "+COUNT: the second figure");
    const struct km_row *g = row_of(&vm, "grow"), *w = row_of(&vm, "wave"), *l = row_of(&vm, "late");
    ok(g->hist && g->hist->suspect, "grow: a suspect");
    ok(w->hist && !w->hist->suspect, "wave: up and down, not a suspect");
    ok(l->hist && l->hist->isnew && !l->hist->suspect, "late: new since the baseline, flat");
    is_int(cell_int(&vm, "late", 3), 50, "a new row's change counts from nothing");
    is_int((int64_t)h->nsuspects, 1, "one suspect");
    int64_t win[KM_HIST_N];
    size_t n = km_hist_window(h, g->hist, win);
    is_int((int64_t)n, KM_HIST_N, "the window is the ring's N ticks once it wrapped");
    is_int(win[0], 1000 * (70 - KM_HIST_N), "oldest first");
    is_int(win[n - 1], 1000 * 69, "newest last");
    char b[KM_FIELD_BUF], cell[32];
    struct km_val tv = km_col_value(&def.cols[5], &ctx, w, b, sizeof(b));
    is_str(tv.s, "_#_#_#_#_#_#", "TREND: the last 12 ticks");
    km_col_cell(&def.cols[6], &ctx, g, cell, sizeof(cell));
    is_str(cell, "LEAK", "FLAG of a suspect");
    km_col_cell(&def.cols[6], &ctx, w, cell, sizeof(cell));
    is_str(cell, "-", "FLAG of neither");
    km_col_cell(&def.cols[6], &ctx, l, cell, sizeof(cell));
    is_str(cell, "new", "FLAG of a new row");
    km_col_cell(&def.cols[3], &ctx, g, cell, sizeof(cell));
    is_str(cell, "+67000", "a growth is signed");

    /* the baseline set again (the screen's B): every change 0, nothing new */
    km_hist_set_baseline(h);
    is_int(cell_int(&vm, "grow", 3), 0, "B: grow's change 0");
    is_int(cell_int(&vm, "late", 3), 0, "B: late is no longer new");

    /* "late" goes away: kept (absent) for KM_HIST_GONE - 1 ticks, then dropped */
    for (int k = 0; k < KM_HIST_GONE - 1; k++)
        tick(&vm, it, 2);
    ok(km_hist_find(h, "late") != NULL, "a row gone for less than KM_HIST_GONE ticks is kept");
    tick(&vm, it, 2);
    ok(km_hist_find(h, "late") == NULL, "then dropped");
    is_int((int64_t)h->n, 2, "two tracks left");
    tick(&vm, it, 3);
    ok(row_of(&vm, "late")->hist->isnew, "back after being dropped: new");

    /* the bound on rows */
    static struct item many[KM_HIST_ROWS_MAX + 5];
    static char ids[KM_HIST_ROWS_MAX + 5][16];
    for (int i = 0; i < KM_HIST_ROWS_MAX + 5; i++) {
        snprintf(ids[i], sizeof(ids[i]), "r%d", i);
        many[i] = (struct item){ids[i], i, i};
    }
    tick(&vm, many, KM_HIST_ROWS_MAX + 5);
    ok(h->n <= KM_HIST_ROWS_MAX, "no more than KM_HIST_ROWS_MAX tracks");
    ok(h->untracked > 0, "the rows past them are counted");
    ok(row_of(&vm, ids[KM_HIST_ROWS_MAX + 4])->hist == NULL, "and have no history");
    km_vm_free(&vm);

    /* B before a view was ever built, or while another tab was shown: its next tick */
    km_vm_init(&vm, &def);
    vm.hist = km_hist_new(&def, 1, 0);
    vm.hist->want_base = 0; /* no --baseline */
    km_hist_baseline_at(vm.hist, sample.seq + 1);
    struct item one[1] = {{"x", 100, 1}};
    tick(&vm, one, 1);
    is_int((int64_t)vm.hist->base_tick, 1, "B before the first tick: the first tick is the baseline");
    one[0].size = 300;
    tick(&vm, one, 1);
    km_hist_baseline_at(vm.hist, sample.seq + 5); /* a sample this view was not built from */
    is_int((int64_t)vm.hist->base_tick, 1, "B on a sample the view did not record: not yet moved");
    one[0].size = 700;
    tick(&vm, one, 1);
    is_int((int64_t)vm.hist->base_tick, 3, "... moved at its next tick");
    is_int(cell_int(&vm, "x", 3), 0, "... and counts from there");
    km_hist_baseline_at(vm.hist, sample.seq);
    one[0].size = 750;
    tick(&vm, one, 1);
    is_int(cell_int(&vm, "x", 3), 50, "B on the sample shown: that tick");
    km_vm_free(&vm);
}

int main(void)
{
    test_suspect();
    test_spark();
    test_chart();
    test_ring();
    return tap_done();
}
