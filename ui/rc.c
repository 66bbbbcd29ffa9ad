/* rc.c - the saved settings (kmemtoprc). See rc.h. */
#include "rc.h"
#include "fmt.h"
#include "kmemtop/util.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void km_rc_init(struct km_rc *rc)
{
    memset(rc, 0, sizeof(*rc));
    rc->tab = -1;
    rc->delay = NAN;
    rc->color = -1;
    rc->mouse = -1;
    for (int v = 0; v < KM_VIEWS_MAX; v++) {
        rc->v[v].sort = -1;
        rc->v[v].reverse = -1;
        rc->v[v].ncols = -1;
    }
}

static void report(km_rc_err_fn err, void *arg, int line, const char *fmt, const char *what)
{
    if (!err)
        return;
    char safe[96], msg[256];
    /* what comes from a file a stranger may have written: no escape reaches a terminal */
    km_sanitize(safe, sizeof(safe), what);
    if (strlen(what) > 40)
        snprintf(safe + 40, sizeof(safe) - 40, "...");
    /* fmt is one of this file's messages, with one "%s" where what goes */
    const char *at = strstr(fmt, "%s");
    if (at)
        snprintf(msg, sizeof(msg), "%.*s%s%s", (int)(at - fmt), fmt, safe, at + 2);
    else
        snprintf(msg, sizeof(msg), "%s", fmt);
    err(arg, line, msg);
}

static int parse_bool(const char *s)
{
    static const char *const yes[] = {"yes", "on", "true", "1"}, *const no[] = {"no", "off", "false", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return 1;
        if (strcasecmp(s, no[i]) == 0)
            return 0;
    }
    return -1;
}

/* A plain decimal number of seconds, 0.05 to 86400 (as -d). */
static bool parse_delay(const char *s, double *out)
{
    if (!s[0] || strspn(s, "0123456789.") != strlen(s) || !strpbrk(s, "0123456789"))
        return false;
    char *end;
    double v = strtod(s, &end);
    if (*end || !(v >= 0.05 && v <= 86400))
        return false;
    *out = v;
    return true;
}

/* A screen column of d by its --sort key (case-insensitive); -1 if none. */
static int find_col(const struct km_view_def *d, const char *key)
{
    for (int k = 0; k < km_view_screen_cols(d); k++)
        if (strcasecmp(d->cols[k].key, key) == 0)
            return k;
    return -1;
}

/* "columns.VIEW = key key ...": NULL, or what is wrong (the word in bad). */
static const char *parse_cols(const struct km_view_def *d, char *val, struct km_rc_view *out,
                              const char **bad)
{
    struct km_rc_view v = *out;
    v.ncols = 0;
    char *save = NULL;
    for (char *t = strtok_r(val, " \t,", &save); t; t = strtok_r(NULL, " \t,", &save)) {
        int k = find_col(d, t);
        *bad = t;
        if (k < 0)
            return "no such column: '%s'";
        if (k == 0)
            continue; /* the name column is always shown, first */
        for (int i = 0; i < v.ncols; i++)
            if (v.cols[i] == k)
                return "column listed twice: '%s'";
        if (v.ncols >= KM_RC_COLS_MAX)
            return "too many columns, from '%s'";
        v.cols[v.ncols++] = k;
    }
    *out = v;
    return NULL;
}

/* One "name = value" line (blanks trimmed); NULL, or the message (with %s for *bad). */
static const char *parse_setting(char *name, char *val, struct km_rc *rc, const char **bad)
{
    *bad = val;
    if (strcmp(name, "tab") == 0) {
        int v = km_view_find(val);
        if (v < 0)
            return "no such view: '%s'";
        rc->tab = v;
        return NULL;
    }
    if (strcmp(name, "delay") == 0) {
        double d;
        if (!parse_delay(val, &d))
            return "not a delay (seconds, 0.05 to 86400): '%s'";
        rc->delay = d;
        return NULL;
    }
    if (strcmp(name, "color") == 0 || strcmp(name, "colour") == 0 || strcmp(name, "mouse") == 0) {
        int b = parse_bool(val);
        if (b < 0)
            return "wants yes or no: '%s'";
        *(name[0] == 'm' ? &rc->mouse : &rc->color) = b;
        return NULL;
    }
    char *dot = strchr(name, '.');
    if (!dot) {
        *bad = name;
        return "unknown setting '%s'";
    }
    *dot = '\0';
    const char *what = name, *view = dot + 1;
    int v = km_view_find(view);
    if (strcmp(what, "sort") != 0 && strcmp(what, "reverse") != 0 && strcmp(what, "columns") != 0) {
        *bad = what;
        return "unknown setting '%s'";
    }
    if (v < 0) {
        *bad = view;
        return "no such view: '%s'";
    }
    const struct km_view_def *d = km_views[v];
    if (strcmp(what, "sort") == 0) {
        int k = find_col(d, val);
        if (k < 0)
            return "no such column: '%s'";
        if (!km_col_sortable(&d->cols[k]))
            return "this column cannot be sorted: '%s'";
        rc->v[v].sort = k;
        return NULL;
    }
    if (strcmp(what, "reverse") == 0) {
        int b = parse_bool(val);
        if (b < 0)
            return "wants yes or no: '%s'";
        rc->v[v].reverse = b;
        return NULL;
    }
    return parse_cols(d, val, &rc->v[v], bad);
}

