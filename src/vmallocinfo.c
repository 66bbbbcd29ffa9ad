/* vmallocinfo.c - parser for /proc/vmallocinfo. See include/kmemtop/vmallocinfo.h. */
#include "kmemtop/vmallocinfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif

_Static_assert(sizeof(void *) != 8 || sizeof(struct km_vmarea) == 64,
               "an area is 64 bytes on a 64-bit machine");
_Static_assert(KM_VM_PAGES_EST <= UINT16_MAX && KM_VM_MAX_NUMA <= 127,
               "the flags and the per-node count fit their fields");

/*
 * Growable storage for caller/module strings; offsets become pointers at the end. Each
 * distinct string is stored once (an open-addressing table of offsets, by hash): a server's
 * 100k areas come from a few hundred callers.
 */
struct text {
    char *data;
    size_t len, cap;
    size_t *slot; /* offset + 1, 0 empty */
    size_t nslot, used;
    /* the caller (and module) of the line before, where the buffer has them: most lines
       repeat them */
    const char *last, *last_mod;
    size_t last_len, last_off, last_mod_len, last_mod_off;
    int last_symlen;
    /*
     * The tail memo: the bytes after the size of the last line read whole, up to the end of
     * its last token before the first per-node count (most lines repeat them: caller,
     * module, pages=, flag words), and what they decided. A line whose bytes there are the
     * same, a blank or its end after them, gets that without reading those tokens.
     */
    const char *memo; /* NULL: none (a new piece, or no such line yet) */
    size_t memo_len;
    struct km_vmarea memo_area; /* pages, caller, module, symlen and flags of those tokens */
};

/* Growable per-node counts of every area. */
struct numas {
    struct km_vmnuma *v;
    size_t n, cap;
};

/*
 * While parsing, an area's caller and module hold where their text starts in struct text,
 * plus one, as a pointer-sized integer (0: none): text moves as it grows, and an array of
 * offsets beside the areas was 16 bytes more per area at the peak. fix_strings makes them
 * pointers.
 */
static inline const char *off_ptr(size_t off)
{
    return (const char *)(uintptr_t)(off + 1);
}

/* The length and up to 8 bytes of each end: callers differ there (symbol, offset/size). */
static size_t str_hash(const char *s, size_t len)
{
    uint64_t a = 0, b = 0;
    memcpy(&a, s, len < 8 ? len : 8);
    if (len > 8)
        memcpy(&b, s + (len > 16 ? len - 8 : 8), len > 16 ? 8 : len - 8);
    uint64_t h = (a ^ (b * 0x9e3779b97f4a7c15ull) ^ len) * 0xff51afd7ed558ccdull;
    return (size_t)(h ^ (h >> 32));
}

static void text_rehash(struct text *t)
{
    size_t n = t->nslot ? t->nslot * 2 : 256;
    size_t *slot = xcalloc(n, sizeof(*slot));
    for (size_t i = 0; i < t->nslot; i++) {
        if (!t->slot[i])
            continue;
        const char *s = t->data + t->slot[i] - 1;
        size_t h = str_hash(s, strlen(s)) & (n - 1);
        while (slot[h])
            h = (h + 1) & (n - 1);
        slot[h] = t->slot[i];
    }
    free(t->slot);
    t->slot = slot;
    t->nslot = n;
}

static size_t text_add(struct text *t, const char *s, size_t len)
{
    if ((t->used + 1) * 2 > t->nslot)
        text_rehash(t);
    size_t h = str_hash(s, len) & (t->nslot - 1);
    for (; t->slot[h]; h = (h + 1) & (t->nslot - 1)) {
        const char *have = t->data + t->slot[h] - 1; /* NUL-ended inside data */
        if (strnlen(have, len + 1) == len && memcmp(have, s, len) == 0)
            return t->slot[h] - 1;
    }
    size_t off = t->len;
    xgrow((void **)&t->data, &t->cap, t->len + len + 1, 1);
    memcpy(t->data + t->len, s, len);
    t->data[t->len + len] = '\0';
    t->len += len + 1;
    t->slot[h] = off + 1;
    t->used++;
    return off;
}

