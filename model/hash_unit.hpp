// SPDX-License-Identifier: Apache-2.0
// The hash unit: turns a 5-tuple into the flow-table hash (hardware.md §1.3). It runs
// either the C++ twin or the Verilated RTL; both are bit-identical (rtl_twin tests).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "model/foe_hash_engine.hpp"
#include "net/five_tuple.hpp"

namespace flowsim::model {

class HashUnit {
 public:
  // `impl` is "cpp" or "rtl"; anything else throws std::invalid_argument.
  explicit HashUnit(std::string_view impl);
  ~HashUnit();

  std::uint32_t hash(const net::FiveTuple& tuple, std::uint32_t seed);
  std::string_view impl_name() const;

 private:
  std::unique_ptr<FoeHashEngine> engine_;
};

}  // namespace flowsim::model
