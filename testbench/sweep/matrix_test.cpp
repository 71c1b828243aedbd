// SPDX-License-Identifier: Apache-2.0
// The matrix file: expansion into cells, ids, the scenario each cell gets, and the errors a
// user sees for mistakes in it.
#include "testbench/sweep/matrix.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "net/input_error.hpp"
#include "testbench/scenario/scenario.hpp"
#include "testbench/sweep/cell_scenario.hpp"

namespace flowsim::sweep {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = FLOWSIM_SOURCE_DIR;
const fs::path kExample = kSource / "scenarios/sweeps/home_router_matrix.yaml";

bool all_options(const std::string&) { return true; }
bool no_options(const std::string&) { return false; }

class MatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(FLOWSIM_BINARY_DIR) / "testbench/sweep/matrix_test" /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  // A matrix file in the test's folder; scenarios are named relative to the source tree.
  fs::path write(const std::string& text) {
    const fs::path p = dir_ / "matrix.yaml";
    std::ofstream(p) << "# test matrix\n" << text;
    return p;
  }
  std::string scenario() const { return (kSource / "scenarios/home_router.yaml").string(); }
  // The message of the InputError that loading `text` throws.
  std::string error_of(const std::string& text, const ReplayOptionCheck& known = all_options) {
    const fs::path p = write(text);
    try {
      const Matrix m = load_matrix(p, known);
      for (const Cell& c : expand(m)) write_and_check_cell_scenario(m, c, dir_ / "cells" / c.id / "scenario.yaml");
    } catch (const net::InputError& e) {
      return e.what();
    }
    return "no error";
  }
  fs::path dir_;
};

TEST_F(MatrixTest, ExampleExpandsToTwelveCellsInProductOrder) {
  const Matrix m = load_matrix(kExample, no_options);
  EXPECT_EQ(m.name, "home_router_matrix");
  const std::vector<Cell> cells = expand(m);
  ASSERT_EQ(cells.size(), 12u);
  // First axis slowest, last fastest; absent axes stay out of ids.
  EXPECT_EQ(cells[0].id, "home_router_t1k-1way_linux-6.13_seed=1");
  EXPECT_EQ(cells[1].id, "home_router_t1k-1way_linux-6.13_seed=2");
  EXPECT_EQ(cells[2].id, "home_router_t1k-1way_linux-6.14_seed=1");
  EXPECT_EQ(cells[11].id, "home_router_t16k-4way_linux-6.14_seed=2");
  std::set<std::string> ids;
  for (const Cell& c : cells) {
    EXPECT_EQ(c.index, ids.size());
    ids.insert(c.id);
    EXPECT_EQ(c.group, c.id);
    EXPECT_FALSE(c.shard);
    EXPECT_TRUE(c.replay_args.empty());
  }
  EXPECT_EQ(ids.size(), 12u);
}

TEST_F(MatrixTest, CellScenarioCarriesTheOverridesAndLoads) {
  const Matrix m = load_matrix(kExample, no_options);
  const std::vector<Cell> cells = expand(m);
  const Cell& c = cells[3];  // t1k-1way, linux-6.14, seed 2
  const fs::path p = dir_ / "scenario.yaml";
  write_and_check_cell_scenario(m, c, p);
  const scenario::Scenario s = scenario::load_scenario(p);
  EXPECT_EQ(s.name, "home_router");
  EXPECT_EQ(s.asic.table_entries, 1024u);
  EXPECT_EQ(s.asic.table_ways, 1u);
  EXPECT_EQ(s.engine.flowtable, engine::flowtable::FlowtableSemantics::kNew);
  EXPECT_EQ(s.engine.nat_seed, 2u);
  // Untouched settings and the files the base names (now absolute) are the base's.
  EXPECT_EQ(s.asic.clock_mhz, 500);
  EXPECT_EQ(s.engine.timeouts.udp_unreplied, std::chrono::seconds(30));
  ASSERT_EQ(s.traffic.size(), 2u);
  EXPECT_EQ(s.traffic[0].pcap, (kSource / "traces/default/lan.pcap").lexically_normal());
  EXPECT_EQ(s.ruleset, (kSource / "scenarios/home_router.nft").lexically_normal());
}

