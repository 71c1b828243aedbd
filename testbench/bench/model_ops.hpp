// SPDX-License-Identifier: Apache-2.0
// TEST ONLY: what a model test does through the chip's registers and DMA, the way a driver
// would, in a few lines: bring the datapath up, give the CPU port an RX ring, write / read /
// invalidate flow entries through ENTRY_CTRL + ENTRY_DATA, read MIB counters, and build
// entry images field by field with the generated FOE_ENTRY names. Every call takes simulated
// time (HAL accesses), so it must run in the bench's CPU thread.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>

#include "driver/hal.hpp"
#include "hw/flowsim_hw.hpp"  // Generated.
#include "net/byte_order.hpp"
#include "net/five_tuple.hpp"
#include "net/foe_hash.hpp"
#include "net/mac_addr.hpp"

namespace flowsim::testbench {

using EntryWords = std::array<std::uint32_t, 32>;

// Waits for BUSY to clear after power-on, then enables the datapath and ports 0..ports-1.
inline void bring_up(driver::Hal& hal, unsigned ports) {
  using namespace hw::reg;
  while (GloCfg::kBusy.get(hal.read32(GloCfg::offset()))) hal.sleep(std::chrono::microseconds(1));
  for (unsigned p = 0; p < ports; ++p) hal.write32(PortCfg::offset(p), PortCfg::kEn.make(1));
  hal.write32(GloCfg::offset(), GloCfg::kEn.make(1));
}

// An RX ring of `size` descriptors with `buf_len`-byte buffers, all handed to the hardware.
struct RxRing {
  driver::DmaRegion descs;
  driver::DmaRegion buffers;
  unsigned size = 0;
  std::uint32_t buf_len = 0;
  std::uint32_t word(unsigned desc, unsigned w) const { return net::load_le32(descs.host + desc * 32 + 4 * w); }
};

inline RxRing make_rx_ring(driver::Hal& hal, unsigned size, std::uint32_t buf_len = 2048) {
  using namespace hw::reg;
  using hw::desc::RxDesc;
  RxRing r{hal.alloc_dma(size * RxDesc::kSize), hal.alloc_dma(size * buf_len), size, buf_len};
  for (unsigned i = 0; i < size; ++i) {
    const std::uint64_t buf = r.buffers.bus_addr + std::uint64_t{i} * buf_len;
    std::uint8_t* d = r.descs.host + i * RxDesc::kSize;
    net::store_le32(d + RxDesc::BufAddrLo::kByteOffset, static_cast<std::uint32_t>(buf));
    net::store_le32(d + RxDesc::BufAddrHi::kByteOffset, static_cast<std::uint32_t>(buf >> 32));
    net::store_le32(d + RxDesc::Len::kByteOffset, RxDesc::Len::kBufLen.make(buf_len));
  }
  hal.write32(RingBaseLo::offset(0), static_cast<std::uint32_t>(r.descs.bus_addr));
  hal.write32(RingBaseHi::offset(0), static_cast<std::uint32_t>(r.descs.bus_addr >> 32));
  hal.write32(RingSize::offset(0), size);
  hal.write32(RingTail::offset(0), size - 1);
  return r;
}

// One ENTRY_CTRL operation; returns the register as the operation left it (ACK, ERR).
inline std::uint32_t entry_op(driver::Hal& hal, std::uint32_t op, unsigned index) {
  using hw::reg::EntryCtrl;
  hal.write32(EntryCtrl::offset(), EntryCtrl::kReq.make(1) | EntryCtrl::kOp.make(op) | EntryCtrl::kIndex.make(index));
  for (int i = 0; i < 100; ++i) {
    const std::uint32_t v = hal.read32(EntryCtrl::offset());
    if (EntryCtrl::kAck.get(v) && !EntryCtrl::kReq.get(v)) return v;
  }
  throw std::runtime_error("ENTRY_CTRL: no ACK");
}

inline void write_entry(driver::Hal& hal, unsigned index, const EntryWords& e) {
  for (unsigned w = 0; w < e.size(); ++w) hal.write32(hw::reg::EntryData::offset(w), e[w]);
  entry_op(hal, hw::reg::EntryCtrl::kOpWrite, index);
}

inline EntryWords read_entry(driver::Hal& hal, unsigned index) {
  entry_op(hal, hw::reg::EntryCtrl::kOpRead, index);
  EntryWords e{};
  for (unsigned w = 0; w < e.size(); ++w) e[w] = hal.read32(hw::reg::EntryData::offset(w));
  return e;
}

inline std::uint32_t entry_state(const EntryWords& e) {
  return hw::desc::FoeEntry::Ib1::kState.get(e[hw::desc::FoeEntry::Ib1::kWord]);
}

struct MibCounters {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
};

inline MibCounters read_mib(driver::Hal& hal, unsigned index) {
  using namespace hw::reg;
  hal.write32(MibSerCr::offset(), MibSerCr::kSt.make(1) | MibSerCr::kIndex.make(index));
  while (MibSerCr::kSt.get(hal.read32(MibSerCr::offset()))) hal.sleep(std::chrono::nanoseconds(100));
  MibCounters m;
  m.bytes = std::uint64_t{hal.read32(MibSerR1::offset())} << 32 | hal.read32(MibSerR0::offset());
  m.packets = std::uint64_t{hal.read32(MibSerR3::offset())} << 32 | hal.read32(MibSerR2::offset());
  return m;
}

// The flow table index of way `way` in the bucket of `t` (HASH_SEED `seed`), for a table of
// `entries` x `ways`; the driver's job, done here with the reference hash.
inline unsigned entry_index(const net::FiveTuple& t, unsigned entries = 16384, unsigned ways = 4, unsigned way = 0,
                            std::uint32_t seed = 0) {
  const unsigned buckets = entries / ways;
  return (net::foe_hash(net::foe_hash_words(t, seed)) & (buckets - 1)) * ways + way;
}

// A BIND entry, field by field. IPv4 HNAPT / ROUTE or IPv6 5-tuple routing.
struct EntrySpec {
  std::uint32_t type = hw::desc::FoeEntry::Ib1::kTypeIpv4Hnapt;
  std::uint32_t state = hw::desc::FoeEntry::Ib1::kStateBind;
  net::FiveTuple orig;              // key (proto decides IB1.UDP)
  std::optional<net::FiveTuple> nat;  // HNAPT: the tuple after NAT
  bool ttl_dec = true;
  bool mib = true;
  bool is_static = false;
  net::MacAddr dmac;
  net::MacAddr smac;
  unsigned dest_port = 0;
  unsigned vlan_layer = 0;
  std::uint16_t vlan1 = 0, vlan2 = 0;
  std::optional<std::uint16_t> pppoe_sid;  // push
  std::optional<unsigned> in_port;
  std::optional<std::uint16_t> in_vlan;
  std::optional<std::uint16_t> in_pppoe_sid;
  std::uint32_t mtu = 1500;
};

inline EntryWords encode_entry(const EntrySpec& s) {
  using namespace hw::desc;
  using Ib1 = FoeEntry::Ib1;
  EntryWords w{};
  const auto addr = [](const std::array<std::uint8_t, 16>& a, unsigned i) { return net::load_be32(a.data() + 4 * i); };
  const auto ports = [](const net::FiveTuple& t) { return std::uint32_t{t.src_port} << 16 | t.dst_port; };
  if (s.type == Ib1::kTypeIpv6Route5T || s.type == Ib1::kTypeIpv6Route3T) {
    for (unsigned i = 0; i < 4; ++i) {
      w[FoeIpv6::Sip0::kWord + i] = addr(s.orig.src, i);
      w[FoeIpv6::Dip0::kWord + i] = addr(s.orig.dst, i);
    }
    w[FoeIpv6::Ports::kWord] = ports(s.orig);
  } else {
    w[FoeIpv4::OrigSip::kWord] = addr(s.orig.src, 0);
    w[FoeIpv4::OrigDip::kWord] = addr(s.orig.dst, 0);
    w[FoeIpv4::OrigPorts::kWord] = ports(s.orig);
    const net::FiveTuple& n = s.nat ? *s.nat : s.orig;
    w[FoeIpv4::NewSip::kWord] = addr(n.src, 0);
    w[FoeIpv4::NewDip::kWord] = addr(n.dst, 0);
    w[FoeIpv4::NewPorts::kWord] = ports(n);
  }
  w[Ib1::kWord] = Ib1::kState.make(s.state) | Ib1::kUdp.make(s.orig.proto == 17) | Ib1::kType.make(s.type) |
                  Ib1::kVlanLayer.make(s.vlan_layer) | Ib1::kPppoe.make(s.pppoe_sid.has_value()) |
                  Ib1::kTtlDec.make(s.ttl_dec) | Ib1::kMibEn.make(s.mib) | Ib1::kStatic.make(s.is_static);
  w[FoeEntry::Ib2::kWord] = FoeEntry::Ib2::kDestPort.make(s.dest_port);
  w[FoeEntry::DmacHi::kWord] = net::load_be32(s.dmac.bytes().data());
  w[FoeEntry::DmacLo::kWord] = net::load_be16(s.dmac.bytes().data() + 4);
  w[FoeEntry::SmacHi::kWord] = net::load_be32(s.smac.bytes().data());
  w[FoeEntry::SmacLo::kWord] = net::load_be16(s.smac.bytes().data() + 4);
  w[FoeEntry::Vlan::kWord] = FoeEntry::Vlan::kVlan1.make(s.vlan1) | FoeEntry::Vlan::kVlan2.make(s.vlan2);
  if (s.pppoe_sid) w[FoeEntry::Pppoe::kWord] = FoeEntry::Pppoe::kPppoeSid.make(*s.pppoe_sid);
  using Match = FoeEntry::Match;
  std::uint32_t m = 0;
  if (s.in_port) m |= Match::kInPort.make(*s.in_port) | Match::kInPortValid.make(1);
  if (s.in_vlan) m |= Match::kInVlan.make(*s.in_vlan) | Match::kInVlanValid.make(1);
  if (s.in_pppoe_sid) {
    m |= Match::kInPppoeValid.make(1);
    w[FoeEntry::InPppoe::kWord] = FoeEntry::InPppoe::kInPppoeSid.make(*s.in_pppoe_sid);
  }
  w[Match::kWord] = m;
  w[FoeEntry::Mtu::kWord] = FoeEntry::Mtu::kMtu.make(s.mtu);
  return w;
}

}  // namespace flowsim::testbench
