// SPDX-License-Identifier: Apache-2.0
// Replays one capture through endpoint emulation (testbench/capture/endpoint_emulator.hpp
// decides what to inject, where and when). It starts once the driver has brought the device
// up and hands frames to the chip in batches with their due times (Asic::inject), sleeping
// until the next batch: no SystemC event per packet. What the router does with each frame
// (sent on a port, dropped) comes back through the ledger's FrameListener and the packet
// tracker; an answer the emulator then releases is injected right there, from the callback,
// at its due time. Input errors (an unreadable or corrupt capture) stop the replay; error()
// says which.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>
#include <memory>
#include <string>
#include <systemc>

#include "model/asic.hpp"
#include "testbench/capture/endpoint_emulator.hpp"
#include "testbench/harness/capture_plan.hpp"
#include "testbench/harness/cpu_host.hpp"
#include "testbench/harness/ledger.hpp"
#include "testbench/harness/packet_tracker.hpp"
#include "testbench/harness/traffic_source.hpp"

namespace flowsim::testbench {

class CaptureReplayer : public sc_core::sc_module,
                        public TrafficSource,
                        private capture::EmulationListener,
                        private FrameListener {
 public:
  SC_HAS_PROCESS(CaptureReplayer);
  // With `out_dir`, writes drops.pcap (every dropped frame, tagged with its reason) and
  // frames.csv: for every frame of the port pcaps and drops.pcap, the capture packet it came
  // from (output,frame,capture,packet,loop; "-" for a frame the router made itself).
  CaptureReplayer(sc_core::sc_module_name name, const CapturePlan& plan, model::Asic& asic, const CpuHost& host,
                  Ledger& ledger, const std::optional<std::filesystem::path>& out_dir);
  ~CaptureReplayer() override;

  bool done() const override { return done_; }
  const std::string& error() const override { return error_; }
  // Responder packets re-addressed to the router's NAT mapping.
  std::uint64_t readdressed() const { return emulator_->readdressed(); }
  std::uint64_t ideal_hw() const { return emulator_->ideal_hw(); }
  const capture::EndpointEmulator& emulator() const { return *emulator_; }

 private:
  void run();
  // Hands every injection due by `horizon_ps` to the chip.
  void inject_due(std::uint64_t horizon_ps);

  // capture::EmulationListener
  void captured() override;
  void not_injected(std::string_view reason, const capture::PacketTag& tag, std::string detail) override;
  void truncated_file(std::string message) override;
  void warn(std::string_view kind, const capture::PacketTag& tag, std::string message) override;
  // FrameListener
  void frame_sent(unsigned port, std::uint64_t end_ps, std::span<const std::uint8_t> frame) override;
  void frame_dropped(std::string_view reason, std::span<const std::uint8_t> frame) override;
  void outcome_known();
  void map_frame(std::string_view output, std::uint64_t frame, const std::optional<capture::PacketTag>& tag);

  std::unique_ptr<capture::EndpointEmulator> emulator_;
  model::Asic& asic_;
  const CpuHost& host_;
  Ledger& ledger_;
  PacketTracker tracker_;
  std::vector<std::string> port_names_;
  std::vector<std::uint64_t> port_frames_;  // frames sent per port so far
  std::unique_ptr<std::ofstream> frame_map_;
  sc_core::sc_event wakeup_;
  std::uint64_t horizon_ps_ = 0;  // everything due up to here has been handed over
  std::uint64_t wake_ps_ = 0;     // when the injection thread wakes next on its own
  bool done_ = false;
  std::string error_;
};

}  // namespace flowsim::testbench
