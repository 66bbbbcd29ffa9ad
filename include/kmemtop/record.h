/*
 * record.h - a recording: one file holding, tick after tick, the raw bytes
 * of every file the sampler read (kmemtop -w FILE), replayed later through
 * the same parsers (kmemtop -r FILE: each tick becomes a capture tree).
 *
 * The file: an 8-byte header ("KMTREC" 0 1), then records. A record is a
 * 32-byte frame (magic "KMR1", the compressed length, the raw length, a
 * CRC-32, the tick's wall time as an IEEE double and its page size, all
 * little-endian) and its payload, one zstd frame. The CRC covers the frame
 * (but for its own field) and the payload, so a record torn by a crash or a
 * full disk is told from a whole one. The raw payload: the kernel release,
 * then the tick's entries in the order they were read: a file with its
 * bytes, a file "the same as its last content in the recording", or a
 * symlink with its target; each with its kernel path (/proc/..., /sys/...)
 * and mode. A file is stored whole the first time a writer sees it, so a
 * recording continued by another writer needs nothing of the ticks before.
 *
 * Writing: created 0600 (it holds the contents of root-only files), opened
 * with O_NOFOLLOW (a symlink is refused), locked with flock (a second writer
 * is refused); a torn tail is cut off before the next record is appended.
 * Reading: records up to the last whole one; what follows is ignored.
 * The index FILE.idx (record.c) names each record's offset and frame, so a
 * reader need not read every payload to find them; without it, or past
 * what it names, the file is scanned. A writer writes it again when it opens.
 * Functions return 0 or a negative errno with a sentence in msg.
 */
#ifndef KMEMTOP_RECORD_H
#define KMEMTOP_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct km_rec_writer;
struct km_rec_reader;

/* Opens (or creates) path for appending; *torn: bytes of a torn tail cut off. */
int km_rec_open_write(const char *path, struct km_rec_writer **out, uint64_t *torn, char *msg,
                      size_t msgsz);
/* Starts a tick: from here on the reader's tee copies every file into it. */
void km_rec_begin(struct km_rec_writer *w);
/* Stops the tee and forgets the tick. */
void km_rec_abort(struct km_rec_writer *w);
/* What a tick records besides its files: as a capture tree's record says it. */
struct km_rec_tick {
    double wall;        /* epoch seconds, 0 unknown */
    long page_size;     /* 0 unknown */
    const char *kernel; /* release */
    int complete;       /* 1 complete, -1 not (a tree recorded incomplete), 0 not said */
};
/* Stops the tee and appends the tick; *bytes (may be NULL): what the record took in the file. */
int km_rec_commit(struct km_rec_writer *w, const struct km_rec_tick *t, size_t *bytes, char *msg,
                  size_t msgsz);
/*
 * --keep seconds (0: all) and --max-size bytes (0: any): after each commit
 * the oldest ticks are dropped, up to a self-contained record, as long as
 * what stays spans at least keep seconds / until it fits in max_size.
 */
void km_rec_set_limits(struct km_rec_writer *w, double keep, uint64_t max_size);
/* Ticks in the file (those before this writer included, those dropped not). */
size_t km_rec_writer_ticks(const struct km_rec_writer *w);
void km_rec_close_write(struct km_rec_writer *w);

/* Opens path and finds its whole records; *torn: bytes after the last one (ignored). */
int km_rec_open_read(const char *path, struct km_rec_reader **out, uint64_t *torn, char *msg,
                     size_t msgsz);
size_t km_rec_ticks(const struct km_rec_reader *r);
/* Records found through the index FILE.idx (the rest by a scan of the file). */
size_t km_rec_indexed(const struct km_rec_reader *r);
/* Ticks the last km_rec_load decoded before the one asked for (a seek's cost). */
size_t km_rec_decoded(const struct km_rec_reader *r);
/* Tick i's wall time and page size (0: unknown). */
double km_rec_wall(const struct km_rec_reader *r, size_t i);
long km_rec_page_size(const struct km_rec_reader *r, size_t i);
/* Tick i's complete= (as km_rec_tick's), known once the tick was loaded. */
int km_rec_complete(const struct km_rec_reader *r, size_t i);
/*
 * Tick i as an in-memory tree (read.h: km_memtree), what kmemtop -r reads:
 * m is cleared, then holds the tick's files and links (those under /proc
 * and /sys; links whose target is relative without ".."), their bytes
 * borrowed from the reader until the next km_rec_load (which changes them)
 * or km_rec_close_read. The tick's record (time, page size, complete) is
 * km_rec_wall, km_rec_page_size and km_rec_complete. On an error m is empty.
 * Ticks are decoded in order from the last self-contained record at or
 * before i (a writer makes one every 256 ticks; a file the same as before
 * needs the ticks before it), so a seek decodes at most 255 ticks besides
 * its own.
 */
struct km_memtree;
int km_rec_load(struct km_rec_reader *r, size_t i, struct km_memtree *m, char *msg, size_t msgsz);
void km_rec_close_read(struct km_rec_reader *r);

/* CRC-32 (IEEE 802.3, as zlib's crc32), continued from crc (0 to start). */
uint32_t km_crc32(uint32_t crc, const void *data, size_t len);

#endif
