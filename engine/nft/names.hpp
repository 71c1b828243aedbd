// SPDX-License-Identifier: Apache-2.0
// Names of families, hooks and chain types, and chain priorities the way nft reads and
// prints them ("filter", "srcnat + 10", "-150"), shared by both parsers and the printer.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/nft/model.hpp"

namespace flowsim::engine::nft {

std::string_view family_name(Family family);
std::optional<Family> family_from_name(std::string_view name);
std::string_view hook_name(Hook hook);
std::optional<Hook> hook_from_name(std::string_view name);
std::string_view chain_type_name(ChainType type);
std::optional<ChainType> chain_type_from_name(std::string_view name);

// The value of a standard priority name ("filter", "dstnat", ...) if nft accepts it for
// this family and hook (std_prio_family_hook_compat: dstnat only on prerouting/output,
// srcnat only on input/postrouting, netdev only filter).
std::optional<int> standard_priority(std::string_view name, Family family, Hook hook);
// As nft 1.0.6's prio2str prints it: the first standard name within 10 of `priority`, with
// the offset ("filter + 10"), or the number if that name does not suit the hook (1.0.6
// names dstnat only on prerouting and srcnat only on postrouting).
std::string format_priority(int priority, Family family, Hook hook);

}  // namespace flowsim::engine::nft
