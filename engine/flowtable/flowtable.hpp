// SPDX-License-Identifier: Apache-2.0
// The software flowtable (net/netfilter/nf_flow_table_core.c and nf_flow_table_ip.c): flows
// of offloaded connections, looked up by either direction's tuple and ingress interface; the
// per-packet fast path of the ingress hook (checks, MTU, TCP FIN/RST, NAT, TTL, transmit);
// the GC that expires, tears down, extends conntrack timeouts and polls hardware statistics;
// and the calls to the hardware offload port (REPLACE on add and on refresh while refused,
// DESTROY on teardown, STATS from GC).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <unordered_map>

#include "engine/conntrack/conntrack.hpp"
#include "engine/flow_offload.hpp"
#include "engine/flowtable/flow.hpp"
#include "engine/flowtable/flowtable_config.hpp"
#include "engine/neighbour_table.hpp"
#include "engine/slow_path_reason.hpp"
#include "net/packet_buffer.hpp"

namespace flowsim::engine::flowtable {

class Flowtable {
 public:
  Flowtable(FlowtableConfig config, conntrack::Conntrack& conntrack, const NeighbourTable& neighbours);
  ~Flowtable();
  Flowtable(const Flowtable&) = delete;
  Flowtable& operator=(const Flowtable&) = delete;

  // The hardware behind `flags offload`; nullptr: flows stay in software.
  void set_offload(FlowOffload* hw) { hw_ = hw; }

  // Whether the ingress hook is registered on this interface.
  bool hooks(unsigned ifindex) const;

  // flow_offload_alloc + flow_offload_route_init + flow_offload_add for an eligible,
  // confirmed entry (the caller ran nft_flow_offload_eval's checks and set IPS_OFFLOAD):
  // copies the entry's tuples and NAT flags, arms the timeout, refreshes the entry's timeout
  // (1 day) and asks the hardware to take the flow. Returns nullptr, leaving IPS_OFFLOAD
  // clear, if a key is already in the table. Allocates (a new flow).
  Flow* add(conntrack::Connection& ct, const std::array<FlowRoute, 2>& routes, std::chrono::nanoseconds now);

  struct Result {
    enum class Kind : std::uint8_t { kPass, kForward, kDrop } kind = Kind::kPass;
    SlowPathReason reason = SlowPathReason::kNoFlow;  // for kPass
    unsigned egress_ifindex = 0;                      // for kForward
  };

  // The ingress hook for one Ethernet frame received on `iif` (nf_flow_offload_inet_hook):
  // kForward means the frame was rewritten in place and goes out of egress_ifindex; kPass
  // that it continues on the slow path unmodified (the flow may have been torn down);
  // kDrop that the next hop has no neighbour entry. Never allocates.
  Result process(net::PacketBuffer& frame, unsigned iif, std::chrono::nanoseconds now);

  // flow_offload_teardown.
  void teardown(Flow& flow, std::chrono::nanoseconds now);

  // One pass of nf_flow_offload_work_gc (the kernel runs it every second).
  void gc(std::chrono::nanoseconds now);

  // nf_flow_table_cleanup: tears down every flow entering through `ifindex` (every flow when
  // none is given) and runs a GC pass at once, as the kernel flushes its GC work, so that
  // hardware flows are destroyed now. Returns how many flows it tore down.
  std::size_t cleanup(std::optional<unsigned> ifindex, std::chrono::nanoseconds now);
  // Tears down every live flow `stale` selects, then runs a GC pass if there was one.
  std::size_t teardown_if(const std::function<bool(const Flow&)>& stale, std::chrono::nanoseconds now);
  // Removes the ingress hook from `ifindex`; false if it had none.
  bool unhook(unsigned ifindex);

  // The flow whose `dir` key is (tuple, iif), live or torn down; nullptr if none.
  const Flow* find(const net::FiveTuple& tuple, unsigned iif) const;
  std::size_t size() const { return flows_.size(); }
  const FlowtableConfig& config() const { return config_; }
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& [id, flow] : flows_) f(*flow);
  }

  struct Stats {
    std::uint64_t fast_path_packets = 0;
    std::uint64_t flows_added = 0;
    std::uint64_t flows_torn_down = 0;
    std::uint64_t flows_freed = 0;
    std::uint64_t hw_replace_calls = 0;
    std::uint64_t hw_accepted = 0;
    std::array<std::uint64_t, static_cast<std::size_t>(OffloadRefusal::kCount)> hw_refused{};
    std::uint64_t hw_destroy_calls = 0;
    std::uint64_t hw_stats_calls = 0;
    std::uint64_t hw_lost = 0;  // stats said the hardware no longer has the flow

    Stats& operator+=(const Stats& o) {
      fast_path_packets += o.fast_path_packets;
      flows_added += o.flows_added;
      flows_torn_down += o.flows_torn_down;
      flows_freed += o.flows_freed;
      hw_replace_calls += o.hw_replace_calls;
      hw_accepted += o.hw_accepted;
      for (std::size_t i = 0; i < hw_refused.size(); ++i) hw_refused[i] += o.hw_refused[i];
      hw_destroy_calls += o.hw_destroy_calls;
      hw_stats_calls += o.hw_stats_calls;
      hw_lost += o.hw_lost;
      return *this;
    }
  };
  const Stats& stats() const { return stats_; }

 private:
  struct KeyRef {
    Flow* flow = nullptr;
    unsigned dir = 0;
  };

  std::chrono::nanoseconds flow_timeout(const Flow& flow) const;
  void refresh(Flow& flow, std::chrono::nanoseconds now);
  void hw_add(Flow& flow, std::chrono::nanoseconds now);
  void hw_del(Flow& flow);
  void hw_stats(Flow& flow, std::chrono::nanoseconds now);
  void fixup_ct(Flow& flow, std::chrono::nanoseconds now);
  void extend_ct_timeout(Flow& flow, std::chrono::nanoseconds now);
  void free_flow(std::map<std::uint64_t, std::unique_ptr<Flow>>::iterator it);
  bool expired(const Flow& flow, std::chrono::nanoseconds now) const { return flow.timeout <= now; }

  FlowtableConfig config_;
  conntrack::Conntrack& conntrack_;
  const NeighbourTable& neighbours_;
  FlowOffload* hw_ = nullptr;
  std::unordered_map<FlowKey, KeyRef, FlowKeyHash> table_;
  std::map<std::uint64_t, std::unique_ptr<Flow>> flows_;  // by id: GC order is creation order
  std::uint64_t next_id_ = 1;
  Stats stats_;
};

}  // namespace flowsim::engine::flowtable
