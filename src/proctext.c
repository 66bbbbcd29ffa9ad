/* proctext.c - own pure parsers of meminfo and slabinfo. See kmemtop/proctext.h. */
#include "kmemtop/proctext.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- /proc/meminfo ----------------------------------------------------------- */

struct mem_key {
    const char *name;
    size_t off;    /* of the int64_t in struct km_meminfo */
    bool optional; /* KM_NA when absent; else 0, as libproc2 gives */
    bool count;    /* a count of pages (HugePages_*), not kB */
};

#define MK(n, f, o)                                                                                \
    {                                                                                              \
        n, offsetof(struct km_meminfo, f), o, false                                                \
    }
#define MC(n, f)                                                                                   \
    {                                                                                              \
        n, offsetof(struct km_meminfo, f), true, true                                              \
    }
static const struct mem_key mem_keys[] = {
    MK("MemTotal", mem_total, false),
    MK("MemFree", mem_free, false),
    MK("MemAvailable", mem_available, true),
    MK("Buffers", buffers, false),
    MK("Cached", cached, false),
    MK("Slab", slab, false),
    MK("SReclaimable", sreclaimable, false),
    MK("SUnreclaim", sunreclaim, false),
    MK("KReclaimable", kreclaimable, true),
    MK("VmallocTotal", vmalloc_total, false),
    MK("VmallocUsed", vmalloc_used, false),
    MK("KernelStack", kernel_stack, false),
    MK("PageTables", page_tables, false),
    MK("Percpu", percpu, true),
    MK("ShadowCallStack", shadow_call_stack, true),
    MK("SecPageTables", sec_page_tables, true),
    MK("AnonPages", anon_pages, false),
    MK("Shmem", shmem, true),
    MK("SwapCached", swap_cached, false),
    MC("HugePages_Total", huge_total),
    MC("HugePages_Free", huge_free),
    MC("HugePages_Surp", huge_surp),
    MK("Hugepagesize", huge_size, true),
    MK("Hugetlb", hugetlb, true),
    MK("CmaTotal", cma_total, true),
    MK("CmaFree", cma_free, true),
};
#undef MK
#undef MC
#define NKEYS (sizeof(mem_keys) / sizeof(mem_keys[0]))

static int64_t *mem_field(struct km_meminfo *m, size_t k)
{
    return (int64_t *)(void *)((char *)m + mem_keys[k].off);
}

/* "Key:   123 kB" -> key index and KiB; false for a line that is not one. */
static bool mem_line(const char *line, size_t len, size_t *key, int64_t *kib)
{
    const char *colon = memchr(line, ':', len);
    if (!colon)
        return false;
    size_t klen = (size_t)(colon - line);
    *key = NKEYS;
    for (size_t k = 0; k < NKEYS; k++)
        if (strlen(mem_keys[k].name) == klen && memcmp(line, mem_keys[k].name, klen) == 0)
            *key = k;
    struct km_tok t;
    const char *tok;
    size_t tlen;
    km_tok_init(&t, colon + 1, len - klen - 1);
    if (!km_tok_next(&t, &tok, &tlen) || km_parse_i64(tok, tlen, kib) != 0 || *kib < 0)
        return false;
    if (km_tok_next(&t, &tok, &tlen) && !km_tok_eq(tok, tlen, "kB"))
        return false;
    return !km_tok_next(&t, &tok, &tlen);
}

int km_parse_meminfo(const char *buf, size_t len, struct km_meminfo *out, struct km_perr *err)
{
    bool seen[NKEYS] = {0};
    struct km_lines it;
    const char *line;
    size_t llen;
    int lineno = 0;
    memset(out, 0, sizeof(*out));
    km_lines_init(&it, buf, len);
    while (km_lines_next(&it, &line, &llen)) {
        lineno++;
        size_t k;
        int64_t kib;
        if (llen == 0 || (llen == 1 && line[0] == '\r'))
            continue;
        if (!mem_line(line, llen, &k, &kib) || (k < NKEYS && kib > INT64_MAX / 1024)) {
            struct km_perr why;
            km_perr_set(&why, lineno, "not a \"Key: value kB\" line");
            km_perr_skip(err, &why);
            continue;
        }
        if (k < NKEYS && !seen[k]) {
            seen[k] = true;
            *mem_field(out, k) = mem_keys[k].count ? kib : kib * 1024;
        }
    }
    for (size_t k = 0; k < NKEYS; k++)
        if (!seen[k] && mem_keys[k].optional)
            *mem_field(out, k) = KM_NA;
    out->vmalloc_used_valid = seen[10] && out->vmalloc_used != 0;
    if (!seen[0])
        return km_perr_set(err, lineno ? lineno : 1, "no MemTotal line: not a meminfo file");
    return 0;
}

