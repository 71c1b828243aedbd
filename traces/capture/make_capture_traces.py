#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Writes the single-capture vectors of traces/capture/: captures as a user takes them on one
# host or one LAN segment, to be replayed with `flowsim replay --capture FILE --lan PREFIX`
# through the bundled home router (scenarios/home_router.yaml: LAN 192.168.1.0/24, WAN
# 203.0.113.2, masquerade, `flow add` for established connections, wan:8080 -> .100:80).
#
# nat_client.pcap, taken on the LAN between a host's switch port and the gateway, in order:
#   - a TCP connection 192.168.1.50:40000 -> 198.51.100.10:443 with its handshake, ten data
#     segments each way, and the close; the server answers 8 µs after each client packet (a
#     round trip shorter than the router's own delay, so that replaying the recorded times
#     without causality would deliver the SYN-ACK before the SYN left the router);
#   - a DNS query 192.168.1.50:50000 -> 198.51.100.53:53 and its answer;
#   - an ICMP echo 192.168.1.50 -> 198.51.100.10 (id 0x77) and its reply;
#   - a TCP flow already running when the capture began (192.168.1.51:41000 -> :80, no SYN);
#   - a same-side exchange 192.168.1.50 <-> 192.168.1.51 (UDP 5353 <-> 5353);
#   - an ARP request and reply on the LAN.
#   - a ping to the router's own LAN address (the simulated router answers it itself);
# nat_client_tap.pcapng: the same, from an inline tap with one interface toward the hosts (0)
# and one toward the gateway (1).
# dnat_client.pcap: a connection from the WAN (198.51.100.77:45000) to the router's port
# forward 203.0.113.2:8080 (-> 192.168.1.100:80), captured at the client: the emulated server
# answers from where the router delivered the connection.
# offload_client.pcapng: taken with tcpdump on a LAN host (192.168.1.60, one interface) whose NIC
# does checksum and segmentation offload, so what the host sent is captured as its stack
# handed it to the NIC: TCP and UDP checksums hold only the pseudo-header's partial sum
# (CHECKSUM_PARTIAL), and two TCP packets are larger than the MTU of 1500 (TSO: 4000 and
# 2500 bytes of payload, which the wire carried as 1460-byte segments). What the host
# received is as it was on the wire. A TCP upload to 198.51.100.20:80 with its handshake and
# close, and a DNS query and its answer.
# Fully deterministic; traces/capture_regenerate compares the committed files with what this
# script writes.
"""Regenerate: /usr/bin/python3 traces/capture/make_capture_traces.py [--out DIR]"""

import argparse
import struct
from pathlib import Path

from scapy.all import ARP, ICMP, IP, TCP, UDP, DNS, DNSQR, DNSRR, Ether, Raw, conf

conf.verb = 0

T0 = 1_700_000_000 * 10**9  # ns
RTT_NS = 8_000  # the server's answer follows each client packet by 8 µs
HOST = "192.168.1.50"
HOST2 = "192.168.1.51"
HOST_MAC = "02:00:00:00:01:32"
HOST2_MAC = "02:00:00:00:01:33"
GW_MAC = "02:00:00:00:01:01"  # the capture's gateway (the router's LAN MAC, as on a real LAN)
SERVER = "198.51.100.10"
DNS_SERVER = "198.51.100.53"


