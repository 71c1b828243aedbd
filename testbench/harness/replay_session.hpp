// SPDX-License-Identifier: Apache-2.0
// One replay, end to end: builds the board for a scenario — the ASIC model, host memory,
// the model-backed HAL, the CPU running the real driver and the engine, the replayer —
// runs the simulation until every packet has settled, and returns the report. A
// ReplaySession does the same step by step, so that a conformance run can inject frames,
// check counters and apply events at chosen simulated times in between. SystemC
// elaborates once per process, so there is at most one replay per process.
#pragma once

#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "model/rtl_twin/rtl_instrument_request.hpp"
#include "testbench/harness/capture_plan.hpp"
#include "testbench/harness/control_plane.hpp"
#include "testbench/harness/report.hpp"
#include "testbench/scenario/scenario.hpp"
#include "testbench/shard/shard_spec.hpp"

namespace flowsim::testbench {

struct Progress {
  double simulated_ms = 0;
  std::uint64_t packets_in = 0;
  std::uint64_t forwarded_hw = 0;
  std::uint64_t captured = 0;  // capture packets read so far
  std::uint64_t total = 0;     // capture packets the replay will read (0: not known)
};

struct ReplayOptions {
  std::optional<std::filesystem::path> out_dir;  // pcaps and report; none = no files
  bool write_pcaps = true;                       // false: counters and dumps only (--no-pcap)
  std::ostream* register_trace = nullptr;        // every driver register access, if set
  // How long the simulation goes on after the last packet has settled, so that packets
  // the router generates late (and flows' hardware state) settle too.
  std::chrono::nanoseconds drain{std::chrono::milliseconds(10)};
  // Replay only this shard of the traffic's conversations (testbench/shard: a conversation is
  // never split), with NAT choosing source ports in the shard's part of the port space, so
  // that the shards' outputs merge without clashes. None: all of the traffic.
  std::optional<shard::ShardSpec> shard;
  // Replay this capture through endpoint emulation instead of the scenario's per-port traffic
  // (plan_capture() makes it, and fits the scenario to it).
  std::shared_ptr<const CapturePlan> capture;
  // When the traffic is over but packets are still inside the router and none has reached
  // its end for this long (plus twice the CPU's cost per packet), the run stops with them
  // unaccounted and a warning, rather than simulating forever.
  std::chrono::nanoseconds stall{std::chrono::seconds(5)};
  // Called between simulation slices (about every simulated millisecond).
  std::function<void(const Progress&)> on_progress;
  // A waveform and/or coverage of the datapath blocks that run as RTL.
  model::RtlInstrumentRequest rtl_instruments;
};

// Throws net::InputError for bad input (unreadable or truncated capture) and
// driver::DeviceError when the driver cannot bring the device up.
Report run_replay(const scenario::Scenario& scenario, const ReplayOptions& options);

// A replay run in steps. Times are "traffic time": picoseconds of simulated time since the
// traffic started, the instant the driver had brought the device up (time 0 of the
// scenario's captures). Every step only moves simulated time forward; none waits on wall
// time. Errors as run_replay: the device not coming up (driver::DeviceError) is thrown by
// start(), a bad capture (net::InputError) by finish().
class ReplaySession {
 public:
  ReplaySession(const scenario::Scenario& scenario, const ReplayOptions& options);
  ~ReplaySession();
  ReplaySession(const ReplaySession&) = delete;
  ReplaySession& operator=(const ReplaySession&) = delete;

  // Runs until the driver has brought the device up; traffic time 0 is then.
  void start();
  // The present in traffic time.
  std::uint64_t now_ps() const;
  // Runs the simulation until traffic time `at_ps` (nothing if that is not in the future).
  void run_until(std::uint64_t at_ps);
  // Runs until the model is idle: the scenario's traffic has all been injected and every
  // packet that came in (from it or from inject()) has left a port or been dropped.
  // Returns false if that did not happen within `limit_ps` of traffic time from now.
  bool run_until_idle(std::uint64_t limit_ps);
  // A frame whose first bit arrives on `port` at traffic time `at_ps` (not before now),
  // counted as an input packet like the captures' frames. Throws std::out_of_range for a
  // port the chip does not have.
  void inject(unsigned port, std::span<const std::uint8_t> frame, std::uint64_t at_ps);

  // Carries out `event` on the router's CPU at traffic time `at_ps` (not before now). The
  // scenario's own `events:` are posted by the session itself.
  void post_event(const scenario::ControlEvent& event, std::uint64_t at_ps);
  // Every event carried out so far, scenario's and posted, in the order they ran.
  const std::vector<EventOutcome>& events() const { return events_; }

  // The report as it stands now (what finish() returns at the end).
  Report snapshot() const;
  // /proc/net/nf_conntrack and `nft list ruleset` (with counters) as they stand now.
  std::string conntrack_dump() const;
  std::string ruleset_listing() const;

  // Runs on until the traffic is over, every packet has settled and the drain has passed;
  // closes the pcaps, writes conntrack.txt and ruleset.txt, returns the report.
  Report finish();

 private:
  struct Board;
  void step(std::uint64_t until_abs_ps, bool run_to_time);
  void run_event(const scenario::ControlEvent& event, bool from_scenario);

  const scenario::Scenario& scenario_;
  const ReplayOptions& options_;
  std::unique_ptr<Board> board_;
  std::deque<scenario::ControlEvent> posted_;  // stable addresses for the CPU's work items
  std::vector<EventOutcome> events_;
  std::uint64_t start_ps_ = 0;  // absolute simulated time of traffic time 0
  bool started_ = false;
};

}  // namespace flowsim::testbench
