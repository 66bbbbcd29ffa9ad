/* test_vmallocinfo.c - km_parse_vmallocinfo on captured files and inline edge cases. */
#include "kmemtop/vmallocinfo.h"

#include "../tap.h"
#include "../fuzz/fz_vm.h"

#include <errno.h>

static int parse(const char *b, size_t n, void *out, struct km_perr *e)
{
    return km_parse_vmallocinfo(b, n, out, e);
}

static void release(void *out)
{
    km_vmallocinfo_free(out);
}

static int parse_str(const char *s, struct km_vmallocinfo *v, struct km_perr *e)
{
    return tap_parse_str(parse, s, v, e);
}

/* strings must not point into the input: tap_parse_fixture frees it before the checks */
static int parse_fixture(const char *rel, struct km_vmallocinfo *v)
{
    return tap_parse_fixture(parse, rel, v, NULL);
}

/* Lines no vmallocinfo has, each the file's only line: an error naming line 1. */
static const struct tap_case bad_lines[] = {
    {"huge size rejected", "0xbf000000-0xbf002000 99999999999999999999 x+0x1/0x2\n", -EINVAL, 1},
    {"missing size rejected", "0xbf000000-0xbf002000\n", -EINVAL, 1},
    {"bad pages= rejected", "0x1-0x2 8192 pages=x vmalloc\n", -EINVAL, 1},
    /* found by test_fuzz: absurd sizes and page counts overflowed the sums of the module
       join (UBSan) */
    {"negative pages= rejected", "0x1-0x2 8192 pages=-1 vmalloc\n", -EINVAL, 1},
    {"bad phys= rejected", "0x1-0x2 8192 phys=zz ioremap\n", -EINVAL, 1},
    {"bad N0= rejected", "0x1-0x2 8192 N0=zz\n", -EINVAL, 1},
    {"65-bit address", "0x11111111111111111-0x2 8192\n", -EINVAL, 1},
    {"exactly 2^60 bytes and 2^40 pages accepted",
     "0x1-0x2 1152921504606846976 a+0/1 pages=1099511627776 vmalloc\n", 0, 0},
};

static void test_debian61_hashed(void)
{
    struct km_vmallocinfo v;
    is_int(parse_fixture("debian61-root/proc/vmallocinfo", &v), 0, "debian61 hashed parses");
    is_int(v.n, 2385, "debian61: 2385 areas");
    is_int(v.addr_kind, KM_ADDR_HASHED, "debian61: hashed addresses detected");
    const struct km_vmarea *a = &v.areas[0];
    is_int(a->start, 0xee4f7165, "first start");
    is_int(a->end, 0xa2ef484b, "first end");
    is_int(a->size, 20480, "first size");
    is_str(a->caller, "irq_init_percpu_irqstack+0xf0/0x120", "first caller");
    is_int(a->caller_symlen, 24, "caller symbol length");
    ok(a->module == NULL, "no module");
    is_int(a->flags, KM_VM_VMAP, "vmap flag");
    ok(KM_IS_NA(a->pages), "vmap area has no pages=");
    is_int(a->lineno, 1, "lineno 1");
    a = &v.areas[165];
    is_int(a->pages, 1024, "bpf_prog_pack pages");
    is_int(a->flags, KM_VM_VMALLOC | KM_VM_VPAGES, "vmalloc vpages");
    is_int(a->nnuma, 2, "two nodes");
    is_int(km_vm_numa(&v, a)[1].node, 1, "N1 node id");
    is_int(km_vm_numa(&v, a)[1].pages, 512, "N1 pages");
    a = &v.areas[v.n - 1];
    is_int(a->flags, KM_VM_UNPURGED, "last line is unpurged");
    ok(a->caller == NULL, "unpurged has no caller");
    is_int(km_vmallocinfo_vmalloc_pages(&v), 5820, "sum of vmalloc pages");
    km_vmallocinfo_free(&v);
}

