// SPDX-License-Identifier: Apache-2.0
// One way to fail a load: "FILE:LINE:COL: message", or "FILE:LINE:COL: nftables[N]: message"
// for JSON, thrown as net::InputError so that a user sees where to fix the ruleset.
#pragma once

#include <string>
#include <string_view>

#include "engine/nft/model.hpp"

namespace flowsim::engine::nft {

std::string format_load_error(std::string_view file, const SourceLoc& loc, std::string_view message);

[[noreturn]] void throw_load_error(std::string_view file, const SourceLoc& loc, std::string_view message);

}  // namespace flowsim::engine::nft
