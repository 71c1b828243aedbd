// SPDX-License-Identifier: Apache-2.0
// The driver's copy of the flow table. The device never says where a flow lives — in direct
// mode the driver picks the way, in learn mode an RX descriptor names the index once — so
// this is the only map from the engine's cookie to entry indices, and from an index back to
// (cookie, direction). It also holds what was written to each entry, so that stats() and the
// learn path can recognise it, and the flows parked per bucket in learn mode (mtk_ppe's
// foe_flow lists). It does no I/O: FlowOffloader keeps it in step with the device.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "driver/flow_entry.hpp"
#include "driver/flow_table_geometry.hpp"
#include "net/flow_offload.hpp"

namespace flowsim::driver {

// One direction of an offloaded flow.
struct DirectionRecord {
  enum class State : std::uint8_t {
    kAbsent,   // not in hardware (refused, reclaimed after aging, or never installed)
    kPending,  // learn mode: parked until the hardware reports the flow's index
    kBound,    // a BIND entry at `index`
  };
  State state = State::kAbsent;
  FlowEntry entry;                // the image written, or to be written
  unsigned bucket = 0;
  unsigned index = 0;             // valid while kBound
  unsigned ingress_port = 0;      // learn mode: the punted packet must come from here
  std::uint32_t l2_bytes = 14;    // ingress L2 header (Ethernet + tags), to report L3 bytes
  std::chrono::nanoseconds last_used{0};
  std::uint32_t hw_timestamp = 0; // IB1.TIMESTAMP when last_used was last set from it
  std::uint64_t mib_packets = 0;  // last counter values (MIB without read-clear)
  std::uint64_t mib_bytes = 0;
  // The hardware punted hit_bind_tcp_fin for this entry: it moved to FIN and punts the
  // flow's packets from now on. A recovery does not bring such an entry back as BIND.
  bool fin_seen = false;
};

struct FlowRecord {
  std::array<DirectionRecord, 2> dir;  // by net::FlowDirection
};

class ShadowTable {
 public:
  enum class SlotState : std::uint8_t {
    kFree,
    kBound,  // holds (cookie, dir)
    kStale,  // an invalidate failed: the device may still use it; retried before reuse
  };
  struct Slot {
    SlotState state = SlotState::kFree;
    net::FlowDirection dir = net::FlowDirection::kOriginal;
    std::uint64_t cookie = 0;
  };
  struct FlowKey {
    std::uint64_t cookie;
    net::FlowDirection dir;
    friend bool operator==(const FlowKey&, const FlowKey&) = default;
  };

  // Forgets everything (the device was reset) and takes the new geometry.
  void reset(const FlowTableGeometry& geometry);
  const FlowTableGeometry& geometry() const { return geometry_; }

  // Entries. `index` < geometry().entries, always (callers check hardware-given indices).
  const Slot& slot(unsigned index) const { return slots_[index]; }
  // The first free way of `bucket`, as an entry index.
  std::optional<unsigned> free_index(unsigned bucket) const;
  // Entries not free (bound or stale).
  unsigned used() const { return used_; }
  void mark_stale(unsigned index);
  void free(unsigned index);

  // Flows.
  FlowRecord* find(std::uint64_t cookie);
  const FlowRecord* find(std::uint64_t cookie) const;
  FlowRecord& add(std::uint64_t cookie);
  // Drops the flow; its bound entries become free (or stale), its parked directions leave
  // their buckets. Invalidate in hardware first.
  void remove(std::uint64_t cookie, SlotState leave_entries = SlotState::kFree);
  std::size_t flows() const { return flows_.size(); }
  // Every flow's cookie, in increasing order.
  std::vector<std::uint64_t> cookies() const;

  // Direction state changes, keeping slots and parked lists consistent.
  void bind(std::uint64_t cookie, net::FlowDirection dir, unsigned index);
  // kBound -> kAbsent; the entry becomes `leave` (free or stale).
  void unbind(std::uint64_t cookie, net::FlowDirection dir, SlotState leave = SlotState::kFree);
  // -> kPending in its bucket's list (from kAbsent or, after aging, kBound).
  void park(std::uint64_t cookie, net::FlowDirection dir);
  const std::vector<FlowKey>& parked(unsigned bucket) const;
  std::size_t parked_count() const { return parked_count_; }

 private:
  DirectionRecord& record(std::uint64_t cookie, net::FlowDirection dir);
  void unpark(unsigned bucket, FlowKey key);
  void set_slot(unsigned index, Slot s);

  FlowTableGeometry geometry_;
  std::vector<Slot> slots_;
  unsigned used_ = 0;
  std::unordered_map<std::uint64_t, FlowRecord> flows_;
  std::unordered_map<unsigned, std::vector<FlowKey>> parked_;
  std::size_t parked_count_ = 0;
};

}  // namespace flowsim::driver
