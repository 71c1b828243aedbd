// SPDX-License-Identifier: Apache-2.0
// The rewrite unit as plain C++, editing the frame in place with net/checksum.hpp's Linux
// incremental updates. The model's default rewrite unit and the twin that RewriteRtl is
// checked against bit for bit.
#pragma once

#include <span>
#include <string_view>

#include "model/rewrite_engine.hpp"

namespace flowsim::model {

class RewriteCpp final : public RewriteEngine {
 public:
  // What one request does (see RewriteEngine).
  static RewriteResult rewrite_one(const RewriteConfig& config, const RewriteRequest& request);

  // Throws std::invalid_argument if out.size() != in.size().
  void rewrite(const RewriteConfig& config, std::span<const RewriteRequest> in, std::span<RewriteResult> out) override;
  std::string_view name() const override { return "cpp"; }
};

}  // namespace flowsim::model
