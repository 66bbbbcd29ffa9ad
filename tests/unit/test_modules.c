/* test_modules.c - km_parse_modules on captures and inline edge cases; sysfs in a namespace. */
#include "kmemtop/modules.h"

#include "../tap.h"

#include <errno.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

static int parse(const char *b, size_t n, void *out, struct km_perr *e)
{
    return km_parse_modules(b, n, out, e);
}

static void release(void *out)
{
    km_modules_free(out);
}

static int parse_str(const char *s, struct km_modules *m, struct km_perr *e)
{
    return tap_parse_str(parse, s, m, e);
}

static int parse_fixture(const char *rel, struct km_modules *m)
{
    return tap_parse_fixture(parse, rel, m, NULL);
}

/* Lines no /proc/modules has, each the file's only line: an error naming line 1. */
static const struct tap_case bad_lines[] = {
    {"huge size", "a 99999999999999999999 0 - Live 0x0\n", -EINVAL, 1},
    /* found by test_fuzz: a size near INT64_MAX overflowed the module join's page rounding
       (UBSan); the kernel prints the size with %u, so more than 32 bits is corrupt */
    {"size over 32 bits rejected", "a 4294967296 0 - Live 0x0\n", -EINVAL, 1},
    {"bad refcnt", "a 1 x - Live 0x0\n", -EINVAL, 1},
    {"bad address", "a 1 0 - Live 0xzz\n", -EINVAL, 1},
    {"name too long",
     "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn 1 0 - Live "
     "0x0\n",
     -EINVAL, 1},
};

static void test_debian61(void)
{
    struct km_modules m;
    is_int(parse_fixture("debian61-root/proc/modules", &m), 0, "debian61 parses");
    is_int(m.n, 44, "44 modules");
    struct km_module *f = &m.mods[0];
    is_str(f->name, "fuse", "first is fuse");
    is_int(f->size, 176128, "fuse size");
    is_int(f->refcnt, 0, "fuse refcnt");
    is_int(f->ndeps, 0, "fuse: no users");
    is_str(f->state, "Live", "Live");
    is_int(f->addr, 0xffffffffc0e6e000ull, "fuse base");
    is_str(f->taint, "", "no taint");
    ok(KM_IS_NA(f->coresize) && f->initstate[0] == '\0', "sysfs fields absent before reading");
    struct km_module *c = km_modules_find(&m, "cdrom");
    ok(c != NULL, "find cdrom");
    if (c) {
        is_int(c->refcnt, 1, "cdrom refcnt");
        is_int(c->ndeps, 1, "cdrom: one user");
        is_str(c->deps[0], "isofs", "used by isofs (trailing comma dropped)");
    }
    struct km_module *r = km_modules_find(&m, "virtio_ring");
    ok(r && r->ndeps == 5 && strcmp(r->deps[4], "virtio") == 0, "virtio_ring: five users");
    ok(km_modules_find(&m, "nosuch") == NULL, "find unknown module");
    km_modules_free(&m);
}

static void test_old_kernels(void)
{
    struct km_modules m;
    is_int(parse_fixture("zte-armv7-4.1/proc/modules", &m), 0, "zte parses");
    is_int(m.n, 21, "zte: 21 modules");
    struct km_module *b = km_modules_find(&m, "bspdriver");
    ok(b != NULL, "find bspdriver");
    if (b) {
        ok(b->permanent, "[permanent] recognised");
        is_int(b->ndeps, 8, "eight users, [permanent] not among them");
        is_str(b->deps[7], "optical", "last user");
        is_str(b->taint, "O", "out-of-tree taint");
        is_int(b->addr, 0xbf004000, "32-bit base");
        is_int(b->size, 54207, "byte-exact size");
    }
    km_modules_free(&m);

    is_int(parse_fixture("mtk-armv7-3.4/proc/modules", &m), 0, "mtk parses");
    is_int(m.n, 16, "mtk: 16 modules");
    is_str(m.mods[0].name, "wlan_mt6628", "mtk first");
    is_int(m.mods[0].addr, 0, "zeroed address");
    km_modules_free(&m);

    is_int(parse_fixture("sep4020-2.6/proc/modules", &m), 0, "2.6.16 parses");
    is_int(m.n, 13, "13 modules");
    is_str(m.mods[1].name, "sep4020_asyncio", "2.6 name");
    is_int(m.mods[1].size, 2820, "2.6 size");
    is_str(m.mods[1].deps[0], "sep4020_power", "2.6 user");
    is_int(m.mods[12].addr, 0xbf000000, "2.6 base");
    km_modules_free(&m);
}

