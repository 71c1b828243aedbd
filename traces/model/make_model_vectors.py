#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Writes the flow-table / rewrite-unit vectors of the ASIC model tests (model/rewrite_unit_test.cpp):
# for each case a BIND entry described by its fields (the test encodes it with the generated
# FOE_ENTRY names and writes it through ENTRY_CTRL / ENTRY_DATA), the frame sent into a port,
# and what must come out: the exact frame on an egress port, or a punt with its reason.
# Expected frames are built here with Scapy, independently of the model: NAT'd fields are set
# and Scapy recomputes every checksum in full (the model updates them incrementally, as Linux
# does; the two agree except for the representation of zero, which the cases avoid or pin
# down on purpose: UDP checksum 0 stays 0, an update that yields 0 is sent as 0xffff).
# Deterministic output; the CTest test traces/model_regenerate checks the committed files.
"""Regenerate: /usr/bin/python3 traces/model/make_model_vectors.py [--out DIR]"""

import argparse
import json
import struct
import sys
from pathlib import Path

from scapy.all import (ICMP, IP, TCP, UDP, Dot1Q, Ether, IPOption_Router_Alert, IPv6, IPv6ExtHdrHopByHop,
                       PPPoE, Raw, RawPcapWriter, conf)

conf.verb = 0

DLT_EN10MB = 1
T0 = 1700000000

# The bench's board: ports 0 and 1 are 10G, port 2 is 2.5G; PORT_MTU 1500 everywhere.
LAN_IF, WAN_IF = "02:00:00:00:01:01", "02:00:00:00:02:01"
HOST_A, HOST_B, GATEWAY = "02:00:00:00:01:64", "02:00:00:00:01:65", "02:00:00:00:02:fe"
HOST_A4, HOST_B4, WAN4 = "192.168.1.100", "192.168.1.101", "203.0.113.2"
SERVER4, CLIENT4 = "93.184.216.34", "198.51.100.7"
HOST_A6, SERVER6 = "2001:db8:1::100", "2606:2800:220:1:248:1893:25c8:1946"
LAN, WAN, DMZ = 0, 1, 2


def payload(n, seed=0):
    return Raw(bytes((seed + 11 * k) & 0xff for k in range(n)))


def ppp(proto):
    """PPP protocol in its full two bytes (Scapy 2.5's PPP layer compresses it to one)."""
    return Raw(struct.pack("!H", proto))


def rebuild(l3):
    """A copy of an IPv4/IPv6 packet with every checksum recomputed (except a UDP 0)."""
    p = l3.copy()
    if IP in p:
        del p[IP].chksum
        del p[IP].len
    if TCP in p:
        del p[TCP].chksum
    if UDP in p and p[UDP].chksum != 0:
        del p[UDP].chksum
    return p.__class__(bytes(p))


def eth(dst, src, inner, vlans=(), pppoe_sid=None):
    """Ethernet + tags (TCIs, outer first) + optional PPPoE session around L3 bytes."""
    raw = bytes(inner)
    ip6 = raw[0] >> 4 == 6
    if pppoe_sid is not None:
        body = bytes(PPPoE(version=1, type=1, code=0, sessionid=pppoe_sid, len=len(raw) + 2)) + \
            struct.pack("!H", 0x0057 if ip6 else 0x0021) + raw
        inner_type = 0x8864
    else:
        body = raw
        inner_type = 0x86dd if ip6 else 0x0800
    types = [0x8100] * len(vlans) + [inner_type]
    out = bytes(Ether(dst=dst, src=src, type=types[0]))[:14]
    for i, tci in enumerate(vlans):
        out += struct.pack("!HH", tci, types[i + 1])
    return out + body


def pad60(frame):
    return frame + bytes(max(0, 60 - len(frame)))


def entry(kind, udp, orig, new=None, dmac=GATEWAY, smac=WAN_IF, dest=WAN, in_port=LAN, **extra):
    e = {"type": kind, "udp": udp, "ttl_dec": True, "orig": orig, "dmac": dmac, "smac": smac,
         "dest_port": dest, "in_port": in_port, "mtu": 1500}
    if new is not None:
        e["new"] = new
    e.update(extra)
    return e


