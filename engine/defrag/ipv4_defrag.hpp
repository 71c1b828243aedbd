// SPDX-License-Identifier: Apache-2.0
// nf_defrag_ipv4: IPv4 fragments gathered before conntrack (PREROUTING, priority -400) into
// the datagram they belong to, as ip_defrag (net/ipv4/ip_fragment.c, inet_fragment.c)
// does for the conntrack user:
// - a queue per (source, destination, ID, protocol), created by its first fragment and
//   destroyed 30 s later (ipfrag_time) if still incomplete, its fragments lost; no new queue
//   while the fragments held use more than ipfrag_high_thresh bytes (4 MiB), counted as the
//   kernel counts them (each fragment's buffer size plus the queue's own);
// - a fragment that is not the last carries a multiple of 8 bytes (any more is cut off);
//   a last fragment ending before data already seen, a second, different end, data beyond
//   the end, an empty fragment or one overlapping another (RFC 5722) kill the queue with
//   all its fragments; an exact duplicate of data held is dropped alone;
// - complete when the first and the last fragments are in and no byte is missing: the
//   datagram is the first fragment's header (total length set, DF set only if the largest
//   fragment had DF, CE added if any fragment had it; a mix of ECN-capable and not-capable
//   fragments is refused) and the data in order. Larger than 65535 bytes: refused.
// What it returns for refragmentation on output (ip_do_fragment): the largest fragment's
// size (frag_max_size), whether that one had DF (IPSKB_FRAG_PMTU), and each fragment's
// data length in order (the kernel keeps them as the reassembled skb's frag_list).
// Not modelled: ipfrag_max_dist (a per-source counter of fragments between two of one
// datagram), and the ICMP time exceeded the kernel sends on expiry for a datagram to the
// router itself (for a forwarded one, the conntrack user sends none).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <tuple>
#include <vector>

#include "engine/defrag/frag_queue.hpp"
#include "engine/drop_reason.hpp"

namespace flowsim::engine::defrag {

class Ipv4Defrag {
 public:
  enum class Outcome : std::uint8_t {
    kHeld,         // the fragment waits for the rest of its datagram (NF_STOLEN)
    kReassembled,  // the datagram is complete, in `out`
    kDropped,      // the fragment is dropped with `reason` (and its queue, for some reasons)
  };
  struct Result {
    Outcome outcome = Outcome::kHeld;
    DropReason reason{};
  };

  explicit Ipv4Defrag(DefragConfig config = {}) : table_(config) {}

  // One fragment (`datagram`: its IPv4 header and data, trimmed to the total length, header
  // checksum already checked) received at `now`. On kReassembled the datagram is written to
  // `out` and `info` describes its fragments.
  Result add(std::span<const std::uint8_t> datagram, std::chrono::nanoseconds now, std::vector<std::uint8_t>& out,
             Reassembled& info);
  // Destroys the queues whose time is up (the kernel's per-queue timer); returns how many
  // fragments they held.
  std::size_t expire(std::chrono::nanoseconds now) { return table_.expire(now); }

  const DefragStats& stats() const { return table_.stats(); }
  std::size_t queues() const { return table_.queues(); }
  std::size_t memory() const { return table_.memory(); }

 private:
  using Key = std::tuple<std::uint32_t, std::uint32_t, std::uint16_t, std::uint8_t>;
  FragQueueTable<Key> table_;
};

}  // namespace flowsim::engine::defrag
