// SPDX-License-Identifier: Apache-2.0
#include "testbench/capture/packet_fingerprint.hpp"

#include <algorithm>

#include "net/byte_order.hpp"
#include "testbench/capture/packet_inspector.hpp"

namespace flowsim::capture {
namespace {

// Payload bytes hashed: enough to tell apart packets that share everything else.
constexpr std::size_t kPayloadBytes = 64;

class Fnv {
 public:
  void bytes(std::span<const std::uint8_t> b) {
    for (std::uint8_t x : b) {
      h_ ^= x;
      h_ *= 0x100000001b3ULL;
    }
  }
  void u16(std::uint16_t v) {
    const std::uint8_t b[2] = {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
    bytes(b);
  }
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

}  // namespace

std::optional<std::uint64_t> packet_fingerprint(std::span<const std::uint8_t> frame) {
  const InspectedPacket p = inspect(frame);
  if (!p.is_ip()) return std::nullopt;
  // The packet as its IP header says, without Ethernet padding.
  const std::size_t end = std::min<std::size_t>(frame.size(), std::size_t{p.l3_offset} + p.l3_length);
  const std::span<const std::uint8_t> ip = frame.subspan(p.l3_offset, end - p.l3_offset);
  Fnv h;
  h.u16(p.tuple.family);
  h.u16(p.tuple.proto);
  h.u16(p.l3_length);
  if (p.tuple.family == 4) {
    h.bytes(ip.subspan(4, 4));  // identification, flags, fragment offset
  } else {
    h.bytes(ip.subspan(1, 3));  // flow label (with the traffic class's low bits)
  }
  if (p.l4_offset == 0 || p.l4_offset >= end) return h.value();  // a later fragment: its payload
  const std::span<const std::uint8_t> l4 = frame.subspan(p.l4_offset, end - p.l4_offset);
  std::size_t payload = 0;
  switch (p.kind) {
    case PacketKind::kTcp:
      if (l4.size() < 20) return h.value();
      h.bytes(l4.subspan(4, 10));  // sequence, acknowledgement, data offset, flags
      h.bytes(l4.subspan(14, 2));  // window
      payload = std::min<std::size_t>(static_cast<std::size_t>(l4[12] >> 4) * 4, l4.size());
      break;
    case PacketKind::kUdp:
      if (l4.size() < 8) return h.value();
      h.bytes(l4.subspan(4, 2));  // length
      payload = 8;
      break;
    case PacketKind::kIcmpEcho:
      h.bytes(l4.subspan(0, 2));  // type, code
      h.bytes(l4.subspan(6, 2));  // sequence
      payload = 8;
      break;
    case PacketKind::kIcmpError:
      // The quoted packet is translated with the connection; its IPv4 ID and the bytes after
      // the ports (TCP sequence number) are not.
      h.bytes(l4.subspan(0, 2));
      if (p.tuple.family == 4 && l4.size() >= 8 + 6) h.bytes(l4.subspan(8 + 4, 2));
      return h.value();
    default:
      payload = 0;
      break;
  }
  const std::span<const std::uint8_t> data = l4.subspan(payload);
  h.bytes(data.first(std::min(data.size(), kPayloadBytes)));
  return h.value();
}

}  // namespace flowsim::capture
