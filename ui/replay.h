/*
 * replay.h - kmemtop -r FILE: a recording (kmemtop/record.h) shown through
 * the --root code path, read from memory. Each tick is decoded, just before
 * the sampler switches to it (km_app's prepare hook), into one in-memory
 * tree (read.h's km_memtree: kernel path -> the recorded bytes, directory
 * listings and symlink targets as the tick's capture tree would give them);
 * the sampler and every parser run unchanged, only the reader answers from
 * the table instead of a directory. Nothing is written to disk: where a
 * private mount namespace is made, km_root_switch still stages libproc2's
 * few files (meminfo, slabinfo) into its private /proc, copied from the
 * table; without one, kmemtop's own parsers read them from the table.
 * Rates come from each tick's recorded time, complete= and page size from
 * its record, as for a series of captured trees. -r FILE --capture DIR
 * writes the ticks as trees through the reader's tee, as from --root.
 */
#ifndef KM_UI_REPLAY_H
#define KM_UI_REPLAY_H

#include "app.h"

/*
 * Opens a->o.replay and sets a->roots (one tree per tick, each named
 * FILE@TICK and held in memory) and a->prepare; msg on error.
 */
int km_replay_open(struct km_app *a, char *msg, size_t msgsz);
/* Closes the recording and frees the in-memory tree. */
void km_replay_close(void);

#endif
