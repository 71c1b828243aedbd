// SPDX-License-Identifier: Apache-2.0
#include "testbench/expect/expectation_script.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>
#include <system_error>

#include "net/input_error.hpp"
#include "testbench/scenario/sim_time.hpp"

namespace flowsim::expect {
namespace {

constexpr std::string_view kStatements =
    "name, scenario, traffic, mask, order, ignore, idle-limit, at, wait, packet, expect, event";

std::vector<std::string> split(std::string_view line) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.emplace_back(line.substr(start, i - start));
  }
  return out;
}

// Everything after the first `n` words, trimmed.
std::string rest_after(std::string_view line, std::size_t n) {
  std::size_t i = 0;
  for (std::size_t w = 0; w < n; ++w) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
  }
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  std::size_t end = line.size();
  while (end > i && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r')) --end;
  return std::string(line.substr(i, end - i));
}

// A comment starts at `#` at the start of the line or after a blank.
std::string_view strip_comment(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) return line.substr(0, i);
  }
  return line;
}

bool looks_like_hex(std::string_view token) {
  return !token.empty() && token.find_first_not_of("0123456789abcdefABCDEF*:.") == std::string_view::npos;
}

bool valid_name(std::string_view s) {
  return !s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
                           std::string_view::npos;
}

// The first number in `re` that std::regex would read into an integer (a back-reference
// `\N`, a repeat count `{N}`, `{N,}`, `{N,M}`) and that has more than 9 digits, or an empty
// view. libstdc++ 12 accumulates such numbers in a long without an overflow check (undefined
// behaviour, found by fuzz/conformance_fuzzer), so they are refused before std::regex sees them.
std::string_view oversized_regex_number(std::string_view re) {
  constexpr std::size_t kMaxDigits = 9;
  auto digits_at = [&](std::size_t i) {
    std::size_t j = i;
    while (j < re.size() && std::isdigit(static_cast<unsigned char>(re[j]))) ++j;
    return j - i;
  };
  for (std::size_t i = 0; i < re.size(); ++i) {
    if (re[i] == '\\') {
      const std::size_t n = i + 1 < re.size() ? digits_at(i + 1) : 0;
      if (n > kMaxDigits) return re.substr(i, n + 1);
      ++i;  // the escaped character is not special
    } else if (re[i] == '{') {
      std::size_t j = i + 1;
      while (j < re.size() && re[j] != '}') {
        const std::size_t n = digits_at(j);
        if (n > kMaxDigits) return re.substr(j, n);
        j += n == 0 ? 1 : n;
      }
      i = j;  // every number up to the closing brace is checked (one pass: linear in the size)
    }
  }
  return {};
}

std::optional<CompareOp> op_of(std::string_view s) {
  if (s == "==") return CompareOp::kEq;
  if (s == "!=") return CompareOp::kNe;
  if (s == "<") return CompareOp::kLt;
  if (s == "<=") return CompareOp::kLe;
  if (s == ">") return CompareOp::kGt;
  if (s == ">=") return CompareOp::kGe;
  return std::nullopt;
}

class Parser {
 public:
  explicit Parser(const std::filesystem::path& file) : file_(file) {}

  Script run() {
    std::ifstream in(file_);
    if (!in) {
      throw net::InputError(file_.string() + ": cannot open conformance file: " +
                            std::generic_category().message(errno));
    }
    script_.file = file_;
    script_.name = file_.stem().string();
    std::string raw;
    while (std::getline(in, raw)) {
      ++line_;
      const std::string_view text = strip_comment(raw);
      const std::vector<std::string> w = split(text);
      if (w.empty()) continue;
      statement(w, text);
    }
    if (script_.scenario.empty()) fail_at(1, "no `scenario FILE` line: a conformance test names its router");
    return std::move(script_);
  }

 private:
  [[noreturn]] void fail_at(int line, const std::string& message) const {
    throw net::InputError(fmt::format("{}:{}: {}", file_.string(), line, message));
  }
  [[noreturn]] void fail(const std::string& message) const { fail_at(line_, message); }

