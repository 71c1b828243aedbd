// SPDX-License-Identifier: Apache-2.0
// Where an nft `include "PATTERN"` reads from. nft globs the pattern (a pattern with wildcards
// that matches nothing is fine, a plain name that does not exist is an error, directories are
// skipped, matches are read in sorted order). A simulated router's files are not the host's,
// so flowsim resolves the pattern inside the ruleset's directory: an absolute path is taken
// below the directory of the top-level ruleset, as if that were the router's root
// (`include "/etc/nftables.d/*.nft"` reads `<ruleset dir>/etc/nftables.d/*.nft`), a relative
// one from the directory of the file that includes it.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace flowsim::engine::nft {

struct IncludeResult {
  std::vector<std::filesystem::path> files;  // in the order nft reads them
  std::string error;                         // non-empty: the include fails with this message
};

IncludeResult resolve_include(std::string_view pattern, const std::filesystem::path& including_dir,
                              const std::filesystem::path& root);

}  // namespace flowsim::engine::nft
