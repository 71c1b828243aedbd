// SPDX-License-Identifier: Apache-2.0
#include "engine/route_table.hpp"

#include "net/byte_order.hpp"

namespace flowsim::engine {

RouteTable::V6Key RouteTable::masked_key(const net::Ipv6Addr& addr, unsigned length) {
  const std::uint8_t* b = addr.bytes().data();
  const std::uint64_t hi = std::uint64_t{net::load_be32(b)} << 32 | net::load_be32(b + 4);
  const std::uint64_t lo = std::uint64_t{net::load_be32(b + 8)} << 32 | net::load_be32(b + 12);
  auto mask = [](unsigned bits) -> std::uint64_t { return bits == 0 ? 0 : ~std::uint64_t{0} << (64 - bits); };
  if (length <= 64) return V6Key{hi & mask(length), 0};
  return V6Key{hi, lo & mask(length - 64)};
}

bool RouteTable::add(const net::Ipv4Prefix& prefix, const Route& route) {
  const unsigned len = prefix.length();
  const bool inserted = v4_[len].insert_or_assign(prefix.addr().value() & prefix.mask(), route).second;
  v4_lengths_.set(len);
  if (inserted) ++size_;
  return inserted;
}

bool RouteTable::add(const net::Ipv6Prefix& prefix, const Route& route) {
  const unsigned len = prefix.length();
  const bool inserted = v6_[len].insert_or_assign(masked_key(prefix.addr(), len), route).second;
  v6_lengths_.set(len);
  if (inserted) ++size_;
  return inserted;
}

const Route* RouteTable::lookup(net::Ipv4Addr dst) const {
  for (int len = 32; len >= 0; --len) {
    if (!v4_lengths_.test(static_cast<std::size_t>(len))) continue;
    const net::Ipv4Prefix p(dst, static_cast<unsigned>(len));
    const auto& map = v4_[static_cast<std::size_t>(len)];
    if (auto it = map.find(dst.value() & p.mask()); it != map.end()) return &it->second;
  }
  return nullptr;
}

const Route* RouteTable::lookup(const net::Ipv6Addr& dst) const {
  for (int len = 128; len >= 0; --len) {
    if (!v6_lengths_.test(static_cast<std::size_t>(len))) continue;
    const auto& map = v6_[static_cast<std::size_t>(len)];
    if (auto it = map.find(masked_key(dst, static_cast<unsigned>(len))); it != map.end()) return &it->second;
  }
  return nullptr;
}

}  // namespace flowsim::engine
