#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Writes a throughput trace for scenarios/home_router.yaml's router: N UDP conversations
# between LAN host A (192.168.1.100) and N servers on the Internet (198.18.0.0/15, one per
# conversation, so that masquerade keeps every source port), then a bulk of M packets of
# those conversations in both directions, back to back at 10 GbE on each port.
#
#  - Setup: conversation i sends a request from the LAN at T0 + i * GAP and gets its answer
#    from the WAN GAP/2 later. The answer makes the connection established, the ruleset's
#    `ct state established flow add @ft` offloads it, and the driver binds both directions in
#    the ASIC before the next conversation starts.
#  - Bulk: from T0 + N * GAP, M packets alternating LAN->WAN and WAN->LAN, conversations in
#    round robin, each port's frames back to back at 10 Gbit/s (preamble, FCS and inter-frame
#    gap counted; nanosecond timestamps round down, and the MAC serialises what a timestamp
#    puts too early). Frame sizes are 64 bytes on the wire, or IMIX 7:4:1 of 64/576/1518.
#
# Without arguments it writes the committed small trace (traces/flows/lan.pcap, wan.pcap);
# benchmarks call it with larger N and M into the build tree. Scapy builds one frame per
# conversation, direction and size; the bulk repeats them with the pcap records written here
# (classic pcap, nanoseconds, Ethernet), so a million packets take seconds, not hours.
# Deterministic: fixed addresses, ports, IP IDs and payload bytes.
"""Generate a many-flow UDP throughput trace for the home router."""

import argparse
import ipaddress
import pathlib
import struct

from scapy.all import IP, UDP, Ether, Raw

LAN_MAC, WAN_MAC = "02:00:00:00:01:01", "02:00:00:00:02:01"
A_MAC, A_V4 = "02:00:00:00:01:64", "192.168.1.100"
GW_MAC = "02:00:00:00:02:fe"
WAN_V4 = "203.0.113.2"  # the masquerade address
SERVERS = ipaddress.IPv4Address("198.18.0.0")  # 198.18.0.0/15: 131072 servers
SERVER_PORT = 9000
T0_NS = 1_700_000_000_000_000_000
SPEED_BPS = 10_000_000_000
# Frame lengths as a capture shows them (no FCS): 64, 576 and 1518 bytes on the wire.
IMIX = (60,) * 7 + (572,) * 4 + (1514,)


def client_port(i: int) -> int:
    # Scattered, as ephemeral ports are: a flow hash sees no regular pattern (sequential ports
    # together with sequential servers would fill few of the hardware's buckets).
    return 10000 + (i * 2654435761 >> 11) % 50000


def server(i: int) -> str:
    # An odd multiplier permutes 0..131071: every conversation has its own server.
    return str(SERVERS + (i * 40503 + 12345) % 131072)


def frame(i: int, to_wan: bool, length: int) -> bytes:
    """Conversation i's frame of `length` bytes in one direction, as it arrives at the router."""
    if to_wan:
        pkt = Ether(dst=LAN_MAC, src=A_MAC) / IP(src=A_V4, dst=server(i), id=i & 0xffff, ttl=64) / UDP(
            sport=client_port(i), dport=SERVER_PORT)
    else:
        pkt = Ether(dst=WAN_MAC, src=GW_MAC) / IP(src=server(i), dst=WAN_V4, id=i & 0xffff, ttl=57) / UDP(
            sport=SERVER_PORT, dport=client_port(i))
    payload = max(0, length - len(pkt))
    pkt = pkt / Raw(bytes((i + k) & 0xff for k in range(payload)))
    data = bytes(pkt)
    return data + b"\0" * max(0, 60 - len(data))


def wire_ps(length: int) -> int:
    return (max(length, 60) + 4 + 8 + 12) * 8 * 1_000_000_000_000 // SPEED_BPS


class PcapWriter:
    """Classic pcap, nanosecond timestamps, Ethernet."""

    def __init__(self, path: pathlib.Path):
        self.file = open(path, "wb")
        self.file.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 262144, 1))

    def write(self, ts_ns: int, data: bytes):
        self.file.write(struct.pack("<IIII", ts_ns // 1_000_000_000, ts_ns % 1_000_000_000, len(data), len(data)))
        self.file.write(data)

    def close(self):
        self.file.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parent,
                        help="directory for lan.pcap and wan.pcap (default: next to this script)")
    parser.add_argument("--flows", type=int, default=32, help="UDP conversations (at most 131072)")
    parser.add_argument("--packets", type=int, default=1200, help="packets in the bulk, both directions")
    parser.add_argument("--sizes", choices=("64", "imix"), default="imix", help="bulk frame sizes")
    parser.add_argument("--gap-us", type=int, default=100, help="time between two conversations' setups")
    args = parser.parse_args()
    if not 0 < args.flows <= 131072:
        parser.error("--flows must be 1..131072")

    sizes = (60,) if args.sizes == "64" else IMIX
    templates = {}

    def template(i, to_wan, length):
        key = (i, to_wan, length)
        if key not in templates:
            templates[key] = frame(i, to_wan, length)
        return templates[key]

    args.out.mkdir(parents=True, exist_ok=True)
    lan, wan = PcapWriter(args.out / "lan.pcap"), PcapWriter(args.out / "wan.pcap")
    gap_ns = args.gap_us * 1000
    for i in range(args.flows):
        lan.write(T0_NS + i * gap_ns, template(i, True, 60))
        wan.write(T0_NS + i * gap_ns + gap_ns // 2, template(i, False, 60))

    start_ps = (T0_NS + args.flows * gap_ns) * 1000
    free_ps = {True: start_ps, False: start_ps}
    for n in range(args.packets):
        to_wan = n % 2 == 0
        i = (n // 2) % args.flows
        length = sizes[(n // 2) % len(sizes)]
        data = template(i, to_wan, length)
        (lan if to_wan else wan).write(free_ps[to_wan] // 1000, data)
        free_ps[to_wan] += wire_ps(length)
    lan.close()
    wan.close()


if __name__ == "__main__":
    main()
