/* record.c - a recording of raw ticks, written and read back. See record.h. */
#include "kmemtop/record.h"
#include "kmemtop/capture.h"
#include "kmemtop/read.h"
#include "kmemtop/root.h"
#include "kmemtop/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#define FILE_MAGIC "KMTREC\0\1"
#define FILE_HDR 8
#define REC_MAGIC "KMR1"
/*
 * A record compressed with the previous record's raw payload as zstd's
 * prefix: a file that changed a little costs what changed. Never a
 * self-contained one (F_RESET); decoded only right after the one before.
 * Recordings of KMR1 records alone (kmemtop before it) read as ever.
 */
#define REC_MAGIC_PREFIX "KMR2"
#define REC_HDR 32
/* Nothing a tick holds comes near: 64 files of KM_READ_CAP_BIG. */
/*
 * A tick's files, decompressed: what one frame reads (vmallocinfo at most
 * KM_READ_CAP_BIG, the rest far smaller); a record claiming more is not one
 * kmemtop wrote, and its size is never allocated.
 */
#define REC_RAW_MAX ((uint64_t)256 << 20)
#define ZSTD_LEVEL 3

/*
 * Entries. A writer numbers the paths of its session as it first meets them
 * (0, 1, ...; a record with F_RESET starts a session: numbers start again and
 * every file comes whole); a path once numbered is named by its number. A
 * file or link as it was last time is E_SAME; a run of them, numbered one
 * after the other (a tick read in the order of the one before), E_RUN.
 */
enum {
    E_FILE_NEW = 1, /* mode, path, bytes: the path gets the next number */
    E_LINK_NEW = 2, /* path, target: the same */
    E_FILE = 3,     /* mode, number, bytes: new content */
    E_LINK = 4,     /* number, target */
    E_SAME = 5,     /* number */
    E_RUN = 6,      /* first number, count */
};
#define F_RESET 1u

/* ---- CRC-32 ------------------------------------------------------------------ */

