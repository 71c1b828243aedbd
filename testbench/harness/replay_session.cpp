// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/replay_session.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <memory>
#include <systemc>

#include "driver/device_error.hpp"
#include "driver/trace_hal.hpp"
#include "engine/engine.hpp"
#include "engine/flowtable/flowtable.hpp"
#include "engine/nft/ruleset.hpp"
#include "model/asic.hpp"
#include "model/rtl_twin/rtl_instruments.hpp"
#include "net/input_error.hpp"
#include "testbench/harness/cpu_host.hpp"
#include "testbench/harness/fault_scheduler.hpp"
#include "testbench/harness/host_memory.hpp"
#include "testbench/harness/ledger.hpp"
#include "testbench/harness/model_hal.hpp"
#include "testbench/harness/capture_replayer.hpp"
#include "testbench/harness/replayer.hpp"

namespace flowsim::testbench {
namespace {

model::AsicParams asic_params(const scenario::Scenario& s, const ReplayOptions& o) {
  model::AsicParams p;
  for (const auto& port : s.ports) p.ports.push_back({port.speed_bps, port.mtu});
  p.clock_mhz = s.asic.clock_mhz;
  p.datapath_bytes = s.asic.datapath_bytes;
  p.egress_queue_bytes = s.asic.egress_queue_bytes;
  p.rtl = s.asic.rtl;
  p.table_entries = s.asic.table_entries;
  p.table_ways = s.asic.table_ways;
  p.punt_meter_pps = s.asic.punt_meter_pps;
  p.rtl_instruments = o.rtl_instruments;
  return p;
}

// The scenario's engine; a shard's NAT picks source ports in the shard's slice only.
engine::EngineConfig engine_config(const scenario::Scenario& s, const ReplayOptions& o) {
  engine::EngineConfig c = scenario::to_engine_config(s);
  if (o.shard) c.nat_port_slice = {o.shard->index, o.shard->count};
  return c;
}

driver::DriverConfig driver_config(const scenario::Scenario& s) {
  driver::DriverConfig c;
  c.rx_ring_size = s.asic.rx_ring_size;
  c.tx_ring_size = s.asic.tx_ring_size;
  c.irq_coalesce_pkts = s.cpu.irq_coalesce_pkts;
  c.irq_coalesce_us = s.cpu.irq_coalesce_us;
  c.bind_mode = s.asic.learn_mode ? driver::BindMode::kLearn : driver::BindMode::kDirect;
  c.drop_bad_ipv4_checksum = s.asic.drop_bad_ipv4_checksum;
  c.drop_bad_l4_checksum = s.asic.drop_bad_l4_checksum;
  c.drop_ttl0 = s.asic.drop_ttl0;
  for (const auto& port : s.ports) c.port_mtu.push_back(port.mtu);
  return c;
}

}  // namespace

// Everything on the simulated board, in construction order.
struct ReplaySession::Board {
  Board(const scenario::Scenario& s, const ReplayOptions& o)
      : ledger(ledger_ports(s), o.write_pcaps ? o.out_dir : std::nullopt),
        engine(engine_config(s, o)),
        asic("asic", asic_params(s, o), ledger),
        memory("host_memory"),
        hal("hal", memory),
        trace(o.register_trace ? std::make_unique<driver::TraceHal>(hal, *o.register_trace) : nullptr),
        cpu("cpu", trace ? static_cast<driver::Hal&>(*trace) : hal, driver_config(s), engine, ledger,
            sc_core::sc_time(static_cast<double>(s.cpu.ns_per_packet), sc_core::SC_NS)),
        faults("faults", s.faults, asic, cpu),
        irq("irq") {
    if (o.capture) {
      capture_replayer = std::make_unique<CaptureReplayer>("capture_replayer", *o.capture, asic, cpu, ledger, o.out_dir);
      replayer = capture_replayer.get();
    } else {
      port_replayer = std::make_unique<Replayer>("replayer", sources(s), s.timing == scenario::TimingMode::kLineRate,
                                                 asic, cpu, ledger, o.shard);
      replayer = port_replayer.get();
    }
    hal.csr.bind(asic.csr_socket());
    asic.dma_socket().bind(memory.in);
    asic.irq_o(irq);
    cpu.irq_i(irq);
  }

  static std::vector<LedgerPort> ledger_ports(const scenario::Scenario& s) {
    std::vector<LedgerPort> out;
    for (const auto& p : s.ports) out.push_back({p.name, p.speed_bps});
    return out;
  }
  static std::vector<ReplaySource> sources(const scenario::Scenario& s) {
    std::vector<ReplaySource> out;
    for (const auto& t : s.traffic) out.push_back({t.pcap, t.port});
    return out;
  }

