// SPDX-License-Identifier: Apache-2.0
#include "testbench/conformance/conformance_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "driver/device_error.hpp"
#include "hw/flowsim_hw.hpp"  // Generated.
#include "net/input_error.hpp"
#include "testbench/expect/frame_comparator.hpp"
#include "testbench/expect/frame_decoder.hpp"
#include "testbench/harness/replay_session.hpp"
#include "testbench/pcap/pcap_reader.hpp"
#include "testbench/scenario/sim_time.hpp"

namespace flowsim::conformance {
namespace {

using expect::FramePattern;
using expect::Script;
using expect::Step;
using expect::StepKind;

constexpr std::size_t kMinFrame = 60;         // what the MAC pads to
constexpr std::size_t kPuntTagSize = 8;       // testbench/harness/ledger.cpp
constexpr std::size_t kShownExtraFrames = 5;  // unexpected frames listed per port

struct Frame {
  std::vector<std::uint8_t> bytes;
  std::uint64_t timestamp_ns = 0;
  std::string punt_reason;  // cpu only
};

// One frame the file expects, from an `expect` line (several from an `expect pcap` line).
struct ExpectedFrame {
  FramePattern pattern;
  expect::MaskSet masks;
  std::string punt_reason;
  std::size_t case_index = 0;  // the case of its line
  std::size_t index_in_line = 0;
};

std::vector<pcap::PcapRecord> read_pcap(const std::filesystem::path& file) {
  std::vector<pcap::PcapRecord> out;
  pcap::PcapReader reader(file);
  pcap::PcapRecord r;
  while (reader.next(r)) out.push_back(r);
  return out;
}

std::string punt_reason_name(std::uint8_t code) {
  return std::string(hw::to_string(static_cast<hw::PuntReason>(code)));
}

bool known_punt_reason(const std::string& name) {
  return std::any_of(hw::kPuntReasons.begin(), hw::kPuntReasons.end(),
                     [&](hw::PuntReason r) { return hw::to_string(r) == name; });
}

std::string punt_reason_names() {
  std::string out;
  for (const hw::PuntReason r : hw::kPuntReasons) out += (out.empty() ? "" : ", ") + std::string(hw::to_string(r));
  return out;
}

// What a frame belongs to, for `order flow`: addresses, protocol and ports (not under
// l4.port), ICMP by type and id, or else its EtherType (kdiff's flow_key).
std::string flow_key(std::span<const std::uint8_t> frame, bool ports_masked) {
  const expect::DecodedFrame d = expect::decode(frame);
  const expect::Layer* ip = d.outer_ip();
  if (ip == nullptr || d.field(*ip, "dst") == nullptr) {
    const expect::Field* t = d.field(d.layers.front(), "type");
    return fmt::format("eth {}", t ? t->text(d.frame) : "?");
  }
  std::string key = fmt::format("{} {} {}", to_string(ip->kind), d.field(*ip, "src")->text(d.frame),
                                d.field(*ip, "dst")->text(d.frame));
  const expect::Layer* l4 = d.l4();
  if (l4 == nullptr) return key;
  key += fmt::format(" {}", to_string(l4->kind));
  if (const expect::Field* dport = d.field(*l4, "dport")) {
    if (!ports_masked) key += fmt::format(" {} {}", d.field(*l4, "sport")->raw(d.frame), dport->raw(d.frame));
  } else if (const expect::Field* type = d.field(*l4, "type")) {
    key += fmt::format(" type {}", type->raw(d.frame));
    if (const expect::Field* id = d.field(*l4, "id"); id && !ports_masked) key += fmt::format(" id {}", id->raw(d.frame));
  }
  return key;
}

// A report counter by dotted name: top-level numbers ("forwarded_hw"), entries of the maps
// ("drops.ttl_exceeded", "punts.no_flow", "flows.torn_down", "driver.entries_written"; an
// entry a map does not have is 0) and per-port numbers ("ports.wan.tx_hw").
std::optional<double> counter_value(const nlohmann::json& report, const std::string& name, std::string* error) {
  const auto dot = name.find('.');
  const std::string head = name.substr(0, dot);
  if (!report.contains(head)) {
    std::string known;
    for (const auto& [k, v] : report.items()) {
      if (v.is_number() || v.is_boolean()) known += (known.empty() ? "" : ", ") + k;
      if (v.is_object()) known += (known.empty() ? "" : ", ") + k + ".NAME";
    }
    *error = fmt::format("unknown counter '{}'; counters are {}, ports.PORT.FIELD", name, known);
    return std::nullopt;
  }
  const nlohmann::json& top = report[head];
  if (dot == std::string::npos) {
    if (top.is_number()) return top.get<double>();
    if (top.is_boolean()) return top.get<bool>() ? 1.0 : 0.0;
    *error = fmt::format("'{}' is not a number; name one of its entries ({}.NAME)", name, name);
    return std::nullopt;
  }
  const std::string rest = name.substr(dot + 1);
  if (head == "ports") {
    const auto dot2 = rest.find('.');
    const std::string port = rest.substr(0, dot2);
    const std::string field = dot2 == std::string::npos ? "" : rest.substr(dot2 + 1);
    for (const auto& p : top) {
      if (p["name"] != port) continue;
      if (!p.contains(field) || !p[field].is_number()) {
        std::string known;
        for (const auto& [k, v] : p.items()) {
          if (v.is_number()) known += (known.empty() ? "" : ", ") + k;
        }
        *error = fmt::format("port {} has no counter '{}'; it has {}", port, field, known);
        return std::nullopt;
      }
      return p[field].get<double>();
    }
    *error = fmt::format("no port '{}'", port);
    return std::nullopt;
  }
  if (!top.is_object()) {
    *error = fmt::format("'{}' has no entries", head);
    return std::nullopt;
  }
  // Maps list only what happened: an absent entry is a count of 0.
  if (!top.contains(rest)) return 0.0;
  if (!top[rest].is_number()) {
    *error = fmt::format("'{}' is not a number", name);
    return std::nullopt;
  }
  return top[rest].get<double>();
}

std::string number_text(double v) {
  if (v == static_cast<double>(static_cast<std::int64_t>(v))) return std::to_string(static_cast<std::int64_t>(v));
  return fmt::format("{}", v);
}

class Runner {
 public:
  Runner(const Script& script, const ConformanceOptions& options) : script_(script), options_(options) {}

