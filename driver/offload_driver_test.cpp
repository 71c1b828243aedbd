// SPDX-License-Identifier: Apache-2.0
// The driver against the ASIC model — no mock: bring-up traffic recorded by TraceHal (rings,
// interrupts, ports and the flow table's configuration), a device that never becomes ready,
// and RX/TX through the rings with wrap-around.
#include "driver/offload_driver.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "driver/device_error.hpp"
#include "driver/trace_hal.hpp"
#include "hw/flowsim_hw.hpp"  // Generated.
#include "testbench/bench/asic_bench.hpp"
#include "testbench/bench/test_frame.hpp"

namespace flowsim::driver {
namespace {

using testbench::AsicBench;
using testbench::udp4_frame;

// "R GLO_CFG 0x80000000" for each trace line, without the time; consecutive identical
// polls are collapsed into one line with a count, since their number depends on timing.
std::vector<std::string> accesses(const std::string& trace) {
  std::vector<std::string> out;
  std::istringstream in(trace);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string time, unit, dir, offset, name, value;
    f >> time >> unit >> dir;
    if (dir == "DMA") continue;
    f >> offset >> name >> value;
    std::string entry = dir + " " + name + " " + value;
    if (!out.empty() && (out.back() == entry || out.back() == entry + " (repeated)")) {
      out.back() = entry + " (repeated)";
    } else {
      out.push_back(entry);
    }
  }
  return out;
}

TEST(OffloadDriver, BringUpRegisterTraffic) {
  AsicBench b;
  std::ostringstream trace;
  TraceHal traced(b.hal, trace);
  DriverConfig config;
  config.rx_ring_size = 4;
  config.tx_ring_size = 8;
  config.port_mtu = {1500, 1500, 9000};
  OffloadDriver drv(traced, config, [](const RxPacket&) {});
  b.run([&] { drv.bring_up(); });
  EXPECT_EQ(drv.num_ports(), 3u);
  const std::vector<std::string> expected = {
      "R ID 0x464c5753",
      "W GLO_CFG 0x00000002",
      "R GLO_CFG 0x80000000 (repeated)",
      "R GLO_CFG 0x00000000",
      // 3 ports, 2 rings, 2^14 = 16384 entries (TABLE_SIZE_LOG2 [12:8]), 4 ways ([15:13]), no IPv6 NAT.
      "R CAPS 0x00008e23",
      // The flow table, before the datapath is enabled (HASH_SEED must not change under live
      // entries): seed, TB_CFG = AGE_EN | MIB_EN (direct bind mode), BIND_RATE 30,
      // UNBIND_AGE 1000 packets / 3 s, BIND_AGE0 non-L4 1 s / UDP 12 s, BIND_AGE1 FIN 1 s /
      // TCP 7 s, MIB_CFG = EN | RD_CLR.
      "W HASH_SEED 0x12345678",
      "W TB_CFG 0x00000006",
      "W BIND_RATE 0x0000001e",
      "W UNBIND_AGE 0x03e80003",
      "W BIND_AGE0 0x0001000c",
      "W BIND_AGE1 0x00010007",
      "W MIB_CFG 0x00000003",
      "W RING_BASE_LO[0] 0x00000000",
      "W RING_BASE_HI[0] 0x00000001",
      "W RING_SIZE[0] 0x00000004",
      "W RING_TAIL[0] 0x00000003",
      "W RING_BASE_LO[1] 0x0000c080",
      "W RING_BASE_HI[1] 0x00000001",
      "W RING_SIZE[1] 0x00000008",
      "W RING_TAIL[1] 0x00000000",
      "W IRQ_COALESCE 0x00001408",
      "W IRQ_STATUS 0xffffffff",
      "W IRQ_MASK 0x0000000d",  // RX_DONE, RX_RING_FULL, AGED
      "W PORT_MTU[0] 0x000005dc",
      "W PORT_CFG[0] 0x00000001",
      "W PORT_MTU[1] 0x000005dc",
      "W PORT_CFG[1] 0x00000001",
      "W PORT_MTU[2] 0x00002328",
      "W PORT_CFG[2] 0x00000001",
      "W GLO_CFG 0x00000009",
  };
  EXPECT_EQ(accesses(trace.str()), expected) << trace.str();
}

TEST(OffloadDriver, DeviceThatNeverBecomesReadyIsAClearError) {
  model::AsicParams p = testbench::default_bench_params();
  p.reset_busy_ns = 1'000'000'000;  // a second: far beyond the driver's patience
  AsicBench b(p);
  DriverConfig config;
  config.ready_timeout = std::chrono::microseconds(200);
  OffloadDriver drv(b.hal, config, [](const RxPacket&) {});
  std::string error;
  sc_core::sc_time failed_at;
  b.run([&] {
    try {
      drv.bring_up();
    } catch (const DeviceError& e) {
      error = e.what();
      failed_at = sc_core::sc_time_stamp();
    }
  });
  EXPECT_EQ(error, "device not ready: GLO_CFG.BUSY still set after 200 us (GLO_CFG = 0x80000000)");
  // It gave up on time (the deadline plus one poll), not after the device's second.
  EXPECT_LT(failed_at.to_seconds(), 205e-6);
}

TEST(OffloadDriver, ReceivesPuntsAndTransmitsThroughWrappingRings) {
  AsicBench b;
  DriverConfig config;
  config.rx_ring_size = 4;
  config.tx_ring_size = 4;
  config.irq_coalesce_pkts = 2;
  config.irq_coalesce_us = 10;
  config.port_mtu = {1500, 1500, 1500};
  std::vector<std::vector<std::uint8_t>> sent;
  for (std::uint16_t i = 0; i < 11; ++i) sent.push_back(udp4_frame(0x0a000001, 0x0a000002, 1000 + i, 53, 30 + i));
  std::vector<RxPacket> received;
  std::vector<std::vector<std::uint8_t>> received_bytes;
  OffloadDriver* drv_ptr = nullptr;
  OffloadDriver drv(b.hal, config, [&](const RxPacket& p) {
    received.push_back(p);
    received_bytes.emplace_back(p.bytes.begin(), p.bytes.end());
    EXPECT_EQ(drv_ptr->transmit(p.bytes, 1), TxResult::kQueued);
  });
  drv_ptr = &drv;
  b.run([&] {
    drv.bring_up();
    // The HAL is loosely timed: the CPU's time runs ahead of the SystemC clock until it
    // synchronises, which it must do before it starts or waits for other processes.
    b.hal.sync();
    // Frames arrive every 3 us on port 2: the rings (4 descriptors) wrap several times.
    sc_core::sc_spawn([&] {
      for (const auto& f : sent) {
        b.asic.receive(2, f);
        wait(sc_core::sc_time(3, sc_core::SC_US));
      }
    });
    for (int n = 0; n < 200 && received.size() < sent.size(); ++n) {
      b.hal.sync();
      if (!b.irq.read()) wait(b.irq.posedge_event());
      drv.handle_irq();
    }
  });
  ASSERT_EQ(received.size(), sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(received_bytes[i], sent[i]) << "frame " << i;
    EXPECT_EQ(received[i].src_port, 2u);
    EXPECT_EQ(received[i].reason, hw::PuntReason::kNoFlow);
  }
  ASSERT_EQ(b.observer.transmitted.size(), sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(b.observer.transmitted[i].port, 1u);
    EXPECT_EQ(b.observer.transmitted[i].bytes, sent[i]) << "frame " << i;
  }
  EXPECT_EQ(drv.stats().rx_packets, sent.size());
  EXPECT_EQ(drv.stats().tx_packets, sent.size());
  EXPECT_EQ(drv.stats().tx_ring_full, 0u);
}

}  // namespace
}  // namespace flowsim::driver
