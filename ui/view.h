/*
 * view.h - views as column tables, and the view model every renderer shares.
 *
 * A view (struct km_view_def) declares its columns once: title, width,
 * alignment, formatter, comparator, sort letter and help text. It turns a
 * sample into rows (km_row: a pointer to a record plus a stable identity).
 * The view model (struct km_vm) holds sorting, filtering, searching and the
 * selected row; the screen, batch text and JSON all render from it, so
 * --sort/--filter in batch mode behave exactly like the keys on screen.
 *
 * Rows may form groups (a node and its zones; a zone and its migrate types):
 * sorting orders the top-level rows and keeps each child under its parent.
 * Rows and their records stay valid until the next km_vm_build or until the
 * sample they came from is freed.
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#ifndef KM_UI_VIEW_H
#define KM_UI_VIEW_H

#include "field.h"
#include "kmemtop/sample.h"

struct km_tree;  /* kmemtop/root.h */
struct km_track; /* hist.h */
struct km_hist;  /* hist.h */
struct km_vm;

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct km_json;

/*
 * How a field becomes Prometheus samples (ui/prom.c): one family per entry,
 * a list ended by name == NULL. kinds: the row kinds it applies to (bits of
 * km_row.kind; 0: every kind). A field may feed a family with a label of its
 * own (the watermark's level="min", a buddy column's order="3").
 */
enum km_prom_type { KM_PROM_GAUGE, KM_PROM_COUNTER };
struct km_prom {
    const char *name;  /* the family without "kmemtop_", in base units: "slab_footprint_bytes" */
    unsigned kinds;    /* 1u << kind of the rows it applies to; 0: all */
    enum km_prom_type type;
    bool sum;          /* additive: the rows past the top N are summed into label "other" */
    const char *label; /* a label of the field's own, or NULL */
    const char *lval;  /* its value */
    const char *help;  /* the family's HELP; NULL: the field's help */
};
/* A field's Prometheus families: .prom = KM_PROMS({.name = "..."}, ...) */
#define KM_PROMS(...) (const struct km_prom[]){__VA_ARGS__, {.name = NULL}}

/* A row's Prometheus labels (ui/prom.c), filled by a view's prom_labels. */
#define KM_PLABELS_MAX 4
struct km_plabels {
    int n;
    const char *name[KM_PLABELS_MAX];
    char val[KM_PLABELS_MAX][256];
};

enum km_align { KM_AL_LEFT, KM_AL_RIGHT };

/*
 * A view's own state (buddy: the selected order; modules: --details NAME),
 * opaque to everything but the view: storage of a fixed size, so that it
 * needs no allocation. The view sets its defaults in state_init and reads
 * it back with km_view_state (views.h).
 */
#define KM_VSTATE_MAX 64
struct km_vstate {
    _Alignas(max_align_t) unsigned char b[KM_VSTATE_MAX];
};

/* What formatters and comparators may look at besides the row. */
struct km_vctx {
    const struct km_sample *s;
    const struct km_sample *prev; /* NULL on the first frame */
    bool utf8;                    /* Unicode bars allowed */
    bool raw;                     /* exact numbers instead of human units */
    const struct km_tree *tree;   /* --root: the tree shown (its record), NULL live */
    /* every view's state, parallel to km_views[]; NULL: every view's defaults */
    struct km_vstate *states;
    /* every view's model, parallel to km_views[] (their histories); NULL: none */
    const struct km_vm *vms;
};

struct km_row {
    const void *rec;  /* the view's record (km_module, km_zone, ...) */
    const void *aux;  /* a second record when the view needs one */
    int kind;         /* view-specific row kind */
    int depth;        /* 0 top level, 1 child, 2 grandchild */
    size_t parent;    /* index of the parent row when depth > 0 */
    char id[128];     /* stable identity: survives refreshes and re-sorting */
    const char *name; /* what filter and search match; NULL: the id (use km_row_name) */
    bool pinned;      /* totals rows: kept last, never filtered or sorted */
    bool quiet;       /* a row that says nothing (an empty zone): hidden while vm->hide_quiet */
    bool untracked;   /* a row without figures of its own (a slab alias): no history kept */
    const struct km_track *hist; /* the row's history (hist.h); NULL: none kept */
    /* set by km_vm_refresh: the row has children, the user folded it (its children hidden) */
    bool has_kids, folded;
};

