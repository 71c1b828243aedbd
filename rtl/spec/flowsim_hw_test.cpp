// SPDX-License-Identifier: Apache-2.0
// Checks that the generated hw/flowsim_hw.hpp says what rtl/spec/flowsim_hw.yaml says: a few
// registers, arrays, descriptors, reasons and the vector table, written out here by hand on
// purpose (a second reading of the spec, not the generator's).
#include "hw/flowsim_hw.hpp"  // Generated.

#include <gtest/gtest.h>

#include <set>

namespace flowsim::hw {
namespace {

// Usable in constant expressions (the driver and the model switch on these).
static_assert(reg::GloCfg::offset() == 0x000);
static_assert(reg::RingTail::offset(1) == 0x430);
static_assert(desc::RxDesc::Info::kReason.get(0x000f0000) == 0x0f);
static_assert(find_register(0x404)->name == "RING_BASE_HI[0]");

TEST(Field, MaskGetMakeSet) {
  constexpr Field f{8, 16};
  EXPECT_EQ(f.mask(), 0x00ffff00u);
  EXPECT_EQ(f.get(0x12345678u), 0x3456u);
  EXPECT_EQ(f.make(0x1abcdu), 0x00abcd00u);  // bits beyond the width are dropped
  EXPECT_EQ(f.set(0xffffffffu, 0x0001u), 0xff0001ffu);
  constexpr Field whole{0, 32};
  EXPECT_EQ(whole.mask(), 0xffffffffu);
  EXPECT_EQ(whole.set(0x1u, 0xdeadbeefu), 0xdeadbeefu);
}

TEST(Registers, GlobalRegisters) {
  EXPECT_EQ(reg::GloCfg::kAccess, Access::kRw);
  EXPECT_EQ(reg::GloCfg::kResetValue, 0u);
  EXPECT_EQ(reg::GloCfg::kEn.mask(), 0x1u);
  EXPECT_EQ(reg::GloCfg::kSoftReset.mask(), 0x2u);
  EXPECT_EQ(reg::GloCfg::kBusy.mask(), 0x80000000u);
  EXPECT_EQ(reg::Id::offset(), 0x004u);
  EXPECT_EQ(reg::Id::kResetValue, 0x464c5753u);  // "FLWS"
  EXPECT_EQ(reg::Id::kAccess, Access::kRo);
  EXPECT_EQ(reg::Version::kResetValue, 0x00000100u);
  EXPECT_EQ(reg::Caps::offset(), 0x00cu);
  EXPECT_EQ(reg::Caps::kNumRings.mask(), 0xf0u);
  EXPECT_EQ(reg::HashSeed::offset(), 0x044u);
  EXPECT_EQ(reg::HashSeed::kResetValue, hash::kDefaultSeed);
  EXPECT_EQ(reg::HashSeed::kAccess, Access::kRw);
  EXPECT_EQ(reg::Timestamp::offset(), 0x050u);
  EXPECT_EQ(reg::IrqStatus::kAccess, Access::kW1c);
  EXPECT_EQ(reg::IrqStatus::kRxRingFull.mask(), 0x4u);
  EXPECT_EQ(reg::IrqMask::offset(), 0x184u);
  EXPECT_EQ(reg::IrqMask::kRxRingFull.mask(), reg::IrqStatus::kRxRingFull.mask());
  EXPECT_EQ(reg::IrqCoalesce::kMaxDelayUs.mask(), 0x00ffff00u);
  EXPECT_EQ(reg::PuntDrops::offset(), 0x190u);
}

TEST(Registers, Arrays) {
  EXPECT_EQ(reg::RingBaseLo::kCount, 2u);
  EXPECT_EQ(reg::RingBaseLo::kStride, 0x20u);
  EXPECT_EQ(reg::RingBaseLo::offset(0), 0x400u);
  EXPECT_EQ(reg::RingBaseHi::offset(1), 0x424u);
  EXPECT_EQ(reg::RingSize::offset(0), 0x408u);
  EXPECT_EQ(reg::RingHead::kAccess, Access::kRo);
  EXPECT_EQ(reg::RingTail::kAccess, Access::kRw);
  EXPECT_EQ(reg::PortCfg::kCount, 8u);
  EXPECT_EQ(reg::PortCfg::offset(7), 0x8e0u);
  EXPECT_EQ(reg::PortCfg::kSpeed.mask(), 0xeu);
  EXPECT_EQ(reg::PortMtu::offset(7), 0x8e4u);
  EXPECT_EQ(reg::PortMtu::kResetValue, 1500u);
  EXPECT_EQ(reg::PortTxDrops::offset(7), 0x8f8u);
  EXPECT_EQ(reg::PortTxDrops::kAccess, Access::kRo);
  EXPECT_EQ(reg::LearnFull::offset(), 0x21cu);
  EXPECT_EQ(reg::LearnFull::kAccess, Access::kRo);
  EXPECT_EQ(reg::GloCfg::kL4CsDrop.mask(), 1u << 2);
  EXPECT_EQ(reg::GloCfg::kIp4CsDrop.mask(), 1u << 3);
  EXPECT_EQ(reg::GloCfg::kTtl0Drop.mask(), 1u << 4);
}

TEST(Registers, TableIsSortedUniqueAndExpanded) {
  // 25 single registers + 5 ring registers x 2 + 8 port registers x 8 + ENTRY_DATA[32] +
  // REASON_CNT[32].
  EXPECT_EQ(kRegisters.size(), 25u + 5u * 2u + 8u * 8u + 32u + 32u);
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < kRegisters.size(); ++i) {
    EXPECT_EQ(kRegisters[i].offset % 4, 0u) << kRegisters[i].name;
    if (i > 0) {
      EXPECT_LT(kRegisters[i - 1].offset, kRegisters[i].offset) << kRegisters[i].name;
    }
    EXPECT_TRUE(names.insert(kRegisters[i].name).second) << kRegisters[i].name;
  }
}

TEST(Registers, FindRegister) {
  ASSERT_TRUE(find_register(0x000).has_value());
  EXPECT_EQ(find_register(0x000)->name, "GLO_CFG");
  EXPECT_EQ(find_register(0x404)->name, "RING_BASE_HI[0]");
  EXPECT_EQ(find_register(0x408)->name, "RING_SIZE[0]");
  EXPECT_EQ(find_register(0x430)->name, "RING_TAIL[1]");
  EXPECT_EQ(find_register(0x430)->access, Access::kRw);
  EXPECT_EQ(find_register(0x8e4)->name, "PORT_MTU[7]");
  EXPECT_EQ(find_register(0x8e4)->reset, 1500u);
  EXPECT_EQ(find_register(0x180)->access, Access::kW1c);
  EXPECT_FALSE(find_register(0x002).has_value());  // inside GLO_CFG
  EXPECT_FALSE(find_register(0x010).has_value());  // hole
  EXPECT_FALSE(find_register(0x414).has_value());  // gap inside a ring element
  EXPECT_EQ(find_register(0x8fc)->name, "PORT_RX_OVERSIZE[7]");
  EXPECT_FALSE(find_register(0x900).has_value());  // past the last register
  EXPECT_FALSE(find_register(0xffffffff).has_value());
}

TEST(Registers, FlowTable) {
  EXPECT_EQ(reg::Caps::kTableSizeLog2.mask(), 0x00001f00u);
  EXPECT_EQ(reg::Caps::kTableWays.mask(), 0x0000e000u);
  EXPECT_EQ(reg::Caps::kIpv6Nat.mask(), 0x00010000u);
  EXPECT_EQ(reg::IrqStatus::kAged.mask(), 0x8u);
  EXPECT_EQ(reg::IrqMask::kAged.mask(), 0x8u);
  EXPECT_EQ(reg::TbCfg::offset(), 0x200u);
  EXPECT_EQ(reg::TbCfg::kResetValue, 0x6u);  // direct mode, aging and MIB on
  EXPECT_EQ(reg::TbCfg::kBindMode.mask(), 0x1u);
  EXPECT_EQ(reg::TbCfg::kAgeEn.mask(), 0x2u);
  EXPECT_EQ(reg::TbCfg::kMibEn.mask(), 0x4u);
  EXPECT_EQ(reg::TbUsed::offset(), 0x204u);
  EXPECT_EQ(reg::TbUsed::kAccess, Access::kRo);
  EXPECT_EQ(reg::BindRate::kResetValue, 30u);
  EXPECT_EQ(reg::UnbindAge::kDelta.get(reg::UnbindAge::kResetValue), 3u);
  EXPECT_EQ(reg::UnbindAge::kMinPackets.get(reg::UnbindAge::kResetValue), 1000u);
  EXPECT_EQ(reg::BindAge0::kDeltaUdp.get(reg::BindAge0::kResetValue), 12u);
  EXPECT_EQ(reg::BindAge0::kDeltaNonL4.get(reg::BindAge0::kResetValue), 1u);
  EXPECT_EQ(reg::BindAge1::kDeltaTcp.get(reg::BindAge1::kResetValue), 7u);
  EXPECT_EQ(reg::BindAge1::kDeltaTcpFin.get(reg::BindAge1::kResetValue), 1u);
  EXPECT_EQ(reg::AgedEntries::offset(), 0x218u);
  EXPECT_EQ(reg::EntryCtrl::offset(), 0x220u);
  EXPECT_EQ(reg::EntryCtrl::kIndex.mask(), 0x0001ffffu);
  EXPECT_EQ(reg::EntryCtrl::kOp.mask(), 0x00300000u);
  EXPECT_EQ(reg::EntryCtrl::kOpRead, 1u);
  EXPECT_EQ(reg::EntryCtrl::kOpWrite, 2u);
  EXPECT_EQ(reg::EntryCtrl::kOpInvalidate, 3u);
  EXPECT_EQ(reg::EntryCtrl::kErr.mask(), 1u << 29);
  EXPECT_EQ(reg::EntryCtrl::kAck.mask(), 1u << 30);
  EXPECT_EQ(reg::EntryCtrl::kReq.mask(), 1u << 31);
  EXPECT_EQ(reg::EntryData::kCount, 32u);
  EXPECT_EQ(reg::EntryData::offset(0), 0x240u);
  EXPECT_EQ(reg::EntryData::offset(31), 0x2bcu);
  EXPECT_EQ(reg::MibCfg::offset(), 0x2c0u);
  EXPECT_EQ(reg::MibCfg::kRdClr.mask(), 0x2u);
  EXPECT_EQ(reg::MibSerCr::offset(), 0x2c4u);
  EXPECT_EQ(reg::MibSerCr::kSt.mask(), 1u << 31);
  EXPECT_EQ(reg::MibSerR0::offset(), 0x2c8u);
  EXPECT_EQ(reg::MibSerR3::offset(), 0x2d4u);
  EXPECT_EQ(reg::ReasonCnt::kCount, 32u);
  EXPECT_EQ(reg::ReasonCnt::offset(0x07), 0x31cu);
  EXPECT_EQ(find_register(0x27c)->name, "ENTRY_DATA[15]");
}

TEST(Descriptors, FoeEntry) {
  using E = desc::FoeEntry;
  EXPECT_EQ(E::kSize, 128u);
  EXPECT_EQ(E::Ib1::kWord, 0u);
  EXPECT_EQ(E::Ib1::kState.mask(), 0x30000000u);
  EXPECT_EQ(E::Ib1::kStateBind, 2u);
  EXPECT_EQ(E::Ib1::kStateFin, 3u);
  EXPECT_EQ(E::Ib1::kStatic.mask(), 0x80000000u);
  EXPECT_EQ(E::Ib1::kUdp.mask(), 0x40000000u);
  EXPECT_EQ(E::Ib1::kType.mask(), 0x0f000000u);
  EXPECT_EQ(E::Ib1::kTypeIpv6Route5T, 5u);
  EXPECT_EQ(E::Ib1::kVlanLayer.mask(), 0x00c00000u);
  EXPECT_EQ(E::Ib1::kPppoe.mask(), 0x00200000u);
  EXPECT_EQ(E::Ib1::kTtlDec.mask(), 0x00100000u);
  EXPECT_EQ(E::Ib1::kMibEn.mask(), 0x00080000u);
  EXPECT_EQ(E::Ib1::kTimestamp.mask(), 0x0000ffffu);
  EXPECT_EQ(E::Ib2::kWord, 15u);
  EXPECT_EQ(E::Ib2::kDestPort.mask(), 0xfu);
  EXPECT_EQ(E::DmacHi::kWord, 16u);
  EXPECT_EQ(E::SmacLo::kSmacLo.mask(), 0xffffu);
  EXPECT_EQ(E::Vlan::kVlan2.mask(), 0xffff0000u);
  EXPECT_EQ(E::Match::kWord, 22u);
  EXPECT_EQ(E::Match::kInVlan.mask(), 0x0fff0000u);
  EXPECT_EQ(E::Match::kInPppoeValid.mask(), 1u << 29);
  EXPECT_EQ(E::Mtu::kWord, 24u);
  EXPECT_EQ(E::Unbind::kFirstSeen.mask(), 0xffff0000u);
  EXPECT_EQ(desc::FoeIpv4::OrigPorts::kWord, 3u);
  EXPECT_EQ(desc::FoeIpv4::OrigPorts::kSport.mask(), 0xffff0000u);
  EXPECT_EQ(desc::FoeIpv4::NewPorts::kWord, 6u);
  EXPECT_EQ(desc::FoeIpv6::Sip0::kWord, 1u);
  EXPECT_EQ(desc::FoeIpv6::Dip3::kWord, 8u);
  EXPECT_EQ(desc::FoeIpv6::Ports::kWord, 9u);
}

TEST(Descriptors, RxDesc) {
  using D = desc::RxDesc;
  EXPECT_EQ(D::kSize, 32u);
  EXPECT_EQ(D::BufAddrLo::kWord, 0u);
  EXPECT_EQ(D::BufAddrHi::kWord, 1u);
  EXPECT_EQ(D::Len::kWord, 2u);
  EXPECT_EQ(D::Len::kBufLen.mask(), 0x0000ffffu);
  EXPECT_EQ(D::Len::kPktLen.mask(), 0xffff0000u);
  EXPECT_EQ(D::Info::kWord, 3u);
  EXPECT_EQ(D::Info::kByteOffset, 12u);
  EXPECT_EQ(D::Info::kFoeIndex.mask(), 0x00007fffu);
  EXPECT_EQ(D::Info::kFoeIndexNone, 0x7fffu);
  EXPECT_EQ(D::Info::kReason.mask(), 0x001f0000u);
  EXPECT_EQ(D::Info::kSrcPort.mask(), 0x0f000000u);
  EXPECT_EQ(D::Status::kWord, 4u);
  EXPECT_EQ(D::Status::kDone.mask(), 0x1u);
  EXPECT_EQ(D::Status::kTruncated.mask(), 0x2u);
  EXPECT_EQ(D::Hash::kWord, 5u);
  // An INFO word as the hardware would write it: index 0x1234, reason 0x0f, port 3.
  const auto reason = static_cast<std::uint32_t>(PuntReason::kHitUnbindRateReached);
  const std::uint32_t info =
      D::Info::kFoeIndex.make(0x1234) | D::Info::kReason.make(reason) | D::Info::kSrcPort.make(3);
  EXPECT_EQ(info, 0x030f1234u);
}

TEST(Descriptors, TxDesc) {
  using D = desc::TxDesc;
  EXPECT_EQ(D::kSize, 32u);
  EXPECT_EQ(D::Len::kPktLen.mask(), 0x0000ffffu);
  EXPECT_EQ(D::Ctrl::kWord, 3u);
  EXPECT_EQ(D::Ctrl::kDestPort.mask(), 0xfu);
  EXPECT_EQ(D::Status::kWord, 4u);
  EXPECT_EQ(D::Status::kDone.mask(), 0x1u);
}

TEST(PuntReasons, CodesAndNames) {
  EXPECT_EQ(static_cast<int>(PuntReason::kTtlExceeded), 0x02);
  EXPECT_EQ(static_cast<int>(PuntReason::kNoFlow), 0x07);
  EXPECT_EQ(to_string(static_cast<PuntReason>(0x09)), "unknown");  // MediaTek's DSLITE_FRAG: not used
  EXPECT_EQ(static_cast<int>(PuntReason::kHitUnbindRateReached), 0x0f);
  EXPECT_EQ(static_cast<int>(PuntReason::kExceedMtu), 0x1c);
  EXPECT_EQ(static_cast<int>(PuntReason::kInvalid), 0x1f);
  EXPECT_EQ(to_string(PuntReason::kNoFlow), "no_flow");
  EXPECT_EQ(to_string(PuntReason::kHitTtl1), "hit_ttl_1");
  EXPECT_EQ(to_string(static_cast<PuntReason>(0x01)), "unknown");
  EXPECT_EQ(kPuntReasons.size(), 19u);
  std::set<int> codes;
  for (PuntReason r : kPuntReasons) {
    EXPECT_LT(static_cast<int>(r), 32) << to_string(r);  // fits RX_DESC.INFO.REASON
    EXPECT_NE(to_string(r), "unknown");
    EXPECT_TRUE(codes.insert(static_cast<int>(r)).second) << to_string(r);
  }
}

TEST(PortSpeed, FromSpeedField) {
  EXPECT_EQ(static_cast<int>(PortSpeed::k1G), 0);
  EXPECT_EQ(static_cast<int>(PortSpeed::k2_5G), 1);
  EXPECT_EQ(static_cast<int>(PortSpeed::k10G), 3);
  EXPECT_EQ(static_cast<int>(PortSpeed::k100G), 6);
  EXPECT_EQ(to_string(PortSpeed::k2_5G), "2.5G");
  const auto speed = static_cast<std::uint32_t>(PortSpeed::k100G);
  EXPECT_EQ(reg::PortCfg::kSpeed.get(reg::PortCfg::kSpeed.make(speed)), 6u);
}

TEST(Hash, VectorTable) {
  EXPECT_EQ(hash::kDefaultSeed, 0u);
  EXPECT_EQ(hash::kLatencyCycles, 2u);
  EXPECT_GE(hash::kVectors.size(), 64u);
  int v4 = 0, v6 = 0, seeded = 0;
  std::set<std::string_view> names;
  for (const auto& v : hash::kVectors) {
    EXPECT_TRUE(names.insert(v.name).second) << v.name;
    v4 += v.tuple.family == 4;
    v6 += v.tuple.family == 6;
    seeded += v.seed != 0;
  }
  EXPECT_GE(v4, 8);
  EXPECT_GE(v6, 8);
  EXPECT_GE(seeded, 4);
  EXPECT_EQ(hash::kVectors.front().name, "all_zeros");
  EXPECT_EQ(hash::kVectors.front().hash, 0u);
}

}  // namespace
}  // namespace flowsim::hw
