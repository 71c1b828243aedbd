#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# The origin of the frames in this folder's expectation files: Scapy builds each input frame
# and, independently of flowsim, the frame the home router (scenarios/home_router.yaml) must
# send for it: TTL or hop limit one less, the next hop's MACs, masquerade to 203.0.113.2
# (source port kept), checksums as Scapy computes them. `frames.py NAME` prints NAME's
# `packet`/`expect` lines, which the .expect file holds with the prose around them.
"""Print the packet and expect lines of a conformance file of this folder."""

import ipaddress
import pathlib
import sys

from scapy.all import IP, TCP, UDP, Ether, IPv6, Raw, ICMP, IPerror, UDPerror

LAN_MAC, WAN_MAC = "02:00:00:00:01:01", "02:00:00:00:02:01"
A_MAC, GW_MAC = "02:00:00:00:01:64", "02:00:00:00:02:fe"
A_V4, WAN_V4, SERVER_V4 = "192.168.1.100", "203.0.113.2", "198.51.100.10"
A_V6, WAN_V6, SERVER_V6 = "2001:db8:1::100", "2001:db8:ffff::2", "2001:db8:2::10"
LAN_TTL, WAN_TTL = 64, 50

# The hardware's hash, from the one description of the hardware (rtl/spec).
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "rtl" / "spec"))
from gen_hw import foe_hash, foe_hash_words  # noqa: E402

HASH_SEED = 0x12345678  # the driver's (Airoha's)


def bucket(src, dst, sport, dport, buckets):
    words = foe_hash_words(4, ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed, sport, dport,
                           HASH_SEED)
    return foe_hash(*words) & (buckets - 1)


def hexof(pkt, pad=True) -> str:
    raw = bytes(pkt)
    if pad and len(raw) < 60:
        raw += bytes(60 - len(raw))
    return raw.hex()


def l4(proto, sport, dport, flags, seq, ack):
    if proto == "udp":
        return UDP(sport=sport, dport=dport)
    return TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=502)


def request(sport, dport, payload, ip_id, proto="udp", flags="PA", seq=0, ack=0, server=SERVER_V4, df=False,
            out_tos=0):
    """A LAN host's packet to the Internet as it arrives, and as the router must send it."""
    frag = "DF" if df else 0
    seg = l4(proto, sport, dport, flags, seq, ack) / Raw(payload)
    inp = Ether(dst=LAN_MAC, src=A_MAC) / IP(src=A_V4, dst=server, id=ip_id, ttl=LAN_TTL, flags=frag) / seg
    out = Ether(dst=GW_MAC, src=WAN_MAC) / IP(src=WAN_V4, dst=server, id=ip_id, ttl=LAN_TTL - 1, flags=frag,
                                              tos=out_tos) / seg
    return hexof(inp), hexof(out, pad=False)


def answer(sport, dport, payload, ip_id, proto="udp", flags="PA", seq=0, ack=0, server=SERVER_V4, df=False,
           out_tos=0):
    """The server's answer to the masqueraded address, as it arrives and as the router sends it."""
    frag = "DF" if df else 0
    seg = l4(proto, dport, sport, flags, seq, ack) / Raw(payload)
    inp = Ether(dst=WAN_MAC, src=GW_MAC) / IP(src=server, dst=WAN_V4, id=ip_id, ttl=WAN_TTL, flags=frag) / seg
    out = Ether(dst=A_MAC, src=LAN_MAC) / IP(src=server, dst=A_V4, id=ip_id, ttl=WAN_TTL - 1, flags=frag,
                                             tos=out_tos) / seg
    return hexof(inp), hexof(out, pad=False)


def request6(sport, dport, payload, proto="udp", flags="PA", seq=0, ack=0, nat=False):
    """IPv6: routed, or with `nat` masqueraded to the router's WAN address (port kept)."""
    seg = l4(proto, sport, dport, flags, seq, ack) / Raw(payload)
    inp = Ether(dst=LAN_MAC, src=A_MAC) / IPv6(src=A_V6, dst=SERVER_V6, hlim=LAN_TTL) / seg
    out = Ether(dst=GW_MAC, src=WAN_MAC) / IPv6(src=WAN_V6 if nat else A_V6, dst=SERVER_V6, hlim=LAN_TTL - 1) / seg
    return hexof(inp), hexof(out, pad=False)


