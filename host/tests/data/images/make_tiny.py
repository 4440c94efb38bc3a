#!/usr/bin/env python3
"""Writes tiny-v1.ncx, the worked example of docs/image-format.md §8.

An independent implementation of the format, written from the document only (not
from the Rust code), used once at development time to produce the fixture that
host/tests/image_golden.rs compares `ncx` against. Python is not needed to build or
test ncx: the fixture is checked in. Run from this directory:

    python3 make_tiny.py   # writes tiny-v1.ncx, prints the CRCs and the hash
"""
import hashlib
import struct
import zlib

N = M = 16
SILENT = (8388607, 0, 0, 0, 0, 0)  # threshold, reset, bias, v_decay, i_decay, refractory

# Header (§2.1): magic, version, N, M, widths table (§2.2), section count.
WIDTHS = [  # spec::FIELDS: (bits, signed)
    (8, 1), (24, 1), (24, 1), (20, 1), (24, 1), (24, 1), (24, 1), (12, 0),
    (8, 0), (8, 0), (4, 0), (8, 0), (4, 0), (8, 0), (32, 0),
]
header = b"NCXIMAGE" + struct.pack("<HHH", 1, N, M)
header += b"".join(struct.pack("<BB", bits, signed) for bits, signed in WIDTHS)
header += struct.pack("<H", 7)
assert len(header) == 46

# Core config (§4.1): period, weight_shift, STDP enable, A+, A-, shift, w_min, w_max,
# trace mode, pre decay, post decay, pre increment, post increment.
config = struct.pack("<IBBBBBbbBHHBB", 100000, 4, 1, 64, 32, 4, -8, 20, 0, 2048, 2048, 128, 128)
assert len(config) == 18

# Weights (§4.2): row-major [post][pre], int8.
w_in = [0] * (N * M)
w_in[0 * M + 0] = 50
w_in[1 * M + 3] = -7
w_rec = [0] * (N * N)
w_rec[1 * N + 0] = 40
w_rec[0 * N + 2] = -60

# Enable bits (§4.3): bit i of the row-major table is bit i % 8 of byte i // 8.
e_in = [0] * (N * M)
for post, pre in [(0, 0), (0, 1), (1, 3)]:
    e_in[post * M + pre] = 1
e_rec = [0] * (N * N)
e_rec[1 * N + 0] = 1


def pack_bits(bits):
    return bytes(sum(bits[i + b] << b for b in range(8)) for i in range(0, len(bits), 8))


# Neuron records (§4.4): threshold, reset, bias (i32), v_decay, i_decay (u16), refractory (u8).
params = [(1000, 0, 0, 410, 2048, 1), (600, -100, 5, 0, 4095, 0)] + [SILENT] * (N - 2)
neurons = b"".join(struct.pack("<iiiHHB", *p) for p in params)
assert len(neurons) == 17 * N


# Metadata (§5).
def name(text):
    raw = text.encode("utf-8")
    return struct.pack("<B", len(raw)) + raw


def block(text, start, length, record, probes):
    out = name(text) + struct.pack("<HHBH", start, length, record, len(probes))
    return out + b"".join(struct.pack("<H", p) for p in probes)


meta = name("tiny") + struct.pack("<II", 1000, 100_000_000)
meta += struct.pack("<H", 1) + block("exc", 0, 2, 1, [1])
meta += struct.pack("<H", 1) + block("in", 0, 4, 0, [])

# Sections (§2.3): id, flags, length, payload, CRC-32 of the four.
sections = [
    (1, 1, config),
    (2, 1, bytes(w & 0xFF for w in w_in)),
    (3, 1, bytes(w & 0xFF for w in w_rec)),
    (4, 1, pack_bits(e_in)),
    (5, 1, pack_bits(e_rec)),
    (6, 1, neurons),
    (7, 0, meta),
]
image = bytearray(header)
for ident, flags, payload in sections:
    framed = struct.pack("<HHI", ident, flags, len(payload)) + payload
    crc = zlib.crc32(framed)
    print(f"section {ident}: offset {len(image)}, payload {len(payload)} bytes, CRC-32 {crc:#010x}")
    image += framed + struct.pack("<I", crc)
digest = hashlib.sha256(image).digest()
print(f"content: {len(image)} bytes, sha256 {digest.hex()}")
image += digest
print(f"image: {len(image)} bytes")
with open("tiny-v1.ncx", "wb") as f:
    f.write(image)
