#!/usr/bin/env python3
"""scale-tree.py - write a synthetic, well-formed tree shaped like a large server.

    tests/scale-tree.py [--areas N] [--caches N] [--nodes N] [--zones N]
                        [--cpus-per-node N] [--modules N] [--seed N] DIR

DIR must not exist; it gets proc/ and sys/ as `kmemtop --root DIR` reads them (a 6.12 x86-64
kernel, real addresses, 4 KiB pages):

* /proc/vmallocinfo: N areas in address order; most are vmapped thread stacks
  (kernel_clone, 4 pages, one per thread, spread over the nodes), then module images (three
  areas a module: text, data, rodata, caller load_module), module-owned areas ("[mN]"),
  ioremaps and vmap areas of a few hundred callers;
* /proc/slabinfo and /sys/kernel/slab/<cache>/: N caches, per-node slab counts;
* /proc/zoneinfo, buddyinfo, pagetypeinfo and /sys/devices/system/node/node<N>/: nodes x
  zones (DMA and DMA32 populated on node 0 only, Normal on every node, Movable empty);
* /proc/modules and /sys/module/<m>/ (coresize, initsize, initstate, taint, refcnt,
  holders/, sections/): N modules whose sizes are the pages of their image areas;
* /proc/meminfo made to add up: MemTotal is the zones' managed pages, Slab the caches'
  footprint, VmallocUsed and KernelStack the areas' pages.

The numbers are deterministic for a given seed.
"""
import argparse
import os
import random
import sys

PS = 4096
KB = PS // 1024


