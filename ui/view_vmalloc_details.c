/*
 * view_vmalloc_details.c - one vmalloc caller's areas: --details CALLER in
 * batch mode (under the Vmalloc table, and as vmalloc.details in JSON) and
 * Enter on the screen. Each area: its address range as the kernel printed
 * it, bytes (address space, guard pages included), pages (RAM), kinds and
 * pages per node; the same data the Modules view's --details lists for a
 * module. CALLER is a row of the view: "caller" or "caller [module]".
 *
 * --details is one option for both views: the Modules view keeps it (its
 * state) and answers for a module, this file for a caller of the frame's
 * vmalloc groups (derived only while the Vmalloc view is shown).
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#include "fmt.h"
#include "json.h"
#include "view_modules.h"
#include "view_vmalloc.h"
#include "views.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define GR(r) ((const struct km_vmgroup *)(r)->rec)

/* Whether group g is what name asks for: "caller [module]", or "caller" for every module's. */
static bool named(const struct km_vmgroup *g, const char *name)
{
    size_t n = strlen(name);
    if (n < g->caller_len || memcmp(name, g->caller, g->caller_len) != 0)
        return false;
    if (n == g->caller_len)
        return true;
    const char *rest = name + g->caller_len;
    size_t ml = g->module ? strlen(g->module) : 0;
    return g->module && n == g->caller_len + ml + 3 && rest[0] == ' ' && rest[1] == '[' &&
           memcmp(rest + 2, g->module, ml) == 0 && rest[2 + ml] == ']';
}

bool km_vmalloc_has_caller(const struct km_vctx *c, const char *name)
{
    const struct km_vmgroups *gs = &c->s->vmg;
    for (size_t k = 0; name && k < gs->n; k++)
        if (named(&gs->g[k], name))
            return true;
    return false;
}

/*
 * Addresses as the kernel printed them (%p: 2 * sizeof(void *) hex digits):
 * 16 for hashed or zeroed ones and any above 32 bits, else 8.
 */
static int addr_digits(const struct km_vmallocinfo *v)
{
    if (v->addr_kind != KM_ADDR_REAL)
        return 16;
    for (size_t i = 0; i < v->n; i++)
        if (v->areas[i].end > 0xffffffffull)
            return 16;
    return 8;
}

static void range_text(const struct km_vmarea *a, int w, char *o, size_t n)
{
    snprintf(o, n, "0x%0*llx-0x%0*llx", w, (unsigned long long)a->start, w,
             (unsigned long long)a->end);
}

static void area_line(const struct km_vctx *c, const struct km_vmarea *a, int w, char *o, size_t n)
{
    char range[64], bytes[24], pages[24], flags[128], nodes[160];
    size_t pos = 0;
    nodes[0] = '\0';
    for (int q = 0; q < a->nnuma && pos + 1 < sizeof(nodes); q++) {
        int k = snprintf(nodes + pos, sizeof(nodes) - pos, "%sN%d=%lld", q ? " " : "",
                         km_vm_numa(&c->s->vm, a)[q].node,
                         (long long)km_vm_numa(&c->s->vm, a)[q].pages);
        pos += k > 0 ? (size_t)k : 0;
    }
    range_text(a, w, range, sizeof(range));
    km_size_cell(c, a->size, bytes, sizeof(bytes));
    snprintf(pages, sizeof(pages), KM_IS_NA(a->pages) ? "-" : "%lld", (long long)a->pages);
    km_vm_flags_text(a->flags, ",", flags, sizeof(flags));
    snprintf(o, n, "%s %9s %7s  %-20s %-12s %s", range, bytes, pages, flags[0] ? flags : "-",
             nodes[0] ? nodes : "-", a->caller ? a->caller : "-");
}

