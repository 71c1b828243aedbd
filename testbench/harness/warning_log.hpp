// SPDX-License-Identifier: Apache-2.0
// Warnings about the input, grouped by kind: a capture with a million packets cut by its
// snaplen gives one line with the count, the first occurrence in full and the next few
// packet numbers, not a million lines. Kinds keep the order in which they first occurred.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace flowsim::testbench {

class WarningLog {
 public:
  // How many packet numbers after the first a group lists.
  static constexpr std::size_t kListed = 8;

  // One occurrence of `kind` (a reason name such as "truncated_capture"). `message` is the
  // full sentence, kept for the first occurrence only; `file` and `packet` locate the later
  // ones (packet 0: no packet).
  void add(std::string_view kind, std::string_view file, std::uint64_t packet, std::string message);
  // A warning that is not about a packet; never grouped.
  void add(std::string message);

  // One line per group: the first message, and for a repeated kind "(and N more: FILE
  // packets #a, #b, ...)".
  std::vector<std::string> lines() const;
  std::uint64_t count(std::string_view kind) const;
  bool empty() const { return groups_.empty(); }

 private:
  struct Group {
    std::string kind;
    std::string first;
    std::uint64_t count = 0;
    std::vector<std::pair<std::string, std::uint64_t>> more;  // (file, packet), up to kListed
  };
  std::vector<Group> groups_;
};

}  // namespace flowsim::testbench