  ConformanceResult run() {
    result_.name = script_.name;
    result_.file = script_.file;
    result_.scenario = script_.scenario;
    prepare_scenario();
    check_references();
    comparator_.emplace(router_addresses_);
    testbench::ReplayOptions ro;
    ro.out_dir = options_.out_dir;
    ro.register_trace = options_.register_trace;
    ro.rtl_instruments = options_.rtl_instruments;
    const auto wall_start = std::chrono::steady_clock::now();
    try {
      testbench::ReplaySession session(scenario_, ro);
      session.start();
      for (const Step& s : script_.steps) execute(session, s);
      result_.report = session.finish();
      result_.traffic_ps = session.now_ps();
      check_events(session.events());
    } catch (const driver::DeviceError& e) {
      result_.error = std::string("device error: ") + e.what();
    } catch (const net::InputError& e) {
      result_.error = e.what();
    }
    result_.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    if (result_.error.empty()) {
      check_frames();
      check_accounting();
    }
    std::sort(result_.cases.begin(), result_.cases.end(),
              [](const CaseResult& a, const CaseResult& b) { return a.line < b.line; });
    return std::move(result_);
  }

 private:
  [[noreturn]] void fail_at(int line, const std::string& message) const {
    throw net::InputError(fmt::format("{}:{}: {}", script_.file.string(), line, message));
  }

  std::optional<unsigned> port_index(const std::string& name) const {
    for (unsigned i = 0; i < scenario_.ports.size(); ++i) {
      if (scenario_.ports[i].name == name) return i;
    }
    return std::nullopt;
  }

  std::string port_names() const {
    std::string out;
    for (const auto& p : scenario_.ports) out += (out.empty() ? "" : ", ") + p.name;
    return out;
  }

  unsigned port_or_fail(const std::string& name, int line) const {
    const auto i = port_index(name);
    if (!i) fail_at(line, fmt::format("the scenario has no port '{}'; its ports are {}", name, port_names()));
    return *i;
  }

