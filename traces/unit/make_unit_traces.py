#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Writes the unit-test vectors of traces/unit/ with Scapy: net_vectors.pcap + net_vectors.json
# (frames, what a parser should find in them, Scapy's checksums, and before/after pairs for the
# incremental checksum updates) and the small inputs of the pcap reader tests. The output is
# fully deterministic (fixed addresses, timestamps, IDs; no randomness), and the CTest test
# traces/unit_regenerate checks that the committed files are exactly what this script writes.
"""Regenerate: /usr/bin/python3 traces/unit/make_unit_traces.py [--out DIR]"""

import argparse
import json
import struct
import sys
from pathlib import Path

from scapy.all import (ARP, ICMP, IP, PPP, TCP, UDP, CookedLinux, Dot1AD, Dot1Q, Ether, ICMPv6EchoRequest,
                       IPOption_Router_Alert, IPv6, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, Padding, PPPoE, Raw,
                       RawPcapWriter, RouterAlert, conf)

conf.verb = 0

DLT_EN10MB = 1
DLT_LINUX_SLL = 113
T0 = 1700000000  # 2023-11-14T22:13:20Z, the first packet's second

MAC_A = "02:00:00:00:00:01"
MAC_B = "02:00:00:00:00:02"
LAN4, WAN4, PUB4, SRV4 = "192.168.1.10", "198.51.100.1", "198.51.100.77", "203.0.113.5"
LAN6, WAN6, SRV6 = "2001:db8:1::10", "2001:db8:ffff::1", "2001:db8:2::5"

ERROR_NAMES = ["none", "runt", "truncated_vlan", "too_many_vlans", "truncated_pppoe", "bad_pppoe",
               "bad_ipv4", "bad_ipv6"]
IPV6_EXTENSIONS = {0, 43, 44, 50, 51, 60, 135, 139, 140}


def eth():
    return Ether(dst=MAC_B, src=MAC_A)


def ppp(proto):
    """The PPP protocol field in its full two bytes. Scapy 2.5's PPP layer always writes a
    protocol below 0x100 compressed to one byte (RFC 1661 PFC); PPPoE sessions send two, and
    that is what the parser (like Linux's PPPoE flow offload) reads."""
    return Raw(struct.pack("!H", proto))


def payload(n, seed=0):
    return Raw(bytes((seed + 7 * k) & 0xff for k in range(n)))


def tcp_opts():
    return [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (123456, 0)), ("NOP", None), ("WScale", 7)]


def solve_word(check, word, target):
    """The value to put in a 16-bit word, now `word` in data whose checksum is `check`, so that
    the checksum becomes `target` (one's-complement arithmetic; used to find edge cases)."""
    return ((~target & 0xffff) - (~check & 0xffff) + word) % 0xffff


def udp_zero_checksum_sport():
    """A source port for which the UDP checksum of this frame sums to zero, so that Scapy
    (and Linux) transmit it as 0xffff: the edge case of the mangled representation."""
    base = eth() / IP(src=LAN4, dst=SRV4, id=0x4242) / UDP(sport=20000, dport=53) / payload(12, 5)
    check = Ether(bytes(base))[UDP].chksum
    assert check not in (0, 0xffff)
    return solve_word(check, 20000, 0)


