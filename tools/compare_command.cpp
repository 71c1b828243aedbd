// SPDX-License-Identifier: Apache-2.0
#include "tools/compare_command.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "net/input_error.hpp"
#include "testbench/shard/output_comparison.hpp"

namespace flowsim::tools {
namespace {

constexpr int kExitOutputsDiffer = 7;

nlohmann::json report_of(const std::filesystem::path& dir) {
  std::ifstream in(dir / "report.json");
  if (!in) throw net::InputError((dir / "report.json").string() + ": cannot open");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw net::InputError((dir / "report.json").string() + ": not JSON: " + e.what());
  }
}

std::uint64_t count(const nlohmann::json& j, const char* section, const char* key) {
  if (!j.contains(section) || !j[section].contains(key)) return 0;
  return j[section][key].get<std::uint64_t>();
}

}  // namespace

CompareCommand::CompareCommand(CLI::App& app) {
  sub_ = app.add_subcommand("compare", "compare two replays' outputs conversation by conversation");
  sub_->add_option("a", a_, "an output folder (e.g. a sweep's merged/GROUP of shards)")->required();
  sub_->add_option("b", b_, "another output folder (e.g. the unsharded replay's)")->required();
  sub_->add_option("--json", json_, "also write the comparison as JSON to this file");
}

int CompareCommand::run() const {
  try {
    const shard::OutputComparison c = shard::compare_outputs(a_, b_);
    const nlohmann::json ra = report_of(a_);
    const nlohmann::json rb = report_of(b_);
    std::cout << "a: " << a_ << "\nb: " << b_ << "\n\n" << c.to_text() << "\n";
    std::cout << fmt::format("{:<28}{:>12}{:>12}\n", "report", "a", "b");
    for (const char* k : {"packets_in", "forwarded_hw", "forwarded_sw", "dropped", "generated_sw"}) {
      std::cout << fmt::format("{:<28}{:>12}{:>12}\n", k, ra.value(k, std::uint64_t{0}), rb.value(k, std::uint64_t{0}));
    }
    std::cout << fmt::format("{:<28}{:>11.1f}%{:>11.1f}%\n", "offload hit rate", 100 * ra.value("offload_hit_rate", 0.0),
                             100 * rb.value("offload_hit_rate", 0.0));
    for (const char* k : {"added", "hw_offloaded", "torn_down"}) {
      std::cout << fmt::format("{:<28}{:>12}{:>12}\n", std::string("flows ") + k, count(ra, "flows", k),
                               count(rb, "flows", k));
    }
    for (const char* k : {"bucket_full", "table_full"}) {
      std::cout << fmt::format("{:<28}{:>12}{:>12}\n", std::string("refused ") + k, count(ra, "offload_refused", k),
                               count(rb, "offload_refused", k));
    }
    if (!json_.empty()) std::ofstream(json_) << c.to_json();
    return c.frames_identical() ? 0 : kExitOutputsDiffer;
  } catch (const net::InputError& e) {
    std::cerr << "flowsim: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace flowsim::tools
