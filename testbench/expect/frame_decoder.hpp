// SPDX-License-Identifier: Apache-2.0
// A small Ethernet frame decoder for people reading a difference: every header field with
// its name, place and value, so that two frames can be compared and shown field by field,
// and masked fields found by name. It is the C++ twin of the kernel differential's decoder
// (testbench/kernel/kdiff/frames.py): the same field names, the same value texts, the same
// layer rules, so that a field named in a conformance failure is the field the
// differential names.
//
// Names are dotted and stable (`eth.dst`, `vlan.tci`, `ipv4.id`, `ipv6.flowlabel`,
// `tcp.sport`, `icmp.type`); headers quoted inside an ICMP/ICMPv6 error are prefixed with
// `quote.` (`quote.ipv4.src`, `quote.udp.dport`). Bytes the headers do not explain are
// `<layer>.payload`; bytes after the IP datagram are `eth.padding`. Truncated headers decode
// as far as they go. Not a parser for the datapath (net/frame_parser does that): it never
// rejects a frame, it describes it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flowsim::expect {

enum class FieldFormat : std::uint8_t { kInt, kHex, kMac, kIpv4, kIpv6, kBytes, kTcpFlags, kIpFlags };

struct Field {
  std::string name;
  std::size_t off = 0;   // first byte in the frame
  std::size_t size = 0;  // bytes
  std::uint64_t bits = 0;  // mask within the big-endian value of `size` bytes; 0: all of them
  FieldFormat fmt = FieldFormat::kInt;

  // The value (bits selected and shifted down); fields wider than 8 bytes give their
  // first 8 bytes' value, which no caller uses.
  std::uint64_t raw(std::span<const std::uint8_t> frame) const;
  // The value as a person reads it: MAC and IP addresses in their usual notation, flags by
  // name, hex fields with leading zeros, byte runs as "N bytes <first 24 in hex>...".
  std::string text(std::span<const std::uint8_t> frame) const;
};

enum class LayerKind : std::uint8_t { kEth, kVlan, kPppoe, kIpv4, kIpv6, kTcp, kUdp, kIcmp, kIcmpv6 };
std::string_view to_string(LayerKind kind);

// One decoded header and what it covers: `end` is where the bytes its checksum covers end
// (captured bytes only).
struct Layer {
  LayerKind kind = LayerKind::kEth;
  std::size_t off = 0;
  std::size_t end = 0;
  bool quoted = false;     // inside an ICMP error
  int parent_ip = -1;      // the IP header an L4 layer belongs to (pseudo-header), index into layers
  int enclosing = -1;      // the ICMP error a quoted layer sits in
  // (short name, index into DecodedFrame::fields), in decoding order.
  std::vector<std::pair<std::string, std::size_t>> fields;

  // The field with this short name ("src", "checksum"), or nullptr.
  const Field* field(const std::vector<Field>& all, std::string_view short_name) const;
};

struct DecodedFrame {
  std::vector<std::uint8_t> frame;
  std::vector<Field> fields;  // every field, in frame order
  std::vector<Layer> layers;  // every layer, outermost first
  int l3 = -1;                // the outer IPv4/IPv6 layer, if any

  const Field* field(const Layer& layer, std::string_view short_name) const { return layer.field(fields, short_name); }
  // The outer L4 layer (TCP/UDP/ICMP/ICMPv6), not one quoted in an ICMP error; nullptr if none.
  const Layer* l4() const;
  const Layer* outer_ip() const { return l3 < 0 ? nullptr : &layers[static_cast<std::size_t>(l3)]; }
  // Whether both decodings have the same field names in the same order.
  bool same_structure(const DecodedFrame& other) const;
};

DecodedFrame decode(std::span<const std::uint8_t> frame);

// One line: addresses, protocol, ports or ICMP type, flags, length (frames.py `summary`).
std::string summary(std::span<const std::uint8_t> frame);

// ICMP types that quote the offending datagram (errors), and the echo types.
bool is_icmp_error(LayerKind kind, unsigned type);
bool is_icmp_echo(LayerKind kind, unsigned type);

}  // namespace flowsim::expect
