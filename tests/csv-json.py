#!/usr/bin/env python3
"""csv-json.py FRAME.csv FRAME.json - checks one kmemtop CSV frame against the
JSON frame of the same tree and options (tests/csv.sh runs it).

The CSV is read by a strict RFC 4180 reader (Python's csv module, strict, plus
a check that every record ends in CRLF and holds no other control byte). Then,
view by view: the records are the JSON rows, in the same order (the ids are
rebuilt from the JSON rows as the views build them), and each value is the one
the JSON row holds, as CSV writes a value (exact; absent empty; booleans true
and false; a list as its names joined by commas). Where a view's rows are its
fields (modules, slabs, vmstat, vmalloc) a CSV column is the JSON key of the same name;
nodes and buddy write JSON as a tree in the kernel's units (pages), so their
expected cells are rebuilt from it here. Every CSV column is either
compared or named in SKIP with the reason: a new column fails here until one of
the two is decided.

Prints one line per check, "ok<TAB>name" or "nok<TAB>name<TAB>detail".
"""
import csv
import io
import json
import math
import sys

FFFD = "\ufffd"


def text_of(name):
    """A name as batch text shows it: km_sanitize's '?' (JSON writes an invalid byte as U+FFFD)."""
    out = []
    for ch in name:
        o = ord(ch)
        bad = (o < 0x20 or o == 0x7F or 0x80 <= o <= 0x9F or o == 0x61C or o in (0x200E, 0x200F)
               or 0x2028 <= o <= 0x202E or 0x2066 <= o <= 0x2069 or ch == FFFD)
        out.append("?" if bad else ch)
    return "".join(out)


def num(v):
    return "-" if v is None else str(v)


def times(v, k):
    return None if v is None else v * k


# columns CSV has and the JSON rows do not hold as such (computed for the screen)
SKIP = {
    "overview": dict({"bar": "a bar drawing"},
                     **{"node%d" % k: "the row's JSON nodes array (its own CSV column)" for k in range(8)}),
    "modules": {},
    "nodes": {
        "used": "computed from total and free (both compared)",
        "localshare": "computed from local and other over the interval",
        "file": "node FilePages: not in the JSON node rows",
        "slab": "node Slab: not in the JSON node rows (slabs summary)",
        "promo": "zone promo: not in the JSON zone rows",
    },
    "buddy": {
        "unusable": "for the selected order (the unusable rows are compared per order)",
        "alloc": "for the selected order",
        "spread": "a bar drawing",
        "pageblocks": "pageblocks: not in the JSON rows",
    },
    "slabs": {},
    "vmstat": {},
    "vmalloc": {},
}


def modules_rows(v, ps):
    rows = []
    for r in v.get("rows", []):
        # the list is one cell, as --raw text writes it
        usedby = ",".join(r.get("used_by") or []) + (
            ("," if r.get("used_by") else "") + "[permanent]" if r.get("permanent") else "")
        rows.append((text_of(r["name"]), fields_of(r, {"used_by": text_of(usedby)})))
    return rows


def modules_pins(v):
    """The pinned rows' values the JSON holds: unattributed, shared and the totals."""
    pins = {}
    for pid, key in (("_unattributed", "unattributed"), ("_shared", "shared")):
        o = v.get(key)
        if o:
            pins[pid] = {"static_areas": num(o["areas"]), "static_bytes": num(o["bytes"]),
                         "static_pages": num(o["pages"]), "refcount": "", "state": "",
                         "permanent": ""}
    t = v.get("totals")
    if t:
        pins["_total"] = {"size": csv_of(t["lsmod_bytes"]), "static_bytes": csv_of(t["static_bytes"]),
                          "static_pages": csv_of(t["static_pages"]),
                          "dynamic_areas": csv_of(t["dynamic_areas"]),
                          "dynamic_bytes": csv_of(t["dynamic_bytes"]),
                          "dynamic_pages": csv_of(t["dynamic_pages"]),
                          "total_bytes": csv_of(t["total_bytes"]), "method": v["method"],
                          "refcount": "", "state": "", "permanent": ""}
    return pins


def zmanaged(zones):
    """A node's managed pages: the sum over its zones, None without any."""
    have = [z["managed"] for z in zones if z["managed"] is not None]
    return sum(have) if have else None


def share(h, m):
    """HEAD%: headroom / managed x 100 as the view computes it, absent without either."""
    return "" if h is None or m is None or m <= 0 else csv_of(100.0 * h / m)


