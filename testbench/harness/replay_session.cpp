// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/replay_session.hpp"

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
#include "net/input_error.hpp"
#include "testbench/harness/cpu_host.hpp"
#include "testbench/harness/host_memory.hpp"
#include "testbench/harness/ledger.hpp"
#include "testbench/harness/model_hal.hpp"
#include "testbench/harness/replayer.hpp"

namespace flowsim::testbench {
namespace {

model::AsicParams asic_params(const scenario::Scenario& s) {
  model::AsicParams p;
  for (const auto& port : s.ports) p.ports.push_back({port.speed_bps, port.mtu});
  p.clock_mhz = s.asic.clock_mhz;
  p.datapath_bytes = s.asic.datapath_bytes;
  p.egress_queue_bytes = s.asic.egress_queue_bytes;
  p.hash_impl = s.asic.hash_impl;
  p.table_entries = s.asic.table_entries;
  p.table_ways = s.asic.table_ways;
  p.punt_meter_pps = s.asic.punt_meter_pps;
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
  for (const auto& port : s.ports) c.port_mtu.push_back(port.mtu);
  return c;
}

// Everything on the simulated board, in construction order.
struct Board {
  Board(const scenario::Scenario& s, const ReplayOptions& o)
      : ledger(ledger_ports(s), o.out_dir),
        engine(engine_config(s, o)),
        asic("asic", asic_params(s), ledger),
        memory("host_memory"),
        hal("hal", memory),
        trace(o.register_trace ? std::make_unique<driver::TraceHal>(hal, *o.register_trace) : nullptr),
        cpu("cpu", trace ? static_cast<driver::Hal&>(*trace) : hal, driver_config(s), engine, ledger,
            sc_core::sc_time(static_cast<double>(s.cpu.ns_per_packet), sc_core::SC_NS)),
        replayer("replayer", sources(s), s.timing == scenario::TimingMode::kLineRate, asic, cpu, ledger, o.shard),
        irq("irq") {
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
  Replayer replayer;
  sc_core::sc_signal<bool> irq;
};

}  // namespace

Report run_replay(const scenario::Scenario& scenario, const ReplayOptions& options) {
  Board board(scenario, options);
  const sc_core::sc_time slice(1, sc_core::SC_MS);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  // Engine and aging timers tick forever; the run ends once the traffic is over, every
  // packet has settled, and a drain period has let generated packets leave.
  const sc_core::sc_time drain(static_cast<double>(options.drain.count()), sc_core::SC_NS);
  std::optional<sc_core::sc_time> stop_at;
  while (sc_core::sc_pending_activity()) {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (!stop_at && board.replayer.done() && board.ledger.settled()) stop_at = now + drain;
    const sc_core::sc_time to_next = sc_core::sc_time_to_pending_activity();
    if (stop_at && now + to_next > *stop_at) break;  // nothing left before the stop
    // Run at least to the next event: with starvation as the exit policy, a slice that
    // ends before it would not advance time at all.
    sc_core::sc_time step = std::max(slice, to_next);
    if (stop_at) step = std::min(step, *stop_at - now);
    // The datapath runs ahead of the SystemC clock; not past the slice, so that the ledger
    // read below is what happened up to its end.
    board.asic.set_run_limit((now + step).value());
    sc_core::sc_start(step, sc_core::SC_EXIT_ON_STARVATION);
    if (options.on_progress) {
      Report partial;
      board.ledger.fill(partial);
      options.on_progress(Progress{sc_core::sc_time_stamp().to_seconds() * 1e3, partial.packets_in,
                                   partial.forwarded_hw});
    }
  }
  board.ledger.close();
  if (!board.cpu.error().empty()) throw driver::DeviceError(board.cpu.error());
  if (!board.replayer.error().empty()) throw net::InputError(board.replayer.error());

  Report report;
  report.scenario = scenario.name;
  report.hash_impl = std::string(board.asic.hash_impl());
  if (options.shard) report.shard = options.shard->to_string();
  board.ledger.fill(report);
  report.simulated_ps = board.asic.last_activity_ps();
  // Frames the router generated left through the TX ring like forwarded ones.
  report.generated_sw = board.cpu.generated_sent();
  report.forwarded_sw -= std::min(report.forwarded_sw, report.generated_sw);
  const engine::EngineStats& es = board.engine.stats();
  report.sw_fast_path = es.fast_path;
  for (std::size_t i = 0; i < engine::kSlowPathReasonCount; ++i) {
    if (es.slow_path[i]) report.slow_path[std::string(engine::to_string(static_cast<engine::SlowPathReason>(i)))] = es.slow_path[i];
  }
  if (const auto* ft = board.engine.flowtable()) {
    const auto& fs = ft->stats();
    report.flows = {{"added", fs.flows_added}, {"torn_down", fs.flows_torn_down},
                    {"hw_offloaded", fs.hw_accepted}, {"hw_lost", fs.hw_lost}};
    for (std::size_t i = 1; i < fs.hw_refused.size(); ++i) {
      if (fs.hw_refused[i]) report.offload_refused[std::string(engine::to_string(static_cast<net::OffloadRefusal>(i)))] = fs.hw_refused[i];
    }
  }
  const driver::DriverStats& ds = board.cpu.driver_stats();
  report.driver = {{"entries_written", ds.offload.entries_written}, {"entries_deleted", ds.offload.entries_deleted},
                   {"entries_reclaimed", ds.offload.entries_reclaimed}, {"device_errors", ds.offload.device_errors},
                   {"learn_binds", ds.offload.learn_binds}, {"aged_irqs", ds.aged_irqs}};
  if (options.out_dir) {
    std::ofstream(*options.out_dir / "conntrack.txt") << board.engine.conntrack_dump(
        std::chrono::nanoseconds(static_cast<std::int64_t>(report.simulated_ps / 1000)));
    if (auto* rs = board.engine.ruleset()) std::ofstream(*options.out_dir / "ruleset.txt") << rs->list();
  }
  report.driver_irqs = board.cpu.driver_stats().irqs;
  report.register_bus_errors = board.asic.bus_errors() + board.hal.bus_errors();
  report.dma_errors = board.asic.dma_errors() + board.memory.bad_accesses();
  return report;
}

}  // namespace flowsim::testbench