static void test_debian61_real(void)
{
    struct km_vmallocinfo v;
    is_int(parse_fixture("debian61-root-kptr1/proc/vmallocinfo", &v), 0, "kptr1 parses");
    is_int(v.n, 1692, "kptr1: 1692 areas");
    is_int(v.addr_kind, KM_ADDR_REAL, "kptr1: real addresses");
    is_int(v.areas[0].start, 0xffffd31480000000ull, "real start");
    int mods = 0;
    const struct km_vmarea *virtio = NULL;
    for (size_t i = 0; i < v.n; i++)
        if (v.areas[i].module) {
            mods++;
            if (!virtio)
                virtio = &v.areas[i];
        }
    is_int(mods, 22, "22 areas with [mod]");
    ok(virtio != NULL, "found a module area");
    if (virtio) {
        is_str(virtio->module, "virtio_pci_modern_dev", "module name without brackets");
        is_str(virtio->caller, "vp_modern_map_capability+0x148/0x1d0", "caller without module");
        ok(virtio->flags & KM_VM_IOREMAP, "ioremap with phys=0x...");
    }
    is_int(km_vmallocinfo_vmalloc_pages(&v), 5820, "same vmalloc pages as hashed capture");
    km_vmallocinfo_free(&v);
}

static void test_debian612(void)
{
    struct km_vmallocinfo v;
    is_int(parse_fixture("debian612-root/proc/vmallocinfo", &v), 0, "debian612 parses");
    is_int(v.n, 2189, "debian612: 2189 areas");
    is_int(v.addr_kind, KM_ADDR_REAL, "slub_debug turns hashing off: real");
    const struct km_vmarea *a = &v.areas[49];
    is_str(a->caller, "disksize_store+0x84/0x180", "zram caller");
    is_str(a->module, "zram", "zram module");
    is_int(a->pages, 96, "zram pages");
    is_int(km_vm_numa(&v, a)[0].pages, 96, "N0=96");
    is_int(a->lineno, 50, "lineno 50");
    is_int(km_vmallocinfo_vmalloc_pages(&v), 2258, "debian612 vmalloc pages");
    km_vmallocinfo_free(&v);
}

static void test_arm32(void)
{
    struct km_vmallocinfo v;
    is_int(parse_fixture("zte-armv7-4.1/proc/vmallocinfo", &v), 0, "zte parses");
    is_int(v.n, 91, "zte: 91 areas");
    is_int(v.addr_kind, KM_ADDR_REAL, "32-bit real addresses (end-start == size)");
    is_int(v.areas[0].start, 0xbf000000, "module area start");
    const struct km_vmarea *a = &v.areas[39];
    is_int(a->size, 134221824, "serdes size");
    is_str(a->module, "zte_xgmii", "zte module");
    ok(a->flags & KM_VM_IOREMAP, "phys= without 0x accepted");
    is_int(a->nnuma, 0, "no NUMA tokens");
    is_int(km_vmallocinfo_vmalloc_pages(&v), 3177, "zte vmalloc pages");
    int user = 0;
    for (size_t i = 0; i < v.n; i++)
        user += !!(v.areas[i].flags & KM_VM_USER);
    is_int(user, 3, "three user areas");
    km_vmallocinfo_free(&v);

    is_int(parse_fixture("mtk-armv7-3.4/proc/vmallocinfo", &v), 0, "mtk parses");
    is_int(v.n, 374, "mtk: 374 areas");
    is_int(v.addr_kind, KM_ADDR_REAL, "mtk real");
    a = &v.areas[22];
    is_str(a->module, "pvrsrvkm", "pvrsrvkm module");
    is_int(a->flags, KM_VM_VMALLOC | KM_VM_VPAGES, "vmalloc vpages without pages=");
    ok(KM_IS_NA(a->pages), "pages absent");
    is_int(km_vmallocinfo_vmalloc_pages(&v), 2109, "mtk vmalloc pages");
    km_vmallocinfo_free(&v);
}

