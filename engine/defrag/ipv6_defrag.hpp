// SPDX-License-Identifier: Apache-2.0
// nf_defrag_ipv6: IPv6 fragments gathered before conntrack (PREROUTING, priority -400) into
// the datagram they belong to, as nf_ct_frag6_gather (net/ipv6/netfilter/nf_conntrack_reasm.c)
// does. It differs from the IPv4 one (ipv4_defrag.hpp) where the kernel's differs:
// - the Fragment header is found behind hop-by-hop, routing, destination options and AH
//   headers (find_prev_fhdr); a packet without one, with a jumbo payload length (0) or whose
//   first fragment does not hold every header up to the transport header's first bytes
//   (RFC 8200 §4.5, ipv6frag_thdr_truncated) is not gathered: it goes on as it is (kPass);
// - a queue per (source, destination, identification, input interface), 60 s
//   (nf_conntrack_frag6_timeout), nf_conntrack_frag6_high_thresh 4 MiB;
// - a fragment that is not the last and whose data does not end on a multiple of 8 kills
//   its queue and goes on unreassembled (-EPROTO: NF_ACCEPT); a bad last fragment, data
//   beyond the end or an empty fragment is dropped without killing the queue (-EINVAL);
//   an overlap kills the queue (RFC 5722); an exact duplicate is dropped alone;
// - the datagram is the first fragment's headers in front of its Fragment header (the
//   unfragmentable part, with the Fragment header's next header put where it was announced),
//   then the data in order; payload length set, CE added as for IPv4; an ECN mix or more than
//   65535 bytes of payload loses the datagram.
// What it returns for refragmentation on output (ip6_fragment): frag_max_size, the largest
// fragment's size (40 + its payload length), and each fragment's data length in order.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <tuple>
#include <vector>

#include "engine/defrag/frag_queue.hpp"
#include "engine/drop_reason.hpp"

namespace flowsim::engine::defrag {

inline constexpr DefragConfig kIpv6DefragDefaults{std::chrono::seconds(60), 4 * 1024 * 1024};

class Ipv6Defrag {
 public:
  enum class Outcome : std::uint8_t {
    kPass,         // not gathered: the packet goes on unchanged (NF_ACCEPT)
    kHeld,         // the fragment waits for the rest of its datagram (NF_STOLEN)
    kReassembled,  // the datagram is complete, in `out`
    kDropped,      // the fragment is dropped with `reason` (and its queue, for some reasons)
  };
  struct Result {
    Outcome outcome = Outcome::kPass;
    DropReason reason{};
  };

  explicit Ipv6Defrag(DefragConfig config = kIpv6DefragDefaults) : table_(config) {}

  // One packet (`datagram`: the IPv6 header and payload, trimmed to the payload length)
  // received on interface `iif` at `now`. On kReassembled the datagram is written to `out`
  // and `info` describes its fragments.
  Result add(std::span<const std::uint8_t> datagram, unsigned iif, std::chrono::nanoseconds now,
             std::vector<std::uint8_t>& out, Reassembled& info);
  std::size_t expire(std::chrono::nanoseconds now) { return table_.expire(now); }

  const DefragStats& stats() const { return table_.stats(); }
  std::size_t queues() const { return table_.queues(); }
  std::size_t memory() const { return table_.memory(); }

 private:
  using Key = std::tuple<std::array<std::uint8_t, 16>, std::array<std::uint8_t, 16>, std::uint32_t, unsigned>;
  FragQueueTable<Key> table_;
};

}  // namespace flowsim::engine::defrag
