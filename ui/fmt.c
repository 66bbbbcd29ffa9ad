/* fmt.c - number formatting. See fmt.h. */
#include "fmt.h"
#include "kmemtop/sat.h"
#include "kmemtop/util.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void km_fmt_str(char *out, size_t n, const char *s)
{
    if (!n)
        return;
    size_t len = strnlen(s, n - 1);
    memmove(out, s, len);
    out[len] = '\0';
}

size_t km_cat(char *out, size_t n, ...)
{
    size_t len = 0;
    if (!n)
        return 0;
    va_list ap;
    va_start(ap, n);
    for (const char *s; (s = va_arg(ap, const char *)) != NULL;)
        while (*s && len + 1 < n)
            out[len++] = *s++;
    va_end(ap);
    out[len] = '\0';
    return len;
}

/* Decimal digits of v into out (no snprintf: formatting is most of a frame's user time). */
static size_t put_u64(char *out, size_t n, uint64_t v)
{
    char tmp[24];
    size_t len = 0;
    do {
        tmp[len++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (len >= n)
        len = n ? n - 1 : 0;
    for (size_t i = 0; i < len; i++)
        out[i] = tmp[len - 1 - i];
    if (n)
        out[len] = '\0';
    return len;
}

/* v with `decimals` digits after the point (0-2), rounded half away from zero. */
static size_t put_fixed(char *out, size_t n, double v, int decimals)
{
    static const long long mul[] = {1, 10, 100};
    size_t pos = 0;
    if (v < 0 && n > 1) {
        out[pos++] = '-';
        v = -v;
    }
    long long x = llround(v * (double)mul[decimals]);
    pos += put_u64(out + pos, n - pos, (uint64_t)(x / mul[decimals]));
    if (decimals && pos + 1 + (size_t)decimals < n) {
        out[pos++] = '.';
        long long f = x % mul[decimals];
        for (int d = decimals - 1; d >= 0; d--) {
            out[pos + (size_t)d] = (char)('0' + f % 10);
            f /= 10;
        }
        pos += (size_t)decimals;
        out[pos] = '\0';
    }
    return pos;
}

static void scaled(char *out, size_t n, double v, const char *suffix)
{
    static const char units[] = "BKMGTPE";
    double a = fabs(v);
    int u = 0;
    while (a >= 1023.5 && u < 6) { /* 1023.6K would print as "1024K" */
        a /= 1024;
        v /= 1024;
        u++;
    }
    int decimals = u == 0 || a >= 99.95 ? 0 : a < 9.995 ? 2 : 1;
    size_t pos = put_fixed(out, n, v, decimals);
    /* every size carries its unit, 696B as 1.5K; only zero is bare */
    if (v != 0 && pos + 1 < n) {
        out[pos++] = units[u];
        out[pos] = '\0';
    }
    if (pos < n)
        km_fmt_str(out + pos, n - pos, suffix);
}

void km_fmt_size(char *out, size_t n, int64_t bytes)
{
    if (KM_IS_NA(bytes))
        km_fmt_str(out, n, "-");
    else
        scaled(out, n, (double)bytes, "");
}

void km_fmt_int(char *out, size_t n, int64_t v)
{
    if (KM_IS_NA(v))
        km_fmt_str(out, n, "-");
    else if (v < 0 && n > 1) {
        out[0] = '-';
        put_u64(out + 1, n - 1, 0 - (uint64_t)v);
    } else
        put_u64(out, n, (uint64_t)v);
}

void km_fmt_size_rate(char *out, size_t n, double r)
{
    if (isnan(r))
        km_fmt_str(out, n, "-");
    else if (r == 0)
        km_fmt_str(out, n, "0/s");
    else {
        char tmp[32];
        scaled(tmp, sizeof(tmp), r, "/s");
        snprintf(out, n, "%s%s", r > 0 ? "+" : "", tmp);
    }
}

/* Events per second: 12.5/s, 961/s, 353012/s, 4.27M/s (millions, billions: decimal). */
static void count_rate(char *out, size_t n, double r, bool sign)
{
    const char *plus = sign && r > 0 ? "+" : "";
    double a = fabs(r);
    if (isnan(r))
        km_fmt_str(out, n, "-");
    else if (r == 0)
        km_fmt_str(out, n, "0/s");
    else if (a < 99.95)
        snprintf(out, n, "%s%.1f/s", plus, r);
    else if (a < 999999.5)
        snprintf(out, n, "%s%.0f/s", plus, r);
    else if (a < 999.5e6)
        snprintf(out, n, "%s%.3gM/s", plus, r / 1e6);
    else
        snprintf(out, n, "%s%.3gG/s", plus, r / 1e9);
}

void km_fmt_rate(char *out, size_t n, double r)
{
    count_rate(out, n, r, false);
}

void km_fmt_delta_rate(char *out, size_t n, double r)
{
    count_rate(out, n, r, true);
}

void km_fmt_pct(char *out, size_t n, double pct)
{
    if (isnan(pct))
        km_fmt_str(out, n, "-");
    else
        snprintf(out, n, "%.1f%%", pct);
}

void km_fmt_uptime(char *out, size_t n, double secs)
{
    if (!km_seconds_ok(secs)) { /* negative (unknown), nan, inf, or no kernel's */
        km_fmt_str(out, n, "-");
        return;
    }
    long s = (long)secs, d = s / 86400, h = (s / 3600) % 24, m = (s / 60) % 60;
    if (d > 0)
        snprintf(out, n, "%ldd %02ld:%02ld", d, h, m);
    else if (h > 0)
        snprintf(out, n, "%02ld:%02ld:%02ld", h, m, s % 60);
    else
        snprintf(out, n, "%02ld:%02ld", m, s % 60);
}

size_t km_utf8_seq(const unsigned char *p, size_t left)
{
    if (left == 0)
        return 0;
    unsigned c = p[0];
    if (c < 0x80)
        return 1;
    size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    if (n == 0 || n > left)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0) || /* overlong, surrogates */
        (c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))   /* overlong, > U+10FFFF */
        return 0;
    return n;
}

