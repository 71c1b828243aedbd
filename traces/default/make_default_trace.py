#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Writes the bundled default trace of scenarios/home_router.yaml: what arrives on each router
# port (lan.pcap, wan.pcap), everything the router must send out of each port, forwarded
# packets and its own packets (ICMP errors, echo replies) in wire order (expected_lan.pcap,
# expected_wan.pcap), its own packets alone (expected_generated_lan.pcap, expected_generated_wan.pcap) and the
# accounting it must report (expected.json). The expected frames are built by Scapy from scratch (MACs rewritten, NAT
# applied, TTL/hop limit - 1, every checksum recomputed), so they are an oracle independent
# of the C++ engine.
#
# Deterministic: fixed timestamps, fixed IDs and sequence numbers, one seeded PRNG for
# payload bytes, and a pcap writer of our own (classic, microseconds, Ethernet). Run with
# Debian's interpreter, the only one with Scapy:  /usr/bin/python3 make_default_trace.py
"""Generate the default home-router trace and its expected results."""

import argparse
import json
import pathlib
import random
import struct
import sys

from scapy.all import (ARP, BOOTP, DHCP, DNS, DNSQR, DNSRR, ICMP, IP, TCP, UDP, Dot1Q, Ether, ICMPv6EchoReply,
                       ICMPv6EchoRequest, ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr, ICMPv6TimeExceeded, IPv6, Raw)

# The router, as in scenarios/home_router.yaml (port 0 = lan, port 1 = wan) and its ruleset
# scenarios/home_router.nft: masquerade on wan; wan:8080 -> 192.168.1.100:80 and
# wan:2222 -> 192.168.1.200:22; forward policy drop but lan->wan, established/related and the
# forwarded ports; the flowtable `ct state established flow add @ft` on lan and wan.
LAN_MAC = "02:00:00:00:01:01"
WAN_MAC = "02:00:00:00:02:01"
LAN_V4, WAN_V4 = "192.168.1.1", "203.0.113.2"
LAN_V6 = "2001:db8:1::1"
# The ISP gateway (both families) and the LAN hosts with static neighbour entries.
GW_MAC = "02:00:00:00:02:fe"
A_MAC, A_V4, A_V6 = "02:00:00:00:01:64", "192.168.1.100", "2001:db8:1::100"
B_MAC, B_V4 = "02:00:00:00:01:65", "192.168.1.101"
C_MAC = "02:00:00:00:01:c8"  # a new LAN host without an address yet (DHCP)
# Hosts on the Internet side.
WEB_V4, DNS_V4, WEB_V6 = "198.51.100.10", "198.51.100.53", "2001:db8:beef::10"
SCANNER_V4 = "198.51.100.77"
CLIENT_V4 = "198.51.100.88"   # uses the port forward to the LAN web server
NO_NEIGHBOUR_V4 = "192.168.1.200"
SINK_V4 = "198.51.100.99"

PORTS = ("lan", "wan")
EGRESS_MACS = {"lan": LAN_MAC, "wan": WAN_MAC}
NEIGHBOUR_MACS = {A_V4: A_MAC, A_V6: A_MAC, B_V4: B_MAC}

# engine/drop_reason.hpp, in enum order.
DROP_REASONS = ("malformed", "not_ip", "not_for_us", "ip_checksum", "ttl_exceeded", "no_route", "no_neighbour",
                "mtu_exceeded", "local_delivery", "encap_unsupported", "ruleset_drop", "ruleset_reject",
                "conntrack_drop", "nat_failed", "martian_source", "martian_destination", "beyond_scope",
                "defrag_invalid", "defrag_overlap", "defrag_duplicate", "defrag_no_memory")

T0_US = 1_700_000_000_000_000  # 2023-11-14 22:13:20 UTC, in microseconds
MIN_FRAME = 60                 # Ethernet minimum without FCS: captures show short frames padded
SEED = 20231114

# Linux's default SYN options without timestamps, so that a full-MSS segment is a
# 1514-byte frame (exactly the 1500-byte MTU).
SYN_OPTIONS_V4 = [("MSS", 1460), ("NOP", None), ("NOP", None), ("SAckOK", b""), ("NOP", None), ("WScale", 7)]
SYN_OPTIONS_V6 = [("MSS", 1440), ("NOP", None), ("NOP", None), ("SAckOK", b""), ("NOP", None), ("WScale", 7)]


