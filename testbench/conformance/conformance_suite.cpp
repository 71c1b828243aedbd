// SPDX-License-Identifier: Apache-2.0
#include "testbench/conformance/conformance_suite.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "net/input_error.hpp"

namespace flowsim::conformance {
namespace {

namespace fs = std::filesystem;

constexpr int kExitExpectationsNotMet = 5;
constexpr std::size_t kStatementWidth = 40;  // of a failing statement in the summary

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The <testsuite ...>...</testsuite> element of a JUnit document written by ConformanceResult.
std::string testsuite_element(const std::string& junit) {
  const auto begin = junit.find("<testsuite ");
  const std::string close = "</testsuite>";
  const auto end = junit.rfind(close);
  if (begin == std::string::npos || end == std::string::npos || end < begin) return {};
  return junit.substr(begin, end + close.size() - begin);
}

std::string xml_escaped(const std::string& s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' ? '?' : c;
    }
  }
  return out;
}

std::string last_line(const std::string& s) {
  std::string t = s;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  const auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

}  // namespace

std::vector<fs::path> suite_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".expect") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) throw net::InputError(dir.string() + ": no conformance files (*.expect) in this directory");
  return files;
}

SuiteFileResult read_suite_file_result(const fs::path& file, const fs::path& out, int exit_code,
                                       const std::string& output) {
  SuiteFileResult r;
  r.name = file.stem().string();
  r.file = file;
  r.exit_code = exit_code;
  const std::string json_text = read_text(out / "result.json");
  const nlohmann::json j = nlohmann::json::parse(json_text, nullptr, false);
  if (json_text.empty() || j.is_discarded() || !j.is_object()) {
    r.status = "error";
    r.error = output.empty() ? fmt::format("exit status {}, no result written", exit_code) : last_line(output);
    return r;
  }
  r.status = j.value("status", "error");
  r.cases = j.value("cases_total", std::size_t{0});
  r.failed = j.value("cases_failed", std::size_t{0});
  if (j.contains("error")) r.error = j["error"].get<std::string>();
  for (const auto& c : j.value("cases", nlohmann::json::array())) {
    if (c.value("passed", true)) continue;
    const int line = c.value("line", 0);
    std::string statement = c.value("statement", std::string());
    if (statement.size() > kStatementWidth) statement = statement.substr(0, kStatementWidth - 3) + "...";
    r.first_failure = fmt::format("{}{}: {}", line > 0 ? fmt::format("line {}: ", line) : "", statement,
                                  c.value("message", std::string()));
    break;
  }
  // A run that failed without saying why in its result (it exited otherwise) is an error.
  if (r.status == "passed" && exit_code != 0) {
    r.status = "error";
    r.error = fmt::format("exit status {}: {}", exit_code, last_line(output));
  }
  r.junit_testsuite = testsuite_element(read_text(out / "junit.xml"));
  return r;
}

std::string suite_junit(const std::string& suite_name, const std::vector<SuiteFileResult>& results) {
  std::size_t tests = 0, failures = 0, errors = 0;
  std::string body;
  for (const SuiteFileResult& r : results) {
    if (!r.junit_testsuite.empty()) {
      tests += r.cases + (r.status == "error" ? 1 : 0);
      failures += r.failed;
      errors += r.status == "error" ? 1 : 0;
      body += "  " + r.junit_testsuite + "\n";
      continue;
    }
    // It wrote no JUnit (it could not start or read its file): one errored case stands for it.
    ++tests;
    ++errors;
    body += fmt::format(
        "  <testsuite name=\"{0}\" tests=\"1\" failures=\"0\" errors=\"1\">\n"
        "    <testcase classname=\"conformance.{0}\" name=\"run\"><error message=\"{1}\"/></testcase>\n"
        "  </testsuite>\n",
        xml_escaped(r.name), xml_escaped(r.error));
  }
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n{}</testsuites>\n",
                     xml_escaped(suite_name), tests, failures, errors, body);
}

std::string suite_summary(const std::string& suite_name, const std::vector<SuiteFileResult>& results) {
  std::size_t passed = 0, cases = 0, failed_cases = 0;
  for (const SuiteFileResult& r : results) {
    passed += r.status == "passed" ? 1 : 0;
    cases += r.cases;
    failed_cases += r.failed;
  }
  const bool ok = passed == results.size();
  std::string s = fmt::format("flowsim conformance: {}  {}\n  {} files: {} passed, {} failed   {} expectations, {} not met\n",
                              suite_name, ok ? "PASSED" : "FAILED", results.size(), passed,
                              results.size() - passed, cases, failed_cases);
  std::size_t width = 0;
  for (const SuiteFileResult& r : results) width = std::max(width, r.name.size());
  for (const SuiteFileResult& r : results) {
    const std::string verdict = r.status == "passed" ? "PASS" : r.status == "failed" ? "FAIL" : "ERROR";
    std::string why;
    if (r.status == "failed") why = fmt::format("{} of {} not met; first {}", r.failed, r.cases, r.first_failure);
    if (r.status == "error") why = r.error;
    s += fmt::format("  {:<5} {:<{}}  {}\n", verdict, r.name, width,
                     why.empty() ? fmt::format("{} expectations", r.cases) : why);
  }
  return s;
}

int suite_exit_code(const std::vector<SuiteFileResult>& results) {
  for (const SuiteFileResult& r : results) {
    if (r.status == "error") return r.exit_code == 3 ? 3 : 2;
  }
  for (const SuiteFileResult& r : results) {
    if (r.status != "passed") return kExitExpectationsNotMet;
  }
  return 0;
}

}  // namespace flowsim::conformance
