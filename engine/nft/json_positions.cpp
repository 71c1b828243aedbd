// SPDX-License-Identifier: Apache-2.0
// The position walk (see json_positions.hpp): an explicit stack of open containers instead of
// recursion, so that depth costs memory on the heap, bounded by kMaxDepth, never the C++
// stack. On text that is not JSON it stops early; the caller only uses its result once
// nlohmann has accepted the text.
#include "engine/nft/json_positions.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace flowsim::engine::nft {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_number_char(char c) { return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'; }

}  // namespace

JsonPositions::JsonPositions(std::string_view text) : text_(text) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      line_starts_.push_back(i + 1);
    }
  }
  nodes_.reserve(256);
  walk();
}

void JsonPositions::skip_blanks() {
  while (pos_ < text_.size() && is_blank(text_[pos_])) {
    ++pos_;
  }
}

std::string JsonPositions::read_string() {
  std::string s;
  ++pos_;  // opening quote
  while (pos_ < text_.size() && text_[pos_] != '"') {
    if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) {
      ++pos_;  // keys in nft JSON are plain words; an escaped character is kept as is
    }
    s += text_[pos_++];
  }
  if (pos_ < text_.size()) {
    ++pos_;  // closing quote
  }
  return s;
}

void JsonPositions::skip_scalar() {
  while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != ']' && text_[pos_] != '}' &&
         !is_blank(text_[pos_])) {
    ++pos_;
  }
}

void JsonPositions::walk() {
  struct Open {
    std::size_t node;
    bool object;
  };
  std::vector<Open> open;
  // Starts the value at pos_ as a child of the innermost open container (with `key` if that
  // is an object). False: stop walking.
  auto start_value = [&](std::string key, std::size_t key_offset) {
    skip_blanks();
    const std::size_t index = nodes_.size();
    nodes_.push_back(Node{pos_, {}, {}, {}});
    if (!open.empty()) {
      Node& parent = nodes_[open.back().node];
      parent.children.push_back(index);
      if (open.back().object) {
        parent.keys.push_back(std::move(key));
        parent.key_offsets.push_back(key_offset);
      }
    }
    if (pos_ >= text_.size()) {
      return false;
    }
    const char c = text_[pos_];
    if (c == '{' || c == '[') {
      if (open.size() >= kMaxDepth) {
        problem_ = Problem{pos_, fmt::format("nested deeper than {} levels", kMaxDepth)};
        return false;
      }
      open.push_back(Open{index, c == '{'});
      ++pos_;
    } else if (c == '"') {
      read_string();
    } else {
      skip_scalar();
    }
    return true;
  };
  if (!start_value({}, 0)) {
    return;
  }
  while (!open.empty()) {
    skip_blanks();
    if (pos_ >= text_.size()) {
      return;
    }
    const char c = text_[pos_];
    const bool object = open.back().object;
    if (c == (object ? '}' : ']')) {
      ++pos_;
      open.pop_back();
      continue;
    }
    if (c == ',') {
      ++pos_;
      continue;
    }
    if (!object) {
      const std::size_t before = pos_;
      if (!start_value({}, 0)) {
        return;
      }
      if (pos_ == before) {
        return;  // not JSON: nothing would ever be consumed
      }
      continue;
    }
    if (c != '"') {
      return;  // not JSON
    }
    const std::size_t key_offset = pos_;
    std::string key = read_string();
    const Node& parent = nodes_[open.back().node];
    if (!problem_) {
      const auto same = std::find(parent.keys.begin(), parent.keys.end(), key);
      if (same != parent.keys.end()) {
        const SourceLoc first = loc_of_offset(parent.key_offsets[static_cast<std::size_t>(same - parent.keys.begin())]);
        problem_ = Problem{key_offset, fmt::format("duplicate key \"{}\" (first at line {}, column {})", key, first.line,
                                                   first.col)};
      }
    }
    skip_blanks();
    if (pos_ >= text_.size() || text_[pos_] != ':') {
      return;  // not JSON
    }
    ++pos_;
    if (!start_value(std::move(key), key_offset)) {
      return;
    }
  }
}

std::optional<JsonPositions::Problem> JsonPositions::find_out_of_range_number(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      ++i;
      while (i < text.size() && text[i] != '"') {
        i += text[i] == '\\' ? 2 : 1;
      }
      ++i;
      continue;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      const std::size_t start = i;
      while (i < text.size() && is_number_char(text[i])) {
        ++i;
      }
      const std::string literal(text.substr(start, i - start));
      errno = 0;
      const double value = std::strtod(literal.c_str(), nullptr);
      if (std::isinf(value)) {
        return Problem{start, fmt::format("number {} is out of range", literal)};
      }
      continue;
    }
    ++i;
  }
  return std::nullopt;
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
