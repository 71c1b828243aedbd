// SPDX-License-Identifier: Apache-2.0
// A test bench around the ASIC model as a board would hold it: host memory for DMA, the
// model-backed HAL on its register bus, the interrupt line, and an observer on its ports.
// The test body runs as the CPU's SystemC thread, so it can use the HAL (which takes
// simulated time) and wait. One bench per process: SystemC elaborates once.
#pragma once

#include <functional>
#include <optional>
#include <systemc>

#include "model/asic.hpp"
#include "testbench/bench/recording_observer.hpp"
#include "testbench/harness/host_memory.hpp"
#include "testbench/harness/model_hal.hpp"

namespace flowsim::testbench {

// Two 10 GbE ports and one 2.5 GbE port, the rest as defaults.
model::AsicParams default_bench_params();

// The blocks named by the environment variable FLOWSIM_TEST_RTL ("all", "none", "parser,hash"),
// if it is set: CTest runs the model and end-to-end suites once more with FLOWSIM_TEST_RTL=all
// (label rtl), and every bench and test replay then uses the RTL blocks. Throws
// std::invalid_argument for a value that names no blocks.
std::optional<model::RtlBlocks> test_rtl_blocks();
// `params` with the blocks of test_rtl_blocks(), if set, as RTL.
model::AsicParams with_test_rtl(model::AsicParams params);

class AsicBench : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(AsicBench);
  explicit AsicBench(model::AsicParams params = default_bench_params(),
                     sc_core::sc_module_name name = "bench");

  // Runs `body` as the CPU thread and simulates until nothing is left to do, or until
  // `drain` of simulated time has passed after `body` returned, whichever comes first. The
  // datapath settles within microseconds; the cap keeps the aging scanner (which plans a scan
  // seconds ahead while entries are valid) from changing the table after the body is over,
  // so a test sees the state its body left. A body that wants aging sleeps through it.
  void run(std::function<void()> body, sc_core::sc_time drain = sc_core::sc_time(100, sc_core::SC_MS));

  RecordingObserver observer;
  model::Asic asic;
  HostMemory memory;
  ModelHal hal;
  sc_core::sc_signal<bool> irq;

 private:
  void cpu_thread();
  std::function<void()> body_;
  bool body_done_ = false;
  sc_core::sc_time body_end_;
};

}  // namespace flowsim::testbench
