// SPDX-License-Identifier: Apache-2.0
// Interleaves pcaps by timestamp into one, as a capture of all shards on one wire would
// be: records in timestamp order; on equal timestamps the earlier input's record first,
// and within an input the file's own order, so the result is the same on every run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace flowsim::sweep {

// Returns the number of records written. Throws net::InputError for unreadable inputs.
std::uint64_t interleave_pcaps(const std::vector<std::filesystem::path>& inputs, const std::filesystem::path& output);

}  // namespace flowsim::sweep
