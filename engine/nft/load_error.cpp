// SPDX-License-Identifier: Apache-2.0
// Formats and throws load errors (see load_error.hpp).
#include "engine/nft/load_error.hpp"

#include <fmt/format.h>

#include "net/input_error.hpp"

namespace flowsim::engine::nft {

std::string format_load_error(std::string_view file, const SourceLoc& loc, std::string_view message) {
  std::string where(file);
  if (loc.line != 0) {
    where += fmt::format(":{}:{}", loc.line, loc.col);
  }
  if (loc.json_item >= 0) {
    where += fmt::format(": nftables[{}]", loc.json_item);
  }
  return fmt::format("{}: {}", where, message);
}

void throw_load_error(std::string_view file, const SourceLoc& loc, std::string_view message) {
  throw net::InputError(format_load_error(file, loc, message));
}

}  // namespace flowsim::engine::nft
