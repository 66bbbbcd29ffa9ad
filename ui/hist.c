/* hist.c - rows' history: rings, baseline, sparklines, charts, leak suspects. See hist.h. */
#include "hist.h"
#include "fmt.h"
#include "json.h"
#include "views.h"
#include "kmemtop/sat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct km_hist *km_hist_new(const struct km_view_def *d, uint64_t baseline, int64_t threshold)
{
    if (!d->trend[0])
        return NULL;
    struct km_hist *h = xcalloc(1, sizeof(*h));
    for (int k = 0; k < KM_HIST_FIGS; k++) {
        h->col[k] = -1;
        for (int i = 0; d->trend[k] && i < d->ncols; i++)
            if (d->cols[i].key && strcmp(d->cols[i].key, d->trend[k]) == 0)
                h->col[k] = i;
    }
    h->want_base = baseline;
    h->threshold = threshold;
    return h;
}

void km_hist_free(struct km_hist *h)
{
    if (!h)
        return;
    free(h->t);
    free(h->slot);
    free(h);
}

static uint32_t hash_id(const char *s)
{
    uint32_t x = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        x = (x ^ (unsigned char)*s) * 16777619u;
    return x;
}

static void rehash(struct km_hist *h)
{
    size_t want = 64;
    while (want < 2 * h->n + 2)
        want *= 2;
    if (want != h->nslot) {
        free(h->slot);
        h->slot = xmalloc(want * sizeof(*h->slot));
        h->nslot = want;
    }
    memset(h->slot, 0, h->nslot * sizeof(*h->slot));
    for (size_t i = 0; i < h->n; i++) {
        size_t s = hash_id(h->t[i].id) & (h->nslot - 1);
        while (h->slot[s])
            s = (s + 1) & (h->nslot - 1);
        h->slot[s] = (uint32_t)(i + 1);
    }
}

static struct km_track *find(const struct km_hist *h, const char *id)
{
    if (!h->nslot)
        return NULL;
    for (size_t s = hash_id(id) & (h->nslot - 1); h->slot[s]; s = (s + 1) & (h->nslot - 1))
        if (strcmp(h->t[h->slot[s] - 1].id, id) == 0)
            return &h->t[h->slot[s] - 1];
    return NULL;
}

const struct km_track *km_hist_find(const struct km_hist *h, const char *id)
{
    return find(h, id);
}

static struct km_track *add(struct km_hist *h, const char *id)
{
    if (h->n >= KM_HIST_ROWS_MAX)
        return NULL;
    xgrow((void **)&h->t, &h->cap, h->n + 1, sizeof(*h->t));
    struct km_track *t = &h->t[h->n++];
    memset(t, 0, sizeof(*t));
    snprintf(t->id, sizeof(t->id), "%s", id);
    for (int i = 0; i < KM_HIST_N; i++)
        t->v[i] = KM_NA;
    for (int k = 0; k < KM_HIST_FIGS; k++)
        t->base[k] = t->cur[k] = KM_NA;
    t->owner = h;
    t->first = h->ticks;
    t->isnew = h->base_tick != 0;
    /* the table holds indexes, so the array may move; grown when half full */
    if (2 * h->n + 2 > h->nslot)
        rehash(h);
    else {
        size_t sl = hash_id(t->id) & (h->nslot - 1);
        while (h->slot[sl])
            sl = (sl + 1) & (h->nslot - 1);
        h->slot[sl] = (uint32_t)h->n;
    }
    return &h->t[h->n - 1];
}

static int64_t figure(const struct km_hist *h, int k, const struct km_vm *vm,
                      const struct km_vctx *c, const struct km_row *r)
{
    if (h->col[k] < 0)
        return KM_NA;
    char buf[KM_FIELD_BUF];
    struct km_val v = km_col_value(&vm->def->cols[h->col[k]], c, r, buf, sizeof(buf));
    return v.t == KM_VT_INT ? v.i : KM_NA;
}

size_t km_hist_window(const struct km_hist *h, const struct km_track *t, int64_t *out)
{
    size_t n = h->ticks < KM_HIST_N ? (size_t)h->ticks : KM_HIST_N;
    for (size_t i = 0; i < n; i++)
        out[i] = t->v[(h->ticks - n + 1 + i) % KM_HIST_N];
    return n;
}

