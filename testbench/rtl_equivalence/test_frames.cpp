// SPDX-License-Identifier: Apache-2.0
#include "testbench/rtl_equivalence/test_frames.hpp"

#include <algorithm>
#include <stdexcept>

#include "net/input_error.hpp"
#include "testbench/pcap/pcap_reader.hpp"

namespace flowsim::model::testing {
namespace {

void put16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}

void set16(std::vector<std::uint8_t>& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

}  // namespace

std::vector<TraceFrame> committed_trace_frames(std::vector<std::string>* skipped) {
  const std::filesystem::path root = std::filesystem::path(FLOWSIM_SOURCE_DIR) / "traces";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    const auto ext = e.path().extension();
    if (e.is_regular_file() && (ext == ".pcap" || ext == ".pcapng")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<TraceFrame> out;
  for (const auto& file : files) {
    const std::string name = std::filesystem::relative(file, root.parent_path()).string();
    std::unique_ptr<pcap::PcapReader> reader;
    try {
      reader = std::make_unique<pcap::PcapReader>(file);
    } catch (const net::InputError&) {
      if (skipped == nullptr) throw;
      skipped->push_back(name);
      continue;
    }
    pcap::PcapRecord r;
    while (reader->next(r)) out.push_back({name + " #" + std::to_string(reader->packets_read()), r.bytes});
  }
  return out;
}

std::vector<std::uint8_t> RandomFrames::flow(bool ipv6, bool udp, unsigned vlans, bool pppoe) {
  std::vector<std::uint8_t> b;
  for (int i = 0; i < 12; ++i) b.push_back(static_cast<std::uint8_t>(rng_()));
  for (unsigned i = 0; i < vlans; ++i) {
    put16(b, chance(80) ? 0x8100 : 0x88a8);
    put16(b, static_cast<std::uint16_t>(rng_()));
  }
  std::size_t pppoe_at = 0;
  if (pppoe) {
    put16(b, 0x8864);
    pppoe_at = b.size();
    b.push_back(0x11);
    b.push_back(0x00);
    put16(b, static_cast<std::uint16_t>(rng_()));
    put16(b, 0);  // length, below
    put16(b, ipv6 ? 0x0057 : 0x0021);
  } else {
    put16(b, ipv6 ? 0x86dd : 0x0800);
  }
  const std::size_t l3 = b.size();
  const unsigned payload = below(4) == 0 ? below(1400) : below(64);
  const unsigned l4_len = (udp ? 8 : 20) + payload;
  // TTL / hop limit: often the edge values the rewrite unit punts or decrements to 0.
  static constexpr std::uint8_t kTtls[] = {0, 1, 2, 64, 255};
  const std::uint8_t ttl = chance(50) ? kTtls[below(5)] : static_cast<std::uint8_t>(rng_());
  if (ipv6) {
    b.push_back(0x60 | static_cast<std::uint8_t>(below(16)));
    for (int i = 0; i < 3; ++i) b.push_back(static_cast<std::uint8_t>(rng_()));
    put16(b, static_cast<std::uint16_t>(l4_len));
    b.push_back(udp ? 17 : 6);
    b.push_back(ttl);
    for (int i = 0; i < 32; ++i) b.push_back(static_cast<std::uint8_t>(rng_()));
  } else {
    b.push_back(0x45);
    b.push_back(static_cast<std::uint8_t>(rng_()));
    put16(b, static_cast<std::uint16_t>(20 + l4_len));
    put16(b, static_cast<std::uint16_t>(rng_()));
    put16(b, chance(50) ? 0x4000 : 0);  // DF or nothing: never a fragment
    b.push_back(ttl);
    b.push_back(udp ? 17 : 6);
    for (int i = 0; i < 10; ++i) b.push_back(static_cast<std::uint8_t>(rng_()));  // checksum, addresses
  }
  const std::size_t l4 = b.size();
  for (unsigned i = 0; i < l4_len; ++i) b.push_back(static_cast<std::uint8_t>(rng_()));
  if (!udp) {
    b[l4 + 12] = static_cast<std::uint8_t>((5 + below(3)) << 4);  // data offset 20..28: inside
    if (b[l4 + 12] >> 4 > 5 && l4_len < (b[l4 + 12] >> 4) * 4u) b[l4 + 12] = 0x50;
    b[l4 + 13] = static_cast<std::uint8_t>(chance(30) ? rng_() : (rng_() & ~0x07u));  // FIN/SYN/RST sometimes
  } else {
    set16(b, l4 + 4, static_cast<std::uint16_t>(l4_len));
    // A UDP checksum of 0 (none) and 0xffff are the rules' edge cases.
    if (chance(20)) set16(b, l4 + 6, chance(50) ? 0x0000 : 0xffff);
  }
  if (!ipv6 && chance(10)) set16(b, l3 + 10, chance(50) ? 0xffff : 0x0000);  // IP checksum edges
  if (pppoe) set16(b, pppoe_at + 4, static_cast<std::uint16_t>(b.size() - l3 + 2));
  if (chance(15)) {
    const unsigned pad = 1 + below(30);
    for (unsigned i = 0; i < pad; ++i) b.push_back(static_cast<std::uint8_t>(rng_()));
  }
  return b;
}

std::vector<std::uint8_t> RandomFrames::any() {
  // Sometimes plain noise, often shaped like an IP ethertype.
  if (chance(3)) {
    std::vector<std::uint8_t> b(below(160));
    for (auto& x : b) x = static_cast<std::uint8_t>(rng_());
    if (b.size() >= 14 && chance(70)) set16(b, 12, chance(50) ? 0x0800 : 0x86dd);
    return b;
  }
  const bool ipv6 = chance(45);
  const bool udp = chance(50);
  const unsigned vlans = chance(50) ? 0 : (chance(50) ? 1 : (chance(80) ? 2 : 3));
  const bool pppoe = chance(20);
  std::vector<std::uint8_t> b = flow(ipv6, udp, std::min(vlans, 2u), pppoe);
  std::size_t l2_end = 14 + 4 * std::min(vlans, 2u);
  if (vlans == 3) {
    // A third tag: insert it after the second.
    const std::uint8_t tag[4] = {0x81, 0x00, static_cast<std::uint8_t>(rng_()), static_cast<std::uint8_t>(rng_())};
    b.insert(b.begin() + static_cast<std::ptrdiff_t>(l2_end - 2), tag, tag + 4);
    l2_end += 4;
  }
  const std::size_t l3 = l2_end + (pppoe ? 8 : 0);
  // Break one thing, or none.
  switch (below(14)) {
    case 0:  // another L2 payload (ARP, LLDP, random)
      set16(b, l2_end - 2, chance(50) ? 0x0806 : static_cast<std::uint16_t>(rng_()));
      break;
    case 1:  // PPPoE: bad version/type or another PPP protocol
      if (pppoe) {
        if (chance(50)) {
          b[l2_end] = static_cast<std::uint8_t>(rng_());
        } else {
          set16(b, l2_end + 6, static_cast<std::uint16_t>(chance(50) ? 0xc021 : rng_()));
        }
      }
      break;
    case 2:  // IP version or IHL
      b[l3] = static_cast<std::uint8_t>(chance(50) ? rng_() : ((ipv6 ? 0x40 : 0x60) | (b[l3] & 0x0f)));
      break;
    case 3:  // IPv4 options (IHL 6..15) or an IHL below 5
      if (!ipv6) b[l3] = static_cast<std::uint8_t>(0x40 | below(16));
      break;
    case 4:  // fragments: MF, an offset, or an IPv6 fragment header
      if (ipv6) {
        b[l3 + 6] = 44;
      } else {
        set16(b, l3 + 6, static_cast<std::uint16_t>(chance(50) ? 0x2000 : (1 + below(0x1fff))));
      }
      break;
    case 5:  // IPv6 extension headers and other next headers
      if (ipv6) {
        static constexpr std::uint8_t kNext[] = {0, 43, 50, 51, 60, 135, 139, 140, 58, 1, 59, 47, 132};
        b[l3 + 6] = kNext[below(std::size(kNext))];
      } else {
        b[l3 + 9] = static_cast<std::uint8_t>(chance(50) ? 1 : rng_());
      }
      break;
    case 6:  // lengths that disagree with the frame
      if (ipv6) {
        set16(b, l3 + 4, static_cast<std::uint16_t>(chance(50) ? rng_() : (b.size() - l3 - 40 + below(3))));
      } else {
        set16(b, l3 + 2, static_cast<std::uint16_t>(chance(50) ? rng_() : below(40)));
      }
      break;
    case 7:  // TCP data offset anywhere
      if (!udp) b[l3 + (ipv6 ? 40 : 20) + 12] = static_cast<std::uint8_t>(rng_());
      break;
    case 8:  // truncated anywhere
      b.resize(below(static_cast<std::uint32_t>(b.size())));
      break;
    case 9:  // a flipped byte in the headers
      if (!b.empty()) b[below(std::min<std::uint32_t>(static_cast<std::uint32_t>(b.size()), 100))] ^= 1u << below(8);
      break;
    default:
      break;
  }
  return b;
}

}  // namespace flowsim::model::testing
