/*
 * root.h - show a captured tree through the same code path as /proc.
 *
 * km_root_enter() unshares a private mount namespace (with a user namespace
 * when not root). km_root_switch() then bind-mounts TREE/proc over /proc
 * and TREE/sys over /sys (an empty read-only tmpfs where the tree lacks
 * one, so nothing of the host leaks in); called again, it moves to another
 * tree of a series.
 * km_roots_expand() turns --root arguments into a list of trees: a DIR
 * without proc/ whose subdirectories hold trees is a series in name order.
 * Errors return a negative errno with a sentence for the user in msg.
 *
 * Trees and series: a tree is a directory with proc/ or sys/. Any other
 * DIR is a series: its subdirectories (symlinks followed) that are trees,
 * in strverscmp order (so 9-x sorts before 10-x; zero-padded names such
 * as 0001 sort the same either way). Hidden entries and entries that are
 * not trees are skipped; a DIR with no tree at all is -ENOENT. Each tree's
 * KM_CAPTURE_META file gives wall and page_size (lines "time=<epoch
 * seconds[.fraction]>", "page_size=<bytes>", "kernel=<release>",
 * "complete=0|1", "error=<why>", "error_path=<file in the tree>", "#"
 * comments; unknown or malformed lines are ignored). km_roots_free frees
 * what km_roots_expand allocated (the list and each dir).
 *
 * km_root_enter() must run before the process starts threads (a user
 * namespace cannot be created by a multithreaded process) and before
 * anything opens files under /proc or /sys that it keeps. When not
 * privileged, it maps the caller's effective uid and gid to themselves, so
 * file permissions are those of the caller. km_root_switch() resolves the
 * tree path first; after it, /proc/self and the rest of the host's /proc
 * are gone for this process (no /proc/self/exe, no /proc/self/fd).
 * Switching again lazily unmounts what the previous switch mounted.
 */
#ifndef KMEMTOP_ROOT_H
#define KMEMTOP_ROOT_H

#include <stddef.h>

struct km_tree {
    char *dir;
    double wall;    /* capture time from the tree's record, 0 unknown */
    long page_size; /* from the tree's record, 0 unknown */
    int complete;   /* the record's complete=: 1 yes, -1 no (incomplete), 0 not recorded */
    char error[256]; /* when incomplete: "could not write <path>: <why>" (or what is known) */
};

struct km_roots {
    size_t n;
    struct km_tree *trees;
};

/* The file in a tree that records capture time and page size. */
#define KM_CAPTURE_META "kmemtop-capture"

int km_roots_expand(char *const *args, size_t nargs, struct km_roots *out, char *msg, size_t msgsz);
void km_roots_free(struct km_roots *r);
int km_root_enter(char *msg, size_t msgsz);
int km_root_switch(const struct km_tree *t, char *msg, size_t msgsz);

#endif
