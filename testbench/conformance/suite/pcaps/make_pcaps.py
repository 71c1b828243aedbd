#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Writes the pcaps of the conformance files that carry more frames than hex lines should hold.
# ../cpu_port_storm.expect (the home router, scenarios/home_router.yaml):
#  - storm_lan.pcap: 2000 UDP requests of host A (192.168.1.100), each a new conversation
#    (source ports 20000..21999) to 198.51.100.10:7000, back to back at 10 GbE (60-byte
#    frames: 84 bytes on the wire, 67.2 ns; nanosecond timestamps round down);
#  - bound_wan.pcap: 100 answers of an offloaded conversation (198.51.100.20:7000 to
#    203.0.113.2:5000, masqueraded host A), one per 1.344 us over the same 134.4 us;
#  - bound_lan_expected.pcap: those answers as the router must send them to host A (TTL one
#    less, the LAN MACs, the destination translated back).
# ../table_full.expect (the home router with a table of 1024 entries, 4 ways, 256 buckets):
#  - table_full_lan.pcap, table_full_wan.pcap: 520 UDP conversations of host A to 198.51.100.x
#    port 7000, the first 512 chosen with the hardware's hash (rtl/spec) so that their 1024
#    entries fill every way of every bucket exactly; two rounds, each a request (LAN, every
#    20 us) and its answer (WAN, 10 us later); the WAN file starts 10 us after the LAN file;
#  - table_full_wan_expected.pcap, table_full_lan_expected.pcap: what the router sends
#    (masqueraded to 203.0.113.2, ports kept; TTL one less; the next hop's MACs).
# ../mtu_property.expect (the home router with the MTUs drawn here, seed 20261203: lan 1280..9000
# and wan 1280..9000): a UDP conversation of host A to 198.51.100.10:7000 (set up by the file),
# then 16 packets of it from the LAN and 16 answers from the WAN, of random IPv4 sizes up to the
# ingress MTU, half of them DF, 100 us apart:
#  - mtu_property_lan.pcap, mtu_property_wan.pcap: what arrives;
#  - mtu_property_wan_expected.pcap, mtu_property_lan_expected.pcap: what the router must
#    send: the packet translated if it fits the egress MTU, else with DF an ICMP
#    fragmentation needed (next-hop MTU, 548 bytes quoted, from the ingress port's address,
#    IPv4 ID 0: the file masks it) back out of the ingress port, else fragments of
#    (MTU - 20) & ~7 bytes as ip_fragment cuts them.
# Classic pcap, nanosecond timestamps, Ethernet. Deterministic.
"""Generate the pcaps of the conformance suite's storm and table-full files."""

import argparse
import ipaddress
import pathlib
import random
import struct
import sys

from scapy.all import ICMP, IP, UDP, Ether, Raw

LAN_MAC, WAN_MAC = "02:00:00:00:01:01", "02:00:00:00:02:01"
A_MAC, GW_MAC = "02:00:00:00:01:64", "02:00:00:00:02:fe"
T0_NS = 1_700_000_000_000_000_000
A_V4, WAN_V4 = "192.168.1.100", "203.0.113.2"

# The hardware's hash, from the one description of the hardware.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[4] / "rtl" / "spec"))
from gen_hw import foe_hash, foe_hash_words  # noqa: E402

HASH_SEED = 0x12345678  # the driver's


def bucket(src, dst, sport, dport, buckets):
    words = foe_hash_words(4, ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed, sport, dport,
                           HASH_SEED)
    return foe_hash(*words) & (buckets - 1)


def filling_flows(buckets, ways):
    """(source port, server) pairs whose request and answer entries fill every way exactly."""
    used, flows = [0] * buckets, []
    for host in range(1, 255):
        server = f"198.51.100.{host}"
        for sport in range(10000, 10400):
            need = {bucket(A_V4, server, sport, 7000, buckets): 1}
            reply = bucket(server, WAN_V4, 7000, sport, buckets)
            need[reply] = need.get(reply, 0) + 1
            if all(used[b] + n <= ways for b, n in need.items()):
                for b, n in need.items():
                    used[b] += n
                flows.append((sport, server))
                if len(flows) * 2 == buckets * ways:
                    return flows
    raise SystemExit("the table cannot be filled exactly")


