/*
 * proctext.h - kmemtop's own pure parsers of /proc/meminfo and
 * /proc/slabinfo, for captured trees where no private mount namespace can
 * be made (a chroot, an unprivileged container, user namespaces denied):
 * libproc2 reads only by path, so there it cannot be pointed at a tree.
 *
 * They give exactly what the libproc2 readers give on every real file
 * (tests/own-parsers.sh compares whole frames on every fixture):
 * meminfo in bytes, KM_NA for the optional keys a kernel does not print
 * (MemAvailable, Percpu, KReclaimable, ShadowCallStack), 0 for another
 * absent key; slabinfo caches in file order, duplicate names numbered.
 * A line that cannot be read is left out and counted in err (km_perr_skip:
 * zero err first); a file with no usable data is -EINVAL with err set.
 */
#ifndef KMEMTOP_PROCTEXT_H
#define KMEMTOP_PROCTEXT_H

#include "kmemtop/meminfo.h"
#include "kmemtop/slabinfo.h"

int km_parse_meminfo(const char *buf, size_t len, struct km_meminfo *out, struct km_perr *err);
/* page_size scales footprint (<= 0: footprint unknown). */
int km_parse_slabinfo(const char *buf, size_t len, long page_size, struct km_slabs *out,
                      struct km_perr *err);

#endif