  void prepare_scenario() {
    scenario_ = scenario::load_scenario(script_.scenario);
    if (options_.adjust_scenario) options_.adjust_scenario(scenario_);
    if (script_.replace_traffic) {
      scenario_.traffic.clear();
      for (const auto& t : script_.traffic) {
        scenario_.traffic.push_back(scenario::TrafficSpec{t.port, port_or_fail(t.port, t.line), t.pcap, t.line});
      }
    }
    for (const auto& p : scenario_.ports) {
      if (p.name == expect::kCpuPort) {
        fail_at(1, fmt::format("the scenario {} names a port 'cpu', which conformance files use for the CPU port",
                               script_.scenario.string()));
      }
      for (const auto& a : p.ipv4) router_addresses_.insert(a.addr().to_string());
      for (const auto& a : p.ipv6) router_addresses_.insert(a.addr().to_string());
    }
  }

  void check_references() {
    for (const std::string& p : script_.ignored_ports) {
      if (p != expect::kCpuPort && !port_index(p)) {
        fail_at(1, fmt::format("`ignore {}`: the scenario has no such port; its ports are {}", p, port_names()));
      }
    }
    for (const Step& s : script_.steps) {
      if (s.port.empty()) continue;
      if (s.port != expect::kCpuPort) port_or_fail(s.port, s.line);
      if (!s.punt_reason.empty() && !known_punt_reason(s.punt_reason)) {
        fail_at(s.line, fmt::format("unknown punt reason '{}'; reasons are {}", s.punt_reason, punt_reason_names()));
      }
    }
    for (const Step& s : script_.steps) {
      if (s.kind != StepKind::kEvent) continue;
      std::string error;
      auto e = scenario::parse_control_event(s.command, scenario_, script_.file.parent_path(), &error);
      if (!e) fail_at(s.line, fmt::format("event: {}", error));
      e->line = s.line;
      events_.push_back(std::move(*e));
    }
  }

  void add_case(const Step& s, std::string kind, bool passed, std::string message, std::uint64_t at_ps,
                std::string detail = {}) {
    result_.cases.push_back(CaseResult{s.line, s.text, std::move(kind), passed, std::move(message), std::move(detail), at_ps});
  }

  void execute(testbench::ReplaySession& session, const Step& s) {
    switch (s.kind) {
      case StepKind::kAt:
        if (s.at_ps < cursor_) {
          fail_at(s.line, fmt::format("`at {}` is before the cursor ({}): time only moves forward",
                                      scenario::format_time_ps(s.at_ps), scenario::format_time_ps(cursor_)));
        }
        cursor_ = s.at_ps;
        session.run_until(cursor_);
        break;
      case StepKind::kWait:
        cursor_ += s.at_ps;
        session.run_until(cursor_);
        break;
      case StepKind::kWaitIdle: {
        const bool idle = session.run_until_idle(script_.idle_limit_ps);
        cursor_ = std::max(cursor_, session.now_ps());
        if (!idle) {
          add_case(s, "idle", false,
                   fmt::format("the model was not idle after {} of simulated time (idle-limit)",
                               scenario::format_time_ps(script_.idle_limit_ps)),
                   cursor_);
        }
        break;
      }
      case StepKind::kPacket:
        session.inject(*port_index(s.port), s.pattern.bytes, cursor_);
        break;
      case StepKind::kPacketPcap: {
        const auto records = read_pcap(s.file);
        const std::uint64_t base = records.empty() ? 0 : records.front().timestamp_ns;
        for (const auto& r : records) {
          if (r.truncated()) {
            fail_at(s.line, fmt::format("{}: packet #{} was captured with {} of its {} bytes", s.file.string(), r.index,
                                        r.bytes.size(), r.wire_length));
          }
          const std::uint64_t offset_ps = (std::max(r.timestamp_ns, base) - base) * 1000;
          session.inject(*port_index(s.port), r.bytes, cursor_ + offset_ps);
        }
        break;
      }
      case StepKind::kExpectFrame:
      case StepKind::kExpectPcap:
      case StepKind::kExpectNothing:
        expect_frames(s);
        break;
      case StepKind::kExpectCounter:
        check_counter(session, s);
        break;
      case StepKind::kExpectText:
        check_text(session, s);
        break;
      case StepKind::kEvent: {
        session.post_event(events_[posted_events_], cursor_);
        event_cases_.push_back(result_.cases.size());
        ++posted_events_;
        add_case(s, "event", true, "", cursor_);
        break;
      }
    }
  }