  std::filesystem::path existing_file(const std::string& name, std::string_view what) const {
    const std::filesystem::path p = (file_.parent_path() / name).lexically_normal();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) {
      fail(fmt::format("{} '{}' not found (looked for {})", what, name, p.string()));
    }
    return p;
  }

  std::uint64_t time_of(const std::string& text) const {
    const auto t = scenario::parse_time_ps(text);
    if (!t) fail(fmt::format("bad time '{}' (a number with a unit: ps, ns, us, ms, s; e.g. 1.5ms)", text));
    return *t;
  }

  MaskSet masks_from(const std::vector<std::string>& w, std::size_t from) const {
    MaskSet m;
    for (std::size_t i = from; i < w.size(); ++i) {
      if (w[i] == "none") continue;
      const auto mask = mask_from_name(w[i]);
      if (!mask) fail(fmt::format("unknown mask '{}'; known: {}", w[i], mask_vocabulary()));
      add(m, *mask);
    }
    return m;
  }

  void need(const std::vector<std::string>& w, std::size_t n, std::string_view usage) const {
    if (w.size() < n) fail(fmt::format("too short; write: {}", usage));
  }
  void exactly(const std::vector<std::string>& w, std::size_t n, std::string_view usage) const {
    if (w.size() != n) fail(fmt::format("expected: {}", usage));
  }

  Step step(StepKind kind, std::string_view text) const {
    Step s;
    s.kind = kind;
    s.line = line_;
    s.text = rest_after(text, 0);
    return s;
  }

  void port_name(const std::string& p) const {
    if (!valid_name(p)) fail(fmt::format("bad port name '{}'", p));
  }

  // HEX tokens up to an optional `mask NAME...`.
  FramePattern frame_of(const std::vector<std::string>& w, std::size_t from, std::size_t* mask_at) const {
    std::string hex;
    std::size_t i = from;
    for (; i < w.size() && w[i] != "mask"; ++i) hex += w[i];
    if (mask_at) *mask_at = i;
    if (hex.empty()) fail("no frame given (hex digits, `*` for any nibble)");
    std::string error;
    auto p = FramePattern::parse(hex, &error);
    if (!p) fail("bad frame: " + error);
    if (p->bytes.size() < 14) fail(fmt::format("a frame of {} bytes is shorter than an Ethernet header", p->bytes.size()));
    return *p;
  }

  void statement(const std::vector<std::string>& w, std::string_view text) {
    const std::string& kw = w[0];
    if (kw == "name") {
      exactly(w, 2, "name NAME");
      script_.name = w[1];
    } else if (kw == "scenario") {
      exactly(w, 2, "scenario FILE");
      if (!script_.scenario.empty()) fail("a second `scenario` line");
      script_.scenario = existing_file(w[1], "scenario");
    } else if (kw == "traffic") {
      if (w.size() == 2 && w[1] == "none") {
        script_.replace_traffic = true;
        return;
      }
      exactly(w, 3, "traffic none | traffic PORT FILE");
      port_name(w[1]);
      script_.replace_traffic = true;
      script_.traffic.push_back({w[1], existing_file(w[2], "capture"), line_});
    } else if (kw == "mask") {
      need(w, 2, "mask NAME... | mask none");
      default_masks_ = masks_from(w, 1);
    } else if (kw == "order") {
      exactly(w, 2, "order port | order flow");
      if (w[1] == "port") {
        script_.order = FrameOrder::kPerPort;
      } else if (w[1] == "flow") {
        script_.order = FrameOrder::kPerFlow;
      } else {
        fail(fmt::format("unknown order '{}'; allowed: port, flow", w[1]));
      }
    } else if (kw == "ignore") {
      exactly(w, 2, "ignore PORT");
      port_name(w[1]);
      script_.ignored_ports.insert(w[1]);
    } else if (kw == "idle-limit") {
      exactly(w, 2, "idle-limit TIME");
      script_.idle_limit_ps = time_of(w[1]);
    } else if (kw == "at") {
      exactly(w, 2, "at TIME");
      Step s = step(StepKind::kAt, text);
      s.at_ps = time_of(w[1]);
      script_.steps.push_back(std::move(s));
    } else if (kw == "wait") {
      exactly(w, 2, "wait TIME | wait idle");
      if (w[1] == "idle") {
        script_.steps.push_back(step(StepKind::kWaitIdle, text));
      } else {
        Step s = step(StepKind::kWait, text);
        s.at_ps = time_of(w[1]);
        script_.steps.push_back(std::move(s));
      }
    } else if (kw == "packet") {
      need(w, 3, "packet PORT HEX | packet PORT pcap FILE");
      port_name(w[1]);
      if (w[1] == kCpuPort) fail("frames come in through Ethernet ports, not through `cpu`");
      if (w[2] == "pcap") {
        exactly(w, 4, "packet PORT pcap FILE");
        Step s = step(StepKind::kPacketPcap, text);
        s.port = w[1];
        s.file = existing_file(w[3], "capture");
        script_.steps.push_back(std::move(s));
      } else {
        Step s = step(StepKind::kPacket, text);
        s.port = w[1];
        std::size_t mask_at = 0;
        s.pattern = frame_of(w, 2, &mask_at);
        if (mask_at != w.size()) fail("a packet sent in has no mask");
        if (s.pattern.to_string().find('*') != std::string::npos) fail("a packet sent in cannot have `*` nibbles");
        script_.steps.push_back(std::move(s));
      }
    } else if (kw == "expect") {
      expect(w, text);
    } else if (kw == "event") {
      need(w, 2, "event COMMAND");
      Step s = step(StepKind::kEvent, text);
      s.command = rest_after(text, 1);
      script_.steps.push_back(std::move(s));
    } else {
      fail(fmt::format("unknown statement '{}'; allowed: {}", kw, kStatements));
    }
  }

  void expect(const std::vector<std::string>& w, std::string_view text) {
    need(w, 3, "expect PORT HEX | expect PORT pcap FILE | expect counter NAME OP VALUE | expect conntrack has REGEX");
    if (w[1] == "counter") {
      exactly(w, 5, "expect counter NAME OP VALUE (OP: == != < <= > >=; VALUE a number or a counter)");
      Step s = step(StepKind::kExpectCounter, text);
      if (!valid_name(w[2])) fail(fmt::format("bad counter name '{}'", w[2]));
      s.counter = w[2];
      const auto op = op_of(w[3]);
      if (!op) fail(fmt::format("unknown comparison '{}'; allowed: == != < <= > >=", w[3]));
      s.op = *op;
      double v = 0;
      const auto [end, ec] = std::from_chars(w[4].data(), w[4].data() + w[4].size(), v);
      if (ec == std::errc{} && end == w[4].data() + w[4].size() && std::isfinite(v)) {
        s.rhs_value = v;
      } else if (valid_name(w[4]) && !std::isdigit(static_cast<unsigned char>(w[4][0]))) {
        s.rhs_counter = w[4];
      } else {
        fail(fmt::format("'{}' is neither a number nor a counter name", w[4]));
      }
      script_.steps.push_back(std::move(s));
      return;
    }
    if (w[1] == "conntrack" || w[1] == "ruleset") {
      need(w, 4, "expect conntrack|ruleset has|lacks REGEX");
      if (w[2] != "has" && w[2] != "lacks") fail(fmt::format("expected `has` or `lacks`, got '{}'", w[2]));
      Step s = step(StepKind::kExpectText, text);
      s.text_source = w[1];
      s.present = w[2] == "has";
      s.regex = rest_after(text, 3);
      if (const std::string_view n = oversized_regex_number(s.regex); !n.empty()) {
        fail(fmt::format("bad regular expression '{}': the number '{}' has more than 9 digits", s.regex, n));
      }
      try {
        std::regex re(s.regex);
      } catch (const std::regex_error& e) {
        fail(fmt::format("bad regular expression '{}': {}", s.regex, e.what()));
      }
      script_.steps.push_back(std::move(s));
      return;
    }
    port_name(w[1]);
    if (w[2] == "nothing") {
      exactly(w, 3, "expect PORT nothing");
      Step s = step(StepKind::kExpectNothing, text);
      s.port = w[1];
      script_.steps.push_back(std::move(s));
      return;
    }
    if (w[2] == "pcap") {
      need(w, 4, "expect PORT pcap FILE [mask NAME...]");
      if (w.size() > 4 && w[4] != "mask") fail("expected `mask NAME...` after the capture");
      Step s = step(StepKind::kExpectPcap, text);
      s.port = w[1];
      s.file = existing_file(w[3], "capture");
      s.masks = w.size() > 4 ? masks_from(w, 5) : default_masks_;
      script_.steps.push_back(std::move(s));
      return;
    }
    Step s = step(StepKind::kExpectFrame, text);
    s.port = w[1];
    std::size_t from = 2;
    if (w[1] == kCpuPort && !looks_like_hex(w[2])) {
      s.punt_reason = w[2];
      from = 3;
    }
    std::size_t mask_at = 0;
    s.pattern = frame_of(w, from, &mask_at);
    s.masks = mask_at < w.size() ? masks_from(w, mask_at + 1) : default_masks_;
    script_.steps.push_back(std::move(s));
  }

  std::filesystem::path file_;
  Script script_;
  MaskSet default_masks_;
  int line_ = 0;
};

}  // namespace

std::string_view to_string(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "==";
    case CompareOp::kNe: return "!=";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
  }
  return "?";
}

bool holds(CompareOp op, double lhs, double rhs) {
  switch (op) {
    case CompareOp::kEq: return lhs == rhs;
    case CompareOp::kNe: return lhs != rhs;
    case CompareOp::kLt: return lhs < rhs;
    case CompareOp::kLe: return lhs <= rhs;
    case CompareOp::kGt: return lhs > rhs;
    case CompareOp::kGe: return lhs >= rhs;
  }
  return false;
}

Script load_script(const std::filesystem::path& file) { return Parser(file).run(); }

}  // namespace flowsim::expect
