// SPDX-License-Identifier: Apache-2.0
// Simulated times as people write them in scenario and conformance files: a number with a
// unit (ps, ns, us, ms, s), held in integer picoseconds like the model's clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowsim::scenario {

// "1.5ms", "30s", "200 ns" in picoseconds; nullopt for anything else (no unit, negative,
// beyond 64-bit picoseconds).
std::optional<std::uint64_t> parse_time_ps(std::string_view text);
// The shortest exact spelling ("1500us", "30s"), as a file would write it.
std::string format_time_ps(std::uint64_t ps);
// For people: three decimals in the largest unit that keeps the number at least 1
// ("24.873 us", "1.500 s").
std::string describe_time_ps(std::uint64_t ps);

}  // namespace flowsim::scenario