bool km_utf8_unsafe(const unsigned char *p, size_t k)
{
    if (k == 2) /* C1 controls U+0080-U+009F; U+061C ARABIC LETTER MARK */
        return (p[0] == 0xC2 && p[1] < 0xA0) || (p[0] == 0xD8 && p[1] == 0x9C);
    if (k == 3 && p[0] == 0xE2 && p[1] == 0x80) /* U+200E, U+200F; U+2028-U+202E */
        return p[2] == 0x8E || p[2] == 0x8F || (p[2] >= 0xA8 && p[2] <= 0xAE);
    if (k == 3 && p[0] == 0xE2 && p[1] == 0x81) /* U+2066-U+2069: the isolates */
        return p[2] >= 0xA6 && p[2] <= 0xA9;
    return false;
}

/* Length of the character at p if it may be shown as it is, else 0. */
static size_t safe_seq(const unsigned char *p, size_t left)
{
    size_t k = km_utf8_seq(p, left);
    if (k == 1 && (*p < 0x20 || *p == 0x7f))
        return 0;
    return k > 1 && km_utf8_unsafe(p, k) ? 0 : k;
}

size_t km_sanitize_len(char *dst, size_t n, const char *src, const char *rep, bool *ascii)
{
    const unsigned char *p = (const unsigned char *)src;
    size_t left = strlen(src), o = 0, rlen = strlen(rep);
    bool plain = true;
    while (left > 0 && o + 1 < n) {
        /* printable ASCII, nearly every cell: copied as one run */
        size_t run = 0, room = n - 1 - o;
        while (run < left && run < room && p[run] >= 0x20 && p[run] < 0x7f)
            run++;
        if (run) {
            memcpy(dst + o, p, run);
            o += run;
            p += run;
            left -= run;
            continue;
        }
        plain = false;
        size_t k = safe_seq(p, left);
        if (k == 0 || o + k >= n) {
            size_t skip = km_utf8_seq(p, left); /* a whole character, or one bad byte */
            if (skip == 0)
                skip = 1;
            if (o + rlen >= n)
                break;
            memcpy(dst + o, rep, rlen);
            o += rlen;
            p += skip;
            left -= skip;
            continue;
        }
        memcpy(dst + o, p, k);
        o += k;
        p += k;
        left -= k;
    }
    if (n)
        dst[o] = '\0';
    if (ascii)
        *ascii = plain;
    return o;
}

void km_sanitize_rep(char *dst, size_t n, const char *src, const char *rep)
{
    km_sanitize_len(dst, n, src, rep, NULL);
}

void km_sanitize(char *dst, size_t n, const char *src)
{
    km_sanitize_rep(dst, n, src, "?");
}
