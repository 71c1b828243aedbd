// SPDX-License-Identifier: Apache-2.0
// NAT bindings (net/netfilter/nf_nat_core.c): on the first packet of a connection, DNAT at
// PREROUTING and SNAT/masquerade at POSTROUTING choose the translated tuple, and the reply
// tuple of the conntrack entry becomes its inverse. Without a matching rule the binding is
// a null binding, which still moves the source port if the untranslated tuple is taken.
// Port choice follows get_unique_tuple: keep the original when unused, reuse an existing
// mapping of the same source, else probe the port class from a random offset. The random
// numbers come from a seeded generator so runs are reproducible; tests should assert "in
// class and unique" rather than a particular port.
#pragma once

#include <chrono>
#include <cstdint>

#include "engine/conntrack/connection.hpp"
#include "engine/conntrack/conntrack.hpp"
#include "engine/nat/nat_range.hpp"
#include "net/five_tuple.hpp"

namespace flowsim::engine::nat {

class NatCore {
 public:
  NatCore(conntrack::Conntrack& conntrack, std::uint64_t seed, PortSlice slice = {});

  // nf_nat_setup_info for the unconfirmed entry `ct`: picks the tuple, updates ct's reply
  // tuple and sets IPS_{SRC,DST}_NAT (if it changed) and IPS_{SRC,DST}_NAT_DONE. A no-op on
  // confirmed entries.
  void setup(conntrack::Connection& ct, const NatRange& range, ManipType type, std::chrono::nanoseconds now);
  // nf_nat_alloc_null_binding.
  void setup_null_binding(conntrack::Connection& ct, ManipType type, std::chrono::nanoseconds now);

  static bool initialized(const conntrack::Connection& ct, ManipType type) {
    return ct.status & (type == ManipType::kSrc ? conntrack::kSrcNatDone : conntrack::kDstNatDone);
  }

  std::uint64_t random_draws() const { return draws_; }

 private:
  net::FiveTuple unique_tuple(const net::FiveTuple& orig, const NatRange& range, const conntrack::Connection& ct,
                              ManipType type);
  bool find_appropriate_src(const net::FiveTuple& orig, const NatRange& range, net::FiveTuple& result) const;
  void l4proto_unique_tuple(net::FiveTuple& tuple, const NatRange& range, ManipType type,
                            const conntrack::Connection& ct);
  bool used_tuple(const net::FiveTuple& tuple, const conntrack::Connection& ct);
  bool used_tuple_harder(const net::FiveTuple& tuple, const conntrack::Connection& ct, unsigned attempts_left);
  std::uint16_t random_u16();
  // The part of [min, min + size) this engine's port slice may use.
  void narrow_to_slice(unsigned& min, unsigned& size) const;
  // Whether a source mapping may keep `tuple`'s port (or ICMP id) under the port slice.
  bool port_in_slice(const net::FiveTuple& tuple, const NatRange& range) const;

  conntrack::Conntrack& conntrack_;
  std::uint64_t rng_state_;
  PortSlice slice_;
  std::chrono::nanoseconds now_{0};  // of the setup in progress (expired entries do not count)
  std::uint64_t draws_ = 0;
};

}  // namespace flowsim::engine::nat
