// SPDX-License-Identifier: Apache-2.0
// The flow-table lookup as plain C++: the entry array and the lookup decision (hit, miss,
// learn, UNBIND counting, FIN) of hardware.md §4.6. The model's default lookup and the twin
// that LookupRtl is checked against bit for bit.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "model/lookup_engine.hpp"

namespace flowsim::model {

class LookupCpp final : public LookupEngine {
 public:
  // `entries` a power of two, `ways` 1, 2 or 4 dividing it (checked by the chip's parameter
  // validation). Every entry starts INVALID.
  LookupCpp(unsigned entries, unsigned ways);

  // Throws std::invalid_argument if out.size() != in.size().
  void lookup(const LookupConfig& config, std::span<const LookupRequest> in, std::span<LookupResult> out) override;
  EntryImage read(unsigned index) override { return table_[index]; }
  void write(unsigned index, const EntryImage& image, std::uint16_t now_s) override;
  void invalidate(unsigned index) override;
  void clear() override;
  unsigned used() const override { return used_; }
  std::string_view name() const override { return "cpp"; }

 private:
  LookupResult lookup_one(const LookupConfig& config, const LookupRequest& request);
  void learn(unsigned index, const FlowKey& key, std::uint16_t now_s);

  unsigned buckets_;
  std::vector<EntryImage> table_;
  unsigned used_ = 0;
};

}  // namespace flowsim::model
