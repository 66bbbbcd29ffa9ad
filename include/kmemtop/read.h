/*
 * read.h - the only place that turns a path into bytes.
 *
 * /proc files are regenerated on every read() and lists can change between
 * two reads, so km_read_file reads with a buffer larger than the file in as
 * few read() calls as possible, from offset 0. A large buffer does not make
 * a read atomic, though: a seq_file returns at most its own buffer (a page
 * at first) per read() and may drop its lock between two (vmallocinfo up
 * to 6.8 does: lines are lost or repeated while areas come and go; the
 * sampler checks that read and reads again, km_vm_torn). When the buffer is too small, it reads on to EOF to learn the
 * length, then once more from offset 0 into a buffer about 1.25 times that
 * length: two passes over a large file, not one per doubling (the files that
 * grow with the machine are read in pieces instead, in one pass:
 * km_read_stream). st_size is never trusted.
 *
 * Safe on any tree. Every open is non-blocking and must give a regular file
 * (a FIFO, a device or a directory is refused: KM_ENOTREG), no file may be
 * larger than its cap (KM_ETOOBIG: KM_READ_CAP, or the caller's for the
 * big files), a file whose reads take longer than KM_READ_TIMEOUT seconds
 * from the end of the first to the end of the last is abandoned (KM_ESLOW:
 * checked as each read returns, so one read that never returns is not cut
 * short), and a buffer left much larger than its file is shrunk.
 *
 * Paths are always the kernel's (/proc/..., /sys/...). km_read_set_tree()
 * points them into a captured tree instead: /proc/X then opens TREE/proc/X
 * and /sys/X opens TREE/sys/X, resolved beneath that directory (openat2's
 * RESOLVE_BENEATH, or a walk of one component at a time on kernels before
 * 5.6): a symlink that leads out of the tree (absolute, or through "..")
 * is never followed (KM_ELEAVES), nor one into another mount. Other paths
 * are refused while a tree is set.
 *
 * Returns 0, or -ENOENT (missing), -EACCES/-EPERM (denied), one of the
 * KM_E* codes below, or another negative errno (-EINTR for every file once
 * a capture is interrupted: km_capture_interrupt); km_read_strerror says it
 * in words. The buffer is owned by the caller, reused across calls (keeps
 * its capacity) and always NUL-terminated.
 */
#ifndef KMEMTOP_READ_H
#define KMEMTOP_READ_H

#include "kmemtop/util.h"

/* Errors of our own, beyond errno's range. */
#define KM_ENOTREG (-4201) /* not a regular file (FIFO, device, directory) */
#define KM_ELEAVES (-4202) /* a symlink leads out of the tree */
#define KM_ETOOBIG (-4203) /* larger than any kernel writes this file */
#define KM_ESLOW (-4204)   /* the file took too long to read */
#define KM_ETOOMANY (-4205) /* a directory with more entries than any kernel makes */

/*
 * The largest file read by default (a sysfs or small /proc file, far above
 * any real one), and the largest of all: vmallocinfo, and zoneinfo, which
 * prints a block per CPU per zone (tens of MiB on a 64-node, 1024-CPU server).
 */
#define KM_READ_CAP ((size_t)4 << 20)
#define KM_READ_CAP_BIG ((size_t)64 << 20)
/* Seconds one file may take to read. */
#define KM_READ_TIMEOUT 10.0
/* Entries one directory listing may hold. */
#define KM_READ_DIR_MAX 262144

int km_read_file(const char *path, struct km_buf *b);
/* The same with a cap of max bytes (at most KM_READ_CAP_BIG). */
int km_read_file_max(const char *path, struct km_buf *b, size_t max);
/* The same without copying into a capture (for staging, not a sample). */
int km_read_file_quiet(const char *path, struct km_buf *b);
/*
 * Reads a file of lines as km_read_file_max does, in pieces of about KM_READ_PIECE bytes instead
 * of a buffer holding it all: fn gets each piece up to its last newline (a line never split; at
 * EOF the rest, which may lack one), and *total the bytes read. The file is generated once, and
 * the memory is one piece, however large the file. An in-memory tree, or a capture (which keeps
 * the whole file), reads it whole and hands it on in one piece. fn may have had pieces when an
 * error is returned: the caller throws away what it made of them.
 */
