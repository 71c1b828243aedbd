// SPDX-License-Identifier: Apache-2.0
#include "model/hash_unit.hpp"

#include <stdexcept>
#include <string>

#include "model/rtl_twin/foe_hash_cpp.hpp"
#include "model/rtl_twin/foe_hash_rtl.hpp"
#include "net/foe_hash.hpp"

namespace flowsim::model {

HashUnit::HashUnit(std::string_view impl) {
  if (impl == "cpp") {
    engine_ = std::make_unique<FoeHashCpp>();
  } else if (impl == "rtl") {
    engine_ = std::make_unique<FoeHashRtl>();
  } else {
    throw std::invalid_argument("hash unit implementation must be \"cpp\" or \"rtl\", not \"" + std::string(impl) +
                                "\"");
  }
}

HashUnit::~HashUnit() = default;

std::uint32_t HashUnit::hash(const net::FiveTuple& tuple, std::uint32_t seed) {
  const net::FoeHashWords words = net::foe_hash_words(tuple, seed);
  std::uint32_t out = 0;
  engine_->compute({&words, 1}, {&out, 1});
  return out;
}

std::string_view HashUnit::impl_name() const { return engine_->name(); }

}  // namespace flowsim::model
