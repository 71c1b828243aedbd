// SPDX-License-Identifier: Apache-2.0
// The whole stack: a trace replayed by `flowsim replay`'s harness through the ASIC model,
// the real driver and the engine (scenarios/home_router.yaml's router), as a user runs it.
// The traces are traces/flows/make_flows_trace.py's: N UDP conversations set up and
// offloaded one after another, then a bulk of M packets back to back at 10 GbE on both
// ports (64-byte frames, or IMIX 7:4:1). Items are packets; the time is the replay's CPU time
// (user + system) in a child process, because SystemC elaborates once per process and
// because wall-clock time on a shared machine measures the neighbours. Counters: `wall_s`,
// the hardware hit rate, the child's peak resident memory.
//
// Short mode (default): 1000 flows, 100k packets. Full mode (FLOWSIM_BENCH=full): 1000 flows,
// 1M packets, as in the README's table; 100k flows for the table-overflow figure.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "benchmarks/bench_mode.hpp"
#include "testbench/harness/replay_session.hpp"
#include "testbench/scenario/scenario.hpp"

namespace {

using namespace flowsim;
namespace fs = std::filesystem;

const fs::path kSource = FLOWSIM_SOURCE_DIR;
const fs::path kBinary = FLOWSIM_BINARY_DIR;

struct TraceSpec {
  unsigned flows;
  unsigned packets;
  const char* sizes;  // "64" or "imix"
};

// The trace's directory in the build tree, generated on first use (Scapy, seconds).
fs::path trace(const TraceSpec& t) {
  const fs::path dir = kBinary / "benchmarks/traces" /
                       ("flows" + std::to_string(t.flows) + "_packets" + std::to_string(t.packets) + "_" + t.sizes);
  if (fs::exists(dir / "wan.pcap")) return dir;
  const std::string cmd = "/usr/bin/python3 " + (kSource / "traces/flows/make_flows_trace.py").string() +
                          " --out " + dir.string() + " --flows " + std::to_string(t.flows) + " --packets " +
                          std::to_string(t.packets) + " --sizes " + t.sizes;
  if (std::system(cmd.c_str()) != 0) return {};
  return dir;
}

// `rtl`: the datapath blocks that run as Verilated RTL ("none", "hash", "all", ...).
scenario::Scenario router(const fs::path& traces, const std::string& rtl) {
  scenario::Scenario s = scenario::load_scenario(kSource / "scenarios/home_router.yaml");
  s.name = "bench";
  s.asic.rtl = *model::RtlBlocks::parse(rtl);
  s.timing = scenario::TimingMode::kRecorded;
  for (auto& t : s.traffic) t.pcap = traces / (t.port_name + ".pcap");
  return s;
}

struct ChildResult {
  int ok = 0;
  double cpu_s = 0;
  double wall_s = 0;
  long max_rss_kb = 0;
  std::uint64_t packets_in = 0;
  std::uint64_t forwarded_hw = 0;
  std::uint64_t flows_in_hw = 0;
};

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; }

// One replay in a child process (SystemC elaborates once per process).
ChildResult replay_in_child(const scenario::Scenario& s, const testbench::ReplayOptions& o) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    ChildResult r;
    rusage before{}, after{};
    getrusage(RUSAGE_SELF, &before);
    const auto t0 = std::chrono::steady_clock::now();
    try {
      const testbench::Report rep = testbench::run_replay(s, o);
      r.packets_in = rep.packets_in;
      r.forwarded_hw = rep.forwarded_hw;
      r.flows_in_hw = rep.flows.count("hw_offloaded") ? rep.flows.at("hw_offloaded") : 0;
      r.ok = rep.accounted() ? 1 : 0;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "replay failed: %s\n", e.what());
    }
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    getrusage(RUSAGE_SELF, &after);
    r.cpu_s = seconds(after.ru_utime) - seconds(before.ru_utime) + seconds(after.ru_stime) - seconds(before.ru_stime);
    r.max_rss_kb = after.ru_maxrss;
    const ssize_t n = write(fds[1], &r, sizeof r);
    _exit(n == static_cast<ssize_t>(sizeof r) ? 0 : 1);
  }
  close(fds[1]);
  ChildResult r;
  if (pid < 0 || read(fds[0], &r, sizeof r) != static_cast<ssize_t>(sizeof r)) r = ChildResult{};
  close(fds[0]);
  int status = 0;
  if (pid > 0) waitpid(pid, &status, 0);
  return r;
}

