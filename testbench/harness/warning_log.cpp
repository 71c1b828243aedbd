// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/warning_log.hpp"

#include <algorithm>

namespace flowsim::testbench {

void WarningLog::add(std::string_view kind, std::string_view file, std::uint64_t packet, std::string message) {
  auto it = std::find_if(groups_.begin(), groups_.end(), [&](const Group& g) { return g.kind == kind; });
  if (it == groups_.end()) {
    groups_.push_back(Group{std::string(kind), std::move(message), 1, {}});
    return;
  }
  ++it->count;
  if (it->more.size() < kListed) it->more.emplace_back(std::string(file), packet);
}

void WarningLog::add(std::string message) { groups_.push_back(Group{std::string(), std::move(message), 1, {}}); }

std::uint64_t WarningLog::count(std::string_view kind) const {
  auto it = std::find_if(groups_.begin(), groups_.end(), [&](const Group& g) { return g.kind == kind; });
  return it == groups_.end() ? 0 : it->count;
}

std::vector<std::string> WarningLog::lines() const {
  std::vector<std::string> out;
  out.reserve(groups_.size());
  for (const Group& g : groups_) {
    std::string line = g.first;
    if (g.count > 1) {
      line += " (and " + std::to_string(g.count - 1) + " more " + g.kind + ":";
      std::string_view file;
      for (const auto& [f, packet] : g.more) {
        if (f != file) {
          line += " " + f + " packet";
          file = f;
        }
        line += " #" + std::to_string(packet) + ",";
      }
      if (g.count - 1 > g.more.size()) {
        line += " ...)";
      } else {
        line.back() = ')';
      }
    }
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace flowsim::testbench
