/* read.c - path to bytes, in as few read() calls as possible. See read.h. */
#include "kmemtop/read.h"
#include "kmemtop/capture.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

#define KM_READ_MIN (64 * 1024)
#define KM_MAX_LINKS 40 /* as the kernel's own limit */
#define KM_MAX_DEPTH 64

bool km_err_missing(int err)
{
    return err == -ENOENT || err == -ENOTDIR || err == -ENODEV || err == -ENXIO;
}

bool km_err_denied(int err)
{
    return err == -EACCES || err == -EPERM;
}

const char *km_read_strerror(int err)
{
    switch (err) {
    case KM_ENOTREG:
        return "not a regular file (a FIFO, device or directory is never read)";
    case KM_ELEAVES:
        return "a symbolic link or mount that leads out of the tree (not followed)";
    case KM_ETOOBIG:
        return "larger than any kernel writes this file (not read)";
    case KM_ESLOW:
        return "took longer than 10 s to read (abandoned)";
    case KM_ETOOMANY:
        return "more directory entries than any kernel makes (not read)";
    default:
        return strerror(err < 0 ? -err : err);
    }
}

/* ---- where a path leads: the live system, or beneath a tree --------------- */

static int tree_proc = -1, tree_sys = -1;
static bool in_tree, force_walk;
static struct km_memtree *mem; /* an in-memory tree read from instead, NULL: none */

static int mem_read(const char *path, struct km_buf *b, size_t max, bool tee);
static int mem_list(const char *path, bool dirs_only, char ***names, char ***targets);
struct mem_ent;
static int mem_file(const char *path, const struct mem_ent **e);
static size_t mem_line(const struct mem_ent *e, char *tmp, size_t tmpsz, unsigned *mode);

void km_read_set_tree(int proc_fd, int sys_fd)
{
    if (tree_proc >= 0)
        close(tree_proc);
    if (tree_sys >= 0)
        close(tree_sys);
    tree_proc = proc_fd;
    tree_sys = sys_fd;
    mem = NULL;
    in_tree = proc_fd >= 0 || sys_fd >= 0;
}

bool km_read_in_tree(void)
{
    return in_tree;
}

void km_read_force_walk(bool on)
{
    force_walk = on;
}

/* The directory a kernel path lives in while a tree is set, and the rest of it. */
static int route(const char *path, const char **rel)
{
    static const struct {
        const char *prefix;
        int *fd;
    } roots[] = {{"/proc", &tree_proc}, {"/sys", &tree_sys}};
    for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
        size_t n = strlen(roots[i].prefix);
        if (strncmp(path, roots[i].prefix, n) != 0 || (path[n] != '/' && path[n] != '\0'))
            continue;
        while (path[n] == '/')
            n++;
        *rel = path[n] ? path + n : ".";
        return *roots[i].fd >= 0 ? *roots[i].fd : -ENOENT;
    }
    return KM_ELEAVES;
}

static void close_stack(int *stack, int depth)
{
    for (int i = 1; i <= depth; i++)
        close(stack[i]);
}

/* The next component of *p (slashes skipped) into comp; false at the end. */
static bool next_comp(const char **p, char *comp, size_t compsz)
{
    while (**p == '/')
        (*p)++;
    if (!**p)
        return false;
    size_t n = strcspn(*p, "/");
    if (n >= compsz)
        n = compsz - 1; /* a name longer than NAME_MAX fails in openat */
    memcpy(comp, *p, n);
    comp[n] = '\0';
    *p += strcspn(*p, "/");
    while (**p == '/')
        (*p)++;
    return true;
}

/*
 * The link comp in dir, spliced in front of what is left of the path (*p
 * into path): 0, or KM_ELEAVES for an absolute target, -ELOOP past
 * KM_MAX_LINKS links.
 */
