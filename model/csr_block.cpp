// SPDX-License-Identifier: Apache-2.0
#include "model/csr_block.hpp"

#include <algorithm>
#include <cstring>

#include "hw/flowsim_hw.hpp"  // Generated.

namespace flowsim::model {
namespace {

constexpr std::uint8_t kWatchWrites = 1, kWatchReads = 2;

}  // namespace

CsrBlock::CsrBlock(sc_core::sc_module_name name, CsrListener& listener, sc_core::sc_time access_latency)
    : sc_core::sc_module(name), in("in"), listener_(listener), access_latency_(access_latency) {
  in.register_b_transport(this, &CsrBlock::b_transport);
  std::uint32_t top = 0;
  for (const auto& r : hw::kRegisters) top = std::max(top, r.offset);
  index_.assign(top / 4 + 1, -1);
  for (std::size_t i = 0; i < hw::kRegisters.size(); ++i) index_[hw::kRegisters[i].offset / 4] = static_cast<int>(i);
  values_.resize(hw::kRegisters.size());
  watched_.resize(hw::kRegisters.size());
  compute_plain_runs();
  reset();
}

void CsrBlock::compute_plain_runs() {
  plain_run_.assign(hw::kRegisters.size(), 0);
  for (std::size_t i = hw::kRegisters.size(); i-- > 0;) {
    if (hw::kRegisters[i].access != hw::Access::kRw || watched_[i] != 0) continue;
    const bool next_adjacent =
        i + 1 < hw::kRegisters.size() && hw::kRegisters[i + 1].offset == hw::kRegisters[i].offset + 4;
    plain_run_[i] = 1 + (next_adjacent ? plain_run_[i + 1] : 0);
  }
}

void CsrBlock::watch_writes(std::uint32_t offset) {
  const int i = index_of(offset);
  if (i >= 0) watched_[static_cast<std::size_t>(i)] |= kWatchWrites;
  compute_plain_runs();
}

void CsrBlock::watch_reads(std::uint32_t offset) {
  const int i = index_of(offset);
  if (i >= 0) watched_[static_cast<std::size_t>(i)] |= kWatchReads;
  compute_plain_runs();
}

void CsrBlock::reset() {
  for (std::size_t i = 0; i < hw::kRegisters.size(); ++i) values_[i] = hw::kRegisters[i].reset;
}

std::span<std::uint32_t> CsrBlock::window(std::uint32_t offset, std::size_t count) {
  const int first = index_of(offset);
  if (first < 0 || count == 0) return {};
  for (std::size_t i = 1; i < count; ++i) {
    if (index_of(offset + static_cast<std::uint32_t>(4 * i)) != first + static_cast<int>(i)) return {};
  }
  return {values_.data() + first, count};
}

void CsrBlock::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  // The access takes effect as it arrives; the response comes back after the block's latency.
  const sc_core::sc_time arrival = delay;
  delay += access_latency_;
  if (trans.get_byte_enable_ptr() != nullptr) {
    ++bus_errors_;
    trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  const unsigned length = trans.get_data_length();
  if (length == 0 || length % 4 != 0 || trans.get_streaming_width() < length) {
    ++bus_errors_;
    trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  const unsigned words = length / 4;
  const std::uint64_t first = trans.get_address();
  if (first > 0xffffffffu || first + length - 1 > 0xffffffffu) {
    ++bus_errors_;
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const auto base = static_cast<std::uint32_t>(first);
  unsigned char* data = trans.get_data_ptr();
  // A burst over plain storage (the entry window) is a copy.
  if (const int i0 = index_of(base); i0 >= 0 && plain_run_[static_cast<std::size_t>(i0)] >= words) {
    std::uint32_t* regs = values_.data() + i0;
    if (trans.is_read()) {
      // A device that stopped answering: what a PCIe read of an absent function returns.
      if (faults_ != nullptr && faults_->reads_all_ones()) {
        std::memset(data, 0xff, length);
      } else {
        std::memcpy(data, regs, length);
      }
    } else if (trans.is_write()) {
      std::memcpy(regs, data, length);
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  for (unsigned w = 0; w < words; ++w) {
    if (index_of(base + 4 * w) < 0) {
      ++bus_errors_;
      trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
  }
  const bool read = trans.is_read();
  if (!read && !trans.is_write()) {
    trans.set_response_status(tlm::TLM_OK_RESPONSE);  // TLM_IGNORE_COMMAND
    return;
  }
  for (unsigned w = 0; w < words; ++w) {
    const std::uint32_t offset = base + 4 * w;
    if (read) {
      read_one(index_of(offset), offset, data + 4 * w, arrival);
    } else {
      write_one(index_of(offset), offset, data + 4 * w, arrival);
    }
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

void CsrBlock::read_one(int index, std::uint32_t offset, unsigned char* data, const sc_core::sc_time& delay) {
  const auto& info = hw::kRegisters[static_cast<std::size_t>(index)];
  if (watched_[static_cast<std::size_t>(index)] & kWatchReads) listener_.on_csr_read(offset, delay);
  std::uint32_t v = info.access == hw::Access::kWo ? 0 : values_[static_cast<std::size_t>(index)];
  // A device that stopped answering: what a PCIe read of an absent function returns.
  if (faults_ != nullptr && faults_->reads_all_ones()) v = 0xffffffffu;
  std::memcpy(data, &v, 4);
}

void CsrBlock::write_one(int index, std::uint32_t offset, const unsigned char* data, const sc_core::sc_time& delay) {
  const auto& info = hw::kRegisters[static_cast<std::size_t>(index)];
  std::uint32_t& stored = values_[static_cast<std::size_t>(index)];
  std::uint32_t v = 0;
  std::memcpy(&v, data, 4);
  switch (info.access) {
    case hw::Access::kRo:
      // Writes to read-only registers are ignored, as on the silicon; counted so a driver
      // bug is visible in the report.
      ++bus_errors_;
      break;
    case hw::Access::kW1c:
      stored &= ~v;
      if (watched_[static_cast<std::size_t>(index)] & kWatchWrites) listener_.on_csr_write(offset, stored, delay);
      break;
    case hw::Access::kRw:
    case hw::Access::kWo:
      stored = v;
      if (watched_[static_cast<std::size_t>(index)] & kWatchWrites) listener_.on_csr_write(offset, stored, delay);
      break;
  }
}

}  // namespace flowsim::model
