// SPDX-License-Identifier: Apache-2.0
#include "driver/flow_offloader.hpp"

#include <algorithm>
#include <array>

#include "driver/flow_entry_encoder.hpp"
#include "hw/flowsim_hw.hpp"  // Generated.

namespace flowsim::driver {
namespace {

using net::FlowDirection;
using net::OffloadRefusal;
using hw::desc::FoeEntry;
using State = DirectionRecord::State;

constexpr std::array<FlowDirection, 2> kDirs = {FlowDirection::kOriginal, FlowDirection::kReply};
constexpr auto kNever = std::chrono::nanoseconds::min();

std::size_t di(FlowDirection d) { return static_cast<std::size_t>(d); }

// Ethernet header plus the tags the entry pops: MIB counts frames as received, the kernel
// counts L3 bytes after the pop (nf_ct_acct_update with skb->len).
std::uint32_t ingress_l2_bytes(const net::OffloadDirection& d) {
  return 14 + (d.ingress_vlan ? 4 : 0) + (d.ingress_pppoe_session ? 8 : 0);
}

// Every word an entry's identity may need, for either family: what the learn path reads.
constexpr std::array<unsigned, 12> kLearnWords = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, FoeEntry::Match::kWord,
                                                  FoeEntry::InPppoe::kWord};

}  // namespace

FlowOffloader::FlowOffloader(OffloadDriver& driver)
    : driver_(driver),
      hal_(driver.hal()),
      counters_(driver.offload_counters()),
      window_(driver.hal(), driver.config().entry_timeout, driver.config().poll_interval),
      mib_(driver.hal(), driver.config().entry_timeout, driver.config().poll_interval) {
  driver_.set_rx_hook([this](const RxPacket& p) { inspect_punt(p); });
  driver_.add_recovery_handler([this] { reinstall(); });
}

FlowOffloader::~FlowOffloader() { driver_.set_rx_hook({}); }

bool FlowOffloader::sync() {
  if (generation_ != driver_.generation()) {
    generation_ = driver_.generation();
    shadow_.reset(driver_.flow_table());
    check_time_.assign(learn_mode() ? driver_.flow_table().entries : 0, kNever);
  }
  return driver_.is_up();
}

OffloadRefusal FlowOffloader::refuse(OffloadRefusal r) {
  ++counters_.refused[static_cast<std::size_t>(r)];
  return r;
}

void FlowOffloader::count_fault(DeviceFault f, const char* what, unsigned index) {
  ++counters_.device_errors;
  switch (f) {
    case DeviceFault::kAckTimeout: ++counters_.ack_timeouts; break;
    case DeviceFault::kErr: ++counters_.err_bits; break;
    case DeviceFault::kAllOnes: ++counters_.all_ones_reads; break;
    case DeviceFault::kVerifyMismatch: ++counters_.verify_mismatches; break;
    case DeviceFault::kNone: break;
  }
  last_error_ = std::string(what) + " of entry " + std::to_string(index) + ": " + std::string(to_string(f));
  // A device that no longer answers its entry window cannot be trusted with flows: reset it.
  if (f == DeviceFault::kAckTimeout) driver_.request_reset(ResetCause::kEntryAckTimeout);
  if (f == DeviceFault::kAllOnes) driver_.request_reset(ResetCause::kDeviceGone);
}

void FlowOffloader::note_fin(unsigned index) {
  if (generation_ != driver_.generation() || index >= shadow_.geometry().entries) return;
  const ShadowTable::Slot& slot = shadow_.slot(index);
  if (slot.state != ShadowTable::SlotState::kBound) return;
  shadow_.find(slot.cookie)->dir[di(slot.dir)].fin_seen = true;
}