/* km_tok_next's blanks; the tokenizer inlined here, where every byte of a large file goes */
static const bool blank[256] = {
    [' '] = true, ['\t'] = true, ['\r'] = true, ['\n'] = true,
    ['\0'] = true, ['\v'] = true, ['\f'] = true,
};

static inline bool tok_next(struct km_tok *t, const char **tok, size_t *len)
{
    const char *p = t->p, *end = t->end;
    while (p < end && blank[(unsigned char)*p])
        p++;
    if (p >= end) {
        t->p = p;
        return false;
    }
    const char *s = p;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /*
     * Eight bytes at a time: the first byte below 0x21 (every blank is one) is the lowest bit
     * of the classic has-less-than mask (bytes after it can be flagged by the borrow, it
     * cannot); a control byte that is not blank goes on with the word after it.
     */
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    while (end - p >= 8) {
        uint64_t x;
        memcpy(&x, p, 8);
        uint64_t m = (x - 0x21 * ones) & ~x & high;
        if (!m) {
            p += 8;
            continue;
        }
        p += __builtin_ctzll(m) / 8;
        if (blank[(unsigned char)*p])
            goto done;
        p++;
    }
#endif
    while (p < end && !blank[(unsigned char)*p])
        p++;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
done:
#endif
    t->p = p;
    *tok = s;
    *len = (size_t)(p - s);
    return true;
}


/* km_parse_i64 inlined for the short counts of every line (size, pages=, N<nid>=). */
static inline int dec_i64(const char *s, size_t len, int64_t *out)
{
    if (len == 0 || len > 18)
        return km_parse_i64(s, len, out);
    int64_t v = 0;
    unsigned bad = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        bad |= d > 9;
        v = v * 10 + (int64_t)(d & 0xf);
    }
    if (bad)
        return km_parse_i64(s, len, out); /* a sign, or its error */
    *out = v;
    return 0;
}

/*
 * 8 hex digits at s, eight bytes at a time: false unless each is one. Bytes are checked for
 * the ranges '0'-'9' and (lowercased) 'a'-'f' together, then the nibbles packed in order.
 */
static inline bool hex8(const char *s, uint32_t *out)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t x;
    memcpy(&x, s, 8);
    if (x & high)
        return false;
    uint64_t lx = x | 0x2020202020202020ull; /* digits keep their 0x20 bit */
    /* byte b in [lo, hi] (every byte < 0x80): b + (0x80 - lo) has bit 7, b + (0x7f - hi) not */
    uint64_t dig = (x + (0x80 - 0x30) * ones) & ~(x + (0x7f - 0x39) * ones);
    uint64_t let = (lx + (0x80 - 0x61) * ones) & ~(lx + (0x7f - 0x66) * ones);
    if (((dig | let) & high) != high)
        return false;
    uint64_t val = (lx & 0x0f0f0f0f0f0f0f0full) + ((let & high) >> 7) * 9; /* 0..15 each */
    /* byte 0 (the first digit) lowest: pair, then quad, then the two halves */
    uint64_t t = ((val & 0x000f000f000f000full) << 4) | ((val >> 8) & 0x000f000f000f000full);
    t = ((t & 0x000000ff000000ffull) << 8) | ((t >> 16) & 0x000000ff000000ffull);
    t = ((t & 0xffffull) << 16) | ((t >> 32) & 0xffffull);
    *out = (uint32_t)t;
    return true;
}

/* Exactly 16 hex digits, as "0x%016lx" prints them after its 0x; false if one is not. */
#if defined(__SSE2__) && defined(__x86_64__)
/*
 * SSE2 (every x86-64 has it): the sixteen bytes tested and turned into nibbles at once, pairs
 * packed into bytes, the eight bytes (first digits highest) swapped into the value.
 */