# --- net_vectors.pcap: one frame per case, (name, frame, intent). The intent lists a few
# fields the case exists for; expected() derives all fields and must agree with it.
def net_cases():
    big_v4 = bytes(eth() / IP(src=LAN4, dst=SRV4, len=200) / UDP(sport=1000, dport=2000) / payload(20))
    cut_tcp = bytes(TCP(sport=40000, dport=80, flags="S"))[:12]
    zero_sport = udp_zero_checksum_sport()
    return [
        ("ipv4_tcp_payload",
         eth() / IP(src=LAN4, dst=SRV4, id=100) / TCP(sport=51000, dport=443, seq=1000, ack=2000, flags="PA")
         / payload(40), dict(l4_complete=True, tcp_flags=0x18)),
        ("ipv4_tcp_syn_options",
         eth() / IP(src=LAN4, dst=SRV4, id=101, flags="DF") / TCP(sport=51001, dport=80, seq=7, flags="S",
                                                              options=tcp_opts()),
         dict(l4_complete=True, tcp_flags=0x02)),
        ("ipv4_udp_padded",
         eth() / IP(src=LAN4, dst=SRV4, id=102) / UDP(sport=5353, dport=53) / payload(4) / Padding(b"\0" * 14),
         dict(l4_complete=True)),
        ("ipv4_udp_no_checksum",
         eth() / IP(src=LAN4, dst=SRV4, id=103) / UDP(sport=4000, dport=4001, chksum=0) / payload(30),
         dict(l4_complete=True)),
        ("vlan_ipv4_udp",
         eth() / Dot1Q(vlan=100, prio=5) / IP(src=LAN4, dst=SRV4, id=104) / UDP(sport=6000, dport=6001)
         / payload(16), dict(vlan_ids=[100])),
        ("qinq_ipv4_tcp",
         eth() / Dot1AD(vlan=200) / Dot1Q(vlan=300) / IP(src=LAN4, dst=SRV4, id=105)
         / TCP(sport=51002, dport=22, flags="A") / payload(8), dict(vlan_ids=[200, 300])),
        ("pppoe_ipv4_udp",
         eth() / PPPoE(sessionid=0x1234) / ppp(0x0021) / IP(src=LAN4, dst=SRV4, id=106)
         / UDP(sport=7000, dport=7001) / payload(10), dict(pppoe_session=0x1234)),
        ("pppoe_ipv6_tcp",
         eth() / PPPoE(sessionid=0x0bad) / ppp(0x0057) / IPv6(src=LAN6, dst=SRV6, hlim=64)
         / TCP(sport=52000, dport=443, flags="S") / payload(6), dict(pppoe_session=0x0bad, l3="ipv6")),
        ("ipv6_tcp",
         eth() / IPv6(src=LAN6, dst=SRV6, hlim=63, fl=0x12345) / TCP(sport=52001, dport=8080, flags="FA")
         / payload(25), dict(l3="ipv6", tcp_flags=0x11)),
        ("ipv6_udp",
         eth() / IPv6(src=LAN6, dst=SRV6, hlim=1) / UDP(sport=546, dport=547) / payload(33),
         dict(l3="ipv6", ttl=1)),
        ("ipv6_hop_by_hop",
         eth() / IPv6(src=LAN6, dst=SRV6) / IPv6ExtHdrHopByHop(options=[RouterAlert()])
         / UDP(sport=1, dport=2) / payload(8), dict(ipv6_ext_header=True, l4_complete=False)),
        ("ipv6_fragment",
         eth() / IPv6(src=LAN6, dst=SRV6) / IPv6ExtHdrFragment(id=0xabcdef01, m=1, offset=0)
         / UDP(sport=3, dport=4) / payload(24), dict(ipv6_ext_header=True, ip_fragment=True)),
        ("ipv4_first_fragment",
         eth() / IP(src=LAN4, dst=SRV4, id=107, flags="MF", frag=0) / UDP(sport=8000, dport=8001, len=1008)
         / payload(32), dict(ip_fragment=True, l4_complete=True)),
        ("ipv4_later_fragment",
         eth() / IP(src=LAN4, dst=SRV4, id=107, proto=17, frag=5) / payload(40, 9),
         dict(ip_fragment=True, l4_complete=False)),
        ("ipv4_options",
         eth() / IP(src=LAN4, dst=SRV4, id=108, options=[IPOption_Router_Alert()])
         / UDP(sport=9000, dport=9001) / payload(12), dict(ipv4_options=True)),
        ("ipv4_icmp_echo",
         eth() / IP(src=LAN4, dst=SRV4, id=109) / ICMP(type=8, id=0x77, seq=3) / payload(32),
         dict(l4_proto=1, l4_complete=True)),
        ("ipv6_icmpv6_echo",
         eth() / IPv6(src=LAN6, dst=SRV6) / ICMPv6EchoRequest(id=0x88, seq=4) / payload(32),
         dict(l4_proto=58, l4_complete=True)),
        ("ipv4_ttl_1",
         eth() / IP(src=LAN4, dst=SRV4, id=110, ttl=1) / UDP(sport=33434, dport=33435) / payload(12),
         dict(ttl=1)),
        ("runt", bytes(eth())[:10], dict(error="runt")),
        ("ipv4_total_length_beyond_capture", big_v4, dict(error="bad_ipv4")),
        ("ipv4_tcp_header_cut",
         eth() / IP(src=LAN4, dst=SRV4, id=111, proto=6) / Raw(cut_tcp), dict(l4_proto=6, l4_complete=False)),
        ("ipv4_tcp_data_offset_beyond",
         eth() / IP(src=LAN4, dst=SRV4, id=112) / TCP(sport=40001, dport=80, flags="S", dataofs=15),
         dict(l4_proto=6, l4_complete=False)),
        ("arp", eth() / ARP(hwsrc=MAC_A, psrc=LAN4, pdst=WAN4), dict(l3="other")),
        ("three_vlan_tags",
         eth() / Dot1Q(vlan=1) / Dot1Q(vlan=2) / Dot1Q(vlan=3) / IP(src=LAN4, dst=SRV4) / UDP(),
         dict(error="too_many_vlans")),
        ("vlan_tag_cut", bytes(eth() / Dot1Q(vlan=5))[:16], dict(error="truncated_vlan")),
        ("pppoe_bad_version",
         eth() / PPPoE(version=2, sessionid=1) / ppp(0x0021) / IP(src=LAN4, dst=SRV4) / UDP(),
         dict(error="bad_pppoe")),
        ("pppoe_cut", bytes(eth() / PPPoE(sessionid=1) / ppp(0x0021))[:18], dict(error="truncated_pppoe")),
        ("ipv6_payload_length_beyond_capture",
         bytes(eth() / IPv6(src=LAN6, dst=SRV6, plen=100) / UDP(sport=1, dport=2) / payload(8)),
         dict(error="bad_ipv6")),
        ("ipv4_udp_checksum_sums_to_zero",
         eth() / IP(src=LAN4, dst=SRV4, id=0x4242) / UDP(sport=zero_sport, dport=53) / payload(12, 5),
         dict(l4_complete=True)),
    ]