/* A field's value for a row; a composed string goes into buf (n bytes; cut to fit). */
typedef struct km_val (*km_get_fn)(const struct km_vctx *, const struct km_row *, char *buf,
                                   size_t n);
/* Writes a field whose JSON value is not a scalar (a list, an object) under key. */
typedef void (*km_jsonw_fn)(const struct km_vctx *, const struct km_row *, struct km_json *,
                            const char *key);
/* A cell's text where (unit, value) alone does not make it (overrides the derived text). */
typedef void (*km_fmt_fn)(const struct km_vctx *, const struct km_row *, char *out, size_t n);
/* What a cell means, as an enum km_attr (the screen maps it to a colour). */
typedef int (*km_attr_fn)(const struct km_vctx *, const struct km_row *);
/* <0, 0, >0 like strcmp, ascending */
typedef int (*km_cmp_fn)(const struct km_vctx *, const struct km_row *, const struct km_row *);

/*
 * A field: a column of the view (or, with KM_F_NOSCREEN, a value only JSON
 * and CSV carry). Cell text, sort order, JSON and CSV come from unit and get;
 * fmt, cmp and jsonw override them where the value alone does not make them.
 */
struct km_col {
    const char *title; /* column header */
    const char *key;   /* --sort name, lower case */
    const char *json;  /* JSON (and CSV) name where it differs from key, else NULL */
    char letter;       /* slabtop sort letter, 0 if none */
    int width;         /* preferred width; the name column may shrink */
    enum km_align align;
    enum km_unit unit;
    km_get_fn get;  /* the value; NULL: the field has none of its own (fmt makes the cell) */
    unsigned flags; /* KM_F_* (field.h) */
    bool desc;      /* natural sort direction is largest first */
    bool nosort;    /* has a value but sorting by it means nothing (a list) */
    const char *help;
    km_fmt_fn fmt;     /* optional: the cell text, instead of the value's */
    km_cmp_fn cmp;     /* optional: the order, instead of the value's */
    km_jsonw_fn jsonw; /* optional: the JSON value, instead of the value's */
    km_attr_fn attr;   /* optional: colour by meaning (a watermark state, growth) */
    /* optional: whether the field is in this sample's JSON at all (a summary of slabinfo) */
    bool (*when)(const struct km_vctx *c);
    /* optional: the Prometheus families the field feeds (KM_PROMS) */
    const struct km_prom *prom;
    /*
     * enum km_prio: which columns a screen too narrow for the table drops
     * first (the lowest; ties from the right). The name column and the sort
     * column stay.
     */
    signed char prio;
};

/*
 * Column priorities (struct km_col.prio). KM_PRIO_NORMAL is 0, so a column
 * that says nothing is normal; the figures a view is about are TOP, what
 * seldom tells anything (INIT, always 0 once loaded; rates of counters a
 * frame cannot rate; trend columns) LOW or LEAST.
 */
enum km_prio {
    KM_PRIO_LEAST = -2,
    KM_PRIO_LOW = -1,
    KM_PRIO_NORMAL = 0,
    KM_PRIO_HIGH = 1,
    KM_PRIO_TOP = 2,
};

/*
 * The members of the two common kinds of field, for a table entry that may
 * add its own: { KM_NUM(...), .fmt = f_own }.
 *   KM_TEXT: left-aligned text, sorted A to Z.
 *   KM_NUM:  right-aligned number with a unit, sorted largest first; js is
 *            the JSON name where it differs from the --sort key (else NULL).
 */