TEST_F(MatrixTest, IdsDoNotDependOnTheOrderOfValuesAxesOrKeys) {
  const std::string a = "scenarios: [" + scenario() +
                        "]\nasic:\n  - {table_entries: 1024, table_ways: 1}\n  - {table_ways: 2}\nseeds: [5, 6]\n";
  const std::string b = "seeds: [6, 5]\nasic:\n  - {table_ways: 2}\n  - {table_ways: 1, table_entries: 1024}\nscenarios: [" +
                        scenario() + "]\n";
  const std::vector<Cell> ca = expand(load_matrix(write(a), all_options));
  const std::vector<Cell> cb = expand(load_matrix(write(b), all_options));
  ASSERT_EQ(ca.size(), 4u);
  ASSERT_EQ(cb.size(), 4u);
  std::set<std::string> ia;
  std::set<std::string> ib;
  for (const Cell& c : ca) ia.insert(c.id);
  for (const Cell& c : cb) ib.insert(c.id);
  EXPECT_EQ(ia, ib);
  EXPECT_EQ(ca[0].id, "home_router_table_entries=1024,table_ways=1_seed=5");
  // The index is the position in the product, which does follow the file.
  EXPECT_EQ(cb[0].id, "home_router_table_ways=2_seed=6");
}

TEST_F(MatrixTest, ShardsMakeCellsOfOneGroupWithTheShardArgument) {
  const std::vector<Cell> cells =
      expand(load_matrix(write("scenarios: [" + scenario() + "]\nseeds: [1, 2]\nshards: 3\n"), all_options));
  ASSERT_EQ(cells.size(), 6u);
  EXPECT_EQ(cells[0].id, "home_router_seed=1_shard=0of3");
  EXPECT_EQ(cells[2].id, "home_router_seed=1_shard=2of3");
  EXPECT_EQ(cells[2].group, "home_router_seed=1_shards=3");
  EXPECT_EQ(cells[3].group, "home_router_seed=2_shards=3");
  ASSERT_TRUE(cells[2].shard);
  EXPECT_EQ(cells[2].shard->index, 2u);
  EXPECT_EQ(cells[2].shard->count, 3u);
  EXPECT_EQ(cells[2].replay_args, (std::vector<std::string>{"--shard", "2/3"}));
  // One shard is no shard.
  const std::vector<Cell> one = expand(load_matrix(write("scenarios: [" + scenario() + "]\nshards: 1\n"), all_options));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].id, "home_router");
  EXPECT_FALSE(one[0].shard);
  EXPECT_TRUE(one[0].replay_args.empty());
  // Whole and sharded side by side: a row each.
  const std::vector<Cell> both =
      expand(load_matrix(write("scenarios: [" + scenario() + "]\nshards: [1, 2]\n"), all_options));
  ASSERT_EQ(both.size(), 3u);
  EXPECT_EQ(both[0].id, "home_router_whole");
  EXPECT_EQ(both[0].group, "home_router_whole");
  EXPECT_FALSE(both[0].shard);
  EXPECT_EQ(both[1].id, "home_router_shard=0of2");
  EXPECT_EQ(both[2].group, "home_router_shards=2");
}

TEST_F(MatrixTest, TrafficAxisReplacesTheScenariosTraffic) {
  const std::string lan = (kSource / "traces/default/lan.pcap").string();
  const Matrix m = load_matrix(
      write("scenarios: [" + scenario() + "]\ntraffic:\n  - name: lan-only\n    ports: {lan: " + lan + "}\n"), all_options);
  const std::vector<Cell> cells = expand(m);
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(cells[0].id, "home_router_lan-only");
  write_and_check_cell_scenario(m, cells[0], dir_ / "s.yaml");
  const scenario::Scenario s = scenario::load_scenario(dir_ / "s.yaml");
  ASSERT_EQ(s.traffic.size(), 1u);
  EXPECT_EQ(s.traffic[0].port_name, "lan");
}