static int splice_link(int dir, const char *comp, char *path, size_t pathsz, const char **p,
                       int *links)
{
    char t[PATH_MAX], rest[PATH_MAX];
    ssize_t n = readlinkat(dir, comp, t, sizeof(t) - 1);
    if (++*links > KM_MAX_LINKS || n <= 0)
        return n <= 0 ? -EIO : -ELOOP;
    t[n] = '\0';
    if (t[0] == '/')
        return KM_ELEAVES;
    snprintf(rest, sizeof(rest), "%s", *p);
    if ((size_t)snprintf(path, pathsz, "%s/%s", t, rest) >= pathsz)
        return -ENAMETOOLONG;
    *p = path;
    return 0;
}

/* One step of the walk: ".." pops (never above the root), "." is the current directory. */
static int dot_dot(int *stack, int *depth, char *comp, size_t compsz, bool last)
{
    if (*depth == 0)
        return KM_ELEAVES;
    close(stack[(*depth)--]);
    if (last)
        snprintf(comp, compsz, ".");
    return last ? 0 : 1; /* 1: nothing more to do for this component */
}

/*
 * rel opened beneath root one component at a time: symlinks are read and
 * resolved here (relative ones only, never above root), every component
 * must be on root's filesystem, and the last is opened with O_NOFOLLOW.
 */
