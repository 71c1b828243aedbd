// SPDX-License-Identifier: Apache-2.0
// The flowsim command. It only parses options and calls testbench/harness; everything it
// can do is also reachable from tests.
//
//   flowsim replay SCENARIO [--out DIR] [--register-trace FILE] [--rtl BLOCKS] [--no-pcap] [--quiet]
//   flowsim replay [SCENARIO] --capture FILE [--lan PREFIX,...] [timing]          (capture_options.cpp)
//   flowsim sweep MATRIX [--out DIR] [--cell [N]] [--backend local|slurm|kubernetes]  (sweep_command.cpp)
//   flowsim merge DIR                                                             (merge_command.cpp)
//   flowsim compare A B                                                           (compare_command.cpp)
//   flowsim conformance FILE [--junit FILE] [--json FILE]                         (conformance_command.cpp)
//
// Exit status: 0 success, 1 usage, 2 bad input (file and place named on stderr),
// 3 device error, 4 packets unaccounted for, 5 a conformance file's expectations not met,
// 6 a sweep's cells did not all pass, 7 compared outputs differ.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <systemc>
#include <unistd.h>

#include "driver/device_error.hpp"
#include "net/input_error.hpp"
#include "model/rtl_twin/rtl_blocks.hpp"
#include "testbench/harness/replay_session.hpp"
#include "testbench/scenario/scenario.hpp"
#include "testbench/shard/shard_spec.hpp"
#include "tools/capture_options.hpp"
#include "tools/compare_command.hpp"
#include "tools/conformance_command.hpp"
#include "tools/rtl_options.hpp"
#include "tools/merge_command.hpp"
#include "tools/sweep_command.hpp"

namespace {

// `flowsim replay`'s options.
struct ReplayCli {
  std::string scenario_path;
  std::string out_dir = "flowsim-out";
  std::string trace_path;
  std::string rtl;    // --rtl: replaces the scenario's asic.rtl when given
  std::string shard;  // --shard K/N
  flowsim::tools::RtlOptions rtl_options;  // --wave, --wave-window, --rtl-coverage
  bool no_pcap = false;  // --no-pcap: counters only
  bool quiet = false;
  const flowsim::tools::CaptureOptions* capture = nullptr;
};

int replay(const ReplayCli& cli) {
  using namespace flowsim;
  const std::string& out_dir = cli.out_dir;
  const std::string& trace_path = cli.trace_path;
  const bool quiet = cli.quiet;
  scenario::Scenario scenario = scenario::load_scenario(cli.scenario_path);
  if (!cli.rtl.empty()) scenario.asic.rtl = *model::RtlBlocks::parse(cli.rtl);  // checked by CLI11
  testbench::ReplayOptions options;
  options.out_dir = std::filesystem::path(out_dir);
  options.rtl_instruments = cli.rtl_options.instrument_request();
  if (!cli.shard.empty()) options.shard = shard::ShardSpec::parse(cli.shard);  // checked by CLI11
  if (cli.capture->selected()) {
    if (options.shard) throw net::InputError("--shard does not work with --capture yet");
    options.capture = cli.capture->plan(scenario);
  }
  options.write_pcaps = !cli.no_pcap;
  std::ofstream trace;
  if (!trace_path.empty()) {
    trace.open(trace_path);
    if (!trace) throw net::InputError(trace_path + ": cannot open for writing");
    options.register_trace = &trace;
  }
  // Progress goes to stderr, only on a terminal, at most once a second of wall time; it
  // never influences the simulation or its outputs.
  const auto wall_start = std::chrono::steady_clock::now();
  auto last_print = wall_start;
  if (!quiet && isatty(STDERR_FILENO)) {
    options.on_progress = [&](const testbench::Progress& p) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_print < std::chrono::seconds(1)) return;
      last_print = now;
      const double wall = std::chrono::duration<double>(now - wall_start).count();
      std::fprintf(stderr, "\r  simulated %.1f ms (%.2f ms/s)  %.0f pkt/s  hw hit %.1f %%", p.simulated_ms,
                   p.simulated_ms / wall, static_cast<double>(p.packets_in) / wall,
                   p.packets_in ? 100.0 * static_cast<double>(p.forwarded_hw) / static_cast<double>(p.packets_in)
                                : 0.0);
      if (p.total > 0) {
        std::fprintf(stderr, "  %.0f %% done", 100.0 * static_cast<double>(p.captured) / static_cast<double>(p.total));
      }
      std::fprintf(stderr, "   ");
    };
  }
  if (!quiet && !scenario.software_devices.empty()) {
    std::string names;
    for (const std::string& d : scenario.software_devices) names += (names.empty() ? "" : ", ") + d;
    std::cout << "software-only devices (in the ruleset's flowtable, not ASIC ports; their flows stay in the software "
                 "flowtable): "
              << names << "\n";
  }
  const testbench::Report report = testbench::run_replay(scenario, options);
  if (options.on_progress) std::fprintf(stderr, "\n");

  std::filesystem::create_directories(out_dir);
  std::ofstream(std::filesystem::path(out_dir) / "report.json") << report.to_json();
  std::ofstream(std::filesystem::path(out_dir) / "summary.txt") << report.to_text();
  if (!quiet) {
    // Which blocks were RTL is not in the report files: they are byte-identical either way.
    if (report.rtl_blocks != "none") std::cout << "datapath blocks run as Verilated RTL: " << report.rtl_blocks << "\n";
    std::cout << report.to_text();
    std::cout << "\noutputs in " << out_dir << ": report.json, summary.txt, "
              << (cli.no_pcap ? "(no pcaps: --no-pcap)" : "one pcap per port, cpu.pcap,") << "\n"
              << "conntrack.txt (/proc/net/nf_conntrack at the end), ruleset.txt (nft list ruleset)\n";
  }
  if (!report.accounted()) {
    std::cerr << "flowsim: packets unaccounted for (see summary)\n";
    return 4;
  }
  return 0;
}

}  // namespace