def nodes_rows(v, ps):
    rows = []
    for n in v.get("rows", []):
        rid = "node%d" % n["node"]
        rt = n.get("rates") or {}
        zones = n.get("zones") or []

        def zsum(k):  # a node without its own meminfo: the sum of its zones
            have = [z[k] for z in zones if z[k] is not None]
            return sum(have) * ps if have else None

        total = n["mem_total"] if n["mem_total"] is not None else zsum("managed")
        free = n["mem_free"] if n["mem_free"] is not None else zsum("free")
        label = rid + ("" if n.get("has_memory") is not False else " (no memory)") + (
            "" if n.get("has_cpu") is not False else " (no CPUs)")
        vals = {"node": label, "cpus": csv_of(n["cpus"] or None), "total": csv_of(total),
                "free": csv_of(free), "min": "", "low": "", "high": "", "spanned": "",
                "present": "", "protection": "", "state": csv_of(n.get("state")),
                "headroom": csv_of(times(n.get("headroom"), ps))}
        zm = zmanaged(zones)
        # the share is over every zone of the node: only when the rows list them all
        # (a filter can leave some out; MemTotal is their managed pages' sum)
        if zm is None or n["mem_total"] in (None, zm * ps):
            vals["headroom_pct"] = share(n.get("headroom"), zm)
        for col, key in (("hit", "numa_hit"), ("miss", "numa_miss"), ("foreign", "numa_foreign"),
                         ("interleave", "interleave_hit"), ("local", "local_node"),
                         ("other", "other_node")):
            vals[col] = csv_of(rt.get(key))
        rows.append((rid, vals))
        for z in zones:
            zv = {"node": text_of(z["zone"]), "cpus": "", "total": csv_of(times(z["managed"], ps)),
                  "free": csv_of(times(z["free"], ps)), "state": csv_of(z["state"]),
                  "headroom": csv_of(times(z.get("headroom"), ps)),
                  "headroom_pct": share(z.get("headroom"), z["managed"])}
            for k in ("min", "low", "high", "spanned", "present"):
                zv[k] = csv_of(times(z[k], ps))
            prot = z.get("protection")
            zv["protection"] = ",".join(str(p * ps) for p in prot) if prot else ""
            for col in ("hit", "miss", "foreign", "interleave", "local", "other"):
                zv[col] = ""
            rows.append(("%s/%s" % (rid, text_of(z["zone"])), zv))
    return rows


def capped(c):
    return ("capped", str(c))


def orders(counts, fmt=capped):
    return {"o%d" % k: fmt(c) for k, c in enumerate(counts)}


def largest(counts):
    ks = [k for k, c in enumerate(counts) if c]
    return str(ks[-1]) if ks else ""


def buddy_rows(v, ps):
    rows = []
    for z in v.get("rows", []):
        rid = "node%d/%s" % (z["node"], text_of(z["zone"]))
        lo = z["largest_order"]
        zv = {"zone": "%d/%s" % (z["node"], text_of(z["zone"])),
              "free": ("capped", csv_of(times(z["free_pages"], ps))),
              "largest": csv_of(lo) if lo is not None and lo >= 0 else ""}
        zv.update(orders(z["free"]))
        rows.append((rid, zv))
        uv = {"zone": "unusable", "free": "", "largest": ""}
        uv.update(orders(z["unusable_index"], csv_of))
        rows.append((rid + "/unusable", uv))
        for t, counts in (z.get("types") or {}).items():
            tv = {"zone": text_of(t), "largest": largest(counts),
                  "free": ("capped", str(sum(c << k for k, c in enumerate(counts)) * ps))}
            tv.update(orders(counts))
            rows.append(("%s/%s" % (rid, text_of(t)), tv))
    return rows


def csv_of(v):
    """A JSON value as CSV writes the field's value (km_val_csv): exact, absent empty."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "%.15g" % v
    if isinstance(v, str):
        return text_of(v)
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return text_of(",".join(v))
    return str(v)


def fields_of(r, special=None):
    """A JSON row made of the view's fields: every scalar (and list of names) is a CSV column."""
    vals = {k: csv_of(x) for k, x in r.items()
            if not isinstance(x, (dict, list)) or (isinstance(x, list) and
                                                  all(isinstance(y, str) for y in x))}
    vals.update(special or {})
    return vals


def slabs_rows(v, ps):
    rows = []
    for s in v.get("rows", []):
        nodes = s.get("nodes")
        # the per-node list is one cell, as --raw text writes it
        vals = fields_of(s, {"nodes": ",".join("N%d:%s" % (n["node"], num(n["bytes"]))
                                               for n in nodes) if nodes else ""})
        rows.append(("%s#%d" % (text_of(s["name"]), s["ordinal"]), vals))
    return rows


def vmstat_rows(v, ps):
    return [(text_of(r["name"]), fields_of(r)) for r in v.get("rows", [])]


def vmalloc_rows(v, ps):
    rows = []
    for r in v.get("rows", []):
        # the id is the caller and its module; the per-node list one cell, as text writes it
        rid = r["caller"] + ("" if r["module"] is None else " [%s]" % r["module"])
        vals = fields_of(r, {"nodes": " ".join("N%d=%d" % (n["node"], n["pages"])
                                               for n in r["nodes"])})
        rows.append((text_of(rid), vals))
    return rows