#define KM_READ_PIECE ((size_t)128 << 10)
typedef void (*km_read_piece_fn)(void *ctx, const char *data, size_t len);
int km_read_stream(const char *path, struct km_buf *b, size_t max, km_read_piece_fn fn, void *ctx,
                   size_t *total);
/* printf-style path; same contract. */
int km_read_filef(struct km_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads a small sysfs value and strips the trailing newline (and \r, NULs, blanks). */
int km_read_line(const char *path, char *dst, size_t dstsz);
/* Reads a decimal integer file (e.g. coresize). */
int km_read_i64(const char *path, int64_t *out);
/*
 * Lists a directory's entries (without . and ..), sorted by name. Entries
 * that are symlinks get their target in targets[i] (else NULL) when targets
 * is not NULL. Returns the count or a negative errno. km_strv_free frees.
 */
int km_read_dir(const char *path, char ***names, char ***targets);
void km_strv_free(char **v, size_t n);
/*
 * The subdirectories of a directory (d_type, or fstatat without following
 * when the file system gives none: a symlink to a directory is not one),
 * sorted by name. Returns the count or a negative errno (KM_ETOOMANY past
 * KM_READ_DIR_MAX entries). km_strv_free frees. Nothing is captured.
 */
int km_read_subdirs(const char *path, char ***names);
/* True when the errno means "the file is not there". */
bool km_err_missing(int err);
/* True when the errno means "no permission". */
bool km_err_denied(int err);
/* A negative errno or KM_E* code in words. */
const char *km_read_strerror(int err);

/*
 * Reads /proc from proc_fd and /sys from sys_fd (directories, O_PATH is
 * enough; -1 where the tree has none: its files are then missing). The
 * reader owns the descriptors from here on and closes them on the next
 * call; km_read_set_tree(-1, -1) returns to the live system (and leaves an
 * in-memory tree, km_read_set_mem).
 */
void km_read_set_tree(int proc_fd, int sys_fd);
/* True while a tree is set (a directory or an in-memory one). */
bool km_read_in_tree(void);
/* Tests: resolve by the component walk even where openat2 exists. */
void km_read_force_walk(bool on);

/*
 * An in-memory tree (kmemtop -r: a recording's tick, never written to
 * disk): kernel path -> bytes and mode, or -> a symlink's target, as a
 * capture tree would hold them. km_read_set_mem() points the reader at it
 * instead of a directory: every function above then answers from the table
 * exactly as from the tree the tick would have been written as (missing:
 * -ENOENT; a directory read as a file: KM_ENOTREG; a file as a directory:
 * -ENOTDIR; caps, KM_ETOOMANY, the tee into a capture the same; links
 * resolved inside the tree, an absolute one or ".." above /proc or /sys:
 * KM_ELEAVES). Directories are those the paths imply (a tree has no empty
 * one either). Paths and bytes are borrowed, not copied: they must stay
 * valid until the table is cleared or put to again. A path put twice keeps
 * its last content. Bounded: KM_MEMTREE_MAX entries (more are dropped).
 */
#define KM_MEMTREE_MAX 1048576
struct km_memtree;
struct km_memtree *km_memtree_new(void);
void km_memtree_clear(struct km_memtree *m);
/* A regular file; mode as recorded (the tree's file mode: (mode & 0666) | 0400). */
void km_memtree_put(struct km_memtree *m, const char *path, const char *data, size_t len,
                    unsigned mode);
void km_memtree_link(struct km_memtree *m, const char *path, const char *target);
size_t km_memtree_count(const struct km_memtree *m);
void km_memtree_free(struct km_memtree *m);
/* Reads from m (NULL: back to the live system); replaces a tree set by km_read_set_tree. */
void km_read_set_mem(struct km_memtree *m);

/*
 * Files that libproc2 reads by path (it cannot be handed a descriptor):
 * on a tree, --root copies them through this reader into a private /proc
 * and keeps the error of a copy that failed, which the source reports
 * instead of libproc2's. 0 when the copy was made or on the live system.
 */
void km_read_set_staged_error(const char *path, int err);
int km_read_staged_error(const char *path);

#endif
