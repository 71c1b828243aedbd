// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/replay_session.hpp"

#include <algorithm>
#include <memory>
#include <systemc>

#include "driver/device_error.hpp"
#include "driver/trace_hal.hpp"
#include "engine/engine.hpp"
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
  return p;
}

driver::DriverConfig driver_config(const scenario::Scenario& s) {
  driver::DriverConfig c;
  c.rx_ring_size = s.asic.rx_ring_size;
  c.tx_ring_size = s.asic.tx_ring_size;
  c.irq_coalesce_pkts = s.cpu.irq_coalesce_pkts;
  c.irq_coalesce_us = s.cpu.irq_coalesce_us;
  for (const auto& port : s.ports) c.port_mtu.push_back(port.mtu);
  return c;
}

// Everything on the simulated board, in construction order.
struct Board {
  Board(const scenario::Scenario& s, const ReplayOptions& o)
      : ledger(ledger_ports(s), o.out_dir),
        engine(scenario::to_engine_config(s)),
        asic("asic", asic_params(s), ledger),
        memory("host_memory"),
        hal("hal", memory),
        trace(o.register_trace ? std::make_unique<driver::TraceHal>(hal, *o.register_trace) : nullptr),
        cpu("cpu", trace ? static_cast<driver::Hal&>(*trace) : hal, driver_config(s), engine, ledger,
            sc_core::sc_time(static_cast<double>(s.cpu.ns_per_packet), sc_core::SC_NS)),
        replayer("replayer", sources(s), s.timing == scenario::TimingMode::kLineRate, asic, cpu, ledger),
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
  while (sc_core::sc_pending_activity()) {
    // Run at least to the next event: with starvation as the exit policy, a slice that
    // ends before it would not advance time at all.
    sc_core::sc_start(std::max(slice, sc_core::sc_time_to_pending_activity()), sc_core::SC_EXIT_ON_STARVATION);
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
  board.ledger.fill(report);
  report.simulated_ps = sc_core::sc_time_stamp().value();
  report.driver_irqs = board.cpu.driver_stats().irqs;
  report.register_bus_errors = board.asic.bus_errors() + board.hal.bus_errors();
  report.dma_errors = board.asic.dma_errors() + board.memory.bad_accesses();
  return report;
}

}  // namespace flowsim::testbench
