/*
 * hist.h - a view's recent history, row by row: trends, the baseline and
 * leak suspects.
 *
 * A view that names its main figures (km_view_def.trend: Slabs' footprint
 * and objects, Modules' total, Vmalloc's bytes, Overview's bytes) gets a
 * struct km_hist in its view model. Each tick the view is built, every row's
 * main figure goes into a bounded ring of KM_HIST_N ticks kept under the
 * row's id (struct km_track); the value of each figure at the baseline tick
 * is kept beside it. From these the view's KM_HIST_COLS fields show the
 * change since the baseline, a sparkline of the last ticks and whether the
 * row is a leak suspect; the details overlay draws the ring as a chart.
 *
 * Bounds: at most KM_HIST_ROWS_MAX rows per view are tracked (rows past it
 * show no history, counted in km_hist.untracked); a row absent for
 * KM_HIST_GONE ticks is forgotten (its baseline too). Memory is therefore
 * bounded whatever the run's or the recording's length.
 *
 * The ring, sparkline, chart and suspect rule are pure functions, unit
 * tested in tests/unit/test_hist.c. Render layer (libkmrender.a): no curses.
 * km_hist_new returns memory the caller frees with km_hist_free.
 */
#ifndef KM_UI_HIST_H
#define KM_UI_HIST_H

#include "view.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KM_HIST_N 60           /* ticks a row's ring holds: trend, chart and leak window */
#define KM_HIST_SPARK 12       /* ticks the TREND column draws (the latest) */
#define KM_HIST_MIN_IV 10      /* intervals the window needs before a row can be a suspect */
#define KM_HIST_GROW_PCT 90    /* a suspect grew in at least this share of them */
#define KM_HIST_ROWS_MAX 4096  /* rows tracked per view */
#define KM_HIST_GONE KM_HIST_N /* ticks a row may be absent before its track is dropped */
#define KM_HIST_FIGS 2         /* figures with a baseline per row: the main one and one more */
#define KM_HIST_CHART_H 8      /* lines of the chart in the details overlay */
#define KM_LEAK_THRESHOLD_DEFAULT ((int64_t)1 << 20) /* bytes of growth over the window */

struct km_track {
    char id[128];                 /* the row's id (km_row.id) */
    int64_t v[KM_HIST_N];         /* the main figure by tick: v[tick % KM_HIST_N]; KM_NA absent */
    int64_t base[KM_HIST_FIGS];   /* each figure at the baseline; KM_NA: not there then */
    int64_t cur[KM_HIST_FIGS];    /* each figure at the latest tick the row was seen */
    uint64_t first, last;         /* the ticks (from 1) it was first and last seen */
    bool isnew;                   /* first seen after the baseline */
    bool suspect;                 /* km_leak_suspect over the window, at the latest tick */
    const struct km_hist *owner;  /* the history it belongs to */
};

struct km_hist {
    int col[KM_HIST_FIGS]; /* the figures' field indexes in the view's table; -1: none */
    struct km_track *t;
    size_t n, cap;
    uint32_t *slot; /* open addressing: index + 1 of t, by the id's hash; 0 empty */
    size_t nslot;   /* a power of two, at least twice n */
    uint64_t ticks; /* ticks recorded (samples the view was built from) */
    double wall[KM_HIST_N]; /* each tick's time, seconds since the epoch (by tick % N); NAN unknown */
    double up[KM_HIST_N];   /* each tick's kernel uptime, seconds; -1 unknown */
    uint64_t base_tick;     /* the baseline's tick; 0: none yet */
    uint64_t want_base;     /* the tick that becomes the baseline (--baseline N; 0: none) */
    double base_wall;       /* the baseline's time */
    int64_t threshold;      /* bytes a suspect grew by over the window, at least (exclusive) */
    bool have_seq;
    unsigned seq;       /* the sample last recorded (km_sample.seq): a rebuild adds no tick */
    size_t untracked;   /* rows of the latest tick left out: over KM_HIST_ROWS_MAX */
    size_t nsuspects;   /* rows that are suspects at the latest tick */
};

/*
 * A history for view d, or NULL when d names no figures. baseline: the tick
 * (from 1) that becomes the baseline; threshold: bytes (>= 0).
 */
struct km_hist *km_hist_new(const struct km_view_def *d, uint64_t baseline, int64_t threshold);
void km_hist_free(struct km_hist *h);
/*
 * Records the rows vm holds (just built from c->s) as one tick, unless that
 * sample was recorded already, and points each row's hist at its track.
 */
void km_hist_update(struct km_hist *h, struct km_vm *vm, const struct km_vctx *c);
/* Makes the latest tick the baseline. */
void km_hist_set_baseline(struct km_hist *h);
/*
 * Makes the sample seq (the frame shown) the baseline: the latest tick when
 * it recorded that sample, else the next tick it records (a view not built
 * from it: a tab not shown).
 */
void km_hist_baseline_at(struct km_hist *h, unsigned seq);
/* The track of id, or NULL. */
const struct km_track *km_hist_find(const struct km_hist *h, const char *id);
/* Whether d's history columns apply to c: its history holds two ticks or more. */
bool km_hist_shown(const struct km_view_def *d, const struct km_vctx *c);
/* t's ring oldest first into out (KM_HIST_N values): the values' count (ticks, at most N). */
size_t km_hist_window(const struct km_hist *h, const struct km_track *t, int64_t *out);

