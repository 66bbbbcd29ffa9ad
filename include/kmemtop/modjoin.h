/*
 * modjoin.h - where each module's memory really is: /proc/modules joined
 * with /proc/vmallocinfo.
 *
 * A module's image lives in vmalloc'd areas (one per module up to 6.3, up
 * to four from 6.4, text in shared 2 MiB execmem caches on 6.15+ x86_64);
 * what its own code vmallocs at run time carries its name after the caller
 * ("sym+0x1/0x2 [zram]"). km_modjoin picks the module-image areas by caller
 * (a set of names, kernel-formats.md 5.2) and assigns them to modules by
 * the best method the data allows:
 *   address  real addresses on both sides: the area containing the base or
 *            a (non-init) section address of the module;
 *   order    hashed vmallocinfo: the printed order of the image areas is
 *            predicted from the modules' memory regions (modorder.c):
 *            one region per module up to 6.3, one per memory type from
 *            6.4 (text at the base, the others at their lowest section),
 *            sorted by (vmap node, start), the node of an address being
 *            (start / (16 pages)) mod N from 6.9 (N = possible CPUs, 1..128)
 *            and N = 1 before (one address order). Each predicted region is
 *            aligned with an area in file order; a module is exact only
 *            when every region found an area that holds its sections and
 *            its areas' pages add up to its lsmod size;
 *   estimate nothing can be matched: PAGE_ALIGN(size) + one guard page;
 *   shared   the module's text lies in a shared execmem cache area: it is
 *            charged its text size, the cache area is its own row.
 * The method is decided from the content (address kind, hashed adjacency),
 * never from the kernel version. Totals reconcile exactly:
 *   attributed + unattributed + shared = every module-image area.
 *
 * Pure: no I/O, no globals. The result keeps indexes into the inputs, so
 * both must outlive it. *out owns its memory (km_modjoin_free).
 */
#ifndef KMEMTOP_MODJOIN_H
#define KMEMTOP_MODJOIN_H

#include "kmemtop/modules.h"
#include "kmemtop/vmallocinfo.h"

enum km_mj_method { KM_MJ_NONE = 0, KM_MJ_ADDRESS, KM_MJ_ORDER, KM_MJ_ESTIMATE, KM_MJ_SHARED };

/* Why the join could not use addresses (KM_MJ_WHY_NONE when it did). */
enum km_mj_why {
    KM_MJ_WHY_NONE = 0,
    KM_MJ_WHY_NO_VMALLOCINFO,    /* not read, missing or denied */
    KM_MJ_WHY_MODULES_HIDDEN,    /* /proc/modules addresses are zero */
    KM_MJ_WHY_VM_ZERO,           /* vmallocinfo addresses are zero */
    KM_MJ_WHY_HASHED_ORDERED,    /* hashed, but the file is address-ordered: order */
    KM_MJ_WHY_HASHED_NODES,      /* hashed, printed by vmap node (6.9+): order by node */
    KM_MJ_WHY_HASHED_UNORDERED,  /* hashed, and no predicted order fits: estimate */
    KM_MJ_WHY_NO_IMAGE_AREAS,    /* vmallocinfo holds no module-image area at all */
};

struct km_mj_sum {
    int64_t areas; /* count */
    int64_t bytes; /* bytes as vmallocinfo prints them (guard pages included) */
    int64_t pages; /* pages= */
};

/* Why a module is an estimate although the join matched others (KM_MJ_MISS_NONE: not). */
enum km_mj_miss {
    KM_MJ_MISS_NONE = 0,
    KM_MJ_MISS_NO_AREA,     /* no image area holds its base or sections */
    KM_MJ_MISS_NO_ADDRESS,  /* its /proc/modules address is zero, or its size unknown */
    KM_MJ_MISS_NO_SECTIONS, /* order, 6.4+: its sections are unreadable, so are its regions */
    KM_MJ_MISS_NOFIT,       /* order: the areas at its place do not fit its regions or size */
};

/* Where the number of vmap nodes (the order's N) came from. */
enum km_mj_nfrom {
    KM_MJ_NF_NONE = 0,
    KM_MJ_NF_POSSIBLE, /* /sys/devices/system/cpu/possible, clamped to 1..128 (1 on 32-bit) */
    KM_MJ_NF_INFERRED, /* not given: the N whose predicted order fits the areas best */
};

/* How module images are laid out in vmalloc areas (KM_MJ_LAYOUT_UNKNOWN: not known). */
enum km_mj_layout {
    KM_MJ_LAYOUT_UNKNOWN = 0,
    KM_MJ_LAYOUT_ONE,   /* one area a module (up to 6.3) */
    KM_MJ_LAYOUT_TYPES, /* one area per memory type: text, data, rodata, ro_after_init (6.4+) */
};

