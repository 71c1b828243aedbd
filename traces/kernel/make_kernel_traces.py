#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Writes the input pcaps of the kernel differential's cases (testbench/kernel/cases.yaml):
# `<case>_<port>.pcap` per case and ingress port of router.yaml (lan, wan, dmz). There are no
# expected outputs here: the Linux kernel, run by testbench/kernel/kernel_diff.py, is the
# oracle. Every frame arrives at the router (destination MAC = the router port's MAC).
#
# Deterministic: timestamps from a fixed start, every IP ID, port, sequence number and
# payload byte fixed (payload bytes from random.Random(SEED)); a pcap writer of our own
# (classic, microseconds, Ethernet). Run with Debian's interpreter (the one with Scapy):
#   /usr/bin/python3 traces/kernel/make_kernel_traces.py [--out DIR] [--list]
"""Generate the input traces of the kernel differential's cases."""

import argparse
import pathlib
import random
import struct
import sys

from scapy.all import (ARP, DNS, DNSQR, DNSRR, ICMP, IP, TCP, UDP, Ether, ICMPv6DestUnreach, ICMPv6EchoReply,
                       ICMPv6EchoRequest, ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr,
                       IPOption_NOP, IPOption_RR, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                       PadN, Raw, fragment, fragment6)

# The router (router.yaml).
ROUTER_MAC = {"lan": "02:00:00:00:01:01", "wan": "02:00:00:00:02:01", "dmz": "02:00:00:00:03:01",
              "br-lan": "02:00:00:00:01:01"}   # router_fw4.yaml's LAN port
LAN_V4, WAN_V4, DMZ_V4 = "192.168.1.1", "203.0.113.2", "10.0.3.1"
LAN_V6, WAN_V6, DMZ_V6 = "2001:db8:1::1", "2001:db8:ffff::2", "2001:db8:3::1"
# Hosts with static neighbour entries.
GW_MAC, GW_V4, GW_V6 = "02:00:00:00:02:fe", "203.0.113.1", "2001:db8:ffff::1"
A_MAC, A_V4, A_V6 = "02:00:00:00:01:64", "192.168.1.100", "2001:db8:1::100"
B_MAC, B_V4 = "02:00:00:00:01:65", "192.168.1.101"
C_MAC, C_V4 = "02:00:00:00:01:66", "192.168.1.102"
D_MAC, D_V4 = "02:00:00:00:01:41", "192.168.1.65"     # in 192.168.1.64/28: SNAT to ports 40000-40001
E_MAC, E_V4 = "02:00:00:00:01:42", "192.168.1.66"
F_MAC, F_V4 = "02:00:00:00:01:43", "192.168.1.67"     # in the range, no neighbour entry needed (never answered)
S_MAC, S_V4, S_V6 = "02:00:00:00:03:0a", "10.0.3.10", "2001:db8:3::10"
# The Internet.
WEB_V4, WEB_V6 = "198.51.100.10", "2001:db8:beef::10"
WEB2_V4 = "198.51.100.11"
DNS_V4 = "198.51.100.53"
REJECTED_V4, REJECTED_V6 = "198.51.100.66", "2001:db8:beef::66"
CLIENT_V4, CLIENT2_V4, CLIENT_V6 = "198.51.100.88", "198.51.100.89", "2001:db8:cafe::88"
BANNED_V4 = "198.51.100.99"
HOP_V4, HOP_V6 = "198.51.100.254", "2001:db8:beef::fe"   # a router somewhere on the Internet

T0_US = 1_700_000_000_000_000
SEED = 20240612
MIN_FRAME = 60
SYN_V4 = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1000, 0)), ("NOP", None), ("WScale", 7)]
SYN_V6 = [("MSS", 1440), ("NOP", None), ("NOP", None), ("SAckOK", b""), ("NOP", None), ("WScale", 7)]


def pad(frame: bytes) -> bytes:
    return frame + b"\0" * max(0, MIN_FRAME - len(frame))


class Trace:
    """Frames arriving at the router, each with its port, time and a description."""

    def __init__(self):
        self.t = 0
        self.frames = []

    def add(self, port, pkt, what, gap_us=200):
        self.t += gap_us
        self.frames.append((self.t, port, pad(bytes(pkt)), what))

    def pause(self, us):
        self.t += us


def to_router(port, src_mac):
    return Ether(dst=ROUTER_MAC[port], src=src_mac)


class Tcp:
    """One TCP connection as both ends send it: the client on `cport` (ingress port of the
    router) talks to `cdst`:`cdport`; the server on `sport_side` answers to `sdst`:`sdport`
    (the addresses each end sees, NAT included)."""

    def __init__(self, v6, client, server, c_isn, s_isn, c_ttl=64, s_ttl=52, c_id=0x1000, s_id=0x2000):
        # client/server: (router port, mac, own address, own port, address it sends to, port it sends to)
        self.v6, self.c, self.s = v6, client, server
        self.nxt = {True: c_isn, False: s_isn}
        self.ttl = {True: c_ttl, False: s_ttl}
        self.ipid = {True: c_id, False: s_id}

    def seg(self, from_client, flags, payload=b"", window=None, options=None, ttl=None, tos=0, df=True):
        side, other = (self.c, self.s) if from_client else (self.s, self.c)
        port, mac, src, sport, dst, dport = side
        seq = self.nxt[from_client]
        ack = self.nxt[not from_client] if "A" in flags else 0
        tcp = TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=window or (502 if from_client else 509),
                  options=options or [])
        self.nxt[from_client] = (seq + len(payload) + ("S" in flags) + ("F" in flags)) & 0xFFFFFFFF
        hop = ttl if ttl is not None else self.ttl[from_client]
        if self.v6:
            ip = IPv6(src=src, dst=dst, hlim=hop, tc=tos, fl=0x12345 if from_client else 0xABCDE)
        else:
            self.ipid[from_client] += 1
            ip = IP(src=src, dst=dst, ttl=hop, id=self.ipid[from_client], tos=tos, flags="DF" if df else 0)
        pkt = to_router(port, mac) / ip / tcp
        return pkt / Raw(payload) if payload else pkt

    def handshake(self, trace, what):
        trace.add(self.c[0], self.seg(True, "S", window=64240, options=SYN_V6 if self.v6 else SYN_V4), f"{what}: SYN")
        trace.add(self.s[0], self.seg(False, "SA", window=65160, options=SYN_V6 if self.v6 else SYN_V4),
                  f"{what}: SYN/ACK")
        trace.add(self.c[0], self.seg(True, "A"), f"{what}: ACK")

    def close(self, trace, what):
        trace.add(self.c[0], self.seg(True, "FA"), f"{what}: FIN from the client")
        trace.add(self.s[0], self.seg(False, "FA"), f"{what}: FIN from the server")
        trace.add(self.c[0], self.seg(True, "A"), f"{what}: last ACK")


def udp(port, mac, src, dst, sport, dport, payload, ttl=64, ipid=0, v6=False, df=False, chksum=None):
    ip = IPv6(src=src, dst=dst, hlim=ttl) if v6 else IP(src=src, dst=dst, ttl=ttl, id=ipid, flags="DF" if df else 0)
    u = UDP(sport=sport, dport=dport) if chksum is None else UDP(sport=sport, dport=dport, chksum=chksum)
    return to_router(port, mac) / ip / u / Raw(payload)


def icmp_error_v4(port, mac, src, dst, icmp, quoted: bytes, ttl=60, ipid=0x3000):
    """An ICMP error some host sends through the router, quoting `quoted` (IP header + 8 bytes
    or more, as the host saw it)."""
    return to_router(port, mac) / IP(src=src, dst=dst, ttl=ttl, id=ipid) / icmp / Raw(quoted)


def seen_by_far_end(pkt, src=None, sport=None, dst=None, dport=None, ttl_hops=1):
    """The IP packet `pkt` as it arrived beyond the router: NAT applied, TTL lowered, checksums
    recomputed (for building the quote of an error a far host sends back)."""
    ip = (pkt[IP] if IP in pkt else pkt[IPv6]).copy()
    if src:
        ip.src = src
    if dst:
        ip.dst = dst
    if IP in ip:
        ip.ttl -= ttl_hops
        ip.chksum = None
    else:
        ip.hlim -= ttl_hops
    for layer in (TCP, UDP):
        if layer in ip:
            if sport is not None:
                ip[layer].sport = sport
            if dport is not None:
                ip[layer].dport = dport
            ip[layer].chksum = None
    if ICMP in ip and sport is not None:
        ip[ICMP].id = sport
        ip[ICMP].chksum = None
    return bytes(ip)


