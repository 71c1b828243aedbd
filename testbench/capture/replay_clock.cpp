// SPDX-License-Identifier: Apache-2.0
#include "testbench/capture/replay_clock.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace flowsim::capture {
namespace {

// Preamble + SFD (8), FCS (4) and the inter-frame gap (12) around every frame on the wire;
// a frame is at least 60 bytes without FCS.
constexpr std::uint64_t kWireOverhead = 24;
constexpr std::uint64_t kMinFrame = 60;

std::uint64_t wire_ps(std::uint32_t bytes, std::uint64_t bps) {
  const std::uint64_t bits = (std::max<std::uint64_t>(bytes, kMinFrame) + kWireOverhead) * 8;
  return bps == 0 ? 0 : bits * 1'000'000'000'000ull / bps;
}

}  // namespace

std::string TimingOptions::describe() const {
  std::string s;
  switch (mode) {
    case TimingMode::kRecorded:
      s = speed == 1.0 ? "recorded" : fmt::format("recorded x{:g}", speed);
      if (max_gap_ns) s += fmt::format(", gaps above {:g} ms shortened", static_cast<double>(*max_gap_ns) / 1e6);
      break;
    case TimingMode::kPps: s = fmt::format("{:g} packets/s", pps); break;
    case TimingMode::kMbps: s = fmt::format("{:g} Mbit/s", mbps); break;
    case TimingMode::kLineRate: s = "line rate"; break;
  }
  if (loops > 1) s += fmt::format(", {} loops", loops);
  return s;
}

ReplayClock::ReplayClock(TimingOptions options, std::uint64_t start_ps, std::vector<std::uint64_t> port_speeds_bps,
                         std::uint64_t mean_gap_ns)
    : options_(options),
      start_ps_(start_ps),
      port_speeds_(std::move(port_speeds_bps)),
      mean_gap_ns_(mean_gap_ns),
      last_ps_(start_ps),
      port_free_ps_(port_speeds_.size(), start_ps) {}

void ReplayClock::new_loop(std::uint64_t now_ps) {
  std::uint64_t gap_ps = 0;
  if (options_.mode == TimingMode::kRecorded) gap_ps = scaled_ps(mean_gap_ns_);
  if (options_.mode == TimingMode::kPps) gap_ps = static_cast<std::uint64_t>(std::llround(1e12 / options_.pps));
  start_ps_ = std::max(now_ps, options_.mode == TimingMode::kMbps ? last_ps_ : now_ps) + gap_ps;
  first_ = true;
  capture_clock_ns_ = 0;
  count_ = 0;
  last_ps_ = start_ps_;
  for (auto& p : port_free_ps_) p = std::max(p, start_ps_);
}

std::uint64_t ReplayClock::gap_ps(std::uint64_t earlier_ts_ns, std::uint64_t later_ts_ns) const {
  if (options_.mode != TimingMode::kRecorded || later_ts_ns <= earlier_ts_ns) return 0;
  std::uint64_t gap = later_ts_ns - earlier_ts_ns;
  if (options_.max_gap_ns) gap = std::min(gap, *options_.max_gap_ns);
  return scaled_ps(gap);
}

std::uint64_t ReplayClock::scaled_ps(std::uint64_t capture_ns) const {
  // Exact in integers at the recorded speed, so that long captures keep every nanosecond.
  if (options_.speed == 1.0) return capture_ns * 1000;
  return static_cast<std::uint64_t>(std::llround(static_cast<double>(capture_ns) * 1000.0 / options_.speed));
}

std::uint64_t ReplayClock::next(std::uint64_t ts_ns, std::uint32_t wire_bytes, unsigned port) {
  std::uint64_t at = start_ps_;
  switch (options_.mode) {
    case TimingMode::kRecorded: {
      if (!first_ && ts_ns > last_ts_ns_) {
        std::uint64_t gap = ts_ns - last_ts_ns_;
        if (options_.max_gap_ns) gap = std::min(gap, *options_.max_gap_ns);
        capture_clock_ns_ += gap;
      }
      // A timestamp that goes back in time keeps the clock where it was.
      if (first_ || ts_ns > last_ts_ns_) last_ts_ns_ = ts_ns;
      at = start_ps_ + scaled_ps(capture_clock_ns_);
      break;
    }
    case TimingMode::kPps:
      at = start_ps_ + static_cast<std::uint64_t>(std::llround(static_cast<double>(count_) * 1e12 / options_.pps));
      break;
    case TimingMode::kMbps:
      at = count_ == 0 ? start_ps_ : last_ps_;
      last_ps_ = at + static_cast<std::uint64_t>(std::llround(
                          static_cast<double>((std::max<std::uint64_t>(wire_bytes, kMinFrame) + kWireOverhead) * 8) *
                          1e6 / options_.mbps));
      break;
    case TimingMode::kLineRate:
      if (port < port_free_ps_.size()) {
        at = port_free_ps_[port];
        port_free_ps_[port] += wire_ps(wire_bytes, port_speeds_[port]);
      }
      break;
  }
  first_ = false;
  ++count_;
  return at;
}

}  // namespace flowsim::capture
