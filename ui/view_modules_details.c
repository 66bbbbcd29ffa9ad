/*
 * view_modules_details.c - one module's vmalloc areas (--details NAME in
 * batch mode, Enter on the screen): address range as the kernel printed
 * it, bytes, pages, pages per NUMA node, kind (image or dynamic) and
 * caller. The pinned rows "_unattributed" and "_shared" list their areas
 * the same way; what the pinned rows are, in words under the table. Also
 * the recent loads and unloads, as notes and JSON, and the view's own
 * state: the module --details names.
 */
#include "fmt.h"
#include "json.h"
#include "text.h"
#include "view_modules.h"
#include "view_vmalloc.h"
#include "views.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct area_set {
    const char *title;          /* what the areas are */
    const struct km_modmem *mm; /* NULL for the pinned rows */
    size_t first, n;
    int nimage; /* the first nimage areas hold images, the rest are dynamic */
};

static int find_set(const struct km_vctx *c, const char *name, struct area_set *set)
{
    const struct km_modjoin *j = &c->s->mj;
    memset(set, 0, sizeof(*set));
    if (!j->mods)
        return -ENOENT;
    set->title = name;
    if (strcmp(name, "_unattributed") == 0 || strcmp(name, "(unattributed)") == 0) {
        set->title = "unattributed module areas";
        set->first = j->unatt_first, set->n = j->nunatt, set->nimage = (int)j->nunatt;
        return 0;
    }
    if (strcmp(name, "_shared") == 0 || strcmp(name, "(shared execmem)") == 0) {
        set->title = "shared execmem cache areas";
        set->first = j->shared_first, set->n = j->nshared, set->nimage = (int)j->nshared;
        return 0;
    }
    const struct km_module *m = km_modules_find(&c->s->mods, name);
    if (!m || (size_t)(m - c->s->mods.mods) >= j->n)
        return -ENOENT;
    set->mm = &j->mods[m - c->s->mods.mods];
    set->first = set->mm->first;
    set->n = set->mm->nimage + set->mm->ndynamic;
    set->nimage = (int)set->mm->nimage;
    return 0;
}

/*
 * Addresses as the kernel printed them: %p prints 2 * sizeof(void *) hex
 * digits. Real 64-bit addresses exceed 32 bits; hashes (4.15+) are 32-bit
 * values printed 16 digits wide on the 64-bit kernels that hash them.
 */
static int addr_digits(const struct km_sample *s)
{
    if (s->vm.addr_kind == KM_ADDR_HASHED)
        return 16;
    for (size_t i = 0; i < s->vm.n; i++)
        if (s->vm.areas[i].end > 0xffffffffull)
            return 16;
    for (size_t i = 0; i < s->mods.n; i++)
        if (s->mods.mods[i].addr > 0xffffffffull)
            return 16;
    return s->vm.addr_kind == KM_ADDR_ZERO ? 16 : 8;
}

static void numa_text(const struct km_vmallocinfo *v, const struct km_vmarea *a, char *o, size_t n)
{
    const struct km_vmnuma *nu = km_vm_numa(v, a);
    size_t pos = 0;
    o[0] = '\0';
    for (int k = 0; k < a->nnuma && pos + 1 < n; k++)
        pos += (size_t)snprintf(o + pos, n - pos, "%sN%d=%lld", k ? " " : "", nu[k].node,
                                (long long)nu[k].pages);
    if (!o[0])
        snprintf(o, n, "-");
}

static void caller_text(const struct km_vmarea *a, char *o, size_t n)
{
    if (!a->caller)
        snprintf(o, n, "-");
    else if (a->module)
        snprintf(o, n, "%s [%s]", a->caller, a->module);
    else
        snprintf(o, n, "%s", a->caller);
}

