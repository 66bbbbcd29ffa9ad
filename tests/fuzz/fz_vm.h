/*
 * fz_vm.h - the piecewise vmallocinfo parse (km_vm_parse_*, as kmemtop reads the live file
 * with km_read_stream) against the whole-buffer one: shared by fuzz_vmallocinfo and
 * test_vmallocinfo.
 */
#ifndef KMEMTOP_FZ_VM_H
#define KMEMTOP_FZ_VM_H

#include "kmemtop/vmallocinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Parses buf in pieces that end after a newline (as km_read_stream hands them), the cuts
 * chosen by seed (0: one piece per line), into the memory of spare (or NULL).
 */
static inline int vm_parse_pieces(const char *buf, size_t len, unsigned seed,
                                  struct km_vmallocinfo *spare, struct km_vmallocinfo *out,
                                  struct km_perr *err)
{
    struct km_vm_parse *p = km_vm_parse_begin(out, spare, 0, err);
    size_t at = 0, scap = 0;
    char *scratch = NULL;
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    while (at < len) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t want = seed ? 1 + (size_t)(x % 512) : 1; /* bytes, then on to a newline */
        size_t end = at + want < len ? at + want : len;
        while (end < len && buf[end - 1] != '\n')
            end++;
        /* each piece where the one before was, as km_read_stream's buffer holds them: what
           pointed into the last piece points at other bytes now */
        if (end - at > scap) {
            free(scratch);
            scratch = malloc(scap = end - at);
        }
        memcpy(scratch, buf + at, end - at);
        km_vm_parse_feed(p, scratch, end - at);
        memset(scratch, '+', end - at);
        at = end;
    }
    free(scratch);
    return km_vm_parse_end(p);
}

static inline bool vm_str_same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* NULL when a and b hold the same areas, else what differs (in buf, n bytes). */
static inline const char *vm_differ(const struct km_vmallocinfo *a, const struct km_vmallocinfo *b,
                                    char *why, size_t n)
{
    if (a->n != b->n || a->addr_kind != b->addr_kind || a->dups != b->dups ||
        a->dup_lineno != b->dup_lineno || a->nnuma != b->nnuma) {
        snprintf(why, n, "n %zu/%zu kind %d/%d dups %zu/%zu at %d/%d numa %zu/%zu", a->n, b->n,
                 a->addr_kind, b->addr_kind, a->dups, b->dups, a->dup_lineno, b->dup_lineno,
                 a->nnuma, b->nnuma);
        return why;
    }
    for (size_t i = 0; i < a->n; i++) {
        const struct km_vmarea *x = &a->areas[i], *y = &b->areas[i];
        bool same = x->start == y->start && x->end == y->end && x->size == y->size &&
                    x->pages == y->pages && x->flags == y->flags && x->lineno == y->lineno &&
                    x->caller_symlen == y->caller_symlen && x->nnuma == y->nnuma &&
                    vm_str_same(x->caller, y->caller) && vm_str_same(x->module, y->module);
        for (int k = 0; same && k < x->nnuma; k++)
            same = km_vm_numa(a, x)[k].node == km_vm_numa(b, y)[k].node &&
                   km_vm_numa(a, x)[k].pages == km_vm_numa(b, y)[k].pages;
        if (!same) {
            snprintf(why, n, "area %zu (line %d/%d) differs", i, x->lineno, y->lineno);
            return why;
        }
    }
    return NULL;
}

#endif