def expected(raw):
    """The ParsedFrame a correct parser yields for `raw`, taken from Scapy's dissection."""
    e = dict(error="none", vlan_ids=[], pppoe_session=None, ether_type=0, l3="none", l3_offset=0,
             l3_length=0, ttl=0, l4_proto=0, l4_offset=0, l4_complete=False, ipv4_options=False,
             ip_fragment=False, ipv6_ext_header=False, tcp_flags=0, tuple=None)
    if len(raw) < 14:
        return dict(error="runt")
    p = Ether(raw)
    off, etype, cur = 14, p.type, p.payload
    while etype in (0x8100, 0x88a8):
        if len(raw) < off + 4:
            return dict(error="truncated_vlan")
        if len(e["vlan_ids"]) == 2:
            return dict(error="too_many_vlans")
        assert isinstance(cur, (Dot1Q, Dot1AD))
        e["vlan_ids"].append(cur.vlan)
        etype, cur, off = cur.type, cur.payload, off + 4
    if etype == 0x8864:
        if len(raw) < off + 8:
            return dict(error="truncated_pppoe")
        assert isinstance(cur, PPPoE)
        if cur.version != 1 or cur.type != 1:
            return dict(error="bad_pppoe")
        e["pppoe_session"] = cur.sessionid
        ppp = cur.payload
        assert isinstance(ppp, PPP)
        etype = {0x0021: 0x0800, 0x0057: 0x86dd}.get(ppp.proto, 0)
        cur, off = ppp.payload, off + 8
    e["ether_type"] = etype
    e["l3_offset"] = off
    if etype == 0x0800:
        if len(raw) < off + 20 or not isinstance(cur, IP) or cur.version != 4 or cur.ihl < 5 \
                or len(raw) < off + cur.ihl * 4 or cur.len < cur.ihl * 4 or len(raw) < off + cur.len:
            return dict(error="bad_ipv4")
        ip = cur
        e.update(l3="ipv4", l3_length=ip.len, ttl=ip.ttl, l4_proto=ip.proto, ipv4_options=ip.ihl > 5,
                 ip_fragment=bool(ip.flags.MF) or ip.frag != 0, l4_offset=off + ip.ihl * 4)
        e["tuple"] = dict(family=4, src=ip.src, dst=ip.dst, proto=ip.proto, src_port=0, dst_port=0)
        if ip.frag == 0:
            l4_fields(e, ip, raw[e["l4_offset"]:off + ip.len])
    elif etype == 0x86dd:
        if len(raw) < off + 40 or not isinstance(cur, IPv6) or cur.version != 6 \
                or len(raw) < off + 40 + cur.plen:
            return dict(error="bad_ipv6")
        ip = cur
        e.update(l3="ipv6", l3_length=40 + ip.plen, ttl=ip.hlim, l4_proto=ip.nh,
                 ipv6_ext_header=ip.nh in IPV6_EXTENSIONS, ip_fragment=ip.nh == 44, l4_offset=off + 40)
        e["tuple"] = dict(family=6, src=ip.src, dst=ip.dst, proto=ip.nh, src_port=0, dst_port=0)
        if not e["ipv6_ext_header"]:
            l4_fields(e, ip, raw[e["l4_offset"]:off + 40 + ip.plen])
    else:
        e["l3"] = "other"
    return e


