// SPDX-License-Identifier: Apache-2.0
// Writes a long-ish synthetic trace for scenarios/sweeps/edge_router.yaml: many overlapping
// conversations through the edge router, so that its flow table fills, with every kind of
// conversation a shard split must keep whole:
//   - routed TCP (100.64.0.0/16 behind the LAN-side router -> servers in 198.18.0.0/15):
//     handshake, data both ways, FIN both ways, sequence numbers right for conntrack;
//   - routed UDP request/response, some with a TTL-1 packet the router answers with ICMP
//     time exceeded, some ended by the server's ICMP port unreachable;
//   - ICMP echo, request and reply;
//   - TCP from WAN clients to servers in the routed subnet.
// No conversation is NATed: a per-port trace's two sides of a NATed conversation are in two
// address spaces, which a conversation key cannot join (README, "Long captures, sharded").
// The same arguments give the same bytes. Scapy would take minutes for this many packets
// (~4k packets/s); this takes well under a second per 100k.
//
// usage: flowsim_make_long_trace OUT_DIR [--flows N] [--seconds S] [--seed X] [--packets P]
//   writes OUT_DIR/lan.pcap and OUT_DIR/wan.pcap (nanosecond pcaps, time-ordered).
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "net/byte_order.hpp"
#include "net/checksum.hpp"
#include "net/ipv4_addr.hpp"
#include "net/mac_addr.hpp"
#include "testbench/pcap/pcap_writer.hpp"

namespace {

using flowsim::net::Ipv4Addr;
using flowsim::net::MacAddr;

constexpr unsigned kLan = 0;
constexpr unsigned kWan = 1;
// edge_router.yaml's MACs and addresses.
const MacAddr kRouterLan = *MacAddr::parse("02:00:00:00:01:01");
const MacAddr kRouterWan = *MacAddr::parse("02:00:00:00:02:01");
const MacAddr kLanRouter = *MacAddr::parse("02:00:00:00:01:fe");  // 192.168.1.254, in front of 100.64/16
const MacAddr kGateway = *MacAddr::parse("02:00:00:00:02:fe");    // 203.0.113.1
constexpr std::uint64_t kEpochNs = 1'700'000'000'000'000'000ull;
constexpr std::uint64_t kMs = 1'000'000;
constexpr std::uint64_t kRtt = 1 * kMs;  // server answers 1 ms after the request

// splitmix64: fixed sequence on every platform.
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
};

struct Packet {
  std::uint64_t t_ns;
  std::uint64_t seq;  // creation order: ties keep it
  unsigned port;
  std::vector<std::uint8_t> bytes;
};

class Trace {
 public:
  void add(std::uint64_t t, unsigned port, std::vector<std::uint8_t> bytes) {
    packets_.push_back({t, packets_.size(), port, std::move(bytes)});
  }
  void write(const std::filesystem::path& dir) {
    std::sort(packets_.begin(), packets_.end(),
              [](const Packet& a, const Packet& b) { return std::tie(a.t_ns, a.seq) < std::tie(b.t_ns, b.seq); });
    flowsim::pcap::PcapWriter lan(dir / "lan.pcap");
    flowsim::pcap::PcapWriter wan(dir / "wan.pcap");
    for (const Packet& p : packets_) (p.port == kLan ? lan : wan).write(kEpochNs + p.t_ns, p.bytes);
    lan.close();
    wan.close();
    std::printf("%zu packets: %llu on lan, %llu on wan\n", packets_.size(),
                static_cast<unsigned long long>(lan.packets_written()),
                static_cast<unsigned long long>(wan.packets_written()));
  }

 private:
  std::vector<Packet> packets_;
};

std::vector<std::uint8_t> frame(const MacAddr& dst, const MacAddr& src, Ipv4Addr ip_src, Ipv4Addr ip_dst,
                                std::uint8_t ttl, std::uint8_t proto, std::vector<std::uint8_t> l4) {
  std::vector<std::uint8_t> f(14 + 20);
  dst.write_to(f.data());
  src.write_to(f.data() + 6);
  flowsim::net::store_be16(f.data() + 12, 0x0800);
  std::uint8_t* ip = f.data() + 14;
  ip[0] = 0x45;
  flowsim::net::store_be16(ip + 2, static_cast<std::uint16_t>(20 + l4.size()));
  flowsim::net::store_be16(ip + 6, 0x4000);  // DF
  ip[8] = ttl;
  ip[9] = proto;
  flowsim::net::store_be32(ip + 12, ip_src.value());
  flowsim::net::store_be32(ip + 16, ip_dst.value());
  flowsim::net::store_be16(ip + 10, flowsim::net::internet_checksum(std::span<const std::uint8_t>(ip, 20)));
  f.insert(f.end(), l4.begin(), l4.end());
  if (f.size() < 60) f.resize(60, 0);
  return f;
}

struct Endpoint {
  MacAddr mac;
  Ipv4Addr ip;
  std::uint16_t port;
  unsigned side;
  std::uint8_t ttl;
};