static void summary_line(const struct km_vctx *c, const struct area_set *set, char *o, size_t n)
{
    const struct km_modmem *mm = set->mm;
    char st[16], dy[16];
    if (!mm) {
        snprintf(o, n, "%s: %zu areas", set->title, set->n);
        return;
    }
    km_fmt_size(st, sizeof(st), mm->static_bytes);
    km_fmt_size(dy, sizeof(dy), mm->dynamic_bytes);
    int len =
        snprintf(o, n, "%s: static %s in %zu image areas (method %s), dynamic %s in %zu areas",
                 set->title, st, mm->nimage, km_mj_method_name(mm->method), dy, mm->ndynamic);
    if (mm->method == KM_MJ_SHARED && len > 0 && (size_t)len < n) {
        km_fmt_size(st, sizeof(st), mm->text_bytes);
        snprintf(o + len, n - (size_t)len, "; text %s inside a shared execmem area", st);
    } else if (mm->method == KM_MJ_ESTIMATE && len > 0 && (size_t)len < n) {
        snprintf(o + len, n - (size_t)len, "; no image area matched: static is an estimate");
    }
    (void)c;
}

int km_modules_details_lines(const struct km_vctx *c, const char *name,
                             void (*line)(void *arg, int attr, const char *text), void *arg)
{
    struct area_set set;
    char buf[1024];
    if (find_set(c, name, &set) < 0) {
        snprintf(buf, sizeof(buf), "no module %s in this frame", name);
        line(arg, KM_ATTR_WARN, buf);
        return -ENOENT;
    }
    summary_line(c, &set, buf, sizeof(buf));
    line(arg, KM_ATTR_BOLD, buf);
    if (!c->s->mj.joined) {
        line(arg, KM_ATTR_WARN, "no vmallocinfo in this frame: its areas cannot be listed");
        return 0;
    }
    int w = addr_digits(c->s);
    snprintf(buf, sizeof(buf), "%-*s %9s %6s  %-7s  %-12s %s", 2 * w + 5, "ADDRESS RANGE", "BYTES",
             "PAGES", "KIND", "NUMA", "CALLER");
    line(arg, KM_ATTR_BOLD, buf);
    for (size_t k = 0; k < set.n; k++) {
        const struct km_vmarea *a = &c->s->vm.areas[c->s->mj.list[set.first + k]];
        char numa[160], caller[600];
        numa_text(&c->s->vm, a, numa, sizeof(numa));
        caller_text(a, caller, sizeof(caller));
        snprintf(buf, sizeof(buf), "0x%0*llx-0x%0*llx %9lld %6lld  %-7s  %-12s %s", w,
                 (unsigned long long)a->start, w, (unsigned long long)a->end, (long long)a->size,
                 (long long)a->pages, (int)k < set.nimage ? "image" : "dynamic", numa, caller);
        line(arg, KM_ATTR_NORMAL, buf);
    }
    return 0;
}

void km_modules_details_json(const struct km_vctx *c, const char *name, struct km_json *j)
{
    struct area_set set;
    km_json_obj(j, "details");
    km_json_str(j, "name", name);
    if (find_set(c, name, &set) < 0 || !c->s->mj.joined) {
        km_json_null(j, "areas");
        km_json_obj_end(j);
        return;
    }
    int w = addr_digits(c->s);
    km_json_arr(j, "areas");
    for (size_t k = 0; k < set.n; k++) {
        const struct km_vmarea *a = &c->s->vm.areas[c->s->mj.list[set.first + k]];
        char range[64], caller[600];
        snprintf(range, sizeof(range), "0x%0*llx-0x%0*llx", w, (unsigned long long)a->start, w,
                 (unsigned long long)a->end);
        caller_text(a, caller, sizeof(caller));
        km_json_obj(j, NULL);
        km_json_str(j, "range", range);
        km_json_int(j, "bytes", a->size);
        km_json_int_opt(j, "pages", a->pages);
        km_json_str(j, "kind", (int)k < set.nimage ? "image" : "dynamic");
        km_json_str(j, "caller", caller);
        km_json_obj(j, "numa_pages");
        for (int q = 0; q < a->nnuma; q++) {
            char key[16];
            snprintf(key, sizeof(key), "N%d", km_vm_numa(&c->s->vm, a)[q].node);
            km_json_int(j, key, km_vm_numa(&c->s->vm, a)[q].pages);
        }
        km_json_obj_end(j);
        km_json_obj_end(j);
    }
    km_json_arr_end(j);
    km_json_obj_end(j);
}

/* ---- the pinned rows in words --------------------------------------------------------- */