def pcap(records):
    """records: (frame bytes, ts_ns); little-endian nanosecond pcap."""
    out = struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, 1)
    for raw, ts in records:
        out += struct.pack("<IIII", ts // 10**9, ts % 10**9, len(raw), len(raw)) + raw
    return out


def pcapng(records, interfaces):
    """records: (frame bytes, ts_ns, interface); one little-endian section, ns timestamps."""
    def block(kind, body):
        body += b"\0" * (-len(body) % 4)
        return struct.pack("<II", kind, len(body) + 12) + body + struct.pack("<I", len(body) + 12)
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    for name in interfaces:
        opts = struct.pack("<HH", 2, len(name)) + name.encode() + b"\0" * (-len(name) % 4)
        opts += struct.pack("<HHB", 9, 1, 9) + b"\0" * 3 + struct.pack("<HH", 0, 0)
        out += block(1, struct.pack("<HHI", 1, 0, 262144) + opts)
    for raw, ts, ifc in records:
        out += block(6, struct.pack("<IIIII", ifc, ts >> 32, ts & 0xFFFFFFFF, len(raw), len(raw)) + raw)
    return out


class Tcp:
    """One TCP connection's segments with consistent sequence numbers."""

    def __init__(self, c, s, cport, sport, cmac, smac, cseq=3_000_000_000, sseq=1_500_000_000):
        self.c, self.s, self.cport, self.sport, self.cmac, self.smac = c, s, cport, sport, cmac, smac
        self.nxt = {True: cseq, False: sseq}
        self.ipid = {True: 0x2000, False: 0x6000}

    def seg(self, from_client, flags, payload=b""):
        src, dst = (self.c, self.s) if from_client else (self.s, self.c)
        sp, dp = (self.cport, self.sport) if from_client else (self.sport, self.cport)
        smac, dmac = (self.cmac, self.smac) if from_client else (self.smac, self.cmac)
        ack = self.nxt[not from_client] if "A" in flags else 0
        opts = [("MSS", 1460), ("SAckOK", b""), ("WScale", 7)] if "S" in flags else []
        p = (Ether(src=smac, dst=dmac) / IP(src=src, dst=dst, id=self.ipid[from_client], ttl=64) /
             TCP(sport=sp, dport=dp, flags=flags, seq=self.nxt[from_client], ack=ack, window=502, options=opts) /
             Raw(payload))
        self.ipid[from_client] += 1
        self.nxt[from_client] += len(payload) + ("S" in flags) + ("F" in flags)
        return bytes(p)


def nat_client():
    recs = []
    t = T0

    def add(raw, gap):
        nonlocal t
        t += gap
        recs.append((raw, t))

    # ARP on the LAN first: not IP, never injected.
    add(bytes(Ether(src=HOST_MAC, dst="ff:ff:ff:ff:ff:ff") /
              ARP(op=1, hwsrc=HOST_MAC, psrc=HOST, pdst="192.168.1.1")), 0)
    add(bytes(Ether(src=GW_MAC, dst=HOST_MAC) / ARP(op=2, hwsrc=GW_MAC, psrc="192.168.1.1", hwdst=HOST_MAC,
                                                    pdst=HOST)), 5_000)
    c = Tcp(HOST, SERVER, 40000, 443, HOST_MAC, GW_MAC)
    add(c.seg(True, "S"), 100_000)
    add(c.seg(False, "SA"), RTT_NS)
    add(c.seg(True, "A"), 2_000)
    for i in range(10):
        add(c.seg(True, "PA", bytes([0x41 + i]) * 200), 50_000)
        add(c.seg(False, "PA", bytes([0x61 + i]) * 1000), RTT_NS)
    add(c.seg(True, "FA"), 50_000)
    add(c.seg(False, "FA"), RTT_NS)
    add(c.seg(True, "A"), 2_000)
    # DNS.
    q = DNS(id=0x1234, rd=1, qd=DNSQR(qname="example.org"))
    add(bytes(Ether(src=HOST_MAC, dst=GW_MAC) / IP(src=HOST, dst=DNS_SERVER, id=0x3000) /
              UDP(sport=50000, dport=53) / q), 100_000)
    a = DNS(id=0x1234, qr=1, rd=1, ra=1, qd=DNSQR(qname="example.org"),
            an=DNSRR(rrname="example.org", ttl=300, rdata="93.184.215.14"))
    add(bytes(Ether(src=GW_MAC, dst=HOST_MAC) / IP(src=DNS_SERVER, dst=HOST, id=0x7000) /
              UDP(sport=53, dport=50000) / a), RTT_NS)
    # Ping.
    add(bytes(Ether(src=HOST_MAC, dst=GW_MAC) / IP(src=HOST, dst=SERVER, id=0x3100) /
              ICMP(type=8, id=0x77, seq=1) / Raw(b"flowsim-ping-0123456789abcdef")), 100_000)
    add(bytes(Ether(src=GW_MAC, dst=HOST_MAC) / IP(src=SERVER, dst=HOST, id=0x7100) /
              ICMP(type=0, id=0x77, seq=1) / Raw(b"flowsim-ping-0123456789abcdef")), RTT_NS)
    # A ping to the router itself: the simulated router answers, not the capture.
    add(bytes(Ether(src=HOST_MAC, dst=GW_MAC) / IP(src=HOST, dst="192.168.1.1", id=0x3180) /
              ICMP(type=8, id=0x78, seq=1) / Raw(b"ping-the-router")), 100_000)
    add(bytes(Ether(src=GW_MAC, dst=HOST_MAC) / IP(src="192.168.1.1", dst=HOST, id=0x7180) /
              ICMP(type=0, id=0x78, seq=1) / Raw(b"ping-the-router")), RTT_NS)
    # A flow that began before the capture: data and acks, no SYN.
    m = Tcp(HOST2, SERVER, 41000, 80, HOST2_MAC, GW_MAC, cseq=7_000_000, sseq=9_000_000)
    for i in range(4):
        add(m.seg(True, "PA", bytes([0x30 + i]) * 100), 100_000)
        add(m.seg(False, "A"), RTT_NS)
    # Two LAN hosts talking: never reaches a router.
    add(bytes(Ether(src=HOST_MAC, dst=HOST2_MAC) / IP(src=HOST, dst=HOST2, id=0x3200) /
              UDP(sport=5353, dport=5353) / Raw(b"same-side")), 100_000)
    add(bytes(Ether(src=HOST2_MAC, dst=HOST_MAC) / IP(src=HOST2, dst=HOST, id=0x3300) /
              UDP(sport=5353, dport=5353) / Raw(b"same-side-reply")), RTT_NS)
    return recs


def dnat_client():
    """A connection through the router's port forward, captured at the client on the WAN."""
    recs = []
    t = T0
    w = Tcp("198.51.100.77", "203.0.113.2", 45000, 8080, "02:00:00:00:09:01", "02:00:00:00:09:fe")

    def add(raw, gap):
        nonlocal t
        t += gap
        recs.append((raw, t))

    add(w.seg(True, "S"), 0)
    add(w.seg(False, "SA"), RTT_NS)
    add(w.seg(True, "A"), 2_000)
    for i in range(6):
        add(w.seg(True, "PA", b"GET /%d HTTP/1.1\r\n\r\n" % i), 50_000)
        add(w.seg(False, "PA", bytes([0x70 + i]) * 600), RTT_NS)
    add(w.seg(True, "FA"), 50_000)
    add(w.seg(False, "FA"), RTT_NS)
    add(w.seg(True, "A"), 2_000)
    return recs


OFF_HOST = "192.168.1.60"
OFF_MAC = "02:00:00:00:01:3c"
OFF_SERVER = "198.51.100.20"


def partial_checksum(raw):
    """The checksum field as a host with checksum offload leaves it for its NIC: the folded
    pseudo-header sum, not complemented (Linux's ~tcp_v4_check(len, saddr, daddr, 0))."""
    ip = IP(raw[14:])
    ihl = ip.ihl * 4
    l4len = ip.len - ihl
    words = struct.unpack("!HHHH", raw[26:34])
    total = sum(words) + ip.proto + l4len
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    offset = 14 + ihl + (16 if ip.proto == 6 else 6)
    return raw[:offset] + struct.pack("!H", total) + raw[offset + 2:]


def offload_client():
    recs = []
    t = T0

    def add(raw, gap):
        nonlocal t
        t += gap
        recs.append((raw, t))

    c = Tcp(OFF_HOST, OFF_SERVER, 42000, 80, OFF_MAC, GW_MAC)
    sent = lambda flags, payload=b"": partial_checksum(c.seg(True, flags, payload))
    add(sent("S"), 0)
    add(c.seg(False, "SA"), 30_000)
    add(sent("A"), 2_000)
    add(sent("PA", b"POST /upload HTTP/1.1\r\nContent-Length: 6500\r\n\r\n"), 10_000)
    add(c.seg(False, "A"), 30_000)
    # Two TSO packets: 4000 and 2500 bytes of payload in one IP packet each.
    add(sent("A", bytes(range(256)) * 15 + bytes(160)), 10_000)
    add(c.seg(False, "A"), 30_000)
    add(sent("PA", bytes([0x5A]) * 2500), 10_000)
    add(c.seg(False, "A"), 30_000)
    add(c.seg(False, "PA", b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"), 20_000)
    add(sent("A"), 2_000)
    add(sent("FA"), 50_000)
    add(c.seg(False, "FA"), 30_000)
    add(sent("A"), 2_000)
    q = DNS(id=0x4321, rd=1, qd=DNSQR(qname="example.net"))
    add(partial_checksum(bytes(Ether(src=OFF_MAC, dst=GW_MAC) / IP(src=OFF_HOST, dst=DNS_SERVER, id=0x3400) /
                               UDP(sport=50001, dport=53) / q)), 100_000)
    a = DNS(id=0x4321, qr=1, rd=1, ra=1, qd=DNSQR(qname="example.net"),
            an=DNSRR(rrname="example.net", ttl=300, rdata="93.184.215.15"))
    add(bytes(Ether(src=GW_MAC, dst=OFF_MAC) / IP(src=DNS_SERVER, dst=OFF_HOST, id=0x7400) /
              UDP(sport=53, dport=50001) / a), 30_000)
    return recs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent))
    out = Path(ap.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "nat_client.pcap").write_bytes(pcap(nat_client()))
    (out / "dnat_client.pcap").write_bytes(pcap(dnat_client()))
    # The same LAN traffic from an inline tap with two interfaces: 0 faces the LAN hosts, 1 the
    # gateway (sides by interface: --lan-interface 0).
    tap = [(raw, ts, 0 if raw[6:12] != bytes.fromhex(GW_MAC.replace(":", "")) else 1) for raw, ts in nat_client()]
    (out / "nat_client_tap.pcapng").write_bytes(pcapng(tap, ["tap-lan", "tap-gw"]))
    (out / "offload_client.pcapng").write_bytes(pcapng([(raw, ts, 0) for raw, ts in offload_client()], ["eth0"]))


if __name__ == "__main__":
    main()
