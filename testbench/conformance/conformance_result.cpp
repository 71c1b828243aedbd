// SPDX-License-Identifier: Apache-2.0
#include "testbench/conformance/conformance_result.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace flowsim::conformance {
namespace {

constexpr std::size_t kStatementWidth = 60;  // of a statement in the summary and test case names
constexpr std::size_t kFailuresListed = 20;

std::string shortened(const std::string& s, std::size_t width) {
  if (s.size() <= width) return s;
  return s.substr(0, width - 3) + "...";
}

std::string xml_escaped(const std::string& s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        // XML 1.0 allows no other control characters than tab, newline and carriage return.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string case_name(const CaseResult& c) {
  return c.line > 0 ? fmt::format("line {}: {}", c.line, shortened(c.statement, 100)) : c.statement;
}

std::string status_of(const ConformanceResult& r) {
  if (!r.error.empty()) return "error";
  return r.failed() == 0 ? "passed" : "failed";
}

}  // namespace

std::size_t ConformanceResult::failed() const {
  return static_cast<std::size_t>(std::count_if(cases.begin(), cases.end(), [](const CaseResult& c) { return !c.passed; }));
}

std::string ConformanceResult::to_json() const {
  nlohmann::ordered_json j;
  j["name"] = name;
  j["file"] = file.string();
  j["scenario"] = scenario.string();
  j["status"] = status_of(*this);
  if (!error.empty()) j["error"] = error;
  j["cases_total"] = cases.size();
  j["cases_failed"] = failed();
  j["traffic_ns"] = traffic_ps / 1000;
  auto& cj = j["cases"] = nlohmann::ordered_json::array();
  for (const CaseResult& c : cases) {
    nlohmann::ordered_json e;
    e["line"] = c.line;
    e["statement"] = c.statement;
    e["kind"] = c.kind;
    e["passed"] = c.passed;
    if (!c.passed) {
      e["message"] = c.message;
      if (!c.detail.empty()) e["detail"] = c.detail;
    }
    e["at_ns"] = c.at_ps / 1000;
    cj.push_back(std::move(e));
  }
  if (error.empty()) j["report"] = nlohmann::ordered_json::parse(report.to_json());
  return j.dump(2) + "\n";
}

std::string ConformanceResult::to_junit() const {
  std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  const std::size_t errors = error.empty() ? 0 : 1;
  s += fmt::format("<testsuites name=\"flowsim conformance\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3f}\">\n",
                   cases.size() + errors, failed(), errors, wall_seconds);
  s += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3f}\">\n",
                   xml_escaped(name), cases.size() + errors, failed(), errors, wall_seconds);
  s += fmt::format("    <properties><property name=\"file\" value=\"{}\"/><property name=\"scenario\" value=\"{}\"/></properties>\n",
                   xml_escaped(file.string()), xml_escaped(scenario.string()));
  const std::string classname = xml_escaped("conformance." + name);
  if (!error.empty()) {
    s += fmt::format("    <testcase classname=\"{}\" name=\"run\"><error message=\"{}\"/></testcase>\n", classname,
                     xml_escaped(error));
  }
  for (const CaseResult& c : cases) {
    s += fmt::format("    <testcase classname=\"{}\" name=\"{}\"", classname, xml_escaped(case_name(c)));
    if (c.passed) {
      s += "/>\n";
      continue;
    }
    s += fmt::format(">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                     xml_escaped(c.message), xml_escaped(c.kind), xml_escaped(c.message + "\n" + c.detail));
  }
  s += "  </testsuite>\n</testsuites>\n";
  return s;
}

std::string ConformanceResult::summary() const {
  std::string s = fmt::format("flowsim conformance: {}  {}\n", name, status_of(*this) == "passed" ? "PASSED" : "FAILED");
  s += fmt::format("  {}  (scenario {})\n", file.string(), scenario.filename().string());
  if (!error.empty()) {
    s += fmt::format("  could not run: {}\n", error);
    return s;
  }
  s += fmt::format("  {} expectations: {} passed, {} failed   simulated {:.3f} ms, {} packets in ({} hw, {} sw, {} dropped)\n",
                   cases.size(), cases.size() - failed(), failed(), static_cast<double>(traffic_ps) / 1e9,
                   report.packets_in, report.forwarded_hw, report.forwarded_sw, report.dropped);
  std::size_t listed = 0;
  const CaseResult* first = nullptr;
  for (const CaseResult& c : cases) {
    if (c.passed) continue;
    if (first == nullptr) first = &c;
    if (listed++ == kFailuresListed) {
      s += fmt::format("  ... and {} more failures (see the JSON result)\n", failed() - kFailuresListed);
      break;
    }
    s += fmt::format("  FAIL {:<9} {:<{}}  {}\n", c.line > 0 ? fmt::format("line {}", c.line) : "(run)",
                     shortened(c.statement, kStatementWidth), kStatementWidth, c.message);
  }
  if (first != nullptr && !first->detail.empty()) {
    s += fmt::format("\nfirst failure ({}):\n{}", case_name(*first), first->detail);
  }
  return s;
}

}  // namespace flowsim::conformance