/* What the rows under the rule are, in words: none is a module, none is in another. */
void km_modules_pins_notes(const struct km_vm *vm, const struct km_vctx *c,
                           void (*line)(void *arg, int attr, const char *text), void *arg)
{
    const struct km_modjoin *j = &c->s->mj;
    bool unatt = false, shared = false, total = false;
    for (size_t v = 0; v < vm->nvis; v++) {
        const struct km_row *r = km_vm_row(vm, v);
        unatt |= r->pinned && strcmp(r->id, "_unattributed") == 0;
        shared |= r->pinned && strcmp(r->id, "_shared") == 0;
        total |= r->pinned && strcmp(r->id, "_total") == 0;
    }
    char buf[400], sz[32];
    if (total) {
        snprintf(buf, sizeof(buf), "under the line, not modules: (total) adds up %s %zu module%s%s",
                 j->n == 1 ? "the" : "all", j->n, j->n == 1 ? "" : "s",
                 vm->filter[0] ? ", not only those the filter shows" : "");
        line(arg, KM_ATTR_DIM, buf);
    }
    if (unatt) {
        km_size_cell(c, j->unattributed.bytes, sz, sizeof(sz));
        snprintf(buf, sizeof(buf),
                 j->method == KM_MJ_ESTIMATE
                     ? "(unattributed): %lld module-image area%s (%s) that could not be matched to "
                       "modules: the estimates above stand for them"
                     : "(unattributed): %lld module-image area%s (%s) matched to no module (a racy "
                       "read, a module loading or unloading, ...): in no row above nor in (total)",
                 (long long)j->unattributed.areas, j->unattributed.areas == 1 ? "" : "s", sz);
        line(arg, KM_ATTR_DIM, buf);
    }
    if (shared) {
        km_size_cell(c, j->shared.bytes, sz, sizeof(sz));
        snprintf(buf, sizeof(buf),
                 "(shared execmem): %lld shared text cache area%s (%s), less the module text "
                 "charged to the rows above",
                 (long long)j->shared.areas, j->shared.areas == 1 ? "" : "s", sz);
        line(arg, KM_ATTR_DIM, buf);
    }
}

/* ---- loads and unloads ---------------------------------------------------------------- */

/*
 * The events of one interval: consecutive entries with the same frame
 * (km_mod_events appends an interval's events together). Their meminfo
 * change is the interval's, shown once.
 */
struct interval {
    const struct km_mod_event *ev; /* the first */
    size_t n;                      /* events kept (nchanged, unless the list dropped some) */
    size_t nload;
};

/* The interval ending at events[end - 1]; returns the index of its first event. */
static size_t interval_of(const struct km_sample *s, size_t end, struct interval *iv)
{
    size_t i = end - 1;
    while (i > 0 && s->mod_events[i - 1].seq == s->mod_events[end - 1].seq &&
           s->mod_events[i - 1].time == s->mod_events[end - 1].time)
        i--;
    iv->ev = &s->mod_events[i];
    iv->n = end - i;
    iv->nload = 0;
    for (size_t k = 0; k < iv->n; k++)
        iv->nload += iv->ev[k].loaded;
    return i;
}

static const char *interval_kind(const struct interval *iv)
{
    return iv->nload == iv->n ? "load" : iv->nload == 0 ? "unload" : "mixed";
}

#define EVENTS_SHOWN 5 /* intervals */

static void event_when(const struct km_mod_event *e, char *o, size_t n)
{
    if (e->time > 0) {
        time_t t = (time_t)e->time;
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(o, n, "%H:%M:%S", &tm);
    } else {
        snprintf(o, n, "frame %u", e->seq);
    }
}

/* "+24.0K", "-93.5M", "-" */
static void delta_text(const struct km_vctx *c, int64_t d, char *o, size_t n)
{
    char v[32];
    km_size_cell(c, d, v, sizeof(v));
    snprintf(o, n, "%s%s", !KM_IS_NA(d) && d > 0 ? "+" : "", v);
}

