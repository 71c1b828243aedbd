// SPDX-License-Identifier: Apache-2.0
#include "model/ingress_pipeline.hpp"

#include <algorithm>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "model/csr_block.hpp"
#include "model/glo_cfg_checks.hpp"
#include "model/rtl_twin/rtl_instruments.hpp"
#include "net/foe_hash.hpp"
#include "net/tcp_header.hpp"

namespace flowsim::model {
namespace {

using hw::desc::FoeEntry;
using Ib1 = FoeEntry::Ib1;

constexpr std::uint32_t kNoIndex = hw::desc::RxDesc::Info::kFoeIndexNone;
constexpr std::uint32_t kMinFrame = 60;  // a FIFO slot holds at least a minimum-size frame
constexpr std::uint32_t kMaxFrameOverhead = 18;  // Ethernet header + one VLAN tag, beyond the MTU
constexpr std::uint8_t kTcpTeardownFlags = net::tcp_flag::kFin | net::tcp_flag::kSyn | net::tcp_flag::kRst;

unsigned ceil_div(unsigned a, unsigned b) { return (a + b - 1) / b; }

}  // namespace

IngressPipeline::IngressPipeline(const AsicParams& params, Calendar& calendar, CsrBlock& csr, FramePool& pool,
                                 FlowTable& table, PuntSink& punt, std::vector<EgressSink*> egress,
                                 AsicObserver& observer, std::unique_ptr<ParserEngine> parser,
                                 std::unique_ptr<FoeHashEngine> hash, std::unique_ptr<RewriteEngine> rewrite,
                                 RtlInstruments* instruments)
    : params_(params),
      clock_(params.clock_mhz),
      calendar_(calendar),
      csr_(csr),
      pool_(pool),
      table_(table),
      punt_(punt),
      egress_(std::move(egress)),
      observer_(observer),
      parser_(std::move(parser)),
      hash_(std::move(hash)),
      rewrite_(std::move(rewrite)),
      instruments_(instruments),
      rx_busy_until_(params.ports.size()),
      rx_fifo_(params.ports.size(), ByteFifo(params.mac_rx_fifo_bytes, kMinFrame)) {
  for (const auto& p : params.ports) wire_.emplace_back(p.speed_bps);
  const unsigned rounds = ceil_div(params.table_ways, params.sram_banks);
  const unsigned lookup_latency_cycles = params.lookup_cycles + (rounds - 1) * params.sram_read_cycles;
  min_occupancy_cycles_ = std::max({params.lookup_occupancy_cycles + (rounds - 1), params.parser_ii_cycles,
                                    params.hash_ii_cycles, params.rewrite_ii_cycles});
  mac_to_parser_ps_ = clock_.cycles_ps(params.mac_to_parser_cycles);
  result_latency_ps_ = clock_.cycles_ps(params.parser_cycles + params.hash_cycles + lookup_latency_cycles);
  parser_ps_ = clock_.cycles_ps(params.parser_cycles);
  hash_ps_ = clock_.cycles_ps(params.hash_cycles);
}

void IngressPipeline::reset() {
  std::fill(rx_busy_until_.begin(), rx_busy_until_.end(), 0);
  for (auto& f : rx_fifo_) f.clear();
  pipe_free_at_ = 0;
}

void IngressPipeline::receive(Frame* frame, std::uint64_t at_ps) { calendar_.schedule(at_ps, arrival_, frame); }

void IngressPipeline::arrive(Frame* frame, std::uint64_t now) {
  using hw::reg::PortCfg;
  const unsigned port = frame->port;
  const auto bytes = frame->data.bytes();
  if (!PortCfg::kEn.get(csr_.value(PortCfg::offset(port)))) {
    observer_.on_drop(port, sc_core::sc_time::from_value(now), bytes, ModelDropReason::kPortDisabled, FrameOrigin::kWire);
    pool_.release(frame);
    return;
  }
  // A frame that arrives while the previous one is still on the wire starts after it:
  // a trace recorded faster than line rate is slowed to line rate, never overlapped.
  const std::uint64_t rx_start = std::max(now, rx_busy_until_[port]);
  const std::uint64_t rx_done = rx_start + wire_[port].time_ps(bytes.size());
  rx_busy_until_[port] = rx_done;
  csr_.hw_add(hw::reg::PortRxPkts::offset(port), 1);
  csr_.hw_add(hw::reg::PortRxBytes::offset(port), static_cast<std::uint32_t>(bytes.size()));
  // The MAC's maximum frame length follows the port MTU with room for an Ethernet header and
  // one VLAN tag (as Linux drivers program it, e.g. mtk_eth_soc's MTK_RX_ETH_HLEN); a longer
  // frame is a giant, discarded by the MAC before the RX FIFO.
  if (bytes.size() > csr_.value(hw::reg::PortMtu::offset(port)) + kMaxFrameOverhead) {
    csr_.hw_add(hw::reg::PortRxOversize::offset(port), 1);
    observer_.on_drop(port, sc_core::sc_time::from_value(now), bytes, ModelDropReason::kOversizeFrame, FrameOrigin::kWire);
    pool_.release(frame);
    return;
  }
  // Store and forward: the MAC hands the frame on once its last bit (and FCS) is in.
  calendar_.schedule(rx_done, received_, frame);
}

void IngressPipeline::take(Frame* frame, std::uint64_t now) {
  const unsigned port = frame->port;
  const auto len = static_cast<std::uint32_t>(frame->data.size());
  const auto now_s = static_cast<std::uint16_t>(timestamp_seconds(now));

  // The RX FIFO holds the frames the pipeline has not taken yet.
  const std::uint32_t slot_bytes = std::max(len, kMinFrame);
  if (rx_fifo_[port].bytes_at(now) + slot_bytes > params_.mac_rx_fifo_bytes) {
    // Dropped in its turn among the batch's outcomes, so that the order observers see is the
    // order the frames arrived in.
    batch_.push_back(Taken{frame, now, now_s, len, 0, ModelDropReason::kRxFifoOverflow});
    batch_deadline_ = std::min(batch_deadline_, now);
    return;
  }
  const unsigned beats = ceil_div(len, params_.datapath_bytes) + params_.datapath_bubble_cycles;
  const std::uint64_t start = std::max(now + mac_to_parser_ps_, pipe_free_at_);
  pipe_free_at_ = start + clock_.cycles_ps(std::max(beats, min_occupancy_cycles_));
  if (start > now) rx_fifo_[port].push(start, slot_bytes);
  // When the lookup's result is known: the frame goes on to the rewrite unit or the CPU port.
  batch_.push_back(Taken{frame, start + result_latency_ps_, now_s, len, 0, std::nullopt});
  batch_deadline_ = std::min(batch_deadline_, start + result_latency_ps_);
}

void IngressPipeline::run_batch() {
  if (batch_.empty()) return;

  // Parser.
  frames_.clear();
  for (Taken& t : batch_) {
    if (t.drop) continue;
    t.parse = static_cast<int>(frames_.size());
    frames_.push_back(t.frame->data.bytes());
  }
  parsed_.resize(frames_.size());
  // The waveform's time for each block: when the batch's first frame reaches it.
  std::uint64_t first_start = 0;
  if (instruments_ != nullptr) {
    for (const Taken& t : batch_) {
      if (t.drop) continue;
      first_start = t.result_at - result_latency_ps_;
      break;
    }
    instruments_->at(first_start);
  }
  parser_->parse(frames_, parsed_);

  // GLO_CFG drop checks, on what the parser hands on.
  const std::uint32_t glo_cfg = csr_.value(hw::reg::GloCfg::offset());
  for (Taken& t : batch_) {
    if (t.parse >= 0) t.drop = glo_cfg_drop(glo_cfg, frames_[t.parse], parsed_[t.parse]);
  }

  // Hash unit, for the frames the parser did not punt and the checks did not drop.
  const std::uint32_t seed = csr_.value(hw::reg::HashSeed::offset());
  hash_in_.clear();
  for (const Taken& t : batch_) {
    if (t.parse < 0 || t.drop || parsed_[t.parse].exception) continue;
    const ParsedHeaders& h = parsed_[t.parse];
    hash_in_.push_back(h.ipv6 ? net::foe_hash_words_ipv6({h.key[0], h.key[1], h.key[2], h.key[3]},
                                                          {h.key[4], h.key[5], h.key[6], h.key[7]}, h.key[8], seed)
                              : net::foe_hash_words_ipv4(h.key[0], h.key[1], h.key[2], seed));
  }
  hash_out_.resize(hash_in_.size());
  if (instruments_ != nullptr) instruments_->at(first_start + parser_ps_);
  hash_->compute(hash_in_, hash_out_);

  // Lookup, in the order taken.
  lookup_in_.clear();
  for (Taken& t : batch_) {
    if (t.parse < 0 || t.drop || parsed_[t.parse].exception) continue;
    const ParsedHeaders& h = parsed_[t.parse];
    t.lookup = static_cast<int>(lookup_in_.size());
    t.hash = hash_out_[lookup_in_.size()];
    LookupRequest& r = lookup_in_.emplace_back();
    r.key.ipv6 = h.ipv6;
    r.key.udp = h.udp;
    r.key.words = h.key;
    r.key.port = t.frame->port;
    r.key.vlan_count = h.vlan_count;
    r.key.vid = h.vid;
    r.key.pppoe = h.pppoe;
    r.key.pppoe_sid = h.pppoe_sid;
    r.hash = t.hash;
    r.tcp_teardown = !h.udp && (h.tcp_flags & kTcpTeardownFlags) != 0;
    r.tcp_fin_rst = !h.udp && (h.tcp_flags & (net::tcp_flag::kFin | net::tcp_flag::kRst)) != 0;
    r.now_s = t.now_s;
  }
  if (!lookup_in_.empty()) {
    LookupConfig config;
    config.learn = hw::reg::TbCfg::kBindMode.get(csr_.value(hw::reg::TbCfg::offset())) != 0;
    config.bind_rate = hw::reg::BindRate::kBind.get(csr_.value(hw::reg::BindRate::offset()));
    lookup_out_.resize(lookup_in_.size());
    if (instruments_ != nullptr) instruments_->at(first_start + parser_ps_ + hash_ps_);
    table_.lookup(config, lookup_in_, lookup_out_);
  }

  // Rewrite unit, for the BIND hits.
  rewrite_in_.clear();
  for (Taken& t : batch_) {
    if (t.lookup < 0 || !lookup_out_[t.lookup].forward) continue;
    t.rewrite = static_cast<int>(rewrite_in_.size());
    rewrite_in_.push_back(RewriteRequest{&t.frame->data, &parsed_[t.parse], &lookup_out_[t.lookup].entry});
  }
  if (!rewrite_in_.empty()) {
    RewriteConfig config;
    config.ports = static_cast<unsigned>(egress_.size());
    for (unsigned p = 0; p < config.ports; ++p) config.port_mtu[p] = csr_.value(hw::reg::PortMtu::offset(p));
    rewrite_out_.resize(rewrite_in_.size());
    if (instruments_ != nullptr) {
      for (const Taken& t : batch_) {
        if (t.rewrite < 0) continue;
        instruments_->at(t.result_at);
        break;
      }
    }
    rewrite_->rewrite(config, rewrite_in_, rewrite_out_);
  }

  // Every frame to where its blocks sent it, in the order taken.
  for (Taken& t : batch_) {
    if (t.drop) {
      observer_.on_drop(t.frame->port, sc_core::sc_time::from_value(t.result_at), t.frame->data.bytes(), *t.drop,
                        FrameOrigin::kWire);
      pool_.release(t.frame);
      continue;
    }
    if (t.lookup < 0) {
      punt(t.frame, parsed_[t.parse].reason, kNoIndex, 0, t.result_at);
      continue;
    }
    const LookupResult& l = lookup_out_[t.lookup];
    if (t.rewrite < 0) {
      punt(t.frame, l.reason, l.index, t.hash, t.result_at);
      continue;
    }
    const RewriteResult& r = rewrite_out_[t.rewrite];
    if (!r.forward) {
      punt(t.frame, r.reason, l.index, t.hash, t.result_at);
      continue;
    }
    table_.count(l.index, l.entry[Ib1::kWord], t.length);
    t.frame->port = r.dest_port;
    egress_[r.dest_port]->enqueue(t.frame, t.result_at);
  }
  batch_.clear();
  batch_deadline_ = Calendar::kNever;
}

void IngressPipeline::punt(Frame* frame, hw::PuntReason reason, std::uint32_t foe_index, std::uint32_t hash,
                           std::uint64_t at_ps) {
  csr_.hw_add(hw::reg::ReasonCnt::offset(static_cast<unsigned>(reason)), 1);
  PuntInfo info;
  info.reason = reason;
  info.foe_index = foe_index;
  info.hash = hash;
  punt_.punt(frame, info, at_ps);
}

}  // namespace flowsim::model
