/*
 * test_sanitize.c - what kernel names may carry into batch text, JSON and the
 * screen (ui/fmt.c, ui/json.c): C0 and C1 controls and bidirectional
 * controls are replaced in text, escaped in JSON; their neighbours are kept.
 */
#include "../../ui/fmt.h"
#include "../../ui/json.h"
#include "../tap.h"

#include <stdbool.h>
#include <string.h>

/* Whether the one character in s is one km_utf8_unsafe names. */
static bool unsafe(const char *s)
{
    size_t k = km_utf8_seq((const unsigned char *)s, strlen(s));
    return k == strlen(s) && km_utf8_unsafe((const unsigned char *)s, k);
}

static void test_ranges(void)
{
    /* C1: U+0080 and U+009F replaced; U+007F is C0's DEL; U+00A0 is text */
    ok(unsafe("\xC2\x80") && unsafe("\xC2\x9B") && unsafe("\xC2\x9F"), "C1 U+0080, U+009B, U+009F");
    ok(!unsafe("\xC2\xA0") && !unsafe("\xC3\xA9"), "U+00A0 and U+00E9 are text");
    ok(unsafe("\xD8\x9C") && !unsafe("\xD8\x9B") && !unsafe("\xD8\x9D"),
       "U+061C, not U+061B or U+061D");
    ok(unsafe("\xE2\x80\x8E") && unsafe("\xE2\x80\x8F"), "U+200E, U+200F (LRM, RLM)");
    ok(!unsafe("\xE2\x80\x8D") && !unsafe("\xE2\x80\x90"), "U+200D and U+2010 are kept");
    bool all = true;
    for (unsigned c = 0xA8; c <= 0xAE; c++) { /* U+2028-U+202E */
        char s[4] = {'\xE2', '\x80', (char)c, 0};
        all &= unsafe(s);
    }
    ok(all, "U+2028-U+202E (separators, embeddings, overrides)");
    ok(!unsafe("\xE2\x80\xA7") && !unsafe("\xE2\x80\xAF"), "U+2027 and U+202F are kept");
    all = true;
    for (unsigned c = 0xA6; c <= 0xA9; c++) { /* U+2066-U+2069 */
        char s[4] = {'\xE2', '\x81', (char)c, 0};
        all &= unsafe(s);
    }
    ok(all, "U+2066-U+2069 (isolates)");
    ok(!unsafe("\xE2\x81\xA5") && !unsafe("\xE2\x81\xAA"), "U+2065 and U+206A are kept");
    ok(!unsafe("\xE4\xB8\xAD") && !unsafe("\xF0\x9F\x98\x80"), "CJK and emoji are kept");
}

static void test_sanitize(void)
{
    char out[64];
    km_sanitize(out, sizeof(out),
                "a\xC2\x9B"
                "31mb\xC2\x85z");
    is_str(out, "a?31mb?z", "CSI and NEL as UTF-8: one ? each");
    km_sanitize(out, sizeof(out), "x\xE2\x80\xAEy\xE2\x81\xA6z\xE2\x81\xA9");
    is_str(out, "x?y?z?", "RLO, LRI, PDI: one ? each");
    km_sanitize(out, sizeof(out), "caf\xC3\xA9\xC2\xA0ok");
    is_str(out, "caf\xC3\xA9\xC2\xA0ok", "valid text unchanged");
    km_sanitize(out, sizeof(out), "e\x1b[1m\x9b\xff");
    is_str(out, "e?[1m??", "C0, a lone C1 byte, a byte not UTF-8: ? each (as before)");
    km_sanitize_rep(out, sizeof(out),
                    "a\xC2\x9B"
                    "b\x01",
                    "\xEF\xBF\xBD");
    is_str(out,
           "a\xEF\xBF\xBD"
           "b\xEF\xBF\xBD",
           "the screen's replacement");
    km_sanitize_rep(out, 5,
                    "a\xC2\x9B"
                    "bcd",
                    "\xEF\xBF\xBD");
    is_str(out, "a\xEF\xBF\xBD", "a replacement is never cut");
    km_sanitize(out, 4, "ab\xC3\xA9");
    is_str(out, "ab?", "a character that does not fit: ?, never half of it");
}