def l4_fields(e, ip, l4):
    """Fills the L4 fields; `l4` is the L4 bytes inside the IP length."""
    if e["l4_proto"] == 6 and len(l4) >= 20 and 20 <= (l4[12] >> 4) * 4 <= len(l4):
        tcp = ip[TCP]
        e.update(l4_complete=True, tcp_flags=int(tcp.flags))
        e["tuple"].update(src_port=tcp.sport, dst_port=tcp.dport)
    elif e["l4_proto"] == 17 and len(l4) >= 8:
        udp = ip[UDP]
        e["l4_complete"] = True
        e["tuple"].update(src_port=udp.sport, dst_port=udp.dport)
    elif e["l4_proto"] in (1, 58) and len(l4) >= 8:
        e["l4_complete"] = True


def checksums(raw, e):
    """Scapy's checksums of a well-formed frame: the IPv4 header's and the L4 one."""
    if e["error"] != "none" or e["l3"] not in ("ipv4", "ipv6"):
        return None
    p = Ether(raw)
    out = {}
    if e["l3"] == "ipv4":
        out["ipv4_header"] = p[IP].chksum
    if e["l4_complete"] and not e["ip_fragment"]:
        layer = {6: TCP, 17: UDP}.get(e["l4_proto"])
        if layer is not None:
            out["l4"] = p[layer].chksum
        elif e["l4_proto"] == 1:
            out["l4"] = p[ICMP].chksum
        elif e["l4_proto"] == 58:
            out["l4"] = p[ICMPv6EchoRequest].cksum
    return out


# --- Incremental pairs: the same packet built twice by Scapy, before and after a rewrite,
# each with freshly computed checksums. `steps` says what changed; the C++ test applies them
# with the incremental updates and must produce the `after` bytes exactly.
def v4_tcp(src=LAN4, sport=51000, ttl=64, ident=200):
    return eth() / IP(src=src, dst=SRV4, ttl=ttl, id=ident) / TCP(sport=sport, dport=443, seq=5, flags="PA") \
        / payload(20, 1)


def v4_udp(src=LAN4, dst=SRV4, sport=40000, dport=53, chksum=None, ident=201, vlan=None, ttl=64):
    l3 = IP(src=src, dst=dst, id=ident, ttl=ttl) / UDP(sport=sport, dport=dport, chksum=chksum) / payload(17, 2)
    return (eth() / Dot1Q(vlan=vlan) / l3) if vlan is not None else eth() / l3


def v4_icmp(src=LAN4, ident=0x1111):
    return eth() / IP(src=src, dst=SRV4, id=202) / ICMP(type=8, id=ident, seq=1) / payload(24, 3)


def v6_tcp(src=LAN6, sport=52000, hlim=64):
    return eth() / IPv6(src=src, dst=SRV6, hlim=hlim) / TCP(sport=sport, dport=443, flags="S") / payload(9, 4)


def v6_udp(dst=SRV6, dport=123):
    return eth() / IPv6(src=LAN6, dst=dst) / UDP(sport=123, dport=dport) / payload(48, 6)


def v6_icmp(src=LAN6):
    return eth() / IPv6(src=src, dst=SRV6) / ICMPv6EchoRequest(id=9, seq=9) / payload(16, 7)


def pppoe_v4_tcp(ttl=64):
    return eth() / PPPoE(sessionid=0x0042) / ppp(0x0021) / IP(src=LAN4, dst=SRV4, ttl=ttl, id=203) \
        / TCP(sport=50500, dport=80, flags="A") / payload(11, 8)


def ttl_zero_checksum_id():
    """An IP ID for which ip_decrease_ttl's checksum lands on 0xffff, stored as 0x0000."""
    check = Ether(bytes(v4_udp(ident=1)))[IP].chksum
    return solve_word(check, 1, 0xfeff)


def mangled_udp_port():
    """A new source port after which the UDP checksum sums to zero (sent as 0xffff)."""
    check = Ether(bytes(v4_udp(src=WAN4)))[UDP].chksum
    assert check not in (0, 0xffff)
    return solve_word(check, 40000, 0)


