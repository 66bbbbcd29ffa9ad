/*
 * capture.h - write the files the sampler reads into a tree that --root
 * can show later.
 *
 * While a capture directory is set, every successful km_read_* copies the
 * bytes it read to DIR/<path>, and directory listings made through
 * km_read_dir recreate their entries (symlinks as symlinks). km_capture_meta
 * writes DIR/kmemtop-capture with the capture time and page size.
 * Functions return 0 or a negative errno. The tee itself cannot fail the
 * read it copies: it keeps its first error (and the path it could not
 * write) for km_capture_error, so that a full disk never leaves a silently
 * incomplete tree.
 */
#ifndef KMEMTOP_CAPTURE_H
#define KMEMTOP_CAPTURE_H

#include <stddef.h>
#include <sys/types.h>

/* Starts a capture into dir (created) and clears the kept error. */
int km_capture_begin(const char *dir);
void km_capture_end(void);
/*
 * The first error writing the tree since km_capture_begin (also after
 * km_capture_end): a negative errno with the path in path[pathsz], or 0.
 */
int km_capture_error(char *path, size_t pathsz);
/*
 * Copies path (as read by the caller) into the capture tree; no-op when none.
 * mode is the source file's permission bits (st_mode & 07777): the copy keeps
 * them, so a root-only kernel file stays root-only in the tree.
 */
void km_capture_put(const char *path, const char *data, size_t len, mode_t mode);
void km_capture_symlink(const char *path, const char *target);
int km_capture_meta(const char *dir, double wall, long page_size, const char *kernel);
/* Copies a whole file, for sources read by libproc2 (meminfo, slabinfo). */
void km_capture_copy(const char *path);

#endif
