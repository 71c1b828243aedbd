// SPDX-License-Identifier: Apache-2.0
// What nf_defrag_ipv4 and nf_defrag_ipv6 share (net/ipv4/inet_fragment.c): the queue of one
// datagram's fragments with its runs (inet_frag_queue_insert), and the table of queues with
// the time limit and the memory limit.
// - Fragments form runs: one that continues the last run exactly extends it, any other
//   starts a run of its own. Data inside a run already held is a duplicate (dropped alone);
//   any other overlap kills the queue (RFC 5722).
// - Memory is counted as the kernel counts it against *_high_thresh: each fragment's buffer
//   size (an estimate of its skb truesize) plus each queue's own; no new queue is made and no
//   fragment taken while the fragments held use more than the threshold.
// - A queue dies at its deadline (the kernel's per-queue timer, run by expire() and lazily
//   when a fragment for it arrives after that).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

namespace flowsim::engine::defrag {

struct DefragConfig {
  std::chrono::nanoseconds timeout = std::chrono::seconds(30);  // net.ipv4.ipfrag_time
  std::size_t high_thresh = 4 * 1024 * 1024;                    // net.ipv4.ipfrag_high_thresh
};

struct DefragStats {
  std::uint64_t reassembled = 0;  // datagrams completed
  std::uint64_t joined = 0;       // held fragments that became part of a completed datagram
  std::uint64_t held = 0;         // fragments waiting in queues now
  std::uint64_t timed_out = 0;    // fragments lost with their queue at the time limit
  std::uint64_t killed = 0;       // fragments held before, lost when a bad fragment killed their queue
};

// What refragmentation on output needs of a reassembled datagram (IPCB/IP6CB and frag_list).
struct Reassembled {
  std::uint16_t frag_max_size = 0;
  bool pmtu = false;                            // IPv4: the largest fragment had DF
  std::size_t unfragmentable = 0;               // IPv6: the headers in front of the data
  std::vector<std::uint16_t> fragment_lengths;  // data bytes of each fragment, in order
};

// The estimated truesize of a received frame carrying `datagram_len` bytes of IP.
std::size_t fragment_truesize(std::size_t datagram_len);

// ip_frag_ecn_table: the ECN codepoint the datagram gets from the ECN bits seen on its
// fragments (ecn_bit of each); kEcnInvalid for a mix of not-ECT with ECT or CE.
constexpr std::uint8_t kEcnInvalid = 0xff;
constexpr std::uint8_t ecn_bit(std::uint8_t tos) { return static_cast<std::uint8_t>(1u << (tos & 3)); }
std::uint8_t ecn_result(std::uint8_t seen);

struct FragQueue {
  struct Fragment {
    std::vector<std::uint8_t> data;
    std::size_t truesize = 0;
  };
  enum class Insert : std::uint8_t { kQueued, kDuplicate, kOverlap };

  std::chrono::nanoseconds expires{0};
  std::vector<std::uint8_t> first_header;        // the headers in front of the data at offset 0
  std::map<std::size_t, Fragment> fragments;     // by offset
  std::map<std::size_t, std::size_t> runs;       // start -> end of each run of fragments
  std::size_t len = 0;   // end of the datagram's data as known so far
  std::size_t meat = 0;  // data bytes held
  bool first_in = false;
  bool last_in = false;
  std::uint16_t max_size = 0;
  std::uint16_t max_df_size = 0;
  std::uint8_t ecn = 0;

  // inet_frag_queue_insert's verdict on data [offset, end); kQueued records the run.
  Insert insert_run(std::size_t offset, std::size_t end);
  bool complete() const { return first_in && last_in && meat == len; }
  // The data in offset order, and each fragment's length.
  void gather(std::vector<std::uint8_t>& out, std::size_t at, std::vector<std::uint16_t>& lengths) const;
};

template <typename Key>
class FragQueueTable {
 public:
  explicit FragQueueTable(DefragConfig config) : config_(config) {}

  using Iterator = typename std::map<Key, FragQueue>::iterator;

  bool over_limit() const { return memory_ > config_.high_thresh; }
  // inet_frag_find: the queue of `key`, made now if there is none (or its time is up).
  Iterator find_or_create(const Key& key, std::chrono::nanoseconds now) {
    auto it = queues_.find(key);
    if (it != queues_.end() && it->second.expires <= now) {
      kill(it, stats_.timed_out);
      it = queues_.end();
    }
    if (it == queues_.end()) {
      FragQueue q;
      q.expires = now + config_.timeout;
      it = queues_.emplace(key, std::move(q)).first;
      memory_ += kQueueSize;
    }
    return it;
  }
  // Takes a fragment's data into the queue (after insert_run said kQueued).
  void add(FragQueue& q, std::size_t offset, std::span<const std::uint8_t> data, std::size_t truesize) {
    memory_ += truesize;
    q.meat += data.size();
    q.fragments.emplace(offset, FragQueue::Fragment{{data.begin(), data.end()}, truesize});
    ++stats_.held;
  }
  // The queue is gone; its fragments count in `lost_counter`.
  void kill(Iterator it, std::uint64_t& lost_counter) {
    for (const auto& [offset, f] : it->second.fragments) memory_ -= f.truesize;
    memory_ -= kQueueSize;
    const std::size_t n = it->second.fragments.size();
    lost_counter += n;
    stats_.held -= n;
    queues_.erase(it);
  }
  // A completed queue: its fragments joined the datagram (the last one carries it on).
  void complete(Iterator it) {
    const std::size_t n = it->second.fragments.size();
    ++stats_.reassembled;
    std::uint64_t gone = 0;
    kill(it, gone);
    stats_.joined += n - 1;
  }
  std::size_t expire(std::chrono::nanoseconds now) {
    std::size_t lost = 0;
    for (auto it = queues_.begin(); it != queues_.end();) {
      if (it->second.expires <= now) {
        lost += it->second.fragments.size();
        kill(it++, stats_.timed_out);
      } else {
        ++it;
      }
    }
    return lost;
  }

  DefragStats& stats() { return stats_; }
  const DefragStats& stats() const { return stats_; }
  std::size_t queues() const { return queues_.size(); }
  std::size_t memory() const { return memory_; }

 private:
  static constexpr std::size_t kQueueSize = 200;  // struct ipq / frag_queue
  DefragConfig config_;
  std::map<Key, FragQueue> queues_;
  std::size_t memory_ = 0;
  DefragStats stats_;
};

}  // namespace flowsim::engine::defrag