# --------------------------------------------------------------------------------------------
def masquerade(rng):
    """LAN hosts to the Internet through masquerade: the source port is kept when free, ICMP
    echo ids too; TCP with timestamps, full-MTU segments, a server RST, TIME_WAIT reuse; UDP
    with and without checksum; TOS/ECN kept; IPv4 options forwarded."""
    t = Trace()
    web = Tcp(False, ("lan", A_MAC, A_V4, 40000, WEB_V4, 443), ("wan", GW_MAC, WEB_V4, 443, WAN_V4, 40000),
              c_isn=3_000_000_000, s_isn=1_500_000_000)
    web.handshake(t, "A:40000 -> web:443")
    t.add("lan", web.seg(True, "PA", rng.randbytes(517), tos=0x02), "ClientHello, ECN ECT(0)")
    t.add("wan", web.seg(False, "A"), "bare ACK")
    for n in range(3):
        t.add("wan", web.seg(False, "A", rng.randbytes(1460), tos=0xB8), f"1460 B segment {n + 1} (1514-byte frame), DSCP EF")
    t.add("lan", web.seg(True, "A"), "ACK")
    t.add("wan", web.seg(False, "PA", rng.randbytes(333)), "server data")
    t.add("lan", web.seg(True, "PA", rng.randbytes(40)), "client data")
    web.close(t, "A:40000 -> web:443")
    # The same ports again while the old connection is in TIME_WAIT: conntrack reopens it.
    again = Tcp(False, web.c, web.s, c_isn=3_100_000_000, s_isn=1_600_000_000, c_id=0x1100, s_id=0x2100)
    again.handshake(t, "A:40000 -> web:443 again in TIME_WAIT")
    t.add("wan", again.seg(False, "R"), "server RST")

    other = Tcp(False, ("lan", C_MAC, C_V4, 40000, WEB2_V4, 80), ("wan", GW_MAC, WEB2_V4, 80, WAN_V4, 40000),
                c_isn=7_000_000, s_isn=9_000_000, c_id=0x4000, s_id=0x5000)
    other.handshake(t, "C:40000 -> web2:80 (same source port, other destination: no clash)")
    t.add("lan", other.seg(True, "PA", b"GET / HTTP/1.1\r\nHost: web2\r\n\r\n"), "GET")
    t.add("wan", other.seg(False, "PA", rng.randbytes(900)), "response")
    t.add("lan", other.seg(True, "RA"), "client RST")

    for qid, qtype in ((0x1111, "A"), (0x1112, "AAAA")):
        q = (to_router("lan", B_MAC) / IP(src=B_V4, dst=DNS_V4, ttl=64, id=qid) / UDP(sport=53000, dport=53) /
             DNS(id=qid, rd=1, qd=DNSQR(qname="example.org", qtype=qtype)))
        t.add("lan", q, f"DNS query {qtype}")
    for qid, qtype, rdata in ((0x1111, "A", WEB_V4), (0x1112, "AAAA", WEB_V6)):
        a = (to_router("wan", GW_MAC) / IP(src=DNS_V4, dst=WAN_V4, ttl=57, id=qid + 0x100) /
             UDP(sport=53, dport=53000) /
             DNS(id=qid, qr=1, rd=1, ra=1, qd=DNSQR(qname="example.org", qtype=qtype),
                 an=DNSRR(rrname="example.org", type=qtype, ttl=60, rdata=rdata)))
        t.add("wan", a, f"DNS answer {qtype}")
    t.add("lan", udp("lan", B_MAC, B_V4, WEB_V4, 41000, 41001, b"no checksum", ipid=0x7101, chksum=0),
          "UDP checksum 0 (stays 0)")
    t.add("wan", udp("wan", GW_MAC, WEB_V4, WAN_V4, 41001, 41000, b"reply, no checksum", ttl=50, ipid=0x7201, chksum=0),
          "UDP reply with checksum 0")
    for seq in (1, 2):
        req = (to_router("lan", A_MAC) / IP(src=A_V4, dst=WEB_V4, ttl=64, id=0x5100 + seq, flags="DF") /
               ICMP(type=8, id=0x0B0B, seq=seq) / Raw(bytes(range(48))))
        rep = (to_router("wan", GW_MAC) / IP(src=WEB_V4, dst=WAN_V4, ttl=52, id=0x2200 + seq) /
               ICMP(type=0, id=0x0B0B, seq=seq) / Raw(bytes(range(48))))
        t.add("lan", req, f"echo request {seq}")
        t.add("wan", rep, f"echo reply {seq}")
    opts = (to_router("lan", C_MAC) / IP(src=C_V4, dst=WEB_V4, ttl=64, id=0x6601, options=[IPOption_NOP()] * 4) /
            UDP(sport=42000, dport=42001) / Raw(b"IPv4 options: NOPs"))
    t.add("lan", opts, "IPv4 with four NOP options (forwarded as they are)")
    return t


def record_route(rng):
    """IPv4 Record Route: the router writes the address it sends from into the first free
    slot (ip_forward_options), before NAT; a full option stays as it is."""
    del rng
    t = Trace()
    rr = (to_router("lan", C_MAC) /
          IP(src=C_V4, dst=WEB_V4, ttl=64, id=0x6602, options=[IPOption_RR(pointer=4, routers=["0.0.0.0"] * 3)]) /
          UDP(sport=42002, dport=42003) / Raw(b"record route"))
    t.add("lan", rr, "IPv4 Record Route with three free slots")
    full = (to_router("lan", C_MAC) /
            IP(src=C_V4, dst=WEB_V4, ttl=64, id=0x6603,
               options=[IPOption_RR(pointer=8, routers=["192.0.2.1"]), IPOption_NOP(), IPOption_NOP(), IPOption_NOP()]) /
            UDP(sport=42004, dport=42005) / Raw(b"record route, full"))
    t.add("lan", full, "IPv4 Record Route without room: unchanged")
    inbound = (to_router("wan", GW_MAC) /
               IP(src=CLIENT2_V4, dst=WAN_V4, ttl=50, id=0x6604,
                  options=[IPOption_NOP(), IPOption_RR(pointer=4, routers=["0.0.0.0"] * 2)]) /
               UDP(sport=42006, dport=5000) / Raw(b"record route, port forward"))
    t.add("wan", inbound, "Record Route to wan:5000 (DNAT to B): the lan address is recorded")
    return t


def dnat(rng):
    """Port forwards from the Internet: wan tcp 8080 -> A:80, wan udp 5000 -> B:5000, wan tcp
    8443 -> the dmz server S:443 (MTU 1280 there); a closed public port."""
    t = Trace()
    web = Tcp(False, ("wan", GW_MAC, CLIENT_V4, 61000, WAN_V4, 8080), ("lan", A_MAC, A_V4, 80, CLIENT_V4, 61000),
              c_isn=0x0BADCAFE, s_isn=0x0D15EA5E, c_ttl=50, s_ttl=64)
    web.handshake(t, "client -> wan:8080 (A:80)")
    t.add("wan", web.seg(True, "PA", b"GET / HTTP/1.1\r\nHost: 203.0.113.2:8080\r\n\r\n"), "GET")
    t.add("lan", web.seg(False, "A"), "ACK")
    for n in range(2):
        t.add("lan", web.seg(False, "A", rng.randbytes(1460)), f"1460 B response segment {n + 1}")
    t.add("lan", web.seg(False, "PA", rng.randbytes(200)), "last response segment")
    t.add("wan", web.seg(True, "A"), "ACK")
    web.close(t, "client -> wan:8080")

    for n in range(3):
        t.add("wan", udp("wan", GW_MAC, CLIENT2_V4, WAN_V4, 40404, 5000, rng.randbytes(100 + n), ttl=48, ipid=0x0A00 + n),
              f"game datagram {n + 1} to wan:5000 (B, port kept)")
        t.add("lan", udp("lan", B_MAC, B_V4, CLIENT2_V4, 5000, 40404, rng.randbytes(60 + n), ipid=0x0B00 + n),
              f"game reply {n + 1}")

    dmz = Tcp(False, ("wan", GW_MAC, CLIENT_V4, 61001, WAN_V4, 8443), ("dmz", S_MAC, S_V4, 443, CLIENT_V4, 61001),
              c_isn=0x11111111, s_isn=0x22222222, c_ttl=50, s_ttl=64)
    dmz.handshake(t, "client -> wan:8443 (S:443 in the dmz)")
    t.add("wan", dmz.seg(True, "PA", rng.randbytes(1200)), "1200 B request (fits the dmz MTU)")
    t.add("dmz", dmz.seg(False, "A", rng.randbytes(1240)), "1240 B answer: a full 1280-byte packet")
    t.add("wan", dmz.seg(True, "A"), "ACK")
    t.add("dmz", dmz.seg(False, "RA"), "server RST")

    t.add("wan", to_router("wan", GW_MAC) / IP(src=CLIENT_V4, dst=WAN_V4, ttl=50, id=0x0C01) /
          TCP(sport=61002, dport=9999, flags="S", seq=1, window=1024), "SYN to a public port nobody forwards")
    t.add("wan", to_router("wan", GW_MAC) / IP(src=CLIENT_V4, dst=A_V4, ttl=50, id=0x0C02) /
          TCP(sport=61003, dport=22, flags="S", seq=1, window=1024), "SYN straight to a LAN address (forward policy)")
    return t