def pad(frame: bytes) -> bytes:
    return frame + b"\0" * max(0, MIN_FRAME - len(frame))


def routed(pkt, egress, next_hop, src=None, sport=None, dst=None, dport=None):
    """What the router sends for `pkt`: next hop's MAC, egress MAC, NAT (new source and/or
    destination address and port; for ICMP echo the port is the id), TTL - 1, checksums rebuilt
    by Scapy. A UDP checksum of 0 means "none" and stays 0."""
    out = pkt.copy()
    out[Ether].dst = NEIGHBOUR_MACS.get(next_hop, GW_MAC)
    out[Ether].src = EGRESS_MACS[egress]
    ip = out[IP] if IP in out else out[IPv6]
    if src is not None:
        ip.src = src
    if dst is not None:
        ip.dst = dst
    if IP in out:
        out[IP].ttl -= 1
        out[IP].chksum = None
    else:
        out[IPv6].hlim -= 1
    for layer in (TCP, UDP):
        if layer in out:
            if sport is not None:
                out[layer].sport = sport
            if dport is not None:
                out[layer].dport = dport
    if ICMP in out and sport is not None:
        out[ICMP].id = sport
    if TCP in out:
        out[TCP].chksum = None
    if UDP in out and out[UDP].chksum != 0:
        out[UDP].chksum = None
    if ICMP in out:
        out[ICMP].chksum = None
    for layer in (ICMPv6EchoRequest, ICMPv6EchoReply):
        if layer in out:
            out[layer].cksum = None
    return pad(bytes(out))


def icmp_error_v4(offending: bytes, src, dst_mac, egress, icmp):
    """An ICMP error the router sends (icmp_send): from `src` back to the offending packet's
    source; TOS 0xc0 | the offending TOS's bits 1-4, TTL 64, no DF, IP ID written as 0 (the
    router takes it from Linux's randomly seeded per-destination generator; tests zero it in
    the actual frame after checking its header checksum); the quote is the offending datagram
    (as the router had it when it gave up), cut to fit 576 bytes."""
    orig = IP(offending)
    err = (Ether(dst=dst_mac, src=EGRESS_MACS[egress]) /
           IP(src=src, dst=orig.src, ttl=64, id=0, flags=0, tos=0xc0 | (orig.tos & 0x1e)) / icmp /
           Raw(offending[:576 - 28]))
    return egress, pad(bytes(err))


def icmp_error_v6(offending: bytes, src, dst_mac, egress, icmp):
    """An ICMPv6 error (icmp6_send): hop limit 64, traffic class and flow label 0, the quote cut
    to fit 1280 bytes."""
    orig = IPv6(offending)
    err = (Ether(dst=dst_mac, src=EGRESS_MACS[egress]) / IPv6(src=src, dst=orig.src, hlim=64, tc=0, fl=0) / icmp /
           Raw(offending[:1280 - 48]))
    return egress, pad(bytes(err))


class Trace:
    def __init__(self):
        self.packets = []  # dicts, in any order; sorted by time at the end

    def add(self, t_us, port, pkt, what, egress=None, out=None, fast=False, reason=None, generated=None,
            frame=None):
        """One packet arriving on `port` at T0 + t_us: forwarded to `egress` as `out` (on the
        software fast path if `fast`), or dropped for `reason`, possibly answered with
        `generated` = (port, frame)."""
        assert (egress is None) != (reason is None)
        assert reason is None or reason in DROP_REASONS
        entry = {"t_us": t_us, "port": port, "frame": pad(frame if frame is not None else bytes(pkt)), "what": what}
        if egress is not None:
            assert out is not None
            entry.update(egress=egress, out=out, fast=fast)
        else:
            entry["reason"] = reason
            if generated is not None:
                entry["generated"] = generated
        self.packets.append(entry)

    def sorted(self):
        self.packets.sort(key=lambda p: p["t_us"])
        times = [p["t_us"] for p in self.packets]
        assert len(set(times)) == len(times), "every packet needs its own timestamp"
        return self.packets