static void test_edges(void)
{
    struct km_vmallocinfo v;
    struct km_perr e = {0};

    is_int(parse_str("", &v, &e), 0, "empty parses");
    is_int(v.n, 0, "empty: no areas");
    is_int(v.addr_kind, KM_ADDR_ZERO, "empty: zero kind");
    km_vmallocinfo_free(&v);

    /* no trailing newline, zero addresses, vm_map_ram, unpurged, absent caller */
    const char *zero = "0x0000000000000000-0x0000000000000000   16384 vm_map_ram\n"
                       "0x0000000000000000-0x0000000000000000    8192 unpurged vm_area\n"
                       "0x0000000000000000-0x0000000000000000 2097152 vmalloc\n"
                       "0x0000000000000000-0x0000000000000000    8192 0xffffffffc0001234 pages=1 "
                       "vmalloc";
    is_int(parse_str(zero, &v, &e), 0, "zeroed file parses");
    is_int(v.n, 4, "four areas");
    is_int(v.addr_kind, KM_ADDR_ZERO, "all-zero addresses: ZERO");
    is_int(v.areas[0].flags, KM_VM_MAP_RAM, "vm_map_ram flag");
    ok(v.areas[0].caller == NULL, "vm_map_ram: no caller");
    is_int(v.areas[1].flags, KM_VM_UNPURGED, "unpurged flag");
    ok(v.areas[2].caller == NULL && v.areas[2].flags == KM_VM_VMALLOC, "absent caller");
    is_str(v.areas[3].caller, "0xffffffffc0001234", "bare hex caller");
    is_int(v.areas[3].caller_symlen, 0, "bare hex: no symbol");
    is_int(v.areas[3].pages, 1, "pages on last line without newline");
    km_vmallocinfo_free(&v);

    /* early boot: %pK before the hash key exists */
    const char *pv = "0x(____ptrval____)-0x(____ptrval____)    8192 foo+0x1/0x2 pages=1 vmalloc\n";
    is_int(parse_str(pv, &v, &e), 0, "ptrval parses");
    is_int(v.addr_kind, KM_ADDR_HASHED, "ptrval: HASHED");
    is_int(v.areas[0].start, 0, "ptrval start 0");
    km_vmallocinfo_free(&v);

    /* 32-bit hashes, chained ends, sizes that do not match */
    const char *h = "0x0000000011111111-0x0000000022222222    8192 a+0x1/0x2 pages=1 vmalloc\n"
                    "0x0000000022222222-0x0000000033333333   12288 b+0x1/0x2 pages=2 vmalloc\n";
    is_int(parse_str(h, &v, &e), 0, "hashed parses");
    is_int(v.addr_kind, KM_ADDR_HASHED, "chained 32-bit values: HASHED");
    km_vmallocinfo_free(&v);

    /* unknown flag word, extra columns, old phys=, blank line, long symbol */
    char line[1200];
    char sym[600];
    memset(sym, 'x', 512);
    sym[512] = '\0';
    snprintf(line, sizeof(line),
             "0xbf000000-0xbf002000 8192 %s+0x0/0x10 [m] phys=1f000 ioremap newflag N0=1\n\n"
             "0xbf002000-0xbf004000 8192 y+0x1/0x2 pages=1 vmalloc N0=1 N1=0 N2=0 N3=0 N4=0 N5=0 "
             "N6=0 N7=0 N8=0 N9=5",
             sym);
    is_int(parse_str(line, &v, &e), 0, "long line with unknown word parses");
    is_int(v.n, 2, "blank line skipped");
    is_int(v.addr_kind, KM_ADDR_REAL, "32-bit consistent: REAL");
    is_int(v.areas[0].caller_symlen, 512, "512-char symbol");
    is_str(v.areas[0].module, "m", "module after long symbol");
    is_int(v.areas[0].flags, KM_VM_IOREMAP, "unknown word ignored");
    is_int(v.areas[1].nnuma, KM_VM_MAX_NUMA, "NUMA list capped");
    is_int(v.areas[1].lineno, 3, "line numbers count blank lines");
    km_vmallocinfo_free(&v);

    tap_cases(parse, release, &v, bad_lines, KM_ARRAY_LEN(bad_lines));
    is_int(parse_str("0xbf000000-0xbf002000 8192 a+0/1\n0xbf00", &v, &e), 0,
           "truncated line left out");
    ok(v.n == 1 && e.skipped == 1 && e.skip_line == 2, "truncated: line 2 counted, line 1 kept");
    km_vmallocinfo_free(&v);
    is_int(parse_str("0xbf00\n", &v, &e), -EINVAL, "truncated, the only line: rejected");
    ok(v.n == 0 && v.areas == NULL, "output empty after error");
    /* a file whose areas add up past 2^60 bytes or 2^40 pages is corrupt (test_fuzz) */
    is_int(parse_str("0x1-0x2 576460752303423488 a+0/1 pages=1 vmalloc\n"
                     "0x2-0x3 576460752303423488 a+0/1 pages=1 vmalloc\n"
                     "0x3-0x4 1 a+0/1 pages=1 vmalloc\n",
                     &v, &e),
           0, "sizes adding up past 2^60: the line left out");
    ok(v.n == 2 && e.skipped == 1, "sizes past 2^60: the other 2 kept");
    is_int(e.skip_line, 3, "sizes past 2^60: the line that crosses it");
    ok(strstr(e.skip_msg, "2^60 bytes") != NULL, "sizes past 2^60: said so");
    km_vmallocinfo_free(&v);
    is_int(parse_str("0x1-0x2 8192 a+0/1 pages=1099511627775 vmalloc\n"
                     "0x2-0x3 8192 a+0/1 pages=1 vmalloc\n"
                     "0x3-0x4 8192 a+0/1 pages=1 vmalloc\n",
                     &v, &e),
           0, "pages adding up past 2^40: the line left out");
    is_int(e.skip_line, 3, "pages past 2^40: the line that crosses it");
    is_int(km_vmallocinfo_vmalloc_pages(&v), 1099511627776, "pages past 2^40: sum stops at 2^40");
    km_vmallocinfo_free(&v);

    /* the parser never reads past len: cut a line in the middle of a token */
    const char *full = "0xbf000000-0xbf002000 8192 abc+0x1/0x2 [mod] pages=1 vmalloc\n";
    size_t cut = strlen("0xbf000000-0xbf002000 8192 abc+0x1/0x2 [mo");
    char *exact = malloc(cut);
    memcpy(exact, full, cut);
    is_int(km_parse_vmallocinfo(exact, cut, &v, &e), 0, "cut inside [mod] parses");
    is_str(v.areas[0].module, "mo", "unterminated module kept");
    km_vmallocinfo_free(&v);
    free(exact);
}

