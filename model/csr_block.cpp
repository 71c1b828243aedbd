// SPDX-License-Identifier: Apache-2.0
#include "model/csr_block.hpp"

#include <algorithm>
#include <cstring>

#include "hw/flowsim_hw.hpp"  // Generated.

namespace flowsim::model {

CsrBlock::CsrBlock(sc_core::sc_module_name name, CsrListener& listener, sc_core::sc_time access_latency)
    : sc_core::sc_module(name), in("in"), listener_(listener), access_latency_(access_latency) {
  in.register_b_transport(this, &CsrBlock::b_transport);
  std::uint32_t top = 0;
  for (const auto& r : hw::kRegisters) top = std::max(top, r.offset);
  index_.assign(top / 4 + 1, -1);
  for (std::size_t i = 0; i < hw::kRegisters.size(); ++i) index_[hw::kRegisters[i].offset / 4] = static_cast<int>(i);
  values_.resize(hw::kRegisters.size());
  reset();
}

void CsrBlock::reset() {
  for (std::size_t i = 0; i < hw::kRegisters.size(); ++i) values_[i] = hw::kRegisters[i].reset;
}

int CsrBlock::index_of(std::uint32_t offset) const {
  if (offset % 4 != 0 || offset / 4 >= index_.size()) return -1;
  return index_[offset / 4];
}

std::uint32_t CsrBlock::value(std::uint32_t offset) const {
  const int i = index_of(offset);
  return i < 0 ? 0 : values_[static_cast<std::size_t>(i)];
}

void CsrBlock::hw_set(std::uint32_t offset, std::uint32_t value) {
  const int i = index_of(offset);
  if (i >= 0) values_[static_cast<std::size_t>(i)] = value;
}

void CsrBlock::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  delay += access_latency_;
  const auto offset = static_cast<std::uint32_t>(trans.get_address());
  if (trans.get_byte_enable_ptr() != nullptr) {
    ++bus_errors_;
    trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (trans.get_data_length() != 4 || trans.get_streaming_width() < 4) {
    ++bus_errors_;
    trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  const int i = trans.get_address() > 0xffffffffu ? -1 : index_of(offset);
  if (i < 0) {
    ++bus_errors_;
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const auto& info = hw::kRegisters[static_cast<std::size_t>(i)];
  std::uint32_t& stored = values_[static_cast<std::size_t>(i)];
  if (trans.is_read()) {
    listener_.on_csr_read(offset);
    const std::uint32_t v = info.access == hw::Access::kWo ? 0 : stored;
    std::memcpy(trans.get_data_ptr(), &v, 4);
  } else if (trans.is_write()) {
    std::uint32_t v = 0;
    std::memcpy(&v, trans.get_data_ptr(), 4);
    switch (info.access) {
      case hw::Access::kRo:
        // Writes to read-only registers are ignored, as on the silicon; counted so a driver
        // bug is visible in the report.
        ++bus_errors_;
        break;
      case hw::Access::kW1c:
        stored &= ~v;
        listener_.on_csr_write(offset, stored);
        break;
      case hw::Access::kRw:
      case hw::Access::kWo:
        stored = v;
        listener_.on_csr_write(offset, stored);
        break;
    }
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace flowsim::model
