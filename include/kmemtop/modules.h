/*
 * modules.h - /proc/modules (pure parser) and /sys/module/<m>/ (reader).
 *
 * /proc/modules: "<name> <size> <refcnt> <deps>, <state> 0x<addr> [(taint)]".
 * refcnt/deps are "-" without MODULE_UNLOAD (refcnt KM_NA, no deps). The
 * address is zero when the reader may not see it. km_modules_read_sysfs adds
 * what /sys/module/<m>/ holds (coresize, initsize, initstate, taint,
 * holders/, sections/); any file may be absent (2.6 has none of the sizes)
 * or denied (sections/ needs root), which leaves fields KM_NA/empty.
 * *out owns its memory (km_modules_free).
 */
#ifndef KMEMTOP_MODULES_H
#define KMEMTOP_MODULES_H

#include "kmemtop/util.h"

#define KM_MOD_NAME 64
#define KM_MOD_MAX_SECTIONS 512 /* kept per module (sysfs lists one file per section) */

struct km_section {
    char name[40];
    uint64_t addr;
};

struct km_module {
    char name[KM_MOD_NAME];
    int64_t size;   /* bytes, as lsmod prints it */
    int64_t refcnt; /* KM_NA with "-" */
    int ndeps;
    char **deps; /* "used by" names, without "[permanent]" */
    bool permanent;
    char state[12]; /* Live, Loading, Unloading */
    uint64_t addr;  /* base as printed; 0 when hidden */
    char taint[16]; /* letters from "(...)" in /proc/modules, "" if none */
    /* sysfs */
    int64_t coresize, initsize; /* bytes, KM_NA when absent */
    char initstate[12];         /* "" when absent */
    int nsections;
    struct km_section *sections; /* readable only by root; addr 0 when hidden */
    bool sections_denied;        /* sections/ exists but this reader may not list it */
};

struct km_modules {
    size_t n;
    struct km_module *mods; /* in /proc/modules order */
};

/*
 * Pure. A line it cannot read is left out and counted in err (skipped,
 * skip_line, skip_msg); -EINVAL only when no line could be read.
 */
int km_parse_modules(const char *buf, size_t len, struct km_modules *out, struct km_perr *err);

/*
 * What /sys/module/<m>/ says of a loaded module does not change while it
 * stays loaded (same name, base, size, state Live): a cache keeps it so that
 * a frame reads sysfs only for modules that are new or still loading.
 * Recreate it when /proc and /sys change (a switch of captured tree).
 */
struct km_mod_cache;
struct km_mod_cache *km_mod_cache_new(void);
void km_mod_cache_free(struct km_mod_cache **c);
/*
 * Fills every module's sysfs fields: coresize, initsize, initstate, taint,
 * and with `sections` the address of every section but the init-time ones
 * (.init.*, .symtab, .strtab), at most KM_MOD_MAX_SECTIONS. refcnt and
 * holders/ are read only when /proc/modules printed "-" for them. Never
 * fails: what is absent or denied stays KM_NA/empty. cache may be NULL.
 */
void km_modules_read_sysfs(struct km_mod_cache *cache, struct km_modules *m, bool sections);
void km_modules_free(struct km_modules *m);
struct km_module *km_modules_find(const struct km_modules *m, const char *name);
/*
 * km_modules_find in constant time, for a caller that looks up many names in one
 * set (the module join, module events): an index of m's names that stays valid
 * while m does. Finds what km_modules_find finds (the first of a name listed twice).
 */
struct km_modidx {
    const struct km_modules *m;
    size_t *slot; /* index + 1 into m->mods, 0 empty; mask + 1 slots */
    size_t mask;
};
void km_modidx_init(struct km_modidx *x, const struct km_modules *m);
const struct km_module *km_modidx_find(const struct km_modidx *x, const char *name);
void km_modidx_free(struct km_modidx *x);

#endif
