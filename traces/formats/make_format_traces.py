#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Writes the capture-format vectors of traces/formats/: the same kind of UDP packets stored in
# every container and link type the reader takes (classic pcap in both byte orders and both
# precisions, pcapng with several interfaces and sections of either byte order, gzip, Linux
# cooked SLL/SLL2, raw IP, BSD loopback, an FCS), files cut off mid-record, and formats.json:
# per file, each record as the reader must return it (the Ethernet frame, its wire length,
# timestamp in ns, interface) and where a cut file ends. Files are written byte by byte here
# (Scapy builds the packets): Scapy 2.5's writers know neither big-endian pcapng sections
# nor cooked headers. Fully deterministic; traces/formats_regenerate compares the committed
# files with what this script writes.
"""Regenerate: /usr/bin/python3 traces/formats/make_format_traces.py [--out DIR]"""

import argparse
import gzip
import json
import struct
import zlib
from pathlib import Path

from scapy.all import IP, UDP, Ether, IPv6, Raw, conf

conf.verb = 0

T0 = 1700000000  # 2023-11-14T22:13:20Z
HOST_MAC = bytes.fromhex("020000000a01")
GW_MAC = bytes.fromhex("020000000afe")
LAN4, SRV4 = "192.168.7.10", "198.51.100.53"
LAN6, SRV6 = "2001:db8:7::10", "2001:db8:99::53"

LINKTYPE_NULL, LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_LINUX_SLL = 0, 1, 101, 113
LINKTYPE_IEEE802_11, LINKTYPE_LINUX_SLL2 = 105, 276


def ip_packet(k, v6=False, size=40):
    """The IP datagram of vector k: UDP from the LAN host to a server, payload byte j = k + j."""
    body = Raw(bytes((k + j) & 0xff for j in range(size)))
    if v6:
        return bytes(IPv6(src=LAN6, dst=SRV6, hlim=64) / UDP(sport=40000 + k, dport=53) / body)
    return bytes(IP(src=LAN4, dst=SRV4, id=0x100 + k, ttl=64) / UDP(sport=40000 + k, dport=53) / body)


def ether(dst, src, ip):
    return dst + src + struct.pack("!H", 0x86DD if ip[0] >> 4 == 6 else 0x0800) + ip


def frame(k, v6=False, size=40):
    return ether(GW_MAC, HOST_MAC, ip_packet(k, v6, size))


