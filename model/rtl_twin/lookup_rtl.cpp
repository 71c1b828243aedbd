// SPDX-License-Identifier: Apache-2.0
#include "model/rtl_twin/lookup_rtl.hpp"

#include <cstring>
#include <stdexcept>
#include <string>

#include "Vfoe_lookup.h"
#include "Vfoe_lookup_inst.h"
#include "model/rtl_twin/verilated_block.hpp"

namespace flowsim::model {
namespace {

constexpr std::uint64_t kLatency = hw::datapath::kLookupLatencyCycles;
// A request that is not served within this many cycles means the RTL hangs.
constexpr unsigned kReadyTimeout = hw::datapath::kTableMaxEntries;

}  // namespace

template <class VTop>
LookupRtlOf<VTop>::LookupRtlOf(unsigned entries, unsigned ways, RtlInstruments* instruments)
    : LookupEngine(entries, ways), block_(std::make_unique<VerilatedBlock<VTop>>("foe_lookup", instruments)) {
  VTop& top = block_->top();
  top.cfg_ways_i = ways;
  top.cfg_bucket_mask_i = entries / ways - 1;
  top.cfg_learn_i = 0;
  top.cfg_bind_rate_i = 0;
  top.req_valid_i = 0;
  top.op_valid_i = 0;
  top.clear_i = 0;
  clear();
}

template <class VTop>
LookupRtlOf<VTop>::~LookupRtlOf() = default;

template <class VTop>
std::uint64_t LookupRtlOf<VTop>::cycles() const { return block_->cycles(); }

template <class VTop>
unsigned LookupRtlOf<VTop>::used() const { return block_->top().used_o; }

template <class VTop>
void LookupRtlOf<VTop>::wait_ready() {
  VTop& top = block_->top();
  for (unsigned i = 0; !top.ready_o; ++i) {
    if (i == kReadyTimeout) throw std::logic_error("LookupRtl: foe_lookup is not ready after " + std::to_string(i) + " cycles");
    block_->tick();
  }
}

template <class VTop>
void LookupRtlOf<VTop>::clear() {
  VTop& top = block_->top();
  wait_ready();
  top.clear_i = 1;
  block_->tick();
  top.clear_i = 0;
  wait_ready();
}

template <class VTop>
EntryImage LookupRtlOf<VTop>::operate(unsigned op, unsigned index, const EntryImage* data, std::uint16_t now_s) {
  VTop& top = block_->top();
  wait_ready();
  top.op_valid_i = 1;
  top.op_i = op;
  top.op_index_i = index;
  top.now_i = now_s;
  if (data != nullptr) std::memcpy(top.op_data_i.data(), data->data(), sizeof(EntryImage));
  block_->tick();
  top.op_valid_i = 0;
  // Registered, read, written: the result is out after the third edge.
  block_->tick();
  block_->tick();
  if (!top.op_done_o) throw std::logic_error("LookupRtl: foe_lookup did not finish an entry operation in 3 cycles");
  EntryImage out;
  std::memcpy(out.data(), top.op_data_o.data(), sizeof(EntryImage));
  return out;
}

template <class VTop>
EntryImage LookupRtlOf<VTop>::read(unsigned index) { return operate(1, index, nullptr, 0); }

template <class VTop>
void LookupRtlOf<VTop>::write(unsigned index, const EntryImage& image, std::uint16_t now_s) {
  operate(2, index, &image, now_s);
}

template <class VTop>
void LookupRtlOf<VTop>::invalidate(unsigned index) { operate(3, index, nullptr, 0); }

template <class VTop>
void LookupRtlOf<VTop>::lookup(const LookupConfig& config, std::span<const LookupRequest> in, std::span<LookupResult> out) {
  if (out.size() != in.size()) throw std::invalid_argument("LookupRtl::lookup: out.size() != in.size()");
  const std::size_t n = in.size();
  if (n == 0) return;
  VTop& top = block_->top();
  wait_ready();
  top.cfg_learn_i = config.learn;
  top.cfg_bind_rate_i = static_cast<std::uint16_t>(config.bind_rate);
  issued_at_.resize(n);
  std::size_t issued = 0;
  std::size_t done = 0;
  for (std::uint64_t cycle = 0; done < n; ++cycle) {
    if (top.res_valid_o) {
      if (done == issued || cycle != issued_at_[done] + kLatency) {
        throw std::logic_error("LookupRtl: a result came " + std::to_string(cycle - issued_at_[done]) +
                               " cycles after its request; the spec's latency is " + std::to_string(kLatency));
      }
      LookupResult& r = out[done++];
      r.forward = top.res_forward_o;
      r.reason = static_cast<hw::PuntReason>(top.res_reason_o);
      r.index = top.res_index_o;
      r.event = static_cast<LookupEvent>(top.res_event_o);
      if (r.forward) std::memcpy(r.entry.data(), top.res_entry_o.data(), sizeof(EntryImage));
    } else if (done < issued && cycle > issued_at_[done] + kLatency) {
      throw std::logic_error("LookupRtl: no result " + std::to_string(kLatency) + " cycles after a request");
    }
    if (issued < n && top.ready_o) {
      const LookupRequest& q = in[issued];
      top.req_valid_i = 1;
      top.req_ipv6_i = q.key.ipv6;
      top.req_udp_i = q.key.udp;
      for (std::size_t w = 0; w < q.key.words.size(); ++w) top.req_key_i[w] = q.key.words[w];
      top.req_port_i = q.key.port;
      top.req_vlans_i = q.key.vlan_count;
      top.req_vid_i = q.key.vid;
      top.req_pppoe_i = q.key.pppoe;
      top.req_sid_i = q.key.pppoe_sid;
      top.req_hash_i = q.hash;
      top.req_teardown_i = q.tcp_teardown;
      top.req_fin_rst_i = q.tcp_fin_rst;
      top.now_i = q.now_s;
      issued_at_[issued++] = cycle;
    } else {
      top.req_valid_i = 0;
    }
    block_->tick();
  }
  top.req_valid_i = 0;
}

template class LookupRtlOf<Vfoe_lookup>;
template class LookupRtlOf<Vfoe_lookup_inst>;

}  // namespace flowsim::model
