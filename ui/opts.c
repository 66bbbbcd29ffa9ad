/* opts.c - the command line. See app.h. */
#include "app.h"
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    OPT_VIEW = 256,
    OPT_FORMAT,
    OPT_FILTER,
    OPT_ROOT,
    OPT_CAPTURE,
    OPT_RAW,
    OPT_ALL_ROWS,
    OPT_NO_NS,
    OPT_FORCE,
    OPT_DIR_MODE,
    OPT_TEXTFILE,
    OPT_LISTEN,
    OPT_PROM_TOP,
    OPT_PROM_INCLUDE,
    OPT_PROM_EXCLUDE,
    OPT_VMALLOC_INTERVAL,
    OPT_NO_VMALLOC,
    OPT_SCRAPE_MIN,
    OPT_MAX_CONNS,
    OPT_NO_CONFIG,
    OPT_VIEW_OPT = 512, /* + the index of a view's option in view_opts() */
};

/* At most this many options of views' own. */
#define VIEW_OPTS_MAX 32

static const struct option generic_opts[] = {
    {"batch", no_argument, NULL, 'b'},
    {"iterations", required_argument, NULL, 'n'},
    {"delay", required_argument, NULL, 'd'},
    {"once", no_argument, NULL, 'o'},
    {"view", required_argument, NULL, OPT_VIEW},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"sort", required_argument, NULL, 's'},
    {"filter", required_argument, NULL, OPT_FILTER},
    {"root", required_argument, NULL, OPT_ROOT},
    {"capture", required_argument, NULL, OPT_CAPTURE},
    {"record", required_argument, NULL, 'w'},
    {"replay", required_argument, NULL, 'r'},
    {"force", no_argument, NULL, OPT_FORCE},
    {"dir-mode", required_argument, NULL, OPT_DIR_MODE},
    {"raw", no_argument, NULL, OPT_RAW},
    {"all-rows", no_argument, NULL, OPT_ALL_ROWS},
    {"no-namespace", no_argument, NULL, OPT_NO_NS},
    {"no-color", no_argument, NULL, 'C'},
    {"no-mouse", no_argument, NULL, 'M'},
    {"no-config", no_argument, NULL, OPT_NO_CONFIG},
    {"textfile", required_argument, NULL, OPT_TEXTFILE},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"prom-top", required_argument, NULL, OPT_PROM_TOP},
    {"prom-include", required_argument, NULL, OPT_PROM_INCLUDE},
    {"prom-exclude", required_argument, NULL, OPT_PROM_EXCLUDE},
    {"vmallocinfo-interval", required_argument, NULL, OPT_VMALLOC_INTERVAL},
    {"no-vmallocinfo", no_argument, NULL, OPT_NO_VMALLOC},
    {"scrape-interval-min", required_argument, NULL, OPT_SCRAPE_MIN},
    {"max-connections", required_argument, NULL, OPT_MAX_CONNS},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* The views' own options in registry order, at most max; returns how many. */
static int view_opts(const struct km_view_opt **out, int max)
{
    int n = 0;
    for (int v = 0; km_views[v]; v++)
        for (const struct km_view_opt *o = km_views[v]->opts; o && o->name && n < max; o++)
            out[n++] = o;
    return n;
}

/* The slabtop letters of every view's sort keys, "a b c" ("" when none). */
static void sort_letters(char *out, size_t n)
{
    size_t pos = 0;
    out[0] = '\0';
    for (int v = 0; km_views[v]; v++)
        for (const struct km_view_key *k = km_views[v]->keys; k && k->chars; k++)
            for (const char *c = k->chars; k->sort_letter && *c && pos < n; c++)
                pos += (size_t)snprintf(out + pos, n - pos, "%s%c", pos ? " " : "", *c);
}

