// SPDX-License-Identifier: Apache-2.0
// When each captured packet is due at the earliest, before causality can only delay it:
// recorded (capture time, divided by --speed, idle gaps longer than --max-gap shortened to
// it), a fixed packet rate (--pps), a fixed bit rate (--mbps, frames with their Ethernet
// overhead), or back to back at each port's line rate. Successive loops (--loop) continue the
// clock, restamped monotonically: loop k+1 starts one mean inter-packet gap after loop k has
// drained (its conversations reuse loop k's addresses and ports, so they must not overlap).
// Times are integer picoseconds of simulated time; the same inputs give the same times.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace flowsim::capture {

enum class TimingMode : std::uint8_t { kRecorded, kPps, kMbps, kLineRate };

struct TimingOptions {
  TimingMode mode = TimingMode::kRecorded;
  double speed = 1.0;  // kRecorded: capture time runs this many times faster
  double pps = 0;      // kPps
  double mbps = 0;     // kMbps
  unsigned loops = 1;
  std::optional<std::uint64_t> max_gap_ns{};  // kRecorded: longest idle gap kept
  // Stated in the report: "recorded", "recorded x10", "100000 pps", "line rate"...
  std::string describe() const;
};

class ReplayClock {
 public:
  // `port_speeds_bps` for line rate; `mean_gap_ns` separates loops.
  ReplayClock(TimingOptions options, std::uint64_t start_ps, std::vector<std::uint64_t> port_speeds_bps,
              std::uint64_t mean_gap_ns);

  // The earliest time of the next packet in capture order: captured at `ts_ns`, `wire_bytes`
  // long (no FCS), entering `port`. Call once per packet, in order.
  std::uint64_t next(std::uint64_t ts_ns, std::uint32_t wire_bytes, unsigned port);
  // A new loop of the capture begins at `now_ps`: its first packet comes one gap later.
  void new_loop(std::uint64_t now_ps);
  // The captured gap between two packets as simulated time (0 in the rate modes, which
  // keep only order).
  std::uint64_t gap_ps(std::uint64_t earlier_ts_ns, std::uint64_t later_ts_ns) const;

  const TimingOptions& options() const { return options_; }

 private:
  std::uint64_t scaled_ps(std::uint64_t capture_ns) const;

  TimingOptions options_;
  std::uint64_t start_ps_;
  std::vector<std::uint64_t> port_speeds_;
  std::uint64_t mean_gap_ns_;
  bool first_ = true;
  std::uint64_t last_ts_ns_ = 0;
  std::uint64_t capture_clock_ns_ = 0;  // capture time elapsed (gaps capped), for kRecorded
  std::uint64_t last_ps_ = 0;
  std::uint64_t count_ = 0;
  std::vector<std::uint64_t> port_free_ps_;
};

}  // namespace flowsim::capture