class TcpFlow:
    """Sequence/ack bookkeeping for one TCP connection; `client_port` is where the client is."""

    def __init__(self, ip_layer, cli, srv, cport, sport, c_isn, s_isn, c_ttl, s_ttl, client_port="lan",
                 cli_dst=None, srv_dst=None):
        self.ip_layer, self.cli, self.srv, self.cport, self.sport = ip_layer, cli, srv, cport, sport
        self.c_nxt, self.s_nxt = c_isn, s_isn
        self.c_ttl, self.s_ttl = c_ttl, s_ttl
        self.c_id, self.s_id = 0x4a01, 0
        self.client_port = client_port
        # What each side addresses: the client may talk to the router's public address (a port
        # forward), the server may answer the router's public address (masquerade).
        self.cli_dst = cli_dst or srv
        self.srv_dst = srv_dst or cli

    def _eth(self, from_client):
        on_lan = (self.client_port == "lan") == from_client
        if on_lan:
            return Ether(dst=LAN_MAC, src=A_MAC)
        return Ether(dst=WAN_MAC, src=GW_MAC)

    def _ip(self, from_client, ttl=None):
        src, dst = (self.cli, self.cli_dst) if from_client else (self.srv, self.srv_dst)
        ttl = ttl if ttl is not None else (self.c_ttl if from_client else self.s_ttl)
        if self.ip_layer is IP:
            if from_client:
                self.c_id += 1
                ip_id = self.c_id
            else:
                ip_id = self.s_id
            return IP(src=src, dst=dst, ttl=ttl, id=ip_id, flags="DF")
        return IPv6(src=src, dst=dst, hlim=ttl, fl=0x5f00d if from_client else 0x3c0de)

    def segment(self, from_client, flags, payload=b"", window=None, options=None, ttl=None):
        seq = self.c_nxt if from_client else self.s_nxt
        ack = (self.s_nxt if from_client else self.c_nxt) if "A" in flags else 0
        tcp = TCP(sport=self.cport if from_client else self.sport, dport=self.sport if from_client else self.cport,
                  flags=flags, seq=seq, ack=ack, window=window or (502 if from_client else 509),
                  options=options or [])
        advance = len(payload) + (1 if "S" in flags else 0) + (1 if "F" in flags else 0)
        if from_client:
            self.c_nxt = (self.c_nxt + advance) & 0xffffffff
        else:
            self.s_nxt = (self.s_nxt + advance) & 0xffffffff
        pkt = self._eth(from_client) / self._ip(from_client, ttl) / tcp
        return pkt / Raw(payload) if payload else pkt


def tcp_v4_session(trace, rng):
    """A:40000 -> web:443, masqueraded to 203.0.113.2:40000 (the port is free, so kept). The
    client's ACK completes the handshake (ESTABLISHED + ASSURED) and `flow add` offloads the
    connection; from the next packet on both directions take the software fast path, until the
    client's FIN tears the flow down (old semantics) and the close goes the slow path."""
    f = TcpFlow(IP, A_V4, WEB_V4, 40000, 443, c_isn=3_000_000_000, s_isn=1_500_000_000, c_ttl=64, s_ttl=52,
                srv_dst=WAN_V4)
    c, s = True, False

    def lan(t, pkt, what, fast):
        trace.add(t, "lan", pkt, what, egress="wan", out=routed(pkt, "wan", "gw", src=WAN_V4), fast=fast)

    def wan(t, pkt, what, fast):
        trace.add(t, "wan", pkt, what, egress="lan", out=routed(pkt, "lan", A_V4, dst=A_V4), fast=fast)

    lan(1_000, f.segment(c, "S", window=64240, options=SYN_OPTIONS_V4), "TCP/IPv4 SYN, A:40000 -> web:443", False)
    wan(13_000, f.segment(s, "SA", window=65160, options=SYN_OPTIONS_V4), "TCP/IPv4 SYN/ACK to 203.0.113.2:40000",
        False)
    lan(13_150, f.segment(c, "A"), "TCP/IPv4 ACK (handshake done: flow add)", False)
    lan(13_300, f.segment(c, "PA", rng.randbytes(517)), "TCP/IPv4 517 B (TLS ClientHello)", True)
    wan(25_400, f.segment(s, "A"), "TCP/IPv4 bare ACK", True)
    wan(25_900, f.segment(s, "A", rng.randbytes(1460)), "TCP/IPv4 1460 B: 1514-byte frame, exactly the MTU", True)
    wan(26_022, f.segment(s, "A", rng.randbytes(1460)), "TCP/IPv4 1460 B", True)
    wan(26_144, f.segment(s, "PA", rng.randbytes(700)), "TCP/IPv4 700 B", True)
    lan(26_300, f.segment(c, "A"), "TCP/IPv4 ACK of the server's data", True)
    lan(27_000, f.segment(c, "PA", rng.randbytes(126)), "TCP/IPv4 126 B (client Finished)", True)
    wan(39_100, f.segment(s, "PA", rng.randbytes(250)), "TCP/IPv4 250 B (response)", True)
    lan(39_300, f.segment(c, "A"), "TCP/IPv4 ACK", True)
    lan(60_000, f.segment(c, "FA"), "TCP/IPv4 FIN/ACK from the client: flow torn down", False)
    wan(72_100, f.segment(s, "FA"), "TCP/IPv4 FIN/ACK from the server", False)
    lan(72_250, f.segment(c, "A"), "TCP/IPv4 last ACK", False)


