// SPDX-License-Identifier: Apache-2.0
// sc_main for Google Benchmark executables that link SystemC (see sc_gtest_main.cpp).
#include <benchmark/benchmark.h>
#include <systemc>

int sc_main(int argc, char* argv[]) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