def tup(sip, dip, sport, dport):
    return {"sip": sip, "dip": dip, "sport": sport, "dport": dport}


def check_representation(frame_l3, allow_zero_udp=False):
    """Guards the vectors against the one case where full and incremental checksums may
    differ: a result of 0x0000 / 0xffff."""
    p = IP(frame_l3) if frame_l3[0] >> 4 == 4 else IPv6(frame_l3)
    if IP in p:
        assert p[IP].chksum not in (0, 0xffff), "degenerate IPv4 checksum"
    if TCP in p:
        assert p[TCP].chksum not in (0, 0xffff), "degenerate TCP checksum"
    if UDP in p and not allow_zero_udp:
        assert p[UDP].chksum not in (0, 0xffff), "degenerate UDP checksum"


def nat(l3, sip=None, dip=None, sport=None, dport=None, ttl_dec=True):
    """The rewritten packet as Linux would send it (fields set, checksums recomputed)."""
    p = l3.copy()
    l4 = p[TCP] if TCP in p else p[UDP]
    if sip is not None:
        p.src = sip
    if dip is not None:
        p.dst = dip
    if sport is not None:
        l4.sport = sport
    if dport is not None:
        l4.dport = dport
    if ttl_dec:
        if IP in p:
            p.ttl -= 1
        else:
            p.hlim -= 1
    return rebuild(p)


