// SPDX-License-Identifier: Apache-2.0
#include "testbench/pcap/pcapng_format.hpp"

#include <array>
#include <limits>

#include "net/byte_order.hpp"
#include "net/input_error.hpp"
#include "testbench/pcap/capture_limits.hpp"
#include "testbench/pcap/link_layer.hpp"

namespace flowsim::pcap {
namespace {

constexpr std::uint32_t kInterfaceDescription = 1;
constexpr std::uint32_t kObsoletePacket = 2;
constexpr std::uint32_t kSimplePacket = 3;
constexpr std::uint32_t kEnhancedPacket = 6;
constexpr std::uint32_t kByteOrderMagic = 0x1a2b3c4d;
constexpr std::uint32_t kByteOrderMagicSwapped = 0x4d3c2b1a;
// A block: type, total length, body, total length again.
constexpr std::uint32_t kBlockOverhead = 12;
constexpr std::uint32_t kPacketFixed = 20;  // EPB/OPB: interface, timestamp, lengths
constexpr std::uint16_t kOptEnd = 0;
constexpr std::uint16_t kIfName = 2;
constexpr std::uint16_t kIfTsresol = 9;
constexpr std::uint16_t kIfFcslen = 13;
constexpr std::uint16_t kIfTsoffset = 14;

std::uint32_t padded(std::uint32_t n) { return (n + 3u) & ~3u; }

std::uint32_t le32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0] | p[1] << 8 | p[2] << 16 | std::uint32_t{p[3]} << 24);
}

}  // namespace

std::uint16_t PcapngFormat::u16(const std::uint8_t* p) const {
  return big_endian_ ? net::load_be16(p) : static_cast<std::uint16_t>(p[0] | p[1] << 8);
}
std::uint32_t PcapngFormat::u32(const std::uint8_t* p) const { return big_endian_ ? net::load_be32(p) : le32(p); }
std::uint64_t PcapngFormat::u64(const std::uint8_t* p) const {
  const std::uint64_t a = u32(p);
  const std::uint64_t b = u32(p + 4);
  return big_endian_ ? (a << 32 | b) : (b << 32 | a);
}

std::string PcapngFormat::where_block(std::uint64_t block_offset) const {
  return stream_.path().string() + ": block at byte " + std::to_string(block_offset) + ": ";
}

std::string PcapngFormat::where_packet(std::uint64_t packet) const {
  return stream_.path().string() + ": packet #" + std::to_string(packet) + ": ";
}

CaptureFormat::Step PcapngFormat::cut(std::string detail) {
  cut_detail_ = std::move(detail);
  return Step::kCut;
}

PcapngFormat::PcapngFormat(CaptureStream& stream) : stream_(stream) {
  std::array<std::uint8_t, 8> h{};
  if (stream_.read(h.data(), h.size()) != h.size()) {
    throw net::InputError(stream_.path().string() + ": " + (stream_.compressed() ? "gzip: " : "") +
                          "pcapng section header cut off");
  }
  big_endian_ = le32(h.data() + 4) == kByteOrderMagicSwapped;
  section_header(le32(h.data()));
}

// The Section Header Block after its type; the byte-order magic (already read in h) decides
// how this section's numbers, its length included, are written.
void PcapngFormat::section_header(std::uint32_t length_field) {
  const std::uint64_t at = stream_.offset() - 12;
  // `length_field` was read little-endian, before the byte order was known.
  const std::uint32_t length = big_endian_ ? __builtin_bswap32(length_field) : length_field;
  if (length < 28 || length % 4 != 0 || length > kMaxMetadataBlockBytes) {
    throw net::InputError(where_block(at) + "section header block length " + std::to_string(length) + " is invalid");
  }
  body_.resize(length - 12);
  if (stream_.read(body_.data(), body_.size()) != body_.size()) {
    throw net::InputError(where_block(at) + (stream_.compressed() ? "gzip: " : "") + "section header cut off");
  }
  const std::uint16_t major = u16(body_.data());
  if (major != 1) {
    throw net::InputError(where_block(at) + "pcapng version " + std::to_string(major) + "." +
                          std::to_string(u16(body_.data() + 2)) + " is not 1.x");
  }
  if (u32(body_.data() + body_.size() - 4) != length) {
    throw net::InputError(where_block(at) + "section header's trailing length differs from its length");
  }
  section_interfaces_.clear();
  section_first_ = interfaces_.size();
}

bool PcapngFormat::read_body(std::uint32_t length) {
  body_.resize(length - 8);
  return stream_.read(body_.data(), body_.size()) == body_.size();
}

