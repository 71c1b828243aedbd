// SPDX-License-Identifier: Apache-2.0
// The DSCP values nft knows by name (nftables src/proto.c dscp_type_tbl): what `ip dscp set`
// and `ip6 dscp set` accept, and how `nft list ruleset` prints a value back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowsim::engine::nft {

// A name (cs0..cs7, df, be, lephb, af11..af43, va, ef) or a number up to 63 (decimal or 0x).
std::optional<std::uint8_t> parse_dscp(std::string_view text);
// The first name nft's table has for the value, else 0x%.2x as nft prints it.
std::string dscp_name(std::uint8_t value);

}  // namespace flowsim::engine::nft
