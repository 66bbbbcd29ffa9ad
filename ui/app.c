/* app.c - program state shared by batch mode and the screen. See app.h. */
#include "app.h"
#include "hist.h"
#include "when.h"

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int km_app_init(struct km_app *a, char *msg, size_t msgsz)
{
    a->sampler = km_sampler_new();
    for (int v = 0; km_views[v]; v++) {
        km_vm_init(&a->vms[v], km_views[v]);
        a->vms[v].hist = km_hist_new(km_views[v], a->o.baseline ? a->o.baseline : 1,
                                     a->o.leak_threshold);
        /* quiet rows: out of the way on screen and in text; JSON, CSV, Prometheus lose none */
        a->vms[v].hide_quiet = a->o.format == KM_FMT_TEXT && !a->o.all_rows && !a->o.textfile &&
                               !a->o.listen;
        if (a->o.filter)
            snprintf(a->vms[v].filter, sizeof(a->vms[v].filter), "%s", a->o.filter);
    }
    a->ctx.raw = a->o.raw;
    a->ctx.states = a->o.vstates;
    a->ctx.vms = a->vms;
    if (a->o.sort && km_app_apply_sort(a, a->o.sort, msg, msgsz) < 0)
        return KM_APP_USAGE;
    if (a->o.nroots == 0)
        return 0;
    int rc = km_roots_expand(a->o.roots, a->o.nroots, &a->roots, msg, msgsz);
    if (rc == 0)
        rc = km_root_enter(!a->o.no_namespace, msg, msgsz);
    return rc;
}

void km_app_free(struct km_app *a)
{
    for (int v = 0; km_views[v]; v++)
        km_vm_free(&a->vms[v]);
    km_sampler_free(a->sampler);
    km_roots_free(&a->roots);
    free(a->o.roots);
}

int km_app_apply_sort(struct km_app *a, const char *sort, char *msg, size_t msgsz)
{
    bool found = false;
    for (int v = 0; km_views[v]; v++) {
        struct km_vm *vm = &a->vms[v];
        int col = strlen(sort) == 1 ? km_vm_find_letter(vm, sort[0]) : -1;
        if (col < 0)
            col = km_vm_find_col(vm, sort);
        if (col >= 0 && km_col_sortable(&vm->def->cols[col])) {
            vm->sort_col = col;
            vm->reverse = false;
            found = true;
        }
    }
    if (!found) {
        snprintf(msg, msgsz, "-s %s: no view has a column or slabtop letter of that name", sort);
        return -1;
    }
    return 0;
}

size_t km_app_frames_left(const struct km_app *a)
{
    if (a->roots.n <= 1)
        return SIZE_MAX;
    return a->roots.n > a->tree ? a->roots.n - a->tree : 0;
}

int km_app_tick(struct km_app *a, const bool *visible, char *msg, size_t msgsz)
{
    struct km_sampler_opts so = {0};
    if (a->roots.n > 0) {
        size_t i = a->tree;
        if (i >= a->roots.n) {
            if (a->roots.n > 1)
                return 1;
            i = 0; /* one tree: every frame shows it again */
        }
        if (a->tree == 0 || a->roots.n > 1) {
            if (a->prepare && a->prepare(a->prepare_arg, i, msg, msgsz) != 0)
                return -1;
            int rc = km_root_switch(&a->roots.trees[i], msg, msgsz);
            if (rc)
                return rc;
            km_sampler_reset_files(a->sampler);
        }
        so.root = a->roots.trees[i].dir;
        so.wall = a->roots.trees[i].wall;
        so.page_size = a->roots.trees[i].page_size;
        a->ctx.tree = &a->roots.trees[i];
        a->tree++;
    }
    unsigned mask = km_frame_sources(visible, a->o.vstates);
    if (a->o.no_vmallocinfo)
        mask &= ~KM_SRC_BIT(KM_SRC_VMALLOCINFO);
    so.derive = km_views_derives(visible, a->o.vstates);
    km_sampler_tick(a->sampler, mask, &so);
    a->ctx.s = km_sampler_cur(a->sampler);
    a->ctx.prev = km_sampler_prev(a->sampler);
    for (int v = 0; km_views[v]; v++)
        if (visible[v])
            km_vm_build(&a->vms[v], &a->ctx);
    return 0;
}

