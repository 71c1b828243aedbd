// SPDX-License-Identifier: Apache-2.0
#include "engine/neighbour_table.hpp"

#include "net/byte_order.hpp"

namespace flowsim::engine {

std::size_t NeighbourTable::KeyHash::operator()(const Key& k) const {
  // FNV-1a over the key bytes: the table is small and this is not on an adversarial path.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](std::uint8_t b) {
    h ^= b;
    h *= 0x100000001b3ULL;
  };
  for (std::uint8_t b : k.addr) mix(b);
  for (unsigned i = 0; i < 4; ++i) mix(static_cast<std::uint8_t>(k.ifindex >> (8 * i)));
  mix(k.family);
  return static_cast<std::size_t>(h);
}

NeighbourTable::Key NeighbourTable::key(unsigned ifindex, net::Ipv4Addr ip) {
  Key k;
  net::store_be32(k.addr.data(), ip.value());
  k.ifindex = ifindex;
  k.family = 4;
  return k;
}

NeighbourTable::Key NeighbourTable::key(unsigned ifindex, const net::Ipv6Addr& ip) {
  return Key{ip.bytes(), ifindex, 6};
}

bool NeighbourTable::add(unsigned ifindex, net::Ipv4Addr ip, const net::MacAddr& mac) {
  return entries_.insert_or_assign(key(ifindex, ip), mac).second;
}

bool NeighbourTable::add(unsigned ifindex, const net::Ipv6Addr& ip, const net::MacAddr& mac) {
  return entries_.insert_or_assign(key(ifindex, ip), mac).second;
}

bool NeighbourTable::add(unsigned ifindex, const std::variant<net::Ipv4Addr, net::Ipv6Addr>& ip,
                         const net::MacAddr& mac) {
  return std::visit([&](const auto& a) { return add(ifindex, a, mac); }, ip);
}

std::optional<net::MacAddr> NeighbourTable::lookup(unsigned ifindex, net::Ipv4Addr ip) const {
  if (auto it = entries_.find(key(ifindex, ip)); it != entries_.end()) return it->second;
  return std::nullopt;
}

std::optional<net::MacAddr> NeighbourTable::lookup(unsigned ifindex, const net::Ipv6Addr& ip) const {
  if (auto it = entries_.find(key(ifindex, ip)); it != entries_.end()) return it->second;
  return std::nullopt;
}

std::optional<net::MacAddr> NeighbourTable::lookup(unsigned ifindex,
                                                   const std::variant<net::Ipv4Addr, net::Ipv6Addr>& ip) const {
  return std::visit([&](const auto& a) { return lookup(ifindex, a); }, ip);
}

bool NeighbourTable::remove(unsigned ifindex, const std::variant<net::Ipv4Addr, net::Ipv6Addr>& ip) {
  return std::visit([&](const auto& a) { return entries_.erase(key(ifindex, a)) > 0; }, ip);
}

}  // namespace flowsim::engine
