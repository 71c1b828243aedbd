// SPDX-License-Identifier: Apache-2.0
// The hosts a capture shows: every IP address that sent a packet, with the MAC address it
// sent from (the first one, unless the capture's MACs are made up), how many packets it
// sent, how many conversations it opened and accepted, and on which capture interface it
// was first seen. Endpoint emulation plays these hosts and answers ARP/ND for them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "net/mac_addr.hpp"

namespace flowsim::capture {

// An IP address of either family (IPv4 in the first four bytes), as net::FiveTuple holds them.
struct IpKey {
  std::array<std::uint8_t, 16> addr{};
  std::uint8_t family = 4;
  friend bool operator==(const IpKey&, const IpKey&) = default;
  friend auto operator<=>(const IpKey&, const IpKey&) = default;
};

struct Host {
  IpKey ip;
  std::optional<net::MacAddr> mac;  // the source MAC of its first frame with real MACs
  std::optional<net::MacAddr> via;  // the destination MAC of the first frame sent to it
  std::uint64_t first_packet = 0;
  std::uint32_t first_interface = 0;  // of its first packet sent (else: first seen)
  std::uint64_t sent = 0;
  std::uint32_t opened = 0;    // conversations it initiated
  std::uint32_t accepted = 0;  // conversations initiated toward it
};

class HostTable {
 public:
  // The host with address `ip`, created on first use.
  Host& touch(const IpKey& ip, std::uint64_t packet, std::uint32_t interface);
  const Host* find(const IpKey& ip) const;
  Host* find(const IpKey& ip);
  // In order of first appearance.
  const std::vector<Host>& all() const { return hosts_; }
  std::vector<Host>& all() { return hosts_; }

 private:
  struct Hash {
    std::size_t operator()(const IpKey& k) const;
  };
  std::unordered_map<IpKey, std::size_t, Hash> index_;
  std::vector<Host> hosts_;
};

}  // namespace flowsim::capture