def snat_clash(rng):
    """SNAT into two ports (40000-40001): D keeps its 40000, E (also 40000) gets 40001 -
    the only free one, so Linux's random start does not matter - and F finds the range
    exhausted (NAT fails, the packet is dropped)."""
    del rng
    t = Trace()
    d = Tcp(False, ("lan", D_MAC, D_V4, 40000, WEB_V4, 443), ("wan", GW_MAC, WEB_V4, 443, WAN_V4, 40000),
            c_isn=100, s_isn=200, c_id=0x0100, s_id=0x0200)
    e = Tcp(False, ("lan", E_MAC, E_V4, 40000, WEB_V4, 443), ("wan", GW_MAC, WEB_V4, 443, WAN_V4, 40001),
            c_isn=300, s_isn=400, c_id=0x0300, s_id=0x0400)
    d.handshake(t, "D:40000 -> web:443 (keeps 40000)")
    e.handshake(t, "E:40000 -> web:443 (gets 40001)")
    t.add("lan", d.seg(True, "PA", b"from D"), "D data")
    t.add("lan", e.seg(True, "PA", b"from E"), "E data")
    t.add("wan", e.seg(False, "PA", b"to E"), "data to E (port 40001)")
    t.add("wan", d.seg(False, "PA", b"to D"), "data to D (port 40000)")
    t.add("lan", to_router("lan", F_MAC) / IP(src=F_V4, dst=WEB_V4, ttl=64, id=0x0500, flags="DF") /
          TCP(sport=40000, dport=443, flags="S", seq=500, window=64240), "F:40000 -> web:443: no port left")
    t.add("lan", udp("lan", D_MAC, D_V4, DNS_V4, 40000, 53, b"udp from D", ipid=0x0600),
          "UDP from D (its own range: 40000 is free for UDP)")
    return t


def masquerade_clash(rng):
    """Masquerade clashes: A and B use the same source port towards the same server, and ping
    with the same id; B's connection gets another port (id), which Linux draws at random
    (l4.port mask). The server's answers to B use the port flowsim draws with this scenario's
    nat_seed; the runner re-addresses them to the kernel's choice."""
    del rng
    t = Trace()
    a = Tcp(False, ("lan", A_MAC, A_V4, 33333, WEB_V4, 443), ("wan", GW_MAC, WEB_V4, 443, WAN_V4, 33333),
            c_isn=1000, s_isn=2000)
    b = Tcp(False, ("lan", B_MAC, B_V4, 33333, WEB_V4, 443), ("wan", GW_MAC, WEB_V4, 443, WAN_V4, FLOWSIM_TCP_PORT),
            c_isn=3000, s_isn=4000, c_id=0x3000, s_id=0x4000)
    a.handshake(t, "A:33333 -> web:443")
    b.handshake(t, "B:33333 -> web:443 (clash)")
    t.add("lan", b.seg(True, "PA", b"B's request"), "B data")
    t.add("wan", b.seg(False, "PA", b"B's answer"), "data to B")
    t.add("lan", a.seg(True, "PA", b"A's request"), "A data")
    t.add("wan", a.seg(False, "PA", b"A's answer"), "data to A")
    for host, mac, ipid in ((A_V4, A_MAC, 0x0700), (B_V4, B_MAC, 0x0800)):
        t.add("lan", udp("lan", mac, host, DNS_V4, 5353, 53, b"query from " + host.encode(), ipid=ipid),
              f"UDP {host}:5353 -> dns:53")
    t.add("wan", udp("wan", GW_MAC, DNS_V4, WAN_V4, 53, FLOWSIM_UDP_PORT, b"answer for B", ttl=57, ipid=0x0900),
          "answer to B's mapping")
    t.add("wan", udp("wan", GW_MAC, DNS_V4, WAN_V4, 53, 5353, b"answer for A", ttl=57, ipid=0x0901), "answer to A")
    for host, mac, ipid in ((A_V4, A_MAC, 0x0A00), (B_V4, B_MAC, 0x0B00)):
        t.add("lan", to_router("lan", mac) / IP(src=host, dst=WEB_V4, ttl=64, id=ipid) /
              ICMP(type=8, id=0x4242, seq=1) / Raw(b"ping from " + host.encode()), f"echo id 0x4242 from {host}")
    t.add("wan", to_router("wan", GW_MAC) / IP(src=WEB_V4, dst=WAN_V4, ttl=52, id=0x0C00) /
          ICMP(type=0, id=FLOWSIM_ICMP_ID, seq=1) / Raw(b"ping from " + B_V4.encode()), "echo reply to B's id")
    t.add("wan", to_router("wan", GW_MAC) / IP(src=WEB_V4, dst=WAN_V4, ttl=52, id=0x0C01) /
          ICMP(type=0, id=0x4242, seq=1) / Raw(b"ping from " + A_V4.encode()), "echo reply to A")
    return t


# flowsim's choices for B in masquerade_clash (router.yaml's default nat_seed); if flowsim's
# NAT changes them, the answers to B are dropped on both sides and the case's frame counts
# (cases.yaml) catch it.
FLOWSIM_TCP_PORT = 43931
FLOWSIM_UDP_PORT = 46512
FLOWSIM_ICMP_ID = 0x072D


def reject(rng):
    """Every reject of router.nft's forward chain: TCP reset (IPv4, IPv6), ICMP port
    unreachable (the inet default), host-prohibited, ICMPv6 admin-prohibited, icmpx for both
    families, and resets and unreachables for port-forwarded connections (the answer leaves
    from the address the client used)."""
    t = Trace()
    t.add("lan", to_router("lan", A_MAC) / IP(src=A_V4, dst=WEB_V4, ttl=64, id=0x0101, flags="DF") /
          TCP(sport=45000, dport=25, flags="S", seq=123456, window=64240, options=SYN_V4), "SMTP SYN: tcp reset")
    t.add("lan", to_router("lan", A_MAC) / IP(src=A_V4, dst=WEB_V4, ttl=64, id=0x0102, flags="DF") /
          TCP(sport=45001, dport=25, flags="PA", seq=5000, ack=6000, window=502) / Raw(b"MAIL FROM:<a@b>\r\n"),
          "SMTP data segment: tcp reset with seq from the ACK")
    t.add("lan", udp("lan", B_MAC, B_V4, WEB_V4, 45002, 137, rng.randbytes(50), ipid=0x0103),
          "NetBIOS: icmp port unreachable")
    t.add("lan", udp("lan", B_MAC, B_V4, WEB_V4, 45003, 137, rng.randbytes(1400), ipid=0x0104),
          "NetBIOS 1400 B: the quote is cut at 576 bytes")
    t.add("lan", to_router("lan", C_MAC) / IP(src=C_V4, dst=REJECTED_V4, ttl=64, id=0x0105, tos=0x10) /
          TCP(sport=45004, dport=80, flags="S", seq=1, window=64240), "to a banned host: host-prohibited")
    t.add("lan", to_router("lan", A_MAC) / IPv6(src=A_V6, dst=REJECTED_V6, hlim=64, fl=0x54321) /
          TCP(sport=45005, dport=80, flags="S", seq=1, window=64800), "IPv6 to a banned host: admin-prohibited")
    t.add("lan", udp("lan", A_MAC, A_V4, WEB_V4, 45006, 6666, b"icmpx v4", ipid=0x0106), "icmpx, IPv4")
    t.add("lan", udp("lan", A_MAC, A_V6, WEB_V6, 45007, 6666, b"icmpx v6", v6=True), "icmpx, IPv6")
    t.add("wan", to_router("wan", GW_MAC) / IPv6(src=CLIENT_V6, dst=S_V6, hlim=50) /
          TCP(sport=45008, dport=25, flags="S", seq=99, window=64800), "IPv6 SMTP SYN to the dmz: tcp reset")
    t.add("wan", to_router("wan", GW_MAC) / IP(src=BANNED_V4, dst=WAN_V4, ttl=50, id=0x0107) /
          TCP(sport=45009, dport=8443, flags="S", seq=77, window=64240),
          "banned client to wan:8443 (DNAT to S:443): reset from 203.0.113.2:8443")
    t.add("lan", to_router("lan", A_MAC) / IP(src=A_V4, dst=WEB_V4, ttl=64, id=0x0109, flags="DF") /
          TCP(sport=45011, dport=25, flags="FA", seq=10, ack=20, window=502), "SMTP FIN: tcp reset")
    return t


