/*
 * root.h - show a captured tree through the same code path as /proc.
 *
 * km_root_enter() unshares a private mount namespace (with a user namespace
 * when not root) and bind-mounts TREE/proc over /proc and TREE/sys over
 * /sys (an empty tmpfs where the tree lacks one, so nothing of the host
 * leaks in). km_root_switch() moves to another tree of a series.
 * km_roots_expand() turns --root arguments into a list of trees: a DIR
 * without proc/ whose subdirectories hold trees is a series in name order.
 * Errors return a negative errno with a sentence for the user in msg.
 */
#ifndef KMEMTOP_ROOT_H
#define KMEMTOP_ROOT_H

#include <stddef.h>

struct km_tree {
    char *dir;
    double wall;    /* capture time from the tree's record, 0 unknown */
    long page_size; /* from the tree's record, 0 unknown */
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
