// SPDX-License-Identifier: Apache-2.0
#include "testbench/pcap/pcap_writer.hpp"

#include <pcap/pcap.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include "net/input_error.hpp"

namespace flowsim::pcap {

void PcapWriter::Closer::operator()(::pcap* p) const { pcap_close(p); }
void PcapWriter::Closer::operator()(::pcap_dumper* d) const { pcap_dump_close(d); }

PcapWriter::PcapWriter(const std::filesystem::path& path) : path_(path) {
  handle_.reset(pcap_open_dead_with_tstamp_precision(DLT_EN10MB, kSnaplen, PCAP_TSTAMP_PRECISION_NANO));
  if (!handle_) throw net::InputError(path_.string() + ": cannot create a libpcap handle for writing");
  // The stream is opened here so that it gets a large buffer before libpcap writes the file
  // header: a record is two fwrite() calls, and with stdio's default buffer (one disk block)
  // a million frames were hundreds of thousands of write(2) calls.
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    throw net::InputError(path_.string() + ": cannot create pcap file (" + std::strerror(errno) + ")");
  }
  if (std::setvbuf(file, nullptr, _IOFBF, kStreamBuffer) != 0) {
    std::fclose(file);
    throw net::InputError(path_.string() + ": cannot create pcap file (no stream buffer)");
  }
  // From here on libpcap owns `file`: it closes it if it cannot write the header (the one
  // way this can fail with Ethernet as the link type).
  dumper_.reset(pcap_dump_fopen(handle_.get(), file));
  if (!dumper_) {
    throw net::InputError(path_.string() + ": cannot create pcap file (" + pcap_geterr(handle_.get()) + ")");
  }
}

PcapWriter::PcapWriter(PcapWriter&&) noexcept = default;
PcapWriter& PcapWriter::operator=(PcapWriter&&) noexcept = default;
PcapWriter::~PcapWriter() = default;

void PcapWriter::write(std::uint64_t timestamp_ns, std::span<const std::uint8_t> bytes, std::uint32_t wire_length) {
  if (!dumper_) throw std::logic_error(path_.string() + ": PcapWriter::write() after close() or a move");
  if (bytes.size() > kSnaplen) {
    throw std::invalid_argument(path_.string() + ": frame of " + std::to_string(bytes.size()) +
                                " bytes exceeds the snaplen " + std::to_string(kSnaplen));
  }
  if (wire_length != 0 && wire_length < bytes.size()) {
    throw std::invalid_argument(path_.string() + ": wire length " + std::to_string(wire_length) +
                                " is below the captured length " + std::to_string(bytes.size()));
  }
  // Classic pcap has 32 bits of seconds, which libpcap (and so tshark and PcapReader)
  // reads as signed: the last second it can read back is in January 2038.
  const std::uint64_t seconds = timestamp_ns / 1'000'000'000u;
  if (seconds > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())) {
    throw std::invalid_argument(path_.string() + ": timestamp " + std::to_string(timestamp_ns) +
                                " ns does not fit a pcap record");
  }
  pcap_pkthdr header{};
  header.ts.tv_sec = static_cast<time_t>(seconds);
  // With PCAP_TSTAMP_PRECISION_NANO the "usec" field carries nanoseconds.
  header.ts.tv_usec = static_cast<suseconds_t>(timestamp_ns % 1'000'000'000u);
  header.caplen = static_cast<bpf_u_int32>(bytes.size());
  header.len = wire_length != 0 ? wire_length : static_cast<bpf_u_int32>(bytes.size());
  pcap_dump(reinterpret_cast<u_char*>(dumper_.get()), &header, bytes.data());
  check_stream("write");
  ++packets_written_;
}

void PcapWriter::flush() {
  if (!dumper_) return;
  if (pcap_dump_flush(dumper_.get()) != 0) throw_write_error("flush");
  check_stream("flush");
}

void PcapWriter::close() {
  if (!dumper_) return;
  const bool flushed = pcap_dump_flush(dumper_.get()) == 0 && std::ferror(pcap_dump_file(dumper_.get())) == 0;
  const int saved_errno = errno;
  dumper_.reset();
  handle_.reset();
  if (!flushed) {
    throw net::InputError(path_.string() + ": cannot write pcap file (close: " + std::strerror(saved_errno) + ")");
  }
}

void PcapWriter::check_stream(const char* what) const {
  if (std::ferror(pcap_dump_file(dumper_.get())) != 0) throw_write_error(what);
}

void PcapWriter::throw_write_error(const char* what) const {
  throw net::InputError(path_.string() + ": cannot write pcap file (" + what + ": " + std::strerror(errno) + ")");
}

}  // namespace flowsim::pcap
