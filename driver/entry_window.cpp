// SPDX-License-Identifier: Apache-2.0
#include "driver/entry_window.hpp"

#include "hw/flowsim_hw.hpp"  // Generated.

namespace flowsim::driver {
namespace {

// A hard cap besides the deadline, for a HAL whose clock does not advance.
constexpr unsigned kMaxPolls = 10'000;

}  // namespace

DeviceFault EntryWindow::command(std::uint32_t op, unsigned index) {
  using hw::reg::EntryCtrl;
  const std::uint32_t cmd = EntryCtrl::kReq.make(1) | EntryCtrl::kOp.make(op) | EntryCtrl::kIndex.make(index);
  hal_.write32(EntryCtrl::offset(), cmd);
  const auto deadline = hal_.now() + timeout_;
  for (unsigned n = 0; n < kMaxPolls; ++n) {
    const std::uint32_t v = hal_.read32(EntryCtrl::offset());
    if (v == 0xffffffffu) return DeviceFault::kAllOnes;  // REQ, ACK and ERR at once: no device
    // Done = ACK with REQ clear, for *this* command: a stale ACK of the previous operation
    // (a device that ignored our write) still shows the previous INDEX or OP.
    if (EntryCtrl::kAck.get(v) && !EntryCtrl::kReq.get(v) && EntryCtrl::kIndex.get(v) == index &&
        EntryCtrl::kOp.get(v) == op) {
      return EntryCtrl::kErr.get(v) ? DeviceFault::kErr : DeviceFault::kNone;
    }
    if (hal_.now() >= deadline) break;
    hal_.sleep(poll_interval_);
  }
  return DeviceFault::kAckTimeout;
}

DeviceFault EntryWindow::write(unsigned index, const FlowEntry& entry) {
  // ENTRY_DATA[0..31] are consecutive registers: one burst.
  hal_.write_block(hw::reg::EntryData::offset(0), entry.words);
  return command(hw::reg::EntryCtrl::kOpWrite, index);
}

DeviceFault EntryWindow::read(unsigned index, std::span<const unsigned> words, FlowEntry& out) {
  const DeviceFault f = command(hw::reg::EntryCtrl::kOpRead, index);
  if (f != DeviceFault::kNone) return f;
  for (const unsigned w : words) {
    if (w < FlowEntry::kWords) out.words[w] = hal_.read32(hw::reg::EntryData::offset(w));
  }
  return DeviceFault::kNone;
}

DeviceFault EntryWindow::read_all(unsigned index, FlowEntry& out) {
  const DeviceFault f = command(hw::reg::EntryCtrl::kOpRead, index);
  if (f != DeviceFault::kNone) return f;
  hal_.read_block(hw::reg::EntryData::offset(0), out.words);
  return DeviceFault::kNone;
}

DeviceFault EntryWindow::invalidate(unsigned index) { return command(hw::reg::EntryCtrl::kOpInvalidate, index); }

}  // namespace flowsim::driver
