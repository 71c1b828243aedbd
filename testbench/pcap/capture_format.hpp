// SPDX-License-Identifier: Apache-2.0
// What PcapReader asks of a capture file format (classic pcap, pcapng): walk to the next
// packet record and say what it is; PcapReader reads the packet bytes itself, straight into
// the caller's buffer. A file that ends inside a record is not an error at this level: the
// format says so (kCut) and describes where, so that what came before can still be replayed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "testbench/pcap/capture_stream.hpp"

namespace flowsim::pcap {

// The header of one packet record, in the format's terms.
struct RawRecord {
  std::uint64_t timestamp_ns = 0;
  std::uint32_t captured = 0;  // bytes of packet data that follow in the file
  std::uint32_t original = 0;  // the packet's length on the wire
  std::uint32_t interface = 0;
  std::uint16_t link_type = 1;
  std::uint8_t fcs_bytes = 0;  // FCS bytes at the end of the data (0 when there are none)
};

// An interface a capture was taken on: one for a classic pcap, one per pcapng Interface
// Description Block (numbered through the file, across sections).
struct CaptureInterface {
  std::uint16_t link_type = 1;
  std::uint32_t snaplen = 0;
  std::string name;  // pcapng if_name, if given
};

class CaptureFormat {
 public:
  enum class Step { kPacket, kEnd, kCut };

  virtual ~CaptureFormat() = default;
  // Reads up to the data of the next packet record (`packet` is its 1-based number in the
  // file, for messages) and fills `rec`. kPacket: the caller reads rec.captured bytes from
  // the stream, then calls end_record(). kEnd: the file ended cleanly. kCut: it ended inside
  // a record; cut_detail() says where. Throws net::InputError naming the file and the packet
  // (or the block) for a corrupt record.
  virtual Step begin_record(std::uint64_t packet, RawRecord& rec) = 0;
  // Skips what follows the packet data in its record (padding, options, trailer). kCut if
  // the file ends there: the packet itself is whole.
  virtual Step end_record(std::uint64_t packet) = 0;
  virtual const std::vector<CaptureInterface>& interfaces() const = 0;
  virtual const char* name() const = 0;  // "pcap" or "pcapng"
  const std::string& cut_detail() const { return cut_detail_; }

 protected:
  std::string cut_detail_;
};

}  // namespace flowsim::pcap