TEST_F(MatrixTest, RtlHashUsesTheHashUnitsTwin) {
  const Matrix m = load_matrix(write("scenarios: [" + scenario() + "]\nrtl: [none, [hash]]\n"), no_options);
  const std::vector<Cell> cells = expand(m);
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0].id, "home_router_rtl=none");
  EXPECT_EQ(cells[1].id, "home_router_rtl=hash");
  write_and_check_cell_scenario(m, cells[1], dir_ / "s.yaml");
  EXPECT_EQ(scenario::load_scenario(dir_ / "s.yaml").asic.rtl.to_string(), "hash");
  // With `flowsim replay --rtl`, the blocks go to it.
  const std::vector<Cell> with_option = expand(load_matrix(write("scenarios: [" + scenario() + "]\nrtl: [[parser, hash]]\n"),
                                                           [](const std::string& o) { return o == "--rtl"; }));
  EXPECT_EQ(with_option[0].replay_args, (std::vector<std::string>{"--rtl", "hash,parser"}));
  EXPECT_EQ(with_option[0].id, "home_router_rtl=hash+parser");
}

TEST_F(MatrixTest, ErrorsNameFileLineAndColumn) {
  const std::string f = (dir_ / "matrix.yaml").string();
  const std::string s = scenario();
  EXPECT_EQ(error_of("scenarios: [" + s + "]\nseed: [1]\n"),
            f + ":3:1: unknown key 'seed' at top level; allowed keys: name, description, scenarios, traffic, asic, rtl, "
                "engine, seeds, shards, replay_args");
  EXPECT_EQ(error_of("asic: [{}]\n"), f + ":2:1: missing required key 'scenarios' at top level");
  EXPECT_EQ(error_of("scenarios: [nothere.yaml]\n"),
            f + ":2:13: scenarios[0]: scenario file 'nothere.yaml' not found (looked for " +
                (dir_ / "nothere.yaml").string() + ")");
  EXPECT_EQ(error_of("scenarios: [" + s + "]\nseeds: [1, x]\n"),
            f + ":3:12: seeds[1]: expected a non-negative integer, got 'x'");
  EXPECT_EQ(error_of("scenarios: [" + s + "]\nasic:\n  - {name: a, table_ways: 1}\n  - {name: a, table_ways: 2}\n"),
            f + ":5:5: asic[1]: two values of 'asic' have the label 'a' (the other at " + f +
                ":4:5); give one of them a different name");
  EXPECT_EQ(error_of("scenarios: [" + s + "]\nshards: 4\n", no_options),
            f + ":3:9: shards: flowsim replay has no option --shard in this build");
  EXPECT_EQ(error_of("scenarios: [" + s + "]\nrtl: [[parser]]\n", no_options),
            f + ":3:7: rtl[0]: this build has an RTL twin of the hash unit only (no flowsim replay --rtl): use [hash] or "
                "none");
  EXPECT_EQ(error_of("scenarios: [" + s + "]\nasic: [{table_ways: 1}, {table_ways: 1}]\n"),
            f + ":3:25: asic[1]: two values of 'asic' have the label 'table_ways=1' (the other at " + f +
                ":3:8); give one of them a different name");
  EXPECT_EQ(error_of("scenarios: [" + s + "\nasic: x\n"), f + ":3:5: YAML syntax error: end of sequence flow not found");
}

TEST_F(MatrixTest, BadOverridePointsAtTheMatrixValue) {
  const std::string f = (dir_ / "matrix.yaml").string();
  const std::string msg = error_of("scenarios: [" + scenario() +
                                   "]\nasic:\n  - {name: ok, table_entries: 2048}\n  - {name: bad, table_entries: 1000}\n");
  // Line 5 holds the bad value; the scenario loader's own words follow.
  EXPECT_EQ(msg.rfind(f + ":5:5: cell home_router_bad: asic.table_entries: 1000 is out of range 1024..32768", 0), 0u) << msg;
  const std::string unknown =
      error_of("scenarios: [" + scenario() + "]\nengine:\n  - {flowtable: newest}\n");
  EXPECT_EQ(unknown.rfind(f + ":4:5: cell home_router_flowtable=newest: engine.flowtable: unknown flowtable semantics "
                              "'newest'",
                          0),
            0u)
      << unknown;
}

}  // namespace
}  // namespace flowsim::sweep
