// SPDX-License-Identifier: Apache-2.0
// What the fuzz targets hold every rejected input to: the loader's documented error type
// (net::InputError), with a message that names the input and a position in it. Anything else
// (another exception, a crash, a hang, a leak, undefined behaviour) is a finding.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "net/input_error.hpp"

namespace flowsim::fuzz {

// Aborts (a finding libFuzzer keeps) unless `message` starts with "`name`:" followed by
// something: the file (or packet) the error is about, then what is wrong.
inline void expect_clear_error(const net::InputError& e, std::string_view name) {
  const std::string_view message = e.what();
  if (message.size() > name.size() + 1 && message.substr(0, name.size()) == name && message[name.size()] == ':') return;
  std::fprintf(stderr, "unclear error (expected \"%.*s: ...\"): %s\n", static_cast<int>(name.size()), name.data(),
               e.what());
  std::abort();
}

}  // namespace flowsim::fuzz
