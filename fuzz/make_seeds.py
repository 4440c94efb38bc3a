#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets (fuzz/seeds/<target>/) from the
repository's golden files: the example networks and stimuli, the test networks, the
golden images, and ncx/1 frames built from them (docs/protocol.md). Python 3 standard
library only; run from anywhere: `python3 fuzz/make_seeds.py`. The seeds are committed;
rerun this only after a format changes. libFuzzer adds what it finds to fuzz/corpus/
(not committed).
"""

import hashlib
import shutil
import struct
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"


def crc8_smbus(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def frame(opcode, seq, payload=b""):
    """docs/protocol.md §2: A5 5A, opcode, seq, len (LE u16), CRC-8, payload, CRC-32."""
    fields = bytes([opcode, seq]) + struct.pack("<H", len(payload))
    body = fields + bytes([crc8_smbus(fields)]) + payload
    return b"\xa5\x5a" + body + struct.pack("<I", zlib.crc32(body))


def sections(image):
    """The (id, payload) sections of a .ncx image (docs/image-format.md §2)."""
    count = struct.unpack_from("<H", image, 44)[0]
    at, out = 46, []
    for _ in range(count):
        sid, _flags, length = struct.unpack_from("<HHI", image, at)
        out.append((sid, image[at + 8 : at + 8 + length]))
        at += 8 + length + 4
    return out


# Requests (docs/protocol.md §8).
HELLO, RESET, WRITE, READ, CRC, RUN, STOP, INPUT, PROBE, STATUS, RESEND = range(1, 12)


def write(region, offset, data):
    return struct.pack("<BI", region, offset) + data


def read(region, offset, length):
    return struct.pack("<BIH", region, offset, length)


def crc(region, offset, length):
    return struct.pack("<BII", region, offset, length)


def inputs(timestep, idx):
    return struct.pack("<IH", timestep, len(idx)) + b"".join(struct.pack("<H", i) for i in idx)


def probe(neurons):
    return struct.pack("<H", len(neurons)) + b"".join(struct.pack("<H", n) for n in neurons)


def flash_requests(image):
    """The WRITEs that upload an image's device sections (section id k -> region k-1)."""
    out = []
    for sid, payload in sections(image):
        if not 1 <= sid <= 6:
            continue
        region = sid - 1
        chunk = {0: 18, 5: 1003}.get(region, 1019)
        for off in range(0, len(payload), chunk):
            out.append((WRITE, write(region, off, payload[off : off + chunk])))
    return out


def session(image, steps, spikes):
    """A host session: HELLO, RESET, flash, PROBE, RUN, INPUTs, STATUS, RESEND, READ, CRC, STOP."""
    reqs = [(HELLO, b""), (RESET, b"\x01")] + flash_requests(image)
    reqs += [(PROBE, probe([0, 1])), (RUN, struct.pack("<I", steps))]
    reqs += [(INPUT, inputs(t, spikes(t))) for t in range(steps)]
    reqs += [(STATUS, b""), (RESEND, struct.pack("<I", 0)), (READ, read(1, 0, 64)), (CRC, crc(2, 0, 256))]
    reqs += [(STOP, b""), (RESET, b"\x00")]
    return reqs