static inline bool hex16(const char *s, uint64_t *out)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
    __m128i lx = _mm_or_si128(x, _mm_set1_epi8(0x20));
    /* signed compares: a byte >= 0x80 is negative and neither a digit nor a letter */
    __m128i dig = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
                                _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));
    __m128i let = _mm_and_si128(_mm_cmpgt_epi8(lx, _mm_set1_epi8('a' - 1)),
                                _mm_cmplt_epi8(lx, _mm_set1_epi8('f' + 1)));
    if (_mm_movemask_epi8(_mm_or_si128(dig, let)) != 0xffff)
        return false;
    __m128i nib = _mm_add_epi8(_mm_and_si128(lx, _mm_set1_epi8(0x0f)),
                               _mm_and_si128(let, _mm_set1_epi8(9)));
    /* 16-bit lane k: digit 2k in its low byte, digit 2k+1 in its high byte */
    __m128i pair = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(nib, _mm_set1_epi16(0x00ff)), 4),
                                _mm_srli_epi16(nib, 8));
    uint64_t be = (uint64_t)_mm_cvtsi128_si64(_mm_packus_epi16(pair, pair));
    *out = __builtin_bswap64(be);
    return true;
}
#else
static inline bool hex16(const char *s, uint64_t *out)
{
    uint32_t hi, lo;
    if (!hex8(s, &hi) || !hex8(s + 8, &lo))
        return false;
    *out = (uint64_t)hi << 32 | lo;
    return true;
}
#endif

/* pfx a string literal: its length and the comparison known at compile time */
#define has_prefix(tok, len, pfx)                                                                 \
    ((len) >= sizeof(pfx) - 1 && memcmp((tok), (pfx), sizeof(pfx) - 1) == 0)

/*
 * One address as printed by "0x%pK": hex digits, or "(____ptrval____)"
 * ("(ptrval)" on 32-bit) when the hash key was not ready early in boot.
 */
static int parse_addr(const char *s, size_t len, uint64_t *out, bool *ptrval)
{
    if (has_prefix(s, len, "0x"))
        s += 2, len -= 2;
    if (len > 0 && s[0] == '(' && s[len - 1] == ')') {
        *out = 0;
        *ptrval = true;
        return 0;
    }
    return km_parse_hex(s, len, out);
}

static int parse_range(const char *tok, size_t len, struct km_vmarea *a, bool *ptrval)
{
    const char *dash = memchr(tok, '-', len);
    if (!dash)
        return -EINVAL;
    size_t l1 = (size_t)(dash - tok);
    int rc = parse_addr(tok, l1, &a->start, ptrval);
    if (!rc)
        rc = parse_addr(dash + 1, len - l1 - 1, &a->end, ptrval);
    return rc;
}

/* a flag word with a first letter not yet among them needs it in parse_tail's test too */
/* Every token of every line goes through here: compare lengths before bytes. */
static uint32_t flag_of(const char *tok, size_t len)
{
#define FLAG_IS(w) (memcmp(tok, (w), sizeof(w) - 1) == 0) /* len already sizeof(w) - 1 */
    switch (len) { /* flag_words by length: each comparison of a constant length */
    case 4:
        return FLAG_IS("vmap") ? KM_VM_VMAP : FLAG_IS("user") ? KM_VM_USER : 0;
    case 6:
        return FLAG_IS("sparse") ? KM_VM_SPARSE : FLAG_IS("vpages") ? KM_VM_VPAGES : 0;
    case 7:
        return FLAG_IS("vmalloc") ? KM_VM_VMALLOC : FLAG_IS("ioremap") ? KM_VM_IOREMAP : 0;
    case 8:
        return FLAG_IS("unpurged") ? KM_VM_UNPURGED : 0;
    case 10:
        return FLAG_IS("vm_map_ram") ? KM_VM_MAP_RAM : 0;
    case 12:
        return FLAG_IS("dma-coherent") ? KM_VM_DMA_COHERENT : 0;
    default:
        return 0;
    }
#undef FLAG_IS
}