def nat_first_packet_errors(rng):
    """ICMP errors about the first packet of a port-forwarded connection (not yet confirmed in
    conntrack): Linux attaches the offending packet's connection to its error (nf_ct_attach
    in icmp_glue_bits), so NAT translates the quote back to what the client sent."""
    t = Trace()
    t.add("wan", udp("wan", GW_MAC, BANNED_V4, WAN_V4, 45010, 5000, b"let me in", ttl=50, ipid=0x0108),
          "banned client to wan:5000 (DNAT to B), rejected: port unreachable quoting wan:5000")
    t.add("wan", to_router("wan", GW_MAC) / IP(src=CLIENT_V4, dst=WAN_V4, ttl=1, id=0x0109) /
          TCP(sport=45011, dport=8443, flags="S", seq=1000, window=64240, options=SYN_V4),
          "SYN with TTL 1 to wan:8443 (DNAT to S): time exceeded quoting wan:8443")
    t.add("wan", to_router("wan", GW_MAC) / IP(src=CLIENT_V4, dst=WAN_V4, ttl=50, id=0x010A, flags="DF") /
          TCP(sport=45012, dport=8443, flags="S", seq=2000, window=64240) / Raw(rng.randbytes(1300)),
          "1340-byte DF SYN to wan:8443 (DMZ MTU 1280): frag needed quoting wan:8443")
    return t


def ipv6(rng):
    """IPv6 forwarding (no NAT): hop limits, flow labels and traffic classes kept, extension
    headers, inbound to the dmz, packet too big into the dmz's 1280 MTU, hop limit 1, an
    ICMPv6 error from the Internet about a connection, and a next hop without a neighbour."""
    t = Trace()
    web = Tcp(True, ("lan", A_MAC, A_V6, 50000, WEB_V6, 80), ("wan", GW_MAC, WEB_V6, 80, A_V6, 50000),
              c_isn=0x12345678, s_isn=0x87654321, s_ttl=55)
    web.handshake(t, "A:50000 -> web6:80")
    t.add("lan", web.seg(True, "PA", b"GET / HTTP/1.1\r\nHost: web6\r\n\r\n", tos=0x28), "GET, traffic class 0x28")
    t.add("wan", web.seg(False, "A", rng.randbytes(1440)), "1440 B: a 1514-byte frame")
    t.add("wan", web.seg(False, "PA", rng.randbytes(500)), "500 B")
    t.add("lan", web.seg(True, "A"), "ACK")
    quoted = seen_by_far_end(web.seg(True, "PA", rng.randbytes(100)))
    t.add("wan", to_router("wan", GW_MAC) / IPv6(src=HOP_V6, dst=A_V6, hlim=60) /
          ICMPv6DestUnreach(code=1) / Raw(quoted), "ICMPv6 admin-prohibited from the Internet about it: related")
    web.close(t, "A:50000 -> web6:80")

    s = Tcp(True, ("wan", GW_MAC, CLIENT_V6, 60000, S_V6, 443), ("dmz", S_MAC, S_V6, 443, CLIENT_V6, 60000),
            c_isn=5, s_isn=6, c_ttl=50, s_ttl=64)
    s.handshake(t, "client6 -> S:443 in the dmz")
    t.add("wan", s.seg(True, "PA", rng.randbytes(1000)), "1000 B request")
    t.add("dmz", s.seg(False, "A", rng.randbytes(1220)), "1220 B answer: a full 1280-byte packet")
    t.add("wan", s.seg(True, "PA", rng.randbytes(1400)), "1400 B request: packet too big for the dmz (1280)")

    for seq in (1, 2):
        t.add("wan", to_router("wan", GW_MAC) / IPv6(src=CLIENT_V6, dst=S_V6, hlim=50) /
              ICMPv6EchoRequest(id=0x6666, seq=seq, data=rng.randbytes(56)), f"echo request {seq} to S")
    t.add("dmz", to_router("dmz", S_MAC) / IPv6(src=S_V6, dst=CLIENT_V6, hlim=64) /
          ICMPv6EchoReply(id=0x6666, seq=1, data=b"\0" * 56), "echo reply from S")

    t.add("lan", to_router("lan", A_MAC) / IPv6(src=A_V6, dst=WEB_V6, hlim=64) /
          IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0\0\0\0")]) / UDP(sport=50001, dport=7) / Raw(b"dest opts"),
          "destination options header (forwarded as is)")
    t.add("lan", to_router("lan", A_MAC) / IPv6(src=A_V6, dst=WEB_V6, hlim=64) /
          IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\0\0\0\0")]) / UDP(sport=50002, dport=7) / Raw(b"hop by hop"),
          "hop-by-hop header with PadN")
    t.add("lan", to_router("lan", A_MAC) / IPv6(src=A_V6, dst=WEB_V6, hlim=1) /
          UDP(sport=50003, dport=33434) / Raw(b"\0" * 24), "hop limit 1: time exceeded")
    t.add("lan", to_router("lan", A_MAC) / IPv6(src=A_V6, dst=S_V6, hlim=64, fl=0xFEDCB) /
          UDP(sport=50004, dport=9) / Raw(rng.randbytes(1400)), "1448-byte UDP into the dmz: packet too big (1280)")
    t.add("lan", to_router("lan", A_MAC) / IPv6(src=A_V6, dst="2001:db8:3::99", hlim=64) /
          UDP(sport=50005, dport=9) / Raw(b"nobody"), "to a dmz address without a neighbour entry")
    t.add("wan", to_router("wan", GW_MAC) / IPv6(src=CLIENT_V6, dst=A_V6, hlim=50) /
          TCP(sport=60001, dport=22, flags="S", seq=1, window=64800), "unsolicited SYN to the LAN (forward policy)")
    return t


