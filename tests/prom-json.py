#!/usr/bin/env python3
# prom-json.py PROM JSON: every sample of a --format prometheus frame against
# the JSON frame of the same tree and options (--raw), family by family, as
# the names are documented in doc/metrics.md. Prints one line per check:
# "ok<TAB>name" or "nok<TAB>name<TAB>detail". A family this table does not
# know, or a sample with no JSON counterpart, is a failure: the table must
# follow the exporter.
import json, re, sys, unicodedata

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)')


def unescape(v):
    return re.sub(r'\\(.)', lambda m: '\n' if m.group(1) == 'n' else m.group(1), v)


def parse(path):
    fams = {}
    types = {}
    for ln in open(path, encoding='utf-8'):
        ln = ln.rstrip('\n')
        if ln.startswith('# TYPE '):
            _, _, name, t = ln.split(' ', 3)
            types[name] = t
            continue
        if ln.startswith('#') or not ln:
            continue
        m = LINE.match(ln)
        if not m:
            raise SystemExit('unparsable line: ' + ln)
        labels = {k: unescape(v) for k, v in LABEL.findall(m.group(2) or '')}
        fams.setdefault(m.group(1), []).append((labels, float(m.group(3))))
    return fams, types


def sanitize(s):
    # label values are sanitized as text is (km_sanitize): a control, format or separator
    # character, or a byte that is no UTF-8 (U+FFFD in JSON), becomes "?"
    return ''.join('?' if unicodedata.category(c) in ('Cc', 'Cf', 'Zl', 'Zp', 'Co', 'Cs', 'Cn')
                   or c == '\ufffd' else c for c in s)


