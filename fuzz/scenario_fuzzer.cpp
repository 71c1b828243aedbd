// SPDX-License-Identifier: Apache-2.0
// The scenario loader (testbench/scenario) on arbitrary YAML, and the engine configuration
// built from what it accepts: a scenario, or an InputError naming the file (with line:col
// where there is one). The input sits where the bundled scenario does, next to links to its
// ruleset and traces, so that inputs derived from scenarios/home_router.yaml load fully and
// the fuzzer gets past file lookups into the checks behind them. Finding 1 (a one-byte file
// that made YAML::LoadAll loop while memory grew) is the kind of thing this catches: run with
// -rss_limit_mb and -timeout.
#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "fuzz/clear_error.hpp"
#include "fuzz/fuzz_input_file.hpp"
#include "testbench/scenario/scenario.hpp"

namespace {

const flowsim::fuzz::FuzzInputFile& input_file() {
  static const flowsim::fuzz::FuzzInputFile file("scenarios/scenario.yaml");
  static const bool linked = [] {
    const std::filesystem::path source(FLOWSIM_SOURCE_DIR);
    file.link("scenarios/home_router.nft", source / "scenarios/home_router.nft");
    file.link("scenarios/home_router.json", source / "scenarios/home_router.json");
    file.link("traces", source / "traces");
    return true;
  }();
  (void)linked;
  return file;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& path = input_file().write(data, size);
  try {
    const flowsim::scenario::Scenario s = flowsim::scenario::load_scenario(path);
    (void)flowsim::scenario::to_engine_config(s);
  } catch (const flowsim::net::InputError& e) {
    flowsim::fuzz::expect_clear_error(e, path.string());
  }
  return 0;
}
