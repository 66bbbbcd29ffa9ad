/* replay.c - a recording replayed as a series of in-memory trees. See replay.h. */
#include "replay.h"

#include "kmemtop/read.h"
#include "kmemtop/record.h"
#include "kmemtop/sat.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct km_rec_reader *rec;
static struct km_memtree *mem; /* the tick shown: one table for every tree of the series */

void km_replay_close(void)
{
    km_read_set_mem(NULL);
    km_memtree_free(mem);
    mem = NULL;
    km_rec_close_read(rec);
    rec = NULL;
}

/* The prepare hook: tick i decoded into the table, before the sampler switches to it. */
static int prepare(void *arg, size_t i, char *msg, size_t msgsz)
{
    struct km_app *a = arg;
    km_read_set_mem(NULL); /* the table changes: nothing reads it meanwhile */
    int rc = km_rec_load(rec, i, mem, msg, msgsz);
    if (rc == 0) /* the record's complete=, as --root reads it from the tree */
        a->roots.trees[i].complete = km_rec_complete(rec, i);
    return rc ? -1 : 0;
}

int km_replay_open(struct km_app *a, char *msg, size_t msgsz)
{
    uint64_t torn = 0;
    int rc = km_rec_open_read(a->o.replay, &rec, &torn, msg, msgsz);
    if (rc)
        return rc;
    size_t n = km_rec_ticks(rec);
    if (torn)
        fprintf(stderr,
                "kmemtop: %s: %llu bytes after tick %zu are not a whole record (a torn tail): "
                "ignored\n",
                a->o.replay, (unsigned long long)torn, n);
    if (n == 0) {
        snprintf(msg, msgsz, "%s: the recording holds no tick", a->o.replay);
        return -ENOENT;
    }
    mem = km_memtree_new();
    a->roots.trees = xcalloc(n, sizeof(*a->roots.trees));
    a->roots.n = n;
    for (size_t i = 0; i < n; i++) {
        char name[4200];
        snprintf(name, sizeof(name), "%s@%zu", a->o.replay, i + 1);
        struct km_tree *tr = &a->roots.trees[i];
        tr->dir = xstrdup(name);
        tr->mem = mem;
        /* values no kernel or clock gives are unknown, as in a tree's record */
        tr->wall = km_epoch_ok(km_rec_wall(rec, i)) ? km_rec_wall(rec, i) : 0;
        tr->page_size = km_page_size_ok(km_rec_page_size(rec, i)) ? km_rec_page_size(rec, i) : 0;
    }
    a->prepare = prepare;
    a->prepare_arg = a;
    return 0;
}