static int walk_open(int root, const char *rel, int flags)
{
    char path[2 * PATH_MAX], comp[NAME_MAX + 1];
    int stack[KM_MAX_DEPTH + 1] = {root}, depth = 0, links = 0, rc;
    struct stat rst, st;
    if (fstat(root, &rst) < 0)
        return -errno;
    snprintf(path, sizeof(path), "%s", rel);
    const char *p = path;
    for (;;) {
        if (!next_comp(&p, comp, sizeof(comp)))
            snprintf(comp, sizeof(comp), ".");
        bool last = *p == '\0';
        if (strcmp(comp, ".") == 0 && !last)
            continue;
        if (strcmp(comp, "..") == 0) {
            if ((rc = dot_dot(stack, &depth, comp, sizeof(comp), last)) < 0)
                break;
            if (rc > 0)
                continue;
        }
        int fd = openat(stack[depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            rc = -errno;
            break;
        }
        /* a mount inside the tree, or an O_PATH fstat refused (< 3.6): not followed */
        rc = fstat(fd, &st) < 0 || st.st_dev != rst.st_dev ? KM_ELEAVES : 0;
        if (rc == 0 && S_ISLNK(st.st_mode)) {
            close(fd);
            if ((rc = splice_link(stack[depth], comp, path, sizeof(path), &p, &links)) < 0)
                break;
            continue;
        }
        if (rc == 0 && last) {
            close(fd);
            rc = openat(stack[depth], comp, flags | O_NOFOLLOW | O_CLOEXEC);
            rc = rc >= 0 ? rc : errno == ELOOP ? KM_ELEAVES : -errno;
            break;
        }
        if (rc == 0 && (!S_ISDIR(st.st_mode) || depth == KM_MAX_DEPTH))
            rc = S_ISDIR(st.st_mode) ? -ENAMETOOLONG : -ENOTDIR;
        if (rc < 0) {
            close(fd);
            break;
        }
        stack[++depth] = fd;
    }
    close_stack(stack, depth);
    return rc;
}

static int beneath_open(int root, const char *rel, int flags)
{
#ifdef SYS_openat2
    static bool no_openat2;
    if (!force_walk && !no_openat2) {
        struct open_how how = {
            .flags = (unsigned)(flags | O_CLOEXEC),
            .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
        };
        long fd = syscall(SYS_openat2, root, rel, &how, sizeof(how));
        if (fd >= 0)
            return (int)fd;
        if (errno == EXDEV)
            return KM_ELEAVES;
        if (errno != ENOSYS && errno != EPERM)
            return -errno;
        no_openat2 = true; /* before 5.6, or a seccomp filter that does not know it */
    }
#endif
    return walk_open(root, rel, flags);
}

/*
 * Opens a kernel path (live or beneath the tree), non-blocking, with its type
 * checked. A capture interrupted by a signal opens nothing more (-EINTR).
 */
static int open_kernel(const char *path, int flags, mode_t type, struct stat *st)
{
    int fd;
    if (km_capture_interrupted())
        return -EINTR;
    flags |= O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
    if (in_tree) {
        const char *rel;
        int root = route(path, &rel);
        if (root < 0)
            return root;
        fd = beneath_open(root, rel, flags);
    } else {
        fd = open(path, flags);
        fd = fd < 0 ? -errno : fd;
    }
    if (fd < 0)
        return fd;
    if (!in_tree && !km_capture_active() && type == S_IFREG) {
        /* the kernel's own /proc and /sys hold no FIFOs or devices: no fstat per file */
        st->st_mode = S_IFREG | 0444;
        return fd;
    }
    if (fstat(fd, st) < 0 || (st->st_mode & S_IFMT) != type) {
        int err = (st->st_mode & S_IFMT) != type ? KM_ENOTREG : -errno;
        close(fd);
        return err;
    }
    return fd;
}

/* ---- reading ---------------------------------------------------------------- */

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void resize(struct km_buf *b, size_t cap)
{
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

/*
 * Reads from offset `from` on until EOF or a full buffer (*full). Returns the
 * length read so far (from included) or a negative errno.
 */
static ssize_t fill(int fd, struct km_buf *b, size_t from, bool *full, double *deadline)
{
    size_t len = from;
    *full = false;
    while (len < b->cap - 1) {
        ssize_t r = pread(fd, b->data + len, b->cap - 1 - len, (off_t)len);
        /* the clock from the second read on: most files take two (the data, then EOF) */
        if (*deadline == 0)
            *deadline = mono_now() + KM_READ_TIMEOUT;
        else if (mono_now() > *deadline)
            return KM_ESLOW;
        if (r < 0 && errno == EINTR && !km_capture_interrupted())
            continue;
        if (r < 0)
            return errno == EAGAIN || errno == ESPIPE ? KM_ENOTREG : -errno; /* a FIFO, a tty */
        if (r == 0)
            return (ssize_t)len;
        len += (size_t)r;
    }
    *full = true;
    return (ssize_t)len;
}

/* Doubles the buffer up to max + 1 bytes; KM_ETOOBIG when it is there already. */
static int grow(struct km_buf *b, size_t max)
{
    if (b->cap >= max + 1)
        return KM_ETOOBIG;
    resize(b, b->cap * 2 < max + 1 ? b->cap * 2 : max + 1);
    return 0;
}

/*
 * Read from offset 0 until EOF. When a read fills the buffer the file is
 * larger than it: read on to EOF in a growing buffer to learn the length,
 * then read once more from 0 into a buffer a quarter larger than that, so
 * that the text comes in as few passes as possible and a large file is
 * generated twice, not once per doubling. It does not make a read atomic: a
 * seq_file returns at most its own buffer (a page at first) per read(), and
 * vmallocinfo up to 6.8 drops its lock between two (see km_vm_torn). Should
 * it have grown by more than the margin, learn again.
 */
static int read_fd(int fd, struct km_buf *b, size_t max)
{
    double deadline = 0;
    if (b->cap < KM_READ_MIN)
        resize(b, KM_READ_MIN);
    for (;;) {
        bool full;
        ssize_t len = fill(fd, b, 0, &full, &deadline);
        if (len >= 0 && !full) {
            b->len = (size_t)len;
            b->data[len] = '\0';
            return 0;
        }
        int rc = 0;
        while (len >= 0 && full && (rc = grow(b, max)) == 0)
            len = fill(fd, b, (size_t)len, &full, &deadline); /* on to EOF: the length */
        if (len < 0)
            return (int)len;
        if (rc)
            return rc;
        size_t want = (size_t)len + (size_t)len / 4 + 2;
        resize(b, want < max + 1 ? want : max + 1);
    }
}

/* A buffer left far larger than what it holds gives the memory back. */
static void trim(struct km_buf *b, int rc)
{
    size_t keep = rc == 0 ? b->len + b->len / 4 + 2 : 0;
    if (keep < KM_READ_MIN)
        keep = KM_READ_MIN;
    if (b->cap > ((size_t)1 << 20) && b->cap > 2 * keep) {
        resize(b, keep);
        if (rc == 0)
            b->data[b->len] = '\0';
    }
    if (rc) {
        b->len = 0;
        if (b->data)
            b->data[0] = '\0';
    }
}

static int read_path(const char *path, struct km_buf *b, size_t max, bool tee)
{
    struct stat st;
    if (max > KM_READ_CAP_BIG)
        max = KM_READ_CAP_BIG;
    if (mem)
        return mem_read(path, b, max, tee);
    int fd = open_kernel(path, 0, S_IFREG, &st);
    if (fd < 0)
        return fd;
    int rc = read_fd(fd, b, max);
    close(fd);
    trim(b, rc);
    if (rc == 0 && tee)
        km_capture_put(path, b->data, b->len, st.st_mode & 07777);
    return rc;
}

int km_read_file(const char *path, struct km_buf *b)
{
    return read_path(path, b, KM_READ_CAP, true);
}

int km_read_file_max(const char *path, struct km_buf *b, size_t max)
{
    return read_path(path, b, max, true);
}

int km_read_file_quiet(const char *path, struct km_buf *b)
{
    return read_path(path, b, KM_READ_CAP, false);
}

/*
 * Pieces of KM_READ_PIECE bytes, each handed on up to its last newline; the partial line after it
 * is moved to the front and the next read goes on behind it. Only a line longer than the
 * buffer grows it (doubling, within max). The file is generated once, however large.
 */
static int stream_fd(int fd, struct km_buf *b, size_t max, km_read_piece_fn fn, void *ctx,
                     size_t *total)
{
    double deadline = 0;
    size_t have = 0, off = 0; /* bytes in b (a partial line), the file's offset */
    if (b->cap < KM_READ_PIECE + 1)
        resize(b, KM_READ_PIECE + 1);
    for (;;) {
        if (have + 1 >= b->cap) { /* one line fills the buffer */
            int rc = grow(b, max);
            if (rc)
                return rc;
        }
        ssize_t r = pread(fd, b->data + have, b->cap - 1 - have, (off_t)off);
        if (deadline == 0)
            deadline = mono_now() + KM_READ_TIMEOUT;
        else if (mono_now() > deadline)
            return KM_ESLOW;
        if (r < 0 && errno == EINTR && !km_capture_interrupted())
            continue;
        if (r < 0)
            return errno == EAGAIN || errno == ESPIPE ? KM_ENOTREG : -errno;
        if (r == 0) {
            b->data[have] = '\0';
            if (have)
                fn(ctx, b->data, have);
            *total = off;
            return 0;
        }
        off += (size_t)r;
        if (off > max)
            return KM_ETOOBIG;
        size_t was = have; /* the partial line before it has no newline */
        have += (size_t)r;
        b->data[have] = '\0';
        size_t done = have;
        while (done > was && b->data[done - 1] != '\n')
            done--;
        if (done == was)
            continue;
        fn(ctx, b->data, done);
        memmove(b->data, b->data + done, have - done);
        have -= done;
    }
}

int km_read_stream(const char *path, struct km_buf *b, size_t max, km_read_piece_fn fn, void *ctx,
                   size_t *total)
{
    struct stat st;
    *total = 0;
    if (max > KM_READ_CAP_BIG)
        max = KM_READ_CAP_BIG;
    if (mem || km_capture_active()) {
        /* an in-memory tree is whole already; a capture needs the whole file to keep */
        int rc = read_path(path, b, max, true);
        if (rc == 0) {
            *total = b->len;
            fn(ctx, b->data, b->len);
        }
        return rc;
    }
    int fd = open_kernel(path, 0, S_IFREG, &st);
    if (fd < 0)
        return fd;
    int rc = stream_fd(fd, b, max, fn, ctx, total);
    close(fd);
    trim(b, rc);
    return rc;
}

int km_read_filef(struct km_buf *b, const char *fmt, ...)
{
    char path[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(path))
        return -ENAMETOOLONG;
    return km_read_file(path, b);
}

/* What ends a sysfs value: its newline, a CR from a tree written on Windows, NULs, blanks. */
static bool is_trailer(char c)
{
    return c == '\n' || c == '\r' || c == '\0' || c == ' ' || c == '\t';
}

int km_read_line(const char *path, char *dst, size_t dstsz)
{
    char tmp[4096];
    struct stat st;
    if (mem) {
        const struct mem_ent *e;
        unsigned mode;
        int rc = mem_file(path, &e);
        if (rc)
            return rc;
        size_t n = mem_line(e, tmp, sizeof(tmp), &mode);
        km_capture_put(path, tmp, n, mode);
        while (n > 0 && is_trailer(tmp[n - 1]))
            n--;
        km_copy(dst, dstsz, tmp, n);
        return 0;
    }
    int fd = open_kernel(path, 0, S_IFREG, &st);
    if (fd < 0)
        return fd;
    ssize_t r;
    do
        r = read(fd, tmp, sizeof(tmp) - 1);
    while (r < 0 && errno == EINTR && !km_capture_interrupted());
    int err = r < 0 ? (errno == EAGAIN || errno == ESPIPE ? KM_ENOTREG : -errno) : 0;
    close(fd);
    if (err)
        return err;
    km_capture_put(path, tmp, (size_t)r, st.st_mode & 07777);
    size_t n = (size_t)r;
    while (n > 0 && is_trailer(tmp[n - 1]))
        n--;
    km_copy(dst, dstsz, tmp, n);
    return 0;
}

int km_read_i64(const char *path, int64_t *out)
{
    char v[64];
    int rc = km_read_line(path, v, sizeof(v));
    if (rc)
        return rc;
    return km_parse_i64(v, strlen(v), out);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- an in-memory tree (see read.h) ----------------------------------------- */

struct mem_ent {
    const char *path;
    const char *data; /* a link's target when link */
    size_t len, seq;
    unsigned mode;
    bool link;
};

struct km_memtree {
    struct mem_ent *v;
    size_t n, cap, seq;
};

struct km_memtree *km_memtree_new(void)
{
    return xcalloc(1, sizeof(struct km_memtree));
}

void km_memtree_clear(struct km_memtree *m)
{
    m->n = 0;
    m->seq = 0;
}

static void mem_add(struct km_memtree *m, const char *path, const char *data, size_t len,
                    unsigned mode, bool link)
{
    if (m->n >= KM_MEMTREE_MAX)
        return;
    xgrow((void **)&m->v, &m->cap, m->n + 1, sizeof(*m->v));
    m->v[m->n++] = (struct mem_ent){path, data, len, m->seq++, mode, link};
}

void km_memtree_put(struct km_memtree *m, const char *path, const char *data, size_t len,
                    unsigned mode)
{
    mem_add(m, path, data, len, mode, false);
}

void km_memtree_link(struct km_memtree *m, const char *path, const char *target)
{
    mem_add(m, path, target, strlen(target), 0777, true);
}

size_t km_memtree_count(const struct km_memtree *m)
{
    return m->n;
}

void km_memtree_free(struct km_memtree *m)
{
    if (!m)
        return;
    if (mem == m)
        mem = NULL;
    free(m->v);
    free(m);
}

static int cmp_ent(const void *a, const void *b)
{
    const struct mem_ent *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorted by path, each path once (its last put: a file read twice in a tick, as the tree keeps it). */
static void mem_seal(struct km_memtree *m)
{
    if (m->n > 1)
        qsort(m->v, m->n, sizeof(*m->v), cmp_ent);
    size_t k = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (k > 0 && strcmp(m->v[k - 1].path, m->v[i].path) == 0)
            k--;
        m->v[k++] = m->v[i];
    }
    m->n = k;
}

void km_read_set_mem(struct km_memtree *m)
{
    km_read_set_tree(-1, -1);
    if (m)
        mem_seal(m);
    mem = m;
    in_tree = m != NULL;
}

/* The first entry whose path is not below key. */
static size_t mem_lower(const char *key)
{
    size_t lo = 0, hi = mem->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(mem->v[mid].path, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const struct mem_ent *mem_find(const char *path)
{
    size_t i = mem_lower(path);
    return i < mem->n && strcmp(mem->v[i].path, path) == 0 ? &mem->v[i] : NULL;
}

/* A directory: some path lies beneath it (a tree has no empty directory). */
static bool mem_is_dir(const char *dir)
{
    char pre[PATH_MAX + 1];
    int n = snprintf(pre, sizeof(pre), "%s/", dir);
    if (n < 0 || (size_t)n >= sizeof(pre))
        return false;
    size_t i = mem_lower(pre);
    return i < mem->n && strncmp(mem->v[i].path, pre, (size_t)n) == 0;
}

/*
 * Resolves a kernel path in the tree as the walk of a directory tree would:
 * relative links spliced in (at most KM_MAX_LINKS), an absolute one or ".."
 * above /proc or /sys leaves it (KM_ELEAVES). 0 with *e the file, or with
 * *e NULL and dir (PATH_MAX) the directory's own path.
 */
static int mem_resolve(const char *path, const struct mem_ent **e, char *dir)
{
    const char *rel;
    *e = NULL;
    int root = route(path, &rel);
    if (root == KM_ELEAVES)
        return root;
    /* stored as asked (a file recorded through a link's path, as the tree's writer put it) */
    if ((*e = mem_find(path)) != NULL && !(*e)->link)
        return 0;
    *e = NULL;
    char work[2 * PATH_MAX], comp[NAME_MAX + 1], cand[PATH_MAX];
    size_t rootlen = path[1] == 'p' ? 5 : 4, links = 0;
    memcpy(dir, path, rootlen);
    dir[rootlen] = '\0';
    snprintf(work, sizeof(work), "%s", strcmp(rel, ".") == 0 ? "" : rel);
    const char *p = work;
    while (next_comp(&p, comp, sizeof(comp))) {
        bool last = *p == '\0';
        if (strcmp(comp, ".") == 0)
            continue;
        if (strcmp(comp, "..") == 0) {
            if (strlen(dir) <= rootlen)
                return KM_ELEAVES;
            *strrchr(dir, '/') = '\0';
            continue;
        }
        if ((size_t)snprintf(cand, sizeof(cand), "%s/%s", dir, comp) >= sizeof(cand))
            return -ENAMETOOLONG;
        const struct mem_ent *x = mem_find(cand);
        if (x && x->link) {
            if (++links > KM_MAX_LINKS)
                return -ELOOP;
            if (x->data[0] == '/')
                return KM_ELEAVES;
            char rest[2 * PATH_MAX];
            snprintf(rest, sizeof(rest), "%s", p);
            if ((size_t)snprintf(work, sizeof(work), "%s/%s", x->data, rest) >= sizeof(work))
                return -ENAMETOOLONG;
            p = work;
            continue;
        }
        if (x) {
            if (!last)
                return -ENOTDIR;
            *e = x;
            return 0;
        }
        if (!mem_is_dir(cand))
            return -ENOENT;
        snprintf(dir, PATH_MAX, "%s", cand);
    }
    return mem_is_dir(dir) ? 0 : -ENOENT;
}

/* The mode a tree's file has (record.c writes (mode & 0666) | 0400). */
static unsigned mem_mode(const struct mem_ent *e)
{
    return (e->mode & 0666) | 0400;
}

/* A regular file of the in-memory tree: 0 and *e, or the error its tree would give. */
static int mem_file(const char *path, const struct mem_ent **e)
{
    char dir[PATH_MAX];
    if (km_capture_interrupted())
        return -EINTR;
    int rc = mem_resolve(path, e, dir);
    return rc ? rc : *e ? 0 : KM_ENOTREG;
}

static int mem_read(const char *path, struct km_buf *b, size_t max, bool tee)
{
    const struct mem_ent *e;
    int rc = mem_file(path, &e);
    if (rc)
        return rc;
    /* as read_fd: too big when it fills the buffer (at least KM_READ_MIN) and max bytes */
    size_t c = b->cap < KM_READ_MIN ? KM_READ_MIN : b->cap;
    if (e->len + 1 >= c && (c >= max + 1 || e->len >= max)) {
        rc = KM_ETOOBIG;
    } else {
        if (b->cap < e->len + 1 || b->cap < KM_READ_MIN)
            resize(b, e->len + 1 > KM_READ_MIN ? e->len + 1 : KM_READ_MIN);
        if (e->len)
            memcpy(b->data, e->data, e->len);
        b->len = e->len;
        b->data[b->len] = '\0';
    }
    trim(b, rc);
    if (rc == 0 && tee)
        km_capture_put(path, b->data, b->len, mem_mode(e));
    return rc;
}

/* The names in a directory of the in-memory tree: as list_dir. */
static int mem_list(const char *path, bool dirs_only, char ***names, char ***targets)
{
    const struct mem_ent *e;
    char dir[PATH_MAX], pre[PATH_MAX + 1];
    if (km_capture_interrupted())
        return -EINTR;
    int rc = mem_resolve(path, &e, dir);
    if (rc)
        return rc;
    if (e)
        return -ENOTDIR;
    size_t plen = (size_t)snprintf(pre, sizeof(pre), "%s/", dir), n = 0, cap = 0;
    char **v = NULL;
    for (size_t i = mem_lower(pre); i < mem->n && strncmp(mem->v[i].path, pre, plen) == 0; i++) {
        const char *name = mem->v[i].path + plen;
        size_t len = strcspn(name, "/");
        bool deeper = name[len] == '/';
        if (len == 0)
            continue;
        if (dirs_only) {
            if (!deeper)
                continue;
            char sub[PATH_MAX];
            snprintf(sub, sizeof(sub), "%.*s%.*s", (int)plen, pre, (int)len, name);
            const struct mem_ent *x = mem_find(sub);
            if (x && x->link)
                continue; /* a link to a directory is not one */
        }
        if (n > 0 && strlen(v[n - 1]) == len && strncmp(v[n - 1], name, len) == 0)
            continue;
        xgrow((void **)&v, &cap, n + 1, sizeof(*v));
        v[n++] = xstrndup(name, len);
    }
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_str);
    size_t k = 0; /* a/x and a-b/y sort a-b first: a name may come twice */
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && strcmp(v[k - 1], v[i]) == 0) {
            free(v[i]);
            continue;
        }
        v[k++] = v[i];
    }
    n = k;
    if (n > KM_READ_DIR_MAX) {
        km_strv_free(v, n);
        return KM_ETOOMANY;
    }
    if (targets) {
        char **t = xcalloc(n ? n : 1, sizeof(*t));
        for (size_t i = 0; i < n; i++) {
            char sub[PATH_MAX], p[4096];
            snprintf(sub, sizeof(sub), "%s%s", pre, v[i]);
            const struct mem_ent *x = mem_find(sub);
            if (!x || !x->link)
                continue;
            t[i] = xstrdup(x->data);
            snprintf(p, sizeof(p), "%s/%s", path, v[i]);
            km_capture_symlink(p, t[i]);
        }
        *targets = t;
    }
    *names = v;
    return (int)n;
}

/* What km_read_line's one read() of the tree's file gives: at most tmpsz - 1 bytes. */
static size_t mem_line(const struct mem_ent *e, char *tmp, size_t tmpsz, unsigned *mode)
{
    size_t n = e->len < tmpsz - 1 ? e->len : tmpsz - 1;
    if (n)
        memcpy(tmp, e->data, n);
    *mode = mem_mode(e);
    return n;
}

/* Each entry's link target (NULL when it is not a link), captured as a link. */
static char **link_targets(int dfd, const char *path, char *const *v, size_t n)
{
    char **t = xcalloc(n ? n : 1, sizeof(*t));
    for (size_t i = 0; i < n; i++) {
        char p[4096], buf[4096];
        ssize_t r = readlinkat(dfd, v[i], buf, sizeof(buf) - 1);
        if (r < 0)
            continue;
        buf[r] = '\0';
        t[i] = xstrdup(buf);
        snprintf(p, sizeof(p), "%s/%s", path, v[i]);
        km_capture_symlink(p, t[i]);
    }
    return t;
}

/*
 * The names in the directory path, sorted, at most KM_READ_DIR_MAX entries;
 * dirs_only: only its subdirectories (an entry without d_type is asked with
 * fstatat, never following a link); targets: see km_read_dir.
 */
static int list_dir(const char *path, bool dirs_only, char ***names, char ***targets)
{
    struct stat st;
    if (mem)
        return mem_list(path, dirs_only, names, targets);
    int fd = open_kernel(path, O_DIRECTORY, S_IFDIR, &st);
    if (fd < 0)
        return fd == KM_ENOTREG ? -ENOTDIR : fd;
    DIR *d = fdopendir(fd);
    if (!d) {
        int err = -errno;
        close(fd);
        return err;
    }
    size_t n = 0, cap = 0, seen = 0;
    char **v = NULL;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (++seen > KM_READ_DIR_MAX) {
            closedir(d);
            km_strv_free(v, n);
            return KM_ETOOMANY;
        }
        if (dirs_only) {
            bool dir = e->d_type == DT_DIR;
            struct stat es;
            if (e->d_type == DT_UNKNOWN)
                dir = fstatat(dirfd(d), e->d_name, &es, AT_SYMLINK_NOFOLLOW) == 0 &&
                      S_ISDIR(es.st_mode);
            if (!dir)
                continue;
        }
        xgrow((void **)&v, &cap, n + 1, sizeof(*v));
        v[n++] = xstrdup(e->d_name);
    }
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_str);
    if (targets)
        *targets = link_targets(dirfd(d), path, v, n);
    closedir(d);
    *names = v;
    return (int)n;
}