void km_hist_set_baseline(struct km_hist *h)
{
    h->base_tick = h->ticks;
    h->want_base = 0;
    h->base_wall = h->wall[h->ticks % KM_HIST_N];
    for (size_t i = 0; i < h->n; i++) {
        struct km_track *t = &h->t[i];
        for (int k = 0; k < KM_HIST_FIGS; k++)
            t->base[k] = t->last == h->ticks ? t->cur[k] : KM_NA;
        t->isnew = false;
    }
}

void km_hist_baseline_at(struct km_hist *h, unsigned seq)
{
    if (h->have_seq && h->seq == seq)
        km_hist_set_baseline(h);
    else
        h->want_base = h->ticks + 1;
}

/* Drops the tracks absent for KM_HIST_GONE ticks; marks the others' absence this tick. */
static void age(struct km_hist *h)
{
    size_t w = 0;
    for (size_t i = 0; i < h->n; i++) {
        struct km_track *t = &h->t[i];
        if (t->last != h->ticks) {
            t->v[h->ticks % KM_HIST_N] = KM_NA;
            if (h->ticks - t->last >= KM_HIST_GONE)
                continue;
        }
        if (w != i)
            h->t[w] = *t;
        w++;
    }
    if (w != h->n) {
        h->n = w;
        rehash(h);
    }
}

static void record(struct km_hist *h, struct km_vm *vm, const struct km_vctx *c)
{
    h->ticks++;
    h->wall[h->ticks % KM_HIST_N] = km_epoch_ok(c->s->wall) ? c->s->wall : (double)NAN;
    h->up[h->ticks % KM_HIST_N] = c->s->uptime;
    h->untracked = 0;
    for (size_t i = 0; i < vm->nrows; i++) {
        struct km_row *r = &vm->rows[i];
        if (r->untracked)
            continue;
        struct km_track *t = find(h, r->id);
        if (!t && !(t = add(h, r->id))) {
            h->untracked++;
            continue;
        }
        if (t->last == h->ticks) /* an id twice in one tick: the first counts */
            continue;
        t->last = h->ticks;
        for (int k = 0; k < KM_HIST_FIGS; k++)
            t->cur[k] = figure(h, k, vm, c, r);
        t->v[h->ticks % KM_HIST_N] = t->cur[0];
    }
    age(h);
    if (h->want_base && h->ticks == h->want_base)
        km_hist_set_baseline(h);
    int64_t win[KM_HIST_N];
    h->nsuspects = 0;
    for (size_t i = 0; i < h->n; i++) {
        size_t n = km_hist_window(h, &h->t[i], win);
        h->t[i].suspect = km_leak_suspect(win, n, h->threshold);
        h->nsuspects += h->t[i].suspect;
    }
}

void km_hist_update(struct km_hist *h, struct km_vm *vm, const struct km_vctx *c)
{
    if (!h->have_seq || c->s->seq != h->seq)
        record(h, vm, c);
    h->have_seq = true;
    h->seq = c->s->seq;
    for (size_t i = 0; i < vm->nrows; i++)
        vm->rows[i].hist = vm->rows[i].untracked ? NULL : find(h, vm->rows[i].id);
}

bool km_hist_shown(const struct km_view_def *d, const struct km_vctx *c)
{
    int v = km_view_index(d);
    return c->vms && v >= 0 && c->vms[v].hist && c->vms[v].hist->ticks >= 2;
}

bool km_leak_suspect(const int64_t *v, size_t n, int64_t threshold)
{
    size_t iv = 0, grew = 0;
    int64_t first = KM_NA, last = KM_NA;
    for (size_t i = 0; i < n; i++) {
        if (KM_IS_NA(v[i]))
            continue;
        if (KM_IS_NA(first))
            first = v[i];
        last = v[i];
        if (i > 0 && !KM_IS_NA(v[i - 1])) {
            iv++;
            grew += v[i] > v[i - 1];
        }
    }
    if (iv < KM_HIST_MIN_IV || grew * 100 < iv * KM_HIST_GROW_PCT)
        return false;
    return last > first && (uint64_t)(last - first) > (uint64_t)threshold;
}

