/* layout.c - pure layout arithmetic for the screen. See layout.h. */
#include "layout.h"

#include <string.h>

/* A UTF-8 continuation byte does not start a cell. */
static bool starts_cell(unsigned char b)
{
    return (b & 0xC0) != 0x80;
}

int km_layout_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        if (starts_cell((unsigned char)*s))
            w++;
    return w;
}

/* Byte offset just past the first cells cells of s (or its end). */
static size_t bytes_for(const char *s, int cells)
{
    size_t i = 0;
    int w = 0;
    while (s[i]) {
        if (starts_cell((unsigned char)s[i])) {
            if (w == cells)
                break;
            w++;
        }
        i++;
    }
    return i;
}

int km_layout_fit(const int *want, int n, int name_min, int keep, int width, int gap, int *w)
{
    if (n <= 0 || width < 1)
        return 0;
    int min0 = want[0] < name_min ? want[0] : name_min;
    int kept = n, rest = 0;
    for (int i = 1; i < n; i++) {
        w[i] = want[i];
        rest += want[i] + gap;
    }
    /* drop from the right, the kept column last */
    for (int pass = 0; pass < 2 && min0 + rest > width; pass++)
        for (int i = n - 1; i >= 1 && min0 + rest > width; i--) {
            if (w[i] < 0 || (i == keep && pass == 0))
                continue;
            rest -= want[i] + gap;
            w[i] = -1;
            kept--;
        }
    int room = width - rest;
    w[0] = want[0] < room ? want[0] : room;
    if (w[0] < 0)
        w[0] = 0;
    return kept;
}

int km_layout_trunc(char *out, size_t n, const char *s, int width, bool utf8)
{
    if (n == 0)
        return 0;
    if (width < 0)
        width = 0;
    int sw = km_layout_width(s);
    const char *ell = utf8 ? "\xE2\x80\xA6" : "~";
    size_t b;
    int cells;
    bool cut = sw > width;
    if (!cut) {
        b = strlen(s);
        cells = sw;
    } else {
        cells = width > 0 ? width - 1 : 0;
        b = bytes_for(s, cells);
    }
    if (b >= n)
        b = n - 1;
    while (b > 0 && !starts_cell((unsigned char)s[b]))
        b--; /* never split a code point when out is short */
    memcpy(out, s, b);
    out[b] = '\0';
    if (cut && width > 0 && b + strlen(ell) < n) {
        strcat(out, ell);
        cells++;
    }
    return cells;
}

void km_layout_cell(char *out, size_t n, const char *s, int width, bool right, bool utf8)
{
    if (n == 0)
        return;
    char tmp[1024];
    int cells = km_layout_trunc(tmp, sizeof(tmp), s, width, utf8);
    int pad = width > cells ? width - cells : 0;
    size_t len = strlen(tmp), pos = 0;
    if (right)
        for (; pad > 0 && pos + 1 < n; pad--)
            out[pos++] = ' ';
    if (pos + len >= n)
        len = n - 1 - pos;
    memcpy(out + pos, tmp, len);
    pos += len;
    for (; pad > 0 && pos + 1 < n; pad--)
        out[pos++] = ' ';
    out[pos] = '\0';
}

size_t km_layout_wrap(const char *s, int width, size_t *next)
{
    if (width < 1)
        width = 1;
    size_t fit = bytes_for(s, width);
    if (!s[fit]) { /* the rest fits */
        *next = fit;
        return fit;
    }
    size_t brk = fit;
    if (s[fit] != ' ') {
        while (brk > 0 && s[brk - 1] != ' ')
            brk--;
        if (brk == 0)
            brk = fit; /* one long word: cut it */
    }
    size_t len = brk;
    while (len > 0 && s[len - 1] == ' ')
        len--;
    size_t nx = brk;
    while (s[nx] == ' ')
        nx++;
    *next = nx;
    return len;
}

size_t km_layout_scroll(size_t sel, size_t top, size_t n, int rows)
{
    if (rows < 1 || n == 0)
        return 0;
    size_t r = (size_t)rows;
    if (sel >= n)
        sel = n - 1;
    if (sel < top)
        top = sel;
    if (sel >= top + r)
        top = sel - r + 1;
    if (n > r && top > n - r)
        top = n - r;
    if (n <= r)
        top = 0;
    return top;
}
