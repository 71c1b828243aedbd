// SPDX-License-Identifier: Apache-2.0
#include "model/flow_table.hpp"

#include <algorithm>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "model/csr_block.hpp"

namespace flowsim::model {
namespace {

using hw::desc::FoeEntry;
using Ib1 = FoeEntry::Ib1;
using Match = FoeEntry::Match;

bool ipv4_type(std::uint32_t type) { return type == Ib1::kTypeIpv4Hnapt || type == Ib1::kTypeIpv4Route; }

}  // namespace

FlowTable::FlowTable(CsrBlock& csr, unsigned entries, unsigned ways)
    : csr_(csr), ways_(ways), buckets_(entries / ways), table_(entries), mib_(entries) {}

void FlowTable::clear() {
  std::fill(table_.begin(), table_.end(), EntryImage{});
  std::fill(mib_.begin(), mib_.end(), Mib{});
  used_ = 0;
  last_ctrl_ = 0;
  publish_used();
}

std::uint32_t FlowTable::state(unsigned index) const { return Ib1::kState.get(table_[index][Ib1::kWord]); }

void FlowTable::set_state(unsigned index, std::uint32_t state) {
  std::uint32_t& ib1 = table_[index][Ib1::kWord];
  const std::uint32_t old_state = Ib1::kState.get(ib1);
  const bool was_live = old_state != Ib1::kStateInvalid;
  ib1 = Ib1::kState.set(ib1, state);
  const bool live = state != Ib1::kStateInvalid;
  if (was_live != live) {
    used_ += live ? 1 : -1;
    publish_used();
  }
  // A new state may age sooner (BIND -> FIN has the shortest delta).
  if (live && state != old_state && watcher_ != nullptr) watcher_->on_entry_live(index);
}

void FlowTable::publish_used() { csr_.hw_set(hw::reg::TbUsed::offset(), used_); }

bool FlowTable::identity_matches(const EntryImage& e, const FlowKey& key) const {
  const std::uint32_t ib1 = e[Ib1::kWord];
  if ((Ib1::kUdp.get(ib1) != 0) != key.udp) return false;
  const std::uint32_t type = Ib1::kType.get(ib1);
  // The packet cannot tell HNAPT from ROUTE: both are IPv4 entries keyed on the same words.
  // IPv6 3-tuple entries are reserved in this revision and never match.
  if (key.ipv6 ? type != Ib1::kTypeIpv6Route5T : !ipv4_type(type)) return false;
  return std::equal(key.words.begin(), key.words.begin() + key.key_words(), e.begin() + 1);
}

bool FlowTable::match_fits(const EntryImage& e, const FlowKey& key) {
  const std::uint32_t m = e[Match::kWord];
  if (Match::kInPortValid.get(m) && Match::kInPort.get(m) != key.port) return false;
  // The encapsulation is part of the flow (nf_flow_table keys on it): an entry without
  // IN_VLAN_VALID matches only untagged packets, one without IN_PPPOE_VALID only non-PPPoE.
  if (Match::kInVlanValid.get(m)) {
    if (key.vlan_count != 1 || key.vid != Match::kInVlan.get(m)) return false;
  } else if (key.vlan_count != 0) {
    return false;
  }
  if (Match::kInPppoeValid.get(m)) {
    if (!key.pppoe || key.pppoe_sid != FoeEntry::InPppoe::kInPppoeSid.get(e[FoeEntry::InPppoe::kWord])) return false;
  } else if (key.pppoe) {
    return false;
  }
  return true;
}

FlowTable::Probe FlowTable::lookup(unsigned bucket, const FlowKey& key) const {
  Probe p;
  const unsigned first = bucket * ways_;
  for (unsigned i = first; i < first + ways_; ++i) {
    const EntryImage& e = table_[i];
    if (Ib1::kState.get(e[Ib1::kWord]) == Ib1::kStateInvalid) {
      if (p.free_slot < 0) p.free_slot = static_cast<int>(i);
      continue;
    }
    if (identity_matches(e, key) && match_fits(e, key)) {
      p.hit = static_cast<int>(i);
      break;
    }
  }
  return p;
}

void FlowTable::touch(unsigned index, std::uint32_t now_s) {
  std::uint32_t& ib1 = table_[index][Ib1::kWord];
  ib1 = Ib1::kTimestamp.set(ib1, now_s);
}

void FlowTable::count(unsigned index, std::uint32_t bytes) {
  if (!hw::reg::MibCfg::kEn.get(csr_.value(hw::reg::MibCfg::offset())) ||
      !hw::reg::TbCfg::kMibEn.get(csr_.value(hw::reg::TbCfg::offset())) ||
      !Ib1::kMibEn.get(table_[index][Ib1::kWord])) {
    return;
  }
  ++mib_[index].packets;
  mib_[index].bytes += bytes;
}

bool FlowTable::learn(unsigned index, const FlowKey& key, std::uint32_t now_s) {
  if (key.vlan_count > 1) return false;  // MATCH holds one VID
  EntryImage& e = table_[index];
  e = EntryImage{};
  std::copy(key.words.begin(), key.words.begin() + key.key_words(), e.begin() + 1);
  // IPv4 flows are learnt as HNAPT (MediaTek's FLOW_CFG IP4_NAPT); the driver may bind the
  // index as IPV4_ROUTE, which matches the same packets.
  e[Ib1::kWord] = Ib1::kUdp.make(key.udp) |
                  Ib1::kType.make(key.ipv6 ? Ib1::kTypeIpv6Route5T : Ib1::kTypeIpv4Hnapt) |
                  Ib1::kTimestamp.make(now_s);
  std::uint32_t match = Match::kInPort.make(key.port) | Match::kInPortValid.make(1);
  if (key.vlan_count == 1) match |= Match::kInVlan.make(key.vid) | Match::kInVlanValid.make(1);
  if (key.pppoe) {
    match |= Match::kInPppoeValid.make(1);
    e[FoeEntry::InPppoe::kWord] = FoeEntry::InPppoe::kInPppoeSid.make(key.pppoe_sid);
  }
  e[Match::kWord] = match;
  e[FoeEntry::Unbind::kWord] = FoeEntry::Unbind::kPackets.make(1) | FoeEntry::Unbind::kFirstSeen.make(now_s);
  mib_[index] = Mib{};
  set_state(index, Ib1::kStateUnbind);
  return true;
}

std::uint32_t FlowTable::count_unbind(unsigned index) {
  using Unbind = FoeEntry::Unbind;
  std::uint32_t& w = table_[index][Unbind::kWord];
  const std::uint32_t n = std::min<std::uint32_t>(Unbind::kPackets.get(w) + 1, 0xffff);
  w = Unbind::kPackets.set(w, n);
  return n;
}

void FlowTable::on_entry_ctrl_written(std::uint32_t now_s) {
  using hw::reg::EntryCtrl;
  using hw::reg::EntryData;
  const std::uint32_t v = csr_.value(EntryCtrl::offset());
  if (!EntryCtrl::kReq.get(v)) {
    // A write without REQ starts nothing and leaves the register as the last operation did.
    csr_.hw_set(EntryCtrl::offset(), last_ctrl_);
    return;
  }
  const std::uint32_t op = EntryCtrl::kOp.get(v);
  const std::uint32_t index = EntryCtrl::kIndex.get(v);
  const bool err = index >= entries() || op == 0;
  if (!err) {
    if (op == EntryCtrl::kOpRead) {
      for (unsigned w = 0; w < EntryData::kCount; ++w) csr_.hw_set(EntryData::offset(w), table_[index][w]);
    } else if (op == EntryCtrl::kOpWrite) {
      // The whole image is taken at once: a lookup sees the old entry or the new one.
      EntryImage image;
      for (unsigned w = 0; w < EntryData::kCount; ++w) image[w] = csr_.value(EntryData::offset(w));
      const std::uint32_t new_state = Ib1::kState.get(image[Ib1::kWord]);
      // Aging measures idle time from IB1.TIMESTAMP; an entry written with 0 is stamped now
      // so that it does not look idle since second 0.
      if (new_state != Ib1::kStateInvalid && Ib1::kTimestamp.get(image[Ib1::kWord]) == 0) {
        image[Ib1::kWord] = Ib1::kTimestamp.set(image[Ib1::kWord], now_s);
      }
      // Keep the state change (and the used count) going through set_state.
      image[Ib1::kWord] = Ib1::kState.set(image[Ib1::kWord], state(index));
      table_[index] = image;
      mib_[index] = Mib{};
      const bool changed = state(index) != new_state;
      set_state(index, new_state);
      // Rewritten in place: the stamp may differ from what the scanner planned with.
      if (!changed && new_state != Ib1::kStateInvalid && watcher_ != nullptr) watcher_->on_entry_live(index);
    } else {
      set_state(index, Ib1::kStateInvalid);
    }
  }
  last_ctrl_ = EntryCtrl::kIndex.make(index) | EntryCtrl::kOp.make(op) | EntryCtrl::kAck.make(1) |
               EntryCtrl::kErr.make(err);
  csr_.hw_set(EntryCtrl::offset(), last_ctrl_);
}

void FlowTable::on_mib_ser_written() {
  using namespace hw::reg;
  const std::uint32_t v = csr_.value(MibSerCr::offset());
  if (!MibSerCr::kSt.get(v)) return;
  const std::uint32_t index = MibSerCr::kIndex.get(v);
  Mib m;
  if (index < entries()) {
    m = mib_[index];
    if (MibCfg::kRdClr.get(csr_.value(MibCfg::offset()))) mib_[index] = Mib{};
  }
  csr_.hw_set(MibSerR0::offset(), static_cast<std::uint32_t>(m.bytes));
  csr_.hw_set(MibSerR1::offset(), static_cast<std::uint32_t>(m.bytes >> 32));
  csr_.hw_set(MibSerR2::offset(), static_cast<std::uint32_t>(m.packets));
  csr_.hw_set(MibSerR3::offset(), static_cast<std::uint32_t>(m.packets >> 32));
  csr_.hw_set(MibSerCr::offset(), MibSerCr::kSt.set(v, 0));
}

}  // namespace flowsim::model