void km_usage(FILE *f)
{
    char names[256], letters[128];
    km_view_names(names, sizeof(names));
    sort_letters(letters, sizeof(letters));
    fputs("Usage: kmemtop [options]\n"
          "Show the memory the Linux kernel keeps for itself: modules, NUMA nodes and zones,\n"
          "buddy free lists, slab caches.\n"
          "\n"
          "  -b, --batch            print frames as text (no screen); also when stdout is not a tty\n"
          "  -n, --iterations N     frames to print in batch mode (default 1; a series: its trees)\n"
          "  -d, --delay SECS       seconds between frames, fractions allowed (default 2)\n"
          "  -o, --once             one frame and exit (-b -n 1)\n",
          f);
    fprintf(f, "      --view V[,V..]     %s or all (batch default: all)\n", names);
    fputs("      --format F         text, json (JSON Lines, one object per frame), csv or prometheus\n", f);
    fprintf(f, "  -s, --sort KEY         a column key%s%s%s\n", letters[0] ? ", or a slabtop letter (" : "",
            letters, letters[0] ? ")" : "");
    fputs("      --filter TEXT      only rows whose name contains TEXT (case-insensitive, a|b)\n", f);
    const struct km_view_opt *vo[VIEW_OPTS_MAX];
    for (int i = 0, n = view_opts(vo, VIEW_OPTS_MAX); i < n; i++)
        fprintf(f, "%s\n", vo[i]->usage);
    fputs("      --raw              exact byte counts instead of K/M/G\n"
          "      --all-rows         text and screen: also the rows that say nothing (empty zones,\n"
          "                         all-zero migrate types), which JSON and CSV always keep\n"
          "      --root DIR         show a captured tree (repeatable; a DIR of trees is a series)\n"
          "      --no-namespace     --root without a mount namespace: meminfo, slabinfo by own parsers\n"
          "      --capture DIR      write the files kmemtop reads into DIR (with -n, -d: a series)\n"
          "  -w, --record FILE      append each tick's files to the recording FILE (with -n, -d; no\n"
          "                         -n: until interrupted); live or from --root\n"
          "  -r, --replay FILE      print the ticks of the recording FILE (batch: -b, --format)\n"
          "      --force            --capture: replace the previous capture DIR holds\n"
          "      --dir-mode MODE    --capture: octal mode of the tree's directories (default 700)\n"
          "      --textfile DIR     rewrite DIR/kmemtop.prom every -d seconds (node_exporter's textfile)\n"
          "      --listen ADDR:PORT serve Prometheus metrics at /metrics (ADDR default 127.0.0.1)\n"
          "      --prom-top V=N     Prometheus: the first N rows of view V, the rest as \"other\" (0 all;\n"
          "                         defaults slabs=50, vmalloc=30)\n"
          "      --prom-include V=GLOBS  Prometheus: only rows of view V whose name matches (a*|b*)\n"
          "      --prom-exclude V=GLOBS  Prometheus: no row of view V whose name matches\n"
          "      --vmallocinfo-interval SECS  --textfile, --listen: read vmallocinfo at most every\n"
          "                         SECS (default 30; 0: every sample)\n"
          "      --no-vmallocinfo   never read /proc/vmallocinfo (no vmalloc view, no module areas)\n"
          "      --scrape-interval-min SECS  --listen: scrapes closer than SECS share a sample\n"
          "                         (default 1)\n"
          "      --max-connections N  --listen: connections served at once (default 16)\n"
          "  -C, --no-color         no colours (NO_COLOR is honoured too)\n"
          "  -M, --no-mouse         the screen ignores the mouse (clicks, wheel)\n"
          "      --no-config        the screen reads no kmemtoprc (saved settings)\n"
          "  -h, --help             this help\n"
          "  -V, --version          version\n",
          f);
}

static int bad(const char *what, const char *arg)
{
    fprintf(stderr, "kmemtop: %s: '%s'\nTry 'kmemtop --help'.\n", what, arg);
    return -1;
}

static int parse_views(struct km_opts *o, const char *arg)
{
    if (strspn(arg, ", ") == strlen(arg))
        return bad("--view wants one or more view names", arg);
    char *copy = strdup(arg), *save = NULL;
    int rc = 0;
    bool first = true;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "all") == 0) {
            for (int i = 0; km_views[i]; i++)
                o->views[i] = true;
            continue;
        }
        int v = km_view_find(t);
        if (v < 0) {
            char names[256], what[300];
            km_view_names(names, sizeof(names));
            snprintf(what, sizeof(what), "unknown view (%s, all)", names);
            rc = bad(what, t);
            break;
        }
        o->views[v] = true;
        if (first)
            o->first_view = v;
        first = false;
    }
    free(copy);
    o->view_given = true;
    return rc;
}

