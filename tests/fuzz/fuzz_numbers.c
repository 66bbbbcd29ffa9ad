/*
 * fuzz_numbers.c - libFuzzer target: km_parse_u64, km_parse_i64 and
 * km_parse_hex (util.h), which every parser's numbers go through, against a
 * plain reimplementation of their contract over the whole input. A number
 * that overflows before a bad byte may be either error.
 */
#include <errno.h>

#include "fz.h"

static int either; /* the last reference: -EINVAL after an overflow, -ERANGE accepted too */

/* digits of base 10 or 16 from s: 0 with *v, -EINVAL, or -ERANGE past limit */
static int ref_digits(const char *s, size_t len, int base, unsigned __int128 limit,
                      unsigned __int128 *v)
{
    either = 0;
    if (len == 0)
        return -EINVAL;
    unsigned __int128 x = 0;
    int over = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else {
            either = over;
            return -EINVAL;
        }
        if (!over) {
            x = x * (unsigned)base + (unsigned)d;
            over = x > limit;
        }
    }
    *v = x;
    return over ? -ERANGE : 0;
}

static int same(int rc, int ref)
{
    return rc == ref || (either && rc == -ERANGE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    unsigned __int128 want;
    uint64_t u = 7;
    int64_t i = 7;

    int ref = ref_digits(s, size, 10, UINT64_MAX, &want);
    int rc = km_parse_u64(s, size, &u);
    FZ_CHECK(same(rc, ref) && (rc || u == (uint64_t)want), "u64: rc %d, want %d", rc, ref);

    int neg = size > 0 && s[0] == '-';
    ref = ref_digits(s + neg, size - (size_t)neg, 10, (unsigned __int128)INT64_MAX + (unsigned)neg,
                     &want);
    rc = km_parse_i64(s, size, &i);
    FZ_CHECK(same(rc, ref), "i64: rc %d, want %d", rc, ref);
    if (!rc)
        FZ_CHECK(neg ? (want == 0 ? i == 0 : i == -(int64_t)(want - 1) - 1) : i == (int64_t)want,
                 "i64: value %lld", (long long)i);

    size_t skip = size >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 2 : 0;
    ref = ref_digits(s + skip, size - skip, 16, UINT64_MAX, &want);
    rc = km_parse_hex(s, size, &u);
    FZ_CHECK(same(rc, ref) && (rc || u == (uint64_t)want), "hex: rc %d, want %d", rc, ref);
    return 0;
}
