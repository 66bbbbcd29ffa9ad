/*
 * sampler.h - builds one km_sample per tick from the sources asked for.
 *
 * Keeps the previous sample so deltas and per-second rates (slab growth,
 * numastat rates, buddy free blocks per order) are computed once, here.
 * Reads only the sources in the mask: the expensive files (vmallocinfo,
 * pagetypeinfo) only when a visible view needs them. With --root, call
 * km_root_* first: the sampler always reads /proc and /sys.
 * Functions return 0 or a negative errno; none prints or exits.
 */
#ifndef KMEMTOP_SAMPLER_H
#define KMEMTOP_SAMPLER_H

#include "kmemtop/sample.h"

struct km_sampler;

/*
 * /proc/pagetypeinfo walks every pageblock under the zone lock with IRQs
 * off: on the live system it is read at most this often (seconds) and the
 * last read is reused in between (km_sample.src[].age says how old it is).
 */
#define KM_PTI_MIN_INTERVAL 10.0

struct km_sampler_opts {
    long page_size;   /* > 0: the tree's recorded page size */
    double wall;      /* > 0: the tree's capture time (seconds since epoch) */
    const char *root; /* shown in the sample, may be NULL */
    unsigned derive;  /* KM_DER_* (derive.h): derived data the frame's views ask for */
};

struct km_sampler *km_sampler_new(void);
void km_sampler_free(struct km_sampler *s);
/* Called when --root switches to another tree of a series (libproc2 reopens). */
void km_sampler_reset_files(struct km_sampler *s);
int km_sampler_tick(struct km_sampler *s, unsigned srcmask, const struct km_sampler_opts *o);
/*
 * Whether smp's vmallocinfo is a torn read: a line printed twice (dropped by
 * the parser), a live module without its image area, or module-image areas
 * of no module while every module is live. why gets which, in words. A live
 * tick reads a torn vmallocinfo again, up to 3 times (src[].rereads), and
 * warns when every read was torn. out (may be NULL) gets the join it made
 * (zeroed when none: km_modjoin_free is safe on it). Pure.
 */
bool km_vm_torn(const struct km_sample *smp, struct km_modjoin *out, char *why, size_t n);
/*
 * The kernel's clock as a sample reads it, through the read layer (live or
 * the tree set): /proc/uptime in seconds, -1 unknown; the boot id into out
 * (KM_BOOT_ID_LEN + 1 bytes, "" unknown), and in warn why one that is there
 * is not used ("FILE: line 1: ..."; "" otherwise). Also what orders a series.
 */
double km_read_uptime(void);
void km_read_boot_id(char *out, char *warn, size_t warnsz);
const struct km_sample *km_sampler_cur(const struct km_sampler *s);
const struct km_sample *km_sampler_prev(const struct km_sampler *s);

#endif
