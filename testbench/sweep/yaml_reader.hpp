// SPDX-License-Identifier: Apache-2.0
// Reading a hand-written YAML file with errors that point into it: every mistake is an
// net::InputError "FILE:LINE:COL: message" (1-based), unknown and duplicate keys are errors
// that name the allowed ones, and values of the wrong type say what was expected.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flowsim::sweep {

// One `key: value` of a map (or one item of a list), with the dotted path used in messages
// ("axes.asic[1].table_entries").
struct YamlField {
  YAML::Node key;
  YAML::Node value;
  std::string path;
};

class YamlReader {
 public:
  // Reads and parses `file`: one YAML document (a second one is an error).
  explicit YamlReader(std::filesystem::path file);

  const YAML::Node& root() const { return root_; }
  const std::filesystem::path& file() const { return file_; }

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const;
  [[noreturn]] void fail(const YamlField& f, const std::string& message) const;
  // "FILE:LINE:COL" of a node, for messages that point at another place.
  std::string where(const YAML::Mark& mark) const;

  // The fields of a map in file order; unknown or duplicate keys are errors.
  std::vector<YamlField> fields(const YamlField& map, std::span<const std::string_view> allowed) const;
  static const YamlField* find(const std::vector<YamlField>& fs, std::string_view name);
  const YamlField& require(const std::vector<YamlField>& fs, const YamlField& map, std::string_view name) const;

  // The items of a list field, each with its path ("scenarios[2]"); a single scalar or map
  // counts as a list of one when `single_ok`.
  std::vector<YamlField> items(const YamlField& f, bool single_ok = false) const;

  std::string scalar(const YamlField& f, std::string_view expected) const;
  std::uint64_t uint(const YamlField& f, std::uint64_t min, std::uint64_t max) const;
  // A file named relative to this file's directory; it must exist.
  std::filesystem::path existing_file(const YamlField& f, std::string_view what) const;

  static std::string type_name(const YAML::Node& n);

 private:
  std::filesystem::path file_;
  std::string file_text_;
  YAML::Node root_;
};

std::string join(std::span<const std::string_view> items);

}  // namespace flowsim::sweep