#define KM_TEXT(t, k, w, g, h)                                                                     \
    .title = (t), .key = (k), .width = (w), .align = KM_AL_LEFT, .unit = KM_U_TEXT, .get = (g),    \
    .help = (h)
#define KM_NUM(t, k, js, w, u, g, h)                                                               \
    .title = (t), .key = (k), .json = (js), .width = (w), .align = KM_AL_RIGHT, .unit = (u),       \
    .get = (g), .desc = true, .help = (h)

/*
 * Defines the getter fn (a km_get_fn): with the declarations decl in scope
 * (the row's record, the sample's), its value is expr.
 *   KM_GETTER(g_objs, const struct km_slab *s = SL(r), km_v_int(s->num_objs))
 */
#define KM_GETTER(fn, decl, expr)                                                                  \
    static struct km_val fn(const struct km_vctx *c, const struct km_row *r, char *b, size_t n)    \
    {                                                                                              \
        decl;                                                                                      \
        return (expr);                                                                             \
    }

struct km_vm;

/* The callback notes and details lines go through. */
typedef void (*km_line_fn)(void *arg, int attr, const char *text);

/* Where the help screen lists a key (the screen's key groups). */
enum km_key_group { KG_VIEWS, KG_MOVE, KG_SORT, KG_FIND, KG_SAMPLING, KG_REPLAY, KG_OTHER, KG_N };

/* Keys of a view's own, active only while it is shown. */
struct km_view_key {
    const char *chars; /* each character is one key (help writes them "a, b") */
    int group;         /* enum km_key_group */
    const char *desc;  /* help text */
    bool sort_letter;  /* the key is a column's slabtop letter and sorts by it; else d->key */
};

/* An option of a view's own (--order N), in --help and parsed through d->opt. */
struct km_view_opt {
    const char *name; /* long option name, without "--" */
    bool has_arg;
    const char *usage; /* its --help line, without the newline */
};

struct km_view_def {
    const char *name;  /* "modules": --view and JSON key */
    const char *title; /* "Modules": tab title */
    unsigned sources;  /* KM_SRC_BIT mask the view needs */
    unsigned derives;  /* KM_DER_* (kmemtop/derive.h): derived data only it needs */
    const struct km_col *cols;
    int ncols;
    /*
     * Optional: the view's summary, fields of the whole sample (their getters
     * get km_sample_row: rec is the sample). JSON's "summary" object is made
     * of them, the notes' sentences use them through km_fields_line.
     */
    const struct km_col *sum;
    int nsum;
    const char *sum_key; /* the summary's JSON key; NULL: "summary" */
    int default_sort;    /* column index */
    /*
     * Optional: the --sort keys of the row's main figure and of a second one
     * (integers) whose history the view keeps (hist.h): trend, baseline, leak
     * suspects; the table then holds the KM_HIST_* fields. {NULL}: none.
     */
    const char *trend[2];
    void (*rows)(struct km_vm *vm, const struct km_vctx *c);
    /* Lines shown above the table (status, summaries, notes); may be NULL. */
    void (*notes)(const struct km_vm *vm, const struct km_vctx *c,
                  void (*line)(void *arg, int attr, const char *text), void *arg);
    /* Lines shown under the table (recent events); may be NULL. */
    void (*footer)(const struct km_vm *vm, const struct km_vctx *c,
                   void (*line)(void *arg, int attr, const char *text), void *arg);
    /* The view's JSON object value; rows in view-model order. */
    void (*json)(const struct km_vm *vm, const struct km_vctx *c, struct km_json *j);
    /* json is called whatever main_src's status (it then writes "rows" itself). */
    bool json_always;
    /* The source whose status decides whether the table can be shown. */
    enum km_src main_src;
    /*
     * Optional KM_SRC_BIT mask of sources that can each supply the table
     * (nodes: node sysfs or zoneinfo): the first one that is ok stands in
     * for main_src. 0: main_src alone decides.
     */
    unsigned main_any;
    /*
     * What the view's quiet rows (km_row.quiet) are, singular and plural
     * ("empty zone", "empty zones"), for the line that says how many are hidden.
     */
    const char *quiet_one, *quiet_many;
    /*
     * Optional: whether row r matches a filter or search pattern (as
     * km_filter_match) by a name other than its own (slabs: a merged alias).
     */
    bool (*match)(const struct km_row *r, const char *pattern);
    /* Optional: whether a column applies to this sample (e.g. buddy orders). */
    bool (*col_shown)(const struct km_vctx *c, int col);
    /*
     * Optional: whether a shown column is drawn in the tables of the screen
     * and of text frames; CSV keeps it (nodes: the rates on a single frame).
     */
    bool (*col_table)(const struct km_vctx *c, int col);
    /* Optional: a column title computed from the sample (e.g. block sizes). */
    void (*col_title)(const struct km_vctx *c, int col, char *out, size_t n);