def icmp_edge(rng):
    """ICMP corner cases: TTL 1 and 0, TTL 1 inside NATed connections (the quote translated
    back), fragmentation needed with DF into the dmz (also for a port-forwarded connection),
    errors from the Internet about masqueraded flows, an error from a LAN host about a
    port-forwarded flow, no error about an error, and an unsolicited error (invalid)."""
    t = Trace()
    t.add("lan", udp("lan", A_MAC, A_V4, WEB_V4, 44000, 33434, b"\0" * 32, ttl=1, ipid=0x6001),
          "UDP TTL 1: time exceeded")
    t.add("lan", udp("lan", A_MAC, A_V4, WEB_V4, 44001, 33435, b"\0" * 32, ttl=0, ipid=0x6002),
          "UDP TTL 0: time exceeded")
    t.add("lan", to_router("lan", A_MAC) / IP(src=A_V4, dst=WEB_V4, ttl=1, id=0x6003) /
          ICMP(type=8, id=0x0E0E, seq=1) / Raw(b"ttl 1 ping"), "echo request TTL 1: time exceeded")
    t.add("lan", udp("lan", A_MAC, A_V4, WEB_V4, 44002, 33436, rng.randbytes(1400), ttl=1, ipid=0x6004),
          "1428-byte UDP TTL 1: the quote is cut at 576 bytes")

    web = Tcp(False, ("lan", A_MAC, A_V4, 40100, WEB_V4, 443), ("wan", GW_MAC, WEB_V4, 443, WAN_V4, 40100),
              c_isn=10_000, s_isn=20_000)
    web.handshake(t, "A:40100 -> web:443 (masqueraded)")
    t.add("lan", web.seg(True, "PA", b"x" * 64, ttl=1), "TTL 1 inside the masqueraded connection")
    sent = web.seg(True, "PA", rng.randbytes(1400))
    t.add("lan", sent, "1400 B segment")
    t.add("wan", icmp_error_v4("wan", GW_MAC, HOP_V4, WAN_V4, ICMP(type=3, code=4, nexthopmtu=1400),
                               seen_by_far_end(sent, src=WAN_V4)[:28 + 20]),
          "frag needed (MTU 1400) from the Internet about it: to A, quote translated back")
    t.add("wan", icmp_error_v4("wan", GW_MAC, GW_V4, WAN_V4, ICMP(type=11, code=0),
                               seen_by_far_end(web.seg(True, "A"), src=WAN_V4, ttl_hops=63)[:28]),
          "time exceeded from the ISP gateway about it")
    web.close(t, "A:40100 -> web:443")

    q = udp("lan", B_MAC, B_V4, DNS_V4, 53001, 53, b"query", ipid=0x6101)
    t.add("lan", q, "UDP B:53001 -> dns:53")
    t.add("wan", icmp_error_v4("wan", GW_MAC, DNS_V4, WAN_V4, ICMP(type=3, code=3), seen_by_far_end(q, src=WAN_V4)),
          "port unreachable from the resolver: to B")
    t.add("wan", icmp_error_v4("wan", GW_MAC, DNS_V4, WAN_V4, ICMP(type=3, code=3), seen_by_far_end(q, src=WAN_V4),
                               ttl=1, ipid=0x3001),
          "the same error with TTL 1: no error about an error")
    t.add("wan", icmp_error_v4("wan", GW_MAC, DNS_V4, WAN_V4, ICMP(type=3, code=3),
                               seen_by_far_end(udp("lan", B_MAC, B_V4, DNS_V4, 53999, 53, b"never sent", ipid=1),
                                               src=WAN_V4), ipid=0x3002),
          "port unreachable about a flow that never was: invalid, dropped")

    dn = Tcp(False, ("wan", GW_MAC, CLIENT_V4, 62000, WAN_V4, 8443), ("dmz", S_MAC, S_V4, 443, CLIENT_V4, 62000),
             c_isn=0x30000000, s_isn=0x40000000, c_ttl=50, s_ttl=64)
    dn.handshake(t, "client -> wan:8443 (S:443 in the dmz)")
    t.add("wan", dn.seg(True, "PA", rng.randbytes(1300)), "1300 B DF segment: frag needed, quote as the client sent it")
    t.add("wan", dn.seg(True, "PA", b"y" * 10, ttl=1), "TTL 1 in the port-forwarded connection")
    t.add("lan", udp("lan", A_MAC, A_V4, S_V4, 44003, 9, rng.randbytes(1300), ipid=0x6005, df=True),
          "1328-byte DF UDP A -> dmz: frag needed (MTU 1280)")

    game = udp("wan", GW_MAC, CLIENT2_V4, WAN_V4, 40405, 5000, b"hello B", ttl=48, ipid=0x0A10)
    t.add("wan", game, "client2 -> wan:5000 (B:5000)")
    t.add("lan", icmp_error_v4("lan", B_MAC, B_V4, CLIENT2_V4, ICMP(type=3, code=3),
                               seen_by_far_end(game, dst=B_V4), ttl=64, ipid=0x3003),
          "B: port unreachable about it: leaves from 203.0.113.2, quote translated")
    return t


def fragments(rng):
    """IPv4 and IPv6 fragments: fragmentation into the dmz (MTU 1280), fragments arriving
    from the Internet for a masqueraded flow (conntrack reassembles, NAT, refragments),
    IPv6 fragments forwarded (nf_defrag_ipv6 and refragmentation with the same sizes)."""
    t = Trace()
    t.add("lan", udp("lan", A_MAC, A_V4, S_V4, 46000, 9, rng.randbytes(1472), ipid=0x7001),
          "1500-byte UDP without DF into the dmz (MTU 1280): two fragments")
    t.add("lan", udp("lan", A_MAC, A_V4, WEB_V4, 46001, 9, b"open", ipid=0x7002), "UDP A:46001 -> web (masqueraded)")
    big = IP(src=WEB_V4, dst=WAN_V4, ttl=50, id=0x7003) / UDP(sport=9, dport=46001) / Raw(rng.randbytes(2000))
    for n, frag in enumerate(fragment(big, fragsize=1000)):
        t.add("wan", to_router("wan", GW_MAC) / frag, f"answer in fragments, part {n + 1}")
    v6 = IPv6(src=A_V6, dst=WEB_V6, hlim=64) / IPv6ExtHdrFragment(id=0x0F0F0F0F) / UDP(sport=46002, dport=9) / \
        Raw(rng.randbytes(1800))
    for n, frag in enumerate(fragment6(v6, 1232)):
        t.add("lan", to_router("lan", A_MAC) / frag, f"IPv6 UDP in fragments, part {n + 1}")
    return t


def cut6(pkt, ident, sizes, unfragmentable=40):
    """The fragments of IPv6 packet `pkt` as a sender cuts them: the first `unfragmentable`
    bytes (the IPv6 header and any hop-by-hop header) in front of each, then a Fragment
    header, then `sizes` bytes of the rest each (the last takes what is left)."""
    raw = bytes(pkt)
    head, data = bytearray(raw[:unfragmentable]), raw[unfragmentable:]
    nh_at = 6 if unfragmentable == 40 else 40   # the field announcing what follows
    next_header = head[nh_at]
    head[nh_at] = 44
    out, offset = [], 0
    for n, size in enumerate(list(sizes) + [len(data)]):
        piece = data[offset:offset + size]
        if not piece:
            break
        more = offset + len(piece) < len(data)
        fh = struct.pack("!BBHI", next_header, 0, offset | (1 if more else 0), ident)
        h = bytearray(head)
        struct.pack_into("!H", h, 4, unfragmentable - 40 + 8 + len(piece))
        out.append(bytes(h) + fh + piece)
        offset += len(piece)
    return out


def fragments6(rng):
    """IPv6 reassembly (nf_defrag_ipv6) and refragmentation (ip6_fragment): a router never
    fragments what it forwards, except a datagram conntrack reassembled, which leaves in the
    sender's sizes (or Packet Too Big when one of them does not fit); out of order, a
    duplicate, a hop-by-hop header in front, a fragment not ending on 8 bytes, an overlap,
    an atomic fragment, an answer from the Internet in fragments."""
    t = Trace()
    lan = Ether(dst=ROUTER_MAC["lan"], src=A_MAC, type=0x86DD)
    big = IPv6(src=A_V6, dst=S_V6, hlim=64) / UDP(sport=46020, dport=9) / Raw(rng.randbytes(2400))
    for n, f in enumerate(cut6(big, 0x60000001, [1000, 1000])):
        t.add("lan", lan / Raw(f), f"A -> S in 1056-byte fragments into the dmz (1280): part {n + 1}")
    big = IPv6(src=A_V6, dst=S_V6, hlim=64) / UDP(sport=46021, dport=9) / Raw(rng.randbytes(2400))
    for n, f in enumerate(cut6(big, 0x60000002, [1400])):
        t.add("lan", lan / Raw(f), f"A -> S in 1456-byte fragments: packet too big for the dmz: part {n + 1}")
    big = IPv6(src=A_V6, dst=WEB_V6, hlim=64, tc=0x28, fl=0x12345) / UDP(sport=46022, dport=9) / Raw(rng.randbytes(3000))
    frags = cut6(big, 0x60000003, [1200, 1200])
    for what, f in (("last", frags[2]), ("first", frags[0]), ("first again (duplicate)", frags[0]),
                    ("middle", frags[1])):
        t.add("lan", lan / Raw(f), f"A -> web out of order: {what}")
    big = IPv6(src=A_V6, dst=WEB_V6, hlim=64) / IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\0\0\0\0")]) / \
        UDP(sport=46023, dport=9) / Raw(rng.randbytes(1800))
    for n, f in enumerate(cut6(big, 0x60000004, [1000], unfragmentable=48)):
        t.add("lan", lan / Raw(f), f"A -> web, hop-by-hop header in front of the Fragment header: part {n + 1}")
    big = IPv6(src=A_V6, dst=WEB_V6, hlim=64) / UDP(sport=46024, dport=9) / Raw(rng.randbytes(2400))
    frags = cut6(big, 0x60000005, [1000, 1000])
    t.add("lan", lan / Raw(frags[0]), "A -> web, part 1")
    t.add("lan", lan / Raw(cut6(big, 0x60000005, [1000, 1003])[1]),
          "A -> web, part 2 ends off 8 bytes: the queue dies, it goes on alone (invalid)")
    t.add("lan", lan / Raw(frags[2]), "A -> web, part 3: starts a queue that never completes")
    big = IPv6(src=A_V6, dst=WEB_V6, hlim=64) / UDP(sport=46025, dport=9) / Raw(rng.randbytes(2000))
    frags = cut6(big, 0x60000006, [1000])
    t.add("lan", lan / Raw(frags[0]), "A -> web, part 1")
    overlap = bytearray(cut6(big, 0x60000006, [992])[1])
    t.add("lan", lan / Raw(bytes(overlap)), "A -> web, a last part starting 8 bytes inside part 1: the datagram is lost")
    small = IPv6(src=A_V6, dst=WEB_V6, hlim=64) / UDP(sport=46026, dport=9) / Raw(b"atomic")
    t.add("lan", lan / Raw(cut6(small, 0x60000007, [])[0]), "A -> web, an atomic fragment (offset 0, M clear)")
    t.add("lan", udp("lan", A_MAC, A_V6, WEB_V6, 46027, 9, b"open", v6=True), "UDP A:46027 -> web6")
    answer = IPv6(src=WEB_V6, dst=A_V6, hlim=50) / UDP(sport=9, dport=46027) / Raw(rng.randbytes(2200))
    for n, f in enumerate(cut6(answer, 0x60000008, [1232 - 48, 600])):
        t.add("wan", Ether(dst=ROUTER_MAC["wan"], src=GW_MAC, type=0x86DD) / Raw(f), f"the answer in fragments: part {n + 1}")
    return t