/* "%pS" prints "sym+0xoff/0xsize" or a bare "0x..." when unresolved. */
static bool looks_like_caller(const char *tok, size_t len)
{
    return memchr(tok, '+', len) != NULL || has_prefix(tok, len, "0x");
}

/* "N<nid>=<pages>"; returns 1 when tok is such a token, 0 when not, <0 when malformed. */
static int parse_numa(const char *tok, size_t len, struct km_vmarea *a, struct numas *nu)
{
    if (len < 3 || tok[0] != 'N' || tok[1] < '0' || tok[1] > '9')
        return 0;
    uint64_t nid;
    int64_t pages;
    const char *eq;
    if (tok[2] == '=') { /* N<digit>=: nodes 0-9 without a search or a parse */
        eq = tok + 2;
        nid = (uint64_t)(tok[1] - '0');
    } else if (len > 3 && tok[3] == '=' && tok[1] != '0' && tok[2] >= '0' && tok[2] <= '9') {
        eq = tok + 3;
        nid = (uint64_t)(tok[1] - '0') * 10 + (uint64_t)(tok[2] - '0');
    } else {
        eq = memchr(tok, '=', len);
        if (!eq)
            return 0;
        if (km_parse_u64(tok + 1, (size_t)(eq - tok - 1), &nid) || nid > INT32_MAX)
            return -EINVAL;
    }
    if (dec_i64(eq + 1, (size_t)(tok + len - eq - 1), &pages))
        return -EINVAL;
    if (a->nnuma < KM_VM_MAX_NUMA) {
        if (a->nnuma == 0)
            a->numa0 = (uint32_t)nu->n;
        if (nu->n + 1 > nu->cap)
            xgrow((void **)&nu->v, &nu->cap, nu->n + 1, sizeof(*nu->v));
        nu->v[nu->n++] = (struct km_vmnuma){(int)nid, pages};
        a->nnuma++;
    }
    return 1;
}

/* The caller token right after the size, and an optional " [mod]" after it. */
static bool same_as_last(const struct text *tx, const char *tok, size_t len)
{
    return tx->last && len == tx->last_len && memcmp(tok, tx->last, len) == 0;
}

static inline void take_caller(struct km_tok *t, const char *tok, size_t len, struct km_vmarea *a,
                        struct text *tx, bool memo)
{
    if (memo) {
        a->caller = off_ptr(tx->last_off);
        a->caller_symlen = tx->last_symlen;
    } else {
        size_t off = text_add(tx, tok, len);
        a->caller = off_ptr(off);
        const char *plus = memchr(tok, '+', len);
        a->caller_symlen = plus && !has_prefix(tok, len, "0x") ? (int)(plus - tok) : 0;
        tx->last = tok, tx->last_len = len, tx->last_off = off;
        tx->last_symlen = a->caller_symlen;
    }
    const char *q = t->p;
    while (q < t->end && blank[(unsigned char)*q])
        q++;
    if (q >= t->end || *q != '[')
        return; /* no module: the next token is not read twice */
    struct km_tok peek = *t;
    const char *m;
    size_t mlen;
    if (tok_next(&peek, &m, &mlen) && mlen >= 2 && m[0] == '[') {
        m++, mlen--;
        if (m[mlen - 1] == ']')
            mlen--;
        if (!(tx->last_mod && mlen == tx->last_mod_len && memcmp(m, tx->last_mod, mlen) == 0)) {
            tx->last_mod_off = text_add(tx, m, mlen);
            tx->last_mod = m, tx->last_mod_len = mlen;
        }
        a->module = off_ptr(tx->last_mod_off);
        *t = peek;
    }
}

