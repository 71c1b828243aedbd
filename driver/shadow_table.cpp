// SPDX-License-Identifier: Apache-2.0
#include "driver/shadow_table.hpp"

#include <algorithm>
#include <cassert>

namespace flowsim::driver {
namespace {

std::size_t dir_index(net::FlowDirection d) { return static_cast<std::size_t>(d); }

}  // namespace

void ShadowTable::reset(const FlowTableGeometry& geometry) {
  geometry_ = geometry;
  slots_.assign(geometry.entries, Slot{});
  used_ = 0;
  flows_.clear();
  parked_.clear();
  parked_count_ = 0;
}

std::optional<unsigned> ShadowTable::free_index(unsigned bucket) const {
  for (unsigned way = 0; way < geometry_.ways; ++way) {
    const unsigned i = geometry_.index(bucket, way);
    if (slots_[i].state == SlotState::kFree) return i;
  }
  return std::nullopt;
}

void ShadowTable::set_slot(unsigned index, Slot s) {
  Slot& cur = slots_[index];
  if (cur.state == SlotState::kFree && s.state != SlotState::kFree) ++used_;
  if (cur.state != SlotState::kFree && s.state == SlotState::kFree) --used_;
  cur = s;
}

void ShadowTable::mark_stale(unsigned index) { set_slot(index, Slot{SlotState::kStale}); }
void ShadowTable::free(unsigned index) { set_slot(index, Slot{}); }

FlowRecord* ShadowTable::find(std::uint64_t cookie) {
  const auto it = flows_.find(cookie);
  return it == flows_.end() ? nullptr : &it->second;
}

const FlowRecord* ShadowTable::find(std::uint64_t cookie) const {
  const auto it = flows_.find(cookie);
  return it == flows_.end() ? nullptr : &it->second;
}

FlowRecord& ShadowTable::add(std::uint64_t cookie) {
  assert(find(cookie) == nullptr);
  return flows_[cookie];
}

DirectionRecord& ShadowTable::record(std::uint64_t cookie, net::FlowDirection dir) {
  FlowRecord* f = find(cookie);
  assert(f != nullptr);
  return f->dir[dir_index(dir)];
}

void ShadowTable::remove(std::uint64_t cookie, SlotState leave_entries) {
  FlowRecord* f = find(cookie);
  if (f == nullptr) return;
  for (const auto d : {net::FlowDirection::kOriginal, net::FlowDirection::kReply}) {
    DirectionRecord& r = f->dir[dir_index(d)];
    if (r.state == DirectionRecord::State::kBound) unbind(cookie, d, leave_entries);
    if (r.state == DirectionRecord::State::kPending) unpark(r.bucket, {cookie, d});
  }
  flows_.erase(cookie);
}

void ShadowTable::bind(std::uint64_t cookie, net::FlowDirection dir, unsigned index) {
  DirectionRecord& r = record(cookie, dir);
  if (r.state == DirectionRecord::State::kPending) unpark(r.bucket, {cookie, dir});
  if (r.state == DirectionRecord::State::kBound) free(r.index);
  r.state = DirectionRecord::State::kBound;
  r.index = index;
  set_slot(index, Slot{SlotState::kBound, dir, cookie});
}

void ShadowTable::unbind(std::uint64_t cookie, net::FlowDirection dir, SlotState leave) {
  DirectionRecord& r = record(cookie, dir);
  if (r.state != DirectionRecord::State::kBound) return;
  if (leave == SlotState::kStale) {
    mark_stale(r.index);
  } else {
    free(r.index);
  }
  r.state = DirectionRecord::State::kAbsent;
}

void ShadowTable::park(std::uint64_t cookie, net::FlowDirection dir) {
  DirectionRecord& r = record(cookie, dir);
  if (r.state == DirectionRecord::State::kPending) return;
  if (r.state == DirectionRecord::State::kBound) unbind(cookie, dir);
  r.state = DirectionRecord::State::kPending;
  parked_[r.bucket].push_back({cookie, dir});
  ++parked_count_;
}

void ShadowTable::unpark(unsigned bucket, FlowKey key) {
  const auto it = parked_.find(bucket);
  if (it == parked_.end()) return;
  auto& v = it->second;
  const auto pos = std::find(v.begin(), v.end(), key);
  if (pos == v.end()) return;
  v.erase(pos);
  --parked_count_;
  if (v.empty()) parked_.erase(it);
  record(key.cookie, key.dir).state = DirectionRecord::State::kAbsent;
}

const std::vector<ShadowTable::FlowKey>& ShadowTable::parked(unsigned bucket) const {
  static const std::vector<FlowKey> kNone;
  const auto it = parked_.find(bucket);
  return it == parked_.end() ? kNone : it->second;
}

std::vector<std::uint64_t> ShadowTable::cookies() const {
  std::vector<std::uint64_t> out;
  out.reserve(flows_.size());
  for (const auto& [cookie, flow] : flows_) out.push_back(cookie);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace flowsim::driver
