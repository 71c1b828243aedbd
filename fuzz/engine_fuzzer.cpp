// SPDX-License-Identifier: Apache-2.0
// The software engine (conntrack, nft, NAT, routing, the flowtable) fed arbitrary frames
// after the bundled home router's fixed configuration and ruleset. An input is a sequence of
// frames, each `port (1 byte) | time step in ms (1 byte) | length (2 bytes, little endian) |
// bytes` (the last one cut at the end of the input); each input starts a fresh engine, so a
// finding replays from its input alone. Checked: every frame gets exactly one verdict
// (forwarded, held for reassembly, or dropped), a verdict names a port the router has, a drop
// a reason, and the engine's counters add up. A failed check says what did not hold.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <span>

#include "engine/engine.hpp"
#include "net/packet_buffer.hpp"
#include "testbench/scenario/scenario.hpp"

namespace {

const flowsim::engine::EngineConfig& config() {
  static const flowsim::engine::EngineConfig c = flowsim::scenario::to_engine_config(
      flowsim::scenario::load_scenario(std::filesystem::path(FLOWSIM_SOURCE_DIR) / "scenarios/home_router.yaml"));
  return c;
}

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "engine_fuzzer: not true: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace std::chrono_literals;
  flowsim::engine::Engine engine(config());
  const unsigned ports = static_cast<unsigned>(engine.interface_count());
  flowsim::net::PacketBuffer frame;
  std::chrono::nanoseconds now = 1s;
  std::uint64_t in = 0;
  std::uint64_t forwarded = 0;
  std::uint64_t dropped = 0;
  std::uint64_t stolen = 0;
  std::size_t pos = 0;
  while (pos + 4 <= size) {
    const unsigned port = data[pos] % ports;
    now += std::chrono::milliseconds(data[pos + 1]);
    const std::size_t len = std::min<std::size_t>(data[pos + 2] | (data[pos + 3] << 8), size - pos - 4);
    pos += 4;
    while (engine.next_timer() <= now) engine.run_timers(engine.next_timer());
    frame.assign(std::span<const std::uint8_t>(data + pos, len));
    pos += len;
    const flowsim::engine::Verdict v = engine.process(frame, port, now);
    ++in;
    switch (v.kind) {
      case flowsim::engine::Verdict::Kind::kForward:
        ++forwarded;
        check(v.egress_ifindex < ports, "a forwarded packet leaves by a port the router has");
        check(v.extra_frames == engine.extra_frames().size(), "the extra fragments are there");
        break;
      case flowsim::engine::Verdict::Kind::kStolen: ++stolen; break;  // held for reassembly
      case flowsim::engine::Verdict::Kind::kDrop:
        ++dropped;
        check(!flowsim::engine::to_string(v.reason).empty(), "a drop has a reason");
        if (v.generated) check(v.egress_ifindex < ports && !frame.empty(), "a generated packet has bytes and a port");
        break;
    }
  }
  const flowsim::engine::EngineStats& s = engine.stats();
  check(s.received == in, "received counts every frame");
  check(s.forwarded == forwarded, "forwarded counts every forward verdict");
  check(s.stolen == stolen, "stolen counts every fragment held");
  check(s.dropped_total() == dropped, "the drop reasons add up to the drop verdicts");
  return 0;
}