def main():
    fams, types = parse(sys.argv[1])
    j = json.loads(open(sys.argv[2], encoding='utf-8').readline())
    ps = j['page_size']
    out = []

    def res(ok, name, detail=''):
        out.append(('ok\t%s' % name) if ok else ('nok\t%s\t%s' % (name, detail)))

    expect = {}  # family -> {frozenset(labels): value}

    def put(fam, labels, v):
        if v is None:
            return
        if isinstance(v, bool):
            v = int(v)
        lab = frozenset((k, sanitize(x)) for k, x in labels.items())
        expect.setdefault(fam, {})[lab] = float(v)

    sm = j['summary']
    for k in ['mem_total', 'mem_free', 'mem_available', 'slab', 'slab_reclaimable',
              'slab_unreclaimable', 'vmalloc_used', 'kernel_stack', 'page_tables', 'percpu']:
        put('kmemtop_meminfo_%s_bytes' % k, {}, sm.get(k))
    put('kmemtop_page_size_bytes', {}, ps)
    for name, so in j['sources'].items():
        put('kmemtop_source_up', {'source': name}, so['status'] == 'ok')
        put('kmemtop_source_duration_seconds', {'source': name}, so['seconds'])
        put('kmemtop_source_skipped_lines', {'source': name},
            so.get('skipped', 0) if so['status'] == 'ok' else 0)
    # slabs: twins (one name twice) carry index = their place among the twins in file order
    sl = j.get('slabs', {})
    if 'caches' in sl.get('summary', {}):
        put('kmemtop_slab_caches', {}, sl['summary']['caches'])
        put('kmemtop_slab_active_caches', {}, sl['summary']['active_caches'])
        put('kmemtop_slab_not_in_caches_bytes', {}, sl['summary']['slab_not_in_caches'])
    rows = sl.get('rows', [])
    names = [r['name'] for r in rows]
    byord = sorted(rows, key=lambda r: r['ordinal'])
    seen = {}
    for r in byord:
        lab = {'cache': r['name']}
        if names.count(r['name']) > 1:
            lab['index'] = str(seen.get(r['name'], 0))
            seen[r['name']] = seen.get(r['name'], 0) + 1
        for fam, key in [('objects', 'num_objs'), ('active_objects', 'active_objs'),
                         ('object_size_bytes', 'obj_size'), ('slabs', 'num_slabs'),
                         ('active_slabs', 'active_slabs'), ('objects_per_slab', 'objs_per_slab'),
                         ('pages_per_slab', 'pages_per_slab'), ('footprint_bytes', 'footprint'),
                         ('waste_bytes', 'waste'), ('leftover_bytes', 'leftover'),
                         ('reclaimable', 'reclaimable'), ('aliases', 'alias_count')]:
            put('kmemtop_slab_' + fam, lab, r.get(key))
    # modules
    mo = j.get('modules', {})
    for r in mo.get('rows', []):
        lab = {'module': r['name']}
        for fam, key in [('size_bytes', 'size'), ('core_bytes', 'core_size'),
                         ('init_bytes', 'init_size'), ('refcount', 'refcount'),
                         ('static_areas', 'static_areas'), ('static_bytes', 'static_bytes'),
                         ('dynamic_areas', 'dynamic_areas'), ('dynamic_bytes', 'dynamic_bytes')]:
            put('kmemtop_module_' + fam, lab, r.get(key))
    to = mo.get('totals', {})
    put('kmemtop_modules_loaded', {}, to.get('modules'))
    put('kmemtop_modules_text_shared_bytes', {}, to.get('text_shared_bytes'))
    for fam, key in [('unattributed_bytes', 'unattributed'), ('shared_execmem_bytes', 'shared')]:
        if mo.get(key):
            put('kmemtop_modules_' + fam, {}, mo[key].get('bytes'))
    # the Overview: MemTotal in parts
    ov = j.get('overview') or {}
    if ov.get('status') == 'ok':
        for r in ov.get('rows', []):
            lab = {'part': r['name'], 'leaf': 'true' if r.get('leaf') else 'false'}
            if r.get('parent'):  # an empty label is no label (Prometheus)
                lab['parent'] = r['parent']
            put('kmemtop_memory_bytes', lab, r.get('bytes'))
    # nodes and zones (JSON in pages)
    pg = lambda v: None if v is None else v * ps
    for n in j.get('nodes', {}).get('rows', []):
        lab = {'node': str(n['node'])}
        # without the node's meminfo, the sums of its zones
        zs = n.get('zones', [])
        zsum = lambda k: sum(z[k] for z in zs) * ps if zs and all(z.get(k) is not None for z in zs) else None
        tot, fr = n.get('mem_total'), n.get('mem_free')
        put('kmemtop_node_mem_total_bytes', lab, tot if tot is not None else zsum('managed'))
        put('kmemtop_node_mem_free_bytes', lab, fr if fr is not None else zsum('free'))
        for k in ['numa_hit', 'numa_miss', 'numa_foreign', 'interleave_hit', 'local_node',
                  'other_node']:
            put('kmemtop_node_%s_total' % k, lab, n.get(k))
        for z in n.get('zones', []):
            zl = {'node': str(n['node']), 'zone': z['zone']}
            put('kmemtop_zone_free_bytes', zl, pg(z.get('free')))
            put('kmemtop_zone_managed_bytes', zl, pg(z.get('managed')))
            put('kmemtop_zone_spanned_bytes', zl, pg(z.get('spanned')))
            put('kmemtop_zone_present_bytes', zl, pg(z.get('present')))
            for lv in ['min', 'low', 'high', 'promo']:
                put('kmemtop_zone_watermark_bytes', dict(zl, level=lv), pg(z.get(lv)))
    # buddy
    for z in j.get('buddy', {}).get('rows', []):
        zl = {'node': str(z['node']), 'zone': z['zone']}
        put('kmemtop_buddy_free_bytes', zl, z['free_pages'] * ps)
        if z['largest_order'] >= 0:
            put('kmemtop_buddy_largest_free_order', zl, z['largest_order'])
        for k, v in enumerate(z['free']):
            put('kmemtop_buddy_free_blocks', dict(zl, order=str(k)), v)
        for k, v in enumerate(z['unusable_index']):
            put('kmemtop_zone_unusable_index', dict(zl, order=str(k)), v)
        for t, counts in z.get('types', {}).items():
            tl = dict(zl, migrate_type=t)
            free = 0
            for k, v in enumerate(counts):
                put('kmemtop_buddy_type_free_blocks', dict(tl, order=str(k)), v)
                free += (v or 0) << k
            put('kmemtop_buddy_type_free_bytes', tl, free * ps)
    # vmstat
    for r in j.get('vmstat', {}).get('rows', []):
        put('kmemtop_vmstat_compact_total', {'counter': r['name']}, r['value'])
    # vmalloc: caller and module ("" for the core kernel)
    vm = j.get('vmalloc', {})
    if 'callers' in vm.get('summary', {}):
        put('kmemtop_vmalloc_callers', {}, vm['summary']['callers'])
    vrows = vm.get('rows', [])
    for r in vrows:
        lab = {'caller': r['caller']}
        if r['module']:
            lab['module'] = r['module']
        for fam, key in [('areas', 'areas'), ('address_space_bytes', 'bytes'), ('ram_bytes', 'ram')]:
            put('kmemtop_vmalloc_' + fam, lab, r.get(key))

    # families without a JSON counterpart: only their presence and type are checked
    unchecked = {'kmemtop_build_info', 'kmemtop_source_age_seconds', 'kmemtop_node_file_bytes',
                 'kmemtop_node_slab_bytes', 'kmemtop_zone_pageblocks', 'kmemtop_zone_type_pageblocks'}
    tol = {'kmemtop_zone_unusable_index': 0.0006, 'kmemtop_source_duration_seconds': None}
    for fam, samples in sorted(fams.items()):
        t = types.get(fam)
        if t == 'counter' and not fam.endswith('_total'):
            res(False, fam + ': a counter ends in _total', t)
        if fam in unchecked:
            continue
        if fam not in expect:
            res(False, fam + ': known to the JSON comparison', '%d samples' % len(samples))
            continue
        want = expect[fam]
        bad = []
        got = set()
        for labels, v in samples:
            # an empty label value is an absent label
            key = frozenset((k, x) for k, x in labels.items() if x != '')
            got.add(key)
            if key not in want:
                bad.append('no JSON value for %s' % dict(key))
                continue
            tl = tol.get(fam, 0)
            if tl is None:
                continue
            if abs(want[key] - v) > tl + 1e-9 * abs(want[key]):
                bad.append('%s: prometheus %r, JSON %r' % (dict(key), v, want[key]))
        missing = [dict(k) for k in want if k not in got]
        res(not bad, '%s: %d samples equal JSON' % (fam, len(samples)), '; '.join(bad[:5]))
        if missing:
            res(False, fam + ': every JSON value exported', str(missing[:5]))
    for fam in sorted(set(expect) - set(fams)):
        res(False, fam + ': exported', '%d JSON values' % len(expect[fam]))
    print('\n'.join(out))


main()
