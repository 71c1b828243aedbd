// SPDX-License-Identifier: Apache-2.0
// The ranges scenario numbers are checked against: what the model, the driver and the
// simulation kernel can represent, each with the unit the error message names. A key that
// a later issue adds gets its range here and is read with Loader::uint_in / number_in, so
// that every number a user writes is refused with "FILE:LINE:COL: key: V is out of range
// MIN..MAX (unit)" rather than accepted and then wrapped, truncated or hung on.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

namespace flowsim::scenario::limits {

template <typename T>
struct Range {
  T min;
  T max;
  std::string_view unit;  // printed after the range, e.g. "MHz"; may be empty
};

// sc_time counts picoseconds in 64 bits: no simulated duration or instant can go beyond
// 2^64 ps, 213 days. Timeouts longer than that would never fire; they are refused.
inline constexpr std::uint64_t kSimulatedSecondsMax = std::numeric_limits<std::uint64_t>::max() / 1'000'000'000'000;

// One core cycle must be a representable, non-zero number of picoseconds with room for a
// packet's worth of cycles: 100 ps (10 GHz) to 1 us (1 MHz).
inline constexpr Range<double> kClockMhz{1, 10'000, "MHz"};
// The egress queue keeps one slot per minimum-size frame it could hold (model/byte_fifo):
// 64 MiB per port is a deep-buffer switch's whole memory, and 1.1 M slots.
inline constexpr Range<std::uint64_t> kEgressQueueBytes{1, 64u << 20, "bytes"};
// The CPU port's punt meter (GCRA in picoseconds): 0 turns it off.
inline constexpr Range<std::uint64_t> kPuntMeterPps{0, 1'000'000'000, "packets/s, 0 = no meter"};
// Software cost of one punted packet; a second per packet is already a stalled CPU, and a
// run of many packets must still fit in the simulated time range.
inline constexpr Range<std::uint64_t> kNsPerPacket{0, 1'000'000'000, "ns"};
// IRQ_COALESCE.MAX_PKTS is 8 bits and MAX_DELAY_US 16 bits (rtl/spec/flowsim_hw.yaml).
inline constexpr Range<std::uint64_t> kIrqCoalescePkts{0, 255, "packets, 0 = an interrupt per packet"};
inline constexpr Range<std::uint64_t> kIrqCoalesceUs{0, 65'535, "us, 0 = no time limit"};
// When an injected fault happens, after the traffic started.
inline constexpr Range<std::uint64_t> kFaultTimeNs{0, kSimulatedSecondsMax * 1'000'000'000, "ns, the simulated time range"};
// Conntrack and flowtable timeouts (sysctls in seconds).
inline constexpr Range<std::uint64_t> kTimeoutSeconds{0, kSimulatedSecondsMax, "s, the simulated time range"};

}  // namespace flowsim::scenario::limits
