// SPDX-License-Identifier: Apache-2.0
// The nft text parser (engine/nft, `nft -f` syntax) on arbitrary text: a ruleset, or an
// InputError "FILE:LINE:COL: ...". A ruleset that loads is also listed (the printer walks
// everything the parser built).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/nft/ruleset.hpp"
#include "fuzz/clear_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view kName = "fuzz.nft";
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto ruleset = flowsim::engine::nft::Ruleset::parse_text(text, kName);
    (void)ruleset.list();
  } catch (const flowsim::net::InputError& e) {
    flowsim::fuzz::expect_clear_error(e, kName);
  }
  return 0;
}
