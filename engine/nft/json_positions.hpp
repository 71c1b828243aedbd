// SPDX-License-Identifier: Apache-2.0
// Where each value of a JSON document starts (line and column), which nlohmann::json does
// not keep: a second, position-only walk over text that has already parsed, mirroring its
// tree, so that a JSON ruleset error can point at the offending value like a text one.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/nft/model.hpp"

namespace flowsim::engine::nft {

class JsonPositions {
 public:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  // `text` must be valid JSON (parse it with nlohmann first). The root value is node 0.
  explicit JsonPositions(std::string_view text);

  // The node of member `key` of an object node / element `index` of an array node, or
  // kNone (also when `node` is kNone).
  std::size_t member(std::size_t node, std::string_view key) const;
  std::size_t element(std::size_t node, std::size_t index) const;
  // Line and column where the value starts (zeroes for kNone).
  SourceLoc loc(std::size_t node) const;
  // Line and column of a byte offset.
  SourceLoc loc_of_offset(std::size_t offset) const;

 private:
  struct Node {
    std::size_t offset = 0;
    std::vector<std::string> keys;  // objects only, parallel to children
    std::vector<std::size_t> children;
  };

  std::size_t parse_value();
  std::string parse_string();
  void skip_blanks();

  std::string_view text_;
  std::size_t pos_ = 0;
  std::vector<Node> nodes_;
  std::vector<std::size_t> line_starts_;
};

}  // namespace flowsim::engine::nft
