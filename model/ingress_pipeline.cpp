// SPDX-License-Identifier: Apache-2.0
#include "model/ingress_pipeline.hpp"

#include <algorithm>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "model/csr_block.hpp"
#include "model/rewrite_unit.hpp"
#include "net/byte_order.hpp"
#include "net/ip_proto.hpp"
#include "net/tcp_header.hpp"

namespace flowsim::model {
namespace {

using hw::desc::FoeEntry;
using Ib1 = FoeEntry::Ib1;

constexpr std::uint32_t kNoIndex = hw::desc::RxDesc::Info::kFoeIndexNone;
constexpr std::uint32_t kMinFrame = 60;  // a FIFO slot holds at least a minimum-size frame
constexpr std::uint8_t kTcpTeardownFlags = net::TcpHeader::kFin | net::TcpHeader::kSyn | net::TcpHeader::kRst;

unsigned ceil_div(unsigned a, unsigned b) { return (a + b - 1) / b; }

}  // namespace

IngressPipeline::IngressPipeline(const AsicParams& params, Calendar& calendar, CsrBlock& csr, FramePool& pool,
                                 FlowTable& table, PuntSink& punt, std::vector<EgressSink*> egress,
                                 AsicObserver& observer)
    : params_(params),
      clock_(params.clock_mhz),
      calendar_(calendar),
      csr_(csr),
      pool_(pool),
      table_(table),
      punt_(punt),
      egress_(std::move(egress)),
      observer_(observer),
      hash_(params.hash_impl),
      rx_busy_until_(params.ports.size()),
      rx_fifo_(params.ports.size(), ByteFifo(params.mac_rx_fifo_bytes, kMinFrame)) {
  for (const auto& p : params.ports) wire_.emplace_back(p.speed_bps);
  const unsigned rounds = ceil_div(params.table_ways, params.sram_banks);
  const unsigned lookup_latency_cycles = params.lookup_cycles + (rounds - 1) * params.sram_read_cycles;
  min_occupancy_cycles_ = std::max({params.lookup_occupancy_cycles + (rounds - 1), params.parser_ii_cycles,
                                    params.hash_ii_cycles, params.rewrite_ii_cycles});
  mac_to_parser_ps_ = clock_.cycles_ps(params.mac_to_parser_cycles);
  result_latency_ps_ = clock_.cycles_ps(params.parser_cycles + params.hash_cycles + lookup_latency_cycles);
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
    observer_.on_drop(port, sc_core::sc_time::from_value(now), bytes, ModelDropReason::kPortDisabled);
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
  // Store and forward: the MAC hands the frame on once its last bit (and FCS) is in.
  calendar_.schedule(rx_done, received_, frame);
}

void IngressPipeline::process(Frame* frame, std::uint64_t now) {
  const unsigned port = frame->port;
  const auto bytes = frame->data.bytes();
  const auto len = static_cast<std::uint32_t>(bytes.size());

  // The RX FIFO holds the frames the pipeline has not taken yet.
  const std::uint32_t slot_bytes = std::max(len, kMinFrame);
  if (rx_fifo_[port].bytes_at(now) + slot_bytes > params_.mac_rx_fifo_bytes) {
    observer_.on_drop(port, sc_core::sc_time::from_value(now), bytes, ModelDropReason::kRxFifoOverflow);
    pool_.release(frame);
    return;
  }
  const unsigned beats = ceil_div(len, params_.datapath_bytes) + params_.datapath_bubble_cycles;
  const std::uint64_t start = std::max(now + mac_to_parser_ps_, pipe_free_at_);
  pipe_free_at_ = start + clock_.cycles_ps(std::max(beats, min_occupancy_cycles_));
  if (start > now) rx_fifo_[port].push(start, slot_bytes);
  // When the lookup's result is known: the frame goes on to the rewrite unit or the CPU port.
  const std::uint64_t result_at = start + result_latency_ps_;

  const Parser::Result parsed = parser_.parse(bytes);
  if (parsed.exception) {
    punt(frame, parsed.reason, kNoIndex, 0, result_at);
    return;
  }
  const net::ParsedFrame& p = parsed.frame;
  const std::uint32_t hash = hash_.hash(p.tuple, csr_.value(hw::reg::HashSeed::offset()));
  const FlowKey key = key_of(p, port);
  const FlowTable::Probe probe = table_.lookup(table_.bucket_of(hash), key);
  const auto now_s = static_cast<std::uint32_t>(timestamp_seconds(now));
  const bool tcp_teardown = p.l4_proto == 6 && (p.tcp_flags & kTcpTeardownFlags) != 0;
  const std::uint32_t bind_rate = hw::reg::BindRate::kBind.get(csr_.value(hw::reg::BindRate::offset()));

  if (probe.hit < 0) {
    const bool learn = hw::reg::TbCfg::kBindMode.get(csr_.value(hw::reg::TbCfg::offset())) != 0;
    if (!learn) {
      punt(frame, hw::PuntReason::kNoFlow, kNoIndex, hash, result_at);
    } else if (tcp_teardown) {
      // Nothing is learnt from a SYN/FIN/RST: conntrack must see the handshake first.
      punt(frame, hw::PuntReason::kTcpFinSynRst, kNoIndex, hash, result_at);
    } else if (probe.free_slot < 0) {
      punt(frame, hw::PuntReason::kBucketFull, kNoIndex, hash, result_at);
    } else if (static_cast<std::uint32_t>(probe.free_slot) == kNoIndex ||
               !table_.learn(static_cast<unsigned>(probe.free_slot), key, now_s)) {
      // Index 0x7fff reads as "none" in RX_DESC.INFO, and a double-tagged packet cannot be
      // described by MATCH: neither is learnt.
      punt(frame, hw::PuntReason::kNoFlow, kNoIndex, hash, result_at);
    } else {
      punt(frame, bind_rate <= 1 ? hw::PuntReason::kHitUnbindRateReached : hw::PuntReason::kUnHit,
           static_cast<std::uint32_t>(probe.free_slot), hash, result_at);
    }
    return;
  }

  const auto index = static_cast<unsigned>(probe.hit);
  table_.touch(index, now_s);
  switch (table_.state(index)) {
    case Ib1::kStateUnbind: {
      if (tcp_teardown) {
        punt(frame, hw::PuntReason::kTcpFinSynRst, index, hash, result_at);
        return;
      }
      const std::uint32_t n = table_.count_unbind(index);
      punt(frame, n >= bind_rate ? hw::PuntReason::kHitUnbindRateReached : hw::PuntReason::kHitUnbind, index, hash,
           result_at);
      return;
    }
    case Ib1::kStateFin:
      punt(frame, hw::PuntReason::kHitBindTcpFin, index, hash, result_at);
      return;
    default:
      break;
  }
  // BIND. A FIN/RST (or SYN) tears the flow down in software; the entry stays, in FIN, until
  // the driver rewrites or invalidates it (or it ages with BIND_AGE1.DELTA_TCP_FIN).
  if (tcp_teardown) {
    table_.set_state(index, Ib1::kStateFin);
    punt(frame, hw::PuntReason::kHitBindTcpFin, index, hash, result_at);
    return;
  }
  const EntryImage& entry = table_.entry(index);
  const unsigned dest = FoeEntry::Ib2::kDestPort.get(entry[FoeEntry::Ib2::kWord]);
  if (dest >= egress_.size()) {
    punt(frame, hw::PuntReason::kHitBindForceCpu, index, hash, result_at);
    return;
  }
  if (const auto reason = RewriteUnit::check(p, entry, csr_.value(hw::reg::PortMtu::offset(dest)))) {
    punt(frame, *reason, index, hash, result_at);
    return;
  }
  table_.count(index, len);
  RewriteUnit::rewrite(frame->data, p, entry);
  frame->port = dest;
  egress_[dest]->enqueue(frame, result_at);
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

FlowKey IngressPipeline::key_of(const net::ParsedFrame& p, unsigned port) const {
  FlowKey k;
  k.ipv6 = p.l3 == net::L3Kind::kIpv6;
  k.udp = p.l4_proto == net::ip_proto::kUdp;
  const std::uint32_t ports = (std::uint32_t{p.tuple.src_port} << 16) | p.tuple.dst_port;
  if (k.ipv6) {
    for (unsigned i = 0; i < 4; ++i) {
      k.words[i] = net::load_be32(p.tuple.src.data() + 4 * i);
      k.words[4 + i] = net::load_be32(p.tuple.dst.data() + 4 * i);
    }
    k.words[8] = ports;
  } else {
    k.words[0] = net::load_be32(p.tuple.src.data());
    k.words[1] = net::load_be32(p.tuple.dst.data());
    k.words[2] = ports;
  }
  k.port = port;
  k.vlan_count = p.vlan_count;
  k.vid = p.vlan_ids[0];
  k.pppoe = p.has_pppoe;
  k.pppoe_sid = p.pppoe_session;
  return k;
}

}  // namespace flowsim::model