void FlowOffloader::reinstall() {
  struct Owned {
    std::uint64_t cookie;
    FlowRecord record;
  };
  std::vector<Owned> owned;
  for (const std::uint64_t cookie : shadow_.cookies()) owned.push_back({cookie, *shadow_.find(cookie)});
  generation_ = driver_.generation();
  shadow_.reset(driver_.flow_table());
  check_time_.assign(learn_mode() ? driver_.flow_table().entries : 0, kNever);
  if (shadow_.geometry().entries == 0) return;
  for (const Owned& o : owned) {
    FlowRecord& rec = shadow_.add(o.cookie);
    bool any = false;
    for (const FlowDirection d : kDirs) {
      const DirectionRecord& was = o.record.dir[di(d)];
      DirectionRecord& r = rec.dir[di(d)];
      r.entry = was.entry;
      r.bucket = was.bucket;
      r.ingress_port = was.ingress_port;
      r.l2_bytes = was.l2_bytes;
      // A FIN entry only punted the flow's packets: without it the hardware does the same.
      if (was.state == State::kAbsent || was.fin_seen) continue;
      if (learn_mode()) {
        shadow_.park(o.cookie, d);
        any = true;
      } else if (install(o.cookie, d) == OffloadRefusal::kNone) {
        any = true;
      }
      // A re-installed entry starts its counters at zero; when it was last used stays.
      r.last_used = was.last_used;
    }
    const bool closing = o.record.dir[0].fin_seen || o.record.dir[1].fin_seen;
    if (any) {
      ++counters_.flows_reinstalled;
    } else {
      // Not in hardware any more: the engine's next STATS finds it gone (and offers it again
      // unless it is closing).
      shadow_.remove(o.cookie);
      if (!closing) ++counters_.reinstall_failed;
    }
  }
}

unsigned FlowOffloader::bucket_of(const net::OffloadDirection& d) const {
  const FlowTableGeometry& g = driver_.flow_table();
  if (g.entries == 0) return 0;
  return g.bucket_of(net::foe_hash(flow_hash_words(d, driver_.config().hash_seed)));
}

std::optional<unsigned> FlowOffloader::entry_index(std::uint64_t cookie, FlowDirection dir) const {
  const FlowRecord* f = shadow_.find(cookie);
  if (f == nullptr || f->dir[di(dir)].state != State::kBound) return std::nullopt;
  return f->dir[di(dir)].index;
}

// ---- replace ---------------------------------------------------------------------------------

OffloadRefusal FlowOffloader::replace(const net::OffloadFlow& flow) {
  ++counters_.replace_calls;
  if (!sync()) return refuse(OffloadRefusal::kDeviceError);
  const FlowTableGeometry& g = shadow_.geometry();
  if (g.entries == 0) return refuse(OffloadRefusal::kUnsupported);

  const EncodeOptions options{driver_.num_ports(), driver_.config().mib, g.ipv6_nat};
  std::array<FlowEntry, 2> entries;
  for (const FlowDirection d : kDirs) {
    auto e = encode_flow_entry(flow.dir[di(d)], options);
    if (!e) return refuse(OffloadRefusal::kUnsupported);
    entries[di(d)] = *e;
  }

  if (shadow_.find(flow.cookie) != nullptr) remove_flow(flow.cookie);
  FlowRecord& rec = shadow_.add(flow.cookie);
  for (const FlowDirection d : kDirs) {
    const net::OffloadDirection& od = flow.dir[di(d)];
    DirectionRecord& r = rec.dir[di(d)];
    r.entry = entries[di(d)];
    r.bucket = bucket_of(od);
    r.ingress_port = od.ingress_port;
    r.l2_bytes = ingress_l2_bytes(od);
    r.last_used = hal_.now();
  }

  if (learn_mode()) {
    for (const FlowDirection d : kDirs) {
      shadow_.park(flow.cookie, d);
      ++counters_.learn_parked;
    }
    return OffloadRefusal::kNone;
  }

  std::array<OffloadRefusal, 2> result{};
  for (const FlowDirection d : kDirs) {
    result[di(d)] = install(flow.cookie, d);
    if (result[di(d)] == OffloadRefusal::kDeviceError) {
      remove_flow(flow.cookie);  // invalidates the other direction if it was written
      ++counters_.direction_refused[static_cast<std::size_t>(OffloadRefusal::kDeviceError)];
      return refuse(OffloadRefusal::kDeviceError);
    }
  }
  for (const FlowDirection d : kDirs) {
    if (result[di(d)] != OffloadRefusal::kNone) ++counters_.direction_refused[static_cast<std::size_t>(result[di(d)])];
  }
  if (result[0] != OffloadRefusal::kNone && result[1] != OffloadRefusal::kNone) {
    shadow_.remove(flow.cookie);
    return refuse(result[0]);
  }
  if (result[0] != OffloadRefusal::kNone || result[1] != OffloadRefusal::kNone) ++counters_.partial_offloads;
  ++counters_.flows_offloaded;
  return OffloadRefusal::kNone;
}

