// SPDX-License-Identifier: Apache-2.0
#include "model/ingress_pipeline.hpp"

#include <algorithm>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "model/csr_block.hpp"

namespace flowsim::model {

IngressPipeline::IngressPipeline(const AsicParams& params, CsrBlock& csr, FramePool& pool, PuntSink& punt,
                                 AsicObserver& observer)
    : params_(params),
      clock_(params.clock_mhz),
      csr_(csr),
      pool_(pool),
      punt_(punt),
      observer_(observer),
      hash_(params.hash_impl),
      rx_busy_until_(params.ports.size()) {}

void IngressPipeline::reset() {
  std::fill(rx_busy_until_.begin(), rx_busy_until_.end(), sc_core::SC_ZERO_TIME);
  pipe_free_at_ = sc_core::SC_ZERO_TIME;
}

void IngressPipeline::receive(Frame* frame) {
  using hw::reg::PortCfg;
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const unsigned port = frame->port;
  const auto bytes = frame->data.bytes();
  if (!PortCfg::kEn.get(csr_.value(PortCfg::offset(port)))) {
    observer_.on_drop(port, now, bytes, ModelDropReason::kPortDisabled);
    pool_.release(frame);
    return;
  }
  // A frame that arrives while the previous one is still on the wire starts after it:
  // a trace recorded faster than line rate is slowed to line rate, never overlapped.
  const sc_core::sc_time rx_start = std::max(now, rx_busy_until_[port]);
  const sc_core::sc_time rx_done = rx_start + wire_time(bytes.size(), params_.ports[port].speed_bps);
  rx_busy_until_[port] = rx_done;
  csr_.hw_add(hw::reg::PortRxPkts::offset(port), 1);
  csr_.hw_add(hw::reg::PortRxBytes::offset(port), static_cast<std::uint32_t>(bytes.size()));

  const std::uint64_t beats = (bytes.size() + params_.datapath_bytes - 1) / params_.datapath_bytes + 1;
  const std::uint64_t occupancy = std::max<std::uint64_t>(beats, params_.lookup_occupancy_cycles);
  const sc_core::sc_time ready = rx_done + clock_.cycles(params_.mac_to_parser_cycles);
  const sc_core::sc_time start = std::max(ready, pipe_free_at_);
  pipe_free_at_ = start + clock_.cycles(occupancy);
  const sc_core::sc_time done =
      start + clock_.cycles(params_.parser_cycles + params_.hash_cycles + params_.lookup_cycles);

  const Parser::Result parsed = parser_.parse(bytes);
  PuntInfo info;
  if (parsed.exception) {
    info.reason = parsed.reason;
  } else {
    info.hash = hash_.hash(parsed.frame.tuple, csr_.value(hw::reg::HashSeed::offset()));
    info.reason = hw::PuntReason::kNoFlow;
  }
  punt_.punt(frame, info, done - now);
}

}  // namespace flowsim::model
