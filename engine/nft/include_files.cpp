// SPDX-License-Identifier: Apache-2.0
// Resolving `include` patterns (see include_files.hpp) with POSIX glob(3), as nft's
// include_glob does (GLOB_NOESCAPE | GLOB_MARK, sorted, directories skipped).
#include "engine/nft/include_files.hpp"

#include <glob.h>

#include <fmt/format.h>

namespace flowsim::engine::nft {
namespace {

// nft looks for glob's magic characters itself: glob() does not say whether a pattern
// without matches had any.
bool has_wildcards(std::string_view pattern) { return pattern.find_first_of("*?[") != std::string_view::npos; }

}  // namespace

IncludeResult resolve_include(std::string_view pattern, const std::filesystem::path& including_dir,
                              const std::filesystem::path& root) {
  IncludeResult result;
  const std::filesystem::path written{std::string(pattern)};
  const std::filesystem::path full =
      written.is_absolute() ? root / written.relative_path() : including_dir / written;
  glob_t matches{};
  const int rc = glob(full.c_str(), GLOB_NOESCAPE | GLOB_MARK, nullptr, &matches);
  if (rc == 0) {
    for (std::size_t i = 0; i < matches.gl_pathc; ++i) {
      const std::string match = matches.gl_pathv[i];
      if (!match.empty() && match.back() == '/') {
        continue;  // a directory (GLOB_MARK)
      }
      result.files.emplace_back(match);
    }
  } else if (rc != GLOB_NOMATCH) {
    result.error = fmt::format("cannot read the files of include \"{}\" ({})", pattern, full.string());
  }
  globfree(&matches);
  if (result.error.empty() && result.files.empty() && !has_wildcards(pattern)) {
    result.error = fmt::format("File not found: {} (looked for {})", pattern, full.string());
  }
  return result;
}

}  // namespace flowsim::engine::nft
