// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/model_hal.hpp"

namespace flowsim::testbench {

ModelHal::ModelHal(sc_core::sc_module_name name, HostMemory& memory, MmioTiming timing)
    : sc_core::sc_module(name), csr("csr"), memory_(memory), timing_(timing) {}

bool ModelHal::access(tlm::tlm_command cmd, std::uint32_t offset, std::uint32_t& value, sc_core::sc_time cost) {
  trans_.set_command(cmd);
  trans_.set_address(offset);
  trans_.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
  trans_.set_data_length(4);
  trans_.set_streaming_width(4);
  trans_.set_byte_enable_ptr(nullptr);
  trans_.set_dmi_allowed(false);
  trans_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  csr->b_transport(trans_, delay);
  // The CPU is stalled for the whole access; the device's own latency is inside `cost`.
  wait(cost > delay ? cost : delay);
  if (trans_.is_response_error()) {
    ++bus_errors_;
    return false;
  }
  return true;
}

std::uint32_t ModelHal::read32(std::uint32_t offset) {
  std::uint32_t v = 0;
  if (!access(tlm::TLM_READ_COMMAND, offset, v, timing_.read)) return 0xffffffffu;
  return v;
}

void ModelHal::write32(std::uint32_t offset, std::uint32_t value) {
  access(tlm::TLM_WRITE_COMMAND, offset, value, timing_.write);
}

void ModelHal::sleep(std::chrono::nanoseconds duration) {
  wait(sc_core::sc_time(static_cast<double>(duration.count()), sc_core::SC_NS));
}

std::chrono::nanoseconds ModelHal::now() const {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(sc_core::sc_time_stamp().value() / 1000));
}

}  // namespace flowsim::testbench