/* The areas of the groups name asks for, at most max (< 0: all), one line each. */
static int lines(const struct km_vctx *c, const char *name, long max, km_line_fn line, void *arg)
{
    const struct km_vmgroups *gs = &c->s->vmg;
    const struct km_vmallocinfo *v = &c->s->vm;
    char buf[1024], sz[24], ram[24];
    int64_t areas = 0, bytes = 0, pages = 0;
    bool any_pages = false;
    for (size_t k = 0; k < gs->n; k++)
        if (named(&gs->g[k], name)) {
            areas += gs->g[k].areas;
            bytes += gs->g[k].bytes;
            if (!KM_IS_NA(gs->g[k].pages))
                pages += gs->g[k].pages, any_pages = true;
        }
    if (!areas) {
        snprintf(buf, sizeof(buf), "no vmalloc caller %s in this frame", name);
        line(arg, KM_ATTR_WARN, buf);
        return -ENOENT;
    }
    km_size_cell(c, bytes, sz, sizeof(sz));
    km_size_cell(c, any_pages && c->s->page_size > 0 ? pages * c->s->page_size : KM_NA, ram,
                 sizeof(ram));
    int len = snprintf(buf, sizeof(buf), "%s: %lld area%s, %s of address space, %s of RAM", name,
                       (long long)areas, areas == 1 ? "" : "s", sz, ram);
    if (max >= 0 && areas > max && len > 0 && (size_t)len < sizeof(buf))
        snprintf(buf + len, sizeof(buf) - (size_t)len, " (the first %ld shown)", max);
    line(arg, KM_ATTR_BOLD, buf);
    int w = addr_digits(v);
    snprintf(buf, sizeof(buf), "%-*s %9s %7s  %-20s %-12s %s", 2 * w + 5, "ADDRESS RANGE", "BYTES",
             "PAGES", "KINDS", "PER NODE", "CALLER");
    line(arg, KM_ATTR_BOLD, buf);
    long shown = 0;
    for (size_t k = 0; k < gs->n && gs->area; k++) {
        const struct km_vmgroup *g = &gs->g[k];
        if (!named(g, name))
            continue;
        for (int64_t q = 0; q < g->areas && (max < 0 || shown < max); q++, shown++) {
            size_t i = gs->area[g->area0 + (size_t)q];
            if (i >= v->n)
                break;
            area_line(c, &v->areas[i], w, buf, sizeof(buf));
            line(arg, KM_ATTR_NORMAL, buf);
        }
    }
    return 0;
}

int km_vmalloc_details_lines(const struct km_vctx *c, const char *name, km_line_fn line, void *arg)
{
    return lines(c, name, -1, line, arg);
}

void km_vmalloc_details_json(const struct km_vctx *c, const char *name, struct km_json *j)
{
    const struct km_vmgroups *gs = &c->s->vmg;
    const struct km_vmallocinfo *v = &c->s->vm;
    const char *module = NULL;
    bool found = false;
    for (size_t k = 0; k < gs->n; k++)
        if (named(&gs->g[k], name)) {
            found = true;
            module = module ? module : gs->g[k].module;
        }
    km_json_obj(j, "details");
    km_json_str(j, "name", name);
    if (!found) {
        km_json_null(j, "caller");
        km_json_null(j, "module");
        km_json_null(j, "areas");
        km_json_obj_end(j);
        return;
    }
    const struct km_vmgroup *first = NULL;
    for (size_t k = 0; k < gs->n && !first; k++)
        if (named(&gs->g[k], name))
            first = &gs->g[k];
    km_json_str(j, "caller", first->caller);
    if (module)
        km_json_str(j, "module", module);
    else
        km_json_null(j, "module");
    int w = addr_digits(v);
    km_json_arr(j, "areas");
    for (size_t k = 0; k < gs->n && gs->area; k++) {
        const struct km_vmgroup *g = &gs->g[k];
        if (!named(g, name))
            continue;
        for (int64_t q = 0; q < g->areas; q++) {
            size_t i = gs->area[g->area0 + (size_t)q];
            if (i >= v->n)
                break;
            const struct km_vmarea *a = &v->areas[i];
            char range[64];
            range_text(a, w, range, sizeof(range));
            km_json_obj(j, NULL);
            km_json_str(j, "range", range);
            km_json_int(j, "bytes", a->size);
            km_json_int_opt(j, "pages", a->pages);
            km_json_arr(j, "kinds");
            for (int f = 0; f < KM_VM_NFLAGS; f++)
                if (a->flags & (1u << f))
                    km_json_str(j, NULL, km_vm_flag_word(f));
            km_json_arr_end(j);
            km_json_arr(j, "nodes");
            for (int n = 0; n < a->nnuma; n++) {
                km_json_obj(j, NULL);
                km_json_int(j, "node", km_vm_numa(v, a)[n].node);
                km_json_int(j, "pages", km_vm_numa(v, a)[n].pages);
                km_json_obj_end(j);
            }
            km_json_arr_end(j);
            km_json_str(j, "caller", a->caller ? a->caller : "");
            km_json_obj_end(j);
        }
    }
    km_json_arr_end(j);
    km_json_obj_end(j);
}

#define DETAILS_MAX 40 /* areas on the screen's overlay */

void km_vmalloc_details(const struct km_vctx *c, const struct km_row *r, km_line_fn line, void *arg)
{
    (void)GR(r);
    line(arg, KM_ATTR_NORMAL, "");
    lines(c, r->id, DETAILS_MAX, line, arg);
}

void km_vmalloc_footer(const struct km_vm *vm, const struct km_vctx *c, km_line_fn line, void *arg)
{
    const char *name = km_modules_details_name(c);
    (void)vm;
    if (!name)
        return;
    line(arg, KM_ATTR_NORMAL, "");
    km_vmalloc_details_lines(c, name, line, arg);
}