    /* --- the view's own state, keys, options and words; all optional --- */
    /*
     * Optional: the default sort column for this state (state NULL: the
     * defaults); the view model follows it while the user has not chosen
     * another column.
     */
    int (*sort_for)(const void *state);
    /* Sets the defaults in state (zeroed storage of KM_VSTATE_MAX bytes). */
    void (*state_init)(void *state);
    /* Sources to read besides sources, as the state asks (buddy: pagetypeinfo). */
    unsigned (*state_sources)(const void *state);
    const struct km_view_key *keys; /* ended by chars == NULL */
    /*
     * A key of keys[] without sort_letter was pressed: changes state, says
     * what it did in status (a one-line message, may stay ""). Returns true
     * when the rows must be rebuilt (km_vm_build).
     */
    bool (*key)(void *state, const struct km_vctx *c, int ch, char *status, size_t n);
    const struct km_view_opt *opts; /* ended by name == NULL */
    /*
     * Optional, instead of key: a key of keys[] that acts on the view model
     * (folds the selected row). Returns true when the rows must be refreshed.
     */
    bool (*vm_key)(struct km_vm *vm, const struct km_vctx *c, int ch, char *status, size_t n);
    /*
     * Left out of "all" and of the batch, capture and Prometheus default (a
     * costly walk): read only when --view names it, or while the screen shows it.
     */
    bool opt_in;
    /* Optional, for an opt_in view: whether its state has Prometheus export it anyway. */
    bool (*exported)(const void *state);
    /* Children are sorted among their siblings at every depth (a tree), not kept in build order. */
    bool sort_children;
    /* Option name given (arg NULL without argument): NULL, or what was wrong with arg. */
    const char *(*opt)(void *state, const char *name, const char *arg);
    /* Words for the screen's status line ("order 4  "), may write "". */
    void (*status)(const void *state, char *out, size_t n);
    /* Lines the details overlay adds under row r's cells. */
    void (*details)(const struct km_vctx *c, const struct km_row *r, km_line_fn line, void *arg);
    /* What batch text prints after the frame's views (--details NAME), whatever views are shown. */
    void (*text_after)(const struct km_vctx *c, FILE *f);
    /*
     * Whether the state has text_after print something (modules: --details
     * NAME). As that output does not depend on which views are shown, the
     * view's sources, derived data and state's sources are then read as if
     * it were shown, so that it gives the same answer whatever --view says.
     * NULL: text_after needs nothing read.
     */
    bool (*after_needs)(const void *state);

    /* --- Prometheus (ui/prom.c); all optional --- */
    /* The labels of row r; NULL: one label, prom_label, holding the row's name. */
    void (*prom_labels)(const struct km_vctx *c, const struct km_row *r, struct km_plabels *l);
    const char *prom_label;
    /* Top-level rows exported by default (in view order), the rest summed as "other"; 0: all. */
    int prom_top;
};
/* A column's title for this sample. */
const char *km_col_title(const struct km_view_def *d, const struct km_vctx *c, int col, char *buf,
                         size_t n);
