// SPDX-License-Identifier: Apache-2.0
// The flow table (FOE SRAM, hardware.md §4.2/§4.4): entries x ways of 128-byte entries
// (layouts FOE_ENTRY / FOE_IPV4 / FOE_IPV6 of rtl/spec/flowsim_hw.yaml), the per-entry MIB
// counters, the indirect ENTRY_CTRL / ENTRY_DATA window and MIB_SER_CR read-out, and the
// lookup: the hash picks a bucket, every way of it is compared on identity (IB1.UDP, the
// address family of IB1.TYPE, the key words) and on MATCH (ingress port, VLAN, PPPoE).
// Timing is not here: the ingress pipeline charges the lookup's occupancy and latency.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace flowsim::model {

class CsrBlock;

// One entry as the driver writes it through ENTRY_DATA: 32 little-endian words.
using EntryImage = std::array<std::uint32_t, 32>;

// What the lookup compares, built by the pipeline from the parsed packet.
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

// Told when an entry is written, learnt or changes to another valid state, so that aging
// can plan its next scan.
class EntryWatcher {
 public:
  virtual ~EntryWatcher() = default;
  virtual void on_entry_live(unsigned index) = 0;
};

class FlowTable {
 public:
  struct Probe {
    int hit = -1;        // index of the matching entry (any state but INVALID)
    int free_slot = -1;  // index of the first INVALID way of the bucket
  };
  struct Mib {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
  };

  // `entries` a power of two, `ways` dividing it (checked by the chip's parameter validation).
  FlowTable(CsrBlock& csr, unsigned entries, unsigned ways);

  unsigned entries() const { return static_cast<unsigned>(table_.size()); }
  unsigned ways() const { return ways_; }
  unsigned bucket_of(std::uint32_t hash) const { return hash & (buckets_ - 1); }
  unsigned used() const { return used_; }
  void set_watcher(EntryWatcher* watcher) { watcher_ = watcher; }

  // Every entry INVALID, counters zero (soft reset).
  void clear();

  // Compares the ways of `bucket` with `key`; a tuple that matches but whose MATCH conditions
  // do not fit the packet is a miss (hardware.md §4.6).
  Probe lookup(unsigned bucket, const FlowKey& key) const;

  const EntryImage& entry(unsigned index) const { return table_[index]; }
  std::uint32_t state(unsigned index) const;
  void set_state(unsigned index, std::uint32_t state);
  // A hit at TIMESTAMP second `now_s`: refreshes IB1.TIMESTAMP.
  void touch(unsigned index, std::uint32_t now_s);
  // Adds one forwarded packet of `bytes` to the entry's MIB counters if MIB_CFG.EN,
  // TB_CFG.MIB_EN and IB1.MIB_EN are all set.
  void count(unsigned index, std::uint32_t bytes);
  // Learn mode: builds an UNBIND entry for `key` at the INVALID slot `index`, with one packet
  // counted. Returns false if the key cannot be expressed (two VLAN tags).
  bool learn(unsigned index, const FlowKey& key, std::uint32_t now_s);
  // An UNBIND hit: increments UNBIND.PACKETS (saturating) and returns the new count.
  std::uint32_t count_unbind(unsigned index);

  // Register handlers (called by the chip after the driver wrote the register).
  void on_entry_ctrl_written(std::uint32_t now_s);
  void on_mib_ser_written();

  // Invalidates `index` (aging); the caller keeps AGED_ENTRIES.
  void age_out(unsigned index) { set_state(index, 0); }

 private:
  bool identity_matches(const EntryImage& e, const FlowKey& key) const;
  static bool match_fits(const EntryImage& e, const FlowKey& key);
  void publish_used();

  CsrBlock& csr_;
  unsigned ways_;
  unsigned buckets_;
  std::vector<EntryImage> table_;
  std::vector<Mib> mib_;
  unsigned used_ = 0;
  std::uint32_t last_ctrl_ = 0;  // ENTRY_CTRL as the last operation left it
  EntryWatcher* watcher_ = nullptr;
};

}  // namespace flowsim::model