def dns(trace):
    """B:53000 -> resolver:53, masqueraded. Both queries belong to one connection; the first
    answer is `ct state established` and offloads it, the second answer takes the fast path."""
    def query(ip_id, qid, qtype):
        return (Ether(dst=LAN_MAC, src=B_MAC) / IP(src=B_V4, dst=DNS_V4, ttl=64, id=ip_id, flags="DF") /
                UDP(sport=53000, dport=53) / DNS(id=qid, rd=1, qd=DNSQR(qname="www.example.com", qtype=qtype)))

    def answer(ip_id, qid, qtype, rdata):
        return (Ether(dst=WAN_MAC, src=GW_MAC) / IP(src=DNS_V4, dst=WAN_V4, ttl=57, id=ip_id) /
                UDP(sport=53, dport=53000) /
                DNS(id=qid, qr=1, rd=1, ra=1, qd=DNSQR(qname="www.example.com", qtype=qtype),
                    an=DNSRR(rrname="www.example.com", type=qtype, ttl=300, rdata=rdata)))

    for t, pkt, what in ((80_000, query(0x7001, 0x1a2b, "A"), "UDP/IPv4 DNS query A, B -> resolver"),
                         (80_100, query(0x7002, 0x1a2c, "AAAA"), "UDP/IPv4 DNS query AAAA")):
        trace.add(t, "lan", pkt, what, egress="wan", out=routed(pkt, "wan", "gw", src=WAN_V4))
    for t, pkt, what, fast in ((95_000, answer(0x0f31, 0x1a2b, "A", WEB_V4), "UDP/IPv4 DNS answer A (flow add)",
                                False),
                               (95_200, answer(0x0f32, 0x1a2c, "AAAA", WEB_V6), "UDP/IPv4 DNS answer AAAA", True)):
        trace.add(t, "wan", pkt, what, egress="lan", out=routed(pkt, "lan", B_V4, dst=B_V4), fast=fast)

    # A UDP checksum of 0 means "none": masquerade leaves it 0.
    no_csum = (Ether(dst=LAN_MAC, src=B_MAC) / IP(src=B_V4, dst=SINK_V4, ttl=64, id=0x7101, flags="DF") /
               UDP(sport=41000, dport=41001, chksum=0) / Raw(b"no checksum"))
    trace.add(85_000, "lan", no_csum, "UDP/IPv4 with checksum 0 (stays 0 through NAT)", egress="wan",
              out=routed(no_csum, "wan", "gw", src=WAN_V4))


def ping_v4(trace):
    payload = bytes(range(0x10, 0x10 + 48))
    for seq, t in ((1, 100_000), (2, 1_100_000)):
        req = (Ether(dst=LAN_MAC, src=A_MAC) / IP(src=A_V4, dst=WEB_V4, ttl=64, id=0x5100 + seq, flags="DF") /
               ICMP(type=8, id=0x0b0b, seq=seq) / Raw(payload))
        rep = (Ether(dst=WAN_MAC, src=GW_MAC) / IP(src=WEB_V4, dst=WAN_V4, ttl=52, id=0x2200 + seq) /
               ICMP(type=0, id=0x0b0b, seq=seq) / Raw(payload))
        trace.add(t, "lan", req, f"ICMP echo request {seq}, A -> web (masqueraded, id kept)", egress="wan",
                  out=routed(req, "wan", "gw", src=WAN_V4))
        trace.add(t + 12_000, "wan", rep, f"ICMP echo reply {seq}", egress="lan",
                  out=routed(rep, "lan", A_V4, dst=A_V4))


