// SPDX-License-Identifier: Apache-2.0
// How a load fails: every error of the ruleset in one pass, as nft reports them, each as
// "FILE:LINE:COL: message" (JSON: "FILE:LINE:COL: nftables[N]: message"), thrown together as
// one net::InputError so that a user fixes them all at once. The parsers record an error and
// unwind (LoadAbort) to the nearest place they can resume from: the next rule, table object
// or command.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/nft/model.hpp"

namespace flowsim::engine::nft {

// Thrown after an error has been recorded, to abandon the statement being read. After a
// syntax error the text parser resumes as nft's grammar does (`error stmt_separator`: skip to
// the next newline or ";", braces included); after an error in a value it skips the rest of
// the statement, whose braces are sound.
struct LoadAbort {
  bool syntax = false;
};

std::string format_load_error(std::string_view file, const SourceLoc& loc, std::string_view message);

class LoadErrors {
 public:
  // At most this many are listed; the message then says how many more there were.
  static constexpr std::size_t kMaxListed = 100;

  explicit LoadErrors(std::string main_file);

  // The files a load reads (the ruleset, then each included file): SourceLoc::file indexes
  // this list.
  std::uint16_t add_file(std::string name);
  const std::string& file(std::uint16_t index) const { return files_[index]; }

  void add(const SourceLoc& loc, std::string_view message);
  [[noreturn]] void fail(const SourceLoc& loc, std::string_view message) {
    add(loc, message);
    throw LoadAbort{};
  }
  bool empty() const { return errors_.empty(); }
  std::size_t size() const { return errors_.size(); }

  // Throws net::InputError with every error, one per line, ordered by file and position, if
  // any was recorded.
  void throw_if_any() const;

 private:
  struct Error {
    SourceLoc loc;
    std::string text;
  };
  std::vector<std::string> files_;
  std::vector<Error> errors_;
};

}  // namespace flowsim::engine::nft
