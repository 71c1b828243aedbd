// SPDX-License-Identifier: Apache-2.0
// The position walk (see json_positions.hpp). It trusts the text to be valid JSON, so it only
// has to find where values start and which key or index leads to them.
#include "engine/nft/json_positions.hpp"

#include <algorithm>

namespace flowsim::engine::nft {

JsonPositions::JsonPositions(std::string_view text) : text_(text) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      line_starts_.push_back(i + 1);
    }
  }
  nodes_.reserve(256);
  parse_value();
}

void JsonPositions::skip_blanks() {
  while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
    ++pos_;
  }
}

std::string JsonPositions::parse_string() {
  std::string s;
  ++pos_;  // opening quote
  while (pos_ < text_.size() && text_[pos_] != '"') {
    if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) {
      ++pos_;  // keys in nft JSON are plain words; an escaped character is kept as is
    }
    s += text_[pos_++];
  }
  ++pos_;  // closing quote
  return s;
}

std::size_t JsonPositions::parse_value() {
  skip_blanks();
  const std::size_t index = nodes_.size();
  nodes_.push_back(Node{pos_, {}, {}});
  if (pos_ >= text_.size()) {
    return index;
  }
  const char c = text_[pos_];
  if (c == '{' || c == '[') {
    const char close = c == '{' ? '}' : ']';
    ++pos_;
    for (;;) {
      skip_blanks();
      if (pos_ >= text_.size() || text_[pos_] == close) {
        ++pos_;
        break;
      }
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      std::string key;
      if (c == '{') {
        key = parse_string();
        skip_blanks();
        ++pos_;  // ':'
      }
      const std::size_t child = parse_value();
      nodes_[index].children.push_back(child);
      if (c == '{') {
        nodes_[index].keys.push_back(std::move(key));
      }
    }
  } else if (c == '"') {
    parse_string();
  } else {
    while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != ']' && text_[pos_] != '}' &&
           text_[pos_] != ' ' && text_[pos_] != '\n' && text_[pos_] != '\t' && text_[pos_] != '\r') {
      ++pos_;
    }
  }
  return index;
}

std::size_t JsonPositions::member(std::size_t node, std::string_view key) const {
  if (node >= nodes_.size()) {
    return kNone;
  }
  const Node& n = nodes_[node];
  for (std::size_t i = 0; i < n.keys.size(); ++i) {
    if (n.keys[i] == key) {
      return n.children[i];
    }
  }
  return kNone;
}

std::size_t JsonPositions::element(std::size_t node, std::size_t index) const {
  if (node >= nodes_.size() || index >= nodes_[node].children.size()) {
    return kNone;
  }
  return nodes_[node].children[index];
}

SourceLoc JsonPositions::loc(std::size_t node) const {
  if (node >= nodes_.size()) {
    return SourceLoc{};
  }
  return loc_of_offset(nodes_[node].offset);
}

SourceLoc JsonPositions::loc_of_offset(std::size_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const std::size_t line = static_cast<std::size_t>(it - line_starts_.begin());
  const std::size_t start = line_starts_[line - 1];
  return SourceLoc{static_cast<std::uint32_t>(line), static_cast<std::uint32_t>(offset - start + 1), -1};
}

}  // namespace flowsim::engine::nft
