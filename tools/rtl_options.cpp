// SPDX-License-Identifier: Apache-2.0
#include "tools/rtl_options.hpp"

#include "testbench/scenario/sim_time.hpp"

namespace flowsim::tools {

std::optional<model::RtlBlocks> RtlOptions::blocks() const {
  if (rtl.empty()) return std::nullopt;
  return model::RtlBlocks::parse(rtl);
}

model::RtlInstrumentRequest RtlOptions::instrument_request() const {
  model::RtlInstrumentRequest r;
  r.wave_path = wave;
  if (!wave_window.empty()) {
    const auto window = *parse_wave_window(wave_window);  // checked by CLI11
    r.wave_from_ps = window.first;
    r.wave_to_ps = window.second;
  }
  r.coverage_path = coverage;
  return r;
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_wave_window(const std::string& text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos) return std::nullopt;
  const auto from = scenario::parse_time_ps(text.substr(0, colon));
  const auto to = scenario::parse_time_ps(text.substr(colon + 1));
  if (!from || !to || *from > *to) return std::nullopt;
  return std::pair{*from, *to};
}

void add_rtl_options(CLI::App& sub, RtlOptions& options, bool with_rtl) {
  if (with_rtl) {
    sub.add_option("--rtl", options.rtl,
                   "datapath blocks to run as Verilated RTL instead of C++: all, none or a comma-separated list of " +
                       model::RtlBlocks::names() + " (replaces the scenario's asic.rtl)")
        ->check([](const std::string& text) -> std::string {
          if (model::RtlBlocks::parse(text)) return "";
          return "'" + text + "' is not all, none or a comma-separated list of " + model::RtlBlocks::names();
        });
  }
  auto* wave = sub.add_option("--wave", options.wave,
                              "write an FST waveform of the datapath blocks that run as RTL to this file (open it "
                              "with GTKWave; see README, \"RTL datapath\")");
  sub.add_option("--wave-window", options.wave_window,
                 "the waveform's window in traffic time, T0:T1 with units (e.g. 10us:12.5us); default: the whole run")
      ->needs(wave)
      ->check([](const std::string& text) -> std::string {
        if (parse_wave_window(text)) return "";
        return "expected T0:T1, two times with units (ps, ns, us, ms, s) with T0 <= T1, got '" + text + "'";
      });
  sub.add_option("--rtl-coverage", options.coverage,
                 "write Verilator line and toggle coverage of the datapath blocks that run as RTL to this file "
                 "(verilator_coverage reads it)");
}

}  // namespace flowsim::tools
