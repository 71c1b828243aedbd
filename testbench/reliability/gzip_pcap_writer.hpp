// SPDX-License-Identifier: Apache-2.0
// TEST ONLY: a classic pcap file (Ethernet, nanosecond timestamps) written record by record
// through zlib's gzip writer, so that a test can make a capture of many gigabytes on the fly
// that takes little disk (repeated frames compress ~100:1) and is read back as a stream.
#pragma once

#include <zlib.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>

namespace flowsim::testbench {

class GzipPcapWriter {
 public:
  // Level 1: the fastest; repeated frames compress well at any level.
  explicit GzipPcapWriter(const std::filesystem::path& path) : gz_(gzopen(path.c_str(), "wb1")) {
    if (gz_ == nullptr) throw std::runtime_error("cannot write " + path.string());
    gzbuffer(gz_, 1 << 20);
    std::array<std::uint8_t, 24> header{};
    put32(header.data(), 0xa1b23c4d);  // nanosecond timestamps, little-endian
    put16(header.data() + 4, 2);
    put16(header.data() + 6, 4);
    put32(header.data() + 16, 262144);  // snaplen
    put32(header.data() + 20, 1);       // LINKTYPE_ETHERNET
    write_bytes(header);
  }
  GzipPcapWriter(const GzipPcapWriter&) = delete;
  GzipPcapWriter& operator=(const GzipPcapWriter&) = delete;
  ~GzipPcapWriter() {
    if (gz_ != nullptr) gzclose(gz_);
  }

  void write(std::uint64_t timestamp_ns, std::span<const std::uint8_t> frame) {
    std::array<std::uint8_t, 16> record{};
    put32(record.data(), static_cast<std::uint32_t>(timestamp_ns / 1'000'000'000));
    put32(record.data() + 4, static_cast<std::uint32_t>(timestamp_ns % 1'000'000'000));
    put32(record.data() + 8, static_cast<std::uint32_t>(frame.size()));
    put32(record.data() + 12, static_cast<std::uint32_t>(frame.size()));
    write_bytes(record);
    write_bytes(frame);
  }
  // Uncompressed bytes written so far, the global header included.
  std::uint64_t size() const { return size_; }
  // Flushes and closes; throws if zlib could not write everything.
  void close() {
    const int rc = gzclose(gz_);
    gz_ = nullptr;
    if (rc != Z_OK) throw std::runtime_error("gzclose failed");
  }

 private:
  static void put16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v);
    p[1] = static_cast<std::uint8_t>(v >> 8);
  }
  static void put32(std::uint8_t* p, std::uint32_t v) {
    put16(p, static_cast<std::uint16_t>(v));
    put16(p + 2, static_cast<std::uint16_t>(v >> 16));
  }
  void write_bytes(std::span<const std::uint8_t> bytes) {
    if (gzwrite(gz_, bytes.data(), static_cast<unsigned>(bytes.size())) != static_cast<int>(bytes.size())) {
      throw std::runtime_error("gzwrite failed");
    }
    size_ += bytes.size();
  }

  gzFile gz_;
  std::uint64_t size_ = 0;
};

}  // namespace flowsim::testbench
