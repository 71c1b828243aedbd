// SPDX-License-Identifier: Apache-2.0
// Reads the packets of a capture file as Ethernet frames: classic pcap (either byte order,
// micro- or nanosecond timestamps) and pcapng (several sections of either byte order, several
// interfaces), each possibly gzip-compressed, captured on Ethernet, Linux cooked (SLL, SLL2),
// raw IP or loopback links (see link_layer.hpp), timestamps always in nanoseconds.
//
// A file cut off inside a record is not an error: the whole records before the cut are
// returned and truncation() says where the file ends. Anything else wrong with the file is a
// net::InputError whose message names the file, the packet number in the file (or the
// block's byte offset) and what is wrong, with "gzip: " when the compression is broken.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "testbench/pcap/capture_format.hpp"
#include "testbench/pcap/pcap_record.hpp"

namespace flowsim::pcap {

class CaptureStream;

class PcapReader {
 public:
  // Opens `path`. Throws net::InputError if the file cannot be opened, is not a pcap or
  // pcapng file ("gzip: " first if it is a gzip file whose content is not one), its header is
  // cut off or corrupt, or a classic pcap's link type is one flowsim cannot read.
  explicit PcapReader(const std::filesystem::path& path);
  PcapReader(PcapReader&&) noexcept;
  PcapReader& operator=(PcapReader&&) noexcept;
  PcapReader(const PcapReader&) = delete;
  PcapReader& operator=(const PcapReader&) = delete;
  ~PcapReader();

  // Reads the next record into `out`, reusing its byte buffer (no allocation per packet once
  // the buffer has grown to the largest frame). Returns false at the end of the file (clean or
  // cut off, see truncation()), leaving `out` unchanged. A record on a pcapng interface whose
  // link type flowsim cannot read is returned with `unusable` set. Throws net::InputError
  // "FILE: packet #N: ..." for a corrupt record; std::logic_error on a moved-from reader.
  bool next(PcapRecord& out);

  const std::filesystem::path& path() const { return path_; }
  // Records returned by next() so far.
  std::uint64_t packets_read() const { return packets_read_; }
  // Empty unless the file ended inside a record; then, after next() returned false, a
  // sentence saying where: "file ends inside packet #N (...)".
  const std::string& truncation() const { return truncation_; }
  bool compressed() const;
  const char* format() const;  // "pcap" or "pcapng"
  // The capture's interfaces so far (a pcapng describes them as it goes).
  const std::vector<CaptureInterface>& interfaces() const;

 private:
  std::filesystem::path path_;
  std::unique_ptr<CaptureStream> stream_;
  std::unique_ptr<CaptureFormat> format_;
  std::vector<std::uint8_t> raw_;  // a non-Ethernet record's bytes before conversion
  std::uint64_t packets_read_ = 0;
  std::string truncation_;
  bool ended_ = false;
};

}  // namespace flowsim::pcap