  void expect_frames(const Step& s) {
    checked_ports_.insert(s.port);
    if (s.kind == StepKind::kExpectNothing) nothing_case_[s.port] = result_.cases.size();
    const std::size_t case_index = result_.cases.size();
    add_case(s, "frame", true, "", 0);
    auto& list = expected_[s.port];
    const bool ethernet = s.port != expect::kCpuPort;
    if (s.kind == StepKind::kExpectFrame) {
      FramePattern p = s.pattern;
      if (ethernet) p.pad_to(kMinFrame);
      list.push_back(ExpectedFrame{std::move(p), s.masks, s.punt_reason, case_index, 0});
    } else if (s.kind == StepKind::kExpectPcap) {
      std::size_t i = 0;
      for (const auto& r : read_pcap(s.file)) {
        if (r.truncated()) {
          fail_at(s.line, fmt::format("{}: packet #{} was captured with {} of its {} bytes", s.file.string(), r.index,
                                      r.bytes.size(), r.wire_length));
        }
        FramePattern p = FramePattern::exact(r.bytes);
        if (ethernet) p.pad_to(kMinFrame);
        list.push_back(ExpectedFrame{std::move(p), s.masks, "", case_index, i++});
      }
    }
    frames_per_case_[case_index] = s.kind == StepKind::kExpectNothing ? 0 : list.size();
  }

  void check_counter(const testbench::ReplaySession& session, const Step& s) {
    const nlohmann::json report = nlohmann::json::parse(session.snapshot().to_json());
    std::string error;
    const auto lhs = counter_value(report, s.counter, &error);
    std::optional<double> rhs = s.rhs_value;
    if (lhs && !s.rhs_counter.empty()) rhs = counter_value(report, s.rhs_counter, &error);
    if (!lhs || !rhs) {
      add_case(s, "counter", false, error, cursor_);
      return;
    }
    const bool ok = expect::holds(s.op, *lhs, *rhs);
    std::string message;
    if (!ok) {
      message = s.rhs_counter.empty()
                    ? fmt::format("{} is {}, expected {} {}", s.counter, number_text(*lhs), to_string(s.op),
                                  number_text(*rhs))
                    : fmt::format("{} is {}, {} is {}: expected {} {} {}", s.counter, number_text(*lhs), s.rhs_counter,
                                  number_text(*rhs), s.counter, to_string(s.op), s.rhs_counter);
    }
    add_case(s, "counter", ok, message, cursor_);
  }

  void check_text(const testbench::ReplaySession& session, const Step& s) {
    const std::string text = s.text_source == "conntrack" ? session.conntrack_dump() : session.ruleset_listing();
    const std::regex re(s.regex);
    std::istringstream lines(text);
    std::string line;
    std::string first_match;
    while (std::getline(lines, line)) {
      if (std::regex_search(line, re)) {
        first_match = line;
        break;
      }
    }
    const bool found = !first_match.empty();
    std::string message;
    std::string detail;
    if (found != s.present) {
      message = s.present ? fmt::format("no line of the {} matches /{}/", s.text_source, s.regex)
                          : fmt::format("a line of the {} matches /{}/: {}", s.text_source, s.regex, first_match);
      detail = fmt::format("the {} at {}:\n{}", s.text_source, scenario::describe_time_ps(cursor_),
                           text.empty() ? "(empty)\n" : text);
    }
    add_case(s, s.text_source, found == s.present, message, cursor_, detail);
  }

  std::vector<Frame> frames_of(const std::string& port) const {
    std::vector<Frame> out;
    const bool cpu = port == expect::kCpuPort;
    const auto file = options_.out_dir / (cpu ? std::string("cpu.pcap") : port + ".pcap");
    for (auto& r : read_pcap(file)) {
      Frame f;
      f.timestamp_ns = r.timestamp_ns;
      if (cpu && r.bytes.size() >= 12 + kPuntTagSize) {
        // Strip the punt tag the ledger puts after the MAC addresses; keep its reason.
        f.punt_reason = punt_reason_name(r.bytes[15]);
        f.bytes.assign(r.bytes.begin(), r.bytes.begin() + 12);
        f.bytes.insert(f.bytes.end(), r.bytes.begin() + 12 + kPuntTagSize, r.bytes.end());
      } else {
        f.bytes = std::move(r.bytes);
      }
      out.push_back(std::move(f));
    }
    return out;
  }