/* Everything after the size: caller, key=value tokens and flag words. */
static int parse_tail(struct km_tok *t, int lineno, struct km_vmarea *a, struct text *tx,
                      struct numas *nu, struct km_perr *err)
{
    const char *tok;
    size_t len;
    bool first = true;
    const char *from = t->p, *upto = NULL; /* the memo's bytes: from, to the end of the last
                                              token before the first per-node count */
    const char *prev_end = NULL;
    struct km_vmarea took; /* what those tokens decided, kept if the line is read whole */
    if (tx->memo && (size_t)(t->end - from) >= tx->memo_len &&
        memcmp(from, tx->memo, tx->memo_len) == 0 &&
        ((size_t)(t->end - from) == tx->memo_len || blank[(unsigned char)from[tx->memo_len]])) {
        a->pages = tx->memo_area.pages;
        a->caller = tx->memo_area.caller;
        a->module = tx->memo_area.module;
        a->caller_symlen = tx->memo_area.caller_symlen;
        a->flags = tx->memo_area.flags;
        t->p = from + tx->memo_len;
        first = false;
        from = NULL; /* the memo stays as it is */
    }
    while (tok_next(t, &tok, &len)) {
        /* only these letters begin a flag word: the other tokens skip the word list */
        /* the caller of the line before: what its text decided then, without the tests */
        bool memo = first && same_as_last(tx, tok, len);
        char c0 = tok[0];
        uint32_t f = !memo && (c0 == 'v' || c0 == 'i' || c0 == 'u' || c0 == 's' || c0 == 'd')
                         ? flag_of(tok, len)
                         : 0;
        int rc;
        uint64_t u;
        if (f) {
            a->flags |= (uint16_t)f;
        } else if (memo) {
            take_caller(t, tok, len, a, tx, true);
        } else if (c0 == 'p' && has_prefix(tok, len, "pages=")) {
            if (dec_i64(tok + 6, len - 6, &a->pages) || a->pages < 0)
                return km_perr_set(err, lineno, "bad pages= value '%.*s'", (int)len, tok);
        } else if (c0 == 'p' && has_prefix(tok, len, "phys=")) {
            /* %llx without 0x up to 4.10, %pa with 0x after */
            if (km_parse_hex(tok + 5, len - 5, &u))
                return km_perr_set(err, lineno, "bad phys= value '%.*s'", (int)len, tok);
        } else if ((rc = parse_numa(tok, len, a, nu)) != 0) {
            if (from && !upto && prev_end) { /* the tokens before the first count */
                upto = prev_end;
                took = *a;
            }
            if (rc < 0)
                return km_perr_set(err, lineno, "bad per-node count '%.*s'", (int)len, tok);
        } else if (first && looks_like_caller(tok, len)) {
            take_caller(t, tok, len, a, tx, false);
        }
        /* anything else ("vm_area" after "unpurged", a future flag word) is ignored */
        first = false;
        prev_end = t->p;
    }
    if (from && !upto && prev_end) {
        upto = prev_end;
        took = *a;
    }
    if (from && upto) { /* the line was read whole: its tokens are the memo now */
        tx->memo_area = took;
        tx->memo = from;
        tx->memo_len = (size_t)(upto - from);
    }
    return 0;
}

static int parse_line(const char *line, size_t len, int lineno, struct km_vmarea *a,
                      struct text *tx, struct numas *nu, bool *ptrval,
                      struct km_perr *err)
{
    struct km_tok t;
    const char *tok;
    size_t tlen;
    km_tok_init(&t, line, len);
    memset(a, 0, sizeof(*a));
    a->pages = KM_NA;
    a->lineno = lineno;
    /* the range as a 64-bit kernel prints it, "0x<16 digits>-0x<16 digits>": read in place */
    if (len >= 37 && line[0] == '0' && line[1] == 'x' && line[18] == '-' && line[19] == '0' &&
        line[20] == 'x' && (len == 37 || blank[(unsigned char)line[37]]) &&
        hex16(line + 2, &a->start) && hex16(line + 21, &a->end)) {
        t.p = line + 37;
    } else if (!tok_next(&t, &tok, &tlen)) {
        return 1; /* blank line */
    } else if (parse_range(tok, tlen, a, ptrval)) {
        return km_perr_set(err, lineno, "bad address range '%.*s'", (int)(tlen > 60 ? 60 : tlen),
                           tok);
    }
    if (!tok_next(&t, &tok, &tlen))
        return km_perr_set(err, lineno, "missing size after the address range");
    int rc = dec_i64(tok, tlen, &a->size);
    if (rc || a->size < 0)
        return km_perr_set(err, lineno, "bad size '%.*s'%s", (int)(tlen > 30 ? 30 : tlen), tok,
                           rc == -ERANGE ? " (too large)" : "");
    return parse_tail(&t, lineno, a, tx, nu, err);
}