std::vector<std::uint8_t> tcp(const Endpoint& from, const Endpoint& to, const MacAddr& router, std::uint8_t flags,
                              std::uint32_t seq, std::uint32_t ack, std::size_t payload) {
  std::vector<std::uint8_t> l4(20 + payload, 0x61);
  flowsim::net::store_be16(l4.data(), from.port);
  flowsim::net::store_be16(l4.data() + 2, to.port);
  flowsim::net::store_be32(l4.data() + 4, seq);
  flowsim::net::store_be32(l4.data() + 8, ack);
  l4[12] = 5 << 4;
  l4[13] = flags;
  flowsim::net::store_be16(l4.data() + 14, 64240);
  flowsim::net::store_be16(l4.data() + 16, 0);
  flowsim::net::store_be16(l4.data() + 18, 0);
  flowsim::net::store_be16(l4.data() + 16, flowsim::net::l4_checksum(from.ip, to.ip, 6, l4));
  return frame(router, from.mac, from.ip, to.ip, from.ttl, 6, std::move(l4));
}

std::vector<std::uint8_t> udp(const Endpoint& from, const Endpoint& to, const MacAddr& router, std::size_t payload,
                              std::uint8_t ttl) {
  std::vector<std::uint8_t> l4(8 + payload, 0x62);
  flowsim::net::store_be16(l4.data(), from.port);
  flowsim::net::store_be16(l4.data() + 2, to.port);
  flowsim::net::store_be16(l4.data() + 4, static_cast<std::uint16_t>(l4.size()));
  flowsim::net::store_be16(l4.data() + 6, 0);
  const std::uint16_t c = flowsim::net::l4_checksum(from.ip, to.ip, 17, l4);
  flowsim::net::store_be16(l4.data() + 6, c == 0 ? 0xffff : c);
  return frame(router, from.mac, from.ip, to.ip, ttl, 17, std::move(l4));
}

std::vector<std::uint8_t> icmp(const Endpoint& from, const Endpoint& to, const MacAddr& router, std::uint8_t type,
                               std::uint8_t code, std::uint32_t rest, std::span<const std::uint8_t> body) {
  std::vector<std::uint8_t> l4(8, 0);
  l4[0] = type;
  l4[1] = code;
  flowsim::net::store_be32(l4.data() + 4, rest);
  l4.insert(l4.end(), body.begin(), body.end());
  flowsim::net::store_be16(l4.data() + 2, flowsim::net::internet_checksum(l4));
  return frame(router, from.mac, from.ip, to.ip, from.ttl, 1, std::move(l4));
}

const MacAddr& router_mac(unsigned side) { return side == kLan ? kRouterLan : kRouterWan; }

// One conversation starting at t0; `n` is the number of request/response exchanges.
void tcp_conversation(Trace& trace, Rng& rng, const Endpoint& c, const Endpoint& s, std::uint64_t t0, unsigned n,
                      std::uint64_t gap) {
  std::uint32_t cs = static_cast<std::uint32_t>(rng.next());
  std::uint32_t ss = static_cast<std::uint32_t>(rng.next());
  std::uint64_t t = t0;
  const MacAddr& cr = router_mac(c.side);
  const MacAddr& sr = router_mac(s.side);
  trace.add(t, c.side, tcp(c, s, cr, 0x02, cs, 0, 0));
  trace.add(t += kRtt, s.side, tcp(s, c, sr, 0x12, ss, cs + 1, 0));
  ++cs;
  ++ss;
  trace.add(t += kRtt, c.side, tcp(c, s, cr, 0x10, cs, ss, 0));
  for (unsigned i = 0; i < n; ++i) {
    const std::size_t req = 50 + rng.below(200);
    const std::size_t resp = 200 + rng.below(1200);
    trace.add(t += gap, c.side, tcp(c, s, cr, 0x18, cs, ss, req));
    cs += static_cast<std::uint32_t>(req);
    trace.add(t += kRtt, s.side, tcp(s, c, sr, 0x18, ss, cs, resp));
    ss += static_cast<std::uint32_t>(resp);
  }
  trace.add(t += gap, c.side, tcp(c, s, cr, 0x11, cs, ss, 0));
  ++cs;
  trace.add(t += kRtt, s.side, tcp(s, c, sr, 0x11, ss, cs, 0));
  ++ss;
  trace.add(t += kRtt, c.side, tcp(c, s, cr, 0x10, cs, ss, 0));
}