# --- containers ------------------------------------------------------------------------
def pcap_file(records, linktype=LINKTYPE_ETHERNET, big=False, nano=False, snaplen=262144, link_field=None):
    """records: (bytes, ts_ns[, wire length])."""
    e = ">" if big else "<"
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = struct.pack(e + "IHHiIII", magic, 2, 4, 0, 0, snaplen, link_field if link_field is not None else linktype)
    for rec in records:
        raw, ts = rec[0], rec[1]
        wire = rec[2] if len(rec) > 2 else len(raw)
        frac = ts % 10**9 if nano else (ts % 10**9) // 1000
        out += struct.pack(e + "IIII", ts // 10**9, frac, len(raw), wire) + raw
    return out


def block(e, btype, body):
    body += b"\0" * (-len(body) % 4)
    total = 12 + len(body)
    return struct.pack(e + "II", btype, total) + body + struct.pack(e + "I", total)


def option(e, code, value):
    return struct.pack(e + "HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


def end_of_options(e):
    return struct.pack(e + "HH", 0, 0)


def shb(e):
    return block(e, 0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1) + option(e, 4, b"flowsim test") +
                 end_of_options(e))


def idb(e, linktype, name, tsresol=None, snaplen=262144, fcslen=None, tsoffset=None):
    opts = option(e, 2, name.encode())
    if tsresol is not None:
        opts += option(e, 9, bytes([tsresol]))
    if fcslen is not None:
        opts += option(e, 13, bytes([fcslen]))
    if tsoffset is not None:
        opts += option(e, 14, struct.pack(e + "q", tsoffset))
    return block(e, 1, struct.pack(e + "HHI", linktype, 0, snaplen) + opts + end_of_options(e))


def epb(e, iface, units, raw, wire=None):
    wire = len(raw) if wire is None else wire
    data = raw + b"\0" * (-len(raw) % 4)
    return block(e, 6, struct.pack(e + "IIIII", iface, units >> 32, units & 0xFFFFFFFF, len(raw), wire) + data +
                 option(e, 1, b"a comment") + end_of_options(e))


def spb(e, raw):
    return block(e, 3, struct.pack(e + "I", len(raw)) + raw)


def skipped_blocks(e):
    """A name resolution block and an interface statistics block: read past, never packets."""
    nrb = block(e, 4, struct.pack(e + "HH", 1, 8) + bytes([192, 168, 7, 10]) + b"lan\0" + end_of_options(e))
    isb = block(e, 5, struct.pack(e + "III", 0, 0, 0) + end_of_options(e))
    return nrb + isb


# --- link layers ------------------------------------------------------------------------
def sll(packet_type, mac, ip):
    proto = 0x86DD if ip[0] >> 4 == 6 else 0x0800
    return struct.pack("!HHH", packet_type, 1, 6) + mac + b"\0\0" + struct.pack("!H", proto) + ip


def sll2(packet_type, mac, ip, ifindex=3):
    proto = 0x86DD if ip[0] >> 4 == 6 else 0x0800
    return struct.pack("!HHIHBB", proto, 0, ifindex, 1, packet_type, 6) + mac + b"\0\0" + ip


ZERO = bytes(6)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent, help="output directory")
    out = ap.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    doc = {"comment": "Written by make_format_traces.py: each file's records as PcapReader returns them."}

    def entry(name, data, records, truncation=None, interfaces=None):
        (out / name).write_bytes(data)
        doc[name] = {"records": [dict(index=i + 1, ts_ns=ts, wire_length=wire, interface=itf, frame=fr.hex(),
                                      synthetic_macs=syn, unusable=unusable)
                                 for i, (fr, ts, wire, itf, syn, unusable) in enumerate(records)],
                     "truncation": truncation}
        if interfaces is not None:
            doc[name]["interfaces"] = interfaces

    def plain(k, ts, v6=False, size=40, itf=0):
        f = frame(k, v6, size)
        return (f, ts, len(f), itf, False, "")

    ts = [T0 * 10**9 + 1_000_000 * k + 123_000 for k in range(8)]
    ts_ns = [T0 * 10**9 + 1_000_000 * k + 123_457 for k in range(8)]

    # Classic pcap in both byte orders and precisions.
    recs = [plain(k, ts[k], v6=k % 2 == 1) for k in range(3)]
    entry("little_micro.pcap", pcap_file([(r[0], r[1]) for r in recs]), recs)
    entry("big_micro.pcap", pcap_file([(r[0], r[1]) for r in recs], big=True), recs)
    recs_ns = [plain(k, ts_ns[k], v6=k % 2 == 0) for k in range(3)]
    entry("big_nano.pcap", pcap_file([(r[0], r[1]) for r in recs_ns], big=True, nano=True), recs_ns)
    entry("little_nano.pcap", pcap_file([(r[0], r[1]) for r in recs_ns], nano=True), recs_ns)

    # gzip: the same little-endian pcap compressed (mtime 0 keeps the bytes fixed).
    entry("little_micro.pcap.gz", gzip.compress(pcap_file([(r[0], r[1]) for r in recs]), mtime=0), recs)

    # pcapng: section 1 little-endian with three interfaces (Ethernet in ns, Ethernet in the
    # default microseconds with a 1 s offset, and an 802.11 interface no packet uses), skipped
    # blocks in between; section 2 big-endian with an Ethernet interface in 2^-20 s units and a
    # cooked one, and a Simple Packet Block.
    le, be = "<", ">"
    data = shb(le) + idb(le, LINKTYPE_ETHERNET, "lan0", tsresol=9) + idb(le, LINKTYPE_ETHERNET, "wan0", tsoffset=1) \
        + idb(le, LINKTYPE_IEEE802_11, "wlan0")
    ng = []
    data += epb(le, 0, ts_ns[0], frame(0))
    ng.append(plain(0, ts_ns[0]))
    data += skipped_blocks(le)
    data += epb(le, 1, ts[1] // 1000 - 10**6, frame(1, v6=True), wire=len(frame(1, v6=True)))
    ng.append(plain(1, ts[1], v6=True, itf=1))
    data += shb(be) + idb(be, LINKTYPE_ETHERNET, "eth1", tsresol=0x80 | 20) + idb(be, LINKTYPE_LINUX_SLL, "any")
    units = (ts[2] << 20) // 10**9
    data += epb(be, 0, units, frame(2))
    ng.append(plain(2, (units * 10**9) >> 20, itf=3))
    ip = ip_packet(3)
    data += epb(be, 1, ts[3] // 1000, sll(0, GW_MAC, ip))
    fr = ether(ZERO, GW_MAC, ip)
    ng.append((fr, ts[3], len(fr), 4, True, ""))
    data += spb(be, frame(4))
    ng.append((frame(4), 0, len(frame(4)), 3, False, ""))
    ifaces = [dict(link_type=1, name="lan0"), dict(link_type=1, name="wan0"), dict(link_type=105, name="wlan0"),
              dict(link_type=1, name="eth1"), dict(link_type=113, name="any")]
    entry("sections.pcapng", data, ng, interfaces=ifaces)

    # A packet on the 802.11 interface: returned as unusable, the others still read.
    data = shb(le) + idb(le, LINKTYPE_ETHERNET, "lan0") + idb(le, LINKTYPE_IEEE802_11, "wlan0")
    data += epb(le, 1, ts[0] // 1000, bytes(24)) + epb(le, 0, ts[1] // 1000, frame(1))
    entry("foreign_interface.pcapng", data, [(b"", ts[0], 24, 1, False, "unsupported_link_type"), plain(1, ts[1])])

    # Linux cooked captures: incoming unicast, broadcast, outgoing; SLL2 likewise.
    cooked = [(0, GW_MAC, ip_packet(5), ZERO), (1, GW_MAC, ip_packet(6), b"\xff" * 6),
              (4, HOST_MAC, ip_packet(7, v6=True), ZERO)]
    for name, make, hdr in (("sll.pcap", sll, 16), ("sll2.pcap", sll2, 20)):
        raws, recs = [], []
        for i, (ptype, mac, ipk, dst) in enumerate(cooked):
            raws.append((make(ptype, mac, ipk), ts[i]))
            fr = ether(dst, mac, ipk)
            recs.append((fr, ts[i], len(fr), 0, dst == ZERO, ""))
        entry(name, pcap_file(raws, linktype=LINKTYPE_LINUX_SLL if hdr == 16 else LINKTYPE_LINUX_SLL2), recs)

    # Raw IP and BSD loopback: no MACs at all.
    raws, recs = [], []
    for i, v6 in enumerate((False, True)):
        ipk = ip_packet(8 + i, v6)
        raws.append((ipk, ts[i]))
        fr = ether(ZERO, ZERO, ipk)
        recs.append((fr, ts[i], len(fr), 0, True, ""))
    entry("raw_ip.pcap", pcap_file(raws, linktype=LINKTYPE_RAW), recs)
    loop = [(struct.pack("<I", 2 if r[0][14] >> 4 == 4 else 30) + r[0][14:], r[1]) for r in recs]
    entry("null_loopback.pcap", pcap_file(loop, linktype=LINKTYPE_NULL), recs)

    # Ethernet with a 4-byte FCS announced in the link type field (bit 26, length in 16-bit
    # words in bits 28..31): stripped from data and wire length.
    fcs = b"\xde\xad\xbe\xef"
    recs = [plain(k, ts[k]) for k in range(2)]
    entry("fcs.pcap", pcap_file([(r[0] + fcs, r[1]) for r in recs], link_field=(2 << 28) | (1 << 26) | 1), recs)

    # Snaplen 64: the second record is cut by the capture, not by the file.
    long_frame = frame(9, size=400)
    recs = [plain(1, ts[0]), (long_frame[:64], ts[1], len(long_frame), 0, False, "")]
    entry("snaplen.pcap", pcap_file([(recs[0][0], ts[0]), (long_frame[:64], ts[1], len(long_frame))], snaplen=64),
          recs)

    # Files cut off mid-record: inside the data of packet 3, inside the header of packet 3,
    # and a gzip stream cut inside packet 3.
    whole = [plain(k, ts[k]) for k in range(4)]
    full = pcap_file([(r[0], r[1]) for r in whole])
    third = 24 + 2 * (16 + len(whole[0][0]))
    entry("cut_data.pcap", full[:third + 16 + 20], whole[:2],
          truncation="file ends inside packet #3 (20 of its 82 captured bytes)")
    entry("cut_header.pcap", full[:third + 9], whole[:2],
          truncation="file ends inside the record header of packet #3 (9 of 16 bytes)")
    compressed = gzip.compress(full, mtime=0)
    cut_gz = compressed[:len(compressed) * 3 // 4]
    content = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(cut_gz)
    n, at = 0, 24
    while at + 16 + len(whole[n][0]) <= len(content):
        at += 16 + len(whole[n][0])
        n += 1
    left = len(content) - at
    detail = (f"inside the record header of packet #{n + 1} ({left} of 16 bytes)" if left < 16 else
              f"inside packet #{n + 1} ({left - 16} of its {len(whole[n][0])} captured bytes)")
    entry("cut.pcap.gz", cut_gz, whole[:n], truncation="gzip stream ends " + detail)
    ng_full = shb(le) + idb(le, LINKTYPE_ETHERNET, "lan0") + b"".join(epb(le, 0, r[1] // 1000, r[0]) for r in whole)
    entry("cut.pcapng", ng_full[:-20], whole,
          truncation="file ends inside the block of packet #4 after its data")

    (out / "formats.json").write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
