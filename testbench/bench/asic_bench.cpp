// SPDX-License-Identifier: Apache-2.0
#include "testbench/bench/asic_bench.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace flowsim::testbench {

model::AsicParams default_bench_params() {
  model::AsicParams p;
  p.ports = {{10'000'000'000, 1500}, {10'000'000'000, 1500}, {2'500'000'000, 1500}};
  return p;
}

model::AsicParams with_test_rtl(model::AsicParams params) {
  params.rtl = test_rtl_blocks().value_or(params.rtl);
  return params;
}

std::optional<model::RtlBlocks> test_rtl_blocks() {
  const char* text = std::getenv("FLOWSIM_TEST_RTL");
  if (text == nullptr) return std::nullopt;
  const auto blocks = model::RtlBlocks::parse(text);
  if (!blocks) throw std::invalid_argument(std::string("FLOWSIM_TEST_RTL='") + text + "' names no RTL blocks");
  return blocks;
}

AsicBench::AsicBench(model::AsicParams params, sc_core::sc_module_name name)
    : sc_core::sc_module(name), asic("asic", with_test_rtl(std::move(params)), observer), memory("memory"), hal("hal", memory),
      irq("irq") {
  hal.csr.bind(asic.csr_socket());
  asic.dma_socket().bind(memory.in);
  asic.irq_o(irq);
  SC_THREAD(cpu_thread);
}

void AsicBench::run(std::function<void()> body, sc_core::sc_time drain) {
  body_ = std::move(body);
  const sc_core::sc_time slice(1, sc_core::SC_MS);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  while (sc_core::sc_pending_activity()) {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    const sc_core::sc_time next = sc_core::sc_time_to_pending_activity();
    // Run at least to the next event: with starvation as the exit policy, a slice that ends
    // before it would not advance time at all.
    sc_core::sc_time step = std::max(slice, next);
    if (body_done_) {
      const sc_core::sc_time limit = body_end_ + drain;
      if (now + next > limit) break;
      step = std::min(step, limit - now);
    }
    // The datapath runs ahead of the SystemC clock, but not past the slice (Calendar).
    asic.set_run_limit((now + step).value());
    sc_core::sc_start(step, sc_core::SC_EXIT_ON_STARVATION);
  }
}

void AsicBench::cpu_thread() {
  if (body_) body_();
  body_done_ = true;
  body_end_ = sc_core::sc_time_stamp();
}

}  // namespace flowsim::testbench
