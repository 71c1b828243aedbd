// SPDX-License-Identifier: Apache-2.0
#include "engine/defrag/frag_queue.hpp"

#include <cstring>
#include <iterator>

namespace flowsim::engine::defrag {
namespace {

// Each fragment's skb truesize: its data buffer, cache-aligned with NET_SKB_PAD of headroom,
// plus struct sk_buff and skb_shared_info as x86-64 lays them out. An estimate of the
// receive path's allocation, close enough for the threshold's purpose.
constexpr std::size_t kCacheLine = 64;
constexpr std::size_t kNetSkbPad = 64;
constexpr std::size_t kSkbOverhead = 256 + 320;
constexpr std::size_t kEthernet = 14;

constexpr std::uint8_t kEcnNotEct = 0x01;
constexpr std::uint8_t kEcnCe = 0x08;

}  // namespace

std::size_t fragment_truesize(std::size_t datagram_len) {
  const std::size_t data = datagram_len + kEthernet + kNetSkbPad;
  return (data + kCacheLine - 1) / kCacheLine * kCacheLine + kSkbOverhead;
}

std::uint8_t ecn_result(std::uint8_t seen) {
  if ((seen & kEcnNotEct) && (seen & ~kEcnNotEct)) return kEcnInvalid;  // not-ECT mixed with ECT or CE
  if ((seen & kEcnCe) && (seen & ~kEcnCe)) return 3;                     // CE with ECT: the datagram is CE
  return 0;
}

FragQueue::Insert FragQueue::insert_run(std::size_t offset, std::size_t end) {
  if (runs.empty()) {
    runs.emplace(offset, end);
    return Insert::kQueued;
  }
  if (auto last = std::prev(runs.end()); last->second < end) {
    if (offset < last->second) return Insert::kOverlap;
    if (offset == last->second) {
      last->second = end;
    } else {
      runs.emplace(offset, end);
    }
    return Insert::kQueued;
  }
  auto after = runs.upper_bound(offset);  // the first run starting after `offset`
  auto hit = runs.end();
  if (after != runs.begin() && std::prev(after)->second > offset) hit = std::prev(after);
  else if (after != runs.end() && after->first < end) hit = after;
  if (hit != runs.end()) {
    return offset >= hit->first && end <= hit->second ? Insert::kDuplicate : Insert::kOverlap;
  }
  runs.emplace(offset, end);
  return Insert::kQueued;
}

void FragQueue::gather(std::vector<std::uint8_t>& out, std::size_t at, std::vector<std::uint16_t>& lengths) const {
  lengths.clear();
  for (const auto& [off, frag] : fragments) {
    std::memcpy(out.data() + at, frag.data.data(), frag.data.size());
    at += frag.data.size();
    lengths.push_back(static_cast<std::uint16_t>(frag.data.size()));
  }
}

}  // namespace flowsim::engine::defrag