/* A good file with one line the parser cannot read in the middle: every other area kept. */
static void test_lenient(void)
{
    size_t len, n2;
    struct km_vmallocinfo v;
    struct km_perr e = {0};
    char *good = tap_slurp("debian61-root/proc/vmallocinfo", &len);
    char *buf = tap_insert_line(good, len, 100, "0x1-0x2 8192 a+0/1 pages=x vmalloc", &n2);
    free(good);
    is_int(km_parse_vmallocinfo(buf, n2, &v, &e), 0, "bad pages= inside: the file parses");
    free(buf);
    is_int(v.n, 2385, "bad pages= inside: all 2385 areas kept");
    ok(e.skipped == 1 && e.skip_line == 101, "bad pages= inside: line 101 alone left out");
    ok(strstr(e.skip_msg, "pages=x") != NULL, "bad pages= inside: quoted");
    is_int(v.addr_kind, KM_ADDR_HASHED, "bad pages= inside: still hashed");
    ok(v.n > 100 && v.areas[100].lineno == 102, "the area after it keeps its own line number");
    is_int(km_vmallocinfo_vmalloc_pages(&v), 5820, "bad pages= inside: the same vmalloc pages");
    km_vmallocinfo_free(&v);
}

/* 3.4 vendor kernels: "vmalloc vpages" without pages= holds RAM; percpu chunks do not */
static void test_estimate_pages(void)
{
    static const char f[] =
        "0xde151000-0xde153000    8192 NewVMallocLinuxMemArea+0x8c/0x14c [pvrsrvkm] vmalloc vpages\n"
        "0xde160000-0xde561000 4198400 NewVMallocLinuxMemArea+0x8c/0x14c [pvrsrvkm] vmalloc vpages\n"
        "0xde600000-0xde800000 2097152 pcpu_get_vm_areas+0x0/0x1080 vmalloc\n"
        "0xde800000-0xde803000   12288 foo+0x1/0x2 pages=2 vmalloc vpages\n"
        "0xde900000-0xde902000    8192 unpurged vm_area\n"
        "0xdea00000-0xdea02000    8192 vm_map_ram\n";
    struct km_vmallocinfo v;
    if (km_parse_vmallocinfo(f, sizeof(f) - 1, &v, NULL) || v.n != 6) {
        ok(0, "estimate: the lines parse");
        return;
    }
    is_int((int64_t)km_vmallocinfo_estimate_pages(&v, 4096), 2, "estimate: the two vpages lines");
    ok(v.areas[0].pages == 1 && v.areas[1].pages == 1024 &&
           (v.areas[0].flags & KM_VM_PAGES_EST) && (v.areas[1].flags & KM_VM_PAGES_EST),
       "estimate: size less the guard page (8192 -> 1, 4198400 -> 1024), marked");
    ok(KM_IS_NA(v.areas[2].pages) && !(v.areas[2].flags & KM_VM_PAGES_EST),
       "estimate: a percpu chunk (vmalloc, no vpages) has no pages of its own");
    ok(v.areas[3].pages == 2 && !(v.areas[3].flags & KM_VM_PAGES_EST),
       "estimate: a printed pages= is kept");
    ok(KM_IS_NA(v.areas[4].pages) && KM_IS_NA(v.areas[5].pages),
       "estimate: unpurged and vm_map_ram untouched");
    is_int(km_vmallocinfo_vmalloc_pages(&v), 1027, "estimate: the vmalloc page sum counts them");
    is_int((int64_t)km_vmallocinfo_estimate_pages(&v, 4096), 0, "estimate: a second pass changes nothing");
    km_vmallocinfo_free(&v);
}