uint32_t km_crc32(uint32_t crc, const void *data, size_t len)
{
    static uint32_t table[256];
    if (!table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    const unsigned char *p = data;
    crc = ~crc;
    while (len--)
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* ---- little-endian fields ------------------------------------------------------ */

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void buf_add(struct km_buf *b, const void *d, size_t n)
{
    xgrow((void **)&b->data, &b->cap, b->len + n + 1, 1);
    if (n)
        memcpy(b->data + b->len, d, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_u32(struct km_buf *b, uint32_t v)
{
    unsigned char t[4];
    put_u32(t, v);
    buf_add(b, t, 4);
}

/* One entry: kind, mode, path, data. */
/* ---- the last content of each path: a hash table -------------------------------- */

struct last {
    char *path;
    char *data;
    size_t len;
    unsigned mode;
    bool link;
    uint32_t id;
};

struct table {
    struct last **v;
    size_t cap, n; /* cap: a power of two */
    struct last **by_id; /* the session's numbers */
    size_t nid, idcap;
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return h;
}

static struct last *lookup(struct table *t, const char *path, bool add)
{
    if (add && (t->n + 1) * 2 > t->cap) {
        struct table g = *t;
        g.cap = t->cap ? t->cap * 2 : 1024;
        g.v = xcalloc(g.cap, sizeof(*g.v));
        for (size_t i = 0; i < t->cap; i++)
            if (t->v[i]) {
                size_t j = hash(t->v[i]->path) & (g.cap - 1);
                while (g.v[j])
                    j = (j + 1) & (g.cap - 1);
                g.v[j] = t->v[i];
            }
        free(t->v);
        *t = g;
    }
    if (!t->cap)
        return NULL;
    for (size_t j = hash(path) & (t->cap - 1);; j = (j + 1) & (t->cap - 1)) {
        if (!t->v[j]) {
            if (!add)
                return NULL;
            struct last *l = xcalloc(1, sizeof(*l));
            l->path = xstrdup(path);
            l->id = (uint32_t)t->nid;
            xgrow((void **)&t->by_id, &t->idcap, t->nid + 1, sizeof(*t->by_id));
            t->by_id[t->nid++] = l;
            t->v[j] = l;
            t->n++;
            return l;
        }
        if (strcmp(t->v[j]->path, path) == 0)
            return t->v[j];
    }
}

static struct last *by_id(const struct table *t, uint32_t id)
{
    return id < t->nid ? t->by_id[id] : NULL;
}

static void table_free(struct table *t)
{
    for (size_t i = 0; i < t->cap; i++)
        if (t->v[i]) {
            free(t->v[i]->path);
            free(t->v[i]->data);
            free(t->v[i]);
        }
    free(t->v);
    free(t->by_id);
    *t = (struct table){0};
}

static void set_last(struct last *l, const char *data, size_t len)
{
    free(l->data);
    l->data = xmalloc(len + 1);
    if (len)
        memcpy(l->data, data, len);
    l->data[len] = '\0'; /* a link's target is a string */
    l->len = len;
}

/* ---- scanning a file for its whole records ---------------------------------------- */

struct rec {
    uint64_t off; /* of the frame */
    uint32_t zlen, rawlen;
    double wall;
    long page_size;
    int complete; /* known once decoded */
    bool key;     /* self-contained (F_RESET): decoding may start here */
    bool checked; /* its CRC was verified (a scan does; a record known from the index, once decoded) */
    unsigned char hdr[REC_HDR];
};

/*
 * The index, FILE.idx: an 8-byte header ("KMTRIDX" 1), then one 48-byte
 * entry per record: its offset (u64), a copy of its 32-byte frame, flags
 * (u32, IDX_KEY: the record is self-contained) and a CRC-32 of the 44 bytes
 * before. It lets a reader find the records without reading their payloads
 * and a seek start at the self-contained record before the tick asked for.
 * Entries are trusted only as far as they chain (each starts where the one
 * before ends), fit in the recording and the first and last agree with the
 * frames in the recording itself; the records after the last trusted entry
 * are found by a scan, and with no usable index the whole file is scanned.
 */
#define IDX_MAGIC "KMTRIDX\1"
#define IDX_HDR 8
#define IDX_ENT 48
#define IDX_KEY 1u
/* A writer starts a self-contained record (every file whole) every this many ticks. */
#define KEY_EVERY 256

static int pread_all(int fd, void *buf, size_t n, uint64_t off)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = pread(fd, (char *)buf + done, n - done, (off_t)(off + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -errno;
        if (r == 0)
            return -ENODATA;
        done += (size_t)r;
    }
    return 0;
}

static int write_all(int fd, const void *d, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = write(fd, (const char *)d + done, n - done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r < 0 ? -errno : -ENOSPC;
        done += (size_t)r;
    }
    return 0;
}

static uint32_t frame_crc(const unsigned char *hdr, const void *payload, size_t n)
{
    uint32_t c = km_crc32(0, hdr, 12);
    c = km_crc32(c, hdr + 16, REC_HDR - 16);
    return km_crc32(c, payload, n);
}

/*
 * Whether a payload starts a writer's session (F_RESET): its first bytes
 * decompressed (kernel, complete, flags); false when they cannot be.
 */
static bool payload_key(const unsigned char *hdr, const void *z, size_t zlen)
{
    if (!memcmp(hdr, REC_MAGIC_PREFIX, 4))
        return false; /* compressed against the record before: never self-contained */
    ZSTD_DCtx *dc = ZSTD_createDCtx();
    if (!dc)
        return false;
    unsigned char out[4096];
    ZSTD_inBuffer in = {z, zlen, 0};
    ZSTD_outBuffer ob = {out, sizeof(out), 0};
    while (ob.pos < ob.size && in.pos < in.size) {
        size_t r = ZSTD_decompressStream(dc, &ob, &in);
        if (ZSTD_isError(r) || r == 0)
            break;
    }
    ZSTD_freeDCtx(dc);
    if (ob.pos < 4)
        return false;
    uint64_t klen = get_u32(out);
    if (ob.pos < 4 + klen + 8)
        return false;
    return (get_u32(out + 4 + klen + 4) & F_RESET) != 0;
}

static void rec_from_hdr(struct rec *r, uint64_t off, const unsigned char *hdr)
{
    memset(r, 0, sizeof(*r));
    r->off = off;
    memcpy(r->hdr, hdr, REC_HDR);
    r->zlen = get_u32(hdr + 4);
    r->rawlen = get_u32(hdr + 8);
    uint64_t wbits = get_u64(hdr + 16);
    memcpy(&r->wall, &wbits, sizeof(r->wall));
    r->page_size = (long)(int64_t)get_u64(hdr + 24);
}

/* A frame's fields are those a writer makes and its payload ends within size. */
static bool frame_ok(const unsigned char *hdr, uint64_t off, uint64_t size)
{
    if (memcmp(hdr, REC_MAGIC, 4) && memcmp(hdr, REC_MAGIC_PREFIX, 4))
        return false;
    uint32_t zlen = get_u32(hdr + 4), rawlen = get_u32(hdr + 8);
    return zlen > 0 && zlen <= REC_RAW_MAX && rawlen <= REC_RAW_MAX &&
           off + REC_HDR + zlen <= size;
}

/*
 * Appends the whole records of fd found from off on to *recs (*nrec of
 * *cap); *end: where the last ends. A record that is short, has a bad frame
 * or a bad CRC ends the scan: what follows is a torn tail.
 */
static void scan_from(int fd, uint64_t size, uint64_t off, struct rec **recs, size_t *nrec,
                      size_t *cap, uint64_t *end)
{
    unsigned char hdr[REC_HDR];
    char *payload = NULL;
    size_t pcap = 0;
    while (off + REC_HDR <= size) {
        if (pread_all(fd, hdr, REC_HDR, off) || !frame_ok(hdr, off, size))
            break;
        uint32_t zlen = get_u32(hdr + 4);
        xgrow((void **)&payload, &pcap, zlen, 1);
        if (pread_all(fd, payload, zlen, off + REC_HDR) ||
            frame_crc(hdr, payload, zlen) != get_u32(hdr + 12))
            break;
        xgrow((void **)recs, cap, *nrec + 1, sizeof(**recs));
        struct rec *r = &(*recs)[(*nrec)++];
        rec_from_hdr(r, off, hdr);
        r->checked = true;
        r->key = *nrec == 1 || payload_key(hdr, payload, zlen);
        off += REC_HDR + zlen;
    }
    free(payload);
    *end = off;
}

/* path's index file name. */
static void idx_name(char *out, size_t n, const char *path)
{
    snprintf(out, n, "%s.idx", path);
}

static uint32_t idx_crc(const unsigned char *e)
{
    return km_crc32(0, e, IDX_ENT - 4);
}

static void idx_entry(unsigned char *e, const struct rec *r)
{
    put_u64(e, r->off);
    memcpy(e + 8, r->hdr, REC_HDR);
    put_u32(e + 40, r->key ? IDX_KEY : 0);
    put_u32(e + 44, idx_crc(e));
}

/*
 * The records the index of path names, as far as it can be trusted (see
 * above), into *recs; returns how many (0: no usable index).
 */
static size_t load_index(int fd, uint64_t size, const char *path, struct rec **recs,
                         size_t *cap)
{
    char ip[4200];
    idx_name(ip, sizeof(ip), path);
    int xfd = open(ip, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (xfd < 0)
        return 0;
    struct stat st;
    /* no more entries than records the recording could hold */
    uint64_t most = IDX_HDR + (size / (REC_HDR + 1) + 1) * IDX_ENT;
    if (fstat(xfd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size < IDX_HDR) {
        close(xfd);
        return 0;
    }
    uint64_t len = (uint64_t)st.st_size < most ? (uint64_t)st.st_size : most;
    unsigned char *b = xmalloc(len ? len : 1);
    bool good = pread_all(xfd, b, len, 0) == 0 && memcmp(b, IDX_MAGIC, IDX_HDR) == 0;
    close(xfd);
    size_t n = 0;
    uint64_t next = FILE_HDR;
    for (uint64_t p = IDX_HDR; good && p + IDX_ENT <= len; p += IDX_ENT) {
        const unsigned char *e = b + p;
        if (get_u32(e + 44) != idx_crc(e) || get_u64(e) != next || !frame_ok(e + 8, next, size))
            break;
        xgrow((void **)recs, cap, n + 1, sizeof(**recs));
        rec_from_hdr(&(*recs)[n], next, e + 8);
        (*recs)[n].key = n == 0 || (get_u32(e + 40) & IDX_KEY);
        next += REC_HDR + (*recs)[n].zlen;
        n++;
    }
    free(b);
    /* the first and the last entry's frames are those in the recording */
    unsigned char hdr[REC_HDR];
    for (size_t k = 0; k < 2 && n; k++) {
        const struct rec *r = &(*recs)[k ? n - 1 : 0];
        if (pread_all(fd, hdr, REC_HDR, r->off) || memcmp(hdr, r->hdr, REC_HDR))
            n = 0;
    }
    return n;
}

/*
 * The whole records of fd (size bytes) into *recs; *end: where the last ends;
 * *indexed: how many the index gave (the rest were scanned). -EINVAL when
 * the file is not a recording.
 */
static int scan(int fd, uint64_t size, struct rec **recs, size_t *nrec, uint64_t *end,
                size_t *indexed, const char *path, char *msg, size_t msgsz)
{
    unsigned char hdr[FILE_HDR];
    *recs = NULL;
    *nrec = 0;
    *indexed = 0;
    size_t cap = 0;
    if (size < FILE_HDR || pread_all(fd, hdr, FILE_HDR, 0) || memcmp(hdr, FILE_MAGIC, FILE_HDR)) {
        snprintf(msg, msgsz, "%s: not a kmemtop recording (no KMTREC header)", path);
        return -EINVAL;
    }
    size_t n = load_index(fd, size, path, recs, &cap);
    uint64_t off = n ? (*recs)[n - 1].off + REC_HDR + (*recs)[n - 1].zlen : FILE_HDR;
    if (n) { /* the last indexed record whole: a torn one is found by the scan */
        struct rec *r = &(*recs)[n - 1];
        char *z = xmalloc(r->zlen);
        if (pread_all(fd, z, r->zlen, r->off + REC_HDR) == 0 &&
            frame_crc(r->hdr, z, r->zlen) == get_u32(r->hdr + 12))
            r->checked = true;
        else
            off = r->off, n--;
        free(z);
    }
    *nrec = *indexed = n;
    scan_from(fd, size, off, recs, nrec, &cap, end);
    return 0;
}

/* Opens path without following a link; a link, or anything but a regular file, is refused. */
static int open_file(const char *path, int flags, bool *made, char *msg, size_t msgsz)
{
    flags |= O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
    int fd = -1;
    *made = false;
    if (flags & O_CREAT) {
        fd = open(path, flags | O_EXCL, 0600);
        if (fd >= 0)
            *made = true;
        else if (errno == EEXIST)
            fd = open(path, flags & ~O_CREAT);
    } else
        fd = open(path, flags);
    if (fd < 0) {
        int e = errno;
        if (e == ELOOP)
            snprintf(msg, msgsz, "%s: is a symbolic link (refused: a recording is never written "
                     "or read through a link)", path);
        else
            snprintf(msg, msgsz, "%s: %s", path, strerror(e));
        return -e;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(msg, msgsz, "%s: not a regular file", path);
        close(fd);
        return -EINVAL;
    }
    if (*made && fchmod(fd, 0600) < 0) {
        int e = errno;
        snprintf(msg, msgsz, "%s: %s", path, strerror(e));
        close(fd);
        return -e;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

/* ---- writing ---------------------------------------------------------------------- */

struct km_rec_writer {
    int fd;
    int xfd; /* the index, -1 when it cannot be written */
    char path[4096];
    size_t ticks;
    struct rec *recs; /* every record of the file */
    size_t reccap;
    uint64_t end;     /* where the next record goes */
    size_t since_key; /* records since the last self-contained one */
    double keep;      /* --keep seconds, 0: all */
    size_t dropped;   /* ticks dropped by keep and max_size */
    uint64_t max_size; /* --max-size bytes, 0: any */
    bool reset; /* the next record starts a session */
    struct km_buf prev; /* the last record's raw payload: the next one's zstd prefix */
    ZSTD_CCtx *cc;
    struct table last;
    struct km_buf tick; /* the entries of the tick being read */
    size_t entries;
    uint32_t run_first, run_len; /* E_SAME entries not written yet */
    struct km_capture_sink sink;
};

static void put_byte(struct km_buf *b, int v)
{
    unsigned char c = (unsigned char)v;
    buf_add(b, &c, 1);
}

static void flush_run(struct km_rec_writer *w)
{
    if (w->run_len == 1) {
        put_byte(&w->tick, E_SAME);
        buf_u32(&w->tick, w->run_first);
    } else if (w->run_len > 1) {
        put_byte(&w->tick, E_RUN);
        buf_u32(&w->tick, w->run_first);
        buf_u32(&w->tick, w->run_len);
    }
    w->entries += w->run_len > 0;
    w->run_len = 0;
}

/* One file or link read this tick. */
static void sink_entry(struct km_rec_writer *w, const char *path, const char *data, size_t len,
                       unsigned mode, bool link)
{
    size_t had = w->last.nid;
    struct last *l = lookup(&w->last, path, true);
    bool fresh = w->last.nid > had;
    if (!fresh && l->link == link && l->mode == mode && l->len == len &&
        memcmp(l->data, data, len) == 0) {
        if (w->run_len && w->run_first + w->run_len == l->id) {
            w->run_len++;
            return;
        }
        flush_run(w);
        w->run_first = l->id;
        w->run_len = 1;
        return;
    }
    flush_run(w);
    put_byte(&w->tick, fresh ? (link ? E_LINK_NEW : E_FILE_NEW) : (link ? E_LINK : E_FILE));
    if (!link)
        buf_u32(&w->tick, mode);
    if (fresh) {
        buf_u32(&w->tick, (uint32_t)strlen(path));
        buf_add(&w->tick, path, strlen(path));
    } else
        buf_u32(&w->tick, l->id);
    buf_u32(&w->tick, (uint32_t)len);
    buf_add(&w->tick, data, len);
    set_last(l, data, len);
    l->mode = mode;
    l->link = link;
    w->entries++;
}

static void sink_put(void *arg, const char *path, const char *data, size_t len, mode_t mode)
{
    sink_entry(arg, path, data, len, mode & 07777, false);
}

static void sink_link(void *arg, const char *path, const char *target)
{
    sink_entry(arg, path, target, strlen(target), 0777, true);
}

/* Writes the whole index of w's records into a new file renamed over FILE.idx. */
static int idx_rewrite(struct km_rec_writer *w)
{
    char ip[4200], tmp[4300];
    idx_name(ip, sizeof(ip), w->path);
    snprintf(tmp, sizeof(tmp), "%s.new", ip);
    unlink(tmp);
    int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    struct km_buf b = {0};
    buf_add(&b, IDX_MAGIC, IDX_HDR);
    for (size_t i = 0; i < w->ticks; i++) {
        unsigned char e[IDX_ENT];
        idx_entry(e, &w->recs[i]);
        buf_add(&b, e, IDX_ENT);
    }
    int rc = write_all(fd, b.data, b.len);
    km_buf_free(&b);
    if (rc == 0 && rename(tmp, ip) < 0)
        rc = -errno;
    if (rc) {
        close(fd);
        unlink(tmp);
        return rc;
    }
    if (w->xfd >= 0)
        close(w->xfd);
    w->xfd = fd;
    return lseek(fd, 0, SEEK_END) < 0 ? -errno : 0;
}

int km_rec_open_write(const char *path, struct km_rec_writer **out, uint64_t *torn, char *msg,
                      size_t msgsz)
{
    bool made;
    *out = NULL;
    *torn = 0;
    int fd = -1;
    for (int tries = 0; fd < 0 && tries < 5; tries++) {
        fd = open_file(path, O_RDWR | O_CREAT, &made, msg, msgsz);
        if (fd < 0)
            return fd;
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
            int e = errno;
            if (e == EWOULDBLOCK)
                snprintf(msg, msgsz, "%s: another kmemtop is recording into it (locked)", path);
            else
                snprintf(msg, msgsz, "%s: cannot lock: %s", path, strerror(e));
            close(fd);
            return -e;
        }
        /* a writer dropping old ticks renames a new file over path: lock that one instead */
        struct stat a, b;
        if (fstat(fd, &a) == 0 && lstat(path, &b) == 0 &&
            (a.st_ino != b.st_ino || a.st_dev != b.st_dev)) {
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0) {
        snprintf(msg, msgsz, "%s: replaced again and again while being opened", path);
        return -EAGAIN;
    }
    struct stat st;
    fstat(fd, &st);
    struct rec *recs = NULL;
    size_t n = 0, indexed = 0;
    uint64_t end = 0;
    int rc = 0;
    if (st.st_size == 0) {
        rc = pwrite(fd, FILE_MAGIC, FILE_HDR, 0) == FILE_HDR ? 0 : -(errno ? errno : ENOSPC);
        end = FILE_HDR;
        if (rc)
            snprintf(msg, msgsz, "%s: %s", path, strerror(-rc));
    } else {
        rc = scan(fd, (uint64_t)st.st_size, &recs, &n, &end, &indexed, path, msg, msgsz);
        if (rc == 0 && end < (uint64_t)st.st_size) {
            *torn = (uint64_t)st.st_size - end;
            if (ftruncate(fd, (off_t)end) < 0) {
                rc = -errno;
                snprintf(msg, msgsz, "%s: cannot cut off its torn tail: %s", path, strerror(-rc));
            }
        }
    }
    if (rc == 0 && lseek(fd, (off_t)end, SEEK_SET) < 0)
        rc = -errno;
    if (rc) {
        free(recs);
        close(fd);
        return rc;
    }
    struct km_rec_writer *w = xcalloc(1, sizeof(*w));
    w->fd = fd;
    w->xfd = -1;
    w->reset = true;
    w->ticks = n;
    w->recs = recs;
    w->reccap = n;
    w->end = end;
    snprintf(w->path, sizeof(w->path), "%s", path);
    w->sink = (struct km_capture_sink){.put = sink_put, .symlink = sink_link, .arg = w};
    /* the index as the file is now; without one (cannot be written) replay scans */
    if (idx_rewrite(w) < 0)
        w->xfd = -1;
    *out = w;
    return 0;
}

void km_rec_set_limits(struct km_rec_writer *w, double keep, uint64_t max_size)
{
    w->keep = keep;
    w->max_size = max_size;
}

void km_rec_begin(struct km_rec_writer *w)
{
    if (w->since_key >= KEY_EVERY) { /* a self-contained record: a seek may start here */
        table_free(&w->last);
        w->reset = true;
    }
    w->tick.len = 0;
    w->entries = 0;
    w->run_len = 0;
    km_capture_set_sink(&w->sink);
}

void km_rec_abort(struct km_rec_writer *w)
{
    km_capture_set_sink(NULL);
    w->tick.len = 0;
    w->run_len = 0;
    /* what the tick stored as "last" was never written: a new session, everything whole */
    table_free(&w->last);
    w->reset = true;
}

/*
 * --keep and --max-size: the oldest ticks dropped, up to a self-contained
 * record (the first tick kept needs none before it). The ticks kept are
 * copied into a new file in the same directory, locked, then renamed over
 * the recording (a crash leaves the old file or the new, both whole); the
 * index is written again. Dropped: as many as leave at least keep seconds
 * (the last tick's time against the first kept's) and at most max_size bytes.
 */
static int drop_old(struct km_rec_writer *w, char *msg, size_t msgsz)
{
    if ((w->keep <= 0 && w->max_size == 0) || w->ticks < 2)
        return 0;
    double last = w->recs[w->ticks - 1].wall;
    size_t k = 0;
    for (size_t i = 1; i < w->ticks; i++) {
        if (!w->recs[i].key)
            continue;
        bool time_ok = w->keep <= 0 || (last > 0 && w->recs[i].wall > 0 && last - w->recs[i].wall >= w->keep);
        bool size_over = w->max_size && w->end - (w->recs[k].off - FILE_HDR) > w->max_size;
        if (time_ok && w->keep > 0)
            k = i; /* still keep seconds after it: what is before may go */
        else if (size_over)
            k = i;
        else
            break;
    }
    if (k == 0)
        return 0;
    char tmp[4300];
    snprintf(tmp, sizeof(tmp), "%s.new", w->path);
    unlink(tmp);
    int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    int rc = fd < 0 ? -errno : 0;
    if (rc == 0 && flock(fd, LOCK_EX | LOCK_NB) < 0)
        rc = -errno;
    if (rc == 0)
        rc = write_all(fd, FILE_MAGIC, FILE_HDR);
    uint64_t from = w->recs[k].off, len = w->end - from;
    char *buf = xmalloc(1 << 20);
    for (uint64_t done = 0; rc == 0 && done < len;) {
        size_t n = len - done < (1 << 20) ? (size_t)(len - done) : (1 << 20);
        rc = pread_all(w->fd, buf, n, from + done);
        if (rc == 0)
            rc = write_all(fd, buf, n);
        done += n;
    }
    free(buf);
    if (rc == 0 && fdatasync(fd) < 0 && errno != EINVAL)
        rc = -errno;
    if (rc == 0 && rename(tmp, w->path) < 0)
        rc = -errno;
    if (rc) {
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        snprintf(msg, msgsz, "%s: cannot drop its oldest ticks: %s", w->path, strerror(-rc));
        return rc;
    }
    close(w->fd); /* the old file's lock goes with it; the new one is locked already */
    w->fd = fd;
    uint64_t shift = from - FILE_HDR;
    memmove(w->recs, w->recs + k, (w->ticks - k) * sizeof(*w->recs));
    w->ticks -= k;
    for (size_t i = 0; i < w->ticks; i++)
        w->recs[i].off -= shift;
    w->end -= shift;
    w->dropped += k;
    if (idx_rewrite(w) < 0 && w->xfd >= 0) {
        close(w->xfd);
        w->xfd = -1;
    }
    return 0;
}

/*
 * raw compressed into dst (cap bytes), against prev (zstd's prefix: what
 * the reader has decoded just before) unless NULL; with cc NULL, alone.
 */
static size_t compress_rec(ZSTD_CCtx *cc, void *dst, size_t cap, const struct km_buf *raw,
                           const struct km_buf *prev)
{
    if (!cc)
        return ZSTD_compress(dst, cap, raw->data, raw->len, ZSTD_LEVEL);
    size_t z = ZSTD_CCtx_reset(cc, ZSTD_reset_session_and_parameters);
    if (!ZSTD_isError(z))
        z = ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, ZSTD_LEVEL);
    if (!ZSTD_isError(z) && prev)
        z = ZSTD_CCtx_refPrefix(cc, prev->data, prev->len);
    if (!ZSTD_isError(z))
        z = ZSTD_compress2(cc, dst, cap, raw->data, raw->len);
    return z;
}

int km_rec_commit(struct km_rec_writer *w, const struct km_rec_tick *t, size_t *bytes, char *msg,
                  size_t msgsz)
{
    km_capture_set_sink(NULL);
    double wall = t->wall;
    long page_size = t->page_size;
    /* the payload: kernel, complete, entry count, the entries */
    struct km_buf raw = {0};
    const char *k = t->kernel ? t->kernel : "";
    buf_u32(&raw, (uint32_t)strlen(k));
    buf_add(&raw, k, strlen(k));
    buf_u32(&raw, (uint32_t)(int32_t)t->complete);
    flush_run(w);
    buf_u32(&raw, w->reset ? F_RESET : 0);
    buf_u32(&raw, (uint32_t)w->entries);
    buf_add(&raw, w->tick.data, w->tick.len);
    w->tick.len = 0;
    size_t zcap = ZSTD_compressBound(raw.len);
    unsigned char *rec = xmalloc(REC_HDR + zcap);
    if (!w->cc)
        w->cc = ZSTD_createCCtx(); /* none: every record alone, as before */
    bool prefix = w->cc && !w->reset && w->prev.len > 0;
    size_t z = compress_rec(w->cc, rec + REC_HDR, zcap, &raw, prefix ? &w->prev : NULL);
    int rc = 0;
    if (ZSTD_isError(z) || raw.len > REC_RAW_MAX || z > REC_RAW_MAX) {
        snprintf(msg, msgsz, "%s: cannot compress the tick: %s", w->path,
                 ZSTD_isError(z) ? ZSTD_getErrorName(z) : "too large");
        rc = -EIO;
    } else {
        memcpy(rec, prefix ? REC_MAGIC_PREFIX : REC_MAGIC, 4);
        put_u32(rec + 4, (uint32_t)z);
        put_u32(rec + 8, (uint32_t)raw.len);
        uint64_t wbits;
        memcpy(&wbits, &wall, sizeof(wbits));
        put_u64(rec + 16, wbits);
        put_u64(rec + 24, (uint64_t)(int64_t)page_size);
        put_u32(rec + 12, frame_crc(rec, rec + REC_HDR, z));
        rc = write_all(w->fd, rec, REC_HDR + z);
        if (rc == 0 && fdatasync(w->fd) < 0 && errno != EINVAL)
            rc = -errno;
        if (rc) {
            snprintf(msg, msgsz, "%s: cannot write the tick: %s", w->path, strerror(-rc));
            /* a part written is a torn tail: cut off, so that the next record follows a whole one */
            if (ftruncate(w->fd, (off_t)w->end) == 0)
                lseek(w->fd, (off_t)w->end, SEEK_SET);
        }
    }
    if (rc) {
        table_free(&w->last); /* not written: the next record starts again */
        w->reset = true;
        w->prev.len = 0;
    } else {
        struct km_buf old = w->prev; /* this payload: the next record's prefix */
        w->prev = raw;
        raw = old;
        xgrow((void **)&w->recs, &w->reccap, w->ticks + 1, sizeof(*w->recs));
        struct rec *r = &w->recs[w->ticks];
        rec_from_hdr(r, w->end, rec);
        r->key = w->reset;
        r->checked = true;
        w->since_key = w->reset ? 1 : w->since_key + 1;
        w->end += REC_HDR + z;
        w->reset = false;
        w->ticks++;
        if (bytes)
            *bytes = REC_HDR + z;
        if (w->xfd >= 0) { /* after the record is on disk: an entry never names a torn one */
            unsigned char e[IDX_ENT];
            idx_entry(e, r);
            if (write_all(w->xfd, e, IDX_ENT) < 0) {
                close(w->xfd);
                w->xfd = -1; /* replay scans what the index does not name */
            }
        }
        rc = drop_old(w, msg, msgsz);
    }
    free(rec);
    km_buf_free(&raw);
    return rc;
}

size_t km_rec_writer_ticks(const struct km_rec_writer *w)
{
    return w->ticks;
}

void km_rec_close_write(struct km_rec_writer *w)
{
    if (!w)
        return;
    km_capture_set_sink(NULL);
    close(w->fd);
    if (w->xfd >= 0)
        close(w->xfd);
    free(w->recs);
    table_free(&w->last);
    km_buf_free(&w->tick);
    km_buf_free(&w->prev);
    ZSTD_freeCCtx(w->cc);
    free(w);
}

/* ---- reading ------------------------------------------------------------------------ */

struct km_rec_reader {
    int fd;
    char path[4096];
    struct rec *recs;
    size_t n;
    size_t next; /* the tick decoded next: those before it are in last */
    struct table last;
    size_t indexed; /* records the index named */
    size_t decoded; /* ticks the last km_rec_load decoded before its own */
    char *prev;       /* the raw payload of record prev_i: a KMR2 record's prefix */
    size_t prev_len, prev_i; /* prev_i SIZE_MAX: none */
    ZSTD_DCtx *dc;
    uint32_t *ids; /* the entries of the tick decoded into a km_memtree */
    size_t idcap;
};

int km_rec_open_read(const char *path, struct km_rec_reader **out, uint64_t *torn, char *msg,
                     size_t msgsz)
{
    bool made;
    *out = NULL;
    *torn = 0;
    int fd = open_file(path, O_RDONLY, &made, msg, msgsz);
    if (fd < 0)
        return fd;
    struct stat st;
    fstat(fd, &st);
    struct km_rec_reader *r = xcalloc(1, sizeof(*r));
    r->prev_i = SIZE_MAX;
    uint64_t end = 0;
    int rc = scan(fd, (uint64_t)st.st_size, &r->recs, &r->n, &end, &r->indexed, path, msg, msgsz);
    if (rc) {
        close(fd);
        free(r->recs);
        free(r);
        return rc;
    }
    *torn = (uint64_t)st.st_size - end;
    r->fd = fd;
    snprintf(r->path, sizeof(r->path), "%s", path);
    *out = r;
    return 0;
}

size_t km_rec_decoded(const struct km_rec_reader *r)
{
    return r->decoded;
}

size_t km_rec_indexed(const struct km_rec_reader *r)
{
    return r->indexed;
}

size_t km_rec_ticks(const struct km_rec_reader *r)
{
    return r->n;
}

double km_rec_wall(const struct km_rec_reader *r, size_t i)
{
    return i < r->n ? r->recs[i].wall : 0;
}

long km_rec_page_size(const struct km_rec_reader *r, size_t i)
{
    return i < r->n ? r->recs[i].page_size : 0;
}

int km_rec_complete(const struct km_rec_reader *r, size_t i)
{
    return i < r->n ? r->recs[i].complete : 0;
}

/* A path a tree may hold: /proc/... or /sys/..., no empty, "." or ".." component. */
static bool tree_path(const char *p)
{
    if (strncmp(p, "/proc/", 6) != 0 && strncmp(p, "/sys/", 5) != 0)
        return false;
    for (p++; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        p += n;
        if (*p == '/' && !*++p)
            return false;
    }
    return true;
}

/* A cursor over a decoded payload. */
struct cur {
    const unsigned char *p, *end;
    bool bad;
};

static uint32_t cur_u32(struct cur *c)
{
    if (c->end - c->p < 4) {
        c->bad = true;
        return 0;
    }
    uint32_t v = get_u32(c->p);
    c->p += 4;
    return v;
}

/* n bytes as a pointer into the payload, NULL when short. */
static const char *cur_bytes(struct cur *c, uint32_t n)
{
    if ((size_t)(c->end - c->p) < n) {
        c->bad = true;
        return NULL;
    }
    const char *s = (const char *)c->p;
    c->p += n;
    return s;
}

/*
 * Decodes record i; with m, puts its files and links into m (borrowed from
 * the table last, after the whole record is decoded: a file read twice has
 * its last content by then).
 */
static int decode(struct km_rec_reader *r, size_t i, struct km_memtree *m, char *msg, size_t msgsz)
{
    const struct rec *rc = &r->recs[i];
    char *z = xmalloc(rc->zlen);
    char *raw = xmalloc((size_t)rc->rawlen + 1);
    int err = pread_all(r->fd, z, rc->zlen, rc->off + REC_HDR);
    if (!err && !rc->checked) { /* known from the index: its CRC once, now */
        if (frame_crc(rc->hdr, z, rc->zlen) != get_u32(rc->hdr + 12)) {
            snprintf(msg, msgsz, "%s: tick %zu: its CRC does not match (the file changed after "
                     "it was indexed?)", r->path, i + 1);
            free(z);
            free(raw);
            return -EIO;
        }
        r->recs[i].checked = true;
    }
    bool prefix = !memcmp(rc->hdr, REC_MAGIC_PREFIX, 4);
    if (!err && prefix && (i == 0 || r->prev_i != i - 1)) {
        snprintf(msg, msgsz, "%s: tick %zu: malformed record (compressed against a tick that "
                 "is not before it)", r->path, i + 1);
        free(z);
        free(raw);
        return -EINVAL;
    }
    if (!err && !r->dc && !(r->dc = ZSTD_createDCtx()))
        err = -ENOMEM;
    size_t got = err ? 0 : ZSTD_DCtx_reset(r->dc, ZSTD_reset_session_and_parameters);
    if (!err && !ZSTD_isError(got) && prefix)
        got = ZSTD_DCtx_refPrefix(r->dc, r->prev, r->prev_len);
    if (!err && !ZSTD_isError(got))
        got = ZSTD_decompressDCtx(r->dc, raw, rc->rawlen, z, rc->zlen);
    free(z);
    if (err || ZSTD_isError(got) || got != rc->rawlen) {
        snprintf(msg, msgsz, "%s: tick %zu: cannot decompress: %s", r->path, i + 1,
                 err ? strerror(-err) : ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short");
        free(raw);
        return -EIO;
    }
    free(r->prev); /* this payload: the next record's prefix */
    r->prev = raw;
    r->prev_len = got;
    r->prev_i = i;
    struct cur c = {(unsigned char *)raw, (unsigned char *)raw + got, false};
    uint32_t klen = cur_u32(&c);
    (void)cur_bytes(&c, klen); /* the kernel release (osrelease, read as a file, says it too) */
    int complete = (int)(int32_t)cur_u32(&c);
    uint32_t flags = cur_u32(&c), n = cur_u32(&c);
    if (flags & F_RESET)
        table_free(&r->last); /* a writer's session starts: numbers start again */
    size_t nids = 0;
    for (uint32_t e = 0; e < n && !c.bad; e++) {
        const char *kind = cur_bytes(&c, 1);
        if (!kind)
            break;
        uint32_t first = 0, count = 1;
        struct last *l = NULL;
        if (*kind == E_SAME || *kind == E_RUN) {
            first = cur_u32(&c);
            count = *kind == E_RUN ? cur_u32(&c) : 1;
            if (c.bad || count > r->last.nid || first > r->last.nid - count) {
                c.bad = true;
                break;
            }
        } else {
            bool link = *kind == E_LINK_NEW || *kind == E_LINK;
            uint32_t mode = link ? 0777 : cur_u32(&c);
            if (*kind == E_FILE_NEW || *kind == E_LINK_NEW) {
                uint32_t plen = cur_u32(&c);
                const char *pb = cur_bytes(&c, plen);
                char path[4096];
                if (c.bad || plen >= sizeof(path) || memchr(pb, '\0', plen)) {
                    c.bad = true;
                    break;
                }
                memcpy(path, pb, plen);
                path[plen] = '\0';
                l = lookup(&r->last, path, true);
            } else if (*kind == E_FILE || *kind == E_LINK)
                l = by_id(&r->last, cur_u32(&c));
            uint32_t dlen = cur_u32(&c);
            const char *data = cur_bytes(&c, dlen);
            if (c.bad || !l || (link && memchr(data, '\0', dlen))) {
                c.bad = true;
                break;
            }
            set_last(l, data, dlen);
            l->mode = mode;
            l->link = link;
            first = l->id;
        }
        for (uint32_t k = 0; k < count && m; k++) {
            l = by_id(&r->last, first + k);
            if (!l->data) {
                c.bad = true;
                break;
            }
            if (!tree_path(l->path))
                continue; /* nothing a reader tees: a hostile recording's */
            xgrow((void **)&r->ids, &r->idcap, nids + 1, sizeof(*r->ids));
            r->ids[nids++] = l->id;
        }
    }
    for (size_t k = 0; k < nids && !c.bad; k++) {
        const struct last *l = by_id(&r->last, r->ids[k]);
        if (!l->link)
            km_memtree_put(m, l->path, l->data, l->len, l->mode);
        else if (km_capture_link_ok(l->data))
            km_memtree_link(m, l->path, l->data);
    }
    if (c.bad) {
        snprintf(msg, msgsz, "%s: tick %zu: malformed record", r->path, i + 1);
        return -EINVAL;
    }
    r->recs[i].complete = complete;
    return 0;
}

int km_rec_load(struct km_rec_reader *r, size_t i, struct km_memtree *m, char *msg, size_t msgsz)
{
    km_memtree_clear(m); /* its bytes are the table's, which decoding changes */
    if (i >= r->n) {
        snprintf(msg, msgsz, "%s: no tick %zu", r->path, i + 1);
        return -ENOENT;
    }
    /* from the last self-contained record at or before i, unless the ticks decoded lead there */
    size_t k = i;
    while (k > 0 && !r->recs[k].key)
        k--;
    if (i < r->next || k > r->next) {
        table_free(&r->last);
        r->next = k;
    }
    r->decoded = 0;
    for (; r->next < i; r->next++, r->decoded++) {
        int rc = decode(r, r->next, NULL, msg, msgsz);
        if (rc)
            return rc;
    }
    int rc = decode(r, i, m, msg, msgsz);
    if (rc == 0)
        r->next = i + 1;
    else
        km_memtree_clear(m);
    return rc;
}

void km_rec_close_read(struct km_rec_reader *r)
{
    if (!r)
        return;
    close(r->fd);
    free(r->recs);
    table_free(&r->last);
    free(r->prev);
    free(r->ids);
    ZSTD_freeDCtx(r->dc);
    free(r);
}
