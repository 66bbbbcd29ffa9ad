/* test_meminfo.c - km_meminfo_has_key (pure), and km_meminfo_read on live and captured trees. */
#include "kmemtop/meminfo.h"
#include "kmemtop/proctext.h"

#include "../tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define KIB 1024LL

static void test_has_key(void)
{
    const char *s = "MemTotal:        2016528 kB\n"
                    "ShadowCallStack:12345 kB\n"
                    "Percpu:             1136 kB";
    size_t n = strlen(s);
    ok(km_meminfo_has_key(s, n, "MemTotal"), "first key");
    ok(km_meminfo_has_key(s, n, "ShadowCallStack"), "key with no space after the colon");
    ok(km_meminfo_has_key(s, n, "Percpu"), "last key without newline");
    ok(km_meminfo_has_key(s, n, "Percpu:"), "key given with its colon");
    ok(!km_meminfo_has_key(s, n, "KReclaimable"), "absent key");
    ok(!km_meminfo_has_key(s, n, "Mem"), "prefix of a key is not the key");
    ok(!km_meminfo_has_key(s, n, "kB"), "value text is not a key");
    ok(!km_meminfo_has_key("", 0, "MemTotal"), "empty buffer");
    ok(!km_meminfo_has_key(s, 8, "MemTotal"), "truncated before the colon");
    ok(km_meminfo_has_key(s, 9, "MemTotal"), "truncated just after the colon");
    ok(!km_meminfo_has_key("Active(anon):  1 kB\n", 20, "Active"), "Active(anon) is not Active");

    size_t len;
    char *buf = tap_slurp("debian61-root/proc/meminfo", &len);
    ok(km_meminfo_has_key(buf, len, "SecPageTables"), "6.1 prints SecPageTables");
    ok(km_meminfo_has_key(buf, len, "Percpu"), "6.1 prints Percpu");
    ok(!km_meminfo_has_key(buf, len, "ShadowCallStack"), "x86 has no ShadowCallStack");
    free(buf);
    buf = tap_slurp("mtk-armv7-3.4/proc/meminfo", &len);
    ok(!km_meminfo_has_key(buf, len, "MemAvailable"), "3.4 has no MemAvailable");
    ok(km_meminfo_has_key(buf, len, "VmallocUsed"), "3.4 VmallocUsed");
    free(buf);
}

static void test_live(void)
{
    struct km_mem_ctx *ctx = NULL;
    struct km_meminfo m;
    is_int(km_mem_ctx_new(&ctx), 0, "context");
    is_int(km_meminfo_read(ctx, &m, NULL), 0, "live /proc/meminfo");
    ok(m.mem_total > 16 * 1024 * KIB, "MemTotal plausible");
    ok(m.mem_free > 0 && m.mem_free <= m.mem_total, "MemFree <= MemTotal");
    ok(m.slab > 0 && m.slab == m.sreclaimable + m.sunreclaim, "Slab = SReclaimable + SUnreclaim");
    ok(m.kernel_stack > 0 && m.kernel_stack % KIB == 0, "KernelStack in bytes");
    is_int(km_meminfo_read(ctx, &m, NULL), 0, "second read");
    ok(m.mem_total > 0, "second read has values");
    km_mem_ctx_free(&ctx);
    ok(ctx == NULL, "free clears the pointer");
    km_mem_ctx_free(&ctx);
}

static int stacked; /* mounts to undo, so that the sanitizers find the real /proc at exit */

/* Stacks a capture's proc/ over /proc in this process's private mount namespace. */
static bool show_tree(const char *tree)
{
    char path[4096];
    const char *src = getenv("KM_SRCDIR");
    snprintf(path, sizeof(path), "%s/tests/fixtures/%s/proc", src ? src : ".", tree);
    if (mount(path, "/proc", NULL, MS_BIND, NULL) != 0)
        return false;
    stacked++;
    return true;
}

/* A proc/ of one meminfo holding text, in a temporary directory, over /proc. */
static bool show_text(char *dir, const char *text)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/proc", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/proc/meminfo", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fputs(text, f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/proc", dir);
    if (mount(path, "/proc", NULL, MS_BIND, NULL) != 0)
        return false;
    stacked++;
    return true;
}

static void hide_trees(void)
{
    for (; stacked > 0; stacked--)
        umount2("/proc", MNT_DETACH);
}