/*
 * What a frame keeps of a large file: each caller and module text once (areas of one caller
 * share its pointer), every area's N<nid>= counts in one array, a line left out giving its
 * counts back.
 */
static void test_shared_storage(void)
{
    struct km_vmallocinfo v;
    struct km_perr e = {0};
    const char *f = "0x1000-0x3000 8192 foo+0x1/0x2 [m] pages=1 vmalloc N0=1\n"
                    "0x3000-0x5000 8192 bar+0x1/0x2 pages=1 vmalloc N1=1\n"
                    "0x5000-0x7000 8192 foo+0x1/0x2 pages=1 vmalloc N2=1 N3=oops\n"
                    "0x7000-0xa000 12288 foo+0x1/0x2 [m] pages=2 vmalloc N4=1 N5=1\n"
                    "0xa000-0xc000 8192 foo+0x1/0x20 pages=1 vmalloc N6=1\n";
    is_int(parse_str(f, &v, &e), 0, "shared storage: parses");
    is_int(v.n, 4, "shared storage: the bad N3= line left out");
    ok(v.areas[0].caller == v.areas[2].caller && v.areas[0].module == v.areas[2].module,
       "shared storage: one caller and module text, one pointer");
    ok(v.areas[0].caller != v.areas[3].caller && v.areas[0].caller != v.areas[1].caller,
       "shared storage: another caller text, another pointer");
    is_str(v.areas[3].caller, "foo+0x1/0x20", "shared storage: a longer text is its own");
    is_int((int)v.nnuma, 5, "shared storage: five per-node counts kept, the bad line's not");
    ok(km_vm_numa(&v, &v.areas[2])[0].node == 4 && km_vm_numa(&v, &v.areas[2])[1].node == 5 &&
           v.areas[2].nnuma == 2,
       "shared storage: the area after the bad line has its own counts");
    ok(km_vm_numa(&v, &v.areas[3])[0].node == 6, "shared storage: and the last one");
    km_vmallocinfo_free(&v);
}