def tcp_v6_session(trace, rng):
    """IPv6 is routed without NAT; offloaded after the handshake like the IPv4 session."""
    f = TcpFlow(IPv6, A_V6, WEB_V6, 50000, 80, c_isn=0x1234_5678, s_isn=0x8765_4321, c_ttl=64, s_ttl=55)
    c, s = True, False

    def lan(t, pkt, what, fast):
        trace.add(t, "lan", pkt, what, egress="wan", out=routed(pkt, "wan", "gw"), fast=fast)

    def wan(t, pkt, what, fast):
        trace.add(t, "wan", pkt, what, egress="lan", out=routed(pkt, "lan", A_V6), fast=fast)

    get = b"GET / HTTP/1.1\r\nHost: [2001:db8:beef::10]\r\nUser-Agent: flowsim\r\nAccept: */*\r\n\r\n"
    lan(120_000, f.segment(c, "S", window=64800, options=SYN_OPTIONS_V6), "TCP/IPv6 SYN, A:50000 -> web:80", False)
    wan(131_000, f.segment(s, "SA", window=64800, options=SYN_OPTIONS_V6), "TCP/IPv6 SYN/ACK", False)
    lan(131_150, f.segment(c, "A"), "TCP/IPv6 ACK (flow add)", False)
    lan(131_300, f.segment(c, "PA", get), "TCP/IPv6 HTTP GET", True)
    wan(142_400, f.segment(s, "A", rng.randbytes(1440)), "TCP/IPv6 1440 B: 1514-byte frame, exactly the MTU", True)
    wan(142_520, f.segment(s, "PA", rng.randbytes(600)), "TCP/IPv6 600 B", True)
    lan(142_700, f.segment(c, "A"), "TCP/IPv6 ACK", True)
    lan(150_000, f.segment(c, "FA"), "TCP/IPv6 FIN/ACK from the client: flow torn down", False)
    wan(161_100, f.segment(s, "FA"), "TCP/IPv6 FIN/ACK from the server", False)
    lan(161_250, f.segment(c, "A"), "TCP/IPv6 last ACK", False)


def ping_v6(trace):
    payload = bytes(range(0x20, 0x20 + 32))
    req = (Ether(dst=LAN_MAC, src=A_MAC) / IPv6(src=A_V6, dst=WEB_V6, hlim=64) /
           ICMPv6EchoRequest(id=0x0d0d, seq=1, data=payload))
    rep = (Ether(dst=WAN_MAC, src=GW_MAC) / IPv6(src=WEB_V6, dst=A_V6, hlim=55) /
           ICMPv6EchoReply(id=0x0d0d, seq=1, data=payload))
    trace.add(170_000, "lan", req, "ICMPv6 echo request, A -> web", egress="wan", out=routed(req, "wan", "gw"))
    trace.add(181_000, "wan", rep, "ICMPv6 echo reply", egress="lan", out=routed(rep, "lan", A_V6))


def port_forward(trace, rng):
    """A client on the Internet uses the port forward wan:8080 -> 192.168.1.100:80. DNAT happens
    at PREROUTING; the server's answers are translated back to 203.0.113.2:8080. After the
    handshake the flow is offloaded. A client packet with TTL 1 leaves the fast path and is
    answered with ICMP time exceeded, whose quoted packet NAT translates back to what the
    client sent. The client's RST tears the flow down."""
    f = TcpFlow(IP, CLIENT_V4, A_V4, 61000, 80, c_isn=0x0bad_cafe, s_isn=0x0d15_ea5e, c_ttl=50, s_ttl=64,
                client_port="wan", cli_dst=WAN_V4)
    c, s = True, False

    def wan(t, pkt, what, fast):
        trace.add(t, "wan", pkt, what, egress="lan", out=routed(pkt, "lan", A_V4, dst=A_V4, dport=80), fast=fast)

    def lan(t, pkt, what, fast):
        trace.add(t, "lan", pkt, what, egress="wan", out=routed(pkt, "wan", "gw", src=WAN_V4, sport=8080), fast=fast)

    f.sport = 8080  # what the client addresses
    syn = f.segment(c, "S", window=64240, options=SYN_OPTIONS_V4)
    wan(300_000, syn, "TCP/IPv4 SYN to 203.0.113.2:8080 (port forward to 192.168.1.100:80)", False)
    f.sport = 80  # what the server answers from
    lan(300_200, f.segment(s, "SA", window=65160, options=SYN_OPTIONS_V4), "TCP/IPv4 SYN/ACK from the web server",
        False)
    f.sport = 8080
    wan(310_000, f.segment(c, "A"), "TCP/IPv4 ACK from the client (flow add)", False)
    wan(310_100, f.segment(c, "PA", b"GET / HTTP/1.1\r\nHost: 203.0.113.2:8080\r\n\r\n"), "TCP/IPv4 GET", True)
    f.sport = 80
    lan(311_000, f.segment(s, "A"), "TCP/IPv4 ACK from the web server", True)
    lan(311_100, f.segment(s, "PA", rng.randbytes(1000)), "TCP/IPv4 1000 B response", True)
    f.sport = 8080
    low = f.segment(c, "A", ttl=1)
    offending = bytes(low[IP])
    trace.add(320_000, "wan", low, "TCP/IPv4 ACK with TTL 1: leaves the fast path, ICMP time exceeded",
              reason="ttl_exceeded",
              generated=icmp_error_v4(offending, WAN_V4, GW_MAC, "wan", ICMP(type=11, code=0)))
    wan(330_000, f.segment(c, "R"), "TCP/IPv4 RST from the client: flow torn down", False)