  void fail_case(std::size_t case_index, const std::string& message, const std::string& detail = {}) {
    CaseResult& c = result_.cases[case_index];
    if (!c.passed) return;  // the first failure of a line is the one to read
    c.passed = false;
    c.message = message;
    c.detail = detail;
  }

  // Compares one actual frame with what is expected of it; fails the expectation's case.
  void compare_frame(const std::string& port, std::size_t position, const Frame& got, const ExpectedFrame& want) {
    std::vector<expect::FieldDiff> diffs = comparator_->compare(got.bytes, want.pattern, want.masks);
    const std::string where = fmt::format("frame #{} out of {}", position + 1, port);
    const std::string of_line =
        frames_per_case_[want.case_index] > 1 ? fmt::format(" (frame {} of the line)", want.index_in_line + 1) : "";
    if (!want.punt_reason.empty() && got.punt_reason != want.punt_reason) {
      diffs.insert(diffs.begin(), expect::FieldDiff{"punt.reason", got.punt_reason, want.punt_reason});
    }
    if (diffs.empty()) return;
    std::string names;
    for (std::size_t i = 0; i < diffs.size() && i < 6; ++i) names += (i ? ", " : "") + diffs[i].name;
    if (diffs.size() > 6) names += " ...";
    std::string detail = fmt::format("  got      {}\n  expected {}{}\n", expect::summary(got.bytes),
                                     expect::summary(want.pattern.filled_from(got.bytes)),
                                     got.punt_reason.empty() ? "" : fmt::format("\n  punted with {}", got.punt_reason));
    for (const auto& l : expect::FrameComparator::side_by_side(got.bytes, want.pattern, diffs)) detail += "  " + l + "\n";
    fail_case(want.case_index, fmt::format("{}{} differs in {}", where, of_line, names), detail);
  }

  void check_port(const std::string& port, const std::vector<Frame>& got, const std::vector<ExpectedFrame>& want,
                  std::size_t port_case) {
    const bool ports_masked =
        std::any_of(want.begin(), want.end(), [](const ExpectedFrame& w) { return has(w.masks, expect::Mask::kL4Port); });
    // Pairs (actual index, expected index) in the order the frames left.
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    std::vector<std::size_t> missing;
    std::vector<std::size_t> extra;
    if (script_.order == expect::FrameOrder::kPerPort || port == expect::kCpuPort) {
      for (std::size_t i = 0; i < std::min(got.size(), want.size()); ++i) pairs.emplace_back(i, i);
      for (std::size_t i = got.size(); i < want.size(); ++i) missing.push_back(i);
      for (std::size_t i = want.size(); i < got.size(); ++i) extra.push_back(i);
    } else {
      std::map<std::string, std::pair<std::vector<std::size_t>, std::vector<std::size_t>>> flows;
      for (std::size_t i = 0; i < got.size(); ++i) flows[flow_key(got[i].bytes, ports_masked)].first.push_back(i);
      for (std::size_t i = 0; i < want.size(); ++i) {
        const auto filled = want[i].pattern.filled_from({});
        flows[flow_key(filled, ports_masked)].second.push_back(i);
      }
      for (const auto& [key, sides] : flows) {
        const auto& [g, w] = sides;
        for (std::size_t k = 0; k < std::min(g.size(), w.size()); ++k) pairs.emplace_back(g[k], w[k]);
        for (std::size_t k = g.size(); k < w.size(); ++k) missing.push_back(w[k]);
        for (std::size_t k = w.size(); k < g.size(); ++k) extra.push_back(g[k]);
      }
      std::sort(pairs.begin(), pairs.end());
      std::sort(missing.begin(), missing.end());
      std::sort(extra.begin(), extra.end());
    }
    for (const auto& [gi, wi] : pairs) compare_frame(port, gi, got[gi], want[wi]);
    for (const std::size_t wi : missing) {
      const ExpectedFrame& w = want[wi];
      fail_case(w.case_index, fmt::format("{} sent {} frame{}; this one was never sent{}", port, got.size(),
                                          got.size() == 1 ? "" : "s",
                                          frames_per_case_[w.case_index] > 1
                                              ? fmt::format(" (frame {} of the line)", w.index_in_line + 1)
                                              : ""),
                fmt::format("  expected {}\n", expect::summary(w.pattern.filled_from({}))));
    }
    if (!extra.empty()) {
      std::string detail;
      for (std::size_t k = 0; k < extra.size() && k < kShownExtraFrames; ++k) {
        const Frame& f = got[extra[k]];
        detail += fmt::format("  #{} {}{}\n", extra[k] + 1, expect::summary(f.bytes),
                              f.punt_reason.empty() ? "" : " (" + f.punt_reason + ")");
      }
      if (extra.size() > kShownExtraFrames) detail += fmt::format("  ... and {} more\n", extra.size() - kShownExtraFrames);
      const auto nothing = nothing_case_.find(port);
      fail_case(nothing != nothing_case_.end() ? nothing->second : port_case, fmt::format("{} sent {} frame{} no expectation accounts for (first: #{})", port,
                                       extra.size(), extra.size() == 1 ? "" : "s", extra.front() + 1),
                detail);
    }
  }

