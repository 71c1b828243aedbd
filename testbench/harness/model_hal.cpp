// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/model_hal.hpp"

#include <algorithm>

#include "hw/flowsim_hw.hpp"  // Generated.

namespace flowsim::testbench {

ModelHal::ModelHal(sc_core::sc_module_name name, HostMemory& memory, MmioTiming timing)
    : sc_core::sc_module(name), csr("csr"), memory_(memory), timing_(timing) {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(timing_.quantum);
  keeper_.reset();
  std::uint32_t top = 0;
  for (const auto& r : hw::kRegisters) top = std::max(top, r.offset);
  std::vector<bool> is_volatile(top / 4 + 1, false);
  for (const auto& r : hw::kRegisters) is_volatile[r.offset / 4] = r.is_volatile;
  volatile_before_.assign(is_volatile.size() + 1, 0);
  for (std::size_t i = 0; i < is_volatile.size(); ++i) volatile_before_[i + 1] = volatile_before_[i] + is_volatile[i];
}

bool ModelHal::any_volatile(std::uint32_t offset, std::size_t words) const {
  // Offsets the map does not have are answered by nobody: no progress to wait for.
  const std::size_t first = std::min<std::size_t>(offset / 4, volatile_before_.size() - 1);
  const std::size_t end = std::min<std::size_t>(offset / 4 + words, volatile_before_.size() - 1);
  return volatile_before_[end] != volatile_before_[first];
}

void ModelHal::wait_local() {
  if (keeper_.get_local_time() != sc_core::SC_ZERO_TIME) {
    ++syncs_;
    keeper_.sync();
  } else {
    keeper_.reset();
  }
}

void ModelHal::catch_up_if_needed() {
  const sc_core::sc_time local = keeper_.get_local_time();
  if (local == sc_core::SC_ZERO_TIME) return;
  // Nothing else can happen before the CPU's time: the device is already where it would be.
  if (sc_core::sc_time_to_pending_activity() > local) return;
  wait_local();
}

bool ModelHal::access(tlm::tlm_command cmd, std::uint32_t offset, std::uint32_t* words, std::size_t count,
                      const sc_core::sc_time& cost) {
  const auto bytes = static_cast<unsigned>(4 * count);
  trans_.set_command(cmd);
  trans_.set_address(offset);
  trans_.set_data_ptr(reinterpret_cast<unsigned char*>(words));
  trans_.set_data_length(bytes);
  trans_.set_streaming_width(bytes);
  trans_.set_byte_enable_ptr(nullptr);
  trans_.set_dmi_allowed(false);
  trans_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  const sc_core::sc_time local = keeper_.get_local_time();
  sc_core::sc_time delay = local;
  csr->b_transport(trans_, delay);
  // The CPU is stalled for the whole access; the device's own latency is inside `cost`.
  const sc_core::sc_time device = delay - local;
  keeper_.inc(cost > device ? cost : device);
  if (keeper_.need_sync()) wait_local();
  if (trans_.is_response_error()) {
    ++bus_errors_;
    return false;
  }
  return true;
}

std::uint32_t ModelHal::read32(std::uint32_t offset) {
  if (any_volatile(offset, 1)) catch_up_if_needed();
  std::uint32_t v = 0;
  if (!access(tlm::TLM_READ_COMMAND, offset, &v, 1, timing_.read)) return 0xffffffffu;
  return v;
}

void ModelHal::write32(std::uint32_t offset, std::uint32_t value) {
  access(tlm::TLM_WRITE_COMMAND, offset, &value, 1, timing_.write);
}

void ModelHal::write_block(std::uint32_t offset, std::span<const std::uint32_t> words) {
  if (words.empty()) return;
  // The payload's data pointer is not const; a write only reads it.
  auto* data = const_cast<std::uint32_t*>(words.data());
  access(tlm::TLM_WRITE_COMMAND, offset, data, words.size(),
         timing_.write + timing_.burst_write_word * static_cast<double>(words.size() - 1));
}

void ModelHal::read_block(std::uint32_t offset, std::span<std::uint32_t> words) {
  if (words.empty()) return;
  if (any_volatile(offset, words.size())) catch_up_if_needed();
  if (!access(tlm::TLM_READ_COMMAND, offset, words.data(), words.size(),
              timing_.read + timing_.burst_read_word * static_cast<double>(words.size() - 1))) {
    std::fill(words.begin(), words.end(), 0xffffffffu);
  }
}

void ModelHal::sync_for_cpu() { catch_up_if_needed(); }

void ModelHal::sync() { wait_local(); }

void ModelHal::sleep(std::chrono::nanoseconds duration) {
  keeper_.inc(sc_core::sc_time(static_cast<double>(duration.count()), sc_core::SC_NS));
  wait_local();
}

std::chrono::nanoseconds ModelHal::now() const {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(keeper_.get_current_time().value() / 1000));
}

}  // namespace flowsim::testbench
