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
#include <map>
#include <span>
#include <tuple>
#include <vector>

#include "engine/drop_reason.hpp"

namespace flowsim::engine::defrag {

struct DefragConfig {
  std::chrono::nanoseconds timeout = std::chrono::seconds(30);  // net.ipv4.ipfrag_time
  std::size_t high_thresh = 4 * 1024 * 1024;                    // net.ipv4.ipfrag_high_thresh
};

struct Reassembled {
  std::uint16_t frag_max_size = 0;
  bool pmtu = false;                         // the largest fragment had DF
  std::vector<std::uint16_t> fragment_lengths;  // data bytes of each fragment, in order
};

struct DefragStats {
  std::uint64_t reassembled = 0;  // datagrams completed
  std::uint64_t joined = 0;       // held fragments that became part of a completed datagram
  std::uint64_t held = 0;         // fragments waiting in queues now
  std::uint64_t timed_out = 0;    // fragments lost with their queue at ipfrag_time
  std::uint64_t killed = 0;       // fragments held before, lost when a bad fragment killed their queue
};

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

  explicit Ipv4Defrag(DefragConfig config = {}) : config_(config) {}

  // One fragment (`datagram`: its IPv4 header and data, trimmed to the total length, header
  // checksum already checked) received at `now`. On kReassembled the datagram is written to
  // `out` and `info` describes its fragments.
  Result add(std::span<const std::uint8_t> datagram, std::chrono::nanoseconds now, std::vector<std::uint8_t>& out,
             Reassembled& info);
  // Destroys the queues whose time is up (the kernel's per-queue timer); returns how many
  // fragments they held.
  std::size_t expire(std::chrono::nanoseconds now);

  const DefragStats& stats() const { return stats_; }
  std::size_t queues() const { return queues_.size(); }
  std::size_t memory() const { return memory_; }

 private:
  struct Fragment {
    std::size_t offset = 0;
    std::vector<std::uint8_t> data;
    std::size_t truesize = 0;
  };
  struct Queue {
    std::chrono::nanoseconds expires{0};
    std::vector<std::uint8_t> first_header;  // of the fragment at offset 0
    std::map<std::size_t, Fragment> fragments;  // by offset
    std::map<std::size_t, std::size_t> runs;     // start -> end of each run of fragments
    std::size_t len = 0;   // end of the datagram's data as known so far
    std::size_t meat = 0;  // data bytes held
    bool first_in = false;
    bool last_in = false;
    std::uint16_t max_size = 0;
    std::uint16_t max_df_size = 0;
    std::uint8_t ecn = 0;
  };
  using Key = std::tuple<std::uint32_t, std::uint32_t, std::uint16_t, std::uint8_t>;

  void kill(std::map<Key, Queue>::iterator it, std::uint64_t& lost_counter);

  DefragConfig config_;
  std::map<Key, Queue> queues_;
  std::size_t memory_ = 0;
  DefragStats stats_;
};

}  // namespace flowsim::engine::defrag
