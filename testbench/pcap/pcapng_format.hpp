// SPDX-License-Identifier: Apache-2.0
// The pcapng file format (draft-ietf-opsawg-pcapng): sections, each with its own byte order
// and interfaces; Enhanced, Simple and (obsolete) Packet Blocks; per-interface timestamp
// resolution and offset (if_tsresol, if_tsoffset), FCS length (if_fcslen) and name. Other
// blocks (name resolution, statistics, custom, decryption secrets...) are skipped. Interfaces
// are numbered through the file, as Wireshark numbers them; an interface of a link type
// flowsim cannot read is fine until a packet uses it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "testbench/pcap/capture_format.hpp"

namespace flowsim::pcap {

class PcapngFormat : public CaptureFormat {
 public:
  static constexpr std::uint32_t kSectionHeader = 0x0a0d0d0a;

  // The stream is positioned after the first four bytes, the Section Header Block's type.
  // Throws net::InputError if the first section header is cut off or corrupt.
  explicit PcapngFormat(CaptureStream& stream);

  Step begin_record(std::uint64_t packet, RawRecord& rec) override;
  Step end_record(std::uint64_t packet) override;
  const std::vector<CaptureInterface>& interfaces() const override { return interfaces_; }
  const char* name() const override { return "pcapng"; }

 private:
  struct Interface {
    std::uint16_t link_type = 1;
    std::uint32_t snaplen = 0;
    std::uint8_t fcs_bytes = 0;
    bool binary_resolution = false;  // if_tsresol with the top bit set: 2^-n seconds
    std::uint8_t resolution = 6;     // n of 10^-n (or 2^-n) seconds; 6 = microseconds
    std::int64_t offset_seconds = 0;
  };

  // Reads a whole block of `type` and total length `length` (its 8-byte start already read)
  // into body_; false if the file ends inside it.
  bool read_body(std::uint32_t length);
  void section_header(std::uint32_t length_field);
  void interface_description(std::uint64_t block_offset);
  std::uint64_t timestamp_ns(const Interface& itf, std::uint64_t units, std::uint64_t packet) const;
  std::uint16_t u16(const std::uint8_t* p) const;
  std::uint32_t u32(const std::uint8_t* p) const;
  std::uint64_t u64(const std::uint8_t* p) const;
  std::string where_block(std::uint64_t block_offset) const;
  std::string where_packet(std::uint64_t packet) const;
  Step cut(std::string detail);

  CaptureStream& stream_;
  bool big_endian_ = false;
  std::vector<Interface> section_interfaces_;  // of the current section, by its local id
  std::size_t section_first_ = 0;              // file-wide number of the section's interface 0
  std::vector<CaptureInterface> interfaces_;   // all of them, file-wide
  std::vector<std::uint8_t> body_;
  // The packet block being read: what is left after its data.
  std::uint32_t record_rest_ = 0;
  std::uint32_t record_length_ = 0;
};

}  // namespace flowsim::pcap