/* The 64-bit range read in place: every digit, either case; a bad digit is the line's error. */
static void test_range_in_place(void)
{
    struct km_vmallocinfo v;
    struct km_perr e = {0};
    const char *f = "0xFEDCBA9876543210-0xfedcba9876545210 8192 a+0/1 pages=1 vmalloc\n"
                    "0x0123456789abcdef-0x0123456789abefef 8192 a+0/1 pages=1 vmalloc\n"
                    "0xffffb0000000000g-0xffffb00000002000 8192 a+0/1 pages=1 vmalloc\n"
                    "0xffffb00000004000-0xffffb0000000:000 8192 a+0/1 pages=1 vmalloc\n";
    is_int(parse_str(f, &v, &e), 0, "range in place: parses");
    ok(v.n == 2 && v.areas[0].start == 0xfedcba9876543210ull &&
           v.areas[0].end == 0xfedcba9876545210ull && v.areas[1].start == 0x0123456789abcdefull &&
           v.areas[1].end == 0x0123456789abefefull,
       "range in place: upper and lower case, every digit value");
    ok(e.skipped == 2 && e.skip_line == 3 && strstr(e.skip_msg, "bad address range"),
       "range in place: a g or a : in it leaves the line out, named");
    km_vmallocinfo_free(&v);
}

/*
 * What the parser takes from the line before (its caller and module, when the text is the
 * same) and the eight-bytes-at-a-time token scan: each must give what a fresh line gives.
 */
static void test_line_before(void)
{
    struct km_vmallocinfo v;
    struct km_perr e = {0};
    const char *f = "0x1000-0x3000 8192 foo+0x1/0x2 [a] pages=1 vmalloc N0=1\n"
                    "0x3000-0x5000 8192 foo+0x1/0x2 [b] pages=1 vmalloc N10=2\n"
                    "0x5000-0x7000 8192 foo+0x1/0x2 pages=1 vmalloc N07=3\n"
                    "0x7000-0x9000 8192 foo+0x1/0x2 [b] pages=1 vmalloc\n"
                    "0x9000-0xb000 8192 foo+0x1/0x2x pages=1 vmalloc\n"
                    "0xb000-0xd000 8192 foo+0x1/0x2 vmalloc\tpages=4\n"
                    "0xd000-0xf000 8192 a_long_symbol_\001name+0x10/0x20 pages=1\tvmalloc\n"
                    "0xf000-0x11000 8192 a_very_long_symbol_name+0x1/0x2";
    is_int(parse_str(f, &v, &e), 0, "line before: parses");
    is_int(v.n, 8, "line before: every line kept");
    ok(v.n == 8 && v.areas[0].caller == v.areas[1].caller && strcmp(v.areas[0].module, "a") == 0 &&
           strcmp(v.areas[1].module, "b") == 0 && v.areas[1].caller_symlen == 3,
       "line before: the same caller in another module takes that module, and its symbol");
    ok(v.n == 8 && v.areas[2].module == NULL && v.areas[2].caller == v.areas[0].caller,
       "line before: the same caller without a module has none");
    ok(v.n == 8 && v.areas[3].module == v.areas[1].module,
       "line before: a module seen before is the same text");
    ok(v.n == 8 && strcmp(v.areas[4].caller, "foo+0x1/0x2x") == 0 &&
           v.areas[4].caller != v.areas[0].caller,
       "line before: a caller that only begins like the last one is its own");
    ok(v.n == 8 && v.areas[5].caller == v.areas[0].caller && v.areas[5].pages == 4 &&
           (v.areas[5].flags & KM_VM_VMALLOC),
       "line before: a tab between tokens");
    ok(v.n == 8 && strcmp(v.areas[6].caller, "a_long_symbol_\001name+0x10/0x20") == 0 &&
           v.areas[6].caller_symlen == 19 && (v.areas[6].flags & KM_VM_VMALLOC) &&
           v.areas[6].pages == 1,
       "line before: a control byte that is not blank stays inside its token");
    ok(v.n == 8 && strcmp(v.areas[7].caller, "a_very_long_symbol_name+0x1/0x2") == 0,
       "line before: a long token at the end of the buffer, no newline");
    ok(v.n == 8 && v.areas[1].nnuma == 1 && km_vm_numa(&v, &v.areas[1])[0].node == 10 &&
           km_vm_numa(&v, &v.areas[1])[0].pages == 2 && v.areas[2].nnuma == 1 &&
           km_vm_numa(&v, &v.areas[2])[0].node == 7 && km_vm_numa(&v, &v.areas[2])[0].pages == 3,
       "line before: N10= and N07= read as nodes 10 and 7");
    km_vmallocinfo_free(&v);
}

