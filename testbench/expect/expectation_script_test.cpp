// SPDX-License-Identifier: Apache-2.0
// Conformance files are written by hand: every statement parses as documented, and every
// mistake is an error naming the file, the line and what would have been accepted.
#include "testbench/expect/expectation_script.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "net/input_error.hpp"
#include "testbench/scenario/sim_time.hpp"

namespace flowsim::expect {
namespace {

const std::filesystem::path kDir = std::filesystem::path(FLOWSIM_BINARY_DIR) / "testbench/expect/work";

std::filesystem::path write(const std::string& name, const std::string& text) {
  std::filesystem::create_directories(kDir);
  std::ofstream(kDir / "router.yaml") << "# stands in for a scenario\n";
  std::ofstream(kDir / "in.pcap") << "";
  const auto p = kDir / name;
  std::ofstream(p) << text;
  return p;
}

std::string error_of(const std::string& text) {
  try {
    load_script(write("bad.expect", text));
  } catch (const net::InputError& e) {
    return e.what();
  }
  return "(loaded)";
}

TEST(ExpectationScript, EveryStatementParses) {
  const auto file = write("all.expect",
                          "# a test\n"
                          "name nat_basic\n"
                          "scenario router.yaml\n"
                          "traffic lan in.pcap\n"
                          "mask ipv4.id ipv6.flowlabel\n"
                          "order flow\n"
                          "ignore dmz\n"
                          "idle-limit 2s\n"
                          "packet lan 02000000010102000000016408004500 001c0000 0000 4011 0000 c0a80164 c6336416\n"
                          "at 1.5ms\n"
                          "wait 250us   # comment after a statement\n"
                          "wait idle\n"
                          "expect wan 0200000002fe 020000000201 0800 45** mask l4.port\n"
                          "expect wan pcap in.pcap\n"
                          "expect cpu no_flow 0200000001010200000001640800\n"
                          "expect dmz nothing\n"
                          "expect counter punts.no_flow >= forwarded_hw\n"
                          "expect counter drops.ttl_exceeded == 3\n"
                          "expect conntrack has sport=5000 .*\\[OFFLOAD\\]\n"
                          "expect ruleset lacks counter packets 0\n"
                          "event ip link set wan down\n");
  const Script s = load_script(file);
  EXPECT_EQ(s.name, "nat_basic");
  EXPECT_EQ(s.scenario, (kDir / "router.yaml").lexically_normal());
  ASSERT_EQ(s.traffic.size(), 1u);
  EXPECT_EQ(s.traffic[0].port, "lan");
  EXPECT_EQ(s.traffic[0].line, 4);
  EXPECT_EQ(s.order, FrameOrder::kPerFlow);
  EXPECT_EQ(s.ignored_ports, std::set<std::string>{"dmz"});
  EXPECT_EQ(s.idle_limit_ps, 2'000'000'000'000ull);
  ASSERT_EQ(s.steps.size(), 13u);
  EXPECT_EQ(s.steps[0].kind, StepKind::kPacket);
  EXPECT_EQ(s.steps[0].pattern.bytes.size(), 34u);
  EXPECT_EQ(s.steps[1].kind, StepKind::kAt);
  EXPECT_EQ(s.steps[1].at_ps, 1'500'000'000u);
  EXPECT_EQ(s.steps[2].at_ps, 250'000'000u);
  EXPECT_EQ(s.steps[3].kind, StepKind::kWaitIdle);
  EXPECT_EQ(s.steps[4].kind, StepKind::kExpectFrame);
  EXPECT_EQ(s.steps[4].pattern.to_string(), "0200000002fe020000000201080045**");
  EXPECT_EQ(to_string(s.steps[4].masks), "l4.port");
  EXPECT_EQ(to_string(s.steps[5].masks), "ipv4.id ipv6.flowlabel");  // the file's default
  EXPECT_EQ(s.steps[6].punt_reason, "no_flow");
  EXPECT_EQ(s.steps[7].kind, StepKind::kExpectNothing);
  EXPECT_EQ(s.steps[8].rhs_counter, "forwarded_hw");
  EXPECT_EQ(s.steps[8].op, CompareOp::kGe);
  EXPECT_EQ(s.steps[9].rhs_value, 3);
  EXPECT_EQ(s.steps[10].regex, "sport=5000 .*\\[OFFLOAD\\]");
  EXPECT_FALSE(s.steps[11].present);
  EXPECT_EQ(s.steps[12].command, "ip link set wan down");
  EXPECT_EQ(s.steps[12].line, 21);
  EXPECT_EQ(s.steps[12].text, "event ip link set wan down");
}

TEST(ExpectationScript, MistakesNameFileLineAndWhatIsAllowed) {
  const std::string f = (kDir / "bad.expect").string();
  EXPECT_EQ(error_of("scenario router.yaml\nsend lan 00\n"),
            f + ":2: unknown statement 'send'; allowed: name, scenario, traffic, mask, order, ignore, idle-limit, at, "
                "wait, packet, expect, event");
  EXPECT_EQ(error_of("scenario router.yaml\nwait 10 ms\n"), f + ":2: expected: wait TIME | wait idle");
  EXPECT_EQ(error_of("scenario router.yaml\nwait 10m\n"),
            f + ":2: bad time '10m' (a number with a unit: ps, ns, us, ms, s; e.g. 1.5ms)");
  EXPECT_EQ(error_of("scenario router.yaml\nmask ipv4.ttl\n"),
            f + ":2: unknown mask 'ipv4.ttl'; known: ipv4.id, ipv6.flowlabel, l4.port, ipv6.fragid");
  EXPECT_EQ(error_of("scenario router.yaml\nexpect wan 0200000002fe0200000002010800 00x1\n"),
            f + ":2: bad frame: 'x' at character 31 is neither a hex digit nor '*'");
  EXPECT_EQ(error_of("scenario router.yaml\nexpect counter flows.added = 1\n"),
            f + ":2: unknown comparison '='; allowed: == != < <= > >=");
  const std::string bad_regex = f + ":2: bad regular expression '[OFFLOAD': ";
  EXPECT_EQ(error_of("scenario router.yaml\nexpect conntrack has [OFFLOAD\n").substr(0, bad_regex.size()), bad_regex);
  // Numbers std::regex reads into an integer (back-references, repeat counts) overflow it in
  // libstdc++ 12: refused with the number named (fuzz/conformance_fuzzer's finding).
  EXPECT_EQ(error_of("scenario router.yaml\nexpect ruleset has a\\66666666666666666666\n"),
            f + ":2: bad regular expression 'a\\66666666666666666666': the number '\\66666666666666666666' has more "
                "than 9 digits");
  EXPECT_EQ(error_of("scenario router.yaml\nexpect conntrack lacks x{1,12345678901}\n"),
            f + ":2: bad regular expression 'x{1,12345678901}': the number '12345678901' has more than 9 digits");
  EXPECT_EQ(error_of("scenario nowhere.yaml\n"),
            f + ":1: scenario 'nowhere.yaml' not found (looked for " + (kDir / "nowhere.yaml").string() + ")");
  EXPECT_EQ(error_of("wait idle\n"), f + ":1: no `scenario FILE` line: a conformance test names its router");
  EXPECT_EQ(error_of("scenario router.yaml\npacket cpu 0200000002fe0200000002010800\n"),
            f + ":2: frames come in through Ethernet ports, not through `cpu`");
}

TEST(ExpectationScript, TimesHaveUnits) {
  using scenario::format_time_ps;
  using scenario::parse_time_ps;
  EXPECT_EQ(parse_time_ps("1s"), 1'000'000'000'000u);
  EXPECT_EQ(parse_time_ps("2.5us"), 2'500'000u);
  EXPECT_EQ(parse_time_ps("7ns"), 7'000u);
  EXPECT_FALSE(parse_time_ps("7"));
  EXPECT_FALSE(parse_time_ps("-1s"));
  EXPECT_EQ(format_time_ps(1'500'000'000), "1500us");
  EXPECT_EQ(format_time_ps(30'000'000'000'000), "30s");
}

}  // namespace
}  // namespace flowsim::expect
