// SPDX-License-Identifier: Apache-2.0
// Longest-prefix-match routing table for IPv4 and IPv6 (one table, like Linux's main table).
// Now: one hash map per prefix length, probed from the longest length that holds any route;
// lookups never allocate. A trie (Linux fib_trie) can replace it behind the same interface
// once tables grow to Internet size.
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <variant>

#include "net/ipv4_addr.hpp"
#include "net/ipv6_addr.hpp"

namespace flowsim::engine {

// Where a matching packet goes. A route without gateway is on-link: the next hop is the
// packet's own destination.
struct Route {
  std::optional<std::variant<net::Ipv4Addr, net::Ipv6Addr>> gateway;
  unsigned ifindex = 0;

  friend bool operator==(const Route&, const Route&) = default;
};

class RouteTable {
 public:
  // Adds a route; an existing route for the same prefix (host bits ignored) is replaced, as
  // `ip route replace` does. Returns true if the prefix was new.
  bool add(const net::Ipv4Prefix& prefix, const Route& route);
  bool add(const net::Ipv6Prefix& prefix, const Route& route);

  // The route of the longest prefix containing `dst`, or nullptr. The pointer stays valid
  // until the next add(). Never allocates.
  const Route* lookup(net::Ipv4Addr dst) const;
  const Route* lookup(const net::Ipv6Addr& dst) const;

  std::size_t size() const { return size_; }

 private:
  struct V6Key {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    friend bool operator==(const V6Key&, const V6Key&) = default;
  };
  struct V6KeyHash {
    std::size_t operator()(const V6Key& k) const {
      // splitmix64-style mixing: masked prefixes differ only in a few high bits.
      std::uint64_t x = k.hi ^ (k.lo * 0x9e3779b97f4a7c15ULL);
      x ^= x >> 30;
      x *= 0xbf58476d1ce4e5b9ULL;
      x ^= x >> 27;
      return static_cast<std::size_t>(x);
    }
  };
  static V6Key masked_key(const net::Ipv6Addr& addr, unsigned length);

  std::array<std::unordered_map<std::uint32_t, Route>, 33> v4_;
  std::array<std::unordered_map<V6Key, Route, V6KeyHash>, 129> v6_;
  std::bitset<33> v4_lengths_;  // which v4_ maps are non-empty, so lookups skip the rest
  std::bitset<129> v6_lengths_;
  std::size_t size_ = 0;
};

}  // namespace flowsim::engine
