# SPDX-License-Identifier: Apache-2.0
"""The kernel differential's own parts, without a kernel: the flowtable stripping of
rulesets, the decoder, the masked comparison (checksums carried, port maps one to one),
the alignment of two egress sequences, re-addressing to the kernel's NAT ports, pcap I/O
and the scenario reader's refusals. Run: /usr/bin/python3 -m unittest -v kdiff_test"""

import pathlib
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from scapy.all import ICMP, IP, TCP, UDP, Ether, IPv6, IPv6ExtHdrFragment, ICMPv6TimeExceeded, Raw  # noqa: E402

from kdiff import cases, compare, frames, pcapio, ruleset, scenario  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[2]
ROUTER = {"192.168.1.1", "203.0.113.2", "2001:db8:1::1"}
ETH = Ether(dst="02:00:00:00:01:64", src="02:00:00:00:01:01")


def b(pkt):
    return compare.pad(bytes(pkt))


class RulesetTest(unittest.TestCase):
    TEXT = '''flush ruleset
table inet filter {
\tflowtable ft {
\t\thook ingress priority filter
\t\tdevices = { lan, wan }   # a comment with flowtable { in it
\t\tflags offload
\t}
\tchain forward {
\t\ttype filter hook forward priority filter; policy drop;
\t\tct state established flow add @ft
\t\tmeta l4proto tcp flow offload @ft counter
\t\tiifname "flowtable" accept
\t}
}
add flowtable inet filter ft2 { hook ingress priority 0; devices = { lan }; }
add rule inet filter forward flow add @ft2
'''

    def test_text_loses_flowtables_and_keeps_lines(self):
        out, removed = ruleset.strip_flowtables_text(self.TEXT)
        self.assertEqual(out.count("\n"), self.TEXT.count("\n"))
        self.assertNotIn("flowtable ft", out)
        self.assertNotIn("flow add", out)
        self.assertNotIn("flow offload", out)
        self.assertNotIn("ft2", out)
        self.assertIn('iifname "flowtable" accept', out)
        self.assertIn("ct state established", out)
        self.assertIn("meta l4proto tcp", out.splitlines()[10])
        self.assertIn("counter", out.splitlines()[10])
        self.assertEqual(out.splitlines()[11], self.TEXT.splitlines()[11])
        self.assertEqual(len(removed), 6, removed)

    def test_text_software_only_drops_offload_flag(self):
        out, n = ruleset.drop_offload_flag_text(self.TEXT)
        self.assertEqual(n, 1)
        self.assertNotIn("offload", out.splitlines()[5])
        self.assertIn("flow offload @ft", out)
        self.assertIn("devices = { lan, wan }", out)

    def test_json(self):
        text = (REPO / "scenarios" / "home_router.json").read_text()
        out, removed = ruleset.strip_flowtables_json(text)
        self.assertNotIn('"flowtable"', out)
        self.assertNotIn('"flow"', out)
        self.assertEqual(sorted(removed), ["flow add @ft", "flowtable ft"])
        out, n = ruleset.drop_offload_flag_json(text)
        self.assertEqual(n, 1)
        self.assertNotIn('"offload"', out)