def put(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--areas", type=int, default=100000)
    ap.add_argument("--caches", type=int, default=2000)
    ap.add_argument("--nodes", type=int, default=64)
    ap.add_argument("--zones", type=int, default=4, help="zones per node, 1-4")
    ap.add_argument("--cpus-per-node", type=int, default=2)
    ap.add_argument("--modules", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("dir")
    a = ap.parse_args()
    if os.path.exists(a.dir):
        sys.exit("scale-tree.py: %s exists" % a.dir)
    if not (1 <= a.zones <= 4 and a.nodes >= 1 and a.cpus_per_node >= 1):
        sys.exit("scale-tree.py: need 1-4 zones, 1+ nodes, 1+ cpus per node")
    rnd = random.Random(a.seed)
    root = a.dir
    P = lambda *p: os.path.join(root, "proc", *p)
    S = lambda *p: os.path.join(root, "sys", *p)
    nodes, ncpu = a.nodes, a.nodes * a.cpus_per_node

    # ---- modules and their image areas -------------------------------------------------
    mods = []  # (name, [pages of text, data, rodata], text start)
    addr = 0xFFFFFFFFC0000000
    mod_areas = []
    for k in range(a.modules):
        pages = [1 + k % 7, 1 + k % 3, 1 + k % 5]
        starts = []
        for p in pages:
            starts.append(addr)
            mod_areas.append((addr, (p + 1) * PS, "load_module+0x7cf/0x1e00", None, p, "vmalloc", k % nodes))
            addr += (p + 1) * PS
        mods.append(("m%d" % k, pages, starts))
    nmod_areas = len(mod_areas)

    # ---- the other areas ----------------------------------------------------------------
    nother = max(0, a.areas - nmod_areas)
    callers = ["drv%d_alloc+0x%x/0x%x" % (i, 16 + i % 200, 256 + i % 512) for i in range(300)]
    areas = []
    vaddr = 0xFFFFB00000000000
    stack_pages = 0
    for i in range(nother):
        r = i % 10
        if r < 8:  # a vmapped thread stack
            areas.append((vaddr, 5 * PS, "kernel_clone+0x94/0x3e0", None, 4, "vmalloc", i % nodes))
            stack_pages += 4
            vaddr += 5 * PS
        elif r == 8:  # an area of a module (module-owned caller)
            m = mods[i % len(mods)][0] if mods else None
            p = 1 + i % 16
            areas.append((vaddr, (p + 1) * PS, "mod_buf_alloc+0x20/0x80", m, p, "vmalloc", i % nodes))
            vaddr += (p + 1) * PS
        else:  # another caller, vmalloc or ioremap
            c = callers[i % len(callers)]
            if i % 3 == 0:
                areas.append((vaddr, 3 * PS, c, None, None, "phys=0x%016x ioremap" % (0xFE000000 + i * PS), 0))
                vaddr += 3 * PS
            else:
                p = 1 + i % 64
                areas.append((vaddr, (p + 1) * PS, c, None, p, "vmalloc vpages" if p > 32 else "vmalloc", i % nodes))
                vaddr += (p + 1) * PS
    vm_lines = []
    vmalloc_pages = 0
    for (start, size, caller, mod, pages, flags, node) in areas + mod_areas:
        line = "0x%016x-0x%016x %7d %s" % (start, start + size, size, caller)
        if mod:
            line += " [%s]" % mod
        if pages is not None:
            line += " pages=%d %s N%d=%d" % (pages, flags, node, pages)
            vmalloc_pages += pages
        else:
            line += " " + flags
        vm_lines.append(line)
    put(P("vmallocinfo"), "\n".join(vm_lines) + ("\n" if vm_lines else ""))

    # /proc/modules: newest first, as the kernel lists them
    ml = []
    for k in reversed(range(len(mods))):
        name, pages, starts = mods[k]
        ml.append("%s %d 0 - Live 0x%016x" % (name, sum(pages) * PS, starts[0]))
    put(P("modules"), "\n".join(ml) + ("\n" if ml else ""))
    for name, pages, starts in mods:
        d = S("module", name)
        put(os.path.join(d, "coresize"), "%d\n" % (sum(pages) * PS))
        put(os.path.join(d, "initsize"), "0\n")
        put(os.path.join(d, "initstate"), "live\n")
        put(os.path.join(d, "taint"), "\n")
        put(os.path.join(d, "refcnt"), "0\n")
        os.makedirs(os.path.join(d, "holders"), exist_ok=True)
        sec = {".text": starts[0], ".gnu.linkonce.this_module": starts[1] + 0x40,
               ".data": starts[1], ".rodata": starts[2] + 0x20, ".note.gnu.build-id": starts[2]}
        for s, v in sec.items():
            put(os.path.join(d, "sections", s), "0x%016x\n" % v)

    # ---- zones ---------------------------------------------------------------------------
    zone_names = ["DMA", "DMA32", "Normal", "Movable"][4 - a.zones:] if a.zones < 4 else ["DMA", "DMA32", "Normal", "Movable"]
    zi, bi, pti_free, pti_blocks = [], [], [], []
    types = ["Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate"]
    managed_total = free_total = 0
    node_stat = []
    pfn = 0
    for n in range(nodes):
        nmanaged = nfree = 0
        for zidx, z in enumerate(zone_names):
            populated = z == "Normal" or (n == 0 and z in ("DMA", "DMA32"))
            if z == "Normal":
                present = 4 * 1024 * 1024 // 4 * 4  # 16 GiB a node
            elif z == "DMA32":
                present = 389082
            elif z == "DMA":
                present = 3998
            else:
                present = 0
            if not populated:
                present = 0
            managed = present - present // 50 if present else 0
            free = managed // 3 + rnd.randrange(0, 1024) if managed else 0
            counts = []
            if managed:
                left = free
                for o in range(10, -1, -1):
                    c = left // (1 << o) // (2 if o else 1)
                    if o == 0:
                        c = left
                    left -= c << o
                    counts.append(c)
                counts.reverse()
            wmin = managed // 400
            prot = ", ".join(["0"] * len(zone_names))
            zi.append("Node %d, zone %8s" % (n, z))
            if zidx == 0:
                zi.append("  per-node stats")
                for key in ("nr_inactive_anon", "nr_active_anon", "nr_inactive_file", "nr_active_file",
                            "nr_slab_reclaimable", "nr_slab_unreclaimable", "nr_kernel_stack",
                            "nr_page_table_pages", "nr_anon_pages", "nr_file_pages"):
                    zi.append("      %s %d" % (key, rnd.randrange(1000, 100000)))
            zi.append("  pages free     %d" % free)
            zi.append("        boost    0")
            zi.append("        min      %d" % wmin)
            zi.append("        low      %d" % (wmin * 5 // 4))
            zi.append("        high     %d" % (wmin * 3 // 2))
            zi.append("        promo    %d" % (wmin * 7 // 4))
            zi.append("        spanned  %d" % present)
            zi.append("        present  %d" % present)
            zi.append("        managed  %d" % managed)
            zi.append("        cma      0")
            zi.append("        protection: (%s)" % prot)
            if managed:
                zi.append("      nr_free_pages %d" % free)
                for key in ("nr_zone_inactive_anon", "nr_zone_active_anon", "nr_zone_inactive_file",
                            "nr_zone_active_file", "nr_zone_unevictable", "nr_zone_write_pending",
                            "nr_mlock", "nr_bounce", "nr_zspages", "nr_free_cma", "nr_unaccepted"):
                    zi.append("      %s %d" % (key, 0))
                for key in ("numa_hit", "numa_miss", "numa_foreign", "numa_interleave", "numa_local",
                            "numa_other"):
                    zi.append("      %s %d" % (key, rnd.randrange(0, 10 ** 9)))
                zi.append("  pagesets")
                for c in range(a.cpus_per_node):
                    zi.append("    cpu: %d" % (n * a.cpus_per_node + c))
                    zi.append("              count: %d" % rnd.randrange(0, 2000))
                    zi.append("              high:  8290")
                    zi.append("              batch: 63")
                    zi.append("  vm stats threshold: 20")
                zi.append("  node_unreclaimable:  0")
                zi.append("  start_pfn:           %d" % pfn)
                pfn += present
                bi.append("Node %d, zone %8s " % (n, z) + " ".join("%6d" % c for c in counts) + " ")
                for t in types:
                    tc = [c if t == "Movable" else 0 for c in counts]
                    pti_free.append("Node %4d, zone %8s, type %12s " % (n, z, t) +
                                    " ".join("%6d" % c for c in tc) + " ")
                blocks = present // 512
                pti_blocks.append("Node %d, zone %8s " % (n, z) + " ".join(
                    "%12d" % v for v in (blocks // 10, blocks - blocks // 10, 0, 0, 0)) + " ")
            nmanaged += managed
            nfree += free
        managed_total += nmanaged
        free_total += nfree
        node_stat.append((nmanaged, nfree))
    put(P("zoneinfo"), "\n".join(zi) + "\n")
    put(P("buddyinfo"), "\n".join(bi) + "\n")
    put(P("pagetypeinfo"), "Page block order: 9\nPages per block:  512\n\n"
        "Free pages count per migrate type at order " + " ".join("%6d" % o for o in range(11)) + " \n"
        + "\n".join(pti_free) + "\n\nNumber of blocks type  " +
        " ".join("%12s" % t for t in types) + " \n" + "\n".join(pti_blocks) + "\n")

    # ---- slab caches -----------------------------------------------------------------------
    sl = ["slabinfo - version: 2.1",
          "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : "
          "tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> "
          "<sharedavail>"]
    slab_pages = 0
    for c in range(a.caches):
        name = "cache-%d" % c
        objsize = [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096][c % 12] + (c % 7) * 8
        order = 0 if objsize < 512 else (1 if objsize < 2048 else 3)
        per = max(1, (PS << order) // objsize)
        slabs = rnd.randrange(0, 4000)
        total = slabs * per
        active = total - rnd.randrange(0, per + 1) if total else 0
        slab_pages += slabs << order
        sl.append("%-17s %6d %6d %6d %4d %4d : tunables    0    0    0 : slabdata %6d %6d      0" %
                  (name, active, total, objsize, per, 1 << order, slabs, slabs))
        d = S("kernel", "slab", name)
        per_node = [slabs // nodes] * nodes
        per_node[0] += slabs - sum(per_node)
        pn = " ".join("N%d=%d" % (i, v) for i, v in enumerate(per_node) if v)
        put(os.path.join(d, "aliases"), "0\n")
        put(os.path.join(d, "object_size"), "%d\n" % objsize)
        put(os.path.join(d, "objects"), ("%d %s\n" % (active, pn)) if pn else "%d\n" % active)
        put(os.path.join(d, "objs_per_slab"), "%d\n" % per)
        put(os.path.join(d, "order"), "%d\n" % order)
        put(os.path.join(d, "reclaim_account"), "%d\n" % (c % 5 == 0))
        put(os.path.join(d, "slab_size"), "%d\n" % objsize)
        put(os.path.join(d, "slabs"), ("%d %s\n" % (slabs, pn)) if pn else "%d\n" % slabs)
        put(os.path.join(d, "total_objects"), ("%d %s\n" % (total, " ".join(
            "N%d=%d" % (i, v * per) for i, v in enumerate(per_node) if v))) if pn else "%d\n" % total)
    put(P("slabinfo"), "\n".join(sl) + "\n")

    # ---- meminfo, made to add up ---------------------------------------------------------------
    sreclaim = slab_pages // 5
    mt = managed_total * KB
    # vmalloc_pages holds the stacks' pages: the Overview counts them once, as KernelStack
    used_kernel = (slab_pages + vmalloc_pages) * KB + 65536 + ncpu * 256
    cached = (managed_total - free_total) * KB // 3
    anon = mt - free_total * KB - cached - 1024 - used_kernel  # every byte of MemTotal placed
    if anon < 0:
        sys.exit("scale-tree.py: the parameters do not fit in the zones' memory")
    mi = [("MemTotal", mt), ("MemFree", free_total * KB), ("MemAvailable", free_total * KB + cached),
          ("Buffers", 1024), ("Cached", cached), ("SwapCached", 0), ("Active", anon),
          ("Inactive", cached), ("Active(anon)", anon), ("Inactive(anon)", 0), ("Active(file)", 0),
          ("Inactive(file)", cached), ("Unevictable", 0), ("Mlocked", 0), ("SwapTotal", 0),
          ("SwapFree", 0), ("Zswap", 0), ("Zswapped", 0), ("Dirty", 0), ("Writeback", 0),
          ("AnonPages", anon), ("Mapped", 1024), ("Shmem", 1024), ("KReclaimable", sreclaim * KB),
          ("Slab", slab_pages * KB), ("SReclaimable", sreclaim * KB),
          ("SUnreclaim", (slab_pages - sreclaim) * KB), ("KernelStack", stack_pages * KB),
          ("PageTables", 65536), ("SecPageTables", 0), ("NFS_Unstable", 0), ("Bounce", 0),
          ("WritebackTmp", 0), ("CommitLimit", mt // 2), ("Committed_AS", anon),
          ("VmallocTotal", 34359738367), ("VmallocUsed", vmalloc_pages * KB), ("VmallocChunk", 0),
          ("Percpu", ncpu * 256), ("HardwareCorrupted", 0), ("AnonHugePages", 0),
          ("ShmemHugePages", 0), ("ShmemPmdMapped", 0), ("FileHugePages", 0), ("FilePmdMapped", 0),
          ("Unaccepted", 0)]
    text = "".join("%-16s%8d kB\n" % (k + ":", v) for k, v in mi)
    text += "HugePages_Total:       0\nHugePages_Free:        0\nHugePages_Rsvd:        0\n" \
            "HugePages_Surp:        0\nHugepagesize:       2048 kB\nHugetlb:               0 kB\n" \
            "DirectMap4k:       32616 kB\nDirectMap2M:     %d kB\nDirectMap1G:           0 kB\n" % mt
    put(P("meminfo"), text)

    # ---- nodes -----------------------------------------------------------------------------------
    rng = "0-%d" % (nodes - 1) if nodes > 1 else "0"
    for f in ("online", "possible", "has_cpu", "has_memory", "has_normal_memory"):
        put(S("devices", "system", "node", f), rng + "\n")
    for n, (nm, nf) in enumerate(node_stat):
        d = S("devices", "system", "node", "node%d" % n)
        lines = [("MemTotal", nm * KB), ("MemFree", nf * KB), ("MemUsed", (nm - nf) * KB)]
        put(os.path.join(d, "meminfo"), "".join("Node %d %-16s%8d kB\n" % (n, k + ":", v) for k, v in lines))
        put(os.path.join(d, "numastat"), "numa_hit %d\nnuma_miss 0\nnuma_foreign 0\ninterleave_hit 0\n"
            "local_node %d\nother_node 0\n" % (n * 1000 + 5, n * 1000 + 5))
        put(os.path.join(d, "distance"), " ".join("10" if m == n else "20" for m in range(nodes)) + "\n")
        c0 = n * a.cpus_per_node
        put(os.path.join(d, "cpulist"), ("%d-%d" % (c0, c0 + a.cpus_per_node - 1) if a.cpus_per_node > 1 else "%d" % c0) + "\n")
    put(S("devices", "system", "cpu", "possible"), "0-%d\n" % (ncpu - 1) if ncpu > 1 else "0\n")

    # ---- the rest --------------------------------------------------------------------------------
    put(P("sys", "kernel", "osrelease"), "6.12.0-scale\n")
    put(P("sys", "kernel", "kptr_restrict"), "0\n")
    put(P("sys", "kernel", "tainted"), "0\n")
    put(P("sys", "kernel", "perf_event_paranoid"), "2\n")
    put(P("version"), "Linux version 6.12.0-scale (scale-tree.py) #1 SMP PREEMPT_DYNAMIC\n")
    put(P("uptime"), "86400.00 %d.00\n" % (86400 * ncpu // 2))
    put(P("pressure", "memory"), "some avg10=0.00 avg60=0.00 avg300=0.00 total=1234\n"
        "full avg10=0.00 avg60=0.00 avg300=0.00 total=567\n")
    vs = ["nr_free_pages %d" % free_total, "pgscan_kswapd 0", "pgscan_direct 0", "pgsteal_kswapd 0",
          "pgsteal_direct 0", "compact_migrate_scanned 0", "compact_free_scanned 0",
          "compact_isolated 0", "compact_stall 0", "compact_fail 0", "compact_success 0",
          "compact_daemon_wake 0", "oom_kill 0"]
    put(P("vmstat"), "\n".join(vs) + "\n")
    put(os.path.join(root, "kmemtop-capture"), "time=1767225600\npage_size=4096\nkernel=6.12.0-scale\n")


if __name__ == "__main__":
    main()
