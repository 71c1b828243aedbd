// SPDX-License-Identifier: Apache-2.0
// The neighbour (ARP / NDP) cache: the MAC address of an IP next hop on one interface, as in
// `ip neigh add 192.168.1.100 lladdr 02:.. dev lan`. Entries are per interface because the
// same address may live on two links. Static entries only for now; ARP/ND resolution and
// entry states (REACHABLE, STALE...) come with the issue that answers ARP.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <variant>

#include "net/ipv4_addr.hpp"
#include "net/ipv6_addr.hpp"
#include "net/mac_addr.hpp"

namespace flowsim::engine {

class NeighbourTable {
 public:
  // Adds or replaces (`ip neigh replace`) an entry. Returns true if it was new.
  bool add(unsigned ifindex, net::Ipv4Addr ip, const net::MacAddr& mac);
  bool add(unsigned ifindex, const net::Ipv6Addr& ip, const net::MacAddr& mac);
  bool add(unsigned ifindex, const std::variant<net::Ipv4Addr, net::Ipv6Addr>& ip, const net::MacAddr& mac);
  // Removes an entry (`ip neigh del`); false if there was none.
  bool remove(unsigned ifindex, const std::variant<net::Ipv4Addr, net::Ipv6Addr>& ip);

  // The MAC of `ip` on interface `ifindex`; never allocates.
  std::optional<net::MacAddr> lookup(unsigned ifindex, net::Ipv4Addr ip) const;
  std::optional<net::MacAddr> lookup(unsigned ifindex, const net::Ipv6Addr& ip) const;
  std::optional<net::MacAddr> lookup(unsigned ifindex, const std::variant<net::Ipv4Addr, net::Ipv6Addr>& ip) const;

  std::size_t size() const { return entries_.size(); }

 private:
  // IPv4 addresses occupy the first four bytes; `family` keeps 10.0.0.1 apart from the IPv6
  // address whose first four bytes are the same.
  struct Key {
    std::array<std::uint8_t, 16> addr{};
    unsigned ifindex = 0;
    std::uint8_t family = 4;
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const;
  };
  static Key key(unsigned ifindex, net::Ipv4Addr ip);
  static Key key(unsigned ifindex, const net::Ipv6Addr& ip);

  std::unordered_map<Key, net::MacAddr, KeyHash> entries_;
};

}  // namespace flowsim::engine
