/*
 * capture_int.h - state shared by capture.c (the session: DIR, the
 * temporary directory, the record, the swap), capture_tree.c (the tee
 * writing files into the tree from its directory fd down) and capture_rm.c
 * (emptying a temporary directory).
 */
#ifndef KMEMTOP_CAPTURE_INT_H
#define KMEMTOP_CAPTURE_INT_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct km_cap {
    char dir[4096]; /* DIR as given (for messages) */
    int dfd;        /* DIR, -1 when no session */
    int tfd;        /* DIR/<tname>, the private temporary directory */
    char tname[64];
    int ofd; /* DIR/<oname>: a replaced capture, moved aside (force) */
    char oname[64];
    bool replace; /* force over a previous capture: move it aside before placing */
    bool made_dir; /* DIR was made by km_capture_open */
    bool placed;   /* something was moved into or out of DIR */
    mode_t dir_mode;
    char tree[16];       /* the tree being written: "" (tfd itself) or "0001" */
    int rfd;             /* its root: tfd or tfd/<tree> */
    int meta_fd;         /* its record, written first as incomplete, last as the result */
    bool tee;            /* between km_capture_begin and km_capture_end */
    int err;             /* the first error writing the tree, a negative errno */
    char err_path[4096]; /* relative to the tree */
    unsigned links_skipped;
    char pdir[4096]; /* the last parent directory opened, relative to the tree */
    int pfd;
};

extern struct km_cap km_cap;

/*
 * Removes everything under the directory fd, however deep, never following a
 * link nor entering another file system (capture_rm.c); closes nothing. 0, or
 * the first error of what could not be removed, with its path relative to fd
 * in bad[badsz].
 */
int km_cap_empty_dir(int fd, char *bad, size_t badsz);
/* A directory stream over a duplicate of fd, from its start (fd stays open); NULL and errno. */
DIR *km_cap_opendir(int fd);
/* Forgets the cached parent directory fd. */
void km_cap_forget_parent(void);

#endif
