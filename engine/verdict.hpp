// SPDX-License-Identifier: Apache-2.0
// The engine's decision for one packet: forward it out of an interface (the frame has been
// rewritten in place) or drop it with a named reason.
#pragma once

#include <cstdint>

#include "engine/drop_reason.hpp"

namespace flowsim::engine {

struct Verdict {
  enum class Kind : std::uint8_t { kForward, kDrop } kind = Kind::kDrop;
  unsigned egress_ifindex = 0;  // meaningful for kForward only
  DropReason reason{};          // meaningful for kDrop only

  static constexpr Verdict forward(unsigned egress_ifindex) {
    return Verdict{Kind::kForward, egress_ifindex, DropReason{}};
  }
  static constexpr Verdict drop(DropReason reason) { return Verdict{Kind::kDrop, 0, reason}; }

  constexpr bool forwarded() const { return kind == Kind::kForward; }

  friend constexpr bool operator==(const Verdict&, const Verdict&) = default;
};

}  // namespace flowsim::engine
