// SPDX-License-Identifier: Apache-2.0
#include "model/calendar.hpp"

#include <algorithm>
#include <utility>

namespace flowsim::model {

Calendar::Calendar(sc_core::sc_module_name name) : sc_core::sc_module(name), wake_("wake") {
  SC_METHOD(drain);
  sensitive << wake_;
  dont_initialize();
}

void Calendar::schedule(std::uint64_t at_ps, CalendarClient& client, Frame* frame) {
  const std::uint64_t now = now_ps();
  if (at_ps < now) {
    at_ps = now;
    ++late_items_;
  }
  wheel_.push(at_ps, Item{&client, frame});
  // Inside a drain the loop picks it up (or re-arms for it when it stops).
  if (!draining_) arm(at_ps);
}

void Calendar::arm(std::uint64_t at_ps) {
  if (at_ps >= wake_at_ps_) return;
  wake_at_ps_ = at_ps;
  const std::uint64_t now = sc_core::sc_time_stamp().value();
  // An earlier notification replaces a later pending one (IEEE 1666 5.10.8).
  wake_.notify(sc_core::sc_time::from_value(at_ps > now ? at_ps - now : 0));
}

void Calendar::drain() {
  ++drains_;
  wake_at_ps_ = kNever;
  const std::uint64_t now = sc_core::sc_time_stamp().value();
  // Nothing but this process can act before the next pending activity of another one.
  const std::uint64_t to_next = sc_core::sc_time_to_pending_activity().value();
  horizon_ps_ = to_next > kNever - now ? kNever : now + to_next;
  horizon_ps_ = std::max(horizon_ps_, now + 1);  // what is due now is handled now
  if (limit_ps_ != kNever) horizon_ps_ = std::min(horizon_ps_, std::max(limit_ps_, now) + 1);
  draining_ = true;
  CalendarClient* run = nullptr;  // the client of the items handled in a row
  while (!wheel_.empty()) {
    const auto next = wheel_.peek();
    if (next.due >= horizon_ps_) break;
    const bool passes = run != nullptr && next.item->client != run && next.item->client->passes_runs();
    if (run != nullptr && (next.due >= run->run_deadline() || (next.item->client != run && !passes))) {
      // The run is over: its client may schedule items or move the horizon, so look again.
      std::exchange(run, nullptr)->on_run_end();
      continue;
    }
    std::uint64_t due = 0;
    const Item item = wheel_.pop(&due);
    current_ps_ = due;
    last_due_ps_ = due;
    if (!passes) run = item.client;
    item.client->on_due(item.frame, due);
  }
  if (run != nullptr) run->on_run_end();
  draining_ = false;
  if (!wheel_.empty()) arm(wheel_.next_due());
}

}  // namespace flowsim::model
