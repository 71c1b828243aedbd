// SPDX-License-Identifier: Apache-2.0
// Runs the base chains of one hook over a packet the way nf_tables does (nft_do_chain): rules
// in order, matches until one fails, statements until a verdict; jump/goto/return on a
// fixed 16-entry stack; the base chain's policy when it falls off. Semantics are documented
// on Ruleset::evaluate.
#pragma once

#include "engine/nft/model.hpp"
#include "engine/nft/ruleset.hpp"

namespace flowsim::engine::nft {

// Updates the counters in `model`. Never allocates.
EvalResult evaluate_hook(Model& model, Hook hook, const PacketInfo& packet, PriorityRange range);

}  // namespace flowsim::engine::nft