static char *trim(char *s)
{
    s += strspn(s, " \t");
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

int km_rc_parse(const char *buf, size_t len, struct km_rc *rc, km_rc_err_fn err, void *arg)
{
    int bad = 0, lineno = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - (buf + pos)) : len - pos;
        const char *start = buf + pos;
        pos += ll + (nl ? 1 : 0);
        lineno++;
        if (ll > 0 && start[ll - 1] == '\r')
            ll--;
        if (ll >= KM_RC_LINE_MAX) {
            report(err, arg, lineno, "line too long%s", "");
            bad++;
            continue;
        }
        char line[KM_RC_LINE_MAX];
        memcpy(line, start, ll);
        line[ll] = '\0';
        if (strlen(line) != ll) {
            report(err, arg, lineno, "a NUL byte in the line%s", "");
            bad++;
            continue;
        }
        bool ctl = false;
        for (size_t i = 0; i < ll; i++)
            ctl = ctl || ((unsigned char)line[i] < 0x20 && line[i] != '\t') || line[i] == 0x7f;
        char *s = trim(line);
        if (!*s || *s == '#')
            continue;
        if (ctl) {
            report(err, arg, lineno, "a control character in '%s'", s);
            bad++;
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            report(err, arg, lineno, "not 'name = value': '%s'", s);
            bad++;
            continue;
        }
        *eq = '\0';
        char *name = trim(s), *val = trim(eq + 1);
        if (!*name || !*val) {
            report(err, arg, lineno, "not 'name = value': '%s'", *name ? name : val);
            bad++;
            continue;
        }
        struct km_rc next = *rc; /* a bad line changes nothing */
        const char *what;
        const char *msg = parse_setting(name, val, &next, &what);
        if (msg) {
            report(err, arg, lineno, msg, what);
            bad++;
            continue;
        }
        *rc = next;
    }
    return bad;
}

