// SPDX-License-Identifier: Apache-2.0
// Converts core-clock cycles and wire bytes to simulated time. The model annotates
// transactions with these durations instead of ticking a clock (DESIGN.md "Timing").
#pragma once

#include <cstddef>
#include <cstdint>
#include <systemc>

namespace flowsim::model {

class CoreClock {
 public:
  explicit CoreClock(double mhz) : period_ps_(1e6 / mhz) {}
  sc_core::sc_time cycles(std::uint64_t n) const {
    return sc_core::sc_time(static_cast<double>(n) * period_ps_, sc_core::SC_PS);
  }
  double period_ps() const { return period_ps_; }

 private:
  double period_ps_;
};

// The TIMESTAMP register's time base: whole seconds of simulated time since power-on.
inline std::uint64_t timestamp_seconds() {
  return sc_core::sc_time_stamp().value() / sc_core::sc_time(1, sc_core::SC_SEC).value();
}

// Bytes a frame occupies on an Ethernet wire: the frame padded to 60, plus FCS (4),
// preamble/SFD (8) and inter-frame gap (12). A pcap holds the frame without FCS.
constexpr std::uint64_t wire_bytes(std::size_t frame_len) {
  return (frame_len < 60 ? 60 : frame_len) + 4 + 8 + 12;
}

// Time to serialise a frame at `speed_bps`, exact in picoseconds for the standard rates.
inline sc_core::sc_time wire_time(std::size_t frame_len, std::uint64_t speed_bps) {
  const std::uint64_t ps = wire_bytes(frame_len) * 8 * 1'000'000'000'000ull / speed_bps;
  return sc_core::sc_time(static_cast<double>(ps), sc_core::SC_PS);
}

}  // namespace flowsim::model
