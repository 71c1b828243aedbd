// SPDX-License-Identifier: Apache-2.0
// The bytes of a capture file, read through zlib so that a gzip-compressed capture reads as
// its content and a plain one as itself (zlib passes uncompressed files through). Errors
// name the file and say "gzip" when the compression is what is broken; a stream that simply
// ends early is not an error here: the caller sees a short read and decides.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

namespace flowsim::pcap {

class CaptureStream {
 public:
  // Opens `path`. Throws net::InputError "PATH: cannot open (reason)" if it cannot be read.
  explicit CaptureStream(const std::filesystem::path& path);
  CaptureStream(CaptureStream&&) noexcept;
  CaptureStream& operator=(CaptureStream&&) noexcept;
  CaptureStream(const CaptureStream&) = delete;
  CaptureStream& operator=(const CaptureStream&) = delete;
  ~CaptureStream();

  // Reads up to `n` bytes into `dst` and returns how many were read: fewer than `n` only at
  // the end of the data (a gzip stream cut off ends there too; see cut_off()). Throws
  // net::InputError "PATH: gzip: corrupt compressed data (zlib's message)" for a gzip stream
  // that cannot be decompressed, or "PATH: read error (...)".
  std::size_t read(std::uint8_t* dst, std::size_t n);
  // Skips `n` bytes; returns false if the data ended first.
  bool skip(std::uint64_t n);

  bool compressed() const { return compressed_; }
  // True once a read came back short because a gzip stream ended before its trailer.
  bool cut_off() const { return cut_off_; }
  // Uncompressed bytes consumed so far.
  std::uint64_t offset() const { return offset_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  struct Closer {
    void operator()(void* gz) const;
  };
  std::filesystem::path path_;
  std::unique_ptr<void, Closer> gz_;
  bool compressed_ = false;
  bool cut_off_ = false;
  std::uint64_t offset_ = 0;
};

}  // namespace flowsim::pcap