/* Appends to out; false when it did not fit. */
static bool add(char *out, size_t n, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool add(char *out, size_t n, size_t *pos, const char *fmt, ...)
{
    if (*pos >= n)
        return false;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(out + *pos, n - *pos, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= n - *pos)
        return false;
    *pos += (size_t)w;
    return true;
}

int km_rc_format(const struct km_rc *rc, char *out, size_t n)
{
    size_t pos = 0;
    bool ok = add(out, n, &pos,
                  "# kmemtop settings, written by the setup screen (F2, W).\n"
                  "# One 'name = value' a line; see FILES in kmemtop(1). Command-line options\n"
                  "# override these; kmemtop --no-config ignores the file.\n");
    if (rc->tab >= 0)
        ok = ok && add(out, n, &pos, "tab = %s\n", km_views[rc->tab]->name);
    if (!isnan(rc->delay))
        ok = ok && add(out, n, &pos, "delay = %g\n", rc->delay);
    if (rc->color >= 0)
        ok = ok && add(out, n, &pos, "color = %s\n", rc->color ? "yes" : "no");
    if (rc->mouse >= 0)
        ok = ok && add(out, n, &pos, "mouse = %s\n", rc->mouse ? "yes" : "no");
    for (int v = 0; km_views[v] && ok; v++) {
        const struct km_rc_view *w = &rc->v[v];
        const struct km_view_def *d = km_views[v];
        if (w->sort >= 0)
            ok = add(out, n, &pos, "sort.%s = %s\n", d->name, d->cols[w->sort].key);
        if (ok && w->reverse >= 0)
            ok = add(out, n, &pos, "reverse.%s = %s\n", d->name, w->reverse ? "yes" : "no");
        if (ok && w->ncols >= 0) {
            ok = add(out, n, &pos, "columns.%s =", d->name);
            for (int i = 0; i < w->ncols && ok; i++)
                ok = add(out, n, &pos, " %s", d->cols[w->cols[i]].key);
            ok = ok && add(out, n, &pos, "\n");
        }
    }
    return ok ? (int)pos : -1;
}

int km_rc_path(char *out, size_t n)
{
    const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
    int w;
    if (x && x[0] == '/')
        w = snprintf(out, n, "%s/kmemtop/kmemtoprc", x);
    else if (h && h[0])
        w = snprintf(out, n, "%s/.config/kmemtop/kmemtoprc", h);
    else
        return -1;
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

int km_rc_load(const char *path, struct km_rc *rc, km_rc_err_fn err, void *arg, char *msg,
               size_t n)
{
    /* O_NONBLOCK: a FIFO put there never blocks the start */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 1;
        snprintf(msg, n, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(msg, n, "%s: not a regular file", path);
        close(fd);
        return -1;
    }
    char *buf = xmalloc(KM_RC_FILE_MAX + 1);
    size_t len = 0;
    ssize_t r;
    while (len <= KM_RC_FILE_MAX &&
           (r = read(fd, buf + len, KM_RC_FILE_MAX + 1 - len)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(msg, n, "%s: %s", path, strerror(errno));
            free(buf);
            close(fd);
            return -1;
        }
        len += (size_t)r;
    }
    close(fd);
    if (len > KM_RC_FILE_MAX) {
        snprintf(msg, n, "%s: larger than %d KiB, not a kmemtoprc", path, KM_RC_FILE_MAX / 1024);
        free(buf);
        return -1;
    }
    km_rc_parse(buf, len, rc, err, arg);
    free(buf);
    return 0;
}

/*
 * Opens directory path (made 0700 when missing, its parent too), without
 * following a symlink at its last component; -1 with msg.
 */
/*
 * Whether the directory fd (path) is this user's own; else msg says so, with
 * what: as root under sudo with the caller's HOME, writing there would leave
 * a root-owned file or directory in their home.
 */
static bool owned(int fd, const char *path, const char *what, char *msg, size_t n)
{
    struct stat st = {0};
    if (fstat(fd, &st) == 0 && st.st_uid == geteuid())
        return true;
    snprintf(msg, n, "%s belongs to uid %u, not to this user (uid %u): %s (under sudo, HOME may "
             "be the caller's; set XDG_CONFIG_HOME)",
             path, (unsigned)st.st_uid, (unsigned)geteuid(), what);
    return false;
}

static int open_dir(const char *path, int depth, char *msg, size_t n)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && depth < 2) {
        char parent[4096];
        snprintf(parent, sizeof(parent), "%s", path);
        char *slash = strrchr(parent, '/');
        if (slash && slash != parent) {
            *slash = '\0';
            int pfd = open_dir(parent, depth + 1, msg, n);
            if (pfd < 0)
                return -1;
            /*
             * Never a directory of ours in someone else's: root under sudo with
             * the caller's HOME would leave a root-owned ~/.config/kmemtop there.
             */
            if (!owned(pfd, parent, "no directory made in it", msg, n)) {
                close(pfd);
                return -1;
            }
            if (mkdirat(pfd, slash + 1, 0700) < 0 && errno != EEXIST) {
                snprintf(msg, n, "cannot make %s: %s", path, strerror(errno));
                close(pfd);
                return -1;
            }
            fd = openat(pfd, slash + 1, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            close(pfd);
        }
    }
    if (fd < 0) { /* O_NOFOLLOW with O_DIRECTORY fails with ENOTDIR on a symlink */
        int e = errno;
        struct stat st;
        bool link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
        snprintf(msg, n, "%s: %s", path, link ? "a symlink, not followed" : strerror(e));
    }
    return fd;
}

int km_rc_save(const char *path, const struct km_rc *rc, char *msg, size_t n)
{
    char text[KM_RC_FILE_MAX], dir[4096];
    int len = km_rc_format(rc, text, sizeof(text));
    if (len < 0) {
        snprintf(msg, n, "the settings do not fit in %d KiB", KM_RC_FILE_MAX / 1024);
        return -1;
    }
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) {
        snprintf(msg, n, "%s: not a path in a directory", path);
        return -1;
    }
    *slash = '\0';
    const char *base = slash + 1;
    int dfd = open_dir(dir, 0, msg, n);
    if (dfd < 0)
        return -1;
    if (!owned(dfd, dir, "not written there", msg, n)) {
        close(dfd);
        return -1;
    }
    char tmp[64];
    int fd = -1;
    for (int i = 0; i < 100 && fd < 0; i++) {
        snprintf(tmp, sizeof(tmp), ".kmemtoprc.%ld.%d", (long)getpid(),
                 (int)((unsigned)time(NULL) ^ (unsigned)i * 2654435761u) & 0x7fffffff);
        fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        snprintf(msg, n, "cannot write in %s: %s", dir, strerror(errno));
        close(dfd);
        return -1;
    }
    size_t done = 0;
    while (done < (size_t)len) {
        ssize_t w = write(fd, text + done, (size_t)len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    int e = done == (size_t)len ? 0 : errno ? errno : EIO;
    if (!e && fsync(fd) < 0)
        e = errno;
    if (close(fd) < 0 && !e)
        e = errno;
    if (!e && renameat(dfd, tmp, dfd, base) < 0)
        e = errno;
    if (e) {
        unlinkat(dfd, tmp, 0);
        snprintf(msg, n, "cannot write %s: %s", path, strerror(e));
        close(dfd);
        return -1;
    }
    close(dfd);
    return 0;
}
