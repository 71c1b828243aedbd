// SPDX-License-Identifier: Apache-2.0
#include "model/flow_table.hpp"

#include <algorithm>
#include <stdexcept>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "model/csr_block.hpp"

namespace flowsim::model {
namespace {

using Ib1 = hw::desc::FoeEntry::Ib1;

}  // namespace

FlowTable::FlowTable(CsrBlock& csr, std::unique_ptr<LookupEngine> engine)
    : csr_(csr),
      engine_(std::move(engine)),
      mib_(engine_->entries()),
      window_(csr.window(hw::reg::EntryData::offset(0), hw::reg::EntryData::kCount)) {
  if (window_.size() != EntryImage{}.size()) {
    throw std::logic_error("ENTRY_DATA must be 32 consecutive registers (rtl/spec/flowsim_hw.yaml)");
  }
}

FlowTable::~FlowTable() = default;

void FlowTable::clear() {
  engine_->clear();
  std::fill(mib_.begin(), mib_.end(), Mib{});
  last_ctrl_ = 0;
  publish_used();
}

void FlowTable::publish_used() { csr_.hw_set(hw::reg::TbUsed::offset(), engine_->used()); }

void FlowTable::lookup(const LookupConfig& config, std::span<const LookupRequest> in, std::span<LookupResult> out) {
  engine_->lookup(config, in, out);
  bool changed = false;
  for (const LookupResult& r : out) {
    if (r.event == LookupEvent::kNone) continue;
    if (r.event == LookupEvent::kBucketFull) {
      const std::uint32_t full = csr_.value(hw::reg::LearnFull::offset());
      if (full != 0xffffffffu) csr_.hw_set(hw::reg::LearnFull::offset(), full + 1);
      continue;
    }
    if (r.event == LookupEvent::kLearned) {
      mib_[r.index] = Mib{};
      changed = true;
    }
    // A new state may age sooner (BIND -> FIN has the shortest delta).
    if (watcher_ != nullptr) watcher_->on_entry_live(r.index);
  }
  if (changed) publish_used();
}

void FlowTable::count(unsigned index, std::uint32_t ib1, std::uint32_t bytes) {
  if (!hw::reg::MibCfg::kEn.get(csr_.value(hw::reg::MibCfg::offset())) ||
      !hw::reg::TbCfg::kMibEn.get(csr_.value(hw::reg::TbCfg::offset())) || !Ib1::kMibEn.get(ib1)) {
    return;
  }
  ++mib_[index].packets;
  mib_[index].bytes += bytes;
}

void FlowTable::age_out(unsigned index) {
  engine_->invalidate(index);
  publish_used();
}

void FlowTable::on_entry_ctrl_written(std::uint32_t now_s) {
  using hw::reg::EntryCtrl;
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
    // ENTRY_DATA[0..31] are consecutive registers: the image moves as one block.
    if (op == EntryCtrl::kOpRead) {
      const EntryImage e = engine_->read(index);
      std::copy(e.begin(), e.end(), window_.begin());
    } else if (op == EntryCtrl::kOpWrite) {
      // The whole image is taken at once: a lookup sees the old entry or the new one.
      EntryImage image;
      std::copy(window_.begin(), window_.end(), image.begin());
      engine_->write(index, image, static_cast<std::uint16_t>(now_s));
      mib_[index] = Mib{};
      publish_used();
      // Written valid (new or in place): the stamp may differ from what the scanner planned with.
      if (Ib1::kState.get(image[Ib1::kWord]) != Ib1::kStateInvalid && watcher_ != nullptr) {
        watcher_->on_entry_live(index);
      }
    } else {
      engine_->invalidate(index);
      publish_used();
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