static const char *const blocks[8] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                      "\u2585", "\u2586", "\u2587", "\u2588"};
static const char ascii_levels[] = "_.-~=+*#";

/* The least and largest present values of v; false when none is. */
static bool range_of(const int64_t *v, size_t n, int64_t *lo, int64_t *hi)
{
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (KM_IS_NA(v[i]))
            continue;
        if (!any || v[i] < *lo)
            *lo = v[i];
        if (!any || v[i] > *hi)
            *hi = v[i];
        any = true;
    }
    return any;
}

/* v's place from lo to hi in steps 0..steps-1 (0 when the range is flat). */
static int level(int64_t v, int64_t lo, int64_t hi, int steps)
{
    if (hi <= lo)
        return 0;
    double f = ((double)v - (double)lo) / ((double)hi - (double)lo);
    int l = (int)lround(f * (steps - 1));
    return l < 0 ? 0 : l >= steps ? steps - 1 : l;
}

void km_spark(const int64_t *v, size_t n, bool utf8, char *out, size_t outsz)
{
    size_t pos = 0;
    int64_t lo = 0, hi = 0;
    range_of(v, n, &lo, &hi);
    for (size_t i = 0; i < n; i++) {
        const char *s = " ";
        char a[2] = {0};
        if (!KM_IS_NA(v[i])) {
            int l = level(v[i], lo, hi, 8);
            if (utf8)
                s = blocks[l];
            else {
                a[0] = ascii_levels[l];
                s = a;
            }
        }
        size_t len = strlen(s);
        if (pos + len + 1 > outsz)
            break;
        memcpy(out + pos, s, len);
        pos += len;
    }
    if (outsz)
        out[pos] = '\0';
}

void km_hist_span(char *out, size_t n, double secs)
{
    long s = isfinite(secs) && secs > 0 ? (long)(secs + 0.5) : 0;
    if (s < 60)
        snprintf(out, n, "%lds", s);
    else if (s < 3600)
        snprintf(out, n, "%ldm%02lds", s / 60, s % 60);
    else if (s < 86400)
        snprintf(out, n, "%ldh%02ldm", s / 3600, s % 3600 / 60);
    else
        snprintf(out, n, "%ldd%02ldh", s / 86400, s % 86400 / 3600);
}

/* A time of the x axis: local HH:MM:SS, or "up 2m10s" for an uptime; "?" unknown. */
static void when(char *out, size_t n, double t, bool wall)
{
    if (!isfinite(t) || t < 0) {
        snprintf(out, n, "?");
        return;
    }
    if (!wall) {
        char d[24];
        km_hist_span(d, sizeof(d), t);
        snprintf(out, n, "up %s", d);
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm) || !strftime(out, n, "%H:%M:%S", &tm))
        snprintf(out, n, "?");
}

void km_chart(const struct km_vctx *c, const int64_t *v, const double *t, bool wall, size_t n,
              int height, enum km_unit unit, km_line_fn line, void *arg)
{
    int64_t lo = 0, hi = 0;
    if (!range_of(v, n, &lo, &hi) || height < 1) {
        line(arg, KM_ATTR_DIM, "  (no values yet)");
        return;
    }
    bool u8 = c->utf8;
    char buf[1024], lab[48];
    int steps = height * 8;
    for (int y = height - 1; y >= 0; y--) {
        lab[0] = '\0';
        int64_t at = y == height - 1 ? hi : y == 0 ? lo : y == height / 2 ? lo + (hi - lo) / 2 : 0;
        if (y == height - 1 || y == 0 || y == height / 2)
            km_val_text(c, unit, km_v_int(at), lab, sizeof(lab));
        size_t pos = (size_t)snprintf(buf, sizeof(buf), "  %9s %s", lab, u8 ? "\u2502" : "|");
        for (size_t i = 0; i < n && pos + 4 < sizeof(buf); i++) {
            /* at least one eighth, so that the least value still shows */
            int e = KM_IS_NA(v[i]) ? 0 : 1 + level(v[i], lo, hi, steps);
            int fill = e - y * 8;
            const char *s = fill >= 8 ? (u8 ? blocks[7] : "#")
                            : fill > 0 ? (u8 ? blocks[fill - 1] : fill >= 4 ? "#" : ".")
                                       : " ";
            size_t len = strlen(s);
            memcpy(buf + pos, s, len);
            pos += len;
        }
        buf[pos] = '\0';
        line(arg, KM_ATTR_NORMAL, buf);
    }
    size_t pos = (size_t)snprintf(buf, sizeof(buf), "  %9s %s", "", u8 ? "\u2514" : "+");
    for (size_t i = 0; i < n && pos + 4 < sizeof(buf); i++)
        pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, "%s", u8 ? "\u2500" : "-");
    line(arg, KM_ATTR_NORMAL, buf);
    char t0[32], t1[32], span[32];
    when(t0, sizeof(t0), t[0], wall);
    when(t1, sizeof(t1), t[n - 1], wall);
    km_hist_span(span, sizeof(span), t[n - 1] - t[0]);
    snprintf(buf, sizeof(buf), "  %9s  %s .. %s: %zu ticks over %s", "", t0, t1, n, span);
    line(arg, KM_ATTR_DIM, buf);
}