def fragments_edge(rng):
    """IPv4 reassembly and refragmentation details: fragments out of order (the datagram takes
    the first one's header), a duplicate fragment (dropped alone), the sender's sizes that do
    not fit the dmz (refragmented at its MTU: the slow path), DF on the fragments (the
    reassembled datagram keeps DF: frag needed when its largest fragment is too big, else
    forwarded), an overlapping fragment (the datagram is lost) and a fragment whose datagram
    never completes."""
    t = Trace()
    t.add("lan", udp("lan", A_MAC, A_V4, WEB_V4, 46010, 9, b"open", ipid=0x7100), "UDP A:46010 -> web (masqueraded)")
    big = IP(src=WEB_V4, dst=WAN_V4, ttl=50, id=0x7101) / UDP(sport=9, dport=46010) / Raw(rng.randbytes(2400))
    frags = fragment(big, fragsize=1400)
    for n in reversed(range(len(frags))):
        t.add("wan", to_router("wan", GW_MAC) / frags[n], f"answer in fragments, last first: part {n + 1}")
    big = IP(src=WEB_V4, dst=WAN_V4, ttl=50, id=0x7102) / UDP(sport=9, dport=46010) / Raw(rng.randbytes(1800))
    frags = fragment(big, fragsize=1200)
    t.add("wan", to_router("wan", GW_MAC) / frags[0], "second answer, part 1")
    t.add("wan", to_router("wan", GW_MAC) / frags[0], "second answer, part 1 again (duplicate)")
    t.add("wan", to_router("wan", GW_MAC) / frags[1], "second answer, part 2")
    big = IP(src=A_V4, dst=S_V4, ttl=64, id=0x7103) / UDP(sport=46011, dport=9) / Raw(rng.randbytes(2400))
    for n, frag in enumerate(fragment(big, fragsize=1400)):
        t.add("lan", to_router("lan", A_MAC) / frag, f"A -> S in 1420-byte fragments, into the dmz (1280): part {n + 1}")
    big = IP(src=A_V4, dst=S_V4, ttl=64, id=0x7104, flags="DF") / UDP(sport=46012, dport=9) / Raw(rng.randbytes(2400))
    for n, frag in enumerate(fragment(big, fragsize=1400)):
        t.add("lan", to_router("lan", A_MAC) / frag, f"A -> S in DF fragments too big for the dmz: part {n + 1}")
    big = IP(src=A_V4, dst=S_V4, ttl=64, id=0x7105, flags="DF") / UDP(sport=46013, dport=9) / Raw(rng.randbytes(1600))
    for n, frag in enumerate(fragment(big, fragsize=1000)):
        t.add("lan", to_router("lan", A_MAC) / frag, f"A -> S in DF fragments that fit the dmz: part {n + 1}")
    big = IP(src=A_V4, dst=WEB_V4, ttl=64, id=0x7106) / UDP(sport=46014, dport=9) / Raw(rng.randbytes(2000))
    frags = fragment(big, fragsize=1000)
    t.add("lan", to_router("lan", A_MAC) / frags[0], "A -> web, part 1")
    overlap = frags[1].copy()
    overlap.frag -= 1  # starts 8 bytes inside part 1
    del overlap.chksum
    t.add("lan", to_router("lan", A_MAC) / overlap, "A -> web, part 2 overlapping part 1: the datagram is lost")
    t.add("lan", to_router("lan", A_MAC) / frags[2], "A -> web, part 3: starts a queue that never completes")
    return t


def timeouts(rng):
    """Conntrack timeouts of router_timeouts.yaml (udp, icmp and tcp_syn_sent 2 s), replayed
    with their timing: answers within the timeout pass, answers after it find no connection
    (dropped: UDP and ICMP by the forward policy, the SYN/ACK as invalid), and the same UDP
    ports open a new connection. Only connections that never reach the flowtable."""
    del rng
    t = Trace()
    t.add("lan", udp("lan", A_MAC, A_V4, WEB_V4, 47100, 7000, b"late answer", ipid=0x9101), "UDP A:47100 (answered late)")
    t.add("lan", udp("lan", A_MAC, A_V4, WEB_V4, 47102, 7001, b"early answer", ipid=0x9102), "UDP A:47102 (answered in time)")
    for ident, ipid in ((0x7777, 0x9103), (0x7778, 0x9104)):
        t.add("lan", to_router("lan", A_MAC) / IP(src=A_V4, dst=WEB_V4, ttl=64, id=ipid) /
              ICMP(type=8, id=ident, seq=1) / Raw(b"ping"), f"echo request id {ident:#x}")
    for sport, ipid in ((47101, 0x9105), (47103, 0x9106)):
        t.add("lan", to_router("lan", A_MAC) / IP(src=A_V4, dst=WEB_V4, ttl=64, id=ipid, flags="DF") /
              TCP(sport=sport, dport=443, flags="S", seq=sport * 1000, window=64240), f"SYN A:{sport}")
    t.pause(1_000_000)
    t.add("wan", udp("wan", GW_MAC, WEB_V4, WAN_V4, 7001, 47102, b"in time", ttl=50, ipid=0x9201), "answer after 1 s: passes")
    t.add("wan", to_router("wan", GW_MAC) / IP(src=WEB_V4, dst=WAN_V4, ttl=50, id=0x9202) /
          ICMP(type=0, id=0x7778, seq=1) / Raw(b"ping"), "echo reply after 1 s: passes")
    t.add("wan", to_router("wan", GW_MAC) / IP(src=WEB_V4, dst=WAN_V4, ttl=50, id=0x9203, flags="DF") /
          TCP(sport=443, dport=47103, flags="SA", seq=1, ack=47103 * 1000 + 1, window=65160), "SYN/ACK after 1 s: passes")
    t.pause(1_600_000)
    t.add("wan", udp("wan", GW_MAC, WEB_V4, WAN_V4, 7000, 47100, b"too late", ttl=50, ipid=0x9204),
          "answer after 2.6 s: the connection is gone")
    t.add("wan", to_router("wan", GW_MAC) / IP(src=WEB_V4, dst=WAN_V4, ttl=50, id=0x9205) /
          ICMP(type=0, id=0x7777, seq=1) / Raw(b"ping"), "echo reply after 2.6 s: gone")
    t.add("wan", to_router("wan", GW_MAC) / IP(src=WEB_V4, dst=WAN_V4, ttl=50, id=0x9206, flags="DF") /
          TCP(sport=443, dport=47101, flags="SA", seq=1, ack=47101 * 1000 + 1, window=65160),
          "SYN/ACK after 2.6 s: gone, invalid")
    t.add("lan", udp("lan", A_MAC, A_V4, WEB_V4, 47100, 7000, b"again", ipid=0x9107), "UDP A:47100 again: a new connection")
    return t


