// SPDX-License-Identifier: Apache-2.0
// Converts core-clock cycles and wire bytes to simulated time. The model annotates
// transactions with these durations instead of ticking a clock (DESIGN.md "Timing").
#pragma once

#include <cstddef>
#include <cstdint>
#include <systemc>

namespace flowsim::model {

// A duration in picoseconds given as a double, rounded to the model's 1 ps resolution
// exactly as sc_time(v, SC_PS) rounds it (SystemC 2.3.4 from_value_and_unit), so that
// integer-picosecond arithmetic gives the same times as sc_time arithmetic did.
inline std::uint64_t round_ps(double v) {
  if (v == 0) return 0;
  volatile double tmp = v + 0.5;  // as SystemC: no excess precision
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(tmp));
}

class CoreClock {
 public:
  explicit CoreClock(double mhz) : period_ps_(1e6 / mhz) {}
  sc_core::sc_time cycles(std::uint64_t n) const { return sc_core::sc_time::from_value(cycles_ps(n)); }
  // The same in integer picoseconds, rounded as sc_time(double, SC_PS) rounds.
  std::uint64_t cycles_ps(std::uint64_t n) const { return round_ps(static_cast<double>(n) * period_ps_); }
  double period_ps() const { return period_ps_; }

 private:
  double period_ps_;
};

constexpr std::uint64_t kPsPerSecond = 1'000'000'000'000ull;

// The TIMESTAMP register's time base: whole seconds of simulated time since power-on, at
// `now_ps` (the model's present, Calendar::now_ps()).
constexpr std::uint64_t timestamp_seconds(std::uint64_t now_ps) { return now_ps / kPsPerSecond; }

// Bytes a frame occupies on an Ethernet wire: the frame padded to 60, plus FCS (4),
// preamble/SFD (8) and inter-frame gap (12). A pcap holds the frame without FCS.
constexpr std::uint64_t wire_bytes(std::size_t frame_len) {
  return (frame_len < 60 ? 60 : frame_len) + 4 + 8 + 12;
}

// Time to serialise a frame at `speed_bps`, in picoseconds (exact for the standard rates).
constexpr std::uint64_t wire_time_ps(std::size_t frame_len, std::uint64_t speed_bps) {
  return wire_bytes(frame_len) * 8 * kPsPerSecond / speed_bps;
}
inline sc_core::sc_time wire_time(std::size_t frame_len, std::uint64_t speed_bps) {
  return sc_core::sc_time::from_value(wire_time_ps(frame_len, speed_bps));
}

// wire_time_ps() for one port, with the division done once: every standard rate divides
// 8 * 10^12 bit-picoseconds, so a frame costs a whole number of picoseconds per byte.
class WireClock {
 public:
  explicit WireClock(std::uint64_t speed_bps)
      : speed_bps_(speed_bps), ps_per_byte_(8 * kPsPerSecond % speed_bps == 0 ? 8 * kPsPerSecond / speed_bps : 0) {}
  std::uint64_t time_ps(std::size_t frame_len) const {
    return ps_per_byte_ != 0 ? wire_bytes(frame_len) * ps_per_byte_ : wire_time_ps(frame_len, speed_bps_);
  }

 private:
  std::uint64_t speed_bps_;
  std::uint64_t ps_per_byte_;  // 0: not a whole number
};

}  // namespace flowsim::model