def pair_cases():
    zid = ttl_zero_checksum_id()
    mport = mangled_udp_port()
    return [
        # (name, before, after, steps, edge): `edge` marks the pairs that exist for a
        # 0x0000/0xffff representation; the others must not contain either value.
        ("ipv4_tcp_snat", v4_tcp(), v4_tcp(src=WAN4), [dict(field="src4", to=WAN4)], False),
        ("ipv4_tcp_sport", v4_tcp(), v4_tcp(sport=61000), [dict(field="src_port", to=61000)], False),
        ("ipv4_tcp_snat_sport_ttl", v4_tcp(), v4_tcp(src=WAN4, sport=1024, ttl=63),
         [dict(field="src4", to=WAN4), dict(field="src_port", to=1024), dict(field="ttl")], False),
        ("ipv4_udp_dnat", v4_udp(), v4_udp(dst=PUB4, dport=5353),
         [dict(field="dst4", to=PUB4), dict(field="dst_port", to=5353)], False),
        ("ipv4_vlan_udp_snat", v4_udp(vlan=7), v4_udp(src=WAN4, vlan=7), [dict(field="src4", to=WAN4)], False),
        ("ipv4_udp_no_checksum_snat", v4_udp(chksum=0), v4_udp(src=WAN4, sport=1999, chksum=0),
         [dict(field="src4", to=WAN4), dict(field="src_port", to=1999)], True),
        ("ipv4_udp_mangled_zero", v4_udp(src=WAN4), v4_udp(src=WAN4, sport=mport),
         [dict(field="src_port", to=mport)], True),
        ("ipv4_ttl", v4_udp(), v4_udp(ttl=63), [dict(field="ttl")], False),
        ("ipv4_ttl_checksum_to_zero", v4_udp(ident=zid), v4_udp(ident=zid, ttl=63), [dict(field="ttl")], True),
        ("ipv4_icmp_snat_id", v4_icmp(), v4_icmp(src=WAN4, ident=0x2222),
         [dict(field="src4", to=WAN4), dict(field="icmp_id", to=0x2222)], False),
        ("pppoe_ipv4_tcp_ttl", pppoe_v4_tcp(), pppoe_v4_tcp(ttl=63), [dict(field="ttl")], False),
        ("ipv6_tcp_snat", v6_tcp(), v6_tcp(src=WAN6, sport=2000, hlim=63),
         [dict(field="src6", to=WAN6), dict(field="src_port", to=2000), dict(field="hop_limit")], False),
        ("ipv6_udp_dnat", v6_udp(), v6_udp(dst=WAN6, dport=1123),
         [dict(field="dst6", to=WAN6), dict(field="dst_port", to=1123)], False),
        ("ipv6_icmpv6_snat", v6_icmp(), v6_icmp(src=WAN6), [dict(field="src6", to=WAN6)], False),
    ]


def pair_entries():
    out = []
    for name, before, after, steps, edge in pair_cases():
        b, a = bytes(before), bytes(after)
        sums = {"before": checksum_fields(b), "after": checksum_fields(a)}
        for side in sums.values():
            if not edge:
                assert all(v not in (0, 0xffff) for v in side.values()), (name, sums)
        if name == "ipv4_ttl_checksum_to_zero":
            assert sums["before"]["ipv4_header"] == 0xfeff and sums["after"]["ipv4_header"] == 0, sums
        if name == "ipv4_udp_mangled_zero":
            assert sums["after"]["l4"] == 0xffff, sums
        if name == "ipv4_udp_no_checksum_snat":
            assert sums["before"]["l4"] == 0 and sums["after"]["l4"] == 0, sums
        assert len(a) == len(b) and a != b, name
        out.append(dict(name=name, steps=steps, before=b.hex(), after=a.hex(), checksums=sums))
    return out


def checksum_fields(raw):
    p = Ether(raw)
    out = {}
    if IP in p:
        out["ipv4_header"] = p[IP].chksum
    for layer, field in ((TCP, "chksum"), (UDP, "chksum"), (ICMP, "chksum"), (ICMPv6EchoRequest, "cksum")):
        if layer in p:
            out["l4"] = getattr(p[layer], field)
    return out