/* Parsed in pieces, as the live file is read, into recycled memory: what the whole gives. */
static void test_pieces(void)
{
    static const char *const files[] = {
        "debian61-root/proc/vmallocinfo", "debian61-root-kptr1/proc/vmallocinfo",
        "debian612-root/proc/vmallocinfo", "mtk-armv7-3.4/proc/vmallocinfo",
        "this-vm-6.18/proc/vmallocinfo", "zte-armv7-4.1/proc/vmallocinfo", "edge-malformed/proc/vmallocinfo",
        "debian61-race/proc/vmallocinfo",
    };
    /* errors, a line printed twice, blank and CRLF lines, no last newline */
    static const char edge[] = "0x1000-0x3000 8192 a+0x1/0x2 pages=1 vmalloc N0=1\n"
                               "\n"
                               "junk\n"
                               "0x1000-0x3000 8192 a+0x1/0x2 pages=1 vmalloc N0=1\n"
                               "0x3000-0x6000 12288 b+0x1/0x2 [mod] pages=2 vmalloc\r\n"
                               "0x6000-0x8000 8192 pages=x\n"
                               "0x8000-0x9000 4096 c+0x1/0x2 [mod] ioremap";
    struct km_vmallocinfo spare = {0};
    char why[160], name[256];
    for (size_t f = 0; f <= sizeof(files) / sizeof(files[0]); f++) {
        size_t len;
        char *buf;
        const char *what = f < sizeof(files) / sizeof(files[0]) ? files[f] : "edge lines";
        if (f < sizeof(files) / sizeof(files[0])) {
            buf = tap_slurp(files[f], &len);
        } else {
            len = sizeof(edge) - 1;
            buf = malloc(len);
            memcpy(buf, edge, len);
        }
        struct km_vmallocinfo whole, part;
        struct km_perr e1 = {0};
        int rc = km_parse_vmallocinfo(buf, len, &whole, &e1);
        for (unsigned seed = 0; seed < 4; seed++) {
            struct km_perr e2 = {0};
            int rc2 = vm_parse_pieces(buf, len, seed, &spare, &part, &e2);
            const char *d = rc || rc2 ? NULL : vm_differ(&whole, &part, why, sizeof(why));
            snprintf(name, sizeof(name), "%s in pieces (cuts %u): %s", what, seed,
                     d ? d : "the same areas");
            ok(rc == rc2 && d == NULL && e1.skipped == e2.skipped &&
                   e1.skip_line == e2.skip_line && strcmp(e1.skip_msg, e2.skip_msg) == 0,
               name);
            if (rc2 == 0)
                km_vmallocinfo_recycle(&part, &spare);
        }
        if (f == sizeof(files) / sizeof(files[0])) {
            is_int(whole.n, 3, "edge lines: 3 areas");
            is_int(whole.dups, 1, "  ... one line printed twice");
            is_int(e1.skipped, 2, "  ... two lines left out");
            is_str(whole.n == 3 && whole.areas[2].module ? whole.areas[2].module : "(none)", "mod",
                   "  ... the last line's module");
        }
        if (rc == 0)
            km_vmallocinfo_free(&whole);
        free(buf);
    }
    ok(spare.areas_cap > 0, "the recycled memory is kept for the next parse");
    km_vmallocinfo_free(&spare);
}

