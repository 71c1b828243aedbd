// SPDX-License-Identifier: Apache-2.0
// The RTL options `flowsim replay` and `flowsim conformance` share: --wave FILE, --wave-window
// T0:T1 (traffic time, e.g. 10us:12.5us) and --rtl-coverage FILE (and, for conformance, --rtl,
// which replay has had on its own).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "model/rtl_twin/rtl_blocks.hpp"
#include "model/rtl_twin/rtl_instrument_request.hpp"

namespace flowsim::tools {

struct RtlOptions {
  std::string rtl;  // --rtl, if the subcommand takes it here
  std::string wave;
  std::string wave_window;
  std::string coverage;

  // The blocks --rtl names, if given (CLI11 has checked the text).
  std::optional<model::RtlBlocks> blocks() const;
  // What --wave, --wave-window and --rtl-coverage ask for.
  model::RtlInstrumentRequest instrument_request() const;
};

// Adds --wave, --wave-window and --rtl-coverage to `sub`, and --rtl if `with_rtl`.
void add_rtl_options(CLI::App& sub, RtlOptions& options, bool with_rtl);

// "T0:T1" in traffic time with units, T0 <= T1; nullopt otherwise.
std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_wave_window(const std::string& text);

}  // namespace flowsim::tools
