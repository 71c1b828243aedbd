// SPDX-License-Identifier: Apache-2.0
// `flowsim compare A B`: two replays' outputs side by side, conversation by conversation
// (frames, timestamps, punts) and in their report's totals (hit rate, refusals). Used to
// measure what sharding changes: `flowsim compare SWEEP/merged/GROUP UNSHARDED_OUT`.
// Exit status 0 when every conversation left with the same frames, 7 when not.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace flowsim::tools {

class CompareCommand {
 public:
  explicit CompareCommand(CLI::App& app);
  bool selected() const { return sub_->parsed(); }
  int run() const;

 private:
  CLI::App* sub_;
  std::string a_;
  std::string b_;
  std::string json_;
};

}  // namespace flowsim::tools
