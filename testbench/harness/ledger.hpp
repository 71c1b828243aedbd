// SPDX-License-Identifier: Apache-2.0
// The test bench's books: counts every packet that enters, every frame that leaves a port
// (and whether hardware or software sent it), every drop with its reason and every punt;
// writes the per-port and CPU-port pcaps. It is the model's observer and is told about
// drops outside the chip (engine verdicts, driver refusals, unusable capture records).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/asic_observer.hpp"
#include "testbench/harness/report.hpp"
#include "testbench/harness/warning_log.hpp"
#include "testbench/pcap/pcap_writer.hpp"

namespace flowsim::testbench {

// Told about every frame that leaves a port and every drop of a frame, after the books are
// kept: how a causal replay learns what became of the packets it injected.
class FrameListener {
 public:
  virtual ~FrameListener() = default;
  // `end_ps`: when the frame's last bit left.
  virtual void frame_sent(unsigned port, std::uint64_t end_ps, std::span<const std::uint8_t> frame) = 0;
  virtual void frame_dropped(std::string_view reason, std::span<const std::uint8_t> frame) = 0;
};

struct LedgerPort {
  std::string name;
  std::uint64_t speed_bps;
};

class Ledger : public model::AsicObserver {
 public:
  // With `out_dir`, writes <out_dir>/<port>.pcap for every port and <out_dir>/cpu.pcap.
  Ledger(std::vector<LedgerPort> ports, const std::optional<std::filesystem::path>& out_dir);
  ~Ledger() override;

  // Simulated time `sim_start` corresponds to trace time `trace_base_ns`: output pcaps
  // carry trace time, so they line up with the input captures.
  void set_time_base(const sc_core::sc_time& sim_start, std::uint64_t trace_base_ns);

  // A packet read from a capture: it is then either injected (count_in) or not, with a
  // reason (not_injected).
  void count_captured() { ++captured_; }
  void not_injected(std::string_view reason);
  void count_in(unsigned port, std::size_t bytes);
  void drop(std::string_view reason);
  // A drop of `frame` (as it was injected or punted), which the listener may recognise.
  void drop(std::string_view reason, std::span<const std::uint8_t> frame);
  void set_listener(FrameListener* listener) { listener_ = listener; }
  // Writes every dropped frame whose bytes are known to `path`, each tagged with its reason
  // after the MAC addresses: EtherType 0x88b5, version 2, the reason's length and its name
  // in ASCII (like cpu.pcap's punt tag). Returns the drops written so far, for a frame map.
  void write_drops_to(const std::filesystem::path& path);
  std::uint64_t drops_written() const { return drops_written_; }
  // A warning about packet `packet` of `file` (0: not about one packet), grouped by `kind`.
  void warn(std::string_view kind, std::string_view file, std::uint64_t packet, std::string message);
  // A fragment the engine holds for reassembly: settled, it leaves (or not) with its datagram.
  void hold() { ++held_; }
  // A frame that answers no input of its own (a fragment beyond a packet's first).
  void extra_transmit() { ++extra_; }
  // Such a frame queued for transmission and then discarded by a device reset (the report
  // warns once with the count: its packet is accounted for by its first fragment).
  void extra_abandoned() {
    --extra_;
    ++extra_abandoned_;
  }
  void warn(std::string message);
  // A frame the router generated itself (an ICMP error) was queued for transmission. When the
  // chip sends or drops a CPU frame with exactly these bytes, that is this frame, counted
  // apart from the input packets: it is not one of them.
  void expect_generated(std::span<const std::uint8_t> frame);
  // A generated frame that never reached the chip (the driver refused or abandoned it).
  void drop_generated(std::string_view reason, std::span<const std::uint8_t> frame);
  // The host took one punted frame from the RX ring (the chip reported it with on_punt).
  void take_punt();
  // A device reset discarded the RX ring: every punt the chip completed and the host did not
  // take is dropped with `reason`.
  void abandon_punts(std::string_view reason);

  void on_transmit(unsigned port, const sc_core::sc_time& start, std::span<const std::uint8_t> frame,
                   model::FrameOrigin origin) override;
  void on_punt(unsigned port, const sc_core::sc_time& at, std::span<const std::uint8_t> frame, hw::PuntReason reason,
               std::uint32_t foe_index) override;
  void on_drop(unsigned port, const sc_core::sc_time& at, std::span<const std::uint8_t> frame,
               model::ModelDropReason reason, model::FrameOrigin origin) override;

  // Every packet that came in has reached its end: sent on a port or dropped. Frames the
  // router generated do not count towards it.
  bool settled() const;
  // Input packets that reached their end so far (settled() compares it with packets in).
  std::uint64_t packets_out() const;
  // Fills the packet-accounting part of `report`.
  void fill(Report& report) const;
  void close();

 private:
  std::uint64_t trace_ns(const sc_core::sc_time& t) const;
  // True (and forgets it) when a CPU frame with these bytes is an expected generated frame.
  bool take_generated(std::span<const std::uint8_t> frame);
  void count(std::map<std::string, std::uint64_t, std::less<>>& counters, std::string_view reason);

  std::vector<LedgerPort> port_info_;
  std::vector<PortReport> ports_;
  std::vector<std::unique_ptr<pcap::PcapWriter>> port_pcaps_;
  std::unique_ptr<pcap::PcapWriter> cpu_pcap_;
  std::unique_ptr<pcap::PcapWriter> drops_pcap_;
  std::uint64_t drops_written_ = 0;
  std::vector<std::uint8_t> tagged_;  // scratch for the CPU pcap's punt tag
  std::map<std::string, std::uint64_t, std::less<>> drops_;
  std::map<std::string, std::uint64_t, std::less<>> punts_;
  std::map<std::string, std::uint64_t, std::less<>> not_injected_;
  WarningLog warnings_;
  std::uint64_t captured_ = 0;
  // Generated frames queued and not yet seen leaving or dropped, by their bytes (few: ICMP
  // errors in flight), and what became of the others.
  std::map<std::string, std::uint64_t, std::less<>> generated_in_flight_;
  std::uint64_t generated_sent_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> generated_drops_;
  std::uint64_t packets_in_ = 0;
  FrameListener* listener_ = nullptr;
  std::uint64_t held_ = 0;
  std::uint64_t extra_ = 0;
  std::uint64_t extra_abandoned_ = 0;
  std::uint64_t punts_completed_ = 0;  // on_punt since the last abandon_punts
  std::uint64_t punts_taken_ = 0;      // take_punt since then
  std::uint64_t sim_start_ps_ = 0;
  std::uint64_t trace_base_ns_ = 0;
};

}  // namespace flowsim::testbench
