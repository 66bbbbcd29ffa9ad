/*
 * root.h - show a captured tree through the same code path as /proc.
 *
 * km_root_switch() points the reader (read.h) at TREE/proc and TREE/sys:
 * every file is opened beneath them, links that leave them are not
 * followed. libproc2 cannot be given a tree (it opens /proc/meminfo and
 * /proc/slabinfo by name), so km_root_enter() makes a private mount
 * namespace (with a user namespace when not root) where km_root_switch()
 * mounts a small tmpfs over /proc holding safe copies of those two files;
 * without one, kmemtop's own parsers read them (km_root_own_parsers()).
 * Called again, km_root_switch() moves to another tree of a series. A tree
 * may also be held in memory (struct km_tree's mem: a recording's tick):
 * the same switch, with the reader answering from the table.
 * km_roots_expand() turns --root arguments into a list of trees: a DIR
 * without proc/ whose subdirectories hold trees is a series in name order.
 * Errors return a negative errno with a sentence for the user in msg.
 *
 * Trees and series: a tree is a directory with proc/ or sys/. Any other
 * DIR is a series: its subdirectories (symlinks followed) that are trees,
 * in the order of their capture times when every one's record has a time
 * (ties in name order); else, when every one gives its boot id and uptime
 * (proc/sys/kernel/random/boot_id, proc/uptime, read as a sample reads
 * them), one boot's trees by uptime, boots apart (ordered by their earliest
 * recorded time when each has one, else by their earliest name); else in
 * strverscmp order (so 9-x sorts before 10-x;
 * zero-padded names such as 0001 sort the same either way). Hidden entries and entries that are
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
 * file permissions are those of the caller. After km_root_switch() in a
 * namespace, /proc/self and the rest of the host's /proc are gone for this
 * process (no /proc/self/exe, no /proc/self/fd). Switching again lazily
 * unmounts what the previous switch mounted.
 */
#ifndef KMEMTOP_ROOT_H
#define KMEMTOP_ROOT_H

#include <stdbool.h>
#include <stddef.h>

struct km_memtree;

struct km_tree {
    char *dir;
    double wall;    /* capture time from the tree's record, 0 unknown */
    long page_size; /* from the tree's record, 0 unknown */
    int complete;   /* the record's complete=: 1 yes, -1 no (incomplete), 0 not recorded */
    char error[256]; /* when incomplete: "could not write <path>: <why>" (or what is known) */
    /*
     * Not NULL: the tree is this in-memory one (kmemtop -r: read.h's
     * km_memtree), dir only names it; km_root_switch points the reader at it
     * and stages libproc2's files from it as from a directory.
     */
    struct km_memtree *mem;
    char boot_id[40]; /* the tree's proc/sys/kernel/random/boot_id, "" unknown or malformed */
    double uptime;    /* the tree's proc/uptime, -1 unknown */
};

struct km_roots {
    size_t n;
    struct km_tree *trees;
};

/* The file in a tree that records capture time and page size. */
#define KM_CAPTURE_META "kmemtop-capture"

int km_roots_expand(char *const *args, size_t nargs, struct km_roots *out, char *msg, size_t msgsz);
void km_roots_free(struct km_roots *r);
/*
 * With use_namespace, tries the private mount namespace (and user namespace)
 * that lets libproc2 read a tree's meminfo and slabinfo. Where it cannot be
 * made (a chroot whose root is not a mount point, a container that refuses
 * unshare, user namespaces denied), or without use_namespace, trees still
 * open: km_root_own_parsers() is then true and those two files are read by
 * kmemtop's own parsers; km_root_own_reason() says why. Returns 0.
 */
int km_root_enter(bool use_namespace, char *msg, size_t msgsz);
bool km_root_own_parsers(void);
const char *km_root_own_reason(void);
int km_root_switch(const struct km_tree *t, char *msg, size_t msgsz);

#endif
