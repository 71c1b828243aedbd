// SPDX-License-Identifier: Apache-2.0
// Prints a Model as `nft list ruleset` (nftables 1.0.6) does: tab indentation, objects in
// nft's order (sets, flowtables, chains), counters with their values, priorities by name.
#pragma once

#include <string>

#include "engine/nft/model.hpp"

namespace flowsim::engine::nft {

std::string print_model(const Model& model);

}  // namespace flowsim::engine::nft
