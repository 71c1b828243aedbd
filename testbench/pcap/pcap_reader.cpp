// SPDX-License-Identifier: Apache-2.0
#include "testbench/pcap/pcap_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include "net/input_error.hpp"
#include "testbench/pcap/capture_stream.hpp"
#include "testbench/pcap/classic_pcap_format.hpp"
#include "testbench/pcap/link_layer.hpp"
#include "testbench/pcap/pcapng_format.hpp"

namespace flowsim::pcap {

PcapReader::PcapReader(const std::filesystem::path& path)
    : path_(path), stream_(std::make_unique<CaptureStream>(path)) {
  std::array<std::uint8_t, 4> m{};
  const std::size_t got = stream_->read(m.data(), m.size());
  const std::string gzip = stream_->compressed() ? "gzip: " : "";
  if (got < m.size()) {
    throw net::InputError(path_.string() + ": " + gzip + "not a pcap or pcapng file (only " + std::to_string(got) +
                          " bytes)");
  }
  const std::uint32_t magic = static_cast<std::uint32_t>(m[0] | m[1] << 8 | m[2] << 16 | std::uint32_t{m[3]} << 24);
  if (ClassicPcapFormat::recognises(magic)) {
    format_ = std::make_unique<ClassicPcapFormat>(*stream_, magic);
  } else if (magic == PcapngFormat::kSectionHeader) {
    format_ = std::make_unique<PcapngFormat>(*stream_);
  } else {
    throw net::InputError(path_.string() + ": " + gzip +
                          fmt::format("not a pcap or pcapng file (it starts with {:02x} {:02x} {:02x} {:02x})", m[0],
                                      m[1], m[2], m[3]));
  }
}

PcapReader::PcapReader(PcapReader&&) noexcept = default;
PcapReader& PcapReader::operator=(PcapReader&&) noexcept = default;
PcapReader::~PcapReader() = default;

bool PcapReader::compressed() const { return stream_ && stream_->compressed(); }
const char* PcapReader::format() const { return format_ ? format_->name() : ""; }
const std::vector<CaptureInterface>& PcapReader::interfaces() const {
  if (!format_) throw std::logic_error("PcapReader::interfaces() on a moved-from reader");
  return format_->interfaces();
}

bool PcapReader::next(PcapRecord& out) {
  if (!format_) throw std::logic_error("PcapReader::next() on a moved-from reader");
  if (ended_) return false;
  const std::uint64_t packet = packets_read_ + 1;
  const std::string gzip = stream_->compressed() ? "gzip stream " : "file ";
  RawRecord rec;
  switch (format_->begin_record(packet, rec)) {
    case CaptureFormat::Step::kPacket: break;
    case CaptureFormat::Step::kEnd: ended_ = true; return false;
    case CaptureFormat::Step::kCut:
      ended_ = true;
      truncation_ = gzip + "ends " + format_->cut_detail();
      return false;
  }
  // Ethernet records go straight into the caller's buffer; others are converted from raw_.
  const bool ethernet = rec.link_type == static_cast<std::uint16_t>(LinkType::kEthernet);
  std::vector<std::uint8_t>& data = ethernet ? out.bytes : raw_;
  data.resize(rec.captured);
  const std::size_t got = stream_->read(data.data(), rec.captured);
  if (got != rec.captured) {
    ended_ = true;
    truncation_ = gzip + "ends inside packet #" + std::to_string(packet) + " (" + std::to_string(got) + " of its " +
                  std::to_string(rec.captured) + " captured bytes)";
    return false;
  }
  if (format_->end_record(packet) == CaptureFormat::Step::kCut) {
    // The packet is whole; the file ends in what follows it.
    ended_ = true;
    truncation_ = gzip + "ends " + format_->cut_detail();
  }
  // An FCS is not part of the frame the router's MAC hands on: drop it from the data (when
  // it was captured) and from the wire length.
  std::uint32_t wire = rec.original;
  if (rec.fcs_bytes != 0) {
    wire = wire >= rec.fcs_bytes ? wire - rec.fcs_bytes : 0;
    if (data.size() > wire) data.resize(wire);
  }
  out.index = packet;
  out.timestamp_ns = rec.timestamp_ns;
  out.interface = rec.interface;
  out.link_type = rec.link_type;
  out.synthetic_macs = false;
  out.unusable = {};
  if (!ethernet) {
    if (!link_type_supported(rec.link_type)) {
      out.unusable = "unsupported_link_type";
      out.bytes.clear();
    } else {
      const LinkConversion c = to_ethernet(rec.link_type, raw_, out.bytes);
      out.unusable = c.error;
      out.synthetic_macs = c.synthetic_macs;
      if (c.error.empty()) wire = static_cast<std::uint32_t>(std::max<std::int64_t>(std::int64_t{wire} + c.length_change, 0));
    }
  }
  // An unusable record keeps its own wire length, for the books.
  out.wire_length = std::max<std::uint32_t>(wire, static_cast<std::uint32_t>(out.bytes.size()));
  ++packets_read_;
  return true;
}

}  // namespace flowsim::pcap
