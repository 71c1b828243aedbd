// SPDX-License-Identifier: Apache-2.0
// The capture reader (testbench/pcap: pcap, pcapng, gzip, link-layer conversion) on arbitrary
// files: every record it returns is within the reader's own limits and numbered upwards, and
// a file it cannot read is an InputError naming the file (and the packet number when a record
// is at fault), never a crash, a hang or unbounded memory.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz/clear_error.hpp"
#include "fuzz/fuzz_input_file.hpp"
#include "testbench/pcap/capture_limits.hpp"
#include "testbench/pcap/pcap_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const flowsim::fuzz::FuzzInputFile file("input.pcap");
  const auto& path = file.write(data, size);
  try {
    flowsim::pcap::PcapReader reader(path);
    flowsim::pcap::PcapRecord record;
    std::uint64_t last_index = 0;
    while (reader.next(record)) {
      if (record.index <= last_index) std::abort();  // packet numbers go up
      last_index = record.index;
      // A frame is at most a record plus the Ethernet header a cooked or raw-IP link lacks.
      if (record.bytes.size() > flowsim::pcap::kMaxRecordBytes + 14) std::abort();
      if (!record.unusable.empty() && !record.bytes.empty()) std::abort();
    }
  } catch (const flowsim::net::InputError& e) {
    flowsim::fuzz::expect_clear_error(e, path.string());
  }
  return 0;
}
