// SPDX-License-Identifier: Apache-2.0
// An AsicObserver that keeps everything it is told, for tests to assert on exact bytes,
// times and reasons. With keep_frames = false it only counts (long runs, benchmarks).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "model/asic_observer.hpp"

namespace flowsim::testbench {

struct ObservedFrame {
  unsigned port;
  sc_core::sc_time time;
  std::vector<std::uint8_t> bytes;
  model::FrameOrigin origin = model::FrameOrigin::kWire;
  hw::PuntReason reason = hw::PuntReason::kNoFlow;
  std::uint32_t foe_index = 0;
  model::ModelDropReason drop = model::ModelDropReason::kCount;
};

class RecordingObserver : public model::AsicObserver {
 public:
  void on_transmit(unsigned port, const sc_core::sc_time& start, std::span<const std::uint8_t> frame,
                   model::FrameOrigin origin) override {
    ++transmit_count;
    if (keep_frames) transmitted.push_back({port, start, {frame.begin(), frame.end()}, origin});
    if (on_transmit_hook) on_transmit_hook(port, start, frame);
  }
  void on_punt(unsigned port, const sc_core::sc_time& at, std::span<const std::uint8_t> frame, hw::PuntReason reason,
               std::uint32_t foe_index) override {
    ++punt_count;
    if (!keep_frames) return;
    ObservedFrame f{port, at, {frame.begin(), frame.end()}};
    f.reason = reason;
    f.foe_index = foe_index;
    punted.push_back(std::move(f));
  }
  void on_drop(unsigned port, const sc_core::sc_time& at, std::span<const std::uint8_t> frame,
               model::ModelDropReason reason, model::FrameOrigin) override {
    ++drop_count;
    if (!keep_frames) return;
    ObservedFrame f{port, at, {frame.begin(), frame.end()}};
    f.drop = reason;
    dropped.push_back(std::move(f));
  }

  bool keep_frames = true;
  // Called after a transmit is recorded, from inside the model (a test's causal injection).
  std::function<void(unsigned port, const sc_core::sc_time& start, std::span<const std::uint8_t> frame)>
      on_transmit_hook;
  std::uint64_t transmit_count = 0, punt_count = 0, drop_count = 0;
  std::vector<ObservedFrame> transmitted;
  std::vector<ObservedFrame> punted;
  std::vector<ObservedFrame> dropped;
};

}  // namespace flowsim::testbench
