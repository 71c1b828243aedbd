// SPDX-License-Identifier: Apache-2.0
// The model's calendar: one queue of timed datapath work for the whole chip (a frame's
// arrival at a MAC, its hand-off to the pipeline, its arrival at an egress queue), drained
// by one SystemC process. It replaces one SystemC event per frame and block by one wake-up
// per quantum of simulated time: when the process runs it handles, in time order, every
// item due before the next moment another SystemC process can act (the lookahead horizon,
// sc_time_to_pending_activity). No other process can read or change the chip's state in
// between, so handling those items early in wall-clock terms gives exactly the results of
// handling each at its own time: the datapath runs ahead of the SystemC clock, never past
// anything that could observe it.
//
// What software can observe still goes through SystemC at its exact time: a handler that
// makes another process act (a punt for the CPU port, an aging scan) announces it with
// sync_point(), and the drain stops before that time. Handlers see the present as now_ps()
// (the due time of the item being handled), never sc_time_stamp().
//
// Batches: a drain hands a block every frame due in the quantum one after the other, from
// one process, in time order; a block with a batch implementation (a Verilated one) can
// gather what is due in the same quantum and tick it at once, because nothing outside the
// datapath can intervene before the horizon.
//
// Times are integer picoseconds (the SystemC time resolution of the model).
#pragma once

#include <cstdint>
#include <limits>
#include <systemc>

#include "model/frame.hpp"
#include "model/time_wheel.hpp"

namespace flowsim::model {

class CalendarClient {
 public:
  virtual ~CalendarClient() = default;
  // `frame` (ownership passes back to the client) is due at `now_ps`.
  virtual void on_due(Frame* frame, std::uint64_t now_ps) = 0;
  // After one or more of this client's items in a row, before the calendar handles another
  // client's item, an item due at or after run_deadline(), or ends its drain: a client that
  // gathers its items into a batch (the ingress pipeline's blocks) processes the batch here,
  // at the present of its last item, before anything else of the chip happens. May schedule
  // items (due at or after run_deadline()) and set sync points.
  virtual void on_run_end() {}
  // The earliest time at which what on_run_end() will do takes effect; the run ends before
  // an item due then or later is handled.
  virtual std::uint64_t run_deadline() const { return std::numeric_limits<std::uint64_t>::max(); }
  // True if this client's items may be handled inside another client's run without ending
  // it (when due before that run's deadline): the handler reads and changes nothing the
  // run's on_run_end() reads or changes. What the run's on_run_end() does takes effect at
  // or after its deadline, so handling such an item first keeps time order, and the run's
  // batch stays long (a MAC's items between frames taken by the pipeline).
  virtual bool passes_runs() const { return false; }
};

class Calendar : public sc_core::sc_module {
 public:
  static constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();

  SC_HAS_PROCESS(Calendar);
  explicit Calendar(sc_core::sc_module_name name);

  // Calls client.on_due(frame, at_ps) at absolute time `at_ps`. Callable from any SystemC
  // process and from inside a handler (a frame's next stage); a time before now_ps() means
  // now. Items due at the same time are handled in the order they were scheduled.
  void schedule(std::uint64_t at_ps, CalendarClient& client, Frame* frame);

  // The model's present: while a drain handles an item, that item's due time (ahead of the
  // SystemC clock); otherwise sc_time_stamp().
  std::uint64_t now_ps() const { return draining_ ? current_ps_ : sc_core::sc_time_stamp().value(); }
  // A handler made another SystemC process act at `at_ps` (it notified an event for then):
  // the drain handles nothing due at or after it until the SystemC clock gets there.
  void sync_point(std::uint64_t at_ps) {
    if (draining_ && at_ps < horizon_ps_) horizon_ps_ = at_ps;
  }
  // The datapath never handles an item due after `until_ps` (inclusive) until this is raised:
  // a test bench that runs sc_start() in slices sets it to each slice's end, so that what it
  // observes between slices is what happened up to then. Default: no limit.
  void set_run_limit(std::uint64_t until_ps) { limit_ps_ = until_ps; }

  // The due time of the last item handled (0 before the first): with the SystemC clock, the
  // time of the last activity of the model.
  std::uint64_t last_due_ps() const { return last_due_ps_; }
  std::size_t pending() const { return wheel_.size(); }
  // Items scheduled before the present (a bug of the caller); they were handled at once.
  std::uint64_t late_items() const { return wheel_.late_pushes() + late_items_; }
  // SystemC wake-ups of the drain so far.
  std::uint64_t drains() const { return drains_; }

 private:
  struct Item {
    CalendarClient* client;
    Frame* frame;
  };

  void drain();
  void arm(std::uint64_t at_ps);

  TimeWheel<Item> wheel_;
  sc_core::sc_event wake_;
  std::uint64_t wake_at_ps_ = kNever;  // when wake_ is due, kNever if not pending
  bool draining_ = false;
  std::uint64_t current_ps_ = 0;
  std::uint64_t horizon_ps_ = 0;  // exclusive, while draining
  std::uint64_t limit_ps_ = kNever;
  std::uint64_t last_due_ps_ = 0;
  std::uint64_t late_items_ = 0;
  std::uint64_t drains_ = 0;
};

}  // namespace flowsim::model
