/* test_layout.c - the screen's layout arithmetic (ui/layout.c). */
#include "../../ui/layout.h"
#include "../tap.h"

#include <locale.h>

/* Whether out holds no control byte (nothing that could start an escape code). */
static bool no_controls(const char *out)
{
    for (const unsigned char *p = (const unsigned char *)out; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

#define FFFD "\xEF\xBF\xBD"
#define ZH "\xE4\xB8\xAD" /* a double-width CJK character */

static void test_controls(void)
{
    char out[64];
    const char *esc = "a\x1b[31mb";
    is_int(km_layout_width(esc), 7, "control byte: one cell");
    km_layout_trunc(out, sizeof(out), esc, 20, false);
    is_str(out, "a?[31mb", "ESC replaced by ? (ASCII)");
    km_layout_trunc(out, sizeof(out), esc, 20, true);
    is_str(out, "a" FFFD "[31mb", "ESC replaced by U+FFFD (UTF-8)");
    km_layout_cell(out, sizeof(out), "x\ty\x7f\rz\n", 8, false, false);
    is_str(out, "x?y??z? ", "tab, DEL, CR, LF replaced; padding right");
    ok(no_controls(out), "no control byte left in a cell");
    km_layout_trunc(out, sizeof(out), "\x1b\x1b\x1b\x1b\x1b\x1b", 4, false);
    is_str(out, "???~", "a cut run of control bytes");
}

static void test_invalid(void)
{
    char out[64];
    is_int(km_layout_width("ab\xff"), 3, "invalid byte: one cell");
    km_layout_trunc(out, sizeof(out), "ab\xff" "cd", 10, false);
    is_str(out, "ab?cd", "0xff replaced by ?");
    km_layout_trunc(out, sizeof(out), "ab\xff" "cd", 10, true);
    is_str(out, "ab" FFFD "cd", "0xff replaced by U+FFFD");
    km_layout_trunc(out, sizeof(out), "x\xE2\x82", 10, false);
    is_str(out, "x??", "a sequence cut short by the end: each byte replaced");
    km_layout_trunc(out, sizeof(out), "\xE2\x82x", 10, false);
    is_str(out, "??x", "a sequence broken by an ASCII byte");
    km_layout_trunc(out, sizeof(out), "a\xC2\x9B" "1m", 10, false);
    is_str(out, "a?1m", "a C1 control (CSI) in valid UTF-8 replaced");
    is_int(km_layout_width("\xC0\xAF"), 2, "an overlong encoding: two bad bytes");
    is_int(km_layout_width("\xC3\xA9t\xC3\xA9"), 3, "valid accented letters: one cell each");
    bool clean = false;
    is_int(km_layout_width_clean("\xC3\xA9t" ZH, &clean), 4, "width_clean: the width");
    ok(clean, "width_clean: printable characters are clean");
    is_int(km_layout_width_clean("ab\xff", &clean), 3, "width_clean: a bad byte, one cell");
    ok(!clean, "width_clean: a bad byte is not clean");
    km_layout_width_clean("a\x1b", &clean);
    ok(!clean, "width_clean: a control byte is not clean");
}

static void test_wide(void)
{
    char out[64];
    is_int(km_layout_width(ZH ZH), 4, "double-width characters count 2");
    is_int(km_layout_trunc(out, sizeof(out), ZH ZH, 4, true), 4, "two of them fit in 4");
    is_str(out, ZH ZH, "fits: unchanged");
    is_int(km_layout_trunc(out, sizeof(out), "a" ZH ZH, 4, true), 4, "cut: 4 cells");
    is_str(out, "a" ZH "\xE2\x80\xA6", "cut after a whole wide character");
    is_int(km_layout_trunc(out, sizeof(out), "a" ZH ZH, 3, true), 2, "no room for half of one");
    is_str(out, "a\xE2\x80\xA6", "the wide character goes whole");
    km_layout_cell(out, sizeof(out), "a" ZH ZH, 3, false, true);
    is_str(out, "a\xE2\x80\xA6 ", "cell: padded to its width");
    is_int(km_layout_width(out), 3, "cell: exact width");
    km_layout_cell(out, sizeof(out), ZH, 5, true, false);
    is_str(out, "   " ZH, "right aligned by cells, not bytes");
    size_t next, len = km_layout_wrap(ZH ZH ZH, 5, &next);
    is_int(len, 6, "wrap: two wide characters in 5 cells");
    is_int(next, 6, "wrap: the third on the next line");
    len = km_layout_wrap(ZH "a", 1, &next);
    is_int(len, 3, "wrap: a character wider than the line goes alone");
}

static void test_cut_multibyte(void)
{
    char tiny[5];
    km_layout_trunc(tiny, sizeof(tiny), "ab" ZH, 10, true);
    is_str(tiny, "ab", "short buffer: a 3-byte character is not split");
    km_layout_trunc(tiny, sizeof(tiny), "ab\xff", 10, true);
    is_str(tiny, "ab", "short buffer: a replacement is not split");
    km_layout_cell(tiny, sizeof(tiny), "ab" ZH, 6, true, true);
    is_str(tiny, "  ab", "short cell: padding gives way, no character split");
    char out[64];
    km_layout_trunc(out, sizeof(out), "\xC3\xA9\xC3\xA9\xC3\xA9", 2, true);
    is_str(out, "\xC3\xA9\xE2\x80\xA6", "a cut at a cell never lands inside a character");
}

/* In the C locale every byte >= 0x80 is one that cannot be shown. */
static void test_c_locale(void)
{
    char out[64];
    setlocale(LC_CTYPE, "C");
    is_int(km_layout_width("\xC3\xA9"), 2, "C locale: a UTF-8 letter is two bad bytes");
    km_layout_trunc(out, sizeof(out), "caf\xC3\xA9", 10, false);
    is_str(out, "caf??", "C locale: replaced by ?");
}

static void test_width(void)
{
    is_int(km_layout_width(""), 0, "width of empty");
    is_int(km_layout_width("kmalloc-64"), 10, "width of ASCII");
    is_int(km_layout_width("ab\xE2\x80\xA6"), 3, "an ellipsis is one cell");
}

static void test_trunc(void)
{
    char out[64];
    is_int(km_layout_trunc(out, sizeof(out), "ext4_inode_cache", 20, true), 16, "fits: cells");
    is_str(out, "ext4_inode_cache", "fits: unchanged");
    km_layout_trunc(out, sizeof(out), "ext4_inode_cache", 8, true);
    is_str(out, "ext4_in\xE2\x80\xA6", "cut with an ellipsis (UTF-8)");
    is_int(km_layout_width(out), 8, "cut: 8 cells");
    km_layout_trunc(out, sizeof(out), "ext4_inode_cache", 8, false);
    is_str(out, "ext4_in~", "cut with ~ (ASCII)");
    km_layout_trunc(out, sizeof(out), "abc", 1, false);
    is_str(out, "~", "width 1: only the mark");
    km_layout_trunc(out, sizeof(out), "abc", 0, true);
    is_str(out, "", "width 0: nothing");
    km_layout_trunc(out, sizeof(out), "abc", 3, false);
    is_str(out, "abc", "exact width: not cut");
    char tiny[4];
    km_layout_trunc(tiny, sizeof(tiny), "abcdef", 10, true);
    is_str(tiny, "abc", "short buffer: cut, NUL-terminated");
    km_layout_trunc(tiny, sizeof(tiny), "a\xE2\x96\xBC", 10, true);
    is_str(tiny, "a", "short buffer: no split code point");
}

static void test_cell(void)
{
    char out[64];
    km_layout_cell(out, sizeof(out), "12K", 6, true, false);
    is_str(out, "   12K", "right aligned");
    km_layout_cell(out, sizeof(out), "dm_mod", 8, false, false);
    is_str(out, "dm_mod  ", "left aligned");
    km_layout_cell(out, sizeof(out), "nf_conntrack", 6, false, true);
    is_str(out, "nf_co\xE2\x80\xA6", "cut cell");
    is_int(km_layout_width(out), 6, "cut cell: exact width");
}

static void test_fit(void)
{
    int want[] = {24, 8, 8, 4, 9}, w[5];
    /* 24+1+8+1+8+1+4+1+9 = 57 */
    is_int(km_layout_fit(want, 5, 12, -1, 80, 1, w), 5, "all fit in 80");
    is_int(w[0], 24, "name at full width");
    is_int(km_layout_fit(want, 5, 12, -1, 57, 1, w), 5, "all fit exactly");
    is_int(km_layout_fit(want, 5, 12, -1, 50, 1, w), 5, "name shrinks before a column goes");
    is_int(w[0], 17, "name gets what is left");
    is_int(km_layout_fit(want, 5, 12, -1, 44, 1, w), 4, "then columns drop from the right");
    is_int(w[0], 21, "name takes the rest, up to its want");
    is_int(km_layout_fit(want, 5, 12, -1, 40, 1, w), 4, "40 columns: 4 kept");
    is_int(w[0] + 1 + w[1] + 1 + w[2] + 1 + w[3] <= 40, 1, "40 columns: fits");
    is_int(km_layout_fit(want, 5, 12, -1, 10, 1, w), 1, "too narrow: the name alone");
    is_int(w[0], 10, "the name cut to the width");
    int small[] = {6, 8};
    is_int(km_layout_fit(small, 2, 12, -1, 15, 1, w), 2, "a short name needs no more than its want");
    is_int(w[0], 6, "short name width");
    is_int(km_layout_fit(want, 5, 12, 4, 44, 1, w), 4, "the sort column is kept");
    is_int(w[3], -1, "the column left of it goes instead");
    is_int(w[4], 9, "the sort column keeps its width");
    is_int(w[0], 16, "the name takes the rest");
    is_int(km_layout_fit(want, 5, 12, 4, 30, 1, w), 2, "narrow: name and sort column");
    ok(w[1] < 0 && w[2] < 0 && w[3] < 0 && w[4] == 9, "narrow: only the sort column kept");
    is_int(km_layout_fit(want, 5, 12, 4, 15, 1, w), 1, "too narrow even for the sort column");
    is_int(w[4], -1, "then it goes too");
    /* a wide screen with many columns: the name is whole, not cut to show one more column */
    int many[24], wm[24];
    many[0] = 17;
    for (int i = 1; i < 24; i++)
        many[i] = 8;
    km_layout_fit(many, 24, 12, -1, 160, 1, wm);
    is_int(wm[0], 17, "160 columns, 23 more columns than fit: the 17-cell name whole");
    km_layout_fit(many, 24, 12, -1, 120, 1, wm);
    is_int(wm[0], 17, "120 columns: whole too");
    km_layout_fit(many, 24, 12, -1, 60, 1, wm);
    is_int(wm[0], 15, "60 columns: a quarter of the width, then columns");
    int used = wm[0];
    for (int i = 1; i < 24; i++)
        used += wm[i] < 0 ? 0 : wm[i] + 1;
    ok(used <= 60, "60 columns: fits");
    is_int(km_layout_fit(want, 0, 12, -1, 80, 1, w), 0, "no columns");
    is_int(km_layout_fit(want, 5, 12, -1, 0, 1, w), 0, "no width");
}

/* Priorities: the least useful columns go first, wherever they are; equals from the right. */
static void test_fit_prio(void)
{
    /* name, SIZE (top), INIT (least), STATE (low), STATIC (top), METHOD (top) */
    int want[] = {20, 7, 6, 9, 7, 8}, w[6];
    signed char prio[] = {0, 2, -2, -1, 2, 2};
    /* 20+8+7+10+8+9 = 62 */
    is_int(km_layout_fit_prio(want, prio, 6, 12, -1, 62, 1, w), 6, "all fit");
    /* the name shrinks to 12 first: 12+42 = 54 */
    is_int(km_layout_fit_prio(want, prio, 6, 12, -1, 50, 1, w), 5, "50: one goes");
    ok(w[2] < 0 && w[3] == 9 && w[5] == 8, "50: the least useful (INIT) goes, not the rightmost");
    is_int(km_layout_fit_prio(want, prio, 6, 12, -1, 45, 1, w), 4, "45: two go");
    ok(w[2] < 0 && w[3] < 0 && w[1] == 7 && w[4] == 7 && w[5] == 8, "45: then the low one (STATE)");
    is_int(km_layout_fit_prio(want, prio, 6, 12, 2, 40, 1, w), 4, "the sort column stays");
    ok(w[2] == 6 && w[3] < 0 && w[5] < 0, "least useful but sorted by: kept; the rightmost top one goes");
    signed char same[] = {0, 0, 0, 0, 0, 0};
    km_layout_fit_prio(want, same, 6, 12, -1, 40, 1, w);
    ok(w[4] < 0 && w[5] < 0 && w[3] == 9, "equal priorities: from the right");
    int wn[6];
    km_layout_fit(want, 6, 12, -1, 40, 1, wn);
    ok(memcmp(w, wn, sizeof(w)) == 0, "no priorities: as km_layout_fit");
}

static void test_wrap(void)
{
    const char *s = "Slab caches need root: /proc/slabinfo is readable by root only.";
    size_t next, len = km_layout_wrap(s, 20, &next);
    is_int(len, 16, "breaks after a word");
    is_int(next, 17, "next line starts after the blank");
    len = km_layout_wrap("abcdefghij", 4, &next);
    is_int(len, 4, "a long word is cut");
    is_int(next, 4, "and continues");
    len = km_layout_wrap("short", 40, &next);
    is_int(len, 5, "fits in one line");
    is_int(next, 5, "nothing left");
    len = km_layout_wrap("", 40, &next);
    is_int(len, 0, "empty");
    is_int(next, 0, "empty: next 0");
    len = km_layout_wrap("abcd efgh", 4, &next);
    is_int(len, 4, "a word ending exactly at the width");
    is_int(next, 5, "blank skipped");
    /* every line of a wrap fits and the text is covered */
    size_t pos = 0;
    int lines = 0;
    while (s[pos] && lines < 100) {
        len = km_layout_wrap(s + pos, 12, &next);
        if (len > 12)
            break;
        pos += next;
        lines++;
    }
    is_int(s[pos], 0, "wrap reaches the end");
    ok(lines >= 5 && lines <= 7, "wrap at 12: a handful of lines");
}

static void test_scroll(void)
{
    is_int(km_layout_scroll(0, 0, 100, 10), 0, "top stays at 0");
    is_int(km_layout_scroll(9, 0, 100, 10), 0, "last row on screen");
    is_int(km_layout_scroll(10, 0, 100, 10), 1, "one past: scroll by one");
    is_int(km_layout_scroll(5, 20, 100, 10), 5, "above: scroll up to it");
    is_int(km_layout_scroll(99, 0, 100, 10), 90, "end");
    is_int(km_layout_scroll(95, 95, 100, 10), 90, "no blank lines at the end");
    is_int(km_layout_scroll(3, 7, 5, 10), 0, "all rows fit: top 0");
    is_int(km_layout_scroll(200, 0, 100, 10), 90, "selection past the end is clamped");
    is_int(km_layout_scroll(0, 5, 0, 10), 0, "no rows");
    is_int(km_layout_scroll(4, 0, 10, 0), 0, "no room");
}

int main(void)
{
    if (!setlocale(LC_CTYPE, "C.UTF-8") && !setlocale(LC_CTYPE, "C.utf8") &&
        !setlocale(LC_CTYPE, "en_US.UTF-8")) {
        printf("1..0 # SKIP no UTF-8 locale\n");
        return 0;
    }
    test_width();
    test_trunc();
    test_cell();
    test_fit();
    test_fit_prio();
    test_wrap();
    test_scroll();
    test_controls();
    test_invalid();
    test_wide();
    test_cut_multibyte();
    test_c_locale();
    return tap_done();
}