static void test_trees(void)
{
    struct km_mem_ctx *ctx = NULL, *old = NULL;
    struct km_meminfo m;
    km_mem_ctx_new(&ctx);

    ok(show_tree("debian61-root"), "debian61 over /proc");
    is_int(km_meminfo_read(ctx, &m, NULL), 0, "6.1 reads");
    is_int(m.mem_total, 2016528 * KIB, "6.1 MemTotal in bytes");
    is_int(m.mem_available, 1749572 * KIB, "6.1 MemAvailable");
    is_int(m.kreclaimable, 20280 * KIB, "6.1 KReclaimable");
    is_int(m.percpu, 1136 * KIB, "6.1 Percpu");
    is_int(m.sec_page_tables, 0, "SecPageTables from the text (libproc2 4.0.2 has no item)");
    is_int(m.anon_pages, 344 * KIB, "6.1 AnonPages");
    ok(m.huge_total == 0 && m.huge_free == 0 && m.huge_surp == 0, "6.1 HugePages_* are counts");
    is_int(m.huge_size, 2048 * KIB, "6.1 Hugepagesize");
    ok(KM_IS_NA(m.shadow_call_stack), "x86: ShadowCallStack absent");
    is_int(m.vmalloc_total, 34359738367 * KIB, "VmallocTotal");
    ok(m.vmalloc_used_valid && m.vmalloc_used == 23328 * KIB, "6.1 VmallocUsed counted");
    old = ctx;
    ctx = NULL;

    ok(show_tree("mtk-armv7-3.4"), "mtk over /proc");
    is_int(km_meminfo_read(old, &m, NULL), 0, "the old context still reads");
    is_int(m.mem_total, 2016528 * KIB, "libproc2 keeps the old file open");
    km_mem_ctx_free(&old);
    km_mem_ctx_new(&ctx);
    is_int(km_meminfo_read(ctx, &m, NULL), 0, "3.4 reads in a new context");
    is_int(m.mem_total, 990732 * KIB, "3.4 MemTotal");
    ok(KM_IS_NA(m.mem_available), "3.4: MemAvailable absent, not MemFree");
    ok(KM_IS_NA(m.percpu) && KM_IS_NA(m.kreclaimable), "3.4: Percpu, KReclaimable absent");
    ok(KM_IS_NA(m.sec_page_tables) && KM_IS_NA(m.shadow_call_stack), "3.4: 6.x keys absent");
    ok(KM_IS_NA(m.hugetlb), "3.4: Hugetlb (5.16+) absent, not 0");
    ok(m.vmalloc_used_valid && m.vmalloc_used == 147764 * KIB, "3.10-era VmallocUsed (VA)");
    is_int(m.page_tables, 9144 * KIB, "3.4 PageTables");
    km_mem_ctx_free(&ctx);

    ok(show_tree("pcp-laptop-a"), "4.4 over /proc");
    km_mem_ctx_new(&ctx);
    is_int(km_meminfo_read(ctx, &m, NULL), 0, "4.4 reads");
    ok(!m.vmalloc_used_valid, "4.4: VmallocUsed 0 means not counted");
    is_int(m.mem_available, 12881060 * KIB, "4.4 MemAvailable");
    ok(KM_IS_NA(m.percpu) && KM_IS_NA(m.kreclaimable), "4.4: Percpu, KReclaimable absent");
    km_mem_ctx_free(&ctx);

    ok(show_tree("sep4020-2.6"), "2.6 over /proc");
    km_mem_ctx_new(&ctx);
    is_int(km_meminfo_read(ctx, &m, NULL), -ENOENT, "no meminfo: -ENOENT");
    is_int(km_meminfo_read(ctx, &m, NULL), -ENOENT, "still -ENOENT on retry");
    km_mem_ctx_free(&ctx);

    /* files that are not a meminfo: an error, never zeros */
    static const char *const not_meminfo[] = {
        "hello world\n",
        "root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n", /* /etc/shadow's shape */
    }; /* (an empty file: libproc2 itself fails, -EIO) */
    char dir[] = "/tmp/km-test-meminfo-XXXXXX";
    ok(mkdtemp(dir) != NULL, "a temporary tree");
    for (size_t i = 0; i < sizeof(not_meminfo) / sizeof(not_meminfo[0]); i++) {
        struct km_perr pe = {0};
        char name[128];
        ok(show_text(dir, not_meminfo[i]), "a file that is not a meminfo over /proc");
        km_mem_ctx_new(&ctx);
        snprintf(name, sizeof(name), "not a meminfo (%zu): -EINVAL", i);
        is_int(km_meminfo_read(ctx, &m, &pe), -EINVAL, name);
        is_str(pe.msg, "no MemTotal line: not a meminfo file", "says there is no MemTotal line");
        is_int(pe.line, 0, "names no line");
        km_mem_ctx_free(&ctx);
        hide_trees();
    }
    char path[4200];
    snprintf(path, sizeof(path), "%s/proc/meminfo", dir);
    remove(path);
    snprintf(path, sizeof(path), "%s/proc", dir);
    rmdir(path);
    rmdir(dir);

    hide_trees();
}

/* Every fixture's meminfo: libproc2 and the own parser give the same record, field by field. */
static void test_paths_agree(void)
{
    static const char *const trees[] = {
        "centos9-5.14",   "debian61-root",  "debian612-root", "debian612a-root", "edge-malformed",
        "edge-rhel8-4.18", "kunpeng-4node", "mtk-armv7-3.4",  "pcp-laptop-a",    "pcp-xeon-2node",
        "this-vm-6.18",   "zte-armv7-4.1",
    };
    for (size_t i = 0; i < sizeof(trees) / sizeof(trees[0]); i++) {
        char rel[128], name[200];
        size_t len;
        struct km_mem_ctx *ctx = NULL;
        struct km_meminfo a, b;
        struct km_perr pe = {0};
        snprintf(rel, sizeof(rel), "%s/proc/meminfo", trees[i]);
        char *buf = tap_slurp(rel, &len);
        memset(&b, 0, sizeof(b));
        int rb = km_parse_meminfo(buf, len, &b, &pe);
        free(buf);
        if (!show_tree(trees[i])) {
            ok(0, trees[i]);
            continue;
        }
        km_mem_ctx_new(&ctx);
        memset(&a, 0, sizeof(a));
        int ra = km_meminfo_read(ctx, &a, NULL);
        km_mem_ctx_free(&ctx);
        hide_trees();
        snprintf(name, sizeof(name), "%s: libproc2 and the own parser agree on every field",
                 trees[i]);
        ok(ra == 0 && rb == 0 && memcmp(&a, &b, sizeof(a)) == 0, name);
    }
}

int main(void)
{
    test_has_key();
    test_live();
    if (unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
        test_trees(), test_paths_agree();
    else
        ok(1, "# SKIP captured trees: no private mount namespace here");
    return tap_done();
}