/*
 * Which kind of addresses the file shows (kernel-formats.md 5.1):
 *  - ZERO: every address is 0 (kptr_restrict or a reader without CAP_SYSLOG),
 *    and also an empty file.
 *  - HASHED: any "(____ptrval____)"; or 4.15+ %pK hashing, which prints a
 *    32-bit siphash zero-extended to 64 bits. Hashes are all < 2^32, and
 *    end - start never equals size (the two ends are hashed separately), while
 *    the end of one area often equals the start of the next one.
 *  - REAL: any address >= 2^32 (a hash never is); or, when every address is
 *    below 2^32 (32-bit kernels such as ARM with modules at 0xbf000000), most
 *    lines satisfy end - start == size, which real addresses always do and
 *    hashes do with probability 2^-32.
 */
static enum km_addr_kind classify(const struct km_vmarea *v, size_t n, bool ptrval)
{
    if (ptrval)
        return KM_ADDR_HASHED;
    size_t nonzero = 0, consistent = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].start == 0 && v[i].end == 0)
            continue;
        if ((v[i].start >> 32) || (v[i].end >> 32))
            return KM_ADDR_REAL;
        nonzero++;
        if (v[i].end - v[i].start == (uint64_t)v[i].size)
            consistent++;
    }
    if (nonzero == 0)
        return KM_ADDR_ZERO;
    return consistent * 2 > nonzero ? KM_ADDR_REAL : KM_ADDR_HASHED;
}

static const char *text_at(char *text, const char *off1)
{
    return off1 ? text + ((uintptr_t)off1 - 1) : NULL;
}

static void fix_strings(struct km_vmallocinfo *out, char *text)
{
    for (size_t i = 0; i < out->n; i++) {
        out->areas[i].caller = text_at(text, out->areas[i].caller);
        out->areas[i].module = text_at(text, out->areas[i].module);
    }
    out->text = text;
}

/*
 * Room for every area the buffer can hold, allocated once: a kept line has at least a range
 * ("a-b"), a blank and a size, 5 bytes, and its newline; no more than its lines either.
 * Growing by doubling left up to twice the areas' memory at the peak and a copy at the end.
 */
static size_t areas_bound(const char *buf, size_t len)
{
    size_t lines = 1;
    for (const char *p = buf, *end = buf + len; (p = memchr(p, '\n', (size_t)(end - p))) != NULL;
         p++)
        lines++;
    size_t most = len / 6 + 1;
    return lines < most ? lines : most;
}

/*
 * Beyond any kernel's vmalloc space (12.5 PiB at most) and any machine's memory: a file
 * whose areas add up to more is corrupt, and the bounds keep sums over areas from overflowing.
 */
#define VM_MAX_BYTES ((int64_t)1 << 60)
#define VM_MAX_PAGES ((int64_t)1 << 40)

