// SPDX-License-Identifier: Apache-2.0
// A payload event queue: items become due at an absolute simulated time and are taken in
// time order, ties in insertion order (so runs are deterministic). Unlike
// tlm_utils::peq_with_get it keeps its heap in a vector, so the per-packet path does not
// allocate once warm.
#pragma once

#include <algorithm>
#include <cstdint>
#include <systemc>
#include <vector>

namespace flowsim::model {

template <class T>
class TimedQueue {
 public:
  explicit TimedQueue(const char* name) : event_(name) {}

  // Schedules `item` at sc_time_stamp() + delay.
  void push(T item, const sc_core::sc_time& delay) {
    heap_.push_back(Entry{sc_core::sc_time_stamp() + delay, seq_++, item});
    std::push_heap(heap_.begin(), heap_.end(), later);
    event_.notify(heap_.front().due - sc_core::sc_time_stamp());
  }

  // Takes the next due item, if any; otherwise re-arms the event for the next one.
  bool pop_due(T& out) {
    if (heap_.empty()) return false;
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (heap_.front().due > now) {
      event_.notify(heap_.front().due - now);
      return false;
    }
    std::pop_heap(heap_.begin(), heap_.end(), later);
    out = heap_.back().item;
    heap_.pop_back();
    return true;
  }

  const sc_core::sc_event& event() const { return event_; }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }

 private:
  struct Entry {
    sc_core::sc_time due;
    std::uint64_t seq;
    T item;
  };
  static bool later(const Entry& a, const Entry& b) { return a.due != b.due ? a.due > b.due : a.seq > b.seq; }

  std::vector<Entry> heap_;
  std::uint64_t seq_ = 0;
  sc_core::sc_event event_;
};

}  // namespace flowsim::model