// libsystemc.so's own main() prints SystemC's banner before sc_main runs (TOOLCHAIN.md
// trap 5); this main, which takes precedence over the library's, turns it off first and
// then hands over to SystemC exactly as the library's main would.
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int argc, char* argv[]) {
  CLI::App app{"flowsim: replay pcaps through a flow-offload ASIC model, its driver and a Linux-like engine"};
  app.require_subcommand(1);
  auto* rep = app.add_subcommand("replay", "replay a scenario's traffic and report where every packet went");
  ReplayCli cli;
  rep->add_option("scenario", cli.scenario_path, "scenario file (YAML); with --capture, default: the bundled home router");
  rep->add_option("-o,--out", cli.out_dir, "output directory for pcaps and the report")->capture_default_str();
  rep->add_option("--register-trace", cli.trace_path, "write every driver register access to this file");
  rep->add_option("--rtl", cli.rtl,
                  "datapath blocks to run as Verilated RTL instead of C++: all, none or a comma-separated list of " +
                      flowsim::model::RtlBlocks::names() + " (replaces the scenario's asic.rtl)")
      ->check([](const std::string& text) -> std::string {
        if (flowsim::model::RtlBlocks::parse(text)) return "";
        return "'" + text + "' is not all, none or a comma-separated list of " + flowsim::model::RtlBlocks::names();
      });
  rep->add_flag("--no-pcap", cli.no_pcap, "counters only: write the report but no pcaps (throughput runs)");
  rep->add_flag("-q,--quiet", cli.quiet, "print nothing but errors");
  flowsim::tools::add_rtl_options(*rep, cli.rtl_options, false);
  rep->add_option("--shard", cli.shard,
                  "replay shard K of N (0-based, e.g. 1/4) of the traffic's conversations; NAT keeps to the shard's "
                  "part of the port space")
      ->check([](const std::string& s) {
        return flowsim::shard::ShardSpec::parse(s) ? std::string() : "expected K/N with 0 <= K < N, got '" + s + "'";
      });
  const flowsim::tools::CaptureOptions capture(*rep);
  cli.capture = &capture;
  const flowsim::tools::SweepCommand sweep(app, *rep);
  const flowsim::tools::CompareCommand compare(app);
  const flowsim::tools::MergeCommand merge(app);
  const flowsim::tools::ConformanceCommand conformance(app);
  CLI11_PARSE(app, argc, argv);
  if (conformance.selected()) return conformance.run();
  if (sweep.selected()) return sweep.run();
  if (merge.selected()) return merge.run();
  if (compare.selected()) return compare.run();

  if (cli.scenario_path.empty()) {
    if (!capture.selected()) {
      std::cerr << "flowsim replay: a scenario file is required (or --capture FILE)\n";
      return 1;
    }
    cli.scenario_path = FLOWSIM_DEFAULT_SCENARIO;
  }
  try {
    return replay(cli);
  } catch (const flowsim::net::InputError& e) {
    std::cerr << "flowsim: " << e.what() << "\n";
    return 2;
  } catch (const flowsim::driver::DeviceError& e) {
    std::cerr << "flowsim: " << e.what() << "\n";
    return 3;
  } catch (const std::invalid_argument& e) {
    std::cerr << "flowsim: " << cli.scenario_path << ": " << e.what() << "\n";
    return 2;
  }
}
