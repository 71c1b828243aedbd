// SPDX-License-Identifier: Apache-2.0
// The flow table as the rest of the chip sees it: the lookup block (LookupEngine: the FOE SRAM
// and the lookup, C++ or RTL) plus what surrounds it on the chip — the ENTRY_CTRL /
// ENTRY_DATA register window, TB_USED, the per-entry MIB counters (a separate SRAM,
// hardware.md §4.2) and their MIB_SER_CR read-out, and the watcher (aging) that must hear of
// entries becoming valid. Timing is not here: the ingress pipeline charges the lookup's
// occupancy and latency.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "model/lookup_engine.hpp"

namespace flowsim::model {

class CsrBlock;

// Told when an entry is written, learnt or changes to another valid state, so that aging
// can plan its next scan.
class EntryWatcher {
 public:
  virtual ~EntryWatcher() = default;
  virtual void on_entry_live(unsigned index) = 0;
};

class FlowTable {
 public:
  struct Mib {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
  };

  FlowTable(CsrBlock& csr, std::unique_ptr<LookupEngine> engine);
  ~FlowTable();

  unsigned entries() const { return engine_->entries(); }
  unsigned ways() const { return engine_->ways(); }
  unsigned used() const { return engine_->used(); }
  std::string_view impl_name() const { return engine_->name(); }
  void set_watcher(EntryWatcher* watcher) { watcher_ = watcher; }

  // Every entry INVALID, counters zero (soft reset).
  void clear();

  // A batch of lookups through the engine (see LookupEngine::lookup); learnt and FIN entries
  // are reported to the watcher, learnt ones get zeroed MIB counters, TB_USED follows.
  void lookup(const LookupConfig& config, std::span<const LookupRequest> in, std::span<LookupResult> out);

  EntryImage entry(unsigned index) const { return engine_->read(index); }
  // Adds one forwarded packet of `bytes` to the entry's MIB counters if MIB_CFG.EN,
  // TB_CFG.MIB_EN and IB1.MIB_EN (of `ib1`, the entry's IB1 word) are all set.
  void count(unsigned index, std::uint32_t ib1, std::uint32_t bytes);

  // Register handlers (called by the chip after the driver wrote the register).
  void on_entry_ctrl_written(std::uint32_t now_s);
  void on_mib_ser_written();

  // Invalidates `index` (aging); the caller keeps AGED_ENTRIES.
  void age_out(unsigned index);

 private:
  void publish_used();

  CsrBlock& csr_;
  std::unique_ptr<LookupEngine> engine_;
  std::vector<Mib> mib_;
  std::uint32_t last_ctrl_ = 0;  // ENTRY_CTRL as the last operation left it
  std::span<std::uint32_t> window_;  // ENTRY_DATA[0..31] in the CSR block
  EntryWatcher* watcher_ = nullptr;
};

}  // namespace flowsim::model
