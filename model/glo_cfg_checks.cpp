// SPDX-License-Identifier: Apache-2.0
#include "model/glo_cfg_checks.hpp"

#include "hw/flowsim_hw.hpp"  // Generated.
#include "net/checksum.hpp"
#include "net/ip_proto.hpp"

namespace flowsim::model {
namespace {

constexpr std::size_t kIpv4HeaderBytes = 20;  // the parser hands on IPv4 without options only

net::Ipv6Addr ipv6_of(const ParsedHeaders& h, unsigned first_word) {
  std::array<std::uint8_t, 16> b{};
  for (unsigned w = 0; w < 4; ++w) {
    const std::uint32_t v = h.key[first_word + w];
    for (unsigned i = 0; i < 4; ++i) b[4 * w + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
  }
  return net::Ipv6Addr(b);
}

}  // namespace

std::optional<ModelDropReason> glo_cfg_drop(std::uint32_t glo_cfg, std::span<const std::uint8_t> frame,
                                            const ParsedHeaders& h) {
  using hw::reg::GloCfg;
  if ((glo_cfg & (GloCfg::kIp4CsDrop.mask() | GloCfg::kL4CsDrop.mask() | GloCfg::kTtl0Drop.mask())) == 0) {
    return std::nullopt;
  }
  if (h.exception) return std::nullopt;
  if (GloCfg::kTtl0Drop.get(glo_cfg) && h.ttl == 0) return ModelDropReason::kTtlZero;
  if (!h.ipv6 && GloCfg::kIp4CsDrop.get(glo_cfg) && h.l3_offset + kIpv4HeaderBytes <= frame.size() &&
      net::internet_checksum(frame.subspan(h.l3_offset, kIpv4HeaderBytes)) != 0) {
    return ModelDropReason::kIpChecksum;
  }
  if (GloCfg::kL4CsDrop.get(glo_cfg)) {
    const std::size_t l3_end = std::size_t{h.l3_offset} + h.l3_length;
    // A packet shorter than its IP length says is the CPU's to judge (Linux drops it).
    if (l3_end > frame.size() || h.l4_offset > l3_end) return std::nullopt;
    const auto l4 = frame.subspan(h.l4_offset, l3_end - h.l4_offset);
    const std::uint8_t proto = h.udp ? net::ip_proto::kUdp : net::ip_proto::kTcp;
    if (h.udp && !h.ipv6 && l4.size() >= 8 && l4[6] == 0 && l4[7] == 0) return std::nullopt;
    const std::uint16_t sum = h.ipv6 ? net::l4_checksum(ipv6_of(h, 0), ipv6_of(h, 4), proto, l4)
                                     : net::l4_checksum(net::Ipv4Addr(h.key[0]), net::Ipv4Addr(h.key[1]), proto, l4);
    if (sum != 0) return ModelDropReason::kL4Checksum;
  }
  return std::nullopt;
}

}  // namespace flowsim::model
