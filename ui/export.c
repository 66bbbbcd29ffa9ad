/* export.c - the exporter's samples and --textfile. See export.h. */
#include "export.h"
#include "prom.h"

#include "kmemtop/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEXTFILE "kmemtop.prom"

void km_export_init(struct km_export *e, struct km_app *a)
{
    memset(e, 0, sizeof(*e));
    e->a = a;
    e->vm_read = -1;
    e->textfile_dir = -1;
    bool any = false;
    for (int v = 0; v < KM_VIEWS_MAX; v++)
        any = any || a->o.views[v];
    for (int v = 0; km_views[v]; v++)
        e->visible[v] = (any ? a->o.views[v] : !km_views[v]->opt_in) ||
                        (km_views[v]->exported && km_views[v]->exported(a->o.vstates[v].b));
    if (a->o.no_vmallocinfo) /* a view of vmallocinfo alone has nothing left */
        for (int v = 0; km_views[v]; v++)
            if (km_views[v]->main_src == KM_SRC_VMALLOCINFO)
                e->visible[v] = false;
}

void km_export_free(struct km_export *e)
{
    for (int v = 0; v < KM_VIEWS_MAX; v++)
        free(e->block[v]);
    free(e->text);
    if (e->textfile_dir >= 0)
        close(e->textfile_dir);
    e->text = NULL;
}

/* Whether view v reads vmallocinfo (with the states' own sources). */
static bool needs_vmalloc(const struct km_app *a, int v)
{
    bool one[KM_VIEWS_MAX] = {false};
    one[v] = true;
    return km_views_sources(one, a->o.vstates) & KM_SRC_BIT(KM_SRC_VMALLOCINFO);
}

/* A view's families as text (malloc'd). */
static char *view_text(struct km_app *a, int v)
{
    char *s = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&s, &n);
    if (!m)
        abort();
    km_prom_view(m, &a->vms[v], &a->ctx, &a->o.prom);
    if (fclose(m) != 0)
        abort();
    return s;
}

int km_export_tick(struct km_export *e, char *msg, size_t msgsz)
{
    struct km_app *a = e->a;
    double t0 = km_now();
    bool throttle = a->roots.n == 0 && a->o.vmalloc_interval > 0 && !a->o.no_vmallocinfo;
    bool vm_due = !throttle || e->vm_read < 0 || t0 - e->vm_read >= a->o.vmalloc_interval;
    bool vis[KM_VIEWS_MAX], cached[KM_VIEWS_MAX] = {false};
    for (int v = 0; v < KM_VIEWS_MAX; v++) {
        vis[v] = e->visible[v];
        if (vis[v] && !vm_due && e->block[v] && needs_vmalloc(a, v)) {
            vis[v] = false; /* its families of the last read serve */
            cached[v] = true;
        }
    }
    int rc = km_app_tick(a, vis, msg, msgsz);
    if (rc)
        return rc;
    const struct km_sample *s = a->ctx.s;
    struct km_source src[KM_SRC_COUNT];
    double age[KM_SRC_COUNT] = {0};
    memcpy(src, s->src, sizeof(src));
    if (throttle && s->src[KM_SRC_VMALLOCINFO].status != KM_ST_SKIPPED) {
        e->vm_read = t0;
        e->vm_src = s->src[KM_SRC_VMALLOCINFO];
    } else if (throttle && e->vm_read >= 0) {
        src[KM_SRC_VMALLOCINFO] = e->vm_src;
        age[KM_SRC_VMALLOCINFO] = t0 - e->vm_read;
    }
    char *out = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&out, &n);
    if (!m)
        abort();
    km_prom_head(m, &a->ctx, src, age);
    for (int v = 0; km_views[v]; v++) {
        if (cached[v]) {
            fputs(e->block[v], m);
        } else if (vis[v]) {
            char *b = view_text(a, v);
            fputs(b, m);
            if (throttle && needs_vmalloc(a, v)) {
                free(e->block[v]);
                e->block[v] = b;
            } else {
                free(b);
            }
        }
    }
    if (fclose(m) != 0)
        abort();
    free(e->text);
    e->text = out;
    e->len = n;
    e->took = km_now() - t0;
    return 0;
}

/* ---- --textfile ---------------------------------------------------------------- */

int km_textfile_open(struct km_export *e, const char *dir, char *msg, size_t msgsz)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        snprintf(msg, msgsz, "--textfile %s: %s", dir,
                 errno == ELOOP || errno == ENOTDIR ? "not a directory (a symlink is not followed)"
                                                    : strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(msg, msgsz, "--textfile %s: not a directory", dir);
        close(fd);
        return -1;
    }
    if (st.st_uid != geteuid() && st.st_uid != 0) {
        snprintf(msg, msgsz, "--textfile %s: owned by another user (uid %u)", dir,
                 (unsigned)st.st_uid);
        close(fd);
        return -1;
    }
    if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX)) {
        snprintf(msg, msgsz, "--textfile %s: writable by everyone and not sticky", dir);
        close(fd);
        return -1;
    }
    e->textfile_dir = fd;
    return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -errno;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int km_textfile_write(struct km_export *e, char *msg, size_t msgsz)
{
    char tmp[64];
    int fd = -1;
    for (int tries = 0; fd < 0 && tries < 16; tries++) {
        unsigned char r[8];
        if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
            memset(r, tries, sizeof(r));
        snprintf(tmp, sizeof(tmp), ".kmemtop.prom.%02x%02x%02x%02x%02x%02x%02x%02x.tmp", r[0],
                 r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
        fd = openat(e->textfile_dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    0644);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        snprintf(msg, msgsz, "--textfile: cannot create a file in the directory: %s",
                 strerror(errno));
        return -1;
    }
    int err = write_all(fd, e->text ? e->text : "", e->len);
    if (!err && fsync(fd) != 0)
        err = -errno;
    if (close(fd) != 0 && !err)
        err = -errno;
    if (!err && renameat(e->textfile_dir, tmp, e->textfile_dir, TEXTFILE) != 0)
        err = -errno;
    if (err) {
        unlinkat(e->textfile_dir, tmp, 0);
        snprintf(msg, msgsz, "--textfile: writing " TEXTFILE ": %s", strerror(-err));
        return -1;
    }
    fsync(e->textfile_dir); /* the rename itself lasts */
    return 0;
}