def udp_that_nats_to_zero(src, dst, sport, dport, new_src, new_sport, n):
    """A UDP/IPv4 packet whose checksum after SNAT to (new_src, new_sport) is 0, sent as
    0xffff: the last two payload bytes are solved for it."""
    assert n % 2 == 0, "the solved word must sit on a 16-bit boundary"
    body = bytearray((7 * k + 3) & 0xff for k in range(n - 2)) + bytearray(2)
    after = IP(src=new_src, dst=dst, ttl=63, id=77) / UDP(sport=new_sport, dport=dport, chksum=0) / Raw(bytes(body))
    raw = bytes(after)
    seg = raw[20:]
    pseudo = sum(struct.unpack("!HHHH", raw[12:20])) + 17 + len(seg)
    s = pseudo + sum(struct.unpack("!%dH" % (len(seg) // 2), seg[: len(seg) // 2 * 2]))
    if len(seg) % 2:
        s += seg[-1] << 8
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    # Make the one's-complement sum 0xffff: then the checksum ~sum is 0.
    w = (0xffff - s) % 0xffff
    body[-2:] = struct.pack("!H", w)
    return IP(src=src, dst=dst, ttl=64, id=77) / UDP(sport=sport, dport=dport) / Raw(bytes(body))


def cases():
    out = []

    def fwd(name, what, in_port, frame, ent, port, expected, allow_zero_udp=False):
        out.append({"name": name, "what": what, "in_port": in_port, "frame": frame, "entry": ent,
                    "expect": {"port": port, "frame": pad60(expected)}, "_zero": allow_zero_udp})

    def punt(name, what, in_port, frame, ent, reason, state_after=None):
        c = {"name": name, "what": what, "in_port": in_port, "frame": frame, "entry": ent,
             "expect": {"punt": reason}}
        if state_after:
            c["expect"]["state_after"] = state_after
        out.append(c)

    # ---- IPv4 NAPT: masquerade (SNAT) both directions -------------------------------------
    l3 = IP(src=HOST_A4, dst=SERVER4, ttl=64, id=0x1111) / TCP(sport=40000, dport=443, flags="A", seq=1000,
                                                            ack=2000, window=502) / payload(32, 1)
    fwd("ipv4_snat_tcp_original", "LAN -> WAN, source 192.168.1.100:40000 -> 203.0.113.2:61000",
        LAN, eth(LAN_IF, HOST_A, l3),
        entry("ipv4_hnapt", False, tup(HOST_A4, SERVER4, 40000, 443), tup(WAN4, SERVER4, 61000, 443)),
        WAN, eth(GATEWAY, WAN_IF, nat(l3, sip=WAN4, sport=61000)))
    l3 = IP(src=SERVER4, dst=WAN4, ttl=50, id=0x2222) / TCP(sport=443, dport=61000, flags="PA", seq=2000,
                                                         ack=1032) / payload(48, 2)
    fwd("ipv4_snat_tcp_reply", "WAN -> LAN, destination 203.0.113.2:61000 -> 192.168.1.100:40000",
        WAN, eth(WAN_IF, GATEWAY, l3),
        entry("ipv4_hnapt", False, tup(SERVER4, WAN4, 443, 61000), tup(SERVER4, HOST_A4, 443, 40000),
              dmac=HOST_A, smac=LAN_IF, dest=LAN, in_port=WAN),
        LAN, eth(HOST_A, LAN_IF, nat(l3, dip=HOST_A4, dport=40000)))

    # ---- IPv4 NAPT: port forward (DNAT) both directions ------------------------------------
    l3 = IP(src=CLIENT4, dst=WAN4, ttl=60, id=0x3333) / UDP(sport=5555, dport=8080) / payload(40, 3)
    fwd("ipv4_dnat_udp_original", "WAN -> LAN, destination 203.0.113.2:8080 -> 192.168.1.101:80",
        WAN, eth(WAN_IF, GATEWAY, l3),
        entry("ipv4_hnapt", True, tup(CLIENT4, WAN4, 5555, 8080), tup(CLIENT4, HOST_B4, 5555, 80),
              dmac=HOST_B, smac=LAN_IF, dest=LAN, in_port=WAN),
        LAN, eth(HOST_B, LAN_IF, nat(l3, dip=HOST_B4, dport=80)))
    l3 = IP(src=HOST_B4, dst=CLIENT4, ttl=64, id=0x4444) / UDP(sport=80, dport=5555) / payload(64, 4)
    fwd("ipv4_dnat_udp_reply", "LAN -> WAN, source 192.168.1.101:80 -> 203.0.113.2:8080",
        LAN, eth(LAN_IF, HOST_B, l3),
        entry("ipv4_hnapt", True, tup(HOST_B4, CLIENT4, 80, 5555), tup(WAN4, CLIENT4, 8080, 5555)),
        WAN, eth(GATEWAY, WAN_IF, nat(l3, sip=WAN4, sport=8080)))
    l3 = IP(src=CLIENT4, dst=WAN4, ttl=60, id=0x5555) / TCP(sport=6000, dport=2222, flags="A") / payload(10, 5)
    fwd("ipv4_dnat_and_snat_tcp", "DNAT to 192.168.1.101:22 and masquerade to 192.168.1.1:6000 at once",
        WAN, eth(WAN_IF, GATEWAY, l3),
        entry("ipv4_hnapt", False, tup(CLIENT4, WAN4, 6000, 2222), tup("192.168.1.1", HOST_B4, 6000, 22),
              dmac=HOST_B, smac=LAN_IF, dest=LAN, in_port=WAN),
        LAN, eth(HOST_B, LAN_IF, nat(l3, sip="192.168.1.1", dip=HOST_B4, dport=22)))

    # ---- IPv4 routing (no NAT) and the TTL boundary ----------------------------------------
    l3 = IP(src="10.1.0.5", dst="10.2.0.9", ttl=2, id=0x6666) / UDP(sport=1234, dport=4321) / payload(20, 6)
    fwd("ipv4_route_udp_ttl_2", "IPV4_ROUTE: no NAT, TTL 2 -> 1 is still forwarded",
        LAN, eth(LAN_IF, HOST_A, l3), entry("ipv4_route", True, tup("10.1.0.5", "10.2.0.9", 1234, 4321)),
        WAN, eth(GATEWAY, WAN_IF, nat(l3)))

    # ---- IPv6 routing (5-tuple, no NAT) ---------------------------------------------------
    l3 = IPv6(src=HOST_A6, dst=SERVER6, hlim=64) / TCP(sport=50000, dport=443, flags="A", seq=5) / payload(40, 7)
    fwd("ipv6_route_tcp", "IPV6_ROUTE_5T: hop limit 64 -> 63, MACs, checksum untouched",
        LAN, eth(LAN_IF, HOST_A, l3), entry("ipv6_route_5t", False, tup(HOST_A6, SERVER6, 50000, 443)),
        WAN, eth(GATEWAY, WAN_IF, nat(l3)))
    l3 = IPv6(src=SERVER6, dst=HOST_A6, hlim=55) / UDP(sport=53, dport=50001) / payload(30, 8)
    fwd("ipv6_route_udp_reply", "IPV6_ROUTE_5T reply direction, WAN -> LAN",
        WAN, eth(WAN_IF, GATEWAY, l3),
        entry("ipv6_route_5t", True, tup(SERVER6, HOST_A6, 53, 50001), dmac=HOST_A, smac=LAN_IF, dest=LAN,
              in_port=WAN),
        LAN, eth(HOST_A, LAN_IF, nat(l3)))

    # ---- VLAN pop / push -------------------------------------------------------------------
    l3 = IP(src=HOST_A4, dst=SERVER4, ttl=64, id=0x7777) / UDP(sport=40001, dport=53) / payload(6, 9)
    fwd("vlan_pop_short_frame", "802.1Q VID 10 (PCP 3) popped from a minimum-size frame; the MAC pads",
        LAN, pad60(eth(LAN_IF, HOST_A, l3, vlans=[0x600a])),
        entry("ipv4_hnapt", True, tup(HOST_A4, SERVER4, 40001, 53), tup(WAN4, SERVER4, 40001, 53), in_vlan=10),
        WAN, eth(GATEWAY, WAN_IF, nat(l3, sip=WAN4)) + bytes(8))
    l3 = IP(src=HOST_A4, dst=SERVER4, ttl=64, id=0x8888) / TCP(sport=40002, dport=80, flags="A") / payload(100, 10)
    fwd("vlan_push_one", "VLAN_LAYER 1: push VID 100 with PCP 5 (TCI 0xa064)",
        LAN, eth(LAN_IF, HOST_A, l3),
        entry("ipv4_hnapt", False, tup(HOST_A4, SERVER4, 40002, 80), tup(WAN4, SERVER4, 40002, 80), vlan_layer=1,
              vlan1=0xa064),
        WAN, eth(GATEWAY, WAN_IF, nat(l3, sip=WAN4), vlans=[0xa064]))
    l3 = IP(src=HOST_A4, dst=SERVER4, ttl=64, id=0x9999) / UDP(sport=40003, dport=123) / payload(48, 11)
    fwd("vlan_push_two", "VLAN_LAYER 2: outer VID 200, inner VID 300",
        LAN, eth(LAN_IF, HOST_A, l3),
        entry("ipv4_route", True, tup(HOST_A4, SERVER4, 40003, 123), vlan_layer=2, vlan1=200, vlan2=300),
        WAN, eth(GATEWAY, WAN_IF, nat(l3), vlans=[200, 300]))
    l3 = IPv6(src=HOST_A6, dst=SERVER6, hlim=10) / UDP(sport=40004, dport=4500) / payload(50, 12)
    fwd("vlan_swap_ipv6", "pop VID 10, push VID 20 (PCP 1), IPv6",
        LAN, eth(LAN_IF, HOST_A, l3, vlans=[10]),
        entry("ipv6_route_5t", True, tup(HOST_A6, SERVER6, 40004, 4500), in_vlan=10, vlan_layer=1, vlan1=0x2014),
        WAN, eth(GATEWAY, WAN_IF, nat(l3), vlans=[0x2014]))

    # ---- PPPoE push / pop ------------------------------------------------------------------
    l3 = IP(src=HOST_A4, dst=SERVER4, ttl=64, id=0xaaaa) / TCP(sport=40005, dport=443, flags="A") / payload(60, 13)
    fwd("pppoe_push_ipv4", "PPPoE session 0x1234 pushed on egress (length = L3 + 2, PPP 0x0021), SNAT",
        LAN, eth(LAN_IF, HOST_A, l3),
        entry("ipv4_hnapt", False, tup(HOST_A4, SERVER4, 40005, 443), tup(WAN4, SERVER4, 40005, 443),
              pppoe_sid=0x1234),
        WAN, eth(GATEWAY, WAN_IF, nat(l3, sip=WAN4), pppoe_sid=0x1234))
    l3 = IP(src=SERVER4, dst=WAN4, ttl=52, id=0xbbbb) / TCP(sport=443, dport=40005, flags="A") / payload(70, 14)
    fwd("pppoe_pop_ipv4", "PPPoE session 0x1234 popped on ingress, DNAT back to the LAN host",
        WAN, eth(WAN_IF, GATEWAY, l3, pppoe_sid=0x1234),
        entry("ipv4_hnapt", False, tup(SERVER4, WAN4, 443, 40005), tup(SERVER4, HOST_A4, 443, 40005),
              dmac=HOST_A, smac=LAN_IF, dest=LAN, in_port=WAN, in_pppoe_sid=0x1234),
        LAN, eth(HOST_A, LAN_IF, nat(l3, dip=HOST_A4)))
    l3 = IPv6(src=HOST_A6, dst=SERVER6, hlim=64) / TCP(sport=40006, dport=22, flags="A") / payload(20, 15)
    fwd("pppoe_push_ipv6_vlan", "PPPoE (PPP 0x0057) inside VLAN 7 pushed for IPv6",
        LAN, eth(LAN_IF, HOST_A, l3),
        entry("ipv6_route_5t", False, tup(HOST_A6, SERVER6, 40006, 22), pppoe_sid=0x0042, vlan_layer=1, vlan1=7),
        WAN, eth(GATEWAY, WAN_IF, nat(l3), vlans=[7], pppoe_sid=0x0042))
    l3 = IP(src=SERVER4, dst=HOST_A4, ttl=40, id=0xcccc) / UDP(sport=53, dport=40007) / payload(33, 16)
    fwd("pppoe_in_vlan_pop", "VLAN 35 + PPPoE session 1 popped on ingress, routed",
        WAN, eth(WAN_IF, GATEWAY, l3, vlans=[35], pppoe_sid=1),
        entry("ipv4_route", True, tup(SERVER4, HOST_A4, 53, 40007), dmac=HOST_A, smac=LAN_IF, dest=LAN, in_port=WAN,
              in_vlan=35, in_pppoe_sid=1),
        LAN, eth(HOST_A, LAN_IF, nat(l3)))

    # ---- UDP checksum rules -----------------------------------------------------------------
    l3 = IP(src=HOST_A4, dst=SERVER4, ttl=64, id=0xdddd) / UDP(sport=40008, dport=9999, chksum=0) / payload(24, 17)
    fwd("udp_zero_checksum_stays_zero", "UDP checksum 0 (not computed) is left 0 by the NAT",
        LAN, eth(LAN_IF, HOST_A, l3),
        entry("ipv4_hnapt", True, tup(HOST_A4, SERVER4, 40008, 9999), tup(WAN4, SERVER4, 50008, 9999)),
        WAN, eth(GATEWAY, WAN_IF, nat(l3, sip=WAN4, sport=50008)), allow_zero_udp=True)
    l3 = udp_that_nats_to_zero(HOST_A4, SERVER4, 40009, 7777, WAN4, 50009, 30)
    expected = nat(l3, sip=WAN4, sport=50009)
    assert expected[UDP].chksum == 0xffff, hex(expected[UDP].chksum)
    fwd("udp_checksum_mangled_0_is_ffff", "an update that yields UDP checksum 0 is sent as 0xffff",
        LAN, eth(LAN_IF, HOST_A, l3),
        entry("ipv4_hnapt", True, tup(HOST_A4, SERVER4, 40009, 7777), tup(WAN4, SERVER4, 50009, 7777)),
        WAN, eth(GATEWAY, WAN_IF, expected), allow_zero_udp=True)

    # ---- MTU boundary: L3 == MTU forwarded -----------------------------------------------
    l3 = IP(src=HOST_A4, dst=SERVER4, ttl=64, id=0xeeee) / UDP(sport=40010, dport=443) / payload(1400 - 28, 18)
    fwd("mtu_equal_is_forwarded", "entry MTU 1400, L3 length 1400", LAN, eth(LAN_IF, HOST_A, l3),
        entry("ipv4_route", True, tup(HOST_A4, SERVER4, 40010, 443), mtu=1400),
        WAN, eth(GATEWAY, WAN_IF, nat(l3)))

    # ---- Exceptions on a BIND hit: punted, never silently ------------------------------------
    def v4(sport, dport=443, ttl=64, proto="udp", tcp_flags="A", n=20, **ip):
        l4 = UDP(sport=sport, dport=dport) if proto == "udp" else TCP(sport=sport, dport=dport, flags=tcp_flags)
        return IP(src=HOST_A4, dst=SERVER4, ttl=ttl, id=sport, **ip) / l4 / payload(n, sport & 0xff)

    def bound(sport, dport=443, udp=True, **kw):
        return entry("ipv4_hnapt", udp, tup(HOST_A4, SERVER4, sport, dport), tup(WAN4, SERVER4, sport, dport), **kw)

    punt("punt_hit_ttl_1", "TTL 1 on a bound flow", LAN, eth(LAN_IF, HOST_A, v4(41000, ttl=1)), bound(41000),
         "hit_ttl_1")
    l3 = IPv6(src=HOST_A6, dst=SERVER6, hlim=1) / UDP(sport=41001, dport=443) / payload(20)
    punt("punt_hit_hop_limit_1", "IPv6 hop limit 1 on a bound flow", LAN, eth(LAN_IF, HOST_A, l3),
         entry("ipv6_route_5t", True, tup(HOST_A6, SERVER6, 41001, 443)), "hit_ttl_1")
    punt("punt_exceed_entry_mtu", "L3 length 1401 > entry MTU 1400", LAN,
         eth(LAN_IF, HOST_A, v4(41002, n=1401 - 28)), bound(41002, mtu=1400), "exceed_mtu")
    punt("punt_exceed_port_mtu", "L3 length 1501 > PORT_MTU 1500 of the egress port (entry MTU 0)", LAN,
         eth(LAN_IF, HOST_A, v4(41003, n=1501 - 28)), bound(41003, mtu=0), "exceed_mtu")
    punt("punt_tcp_fin", "TCP FIN on a bound flow: the entry moves to FIN", LAN,
         eth(LAN_IF, HOST_A, v4(41004, proto="tcp", tcp_flags="FA")), bound(41004, udp=False), "hit_bind_tcp_fin", "fin")
    punt("punt_tcp_rst", "TCP RST on a bound flow: the entry moves to FIN", LAN,
         eth(LAN_IF, HOST_A, v4(41005, proto="tcp", tcp_flags="R")), bound(41005, udp=False), "hit_bind_tcp_fin", "fin")
    punt("punt_tcp_syn", "TCP SYN on a bound flow: punted for software to see, the entry stays bound (the other "
         "direction's does too)", LAN,
         eth(LAN_IF, HOST_A, v4(41006, proto="tcp", tcp_flags="S")), bound(41006, udp=False), "hit_bind_tcp_fin", "bind")
    l3 = IP(src=HOST_A4, dst=SERVER4, ttl=64, id=7, options=[IPOption_Router_Alert()]) / \
        UDP(sport=41007, dport=443) / payload(20)
    punt("punt_option_header", "IPv4 options (router alert) on a bound tuple", LAN, eth(LAN_IF, HOST_A, l3),
         bound(41007), "option_header", "bind")
    punt("punt_ipv4_frag", "IPv4 first fragment (MF) of a bound tuple", LAN,
         eth(LAN_IF, HOST_A, v4(41008, flags="MF")), bound(41008),
         "ipv4_frag")
    l3 = IPv6(src=HOST_A6, dst=SERVER6, hlim=64) / IPv6ExtHdrHopByHop() / UDP(sport=41009, dport=443) / payload(20)
    punt("punt_ipv6_ext_header", "IPv6 hop-by-hop header before UDP of a bound tuple", LAN, eth(LAN_IF, HOST_A, l3),
         entry("ipv6_route_5t", True, tup(HOST_A6, SERVER6, 41009, 443)), "ipv6_ext_header")
    l3 = IP(src=HOST_A4, dst=SERVER4, ttl=64, id=9) / ICMP(type=8, id=41010, seq=1) / payload(20)
    punt("punt_not_tcp_udp", "ICMP echo between bound hosts", LAN, eth(LAN_IF, HOST_A, l3), bound(41010),
         "not_tcp_udp")
    punt("punt_wrong_in_port_is_miss", "tuple of an entry bound to port 0, received on port 2: a miss", DMZ,
         eth(LAN_IF, HOST_A, v4(41011)), bound(41011), "no_flow", "bind")
    punt("punt_wrong_vlan_is_miss", "entry matches VID 10, packet carries VID 11: a miss", LAN,
         eth(LAN_IF, HOST_A, v4(41012), vlans=[11]), bound(41012, in_vlan=10), "no_flow")
    punt("punt_tagged_on_untagged_entry_is_miss", "entry without IN_VLAN, packet tagged VID 10: a miss", LAN,
         eth(LAN_IF, HOST_A, v4(41013), vlans=[10]), bound(41013), "no_flow")
    punt("punt_wrong_pppoe_session_is_miss", "entry matches PPPoE session 5, packet in session 6: a miss", LAN,
         eth(LAN_IF, HOST_A, v4(41014), pppoe_sid=6), bound(41014, in_pppoe_sid=5), "no_flow")
    punt("punt_dest_beyond_ports", "IB2.DEST_PORT 9 on a 3-port chip", LAN, eth(LAN_IF, HOST_A, v4(41015)),
         bound(41015, dest=9), "hit_bind_force_cpu")
    punt("punt_vlan_layer_3", "IB1.VLAN_LAYER 3 (two is the most)", LAN, eth(LAN_IF, HOST_A, v4(41016)),
         bound(41016, vlan_layer=3), "hit_bind_vlan_violation")

    for c in out:
        zero = c.pop("_zero", False)
        if "frame" in c["expect"]:
            f = c["expect"]["frame"]
            l3_off = 14
            while struct.unpack("!H", f[l3_off - 2:l3_off])[0] == 0x8100:
                l3_off += 4
            if struct.unpack("!H", f[l3_off - 2:l3_off])[0] == 0x8864:
                l3_off += 8
            check_representation(f[l3_off:], allow_zero_udp=zero)
    return out


def write_pcap(path, frames):
    w = RawPcapWriter(str(path), linktype=DLT_EN10MB, snaplen=65535, endianness="<")
    w.write_header(None)
    for i, raw in enumerate(frames):
        w.write_packet(raw, sec=T0 + i, usec=0, caplen=len(raw), wirelen=len(raw))
    w.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    all_cases = cases()
    names = [c["name"] for c in all_cases]
    assert len(names) == len(set(names)), "duplicate case name"
    doc = {"comment": "Written by make_model_vectors.py; do not edit. Frames are hex, without FCS.",
           "cases": []}
    for c in all_cases:
        c = dict(c)
        c["frame"] = c["frame"].hex()
        c["expect"] = dict(c["expect"])
        if "frame" in c["expect"]:
            c["expect"]["frame"] = c["expect"]["frame"].hex()
        doc["cases"].append(c)
    (args.out / "model_vectors.json").write_text(json.dumps(doc, indent=1) + "\n")
    write_pcap(args.out / "model_vectors_in.pcap", [c["frame"] for c in all_cases])
    write_pcap(args.out / "model_vectors_expected.pcap",
               [c["expect"]["frame"] for c in all_cases if "frame" in c["expect"]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