void km_app_set_baseline(struct km_app *a, char *msg, size_t msgsz)
{
    for (int v = 0; km_views[v]; v++)
        if (a->vms[v].hist && a->ctx.s)
            km_hist_baseline_at(a->vms[v].hist, a->ctx.s->seq);
    char when[32] = "";
    if (a->ctx.s && a->ctx.s->wall > 0) {
        time_t t = (time_t)a->ctx.s->wall;
        struct tm tm;
        if (localtime_r(&t, &tm))
            strftime(when, sizeof(when), " (%H:%M:%S)", &tm);
    }
    snprintf(msg, msgsz, "Baseline: the frame shown%s; the + columns count from it", when);
}

size_t km_app_shown(const struct km_app *a)
{
    return a->tree > 0 ? a->tree - 1 : 0;
}

int km_app_seek(struct km_app *a, size_t i, const bool *visible, char *msg, size_t msgsz)
{
    if (a->roots.n <= 1) {
        a->tree = 0;
        return km_app_tick(a, visible, msg, msgsz);
    }
    if (i >= a->roots.n)
        i = a->roots.n - 1;
    /* the next tick (t): the sampler's last sample is the tick before it, the trends go on */
    if (i > 0 && a->tree == i && a->ctx.s)
        return km_app_tick(a, visible, msg, msgsz);
    /* nothing of the ticks shown before: their rate bases and events are not this interval's */
    km_sampler_free(a->sampler);
    a->sampler = km_sampler_new();
    /* nor their trends: the history starts again from the tick shown (its sequence too) */
    for (int v = 0; km_views[v]; v++)
        if (a->vms[v].hist) {
            km_hist_free(a->vms[v].hist);
            a->vms[v].hist = km_hist_new(km_views[v], a->o.baseline ? a->o.baseline : 1,
                                         a->o.leak_threshold);
        }
    a->tree = i;
    int rc = 0;
    if (i > 0) {
        a->tree = i - 1; /* the tick before, even before --from: the rates of tick i's interval */
        rc = km_app_tick(a, visible, msg, msgsz);
    }
    return rc ? rc : km_app_tick(a, visible, msg, msgsz);
}

int km_app_range(struct km_app *a, char *msg, size_t msgsz)
{
    struct km_roots *r = &a->roots;
    if (!a->o.from && !a->o.to)
        return 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->trees[i].wall <= 0) {
            snprintf(msg, msgsz, "--from, --to: %s has no capture time (its record has no time=)",
                     r->trees[i].dir);
            return -1;
        }
    double ref = r->n ? r->trees[0].wall : 0, from = 0, to = 0;
    char m[256];
    if (a->o.from && !km_when_time(a->o.from, ref, &from, m, sizeof(m))) {
        snprintf(msg, msgsz, "--from: %s", m);
        return -1;
    }
    if (a->o.to && !km_when_time(a->o.to, ref, &to, m, sizeof(m))) {
        snprintf(msg, msgsz, "--to: %s", m);
        return -1;
    }
    size_t first = 0, end = r->n;
    while (a->o.from && first < r->n && r->trees[first].wall < from)
        first++;
    while (a->o.to && end > first && r->trees[end - 1].wall > to)
        end--;
    if (first >= end) {
        char f[32], l[32];
        km_when_format(ref, f, sizeof(f));
        km_when_format(r->n ? r->trees[r->n - 1].wall : 0, l, sizeof(l));
        snprintf(msg, msgsz, "--from, --to: no tick in that range (the ticks are from %s to %s)",
                 f, l);
        return -1;
    }
    for (size_t i = end; i < r->n; i++)
        free(r->trees[i].dir);
    r->n = end;
    a->first = a->tree = first;
    return 0;
}
