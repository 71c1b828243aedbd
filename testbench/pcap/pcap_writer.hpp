// SPDX-License-Identifier: Apache-2.0
// Writes Ethernet frames to a classic pcap file with nanosecond timestamps (magic
// 0xa1b23c4d, DLT_EN10MB, snaplen 262144) through libpcap, so that every tool that reads
// pcaps (tshark, tcpreplay, this project's PcapReader) sees exactly what the model sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

struct pcap;         // libpcap's pcap_t
struct pcap_dumper;  // libpcap's pcap_dumper_t

namespace flowsim::pcap {

class PcapWriter {
 public:
  static constexpr std::uint32_t kSnaplen = 262144;
  // The output stream's buffer: records reach the file in blocks of this size.
  static constexpr std::size_t kStreamBuffer = std::size_t{1} << 20;

  // Creates (or truncates) `path`. Throws net::InputError naming the file on failure.
  explicit PcapWriter(const std::filesystem::path& path);

  PcapWriter(PcapWriter&&) noexcept;
  PcapWriter& operator=(PcapWriter&&) noexcept;
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  // Closes the file; errors at this point are lost, so call close() to see them.
  ~PcapWriter();

  // Appends one record. `wire_length` is the frame's length on the wire, 0 meaning
  // bytes.size(); a larger value records a frame captured with a snaplen. Throws
  // std::invalid_argument if wire_length is nonzero and below bytes.size(), if the frame is
  // longer than kSnaplen or if the timestamp is past 2^31 - 1 seconds (January 2038, the
  // last that libpcap reads back from a classic pcap); net::InputError on a write error;
  // std::logic_error once closed or moved from.
  void write(std::uint64_t timestamp_ns, std::span<const std::uint8_t> bytes, std::uint32_t wire_length = 0);
  // Pushes buffered records to the file. Throws net::InputError on a write error.
  void flush();
  // Flushes and closes the file; further calls do nothing. Throws net::InputError on a
  // write error.
  void close();

  const std::filesystem::path& path() const { return path_; }
  std::uint64_t packets_written() const { return packets_written_; }

 private:
  struct Closer {
    void operator()(::pcap* p) const;
    void operator()(::pcap_dumper* d) const;
  };

  void check_stream(const char* what) const;
  [[noreturn]] void throw_write_error(const char* what) const;

  std::filesystem::path path_;
  std::unique_ptr<::pcap, Closer> handle_;
  std::unique_ptr<::pcap_dumper, Closer> dumper_;
  std::uint64_t packets_written_ = 0;
};

}  // namespace flowsim::pcap
