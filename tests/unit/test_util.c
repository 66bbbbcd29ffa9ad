/* test_util.c - number parsing, tokenizing, id lists, the reader. */
#include "../tap.h"
#include "kmemtop/read.h"
#include "kmemtop/util.h"

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

static void numbers(void)
{
    uint64_t u = 0;
    int64_t i = 0;
    is_int(km_parse_u64("18446744073709551615", 20, &u), 0, "u64 max parses");
    ok(u == UINT64_MAX, "u64 max value");
    is_int(km_parse_u64("18446744073709551616", 20, &u), -ERANGE, "u64 max+1 is ERANGE");
    is_int(km_parse_u64("", 0, &u), -EINVAL, "empty is EINVAL");
    is_int(km_parse_u64("12a", 3, &u), -EINVAL, "trailing garbage is EINVAL");
    is_int(km_parse_u64("123456", 3, &u), 0, "length bounds the parse");
    is_int(u, 123, "only the first 3 digits");
    is_int(km_parse_i64("-42", 3, &i), 0, "negative parses");
    is_int(i, -42, "negative value");
    is_int(km_parse_i64("9223372036854775808", 19, &i), -ERANGE, "i64 max+1 is ERANGE");
    is_int(km_parse_i64("-9223372036854775808", 20, &i), 0, "i64 min parses");
    ok(i == INT64_MIN, "i64 min value");
    is_int(km_parse_hex("0xffffffffc0e6e000", 18, &u), 0, "hex with 0x");
    ok(u == 0xffffffffc0e6e000ull, "hex value");
    is_int(km_parse_hex("0x10000000000000000", 19, &u), -ERANGE, "hex overflow");
    is_int(km_parse_hex("0x", 2, &u), -EINVAL, "bare 0x");
}

static void lines_and_tokens(void)
{
    const char *buf = "a b\n\n  c\td  \nlast";
    struct km_lines it;
    const char *l;
    size_t n;
    int count = 0;
    km_lines_init(&it, buf, strlen(buf));
    while (km_lines_next(&it, &l, &n))
        count++;
    is_int(count, 4, "four lines, the last without a newline");
    km_lines_init(&it, buf, strlen(buf));
    km_lines_next(&it, &l, &n);
    km_lines_next(&it, &l, &n);
    km_lines_next(&it, &l, &n);
    struct km_tok t;
    const char *tok;
    size_t tl;
    km_tok_init(&t, l, n);
    ok(km_tok_next(&t, &tok, &tl) && km_tok_eq(tok, tl, "c"), "first token after blanks");
    ok(km_tok_next(&t, &tok, &tl) && km_tok_eq(tok, tl, "d"), "tab separates tokens");
    ok(!km_tok_next(&t, &tok, &tl), "trailing blanks give no token");
    is_int(it.lineno, 3, "line numbers count from 1");
    km_lines_init(&it, "", 0);
    ok(!km_lines_next(&it, &l, &n), "empty buffer has no lines");
    const char *gaps = "\n  \t\nx y\n\n \nz";
    km_lines_init(&it, gaps, strlen(gaps));
    ok(km_lines_next_nonblank(&it, &l, &n) && n == 3 && l[0] == 'x' && it.lineno == 3,
       "nonblank: skips blank lines, keeps the line number");
    ok(km_lines_next_nonblank(&it, &l, &n) && n == 1 && l[0] == 'z' && it.lineno == 6,
       "nonblank: the last line without a newline");
    ok(!km_lines_next_nonblank(&it, &l, &n), "nonblank: then nothing");
}

