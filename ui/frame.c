/* frame.c - summary header, view status and batch frames. See frame.h. */
#include "frame.h"
#include "fmt.h"
#include "hist.h"
#include "json.h"
#include "kmemtop/root.h"
#include "text.h"
#include "kmemtop/sat.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

unsigned km_frame_sources(const bool *visible, const struct km_vstate *states)
{
    return KM_SRC_BIT(KM_SRC_MEMINFO) | KM_SRC_BIT(KM_SRC_MODULES) |
           km_views_sources(visible, states);
}

int64_t km_frame_module_total(const struct km_sample *s)
{
    if (s->src[KM_SRC_MODULES].status != KM_ST_OK)
        return KM_NA;
    int64_t t = 0;
    for (size_t i = 0; i < s->mods.n; i++)
        km_sat_acc(&t, s->mods.mods[i].size);
    return t;
}


/* The local time of wall, "" when no clock gives such a time or the C library cannot say. */
static void fmt_when(char *o, size_t n, double wall)
{
    o[0] = '\0';
    if (!km_epoch_ok(wall) || (sizeof(time_t) < 8 && wall > 2147483647.0))
        return;
    time_t t = (time_t)wall;
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(o, n, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        o[0] = '\0';
}

static void summary_title(const struct km_vctx *c, km_line_fn line, void *arg)
{
    const struct km_sample *s = c->s;
    char buf[512], when[64], up[32];
    fmt_when(when, sizeof(when), s->wall);
    km_fmt_uptime(up, sizeof(up), s->uptime);
    /* buf holds all of these: the kernel's release is shorter than 128 bytes */
    int n = (int)km_cat(buf, sizeof(buf), "kmemtop - ", s->kernel, when[0] ? " - " : "", when,
                        km_seconds_ok(s->uptime) ? " - up " : "",
                        km_seconds_ok(s->uptime) ? up : "", (char *)NULL);
    if (s->root[0]) {
        n += snprintf(buf + n, sizeof(buf) - (size_t)n, " - captured tree %s%s", s->root,
                      s->own_parsers ? " (meminfo, slabinfo: own parsers)" : "");
        /* a long --root path fills buf: cut there, no write past it */
        if (n < 0 || (size_t)n >= sizeof(buf))
            n = (int)sizeof(buf) - 1;
    }
    if (s->page_size_src == KM_PS_HOST && s->root[0]) /* not recorded, not inferable */
        snprintf(buf + n, sizeof(buf) - (size_t)n,
                 " - page size unknown (not recorded in the tree; pages counted as %ldK)",
                 s->page_size / 1024);
    else
        snprintf(buf + n, sizeof(buf) - (size_t)n, " - page %ldK%s", s->page_size / 1024,
                 s->page_size_src == KM_PS_INFERRED ? " (inferred)" : "");
    line(arg, KM_ATTR_BOLD, buf);
    if (s->boot_warning[0]) {
        snprintf(buf, sizeof(buf), "%s (boot changes cannot be told)", s->boot_warning);
        line(arg, KM_ATTR_WARN, buf);
    }
    if (s->root[0] && c->tree && c->tree->complete < 0) {
        snprintf(buf, sizeof(buf), "INCOMPLETE capture: %s; files may be missing",
                 c->tree->error);
        line(arg, KM_ATTR_WARN, buf);
    }
}

void km_frame_summary(const struct km_vctx *c, km_line_fn line, void *arg)
{
    const struct km_sample *s = c->s;
    const struct km_meminfo *m = &s->mem;
    char buf[512];
    summary_title(c, line, arg);
    if (s->src[KM_SRC_MEMINFO].status != KM_ST_OK) {
        snprintf(buf, sizeof(buf), "Memory: %s", s->src[KM_SRC_MEMINFO].reason);
        line(arg, KM_ATTR_WARN, buf);
        return;
    }
    char a[24], b[24], d[24], e[24], f[24];
    km_size_cell(c, m->mem_total, a, sizeof(a));
    km_size_cell(c, m->mem_free, b, sizeof(b));
    km_size_cell(c, m->slab, d, sizeof(d));
    km_size_cell(c, m->sreclaimable, e, sizeof(e));
    km_size_cell(c, m->sunreclaim, f, sizeof(f));
    km_cat(buf, sizeof(buf), "Mem: ", a, " total, ", b, " free | Slab: ", d, " (", e,
           " reclaimable, ", f, " unreclaimable)", (char *)NULL);
    line(arg, KM_ATTR_NORMAL, buf);
    char g[24], h[24], i[24], j[24], k[24];
    if (m->vmalloc_used_valid)
        km_size_cell(c, m->vmalloc_used, g, sizeof(g));
    else
        km_fmt_str(g, sizeof(g), "-");
    km_size_cell(c, m->kernel_stack, h, sizeof(h));
    km_size_cell(c, m->page_tables, i, sizeof(i));
    km_size_cell(c, m->percpu, j, sizeof(j));
    int64_t mt = km_frame_module_total(s);
    if (KM_IS_NA(mt))
        km_fmt_str(k, sizeof(k), "-");
    else
        km_size_cell(c, mt, k, sizeof(k));
    km_cat(buf, sizeof(buf), "VmallocUsed: ", g, " | KernelStack: ", h, " | PageTables: ", i,
           " | Percpu: ", j, " | Modules: ", k, (char *)NULL);
    line(arg, KM_ATTR_NORMAL, buf);
}

/* main_src, or the first source of main_any that is ok. */
static enum km_src view_src(const struct km_view_def *d, const struct km_sample *s)
{
    for (int src = 0; src < KM_SRC_COUNT; src++)
        if ((d->main_any & KM_SRC_BIT(src)) && s->src[src].status == KM_ST_OK)
            return (enum km_src)src;
    return d->main_src;
}

const char *km_frame_view_problem(const struct km_view_def *d, const struct km_vctx *c,
                                  char *buf, size_t n)
{
    const struct km_source *so = &c->s->src[view_src(d, c->s)];
    if (so->status == KM_ST_OK || so->status == KM_ST_SKIPPED)
        return "";
    snprintf(buf, n, "%s: %s", d->title, so->reason);
    return buf;
}

void km_frame_warnings(const struct km_vctx *c, unsigned srcmask, km_line_fn line, void *arg)
{
    for (int i = 0; i < KM_SRC_COUNT; i++) {
        const struct km_source *so = &c->s->src[i];
        if ((srcmask & KM_SRC_BIT(i)) && so->status == KM_ST_OK && so->warning[0])
            line(arg, KM_ATTR_WARN, so->warning);
    }
}

void km_frame_source_costs(const struct km_sample *s, km_line_fn line, void *arg)
{
    char buf[400], sz[24];
    line(arg, KM_ATTR_BOLD, "Sources read for the last frame (only what the view shown needs)");
    for (int i = 0; i < KM_SRC_COUNT; i++) {
        const struct km_source *so = &s->src[i];
        if (so->status == KM_ST_SKIPPED)
            continue;
        if (so->bytes)
            km_fmt_size(sz, sizeof(sz), (int64_t)so->bytes);
        else
            snprintf(sz, sizeof(sz), "-");
        snprintf(buf, sizeof(buf), "  %-26s %-8s %7s %8.3f ms%s%s", km_src_path((enum km_src)i),
                 km_status_name(so->status), sz, so->cost * 1e3,
                 so->reason[0] || so->warning[0] ? "  " : "",
                 so->reason[0] ? so->reason : so->warning);
        line(arg, so->status == KM_ST_ERROR ? KM_ATTR_BAD : KM_ATTR_NORMAL, buf);
    }
}

void km_frame_quiet(const struct km_vm *vm, const char *how, km_line_fn line, void *arg)
{
    const struct km_view_def *d = vm->def;
    if (vm->nquiet == 0 || !d->quiet_many)
        return;
    char buf[200];
    snprintf(buf, sizeof(buf), "%zu %s hidden: %s shows them", vm->nquiet,
             vm->nquiet == 1 ? d->quiet_one : d->quiet_many, how);
    line(arg, KM_ATTR_DIM, buf);
}

static void text_line_cb(void *arg, int attr, const char *text)
{
    km_text_line(arg, text);
}

void km_frame_text(FILE *f, struct km_vm *const *vms, const struct km_vctx *c)
{
    if (c->s->new_boot) /* before the frame: the frames above are of another boot */
        fprintf(f, "-- new boot %s: the kernel was restarted; counters start again, no rates "
                   "across it --\n",
                c->s->boot_id);
    km_frame_summary(c, text_line_cb, f);
    for (int v = 0; km_views[v]; v++) {
        struct km_vm *vm = vms[v];
        if (!vm)
            continue;
        char buf[400];
        fprintf(f, "\n== %s ==\n", vm->def->title);
        /* as on screen: the reason a table cannot be shown first, then the notes */
        const char *problem = km_frame_view_problem(vm->def, c, buf, sizeof(buf));
        if (problem[0])
            km_text_line(f, problem);
        if (vm->def->notes)
            vm->def->notes(vm, c, text_line_cb, f);
        if (!problem[0])
            km_hist_note(vm, c, text_line_cb, f);
        if (!problem[0])
            km_frame_quiet(vm, "--all-rows", text_line_cb, f);
        if (!problem[0]) {
            km_text_sort_line(f, vm, c);
            km_text_table(f, vm, c);
        }
        if (!problem[0] && vm->def->footer)
            vm->def->footer(vm, c, text_line_cb, f);
    }
    for (int v = 0; km_views[v]; v++)
        if (km_views[v]->text_after)
            km_views[v]->text_after(c, f);
    fflush(f);
}

static void json_source(struct km_json *j, const struct km_sample *s, enum km_src src)
{
    km_json_str(j, "status", km_status_name(s->src[src].status));
    if (s->src[src].status != KM_ST_OK)
        km_json_str(j, "reason", s->src[src].reason);
}

/* Every source this frame read: its status, why when not ok, bytes and cost. */
static void json_sources(struct km_json *j, const struct km_sample *s)
{
    km_json_obj(j, "sources");
    for (int i = 0; i < KM_SRC_COUNT; i++) {
        const struct km_source *so = &s->src[i];
        if (so->status == KM_ST_SKIPPED)
            continue;
        km_json_obj(j, km_src_name((enum km_src)i));
        km_json_str(j, "path", km_src_path((enum km_src)i));
        km_json_str(j, "status", km_status_name(so->status));
        if (so->status != KM_ST_OK)
            km_json_str(j, "reason", so->reason);
        if (so->status == KM_ST_OK && so->skipped > 0)
            km_json_int(j, "skipped", so->skipped);
        if (so->status == KM_ST_OK && so->warning[0])
            km_json_str(j, "warning", so->warning);
        if (so->rereads > 0)
            km_json_int(j, "rereads", so->rereads);
        if (so->status == KM_ST_OK && so->bytes > 0)
            km_json_int(j, "bytes", (int64_t)so->bytes);
        if (so->parser)
            km_json_str(j, "parser", so->parser);
        km_json_dbl(j, "seconds", so->cost);
        km_json_obj_end(j);
    }
    km_json_obj_end(j);
}

/* meminfo's figures and the modules' total: the fields of km_frame_sum (ui/summary.c). */
static void json_summary(struct km_json *j, const struct km_vctx *c)
{
    struct km_row r = km_sample_row(c);
    km_json_obj(j, "summary");
    km_json_fields_of(km_frame_sum, km_frame_nsum, c, &r, j);
    km_json_obj_end(j);
}

void km_frame_json(FILE *f, struct km_vm *const *vms, const struct km_vctx *c)
{
    const struct km_sample *s = c->s;
    struct km_json j;
    km_json_init(&j, f);
    km_json_obj(&j, NULL);
    km_json_str(&j, "kernel", s->kernel);
    km_json_int(&j, "page_size", s->page_size);
    km_json_str(&j, "page_size_source", s->page_size_src == KM_PS_RECORDED ? "recorded"
                                        : s->page_size_src == KM_PS_INFERRED ? "inferred"
                                                                             : "host");
    if (km_epoch_ok(s->wall))
        km_json_dbl(&j, "time", s->wall);
    else
        km_json_null(&j, "time");
    km_json_int(&j, "frame", s->seq);
    km_json_dbl(&j, "interval", s->dt > 0 ? s->dt : (double)NAN);
    if (s->boot_id[0])
        km_json_str(&j, "boot_id", s->boot_id);
    if (s->new_boot)
        km_json_bool(&j, "new_boot", true);
    if (s->boot_warning[0])
        km_json_str(&j, "boot_id_warning", s->boot_warning);
    if (s->root[0])
        km_json_str(&j, "root", s->root);
    if (s->own_parsers)
        km_json_str(&j, "own_parsers", s->own_parsers);
    if (s->root[0] && c->tree && c->tree->complete) {
        km_json_bool(&j, "capture_complete", c->tree->complete > 0);
        if (c->tree->complete < 0)
            km_json_str(&j, "capture_error", c->tree->error);
    }
    json_sources(&j, s);
    json_summary(&j, c);
    for (int v = 0; km_views[v]; v++) {
        struct km_vm *vm = vms[v];
        if (!vm)
            continue;
        km_json_obj(&j, vm->def->name);
        enum km_src src = view_src(vm->def, s);
        json_source(&j, s, src);
        bool ok = vm->def->json_always || s->src[src].status == KM_ST_OK;
        if (vm->def->json && ok)
            vm->def->json(vm, c, &j);
        else
            km_json_rows(&j, vm, c, ok); /* a view without a JSON writer of its own */
        if (ok)
            km_hist_json(vm, c, &j);
        km_json_obj_end(&j);
    }
    km_json_obj_end(&j);
    fputc('\n', f);
    fflush(f);
}
