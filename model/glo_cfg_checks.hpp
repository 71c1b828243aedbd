// SPDX-License-Identifier: Apache-2.0
// The GLO_CFG drop checks (IP4_CS_DROP, L4_CS_DROP, TTL0_DROP): a stage between the parser and
// the hash unit that drops, rather than looks up, a packet whose IPv4 header checksum or
// TCP/UDP checksum is wrong, or whose TTL / hop limit is 0, when the driver asked for it.
// It sees the packets the parser hands on (IPv4/IPv6 TCP or UDP without options, fragments
// or extension headers); a parser exception goes to the CPU unchecked, where Linux checks it.
// This block has no RTL twin: it reads the parser's bus and the frame, so `--rtl` runs give the
// same drops.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "model/asic_observer.hpp"
#include "model/parser_engine.hpp"

namespace flowsim::model {

// Why GLO_CFG (`glo_cfg`, the register's value) drops `frame`, parsed as `h`; nullopt if it
// passes. Checked in the order TTL, IPv4 header checksum, L4 checksum. A UDP checksum of 0
// means "none" (IPv4) and is not checked.
std::optional<ModelDropReason> glo_cfg_drop(std::uint32_t glo_cfg, std::span<const std::uint8_t> frame,
                                            const ParsedHeaders& h);

}  // namespace flowsim::model