/* ---- pure functions over a window (oldest first; KM_NA: absent) ---- */
/*
 * A leak suspect: among the intervals of v whose two ends are present, there
 * are at least KM_HIST_MIN_IV, the figure grew in at least KM_HIST_GROW_PCT
 * percent of them, and the last present value exceeds the first by more than
 * threshold.
 */
bool km_leak_suspect(const int64_t *v, size_t n, int64_t threshold);
/*
 * A sparkline of v, one character per value scaled from the window's least
 * to its largest: the block characters U+2581..U+2588 when utf8, else
 * "_.-~=+*#"; an absent value is a blank. out: at least 3 * n + 1 bytes.
 */
void km_spark(const int64_t *v, size_t n, bool utf8, char *out, size_t outsz);
/*
 * A bar chart of v, height lines (one column per value, eighth blocks when
 * utf8, '#' else) with its y axis labelled in unit (the top, middle and least
 * value), an x axis, and a line with the first and last time of t (parallel
 * to v: seconds since the epoch when wall, else uptime) and the span between.
 * Lines go through line.
 */
void km_chart(const struct km_vctx *c, const int64_t *v, const double *t, bool wall, size_t n,
              int height, enum km_unit unit, km_line_fn line, void *arg);
/* A duration as "45s", "2m10s", "3h05m", "2d04h". */
void km_hist_span(char *out, size_t n, double secs);

/* ---- what views and renderers use ---- */
/* The view's summary line of suspects (screen and text notes); nothing when there is none. */
void km_hist_note(const struct km_vm *vm, const struct km_vctx *c, km_line_fn line, void *arg);
/* The details overlay's chart of row r's history. */
void km_hist_details(const struct km_vm *vm, const struct km_vctx *c, const struct km_row *r,
                     km_line_fn line, void *arg);
/* JSON "trend" of the view (ticks, window, baseline, threshold, suspects), when shown. */
void km_hist_json(const struct km_vm *vm, const struct km_vctx *c, struct km_json *j);

/* The fields' getters (KM_HIST_COLS). */
struct km_val km_hist_g_delta0(const struct km_vctx *c, const struct km_row *r, char *b, size_t n);
struct km_val km_hist_g_delta1(const struct km_vctx *c, const struct km_row *r, char *b, size_t n);
struct km_val km_hist_g_trend(const struct km_vctx *c, const struct km_row *r, char *b, size_t n);
struct km_val km_hist_g_suspect(const struct km_vctx *c, const struct km_row *r, char *b, size_t n);
struct km_val km_hist_g_new(const struct km_vctx *c, const struct km_row *r, char *b, size_t n);
/* The change cells, signed: figure 0 or 1, in bytes or a count. */
void km_hist_f_dbytes0(const struct km_vctx *c, const struct km_row *r, char *out, size_t n);
void km_hist_f_dbytes1(const struct km_vctx *c, const struct km_row *r, char *out, size_t n);
void km_hist_f_dcount1(const struct km_vctx *c, const struct km_row *r, char *out, size_t n);
void km_hist_f_flag(const struct km_vctx *c, const struct km_row *r, char *out, size_t n);

/*
 * A view's history fields, screen ones first: the change of the main figure
 * since the baseline in bytes (title t), KM_HIST_TREND and KM_HIST_FLAG. Then
 * KM_HIST_NEW among the JSON-only fields. KM_HIST_DELTA1 adds the second
 * figure's change (title t, --sort key k, unit u, cell f).
 */
#define KM_HIST_DELTA0(t)                                                                          \
    {KM_NUM(t, "delta", NULL, 9, KM_U_BYTES, km_hist_g_delta0,                                     \
            "change of the main figure since the baseline (B; --baseline); a row new since "       \
            "then counts from nothing"),                                                           \
     .fmt = km_hist_f_dbytes0, .flags = KM_F_HIST, .prio = KM_PRIO_LOW}
/* f: km_hist_f_dbytes1 or km_hist_f_dcount1, as unit u */
#define KM_HIST_DELTA1(t, k, u, f, h)                                                              \
    {KM_NUM(t, k, NULL, 8, u, km_hist_g_delta1, h), .fmt = f, .flags = KM_F_HIST, .prio = KM_PRIO_LOW}
#define KM_HIST_TREND                                                                              \
    {KM_TEXT("TREND", "trend", KM_HIST_SPARK, km_hist_g_trend,                                     \
             "the main figure over the last ticks, least to largest of them"),                     \
     .flags = KM_F_HIST | KM_F_NOJSON | KM_F_NOCSV, .nosort = true, .prio = KM_PRIO_LOW}
#define KM_HIST_FLAG                                                                               \
    {KM_NUM("FLAG", "suspect", NULL, 4, KM_U_BOOL, km_hist_g_suspect,                              \
            "LEAK: a leak suspect (grew in 90% of the window's intervals, by more than "           \
            "--leak-threshold); new: appeared after the baseline"),                                \
     .fmt = km_hist_f_flag, .flags = KM_F_HIST, .prio = KM_PRIO_NORMAL}
#define KM_HIST_NEW                                                                                \
    {KM_NUM("NEW", "new", "new_since_baseline", 0, KM_U_BOOL, km_hist_g_new,                       \
            "the row appeared after the baseline"),                                                \
     .flags = KM_F_HIST | KM_F_NOSCREEN}

#endif