static void idlists(void)
{
    uint64_t m[4] = {0};
    is_int(km_parse_idlist("0-3,8,10-11\n", 12, m, 256), 7, "0-3,8,10-11 has 7 ids");
    ok(km_mask_test(m, 8) && !km_mask_test(m, 9) && km_mask_test(m, 11), "mask bits");
    uint64_t e[4] = {0};
    is_int(km_parse_idlist("\n", 1, e, 256), 0, "a bare newline is an empty set");
    uint64_t z[4] = {0};
    is_int(km_parse_idlist("0-31\n\0", 6, z, 256), 32, "a trailing NUL (5.15 bin attribute) is ignored");
    uint64_t b[4] = {0};
    is_int(km_parse_idlist("250", 3, b, 256), 1, "sparse id 250");
    ok(km_mask_test(b, 250), "bit 250 set");
    uint64_t o[4] = {0};
    is_int(km_parse_idlist("300", 3, o, 256), -ERANGE, "id past the mask is ERANGE");
    is_int(km_parse_idlist("3-1", 3, o, 256), -EINVAL, "reversed range is EINVAL");
    is_int(km_parse_idlist("1,,x", 4, o, 256), -EINVAL, "garbage is EINVAL");
}

static void reader(void)
{
    struct km_buf b = {0};
    is_int(km_read_file("/nonexistent/kmemtop", &b), -ENOENT, "missing file is -ENOENT");
    ok(km_err_missing(-ENOENT) && km_err_denied(-EACCES) && !km_err_denied(-ENOENT), "errno classes");
    const char *src = getenv("KM_SRCDIR");
    char p[4096];
    snprintf(p, sizeof(p), "%s/tests/fixtures/debian61-root/proc/vmallocinfo", src ? src : ".");
    is_int(km_read_file(p, &b), 0, "reads a 150 KiB file");
    ok(b.len > 100000 && b.data[b.len] == '\0', "whole file, NUL-terminated, past the first 64 KiB");
    ok(b.cap > b.len, "buffer larger than the file");
    int64_t v = 0;
    snprintf(p, sizeof(p), "%s/tests/fixtures/debian61-root/sys/module/zram/coresize", src ? src : ".");
    is_int(km_read_i64(p, &v), 0, "reads coresize");
    is_int(v, 40960, "zram coresize");
    km_buf_free(&b);
}

/* The whole file by stdio, independently of the reader. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, r;
    char *p = malloc(cap);
    while ((r = fread(p + n, 1, cap - n, f)) > 0)
        if ((n += r) == cap)
            p = realloc(p, cap *= 2);
    fclose(f);
    *len = n;
    return p;
}

static bool write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    bool good = f && fwrite(data, 1, n, f) == n;
    return f && fclose(f) == 0 && good;
}

/* A 1 MiB file: the first read fills 64 KiB, learns the length, and reads once more. */
static void reader_large(void)
{
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof(path), "%s/kmemtop-test-util-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        ok(1, "# SKIP no temporary file");
        return;
    }
    close(fd);
    size_t n = (1 << 20) + 4321;
    char *want = malloc(n);
    for (size_t i = 0; i < n; i++)
        want[i] = i % 80 == 79 ? '\n' : (char)('a' + (i * 7 + i / 4096) % 26);
    ok(write_file(path, want, n), "a 1 MiB temporary file written");
    struct km_buf b = {0};
    is_int(km_read_file(path, &b), 0, "reads a 1 MiB file");
    ok(b.len == n && memcmp(b.data, want, n) == 0, "1 MiB: every byte, in order");
    ok(b.data[b.len] == '\0', "1 MiB: NUL-terminated");
    ok(b.cap > b.len + b.len / 8 && b.cap < b.len * 3 / 2,
       "1 MiB: buffer about 1.25 times the length (sized for the clean pass)");
    size_t cap = b.cap;
    ok(km_read_file(path, &b) == 0 && b.len == n && b.cap == cap && memcmp(b.data, want, n) == 0,
       "1 MiB again: the buffer keeps its capacity");
    ok(write_file(path, "small\n", 6) && km_read_file(path, &b) == 0 && b.len == 6 &&
           strcmp(b.data, "small\n") == 0,
       "a small file into the large buffer: its own length, NUL-terminated");
    unlink(path);
    free(want);
    km_buf_free(&b);
}

