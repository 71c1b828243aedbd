// SPDX-License-Identifier: Apache-2.0
#include "testbench/pcap/link_layer.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <array>

#include "net/byte_order.hpp"

namespace flowsim::pcap {
namespace {

constexpr std::size_t kEthHeader = 14;
constexpr std::size_t kSllHeader = 16;
constexpr std::size_t kSll2Header = 20;
constexpr std::size_t kLoopbackHeader = 4;
constexpr std::uint16_t kArphrdEther = 1;
constexpr std::uint16_t kArphrdLoopback = 772;
// Linux packet types (if_packet.h), as cooked captures record them.
constexpr std::uint16_t kPacketBroadcast = 1;
constexpr std::uint16_t kPacketMulticast = 2;

using Mac = std::array<std::uint8_t, 6>;

std::uint16_t ether_type_of_ip(std::span<const std::uint8_t> ip) {
  if (ip.empty()) return 0;
  switch (ip[0] >> 4) {
    case 4: return 0x0800;
    case 6: return 0x86dd;
    default: return 0;  // not IP: the router drops it as such
  }
}

// The destination MAC a multicast IP packet has on Ethernet (RFC 1112 §6.4, RFC 2464 §7).
Mac multicast_mac(std::uint16_t ether_type, std::span<const std::uint8_t> l3) {
  if (ether_type == 0x0800 && l3.size() >= 20 && (l3[16] >> 4) == 0xe) {
    return {0x01, 0x00, 0x5e, static_cast<std::uint8_t>(l3[17] & 0x7f), l3[18], l3[19]};
  }
  if (ether_type == 0x86dd && l3.size() >= 40 && l3[24] == 0xff) return {0x33, 0x33, l3[36], l3[37], l3[38], l3[39]};
  return {};
}

void build(std::vector<std::uint8_t>& frame, const Mac& dst, const Mac& src, std::uint16_t ether_type,
           std::span<const std::uint8_t> payload) {
  frame.resize(kEthHeader + payload.size());
  std::copy(dst.begin(), dst.end(), frame.begin());
  std::copy(src.begin(), src.end(), frame.begin() + 6);
  net::store_be16(frame.data() + 12, ether_type);
  std::copy(payload.begin(), payload.end(), frame.begin() + kEthHeader);
}

// A cooked capture's header, whichever version.
struct Cooked {
  std::uint16_t packet_type;
  std::uint16_t hatype;
  std::uint8_t address_length;
  const std::uint8_t* address;
  std::uint16_t protocol;
};

LinkConversion from_cooked(const Cooked& c, std::span<const std::uint8_t> payload, std::size_t header,
                           std::vector<std::uint8_t>& frame) {
  LinkConversion r;
  Mac src{};
  const bool has_mac = (c.hatype == kArphrdEther || c.hatype == kArphrdLoopback) && c.address_length == 6;
  if (has_mac) std::copy(c.address, c.address + 6, src.begin());
  // Below 0x0600 the protocol is not an EtherType (Linux uses 1 for 802.3 frames without
  // LLC, 4 for 802.2 LLC): such a frame is written as 802.3, its length in the type field.
  const std::uint16_t type = c.protocol >= 0x0600 ? c.protocol
                                                  : static_cast<std::uint16_t>(std::min<std::size_t>(payload.size(), 1500));
  Mac dst{};
  if (c.packet_type == kPacketBroadcast) {
    dst.fill(0xff);
  } else if (c.packet_type == kPacketMulticast) {
    dst = multicast_mac(type, payload);
  }
  // The receiver's MAC is never in a cooked capture; a broadcast or IP multicast one follows
  // from the packet.
  r.synthetic_macs = !has_mac || dst == Mac{};
  build(frame, dst, src, type, payload);
  r.length_change = static_cast<int>(kEthHeader) - static_cast<int>(header);
  return r;
}

LinkConversion from_ip(std::span<const std::uint8_t> data, std::size_t header, std::vector<std::uint8_t>& frame) {
  const std::span<const std::uint8_t> ip = data.subspan(header);
  build(frame, Mac{}, Mac{}, ether_type_of_ip(ip), ip);
  LinkConversion r;
  r.synthetic_macs = true;
  r.length_change = static_cast<int>(kEthHeader) - static_cast<int>(header);
  return r;
}

LinkConversion cut(std::vector<std::uint8_t>& frame) {
  frame.clear();
  LinkConversion r;
  r.error = "link_header_cut";
  return r;
}

}  // namespace

bool link_type_supported(std::uint16_t link_type) {
  switch (static_cast<LinkType>(link_type)) {
    case LinkType::kNull:
    case LinkType::kEthernet:
    case LinkType::kRawOld12:
    case LinkType::kRawOld14:
    case LinkType::kRaw:
    case LinkType::kLoop:
    case LinkType::kLinuxSll:
    case LinkType::kIpv4:
    case LinkType::kIpv6:
    case LinkType::kLinuxSll2: return true;
  }
  return false;
}

std::string link_type_name(std::uint16_t link_type) {
  // LINKTYPE_* values equal libpcap's DLT_* ones except for a few, raw IP among them.
  const char* name = link_type == static_cast<std::uint16_t>(LinkType::kRaw) ? "RAW"
                                                                             : pcap_datalink_val_to_name(link_type);
  return std::string(name != nullptr ? name : "unknown") + " (" + std::to_string(link_type) + ")";
}

LinkConversion to_ethernet(std::uint16_t link_type, std::span<const std::uint8_t> data,
                           std::vector<std::uint8_t>& frame) {
  switch (static_cast<LinkType>(link_type)) {
    case LinkType::kEthernet:
      if (data.size() < kEthHeader) return cut(frame);
      frame.assign(data.begin(), data.end());
      return {};
    case LinkType::kRaw:
    case LinkType::kRawOld12:
    case LinkType::kRawOld14:
    case LinkType::kIpv4:
    case LinkType::kIpv6:
      return from_ip(data, 0, frame);
    case LinkType::kNull:
    case LinkType::kLoop:
      // The family's value differs between systems (AF_INET6 is 10, 24, 28 or 30) and its
      // byte order between the two types; the IP version nibble says the same for certain.
      if (data.size() < kLoopbackHeader) return cut(frame);
      return from_ip(data, kLoopbackHeader, frame);
    case LinkType::kLinuxSll: {
      if (data.size() < kSllHeader) return cut(frame);
      const Cooked c{net::load_be16(data.data()), net::load_be16(data.data() + 2),
                     static_cast<std::uint8_t>(std::min<std::uint16_t>(net::load_be16(data.data() + 4), 8)),
                     data.data() + 6, net::load_be16(data.data() + 14)};
      return from_cooked(c, data.subspan(kSllHeader), kSllHeader, frame);
    }
    case LinkType::kLinuxSll2: {
      if (data.size() < kSll2Header) return cut(frame);
      const Cooked c{data[10], net::load_be16(data.data() + 8), std::min<std::uint8_t>(data[11], 8), data.data() + 12,
                     net::load_be16(data.data())};
      return from_cooked(c, data.subspan(kSll2Header), kSll2Header, frame);
    }
  }
  frame.clear();
  LinkConversion r;
  r.error = "unsupported_link_type";
  return r;
}

}  // namespace flowsim::pcap
