// SPDX-License-Identifier: Apache-2.0
// The fixture of the scenario loader's tests: a fresh folder per test (CTest runs a fixture's
// cases in parallel processes, which must not remove each other's files), scenario files
// written into it, and the loader's error for a text with the file name shortened to "F".
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "net/input_error.hpp"
#include "testbench/scenario/scenario.hpp"

namespace flowsim::scenario {

class ScenarioFileTest : public ::testing::Test {
 protected:
  // `folder_prefix` names the fixture's folders: PREFIX<pid>_<test name>.
  explicit ScenarioFileTest(std::string folder_prefix) : folder_prefix_(std::move(folder_prefix)) {}

  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           (folder_prefix_ + std::to_string(::getpid()) + "_" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // What every file of the fixture starts with (ports, a ruleset line...).
  virtual std::string prologue() const { return {}; }

  // Writes prologue() and `text` as NAME in the test's folder.
  std::filesystem::path write(const std::string& text, const std::string& name = "s.yaml") {
    const std::filesystem::path p = dir_ / name;
    std::ofstream(p) << prologue() << text;
    return p;
  }

  Scenario load(const std::string& text, const std::string& name = "ok.yaml") { return load_scenario(write(text, name)); }

  // The loader's error for `text`, the file name replaced by "F"; "(no error)" if it loads.
  std::string error_of(const std::string& text) {
    const std::filesystem::path p = write(text);
    try {
      load_scenario(p);
    } catch (const net::InputError& e) {
      std::string msg = e.what();
      if (msg.rfind(p.string(), 0) == 0) msg = "F" + msg.substr(p.string().size());
      return msg;
    }
    return "(no error)";
  }

  std::filesystem::path dir_;

 private:
  std::string folder_prefix_;
};

}  // namespace flowsim::scenario
