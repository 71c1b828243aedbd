// SPDX-License-Identifier: Apache-2.0
#include "testbench/pcap/classic_pcap_format.hpp"

#include <array>
#include <string>

#include "net/byte_order.hpp"
#include "net/input_error.hpp"
#include "testbench/pcap/capture_limits.hpp"
#include "testbench/pcap/link_layer.hpp"

namespace flowsim::pcap {
namespace {

// Magic numbers as the first four bytes read little-endian.
constexpr std::uint32_t kMicro = 0xa1b2c3d4;
constexpr std::uint32_t kNano = 0xa1b23c4d;
constexpr std::uint32_t kModified = 0xa1b2cd34;
constexpr std::uint32_t kMicroSwapped = 0xd4c3b2a1;
constexpr std::uint32_t kNanoSwapped = 0x4d3cb2a1;
constexpr std::uint32_t kModifiedSwapped = 0x34cdb2a1;
constexpr std::size_t kFileHeaderRest = 20;  // after the magic
constexpr std::size_t kRecordHeader = 16;
constexpr std::size_t kModifiedRecordHeader = 24;
// The link type field: LINKTYPE in the low 16 bits; bit 26 says an FCS length is given, in
// 16-bit words in bits 28..31 (draft-ietf-opsawg-pcap §4).
constexpr std::uint32_t kFcsPresent = 1u << 26;

}  // namespace

bool ClassicPcapFormat::recognises(std::uint32_t magic) {
  switch (magic) {
    case kMicro:
    case kNano:
    case kModified:
    case kMicroSwapped:
    case kNanoSwapped:
    case kModifiedSwapped: return true;
    default: return false;
  }
}

std::uint32_t ClassicPcapFormat::u32(const std::uint8_t* p) const {
  return swapped_ ? net::load_be32(p) : static_cast<std::uint32_t>(p[0] | p[1] << 8 | p[2] << 16 | std::uint32_t{p[3]} << 24);
}

ClassicPcapFormat::ClassicPcapFormat(CaptureStream& stream, std::uint32_t magic) : stream_(stream) {
  swapped_ = magic == kMicroSwapped || magic == kNanoSwapped || magic == kModifiedSwapped;
  nanoseconds_ = magic == kNano || magic == kNanoSwapped;
  modified_ = magic == kModified || magic == kModifiedSwapped;
  std::array<std::uint8_t, kFileHeaderRest> h{};
  const std::string file = stream_.path().string() + ": ";
  if (stream_.read(h.data(), h.size()) != h.size()) {
    throw net::InputError(file + (stream_.compressed() ? "gzip: " : "") + "pcap file header cut off (" +
                          std::to_string(stream_.offset()) + " of 24 bytes)");
  }
  const std::uint16_t major = swapped_ ? net::load_be16(h.data()) : static_cast<std::uint16_t>(h[0] | h[1] << 8);
  if (major != 2) throw net::InputError(file + "pcap version " + std::to_string(major) + " is not 2");
  CaptureInterface itf;
  itf.snaplen = u32(h.data() + 12);
  const std::uint32_t link_field = u32(h.data() + 16);
  itf.link_type = static_cast<std::uint16_t>(link_field & 0xffff);
  if (link_field & kFcsPresent) fcs_bytes_ = static_cast<std::uint8_t>(2 * (link_field >> 28));
  if (!link_type_supported(itf.link_type)) {
    throw net::InputError(file + "link type " + link_type_name(itf.link_type) +
                          " is not one flowsim reads (Ethernet, Linux cooked SLL/SLL2, raw IP, loopback)");
  }
  interfaces_.push_back(itf);
}

CaptureFormat::Step ClassicPcapFormat::begin_record(std::uint64_t packet, RawRecord& rec) {
  std::array<std::uint8_t, kModifiedRecordHeader> h{};
  const std::size_t size = modified_ ? kModifiedRecordHeader : kRecordHeader;
  const std::size_t got = stream_.read(h.data(), size);
  if (got == 0 && !stream_.cut_off()) return Step::kEnd;
  if (got != size) {
    cut_detail_ = "inside the record header of packet #" + std::to_string(packet) + " (" + std::to_string(got) +
                  " of " + std::to_string(size) + " bytes)";
    return Step::kCut;
  }
  const std::uint32_t seconds = u32(h.data());
  const std::uint32_t fraction = u32(h.data() + 4);
  rec.captured = u32(h.data() + 8);
  rec.original = u32(h.data() + 12);
  auto where = [&] { return stream_.path().string() + ": packet #" + std::to_string(packet) + ": "; };
  if (fraction >= (nanoseconds_ ? 1'000'000'000u : 1'000'000u)) {
    throw net::InputError(where() + "bad timestamp (" + std::to_string(seconds) + " s + " + std::to_string(fraction) +
                          (nanoseconds_ ? " ns)" : " us)"));
  }
  if (rec.captured > kMaxRecordBytes) {
    throw net::InputError(where() + "captured length " + std::to_string(rec.captured) +
                          " is larger than any frame (the limit is " + std::to_string(kMaxRecordBytes) + ")");
  }
  if (rec.captured > rec.original) {
    throw net::InputError(where() + "captured length " + std::to_string(rec.captured) +
                          " exceeds the length on the wire " + std::to_string(rec.original));
  }
  rec.timestamp_ns = std::uint64_t{seconds} * 1'000'000'000u + (nanoseconds_ ? fraction : fraction * std::uint64_t{1000});
  rec.interface = 0;
  rec.link_type = interfaces_.front().link_type;
  rec.fcs_bytes = fcs_bytes_;
  return Step::kPacket;
}

}  // namespace flowsim::pcap
