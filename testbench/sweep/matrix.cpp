// SPDX-License-Identifier: Apache-2.0
#include "testbench/sweep/matrix.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "net/input_error.hpp"
#include "testbench/sweep/yaml_reader.hpp"

namespace flowsim::sweep {
namespace {

constexpr std::array<std::string_view, 10> kTopKeys = {"name", "description", "scenarios", "traffic", "asic",
                                                       "rtl",  "engine",      "seeds",     "shards",  "replay_args"};
// The axes in the order they vary (first slowest) and appear in ids.
constexpr std::array<std::string_view, 7> kAxisOrder = {"scenarios", "traffic", "asic", "rtl",
                                                        "engine",    "seeds",   "shards"};
constexpr std::array<std::string_view, 2> kScenarioKeys = {"name", "file"};
constexpr std::array<std::string_view, 4> kTrafficKeys = {"name", "ports", "capture", "args"};
// Blocks with an RTL twin selectable through `asic.hash` before `flowsim replay --rtl` exists.
constexpr std::string_view kHashBlock = "hash";
constexpr unsigned kMaxShards = 4096;

// Labels become parts of folder names and JUnit test names: no '/', spaces or quotes.
std::string sanitize(const std::string& s) {
  std::string out;
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '=' || c == ',' || c == '+' || c == '-' || c == '_';
    out += ok ? c : '-';
  }
  return out.empty() ? "-" : out;
}

// "k=v" for every scalar leaf of a map, keys sorted, so that a label does not depend on the
// order the keys were written in.
void flatten(const YAML::Node& n, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (n.IsMap()) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      flatten(it->second, prefix.empty() ? it->first.Scalar() : prefix + "." + it->first.Scalar(), out);
    }
  } else if (n.IsSequence()) {
    std::string joined;
    for (std::size_t i = 0; i < n.size(); ++i) joined += (i ? "+" : "") + (n[i].IsScalar() ? n[i].Scalar() : "?");
    out[prefix] = joined;
  } else {
    out[prefix] = n.IsScalar() ? n.Scalar() : "";
  }
}

class MatrixLoader {
 public:
  MatrixLoader(const std::filesystem::path& file, const ReplayOptionCheck& known)
      : yaml_(std::filesystem::absolute(file).lexically_normal()), known_(known) {}

  Matrix load() {
    Matrix m;
    m.file = yaml_.file();
    const YamlField root{YAML::Node(), yaml_.root(), ""};
    if (!root.value.IsMap()) {
      yaml_.fail(root.value.Mark(), "a matrix must be a YAML map with the keys " + join(kTopKeys) + ", got " +
                                        YamlReader::type_name(root.value));
    }
    const std::vector<YamlField> top = yaml_.fields(root, kTopKeys);
    m.name = m.file.stem().string();
    if (const YamlField* f = YamlReader::find(top, "name")) m.name = sanitize(yaml_.scalar(*f, "a name"));
    if (const YamlField* f = YamlReader::find(top, "description")) m.description = yaml_.scalar(*f, "a string");
    if (const YamlField* f = YamlReader::find(top, "replay_args")) {
      for (const YamlField& item : yaml_.items(*f, true)) m.replay_args.push_back(replay_arg(item));
    }
    for (const std::string_view name : kAxisOrder) {
      Axis axis{std::string(name), false, {}};
      if (const YamlField* f = YamlReader::find(top, name)) {
        axis.in_file = true;
        read_axis(*f, axis);
      } else if (name == "scenarios") {
        yaml_.require(top, root, name);
      } else {
        AxisValue v;
        v.label = v.group_label = "default";
        v.where = yaml_.where(root.value.Mark());
        axis.values.push_back(std::move(v));
      }
      m.axes.push_back(std::move(axis));
    }
    return m;
  }

 private:
  AxisValue value_at(const YamlField& f) const {
    AxisValue v;
    v.where = yaml_.where(f.value.Mark());
    return v;
  }

  std::string replay_arg(const YamlField& f) const {
    const std::string arg = yaml_.scalar(f, "a command-line argument");
    if (arg.rfind("-", 0) == 0) require_option(f, arg.substr(0, arg.find('=')));
    return arg;
  }

  void require_option(const YamlField& f, const std::string& option) const {
    if (!known_(option)) yaml_.fail(f, "flowsim replay has no option " + option + " in this build");
  }

