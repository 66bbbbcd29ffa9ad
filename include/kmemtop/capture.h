/*
 * capture.h - write the files the sampler reads into a tree that --root
 * can show later, without ever writing through a symlink.
 *
 * A capture session: km_capture_open(DIR) checks DIR (created when absent;
 * refused when it exists and is not empty, unless force is given and it
 * holds a previous capture) and makes a private temporary directory inside
 * it, DIR/.kmemtop-new.XXXXXX (mode 0700, owned by the caller). Each tree is
 * built there from directory file descriptors down (openat, mkdirat,
 * symlinkat with O_NOFOLLOW and O_EXCL), so a link planted anywhere in DIR
 * is never followed. km_capture_begin(tree) starts one tree ("" for DIR
 * itself, "0001" for the first tree of a series) and sets the tee: while it
 * is on, every successful km_read_* copies the bytes it read to
 * <tree>/<path>, and directory listings made through km_read_dir recreate
 * their symlinks as symlinks. km_capture_finish writes the tree's record
 * (kmemtop-capture: time, page size, kernel, complete=1 or complete=0 with
 * the first error) and renames the tree into DIR without replacing anything
 * (with force, the previous capture is first moved aside whole, then
 * removed without following links). km_capture_close removes what is left
 * of the temporary directories, and says what it could not.
 *
 * Files keep the permission bits of their source (read and write bits
 * only: set-id and execute bits are dropped); directories get dir_mode, the
 * umask notwithstanding. Functions return 0 or a negative errno; those
 * taking msg put a sentence for the user there. The tee itself cannot fail
 * the read it copies: it keeps its first error (and the path it could not
 * write) for km_capture_error and the record.
 */
#ifndef KMEMTOP_CAPTURE_H
#define KMEMTOP_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct km_capture_opts {
    mode_t dir_mode; /* the tree's directories; 0 means 0700 */
    bool force;      /* replace a previous capture in DIR */
};

int km_capture_open(const char *dir, const struct km_capture_opts *o, char *msg, size_t msgsz);
/* Starts a tree ("" or NULL: DIR itself; else a name such as "0001") and clears the kept error. */
int km_capture_begin(const char *tree, char *msg, size_t msgsz);
/* Stops the tee (the tree stays open for km_capture_finish). */
void km_capture_end(void);
/*
 * The first error writing the current tree: a negative errno with the path
 * (DIR/<tree>/<file>, where the file would have been) in path[pathsz], or 0.
 */
int km_capture_error(char *path, size_t pathsz);
/* Marks the current tree incomplete for a reason other than a write (path: what failed). */
void km_capture_fail(int err, const char *path);
/*
 * Copies path (as read by the caller) into the capture tree; no-op when none.
 * mode is the source file's permission bits (st_mode & 07777): the copy keeps
 * its read and write bits, so a root-only kernel file stays root-only.
 */
void km_capture_put(const char *path, const char *data, size_t len, mode_t mode);
/* True while reads are copied into a capture (the reader then needs each file's mode). */
bool km_capture_active(void);
/* Whether a tree may hold a link to target: relative, not empty, no ".." component. */
bool km_capture_link_ok(const char *target);
/* Recreates symlink path -> target; an absolute target or one with ".." is skipped. */
void km_capture_symlink(const char *path, const char *target);
/* Copies a whole file, for sources read by libproc2 (meminfo, slabinfo). */
void km_capture_copy(const char *path);
/*
 * A second sink for the tee, besides a capture tree (or without one): while
 * set, every file the reader copies and every link a listing recreates (the
 * safe ones) goes to it as well; km_capture_active() is then true. NULL
 * removes it. Used by the recorder (record.h).
 */
struct km_capture_sink {
    void (*put)(void *arg, const char *path, const char *data, size_t len, mode_t mode);
    void (*symlink)(void *arg, const char *path, const char *target);
    void *arg;
};
void km_capture_set_sink(const struct km_capture_sink *s);
/* Symlinks skipped since km_capture_open (targets leaving the tree). */
unsigned km_capture_links_skipped(void);
/*
 * Writes the record (complete or not) and moves the tree into DIR; after
 * km_capture_interrupt, neither: -EINTR (km_capture_close removes the tree).
 */
int km_capture_finish(double wall, long page_size, const char *kernel, char *msg, size_t msgsz);
/*
 * Async-signal-safe (it only stores sig in a volatile sig_atomic_t), for a
 * signal handler: the capture is interrupted by sig (0 clears it). From then
 * on the reader opens no more files (-EINTR), and km_capture_finish places
 * nothing, so that km_capture_close leaves DIR as it was but for the trees
 * already placed.
 */
void km_capture_interrupt(int sig);
/* The signal given to km_capture_interrupt, or 0. */
int km_capture_interrupted(void);
/*
 * Ends the session: removes the temporary directories (the unfinished tree,
 * and a replaced capture however deep, never following a link nor entering
 * another file system), and DIR itself when km_capture_open made it and no
 * tree was placed. 0, or a negative errno when something could not be
 * removed: msg (when not NULL) then names the directory left behind and why.
 */
int km_capture_close(char *msg, size_t msgsz);

#endif