// Runs the replay once per iteration and reports its CPU time as the iteration's time.
ChildResult run(benchmark::State& state, const TraceSpec& spec, const std::string& rtl, bool write_pcaps) {
  const fs::path dir = trace(spec);
  if (dir.empty()) {
    state.SkipWithError("cannot generate the trace (python3-scapy)");
    return {};
  }
  const scenario::Scenario s = router(dir, rtl);
  testbench::ReplayOptions o;
  if (write_pcaps) o.out_dir = kBinary / "benchmarks/out" / (dir.filename().string() + "_rtl_" + rtl);
  ChildResult last;
  for (auto _ : state) {
    last = replay_in_child(s, o);
    if (!last.ok) {
      state.SkipWithError("the replay failed or lost packets");
      return last;
    }
    state.SetIterationTime(last.cpu_s);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(last.packets_in) * state.iterations());
  state.counters["wall_s"] = last.wall_s;
  state.counters["peak_rss_MB"] = static_cast<double>(last.max_rss_kb) / 1024.0;
  state.counters["hw_hit_pct"] = 100.0 * static_cast<double>(last.forwarded_hw) / static_cast<double>(last.packets_in);
  state.counters["flows_in_hw"] = static_cast<double>(last.flows_in_hw);
  return last;
}

TraceSpec bound_flows(const char* sizes = "64") {
  return {1000, bench::by_mode(100'000u, 1'000'000u), sizes};
}

// 1000 bound 64-byte UDP flows, C++ blocks: the headline figure.
void BM_WholeStack(benchmark::State& state) { run(state, bound_flows(), "none", false); }
BENCHMARK(BM_WholeStack)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);

// The same with the hash unit's Verilated RTL.
void BM_WholeStackRtlHash(benchmark::State& state) { run(state, bound_flows(), "hash", false); }
BENCHMARK(BM_WholeStackRtlHash)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);

// IMIX (7:4:1 of 64/576/1518-byte frames), every output pcap written.
void BM_WholeStackImixWithPcaps(benchmark::State& state) { run(state, bound_flows("imix"), "none", true); }
BENCHMARK(BM_WholeStackImixWithPcaps)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);

// More flows than the table holds (16384 entries = 8192 flows): the rest stay in software.
// Reports the cost per packet against the 1000-flow run of the same length (`vs_1k_flows`)
// and the memory each flow beyond 1000 costs (`bytes_per_flow`).
void BM_WholeStackManyFlows(benchmark::State& state) {
  const unsigned flows = bench::by_mode(10'000u, 100'000u);
  const TraceSpec many{flows, bench::by_mode(100'000u, 1'000'000u), "64"};
  const TraceSpec few{1000, many.packets, "64"};
  const fs::path few_dir = trace(few);
  if (few_dir.empty()) {
    state.SkipWithError("cannot generate the trace (python3-scapy)");
    return;
  }
  const ChildResult ref = replay_in_child(router(few_dir, "none"), {});
  const ChildResult r = run(state, many, "none", false);
  if (!ref.ok || !r.ok) return;
  const auto per_packet = [](const ChildResult& c) { return c.cpu_s / static_cast<double>(c.packets_in); };
  state.counters["vs_1k_flows"] = per_packet(r) / per_packet(ref);
  state.counters["bytes_per_flow"] =
      static_cast<double>(r.max_rss_kb - ref.max_rss_kb) * 1024.0 / static_cast<double>(flows - few.flows);
}
BENCHMARK(BM_WholeStackManyFlows)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