  void read_axis(const YamlField& f, Axis& axis) {
    if (axis.name == "shards") {
      // A count, or a list of counts (e.g. [1, 4]: whole, and as 4 shards merged).
      const std::vector<YamlField> counts = yaml_.items(f, true);
      std::vector<unsigned> seen;
      for (const YamlField& item : counts) {
        const unsigned n = static_cast<unsigned>(yaml_.uint(item, 1, kMaxShards));
        if (std::find(seen.begin(), seen.end(), n) != seen.end()) yaml_.fail(item, std::to_string(n) + " twice");
        seen.push_back(n);
        if (n > 1) require_option(item, "--shard");
        for (unsigned k = 0; k < n; ++k) {
          AxisValue v = value_at(item);
          if (n == 1) {
            // Alone, one shard is no shard: it stays out of ids like an absent axis.
            v.label = v.group_label = counts.size() == 1 ? "" : "whole";
          } else {
            v.label = "shard=" + std::to_string(k) + "of" + std::to_string(n);
            v.group_label = "shards=" + std::to_string(n);
            v.shard = ShardSpec{k, n};
            v.args = {"--shard", v.shard->to_string()};
          }
          axis.values.push_back(std::move(v));
        }
      }
      return;
    }
    std::map<std::string, std::string> seen;  // label -> where
    for (const YamlField& item : yaml_.items(f, true)) {
      AxisValue v = axis.name == "scenarios" ? scenario(item)
                    : axis.name == "traffic" ? traffic(item)
                    : axis.name == "rtl"     ? rtl(item)
                    : axis.name == "seeds"   ? seed(item)
                                             : overrides(item, axis.name);
      v.label = sanitize(v.label);
      v.group_label = v.label;
      if (const auto it = seen.find(v.label); it != seen.end()) {
        yaml_.fail(item, "two values of '" + axis.name + "' have the label '" + v.label + "' (the other at " +
                             it->second + "); give one of them a different name");
      }
      seen.emplace(v.label, v.where);
      axis.values.push_back(std::move(v));
    }
  }

  AxisValue scenario(const YamlField& item) const {
    AxisValue v = value_at(item);
    if (item.value.IsMap()) {
      const std::vector<YamlField> fs = yaml_.fields(item, kScenarioKeys);
      v.scenario = yaml_.existing_file(yaml_.require(fs, item, "file"), "scenario file");
      v.label = v.scenario.stem().string();
      if (const YamlField* n = YamlReader::find(fs, "name")) v.label = yaml_.scalar(*n, "a name");
    } else {
      v.scenario = yaml_.existing_file(item, "scenario file");
      v.label = v.scenario.stem().string();
    }
    return v;
  }

  AxisValue traffic(const YamlField& item) const {
    AxisValue v = value_at(item);
    v.replaces_traffic = true;
    const std::vector<YamlField> fs = yaml_.fields(item, kTrafficKeys);
    const YamlField* ports = YamlReader::find(fs, "ports");
    const YamlField* capture = YamlReader::find(fs, "capture");
    if ((ports == nullptr) == (capture == nullptr)) {
      yaml_.fail(item, "a traffic value has either 'ports' (a pcap per port) or 'capture' (one capture)");
    }
    if (ports) {
      const YAML::Node& map = ports->value;
      if (!map.IsMap() || map.size() == 0) yaml_.fail(*ports, "expected a map of port name to pcap file");
      YAML::Node list(YAML::NodeType::Sequence);
      for (auto it = map.begin(); it != map.end(); ++it) {
        const YamlField pf{it->first, it->second, ports->path + "." + it->first.Scalar()};
        YAML::Node entry(YAML::NodeType::Map);
        entry["port"] = yaml_.scalar(YamlField{{}, it->first, ports->path}, "a port name");
        entry["pcap"] = yaml_.existing_file(pf, "pcap file").string();
        list.push_back(entry);
      }
      v.edits.push_back(ScenarioEdit{{"traffic"}, list});
      if (const YamlField* n = YamlReader::find(fs, "name")) {
        v.label = yaml_.scalar(*n, "a name");
      } else {
        yaml_.fail(item, "a traffic value with 'ports' needs a 'name' (its label in cell ids)");
      }
    } else {
      require_option(*capture, "--capture");
      const std::filesystem::path file = yaml_.existing_file(*capture, "capture file");
      v.args = {"--capture", file.string()};
      v.label = file.stem().string();
      if (const YamlField* n = YamlReader::find(fs, "name")) v.label = yaml_.scalar(*n, "a name");
    }
    if (const YamlField* a = YamlReader::find(fs, "args")) {
      for (const YamlField& arg : yaml_.items(*a, true)) v.args.push_back(replay_arg(arg));
    }
    return v;
  }