def exceptions(trace):
    arp = (Ether(dst="ff:ff:ff:ff:ff:ff", src=A_MAC) /
           ARP(op=1, hwsrc=A_MAC, psrc=A_V4, hwdst="00:00:00:00:00:00", pdst=LAN_V4))
    trace.add(0, "lan", arp, "ARP who-has 192.168.1.1 (no ARP handling yet)", reason="not_ip")

    ttl1 = (Ether(dst=LAN_MAC, src=A_MAC) / IP(src=A_V4, dst=WEB_V4, ttl=1, id=0x6001) /
            UDP(sport=44000, dport=33434) / Raw(b"\0" * 32))
    trace.add(200_000, "lan", ttl1, "UDP/IPv4 traceroute probe, TTL 1: ICMP time exceeded", reason="ttl_exceeded",
              generated=icmp_error_v4(bytes(ttl1[IP]), LAN_V4, A_MAC, "lan", ICMP(type=11, code=0)))

    hlim1 = (Ether(dst=LAN_MAC, src=A_MAC) / IPv6(src=A_V6, dst=WEB_V6, hlim=1) /
             UDP(sport=44001, dport=33434) / Raw(b"\0" * 32))
    trace.add(200_100, "lan", hlim1, "UDP/IPv6 traceroute probe, hop limit 1: ICMPv6 time exceeded",
              reason="ttl_exceeded",
              generated=icmp_error_v6(bytes(hlim1[IPv6]), LAN_V6, A_MAC, "lan", ICMPv6TimeExceeded(code=0)))

    to_router = (Ether(dst=LAN_MAC, src=A_MAC) / IP(src=A_V4, dst=LAN_V4, ttl=64, id=0x6101, flags="DF") /
                 ICMP(type=8, id=0x0c0c, seq=1) / Raw(bytes(range(48))))
    # icmp_echo answers from the address pinged, with the request's TOS, TTL 64, ID 0, no DF.
    echo_reply = (Ether(dst=A_MAC, src=LAN_MAC) / IP(src=LAN_V4, dst=A_V4, ttl=64, id=0, flags=0) /
                  ICMP(type=0, id=0x0c0c, seq=1) / Raw(bytes(range(48))))
    trace.add(210_000, "lan", to_router, "ICMP echo to the router's own 192.168.1.1: echo reply",
              reason="local_delivery", generated=("lan", bytes(echo_reply)))

    telnet = (Ether(dst=WAN_MAC, src=GW_MAC) / IP(src=SCANNER_V4, dst=WAN_V4, ttl=50, id=0x3201) /
              TCP(sport=51514, dport=23, flags="S", seq=555, window=1024))
    trace.add(215_000, "wan", telnet, "TCP/IPv4 SYN from the Internet to the router's port 23 (input policy)",
              reason="ruleset_drop")

    unsolicited = (Ether(dst=WAN_MAC, src=GW_MAC) / IP(src=SCANNER_V4, dst=B_V4, ttl=50, id=0x3202) /
                   UDP(sport=51516, dport=9999) / Raw(b"hello?"))
    trace.add(217_000, "wan", unsolicited, "UDP/IPv4 from the Internet to 192.168.1.101 (forward policy)",
              reason="ruleset_drop")

    no_neigh = (Ether(dst=WAN_MAC, src=GW_MAC) / IP(src=SCANNER_V4, dst=WAN_V4, ttl=50, id=0x3301) /
                TCP(sport=51515, dport=2222, flags="S", seq=777, window=1024))
    trace.add(220_000, "wan", no_neigh, "TCP/IPv4 SYN to 203.0.113.2:2222, forwarded to 192.168.1.200: no neighbour",
              reason="no_neighbour")

    bad_csum = (Ether(dst=WAN_MAC, src=GW_MAC) / IP(src=DNS_V4, dst=WAN_V4, ttl=57, id=0x0f40) /
                UDP(sport=53, dport=53001) /
                DNS(id=0x1a2d, qr=1, rd=1, ra=1, qd=DNSQR(qname="www.example.com", qtype="A"),
                    an=DNSRR(rrname="www.example.com", type="A", ttl=300, rdata=WEB_V4)))
    frame = bytearray(bytes(bad_csum))
    good = struct.unpack_from("!H", frame, 24)[0]
    struct.pack_into("!H", frame, 24, (good + 0x1111) & 0xffff)
    trace.add(230_000, "wan", bad_csum, "UDP/IPv4 DNS answer with a wrong IPv4 header checksum", reason="ip_checksum",
              frame=bytes(frame))

    jumbo = (Ether(dst=LAN_MAC, src=A_MAC) / IP(src=A_V4, dst=WEB_V4, ttl=64, id=0x6201, flags="DF") /
             UDP(sport=45000, dport=9000) / Raw(bytes(1476)))
    # The MAC takes frames up to MTU + 18 bytes (room for a VLAN tag); a longer one would be a
    # giant, dropped before the router sees it.
    assert len(jumbo[IP]) == 1504
    trace.add(240_000, "lan", jumbo, "UDP/IPv4 1504-byte DF packet from the LAN, WAN MTU 1500: ICMP frag needed",
              reason="mtu_exceeded",
              generated=icmp_error_v4(bytes(jumbo[IP]), LAN_V4, A_MAC, "lan", ICMP(type=3, code=4, nexthopmtu=1500)))

    to_b = (Ether(dst=B_MAC, src=A_MAC) / IP(src=A_V4, dst=B_V4, ttl=64, id=0x6301, flags="DF") /
            UDP(sport=40001, dport=9999) / Raw(b"to host B"))
    trace.add(250_000, "lan", to_b, "UDP/IPv4 A -> B flooded by the switch: another host's MAC",
              reason="not_for_us")

    dhcp = (Ether(dst="ff:ff:ff:ff:ff:ff", src=C_MAC) / IP(src="0.0.0.0", dst="255.255.255.255", ttl=64, id=0) /
            UDP(sport=68, dport=67) /
            BOOTP(op=1, xid=0x5eed1234, chaddr=bytes.fromhex(C_MAC.replace(":", "")) + bytes(10)) /
            DHCP(options=[("message-type", "discover"), "end"]))
    trace.add(260_000, "lan", dhcp, "DHCP discover, broadcast MAC (never forwarded)", reason="not_for_us")

    ns = (Ether(dst="33:33:ff:00:00:01", src=A_MAC) / IPv6(src=A_V6, dst="ff02::1:ff00:1", hlim=255) /
          ICMPv6ND_NS(tgt="2001:db8:1::1") / ICMPv6NDOptSrcLLAddr(lladdr=A_MAC))
    trace.add(270_000, "lan", ns, "ICMPv6 neighbour solicitation, multicast MAC (no ND yet)", reason="not_for_us")

    truncated = (Ether(dst=WAN_MAC, src=GW_MAC) / IP(src=WEB_V4, dst=WAN_V4, ttl=52, id=0x2301, len=576) /
                 UDP(sport=443, dport=40000) / Raw(b"cut short"))
    trace.add(280_000, "wan", truncated, "IPv4 total length 576 in a 60-byte frame", reason="malformed")

    tagged = (Ether(dst=LAN_MAC, src=A_MAC) / Dot1Q(vlan=10) /
              IP(src="192.168.10.100", dst=WEB_V4, ttl=64, id=0x6401, flags="DF") /
              UDP(sport=5000, dport=5000) / Raw(b"vlan 10"))
    trace.add(290_000, "lan", tagged, "UDP/IPv4 tagged VLAN 10 (no VLAN device)", reason="encap_unsupported")