OffloadRefusal FlowOffloader::install(std::uint64_t cookie, FlowDirection dir) {
  const FlowTableGeometry& g = shadow_.geometry();
  DirectionRecord& r = shadow_.find(cookie)->dir[di(dir)];
  if (shadow_.used() >= g.entries) {
    // The shadow counts entries the hardware may have aged since; TB_USED knows.
    const std::uint32_t used = hal_.read32(hw::reg::TbUsed::offset());
    if (used == 0xffffffffu) {
      count_fault(DeviceFault::kAllOnes, "TB_USED read", 0);
      return OffloadRefusal::kDeviceError;
    }
    if (used >= g.entries) return OffloadRefusal::kTableFull;
  }
  std::optional<unsigned> index = shadow_.free_index(r.bucket);
  if (!index) index = reclaim_way(r.bucket);
  if (!index) return OffloadRefusal::kBucketFull;
  FlowEntry back;
  const DeviceFault f = write_verified(*index, r.entry, back);
  if (f != DeviceFault::kNone) {
    release_failed(*index);
    return OffloadRefusal::kDeviceError;
  }
  shadow_.bind(cookie, dir, *index);
  start_accounting(r, back);
  return OffloadRefusal::kNone;
}

// A full bucket may hold entries the hardware has aged (or moved to FIN) since the shadow
// table saw them: read them back before refusing, and take back the first that is no longer
// ours; stale ways get their invalidate retried.
std::optional<unsigned> FlowOffloader::reclaim_way(unsigned bucket) {
  const FlowTableGeometry& g = shadow_.geometry();
  for (unsigned way = 0; way < g.ways; ++way) {
    const unsigned index = g.index(bucket, way);
    const ShadowTable::Slot slot = shadow_.slot(index);
    if (slot.state == ShadowTable::SlotState::kStale) {
      const DeviceFault f = window_.invalidate(index);
      if (f != DeviceFault::kNone) {
        count_fault(f, "ENTRY_CTRL invalidate", index);
        continue;
      }
      ++counters_.entries_deleted;
      shadow_.free(index);
      return index;
    }
    if (slot.state != ShadowTable::SlotState::kBound) continue;
    const DirectionRecord& r = shadow_.find(slot.cookie)->dir[di(slot.dir)];
    FlowEntry seen;
    const DeviceFault f = window_.read(index, identity_words(r.entry), seen);
    if (f != DeviceFault::kNone) {
      count_fault(f, "ENTRY_CTRL read", index);
      continue;
    }
    if (entry_state(seen) == FoeEntry::Ib1::kStateBind && same_identity(r.entry, seen)) continue;
    reclaim(slot.cookie, slot.dir, seen);
    if (shadow_.slot(index).state == ShadowTable::SlotState::kFree) return index;
  }
  return std::nullopt;
}

DeviceFault FlowOffloader::write_verified(unsigned index, const FlowEntry& entry, FlowEntry& back) {
  DeviceFault f = window_.write(index, entry);
  if (f != DeviceFault::kNone) {
    count_fault(f, "ENTRY_CTRL write", index);
    return f;
  }
  ++counters_.entries_written;
  f = window_.read_all(index, back);
  if (f == DeviceFault::kNone && !same_written_image(entry, back)) f = DeviceFault::kVerifyMismatch;
  if (f != DeviceFault::kNone) {
    count_fault(f, "ENTRY_CTRL verify", index);
    return f;
  }
  ++counters_.entries_verified;
  return DeviceFault::kNone;
}

// After a failed write or verify the entry's content is unknown: invalidate it, and if even
// that fails keep the way out of use (stale) until an invalidate succeeds.
void FlowOffloader::release_failed(unsigned index) {
  const DeviceFault f = window_.invalidate(index);
  if (f == DeviceFault::kNone) {
    ++counters_.entries_deleted;
    if (shadow_.slot(index).state == ShadowTable::SlotState::kStale) shadow_.free(index);
    return;
  }
  count_fault(f, "ENTRY_CTRL invalidate", index);
  if (shadow_.slot(index).state == ShadowTable::SlotState::kFree) shadow_.mark_stale(index);
}