/* The parse's state between pieces. */
struct km_vm_parse {
    struct km_vmallocinfo *out;
    struct km_perr *err;
    struct text tx;
    struct numas nu;
    size_t cap;       /* room in out->areas */
    int64_t bytes, pages; /* totals, bounded so that no sum over the areas overflows */
    int lineno, bad;
    bool ptrval, keep_room;
};
struct km_vm_parse *km_vm_parse_begin(struct km_vmallocinfo *out, struct km_vmallocinfo *spare,
                                      size_t hint, struct km_perr *err)
{
    struct km_vm_parse *st = xcalloc(1, sizeof(*st));
    st->out = out;
    st->err = err;
    memset(out, 0, sizeof(*out));
    if (spare) { /* the storage of a sample no longer needed, to be filled again */
        out->areas = spare->areas;
        st->cap = spare->areas_cap;
        st->nu.v = spare->numa;
        st->nu.cap = spare->numa_cap;
        st->tx.data = spare->text;
        st->tx.cap = spare->text_cap;
        memset(spare, 0, sizeof(*spare));
        st->keep_room = true;
    }
    if (hint > st->cap) {
        free(out->areas);
        out->areas = xmalloc(hint * sizeof(*out->areas));
        st->cap = hint;
    }
    return st;
}

void km_vm_parse_feed(struct km_vm_parse *st, const char *buf, size_t len)
{
    struct km_vmallocinfo *out = st->out;
    struct text *tx = &st->tx;
    struct numas *nu = &st->nu;
    struct km_lines it;
    const char *line;
    size_t llen;
    /* the line before's caller and module are where the last piece was: not compared again */
    tx->last = tx->last_mod = NULL;
    tx->memo = NULL;
    km_lines_init(&it, buf, len);
    it.lineno = st->lineno;
    while (km_lines_next(&it, &line, &llen)) {
        struct km_perr why; /* only line and msg are read (km_perr_skip): 300+ bytes not zeroed */
        why.line = 0;
        why.msg[0] = '\0';
        bool lp = false; /* this line's "(____ptrval____)": counts only if the line is kept */
        if (out->n + 1 > st->cap)
            xgrow((void **)&out->areas, &st->cap, out->n + 1, sizeof(*out->areas));
        size_t nu0 = nu->n; /* a line left out gives its per-node counts back */
        int rc = parse_line(line, llen, it.lineno, &out->areas[out->n], tx, nu, &lp, &why);
        const struct km_vmarea *a = &out->areas[out->n];
        if (rc == 0 && (a->size > VM_MAX_BYTES - st->bytes ||
                        (!KM_IS_NA(a->pages) && a->pages > VM_MAX_PAGES - st->pages)))
            rc = km_perr_set(&why, it.lineno, "areas add up to more than %s",
                             a->size > VM_MAX_BYTES - st->bytes ? "2^60 bytes" : "2^40 pages");
        if (rc < 0) { /* left out and counted; its strings stay unused in tx */
            km_perr_skip(st->err, &why);
            st->bad++;
            nu->n = nu0;
        } else if (rc == 0 && out->n > 0 && (a->start || a->end) &&
                   a->start == a[-1].start && a->end == a[-1].end && a->size == a[-1].size) {
            /* two areas cannot have one range: a line printed twice by a torn read */
            if (out->dups++ == 0)
                out->dup_lineno = it.lineno;
            nu->n = nu0;
        } else if (rc != 0) {
            nu->n = nu0;
        } else {
            st->ptrval = st->ptrval || lp;
            st->bytes += a->size;
            st->pages += KM_IS_NA(a->pages) ? 0 : a->pages;
            out->n++;
        }
    }
    st->lineno = it.lineno;
}