void PcapngFormat::interface_description(std::uint64_t at) {
  if (body_.size() < 12) throw net::InputError(where_block(at) + "interface description block too short");
  Interface itf;
  CaptureInterface info;
  itf.link_type = info.link_type = u16(body_.data());
  itf.snaplen = info.snaplen = u32(body_.data() + 4);
  const std::size_t end = body_.size() - 4;  // before the trailing length
  for (std::size_t o = 8; o + 4 <= end;) {
    const std::uint16_t code = u16(body_.data() + o);
    const std::uint16_t len = u16(body_.data() + o + 2);
    o += 4;
    if (code == kOptEnd) break;
    if (o + len > end) throw net::InputError(where_block(at) + "interface option " + std::to_string(code) + " runs past its block");
    const std::uint8_t* v = body_.data() + o;
    if (code == kIfTsresol && len >= 1) {
      itf.binary_resolution = (v[0] & 0x80) != 0;
      itf.resolution = v[0] & 0x7f;
      if (itf.binary_resolution ? itf.resolution > 63 : itf.resolution > 19) {
        throw net::InputError(where_block(at) + "if_tsresol " + std::to_string(v[0]) + " is out of range");
      }
    } else if (code == kIfTsoffset && len >= 8) {
      itf.offset_seconds = static_cast<std::int64_t>(u64(v));
    } else if (code == kIfFcslen && len >= 1) {
      itf.fcs_bytes = v[0];
    } else if (code == kIfName) {
      info.name.assign(reinterpret_cast<const char*>(v), len);
      while (!info.name.empty() && info.name.back() == '\0') info.name.pop_back();
    }
    o += padded(len);
  }
  section_interfaces_.push_back(itf);
  interfaces_.push_back(std::move(info));
}