  // `asic` and `engine` values: maps of scenario keys (checked by the scenario loader when
  // the cell's scenario is built), with an optional `name`.
  AxisValue overrides(const YamlField& item, const std::string& section) const {
    AxisValue v = value_at(item);
    if (!item.value.IsMap()) {
      yaml_.fail(item, "expected a map of " + section + " settings (and an optional name), got " +
                           YamlReader::type_name(item.value));
    }
    std::map<std::string, std::string> flat;
    for (auto it = item.value.begin(); it != item.value.end(); ++it) {
      if (!it->first.IsScalar()) yaml_.fail(it->first.Mark(), "keys must be plain names");
      const std::string key = it->first.Scalar();
      if (key == "name") {
        v.label = yaml_.scalar(YamlField{it->first, it->second, item.path + ".name"}, "a name");
        continue;
      }
      for (const ScenarioEdit& e : v.edits) {
        if (e.path[1] == key) yaml_.fail(it->first.Mark(), "duplicate key '" + key + "' in " + item.path);
      }
      v.edits.push_back(ScenarioEdit{{section, key}, it->second});
      flatten(it->second, key, flat);
    }
    if (v.label.empty()) {
      for (const auto& [k, val] : flat) v.label += (v.label.empty() ? "" : ",") + k + "=" + val;
      if (v.label.empty()) v.label = "default";
    }
    return v;
  }

  AxisValue rtl(const YamlField& item) const {
    AxisValue v = value_at(item);
    std::vector<std::string> blocks;
    if (item.value.IsSequence()) {
      for (std::size_t i = 0; i < item.value.size(); ++i) {
        blocks.push_back(yaml_.scalar(YamlField{item.key, item.value[i], item.path + "[" + std::to_string(i) + "]"},
                                      "a block name"));
      }
    } else {
      const std::string s = yaml_.scalar(item, "none, all, a block name or a list of them");
      if (s != "none") blocks.push_back(s);
    }
    std::sort(blocks.begin(), blocks.end());
    blocks.erase(std::unique(blocks.begin(), blocks.end()), blocks.end());
    for (const std::string& b : blocks) v.label += (v.label.empty() ? "" : "+") + b;
    if (blocks.empty()) v.label = "none";
    v.label = "rtl=" + v.label;
    if (known_("--rtl")) {
      std::string list;
      for (const std::string& b : blocks) list += (list.empty() ? "" : ",") + b;
      if (!blocks.empty()) v.args = {"--rtl", list};
    } else if (blocks.size() == 1 && blocks[0] == kHashBlock) {
      // Until `flowsim replay --rtl` exists, the hash unit is the one block with a twin.
      v.edits.push_back(ScenarioEdit{{"asic", "hash"}, YAML::Node("rtl")});
    } else if (!blocks.empty()) {
      yaml_.fail(item, "this build has an RTL twin of the hash unit only (no flowsim replay --rtl): use [hash] or none");
    }
    return v;
  }

  AxisValue seed(const YamlField& item) const {
    AxisValue v = value_at(item);
    const std::uint64_t s = yaml_.uint(item, 0, UINT64_MAX);
    v.label = "seed=" + std::to_string(s);
    v.edits.push_back(ScenarioEdit{{"engine", "nat_seed"}, YAML::Node(std::to_string(s))});
    return v;
  }

  YamlReader yaml_;
  const ReplayOptionCheck& known_;
};

}  // namespace

Matrix load_matrix(const std::filesystem::path& file, const ReplayOptionCheck& known_option) {
  return MatrixLoader(file, known_option).load();
}

std::vector<Cell> expand(const Matrix& matrix) {
  std::vector<Cell> cells;
  std::vector<std::size_t> pos(matrix.axes.size(), 0);
  std::map<std::string, std::size_t> ids;
  for (;;) {
    Cell c;
    c.index = cells.size();
    c.replay_args = matrix.replay_args;
    for (std::size_t a = 0; a < matrix.axes.size(); ++a) {
      const Axis& axis = matrix.axes[a];
      const AxisValue& v = axis.values[pos[a]];
      c.labels.emplace_back(axis.name, v.label.empty() ? "whole" : v.label);
      c.wheres.push_back(v.where);
      if (!v.scenario.empty()) c.scenario = v.scenario;
      c.edits.insert(c.edits.end(), v.edits.begin(), v.edits.end());
      c.replaces_traffic = c.replaces_traffic || v.replaces_traffic;
      c.replay_args.insert(c.replay_args.end(), v.args.begin(), v.args.end());
      if (v.shard) c.shard = v.shard;
      if (axis.in_file && !v.label.empty()) {
        c.id += (c.id.empty() ? "" : "_") + v.label;
        c.group += (c.group.empty() ? "" : "_") + v.group_label;
      }
    }
    if (const auto [it, fresh] = ids.emplace(c.id, c.index); !fresh) {
      throw net::InputError(matrix.file.string() + ": cells " + std::to_string(it->second) + " and " +
                            std::to_string(c.index) + " both get the id '" + c.id +
                            "'; give the axis values names that keep them apart");
    }
    cells.push_back(std::move(c));
    // The last axis varies fastest.
    std::size_t a = matrix.axes.size();
    while (a > 0) {
      --a;
      if (++pos[a] < matrix.axes[a].values.size()) break;
      pos[a] = 0;
      if (a == 0) return cells;
    }
    if (matrix.axes.empty()) return cells;
  }
}

}  // namespace flowsim::sweep