/* ---- fields ---- */

static const struct km_hist *owner(const struct km_vctx *c, const struct km_row *r)
{
    (void)c;
    return r->hist ? r->hist->owner : NULL;
}

static struct km_val delta(const struct km_row *r, int k)
{
    const struct km_track *t = r->hist;
    if (!t || !t->owner->base_tick || KM_IS_NA(t->cur[k]))
        return km_v_none();
    if (t->isnew)
        return km_v_int(t->cur[k]);
    return KM_IS_NA(t->base[k]) ? km_v_none() : km_v_int(t->cur[k] - t->base[k]);
}

struct km_val km_hist_g_delta0(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    (void)c, (void)b, (void)n;
    return delta(r, 0);
}

struct km_val km_hist_g_delta1(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    (void)c, (void)b, (void)n;
    return delta(r, 1);
}

/* A change with its sign: "+1.20M", "-4.00K", "0"; "-" when there is none. */
static void signed_cell(const struct km_vctx *c, const struct km_row *r, int k, enum km_unit u,
                        char *out, size_t n)
{
    struct km_val v = delta(r, k);
    char cell[64];
    km_val_text(c, u, v, cell, sizeof(cell));
    snprintf(out, n, "%s%s", v.t == KM_VT_INT && v.i > 0 ? "+" : "", cell);
}

void km_hist_f_dbytes0(const struct km_vctx *c, const struct km_row *r, char *out, size_t n)
{
    signed_cell(c, r, 0, KM_U_BYTES, out, n);
}

void km_hist_f_dbytes1(const struct km_vctx *c, const struct km_row *r, char *out, size_t n)
{
    signed_cell(c, r, 1, KM_U_BYTES, out, n);
}

void km_hist_f_dcount1(const struct km_vctx *c, const struct km_row *r, char *out, size_t n)
{
    signed_cell(c, r, 1, KM_U_COUNT, out, n);
}

struct km_val km_hist_g_trend(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    const struct km_hist *h = owner(c, r);
    if (!h)
        return km_v_none();
    int64_t win[KM_HIST_N];
    size_t w = km_hist_window(h, r->hist, win);
    size_t from = w > KM_HIST_SPARK ? w - KM_HIST_SPARK : 0;
    km_spark(win + from, w - from, c->utf8, b, n);
    return km_v_str(b);
}

struct km_val km_hist_g_suspect(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    (void)c, (void)b, (void)n;
    return r->hist ? km_v_bool(r->hist->suspect) : km_v_none();
}

struct km_val km_hist_g_new(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)
{
    (void)c, (void)b, (void)n;
    return r->hist && r->hist->owner->base_tick ? km_v_bool(r->hist->isnew) : km_v_none();
}

void km_hist_f_flag(const struct km_vctx *c, const struct km_row *r, char *out, size_t n)
{
    (void)c;
    const struct km_track *t = r->hist;
    /* "-" when neither: the screen leaves out a column no row is flagged in */
    snprintf(out, n, "%s", !t ? "-" : t->suspect ? "LEAK" : t->isnew && t->owner->base_tick ? "new" : "-");
}

