// SPDX-License-Identifier: Apache-2.0
#include "engine/defrag/ipv4_defrag.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "net/checksum.hpp"
#include "net/ipv4_header.hpp"

namespace flowsim::engine::defrag {
namespace {

// What the kernel charges against ipfrag_high_thresh: each fragment's skb truesize (its
// data buffer, cache-aligned with NET_SKB_PAD of headroom, plus struct sk_buff and
// skb_shared_info as x86-64 lays them out) and each queue's struct ipq. An estimate of the
// receive path's allocation, close enough for the threshold's purpose.
constexpr std::size_t kCacheLine = 64;
constexpr std::size_t kNetSkbPad = 64;
constexpr std::size_t kSkbOverhead = 256 + 320;
constexpr std::size_t kQueueSize = 200;
constexpr std::size_t kEthernet = 14;

std::size_t truesize(std::size_t datagram_len) {
  const std::size_t data = datagram_len + kEthernet + kNetSkbPad;
  return (data + kCacheLine - 1) / kCacheLine * kCacheLine + kSkbOverhead;
}

// ip4_frag_ecn / ip_frag_ecn_table (net/ipv4/inet_fragment.c).
constexpr std::uint8_t kEcnNotEct = 0x01;
constexpr std::uint8_t kEcnCe = 0x08;
constexpr std::uint8_t kEcnInvalid = 0xff;
constexpr std::uint8_t ecn_bit(std::uint8_t tos) { return static_cast<std::uint8_t>(1u << (tos & 3)); }
constexpr std::uint8_t ecn_result(std::uint8_t seen) {
  if ((seen & kEcnNotEct) && (seen & ~kEcnNotEct)) return kEcnInvalid;  // not-ECT mixed with ECT or CE
  if ((seen & kEcnCe) && (seen & ~kEcnCe)) return 3;                     // CE with ECT: the datagram is CE
  return 0;
}

}  // namespace

void Ipv4Defrag::kill(std::map<Key, Queue>::iterator it, std::uint64_t& lost_counter) {
  for (const auto& [offset, f] : it->second.fragments) memory_ -= f.truesize;
  memory_ -= kQueueSize;
  const std::size_t n = it->second.fragments.size();
  lost_counter += n;
  stats_.held -= n;
  queues_.erase(it);
}

std::size_t Ipv4Defrag::expire(std::chrono::nanoseconds now) {
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

Ipv4Defrag::Result Ipv4Defrag::add(std::span<const std::uint8_t> datagram, std::chrono::nanoseconds now,
                                   std::vector<std::uint8_t>& out, Reassembled& info) {
  const auto ip = net::ConstIpv4Header::at(datagram, 0);
  if (!ip || ip->total_length() != datagram.size() || ip->total_length() < ip->header_length()) {
    return {Outcome::kDropped, DropReason::kMalformed};
  }
  // inet_frag_find: nothing is queued while the fragments held use more than the threshold.
  if (memory_ > config_.high_thresh) return {Outcome::kDropped, DropReason::kDefragNoMemory};

  const Key key{ip->src().value(), ip->dst().value(), ip->id(), ip->protocol()};
  auto it = queues_.find(key);
  if (it != queues_.end() && it->second.expires <= now) {
    kill(it, stats_.timed_out);  // its timer has run: the queue is gone
    it = queues_.end();
  }
  if (it == queues_.end()) {
    Queue q;
    q.expires = now + config_.timeout;
    it = queues_.emplace(key, std::move(q)).first;
    memory_ += kQueueSize;
  }
  Queue& q = it->second;
  auto discard_queue = [&](DropReason reason) {
    kill(it, stats_.killed);
    return Result{Outcome::kDropped, reason};
  };

  // ip_frag_queue.
  const std::size_t ihl = ip->header_length();
  const std::size_t offset = ip->fragment_offset_bytes();
  std::size_t end = offset + datagram.size() - ihl;
  if (!ip->more_fragments()) {
    if (end < q.len || (q.last_in && end != q.len)) return discard_queue(DropReason::kDefragInvalid);
    q.last_in = true;
    q.len = end;
  } else {
    end &= ~std::size_t{7};
    if (end > q.len) {
      if (q.last_in) return discard_queue(DropReason::kDefragInvalid);
      q.len = end;
    }
  }
  if (end <= offset) return discard_queue(DropReason::kDefragInvalid);

  // inet_frag_queue_insert. Fragments form runs: one that continues the last run exactly
  // extends it, any other starts a run of its own. Data inside a run already held is a
  // duplicate (dropped alone); any other overlap kills the queue (RFC 5722).
  if (q.runs.empty()) {
    q.runs.emplace(offset, end);
  } else if (auto last = std::prev(q.runs.end()); last->second < end) {
    if (offset < last->second) return discard_queue(DropReason::kDefragOverlap);
    if (offset == last->second) {
      last->second = end;
    } else {
      q.runs.emplace(offset, end);
    }
  } else {
    auto after = q.runs.upper_bound(offset);  // the first run starting after `offset`
    auto hit = q.runs.end();
    if (after != q.runs.begin() && std::prev(after)->second > offset) hit = std::prev(after);
    else if (after != q.runs.end() && after->first < end) hit = after;
    if (hit != q.runs.end()) {
      if (offset >= hit->first && end <= hit->second) return {Outcome::kDropped, DropReason::kDefragDuplicate};
      return discard_queue(DropReason::kDefragOverlap);
    }
    q.runs.emplace(offset, end);
  }

  Fragment f;
  f.offset = offset;
  f.data.assign(datagram.begin() + static_cast<std::ptrdiff_t>(ihl),
                datagram.begin() + static_cast<std::ptrdiff_t>(ihl + end - offset));
  f.truesize = truesize(datagram.size());
  memory_ += f.truesize;
  q.meat += end - offset;
  q.ecn |= ecn_bit(ip->tos());
  if (offset == 0) {
    q.first_in = true;
    q.first_header.assign(datagram.begin(), datagram.begin() + static_cast<std::ptrdiff_t>(ihl));
  }
  const auto fragsize = static_cast<std::uint16_t>(end - offset + ihl);
  q.max_size = std::max(q.max_size, fragsize);
  if (ip->dont_fragment()) q.max_df_size = std::max(q.max_df_size, fragsize);
  q.fragments.emplace(offset, std::move(f));
  ++stats_.held;

  if (!(q.first_in && q.last_in && q.meat == q.len)) return {Outcome::kHeld, {}};

  // ip_frag_reasm.
  const std::uint8_t ecn = ecn_result(q.ecn);
  const std::size_t len = q.first_header.size() + q.len;
  if (ecn == kEcnInvalid || len > 65535) return discard_queue(DropReason::kDefragInvalid);
  out.resize(len);
  std::memcpy(out.data(), q.first_header.data(), q.first_header.size());
  info.fragment_lengths.clear();
  std::size_t at = q.first_header.size();
  for (const auto& [off, frag] : q.fragments) {
    std::memcpy(out.data() + at, frag.data.data(), frag.data.size());
    at += frag.data.size();
    info.fragment_lengths.push_back(static_cast<std::uint16_t>(frag.data.size()));
  }
  info.frag_max_size = std::max(q.max_df_size, q.max_size);
  info.pmtu = q.max_df_size == q.max_size;
  auto h = net::Ipv4Header::at(std::span<std::uint8_t>(out), 0).value();
  h.set_total_length(static_cast<std::uint16_t>(len));
  h.set_tos(static_cast<std::uint8_t>(h.tos() | ecn));
  h.set_frag_off(info.pmtu ? net::Ipv4Header::kDf : 0);
  h.set_checksum(0);
  h.set_checksum(net::internet_checksum(h.header()));
  const std::size_t n = q.fragments.size();
  ++stats_.reassembled;
  std::uint64_t gone = 0;
  kill(it, gone);
  stats_.joined += n - 1;  // the last one continues as the datagram
  return {Outcome::kReassembled, {}};
}

}  // namespace flowsim::engine::defrag
