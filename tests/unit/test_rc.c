/*
 * test_rc.c - the saved settings (ui/rc.c): the parser on good and bad
 * lines (each bad one reported with its number and skipped, the rest
 * applied), a deterministic fuzz of mangled files, the writer's text read
 * back, and the file's loading and saving: the directory made 0700, the file
 * 0600, a symlink replaced and never written through, a symlinked directory
 * refused, a FIFO or a huge file refused without blocking.
 */
#include "../../ui/rc.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"

struct errs {
    int n;
    int line[64];
    char msg[64][256];
};

static void on_err(void *arg, int line, const char *msg)
{
    struct errs *e = arg;
    if (e->n < 64) {
        e->line[e->n] = line;
        snprintf(e->msg[e->n], sizeof(e->msg[0]), "%s", msg);
    }
    e->n++;
}

static int parse(const char *text, struct km_rc *rc, struct errs *e)
{
    memset(e, 0, sizeof(*e));
    km_rc_init(rc);
    return km_rc_parse(text, strlen(text), rc, on_err, e);
}

static int col(const char *view, const char *key)
{
    const struct km_view_def *d = km_views[km_view_find(view)];
    for (int k = 0; k < d->ncols; k++)
        if (strcmp(d->cols[k].key, key) == 0)
            return k;
    return -2;
}

static void test_good(void)
{
    struct km_rc rc;
    struct errs e;
    int m = km_view_find("modules"), s = km_view_find("slabs");
    int bad = parse("# a comment\n"
                    "\n"
                    "   tab = nodes  \n"
                    "delay=0.5\r\n"
                    "color = no\n"
                    "mouse = off\n"
                    "sort.slabs = footprint\n"
                    "reverse.slabs = yes\n"
                    "columns.modules = name size static, overhead dynamic method\n",
                    &rc, &e);
    is_int(bad, 0, "good file: no bad line");
    is_int(e.n, 0, "good file: nothing reported");
    is_int(rc.tab, km_view_find("nodes"), "tab");
    is_dbl(rc.delay, 0.5, 1e-9, "delay (CRLF line end)");
    is_int(rc.color, 0, "color");
    is_int(rc.mouse, 0, "mouse off");
    is_int(rc.v[s].sort, col("slabs", "footprint"), "sort.slabs");
    is_int(rc.v[s].reverse, 1, "reverse.slabs");
    is_int(rc.v[m].ncols, 5, "columns.modules: five after the name (name is implied)");
    ok(rc.v[m].cols[0] == col("modules", "size") && rc.v[m].cols[4] == col("modules", "method"),
       "columns.modules: in the order given");
    is_int(rc.v[km_view_find("nodes")].ncols, -1, "a view not named keeps its columns");
    is_int(rc.v[m].sort, -1, "a sort not named stays unset");
}

static void test_bad(void)
{
    struct km_rc rc;
    struct errs e;
    int s = km_view_find("slabs");
    int bad = parse("delay = 2\n"             /* 1 */
                    "frobnicate = 1\n"        /* 2 unknown setting */
                    "delay = 0x10\n"          /* 3 bad number */
                    "sort.nosuchview = size\n" /* 4 */
                    "sort.slabs = nosuch\n"   /* 5 */
                    "just words\n"            /* 6 no = */
                    "color = maybe\n"         /* 7 */
                    "columns.slabs = objs objs\n" /* 8 twice */
                    "tab =\n"                 /* 9 empty value */
                    "sort.slabs = objs\n"     /* 10 good, after the bad ones */
                    "delay = 99999\n"         /* 11 out of range */
                    "tab = \x1b[31mred\n",    /* 12 control character */
                    &rc, &e);
    is_int(bad, 10, "ten bad lines counted");
    is_int(e.n, 10, "each reported once");
    int want[] = {2, 3, 4, 5, 6, 7, 8, 9, 11, 12};
    int same = 1;
    for (int i = 0; i < 10; i++)
        same = same && e.line[i] == want[i];
    ok(same, "reported with their line numbers");
    ok(strstr(e.msg[0], "unknown setting 'frobnicate'") != NULL, "unknown setting named");
    ok(strstr(e.msg[3], "nosuch") != NULL, "unknown column named");
    ok(strstr(e.msg[6], "twice") != NULL, "a column listed twice");
    ok(strchr(e.msg[9], '\x1b') == NULL, "no escape byte in a message");
    is_dbl(rc.delay, 2, 1e-9, "the good delay applies, the bad ones do not");
    is_int(rc.v[s].sort, col("slabs", "objs"), "a good line after bad ones applies");
    is_int(rc.v[s].ncols, -1, "a bad columns line changes nothing");
    is_int(rc.tab, -1, "bad tabs change nothing");
    char longline[3000];
    memset(longline, 'x', sizeof(longline) - 1);
    longline[sizeof(longline) - 1] = '\0';
    bad = parse(longline, &rc, &e);
    is_int(bad, 1, "a line too long is a bad line");
    const char nul[] = "delay = 1\0garbage\ncolor = no\n";
    memset(&e, 0, sizeof(e));
    km_rc_init(&rc);
    bad = km_rc_parse(nul, sizeof(nul) - 1, &rc, on_err, &e);
    ok(bad == 1 && e.line[0] == 1 && rc.color == 0 && isnan(rc.delay), "a NUL byte: that line only");
}

