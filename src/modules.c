/* modules.c - /proc/modules parser and /sys/module/<m>/ reader. See include/kmemtop/modules.h. */
#include "kmemtop/modules.h"
#include "kmemtop/read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- /proc/modules: pure ------------------------------------------------ */

/* "a,b,[permanent]," or "-": names into m->deps, "[permanent]" into m->permanent. */
static void parse_deps(const char *s, size_t len, struct km_module *m)
{
    if (km_tok_eq(s, len, "-"))
        return;
    size_t cap = 0, i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] != ',')
            j++;
        if (j > i) {
            if (km_tok_eq(s + i, j - i, "[permanent]")) {
                m->permanent = true;
            } else {
                xgrow((void **)&m->deps, &cap, (size_t)m->ndeps + 1, sizeof(*m->deps));
                m->deps[m->ndeps++] = xstrndup(s + i, j - i);
            }
        }
        i = j + 1;
    }
}

/* "(POE)", "(O+)", "(O-)": the taint letters; '+' (coming) and '-' (going) are states. */
static void parse_taint(const char *s, size_t len, struct km_module *m)
{
    size_t k = 0;
    for (size_t i = 1; i + 1 < len && k + 1 < sizeof(m->taint); i++)
        if (s[i] != '+' && s[i] != '-')
            m->taint[k++] = s[i];
    m->taint[k] = '\0';
}

/* "0x%p" of the base; "(____ptrval____)" early in boot counts as hidden (0). */
static int parse_base(const char *s, size_t len, uint64_t *out)
{
    if (len > 2 && s[0] == '0' && s[1] == 'x' && s[2] == '(') {
        *out = 0;
        return 0;
    }
    return km_parse_hex(s, len, out);
}

static void module_init(struct km_module *m)
{
    memset(m, 0, sizeof(*m));
    m->refcnt = KM_NA;
    m->coresize = m->initsize = KM_NA;
}

/* Columns 1-5 are required; the address (2.6+) and the taint flags are optional. */
static int parse_line(const char *line, size_t len, int ln, struct km_module *m,
                      struct km_perr *err)
{
    struct km_tok t;
    const char *tok[7];
    size_t tl[7];
    int n = 0;
    km_tok_init(&t, line, len);
    while (n < 7 && km_tok_next(&t, &tok[n], &tl[n]))
        n++; /* an eighth column and beyond is ignored */
    if (n == 0)
        return 1;
    if (n < 5)
        return km_perr_set(err, ln, "expected at least 5 columns, found %d", n);
    if (tl[0] >= sizeof(m->name))
        return km_perr_set(err, ln, "module name longer than %zu bytes", sizeof(m->name) - 1);
    km_copy(m->name, sizeof(m->name), tok[0], tl[0]);
    uint64_t u;
    if (km_parse_u64(tok[1], tl[1], &u) || u > UINT32_MAX) /* the kernel prints it with %u */
        return km_perr_set(err, ln, "bad size '%.*s'", (int)(tl[1] > 30 ? 30 : tl[1]), tok[1]);
    m->size = (int64_t)u;
    if (!km_tok_eq(tok[2], tl[2], "-") && km_parse_i64(tok[2], tl[2], &m->refcnt))
        return km_perr_set(err, ln, "bad refcount '%.*s'", (int)(tl[2] > 30 ? 30 : tl[2]), tok[2]);
    parse_deps(tok[3], tl[3], m);
    km_copy(m->state, sizeof(m->state), tok[4], tl[4]);
    for (int i = 5; i < n; i++) {
        if (tok[i][0] == '(' && tok[i][tl[i] - 1] == ')')
            parse_taint(tok[i], tl[i], m);
        else if (i == 5 && parse_base(tok[i], tl[i], &m->addr))
            return km_perr_set(err, ln, "bad address '%.*s'", (int)(tl[i] > 30 ? 30 : tl[i]),
                               tok[i]);
    }
    return 0;
}

