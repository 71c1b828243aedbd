// SPDX-License-Identifier: Apache-2.0
// The classic pcap file format (tcpdump.org, draft-ietf-opsawg-pcap): a 24-byte file header
// and 16-byte record headers, in either byte order, with microsecond or nanosecond
// timestamps, and the FCS length the link type field may carry. Also the "modified" pcap of
// Alexey Kuznetsov's patches (magic 0xa1b2cd34, 24-byte record headers), which libpcap reads.
#pragma once

#include <cstdint>

#include "testbench/pcap/capture_format.hpp"

namespace flowsim::pcap {

class ClassicPcapFormat : public CaptureFormat {
 public:
  // `magic` is the file's first four bytes as read; the stream is positioned after them.
  // Throws net::InputError if the file header is cut off, of an unknown version, or of an
  // unsupported link type.
  ClassicPcapFormat(CaptureStream& stream, std::uint32_t magic);
  // Whether `magic` (the first four bytes, read little-endian) is a classic pcap magic.
  static bool recognises(std::uint32_t magic);

  Step begin_record(std::uint64_t packet, RawRecord& rec) override;
  Step end_record(std::uint64_t) override { return Step::kPacket; }
  const std::vector<CaptureInterface>& interfaces() const override { return interfaces_; }
  const char* name() const override { return "pcap"; }

 private:
  std::uint32_t u32(const std::uint8_t* p) const;

  CaptureStream& stream_;
  bool swapped_ = false;
  bool nanoseconds_ = false;
  bool modified_ = false;  // Kuznetsov's 24-byte record headers
  std::uint8_t fcs_bytes_ = 0;
  std::vector<CaptureInterface> interfaces_;
};

}  // namespace flowsim::pcap
