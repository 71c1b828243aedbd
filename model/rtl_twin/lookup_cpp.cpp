// SPDX-License-Identifier: Apache-2.0
#include "model/rtl_twin/lookup_cpp.hpp"

#include <algorithm>
#include <stdexcept>

namespace flowsim::model {
namespace {

using hw::desc::FoeEntry;
using Ib1 = FoeEntry::Ib1;
using Match = FoeEntry::Match;
using Unbind = FoeEntry::Unbind;

constexpr std::uint32_t kNoIndex = hw::desc::RxDesc::Info::kFoeIndexNone;

bool valid(const EntryImage& e) { return Ib1::kState.get(e[Ib1::kWord]) != Ib1::kStateInvalid; }

// IB1.UDP, the address family of IB1.TYPE and the key words. The packet cannot tell HNAPT from
// ROUTE: both are IPv4 entries keyed on the same words. IPv6 3-tuple entries are reserved in
// this revision and never match.
bool identity_matches(const EntryImage& e, const FlowKey& key) {
  const std::uint32_t ib1 = e[Ib1::kWord];
  if ((Ib1::kUdp.get(ib1) != 0) != key.udp) return false;
  const std::uint32_t type = Ib1::kType.get(ib1);
  const bool ipv4_type = type == Ib1::kTypeIpv4Hnapt || type == Ib1::kTypeIpv4Route;
  if (key.ipv6 ? type != Ib1::kTypeIpv6Route5T : !ipv4_type) return false;
  return std::equal(key.words.begin(), key.words.begin() + key.key_words(), e.begin() + 1);
}

// MATCH: a tuple that matches but whose ingress conditions do not fit the packet is a miss
// (hardware.md §4.6). The encapsulation is part of the flow (nf_flow_table keys on it): an
// entry without IN_VLAN_VALID matches only untagged packets, one without IN_PPPOE_VALID only
// non-PPPoE ones.
bool match_fits(const EntryImage& e, const FlowKey& key) {
  const std::uint32_t m = e[Match::kWord];
  if (Match::kInPortValid.get(m) && Match::kInPort.get(m) != key.port) return false;
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

LookupResult punt(hw::PuntReason reason, std::uint32_t index = kNoIndex) {
  LookupResult r;
  r.reason = reason;
  r.index = index;
  return r;
}

}  // namespace

LookupCpp::LookupCpp(unsigned entries, unsigned ways)
    : LookupEngine(entries, ways), buckets_(entries / ways), table_(entries) {}

void LookupCpp::clear() {
  std::fill(table_.begin(), table_.end(), EntryImage{});
  used_ = 0;
}

void LookupCpp::write(unsigned index, const EntryImage& image, std::uint16_t now_s) {
  EntryImage& e = table_[index];
  const bool was_valid = valid(e);
  e = image;
  // Aging measures idle time from IB1.TIMESTAMP; an entry written with 0 is stamped now so
  // that it does not look idle since second 0.
  if (valid(e) && Ib1::kTimestamp.get(e[Ib1::kWord]) == 0) e[Ib1::kWord] = Ib1::kTimestamp.set(e[Ib1::kWord], now_s);
  used_ += static_cast<unsigned>(valid(e)) - static_cast<unsigned>(was_valid);
}

void LookupCpp::invalidate(unsigned index) {
  std::uint32_t& ib1 = table_[index][Ib1::kWord];
  if (Ib1::kState.get(ib1) != Ib1::kStateInvalid) --used_;
  ib1 = Ib1::kState.set(ib1, Ib1::kStateInvalid);
}

void LookupCpp::lookup(const LookupConfig& config, std::span<const LookupRequest> in, std::span<LookupResult> out) {
  if (out.size() != in.size()) throw std::invalid_argument("LookupCpp::lookup: out.size() != in.size()");
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = lookup_one(config, in[i]);
}

void LookupCpp::learn(unsigned index, const FlowKey& key, std::uint16_t now_s) {
  EntryImage& e = table_[index];
  e = EntryImage{};
  std::copy(key.words.begin(), key.words.begin() + key.key_words(), e.begin() + 1);
  // IPv4 flows are learnt as HNAPT (MediaTek's FLOW_CFG IP4_NAPT); the driver may bind the
  // index as IPV4_ROUTE, which matches the same packets.
  e[Ib1::kWord] = Ib1::kUdp.make(key.udp) |
                  Ib1::kType.make(key.ipv6 ? Ib1::kTypeIpv6Route5T : Ib1::kTypeIpv4Hnapt) |
                  Ib1::kTimestamp.make(now_s) | Ib1::kState.make(Ib1::kStateUnbind);
  std::uint32_t match = Match::kInPort.make(key.port) | Match::kInPortValid.make(1);
  if (key.vlan_count == 1) match |= Match::kInVlan.make(key.vid) | Match::kInVlanValid.make(1);
  if (key.pppoe) {
    match |= Match::kInPppoeValid.make(1);
    e[FoeEntry::InPppoe::kWord] = FoeEntry::InPppoe::kInPppoeSid.make(key.pppoe_sid);
  }
  e[Match::kWord] = match;
  e[Unbind::kWord] = Unbind::kPackets.make(1) | Unbind::kFirstSeen.make(now_s);
  ++used_;
}

LookupResult LookupCpp::lookup_one(const LookupConfig& config, const LookupRequest& request) {
  const FlowKey& key = request.key;
  // The ways of the bucket in order: the first match wins; a miss may learn into the first
  // INVALID way.
  const unsigned first = (request.hash & (buckets_ - 1)) * ways();
  int hit = -1;
  int free_slot = -1;
  for (unsigned i = first; i < first + ways(); ++i) {
    const EntryImage& e = table_[i];
    if (!valid(e)) {
      if (free_slot < 0) free_slot = static_cast<int>(i);
    } else if (identity_matches(e, key) && match_fits(e, key)) {
      hit = static_cast<int>(i);
      break;
    }
  }

  if (hit < 0) {
    if (!config.learn) return punt(hw::PuntReason::kNoFlow);
    // Nothing is learnt from a SYN/FIN/RST: conntrack must see the handshake first.
    if (request.tcp_teardown) return punt(hw::PuntReason::kTcpFinSynRst);
    // hardware.md §4.6: a full bucket makes no UNBIND entry; punted no_flow and counted.
    if (free_slot < 0) {
      LookupResult r = punt(hw::PuntReason::kNoFlow);
      r.event = LookupEvent::kBucketFull;
      return r;
    }
    // Index 0x7fff reads as "none" in RX_DESC.INFO, and a double-tagged packet cannot be
    // described by MATCH: neither is learnt.
    const auto index = static_cast<std::uint32_t>(free_slot);
    if (index == kNoIndex || key.vlan_count > 1) return punt(hw::PuntReason::kNoFlow);
    learn(index, key, request.now_s);
    LookupResult r = punt(config.bind_rate <= 1 ? hw::PuntReason::kHitUnbindRateReached : hw::PuntReason::kUnHit, index);
    r.event = LookupEvent::kLearned;
    return r;
  }

  const auto index = static_cast<std::uint32_t>(hit);
  EntryImage& e = table_[index];
  std::uint32_t& ib1 = e[Ib1::kWord];
  ib1 = Ib1::kTimestamp.set(ib1, request.now_s);
  switch (Ib1::kState.get(ib1)) {
    case Ib1::kStateUnbind: {
      if (request.tcp_teardown) return punt(hw::PuntReason::kTcpFinSynRst, index);
      std::uint32_t& w = e[Unbind::kWord];
      const std::uint32_t n = std::min<std::uint32_t>(Unbind::kPackets.get(w) + 1, 0xffff);
      w = Unbind::kPackets.set(w, n);
      return punt(n >= config.bind_rate ? hw::PuntReason::kHitUnbindRateReached : hw::PuntReason::kHitUnbind, index);
    }
    case Ib1::kStateFin:
      return punt(hw::PuntReason::kHitBindTcpFin, index);
    default:
      break;
  }
  // BIND. A FIN/RST tears the flow down in software; the entry stays, in FIN, until the
  // driver rewrites or invalidates it (or it ages with BIND_AGE1.DELTA_TCP_FIN). A SYN goes to
  // software too but leaves the entry bound: the flow's other direction stays in hardware, and
  // so must this one unless software decides otherwise.
  if (request.tcp_teardown && !request.tcp_fin_rst) return punt(hw::PuntReason::kHitBindTcpFin, index);
  if (request.tcp_teardown) {
    ib1 = Ib1::kState.set(ib1, Ib1::kStateFin);
    LookupResult r = punt(hw::PuntReason::kHitBindTcpFin, index);
    r.event = LookupEvent::kFin;
    return r;
  }
  LookupResult r;
  r.forward = true;
  r.index = index;
  r.entry = e;
  return r;
}

}  // namespace flowsim::model
