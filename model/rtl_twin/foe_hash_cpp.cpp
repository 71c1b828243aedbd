// SPDX-License-Identifier: Apache-2.0
// FoeHashCpp: a loop over net::foe_hash.
#include "model/rtl_twin/foe_hash_cpp.hpp"

#include <stdexcept>

namespace flowsim::model {

void FoeHashCpp::compute(std::span<const net::FoeHashWords> in, std::span<std::uint32_t> out) {
  if (out.size() != in.size()) {
    throw std::invalid_argument("FoeHashCpp::compute: out.size() != in.size()");
  }
  for (std::size_t i = 0; i < in.size(); ++i) {
    out[i] = net::foe_hash(in[i]);
  }
}

}  // namespace flowsim::model
