// SPDX-License-Identifier: Apache-2.0
// The nft JSON parser (engine/nft, `nft -j list ruleset` / libnftables JSON) on arbitrary
// text: a ruleset, or an InputError "FILE:LINE:COL: ..." (no escaping nlohmann exception, no
// stack overflow on deep nesting: issue 13 findings 2-4).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/nft/ruleset.hpp"
#include "fuzz/clear_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view kName = "fuzz.json";
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto ruleset = flowsim::engine::nft::Ruleset::parse_json(text, kName);
    (void)ruleset.list();
  } catch (const flowsim::net::InputError& e) {
    flowsim::fuzz::expect_clear_error(e, kName);
  }
  return 0;
}