static void test_json(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct km_json j;
    km_json_init(&j, f);
    km_json_arr(&j, NULL);
    km_json_str(&j, NULL,
                "c\xC2\x9B"
                "1m\xE2\x80\xAEx\xE2\x81\xA9\xD8\x9C\xE2\x80\xA8");
    km_json_str(&j, NULL, "caf\xC3\xA9\xC2\xA0");
    km_json_arr_end(&j);
    fclose(f);
    is_str(buf, "[\"c\\u009b1m\\u202ex\\u2069\\u061c\\u2028\",\"caf\xC3\xA9\xC2\xA0\"]",
           "JSON: C1 and bidi controls as \\u escapes, text as it is");
    free(buf);
}

/*
 * The ASCII fast path of km_sanitize_rep against its definition, one
 * character at a time (km_utf8_seq, km_utf8_unsafe): random mixes of
 * printable ASCII, controls, UTF-8 (good, cut, unsafe) and bad bytes, cut at
 * every buffer size.
 */
static void reference(char *dst, size_t n, const char *src, const char *rep)
{
    const unsigned char *p = (const unsigned char *)src;
    size_t left = strlen(src), o = 0, rlen = strlen(rep);
    while (left > 0 && o + 1 < n) {
        size_t k = km_utf8_seq(p, left);
        if (k == 1 && (*p < 0x20 || *p == 0x7f))
            k = 0;
        else if (k > 1 && km_utf8_unsafe(p, k))
            k = 0;
        if (k == 0 || o + k >= n) {
            size_t skip = km_utf8_seq(p, left);
            skip = skip ? skip : 1;
            if (o + rlen >= n)
                break;
            memcpy(dst + o, rep, rlen);
            o += rlen, p += skip, left -= skip;
            continue;
        }
        memcpy(dst + o, p, k);
        o += k, p += k, left -= k;
    }
    if (n)
        dst[o] = '\0';
}

static void test_fast_path(void)
{
    static const char *const parts[] = {"ab",       "kmalloc-64", " ",        "\x1b[2J",
                                        "\t",       "\x7f",       "\xc3\xa9", "\xe2\x80\xae",
                                        "\xc2\x9b", "\xff",       "\xe2\x82", "\xf0\x9f\x98\x80",
                                        "-"};
    unsigned seed = 12345;
    int bad = 0, lenbad = 0, cases = 0;
    for (int t = 0; t < 2000; t++) {
        char src[128] = "";
        size_t len = 0;
        for (int k = 0; k < 8; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *x = parts[(seed >> 16) % (sizeof(parts) / sizeof(parts[0]))];
            if (len + strlen(x) < sizeof(src))
                memcpy(src + len, x, strlen(x) + 1), len += strlen(x);
        }
        for (size_t n = 1; n < 40; n++) {
            char a[64], b[64];
            km_sanitize_rep(a, n, src, t % 2 ? "?" : "\xef\xbf\xbd");
            reference(b, n, src, t % 2 ? "?" : "\xef\xbf\xbd");
            bad += strcmp(a, b) != 0;
            /* the same through km_sanitize_len, with its length and whether it is ASCII */
            char c[64];
            bool ascii = false, out_ascii = true, src_ascii = true;
            size_t got = km_sanitize_len(c, n, src, t % 2 ? "?" : "\xef\xbf\xbd", &ascii);
            for (const unsigned char *q = (const unsigned char *)c; *q; q++)
                out_ascii = out_ascii && *q >= 0x20 && *q < 0x7f;
            for (const unsigned char *q = (const unsigned char *)src; *q; q++)
                src_ascii = src_ascii && *q >= 0x20 && *q < 0x7f;
            /* ASCII said: the text is printable ASCII; an ASCII source is always said */
            lenbad += strcmp(c, b) != 0 || got != strlen(b) || (ascii && !out_ascii) ||
                      (src_ascii && !ascii);
            cases++;
        }
    }
    ok(bad == 0 && cases == 78000,
       "the ASCII fast path gives what the definition gives (78000 cases)");
    ok(lenbad == 0, "km_sanitize_len: the same text, its length, ASCII said when it is so");
}

int main(void)
{
    test_fast_path();
    test_ranges();
    test_sanitize();
    test_json();
    return tap_done();
}
