// SPDX-License-Identifier: Apache-2.0
#include "driver/mib_window.hpp"

#include "hw/flowsim_hw.hpp"  // Generated.

namespace flowsim::driver {
namespace {

constexpr unsigned kMaxPolls = 10'000;

}  // namespace

DeviceFault MibWindow::read(unsigned index, MibCounters& out) {
  using namespace hw::reg;
  hal_.write32(MibSerCr::offset(), MibSerCr::kSt.make(1) | MibSerCr::kIndex.make(index));
  const auto deadline = hal_.now() + timeout_;
  bool done = false;
  for (unsigned n = 0; n < kMaxPolls && !done; ++n) {
    const std::uint32_t v = hal_.read32(MibSerCr::offset());
    if (v == 0xffffffffu) return DeviceFault::kAllOnes;
    if (!MibSerCr::kSt.get(v)) {
      done = true;
    } else if (hal_.now() >= deadline) {
      break;
    } else {
      hal_.sleep(poll_interval_);
    }
  }
  if (!done) return DeviceFault::kAckTimeout;
  const std::uint32_t r0 = hal_.read32(MibSerR0::offset());
  const std::uint32_t r1 = hal_.read32(MibSerR1::offset());
  const std::uint32_t r2 = hal_.read32(MibSerR2::offset());
  const std::uint32_t r3 = hal_.read32(MibSerR3::offset());
  // 2^64 - 1 bytes or packets cannot be real: an absent device reads all ones.
  if ((r0 & r1) == 0xffffffffu || (r2 & r3) == 0xffffffffu) return DeviceFault::kAllOnes;
  out.bytes = (std::uint64_t{r1} << 32) | r0;
  out.packets = (std::uint64_t{r3} << 32) | r2;
  return DeviceFault::kNone;
}

}  // namespace flowsim::driver
