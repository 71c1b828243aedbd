// SPDX-License-Identifier: Apache-2.0
#include "testbench/pcap/capture_stream.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <string>

#include "net/input_error.hpp"

namespace flowsim::pcap {
namespace {

// zlib's default is 8 KiB; captures are read front to back, so a larger buffer means fewer
// system calls.
constexpr unsigned kBufferBytes = 256 * 1024;

gzFile gz(void* p) { return static_cast<gzFile>(p); }

bool starts_with_gzip_magic(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 2> magic{};
  return in.read(magic.data(), 2) && static_cast<unsigned char>(magic[0]) == 0x1f &&
         static_cast<unsigned char>(magic[1]) == 0x8b;
}

}  // namespace

void CaptureStream::Closer::operator()(void* p) const { gzclose_r(gz(p)); }

CaptureStream::CaptureStream(const std::filesystem::path& path) : path_(path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw net::InputError(path.string() + ": cannot open (a directory)");
  errno = 0;
  gz_.reset(gzopen(path.c_str(), "rb"));
  if (!gz_) {
    const int err = errno;
    throw net::InputError(path.string() + ": cannot open (" + (err != 0 ? std::strerror(err) : "out of memory") + ")");
  }
  gzbuffer(gz(gz_.get()), kBufferBytes);
  // gzdirect() only knows after the first read; the magic says it at once.
  compressed_ = starts_with_gzip_magic(path);
}

CaptureStream::CaptureStream(CaptureStream&&) noexcept = default;
CaptureStream& CaptureStream::operator=(CaptureStream&&) noexcept = default;
CaptureStream::~CaptureStream() = default;

std::size_t CaptureStream::read(std::uint8_t* dst, std::size_t n) {
  std::size_t done = 0;
  while (done < n && !cut_off_) {
    const auto chunk = static_cast<unsigned>(std::min<std::size_t>(n - done, INT_MAX));
    const int got = gzread(gz(gz_.get()), dst + done, chunk);
    if (got > 0) {
      done += static_cast<std::size_t>(got);
      offset_ += static_cast<std::uint64_t>(got);
      continue;
    }
    int code = Z_OK;
    const char* message = gzerror(gz(gz_.get()), &code);
    if (got == 0 && (code == Z_OK || code == Z_STREAM_END)) break;  // the clean end
    // zlib says Z_BUF_ERROR for a gzip stream that ends before its trailer: the file was
    // cut off, which the caller reports as a truncated capture.
    if (code == Z_BUF_ERROR) {
      cut_off_ = true;
      break;
    }
    if (code == Z_ERRNO) {
      throw net::InputError(path_.string() + ": read error (" + std::strerror(errno) + ")");
    }
    throw net::InputError(path_.string() + ": gzip: corrupt compressed data after " + std::to_string(offset_) +
                          " bytes of content (" + (message != nullptr ? message : "zlib error") + ")");
  }
  return done;
}

bool CaptureStream::skip(std::uint64_t n) {
  std::array<std::uint8_t, 4096> sink;
  while (n > 0) {
    const std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(n, sink.size()));
    if (read(sink.data(), chunk) != chunk) return false;
    n -= chunk;
  }
  return true;
}

}  // namespace flowsim::pcap
