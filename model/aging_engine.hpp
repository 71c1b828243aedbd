// SPDX-License-Identifier: Apache-2.0
// The aging scanner (MediaTek's periodic table scan, hardware.md §1.7/§4.6): with
// TB_CFG.AGE_EN, a BIND entry idle longer than its class delta (BIND_AGE0 UDP, BIND_AGE1 TCP,
// TCP_FIN for the FIN state; 0 = never) and an UNBIND entry older than UNBIND_AGE.DELTA with
// fewer than MIN_PACKETS packets become INVALID; AGED_ENTRIES counts them and IRQ_STATUS.AGED
// is raised. STATIC entries never age. Times are TIMESTAMP seconds, compared modulo 2^16 with
// the entry's 16-bit stamps, exactly as the hardware does.
//
// No per-cycle (or per-second) events: the scanner computes when the earliest entry can
// expire and wakes up at that whole second only. It schedules nothing while no entry can
// age (empty table, STATIC entries, deltas 0, AGE_EN off), so a simulation run "until no
// events are pending" ends once the last agable entry has aged out. Entries go live from the
// datapath too (learn, FIN), at the model's present (Calendar::now_ps()); a planned scan is a
// sync point of the calendar, since it changes the table.
#pragma once

#include <cstdint>
#include <optional>
#include <systemc>

#include "model/calendar.hpp"
#include "model/flow_table.hpp"
#include "model/punt_sink.hpp"

namespace flowsim::model {

class CsrBlock;

class AgingEngine : public sc_core::sc_module, public EntryWatcher {
 public:
  SC_HAS_PROCESS(AgingEngine);
  AgingEngine(sc_core::sc_module_name name, Calendar& calendar, FlowTable& table, CsrBlock& csr, InterruptSink& irq);

  // An entry was written or learnt valid: scan no later than when it can expire.
  void on_entry_live(unsigned index) override;
  // TB_CFG or an age register changed: plan the next scan from scratch.
  void on_config_written();
  // Soft reset: no scan pending.
  void reset();

 private:
  void scan();
  // The TIMESTAMP second at which the scan invalidates `index`, or nullopt if it never ages.
  std::optional<std::uint64_t> expiry(unsigned index, std::uint64_t now_s) const;
  void schedule(std::uint64_t at_s);
  bool enabled() const;

  Calendar& calendar_;
  FlowTable& table_;
  CsrBlock& csr_;
  InterruptSink& irq_;
  sc_core::sc_event scan_event_;
  std::optional<std::uint64_t> scheduled_s_;  // the pending scan, if any
};

}  // namespace flowsim::model
