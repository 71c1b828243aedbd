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
}

TEST(Registers, TableIsSortedUniqueAndExpanded) {
  // 10 single registers + 5 ring registers x 2 + 7 port registers x 8.
  EXPECT_EQ(kRegisters.size(), 10u + 5u * 2u + 7u * 8u);
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
  EXPECT_FALSE(find_register(0x8fc).has_value());  // past the last register
  EXPECT_FALSE(find_register(0xffffffff).has_value());
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
  EXPECT_EQ(static_cast<int>(PuntReason::kBucketFull), 0x09);
  EXPECT_EQ(static_cast<int>(PuntReason::kHitUnbindRateReached), 0x0f);
  EXPECT_EQ(static_cast<int>(PuntReason::kExceedMtu), 0x1c);
  EXPECT_EQ(static_cast<int>(PuntReason::kInvalid), 0x1f);
  EXPECT_EQ(to_string(PuntReason::kNoFlow), "no_flow");
  EXPECT_EQ(to_string(PuntReason::kHitTtl1), "hit_ttl_1");
  EXPECT_EQ(to_string(static_cast<PuntReason>(0x01)), "unknown");
  EXPECT_EQ(kPuntReasons.size(), 20u);
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
