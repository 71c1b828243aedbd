// SPDX-License-Identifier: Apache-2.0
#include "testbench/sweep/yaml_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>
#include <system_error>

#include "net/input_error.hpp"

namespace flowsim::sweep {

std::string join(std::span<const std::string_view> items) {
  std::string out;
  for (const std::string_view s : items) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

YamlReader::YamlReader(std::filesystem::path file) : file_(std::move(file)), file_text_(file_.string()) {
  std::ifstream in(file_, std::ios::binary);
  if (!in) throw net::InputError(file_text_ + ": cannot open: " + std::generic_category().message(errno));
  std::ostringstream text;
  text << in.rdbuf();
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text.str());
  } catch (const YAML::Exception& e) {
    fail(e.mark, "YAML syntax error: " + e.msg);
  }
  if (documents.size() > 1) fail(documents[1].Mark(), "the file holds one YAML document, this is a second one");
  root_ = documents.empty() ? YAML::Node(YAML::NodeType::Null) : documents.front();
}

std::string YamlReader::where(const YAML::Mark& mark) const {
  // yaml-cpp marks are 0-based, editors count from 1; a node built from nothing has a null
  // mark: point at the start of the file then.
  const int line = mark.is_null() ? 1 : mark.line + 1;
  const int column = mark.is_null() ? 1 : mark.column + 1;
  return file_text_ + ":" + std::to_string(line) + ":" + std::to_string(column);
}

void YamlReader::fail(const YAML::Mark& mark, const std::string& message) const {
  throw net::InputError(where(mark) + ": " + message);
}

void YamlReader::fail(const YamlField& f, const std::string& message) const {
  // An empty value's own mark is wherever the parser stopped: point at the key then.
  const YAML::Node& at = f.value.IsNull() && f.key.IsDefined() ? f.key : f.value;
  fail(at.Mark(), (f.path.empty() ? "" : f.path + ": ") + message);
}

std::string YamlReader::type_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "'" + n.Scalar() + "'";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: break;
  }
  return "nothing";
}

std::vector<YamlField> YamlReader::fields(const YamlField& map, std::span<const std::string_view> allowed) const {
  if (!map.value.IsMap()) fail(map, "expected a map with the keys " + join(allowed) + ", got " + type_name(map.value));
  const std::string where_text = map.path.empty() ? "at top level" : "in " + map.path;
  std::vector<YamlField> out;
  for (auto it = map.value.begin(); it != map.value.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) fail(key.Mark(), "keys must be plain names " + where_text + ", got " + type_name(key));
    const std::string name = key.Scalar();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      fail(key.Mark(), "unknown key '" + name + "' " + where_text + "; allowed keys: " + join(allowed));
    }
    for (const YamlField& seen : out) {
      if (seen.key.Scalar() == name) {
        fail(key.Mark(), "duplicate key '" + name + "' " + where_text + " (first at line " +
                             std::to_string(seen.key.Mark().line + 1) + ")");
      }
    }
    out.push_back(YamlField{key, it->second, map.path.empty() ? name : map.path + "." + name});
  }
  return out;
}

const YamlField* YamlReader::find(const std::vector<YamlField>& fs, std::string_view name) {
  for (const YamlField& f : fs) {
    if (f.key.Scalar() == name) return &f;
  }
  return nullptr;
}

const YamlField& YamlReader::require(const std::vector<YamlField>& fs, const YamlField& map,
                                     std::string_view name) const {
  if (const YamlField* f = find(fs, name)) return *f;
  fail(map.value.Mark(), "missing required key '" + std::string(name) + "' " +
                             (map.path.empty() ? "at top level" : "in " + map.path));
}

std::vector<YamlField> YamlReader::items(const YamlField& f, bool single_ok) const {
  std::vector<YamlField> out;
  if (!f.value.IsSequence()) {
    if (!single_ok || f.value.IsNull()) fail(f, "expected a list, got " + type_name(f.value));
    out.push_back(YamlField{f.key, f.value, f.path});
    return out;
  }
  if (f.value.size() == 0) fail(f, "an empty list: give at least one value or leave the key out");
  for (std::size_t i = 0; i < f.value.size(); ++i) {
    out.push_back(YamlField{f.key, f.value[i], f.path + "[" + std::to_string(i) + "]"});
  }
  return out;
}

std::string YamlReader::scalar(const YamlField& f, std::string_view expected) const {
  if (!f.value.IsScalar()) fail(f, "expected " + std::string(expected) + ", got " + type_name(f.value));
  return f.value.Scalar();
}

std::uint64_t YamlReader::uint(const YamlField& f, std::uint64_t min, std::uint64_t max) const {
  const std::string text = scalar(f, "a non-negative integer");
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  const std::string range = std::to_string(min) + ".." + std::to_string(max);
  if (ec == std::errc::result_out_of_range) fail(f, text + " is out of range " + range);
  if (ec != std::errc{} || end != text.data() + text.size()) fail(f, "expected a non-negative integer, got '" + text + "'");
  if (v < min || v > max) fail(f, text + " is out of range " + range);
  return v;
}

std::filesystem::path YamlReader::existing_file(const YamlField& f, std::string_view what) const {
  const std::string text = scalar(f, "a file name");
  if (text.empty()) fail(f, "expected a file name, got ''");
  const std::filesystem::path p = std::filesystem::absolute(file_.parent_path() / text).lexically_normal();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) {
    fail(f, std::string(what) + " '" + text + "' not found (looked for " + p.string() + ")");
  }
  return p;
}

}  // namespace flowsim::sweep
