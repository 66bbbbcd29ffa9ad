/*
 * app.h - the program's state shared by batch mode and the screen: options,
 * the sampler, the captured trees being shown, and one view model per view.
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#ifndef KM_UI_APP_H
#define KM_UI_APP_H

#include "kmemtop/root.h"
#include "kmemtop/sampler.h"
#include "frame.h"
#include "prom.h"
#include "views.h"

enum km_format { KM_FMT_TEXT, KM_FMT_JSON, KM_FMT_CSV, KM_FMT_PROM };

struct km_opts {
    bool batch;
    bool once; /* -o given */
    long iterations;            /* -n; <0 when not given */
    double delay;               /* -d seconds */
    bool views[KM_VIEWS_MAX];   /* --view, parallel to km_views[]; all false = all views (batch) / the first (screen) */
    bool view_given;
    int first_view;             /* screen: the tab to open */
    enum km_format format;
    const char *sort;           /* -s: slabtop letter or column key */
    const char *filter;         /* --filter */
    char **roots;               /* --root, repeatable */
    size_t nroots;
    const char *capture;        /* --capture DIR */
    const char *record;         /* -w FILE: append each tick's files to a recording */
    const char *replay;         /* -r FILE: show a recording's ticks as a series of trees */
    bool force;                 /* --force: replace a previous capture in DIR */
    unsigned dir_mode;          /* --dir-mode: the capture's directories, 0 = 0700 */
    bool no_color;
    bool delay_given;           /* -d given: it wins over the kmemtoprc's delay */
    bool no_config;             /* --no-config: the screen reads no kmemtoprc */
    bool no_mouse;              /* -M, --no-mouse */
    bool raw;                   /* exact numbers instead of human units */
    bool all_rows;              /* --all-rows: text and screen show quiet rows too */
    bool no_namespace;          /* --root without a mount namespace: own parsers */
    struct km_vstate vstates[KM_VIEWS_MAX]; /* each view's state, set by its own options */
    /* Prometheus (--format prometheus, --textfile, --listen) */
    struct km_prom_opts prom;
    const char *textfile;       /* --textfile DIR */
    const char *listen;         /* --listen ADDR:PORT */
    double vmalloc_interval;    /* --vmallocinfo-interval: seconds between reads (exporter) */
    bool no_vmallocinfo;        /* --no-vmallocinfo */
    double min_scrape;          /* --scrape-interval-min: scrapes closer share one sample */
    int max_conns;              /* --max-connections */
};

struct km_app {
    struct km_opts o;
    struct km_sampler *sampler;
    struct km_roots roots;
    size_t tree; /* index of the tree shown next */
    struct km_vm vms[KM_VIEWS_MAX]; /* parallel to km_views[] */
    struct km_vctx ctx;
    /*
     * When set (kmemtop -r), called before the sampler switches to tree i of
     * roots: it makes the tree (ui/replay.c). Non-zero, with msg: an error.
     */
    int (*prepare)(void *arg, size_t tree, char *msg, size_t msgsz);
    void *prepare_arg;
};

/* Parses argv into a->o. Returns 0, 1 after --help/--version (exit 0), or -1 (usage error, printed). */
int km_opts_parse(struct km_opts *o, int argc, char **argv);
void km_usage(FILE *f);

/*
 * Sets up the sampler, the trees (entering the namespace) and view models.
 * msg and a negative value on error: KM_APP_USAGE for a bad option value
 * (-s names no column: exit 2 as a usage error), else a negative errno.
 */
#define KM_APP_USAGE (-10000)
int km_app_init(struct km_app *a, char *msg, size_t msgsz);
void km_app_free(struct km_app *a);
/* Applies -s to the view models; msg and -1 when no view has such a column. */
int km_app_apply_sort(struct km_app *a, const char *sort, char *msg, size_t msgsz);
/*
 * Takes one sample for the visible views (moving to the next tree of a
 * series) and rebuilds their view models. visible is parallel to km_views[]. Returns 0, or 1 when a series has
 * no tree left.
 */
int km_app_tick(struct km_app *a, const bool *visible, char *msg, size_t msgsz);
/* Trees left to show in a series (SIZE_MAX for the live system). */
size_t km_app_frames_left(const struct km_app *a);

#endif