static void test_edges(void)
{
    struct km_modules m;
    struct km_perr e = {0};

    is_int(parse_str("", &m, &e), 0, "empty parses");
    is_int(m.n, 0, "empty: none");
    km_modules_free(&m);

    const char *s = "nvidia 56000000 3 - Live 0xffffffffc1000000 (POE)\n"
                    "\n"
                    "foo 4096 - - Loading 0x0000000000000000 (O+)\n"
                    "bar 8192 0 - Unloading 0x(____ptrval____) (O-) extra column\n"
                    "baz 12288 2 [permanent],x, Live 0xbf000000";
    is_int(parse_str(s, &m, &e), 0, "edge lines parse");
    is_int(m.n, 4, "blank line skipped");
    is_str(m.mods[0].taint, "POE", "(POE)");
    is_int(m.mods[0].size, 56000000, "large size");
    ok(KM_IS_NA(m.mods[1].refcnt), "'- -' without MODULE_UNLOAD: refcnt absent");
    is_int(m.mods[1].ndeps, 0, "'- -': no users");
    is_str(m.mods[1].state, "Loading", "Loading");
    is_str(m.mods[1].taint, "O", "(O+) keeps the letter");
    is_str(m.mods[2].state, "Unloading", "Unloading");
    is_str(m.mods[2].taint, "O", "(O-) keeps the letter");
    is_int(m.mods[2].addr, 0, "ptrval address hidden");
    ok(m.mods[3].permanent && m.mods[3].ndeps == 1, "[permanent] first, no newline at end");
    is_int(m.mods[3].addr, 0xbf000000, "last line address");
    km_modules_free(&m);

    is_int(parse_str("old 1234 0 - Live\n", &m, &e), 0, "no address column");
    is_int(m.mods[0].addr, 0, "address absent: 0");
    km_modules_free(&m);

    is_int(parse_str("a 1 0 - Live 0x1\nb 2 0\n", &m, &e), 0, "truncated line left out");
    ok(m.n == 1 && e.skipped == 1 && e.skip_line == 2, "truncated: line 2 counted, a kept");
    km_modules_free(&m);
    tap_cases(parse, release, &m, bad_lines, KM_ARRAY_LEN(bad_lines));
    is_int(parse_str("b 2 0\n", &m, &e), -EINVAL, "truncated, the only line: error");
    is_int(e.line, 1, "truncated, the only line: line 1");
    ok(m.n == 0 && m.mods == NULL, "nothing left after error");
    is_int(parse_str("a 4294967295 0 - Live 0x0\n", &m, &e), 0, "32-bit size accepted");
    is_int(m.mods[0].size, 4294967295LL, "32-bit size kept");
    km_modules_free(&m);
    /* never past len: cut inside the deps column */
    const char *full = "a 1 2 b,c, Live 0x0\n";
    char *cut = malloc(9);
    memcpy(cut, full, 9); /* "a 1 2 b,c" */
    is_int(km_parse_modules(cut, 9, &m, &e), -EINVAL, "cut line rejected");
    free(cut);
}

static void fixture_sys(const char *tree, char *path, size_t n)
{
    const char *src = getenv("KM_SRCDIR");
    snprintf(path, n, "%s/tests/fixtures/%s/sys", src ? src : ".", tree);
}

/* Shows the 6.12 capture's /sys at /sys in a private mount namespace (root only). */
static bool enter_tree(const char *tree)
{
    char path[4096];
    fixture_sys(tree, path, sizeof(path));
    if (unshare(CLONE_NEWNS) != 0)
        return false;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return false;
    return mount(path, "/sys", NULL, MS_BIND | MS_REC, NULL) == 0;
}

/* In that namespace, another capture's /sys over the first. */
static bool swap_tree(const char *tree)
{
    char path[4096];
    fixture_sys(tree, path, sizeof(path));
    return mount(path, "/sys", NULL, MS_BIND | MS_REC, NULL) == 0;
}