def bad_checksums(rng):
    """New connections whose first packet has a bad L4 checksum: conntrack marks them
    invalid (nf_conntrack_checksum), the ruleset drops invalid packets; a UDP checksum of 0
    is no checksum and passes."""
    del rng
    t = Trace()

    def broken(pkt, layer):
        raw = bytearray(bytes(pkt))
        off = len(raw) - len(bytes(pkt[layer]))
        field = {TCP: 16, UDP: 6, ICMP: 2}[layer]
        raw[off + field] ^= 0x5A
        return bytes(raw)

    syn = to_router("lan", A_MAC) / IP(src=A_V4, dst=WEB_V4, ttl=64, id=0x9301, flags="DF") / \
        TCP(sport=48000, dport=443, flags="S", seq=1, window=64240)
    t.frames.append((t.t + 200, "lan", pad(broken(syn, TCP)), "TCP SYN with a bad checksum"))
    t.t += 200
    u = udp("lan", A_MAC, A_V4, WEB_V4, 48001, 53, b"bad udp", ipid=0x9302)
    t.frames.append((t.t + 200, "lan", pad(broken(u, UDP)), "UDP with a bad checksum"))
    t.t += 200
    e = to_router("lan", A_MAC) / IP(src=A_V4, dst=WEB_V4, ttl=64, id=0x9303) / ICMP(type=8, id=0x9999, seq=1) / Raw(b"x")
    t.frames.append((t.t + 200, "lan", pad(broken(e, ICMP)), "echo request with a bad checksum"))
    t.t += 200
    u6 = udp("lan", A_MAC, A_V6, WEB_V6, 48002, 53, b"bad udp6", v6=True)
    t.frames.append((t.t + 200, "lan", pad(broken(u6, UDP)), "IPv6 UDP with a bad checksum"))
    t.t += 200
    smtp = to_router("lan", A_MAC) / IP(src=A_V4, dst=WEB_V4, ttl=64, id=0x9304, flags="DF") / \
        TCP(sport=48003, dport=25, flags="S", seq=1, window=64240)
    t.frames.append((t.t + 200, "lan", pad(broken(smtp, TCP)), "SMTP SYN with a bad checksum: invalid before the reject"))
    t.t += 200
    t.add("lan", udp("lan", A_MAC, A_V4, WEB_V4, 48004, 53, b"none", ipid=0x9305, chksum=0), "UDP checksum 0: passes")
    t.add("lan", syn, "the same SYN, checksum right: passes")
    return t


def redirect(rng):
    """A LAN host sends to another LAN host through the router: forwarded back out of lan.
    Linux sends no ICMP redirect for it: the source is on the link (fib_validate_source
    finds no gateway between them)."""
    del rng
    t = Trace()
    t.add("lan", udp("lan", A_MAC, A_V4, B_V4, 49000, 9, b"to B via the router", ipid=0x9401),
          "A -> B through the router's MAC")
    return t


def fw4(rng):
    """router_fw4.yaml: the ruleset OpenWrt's firewall4 writes for its default configuration
    with a plain WAN. MSS clamped to the route MTU on SYNs both ways, masquerade with the
    flowtable, FTP through the ftp helper (the PORT command rewritten to the public address,
    sequence numbers shifted, the data connection from port 20 let in as related), fw4's
    rejects (TCP reset, ICMP port unreachable) for the Internet's unsolicited packets,
    ICMPv6 echo forwarded in by fw4's Allow-ICMPv6-Forward."""
    t = Trace()
    lan_ = "br-lan"
    big_mss = [("MSS", 8960), ("SAckOK", b""), ("NOP", None), ("WScale", 7)]
    web = Tcp(False, (lan_, A_MAC, A_V4, 40200, WEB_V4, 443), ("wan", GW_MAC, WEB_V4, 443, WAN_V4, 40200),
              c_isn=0x0AAA0000, s_isn=0x0BBB0000)
    t.add(lan_, web.seg(True, "S", window=64240, options=big_mss), "SYN with MSS 8960: clamped to 1460 (rt mtu)")
    t.add("wan", web.seg(False, "SA", window=65160, options=[("MSS", 9000), ("SAckOK", b""), ("NOP", None),
                                                           ("WScale", 7)]), "SYN/ACK with MSS 9000: clamped")
    t.add(lan_, web.seg(True, "A"), "ACK")
    t.add(lan_, web.seg(True, "PA", rng.randbytes(300)), "request")
    t.add("wan", web.seg(False, "A", rng.randbytes(1460)), "1460 B answer")
    t.add(lan_, web.seg(True, "A"), "ACK")
    web.close(t, "A:40200 -> web:443")

    t.add(lan_, udp(lan_, B_MAC, B_V4, DNS_V4, 53100, 53, b"query", ipid=0xA001), "DNS query")
    t.add("wan", udp("wan", GW_MAC, DNS_V4, WAN_V4, 53, 53100, b"answer", ttl=57, ipid=0xA002), "DNS answer")

    ftp_v4 = "198.51.100.21"
    ftp = Tcp(False, (lan_, A_MAC, A_V4, 40300, ftp_v4, 21), ("wan", GW_MAC, ftp_v4, 21, WAN_V4, 40300),
              c_isn=0x0CCC0000, s_isn=0x0DDD0000)
    ftp.handshake(t, "FTP control A:40300 -> ftp:21 (ct helper ftp)")
    t.add("wan", ftp.seg(False, "PA", b"220 flowsim FTP\r\n"), "220 banner")
    # The helper reads a command only where a line starts, so it must have seen the one
    # before (nf_conntrack_ftp's find_nl_seq).
    t.add(lan_, ftp.seg(True, "PA", b"USER anonymous\r\n"), "USER")
    t.add("wan", ftp.seg(False, "PA", b"230 Login successful\r\n"), "230")
    t.add(lan_, ftp.seg(True, "PA", b"PORT 192,168,1,100,157,76\r\n"),
          "PORT 192,168,1,100,157,76: rewritten to 203,0,113,2 (2 bytes shorter)")
    # The server saw the rewritten command: its ACK numbers count the shorter text, and so
    # must the trace (the kernel shifts them back for A).
    ftp.nxt[True] = (ftp.nxt[True] - 2) & 0xFFFFFFFF
    t.add("wan", ftp.seg(False, "PA", b"200 PORT command successful\r\n"), "200 (ack shifted back by the helper)")
    data = Tcp(False, ("wan", GW_MAC, ftp_v4, 20, WAN_V4, 40268), (lan_, A_MAC, A_V4, 40268, ftp_v4, 20),
               c_isn=0x0EEE0000, s_isn=0x0FFF0000, c_ttl=52, s_ttl=64)
    data.handshake(t, "FTP data ftp:20 -> 203.0.113.2:40268 (expected, to A)")
    t.add("wan", data.seg(True, "PA", rng.randbytes(200)), "file data")
    data.close(t, "FTP data")

    t.add("wan", to_router("wan", GW_MAC) / IP(src=CLIENT_V4, dst=A_V4, ttl=50, id=0xA101) /
          TCP(sport=61100, dport=22, flags="S", seq=1, window=1024), "unsolicited SYN to A: fw4 resets it")
    t.add("wan", udp("wan", GW_MAC, CLIENT_V4, A_V4, 61101, 9999, b"hi", ttl=50, ipid=0xA102),
          "unsolicited UDP to A: port unreachable")
    t.add("wan", to_router("wan", GW_MAC) / IP(src=CLIENT_V4, dst=WAN_V4, ttl=50, id=0xA103) /
          TCP(sport=61102, dport=22, flags="S", seq=1, window=1024), "SYN to the router's port 22: reset (input)")

    v6 = Tcp(True, (lan_, A_MAC, A_V6, 50200, WEB_V6, 443), ("wan", GW_MAC, WEB_V6, 443, A_V6, 50200),
             c_isn=0x01010101, s_isn=0x02020202)
    t.add(lan_, v6.seg(True, "S", window=64800, options=big_mss), "IPv6 SYN with MSS 8960: clamped to 1440")
    t.add("wan", v6.seg(False, "SA", window=64800, options=SYN_V6), "IPv6 SYN/ACK")
    t.add(lan_, v6.seg(True, "A"), "IPv6 ACK")
    t.add("wan", to_router("wan", GW_MAC) / IPv6(src=CLIENT_V6, dst=A_V6, hlim=50) /
          ICMPv6EchoRequest(id=0x4646, seq=1, data=b"ping A"), "ICMPv6 echo to A (Allow-ICMPv6-Forward)")
    t.add(lan_, to_router(lan_, A_MAC) / IPv6(src=A_V6, dst=CLIENT_V6, hlim=64) /
          ICMPv6EchoReply(id=0x4646, seq=1, data=b"ping A"), "A's echo reply")
    return t


