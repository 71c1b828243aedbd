// SPDX-License-Identifier: Apache-2.0
// A conformance test as a user writes it: a line-based file in the spirit of P4's STF
// (`packet <port> <hex>` / `expect <port> <hex>`), which names the router (a scenario file)
// and lists, in simulated time, what goes in, what happens to the router (events) and what
// must come out. The grammar, one statement per line (`#` starts a comment):
//
//   name NAME                     the test's name (default: the file's stem)
//   scenario FILE                 the router (required); paths are relative to this file
//   traffic none | PORT FILE      replace the scenario's captures (each line adds one port)
//   mask NAME... | mask none      default masks of the expect lines below
//   order port | order flow       frames compared in order per port (default), or per flow
//   ignore PORT                   what leaves PORT is not checked
//   idle-limit TIME               `wait idle` fails after this much simulated time (10 s)
//
//   at TIME | wait TIME           move the time cursor (absolute, or forward); runs the model
//   wait idle                     until every packet so far has left or been dropped
//   packet PORT HEX               a frame arrives on PORT at the cursor
//   packet PORT pcap FILE         a capture's frames, at their offsets from the cursor
//   expect PORT HEX [mask NAME...]            the next frame out of PORT (`*` = any nibble)
//   expect PORT pcap FILE [mask NAME...]      the next frames out of PORT
//   expect cpu [REASON] HEX [mask NAME...]    the next frame punted to the CPU (and why)
//   expect PORT nothing           no frame out of PORT (also turns checking of `cpu` on)
//   expect counter NAME OP VALUE  a report counter at the cursor; OP is == != < <= > >=,
//                                 VALUE a number or another counter
//   expect conntrack|ruleset has|lacks REGEX  a line of the dump matches / none does
//   event COMMAND                 a change to the router at the cursor (control_event.hpp)
//
// TIME is a number with a unit: ps, ns, us, ms, s. Loading checks everything it can without
// running: unknown statements, ports, masks and counters' syntax, hex, files that do not
// exist; each error names the file, the line and what would have been accepted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "testbench/expect/frame_comparator.hpp"
#include "testbench/expect/frame_pattern.hpp"

namespace flowsim::expect {

enum class StepKind : std::uint8_t {
  kAt,             // at_ps
  kWait,           // at_ps = duration
  kWaitIdle,
  kPacket,         // port, pattern (exact)
  kPacketPcap,     // port, file
  kExpectFrame,    // port, pattern, masks, punt_reason (cpu only, may be empty)
  kExpectPcap,     // port, file, masks
  kExpectNothing,  // port
  kExpectCounter,  // counter, op, rhs_counter or rhs_value
  kExpectText,     // text_source, present, regex
  kEvent,          // command
};

enum class CompareOp : std::uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
std::string_view to_string(CompareOp op);
bool holds(CompareOp op, double lhs, double rhs);

struct Step {
  StepKind kind = StepKind::kWait;
  int line = 0;
  std::string text;  // the statement as written, for reports
  std::string port;
  FramePattern pattern;
  std::string punt_reason;
  std::filesystem::path file;
  MaskSet masks;
  std::uint64_t at_ps = 0;
  std::string counter;
  CompareOp op = CompareOp::kEq;
  std::string rhs_counter;  // empty: rhs_value
  double rhs_value = 0;
  std::string text_source;  // "conntrack" or "ruleset"
  bool present = true;
  std::string regex;
  std::string command;
};

enum class FrameOrder : std::uint8_t { kPerPort, kPerFlow };

struct Script {
  std::filesystem::path file;
  std::string name;
  std::filesystem::path scenario;
  bool replace_traffic = false;  // `traffic` lines given: they replace the scenario's
  struct Traffic {
    std::string port;
    std::filesystem::path pcap;
    int line = 0;
  };
  std::vector<Traffic> traffic;
  std::set<std::string> ignored_ports;
  FrameOrder order = FrameOrder::kPerPort;
  std::uint64_t idle_limit_ps = 10'000'000'000'000ull;  // 10 s
  std::vector<Step> steps;
};

// The name frames punted to the CPU go by in expect lines.
inline constexpr std::string_view kCpuPort = "cpu";

// Loads and checks `file`. Port names and punt reasons are checked against the scenario by
// the runner (it loads the scenario); everything else here. Throws net::InputError with
// "FILE:LINE: message".
Script load_script(const std::filesystem::path& file);

}  // namespace flowsim::expect