// The hardware no longer holds (cookie, dir) as a BIND entry: aged (INVALID), learnt anew by
// the hardware (UNBIND), overwritten, or FIN. A FIN entry of ours still punts its flow's
// packets, so it is invalidated; the others are simply taken back.
void FlowOffloader::reclaim(std::uint64_t cookie, FlowDirection dir, const FlowEntry& seen) {
  DirectionRecord& r = shadow_.find(cookie)->dir[di(dir)];
  const unsigned index = r.index;
  ShadowTable::SlotState leave = ShadowTable::SlotState::kFree;
  if (entry_state(seen) == FoeEntry::Ib1::kStateFin && same_identity(r.entry, seen)) {
    const DeviceFault f = window_.invalidate(index);
    if (f == DeviceFault::kNone) {
      ++counters_.entries_deleted;
    } else {
      count_fault(f, "ENTRY_CTRL invalidate", index);
      leave = ShadowTable::SlotState::kStale;
    }
  }
  shadow_.unbind(cookie, dir, leave);
  ++counters_.entries_reclaimed;
  // MediaTek keeps the flow on its bucket's list until the hardware learns it again.
  if (learn_mode()) shadow_.park(cookie, dir);
}

// A freshly written entry: OP=WRITE cleared its counters, and the device stamped IB1 with the
// write's second, which stands for "now" until a hit moves it.
void FlowOffloader::start_accounting(DirectionRecord& r, const FlowEntry& written) {
  r.fin_seen = false;
  r.mib_packets = 0;
  r.mib_bytes = 0;
  r.last_used = hal_.now();
  r.hw_timestamp = FoeEntry::Ib1::kTimestamp.get(written.words[FoeEntry::Ib1::kWord]);
}

// ---- destroy ---------------------------------------------------------------------------------

void FlowOffloader::destroy(std::uint64_t cookie) {
  ++counters_.destroy_calls;
  sync();
  remove_flow(cookie);
}

void FlowOffloader::remove_flow(std::uint64_t cookie) {
  FlowRecord* f = shadow_.find(cookie);
  if (f == nullptr) return;
  for (const FlowDirection d : kDirs) {
    const DirectionRecord& r = f->dir[di(d)];
    if (r.state != State::kBound) continue;
    const DeviceFault fault = window_.invalidate(r.index);
    if (fault == DeviceFault::kNone) {
      ++counters_.entries_deleted;
      shadow_.unbind(cookie, d);
    } else {
      count_fault(fault, "ENTRY_CTRL invalidate", r.index);
      shadow_.unbind(cookie, d, ShadowTable::SlotState::kStale);
    }
  }
  shadow_.remove(cookie);
}

// ---- stats -----------------------------------------------------------------------------------

std::optional<net::OffloadStats> FlowOffloader::stats(std::uint64_t cookie, FlowDirection dir) {
  ++counters_.stats_calls;
  if (!sync()) return std::nullopt;
  FlowRecord* f = shadow_.find(cookie);
  if (f == nullptr) return std::nullopt;
  DirectionRecord& r = f->dir[di(dir)];
  if (r.state != State::kBound) return std::nullopt;
  const net::OffloadStats unchanged{0, 0, r.last_used};

  FlowEntry seen;
  DeviceFault fault = window_.read(r.index, identity_words(r.entry), seen);
  if (fault != DeviceFault::kNone) {
    count_fault(fault, "ENTRY_CTRL read", r.index);
    return unchanged;
  }
  if (entry_state(seen) != FoeEntry::Ib1::kStateBind || !same_identity(r.entry, seen)) {
    reclaim(cookie, dir, seen);
    return std::nullopt;
  }

  // mtk_flow_offload_stats: idle = FE timestamp - IB1 timestamp (16 bits, wraps), in
  // seconds; last used = now - idle. Only when IB1.TIMESTAMP moved since it was last seen:
  // otherwise nothing hit the entry and the previous answer stands (the estimate would drift
  // within the second). Never earlier than the previous answer.
  const std::uint32_t hit_s = FoeEntry::Ib1::kTimestamp.get(seen.words[FoeEntry::Ib1::kWord]);
  if (hit_s != r.hw_timestamp) {
    const std::uint32_t ts = hal_.read32(hw::reg::Timestamp::offset());
    if (ts == 0xffffffffu) {
      count_fault(DeviceFault::kAllOnes, "TIMESTAMP read", r.index);
      return unchanged;
    }
    const std::uint32_t idle_s = (ts - hit_s) & FoeEntry::Ib1::kTimestamp.mask();
    const std::chrono::nanoseconds now = hal_.now();
    const std::chrono::nanoseconds idle = std::chrono::seconds(idle_s);
    const std::chrono::nanoseconds estimate = now > idle ? now - idle : std::chrono::nanoseconds(0);
    r.last_used = std::max(r.last_used, estimate);
    r.hw_timestamp = hit_s;
  }

  net::OffloadStats out{0, 0, r.last_used};
  if (driver_.config().mib) {
    MibCounters c;
    fault = mib_.read(r.index, c);
    if (fault != DeviceFault::kNone) {
      count_fault(fault, "MIB_SER_CR read", r.index);
      return out;
    }
    MibCounters delta = c;
    if (!driver_.config().mib_read_clear) {
      // Free-running counters: the difference to the last read, unless they went backwards
      // (the entry was rewritten, which clears them).
      if (c.packets >= r.mib_packets && c.bytes >= r.mib_bytes) {
        delta = {c.packets - r.mib_packets, c.bytes - r.mib_bytes};
      }
      r.mib_packets = c.packets;
      r.mib_bytes = c.bytes;
    }
    const std::uint64_t l2 = delta.packets * r.l2_bytes;
    out.packets = delta.packets;
    out.bytes = delta.bytes > l2 ? delta.bytes - l2 : 0;
  }
  return out;
}