int km_vm_parse_end(struct km_vm_parse *st)
{
    struct km_vmallocinfo *out = st->out;
    free(st->tx.slot);
    out->addr_kind = classify(out->areas, out->n, st->ptrval);
    fix_strings(out, st->tx.data);
    out->text_cap = st->tx.cap;
    out->numa = st->nu.v;
    out->nnuma = st->nu.n;
    out->numa_cap = st->nu.cap;
    out->areas_cap = st->cap;
    bool keep_room = st->keep_room;
    struct km_perr *err = st->err;
    int bad = st->bad;
    free(st);
    if (bad && out->n == 0) {
        km_vmallocinfo_free(out);
        return km_perr_unusable(err);
    }
    /*
     * What a frame keeps: no room left over (lines left out, or numa's doubling), but for
     * storage that is filled again next tick, where the room saves the next one's page faults
     * (given back when it is more than the areas themselves).
     */
    bool trim = !keep_room || out->areas_cap > 2 * out->n + 1024;
    if (trim && out->n && out->areas_cap > out->n) {
        out->areas = xrealloc(out->areas, out->n * sizeof(*out->areas));
        out->areas_cap = out->n;
    }
    trim = !keep_room || out->numa_cap > 2 * out->nnuma + 1024;
    if (trim && out->nnuma && out->numa_cap > out->nnuma) {
        out->numa = xrealloc(out->numa, out->nnuma * sizeof(*out->numa));
        out->numa_cap = out->nnuma;
    }
    return 0;
}

void km_vm_parse_abort(struct km_vm_parse *st)
{
    if (!st)
        return;
    free(st->tx.slot);
    free(st->tx.data);
    free(st->nu.v);
    free(st->out->areas);
    memset(st->out, 0, sizeof(*st->out));
    free(st);
}

/* A line that cannot be read is left out and counted (err->skipped); none readable: -EINVAL. */
int km_parse_vmallocinfo(const char *buf, size_t len, struct km_vmallocinfo *out,
                         struct km_perr *err)
{
    struct km_vm_parse *p = km_vm_parse_begin(out, NULL, areas_bound(buf, len), err);
    km_vm_parse_feed(p, buf, len);
    return km_vm_parse_end(p);
}

void km_vmallocinfo_recycle(struct km_vmallocinfo *v, struct km_vmallocinfo *spare)
{
    if (spare->areas_cap >= v->areas_cap && (spare->areas || !v->areas)) {
        km_vmallocinfo_free(v); /* the spare has more room already */
        return;
    }
    km_vmallocinfo_free(spare);
    *spare = (struct km_vmallocinfo){.areas = v->areas,
                                     .areas_cap = v->areas_cap,
                                     .numa = v->numa,
                                     .numa_cap = v->numa_cap,
                                     .text = v->text,
                                     .text_cap = v->text_cap};
    memset(v, 0, sizeof(*v));
}

void km_vmallocinfo_free(struct km_vmallocinfo *v)
{
    if (!v)
        return;
    free(v->areas);
    free(v->numa);
    free(v->text);
    memset(v, 0, sizeof(*v));
}

size_t km_vmallocinfo_estimate_pages(struct km_vmallocinfo *v, long page_size)
{
    size_t n = 0;
    for (size_t i = 0; page_size > 0 && i < v->n; i++) {
        struct km_vmarea *a = &v->areas[i];
        /* vpages: its page array was large enough to be vmalloc'd, so it has pages; a
           percpu chunk ("pcpu_get_vm_areas ... vmalloc") has none of its own */
        if ((a->flags & (KM_VM_VMALLOC | KM_VM_VPAGES)) != (KM_VM_VMALLOC | KM_VM_VPAGES) ||
            !KM_IS_NA(a->pages) || (a->flags & (KM_VM_UNPURGED | KM_VM_MAP_RAM)))
            continue;
        a->pages = a->size > page_size ? (a->size - page_size) / page_size : 0;
        a->flags |= (uint16_t)KM_VM_PAGES_EST;
        n++;
    }
    return n;
}

int64_t km_vmallocinfo_vmalloc_pages(const struct km_vmallocinfo *v)
{
    int64_t sum = 0;
    for (size_t i = 0; i < v->n; i++)
        if ((v->areas[i].flags & KM_VM_VMALLOC) && !KM_IS_NA(v->areas[i].pages) &&
            v->areas[i].pages > 0) {
            if (v->areas[i].pages > INT64_MAX - sum)
                return INT64_MAX; /* only a corrupt file gets here */
            sum += v->areas[i].pages;
        }
    return sum;
}
