// SPDX-License-Identifier: Apache-2.0
// Reads Ethernet packets from a pcap or pcapng file through libpcap, with nanosecond
// timestamps for microsecond and nanosecond files alike. Bad input (missing file, another
// link type, a file cut short) is reported as net::InputError naming the file and packet.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "testbench/pcap/pcap_record.hpp"

struct pcap;  // libpcap's pcap_t, kept out of this header

namespace flowsim::pcap {

class PcapReader {
 public:
  // Opens `path` (classic pcap or pcapng). Throws net::InputError if the file cannot be
  // opened or read as a capture, or if its link type is not Ethernet (DLT_EN10MB).
  explicit PcapReader(const std::filesystem::path& path);

  PcapReader(PcapReader&&) noexcept;
  PcapReader& operator=(PcapReader&&) noexcept;
  PcapReader(const PcapReader&) = delete;
  PcapReader& operator=(const PcapReader&) = delete;
  ~PcapReader();

  // Reads the next record into `out`, reusing its byte buffer (no allocation per packet
  // once the buffer has grown to the largest frame). Returns false at the clean end of the
  // file, leaving `out` unchanged. Throws net::InputError "FILE: packet #N: ..." when the
  // file is truncated or a record is corrupt; std::logic_error on a moved-from reader.
  bool next(PcapRecord& out);

  const std::filesystem::path& path() const { return path_; }
  // Records returned by next() so far.
  std::uint64_t packets_read() const { return packets_read_; }

 private:
  struct Closer {
    void operator()(::pcap* p) const;
  };

  std::filesystem::path path_;
  std::unique_ptr<::pcap, Closer> handle_;
  std::uint64_t packets_read_ = 0;
};

}  // namespace flowsim::pcap