def local_answers(rng):
    """What the router answers itself: echo (IPv4, IPv6), port unreachable for a closed UDP
    port, RST for a closed TCP port, ARP and neighbour solicitation for its address."""
    t = Trace()
    t.add("lan", to_router("lan", A_MAC) / IP(src=A_V4, dst=LAN_V4, ttl=64, id=0x8001, flags="DF") /
          ICMP(type=8, id=0x0C0C, seq=1) / Raw(rng.randbytes(48)), "echo request to 192.168.1.1")
    t.add("lan", to_router("lan", A_MAC) / IPv6(src=A_V6, dst=LAN_V6, hlim=64) /
          ICMPv6EchoRequest(id=0x0D0D, seq=1, data=rng.randbytes(32)), "echo request to 2001:db8:1::1")
    t.add("wan", to_router("wan", GW_MAC) / IP(src=CLIENT_V4, dst=WAN_V4, ttl=50, id=0x8002) /
          ICMP(type=8, id=0x0F0F, seq=1) / Raw(b"ping the router"), "echo request from the Internet to 203.0.113.2")
    t.add("lan", udp("lan", A_MAC, A_V4, LAN_V4, 47000, 9999, b"anyone?", ipid=0x8003),
          "UDP to a closed port: port unreachable")
    t.add("lan", to_router("lan", A_MAC) / IP(src=A_V4, dst=LAN_V4, ttl=64, id=0x8004, flags="DF") /
          TCP(sport=47001, dport=23, flags="S", seq=42, window=64240), "SYN to a closed port: RST")
    t.add("lan", to_router("lan", A_MAC) / IPv6(src=A_V6, dst=LAN_V6, hlim=64) /
          TCP(sport=47002, dport=23, flags="S", seq=43, window=64800), "IPv6 SYN to a closed port: RST")
    t.add("wan", to_router("wan", GW_MAC) / IP(src=CLIENT_V4, dst=WAN_V4, ttl=50, id=0x8005) /
          TCP(sport=47003, dport=23, flags="S", seq=44, window=1024), "SYN from the Internet (input policy drop)")
    t.add("lan", Ether(dst="ff:ff:ff:ff:ff:ff", src=A_MAC) /
          ARP(op=1, hwsrc=A_MAC, psrc=A_V4, hwdst="00:00:00:00:00:00", pdst=LAN_V4), "ARP who-has 192.168.1.1")
    t.add("lan", Ether(dst="33:33:ff:00:00:01", src=A_MAC) / IPv6(src=A_V6, dst="ff02::1:ff00:1", hlim=255) /
          ICMPv6ND_NS(tgt=LAN_V6) / ICMPv6NDOptSrcLLAddr(lladdr=A_MAC), "neighbour solicitation for 2001:db8:1::1")
    return t


def bulk(rng):
    """A few thousand packets: TCP downloads and uploads through masquerade and the port
    forwards (IPv4 and IPv6), interleaved, with UDP streams and pings, so that most of them
    take the hardware path in flowsim."""
    t = Trace()
    convs = []
    hosts = [(A_MAC, A_V4), (B_MAC, B_V4), (C_MAC, C_V4)]
    for n in range(12):
        mac, ip = hosts[n % 3]
        server = f"198.51.100.{20 + n}"
        convs.append(("tcp", Tcp(False, ("lan", mac, ip, 50100 + n, server, 443), ("wan", GW_MAC, server, 443, WAN_V4, 50100 + n),
                                 c_isn=rng.getrandbits(32), s_isn=rng.getrandbits(32), c_id=0x1000 * n, s_id=0x800 * n)))
    for n in range(3):
        convs.append(("tcp6", Tcp(True, ("lan", A_MAC, A_V6, 51100 + n, WEB_V6, 443), ("wan", GW_MAC, WEB_V6, 443, A_V6, 51100 + n),
                                  c_isn=rng.getrandbits(32), s_isn=rng.getrandbits(32))))
    for n in range(3):
        convs.append(("dnat", Tcp(False, ("wan", GW_MAC, f"198.51.100.{120 + n}", 52100 + n, WAN_V4, 8080),
                                  ("lan", A_MAC, A_V4, 80, f"198.51.100.{120 + n}", 52100 + n),
                                  c_isn=rng.getrandbits(32), s_isn=rng.getrandbits(32), c_ttl=50, s_ttl=64)))
    # Every conversation runs a handshake, then rounds of data and ACKs, then closes;
    # conversations take turns packet by packet.
    scripts = []
    for kind, c in convs:
        steps = [("h", None)]
        download = kind != "dnat"
        mss = 1440 if c.v6 else 1460
        for r in range(rng.randrange(70, 110)):
            size = mss if rng.randrange(8) == 0 else rng.randrange(1, 160)
            steps.append(("data", (not download, size)))
            if r % 2 == 1:
                steps.append(("ack", download))
        steps.append(("close", None))
        scripts.append((c, steps))
    udp_flows = [(B_MAC, B_V4, 53100 + n, f"198.51.100.{60 + n}") for n in range(4)]
    live = list(range(len(scripts)))
    pos = [0] * len(scripts)
    k = 0
    while live:
        i = live[k % len(live)]
        c, steps = scripts[i]
        step, arg = steps[pos[i]]
        if step == "h":
            c.handshake(t, "bulk")
        elif step == "data":
            from_client, size = arg
            t.add(c.c[0] if from_client else c.s[0], c.seg(from_client, "A", rng.randbytes(size)), "bulk data", gap_us=30)
        elif step == "ack":
            from_client = arg
            t.add(c.c[0] if from_client else c.s[0], c.seg(from_client, "A"), "bulk ack", gap_us=30)
        else:
            c.close(t, "bulk")
        pos[i] += 1
        if pos[i] == len(steps):
            live.remove(i)
        else:
            k += 1
        if k % 7 == 0:
            mac, ip, sport, dst = udp_flows[k % 4]
            t.add("lan", udp("lan", mac, ip, dst, sport, 4000, rng.randbytes(rng.randrange(20, 300)), ipid=k & 0xFFFF),
                  "bulk udp", gap_us=30)
            t.add("wan", udp("wan", GW_MAC, dst, WAN_V4, 4000, sport, rng.randbytes(rng.randrange(20, 300)), ttl=55,
                             ipid=(k + 1) & 0xFFFF), "bulk udp answer", gap_us=30)
        if k % 50 == 0:
            seq = k // 50
            t.add("lan", to_router("lan", A_MAC) / IP(src=A_V4, dst=WEB_V4, ttl=64, id=0x9000 + seq) /
                  ICMP(type=8, id=0x0B0C, seq=seq) / Raw(bytes(32)), "bulk ping", gap_us=30)
            t.add("wan", to_router("wan", GW_MAC) / IP(src=WEB_V4, dst=WAN_V4, ttl=52, id=0xA000 + seq) /
                  ICMP(type=0, id=0x0B0C, seq=seq) / Raw(bytes(32)), "bulk pong", gap_us=30)
    return t


CASES = {
    "masquerade": masquerade,
    "record_route": record_route,
    "dnat": dnat,
    "snat_clash": snat_clash,
    "masquerade_clash": masquerade_clash,
    "reject": reject,
    "nat_first_packet_errors": nat_first_packet_errors,
    "ipv6": ipv6,
    "icmp_edge": icmp_edge,
    "fragments": fragments,
    "fragments_edge": fragments_edge,
    "fragments6": fragments6,
    "local_answers": local_answers,
    "timeouts": timeouts,
    "bad_checksums": bad_checksums,
    "redirect": redirect,
    "fw4": fw4,
    "bulk": bulk,
}
PORTS = ("lan", "wan", "dmz", "br-lan")


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
    parser.add_argument("--list", action="store_true", help="print every case's frames and exit")
    args = parser.parse_args()
    for name, make in CASES.items():
        trace = make(random.Random(f"{SEED}-{name}"))
        if args.list:
            counts = {p: 0 for p in PORTS}
            print(f"{name}:")
            for t_us, port, _, what in trace.frames:
                counts[port] += 1
                print(f"  {port} #{counts[port]:<4} {t_us / 1000:9.3f} ms  {what}")
            continue
        args.out.mkdir(parents=True, exist_ok=True)
        for port in PORTS:
            records = [(t_us, frame) for t_us, p, frame, _ in trace.frames if p == port]
            if records:
                write_pcap(args.out / f"{name}_{port}.pcap", records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
