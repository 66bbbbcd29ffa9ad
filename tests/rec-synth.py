#!/usr/bin/env python3
# rec-synth.py SRC OUT N T0 STEP [--no-index] - a recording of N ticks, STEP seconds apart from
# the epoch time T0, made fast from SRC, a recording of three ticks of trees A, B, A again
# (kmemtop -w SRC --root SERIES): its records are copied, only their times (and CRCs) are new.
# They must be records compressed alone (KMR1: tests/fixtures/rec-v1.kmr, written so by an
# older kmemtop); a KMR2 record is compressed against the one before, which is not so here.
# Tick k is A's record every 256 ticks (a self-contained one, as kmemtop writes), else B's
# (what changed since A) after an A, and the third record (what changed since B) after a B,
# so the ticks alternate between the two trees as a busy machine's would. With the index
# (OUT.idx) unless --no-index.
import struct, sys, zlib

src, out, n, t0, step = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
d = open(src, 'rb').read()
assert d[:8] == b'KMTREC\0\1', 'not a recording'
recs, off = [], 8
while off + 32 <= len(d) and len(recs) < 3:
    assert d[off:off + 4] == b'KMR1', 'SRC must hold records compressed alone (KMR1)'
    zlen = struct.unpack_from('<I', d, off + 4)[0]
    recs.append((bytearray(d[off:off + 32]), d[off + 32:off + 32 + zlen]))
    off += 32 + zlen
assert len(recs) == 3, 'SRC must hold three ticks'
f = open(out, 'wb')
f.write(b'KMTREC\0\1')
idx = [b'KMTRIDX\1']
pos, prev = 8, None
for k in range(n):
    which = 0 if k % 256 == 0 else (1 if prev != 1 else 2)
    prev = 1 if which == 1 else 0
    hdr, payload = recs[which]
    hdr = bytearray(hdr)
    struct.pack_into('<d', hdr, 16, t0 + k * step)
    crc = zlib.crc32(bytes(hdr[0:12]))
    crc = zlib.crc32(bytes(hdr[16:32]), crc)
    crc = zlib.crc32(payload, crc)
    struct.pack_into('<I', hdr, 12, crc)
    f.write(hdr)
    f.write(payload)
    e = struct.pack('<Q', pos) + bytes(hdr) + struct.pack('<I', 1 if which == 0 else 0)
    idx.append(e + struct.pack('<I', zlib.crc32(e)))
    pos += 32 + len(payload)
f.close()
if '--no-index' not in sys.argv:
    open(out + '.idx', 'wb').write(b''.join(idx))
