// SPDX-License-Identifier: Apache-2.0
// Which conntrack entries `conntrack -D` deletes: the filters of conntrack-tools (-f family,
// -p protocol, -s/-d original source/destination, --sport/--dport original ports, -r/-q
// reply source/destination); an empty filter matches every entry.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "engine/conntrack/connection.hpp"

namespace flowsim::engine::conntrack {

struct CtFilter {
  std::optional<std::uint8_t> family;  // 4 or 6
  std::optional<std::uint8_t> proto;
  std::optional<std::array<std::uint8_t, 16>> orig_src;  // in FiveTuple's layout (IPv4 in bytes 0..3)
  std::optional<std::array<std::uint8_t, 16>> orig_dst;
  std::optional<std::uint16_t> orig_sport;
  std::optional<std::uint16_t> orig_dport;
  std::optional<std::array<std::uint8_t, 16>> reply_src;
  std::optional<std::array<std::uint8_t, 16>> reply_dst;

  bool matches(const Connection& ct) const {
    const net::FiveTuple& o = ct.tuple[0];
    const net::FiveTuple& r = ct.tuple[1];
    return (!family || o.family == *family) && (!proto || o.proto == *proto) && (!orig_src || o.src == *orig_src) &&
           (!orig_dst || o.dst == *orig_dst) && (!orig_sport || o.src_port == *orig_sport) &&
           (!orig_dport || o.dst_port == *orig_dport) && (!reply_src || r.src == *reply_src) &&
           (!reply_dst || r.dst == *reply_dst);
  }
};

}  // namespace flowsim::engine::conntrack
