/* layout.c - pure layout arithmetic for the screen. See layout.h. */
#include "layout.h"

#include <limits.h>
#include <string.h>
#include <wchar.h>

/*
 * One thing the terminal shows: a printable character of len bytes taking
 * width cells, or (bad) a byte that cannot be shown as it is - a control
 * byte, a byte of an invalid or cut sequence, a non-printable character -
 * shown as one replacement cell.
 */
struct unit {
    size_t len;
    int width;
    bool bad;
};

static struct unit next_unit(const char *s, mbstate_t *st)
{
    unsigned char b = (unsigned char)*s;
    if (b < 0x80)
        return (struct unit){1, 1, b < 0x20 || b == 0x7f};
    wchar_t wc;
    size_t n = mbrtowc(&wc, s, strnlen(s, MB_LEN_MAX), st);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        memset(st, 0, sizeof(*st));
        return (struct unit){1, 1, true};
    }
    int w = wcwidth(wc);
    return w < 0 ? (struct unit){n, 1, true} : (struct unit){n, w, false};
}

int km_layout_width(const char *s)
{
    mbstate_t st;
    memset(&st, 0, sizeof(st));
    int w = 0;
    while (*s) {
        struct unit u = next_unit(s, &st);
        w += u.width;
        s += u.len;
    }
    return w;
}

int km_layout_width_clean(const char *s, bool *clean)
{
    mbstate_t st;
    memset(&st, 0, sizeof(st));
    int w = 0;
    bool ok = true;
    while (*s) {
        struct unit u = next_unit(s, &st);
        w += u.width;
        ok = ok && !u.bad;
        s += u.len;
    }
    *clean = ok;
    return w;
}

/* Byte offset just past the whole characters of s that fit in cells cells (or its end). */
static size_t bytes_for(const char *s, int cells)
{
    mbstate_t st;
    memset(&st, 0, sizeof(st));
    size_t i = 0;
    int w = 0;
    while (s[i]) {
        struct unit u = next_unit(s + i, &st);
        if (w + u.width > cells)
            break;
        w += u.width;
        i += u.len;
    }
    return i;
}

#define NAME_WHOLE 24 /* cells: slab caches, zones, nodes with their (no memory) fit */

/*
 * The column to drop next: of those still in (never column 0; keep only on
 * the second pass), the lowest priority, the rightmost of equals. -1: none.
 */
static int next_drop(const int *w, const signed char *prio, int n, int keep, int pass)
{
    int best = -1;
    for (int i = n - 1; i >= 1; i--) {
        if (w[i] < 0 || (i == keep && pass == 0))
            continue;
        if (best < 0 || (prio && prio[i] < prio[best]))
            best = i;
    }
    return best;
}

int km_layout_fit_prio(const int *want, const signed char *prio, int n, int name_min, int keep,
                       int width, int gap, int *w)
{
    if (n <= 0 || width < 1)
        return 0;
    /*
     * The name column takes the room there is: whole up to a quarter of the
     * width and NAME_WHOLE cells (wider screens cut no usual name to show one
     * more column at the right), name_min at least.
     */
    int target = width / 4 > name_min ? width / 4 : name_min;
    if (target > NAME_WHOLE && NAME_WHOLE > name_min)
        target = NAME_WHOLE;
    int min0 = want[0] < target ? want[0] : target;
    int kept = n, rest = 0;
    for (int i = 1; i < n; i++) {
        w[i] = want[i];
        rest += want[i] + gap;
    }
    /* the least useful first (from the right among equals), the kept column last */
    for (int pass = 0; pass < 2 && min0 + rest > width; pass++)
        while (min0 + rest > width) {
            int i = next_drop(w, prio, n, keep, pass);
            if (i < 0)
                break;
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

int km_layout_fit(const int *want, int n, int name_min, int keep, int width, int gap, int *w)
{
    return km_layout_fit_prio(want, NULL, n, name_min, keep, width, gap, w);
}

/*
 * Copies the characters of s that fit in cells cells to out (room bytes
 * left for them), bad ones replaced by rep; returns the cells written.
 */
static int copy_units(char *out, size_t room, const char *s, int cells, const char *rep)
{
    mbstate_t st;
    memset(&st, 0, sizeof(st));
    size_t pos = 0, rlen = strlen(rep);
    int w = 0;
    while (*s) {
        struct unit u = next_unit(s, &st);
        size_t ob = u.bad ? rlen : u.len;
        if (w + u.width > cells || pos + ob > room)
            break;
        memcpy(out + pos, u.bad ? rep : s, ob);
        pos += ob;
        w += u.width;
        s += u.len;
    }
    out[pos] = '\0';
    return w;
}

int km_layout_trunc(char *out, size_t n, const char *s, int width, bool utf8)
{
    if (n == 0)
        return 0;
    if (width < 0)
        width = 0;
    const char *ell = utf8 ? "\xE2\x80\xA6" : "~";
    const char *rep = utf8 ? "\xEF\xBF\xBD" : "?";
    if (km_layout_width(s) <= width)
        return copy_units(out, n - 1, s, width, rep);
    if (width == 0) {
        out[0] = '\0';
        return 0;
    }
    size_t elen = strlen(ell);
    if (n - 1 < elen)
        return copy_units(out, n - 1, s, width - 1, rep);
    int cells = copy_units(out, n - 1 - elen, s, width - 1, rep);
    strcat(out, ell);
    return cells + 1;
}

void km_layout_cell(char *out, size_t n, const char *s, int width, bool right, bool utf8)
{
    if (n == 0)
        return;
    char tmp[1024];
    /* cut to what out can hold, so that padding never splits a character */
    int cells = km_layout_trunc(tmp, n < sizeof(tmp) ? n : sizeof(tmp), s, width, utf8);
    int pad = width > cells ? width - cells : 0;
    size_t len = strlen(tmp), pos = 0;
    if (right)
        for (; pad > 0 && pos + len + 1 < n; pad--)
            out[pos++] = ' ';
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
    if (fit == 0 && s[0]) { /* a character wider than the line: take it alone */
        mbstate_t st;
        memset(&st, 0, sizeof(st));
        fit = next_unit(s, &st).len;
    }
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
