/* test_layout.c - the screen's layout arithmetic (ui/layout.c). */
#include "../../ui/layout.h"
#include "../tap.h"

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
    is_int(km_layout_fit(want, 0, 12, -1, 80, 1, w), 0, "no columns");
    is_int(km_layout_fit(want, 5, 12, -1, 0, 1, w), 0, "no width");
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
    test_width();
    test_trunc();
    test_cell();
    test_fit();
    test_wrap();
    test_scroll();
    return tap_done();
}