def build():
    rng = random.Random(SEED)
    trace = Trace()
    exceptions(trace)
    tcp_v4_session(trace, rng)
    dns(trace)
    ping_v4(trace)
    tcp_v6_session(trace, rng)
    ping_v6(trace)
    port_forward(trace, rng)
    return trace.sorted()


def write_pcap(path, records):
    """Classic libpcap file, microsecond timestamps, DLT_EN10MB, little-endian."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for t_us, frame in records:
            t = T0_US + t_us
            f.write(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(frame), len(frame)))
            f.write(frame)


def timestamp_text(t_us):
    t = T0_US + t_us
    return f"{t // 1_000_000}.{t % 1_000_000:06d}"


def expectations(packets):
    packets_in = {p: 0 for p in PORTS}
    forwarded = {p: 0 for p in PORTS}
    generated = {p: 0 for p in PORTS}
    dropped = {r: 0 for r in DROP_REASONS}
    per_packet = []
    index = {p: 0 for p in PORTS}
    fast = 0
    for p in packets:
        packets_in[p["port"]] += 1
        index[p["port"]] += 1
        entry = {"time": timestamp_text(p["t_us"]), "port": p["port"], "index": index[p["port"]]}
        if "egress" in p:
            forwarded[p["egress"]] += 1
            fast += p["fast"]
            entry.update(verdict="forward", egress=p["egress"], path="fast" if p["fast"] else "slow")
        else:
            dropped[p["reason"]] += 1
            entry.update(verdict="drop", reason=p["reason"])
            if "generated" in p:
                generated[p["generated"][0]] += 1
                entry["generated"] = p["generated"][0]
        entry["what"] = p["what"]
        per_packet.append(entry)
    total_forwarded = sum(forwarded.values())
    total_dropped = sum(dropped.values())
    assert total_forwarded + total_dropped == len(packets)
    return {
        "scenario": "scenarios/home_router.yaml",
        "comment": "Written by make_default_trace.py; do not edit. index is 1-based within the port's pcap. "
                   "generated: packets the router sends itself (ICMP errors, echo replies), counted apart from packets in. "
                   "path: forwarded by the software flowtable (fast) or the slow path.",
        "packets_in": packets_in,
        "forwarded": forwarded,
        "dropped": dropped,
        "generated": generated,
        "total": {"in": len(packets), "forwarded": total_forwarded, "dropped": total_dropped,
                  "generated": sum(generated.values()), "fast_path": fast},
        "packets": per_packet,
    }


def markdown_table(packets):
    rows = ["| # | time (s after 1700000000) | in | packet | expected |", "|---|---|---|---|---|"]
    for n, p in enumerate(packets, 1):
        if "egress" in p:
            outcome = f"forward → {p['egress']}" + (" (fast path)" if p["fast"] else "")
        else:
            outcome = f"drop: `{p['reason']}`" + (f", answer → {p['generated'][0]}" if "generated" in p else "")
        rows.append(f"| {n} | {p['t_us'] / 1e6:.6f} | {p['port']} | {p['what']} | {outcome} |")
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parent,
                        help="directory to write into (default: next to this script)")
    parser.add_argument("--table", action="store_true", help="print the README's packet table and exit")
    args = parser.parse_args()
    packets = build()
    if args.table:
        print(markdown_table(packets))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for port in PORTS:
        write_pcap(args.out / f"{port}.pcap", [(p["t_us"], p["frame"]) for p in packets if p["port"] == port])
        # The router adds no delay in this file: an egress frame carries its ingress time.
        wire = [(p["t_us"], p["out"]) for p in packets if p.get("egress") == port]
        wire += [(p["t_us"], p["generated"][1]) for p in packets if p.get("generated", ("",))[0] == port]
        write_pcap(args.out / f"expected_{port}.pcap", sorted(wire, key=lambda r: r[0]))
        write_pcap(args.out / f"expected_generated_{port}.pcap",
                   [(p["t_us"], p["generated"][1]) for p in packets if p.get("generated", ("",))[0] == port])
    with open(args.out / "expected.json", "w", encoding="utf-8") as f:
        json.dump(expectations(packets), f, indent=2, ensure_ascii=False)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