bool km_col_shown(const struct km_view_def *d, const struct km_vctx *c, int col);
/* Fields before the first KM_F_NOSCREEN one: the columns (JSON-only fields come last). */
int km_view_screen_cols(const struct km_view_def *d);
/* A column of the screen and of batch text: not KM_F_NOSCREEN, shown, and drawn (col_table). */
bool km_col_on_screen(const struct km_view_def *d, const struct km_vctx *c, int col);

/* ---- fields: what renderers derive from (unit, value); field.c ---- */
/* The field's value for row r (buf: KM_FIELD_BUF bytes for a composed string). */
struct km_val km_col_value(const struct km_col *f, const struct km_vctx *c, const struct km_row *r,
                           char *buf, size_t n);
/* The cell's text: fmt, else the value's (km_val_text). */
void km_col_cell(const struct km_col *f, const struct km_vctx *c, const struct km_row *r, char *out,
                 size_t n);
bool km_col_sortable(const struct km_col *f);
/* cmp, else the values' order (km_val_cmp); ascending. */
int km_col_cmp(const struct km_col *f, const struct km_vctx *c, const struct km_row *a,
               const struct km_row *b);
/* The field's JSON and CSV name: json, else key. */
const char *km_col_json_key(const struct km_col *f);
/* A value as a cell shows it: by unit; absent "-". */
void km_val_text(const struct km_vctx *c, enum km_unit u, struct km_val v, char *out, size_t n);
/* Absent first, then by number or string. */
int km_val_cmp(struct km_val a, struct km_val b);
/* A value exactly, for programs: integers in full, doubles as JSON writes them, absent "". */
void km_val_csv(struct km_val v, char *out, size_t n);
/* Writes field f of row r into the JSON object open in j (jsonw, else the value; absent null). */
void km_col_json(const struct km_col *f, const struct km_vctx *c, const struct km_row *r,
                 struct km_json *j);
/*
 * Writes "rows": each visible row but the pinned ones (totals belong to the
 * view's own summary) as an object of its fields; none unless with.
 */
void km_json_rows(struct km_json *j, const struct km_vm *vm, const struct km_vctx *c, bool with);
/* Writes every field of d that JSON rows carry (not KM_F_NOJSON), in table order. */
void km_json_fields(const struct km_view_def *d, const struct km_vctx *c, const struct km_row *r,
                    struct km_json *j);
/* Writes the n fields f (a summary table) that JSON carries. */
void km_json_fields_of(const struct km_col *f, int n, const struct km_vctx *c,
                       const struct km_row *r, struct km_json *j);
/* The row summary fields are read from: rec is the sample. */
struct km_row km_sample_row(const struct km_vctx *c);
/* Writes "summary" (or d->sum_key): d's summary fields (when they apply: when). */
void km_json_summary(const struct km_view_def *d, const struct km_vctx *c, struct km_json *j);
/*
 * A sentence of summary values: tmpl with each "{key}" replaced by the cell
 * of d's summary field of that --sort key ("{?key}" for a key it has not).
 */
void km_fields_line(const struct km_view_def *d, const struct km_vctx *c, const char *tmpl,
                    char *out, size_t n);

/* Comparators for column cmp functions: an absent value (KM_NA, NAN) sorts first. */
int km_cmp_i64(int64_t a, int64_t b);
int km_cmp_dbl(double a, double b);
/* A size cell: exact bytes with --raw, else human units. */
void km_size_cell(const struct km_vctx *c, int64_t bytes, char *out, size_t n);

/* Attributes a notes line may carry; the screen maps them to colours. */
enum km_attr { KM_ATTR_NORMAL, KM_ATTR_DIM, KM_ATTR_WARN, KM_ATTR_BAD, KM_ATTR_GOOD, KM_ATTR_BOLD };

