// SPDX-License-Identifier: Apache-2.0
// Regression tests for JSON rulesets that once escaped as crashes or unlocated errors
// (issue 13, findings 2-4, found by libFuzzer): a number beyond double range, nesting tens
// of thousands of levels deep, a duplicate key. Each must be an InputError naming file, line
// and column.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "engine/nft/ruleset.hpp"
#include "net/input_error.hpp"

namespace flowsim::engine::nft {
namespace {

std::string json_error(std::string_view text) {
  try {
    Ruleset::parse_json(text, "rules.json");
  } catch (const net::InputError& e) {
    return e.what();
  }
  return "loaded";
}

TEST(JsonInputTest, NumberBeyondDoubleRangeIsALocatedError) {
  EXPECT_EQ(json_error(R"({"nftables": [{"table": {"family": "ip", "name": "t", "handle": 1e400}}]})"),
            "rules.json:1:65: invalid JSON: number 1e400 is out of range");
  EXPECT_EQ(json_error("{\"nftables\": [\n  {\"table\": {\"family\": \"ip\", \"name\": \"t\", \"handle\": -2.5e999}}]}"),
            "rules.json:2:53: invalid JSON: number -2.5e999 is out of range");
}

TEST(JsonInputTest, DeepNestingIsALocatedErrorNotAStackOverflow) {
  const std::string deep = "{\"nftables\": " + std::string(37000, '[') + std::string(37000, ']') + "}";
  // jansson, which nft reads JSON with, stops at 2048 levels too.
  EXPECT_EQ(json_error(deep), "rules.json:1:2061: invalid JSON: nested deeper than 2048 levels");
  const std::string objects = "{\"nftables\": [" + [] {
    std::string s;
    for (int i = 0; i < 40000; ++i) s += "{\"a\": ";
    s += "1";
    for (int i = 0; i < 40000; ++i) s += "}";
    return s;
  }() + "]}";
  EXPECT_EQ(json_error(objects), "rules.json:1:12291: invalid JSON: nested deeper than 2048 levels");
}

TEST(JsonInputTest, DuplicateKeyNamesBothPlaces) {
  EXPECT_EQ(json_error("{\"nftables\": [\n {\"table\": {\"family\": \"ip\", \"name\": \"t\", \"family\": \"netdev\"}}\n]}\n"),
            "rules.json:2:42: invalid JSON: duplicate key \"family\" (first at line 2, column 13)");
}

}  // namespace
}  // namespace flowsim::engine::nft
