// SPDX-License-Identifier: Apache-2.0
// Some loaders only take a path (libpcap, the scenario loader, conformance files): a fuzz
// input is written to a file in a private folder first. The folder is per process, so that
// libFuzzer's -jobs/-workers runs do not overwrite each other's inputs.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace flowsim::fuzz {

class FuzzInputFile {
 public:
  // A file named `name` (a relative path) in a fresh folder under $TMPDIR (tmpfs /dev/shm
  // when there is one: these files are rewritten millions of times).
  explicit FuzzInputFile(const std::string& name) {
    const std::filesystem::path base =
        std::filesystem::exists("/dev/shm") ? std::filesystem::path("/dev/shm") : std::filesystem::temp_directory_path();
    dir_ = base / ("flowsim-fuzz-" + std::to_string(::getpid()));
    path_ = dir_ / name;
    std::filesystem::create_directories(path_.parent_path());
  }
  ~FuzzInputFile() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  FuzzInputFile(const FuzzInputFile&) = delete;
  FuzzInputFile& operator=(const FuzzInputFile&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  // Makes `dir()/name` point at `target`: files a loaded input refers to by relative path.
  void link(const std::string& name, const std::filesystem::path& target) const {
    const std::filesystem::path at = dir_ / name;
    std::filesystem::create_directories(at.parent_path());
    std::filesystem::create_symlink(target, at);
  }
  const std::filesystem::path& path() const { return path_; }

  // Replaces the file's content with the fuzz input.
  const std::filesystem::path& write(const std::uint8_t* data, std::size_t size) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) std::abort();  // the harness, not the code under test, is broken
    return path_;
  }

 private:
  std::filesystem::path dir_;
  std::filesystem::path path_;
};

}  // namespace flowsim::fuzz
