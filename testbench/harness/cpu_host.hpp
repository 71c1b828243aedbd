// SPDX-License-Identifier: Apache-2.0
// The router's CPU: one SystemC thread that runs the real driver (bring-up, then its
// interrupt handler whenever the IRQ line is high), the software engine on every punted
// frame, and the engine's timers (flowtable/conntrack GC, hardware STATS polling). One
// thread, because the driver's register sequences must not interleave — as on a single
// core with the work items serialised. The engine's decisions are real code; its time is
// modelled as a fixed cost per packet, so a punt storm overloads the CPU as on a router.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <systemc>
#include <vector>

#include "driver/driver_config.hpp"
#include "driver/flow_offloader.hpp"
#include "driver/hal.hpp"
#include "driver/offload_driver.hpp"
#include "engine/engine.hpp"
#include "net/packet_buffer.hpp"
#include "testbench/harness/ledger.hpp"

namespace flowsim::testbench {

class CpuHost : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> irq_i;

  SC_HAS_PROCESS(CpuHost);
  CpuHost(sc_core::sc_module_name name, driver::Hal& hal, driver::DriverConfig config, engine::Engine& engine,
          Ledger& ledger, sc_core::sc_time per_packet_cost);

  // Notified once the driver has brought the device up.
  const sc_core::sc_event& ready_event() const { return ready_; }
  bool ready() const { return ready_flag_; }
  // When the device came up (simulated picoseconds); 0 before.
  std::uint64_t ready_time_ps() const { return ready_ps_; }
  // With true, the simulation pauses (sc_pause) the moment the device is up, so that a test
  // bench running in steps can act at exactly that time.
  void set_pause_when_ready(bool pause) { pause_when_ready_ = pause; }
  // Non-empty when bring-up failed; the simulation then has nothing more to do.
  const std::string& error() const { return error_; }
  const driver::DriverStats& driver_stats() const { return driver_.stats(); }
  driver::OffloadDriver& driver() { return driver_; }

  // Control-plane work (a configuration change and the kernel's reaction to it: flows torn
  // down, entries deleted) runs on this CPU like everything else, at simulated time `at` or
  // as soon as the CPU is free after it, in the order posted. Callable between simulation
  // steps or from a SystemC process.
  void post(std::chrono::nanoseconds at, std::function<void()> work);
  // The same, `offset` after the device has come up (traffic time); callable before.
  void post_after_ready(std::chrono::nanoseconds offset, std::function<void()> work);
  // No control-plane work waiting.
  bool control_idle() const { return control_.empty() && !control_running_; }
  // Fragments beyond the first of the packets the engine fragmented, sent.
  std::uint64_t fragments_sent() const { return fragments_sent_; }

 private:
  void run();
  void on_rx(const driver::RxPacket& pkt);

  std::chrono::nanoseconds now() const;
  void run_control_work();

  struct ControlWork {
    std::chrono::nanoseconds at;
    std::function<void()> work;
  };

  driver::OffloadDriver driver_;
  driver::FlowOffloader offloader_{driver_};  // after driver_: it hooks into its RX path
  engine::Engine& engine_;
  Ledger& ledger_;
  sc_core::sc_time per_packet_cost_;
  net::PacketBuffer scratch_;
  sc_core::sc_event ready_;
  bool ready_flag_ = false;
  bool pause_when_ready_ = false;
  std::uint64_t ready_ps_ = 0;
  std::deque<ControlWork> control_;  // by time, then posting order
  std::vector<ControlWork> after_ready_;  // offsets from the moment the device is up
  bool control_running_ = false;
  sc_core::sc_event control_posted_;
  std::string error_;
  std::uint64_t fragments_sent_ = 0;
};

}  // namespace flowsim::testbench