class CompareTest(unittest.TestCase):
    def setUp(self):
        self.cmp = compare.Comparator(compare.DEFAULT_MASKS, ROUTER)

    def icmp_error(self, ipid, quote_sport=40000):
        quote = bytes(IP(src="192.168.1.100", dst="198.51.100.10", ttl=1, id=7) /
                      UDP(sport=quote_sport, dport=33434) / Raw(b"x" * 8))
        return b(ETH / IP(src="192.168.1.1", dst="192.168.1.100", tos=0xC0, id=ipid) /
                 ICMP(type=11, code=0) / Raw(quote))

    def test_identical(self):
        f = self.icmp_error(0)
        self.assertEqual(self.cmp.compare(f, f), [])

    def test_generated_ip_id_is_masked_with_a_right_checksum(self):
        self.assertEqual(self.cmp.compare(self.icmp_error(0), self.icmp_error(0x1234)), [])

    def test_masked_id_does_not_excuse_a_wrong_checksum(self):
        k = bytearray(self.icmp_error(0x1234))
        k[24] ^= 0x01  # the IPv4 header checksum
        diffs = self.cmp.compare(self.icmp_error(0), bytes(k))
        self.assertEqual([d.name for d in diffs], ["ipv4.checksum"])

    def test_forwarded_ip_id_is_not_masked(self):
        f = b(ETH / IP(src="198.51.100.10", dst="192.168.1.100", id=1) / UDP(sport=1, dport=2))
        k = b(ETH / IP(src="198.51.100.10", dst="192.168.1.100", id=2) / UDP(sport=1, dport=2))
        self.assertEqual([d.name for d in self.cmp.compare(f, k)], ["ipv4.id", "ipv4.checksum"])

    def test_icmpv6_error_flow_label_is_masked(self):
        quote = bytes(IPv6(src="2001:db8:1::100", dst="2001:db8:beef::10", hlim=1) / UDP(sport=1, dport=2))
        f = b(ETH / IPv6(src="2001:db8:1::1", dst="2001:db8:1::100", fl=0) / ICMPv6TimeExceeded() / Raw(quote))
        k = b(ETH / IPv6(src="2001:db8:1::1", dst="2001:db8:1::100", fl=0xABCDE) / ICMPv6TimeExceeded() / Raw(quote))
        self.assertEqual(self.cmp.compare(f, k), [])
        self.assertNotEqual(compare.Comparator((), ROUTER).compare(f, k), [])

    def nat(self, sport, dst="198.51.100.10", ipid=1):
        return b(Ether(dst="02:00:00:00:02:fe", src="02:00:00:00:02:01") /
                 IP(src="203.0.113.2", dst=dst, id=ipid) / TCP(sport=sport, dport=443, flags="S", seq=5))

    def test_ports_map_one_to_one(self):
        c = compare.Comparator(("l4.port",), ROUTER)
        self.assertEqual(c.compare(self.nat(1000), self.nat(5555)), [])
        self.assertEqual(c.compare(self.nat(1000, ipid=2), self.nat(5555, ipid=2)), [])
        self.assertEqual(c.portmap.to_kernel(("tcp", "203.0.113.2"), 1000), 5555)
        # The same flowsim port now something else, or another port onto the kernel's 5555:
        self.assertTrue(c.compare(self.nat(1000), self.nat(6666)))
        self.assertTrue(c.compare(self.nat(2000), self.nat(5555)))

    def test_ports_are_exact_without_the_mask(self):
        self.assertEqual([d.name for d in self.cmp.compare(self.nat(1000), self.nat(5555))],
                         ["tcp.sport", "tcp.checksum"])

    def test_port_in_a_quote_carries_both_checksums(self):
        c = compare.Comparator(("l4.port",), ROUTER | {"192.168.1.100"})
        self.assertEqual(c.compare(self.icmp_error(0, 40000), self.icmp_error(0, 41234)), [])
        k = bytearray(self.icmp_error(0, 41234))
        k[36] ^= 0x01  # the ICMP checksum
        self.assertTrue(c.compare(self.icmp_error(0, 40000), bytes(k)))

    def test_udp_checksum_zero_stays_zero(self):
        c = compare.Comparator(("l4.port",), ROUTER)
        f = b(ETH / IP(src="203.0.113.2", dst="198.51.100.10") / UDP(sport=1000, dport=53, chksum=0) / Raw(b"q"))
        k = b(ETH / IP(src="203.0.113.2", dst="198.51.100.10") / UDP(sport=3000, dport=53, chksum=0) / Raw(b"q"))
        self.assertEqual(c.compare(f, k), [])

    def test_readdress_to_the_kernels_port(self):
        pm = compare.PortMap()
        pm.learn(("tcp", "203.0.113.2"), 1000, 5555)
        reply = b(Ether() / IP(src="198.51.100.10", dst="203.0.113.2") / TCP(sport=443, dport=1000, flags="SA"))
        out = compare.readdress(reply, pm, ROUTER)
        want = b(Ether() / IP(src="198.51.100.10", dst="203.0.113.2") / TCP(sport=443, dport=5555, flags="SA"))
        self.assertEqual(out, want)
        self.assertEqual(compare.readdress(want, compare.PortMap(), ROUTER), want)

    def test_ipv6_fragment_ids_map_one_to_one(self):
        def frag(ident, offset):
            return b(ETH / IPv6(src="2001:db8:1::100", dst="2001:db8:beef::10") /
                     IPv6ExtHdrFragment(id=ident, offset=offset, m=1, nh=17) / Raw(b"z" * 16))
        c = compare.Comparator(("ipv6.fragid",), ROUTER)
        self.assertEqual(c.compare(frag(1, 0), frag(99, 0)), [])
        self.assertEqual(c.compare(frag(1, 2), frag(99, 2)), [])
        self.assertTrue(c.compare(frag(1, 4), frag(98, 4)))