static void test_sysfs(void)
{
    struct km_modules m;
    is_int(parse_fixture("debian612-root/proc/modules", &m), 0, "debian612 parses");
    if (!enter_tree("debian612-root")) {
        ok(1, "# SKIP sysfs: cannot bind-mount a capture over /sys here");
        km_modules_free(&m);
        return;
    }
    km_modules_read_sysfs(NULL, &m, true);
    struct km_module *z = km_modules_find(&m, "zram");
    ok(z != NULL, "find zram");
    if (z) {
        is_int(z->coresize, 49152, "zram coresize");
        is_int(z->initsize, 0, "zram initsize");
        is_str(z->initstate, "live", "zram initstate");
        is_str(z->taint, "", "empty taint file");
        /* every captured section but the 4 init-time ones (.init.text, .init.data,
           .symtab, .strtab): 32 files, 28 kept */
        is_int(z->nsections, 28, "every section but .init.*, .symtab, .strtab (28 of zram's)");
        bool init = false;
        for (int i = 0; i < z->nsections; i++)
            init |= strncmp(z->sections[i].name, ".init", 5) == 0;
        ok(!init, "no init-time section kept (their memory is freed and reused)");
        uint64_t text = 0;
        for (int i = 0; i < z->nsections; i++)
            if (strcmp(z->sections[i].name, ".text") == 0)
                text = z->sections[i].addr;
        is_int(text, z->addr, ".text equals the /proc/modules base");
    }
    km_modules_read_sysfs(NULL, &m, false);
    ok(z && z->nsections == 0 && z->sections == NULL, "re-read without sections drops them");

    /* the cache: a second frame of the same modules reads nothing new */
    struct km_mod_cache *cache = km_mod_cache_new();
    km_modules_read_sysfs(cache, &m, true);
    z = km_modules_find(&m, "zram");
    struct km_module *x = km_modules_find(&m, "ext4");
    ok(z && z->nsections == 28 && z->coresize == 49152 && x && x->coresize == 1146880,
       "first frame: read and cached");
    /* sep4020's /sys has neither module: a re-read gives KM_NA, the cache the values */
    ok(swap_tree("sep4020-2.6"), "another tree's /sys over /sys, without zram and ext4");
    if (z)
        z->coresize = 1; /* what a fresh read would overwrite */
    km_modules_read_sysfs(cache, &m, true);
    ok(z && z->coresize == 49152 && z->nsections == 28 && x && x->coresize == 1146880,
       "second frame: from the cache, although /sys no longer has them");
    if (z)
        z->size += 4096; /* reloaded with another size: not the cached module */
    km_modules_read_sysfs(cache, &m, true);
    ok(z && KM_IS_NA(z->coresize) && z->nsections == 0,
       "a changed module is read again (from the new /sys: nothing)");
    ok(x && x->coresize == 1146880, "an unchanged module keeps its cached values");
    km_mod_cache_free(&cache);
    ok(cache == NULL, "cache freed");
    km_modules_free(&m);
}

/* A good file with one line the parser cannot read in the middle: every other module kept. */
static void test_lenient(void)
{
    size_t len, n2;
    struct km_modules m;
    struct km_perr e = {0};
    char *good = tap_slurp("debian61-root/proc/modules", &len);
    char *buf = tap_insert_line(good, len, 20, "evil 12x 0 a,b, Live 0x0", &n2);
    free(good);
    is_int(km_parse_modules(buf, n2, &m, &e), 0, "bad size inside: the file parses");
    free(buf);
    is_int(m.n, 44, "bad size inside: all 44 modules kept");
    ok(e.skipped == 1 && e.skip_line == 21, "bad size inside: line 21 alone left out");
    ok(km_modules_find(&m, "evil") == NULL, "bad size inside: no record for it");
    ok(m.n == 44 && strcmp(m.mods[0].name, "fuse") == 0 && m.mods[43].name[0],
       "bad size inside: first and last modules as without it");
    km_modules_free(&m);
}

/* km_modidx finds what km_modules_find finds, many modules, a name listed twice included. */
static void test_index(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    for (int k = 0; k < 3000; k++)
        fprintf(f, "mod_%d %d 0 - Live 0x%x\n", k, 4096 * (1 + k % 5), 0x1000 * k);
    fprintf(f, "mod_7 1 0 - Live 0x0\n"); /* a name twice: the first is the one found */
    fclose(f);
    struct km_modules m;
    is_int(parse_str(text, &m, NULL), 0, "index: 3001 modules parse");
    struct km_modidx x;
    km_modidx_init(&x, &m);
    size_t same = 0;
    char name[32];
    for (int k = 0; k < 3000; k++) {
        snprintf(name, sizeof(name), "mod_%d", k);
        same += km_modidx_find(&x, name) == km_modules_find(&m, name) &&
                km_modidx_find(&x, name) != NULL;
    }
    is_int((int)same, 3000, "index: every name finds the module km_modules_find finds");
    ok(km_modidx_find(&x, "mod_7") == &m.mods[7], "index: the first of a name listed twice");
    ok(km_modidx_find(&x, "mod_3000") == NULL && km_modidx_find(&x, "") == NULL,
       "index: unknown names are not found");
    km_modidx_free(&x);
    struct km_modules none = {0};
    km_modidx_init(&x, &none);
    ok(km_modidx_find(&x, "mod_1") == NULL, "index of no module finds nothing");
    km_modidx_free(&x);
    km_modules_free(&m);
    free(text);
}

int main(void)
{
    test_index();
    test_lenient();
    test_debian61();
    test_old_kernels();
    test_edges();
    test_sysfs();
    return tap_done();
}