int km_read_dir(const char *path, char ***names, char ***targets)
{
    return list_dir(path, false, names, targets);
}

int km_read_subdirs(const char *path, char ***names)
{
    return list_dir(path, true, names, NULL);
}

void km_strv_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ---- files staged for libproc2 ---------------------------------------------- */

static struct {
    char path[32];
    int err;
} staged[4];

void km_read_set_staged_error(const char *path, int err)
{
    size_t free_slot = sizeof(staged) / sizeof(staged[0]);
    for (size_t i = 0; i < sizeof(staged) / sizeof(staged[0]); i++) {
        if (strcmp(staged[i].path, path) == 0) {
            staged[i].err = err;
            return;
        }
        if (!staged[i].path[0] && free_slot == sizeof(staged) / sizeof(staged[0]))
            free_slot = i;
    }
    if (free_slot < sizeof(staged) / sizeof(staged[0])) {
        snprintf(staged[free_slot].path, sizeof(staged[0].path), "%s", path);
        staged[free_slot].err = err;
    }
}

int km_read_staged_error(const char *path)
{
    if (!in_tree)
        return 0;
    for (size_t i = 0; i < sizeof(staged) / sizeof(staged[0]); i++)
        if (strcmp(staged[i].path, path) == 0)
            return staged[i].err;
    return 0;
}