/* What the join may use beyond the two files; all optional ({0}: nothing known). */
struct km_mj_hints {
    int possible_cpus;   /* CPUs in /sys/devices/system/cpu/possible; <= 0 unknown */
    int listed_cpus;     /* CPUs the nodes' cpulists name (a first guess of N); <= 0 unknown */
    int kernel_major;    /* the kernel's version, for estimates only; <= 0 unknown */
    int kernel_minor;
};

struct km_modmem {
    enum km_mj_method method;
    enum km_mj_miss miss;   /* an estimate although matching was possible: why */
    int64_t static_areas;   /* count; KM_NA for an estimate */
    int64_t static_bytes;   /* bytes as printed (guard included); estimate: PAGE_ALIGN(size) +
                               one guard page per area the layout gives it */
    int64_t static_pages;   /* pages */
    int64_t text_bytes;     /* shared: bytes of text charged from a shared area, else 0 */
    int64_t overhead_bytes; /* static_bytes - lsmod size; KM_NA when either is unknown */
    double overhead_pct;    /* percent of the lsmod size; NAN when unknown */
    int64_t dynamic_areas;  /* count of "[name]" areas holding pages; KM_NA without vmallocinfo */
    int64_t dynamic_bytes;  /* bytes as printed */
    int64_t dynamic_pages;  /* pages */
    int64_t total_bytes;    /* static + dynamic (static alone without vmallocinfo) */
    size_t first;           /* this module's areas: list[first .. first+nimage+ndynamic) */
    size_t nimage, ndynamic;
};

struct km_modjoin {
    bool joined;              /* vmallocinfo was given */
    enum km_mj_method method; /* the method the data allowed (per module: mods[i].method) */
    enum km_mj_why why;
    long page_size; /* bytes */
    size_t n;
    struct km_modmem *mods; /* parallel to km_modules.mods */
    size_t *list;           /* indexes into km_vmallocinfo.areas, grouped as below */
    size_t nlist;
    size_t unatt_first, nunatt;   /* image areas matched to no module */
    size_t shared_first, nshared; /* shared execmem cache areas */
    struct km_mj_sum image;        /* every module-image area (shared included) */
    struct km_mj_sum attributed;   /* image areas assigned to a module */
    struct km_mj_sum unattributed; /* image areas assigned to none */
    struct km_mj_sum shared;       /* shared execmem cache areas */
    struct km_mj_sum dynamic;      /* "[name]" areas of loaded modules */
    struct km_mj_sum dynamic_other; /* "[name]" areas naming no loaded module */
    int64_t lsmod_bytes;  /* sum of lsmod sizes */
    int64_t static_bytes; /* sum of module static bytes (estimates and text charges included) */
    int64_t text_bytes;   /* sum of text charged from shared areas */
    int64_t total_bytes;  /* sum of module totals */
    size_t nmatched;      /* modules given areas by address, order or shared */
    size_t nmissing;      /* modules left to an estimate although matching was possible */
    /* order: how the printed order was predicted */
    int vmap_nodes;               /* N the order was predicted with (1: one address order); 0 */
    enum km_mj_nfrom nodes_from;  /* where a vmap_nodes > 1 came from */
    enum km_mj_layout layout;     /* as matched, or as the kernel version implies */
};

/*
 * Joins m with vm (NULL when vmallocinfo was not read). page_size in bytes;
 * h may be NULL. Returns 0 or -EINVAL (page_size <= 0).
 */
int km_modjoin(const struct km_modules *m, const struct km_vmallocinfo *vm, long page_size,
               const struct km_mj_hints *h, struct km_modjoin *out);
void km_modjoin_free(struct km_modjoin *j);
/* "address", "order", "estimate", "shared", "-" */
const char *km_mj_method_name(enum km_mj_method m);
/* A few words: "no area holds it", ...; "" for KM_MJ_MISS_NONE. */
const char *km_mj_miss_text(enum km_mj_miss m);
/* "possible", "inferred", "" */
const char *km_mj_nfrom_name(enum km_mj_nfrom f);
/* Whether a caller symbol (not NUL-terminated) allocates module images. */
bool km_mj_image_caller(const char *sym, size_t len);
/*
 * Whether the file lists areas in address order. Real addresses: starts never
 * decrease. Hashed: of the areas whose end is another's start (a start printed
 * once), at least 8 and 95% are on consecutive lines; a proportion, because
 * 32-bit hashes make a few such pairs by chance on large files.
 */
bool km_mj_address_ordered(const struct km_vmallocinfo *vm);

#endif