# --- Writers ---------------------------------------------------------------------------
def write_pcap(path, records, linktype=DLT_EN10MB, snaplen=65535):
    """records: (frame bytes, sec, usec[, wirelen]); classic little-endian microsecond pcap."""
    w = RawPcapWriter(str(path), linktype=linktype, snaplen=snaplen, endianness="<")
    w.write_header(None)
    for rec in records:
        raw, sec, usec = rec[:3]
        wirelen = rec[3] if len(rec) > 3 else len(raw)
        w.write_packet(raw, sec=sec, usec=usec, caplen=len(raw), wirelen=wirelen)
    w.close()


def pcapng_block(block_type, body):
    body += b"\0" * (-len(body) % 4)
    total = 12 + len(body)
    return struct.pack("<II", block_type, total) + body + struct.pack("<I", total)


def write_pcapng_nano(path, records):
    """A pcapng with one Ethernet interface whose if_tsresol is 9 (nanoseconds). Written by
    hand: Scapy 2.5's PcapNgWriter always uses microseconds."""
    shb = pcapng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    opts = struct.pack("<HHB3x", 9, 1, 9) + struct.pack("<HH", 0, 0)  # if_tsresol=9, opt_endofopt
    idb = pcapng_block(1, struct.pack("<HHI", DLT_EN10MB, 0, 262144) + opts)
    data = shb + idb
    for raw, ts_ns in records:
        data += pcapng_block(6, struct.pack("<IIIII", 0, ts_ns >> 32, ts_ns & 0xffffffff, len(raw), len(raw)) + raw)
    Path(path).write_bytes(data)


def pattern_frame(seed, size):
    """The frames of the pcap reader tests: a local-experimental EtherType (0x88b5) and
    payload byte k = (seed + k) & 0xff, so the C++ test can rebuild them exactly."""
    return bytes(Ether(dst=MAC_B, src=MAC_A, type=0x88b5) / Raw(bytes((seed + k) & 0xff for k in range(size - 14))))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent, help="output directory")
    out = ap.parse_args().out
    out.mkdir(parents=True, exist_ok=True)

    records, packets = [], []
    for i, (name, pkt, intent) in enumerate(net_cases()):
        raw = bytes(pkt)
        e = expected(raw)
        for key, value in intent.items():
            assert e.get(key) == value, (name, key, e.get(key), value)
        assert e["error"] in ERROR_NAMES
        entry = dict(index=i + 1, name=name, length=len(raw), expect=e)
        sums = checksums(raw, e)
        if sums is not None:
            entry["checksums"] = sums
        if name == "ipv4_udp_checksum_sums_to_zero":
            assert sums["l4"] == 0xffff, sums
        packets.append(entry)
        records.append((raw, T0, i * 1000))  # T0 + i ms
    write_pcap(out / "net_vectors.pcap", records)
    doc = dict(comment="Written by make_unit_traces.py; packet i is record i of net_vectors.pcap.",
               packets=packets, pairs=pair_entries())
    (out / "net_vectors.json").write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")

    # micro.pcap: microsecond timestamps, including the last microsecond of a second.
    write_pcap(out / "micro.pcap", [(pattern_frame(1, 60), T0, 0), (pattern_frame(2, 64), T0, 1),
                                    (pattern_frame(3, 100), T0, 999999), (pattern_frame(4, 1514), T0 + 123, 456789)])
    # nano.pcapng: nanosecond timestamps that a microsecond path would round.
    write_pcapng_nano(out / "nano.pcapng", [(pattern_frame(5, 60), 1700000000123456789),
                                            (pattern_frame(6, 61), 1700000000123456790),
                                            (pattern_frame(7, 62), 1700000001000000001),
                                            (pattern_frame(8, 63), 1700000002999999999)])
    # linux_sll.pcap: a non-Ethernet link type (Linux cooked capture), read as Ethernet.
    sll = CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6, src=bytes(6 * [2]), proto=0x0800) \
        / IP(src=LAN4, dst=SRV4, id=1) / UDP(sport=1, dport=2)
    write_pcap(out / "linux_sll.pcap", [(bytes(sll), T0, 0)], linktype=DLT_LINUX_SLL)
    # snaplen.pcap: captured with a 64-byte snaplen, so longer frames are cut (caplen < len).
    write_pcap(out / "snaplen.pcap", [(pattern_frame(9, 60), T0, 0),
                                      (pattern_frame(10, 200)[:64], T0, 1, 200),
                                      (pattern_frame(11, 1514)[:64], T0, 2, 1514)], snaplen=64)
    return 0


if __name__ == "__main__":
    sys.exit(main())
