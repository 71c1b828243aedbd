// SPDX-License-Identifier: Apache-2.0
#include "testbench/bench/asic_bench.hpp"

namespace flowsim::testbench {

model::AsicParams default_bench_params() {
  model::AsicParams p;
  p.ports = {{10'000'000'000, 1500}, {10'000'000'000, 1500}, {2'500'000'000, 1500}};
  return p;
}

AsicBench::AsicBench(model::AsicParams params, sc_core::sc_module_name name)
    : sc_core::sc_module(name), asic("asic", std::move(params), observer), memory("memory"), hal("hal", memory),
      irq("irq") {
  hal.csr.bind(asic.csr_socket());
  asic.dma_socket().bind(memory.in);
  asic.irq_o(irq);
  SC_THREAD(cpu_thread);
}

void AsicBench::run(std::function<void()> body) {
  body_ = std::move(body);
  sc_core::sc_start();
}

void AsicBench::cpu_thread() {
  if (body_) body_();
}

}  // namespace flowsim::testbench
