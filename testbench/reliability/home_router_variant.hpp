// SPDX-License-Identifier: Apache-2.0
// TEST ONLY: the bundled home router scenario with some of its values replaced, written into
// the build tree (file paths made absolute), for tests that replay the default trace under
// other parameters.
#pragma once

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace flowsim::testbench {

// `replacements` are (text in home_router.yaml, its replacement); each must occur once.
inline std::filesystem::path home_router_variant(const std::string& name,
                                                 const std::vector<std::pair<std::string, std::string>>& replacements) {
  const std::filesystem::path source = FLOWSIM_SOURCE_DIR;
  std::ifstream in(source / "scenarios/home_router.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto replace_once = [&](const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    if (at == std::string::npos || text.find(from, at + 1) != std::string::npos) {
      throw std::logic_error("'" + from + "' is not in home_router.yaml exactly once");
    }
    text.replace(at, from.size(), to);
  };
  replace_once("ruleset: home_router.nft", "ruleset: " + (source / "scenarios/home_router.nft").string());
  replace_once("pcap: ../traces/default/lan.pcap", "pcap: " + (source / "traces/default/lan.pcap").string());
  replace_once("pcap: ../traces/default/wan.pcap", "pcap: " + (source / "traces/default/wan.pcap").string());
  for (const auto& [from, to] : replacements) replace_once(from, to);
  const std::filesystem::path dir = std::filesystem::path(FLOWSIM_BINARY_DIR) / "testbench/reliability/work";
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / (name + ".yaml");
  std::ofstream(file) << text;
  return file;
}

}  // namespace flowsim::testbench
