// SPDX-License-Identifier: Apache-2.0
// Collecting and reporting load errors (see load_error.hpp).
#include "engine/nft/load_error.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "net/input_error.hpp"

namespace flowsim::engine::nft {

std::string format_load_error(std::string_view file, const SourceLoc& loc, std::string_view message) {
  std::string where(file);
  if (loc.line != 0) {
    where += fmt::format(":{}:{}", loc.line, loc.col);
  }
  if (loc.json_item >= 0) {
    where += fmt::format(": nftables[{}]", loc.json_item);
  }
  return fmt::format("{}: {}", where, message);
}

LoadErrors::LoadErrors(std::string main_file) { files_.push_back(std::move(main_file)); }

std::uint16_t LoadErrors::add_file(std::string name) {
  files_.push_back(std::move(name));
  return static_cast<std::uint16_t>(files_.size() - 1);
}

void LoadErrors::add(const SourceLoc& loc, std::string_view message) {
  // The same place and text twice (a construct reached along two paths) is one error.
  for (const Error& e : errors_) {
    if (e.loc.file == loc.file && e.loc.line == loc.line && e.loc.col == loc.col && e.text == message) {
      return;
    }
  }
  errors_.push_back(Error{loc, std::string(message)});
}

void LoadErrors::throw_if_any() const {
  if (errors_.empty()) {
    return;
  }
  std::vector<const Error*> sorted;
  sorted.reserve(errors_.size());
  for (const Error& e : errors_) {
    sorted.push_back(&e);
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const Error* a, const Error* b) {
    return std::tie(a->loc.file, a->loc.line, a->loc.col) < std::tie(b->loc.file, b->loc.line, b->loc.col);
  });
  std::string message;
  for (std::size_t i = 0; i < sorted.size() && i < kMaxListed; ++i) {
    if (i != 0) {
      message += '\n';
    }
    message += format_load_error(files_[sorted[i]->loc.file], sorted[i]->loc, sorted[i]->text);
  }
  if (sorted.size() > kMaxListed) {
    message += fmt::format("\n{}: {} more errors not listed", files_[0], sorted.size() - kMaxListed);
  }
  throw net::InputError(message);
}

}  // namespace flowsim::engine::nft