def put(target, name, data):
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def main():
    if SEEDS.exists():
        shutil.rmtree(SEEDS)
    golden = {p.stem: p.read_bytes() for p in sorted((ROOT / "host/tests/data/golden").glob("*.ncx"))}
    tiny = (ROOT / "host/tests/data/images/tiny-v1.ncx").read_bytes()
    stdp = golden["stdp"]  # 16 x 32

    # device_commands: byte 0 = setup (bits 0-1 geometry, 2 = 16x32; bits 2-3 mode: 0 plain,
    # 2 timed, 3 both compared; bits 4-7 slots - 1), byte 1 = kept frames; then per command
    # tag k (Opcode::ALL[k]), seq, u16 len, payload.
    reqs = session(stdp, 12, lambda t: [t % 32, (3 * t + 1) % 32])

    def script(setup, reqs, kept=16):
        out = bytes([setup, kept])
        for seq, (op, payload) in enumerate(reqs):
            out += bytes([op - 1, seq & 0xFF]) + struct.pack("<H", len(payload)) + payload
        return out

    put("device_commands", "session_16x32", script((15 << 4) | 2, reqs))
    put("device_commands", "session_16x32_timed", script((3 << 4) | (2 << 2) | 2, reqs))
    put("device_commands", "session_16x32_both", script((15 << 4) | (3 << 2) | 2, reqs, kept=4))
    short = [(HELLO, b""), (RUN, struct.pack("<I", 3))] + [(INPUT, inputs(t, [t])) for t in range(3)]
    put("device_commands", "run_16x16", script(1 << 4, short + [(STATUS, b""), (RESEND, b"\0\0\0\0")]))
    put("device_commands", "run_16x16_both", script((1 << 4) | (3 << 2), short + [(STATUS, b"")], kept=0))
    smart = bytes([0, 16]) + bytes([RUN - 1, 1]) + struct.pack("<HI", 4, 5)
    smart += bytes([0xC2, 1, 0, 2, 0, 7, 0xC1, 3, 0, 8, 0xC0, 9, 0xE1, 0xC0, 10, 0xE0, STATUS - 1, 11, 0, 0])
    put("device_commands", "smart_inputs", smart)

    # device_request: byte 0 = geometry index (n = 16 << b % 7, m = 16 << b / 7 % 7),
    # byte 1 = opcode, rest = payload. 16x32: b = 0 + 7 * 1.
    for i, (op, payload) in enumerate(reqs[:1] + reqs[1:12] + reqs[-8:]):
        put("device_request", f"req_{i:02}_{op:02x}", bytes([7, op]) + payload)
    put("device_request", "write_config_16x16", bytes([0, WRITE]) + write(0, 0, sections(tiny)[0][1]))
    put("device_request", "unknown_opcode", bytes([0, 0x42]))

    # wire_decoder: byte 0 = chunk size - 1; the rest is a byte stream.
    stream = b"".join(frame(op, i, p) for i, (op, p) in enumerate(reqs[:6]))
    put("wire_decoder", "requests", b"\x07" + stream)
    put("wire_decoder", "hello", b"\x00" + frame(HELLO, 7))
    put("wire_decoder", "garbage_then_frame", b"\x02" + b"\x00\xa5\xa5\x5a\x01" + frame(3, 0xFF, b"\x10\x20\x30"))
    bad_header = bytearray(frame(2, 1, b"\x01"))
    bad_header[6] ^= 0xFF
    bad_crc = bytearray(frame(2, 1, b"\x01"))
    bad_crc[-1] ^= 1
    put("wire_decoder", "errors", b"\x03" + bytes(bad_header) + bytes(bad_crc) + frame(0x82, 1, b"\x00"))
    put("wire_decoder", "max_payload", b"\xff" + frame(3, 2, bytes(range(256)) * 4))

    # host_reply: byte 0 = Opcode::ALL index (11 = output frame), byte 1 = neurons index
    # (16 << b % 7), rest = the reply payload.
    info = struct.pack("<BBHH", 1, 0, 16, 32) + bytes(30) + struct.pack("<IIQIHBB", 100_000_000, 100, 0, 3, 1024, 16, 16)
    replies = {
        "hello": (0, b"\x00" + info),
        "reset": (1, b"\x00"),
        "write": (2, b"\x00"),
        "read": (3, b"\x00" + bytes(range(64))),
        "crc": (4, b"\x00" + struct.pack("<I", 0xDEADBEEF)),
        "run": (5, b"\x00" + struct.pack("<IH", 0, 16)),
        "stop": (6, b"\x00" + struct.pack("<I", 12)),
        "input": (7, b"\x00" + struct.pack("<H", 15)),
        "probe": (8, b"\x00"),
        "status": (9, b"\x00" + bytes([1]) + struct.pack("<IIH", 5, 7, 11) + struct.pack("<6I", 0, 20, 0, 0, 3, 5)),
        "resend": (10, b"\x00" + struct.pack("<I", 2)),
        "nak": (3, b"\x04" + struct.pack("<I", 512)),
        "output_list": (11, struct.pack("<IBH", 5, 0, 2) + struct.pack("<HH", 1, 9) + bytes([1]) + struct.pack("<Hii", 1, -5, 7)),
        "output_bitmap": (11, struct.pack("<IB", 6, 1) + bytes([0x81, 0x02]) + bytes([0])),
    }
    for name, (which, payload) in replies.items():
        put("host_reply", name, bytes([which, 0]) + payload)

    # image_decode: byte 0 bit 0 = as given (1) or CRCs and hash recomputed (0).
    for name, data in list(golden.items()) + [("tiny-v1", tiny)]:
        put("image_decode", name, b"\x01" + data)
    put("image_decode", "tiny-v1-fixup", b"\x00" + tiny)

    # network_toml: the text of a network file.
    nets = sorted((ROOT / "examples").glob("*/net.toml"))
    nets += sorted((ROOT / "host/tests/data/networks").glob("*/*.toml"))
    nets += [ROOT / "host/tests/data/rtl16/net.toml"]
    nets += sorted((ROOT / "tests/scenarios").glob("*/net.toml"))
    for p in nets:
        put("network_toml", f"{p.parent.name}_{p.stem}", p.read_bytes())

    # network_npy: .npy files of shape [4, 3] (docs/network-format.md §5).
    def npy(descr, fortran, values, fmt, version=1):
        header = "{'descr': '%s', 'fortran_order': %s, 'shape': (4, 3), }" % (descr, fortran)
        pre = 10 if version == 1 else 12
        pad = (64 - (pre + len(header) + 1) % 64) % 64
        header = header + " " * pad + "\n"
        size = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
        return b"\x93NUMPY" + bytes([version, 0]) + size + header.encode() + struct.pack("<12" + fmt, *values)

    vals = [0.5, -0.25, 0, 1, 0, 0.75, -1, 0, 0.125, 0, 0, 2]
    ints = [1, -2, 0, 3, 0, 0, -1, 4, 0, 0, 5, 0]
    put("network_npy", "f8", npy("<f8", "False", vals, "d"))
    put("network_npy", "f4_fortran", npy("<f4", "True", vals, "f"))
    put("network_npy", "i1", npy("|i1", "False", ints, "b"))
    put("network_npy", "i2", npy("<i2", "False", ints, "h"))
    put("network_npy", "i4_v2", npy("<i4", "False", ints, "i", version=2))
    put("network_npy", "u1", npy("|u1", "False", [abs(i) for i in ints], "B"))
    put("network_npy", "u2", npy("<u2", "True", [abs(i) for i in ints], "H"))
    put("network_npy", "u4", npy("<u4", "False", [abs(i) for i in ints], "I"))

    # stimulus: byte 0 = image (0 tiny, 1 stdp, 2 digits, 3 ei_network, 4 synfire) | 8 for
    # CSV | 16 for a seed override (8 bytes follow); then the run length (u16); the text.
    image_of = {"stdp": 1, "digits": 2, "ei_network": 3, "synfire": 4}
    for name, index in image_of.items():
        text = (ROOT / "examples" / name / "stimulus.toml").read_bytes()
        put("stimulus", f"{name}_toml", bytes([index]) + struct.pack("<H", 200) + text)
    put("stimulus", "stdp_seeded", bytes([1 | 16]) + struct.pack("<QH", 99, 50) + (ROOT / "examples/stdp/stimulus.toml").read_bytes())
    # tiny-v1.ncx has the input group `pix` of the run fixtures.
    put("stimulus", "tiny_toml", bytes([0]) + struct.pack("<H", 6) + (ROOT / "host/tests/data/run/tiny.toml").read_bytes())
    put("stimulus", "tiny_csv", bytes([8]) + struct.pack("<H", 6) + (ROOT / "host/tests/data/run/tiny.csv").read_bytes())
    for p in sorted((ROOT / "tests/scenarios").glob("*/stimulus.toml")):
        put("stimulus", f"scenario_{p.parent.name}", bytes([1]) + struct.pack("<H", 100) + p.read_bytes())
    put("stimulus", "csv_core_index", bytes([8 | 1]) + struct.pack("<H", 10) + b"timestep,input\n0,0\n3,31\n9,afferents:2\n")

    # link_spec: byte 0 bit 0 = FaultSpec (1) or LinkTarget (0); the rest is the text.
    for i, t in enumerate(["model", "pty", "verilator", "serial:/dev/ttyUSB1@115200", "serial:/dev/pts/3",
                           "faulty:7:drop=0.01,corrupt=0.01:model", "faulty:1:none:serial:/dev/ttyS0@9600"]):
        put("link_spec", f"target_{i}", b"\x00" + t.encode())
    for i, s in enumerate(["drop=0.01,corrupt=0.01,dup=0.005,delay=0.01", "none", "", " drop = 1 , delay=0 "]):
        put("link_spec", f"faults_{i}", b"\x01" + s.encode())

    total = sum(1 for _ in SEEDS.rglob("*") if _.is_file())
    size = sum(p.stat().st_size for p in SEEDS.rglob("*") if p.is_file())
    print(f"wrote {total} seeds, {size} bytes, under {SEEDS.relative_to(ROOT)}")
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(SEEDS.rglob("*")) if p.is_file())).hexdigest()
    print(f"sha256 of all seeds: {digest[:16]}")


if __name__ == "__main__":
    main()
