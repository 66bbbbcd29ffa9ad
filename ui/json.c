/* json.c - streaming JSON writer. See json.h. */
#include "json.h"
#include "fmt.h"
#include "kmemtop/util.h"

#include <math.h>
#include <string.h>

void km_json_init(struct km_json *j, FILE *f)
{
    j->f = f;
    j->depth = 0;
    j->need_comma[0] = false;
}

/* The code point of a valid 2- or 3-byte UTF-8 sequence. */
static unsigned code_point(const unsigned char *p, size_t k)
{
    if (k == 2)
        return (p[0] & 0x1fu) << 6 | (p[1] & 0x3fu);
    return (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu);
}

/*
 * A JSON string: control bytes escaped, invalid UTF-8 as U+FFFD, so every line
 * parses. C1 controls and bidirectional controls (km_utf8_unsafe) are written
 * as \u escapes: the decoded value is the kernel's name, exactly, but the bytes
 * of the JSON text never act on a terminal that shows them.
 */
static void put_string(FILE *f, const char *s)
{
    fputc('"', f);
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    while (left > 0) {
        size_t k = km_utf8_seq(p, left);
        if (k == 0) {
            fputs("\\ufffd", f);
            k = 1;
        } else if (k > 1 && km_utf8_unsafe(p, k)) {
            fprintf(f, "\\u%04x", code_point(p, k));
        } else if (k > 1) {
            fwrite(p, 1, k, f);
        } else if (*p == '"' || *p == '\\') {
            fputc('\\', f);
            fputc(*p, f);
        } else if (*p < 0x20 || *p == 0x7f) {
            fprintf(f, "\\u%04x", *p);
        } else {
            fputc(*p, f);
        }
        p += k;
        left -= k;
    }
    fputc('"', f);
}

static void key(struct km_json *j, const char *k)
{
    if (j->need_comma[j->depth])
        fputc(',', j->f);
    j->need_comma[j->depth] = true;
    if (k) {
        put_string(j->f, k);
        fputc(':', j->f);
    }
}

static void open_(struct km_json *j, const char *k, char c)
{
    key(j, k);
    fputc(c, j->f);
    if (j->depth < 63)
        j->depth++;
    j->need_comma[j->depth] = false;
}

static void close_(struct km_json *j, char c)
{
    fputc(c, j->f);
    if (j->depth > 0)
        j->depth--;
}

void km_json_obj(struct km_json *j, const char *k)
{
    open_(j, k, '{');
}

void km_json_obj_end(struct km_json *j)
{
    close_(j, '}');
}

void km_json_arr(struct km_json *j, const char *k)
{
    open_(j, k, '[');
}

void km_json_arr_end(struct km_json *j)
{
    close_(j, ']');
}

void km_json_str(struct km_json *j, const char *k, const char *v)
{
    key(j, k);
    if (v)
        put_string(j->f, v);
    else
        fputs("null", j->f);
}

void km_json_int(struct km_json *j, const char *k, int64_t v)
{
    key(j, k);
    fprintf(j->f, "%lld", (long long)v);
}

void km_json_int_opt(struct km_json *j, const char *k, int64_t v)
{
    if (KM_IS_NA(v))
        km_json_null(j, k);
    else
        km_json_int(j, k, v);
}

void km_json_int_omit(struct km_json *j, const char *k, int64_t v)
{
    if (!KM_IS_NA(v))
        km_json_int(j, k, v);
}

void km_json_dbl(struct km_json *j, const char *k, double v)
{
    key(j, k);
    if (isnan(v) || isinf(v))
        fputs("null", j->f);
    else
        fprintf(j->f, "%.15g", v);
}

void km_json_bool(struct km_json *j, const char *k, bool v)
{
    key(j, k);
    fputs(v ? "true" : "false", j->f);
}

void km_json_null(struct km_json *j, const char *k)
{
    key(j, k);
    fputs("null", j->f);
}
