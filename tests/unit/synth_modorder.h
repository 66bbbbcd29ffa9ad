/*
 * synth_modorder.h - a synthetic 6.9+ machine for the order method at scale
 * (test_modjoin_scale.c, bench.c): nmods modules, each with a text, data and
 * rodata area and every other one an ro_after_init area, with section
 * addresses as root reads them in sysfs; vmallocinfo printed as the kernel
 * does from 6.9 (per vmap node, node 0 first, each in address order, N
 * nodes of 16 pages) with hashed addresses, after nfill other areas.
 */
#ifndef KMEMTOP_SYNTH_MODORDER_H
#define KMEMTOP_SYNTH_MODORDER_H

#include "kmemtop/modjoin.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYN_PS 4096
#define SYN_MOD_REGION 0xffff800080000000ull
#define SYN_FILL_REGION 0xffff800100000000ull
#define SYN_SLOT 0x80000ull /* address room per module */

struct syn_area {
    uint64_t start;
    int pages;
    int fill;
};

struct syn_text {
    char *p;
    size_t len, cap;
};

static void syn_put(struct syn_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void syn_put(struct syn_text *t, const char *fmt, ...)
{
    if (t->cap - t->len < 512) {
        t->cap = t->cap ? t->cap * 2 : 1 << 20;
        t->p = realloc(t->p, t->cap);
    }
    va_list ap;
    va_start(ap, fmt);
    t->len += (size_t)vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
}

/* a stand-in for the kernel's keyed pointer hash: same input, same output */
static uint64_t syn_hash(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x & 0xffffffffull;
}

static int syn_nodes;

static int syn_cmp(const void *a, const void *b)
{
    const struct syn_area *p = a, *q = b;
    uint64_t zone = 16 * SYN_PS;
    uint64_t np = (p->start / zone) % (uint64_t)syn_nodes, nq = (q->start / zone) % (uint64_t)syn_nodes;
    if (np != nq)
        return np < nq ? -1 : 1;
    return (p->start > q->start) - (p->start < q->start);
}

static void syn_section(struct km_module *m, const char *name, uint64_t addr)
{
    struct km_section *s = &m->sections[m->nsections++];
    snprintf(s->name, sizeof(s->name), "%s", name);
    s->addr = addr;
}

/* pages of module k's text, data, rodata, ro_after_init (0: none) */
static void syn_pages(int k, int *p)
{
    p[0] = 1 + k % 7, p[1] = 1 + k % 3, p[2] = 1 + k % 5, p[3] = k % 2;
}

static void synth_order(int nmods, int nodes, int nfill, struct km_modules *m,
                        struct km_vmallocinfo *v)
{
    struct syn_text mods = {0}, vm = {0};
    struct syn_area *a = calloc((size_t)nmods * 4 + (size_t)nfill + 1, sizeof(*a));
    size_t na = 0;
    for (int k = 0; k < nmods; k++) {
        int p[4];
        syn_pages(k, p);
        uint64_t base = SYN_MOD_REGION + (uint64_t)k * SYN_SLOT;
        syn_put(&mods, "m%d %d 0 - Live 0x%016llx\n", k, (p[0] + p[1] + p[2] + p[3]) * SYN_PS,
                (unsigned long long)base);
        for (int t = 0; t < 4; t++)
            if (p[t])
                a[na++] = (struct syn_area){.start = base + (uint64_t)t * 0x20000, .pages = p[t]};
    }
    for (int i = 0; i < nfill; i++)
        a[na++] = (struct syn_area){.start = SYN_FILL_REGION + (uint64_t)i * 5 * SYN_PS,
                                    .pages = 4, .fill = 1};
    syn_nodes = nodes;
    qsort(a, na, sizeof(*a), syn_cmp);
    for (size_t i = 0; i < na; i++) {
        uint64_t size = (uint64_t)(a[i].pages + 1) * SYN_PS;
        syn_put(&vm, "0x%016llx-0x%016llx %7llu %s pages=%d vmalloc N0=%d\n",
                (unsigned long long)syn_hash(a[i].start),
                (unsigned long long)syn_hash(a[i].start + size), (unsigned long long)size,
                a[i].fill ? "kernel_clone+0x94/0x3e0" : "load_module+0x7a4/0x24a0", a[i].pages,
                a[i].pages);
    }
    if (km_parse_modules(mods.p, mods.len, m, NULL) ||
        km_parse_vmallocinfo(vm.p, vm.len, v, NULL) || v->n != na)
        printf("Bail out! the synthetic files do not parse\n"), exit(1);
    for (size_t i = 0; i < m->n; i++) {
        struct km_module *mod = &m->mods[i];
        int k = atoi(mod->name + 1), p[4];
        syn_pages(k, p);
        uint64_t b = mod->addr, d = b + 0x20000, r = b + 0x40000, ro = b + 0x60000;
        mod->coresize = mod->initsize = KM_NA;
        mod->sections = calloc(16, sizeof(*mod->sections));
        syn_section(mod, ".text", b);
        syn_section(mod, ".plt", b + 0x100);
        syn_section(mod, ".init.text", SYN_FILL_REGION + (uint64_t)k * SYN_PS); /* freed */
        syn_section(mod, "__bug_table", d);
        syn_section(mod, ".data", d + 0x40);
        syn_section(mod, ".gnu.linkonce.this_module", d + 0x80);
        syn_section(mod, ".bss", d + 0x400);
        syn_section(mod, ".note.gnu.build-id", r);
        syn_section(mod, ".rodata", r + 0x40);
        syn_section(mod, "__ksymtab_strings", r + 0x200);
        if (p[3])
            syn_section(mod, "__jump_table", ro);
    }
    free(a);
    free(vm.p);
    free(mods.p);
}

#endif