struct km_vm {
    const struct km_view_def *def;
    int sort_col;
    bool reverse;  /* against the column's natural direction */
    int auto_sort; /* the sort the view's state asks for (sort_for), else default_sort */
    char filter[128];
    char search[128];
    char sel_id[128];
    /* built rows */
    struct km_row *rows;
    size_t nrows, cap;
    /* visible rows after filter and sort, as indexes into rows */
    size_t *vis;
    size_t nvis, viscap;
    /*
     * Quiet rows (km_row.quiet) are left out of vis: the screen's default and
     * batch text's; JSON, CSV and Prometheus keep every row (km_app_init).
     */
    bool hide_quiet;
    size_t nquiet; /* quiet rows the last refresh left out (that the filter would show) */
    size_t sel;    /* index into vis */
    /* ids of the rows the user folded (km_vm_fold): their descendants are left out of vis */
    char (*fold)[128];
    size_t nfold, foldcap;
    size_t top; /* first visible row on screen */
    struct km_hist *hist; /* the rows' history when def->trend names figures (hist.h), owned */
    /* the top rows' order of the last refresh (indexes into rows): a refresh whose rows are
       still in that order (or nearly) is not sorted again (view.c, refresh_flat) */
    size_t *order;
    size_t norder, ordercap;
};

void km_vm_init(struct km_vm *vm, const struct km_view_def *def);
void km_vm_free(struct km_vm *vm);
/* Rebuilds rows from c->s, then filters, sorts and restores the selection. */
void km_vm_build(struct km_vm *vm, const struct km_vctx *c);
/* Re-applies filter and sort without rebuilding rows. */
void km_vm_refresh(struct km_vm *vm, const struct km_vctx *c);
/* Appends a row (for the views' rows callbacks); returns its index. */
size_t km_vm_add(struct km_vm *vm, const void *rec, int kind, int depth, size_t parent,
                 const char *name, const char *idfmt, ...) __attribute__((format(printf, 7, 8)));
/*
 * A row's id made of parts without a format: km_id_str and km_id_int append to it, cut as
 * snprintf into km_row.id would cut it; km_vm_add_id appends the row with that id.
 *   struct km_id id = {0}; km_id_str(&id, "node"); km_id_int(&id, 1);
 */
struct km_id {
    char s[sizeof(((struct km_row *)0)->id)];
    size_t n;
};
void km_id_str(struct km_id *id, const char *s);
void km_id_int(struct km_id *id, int v);
size_t km_vm_add_id(struct km_vm *vm, const void *rec, int kind, int depth, size_t parent,
                    const char *name, const struct km_id *id);
/*
 * Folds (how 1), unfolds (0) or toggles (-1) the row of this id; returns
 * whether that changed anything. km_vm_refresh applies it.
 */
bool km_vm_fold(struct km_vm *vm, const char *id, int how);
/* Unfolds every row; returns whether any was folded. */
bool km_vm_unfold_all(struct km_vm *vm);
bool km_vm_is_folded(const struct km_vm *vm, const char *id);
/* Finds a screen column by --sort key or title (case-insensitive); -1 if none. */
int km_vm_find_col(const struct km_vm *vm, const char *key);
/* Column with this slabtop letter; -1 if none. */
int km_vm_find_letter(const struct km_vm *vm, char letter);
/* Whether the current sort is largest first. */
bool km_vm_desc(const struct km_vm *vm);
void km_vm_set_sort(struct km_vm *vm, int col, const struct km_vctx *c);
void km_vm_select(struct km_vm *vm, size_t visidx);
/* Moves the selection to the next (dir>0) or previous match of search; false if none. */
bool km_vm_search_next(struct km_vm *vm, int dir, bool include_current);
/* Case-insensitive; several terms separated by '|'; empty matches all. */
bool km_filter_match(const char *filter, const char *name);
const struct km_row *km_vm_row(const struct km_vm *vm, size_t visidx);
/* What filter and search match: the row's name, else its id. */
const char *km_row_name(const struct km_row *r);

#endif
