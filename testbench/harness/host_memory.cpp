// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/host_memory.hpp"

#include <cstring>

namespace flowsim::testbench {

HostMemory::HostMemory(sc_core::sc_module_name name) : sc_core::sc_module(name), in("in") {
  in.register_b_transport(this, &HostMemory::b_transport);
}

driver::DmaRegion HostMemory::allocate(std::size_t size) {
  const std::size_t rounded = (size + 63) & ~std::size_t{63};
  const std::uint64_t addr = next_bus_addr_;
  // A guard gap between regions makes an overrun an address error, not silent corruption.
  next_bus_addr_ += rounded + 4096;
  Region r{std::make_unique<std::uint8_t[]>(rounded), rounded};
  std::memset(r.bytes.get(), 0, rounded);
  std::uint8_t* host = r.bytes.get();
  regions_.emplace(addr, std::move(r));
  return driver::DmaRegion{host, addr, size};
}

void HostMemory::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  const std::uint64_t addr = trans.get_address();
  const std::size_t len = trans.get_data_length();
  auto it = regions_.upper_bound(addr);
  if (it == regions_.begin() || trans.get_byte_enable_ptr() != nullptr) {
    ++bad_accesses_;
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  --it;
  const std::uint64_t offset = addr - it->first;
  if (offset > it->second.size || len > it->second.size - offset) {
    ++bad_accesses_;
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  std::uint8_t* mem = it->second.bytes.get() + offset;
  if (trans.is_read()) {
    std::memcpy(trans.get_data_ptr(), mem, len);
  } else if (trans.is_write()) {
    std::memcpy(mem, trans.get_data_ptr(), len);
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace flowsim::testbench