static void module_free(struct km_module *m)
{
    for (int i = 0; i < m->ndeps; i++)
        free(m->deps[i]);
    free(m->deps);
    free(m->sections);
    m->deps = NULL;
    m->sections = NULL;
    m->ndeps = m->nsections = 0;
}

/* A line that cannot be read is left out and counted (err->skipped); none readable: -EINVAL. */
int km_parse_modules(const char *buf, size_t len, struct km_modules *out, struct km_perr *err)
{
    struct km_lines it;
    const char *line;
    size_t llen, cap = 0;
    int bad = 0;
    memset(out, 0, sizeof(*out));
    km_lines_init(&it, buf, len);
    while (km_lines_next(&it, &line, &llen)) {
        struct km_perr why = {0};
        xgrow((void **)&out->mods, &cap, out->n + 1, sizeof(*out->mods));
        struct km_module *m = &out->mods[out->n];
        module_init(m);
        int rc = parse_line(line, llen, it.lineno, m, &why);
        if (rc < 0) {
            module_free(m);
            km_perr_skip(err, &why);
            bad++;
        } else if (rc == 0) {
            out->n++;
        }
    }
    if (bad && out->n == 0) {
        km_modules_free(out);
        return km_perr_unusable(err);
    }
    return 0;
}

void km_modules_free(struct km_modules *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        module_free(&m->mods[i]);
    free(m->mods);
    m->mods = NULL;
    m->n = 0;
}

struct km_module *km_modules_find(const struct km_modules *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->mods[i].name, name) == 0)
            return &m->mods[i];
    return NULL;
}

/* FNV-1a: names are short and few; the table is at least twice their number. */
static size_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

void km_modidx_init(struct km_modidx *x, const struct km_modules *m)
{
    x->m = m;
    x->mask = 0;
    x->slot = NULL;
    if (!m || m->n == 0 || m->n > (SIZE_MAX >> 3))
        return;
    size_t cap = 16;
    while (cap < m->n * 2)
        cap <<= 1;
    x->slot = xcalloc(cap, sizeof(*x->slot));
    x->mask = cap - 1;
    for (size_t i = 0; i < m->n; i++) {
        size_t h = name_hash(m->mods[i].name) & x->mask;
        bool dup = false;
        while (x->slot[h] && !dup) {
            dup = strcmp(m->mods[x->slot[h] - 1].name, m->mods[i].name) == 0;
            h = (h + 1) & x->mask;
        }
        if (!dup) /* the first of a name listed twice, as km_modules_find */
            x->slot[h] = i + 1;
    }
}

const struct km_module *km_modidx_find(const struct km_modidx *x, const char *name)
{
    if (!x->slot)
        return x->m ? km_modules_find(x->m, name) : NULL;
    for (size_t h = name_hash(name) & x->mask; x->slot[h]; h = (h + 1) & x->mask)
        if (strcmp(x->m->mods[x->slot[h] - 1].name, name) == 0)
            return &x->m->mods[x->slot[h] - 1];
    return NULL;
}

void km_modidx_free(struct km_modidx *x)
{
    free(x->slot);
    memset(x, 0, sizeof(*x));
}

/* ---- /sys/module/<m>/: reader --------------------------------------------- */

/* A name from /proc/modules becomes a path component: refuse anything odd. */
static bool safe_name(const char *s)
{
    return s[0] && strcmp(s, ".") && strcmp(s, "..") && !strchr(s, '/');
}

/*
 * One section file. 5.8+ makes these binary attributes that answer -EINVAL
 * to a read at pos != 0, so the value must come from a single read() at
 * offset 0 with a buffer of at least 19 bytes: km_read_line does exactly one
 * read() into 4 KiB (km_read_file would read again at pos 19 and fail).
 */
static bool read_section(const char *mod, const char *sec, uint64_t *addr)
{
    char path[512], v[64];
    int n = snprintf(path, sizeof(path), "/sys/module/%s/sections/%s", mod, sec);
    if (n < 0 || (size_t)n >= sizeof(path) || km_read_line(path, v, sizeof(v)))
        return false;
    size_t len = strlen(v);
    while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
        len--;
    return km_parse_hex(v, len, addr) == 0;
}

