// SPDX-License-Identifier: Apache-2.0
// TEST ONLY: builders for the frames the engine tests feed in, and the home-router
// configuration they run against (the addresses of scenarios/home_router.yaml, written out
// here because engine/ may not read scenario files). Kept small and obvious: the exact-bytes
// tests use literal Scapy output instead, so these builders are not their own oracle.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine_config.hpp"
#include "engine/nft/ruleset.hpp"
#include "net/byte_order.hpp"
#include "net/checksum.hpp"
#include "net/ipv4_addr.hpp"
#include "net/ipv4_header.hpp"
#include "net/ipv6_addr.hpp"
#include "net/mac_addr.hpp"
#include "net/tcp_header.hpp"

namespace flowsim::engine::testing {

inline net::MacAddr mac(std::string_view s) { return net::MacAddr::parse(s).value(); }
inline net::Ipv4Addr v4(std::string_view s) { return net::Ipv4Addr::parse(s).value(); }
inline net::Ipv6Addr v6(std::string_view s) { return net::Ipv6Addr::parse(s).value(); }
inline net::Ipv4Prefix v4p(std::string_view s) { return net::Ipv4Prefix::parse(s).value(); }
inline net::Ipv6Prefix v6p(std::string_view s) { return net::Ipv6Prefix::parse(s).value(); }

inline const net::MacAddr kRouterLanMac = mac("02:00:00:00:01:01");
inline const net::MacAddr kRouterWanMac = mac("02:00:00:00:02:01");
inline const net::MacAddr kGatewayMac = mac("02:00:00:00:02:fe");
inline const net::MacAddr kHostAMac = mac("02:00:00:00:01:64");  // 192.168.1.100, 2001:db8:1::100
inline const net::MacAddr kHostBMac = mac("02:00:00:00:01:65");  // 192.168.1.101
inline constexpr unsigned kLan = 0;
inline constexpr unsigned kWan = 1;

inline EngineConfig home_router_config() {
  EngineConfig c;
  c.interfaces.push_back({"lan", kRouterLanMac, {v4p("192.168.1.1/24")}, {v6p("2001:db8:1::1/64")}, 1500});
  c.interfaces.push_back({"wan", kRouterWanMac, {v4p("203.0.113.2/24")}, {v6p("2001:db8:ffff::2/64")}, 1500});
  c.routes.push_back({v4p("0.0.0.0/0"), v4("203.0.113.1"), kWan});
  c.routes.push_back({v6p("::/0"), v6("2001:db8:ffff::1"), kWan});
  c.neighbours.push_back({v4("203.0.113.1"), kGatewayMac, kWan});
  c.neighbours.push_back({v6("2001:db8:ffff::1"), kGatewayMac, kWan});
  c.neighbours.push_back({v4("192.168.1.100"), kHostAMac, kLan});
  c.neighbours.push_back({v4("192.168.1.101"), kHostBMac, kLan});
  c.neighbours.push_back({v6("2001:db8:1::100"), kHostAMac, kLan});
  return c;
}

inline std::vector<std::uint8_t> from_hex(std::string_view hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoul(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

inline std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (std::uint8_t b : bytes) {
    s += kDigits[b >> 4];
    s += kDigits[b & 0xf];
  }
  return s;
}

// A router-made IPv4 frame (Ethernet + IPv4) as an expectation written with IP ID 0 shows
// it: Linux draws the ID of its own packets from a randomly seeded generator
// (engine/ip/ip_ident.hpp), which no independent oracle can predict. The header checksum must
// be right for the ID the frame carries; then the ID is set to 0 and the checksum recomputed,
// so every other byte is still compared. A frame that is not IPv4 is returned unchanged; one
// with a wrong header checksum comes back with its ID and checksum zeroed, so it fails.
inline std::vector<std::uint8_t> with_generated_ip_id_zeroed(std::span<const std::uint8_t> frame) {
  std::vector<std::uint8_t> f(frame.begin(), frame.end());
  const auto ip = net::Ipv4Header::at(f, 14);
  if (f.size() < 14 || net::load_be16(f.data() + 12) != 0x0800 || !ip) return f;
  const bool valid = net::internet_checksum(ip->header()) == 0;
  ip->set_id(0);
  ip->set_checksum(0);
  if (valid) ip->set_checksum(net::internet_checksum(ip->header()));
  return f;
}

// Whether an expected frame is an ICMP message the router made itself (an error or an echo
// reply), as expectations write them: IPv4, ICMP error or echo reply type, ID 0. Compare the
// actual frame to it through with_generated_ip_id_zeroed.
inline bool is_expected_router_icmp(std::span<const std::uint8_t> expected) {
  std::vector<std::uint8_t> f(expected.begin(), expected.end());
  const auto ip = net::Ipv4Header::at(f, 14);
  if (f.size() < 14 || net::load_be16(f.data() + 12) != 0x0800 || !ip) return false;
  if (ip->protocol() != 1 || ip->id() != 0 || f.size() <= 14 + ip->header_length()) return false;
  const std::uint8_t type = f[14 + ip->header_length()];
  return type == 0 || type == 3 || type == 11 || type == 12;
}

// Pads with zeros to the 60-byte Ethernet minimum, as a capture shows a short frame.
inline std::vector<std::uint8_t> padded(std::vector<std::uint8_t> frame) {
  if (frame.size() < 60) frame.resize(60, 0);
  return frame;
}

inline std::vector<std::uint8_t> ethernet(const net::MacAddr& dst, const net::MacAddr& src, std::uint16_t type,
                                          std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> f(14);
  dst.write_to(f.data());
  src.write_to(f.data() + 6);
  net::store_be16(f.data() + 12, type);
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

struct Ipv4Spec {
  net::MacAddr dst_mac = kRouterLanMac;
  net::MacAddr src_mac = kHostAMac;
  net::Ipv4Addr src = v4("192.168.1.100");
  net::Ipv4Addr dst = v4("198.51.100.10");
  std::uint8_t ttl = 64;
  std::uint8_t proto = 17;
  std::uint16_t id = 0x4242;
  bool df = true;
  std::size_t l4_size = 8;  // zero-filled bytes after the IP header
};

// An IPv4 frame with a correct header checksum (L4 bytes are zeros: the engine does not read
// them yet), padded to 60 bytes.
inline std::vector<std::uint8_t> ipv4_frame(const Ipv4Spec& s) {
  std::vector<std::uint8_t> ip(20 + s.l4_size, 0);
  ip[0] = 0x45;
  net::store_be16(ip.data() + 2, static_cast<std::uint16_t>(ip.size()));
  net::store_be16(ip.data() + 4, s.id);
  net::store_be16(ip.data() + 6, s.df ? 0x4000 : 0);
  ip[8] = s.ttl;
  ip[9] = s.proto;
  net::store_be32(ip.data() + 12, s.src.value());
  net::store_be32(ip.data() + 16, s.dst.value());
  net::store_be16(ip.data() + 10, net::internet_checksum(std::span(ip).first(20)));
  return padded(ethernet(s.dst_mac, s.src_mac, 0x0800, ip));
}

struct Ipv6Spec {
  net::MacAddr dst_mac = kRouterLanMac;
  net::MacAddr src_mac = kHostAMac;
  net::Ipv6Addr src = v6("2001:db8:1::100");
  net::Ipv6Addr dst = v6("2001:db8:beef::10");
  std::uint8_t hop_limit = 64;
  std::uint8_t next_header = 17;
  std::size_t l4_size = 8;
};

inline std::vector<std::uint8_t> ipv6_frame(const Ipv6Spec& s) {
  std::vector<std::uint8_t> ip(40 + s.l4_size, 0);
  ip[0] = 0x60;
  net::store_be16(ip.data() + 4, static_cast<std::uint16_t>(s.l4_size));
  ip[6] = s.next_header;
  ip[7] = s.hop_limit;
  s.src.write_to(ip.data() + 8);
  s.dst.write_to(ip.data() + 24);
  return padded(ethernet(s.dst_mac, s.src_mac, 0x86dd, ip));
}

// --- transport packets with valid checksums, for conntrack, NAT and flowtable tests --------

struct Ipv4L4Spec {
  net::MacAddr dst_mac = kRouterLanMac;
  net::MacAddr src_mac = kHostAMac;
  net::Ipv4Addr src = v4("192.168.1.100");
  net::Ipv4Addr dst = v4("198.51.100.10");
  std::uint8_t ttl = 64;
  std::uint16_t id = 0x1000;
  bool df = true;
  std::uint8_t tos = 0;
};

// IPv4 header + `l4` (whose checksum field must already be right or zero), padded to 60.
inline std::vector<std::uint8_t> ipv4_packet(const Ipv4L4Spec& s, std::uint8_t proto,
                                             std::span<const std::uint8_t> l4) {
  std::vector<std::uint8_t> ip(20, 0);
  ip[0] = 0x45;
  ip[1] = s.tos;
  net::store_be16(ip.data() + 2, static_cast<std::uint16_t>(20 + l4.size()));
  net::store_be16(ip.data() + 4, s.id);
  net::store_be16(ip.data() + 6, s.df ? 0x4000 : 0);
  ip[8] = s.ttl;
  ip[9] = proto;
  net::store_be32(ip.data() + 12, s.src.value());
  net::store_be32(ip.data() + 16, s.dst.value());
  net::store_be16(ip.data() + 10, net::internet_checksum(ip));
  ip.insert(ip.end(), l4.begin(), l4.end());
  return padded(ethernet(s.dst_mac, s.src_mac, 0x0800, ip));
}

using net::tcp_flag::kAck;
using net::tcp_flag::kFin;
using net::tcp_flag::kPsh;
using net::tcp_flag::kRst;
using net::tcp_flag::kSyn;

struct TcpSpec {
  std::uint16_t sport = 40000;
  std::uint16_t dport = 443;
  std::uint8_t flags = kSyn;
  std::uint32_t seq = 1000;
  std::uint32_t ack = 0;
  std::uint16_t window = 64240;
  std::vector<std::uint8_t> options{};  // multiple of 4 bytes
  std::size_t payload = 0;            // bytes of 0x61
};

inline std::vector<std::uint8_t> tcp_segment(const TcpSpec& t) {
  std::vector<std::uint8_t> l4(20 + t.options.size(), 0);
  net::store_be16(l4.data(), t.sport);
  net::store_be16(l4.data() + 2, t.dport);
  net::store_be32(l4.data() + 4, t.seq);
  net::store_be32(l4.data() + 8, t.ack);
  l4[12] = static_cast<std::uint8_t>((l4.size() / 4) << 4);
  l4[13] = t.flags;
  net::store_be16(l4.data() + 14, t.window);
  std::copy(t.options.begin(), t.options.end(), l4.begin() + 20);
  l4.resize(l4.size() + t.payload, 0x61);
  return l4;
}

inline std::vector<std::uint8_t> tcp4_frame(const Ipv4L4Spec& ip, const TcpSpec& t) {
  std::vector<std::uint8_t> l4 = tcp_segment(t);
  net::store_be16(l4.data() + 16, net::l4_checksum(ip.src, ip.dst, 6, l4));
  return ipv4_packet(ip, 6, l4);
}

struct UdpSpec {
  std::uint16_t sport = 50000;
  std::uint16_t dport = 53;
  std::size_t payload = 20;  // bytes of 0x62
  bool checksum = true;      // false: send 0 (no checksum)
};

inline std::vector<std::uint8_t> udp4_frame(const Ipv4L4Spec& ip, const UdpSpec& u) {
  std::vector<std::uint8_t> l4(8 + u.payload, 0x62);
  net::store_be16(l4.data(), u.sport);
  net::store_be16(l4.data() + 2, u.dport);
  net::store_be16(l4.data() + 4, static_cast<std::uint16_t>(l4.size()));
  net::store_be16(l4.data() + 6, 0);
  if (u.checksum) {
    const std::uint16_t c = net::l4_checksum(ip.src, ip.dst, 17, l4);
    net::store_be16(l4.data() + 6, c == 0 ? 0xffff : c);
  }
  return ipv4_packet(ip, 17, l4);
}

inline std::vector<std::uint8_t> icmp4_echo_frame(const Ipv4L4Spec& ip, std::uint8_t type, std::uint16_t echo_id,
                                                  std::uint16_t sequence, std::size_t payload = 16) {
  std::vector<std::uint8_t> l4(8 + payload, 0x63);
  l4[0] = type;
  l4[1] = 0;
  l4[2] = l4[3] = 0;
  net::store_be16(l4.data() + 4, echo_id);
  net::store_be16(l4.data() + 6, sequence);
  net::store_be16(l4.data() + 2, net::internet_checksum(l4));
  return ipv4_packet(ip, 1, l4);
}

// The IP datagram inside an Ethernet frame built above (padding removed).
inline std::vector<std::uint8_t> datagram_of(const std::vector<std::uint8_t>& frame) {
  const std::size_t len = net::load_be16(frame.data() + 16);
  return std::vector<std::uint8_t>(frame.begin() + 14, frame.begin() + 14 + static_cast<std::ptrdiff_t>(len));
}

// A TCP connection's two ends: keeps sequence numbers so that tests can write a whole
// conversation (handshake, data, close) as one line per segment.
class TcpConversation {
 public:
  TcpConversation(Ipv4L4Spec client, Ipv4L4Spec server, std::uint16_t client_port, std::uint16_t server_port)
      : client_(client), server_(server), cport_(client_port), sport_(server_port) {}

  std::vector<std::uint8_t> from_client(std::uint8_t flags, std::size_t payload = 0) {
    return segment(true, flags, payload);
  }
  std::vector<std::uint8_t> from_server(std::uint8_t flags, std::size_t payload = 0) {
    return segment(false, flags, payload);
  }
  Ipv4L4Spec& client() { return client_; }
  Ipv4L4Spec& server() { return server_; }

 private:
  std::vector<std::uint8_t> segment(bool c, std::uint8_t flags, std::size_t payload) {
    TcpSpec t;
    t.sport = c ? cport_ : sport_;
    t.dport = c ? sport_ : cport_;
    t.flags = flags;
    t.seq = c ? c_nxt_ : s_nxt_;
    t.ack = (flags & kAck) ? (c ? s_nxt_ : c_nxt_) : 0;
    t.window = c ? 502 : 509;
    if (flags & kSyn) t.options = {2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7};
    t.payload = payload;
    const std::uint32_t advance =
        static_cast<std::uint32_t>(payload) + ((flags & kSyn) ? 1u : 0u) + ((flags & kFin) ? 1u : 0u);
    (c ? c_nxt_ : s_nxt_) += advance;
    Ipv4L4Spec& ip = c ? client_ : server_;
    ++ip.id;
    return tcp4_frame(ip, t);
  }

  Ipv4L4Spec client_;
  Ipv4L4Spec server_;
  std::uint16_t cport_;
  std::uint16_t sport_;
  std::uint32_t c_nxt_ = 3000000000u;
  std::uint32_t s_nxt_ = 1500000000u;
};

// The bundled home router's ruleset (scenarios/home_router.nft), written out here because
// engine/ may not read scenario files.
inline constexpr const char* kHomeRouterRules = R"(table inet filter {
	flowtable ft {
		hook ingress priority filter
		devices = { lan, wan }
		flags offload
	}
	chain input {
		type filter hook input priority filter; policy drop;
		ct state invalid drop
		ct state established,related accept
		iifname "lan" accept
		iifname "wan" meta l4proto { icmp, ipv6-icmp } accept
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established flow add @ft
		ct state invalid drop
		ct state established,related accept
		iifname "lan" oifname "wan" accept
		iifname "wan" oifname "lan" ip daddr 192.168.1.100 tcp dport 80 ct state new accept
		iifname "wan" oifname "lan" ip daddr 192.168.1.200 tcp dport 22 ct state new accept
	}
}
table ip nat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "wan" tcp dport 8080 dnat to 192.168.1.100:80
		iifname "wan" tcp dport 2222 dnat to 192.168.1.200:22
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" masquerade
	}
}
)";

// The home router with a ruleset given as nft text.
inline EngineConfig home_router_config(std::string_view rules) {
  EngineConfig c = home_router_config();
  c.ruleset = std::make_shared<nft::Ruleset>(nft::Ruleset::parse_text(rules, "test.nft"));
  return c;
}

// `rules` without the lines containing `needle` (e.g. the flow add rule).
inline std::string without_lines(std::string_view rules, std::string_view needle) {
  std::string out;
  std::size_t pos = 0;
  while (pos < rules.size()) {
    std::size_t end = rules.find('\n', pos);
    if (end == std::string_view::npos) end = rules.size();
    const std::string_view line = rules.substr(pos, end - pos);
    if (line.find(needle) == std::string_view::npos) {
      out += line;
      out += '\n';
    }
    pos = end + 1;
  }
  return out;
}

}  // namespace flowsim::engine::testing