// ---- learn mode ------------------------------------------------------------------------------

void FlowOffloader::inspect_punt(const RxPacket& pkt) {
  if (pkt.reason == hw::PuntReason::kHitBindTcpFin) {
    note_fin(pkt.foe_index);
    return;
  }
  if (pkt.reason != hw::PuntReason::kHitUnbindRateReached || !learn_mode()) return;
  if (!sync()) return;
  const FlowTableGeometry& g = shadow_.geometry();
  if (g.entries == 0 || pkt.foe_index == hw::desc::RxDesc::Info::kFoeIndexNone) return;
  ++counters_.learn_checks;
  const unsigned index = pkt.foe_index;
  if (index >= g.entries) {  // the descriptor is not trusted
    ++counters_.bad_foe_index;
    return;
  }
  // mtk_ppe_check_skb: every further hit punts again; look at one index once per interval.
  const std::chrono::nanoseconds now = hal_.now();
  if (check_time_[index] != kNever && now - check_time_[index] < driver_.config().learn_check_interval) {
    ++counters_.learn_throttled;
    return;
  }
  check_time_[index] = now;

  const unsigned bucket = g.bucket_of_index(index);
  FlowEntry seen;
  const DeviceFault f = window_.read(index, kLearnWords, seen);
  if (f != DeviceFault::kNone) {
    count_fault(f, "ENTRY_CTRL read", index);
    return;
  }
  if (entry_state(seen) != FoeEntry::Ib1::kStateUnbind) return;  // already bound, or gone
  // The hardware learnt a flow in a way the shadow table thinks is bound: that flow's entry
  // aged out and was reused. Take it back (it goes back to its bucket's list).
  const ShadowTable::Slot slot = shadow_.slot(index);
  if (slot.state == ShadowTable::SlotState::kBound) reclaim(slot.cookie, slot.dir, seen);
  if (slot.state == ShadowTable::SlotState::kStale) shadow_.free(index);

  const std::vector<ShadowTable::FlowKey> candidates = shadow_.parked(bucket);  // bind() edits the list
  for (const ShadowTable::FlowKey& k : candidates) {
    FlowRecord* rec = shadow_.find(k.cookie);
    DirectionRecord& r = rec->dir[di(k.dir)];
    if (r.ingress_port != pkt.src_port || !learned_matches(r.entry, seen)) continue;
    FlowEntry back;
    if (write_verified(index, r.entry, back) != DeviceFault::kNone) {
      // Leave the hardware's UNBIND entry as it was found, as far as possible; the next punt
      // of this index (after the interval) tries again.
      release_failed(index);
      return;
    }
    const FlowDirection other = k.dir == FlowDirection::kOriginal ? FlowDirection::kReply : FlowDirection::kOriginal;
    if (rec->dir[di(other)].state != State::kBound) ++counters_.flows_offloaded;
    shadow_.bind(k.cookie, k.dir, index);
    start_accounting(r, back);
    ++counters_.learn_binds;
    return;
  }
  ++counters_.learn_no_match;
}

}  // namespace flowsim::driver