/*
 * Init-time sections: .init.* (and the init-time copy of the symbol
 * tables) point at memory freed once the module is live, which later
 * modules reuse; the join must not use them, so they are not kept.
 */
static bool init_time_section(const char *name)
{
    return strncmp(name, ".init", 5) == 0 || strcmp(name, ".symtab") == 0 ||
           strcmp(name, ".strtab") == 0;
}

/*
 * Every section of the live module: the join predicts where each of its
 * memory regions starts from them (6.4+: the lowest section of each
 * memory type, whose name says which). A kernel lists one file per
 * allocated section, a few dozen; a module built with one section per
 * function can list thousands, so at most KM_MOD_MAX_SECTIONS are kept.
 */
static void read_sections(struct km_module *m)
{
    char path[512];
    char **names = NULL;
    int n = snprintf(path, sizeof(path), "/sys/module/%s/sections", m->name);
    if (n < 0 || (size_t)n >= sizeof(path))
        return;
    int count = km_read_dir(path, &names, NULL);
    m->sections_denied = km_err_denied(count);
    if (count <= 0) {
        km_strv_free(names, count > 0 ? (size_t)count : 0);
        return; /* absent, or denied (non-root, 4.15+): left out */
    }
    m->sections = xcalloc((size_t)count < KM_MOD_MAX_SECTIONS ? (size_t)count : KM_MOD_MAX_SECTIONS,
                          sizeof(*m->sections));
    for (int i = 0; i < count && m->nsections < KM_MOD_MAX_SECTIONS; i++) {
        struct km_section *s = &m->sections[m->nsections];
        size_t len = strlen(names[i]);
        if (len == 0 || len >= sizeof(s->name) || init_time_section(names[i]) ||
            !read_section(m->name, names[i], &s->addr))
            continue;
        memcpy(s->name, names[i], len + 1);
        m->nsections++;
    }
    km_strv_free(names, (size_t)count);
    if (m->nsections == 0) {
        free(m->sections);
        m->sections = NULL;
    }
}

/* What is fixed while the module stays loaded. */
static void read_fixed(struct km_module *m, bool sections)
{
    char path[256], v[64];
    snprintf(path, sizeof(path), "/sys/module/%s/coresize", m->name);
    if (km_read_i64(path, &m->coresize))
        m->coresize = KM_NA;
    snprintf(path, sizeof(path), "/sys/module/%s/initsize", m->name);
    if (km_read_i64(path, &m->initsize))
        m->initsize = KM_NA;
    snprintf(path, sizeof(path), "/sys/module/%s/initstate", m->name);
    if (km_read_line(path, m->initstate, sizeof(m->initstate)))
        m->initstate[0] = '\0';
    /* /proc/modules prints taint letters only when they exist; sysfs agrees */
    snprintf(path, sizeof(path), "/sys/module/%s/taint", m->name);
    if (m->taint[0] == '\0' && km_read_line(path, v, sizeof(v)) == 0)
        km_copy(m->taint, sizeof(m->taint), v, strlen(v));
    if (sections)
        read_sections(m);
}

/*
 * refcnt and holders/ say what /proc/modules' third and fourth columns say:
 * read only when those are "- -" (a kernel without MODULE_UNLOAD: sysfs
 * usually has nothing either, but a capture or another kernel may).
 */
static void read_usage(struct km_module *m)
{
    char path[256];
    if (!KM_IS_NA(m->refcnt))
        return; /* "<refcnt> <deps>" was printed: nothing to add */
    snprintf(path, sizeof(path), "/sys/module/%s/refcnt", m->name);
    if (km_read_i64(path, &m->refcnt))
        m->refcnt = KM_NA;
    if (m->ndeps == 0) {
        char **names = NULL;
        snprintf(path, sizeof(path), "/sys/module/%s/holders", m->name);
        int n = km_read_dir(path, &names, NULL);
        if (n > 0) {
            m->deps = names;
            m->ndeps = n;
            return;
        }
        km_strv_free(names, n > 0 ? (size_t)n : 0);
    }
}

