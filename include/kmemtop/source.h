/*
 * source.h - the registry of source descriptions: one entry per kernel file
 * (or file family) the sampler can read.
 *
 * A description says everything the sampler, the frame and --capture need
 * to know about a source: its name and path, who may read it, how often the
 * live system may be read (the last good read is reused in between), how
 * much of it one read may take, how to read and parse it into the sample,
 * how to take per-second rates against the last sample that read it, and
 * how to copy and free its records. The sampler walks km_sources[]; nothing
 * else in the core lists the sources. Adding a source is a record in
 * km_sample, an enum km_src value, and one entry here (src/source.c).
 *
 * Descriptions are constant and live for the program. A read function
 * returns 0 or a negative errno (and fills err with the line that failed or
 * was left out); km_source_run turns that into the source's status. Record
 * memory belongs to the sample and is released by the description's free.
 */
#ifndef KMEMTOP_SOURCE_H
#define KMEMTOP_SOURCE_H

#include "kmemtop/read.h"
#include "kmemtop/sample.h"

enum km_src_who { KM_WHO_EVERYONE, KM_WHO_ROOT };

/* libproc2 opens the path by name: --capture copies it whole, the parser is named */
#define KM_SRCF_LIBPROC2 0x1u
/* read after the sample's page size is known (the slab footprint needs it) */
#define KM_SRCF_PAGE_SIZE 0x2u
/* A family of files (a directory walked): while a capture or recording runs the throttle
   never reuses its last read, which keeps one file only, but reads it all again. */
#define KM_SRCF_FAMILY 0x4u

struct km_srcdesc;

/* What a read function works with; the sampler owns all of it. */
struct km_src_io {
    const struct km_srcdesc *desc; /* the source being read */
    struct km_buf *buf;            /* the tick's read buffer, shared by every source */
    void **state;                  /* the source's own lasting state (a libproc2 context, a sysfs
                                      cache): NULL until the read makes it; freed by state_free */
    char path[256];                /* the file its status names: the description's path, or the
                                      file under it that failed */
    size_t bytes;                  /* bytes read, for the cost shown */
    unsigned derive;               /* the frame's derived data (KM_DER_*, derive.h): what a
                                      source may leave out when no shown view needs it */
    struct km_vmallocinfo *vm_spare; /* vmallocinfo: memory of an old sample to fill (or NULL) */
};

typedef int (*km_src_read_fn)(struct km_src_io *io, struct km_sample *smp, struct km_perr *err);

struct km_srcdesc {
    const char *name; /* "meminfo": the JSON key of frame.sources */
    const char *path; /* "/proc/meminfo", or the directory of a family */
    enum km_src id;   /* its index in km_sources[] and km_sample.src[] */
    enum km_src_who who;
    unsigned flags;      /* KM_SRCF_* */
    size_t cap;          /* bytes one read may take: KM_READ_CAP or KM_READ_CAP_BIG */
    double min_interval; /* seconds between reads of the live system (0: every tick) */
    const char *missing; /* why the live kernel may lack it; NULL: a generic sentence */
    km_src_read_fn read; /* reads and parses into smp */
    /* optional: per-second rates of cur's records against base's, dt seconds apart;
       base's records are empty when no earlier sample read the source */
    void (*rate)(struct km_sample *cur, const struct km_sample *base, double dt);
    /* a copy of src's records into dst, which owns it (released by free): what
       rate reads, and everything when the source has a min_interval */
    void (*copy)(struct km_sample *dst, const struct km_sample *src);
    void (*free)(struct km_sample *smp); /* releases this source's records */
    void (*state_free)(void **state);    /* optional */
};

/* Every source, in enum km_src order (the order they are read), ended by {.name = NULL}. */
extern const struct km_srcdesc km_sources[];

/* The description of s, NULL when s is not a source. */
const struct km_srcdesc *km_source(enum km_src s);

/*
 * Reads one source into smp and sets smp->src[d->id]: status, reason,
 * warning, bytes and (for libproc2's sources) the parser. Not its cost.
 */
void km_source_run(const struct km_srcdesc *d, struct km_src_io *io, struct km_sample *smp);

/*
 * Copies the files libproc2 reads by name (meminfo, slabinfo) into the
 * capture tree started by km_capture_begin: our own readers tee theirs.
 */
void km_sources_capture_libproc2(void);

/*
 * Whether smp is read from the live system with nothing to keep: not a tree (each tick may be
 * another machine's) and no capture (which must hold every file). Only then may a source
 * keep what cannot change while the kernel runs instead of reading it again.
 */
bool km_source_live(const struct km_sample *smp);

/* For read functions: the description's file into io->buf, within its cap; sets io->bytes. */
int km_source_slurp(struct km_src_io *io);

#endif