  void check_frames() {
    std::vector<std::string> ports;
    for (const auto& p : scenario_.ports) {
      if (!script_.ignored_ports.count(p.name)) ports.push_back(p.name);
    }
    if (checked_ports_.count(std::string(expect::kCpuPort)) && !script_.ignored_ports.count(std::string(expect::kCpuPort))) {
      ports.emplace_back(expect::kCpuPort);
    }
    for (const std::string& port : ports) {
      const std::vector<Frame> got = frames_of(port);
      Step s;
      s.text = fmt::format("{} sends nothing it was not expected to", port);
      const std::size_t port_case = result_.cases.size();
      add_case(s, "port", true, "", result_.traffic_ps);
      check_port(port, got, expected_[port], port_case);
    }
  }

  // Every event ran, without an error: the test's own (in posting order) and the scenario's.
  void check_events(const std::vector<testbench::EventOutcome>& outcomes) {
    std::size_t next = 0;
    for (const testbench::EventOutcome& o : outcomes) {
      if (o.from_scenario) {
        Step s;
        s.text = fmt::format("scenario event at {}: {} ({}:{})", scenario::describe_time_ps(o.at_ps), o.command,
                             script_.scenario.filename().string(), o.line);
        add_case(s, "event", o.error.empty(), o.error.empty() ? "" : o.command + ": " + o.error, o.at_ps);
        continue;
      }
      if (next == event_cases_.size()) continue;
      CaseResult& c = result_.cases[event_cases_[next++]];
      c.at_ps = o.at_ps;
      if (!o.error.empty()) {
        c.passed = false;
        c.message = o.command + ": " + o.error;
      }
    }
    for (; next < event_cases_.size(); ++next) {
      CaseResult& c = result_.cases[event_cases_[next]];
      c.passed = false;
      c.message = "the event never ran (the run ended first)";
    }
  }

  void check_accounting() {
    const testbench::Report& r = result_.report;
    Step s;
    s.text = "every packet accounted for (in = hardware + software + dropped)";
    add_case(s, "accounting", r.accounted(),
             r.accounted() ? "" : fmt::format("{} in, {} accounted for", r.packets_in, r.forwarded_hw + r.forwarded_sw + r.dropped),
             result_.traffic_ps);
  }

  const Script& script_;
  const ConformanceOptions& options_;
  scenario::Scenario scenario_;
  std::set<std::string> router_addresses_;
  std::optional<expect::FrameComparator> comparator_;
  ConformanceResult result_;
  std::uint64_t cursor_ = 0;
  std::map<std::string, std::vector<ExpectedFrame>> expected_;
  std::map<std::size_t, std::size_t> frames_per_case_;
  std::set<std::string> checked_ports_;
  std::map<std::string, std::size_t> nothing_case_;  // `expect PORT nothing` lines
  std::deque<scenario::ControlEvent> events_;        // the file's `event` lines, parsed
  std::size_t posted_events_ = 0;
  std::vector<std::size_t> event_cases_;             // their cases, in posting order
};

}  // namespace

ConformanceResult run_conformance(const expect::Script& script, const ConformanceOptions& options) {
  return Runner(script, options).run();
}

}  // namespace flowsim::conformance