  Ledger ledger;
  engine::Engine engine;
  model::Asic asic;
  HostMemory memory;
  ModelHal hal;
  std::unique_ptr<driver::TraceHal> trace;
  CpuHost cpu;
  FaultScheduler faults;
  sc_core::sc_signal<bool> irq;
  // Per-port traces or one capture through endpoint emulation.
  std::unique_ptr<Replayer> port_replayer;
  std::unique_ptr<CaptureReplayer> capture_replayer;
  TrafficSource* replayer = nullptr;
};


namespace {

constexpr std::uint64_t kSlicePs = 1'000'000'000;  // 1 ms: how often progress is reported

std::uint64_t sc_now_ps() { return sc_core::sc_time_stamp().value(); }

}  // namespace

ReplaySession::ReplaySession(const scenario::Scenario& scenario, const ReplayOptions& options)
    : scenario_(scenario), options_(options), board_(std::make_unique<Board>(scenario, options)) {
  // The RTL waveform counts traffic time, from the moment the device is up.
  if (model::RtlInstruments* i = board_->asic.rtl_instruments()) {
    i->set_traffic_start([&cpu = board_->cpu]() -> std::optional<std::uint64_t> {
      if (!cpu.ready()) return std::nullopt;
      return cpu.ready_time_ps();
    });
  }
  // The scenario's events, at their traffic times (counted from the moment the device is up).
  for (const scenario::ControlEvent& e : scenario_.events) {
    board_->cpu.post_after_ready(e.at, [this, &e] { run_event(e, true); });
  }
}

void ReplaySession::run_event(const scenario::ControlEvent& event, bool from_scenario) {
  Board& b = *board_;
  const auto now = std::chrono::nanoseconds(static_cast<std::int64_t>(sc_now_ps() / 1000));
  const std::optional<std::string> error = apply_control_event(event, b.engine, b.cpu.driver(), now);
  const std::uint64_t ready_ps = b.cpu.ready_time_ps();
  events_.push_back(EventOutcome{event.command, event.line, sc_now_ps() - std::min(ready_ps, sc_now_ps()),
                                  error.value_or(""), from_scenario});
}

void ReplaySession::post_event(const scenario::ControlEvent& event, std::uint64_t at_ps) {
  start();
  posted_.push_back(event);
  const scenario::ControlEvent& e = posted_.back();
  const std::uint64_t at = std::max(start_ps_ + at_ps, sc_now_ps());
  board_->cpu.post(std::chrono::nanoseconds(static_cast<std::int64_t>(at / 1000)), [this, &e] { run_event(e, false); });
}

ReplaySession::~ReplaySession() = default;

// One slice of simulation, at most to `until_abs_ps`: the datapath runs ahead of the SystemC
// clock, but not past the slice, so that what the ledger says afterwards is what happened up
// to its end. With `run_to_time` the clock stops exactly there even if nothing happens;
// otherwise it stops at the first moment nothing is pending (run at least to the next event:
// with starvation as the exit policy, a slice that ends before it would not advance time).
void ReplaySession::step(std::uint64_t until_abs_ps, bool run_to_time) {
  const std::uint64_t now = sc_now_ps();
  if (until_abs_ps <= now) return;
  board_->asic.set_run_limit(until_abs_ps);
  sc_core::sc_start(sc_core::sc_time::from_value(until_abs_ps - now),
                    run_to_time ? sc_core::SC_RUN_TO_TIME : sc_core::SC_EXIT_ON_STARVATION);
  if (options_.on_progress) {
    Report partial;
    board_->ledger.fill(partial);
    const std::uint64_t total =
        options_.capture ? options_.capture->index->packets * options_.capture->options.timing.loops : 0;
    options_.on_progress(Progress{sc_core::sc_time_stamp().to_seconds() * 1e3, partial.packets_in,
                                  partial.forwarded_hw, partial.captured, total});
  }
}

void ReplaySession::start() {
  if (started_) return;
  // Stop exactly when the device is up, so that traffic time 0 is a moment the caller can
  // still act at.
  board_->cpu.set_pause_when_ready(true);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  while (!board_->cpu.ready() && board_->cpu.error().empty() && sc_core::sc_pending_activity()) {
    const std::uint64_t to_next = sc_core::sc_time_to_pending_activity().value();
    step(sc_now_ps() + std::max(kSlicePs, to_next), false);
  }
  if (!board_->cpu.error().empty()) throw driver::DeviceError(board_->cpu.error());
  started_ = true;
  start_ps_ = sc_now_ps();
}

std::uint64_t ReplaySession::now_ps() const { return sc_now_ps() - start_ps_; }

void ReplaySession::run_until(std::uint64_t at_ps) {
  start();
  const std::uint64_t target = start_ps_ + at_ps;
  while (sc_now_ps() < target) step(std::min(target, sc_now_ps() + kSlicePs), true);
}

bool ReplaySession::run_until_idle(std::uint64_t limit_ps) {
  start();
  const std::uint64_t limit = sc_now_ps() + limit_ps;
  for (;;) {
    if (board_->replayer->done() && board_->ledger.settled()) return true;
    if (!board_->cpu.error().empty() || !board_->replayer->error().empty()) return false;
    if (sc_now_ps() >= limit || !sc_core::sc_pending_activity()) return false;
    const std::uint64_t to_next = sc_core::sc_time_to_pending_activity().value();
    step(std::min(limit, sc_now_ps() + std::max(kSlicePs, to_next)), false);
  }
}

void ReplaySession::inject(unsigned port, std::span<const std::uint8_t> frame, std::uint64_t at_ps) {
  start();
  if (port >= board_->asic.params().ports.size()) throw std::out_of_range("no port " + std::to_string(port));
  // An input packet like a capture's: captured, then injected.
  board_->ledger.count_captured();
  board_->ledger.count_in(port, frame.size());
  board_->asic.inject(port, frame, std::max(start_ps_ + at_ps, sc_now_ps()));
}

Report ReplaySession::snapshot() const {
  const Board& board = *board_;
  Report report;
  report.scenario = scenario_.name;
  report.rtl_blocks = board.asic.rtl_blocks().to_string();
  if (options_.shard) report.shard = options_.shard->to_string();
  board.ledger.fill(report);
  if (options_.capture) {
    report.capture = options_.capture->report;
    report.capture->readdressed = board.capture_replayer->readdressed();
    report.capture->ideal_hw = board.capture_replayer->ideal_hw();
    report.capture->artefacts.checksums_fixed = board.capture_replayer->emulator().checksums_fixed();
    report.capture->artefacts.resegmented = board.capture_replayer->emulator().resegmented();
    report.capture->artefacts.segments_added = board.capture_replayer->emulator().segments_added();
  }
  report.simulated_ps = board.asic.last_activity_ps();
  const engine::EngineStats& es = board.engine.stats();
  // Fragments beyond the first of each fragmented packet left through the TX ring too.
  report.fragments_sw = board.cpu.fragments_sent();
  report.forwarded_sw -= std::min(report.forwarded_sw, report.fragments_sw);
  report.reassembly_held = es.stolen;
  if (es.stolen) {
    const engine::defrag::DefragStats& ds = board.engine.defrag_stats();
    report.reassembly = {{"joined", ds.joined}, {"timed_out", ds.timed_out}, {"killed", ds.killed}, {"waiting", ds.held}};
  }
  report.sw_fast_path = es.fast_path;
  for (std::size_t i = 0; i < engine::kSlowPathReasonCount; ++i) {
    if (es.slow_path[i]) report.slow_path[std::string(engine::to_string(static_cast<engine::SlowPathReason>(i)))] = es.slow_path[i];
  }
  const auto fs = board.engine.flowtable_stats();
  if (board.engine.flowtable() != nullptr || fs.flows_added > 0) {
    report.flows = {{"added", fs.flows_added}, {"torn_down", fs.flows_torn_down},
                    {"hw_offloaded", fs.hw_accepted}, {"hw_lost", fs.hw_lost}};
    for (std::size_t i = 1; i < fs.hw_refused.size(); ++i) {
      if (fs.hw_refused[i]) report.offload_refused[std::string(engine::to_string(static_cast<net::OffloadRefusal>(i)))] = fs.hw_refused[i];
    }
  }
  const driver::DriverStats& ds = board.cpu.driver_stats();
  report.driver = {{"entries_written", ds.offload.entries_written}, {"entries_deleted", ds.offload.entries_deleted},
                   {"entries_reclaimed", ds.offload.entries_reclaimed}, {"device_errors", ds.offload.device_errors},
                   {"learn_binds", ds.offload.learn_binds}, {"aged_irqs", ds.aged_irqs},
                   {"rx_bad_descriptors", ds.rx_bad_descriptors}, {"polled_without_irq", ds.polled_without_irq},
                   {"tx_abandoned", ds.tx_abandoned}, {"flows_reinstalled", ds.offload.flows_reinstalled},
                   {"reinstall_failed", ds.offload.reinstall_failed}};
  for (std::size_t i = 0; i < driver::kResetCauseCount; ++i) {
    if (ds.resets[i]) report.resets[std::string(driver::to_string(static_cast<driver::ResetCause>(i)))] = ds.resets[i];
  }
  report.recoveries = ds.recoveries;
  for (std::size_t i = 0; i < model::kFaultKindCount; ++i) {
    const auto kind = static_cast<model::FaultKind>(i);
    if (board.asic.faults().injected(kind)) {
      report.faults[std::string(model::to_string(kind))] = board.asic.faults().committed(kind);
    }
  }
  report.driver_irqs = board.cpu.driver_stats().irqs;
  report.register_bus_errors = board.asic.bus_errors() + board.hal.bus_errors();
  report.dma_errors = board.asic.dma_errors() + board.memory.bad_accesses();
  for (const EventOutcome& e : events_) report.events.push_back(ReportEvent{e.at_ps / 1000, e.command, e.error});
  return report;
}

std::string ReplaySession::conntrack_dump() const {
  return board_->engine.conntrack_dump(
      std::chrono::nanoseconds(static_cast<std::int64_t>(board_->asic.last_activity_ps() / 1000)));
}

std::string ReplaySession::ruleset_listing() const {
  auto* rs = board_->engine.ruleset();
  return rs ? rs->list() : std::string();
}

Report ReplaySession::finish() {
  // A replay that was not run in steps goes from power-on to the end in the same slices as
  // always (its outputs are compared with golden files).
  if (!started_) sc_core::sc_start(sc_core::SC_ZERO_TIME);
  started_ = true;
  Board& board = *board_;
  // Engine and aging timers tick forever; the run ends once the traffic is over, every
  // packet has settled, and a drain period has let generated packets leave.
  const std::uint64_t drain = static_cast<std::uint64_t>(options_.drain.count()) * 1000;
  std::optional<std::uint64_t> stop_at;
  // A run whose packets stop reaching their end (e.g. a device that never recovers) stops
  // with a warning instead of simulating forever: the watchdog and the timers tick on.
  const std::uint64_t stall =
      (static_cast<std::uint64_t>(options_.stall.count()) + 2 * scenario_.cpu.ns_per_packet) * 1000;
  std::uint64_t last_out = board.ledger.packets_out();
  std::uint64_t last_progress = sc_now_ps();
  while (sc_core::sc_pending_activity()) {
    const std::uint64_t now = sc_now_ps();
    if (!stop_at && board.replayer->done() && board.ledger.settled()) stop_at = now + drain;
    if (board.ledger.packets_out() != last_out || !board.replayer->done()) {
      last_out = board.ledger.packets_out();
      last_progress = now;
    } else if (!stop_at && now - last_progress > stall) {
      Report partial;
      board.ledger.fill(partial);
      board.ledger.warn(fmt::format("{} of {} packets still inside the router after {:.3f} ms without progress; the "
                                    "run stops with them unaccounted for",
                                    partial.packets_in - last_out, partial.packets_in,
                                    static_cast<double>(stall) * 1e-9));
      break;
    }
    const std::uint64_t to_next = sc_core::sc_time_to_pending_activity().value();
    // Nothing left before the stop, or the stop reached (sc_start leaves what is due at the
    // end of a slice pending, so activity at stop_at itself would never run).
    if (stop_at && (now >= *stop_at || now + to_next > *stop_at)) break;
    std::uint64_t until = now + std::max(kSlicePs, to_next);
    if (stop_at) until = std::min(until, *stop_at);
    step(until, false);
  }
  board.ledger.close();
  if (!board.cpu.error().empty()) throw driver::DeviceError(board.cpu.error());
  if (!board.replayer->error().empty()) throw net::InputError(board.replayer->error());

  Report report = snapshot();
  if (options_.out_dir) {
    std::ofstream(*options_.out_dir / "conntrack.txt") << board.engine.conntrack_dump(
        std::chrono::nanoseconds(static_cast<std::int64_t>(report.simulated_ps / 1000)));
    if (auto* rs = board.engine.ruleset()) std::ofstream(*options_.out_dir / "ruleset.txt") << rs->list();
  }
  return report;
}

Report run_replay(const scenario::Scenario& scenario, const ReplayOptions& options) {
  ReplaySession session(scenario, options);
  return session.finish();
}

}  // namespace flowsim::testbench