/* A deterministic fuzz: lines made of pieces of good ones, bytes flipped and cut. */
static void test_fuzz(void)
{
    static const char *const pieces[] = {
        "tab", "delay", "color", "mouse", "sort.", "reverse.", "columns.", "slabs", "modules",
        "nodes", "=", " ", "yes", "no", "2", "0.05", "size", "objs", "footprint", "#", "\t",
        ",", ".", "\xff", "\x01", "\r", "name", "-1", "1e9", "buddy",
    };
    unsigned seed = 12345;
    int crashes_none = 1, counts = 1, lines_ok = 1, sane = 1;
    for (int iter = 0; iter < 3000; iter++) {
        char buf[2048];
        size_t len = 0;
        int nlines = 0;
        while (len < sizeof(buf) - 64) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) & 0x7fff;
            if (r % 9 == 0) {
                buf[len++] = '\n';
                nlines++;
                if (nlines > 20)
                    break;
                continue;
            }
            const char *p = pieces[r % (sizeof(pieces) / sizeof(pieces[0]))];
            size_t pl = strlen(p);
            memcpy(buf + len, p, pl);
            len += pl;
            if (r % 31 == 0)
                buf[len - 1] ^= (char)(r & 0x7f); /* a flipped byte */
        }
        nlines = 0;
        for (size_t i = 0; i < len; i++)
            nlines += buf[i] == '\n';
        struct km_rc rc;
        struct errs e;
        memset(&e, 0, sizeof(e));
        km_rc_init(&rc);
        int bad = km_rc_parse(buf, len, &rc, on_err, &e);
        counts = counts && bad == e.n;
        for (int i = 0; i < e.n && i < 64; i++) {
            lines_ok = lines_ok && e.line[i] >= 1 && e.line[i] <= nlines + 1;
            for (const char *c = e.msg[i]; *c; c++)
                sane = sane && (unsigned char)*c >= 0x20 && *c != 0x7f;
        }
        /* whatever was accepted is in range */
        crashes_none = crashes_none && (rc.tab >= -1 && rc.tab < km_nviews()) &&
                       (isnan(rc.delay) || (rc.delay >= 0.05 && rc.delay <= 86400));
        for (int v = 0; km_views[v]; v++)
            crashes_none = crashes_none && rc.v[v].ncols <= KM_RC_COLS_MAX &&
                           rc.v[v].sort < km_view_screen_cols(km_views[v]);
    }
    ok(crashes_none, "fuzz: every accepted value in range");
    ok(counts, "fuzz: the count returned is the number reported");
    ok(lines_ok, "fuzz: line numbers within the file");
    ok(sane, "fuzz: messages hold no control character");
}

static void test_roundtrip(void)
{
    struct km_rc rc, back;
    struct errs e;
    parse("tab = slabs\ndelay = 3.5\ncolor = yes\nmouse = no\nsort.nodes = free\n"
          "reverse.nodes = no\ncolumns.vmalloc = bytes areas\n",
          &rc, &e);
    char text[8192];
    int len = km_rc_format(&rc, text, sizeof(text));
    ok(len > 0, "format: written");
    memset(&e, 0, sizeof(e));
    km_rc_init(&back);
    is_int(km_rc_parse(text, (size_t)len, &back, on_err, &e), 0, "format: reads back with no bad line");
    ok(memcmp(&rc, &back, sizeof(rc)) == 0, "format: reads back the same settings");
    is_int(km_rc_format(&rc, text, 20), -1, "format: too small a buffer is -1");
}

