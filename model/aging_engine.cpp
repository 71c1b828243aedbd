// SPDX-License-Identifier: Apache-2.0
#include "model/aging_engine.hpp"

#include <algorithm>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "model/core_clock.hpp"
#include "model/csr_block.hpp"

namespace flowsim::model {
namespace {

using hw::desc::FoeEntry;
using Ib1 = FoeEntry::Ib1;

}  // namespace

AgingEngine::AgingEngine(sc_core::sc_module_name name, Calendar& calendar, FlowTable& table, CsrBlock& csr,
                         InterruptSink& irq)
    : sc_core::sc_module(name),
      calendar_(calendar),
      table_(table),
      csr_(csr),
      irq_(irq),
      scan_event_("scan_event") {
  SC_METHOD(scan);
  sensitive << scan_event_;
  dont_initialize();
}

bool AgingEngine::enabled() const { return hw::reg::TbCfg::kAgeEn.get(csr_.value(hw::reg::TbCfg::offset())) != 0; }

void AgingEngine::reset() {
  scan_event_.cancel();
  scheduled_s_.reset();
}

std::optional<std::uint64_t> AgingEngine::expiry(unsigned index, std::uint64_t now_s) const {
  using namespace hw::reg;
  const EntryImage e = table_.entry(index);
  const std::uint32_t ib1 = e[Ib1::kWord];
  const std::uint32_t state = Ib1::kState.get(ib1);
  if (state == Ib1::kStateInvalid || Ib1::kStatic.get(ib1)) return std::nullopt;
  std::uint32_t delta = 0;
  std::uint32_t since = 0;  // 16-bit TIMESTAMP second the delta counts from
  if (state == Ib1::kStateUnbind) {
    const std::uint32_t age = csr_.value(UnbindAge::offset());
    const std::uint32_t unbind = e[FoeEntry::Unbind::kWord];
    // Packets only grow, so an entry that has reached MIN_PACKETS is kept for good.
    if (FoeEntry::Unbind::kPackets.get(unbind) >= UnbindAge::kMinPackets.get(age)) return std::nullopt;
    delta = UnbindAge::kDelta.get(age);
    since = FoeEntry::Unbind::kFirstSeen.get(unbind);
  } else {
    if (state == Ib1::kStateFin) {
      delta = BindAge1::kDeltaTcpFin.get(csr_.value(BindAge1::offset()));
    } else if (Ib1::kUdp.get(ib1)) {
      delta = BindAge0::kDeltaUdp.get(csr_.value(BindAge0::offset()));
    } else {
      delta = BindAge1::kDeltaTcp.get(csr_.value(BindAge1::offset()));
    }
    since = Ib1::kTimestamp.get(ib1);
  }
  if (delta == 0) return std::nullopt;
  // Idle time as the hardware sees it: 16-bit stamps, modulo 2^16.
  const std::uint64_t elapsed = (static_cast<std::uint32_t>(now_s) - since) & 0xffff;
  // Aged when elapsed > delta, i.e. at the second (stamp + delta + 1).
  const std::uint64_t stamp_s = now_s >= elapsed ? now_s - elapsed : 0;
  return stamp_s + delta + 1;
}

void AgingEngine::schedule(std::uint64_t at_s) {
  if (scheduled_s_ && *scheduled_s_ <= at_s) return;
  scheduled_s_ = at_s;
  // Never before the model's present (which may be ahead of the SystemC clock in a drain).
  const std::uint64_t at = std::max(at_s * kPsPerSecond, calendar_.now_ps());
  const std::uint64_t now = sc_core::sc_time_stamp().value();
  // An earlier notification replaces a later pending one (IEEE 1666 §5.10.8).
  scan_event_.notify(sc_core::sc_time::from_value(at > now ? at - now : 0));
  calendar_.sync_point(at);
}

void AgingEngine::on_entry_live(unsigned index) {
  if (!enabled()) return;
  if (const auto at = expiry(index, timestamp_seconds(calendar_.now_ps()))) schedule(*at);
}

void AgingEngine::on_config_written() {
  reset();
  if (!enabled() || table_.used() == 0) return;
  // Rare (a driver writes these at start-up): one pass over the table is cheap enough.
  const std::uint64_t now_s = timestamp_seconds(calendar_.now_ps());
  std::optional<std::uint64_t> next;
  for (unsigned i = 0; i < table_.entries(); ++i) {
    if (const auto at = expiry(i, now_s)) next = next ? std::min(*next, *at) : *at;
  }
  if (next) schedule(*next);
}

void AgingEngine::scan() {
  scheduled_s_.reset();
  if (!enabled()) return;
  const std::uint64_t now_s = timestamp_seconds(calendar_.now_ps());
  std::uint32_t aged = 0;
  std::optional<std::uint64_t> next;
  for (unsigned i = 0; i < table_.entries() && table_.used() > 0; ++i) {
    const auto at = expiry(i, now_s);
    if (!at) continue;
    if (*at <= now_s) {
      table_.age_out(i);
      ++aged;
    } else {
      next = next ? std::min(*next, *at) : *at;
    }
  }
  if (aged > 0) {
    const std::uint32_t total = csr_.value(hw::reg::AgedEntries::offset());
    csr_.hw_set(hw::reg::AgedEntries::offset(), total > 0xffffffffu - aged ? 0xffffffffu : total + aged);
    irq_.raise_irq(hw::reg::IrqStatus::kAged.mask());
  }
  // Entries hit since the last plan expire later than planned; only the earliest counts.
  if (next) schedule(*next);
}

}  // namespace flowsim::model
