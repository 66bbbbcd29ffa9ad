/*
 * replay.h - kmemtop -r FILE: a recording (kmemtop/record.h) shown through
 * the --root code path. Each tick becomes a capture tree in a private
 * temporary directory (mode 0700, under $TMPDIR or /tmp), made just before
 * the sampler switches to it (km_app's prepare hook) and removed two ticks
 * later (under $TMPDIR, else /dev/shm when a tmpfs, else /tmp); the directory goes at exit, and on SIGINT, SIGTERM, SIGHUP and a
 * reader gone (km_replay_cleanup, async-signal-safe). Rates come from each
 * tick's recorded time, as for a series of captured trees.
 */
#ifndef KM_UI_REPLAY_H
#define KM_UI_REPLAY_H

#include "app.h"

/* Opens a->o.replay and sets a->roots (one tree per tick) and a->prepare; msg on error. */
int km_replay_open(struct km_app *a, char *msg, size_t msgsz);
/* Removes the temporary directory (again: nothing); async-signal-safe. */
void km_replay_cleanup(void);
/* Closes the recording and removes the directory. */
void km_replay_close(void);

#endif
