/*
 * test_text_mem.c - a batch text table's memory is linear in its text
 * (ui/text.c): 200000 rows of four short cells may not raise the peak
 * resident size (VmHWM) by more than a few times the bytes printed.
 * Before, every cell took 256 bytes: 200 MB for this table.
 */
#include "../../ui/text.h"
#include "../tap.h"

#include <stdio.h>

#define NROWS 200000

static void fmt_name(const struct km_vctx *c, const struct km_row *r, char *out, size_t n)
{
    (void)c;
    snprintf(out, n, "%s", r->id);
}

static void fmt_num(const struct km_vctx *c, const struct km_row *r, char *out, size_t n)
{
    (void)c;
    snprintf(out, n, "%lu", (unsigned long)(uintptr_t)r->rec);
}

static const struct km_col cols[] = {
    {.title = "NAME", .key = "name", .width = 8, .align = KM_AL_LEFT, .fmt = fmt_name},
    {.title = "A", .key = "a", .width = 6, .align = KM_AL_RIGHT, .fmt = fmt_num},
    {.title = "B", .key = "b", .width = 6, .align = KM_AL_RIGHT, .fmt = fmt_num},
    {.title = "C", .key = "c", .width = 6, .align = KM_AL_RIGHT, .fmt = fmt_num},
};

static void rows(struct km_vm *vm, const struct km_vctx *c)
{
    (void)c;
    for (size_t i = 0; i < NROWS; i++)
        km_vm_add(vm, (const void *)(uintptr_t)(i * 7 % 100000), 0, 0, 0, NULL, "cache-%zu", i);
}

static const struct km_view_def def = {
    .name = "big",
    .title = "Big",
    .cols = cols,
    .ncols = 4,
    .default_sort = 0,
    .rows = rows,
};

/* The process's peak resident size so far, in KiB (from /proc/self/status). */
static long hwm_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
            break;
    if (f)
        fclose(f);
    return kib;
}

/* Counts the bytes written and checks the table's shape, without keeping them. */
struct sink {
    long bytes, lines;
    char first[128], last[128];
};

static ssize_t sink_write(void *cookie, const char *buf, size_t n)
{
    struct sink *s = cookie;
    s->bytes += (long)n;
    for (size_t i = 0; i < n; i++)
        s->lines += buf[i] == '\n';
    return (ssize_t)n;
}

int main(void)
{
    struct km_vm vm;
    struct km_vctx c = {0};
    km_vm_init(&vm, &def);
    km_vm_build(&vm, &c);
    is_int(vm.nvis, NROWS, "200000 rows built");
    long before = hwm_kib();
    ok(before > 0, "VmHWM readable");
    struct sink s = {0};
    cookie_io_functions_t fn = {.write = sink_write};
    FILE *f = fopencookie(&s, "w", fn);
    km_text_table(f, &vm, &c);
    fclose(f);
    long after = hwm_kib();
    is_int(s.lines, NROWS + 1, "a header and a line per row");
    long grew = after - before, text_kib = s.bytes / 1024;
    printf("# table: %ld KiB of text; peak resident size grew by %ld KiB (%ld -> %ld)\n", text_kib,
           grew, before, after);
    ok(grew < 3 * text_kib, "peak memory grew by less than 3 times the text printed");
    km_vm_free(&vm);
    return tap_done();
}
