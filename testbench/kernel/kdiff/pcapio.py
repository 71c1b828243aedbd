# SPDX-License-Identifier: Apache-2.0
"""Reading and writing the captures the runner exchanges with flowsim and the kernel.

Reads classic pcap (micro- or nanosecond, either byte order) and pcapng (enhanced and simple
packet blocks), Ethernet only, as flowsim's scenario loader accepts them; writes classic
pcap with nanosecond timestamps, as flowsim writes its per-port outputs."""

import struct
from dataclasses import dataclass

LINKTYPE_ETHERNET = 1
_PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 1000),        # microseconds, little endian
    b"\xa1\xb2\xc3\xd4": (">", 1000),
    b"\x4d\x3c\xb2\xa1": ("<", 1),           # nanoseconds
    b"\xa1\xb2\x3c\x4d": (">", 1),
}
_PCAPNG_SHB = 0x0A0D0D0A


class PcapError(Exception):
    """A capture file that cannot be used; the message names the file and what is wrong."""


@dataclass
class Record:
    t_ns: int          # capture timestamp, nanoseconds since the epoch
    frame: bytes       # the captured bytes
    wire_len: int      # the frame's length on the wire (>= len(frame) for a truncated capture)


def read(path):
    """All records of `path`, in file order."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 4:
        raise PcapError(f"{path}: too short to be a capture ({len(data)} bytes)")
    if struct.unpack_from("<I", data)[0] == _PCAPNG_SHB:
        return _read_pcapng(path, data)
    if data[:4] not in _PCAP_MAGICS:
        raise PcapError(f"{path}: not a pcap or pcapng file (magic {data[:4].hex()})")
    return _read_pcap(path, data)


def _read_pcap(path, data):
    order, ns_per_unit = _PCAP_MAGICS[data[:4]]
    if len(data) < 24:
        raise PcapError(f"{path}: truncated file header")
    linktype = struct.unpack_from(order + "I", data, 20)[0] & 0x0FFFFFFF
    if linktype != LINKTYPE_ETHERNET:
        raise PcapError(f"{path}: link type {linktype}, only Ethernet (1) is supported")
    records, off, n = [], 24, 0
    while off < len(data):
        n += 1
        if off + 16 > len(data):
            raise PcapError(f"{path}: packet {n}: truncated record header")
        sec, frac, caplen, wirelen = struct.unpack_from(order + "IIII", data, off)
        off += 16
        if off + caplen > len(data):
            raise PcapError(f"{path}: packet {n}: record says {caplen} bytes, file ends first")
        records.append(Record(sec * 1_000_000_000 + frac * ns_per_unit, data[off:off + caplen], wirelen))
        off += caplen
    return records


def _read_pcapng(path, data):
    records, off, n = [], 0, 0
    order = "<"
    interfaces = []  # (linktype, ns per tick)
    while off < len(data):
        if off + 12 > len(data):
            raise PcapError(f"{path}: truncated block at byte {off}")
        btype = struct.unpack_from(order + "I", data, off)[0]
        if btype == _PCAPNG_SHB:
            bom = data[off + 8:off + 12]
            order = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            interfaces = []
        blen = struct.unpack_from(order + "I", data, off + 4)[0]
        if blen < 12 or off + blen > len(data):
            raise PcapError(f"{path}: bad block length {blen} at byte {off}")
        body = data[off + 8:off + blen - 4]
        if btype == 1:  # interface description
            linktype = struct.unpack_from(order + "H", body, 0)[0]
            interfaces.append((linktype, _pcapng_tick_ns(order, body[8:])))
        elif btype in (6, 2):  # enhanced / obsolete packet block
            n += 1
            ifid, hi, lo, caplen, wirelen = struct.unpack_from(order + "IIIII", body, 0)
            if btype == 2:
                ifid &= 0xFFFF
            if ifid >= len(interfaces):
                raise PcapError(f"{path}: packet {n}: unknown interface {ifid}")
            linktype, tick_ns = interfaces[ifid]
            if linktype != LINKTYPE_ETHERNET:
                raise PcapError(f"{path}: packet {n}: link type {linktype}, only Ethernet (1) is supported")
            records.append(Record(((hi << 32) | lo) * tick_ns, bytes(body[20:20 + caplen]), wirelen))
        elif btype == 3:  # simple packet block: no timestamp
            n += 1
            wirelen = struct.unpack_from(order + "I", body, 0)[0]
            records.append(Record(0, bytes(body[4:4 + wirelen]), wirelen))
        off += blen
    return records


def _pcapng_tick_ns(order, options):
    """if_tsresol (option 9): the default is microseconds."""
    off = 0
    while off + 4 <= len(options):
        code, length = struct.unpack_from(order + "HH", options, off)
        if code == 0:
            break
        if code == 9 and length >= 1:
            v = options[off + 4]
            return (10 ** 9) // (10 ** (v & 0x7F)) if not v & 0x80 else max(1, (10 ** 9) >> (v & 0x7F))
        off += 4 + ((length + 3) & ~3)
    return 1000


def write(path, records):
    """Classic pcap, nanosecond timestamps, little endian, Ethernet."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, LINKTYPE_ETHERNET))
        for r in records:
            f.write(struct.pack("<IIII", r.t_ns // 1_000_000_000, r.t_ns % 1_000_000_000, len(r.frame), r.wire_len))
            f.write(r.frame)
