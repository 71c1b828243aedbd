#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the fuzz targets' seed corpora, all taken from files committed in this repository.

usage: make_seed_corpora.py SOURCE_DIR OUT_DIR

OUT_DIR/<target>/ gets, for
  frame_parser_fuzzer  the distinct frames among the first of every committed trace
  pcap_reader_fuzzer   the small committed captures, each also rewritten as pcapng, and a few
                       cut short
  nft_text_fuzzer      the committed nft text rulesets
  nft_json_fuzzer      the committed nft JSON rulesets
  scenario_fuzzer      the committed scenarios (the bundled one keeps its relative paths: the
                       fuzzer places its input next to links to the same files)
  conformance_fuzzer   the committed conformance files, good and deliberately broken
  engine_fuzzer        the default trace, in the engine fuzzer's frame format, in slices
Plain Python (no Scapy): it only splits and re-wraps records. Deterministic.
"""
import hashlib
import pathlib
import struct
import sys

SKIP_DIRS = {"build", ".git"}
MAX_SEED_BYTES = 64 * 1024  # libFuzzer's default -max_len is derived from the seeds
FRAMES_PER_TRACE = 48  # the long traces repeat a few shapes thousands of times


def committed(src, pattern):
    out = []
    for p in sorted(src.rglob(pattern)):
        rel = p.relative_to(src)
        if rel.parts[0] in SKIP_DIRS or rel.parts[0].startswith("build"):
            continue
        if p.is_file():
            out.append(p)
    return out


def read_pcap(path):
    """(linktype, [(ts_sec, ts_frac, bytes)]) of a classic pcap; None if it is not one."""
    data = path.read_bytes()
    if len(data) < 24:
        return None
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        endian = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        endian = ">"
    else:
        return None
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    records, off = [], 24
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        records.append((sec, frac, data[off:off + incl]))
        off += incl
    return linktype, records


def pcapng(linktype, records):
    def block(kind, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", kind, n) + body + struct.pack("<I", n)

    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += block(0x00000001, struct.pack("<HHI", linktype & 0xFFFF, 0, 0))  # the pcap field's upper bits: FCS
    for sec, frac, frame in records:
        ts = sec * 1_000_000 + frac
        out += block(0x00000006, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(frame), len(frame)) + frame)
    return out


class Corpus:
    def __init__(self, out, name):
        self.dir = out / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def add(self, data, stem=None):
        if not data or len(data) > MAX_SEED_BYTES:
            return
        digest = hashlib.sha1(data).hexdigest()[:16]
        (self.dir / ((stem + "-" if stem else "") + digest)).write_bytes(data)
        self.count += 1


def main():
    src, out = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2])
    pcaps = committed(src, "*.pcap")

    frames = Corpus(out, "frame_parser_fuzzer")
    captures = Corpus(out, "pcap_reader_fuzzer")
    for p in pcaps:
        parsed = read_pcap(p)
        if parsed is None:
            continue
        linktype, records = parsed
        for _, _, frame in records[:FRAMES_PER_TRACE]:
            frames.add(frame)
        data = p.read_bytes()
        if len(data) <= 16 * 1024:
            captures.add(data, p.stem)
            captures.add(pcapng(linktype, records), p.stem + "-ng")
            captures.add(data[: len(data) * 2 // 3], p.stem + "-cut")

    text = Corpus(out, "nft_text_fuzzer")
    for p in committed(src, "*.nft"):
        text.add(p.read_bytes(), p.stem)
    jsons = Corpus(out, "nft_json_fuzzer")
    for p in committed(src, "*.json"):
        data = p.read_bytes()
        if b'"nftables"' in data:
            jsons.add(data, p.stem)

    scenarios = Corpus(out, "scenario_fuzzer")
    for p in committed(src, "*.yaml"):
        data = p.read_bytes()
        if b"ports:" in data:
            scenarios.add(data, p.stem)

    scripts = Corpus(out, "conformance_fuzzer")
    for p in committed(src, "*.expect"):
        scripts.add(p.read_bytes(), p.stem)

    # The default trace merged by time, 8 frames per seed: [port][ms step][len le16][bytes].
    engine = Corpus(out, "engine_fuzzer")
    arrivals = []
    for port, name in ((0, "lan"), (1, "wan")):
        parsed = read_pcap(src / "traces/default" / (name + ".pcap"))
        for sec, frac, frame in parsed[1]:
            arrivals.append((sec * 1_000_000 + frac, port, frame))
    arrivals.sort(key=lambda a: a[0])
    previous = arrivals[0][0] if arrivals else 0
    chunk = b""
    for i, (ts, port, frame) in enumerate(arrivals):
        step = min(255, (ts - previous) // 1000)
        previous = ts
        chunk += struct.pack("<BBH", port, step, len(frame)) + frame
        if i % 8 == 7:
            engine.add(chunk, "default")
            chunk = b""
    engine.add(chunk, "default")

    for c in (frames, captures, text, jsons, scenarios, scripts, engine):
        print(f"{c.dir.name}: {c.count} seeds")
        if c.count == 0:
            sys.exit(f"no seeds for {c.dir.name}: the committed files it is made from are missing")


if __name__ == "__main__":
    main()
