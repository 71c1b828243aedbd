// SPDX-License-Identifier: Apache-2.0
// The conformance (expectation) file reader (testbench/expect) on arbitrary text: a script,
// or an InputError "FILE:LINE: ...".
#include <cstddef>
#include <cstdint>

#include "fuzz/clear_error.hpp"
#include "fuzz/fuzz_input_file.hpp"
#include "testbench/expect/expectation_script.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const flowsim::fuzz::FuzzInputFile file("fuzz.expect");
  const auto& path = file.write(data, size);
  try {
    (void)flowsim::expect::load_script(path);
  } catch (const flowsim::net::InputError& e) {
    flowsim::fuzz::expect_clear_error(e, path.string());
  }
  return 0;
}
