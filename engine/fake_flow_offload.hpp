// SPDX-License-Identifier: Apache-2.0
// TEST ONLY: a test double of the offload driver behind FlowOffload, for the engine's unit
// tests (the real driver is tested against the ASIC model in driver/ and testbench/). It
// records every call, accepts or refuses REPLACE as told, and answers STATS with what the
// test sets, so that tests can check what the engine asks of hardware and when.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "engine/flow_offload.hpp"

namespace flowsim::engine::testing {

class FakeFlowOffload : public FlowOffload {
 public:
  OffloadRefusal replace(const OffloadFlow& flow) override {
    replaced.push_back(flow);
    if (refusal == OffloadRefusal::kNone) installed[flow.cookie] = flow;
    return refusal;
  }
  void destroy(std::uint64_t cookie) override {
    destroyed.push_back(cookie);
    installed.erase(cookie);
  }
  std::optional<OffloadStats> stats(std::uint64_t cookie, FlowDirection dir) override {
    ++stats_calls;
    if (!installed.contains(cookie)) return std::nullopt;
    OffloadStats s;
    s.last_used = last_used;
    if (dir == FlowDirection::kOriginal) {
      s.packets = packets;
      s.bytes = bytes;
    }
    return s;
  }

  OffloadRefusal refusal = OffloadRefusal::kNone;  // what replace() answers
  std::chrono::nanoseconds last_used{0};           // what stats() reports
  std::uint64_t packets = 0;                       // per stats() call, original direction
  std::uint64_t bytes = 0;
  std::vector<OffloadFlow> replaced;
  std::vector<std::uint64_t> destroyed;
  std::map<std::uint64_t, OffloadFlow> installed;
  unsigned stats_calls = 0;
};

}  // namespace flowsim::engine::testing
