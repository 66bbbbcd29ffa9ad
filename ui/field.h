/*
 * field.h - typed fields: what a column (or a JSON-only field) of a view
 * holds, as a value with a unit.
 *
 * A field's getter yields a struct km_val: an integer, a double, a string, a
 * boolean, or "absent" (KM_NA, NAN, a NULL string, a negative tristate). From
 * (unit, value) the renderers derive everything else: the screen and text
 * cell (bytes in human units, exact with --raw; counts exact; percentages and
 * rates with one decimal; absent and empty strings as "-"), the sort order
 * (absent first), the
 * JSON value (absent as null) and the CSV value (exact, absent empty). A view
 * gives its own formatter, comparator or JSON writer only where a cell is not
 * its value alone (a list, a label, slabtop's rounded-down percentage).
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#ifndef KM_UI_FIELD_H
#define KM_UI_FIELD_H

#include "kmemtop/sample.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a value measures: decides its cell text. */
enum km_unit {
    KM_U_TEXT,      /* a string, as it is */
    KM_U_COUNT,     /* an exact integer (objects, areas, pages, a node number) */
    KM_U_BYTES,     /* bytes: human units ("44.0K"), exact with --raw */
    KM_U_PCT,       /* a percentage, one decimal: "98.4%" */
    KM_U_RATE,      /* events per second, signed, one decimal: "+12.5/s" */
    KM_U_BYTE_RATE, /* bytes per second, signed: "+1.2K/s", exact "+1234.0" with --raw */
    KM_U_BOOL,      /* yes or no */
};

/*
 * KM_VT_NONE: absent, not known ("-", null). KM_VT_BLANK: the field does not
 * apply to this kind of row (a totals row's reference count): an empty cell,
 * null in JSON.
 */
enum km_vtype { KM_VT_NONE, KM_VT_BLANK, KM_VT_INT, KM_VT_DBL, KM_VT_STR, KM_VT_BOOL };

/* A field's value for one row; KM_VT_NONE: absent (not known, not applicable). */
struct km_val {
    enum km_vtype t;
    int64_t i;     /* KM_VT_INT; KM_VT_BOOL: 0 or 1 */
    double d;      /* KM_VT_DBL */
    const char *s; /* KM_VT_STR: valid until the next getter call with the same buffer */
};

static inline struct km_val km_v_none(void)
{
    return (struct km_val){.t = KM_VT_NONE};
}
static inline struct km_val km_v_blank(void)
{
    return (struct km_val){.t = KM_VT_BLANK};
}
/* KM_NA is absent. */
static inline struct km_val km_v_int(int64_t v)
{
    return KM_IS_NA(v) ? km_v_none() : (struct km_val){.t = KM_VT_INT, .i = v};
}
/* NAN and infinities are absent. */
static inline struct km_val km_v_dbl(double v)
{
    return isfinite(v) ? (struct km_val){.t = KM_VT_DBL, .d = v} : km_v_none();
}
/* NULL is absent. */
static inline struct km_val km_v_str(const char *s)
{
    return s ? (struct km_val){.t = KM_VT_STR, .s = s} : km_v_none();
}
/* A tristate: negative is absent (unknown), else false or true. */
static inline struct km_val km_v_bool(int v)
{
    return v < 0 ? km_v_none() : (struct km_val){.t = KM_VT_BOOL, .i = v != 0};
}

/* Field flags (struct km_col.flags). */
enum {
    KM_F_NOSCREEN = 1 << 0, /* a JSON and CSV field only: no column on screen or in text */
    KM_F_NOJSON = 1 << 1,   /* computed for the screen: not in the JSON rows */
    KM_F_NOCSV = 1 << 2,    /* not in CSV either */
    /* a history field (ui/hist.h): there only while the view's history holds two ticks */
    KM_F_HIST = 1 << 3,
    /* for Prometheus alone: a raw counter the table shows as a rate (they come last) */
    KM_F_PROM_ONLY = KM_F_NOSCREEN | KM_F_NOJSON | KM_F_NOCSV,
};

/* Size of the buffer getters may compose a string in. */
#define KM_FIELD_BUF 1024

#endif
