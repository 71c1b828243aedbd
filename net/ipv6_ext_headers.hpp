// SPDX-License-Identifier: Apache-2.0
// IPv6 extension headers (RFC 8200 §4) and the one walk over them that every layer uses.
// Lengths differ by type: hop-by-hop, routing and destination options count 8-octet units
// beyond the first 8 octets; AH (RFC 4302) counts 4-octet units beyond the first 2 (Linux
// ipv6_optlen / ipv6_authlen); the fragment header is always 8 octets.
//
//   generic:  next header(1) hdr ext len(1) ...
//   fragment: next header(1) reserved(1) offset(13 bits)|res(2)|M(1) identification(4)
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "net/header_view.hpp"
#include "net/ip_proto.hpp"

namespace flowsim::net {

// ipv6_ext_hdr: the next-header values Linux walks over (ESP is not one: what follows it is
// encrypted). NONE counts as one so that a walk stops on it.
constexpr bool is_ipv6_ext_header(std::uint8_t nh) {
  return nh == ip_proto::kHopByHop || nh == ip_proto::kRouting || nh == ip_proto::kFragment ||
         nh == ip_proto::kAuth || nh == ip_proto::kNoNext || nh == ip_proto::kDestOpts;
}

// An options-style extension header (hop-by-hop, routing, destination options, AH).
template <typename Byte>
class BasicIpv6ExtHeader : public BasicHeaderView<Byte> {
  using Base = BasicHeaderView<Byte>;
  using Base::fits;
  using Base::p_;

 public:
  static constexpr std::size_t kMinSize = 2;  // what must be readable to know the length
  // `type` is the next-header value that announced this header: it decides the length unit.
  static std::optional<BasicIpv6ExtHeader> at(std::span<Byte> frame, std::size_t offset, std::uint8_t type) {
    if (!fits(frame, offset, kMinSize)) return std::nullopt;
    return BasicIpv6ExtHeader(frame.data() + offset, type);
  }
  std::uint8_t next_header() const { return p_[0]; }
  std::size_t length() const {
    return type_ == ip_proto::kAuth ? (std::size_t{p_[1]} + 2) * 4 : (std::size_t{p_[1]} + 1) * 8;
  }

 private:
  BasicIpv6ExtHeader(Byte* p, std::uint8_t type) : Base(p), type_(type) {}
  std::uint8_t type_;
};

template <typename Byte>
class BasicIpv6FragmentHeader : public BasicHeaderView<Byte> {
  using Base = BasicHeaderView<Byte>;
  using Base::be16;
  using Base::be32;
  using Base::fits;
  using Base::kWritable;
  using Base::p_;
  using Base::set_be16;
  using Base::set_be32;

 public:
  static constexpr std::size_t kSize = 8;
  static constexpr std::uint16_t kOffsetMask = 0xfff8;  // IP6_OFFSET: the offset in bytes
  static constexpr std::uint16_t kMf = 0x0001;          // IP6_MF
  static std::optional<BasicIpv6FragmentHeader> at(std::span<Byte> frame, std::size_t offset) {
    if (!fits(frame, offset, kSize)) return std::nullopt;
    return BasicIpv6FragmentHeader(frame.data() + offset);
  }
  std::uint8_t next_header() const { return p_[0]; }
  std::uint16_t frag_off() const { return be16(2); }  // offset and flags, as on the wire
  std::size_t offset_bytes() const { return frag_off() & kOffsetMask; }
  bool more_fragments() const { return (frag_off() & kMf) != 0; }
  std::uint32_t id() const { return be32(4); }

  void set(std::uint8_t next_header, std::uint16_t frag_off, std::uint32_t id) const
    requires kWritable
  {
    p_[0] = next_header;
    p_[1] = 0;
    set_be16(2, frag_off);
    set_be32(4, id);
  }

 private:
  using Base::Base;
};

using Ipv6ExtHeader = BasicIpv6ExtHeader<std::uint8_t>;
using ConstIpv6ExtHeader = BasicIpv6ExtHeader<const std::uint8_t>;
using Ipv6FragmentHeader = BasicIpv6FragmentHeader<std::uint8_t>;
using ConstIpv6FragmentHeader = BasicIpv6FragmentHeader<const std::uint8_t>;

// Where a walk over an IPv6 datagram's extension headers stopped.
struct Ipv6Transport {
  std::uint8_t next_header = 0;  // the upper-layer protocol; kFragment when stopped at a later fragment
  std::size_t offset = 0;        // of that header, from the start of the IPv6 header
  // The flags/offset field of the last Fragment header passed or stopped at; 0 without one.
  std::uint16_t frag_off = 0;
  // Whether a Fragment header was seen (an atomic fragment, RFC 6946, has one with frag_off 0).
  bool fragment_header = false;

  bool later_fragment() const { return (frag_off & Ipv6FragmentHeader::kOffsetMask) != 0; }
};

// ipv6_skip_exthdr (net/ipv6/exthdrs_core.c) from the fixed header of `datagram`: walks
// hop-by-hop, routing, destination options, AH and the Fragment header of a first fragment;
// stops at the first upper-layer header, or at the Fragment header of a non-first fragment
// (then next_header is kFragment and offset points at it). nullopt where Linux returns -1:
// the fixed header or an extension header is cut off, or the chain ends in NONE (59). The
// offset may lie beyond the datagram when the last header claims more than there is.
std::optional<Ipv6Transport> ipv6_skip_exthdr(std::span<const std::uint8_t> datagram);

// What nft uses as the transport protocol (nft_set_pktinfo_ipv6 → ipv6_find_hdr with
// target -1): as ipv6_skip_exthdr, except that NONE is a transport (59, nothing behind it)
// and a non-first fragment reports the protocol its Fragment header names, with
// later_fragment() set and offset = datagram size (there is no transport header to read).
// nullopt (no transport protocol at all) where ipv6_find_hdr fails.
std::optional<Ipv6Transport> ipv6_find_transport(std::span<const std::uint8_t> datagram);

}  // namespace flowsim::net
