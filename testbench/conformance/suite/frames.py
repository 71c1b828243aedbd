#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# The origin of the frames in this folder's expectation files: Scapy builds each input frame
# and, independently of flowsim, the frame the home router (scenarios/home_router.yaml) must
# send for it: TTL or hop limit one less, the next hop's MACs, masquerade to 203.0.113.2
# (source port kept), checksums as Scapy computes them. `frames.py NAME` prints NAME's
# `packet`/`expect` lines, which the .expect file holds with the prose around them.
"""Print the packet and expect lines of a conformance file of this folder."""

import sys

from scapy.all import IP, TCP, UDP, Ether, IPv6, Raw, ICMP, IPerror, UDPerror

LAN_MAC, WAN_MAC = "02:00:00:00:01:01", "02:00:00:00:02:01"
A_MAC, GW_MAC = "02:00:00:00:01:64", "02:00:00:00:02:fe"
A_V4, WAN_V4, SERVER_V4 = "192.168.1.100", "203.0.113.2", "198.51.100.10"
A_V6, SERVER_V6 = "2001:db8:1::100", "2001:db8:2::10"
LAN_TTL, WAN_TTL = 64, 50


def hexof(pkt, pad=True) -> str:
    raw = bytes(pkt)
    if pad and len(raw) < 60:
        raw += bytes(60 - len(raw))
    return raw.hex()


def l4(proto, sport, dport, flags, seq, ack):
    if proto == "udp":
        return UDP(sport=sport, dport=dport)
    return TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=502)


def request(sport, dport, payload, ip_id, proto="udp", flags="PA", seq=0, ack=0, server=SERVER_V4, df=False):
    """A LAN host's packet to the Internet as it arrives, and as the router must send it."""
    frag = "DF" if df else 0
    seg = l4(proto, sport, dport, flags, seq, ack) / Raw(payload)
    inp = Ether(dst=LAN_MAC, src=A_MAC) / IP(src=A_V4, dst=server, id=ip_id, ttl=LAN_TTL, flags=frag) / seg
    out = Ether(dst=GW_MAC, src=WAN_MAC) / IP(src=WAN_V4, dst=server, id=ip_id, ttl=LAN_TTL - 1, flags=frag) / seg
    return hexof(inp), hexof(out, pad=False)


def answer(sport, dport, payload, ip_id, proto="udp", flags="PA", seq=0, ack=0, server=SERVER_V4, df=False):
    """The server's answer to the masqueraded address, as it arrives and as the router sends it."""
    frag = "DF" if df else 0
    seg = l4(proto, dport, sport, flags, seq, ack) / Raw(payload)
    inp = Ether(dst=WAN_MAC, src=GW_MAC) / IP(src=server, dst=WAN_V4, id=ip_id, ttl=WAN_TTL, flags=frag) / seg
    out = Ether(dst=A_MAC, src=LAN_MAC) / IP(src=server, dst=A_V4, id=ip_id, ttl=WAN_TTL - 1, flags=frag) / seg
    return hexof(inp), hexof(out, pad=False)


def request6(sport, dport, payload, proto="udp", flags="PA", seq=0, ack=0):
    seg = l4(proto, sport, dport, flags, seq, ack) / Raw(payload)
    inp = Ether(dst=LAN_MAC, src=A_MAC) / IPv6(src=A_V6, dst=SERVER_V6, hlim=LAN_TTL) / seg
    out = Ether(dst=GW_MAC, src=WAN_MAC) / IPv6(src=A_V6, dst=SERVER_V6, hlim=LAN_TTL - 1) / seg
    return hexof(inp), hexof(out, pad=False)


def answer6(sport, dport, payload, proto="udp", flags="PA", seq=0, ack=0):
    seg = l4(proto, dport, sport, flags, seq, ack) / Raw(payload)
    inp = Ether(dst=WAN_MAC, src=GW_MAC) / IPv6(src=SERVER_V6, dst=A_V6, hlim=WAN_TTL) / seg
    out = Ether(dst=A_MAC, src=LAN_MAC) / IPv6(src=SERVER_V6, dst=A_V6, hlim=WAN_TTL - 1) / seg
    return hexof(inp), hexof(out, pad=False)


class Lines:
    """Collects packet lines in time order and the expected frames per port in port order."""

    def __init__(self):
        self.steps, self.out = [], {"wan": [], "lan": [], "cpu": []}

    def lan(self, pair, note=""):
        self.steps.append(f"packet lan {pair[0]}" + (f"  # {note}" if note else ""))
        self.out["wan"].append(f"expect wan {pair[1]}")

    def wan(self, pair, note=""):
        self.steps.append(f"packet wan {pair[0]}" + (f"  # {note}" if note else ""))
        self.out["lan"].append(f"expect lan {pair[1]}")

    def text(self, line):
        self.steps.append(line)

    def dump(self):
        print("\n".join(self.steps))
        for port in ("cpu", "wan", "lan"):
            if self.out[port]:
                print()
                print("\n".join(self.out[port]))


def ct_original_packets():
    s = Lines()
    for i in range(1, 4):
        s.lan(request(5000, 7000, f"req{i}".encode(), 0x100 + i))
        s.text("wait 1ms")
        if i == 1:
            s.wan(answer(5000, 7000, b"ans1", 0x200))
            s.text("wait 1ms")
    s.lan(request(5000, 7000, b"req4", 0x104))
    s.text("wait 1ms")
    s.lan(request(5000, 7000, b"req5", 0x105))
    s.text("wait 1ms")
    s.wan(answer(5000, 7000, b"ans2", 0x201))
    s.text("wait idle")
    s.dump()


def flowtable_counter():
    # Request, answer (established), request (flow add: offloaded), then 3 requests and 2
    # answers through the hardware.
    s = Lines()
    s.lan(request(5000, 7000, b"req1", 0x101))
    s.text("wait 1ms")
    s.wan(answer(5000, 7000, b"ans1", 0x201))
    s.text("wait 1ms")
    s.lan(request(5000, 7000, b"req2", 0x102))
    s.text("wait 1ms")
    for i in range(3):
        s.lan(request(5000, 7000, f"req{i + 3}".encode(), 0x103 + i))
        s.text("wait 1ms")
        if i < 2:
            s.wan(answer(5000, 7000, f"ans{i + 2}".encode(), 0x202 + i))
            s.text("wait 1ms")
    s.dump()


SCENARIOS = {f.__name__: f for f in (ct_original_packets, flowtable_counter)}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in SCENARIOS:
        sys.exit(f"usage: frames.py {'|'.join(SCENARIOS)}")
    SCENARIOS[sys.argv[1]]()
