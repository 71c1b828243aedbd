// SPDX-License-Identifier: Apache-2.0
// OpenWrt firewall4's test suite expectations (testdata/firewall4/README.md): every ruleset
// real nft accepts loads, and lists back byte for byte as real nft 1.0.6 listed it, from the
// text and from real nft's own `nft -j list ruleset` JSON; the three real nft refuses are
// refused with nft's reason. The recordings were made on a kernel without flowtables and
// without OpenWrt's rtsp helper, so the listing is compared for the ruleset without them
// (kernel_variant, the same edit the recording used); the complete ruleset must load too.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/nft/nft_test_util.hpp"
#include "engine/nft/ruleset.hpp"
#include "net/input_error.hpp"

namespace flowsim::engine::nft {
namespace {

namespace fs = std::filesystem;

fs::path suite_dir() { return testing::testdata("firewall4"); }

std::vector<std::string> suite_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(suite_dir())) {
    const std::string file = entry.path().filename().string();
    if (entry.is_regular_file() && file.ends_with(".nft")) {
      names.push_back(file.substr(0, file.size() - 4));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The ruleset without its flowtable, `flow offload` rules and rtsp helper.
std::string kernel_variant(const std::string& text) {
  std::string out;
  bool skipping = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line == "\tflowtable ft {" || line == "\tct helper rtsp {") {
      skipping = true;
    }
    const bool dropped = skipping || line.find("flow offload @ft") != std::string::npos ||
                         line.find("ct helper set \"rtsp\"") != std::string::npos;
    if (skipping && line == "\t}") {
      skipping = false;
    }
    if (!dropped) {
      out += line + "\n";
    }
  }
  return out;
}

// What real nft 1.0.6 says about the ones it refuses, and where flowsim says it.
const std::map<std::string, std::string> kRefused{
    // fw4 configures a helper the kernel does not have
    {"02_zones__06_family_selections", "02_zones__06_family_selections.nft:9:2: unknown ct helper type \"test\""},
    // `dnat 10.0.0.2:22` after a match of no transport protocol
    {"02_zones__08_log_limit",
     "02_zones__08_log_limit.nft:234:81: transport protocol mapping is only valid after transport protocol match"},
    {"03_rules__11_log", "03_rules__11_log.nft:95:71: transport protocol mapping is only valid after transport protocol match"},
};

// Valid nft that flowsim does not model yet: each is refused in one pass with "unsupported"
// naming what (never a syntax error). The string is the first error's text.
const std::map<std::string, std::string> kPending{
    // none left: every expectation real nft accepts loads
};

// The recorded listing without the time its set elements had left (`expires 9m59s884ms`:
// the real seconds between loading and listing, which flowsim does not model).
std::string recorded_listing(const std::string& file) {
  std::string text = testing::read_testdata("firewall4/" + file);
  for (std::size_t at = text.find(" expires "); at != std::string::npos; at = text.find(" expires ", at)) {
    const std::size_t end = text.find_first_of(",\n }", at + 9);
    text.erase(at, end - at);
  }
  return text;
}

// nft -j does not print a set's auto-merge, so a ruleset loaded from its JSON has none.
std::string without_auto_merge(std::string text) {
  for (std::size_t at = text.find("\t\tauto-merge\n"); at != std::string::npos; at = text.find("\t\tauto-merge\n", at)) {
    text.erase(at, 13);
  }
  return text;
}

std::string load_error(const fs::path& file) {
  try {
    Ruleset::load_text(file);
  } catch (const net::InputError& e) {
    return e.what();
  }
  return {};
}

TEST(Firewall4SuiteTest, EveryExpectationLoadsOrIsRefusedAsNftRefusesIt) {
  const std::vector<std::string> names = suite_names();
  ASSERT_EQ(names.size(), 30u);
  for (const std::string& name : names) {
    const std::string error = load_error(suite_dir() / (name + ".nft"));
    if (auto refused = kRefused.find(name); refused != kRefused.end()) {
      EXPECT_NE(error.find(refused->second), std::string::npos) << name << ": " << error;
    } else if (auto pending = kPending.find(name); pending != kPending.end()) {
      const std::string first = error.substr(0, error.find('\n'));
      EXPECT_TRUE(first.ends_with(pending->second)) << name << ": " << error;
    } else {
      EXPECT_EQ(error, "") << name;
    }
  }
}

TEST(Firewall4SuiteTest, TextListsBackAsNftListedIt) {
  std::size_t compared = 0;
  for (const std::string& name : suite_names()) {
    if (!fs::exists(suite_dir() / (name + ".list")) || kPending.contains(name)) {
      continue;
    }
    // Parsed from the suite's directory so that its includes resolve.
    const std::string variant = kernel_variant(testing::read_testdata("firewall4/" + name + ".nft"));
    const Ruleset r = Ruleset::parse_text(variant, (suite_dir() / (name + ".nft")).string());
    EXPECT_EQ(r.list(), recorded_listing(name + ".list")) << name;
    ++compared;
  }
  EXPECT_EQ(compared, 27u);
}

TEST(Firewall4SuiteTest, NftJsonListsBackAsNftListedIt) {
  std::size_t compared = 0;
  for (const std::string& name : suite_names()) {
    if (!fs::exists(suite_dir() / (name + ".json")) || kPending.contains(name)) {
      continue;
    }
    const Ruleset r = Ruleset::load_json(suite_dir() / (name + ".json"));
    // Where nft's own JSON round trip lists differently (a one-element set of a range turns
    // into the range), NAME.json.list records what it printed.
    const bool own_listing = fs::exists(suite_dir() / (name + ".json.list"));
    EXPECT_EQ(r.list(), without_auto_merge(recorded_listing(name + (own_listing ? ".json.list" : ".list")))) << name;
    ++compared;
  }
  EXPECT_EQ(compared, 27u);
}

}  // namespace
}  // namespace flowsim::engine::nft