struct cached_mod {
    char name[KM_MOD_NAME];
    uint64_t addr;
    int64_t size;
    bool sections;
    int64_t coresize, initsize;
    char initstate[12], taint[16];
    int nsections;
    struct km_section *secs;
    bool sections_denied;
};

struct km_mod_cache {
    size_t n;
    struct cached_mod *v;
};

struct km_mod_cache *km_mod_cache_new(void)
{
    return xcalloc(1, sizeof(struct km_mod_cache));
}

static void cache_clear(struct km_mod_cache *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i].secs);
    free(c->v);
    c->v = NULL;
    c->n = 0;
}

void km_mod_cache_free(struct km_mod_cache **c)
{
    if (!c || !*c)
        return;
    cache_clear(*c);
    free(*c);
    *c = NULL;
}

static struct km_section *dup_sections(const struct km_section *s, int n)
{
    if (n <= 0)
        return NULL;
    struct km_section *d = xmalloc((size_t)n * sizeof(*d));
    memcpy(d, s, (size_t)n * sizeof(*d));
    return d;
}

/* The cached entry for a module loaded as m is now, or NULL. */
static const struct cached_mod *cache_find(const struct km_mod_cache *c, const struct km_module *m,
                                           size_t hint, bool sections)
{
    for (size_t k = 0; c && k < c->n; k++) {
        const struct cached_mod *e = &c->v[(hint + k) % c->n];
        if (strcmp(e->name, m->name) == 0)
            return e->addr == m->addr && e->size == m->size && e->sections == sections
                       ? e : NULL;
    }
    return NULL;
}

static void from_cache(struct km_module *m, const struct cached_mod *e)
{
    m->coresize = e->coresize;
    m->initsize = e->initsize;
    memcpy(m->initstate, e->initstate, sizeof(m->initstate));
    if (m->taint[0] == '\0')
        memcpy(m->taint, e->taint, sizeof(m->taint));
    m->sections = dup_sections(e->secs, e->nsections);
    m->nsections = m->sections ? e->nsections : 0;
    m->sections_denied = e->sections_denied;
}

static void to_cache(struct cached_mod *e, const struct km_module *m, bool sections)
{
    memset(e, 0, sizeof(*e));
    memcpy(e->name, m->name, sizeof(e->name));
    e->addr = m->addr;
    e->size = m->size;
    e->sections = sections;
    e->coresize = m->coresize;
    e->initsize = m->initsize;
    memcpy(e->initstate, m->initstate, sizeof(e->initstate));
    memcpy(e->taint, m->taint, sizeof(e->taint));
    e->secs = dup_sections(m->sections, m->nsections);
    e->nsections = e->secs ? m->nsections : 0;
    e->sections_denied = m->sections_denied;
}

void km_modules_read_sysfs(struct km_mod_cache *cache, struct km_modules *m, bool sections)
{
    struct cached_mod *next = xcalloc(m->n ? m->n : 1, sizeof(*next));
    size_t nnext = 0;
    for (size_t i = 0; i < m->n; i++) {
        struct km_module *mod = &m->mods[i];
        mod->coresize = mod->initsize = KM_NA;
        mod->initstate[0] = '\0';
        free(mod->sections);
        mod->sections = NULL;
        mod->nsections = 0;
        if (!safe_name(mod->name))
            continue;
        const struct cached_mod *e = cache_find(cache, mod, i, sections);
        if (e)
            from_cache(mod, e);
        else
            read_fixed(mod, sections);
        read_usage(mod);
        /* a module still loading (or going) changes: keep only settled ones */
        if (cache && strcmp(mod->state, "Live") == 0)
            to_cache(&next[nnext++], mod, sections);
    }
    if (!cache) {
        free(next);
        return;
    }
    cache_clear(cache);
    cache->v = next;
    cache->n = nnext;
}
