// SPDX-License-Identifier: Apache-2.0
// The flow-table lookup block's interface: the FOE SRAM (entries x ways of 128-byte entries,
// layouts FOE_ENTRY / FOE_IPV4 / FOE_IPV6 of rtl/spec/flowsim_hw.yaml) and what a packet does to
// it. A batch of lookups runs in order, each seeing the write-backs of the ones before it (the
// timestamp, UNBIND count, FIN state or learnt entry), as the pipelined hardware does. The entry
// window (read, write, invalidate one entry) serves ENTRY_CTRL and the aging scanner.
// Implementations (model/rtl_twin): the C++ twin and the Verilated rtl/foe_lookup.sv.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "hw/flowsim_hw.hpp"  // Generated.

namespace flowsim::model {

// One entry as the driver writes it through ENTRY_DATA: 32 little-endian words.
using EntryImage = std::array<std::uint32_t, 32>;

// What the lookup compares, built from the parsed packet and its ingress port.
struct FlowKey {
  bool ipv6 = false;
  bool udp = false;
  std::array<std::uint32_t, 9> words{};  // entry words 1..9 (IPv4 uses 1..3)
  unsigned port = 0;                     // ingress port
  unsigned vlan_count = 0;
  std::uint16_t vid = 0;                 // the outer VID when vlan_count >= 1
  bool pppoe = false;
  std::uint16_t pppoe_sid = 0;

  unsigned key_words() const { return ipv6 ? 9u : 3u; }
};

struct LookupRequest {
  FlowKey key;
  std::uint32_t hash = 0;     // the hash unit's value; the bucket is hash & (buckets - 1)
  bool tcp_teardown = false;  // a TCP segment with FIN, SYN or RST: punted, never learnt
  bool tcp_fin_rst = false;   // with FIN or RST: also moves a BIND entry to FIN (a SYN does not)
  std::uint16_t now_s = 0;    // TIMESTAMP, low 16 bits (the entries' time base)
};

// Values of TB_CFG.BIND_MODE and BIND_RATE.BIND while a batch runs.
struct LookupConfig {
  bool learn = false;
  std::uint32_t bind_rate = 0;
};

// A change of an entry's state the rest of the chip must know about (aging plans with it, a
// learnt entry's MIB counters start at 0), or a miss that found no way to learn into
// (kBucketFull: counted in LEARN_FULL).
enum class LookupEvent : std::uint8_t { kNone, kLearned, kFin, kBucketFull };

struct LookupResult {
  bool forward = false;  // a BIND hit: `entry` goes to the rewrite unit
  hw::PuntReason reason{};  // else why the packet is punted
  std::uint32_t index = hw::desc::RxDesc::Info::kFoeIndexNone;  // entry hit or learnt
  LookupEvent event = LookupEvent::kNone;
  EntryImage entry{};  // the hit entry after its write-back; only meaningful when `forward`

  friend bool operator==(const LookupResult& a, const LookupResult& b) {
    return a.forward == b.forward && a.reason == b.reason && a.index == b.index && a.event == b.event &&
           (!a.forward || a.entry == b.entry);
  }
};

class LookupEngine {
 public:
  virtual ~LookupEngine() = default;

  unsigned entries() const { return entries_; }
  unsigned ways() const { return ways_; }

  // out[i] = what in[i] did, the lookups applied in order; out.size() must equal in.size().
  virtual void lookup(const LookupConfig& config, std::span<const LookupRequest> in, std::span<LookupResult> out) = 0;

  // The entry window. Indices are below entries() (the caller checks, as ENTRY_CTRL.ERR does).
  virtual EntryImage read(unsigned index) = 0;
  // Replaces the entry with `image`; a valid image with IB1.TIMESTAMP 0 is stamped `now_s`.
  virtual void write(unsigned index, const EntryImage& image, std::uint16_t now_s) = 0;
  // Sets IB1.STATE to INVALID, keeping the rest of the entry.
  virtual void invalidate(unsigned index) = 0;
  // Every entry INVALID and zero (soft reset).
  virtual void clear() = 0;
  // Entries that are not INVALID.
  virtual unsigned used() const = 0;

  // A short name for reports ("cpp", "rtl").
  virtual std::string_view name() const = 0;

 protected:
  LookupEngine(unsigned entries, unsigned ways) : entries_(entries), ways_(ways) {}

 private:
  unsigned entries_;
  unsigned ways_;
};

}  // namespace flowsim::model
