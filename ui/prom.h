/*
 * prom.h - batch frames in the Prometheus text exposition format (0.0.4),
 * derived from the views' field tables: a field feeds a family through its
 * struct km_prom entries (view.h), a row's labels come from its view
 * (prom_labels, or prom_label = the row's name). Nothing here knows a
 * particular view.
 *
 * Every family has HELP and TYPE, values are in base units (bytes,
 * seconds), counters end in _total, no sample has a timestamp. Only
 * families with a sample this frame are written. Rows whose labels would
 * collide (two slab caches of one name) get an "index" label, their place
 * in the view's build order among the rows of the same labels; rows without
 * a twin get none. Views with a top N (slabs, vmalloc) export their first N
 * top-level rows in view order (sort and --filter apply as in the other
 * formats) and sum the additive families of the rest under label value
 * "other".
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#ifndef KM_UI_PROM_H
#define KM_UI_PROM_H

#include "views.h"

#include <stdio.h>

struct km_prom_opts {
    int top[KM_VIEWS_MAX];             /* rows per view; <0: the view's prom_top; 0: all */
    const char *include[KM_VIEWS_MAX]; /* globs "a*|b*" a row's name must match, NULL: any */
    const char *exclude[KM_VIEWS_MAX]; /* globs no exported row's name may match */
};

/* Every view's default top N, no pattern. */
void km_prom_opts_init(struct km_prom_opts *po);

/*
 * The frame's own families: build info, page size, meminfo's summary, and
 * each source's health from src (KM_SRC_COUNT records: the sample's, or
 * those a throttle kept) and age (seconds since each was read, NULL: none).
 */
void km_prom_head(FILE *f, const struct km_vctx *c, const struct km_source *src,
                  const double *age);
/* One view's families: its summary fields, then its rows (when its table can be shown). */
void km_prom_view(FILE *f, const struct km_vm *vm, const struct km_vctx *c,
                  const struct km_prom_opts *po);
/* A whole frame: the head, then each view whose vms[i] is not NULL. */
void km_prom_frame(FILE *f, struct km_vm *const *vms, const struct km_vctx *c,
                   const struct km_prom_opts *po);
/* Writes s as a label value: sanitized as text is, then \\, \" and \n escaped. */
void km_prom_label_value(FILE *f, const char *s);

#endif