class PcapWriter:
    def __init__(self, path: pathlib.Path):
        self.file = open(path, "wb")
        self.file.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 262144, 1))

    def write(self, ts_ns: int, data: bytes):
        self.file.write(struct.pack("<IIII", ts_ns // 1_000_000_000, ts_ns % 1_000_000_000, len(data), len(data)))
        self.file.write(data)

    def close(self):
        self.file.close()


def padded(pkt) -> bytes:
    raw = bytes(pkt)
    return raw + bytes(max(0, 60 - len(raw)))


MTU_SEED = 20261203


def mtu_property_mtus():
    rng = random.Random(MTU_SEED)
    return rng, rng.randint(1280, 9000), rng.randint(1280, 9000)


def fragments(ip, mtu):
    """ip_fragment of a forwarded IPv4 packet: pieces of (mtu - 20) & ~7 bytes."""
    body = bytes(ip.payload)
    step = (mtu - 20) // 8 * 8
    out = []
    for off in range(0, len(body), step):
        last = off + step >= len(body)
        out.append(IP(src=ip.src, dst=ip.dst, id=ip.id, ttl=ip.ttl, proto=ip.proto, flags=0 if last else "MF",
                      frag=off // 8) / Raw(body[off:off + step]))
    return out


def write_mtu_property(out):
    rng, lan_mtu, wan_mtu = mtu_property_mtus()
    files = {name: PcapWriter(out / f"mtu_property_{name}.pcap") for name in ("lan", "wan", "lan_expected", "wan_expected")}
    for direction in ("lan", "wan"):
        ingress_mtu, egress_mtu = (lan_mtu, wan_mtu) if direction == "lan" else (wan_mtu, lan_mtu)
        for i in range(16):
            size = rng.randint(28, ingress_mtu)
            df = rng.random() < 0.5
            payload = Raw(bytes((i * 13 + j) & 0xff for j in range(size - 28)))
            ident = (0x5000 if direction == "lan" else 0x6000) + i
            flags = "DF" if df else 0
            t = T0_NS + i * 100_000
            if direction == "lan":
                inp_ip = IP(src=A_V4, dst="198.51.100.10", id=ident, ttl=64, flags=flags) / UDP(sport=5000, dport=7000) / payload
                inp = Ether(dst=LAN_MAC, src=A_MAC) / inp_ip
                fwd_ip = IP(src=WAN_V4, dst="198.51.100.10", id=ident, ttl=63, flags=flags) / UDP(sport=5000, dport=7000) / payload
                fwd_l2, back_l2, back_src, back_file, fwd_file = (Ether(dst=GW_MAC, src=WAN_MAC), Ether(dst=A_MAC, src=LAN_MAC),
                                                                  "192.168.1.1", "lan_expected", "wan_expected")
            else:
                inp_ip = IP(src="198.51.100.10", dst=WAN_V4, id=ident, ttl=50, flags=flags) / UDP(sport=7000, dport=5000) / payload
                inp = Ether(dst=WAN_MAC, src=GW_MAC) / inp_ip
                fwd_ip = IP(src="198.51.100.10", dst=A_V4, id=ident, ttl=49, flags=flags) / UDP(sport=7000, dport=5000) / payload
                fwd_l2, back_l2, back_src, back_file, fwd_file = (Ether(dst=A_MAC, src=LAN_MAC), Ether(dst=GW_MAC, src=WAN_MAC),
                                                                  WAN_V4, "wan_expected", "lan_expected")
            files[direction].write(t, padded(inp))
            fwd_ip = IP(bytes(fwd_ip))
            if size <= egress_mtu:
                files[fwd_file].write(t, bytes(fwd_l2 / fwd_ip))
            elif df:
                quote = bytes(IP(bytes(inp_ip)))[:576 - 28]
                err = IP(src=back_src, dst=inp_ip.src, tos=0xc0, ttl=64, id=0) / ICMP(type=3, code=4, nexthopmtu=egress_mtu) / Raw(quote)
                files[back_file].write(t, bytes(back_l2 / err))
            else:
                for frag in fragments(fwd_ip, egress_mtu):
                    files[fwd_file].write(t, bytes(fwd_l2 / frag))
    for f in files.values():
        f.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(pathlib.Path(__file__).parent))
    out = pathlib.Path(parser.parse_args().out)

    storm = PcapWriter(out / "storm_lan.pcap")
    for i in range(2000):
        pkt = Ether(dst=LAN_MAC, src=A_MAC) / IP(src="192.168.1.100", dst="198.51.100.10", id=i, ttl=64) / UDP(
            sport=20000 + i, dport=7000) / Raw(b"storm")
        storm.write(T0_NS + i * 672 // 10, padded(pkt))
    storm.close()

    bound_in = PcapWriter(out / "bound_wan.pcap")
    bound_out = PcapWriter(out / "bound_lan_expected.pcap")
    for i in range(100):
        seg = UDP(sport=7000, dport=5000) / Raw(b"bound%03d" % i)
        inp = Ether(dst=WAN_MAC, src=GW_MAC) / IP(src="198.51.100.20", dst="203.0.113.2", id=0x4000 + i, ttl=50) / seg
        exp = Ether(dst=A_MAC, src=LAN_MAC) / IP(src="198.51.100.20", dst="192.168.1.100", id=0x4000 + i, ttl=49) / seg
        ts = T0_NS + i * 1344
        bound_in.write(ts, padded(inp))
        bound_out.write(ts, bytes(exp))
    bound_in.close()
    bound_out.close()

    flows = filling_flows(256, 4)
    # 8 more, to servers the filling flows do not use.
    flows += [(11000 + i, "198.51.100.200") for i in range(8)]
    writers = {name: PcapWriter(out / f"table_full_{name}.pcap")
               for name in ("lan", "wan", "wan_expected", "lan_expected")}
    for rnd in range(2):
        for i, (sport, server) in enumerate(flows):
            t = T0_NS + (rnd * len(flows) + i) * 20_000
            payload = Raw(b"r%d-%03d" % (rnd, i))
            req = UDP(sport=sport, dport=7000) / payload
            ans = UDP(sport=7000, dport=sport) / payload
            ident = (rnd << 12) | i
            writers["lan"].write(t, padded(Ether(dst=LAN_MAC, src=A_MAC) / IP(src=A_V4, dst=server, id=ident, ttl=64) / req))
            writers["wan_expected"].write(t, bytes(Ether(dst=GW_MAC, src=WAN_MAC) / IP(src=WAN_V4, dst=server, id=ident, ttl=63) / req))
            writers["wan"].write(t + 10_000, padded(Ether(dst=WAN_MAC, src=GW_MAC) / IP(src=server, dst=WAN_V4, id=ident, ttl=50) / ans))
            writers["lan_expected"].write(t + 10_000, bytes(Ether(dst=A_MAC, src=LAN_MAC) / IP(src=server, dst=A_V4, id=ident, ttl=49) / ans))
    for w in writers.values():
        w.close()

    write_mtu_property(out)


if __name__ == "__main__":
    main()