static void test_files(void)
{
    char dir[] = "/tmp/km-rc-test.XXXXXX", path[512], other[512], link[512];
    if (!mkdtemp(dir)) {
        ok(0, "mkdtemp");
        return;
    }
    struct km_rc rc, back;
    struct errs e;
    char msg[512] = "";
    parse("tab = buddy\ndelay = 7\n", &rc, &e);
    /* the directory and its parent are made, 0700 */
    snprintf(path, sizeof(path), "%s/cfg/kmemtop/kmemtoprc", dir);
    is_int(km_rc_save(path, &rc, msg, sizeof(msg)), 0, "save: made the directories");
    struct stat st;
    snprintf(other, sizeof(other), "%s/cfg/kmemtop", dir);
    ok(stat(other, &st) == 0 && (st.st_mode & 0777) == 0700, "save: directory 0700");
    ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600 && S_ISREG(st.st_mode), "save: file 0600");
    memset(&e, 0, sizeof(e));
    km_rc_init(&back);
    is_int(km_rc_load(path, &back, on_err, &e, msg, sizeof(msg)), 0, "load: read");
    ok(back.tab == rc.tab && back.delay == 7, "load: the settings saved");
    /* a symlink at the path is replaced, its target untouched */
    snprintf(other, sizeof(other), "%s/victim", dir);
    FILE *f = fopen(other, "w");
    fputs("precious\n", f);
    fclose(f);
    unlink(path);
    if (symlink(other, path) != 0)
        ok(0, "symlink");
    is_int(km_rc_save(path, &rc, msg, sizeof(msg)), 0, "save over a symlink");
    char got[64] = "";
    f = fopen(other, "r");
    if (f) {
        if (!fgets(got, sizeof(got), f))
            got[0] = '\0';
        fclose(f);
    }
    is_str(got, "precious\n", "the symlink's target is not written");
    ok(lstat(path, &st) == 0 && S_ISREG(st.st_mode), "the symlink became the file");
    /* a symlinked directory is not followed */
    snprintf(link, sizeof(link), "%s/linkdir", dir);
    snprintf(other, sizeof(other), "%s/cfg/kmemtop", dir);
    if (symlink(other, link) != 0)
        ok(0, "symlink dir");
    snprintf(path, sizeof(path), "%s/linkdir/kmemtoprc", dir);
    is_int(km_rc_save(path, &rc, msg, sizeof(msg)), -1, "save: a symlinked directory is refused");
    ok(strstr(msg, "symlink") != NULL, "save: says so");
    /* no leftover temporary file */
    snprintf(other, sizeof(other), "ls -A %s/cfg/kmemtop | grep -c '^.kmemtoprc' >%s/count", dir, dir);
    (void)!system(other);
    snprintf(other, sizeof(other), "%s/count", dir);
    f = fopen(other, "r");
    got[0] = '\0';
    if (f) {
        if (!fgets(got, sizeof(got), f))
            got[0] = '\0';
        fclose(f);
    }
    is_str(got, "0\n", "no temporary file left");
    /* root under sudo with the caller's HOME: no directory made in, no file written to theirs */
    if (geteuid() == 0) {
        snprintf(other, sizeof(other), "%s/userhome", dir);
        mkdir(other, 0755);
        ok(chown(other, 65534, 65534) == 0, "a directory of another user's");
        snprintf(path, sizeof(path), "%s/userhome/kmemtop/kmemtoprc", dir);
        is_int(km_rc_save(path, &rc, msg, sizeof(msg)), -1, "root: no kmemtop directory made in it");
        ok(strstr(msg, "belongs to uid 65534") != NULL, "root: says whose it is");
        snprintf(other, sizeof(other), "%s/userhome/kmemtop", dir);
        ok(access(other, F_OK) != 0, "root: nothing made there");
        mkdir(other, 0700);
        ok(chown(other, 65534, 65534) == 0, "and their kmemtop directory");
        is_int(km_rc_save(path, &rc, msg, sizeof(msg)), -1, "root: no file written in it");
        ok(access(path, F_OK) != 0, "root: no file there");
    } else {
        for (int i = 0; i < 7; i++)
            ok(1, "# SKIP not root: no other user's directory");
    }
    /* a FIFO: refused at once, never blocking */
    snprintf(path, sizeof(path), "%s/fifo", dir);
    mkfifo(path, 0600);
    is_int(km_rc_load(path, &back, on_err, &e, msg, sizeof(msg)), -1, "load: a FIFO is refused");
    ok(strstr(msg, "not a regular file") != NULL, "load: a FIFO: says why");
    /* too large */
    snprintf(path, sizeof(path), "%s/big", dir);
    f = fopen(path, "w");
    for (int i = 0; i < KM_RC_FILE_MAX / 10 + 10; i++)
        fputs("# padding\n", f);
    fclose(f);
    is_int(km_rc_load(path, &back, on_err, &e, msg, sizeof(msg)), -1, "load: too large a file");
    snprintf(path, sizeof(path), "%s/none", dir);
    is_int(km_rc_load(path, &back, on_err, &e, msg, sizeof(msg)), 1, "load: no file is 1");
    snprintf(other, sizeof(other), "rm -rf %s", dir);
    (void)!system(other);
}

static void test_path(void)
{
    char p[512];
    setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
    setenv("HOME", "/home/u", 1);
    ok(km_rc_path(p, sizeof(p)) == 0 && strcmp(p, "/x/cfg/kmemtop/kmemtoprc") == 0, "path: XDG_CONFIG_HOME");
    setenv("XDG_CONFIG_HOME", "relative", 1);
    ok(km_rc_path(p, sizeof(p)) == 0 && strcmp(p, "/home/u/.config/kmemtop/kmemtoprc") == 0,
       "path: a relative XDG_CONFIG_HOME is ignored");
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("HOME");
    is_int(km_rc_path(p, sizeof(p)), -1, "path: neither set");
}

int main(void)
{
    test_good();
    test_bad();
    test_fuzz();
    test_roundtrip();
    test_files();
    test_path();
    return tap_done();
}
