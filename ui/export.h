/*
 * export.h - the Prometheus exporter's samples: one code path for
 * --format prometheus, --textfile and --listen, on the live system, a
 * captured tree or a series. Each km_export_tick takes one sample (the next
 * tree of a series) and renders the exposition into memory. On the live
 * system vmallocinfo is read at most every --vmallocinfo-interval seconds:
 * between its reads, the families of the views that need it (vmalloc,
 * modules) are those of its last read, and its source record is that
 * read's, with its age. --textfile's atomic rewrite is here too.
 *
 * Render layer (libkmrender.a): no curses, no HTTP.
 */
#ifndef KM_UI_EXPORT_H
#define KM_UI_EXPORT_H

#include "app.h"

struct km_export {
    struct km_app *a;
    bool visible[KM_VIEWS_MAX]; /* the views exported */
    char *block[KM_VIEWS_MAX];  /* each throttled view's families at vmallocinfo's last read */
    double vm_read;             /* km_now() of vmallocinfo's last read; < 0: none yet */
    struct km_source vm_src;    /* its record then */
    char *text;                 /* the last exposition, NUL-terminated */
    size_t len;
    double took;                /* seconds the last tick took (sample and render) */
    int textfile_dir;           /* --textfile DIR's descriptor, -1 */
};

void km_export_init(struct km_export *e, struct km_app *a);
void km_export_free(struct km_export *e);
/* One sample, rendered into e->text. 0, 1 when a series has no tree left, -1 with msg. */
int km_export_tick(struct km_export *e, char *msg, size_t msgsz);

/*
 * Opens --textfile DIR for the rewrites: DIR itself must be a directory
 * (not a symlink to one), owned by the user or root, and not writable by
 * others unless sticky. -1 with msg when refused.
 */
int km_textfile_open(struct km_export *e, const char *dir, char *msg, size_t msgsz);
/*
 * Rewrites DIR/kmemtop.prom with e->text: a new file of a random name in
 * DIR (O_CREAT|O_EXCL|O_NOFOLLOW), written, fsync'd, renamed over the old
 * one, then DIR fsync'd. -1 with msg on error (the new file is removed).
 */
int km_textfile_write(struct km_export *e, char *msg, size_t msgsz);

#endif