/* ---- notes, details, JSON ---- */

void km_hist_note(const struct km_vm *vm, const struct km_vctx *c, km_line_fn line, void *arg)
{
    const struct km_hist *h = vm->hist;
    if (!h || !km_hist_shown(vm->def, c) || (!h->nsuspects && !h->untracked))
        return;
    char buf[768], th[24];
    km_fmt_size(th, sizeof(th), h->threshold);
    size_t pos = 0;
    if (h->nsuspects) {
        pos = (size_t)snprintf(buf, sizeof(buf),
                               "Leak suspects (grew in %d%% of the last %d intervals, by more than "
                               "%s):",
                               KM_HIST_GROW_PCT,
                               (int)(h->ticks < KM_HIST_N ? h->ticks : KM_HIST_N) - 1, th);
        size_t listed = 0;
        for (size_t i = 0; i < vm->nvis && pos < sizeof(buf); i++) {
            const struct km_row *r = km_vm_row(vm, i);
            if (!r->hist || !r->hist->suspect)
                continue;
            pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, "%s %s", listed ? "," : "",
                                    km_row_name(r));
            listed++;
        }
        if (listed < h->nsuspects && pos < sizeof(buf))
            snprintf(buf + pos, sizeof(buf) - pos, " (%zu not shown)", h->nsuspects - listed);
        line(arg, KM_ATTR_WARN, buf);
    }
    if (h->untracked) {
        snprintf(buf, sizeof(buf), "%zu rows past the first %d have no history", h->untracked,
                 KM_HIST_ROWS_MAX);
        line(arg, KM_ATTR_DIM, buf);
    }
}

void km_hist_details(const struct km_vm *vm, const struct km_vctx *c, const struct km_row *r,
                     km_line_fn line, void *arg)
{
    const struct km_hist *h = vm->hist;
    if (!h || !r->hist || h->col[0] < 0)
        return;
    int64_t win[KM_HIST_N];
    double wall[KM_HIST_N], up[KM_HIST_N];
    size_t n = km_hist_window(h, r->hist, win);
    bool walls = true;
    for (size_t i = 0; i < n; i++) {
        wall[i] = h->wall[(h->ticks - n + 1 + i) % KM_HIST_N];
        up[i] = h->up[(h->ticks - n + 1 + i) % KM_HIST_N];
        walls = walls && isfinite(wall[i]);
    }
    const struct km_col *f = &vm->def->cols[h->col[0]];
    char buf[256];
    line(arg, KM_ATTR_NORMAL, "");
    snprintf(buf, sizeof(buf), "History of %s (the last %zu of at most %d ticks)%s", f->title, n,
             KM_HIST_N, r->hist->suspect ? ": a LEAK suspect" : "");
    line(arg, KM_ATTR_BOLD, buf);
    km_chart(c, win, walls ? wall : up, walls, n, KM_HIST_CHART_H, f->unit, line, arg);
}

void km_hist_json(const struct km_vm *vm, const struct km_vctx *c, struct km_json *j)
{
    const struct km_hist *h = vm->hist;
    if (!h || !km_hist_shown(vm->def, c))
        return;
    km_json_obj(j, "trend");
    km_json_int(j, "ticks", (int64_t)h->ticks);
    km_json_int(j, "window_ticks", h->ticks < KM_HIST_N ? (int64_t)h->ticks : KM_HIST_N);
    if (h->base_tick)
        km_json_int(j, "baseline_tick", (int64_t)h->base_tick);
    else
        km_json_null(j, "baseline_tick");
    if (h->base_tick && km_epoch_ok(h->base_wall))
        km_json_dbl(j, "baseline_time", h->base_wall);
    else
        km_json_null(j, "baseline_time");
    km_json_int(j, "leak_threshold_bytes", h->threshold);
    km_json_int(j, "untracked_rows", (int64_t)h->untracked);
    km_json_arr(j, "suspects");
    for (size_t i = 0; i < vm->nvis; i++) {
        const struct km_row *r = km_vm_row(vm, i);
        if (r->hist && r->hist->suspect)
            km_json_str(j, NULL, r->id);
    }
    km_json_arr_end(j);
    km_json_obj_end(j);
}
