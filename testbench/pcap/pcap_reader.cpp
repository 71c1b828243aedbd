// SPDX-License-Identifier: Apache-2.0
#include "testbench/pcap/pcap_reader.hpp"

#include <pcap/pcap.h>

#include <stdexcept>
#include <string>

#include "net/input_error.hpp"

namespace flowsim::pcap {

void PcapReader::Closer::operator()(::pcap* p) const { pcap_close(p); }

PcapReader::PcapReader(const std::filesystem::path& path) : path_(path) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  // Asking for nanoseconds makes libpcap scale microsecond files up (and pcapng interfaces
  // of any if_tsresol), so callers see one unit.
  handle_.reset(pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf));
  if (!handle_) {
    throw net::InputError(path_.string() + ": cannot open as a pcap/pcapng file (" + errbuf + ")");
  }
  const int link_type = pcap_datalink(handle_.get());
  if (link_type != DLT_EN10MB) {
    const char* name = pcap_datalink_val_to_name(link_type);
    throw net::InputError(path_.string() + ": link type " + (name != nullptr ? name : "unknown") + " (" +
                          std::to_string(link_type) + ") is not Ethernet (EN10MB)");
  }
}

PcapReader::PcapReader(PcapReader&&) noexcept = default;
PcapReader& PcapReader::operator=(PcapReader&&) noexcept = default;
PcapReader::~PcapReader() = default;

bool PcapReader::next(PcapRecord& out) {
  if (!handle_) throw std::logic_error("PcapReader::next() on a moved-from reader");
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  const int rc = pcap_next_ex(handle_.get(), &header, &data);
  if (rc == PCAP_ERROR_BREAK) return false;  // no more records in a savefile
  // Built only on the error paths: the steady state allocates nothing.
  auto where = [&] { return path_.string() + ": packet #" + std::to_string(packets_read_ + 1) + ": "; };
  if (rc != 1) {
    // libpcap says "truncated dump file; tried to read N ... bytes, only got M" when the
    // file ends inside a record; other failures are corrupt record headers.
    const std::string message = pcap_geterr(handle_.get());
    const bool truncated = message.find("truncated") != std::string::npos;
    throw net::InputError(where() + (truncated ? "truncated file (" : "unreadable record (") + message + ")");
  }
  if (header->caplen > header->len) {
    throw net::InputError(where() + "captured length " + std::to_string(header->caplen) +
                          " exceeds the length on the wire " + std::to_string(header->len));
  }
  // libpcap reads a classic pcap's seconds as signed 32 bits, so a negative value is a
  // timestamp past 2038 (or a corrupt record); a fraction of a second >= 1 s is corrupt.
  if (header->ts.tv_sec < 0 || header->ts.tv_usec < 0 || header->ts.tv_usec >= 1'000'000'000) {
    throw net::InputError(where() + "bad timestamp (" + std::to_string(header->ts.tv_sec) + " s + " +
                          std::to_string(header->ts.tv_usec) + " ns)");
  }
  ++packets_read_;
  out.index = packets_read_;
  out.timestamp_ns = static_cast<std::uint64_t>(header->ts.tv_sec) * 1'000'000'000u +
                     static_cast<std::uint64_t>(header->ts.tv_usec);
  out.wire_length = header->len;
  out.bytes.assign(data, data + header->caplen);
  return true;
}

}  // namespace flowsim::pcap