/* ---- /proc/slabinfo ---------------------------------------------------------- */

static bool next_num(struct km_tok *t, int64_t *v)
{
    const char *tok;
    size_t len;
    return km_tok_next(t, &tok, &len) && km_parse_i64(tok, len, v) == 0 && *v >= 0 &&
           *v <= UINT32_MAX;
}

static bool next_word(struct km_tok *t, const char *word)
{
    const char *tok;
    size_t len;
    return km_tok_next(t, &tok, &len) && km_tok_eq(tok, len, word);
}

/* "name active num objsize perslab pages : tunables a b c : slabdata aslabs slabs shared" */
static bool slab_line(const char *line, size_t len, struct km_slab *s)
{
    struct km_tok t;
    const char *tok;
    size_t tlen;
    int64_t skip;
    km_tok_init(&t, line, len);
    if (!km_tok_next(&t, &tok, &tlen))
        return false;
    memset(s, 0, sizeof(*s));
    km_copy(s->name, sizeof(s->name), tok, tlen);
    if (!next_num(&t, &s->active_objs) || !next_num(&t, &s->num_objs) ||
        !next_num(&t, &s->obj_size) || !next_num(&t, &s->objs_per_slab) ||
        !next_num(&t, &s->pages_per_slab) || !next_word(&t, ":") || !next_word(&t, "tunables") ||
        !next_num(&t, &skip) || !next_num(&t, &skip) || !next_num(&t, &skip) ||
        !next_word(&t, ":") || !next_word(&t, "slabdata") || !next_num(&t, &s->active_slabs) ||
        !next_num(&t, &s->num_slabs))
        return false;
    return true;
}

static bool slab_header(const char *line, size_t len)
{
    static const char head[] = "slabinfo - version: 2.";
    return len >= sizeof(head) - 1 && memcmp(line, head, sizeof(head) - 1) == 0;
}

static void slab_finish(struct km_slab *s, long page_size)
{
    int64_t pages, bytes;
    s->footprint = KM_NA;
    if (page_size > 0 && !__builtin_mul_overflow(s->num_slabs, s->pages_per_slab, &pages) &&
        !__builtin_mul_overflow(pages, (int64_t)page_size, &bytes))
        s->footprint = bytes;
    s->growth = NAN;
    s->reclaimable = -1;
    s->naliases = -1;
}

int km_parse_slabinfo(const char *buf, size_t len, long page_size, struct km_slabs *out,
                      struct km_perr *err)
{
    struct km_lines it;
    const char *line;
    size_t llen, cap = 0;
    int lineno = 0;
    memset(out, 0, sizeof(*out));
    km_lines_init(&it, buf, len);
    if (!km_lines_next(&it, &line, &llen) || !slab_header(line, llen))
        return km_perr_set(err, 1, "not \"slabinfo - version: 2.x\"");
    lineno = 1;
    while (km_lines_next(&it, &line, &llen)) {
        lineno++;
        if (llen == 0 || line[0] == '#' || (llen == 1 && line[0] == '\r'))
            continue;
        struct km_slab s;
        if (!slab_line(line, llen, &s)) {
            struct km_perr why;
            km_perr_set(&why, lineno, "not a cache line of 8 numbers and 2 labels");
            km_perr_skip(err, &why);
            continue;
        }
        slab_finish(&s, page_size);
        xgrow((void **)&out->slabs, &cap, out->n + 1, sizeof(*out->slabs));
        out->slabs[out->n++] = s;
    }
    if (!out->slabs && err && err->skipped)
        return km_perr_unusable(err);
    if (!out->slabs)
        out->slabs = xcalloc(1, sizeof(*out->slabs));
    km_slabs_number_duplicates(out);
    return 0;
}