/* A /proc file past 64 KiB (kallsyms: seq_file, several MiB) equals what stdio reads. */
static void reader_proc(void)
{
    struct km_buf b = {0};
    is_int(km_read_file("/proc/self/status", &b), 0, "reads /proc/self/status");
    ok(b.len > 0 && b.data[b.len] == '\0' && strlen(b.data) == b.len &&
           strncmp(b.data, "Name:", 5) == 0,
       "/proc/self/status: whole, NUL-terminated");
    size_t n = 0;
    char *want = slurp("/proc/kallsyms", &n);
    if (!want || n < 100000) {
        ok(1, "# SKIP /proc/kallsyms unreadable or small");
        free(want);
        km_buf_free(&b);
        return;
    }
    bool same = false;
    for (int tries = 0; tries < 3 && !same; tries++) { /* BPF programs come and go */
        same = km_read_file_max("/proc/kallsyms", &b, KM_READ_CAP_BIG) == 0 && b.len == n &&
               memcmp(b.data, want, n) == 0 && b.data[b.len] == '\0';
        if (!same) {
            free(want);
            want = slurp("/proc/kallsyms", &n);
        }
    }
    ok(same, "/proc/kallsyms (MiBs, past the first buffer): equal to a stdio read, NUL-terminated");
    free(want);
    km_buf_free(&b);
}

/* km_parse_boot_id: the kernel's UUID, lower-cased; anything else refused with a reason */
static void boot_ids(void)
{
    char id[KM_BOOT_ID_LEN + 1], why[160];
    const char good[] = "4E478E75-3330-4a68-aa94-99d05a2c9192\n";
    ok(km_parse_boot_id(good, strlen(good), id, why, sizeof(why)), "a boot id with its newline");
    is_str(id, "4e478e75-3330-4a68-aa94-99d05a2c9192", "lower-cased, without the newline");
    static const struct {
        const char *in, *why;
    } bad[] = {
        {"", "line 1: not a boot id (8-4-4-4-12 hex digits): empty: \"\""},
        {"4e478e75-3330-4a68-aa94-99d05a2c919", "not 36 characters"},
        {"4e478e75-3330-4a68-aa94-99d05a2c91922", "not 36 characters"},
        {"4e478e75+3330-4a68-aa94-99d05a2c9192", "no '-' where a UUID has one"},
        {"4e478e75-3330-4a68-aa94-99d05a2c919g", "a character that is not a hex digit"},
        {"4e478e75-3330-4a68-aa94-99d05a2c919\x01", "hex digit: \"4e478e75-3330-4a68-aa94-99d05a2c919?\""},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        strcpy(id, "x");
        bool r = km_parse_boot_id(bad[i].in, strlen(bad[i].in), id, why, sizeof(why));
        ok(!r && id[0] == '\0' && strstr(why, bad[i].why) && strncmp(why, "line 1: ", 8) == 0,
           bad[i].why);
    }
}

/* km_parse_seconds: /proc/uptime's first field and a record's time=, in any locale */
static void seconds(void)
{
    double v = -1;
    ok(km_parse_seconds("4187.91 8230.33\n", &v) && v > 4187.90 && v < 4187.92,
       "uptime: the first field, up to the blank");
    ok(km_parse_seconds("1764633600\n", &v) && v == 1764633600.0, "whole seconds to the newline");
    ok(km_parse_seconds("12.5\r", &v) && v == 12.5, "a CR ends it too");
    ok(!km_parse_seconds("4187,91 1", &v), "a decimal comma is junk (no locale)");
    ok(!km_parse_seconds("-5", &v) && !km_parse_seconds("1e19", &v) && !km_parse_seconds("", &v) &&
           !km_parse_seconds(" 1", &v) && !km_parse_seconds("1.2.3", &v),
       "a sign, an exponent, nothing, a leading blank, two points: refused");
}

int main(void)
{
    seconds();
    boot_ids();
    numbers();
    lines_and_tokens();
    idlists();
    reader();
    reader_large();
    reader_proc();
    return tap_done();
}