void udp_conversation(Trace& trace, Rng& rng, const Endpoint& c, const Endpoint& s, std::uint64_t t0, unsigned n,
                      std::uint64_t gap, bool ttl_one, bool unreachable) {
  std::uint64_t t = t0;
  const MacAddr& cr = router_mac(c.side);
  const MacAddr& sr = router_mac(s.side);
  const unsigned ttl1_at = ttl_one ? 1 + static_cast<unsigned>(rng.below(n)) : n + 1;
  for (unsigned i = 0; i < n; ++i) {
    const std::vector<std::uint8_t> req = udp(c, s, cr, 20 + rng.below(100), i == ttl1_at ? 1 : c.ttl);
    trace.add(t, c.side, req);
    if (i == ttl1_at) {  // the router answers this one itself (ICMP time exceeded)
      t += gap;
      continue;
    }
    if (unreachable && i + 1 == n) {
      // The server's host answers the last request with port unreachable (RFC 792: the IP
      // header and the first 8 bytes of the datagram it refers to), from the WAN side.
      const std::size_t ip_len = flowsim::net::load_be16(req.data() + 16);
      std::vector<std::uint8_t> quoted(req.begin() + 14, req.begin() + 14 + std::min<std::size_t>(ip_len, 28));
      quoted[8] = static_cast<std::uint8_t>(quoted[8] - 1);  // as it left the router
      quoted[10] = quoted[11] = 0;
      flowsim::net::store_be16(quoted.data() + 10,
                               flowsim::net::internet_checksum(std::span<const std::uint8_t>(quoted.data(), 20)));
      trace.add(t + kRtt, s.side, icmp(s, c, sr, 3, 3, 0, quoted));
      return;
    }
    trace.add(t + kRtt, s.side, udp(s, c, sr, 100 + rng.below(1000), s.ttl));
    t += gap;
  }
}

void echo_conversation(Trace& trace, Rng& rng, const Endpoint& c, const Endpoint& s, std::uint64_t t0, unsigned n,
                       std::uint64_t gap) {
  const std::uint16_t id = static_cast<std::uint16_t>(rng.next());
  const std::vector<std::uint8_t> body(56, 0x63);
  for (unsigned i = 0; i < n; ++i) {
    const std::uint32_t rest = static_cast<std::uint32_t>(id) << 16 | (i + 1);
    trace.add(t0 + i * gap, c.side, icmp(c, s, router_mac(c.side), 8, 0, rest, body));
    trace.add(t0 + i * gap + kRtt, s.side, icmp(s, c, router_mac(s.side), 0, 0, rest, body));
  }
}

Ipv4Addr lan_host(unsigned i) { return Ipv4Addr((100u << 24) | (64u << 16) | (i & 0xffff)); }
Ipv4Addr server(Rng& rng) { return Ipv4Addr((198u << 24) | (18u << 16) | static_cast<std::uint32_t>(rng.below(0x20000))); }

bool parse(const char* text, std::uint64_t& out) {
  const std::string s(text);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace

int main(int argc, char* argv[]) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR [--flows N] [--seconds S] [--seed X] [--packets P]\n", argv[0]);
    return 1;
  }
  std::uint64_t flows = 4000, seconds = 1, seed = 1, packets = 16;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string opt = argv[i];
    std::uint64_t* target = opt == "--flows" ? &flows : opt == "--seconds" ? &seconds : opt == "--seed" ? &seed
                            : opt == "--packets"                                              ? &packets
                                                                                              : nullptr;
    if (target == nullptr || !parse(argv[i + 1], *target) || *target == 0) {
      std::fprintf(stderr, "%s: bad option %s %s\n", argv[0], argv[i], argv[i + 1]);
      return 1;
    }
  }
  const std::filesystem::path out = argv[1];
  std::filesystem::create_directories(out);
  Rng rng{seed};
  Trace trace;
  const std::uint64_t span = seconds * 1000 * kMs;
  for (std::uint64_t f = 0; f < flows; ++f) {
    const std::uint64_t t0 = rng.below(span);
    const unsigned n = static_cast<unsigned>(std::max<std::uint64_t>(1, (packets - 4) / 2 + rng.below(5)));
    const std::uint64_t gap = (2 + rng.below(8)) * kMs;
    const Endpoint client{kLanRouter, lan_host(static_cast<unsigned>(f % 60000) + 1),
                          static_cast<std::uint16_t>(1024 + rng.below(60000)), kLan, 63};
    const std::uint64_t kind = rng.below(100);
    if (kind < 50) {
      tcp_conversation(trace, rng, client, {kGateway, server(rng), 443, kWan, 50}, t0, n, gap);
    } else if (kind < 80) {
      udp_conversation(trace, rng, client, {kGateway, server(rng), 4433, kWan, 50}, t0, n, gap, kind < 55, kind >= 75);
    } else if (kind < 85) {
      echo_conversation(trace, rng, client, {kGateway, server(rng), 0, kWan, 50}, t0, n, gap);
    } else {
      // A WAN client of a server in the routed subnet (inbound, no NAT).
      const Endpoint wan_client{kGateway, server(rng), static_cast<std::uint16_t>(1024 + rng.below(60000)), kWan, 50};
      const Endpoint lan_server{kLanRouter, lan_host(static_cast<unsigned>(rng.below(256)) + 60001), 80, kLan, 63};
      tcp_conversation(trace, rng, wan_client, lan_server, t0, n, gap);
    }
  }
  trace.write(out);
  return 0;
}