/* "VmallocUsed +24.0K<sep>Slab +2.06M<sep>MemAvailable -93.5M<sep>MemFree -93.8M" */
static void deltas_text(const struct km_vctx *c, const struct km_mod_event *e, const char *sep,
                        char *o, size_t n)
{
    char v[40], sl[40], av[40], fr[40];
    delta_text(c, e->d_vmalloc_used, v, sizeof(v));
    delta_text(c, e->d_slab, sl, sizeof(sl));
    delta_text(c, e->d_mem_available, av, sizeof(av));
    delta_text(c, e->d_mem_free, fr, sizeof(fr));
    snprintf(o, n, "VmallocUsed %s%sSlab %s%sMemAvailable %s%sMemFree %s", v, sep, sl, sep, av,
             sep, fr);
}

/* One module alone in its interval: its own figures, then the interval's change. */
static void single_line(const struct km_vctx *c, const struct km_mod_event *e, char *o, size_t n)
{
    char w[32], st[32], dy[32], d[200];
    event_when(e, w, sizeof(w));
    km_size_cell(c, e->static_bytes, st, sizeof(st));
    km_size_cell(c, e->dynamic_bytes, dy, sizeof(dy));
    deltas_text(c, e, " ", d, sizeof(d));
    snprintf(o, n, "  %s %s %-16s static %s (%s%s), dynamic %s | %s", w,
             e->loaded ? "load  " : "unload", e->name, st, km_mj_method_name(e->method),
             e->settled ? "" : ", still loading", dy, d);
}

/* "fat (92.0K), vfat (28.0K)": the interval's modules loaded (or unloaded), with their static size. */
static size_t names_text(const struct km_vctx *c, const struct interval *iv, bool loaded, char *o,
                         size_t n)
{
    size_t pos = 0;
    o[0] = '\0';
    for (size_t k = 0; k < iv->n && pos + 1 < n; k++) {
        const struct km_mod_event *e = &iv->ev[k];
        if (e->loaded != loaded)
            continue;
        char st[32];
        km_size_cell(c, KM_IS_NA(e->static_bytes) ? e->size : e->static_bytes, st, sizeof(st));
        int w = snprintf(o + pos, n - pos, "%s%s (%s%s)", pos ? ", " : "", e->name, st,
                         e->settled ? "" : ", still loading");
        pos = w < 0 ? pos : pos + (size_t)w < n ? pos + (size_t)w : n - 1;
    }
    return pos;
}

/* Several modules in one interval: one line, the interval's change said once. */
static void interval_line(const struct km_vctx *c, const struct interval *iv, char *o, size_t n)
{
    char w[32], ld[600], ul[600], more[48] = "", d[200];
    event_when(iv->ev, w, sizeof(w));
    names_text(c, iv, true, ld, sizeof(ld));
    names_text(c, iv, false, ul, sizeof(ul));
    if (iv->ev->nchanged > iv->n)
        snprintf(more, sizeof(more), " and %zu more", (size_t)iv->ev->nchanged - iv->n);
    deltas_text(c, iv->ev, ", ", d, sizeof(d));
    snprintf(o, n, "  %s %s%s%s%s%s%s: %s in this interval", w, ld[0] ? "loaded " : "", ld,
             ld[0] && ul[0] ? "; " : "", ul[0] ? "unloaded " : "", ul, more, d);
}

void km_modules_events_notes(const struct km_vctx *c,
                             void (*line)(void *arg, int attr, const char *text), void *arg)
{
    const struct km_sample *s = c->s;
    if (!s->nmod_events)
        return;
    line(arg, KM_ATTR_BOLD,
         "recent loads and unloads (meminfo: the change across the interval, whatever changed in it):");
    size_t end = s->nmod_events;
    for (int shown = 0; end > 0 && shown < EVENTS_SHOWN; shown++) {
        struct interval iv;
        size_t first = interval_of(s, end, &iv);
        char buf[1600];
        if (iv.n == 1 && iv.ev->nchanged <= 1)
            single_line(c, iv.ev, buf, sizeof(buf));
        else
            interval_line(c, &iv, buf, sizeof(buf));
        line(arg, KM_ATTR_NORMAL, buf);
        end = first;
    }
}