/* A plain decimal number (strtod would take "0x10", "inf", "nan" and leading blanks too). */
static int parse_num(const char *arg, double lo, double hi, double *out)
{
    char *end;
    if (!arg[0] || strspn(arg, "0123456789.eE+-") != strlen(arg) || !strpbrk(arg, "0123456789"))
        return -1;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || isnan(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* An octal mode as mkdir -m takes it; the owner must keep rwx to write the tree. */
static int parse_mode(struct km_opts *o, const char *arg)
{
    char *end;
    errno = 0;
    unsigned long m = strtoul(arg, &end, 8);
    if (errno || end == arg || *end || *arg == '-' || m > 0777 || (m & 0700) != 0700)
        return bad("--dir-mode wants an octal mode from 700 to 777 (the owner keeps rwx)", arg);
    o->dir_mode = (unsigned)m;
    return 0;
}

static int parse_format(struct km_opts *o, const char *arg)
{
    if (strcmp(arg, "json") == 0)
        o->format = KM_FMT_JSON;
    else if (strcmp(arg, "csv") == 0)
        o->format = KM_FMT_CSV;
    else if (strcmp(arg, "text") == 0)
        o->format = KM_FMT_TEXT;
    else if (strcmp(arg, "prometheus") == 0)
        o->format = KM_FMT_PROM;
    else
        return bad("--format is text, json, csv or prometheus", arg);
    return 0;
}

/* "V=ARG": the view V's index in *v, ARG returned; NULL when V is no view. */
static const char *view_arg(const char *arg, int *v)
{
    const char *eq = strchr(arg, '=');
    char name[64];
    if (!eq || (size_t)(eq - arg) >= sizeof(name))
        return NULL;
    snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
    *v = km_view_find(name);
    return *v >= 0 ? eq + 1 : NULL;
}

/* --prom-top slabs=20,vmalloc=10 */
static int parse_top(struct km_opts *o, const char *arg)
{
    char *copy = strdup(arg), *save = NULL;
    int rc = 0;
    for (char *t = strtok_r(copy, ",", &save); t && rc == 0; t = strtok_r(NULL, ",", &save)) {
        int v;
        double n;
        const char *num = view_arg(t, &v);
        if (!num || parse_num(num, 0, 1e6, &n) || n != (int)n)
            rc = bad("--prom-top wants VIEW=N (a view name, N rows, 0 for all)", t);
        else
            o->prom.top[v] = (int)n;
    }
    free(copy);
    return rc;
}

/* --listen [ADDR:]PORT: checked here, bound by the server */
static int parse_listen(struct km_opts *o, const char *arg)
{
    const char *colon = strrchr(arg, ':');
    const char *port = colon ? colon + 1 : arg;
    char *end;
    long p = strtol(port, &end, 10);
    if (!*port || *end || p < 0 || p > 65535)
        return bad("--listen wants ADDR:PORT or PORT (ADDR an IPv4 or [IPv6] address)", arg);
    o->listen = arg;
    return 0;
}

/* The exporter's options; 1 when c is none of them. */
static int prom_opt(struct km_opts *o, int c, const char *arg)
{
    double v;
    int view;
    const char *globs;
    switch (c) {
    case OPT_TEXTFILE:
        o->textfile = arg;
        return 0;
    case OPT_LISTEN:
        return parse_listen(o, arg);
    case OPT_PROM_TOP:
        return parse_top(o, arg);
    case OPT_PROM_INCLUDE:
    case OPT_PROM_EXCLUDE:
        globs = view_arg(arg, &view);
        if (!globs || !*globs)
            return bad("wants VIEW=GLOB[|GLOB..] (a view name, shell patterns)", arg);
        if (c == OPT_PROM_INCLUDE)
            o->prom.include[view] = globs;
        else
            o->prom.exclude[view] = globs;
        return 0;
    case OPT_VMALLOC_INTERVAL:
        if (parse_num(arg, 0, 86400, &v))
            return bad("--vmallocinfo-interval wants seconds from 0 to 86400", arg);
        o->vmalloc_interval = v;
        return 0;
    case OPT_NO_VMALLOC:
        o->no_vmallocinfo = true;
        return 0;
    case OPT_SCRAPE_MIN:
        if (parse_num(arg, 0, 3600, &v))
            return bad("--scrape-interval-min wants seconds from 0 to 3600", arg);
        o->min_scrape = v;
        return 0;
    case OPT_MAX_CONNS:
        if (parse_num(arg, 1, 1024, &v) || v != (int)v)
            return bad("--max-connections wants a whole number from 1 to 1024", arg);
        o->max_conns = (int)v;
        return 0;
    }
    return 1;
}

/* --root, --capture and their companions; 1 when c is none of them. */
static int tree_opt(struct km_opts *o, int c, const char *arg)
{
    switch (c) {
    case OPT_ROOT:
        o->roots = xrealloc(o->roots, (o->nroots + 1) * sizeof(*o->roots));
        o->roots[o->nroots++] = (char *)arg;
        return 0;
    case OPT_NO_NS:
        o->no_namespace = true;
        return 0;
    case OPT_CAPTURE:
        o->capture = arg;
        return 0;
    case 'w':
        o->record = arg;
        return 0;
    case 'r':
        o->replay = arg;
        return 0;
    case OPT_FORCE:
        o->force = true;
        return 0;
    case OPT_DIR_MODE:
        return parse_mode(o, arg);
    }
    return 1;
}

static int one_opt(struct km_opts *o, int c, const char *arg)
{
    double v;
    switch (c) {
    case 'b':
        o->batch = true;
        return 0;
    case 'n':
        if (parse_num(arg, 1, 1e9, &v) || v != (long)v)
            return bad("-n wants a whole number of frames, 1 or more", arg);
        if (o->once)
            return bad("-n and -o (--once: one frame) cannot go together; -b -n N gives N", arg);
        o->iterations = (long)v;
        return 0;
    case 'd':
        if (parse_num(arg, 0.05, 86400, &v))
            return bad("-d wants seconds between 0.05 and 86400", arg);
        o->delay = v;
        o->delay_given = true;
        return 0;
    case 'o':
        if (o->iterations > 0)
            return bad("-o (--once: one frame) and -n cannot go together; -b -n N gives N",
                       "--once");
        o->batch = true;
        o->once = true;
        o->iterations = 1;
        return 0;
    case OPT_VIEW:
        return parse_views(o, arg);
    case OPT_FORMAT:
        return parse_format(o, arg);
    case 's':
        o->sort = arg;
        return 0;
    case OPT_FILTER:
        o->filter = arg;
        return 0;
    case OPT_ALL_ROWS:
        o->all_rows = true;
        return 0;
    case OPT_RAW:
        o->raw = true;
        return 0;
    case 'C':
        o->no_color = true;
        return 0;
    case 'M':
        o->no_mouse = true;
        return 0;
    case OPT_NO_CONFIG:
        o->no_config = true;
        return 0;
    }
    int rc = tree_opt(o, c, arg);
    if (rc == 1)
        rc = prom_opt(o, c, arg);
    return rc == 0 ? 0 : -1;
}

int km_opts_parse(struct km_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof(*o));
    o->iterations = -1;
    o->delay = 2.0;
    km_vstates_init(o->vstates);
    km_prom_opts_init(&o->prom);
    o->vmalloc_interval = 30;
    o->min_scrape = 1;
    o->max_conns = 16;
    struct option longopts[sizeof(generic_opts) / sizeof(generic_opts[0]) + VIEW_OPTS_MAX];
    const struct km_view_opt *vo[VIEW_OPTS_MAX];
    int ng = (int)(sizeof(generic_opts) / sizeof(generic_opts[0])) - 1, nv = view_opts(vo, VIEW_OPTS_MAX);
    memcpy(longopts, generic_opts, (size_t)ng * sizeof(longopts[0]));
    for (int i = 0; i < nv; i++)
        longopts[ng + i] = (struct option){vo[i]->name, vo[i]->has_arg ? required_argument : no_argument,
                                           NULL, OPT_VIEW_OPT + i};
    longopts[ng + nv] = (struct option){NULL, 0, NULL, 0};
    int c;
    optind = 1;
    opterr = 0; /* said below, as "kmemtop: ...", not with the whole argv[0] */
    while ((c = getopt_long(argc, argv, ":bn:d:os:CMhVw:r:", longopts, NULL)) != -1) {
        if (c == 'h') {
            km_usage(stdout);
            return 1;
        }
        if (c == 'V') {
            printf("kmemtop %s\n", PACKAGE_VERSION);
            return 1;
        }
        if (c == '?' || c == ':') {
            const char *opt = argv[optind - 1];
            char shortopt[3] = {'-', (char)optopt, '\0'};
            if (optopt && strncmp(opt, "--", 2) != 0)
                opt = shortopt;
            return bad(c == ':' ? "this option wants a value" : "unknown option", opt);
        }
        if (c >= OPT_VIEW_OPT && c < OPT_VIEW_OPT + nv) {
            const char *err = km_view_option(o->vstates, vo[c - OPT_VIEW_OPT]->name, optarg);
            if (err)
                return bad(err, optarg ? optarg : vo[c - OPT_VIEW_OPT]->name);
            continue;
        }
        if (one_opt(o, c, optarg) < 0)
            return -1;
    }
    if (optind < argc)
        return bad("unexpected argument", argv[optind]);
    if (o->textfile && o->listen)
        return bad("--textfile and --listen are two ways to run: choose one", o->listen);
    if ((o->textfile || o->listen) && o->capture)
        return bad("--capture writes a tree, not metrics", o->capture);
    if (o->record && (o->capture || o->replay || o->textfile || o->listen ||
                      o->format == KM_FMT_PROM))
        return bad("-w records ticks: not with --capture, -r, --textfile, --listen or "
                   "--format prometheus", o->record);
    if (o->replay && (o->capture || o->nroots || o->textfile || o->listen))
        return bad("-r replays a recording: not with --capture, --root, --textfile or --listen",
                   o->replay);
    if ((o->force || o->dir_mode) && !o->capture)
        return bad("only with --capture DIR", o->force ? "--force" : "--dir-mode");
    if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
        o->no_color = true;
    return 0;
}