std::uint64_t PcapngFormat::timestamp_ns(const Interface& itf, std::uint64_t units, std::uint64_t packet) const {
  using u128 = unsigned __int128;
  u128 ns;
  if (itf.binary_resolution) {
    ns = (static_cast<u128>(units) * 1'000'000'000u) >> itf.resolution;
  } else if (itf.resolution <= 9) {
    u128 scale = 1;
    for (unsigned i = itf.resolution; i < 9; ++i) scale *= 10;
    ns = static_cast<u128>(units) * scale;
  } else {
    u128 scale = 1;
    for (unsigned i = 9; i < itf.resolution; ++i) scale *= 10;
    ns = static_cast<u128>(units) / scale;
  }
  const __int128 total = static_cast<__int128>(ns) + static_cast<__int128>(itf.offset_seconds) * 1'000'000'000;
  if (total < 0 || total > static_cast<__int128>(std::numeric_limits<std::uint64_t>::max())) {
    throw net::InputError(where_packet(packet) + "timestamp outside 1970..2554");
  }
  return static_cast<std::uint64_t>(total);
}

CaptureFormat::Step PcapngFormat::begin_record(std::uint64_t packet, RawRecord& rec) {
  for (;;) {
    const std::uint64_t at = stream_.offset();
    std::array<std::uint8_t, kPacketFixed> h{};
    const std::size_t got = stream_.read(h.data(), 8);
    if (got == 0 && !stream_.cut_off()) return Step::kEnd;
    if (got != 8) return cut("inside the header of the block at byte " + std::to_string(at));
    const std::uint32_t type = u32(h.data());
    if (type == kSectionHeader) {
      // A new section may have the other byte order: its magic says which.
      if (stream_.read(h.data() + 8, 4) != 4) return cut("inside the section header at byte " + std::to_string(at));
      const std::uint32_t magic = le32(h.data() + 8);
      if (magic != kByteOrderMagic && magic != kByteOrderMagicSwapped) {
        throw net::InputError(where_block(at) + "section header without a byte-order magic");
      }
      big_endian_ = magic == kByteOrderMagicSwapped;
      section_header(le32(h.data() + 4));
      continue;
    }
    const std::uint32_t length = u32(h.data() + 4);
    if (length < kBlockOverhead || length % 4 != 0) {
      throw net::InputError(where_block(at) + "block length " + std::to_string(length) + " is invalid");
    }
    if (type == kEnhancedPacket || type == kObsoletePacket) {
      if (length < kBlockOverhead + kPacketFixed) {
        throw net::InputError(where_packet(packet) + "packet block length " + std::to_string(length) + " is too short");
      }
      if (stream_.read(h.data(), kPacketFixed) != kPacketFixed) {
        return cut("inside the block of packet #" + std::to_string(packet));
      }
      const std::uint32_t id = type == kEnhancedPacket ? u32(h.data()) : u16(h.data());
      if (id >= section_interfaces_.size()) {
        throw net::InputError(where_packet(packet) + "interface " + std::to_string(id) + " is not described in its section (" +
                              std::to_string(section_interfaces_.size()) + " interfaces)");
      }
      const Interface& itf = section_interfaces_[id];
      rec.captured = u32(h.data() + 12);
      rec.original = u32(h.data() + 16);
      if (rec.captured > kMaxRecordBytes) {
        throw net::InputError(where_packet(packet) + "captured length " + std::to_string(rec.captured) +
                              " is larger than any frame (the limit is " + std::to_string(kMaxRecordBytes) + ")");
      }
      if (kBlockOverhead + kPacketFixed + padded(rec.captured) > length) {
        throw net::InputError(where_packet(packet) + "captured length " + std::to_string(rec.captured) +
                              " does not fit in its block of " + std::to_string(length) + " bytes");
      }
      if (rec.captured > rec.original) {
        throw net::InputError(where_packet(packet) + "captured length " + std::to_string(rec.captured) +
                              " exceeds the length on the wire " + std::to_string(rec.original));
      }
      rec.timestamp_ns = timestamp_ns(itf, std::uint64_t{u32(h.data() + 4)} << 32 | u32(h.data() + 8), packet);
      rec.interface = static_cast<std::uint32_t>(section_first_ + id);
      rec.link_type = itf.link_type;
      rec.fcs_bytes = itf.fcs_bytes;
      record_length_ = length;
      record_rest_ = length - 8 - kPacketFixed - rec.captured;
      return Step::kPacket;
    }
    if (type == kSimplePacket) {
      if (length < kBlockOverhead + 4) {
        throw net::InputError(where_packet(packet) + "simple packet block length " + std::to_string(length) + " is too short");
      }
      if (section_interfaces_.empty()) {
        throw net::InputError(where_packet(packet) + "simple packet block in a section without interfaces");
      }
      if (stream_.read(h.data(), 4) != 4) return cut("inside the block of packet #" + std::to_string(packet));
      const Interface& itf = section_interfaces_.front();
      rec.original = u32(h.data());
      std::uint32_t captured = std::min(rec.original, length - kBlockOverhead - 4);
      if (itf.snaplen != 0) captured = std::min(captured, itf.snaplen);
      if (captured > kMaxRecordBytes) {
        throw net::InputError(where_packet(packet) + "captured length " + std::to_string(captured) +
                              " is larger than any frame (the limit is " + std::to_string(kMaxRecordBytes) + ")");
      }
      rec.captured = captured;
      rec.timestamp_ns = 0;  // a Simple Packet Block has none
      rec.interface = static_cast<std::uint32_t>(section_first_);
      rec.link_type = itf.link_type;
      rec.fcs_bytes = itf.fcs_bytes;
      record_length_ = length;
      record_rest_ = length - 8 - 4 - captured;
      return Step::kPacket;
    }
    if (type == kInterfaceDescription) {
      if (length > kMaxMetadataBlockBytes) {
        throw net::InputError(where_block(at) + "interface description block length " + std::to_string(length) +
                              " is invalid");
      }
      if (!read_body(length)) return cut("inside the interface description at byte " + std::to_string(at));
      if (u32(body_.data() + body_.size() - 4) != length) {
        throw net::InputError(where_block(at) + "block's trailing length differs from its length");
      }
      interface_description(at);
      continue;
    }
    // Name resolution, statistics, custom and other blocks say nothing about packets.
    if (!stream_.skip(length - 8)) return cut("inside the block at byte " + std::to_string(at));
  }
}

CaptureFormat::Step PcapngFormat::end_record(std::uint64_t packet) {
  if (!stream_.skip(record_rest_ - 4)) return cut("inside the block of packet #" + std::to_string(packet) + " after its data");
  std::array<std::uint8_t, 4> t{};
  if (stream_.read(t.data(), 4) != 4) return cut("inside the block of packet #" + std::to_string(packet) + " after its data");
  if (u32(t.data()) != record_length_) {
    throw net::InputError(where_packet(packet) + "block's trailing length " + std::to_string(u32(t.data())) +
                          " differs from its length " + std::to_string(record_length_));
  }
  return Step::kPacket;
}

}  // namespace flowsim::pcap