/* The tail memo: bytes after the size that repeat the line before's, and where they stop. */
static void test_tail_memo(void)
{
    struct km_vmallocinfo v;
    struct km_perr e = {0};
    const char *f = "0x1000-0x3000 8192 foo+0x1/0x2 pages=4 N0=4\n"
                    "0x3000-0x5000 8192 foo+0x1/0x2 pages=45 vmalloc N1=45\n"
                    "0x5000-0x7000 8192 bar+0x1/0x2 [m] pages=2 vmalloc N0=2\n"
                    "0x7000-0x9000 8192 foo+0x1/0x2 pages=3 ioremap N0=zz\n"
                    "0x9000-0xb000 8192 bar+0x1/0x2 [m] pages=2 vmalloc N0=2 vpages\n"
                    "0xb000-0xd000 8192 bar+0x1/0x2 [m] pages=2 vmalloc\n"
                    "0xd000-0xf000 8192 bar+0x1/0x2 [m] pages=2 vmallocx N3=1\n"
                    "0xf000-0x11000 8192 bar+0x1/0x2 [mm] pages=2 vmalloc N0=2\n";
    is_int(parse_str(f, &v, &e), 0, "tail memo: parses");
    is_int(v.n, 7, "tail memo: the bad line left out");
    is_int(e.skipped, 1, "tail memo: one line skipped");
    ok(v.n == 7 && v.areas[1].pages == 45 && (v.areas[1].flags & KM_VM_VMALLOC) &&
           v.areas[1].caller == v.areas[0].caller,
       "tail memo: the same bytes then more of a token (pages=4 and pages=45) are read");
    ok(v.n == 7 && strcmp(v.areas[3].caller, "bar+0x1/0x2") == 0 && v.areas[3].pages == 2 &&
           strcmp(v.areas[3].module, "m") == 0 &&
           v.areas[3].flags == (KM_VM_VMALLOC | KM_VM_VPAGES) && v.areas[3].nnuma == 1,
       "tail memo: a line left out after a count does not change what the memo decided; a flag "
       "after the counts");
    ok(v.n == 7 && v.areas[4].flags == KM_VM_VMALLOC && v.areas[4].nnuma == 0 &&
           v.areas[4].caller == v.areas[2].caller,
       "tail memo: a line that ends where the memo does");
    ok(v.n == 7 && v.areas[5].flags == 0 && v.areas[5].nnuma == 1 &&
           v.areas[5].caller == v.areas[2].caller,
       "tail memo: a longer word is not the flag it begins with");
    ok(v.n == 7 && strcmp(v.areas[6].module, "mm") == 0 && v.areas[6].flags == KM_VM_VMALLOC,
       "tail memo: another module");
    km_vmallocinfo_free(&v);
}

int main(void)
{
    test_pieces();
    test_tail_memo();
    test_line_before();
    test_range_in_place();
    test_shared_storage();
    test_estimate_pages();
    test_lenient();
    test_debian61_hashed();
    test_debian61_real();
    test_debian612();
    test_arm32();
    test_edges();
    return tap_done();
}