void km_modules_events_json(const struct km_sample *s, struct km_json *j)
{
    km_json_arr(j, "events");
    for (size_t i = 0; i < s->nmod_events;) {
        struct interval iv;
        size_t end = i + 1;
        while (end < s->nmod_events && s->mod_events[end].seq == s->mod_events[i].seq &&
               s->mod_events[end].time == s->mod_events[i].time)
            end++;
        interval_of(s, end, &iv);
        const struct km_mod_event *e = iv.ev;
        km_json_obj(j, NULL);
        km_json_str(j, "kind", interval_kind(&iv));
        if (e->time > 0)
            km_json_dbl(j, "time", e->time);
        else
            km_json_null(j, "time");
        km_json_int(j, "frame", e->seq);
        km_json_int(j, "modules_changed", e->nchanged > iv.n ? e->nchanged : (unsigned)iv.n);
        km_json_arr(j, "modules");
        for (size_t k = 0; k < iv.n; k++) {
            const struct km_mod_event *m = &iv.ev[k];
            km_json_obj(j, NULL);
            km_json_str(j, "name", m->name);
            km_json_str(j, "event", m->loaded ? "load" : "unload");
            km_json_int_opt(j, "size", m->size);
            km_json_int_opt(j, "static_bytes", m->static_bytes);
            km_json_int_opt(j, "dynamic_bytes", m->dynamic_bytes);
            km_json_str(j, "method", km_mj_method_name(m->method));
            km_json_bool(j, "settled", m->settled);
            km_json_str(j, "state", m->state);
            km_json_obj_end(j);
        }
        km_json_arr_end(j);
        km_json_obj(j, "meminfo_delta");
        km_json_int_opt(j, "vmalloc_used", e->d_vmalloc_used);
        km_json_int_opt(j, "slab", e->d_slab);
        km_json_int_opt(j, "mem_available", e->d_mem_available);
        km_json_int_opt(j, "mem_free", e->d_mem_free);
        km_json_obj_end(j);
        km_json_obj_end(j);
        i = end;
    }
    km_json_arr_end(j);
}

/* The view's own state (struct km_vstate). */
struct modules_state {
    const char *details; /* --details NAME (argv's), NULL when not asked */
};
_Static_assert(sizeof(struct modules_state) <= KM_VSTATE_MAX, "the modules state fits");

const char *km_modules_details_name(const struct km_vctx *c)
{
    const struct modules_state *st = km_view_state(c, &km_view_modules);
    return st ? st->details : NULL;
}

void km_modules_state_init(void *state)
{
    ((struct modules_state *)state)->details = NULL;
}

/* --details NAME is printed after every text frame: the join must be read whatever is shown. */
bool km_modules_after_needs(const void *state)
{
    return ((const struct modules_state *)state)->details != NULL;
}

const struct km_view_opt km_modules_opts[] = {
    {"details", true, "      --details NAME     modules view: one module's vmalloc areas; vmalloc view: one caller's"},
    {NULL, false, NULL},
};

const char *km_modules_opt(void *state, const char *name, const char *arg)
{
    (void)name; /* the only option */
    ((struct modules_state *)state)->details = arg;
    return NULL;
}

/* The details overlay: the row's vmalloc areas, as --details NAME prints them. */
void km_modules_details(const struct km_vctx *c, const struct km_row *r,
                        void (*line)(void *arg, int attr, const char *text), void *arg)
{
    line(arg, KM_ATTR_NORMAL, "");
    if (strcmp(r->id, "_total") == 0) { /* not a module: no areas of its own */
        line(arg, KM_ATTR_NORMAL,
             "every module's figures added up (not a module); Enter on a module lists its areas");
        return;
    }
    km_modules_details_lines(c, r->id, line, arg);
}

static void text_line(void *arg, int attr, const char *text)
{
    (void)attr;
    km_text_line(arg, text);
}

/* --details NAME: one module's areas after the text frame (JSON: in the modules object). */
void km_modules_text_after(const struct km_vctx *c, FILE *f)
{
    const char *name = km_modules_details_name(c);
    if (!name)
        return;
    if (!km_modules_find(&c->s->mods, name) && km_vmalloc_has_caller(c, name))
        return; /* a vmalloc caller's: under the Vmalloc table (view_vmalloc_details.c) */
    fprintf(f, "\n== Details: %s ==\n", name);
    km_modules_details_lines(c, name, text_line, f);
}