def answer6(sport, dport, payload, proto="udp", flags="PA", seq=0, ack=0, nat=False):
    seg = l4(proto, dport, sport, flags, seq, ack) / Raw(payload)
    inp = Ether(dst=WAN_MAC, src=GW_MAC) / IPv6(src=SERVER_V6, dst=WAN_V6 if nat else A_V6, hlim=WAN_TTL) / seg
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


def ipv6_nat_refused():
    # A masqueraded IPv6 UDP conversation: request, answer (flow add: the driver refuses it),
    # then 2 requests and 2 answers on the software fast path.
    s = Lines()
    s.lan(request6(5000, 7000, b"req1", nat=True))
    s.text("wait 1ms")
    s.wan(answer6(5000, 7000, b"ans1", nat=True))
    s.text("wait 1ms")
    for i in range(2):
        s.lan(request6(5000, 7000, f"req{i + 2}".encode(), nat=True))
        s.text("wait 1ms")
        s.wan(answer6(5000, 7000, f"ans{i + 2}".encode(), nat=True))
        s.text("wait 1ms")
    s.dump()


def sized(n_ip):
    """A UDP payload that makes an IPv4 packet of n_ip bytes."""
    return bytes((i * 7) & 0xff for i in range(n_ip - 28))


def fragments(frame_hex, mtu):
    """Linux's ip_fragment of a forwarded frame (hex, no padding) for an MTU: 8-byte aligned pieces."""
    pkt = Ether(bytes.fromhex(frame_hex))
    ip = pkt[IP]
    body = bytes(ip.payload)
    step = (mtu - 20) // 8 * 8
    out = []
    for off in range(0, len(body), step):
        last = off + step >= len(body)
        frag = IP(src=ip.src, dst=ip.dst, id=ip.id, ttl=ip.ttl, proto=ip.proto, flags=0 if last else "MF",
                  frag=off // 8) / Raw(body[off:off + step])
        out.append(hexof(Ether(dst=pkt.dst, src=pkt.src) / frag, pad=False))
    return out


def frag_needed(frame_hex, router_ip, to_mac, from_mac, mtu, ttl=64):
    """icmp_send's answer to a DF packet over the MTU: TOS 0xc0, the original quoted as far as
    576 bytes go; its IPv4 ID is Linux's random one (the file masks ipv4.id)."""
    orig = Ether(bytes.fromhex(frame_hex))[IP]
    quote = bytes(orig)[:576 - 28]
    icmp = IP(src=router_ip, dst=orig.src, tos=0xc0, ttl=ttl, id=0) / ICMP(type=3, code=4, nexthopmtu=mtu) / Raw(quote)
    return hexof(Ether(dst=to_mac, src=from_mac) / icmp, pad=False)


def mtu_1492():
    # Both ports have MTU 1492 (PPPoE-sized). A UDP conversation offloaded by its answer, then
    # in each direction: 1492 bytes of IP (fits), 1493 with DF (ICMP fragmentation needed),
    # 1493 without DF (two fragments); then a small packet each way.
    s = Lines()
    s.lan(request(5000, 7000, b"req1", 0x101))
    s.text("wait 1ms")
    s.wan(answer(5000, 7000, b"ans1", 0x201))
    s.text("wait 1ms")
    s.lan(request(5000, 7000, sized(1492), 0x102, df=True), "1492 B, DF")
    s.text("wait 1ms")
    big = request(5000, 7000, sized(1493), 0x103, df=True)
    s.steps.append(f"packet lan {big[0]}  # 1493 B, DF")
    s.out["lan"].append("expect lan " + frag_needed(big[0], "192.168.1.1", A_MAC, LAN_MAC, 1492) + " mask ipv4.id")
    s.text("wait 1ms")
    big = request(5000, 7000, sized(1493), 0x104)
    s.steps.append(f"packet lan {big[0]}  # 1493 B")
    s.out["wan"] += [f"expect wan {f}" for f in fragments(big[1], 1492)]
    s.text("wait 1ms")
    s.wan(answer(5000, 7000, sized(1492), 0x202, df=True), "1492 B, DF")
    s.text("wait 1ms")
    big = answer(5000, 7000, sized(1493), 0x203, df=True)
    s.steps.append(f"packet wan {big[0]}  # 1493 B, DF")
    # Linux quotes the packet as forwarding saw it (destination translated back to
    # 192.168.1.100), then NAT translates the quote on the way out (nf_nat_icmp_reply_translation).
    s.out["wan"].append("expect wan " + frag_needed(big[0], WAN_V4, GW_MAC, WAN_MAC, 1492) + " mask ipv4.id")
    s.text("wait 1ms")
    big = answer(5000, 7000, sized(1493), 0x204)
    s.steps.append(f"packet wan {big[0]}  # 1493 B")
    s.out["lan"] += [f"expect lan {f}" for f in fragments(big[1], 1492)]
    s.text("wait 1ms")
    s.lan(request(5000, 7000, b"req5", 0x105))
    s.text("wait 1ms")
    s.wan(answer(5000, 7000, b"ans5", 0x205))
    s.text("wait 1ms")
    s.dump()


def flowtable_timeouts_tcp():
    # nftables' packetpath/flowtables test: an IPv6 TCP connection (routed, no NAT) of host A
    # [2001:db8:1::100]:40000 to [2001:db8:2::10]:443. Handshake, a data packet, 6 s idle,
    # a data packet, then one every 4 s.
    s = Lines()
    s.lan(request6(40000, 443, b"", proto="tcp", flags="S", seq=1000))
    s.text("wait 1ms")
    s.wan(answer6(40000, 443, b"", proto="tcp", flags="SA", seq=5000, ack=1001))
    s.text("wait 1ms")
    s.lan(request6(40000, 443, b"", proto="tcp", flags="A", seq=1001, ack=5001))
    s.text("wait 1ms")
    seq = 1001
    for i in range(6):
        data = f"data{i + 1}".encode()
        s.lan(request6(40000, 443, data, proto="tcp", flags="PA", seq=seq, ack=5001))
        seq += len(data)
        s.text("wait 6s" if i == 0 else "wait 4s")
    s.dump()


def flowtable_timeouts_udp():
    # The same for UDP: host A 192.168.1.100:5000 to 198.51.100.10:7000 (masqueraded):
    # request, answer, 6 s idle, a request, then one every 4 s.
    s = Lines()
    s.lan(request(5000, 7000, b"req1", 0x101))
    s.text("wait 1ms")
    s.wan(answer(5000, 7000, b"ans1", 0x201))
    s.text("wait 6s")
    for i in range(4):
        s.lan(request(5000, 7000, f"req{i + 2}".encode(), 0x102 + i))
        s.text("wait 4s")
    s.dump()


def tcp_transfer():
    # Host A 192.168.1.100:40000 to 198.51.100.10:443 (masqueraded, port kept): handshake,
    # then 8 segments of 200 bytes each way, alternating, 100 us apart.
    s = Lines()
    s.lan(request(40000, 443, b"", 0x100, proto="tcp", flags="S", seq=1000, df=True))
    s.text("wait 1ms")
    s.wan(answer(40000, 443, b"", 0x200, proto="tcp", flags="SA", seq=5000, ack=1001, df=True))
    s.text("wait 1ms")
    s.lan(request(40000, 443, b"", 0x101, proto="tcp", flags="A", seq=1001, ack=5001, df=True))
    s.text("wait 1ms")
    up, down = 1001, 5001
    for i in range(8):
        data = bytes((i * 31 + j) & 0xff for j in range(200))
        s.lan(request(40000, 443, data, 0x102 + i, proto="tcp", flags="PA", seq=up, ack=down, df=True))
        up += 200
        s.text("wait 100us")
        s.wan(answer(40000, 443, data[::-1], 0x201 + i, proto="tcp", flags="PA", seq=down, ack=up, df=True))
        down += 200
        s.text("wait 100us")
    s.dump()


def colliding_flows(n, buckets, ways):
    """n (source port, server) pairs of host A's UDP to port 7000, each to a server of its
    own, whose requests share one bucket, and whose answers (to WAN_V4, port kept) fit the
    ways of their buckets. The hash mixes the two directions alike: requests that share a
    bucket have their answers in one of two buckets."""
    for sport in range(10000, 60000):
        b = bucket(A_V4, SERVER_V4, sport, 7000, buckets)
        chosen, used = [], {}
        for host in range(1, 255):
            server = f"198.51.100.{host}"
            for p in range(10000, 60000, 7):
                if bucket(A_V4, server, p, 7000, buckets) != b:
                    continue
                rb = bucket(server, WAN_V4, 7000, p, buckets)
                if rb != b and used.get(rb, 0) < ways:
                    chosen.append((p, server))
                    used[rb] = used.get(rb, 0) + 1
                break
            if len(chosen) == n:
                return b, chosen
    raise SystemExit("no such flows")


def hash_collision_storm():
    # The home router's table (4096 buckets of 4 ways): 6 UDP conversations whose requests
    # share bucket b, each to a server of its own. Each opens
    # with a request and an answer (offloaded), then 3 rounds of a request and an answer each.
    b, flows = colliding_flows(6, 4096, 4)
    s = Lines()
    s.text(f"# requests' bucket {b}; flows " + ", ".join(f"{p} to {srv}" for p, srv in flows))
    ident = 0x100
    for p, srv in flows:
        s.lan(request(p, 7000, b"open", ident, server=srv))
        s.text("wait 100us")
        s.wan(answer(p, 7000, b"okay", ident + 0x1000, server=srv))
        s.text("wait 100us")
        ident += 1
    s.text("wait 1ms")
    for r in range(3):
        for p, srv in flows:
            s.lan(request(p, 7000, f"req{r}".encode(), ident, server=srv))
            s.text("wait 10us")
            s.wan(answer(p, 7000, f"ans{r}".encode(), ident + 0x1000, server=srv))
            s.text("wait 10us")
            ident += 1
    s.dump()


def aging_under_traffic():
    # Conversations A (192.168.1.100:5000) and B (:5001) to 198.51.100.10:7000, both
    # offloaded; then A alone, a request and an answer every 5 s, 14 times (70 s).
    s = Lines()
    for sport, tag in ((5000, b"A"), (5001, b"B")):
        s.lan(request(sport, 7000, b"open" + tag, 0x100 + sport - 5000))
        s.text("wait 100us")
        s.wan(answer(sport, 7000, b"okay" + tag, 0x200 + sport - 5000))
        s.text("wait 100us")
    for i in range(14):
        s.text("wait 5s")
        s.lan(request(5000, 7000, b"req%02d" % i, 0x110 + i))
        s.text("wait 100us")
        s.wan(answer(5000, 7000, b"ans%02d" % i, 0x210 + i))
    s.dump()


def driver_reset():
    # Host A 192.168.1.100:5000 to 198.51.100.10:7000: request, answer (offloaded), a request
    # through the hardware; after the reset a request and an answer.
    s = Lines()
    s.lan(request(5000, 7000, b"req1", 0x101))
    s.text("wait 1ms")
    s.wan(answer(5000, 7000, b"ans1", 0x201))
    s.text("wait 1ms")
    s.lan(request(5000, 7000, b"req2", 0x102))
    s.text("wait 1ms")
    s.text("event driver reset")
    s.text("wait 1ms")
    s.lan(request(5000, 7000, b"req3", 0x103))
    s.text("wait 1ms")
    s.wan(answer(5000, 7000, b"ans2", 0x202))
    s.dump()


def dscp_forward():
    # Host A 192.168.1.100:5000 to 198.51.100.10:7000: request and answer on the slow path
    # (DSCP CS3 = TOS 0x60 set by the forward chain), then two requests and an answer through
    # the hardware (DSCP as they came, 0).
    s = Lines()
    s.lan(request(5000, 7000, b"req1", 0x101, out_tos=0x60))
    s.text("wait 1ms")
    s.wan(answer(5000, 7000, b"ans1", 0x201, out_tos=0x60))
    s.text("wait 1ms")
    s.lan(request(5000, 7000, b"req2", 0x102))
    s.text("wait 1ms")
    s.wan(answer(5000, 7000, b"ans2", 0x202))
    s.text("wait 1ms")
    s.lan(request(5000, 7000, b"req3", 0x103))
    s.dump()


SCENARIOS = {f.__name__: f for f in (ct_original_packets, flowtable_counter, ipv6_nat_refused, mtu_1492,
                                     flowtable_timeouts_tcp, flowtable_timeouts_udp, tcp_transfer,
                                     hash_collision_storm, aging_under_traffic, driver_reset, dscp_forward)}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in SCENARIOS:
        sys.exit(f"usage: frames.py {'|'.join(SCENARIOS)}")
    SCENARIOS[sys.argv[1]]()
