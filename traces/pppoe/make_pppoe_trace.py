#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The PPPoE scenario's traffic (scenarios/pppoe_wan.yaml) and what the router must send for
it, made with Scapy (fixed content, deterministic): host A downloads over TCP from
198.51.100.10:443 (handshake, 40 segments of 1200 bytes down, ACKs up, FINs) and host B
asks 198.51.100.53 five DNS questions. Everything the ISP side sends arrives in PPPoE session
0x1234 from the access concentrator; what the router sends there must carry the session
header (PPP protocol 0x0021, the length of what follows) and the masqueraded source
100.64.0.2. Writes pppoe_wan_{lan,wan}.pcap (input) and expected_{lan,wan}.pcap (output).
The chip keeps the Ethernet padding of a short LAN frame it forwards (the ACKs once the
connection is offloaded) behind the packet it puts into the session, so those frames end in
6 zero bytes that the PPPoE length field does not count; Linux's slow path trims the padding
first (ip_rcv), so the ACKs the CPU sends do not have it."""

import argparse
import pathlib
import struct
import sys

from scapy.all import IP, TCP, UDP, Ether, Raw
from scapy.layers.ppp import PPPoE

ROUTER_LAN, ROUTER_WAN, AC = "02:00:00:00:01:01", "02:00:00:00:02:01", "02:00:00:00:02:fe"
A_MAC, A = "02:00:00:00:01:64", "192.168.1.100"
B_MAC, B = "02:00:00:00:01:65", "192.168.1.101"
PUBLIC = "100.64.0.2"
WEB, DNS = "198.51.100.10", "198.51.100.53"
SESSION = 0x1234
T0_US = 1_700_000_000_000_000
GAP_US = 100
PPP_IPV4 = b"\x00\x21"


def pad(frame: bytes) -> bytes:
    return frame + b"\0" * max(0, 60 - len(frame))


def in_session(src_mac, dst_mac, ip):
    return Ether(src=src_mac, dst=dst_mac) / PPPoE(sessionid=SESSION) / Raw(PPP_IPV4) / ip


class Trace:
    def __init__(self):
        self.t = 0
        self.inputs = {"lan": [], "wan": []}
        self.expected = {"lan": [], "wan": []}

    def add(self, port, frame, out_port, out_frame):
        self.t += GAP_US
        self.inputs[port].append((self.t, pad(bytes(frame))))
        self.expected[out_port].append(pad(bytes(out_frame)))


def lan_to_isp(t, mac, src, ip_fields, l4, by_chip=False):
    """A packet from a LAN host, and the same leaving in the session: masqueraded, TTL - 1
    (forwarded `by_chip`: with the padding the LAN frame had)."""
    frame = Ether(src=mac, dst=ROUTER_LAN) / IP(src=src, ttl=64, flags="DF", **ip_fields) / l4
    out = bytes(in_session(ROUTER_WAN, AC, IP(src=PUBLIC, ttl=63, flags="DF", **ip_fields) / l4))
    if by_chip:
        out += b"\0" * (len(pad(bytes(frame))) - len(bytes(frame)))
    t.add("lan", frame, "wan", out)


def isp_to_lan(t, mac, dst, ip_fields, l4):
    t.add("wan", in_session(AC, ROUTER_WAN, IP(dst=PUBLIC, ttl=52, flags="DF", **ip_fields) / l4),
          "lan", Ether(src=ROUTER_LAN, dst=mac) / IP(dst=dst, ttl=51, flags="DF", **ip_fields) / l4)


def make():
    t = Trace()
    c_seq, s_seq = 1000, 5000
    up = {"src": None}
    a_ip, w_ip = 0x100, 0x200

    def c(flags, payload=b"", by_chip=False):
        nonlocal c_seq, a_ip
        a_ip += 1
        seg = TCP(sport=50000, dport=443, flags=flags, seq=c_seq, ack=s_seq if "A" in flags else 0, window=502)
        c_seq += len(payload) + ("S" in flags) + ("F" in flags)
        lan_to_isp(t, A_MAC, A, {"dst": WEB, "id": a_ip}, seg / Raw(payload) if payload else seg, by_chip)

    def s(flags, payload=b""):
        nonlocal s_seq, w_ip
        w_ip += 1
        seg = TCP(sport=443, dport=50000, flags=flags, seq=s_seq, ack=c_seq, window=509)
        s_seq += len(payload) + ("S" in flags) + ("F" in flags)
        isp_to_lan(t, A_MAC, A, {"src": WEB, "id": w_ip}, seg / Raw(payload) if payload else seg)

    c("S")
    s("SA")
    c("A")
    for n in range(40):
        s("A", bytes((n + i) & 0xFF for i in range(1200)))
        if n % 2 == 1:
            c("A", by_chip=True)
    c("FA")
    s("FA")
    c("A")
    for n in range(5):
        q = UDP(sport=40000, dport=53) / Raw(b"\x12\x34\x01\x00\x00\x01" + bytes([n]) * 20)
        lan_to_isp(t, B_MAC, B, {"dst": DNS, "id": 0x300 + n}, q)
        r = UDP(sport=53, dport=40000) / Raw(b"\x12\x34\x81\x80\x00\x01" + bytes([n]) * 36)
        isp_to_lan(t, B_MAC, B, {"src": DNS, "id": 0x400 + n}, r)
    return t


def write_pcap(path, records):
    """Classic libpcap file, microsecond timestamps, DLT_EN10MB, little endian."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t_us, frame in records:
            t = T0_US + t_us
            f.write(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(frame), len(frame)))
            f.write(frame)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parent)
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    t = make()
    for port in ("lan", "wan"):
        write_pcap(out / f"pppoe_wan_{port}.pcap", t.inputs[port])
        write_pcap(out / f"expected_{port}.pcap", [(0, f) for f in t.expected[port]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