# views whose ids and cells are rebuilt from JSON; any other is compared by position
ROWS = {"modules": modules_rows, "nodes": nodes_rows, "buddy": buddy_rows, "slabs": slabs_rows,
        "vmstat": vmstat_rows, "vmalloc": vmalloc_rows}


def same(want, got):
    """Whether a CSV cell is the JSON value as text writes it."""
    if isinstance(want, tuple) and want[0] == "capped":  # ">N": the kernel capped a count
        return got in (want[1], ">" + want[1])
    return got == want


def read_csv(raw):
    """Strict RFC 4180: CRLF record ends, no other control byte; returns the records."""
    text = raw.decode("utf-8")  # raises on bytes that are not UTF-8
    if text and not text.endswith("\r\n"):
        raise ValueError("the last record does not end in CRLF")
    body = text.replace("\r\n", "")
    bad = [hex(ord(c)) for c in body if ord(c) < 0x20 or ord(c) == 0x7F]
    if bad:
        raise ValueError("control bytes outside record ends: %s" % bad[:5])
    recs = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    # and in the one canonical form: quoted exactly when a field must be (a
    # bare quote in an unquoted field, which the reader lets pass, fails here)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(recs)
    if out.getvalue() != text:
        a, b = out.getvalue(), text
        i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
        raise ValueError("not minimally quoted at offset %d: %r" % (i, b[max(0, i - 20):i + 20]))
    return recs


def blocks(recs):
    """[(view, header, [records])] split where the first field is "view"."""
    out = []
    for r in recs:
        if r and r[0] == "view":
            out.append((None, r, []))
        elif not out:
            raise ValueError("a record before any header row: %r" % r[:3])
        else:
            if len(r) != len(out[-1][1]):
                raise ValueError("record of %d fields under a header of %d: %r" %
                                 (len(r), len(out[-1][1]), r[:3]))
            out[-1][2].append(r)
    return out


def by_position(recs, v):
    """A view with no builder here: its JSON rows are its fields, in the CSV's order."""
    rows = v.get("rows", [])
    ids = [r[1] for r in recs]
    if len(rows) != len(ids):
        return [("(%d JSON rows)" % len(rows), {})]
    return [(i, fields_of(r)) for i, r in zip(ids, rows)]


def check_view(name, header, recs, v, ps, problems):
    cols = header[2:]
    want = ROWS[name](v, ps) if name in ROWS else by_position(recs, v)
    pins = modules_pins(v) if name == "modules" else {}
    got_ids = [r[1] for r in recs]
    for r in recs:
        if r[0] != name:
            problems.append("%s: a record of view %r in its block" % (name, r[0]))
    body = [i for i in got_ids if i not in pins]
    tail = got_ids[len(body):]
    if body != [w[0] for w in want] or any(i not in pins for i in tail):
        problems.append("%s: CSV ids %r, JSON rows %r" % (name, got_ids[:8], [w[0] for w in want][:8]))
        return 0
    compared = 0
    wmap = dict(want)
    wmap.update(pins)
    for c in cols:
        known = any(c in vals for _, vals in want) or any(c in p for p in pins.values())
        if not known and c not in SKIP.get(name, {}) and (want or pins):
            problems.append("%s: column %r is neither compared nor skipped" % (name, c))
    for r in recs:
        vals = wmap[r[1]]
        for c, cell in zip(cols, r[2:]):
            if c in SKIP.get(name, {}) or c not in vals:
                continue
            compared += 1
            if not same(vals[c], cell):
                problems.append("%s %s %s: CSV %r, JSON %r" % (name, r[1], c, cell, vals[c]))
    return compared


def main():
    raw = open(sys.argv[1], "rb").read()
    frame = json.load(open(sys.argv[2], encoding="utf-8"))
    try:
        recs = read_csv(raw)
        bl = blocks(recs)
        print("ok\tparses as RFC 4180 (%d records, %d blocks)" % (len(recs), len(bl)))
    except (ValueError, csv.Error) as e:
        print("nok\tparses as RFC 4180\t%s" % e)
        return
    names = [recs_[0][0] if recs_ else None for _, _, recs_ in bl]
    # the views, in the frame's order (the registry's): each an object with "rows"
    shown = [n for n, o in frame.items() if isinstance(o, dict) and "rows" in o]
    if len(bl) != len(shown):
        print("nok\tone block per view printed\t%d blocks for %r" % (len(bl), shown))
        return
    problems, compared, rows = [], 0, 0
    for (_, header, recs_), name, got in zip(bl, shown, names):
        if got not in (None, name):
            problems.append("block of %r where %r was due" % (got, name))
            continue
        if header[:2] != ["view", "id"] or len(set(header)) != len(header):
            problems.append("%s: header %r" % (name, header))
        rows += len(recs_)
        compared += check_view(name, header, recs_, frame[name], frame["page_size"], problems)
    if problems:
        print("nok\trows and values equal the JSON frame's\t%s" % " | ".join(problems[:12]))
    else:
        print("ok\trows and values equal the JSON frame's (%d rows, %d values)" % (rows, compared))


main()
