/* help.c - the help screen's text. See help.h. */
#include "help.h"

#include <stdio.h>
#include <string.h>

void km_help_key_names(const struct km_key *k, char *out, size_t n)
{
    size_t pos = 0;
    char name[32];
    out[0] = '\0';
    for (int j = 0; pos < n && km_key_name(k, j, name, sizeof(name)); j++)
        pos += (size_t)snprintf(out + pos, n - pos, "%s%s", j ? ", " : "", name);
}

void km_help_view_key_names(const struct km_view_key *k, char *out, size_t n)
{
    size_t pos = 0;
    out[0] = '\0';
    for (const char *c = k->chars; *c && pos < n; c++)
        pos += (size_t)snprintf(out + pos, n - pos, "%s%c", c == k->chars ? "" : ", ", *c);
}

/* Group g's lines: the keys of every view, then each view's own keys of that group. */
static void keys_group(int g, km_line_fn line, void *arg)
{
    char buf[256], names[96], desc[256];
    for (size_t i = 0; i < km_nkeys; i++) {
        const struct km_key *k = &km_keys[i];
        if (k->group != g)
            continue;
        km_help_key_names(k, names, sizeof(names));
        snprintf(buf, sizeof(buf), "  %-16s %s", names, km_key_desc(k, desc, sizeof(desc)));
        line(arg, KM_ATTR_NORMAL, buf);
    }
    for (int v = 0; km_views[v]; v++)
        for (const struct km_view_key *k = km_views[v]->keys; k && k->chars; k++) {
            if (k->group != g)
                continue;
            km_help_view_key_names(k, names, sizeof(names));
            snprintf(buf, sizeof(buf), "  %-16s %s", names, k->desc);
            line(arg, KM_ATTR_NORMAL, buf);
        }
}

static void keys_section(km_line_fn line, void *arg)
{
    for (int g = 0; g < KG_N; g++) {
        line(arg, KM_ATTR_BOLD, km_key_group_title[g]);
        keys_group(g, line, arg);
        line(arg, KM_ATTR_NORMAL, "");
    }
}

static void columns_section(const struct km_view_def *d, const struct km_vctx *ctx,
                            km_line_fn line, void *arg)
{
    char buf[256], tb[64];
    snprintf(buf, sizeof(buf), "Columns of the %s view (slabtop letter, title, meaning)", d->title);
    line(arg, KM_ATTR_BOLD, buf);
    for (int i = 0; i < d->ncols; i++) {
        const struct km_col *c = &d->cols[i];
        if (c->flags & KM_F_NOSCREEN)
            continue; /* JSON and CSV only */
        if (ctx && ctx->s && !km_col_shown(d, ctx, i))
            continue; /* e.g. order columns this kernel does not have */
        const char *title = ctx && ctx->s ? km_col_title(d, ctx, i, tb, sizeof(tb)) : c->title;
        char letter[4] = " ";
        if (c->letter)
            snprintf(letter, sizeof(letter), "%c", c->letter);
        snprintf(buf, sizeof(buf), "  %s  %-12s %s%s", letter, title, c->help ? c->help : "",
                 km_col_sortable(c) ? "" : " (not sortable)");
        line(arg, KM_ATTR_NORMAL, buf);
    }
    line(arg, KM_ATTR_NORMAL, "");
}

void km_help_text(const struct km_view_def *d, const struct km_vctx *c, km_line_fn line, void *arg)
{
    line(arg, KM_ATTR_BOLD, "kmemtop - the memory the kernel keeps for itself");
    line(arg, KM_ATTR_DIM, "Esc, q or h closes this help; Up, Down, PgUp, PgDn scroll it.");
    line(arg, KM_ATTR_NORMAL, "");
    keys_section(line, arg);
    if (d)
        columns_section(d, c, line, arg);
    line(arg, KM_ATTR_BOLD, "Colours");
    line(arg, KM_ATTR_NORMAL, "  sort column: highlighted, with an arrow for its direction");
    line(arg, KM_ATTR_WARN, "  yellow: a source is missing or needs root; a warning state");
    line(arg, KM_ATTR_BAD, "  red: an error, a low watermark, a slab cache that grows");
    line(arg, KM_ATTR_GOOD, "  green: a healthy state, a slab cache that shrinks");
    line(arg, KM_ATTR_NORMAL, "  -C or NO_COLOR: no colours");
    line(arg, KM_ATTR_NORMAL, "");
    line(arg, KM_ATTR_BOLD, "Mouse");
    line(arg, KM_ATTR_NORMAL, "  a tab: its view; a column title: sort by it (again: reversed); a row: select it");
    line(arg, KM_ATTR_NORMAL, "  the wheel: move three rows; -M or mouse = no (F2) leave the mouse to the terminal");
    line(arg, KM_ATTR_NORMAL, "");
    line(arg, KM_ATTR_NORMAL, "Absent values show as '-', never as 0. See kmemtop(1).");
}