class AlignTest(unittest.TestCase):
    def frame(self, n, sport=1000):
        return b(ETH / IP(src="198.51.100.10", dst="192.168.1.100", id=n) / UDP(sport=sport, dport=2))

    def test_a_missing_frame_is_one_difference(self):
        f = [self.frame(n) for n in range(5)]
        k = f[:2] + f[3:]
        r = compare.compare_port("lan", f, k, compare.Comparator(compare.DEFAULT_MASKS, ROUTER))
        self.assertEqual(r.identical, 4)
        self.assertEqual([(d.kind, d.index_f) for d in r.differences], [("flowsim_only", 2)])
        self.assertIn("4 of 5 identical", compare.render(r)[0])

    def test_other_flows_may_interleave_differently_but_not_a_flow(self):
        a = [self.frame(n, 1000) for n in range(3)]
        other = self.frame(9, 2000)
        r = compare.compare_port("lan", a[:1] + [other] + a[1:], a + [other],
                                 compare.Comparator(compare.DEFAULT_MASKS, ROUTER))
        self.assertEqual((r.identical, r.reordered, r.differences), (4, 1, []))
        r = compare.compare_port("lan", a, [a[0], a[2], a[1]], compare.Comparator(compare.DEFAULT_MASKS, ROUTER))
        self.assertNotEqual(r.differences, [])

    def test_side_by_side_marks_the_difference(self):
        f = self.frame(1)
        k = bytearray(f)
        k[22] = 0x20  # TTL
        rows = compare.side_by_side(f, bytes(k))
        ttl = next(r for r in rows if r.startswith("ipv4.ttl"))
        self.assertTrue(ttl.endswith("<<"), ttl)


class FramesTest(unittest.TestCase):
    def test_ipv6_fragment_and_quote_names(self):
        d = frames.decode(b(ETH / IPv6(src="::1", dst="::2") / IPv6ExtHdrFragment(id=5, offset=0, m=1) /
                            UDP(sport=7, dport=8) / Raw(b"p" * 20)))
        self.assertIn("ipv6.fragment.ident", d.names())
        self.assertIn("udp.dport", d.names())
        e = frames.decode(CompareTest().icmp_error(0))
        self.assertIn("quote.udp.sport", e.names())
        self.assertIn("eth.padding", frames.decode(b(ETH / IP() / TCP())).names())

    def test_truncated_frames_decode_without_error(self):
        full = bytes(ETH / IP(src="1.2.3.4", dst="5.6.7.8") / TCP())
        for n in range(len(full)):
            frames.decode(full[:n])
            frames.summary(full[:n])


class PcapTest(unittest.TestCase):
    def test_round_trip_and_formats(self):
        recs = [pcapio.Record(1_700_000_000_123_456_789, b"\x01" * 60, 60)]
        with tempfile.TemporaryDirectory() as d:
            pcapio.write(pathlib.Path(d) / "x.pcap", recs)
            self.assertEqual(pcapio.read(pathlib.Path(d) / "x.pcap"), recs)
            (pathlib.Path(d) / "bad.pcap").write_bytes(b"nope, not a capture")
            with self.assertRaisesRegex(pcapio.PcapError, "bad.pcap: not a pcap"):
                pcapio.read(pathlib.Path(d) / "bad.pcap")
        nano = pcapio.read(REPO / "traces" / "unit" / "nano.pcapng")
        micro = pcapio.read(REPO / "traces" / "unit" / "micro.pcap")
        self.assertTrue(nano and micro)
        self.assertTrue(all(r.frame for r in nano + micro))


class ScenarioTest(unittest.TestCase):
    def test_what_the_kernel_cannot_build_is_refused(self):
        text = (REPO / "scenarios" / "home_router.yaml").read_text().replace("    mtu: 1500\n", "    mtu: 1500\n    vlan: 10\n", 1)
        with tempfile.TemporaryDirectory() as d:
            p = pathlib.Path(d) / "s.yaml"
            p.write_text(text)
            with self.assertRaisesRegex(scenario.ScenarioError, "vlan: the kernel runner cannot build this"):
                scenario.load(p)

    def test_home_router(self):
        sc = scenario.load(REPO / "scenarios" / "home_router.yaml")
        self.assertEqual([p.name for p in sc.ports], ["lan", "wan"])
        self.assertEqual(sc.netfilter_sysctls["nf_conntrack_udp_timeout"], 30)
        self.assertEqual(sc.netfilter_sysctls["nf_conntrack_tcp_loose"], 1)
        self.assertIn("203.0.113.2", sc.addresses())

    def test_committed_cases_load(self):
        names = [c.name for c in cases.load()]
        self.assertIn("home_router", names)
        self.assertEqual(len(names), len(set(names)))


if __name__ == "__main__":
    unittest.main()
