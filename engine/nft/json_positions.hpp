// SPDX-License-Identifier: Apache-2.0
// Where each value of a JSON document starts (line and column), which nlohmann::json does
// not keep: a second, position-only walk over the text, mirroring the parsed tree, so that a
// JSON ruleset error can point at the offending value like a text one. The walk is
// iterative and never reads past the text, whatever it holds (it runs before the text is
// known to be valid JSON), and it finds what nlohmann either accepts silently or cannot
// locate: nesting deeper than nft's JSON reader allows, duplicate keys (nlohmann keeps the
// last), numbers beyond the range of a double.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/nft/model.hpp"

namespace flowsim::engine::nft {

class JsonPositions {
 public:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  // jansson's JSON_PARSER_MAX_DEPTH, which nft's JSON input goes through.
  static constexpr std::size_t kMaxDepth = 2048;

  // The root value is node 0. Stops at the first container nested deeper than kMaxDepth.
  explicit JsonPositions(std::string_view text);

  // The node of member `key` of an object node / element `index` of an array node, or
  // kNone (also when `node` is kNone).
  std::size_t member(std::size_t node, std::string_view key) const;
  std::size_t element(std::size_t node, std::size_t index) const;
  // Line and column where the value starts (zeroes for kNone).
  SourceLoc loc(std::size_t node) const;
  // Line and column of a byte offset.
  SourceLoc loc_of_offset(std::size_t offset) const;

  // A problem of the text that makes it unusable as a ruleset although it may be JSON, with
  // where it is; the first one found.
  struct Problem {
    std::size_t offset = 0;
    std::string message;
  };
  const std::optional<Problem>& problem() const { return problem_; }

  // The first number literal in `text` outside strings whose value a double cannot hold
  // (what nlohmann rejects as out_of_range.406), with its offset.
  static std::optional<Problem> find_out_of_range_number(std::string_view text);

 private:
  struct Node {
    std::size_t offset = 0;
    std::vector<std::string> keys;  // objects only, parallel to children
    std::vector<std::size_t> key_offsets;
    std::vector<std::size_t> children;
  };

  void walk();
  std::string read_string();
  void skip_blanks();
  void skip_scalar();

  std::string_view text_;
  std::size_t pos_ = 0;
  std::vector<Node> nodes_;
  std::vector<std::size_t> line_starts_;
  std::optional<Problem> problem_;
};

}  // namespace flowsim::engine::nft
