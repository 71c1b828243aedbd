// SPDX-License-Identifier: Apache-2.0
#include "tools/conformance_command.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>

#include "net/input_error.hpp"
#include "testbench/conformance/conformance_run.hpp"
#include "testbench/conformance/conformance_suite.hpp"
#include "testbench/expect/expectation_script.hpp"
#include "testbench/scenario/scenario.hpp"
#include "testbench/sweep/process.hpp"

namespace flowsim::tools {
namespace {

constexpr int kExitExpectationsNotMet = 5;

void write_file(const std::filesystem::path& path, const std::string& text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path);
  if (!out) throw net::InputError(path.string() + ": cannot open for writing");
  out << text;
}

std::filesystem::path self_executable() {
  std::error_code ec;
  const std::filesystem::path p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw net::InputError(std::string("cannot find the flowsim executable (/proc/self/exe): ") + ec.message());
  return p;
}

}  // namespace

ConformanceCommand::ConformanceCommand(CLI::App& app) {
  sub_ = app.add_subcommand("conformance", "run a conformance file: traffic, events and the outputs it expects");
  sub_->add_option("file", file_,
                   "conformance file (see README, \"Writing a conformance test\"), or a directory: every *.expect "
                   "file in it, one JUnit file for all")
      ->required();
  sub_->add_option("-o,--out", out_dir_, "output directory (default flowsim-out/<test name>)");
  sub_->add_option("--junit", junit_, "write JUnit XML, one test case per expectation, to this file");
  sub_->add_option("--json", json_, "write the result as JSON to this file (also written to the output directory)");
  sub_->add_option("--register-trace", register_trace_, "write every driver register access to this file");
  sub_->add_flag("-q,--quiet", quiet_, "print the summary only when something failed");
  add_rtl_options(*sub_, rtl_, true);
}

int ConformanceCommand::run() const {
  if (std::filesystem::is_directory(file_)) return run_directory();
  try {
    const expect::Script script = expect::load_script(file_);
    conformance::ConformanceOptions options;
    options.out_dir = out_dir_.empty() ? std::filesystem::path("flowsim-out") / script.name : std::filesystem::path(out_dir_);
    if (const auto blocks = rtl_.blocks()) {
      options.adjust_scenario = [blocks](scenario::Scenario& s) { s.asic.rtl = *blocks; };
    }
    options.rtl_instruments = rtl_.instrument_request();
    std::ofstream trace;
    if (!register_trace_.empty()) {
      trace.open(register_trace_);
      if (!trace) throw net::InputError(register_trace_ + ": cannot open for writing");
      options.register_trace = &trace;
    }
    std::filesystem::create_directories(options.out_dir);
    const conformance::ConformanceResult result = conformance::run_conformance(script, options);
    const std::string json = result.to_json();
    write_file(options.out_dir / "result.json", json);
    if (result.error.empty()) {
      write_file(options.out_dir / "report.json", result.report.to_json());
      write_file(options.out_dir / "summary.txt", result.report.to_text());
    }
    if (!json_.empty()) write_file(json_, json);
    if (!junit_.empty()) write_file(junit_, result.to_junit());
    if (!quiet_ || !result.passed()) std::cout << result.summary();
    if (!result.error.empty()) {
      std::cerr << "flowsim: " << result.error << "\n";
      return result.error.rfind("device error", 0) == 0 ? 3 : 2;
    }
    return result.passed() ? 0 : kExitExpectationsNotMet;
  } catch (const net::InputError& e) {
    std::cerr << "flowsim: " << e.what() << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "flowsim: " << file_ << ": " << e.what() << "\n";
    return 2;
  }
}

int ConformanceCommand::run_directory() const {
  namespace fs = std::filesystem;
  try {
    if (!register_trace_.empty() || !json_.empty() || !rtl_.wave.empty() || !rtl_.coverage.empty()) {
      throw net::InputError(
          "--register-trace, --json, --wave and --rtl-coverage take one conformance file, not a directory (each "
          "file's result.json is in its folder of --out)");
    }
    const fs::path dir = fs::path(file_).lexically_normal();
    const std::string suite = (dir.filename().empty() ? dir.parent_path() : dir).filename().string();
    const fs::path out = out_dir_.empty() ? fs::path("flowsim-out") / suite : fs::path(out_dir_);
    const std::vector<fs::path> files = conformance::suite_files(dir);
    const fs::path self = self_executable();
    std::vector<conformance::SuiteFileResult> results;
    for (std::size_t i = 0; i < files.size(); ++i) {
      const fs::path file_out = out / files[i].stem();
      fs::create_directories(file_out);
      // Stale results must not pass for this run's.
      fs::remove(file_out / "result.json");
      fs::remove(file_out / "junit.xml");
      if (!quiet_) std::cout << "[" << i + 1 << "/" << files.size() << "] " << files[i].stem().string() << std::flush;
      std::vector<std::string> argv = {self.string(), "conformance", files[i].string(), "--quiet", "--out",
                                       file_out.string(), "--junit", (file_out / "junit.xml").string()};
      if (!rtl_.rtl.empty()) argv.insert(argv.end(), {"--rtl", rtl_.rtl});
      const sweep::ProcessResult p = sweep::run_program(argv);
      results.push_back(conformance::read_suite_file_result(files[i], file_out, p.exit_code, p.output));
      if (!quiet_) std::cout << "  " << results.back().status << "\n";
    }
    const int code = conformance::suite_exit_code(results);
    write_file(out / "junit.xml", conformance::suite_junit("flowsim conformance " + suite, results));
    if (!junit_.empty()) write_file(junit_, conformance::suite_junit("flowsim conformance " + suite, results));
    if (!quiet_ || code != 0) std::cout << conformance::suite_summary(suite, results);
    return code;
  } catch (const net::InputError& e) {
    std::cerr << "flowsim: " << e.what() << "\n";
    return 2;
  } catch (const std::filesystem::filesystem_error& e) {
    std::cerr << "flowsim: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace flowsim::tools
