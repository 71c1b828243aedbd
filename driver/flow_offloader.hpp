// SPDX-License-Identifier: Apache-2.0
// Flow offload through the device's registers: the driver's side of the engine's offload
// port (net::FlowOffload — FLOW_CLS_REPLACE / DESTROY / STATS per flow, by cookie;
// shared/spec/flowtable.md §3), mtk_ppe_offload.c + mtk_ppe.c for FOE-lite. It encodes each
// direction as a flow entry, hashes it as the hardware does (with the HASH_SEED the driver
// programmed), picks a way from its shadow table, writes the entry through the ENTRY_CTRL
// window and reads it back. Whatever does not fit or does not work is a refusal returned as
// a value — the flow stays in software — and is counted in the driver's statistics.
// In learn mode (MediaTek's unbind -> bind) replace() only parks the entries; the RX hook
// binds them at the index the hardware reports with hit_unbind_rate_reached.
// A device that stops acknowledging the entry window, or reads all ones, makes the driver
// reset it; after the recovery the flows still offloaded are written again.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "driver/device_fault.hpp"
#include "driver/entry_window.hpp"
#include "driver/mib_window.hpp"
#include "driver/offload_driver.hpp"
#include "driver/shadow_table.hpp"
#include "net/flow_offload.hpp"

namespace flowsim::driver {

class FlowOffloader : public net::FlowOffload {
 public:
  // Attaches to `driver`, which must outlive it, and installs the driver's RX hook. Flows
  // are accepted once the driver is up. A bring-up by hand forgets all of them; a recovery
  // (OffloadDriver::recover) writes them again.
  // All calls must come from the driver's thread (the simulated CPU).
  explicit FlowOffloader(OffloadDriver& driver);
  ~FlowOffloader() override;
  FlowOffloader(const FlowOffloader&) = delete;
  FlowOffloader& operator=(const FlowOffloader&) = delete;

  // Both directions into hardware. kNone when at least one direction was written and read
  // back (or, in learn mode, both were parked). kUnsupported: the entry cannot express the
  // flow (IPv6 NAT, not TCP/UDP, unknown port, ...) or the device has no flow table;
  // kTableFull / kBucketFull: no free way (a direction that does not fit while the other
  // does is counted in direction_refused); kDeviceError: the device failed an operation or
  // is not up — whatever was written for this flow is invalidated again. A cookie already
  // offloaded is replaced. Retrying later may succeed.
  net::OffloadRefusal replace(const net::OffloadFlow& flow) override;
  // Invalidates both entries and frees their ways; unknown cookies are ignored.
  void destroy(std::uint64_t cookie) override;
  // Counters since the previous call (MIB, L3 bytes as the kernel counts them) and the last
  // hit time from IB1.TIMESTAMP. nullopt when the direction is not in hardware: never bound,
  // parked, or found aged, FIN or overwritten (its way is then reclaimed; in learn mode it
  // is parked again, waiting for the hardware to learn it anew). A device error gives zero
  // deltas and the last known time, so a flaky read does not end a flow early.
  std::optional<net::OffloadStats> stats(std::uint64_t cookie, net::FlowDirection dir) override;

  // The RX hook. Learn mode: a hit_unbind_rate_reached punt names an UNBIND entry; if it
  // matches a parked flow of its bucket, the BIND entry is written at that index. Each index
  // is looked at most once per DriverConfig::learn_check_interval.
  void inspect_punt(const RxPacket& pkt);

  // For tests and the report.
  std::optional<unsigned> entry_index(std::uint64_t cookie, net::FlowDirection dir) const;
  // The bucket the hardware looks up for a direction (its match tuple, the programmed seed).
  unsigned bucket_of(const net::OffloadDirection& d) const;
  unsigned entries_in_use() const { return shadow_.used(); }
  std::size_t flows() const { return shadow_.flows(); }
  std::size_t parked() const { return shadow_.parked_count(); }
  const FlowTableGeometry& geometry() const { return shadow_.geometry(); }
  // The last device fault, e.g. "ENTRY_CTRL write of entry 42: ack_timeout".
  const std::string& last_error() const { return last_error_; }

 private:
  using Refusal = net::OffloadRefusal;
  using Dir = net::FlowDirection;

  bool sync();
  // After a recovery: the device's table is empty; every direction that was bound (or, in
  // learn mode, parked) is installed again, keeping its accounting.
  void reinstall();
  // A hit_bind_tcp_fin punt named `index`: remember that its entry is in FIN now.
  void note_fin(unsigned index);
  Refusal refuse(Refusal r);
  void count_fault(DeviceFault f, const char* what, unsigned index);
  Refusal install(std::uint64_t cookie, Dir dir);
  std::optional<unsigned> reclaim_way(unsigned bucket);
  // Writes `entry` at `index` and reads it back whole; `back` gets what the device holds.
  DeviceFault write_verified(unsigned index, const FlowEntry& entry, FlowEntry& back);
  void release_failed(unsigned index);
  void start_accounting(DirectionRecord& r, const FlowEntry& written);
  void reclaim(std::uint64_t cookie, Dir dir, const FlowEntry& seen);
  void remove_flow(std::uint64_t cookie);
  bool learn_mode() const { return driver_.config().bind_mode == BindMode::kLearn; }

  OffloadDriver& driver_;
  Hal& hal_;
  FlowOffloadCounters& counters_;
  EntryWindow window_;
  MibWindow mib_;
  ShadowTable shadow_;
  std::uint64_t generation_ = 0;
  // Learn mode: when each index was last looked at (foe_check_time); kNever before.
  std::vector<std::chrono::nanoseconds> check_time_;
  std::string last_error_;
};

}  // namespace flowsim::driver
