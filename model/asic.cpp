// SPDX-License-Identifier: Apache-2.0
#include "model/asic.hpp"

#include <stdexcept>
#include <string>

#include "hw/flowsim_hw.hpp"  // Generated.

namespace flowsim::model {
namespace {

std::vector<EgressSink*> sinks_of(const std::vector<std::unique_ptr<MacTx>>& macs) {
  std::vector<EgressSink*> out;
  for (const auto& m : macs) out.push_back(m.get());
  return out;
}

}  // namespace

AsicParams Asic::validated(AsicParams params) {
  if (params.ports.empty() || params.ports.size() > hw::reg::PortCfg::kCount) {
    throw std::invalid_argument("the ASIC has 1.." + std::to_string(hw::reg::PortCfg::kCount) + " ports, not " +
                                std::to_string(params.ports.size()));
  }
  for (const auto& p : params.ports) {
    if (p.speed_bps == 0) throw std::invalid_argument("port speed must be > 0");
  }
  if (params.clock_mhz <= 0 || params.datapath_bytes == 0) {
    throw std::invalid_argument("core clock and datapath width must be > 0");
  }
  const unsigned n = params.table_entries;
  if (n < hw::datapath::kTableMinEntries || n > hw::datapath::kTableMaxEntries || (n & (n - 1)) != 0) {
    throw std::invalid_argument("table_entries must be a power of two in " +
                                std::to_string(hw::datapath::kTableMinEntries) + ".." +
                                std::to_string(hw::datapath::kTableMaxEntries) + ", not " + std::to_string(n));
  }
  if (params.table_ways != 1 && params.table_ways != 2 && params.table_ways != 4) {
    throw std::invalid_argument("table_ways must be 1, 2 or 4, not " + std::to_string(params.table_ways));
  }
  if (params.sram_banks == 0 || params.lookup_occupancy_cycles == 0) {
    throw std::invalid_argument("sram_banks and lookup_occupancy_cycles must be > 0");
  }
  if (params.mac_rx_fifo_bytes < 64) throw std::invalid_argument("mac_rx_fifo_bytes must be >= 64");
  if (!(params.dma_gbps > 0) || params.punt_meter_pps < 0) {
    throw std::invalid_argument("dma_gbps must be > 0 and punt_meter_pps >= 0");
  }
  return params;
}

Asic::Asic(sc_core::sc_module_name name, AsicParams params, AsicObserver& observer)
    : sc_core::sc_module(name),
      irq_o("irq_o"),
      params_(validated(std::move(params))),
      clock_(params_.clock_mhz),
      calendar_("calendar"),
      csr_("csr", *this, clock_.cycles(4)),
      mac_tx_([&] {
        std::vector<std::unique_ptr<MacTx>> macs;
        for (unsigned i = 0; i < params_.ports.size(); ++i) {
          macs.push_back(std::make_unique<MacTx>(i, params_.ports[i].speed_bps, params_.egress_queue_bytes,
                                                 clock_.cycles_ps(params_.rewrite_cycles + params_.egress_cycles),
                                                 calendar_, pool_, csr_, observer));
        }
        return macs;
      }()),
      cpu_port_("cpu_port", calendar_, csr_, pool_, sinks_of(mac_tx_), observer,
                sc_core::sc_time(static_cast<double>(params_.dma_latency_ns), sc_core::SC_NS), params_.dma_gbps,
                params_.punt_meter_pps, params_.punt_meter_burst),
      engines_(make_datapath_engines(params_.rtl, params_.table_entries, params_.table_ways, params_.rtl_instruments,
                                     clock_.cycles_ps(1))),
      flow_table_(csr_, std::move(engines_.lookup)),
      aging_("aging", calendar_, flow_table_, csr_, cpu_port_),
      pipeline_(params_, calendar_, csr_, pool_, flow_table_, cpu_port_, sinks_of(mac_tx_), observer,
                std::move(engines_.parser), std::move(engines_.hash), std::move(engines_.rewrite),
                engines_.instruments.get()) {
  cpu_port_.irq_o(irq_o);
  csr_.set_faults(&faults_);
  cpu_port_.set_faults(&faults_);
  flow_table_.set_watcher(&aging_);
  // The registers on_csr_write / on_csr_read act on; the rest is storage.
  using namespace hw::reg;
  for (const std::uint32_t r : {GloCfg::offset(), RingTail::offset(1), IrqStatus::offset(), IrqMask::offset(),
                                EntryCtrl::offset(), MibSerCr::offset(), TbCfg::offset(), UnbindAge::offset(),
                                BindAge0::offset(), BindAge1::offset()}) {
    csr_.watch_writes(r);
  }
  csr_.watch_reads(Timestamp::offset());
  SC_METHOD(finish_reset);
  sensitive << reset_done_;
  dont_initialize();
  // Power-on behaves like a soft reset: BUSY until initialisation is over.
  start_reset();
}

Asic::~Asic() {
  if (engines_.instruments) engines_.instruments->finish();
}

void Asic::start_reset(const sc_core::sc_time& delay) {
  using hw::reg::Caps;
  using hw::reg::GloCfg;
  csr_.reset();
  unsigned log2_entries = 0;
  while ((1u << log2_entries) < params_.table_entries) ++log2_entries;
  csr_.hw_set(Caps::offset(), Caps::kNumPorts.make(static_cast<std::uint32_t>(params_.ports.size())) |
                                  Caps::kNumRings.make(hw::reg::RingBaseLo::kCount) |
                                  Caps::kTableSizeLog2.make(log2_entries) | Caps::kTableWays.make(params_.table_ways) |
                                  Caps::kIpv6Nat.make(0));
  for (unsigned i = 0; i < params_.ports.size(); ++i) {
    csr_.hw_set(hw::reg::PortMtu::offset(i), params_.ports[i].mtu);
  }
  csr_.hw_set(GloCfg::offset(), GloCfg::kBusy.make(1));
  faults_.on_soft_reset();
  cpu_port_.reset();
  flow_table_.clear();
  aging_.reset();
  pipeline_.reset();
  reset_done_.notify(delay + sc_core::sc_time(static_cast<double>(params_.reset_busy_ns), sc_core::SC_NS));
}

void Asic::finish_reset() {
  using hw::reg::GloCfg;
  csr_.hw_set(GloCfg::offset(), GloCfg::kBusy.set(csr_.value(GloCfg::offset()), 0));
}

void Asic::on_csr_write(std::uint32_t offset, std::uint32_t value, const sc_core::sc_time& delay) {
  using namespace hw::reg;
  if (offset == GloCfg::offset()) {
    if (GloCfg::kSoftReset.get(value)) {
      start_reset(delay);
      cpu_port_.on_irq_registers_written(delay);
    }
  } else if (offset == RingTail::offset(1)) {
    cpu_port_.on_tx_tail_written(delay);
  } else if (offset == IrqStatus::offset() || offset == IrqMask::offset()) {
    cpu_port_.on_irq_registers_written(delay);
  } else if (offset == EntryCtrl::offset()) {
    // An injected fault: the request is neither performed nor acknowledged (ACK stays 0
    // until the next soft reset clears the register).
    if (EntryCtrl::kReq.get(value) && faults_.take(FaultKind::kEntryWriteNotAcked)) return;
    flow_table_.on_entry_ctrl_written(static_cast<std::uint32_t>(timestamp_seconds(calendar_.now_ps() + delay.value())));
  } else if (offset == MibSerCr::offset()) {
    flow_table_.on_mib_ser_written();
  } else if (offset == TbCfg::offset() || offset == UnbindAge::offset() || offset == BindAge0::offset() ||
             offset == BindAge1::offset()) {
    aging_.on_config_written();
  }
}

void Asic::on_csr_read(std::uint32_t offset, const sc_core::sc_time& delay) {
  if (offset == hw::reg::Timestamp::offset()) {
    csr_.hw_set(offset, static_cast<std::uint32_t>(timestamp_seconds(calendar_.now_ps() + delay.value())));
  }
}

void Asic::inject(unsigned port, std::span<const std::uint8_t> frame, std::uint64_t at_ps) {
  if (port >= params_.ports.size()) throw std::out_of_range("no port " + std::to_string(port));
  Frame* f = pool_.acquire();
  f->data.assign(frame);
  f->port = port;
  f->origin = FrameOrigin::kWire;
  pipeline_.receive(f, at_ps);
}

}  // namespace flowsim::model
