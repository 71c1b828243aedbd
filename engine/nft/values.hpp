// SPDX-License-Identifier: Apache-2.0
// The value vocabulary shared by both parsers, the builder and the printer: each field's
// type, how a right-hand-side element is read ("10.0.0.0/8", "1-1024", "tcp", "eth*") and
// printed back as nft 1.0.6 prints it, and the symbolic names (protocols, ct states, reject
// codes). One table per name set is what makes text and JSON input agree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/nft/model.hpp"

namespace flowsim::engine::nft {

// Width of a type in bits (what prefixes and "out of range" are measured against).
unsigned value_bits(ValueType type);
// Set type names (`type ipv4_addr`); only the types named sets support here.
std::string_view set_type_name(ValueType type);
std::optional<ValueType> set_type_from_name(std::string_view name);

// Reads one element of `type` as written (without quotes; `quoted` = it was a string, which
// is how interface names with a wildcard are written). On failure returns the message.
std::optional<std::string> parse_element(ValueType type, std::string_view text, bool quoted, Element& out);
// nft's durations ("10m", "1h30m", "9m59s884ms", a bare number of seconds) in ms, and
// back as time_print writes them.
std::optional<std::uint64_t> parse_duration_ms(std::string_view text);
std::string format_duration_ms(std::uint64_t ms);

// A range written as its two ends ("21:00"-"23:00", JSON {"range": [LO, HI]}). An hour range
// across midnight ("22:00"-"06:00") is what nft makes of it, `!= "06:00"-"22:00"`: the ends
// are swapped and *inverted is set, for the caller to flip the operator (== and !=).
std::optional<std::string> parse_range(ValueType type, std::string_view lo, std::string_view hi, Element& out,
                                       bool* inverted = nullptr);
std::string format_element(ValueType type, const Element& element);
std::string format_key(ValueType type, const Key& key);

Key key_from_u64(std::uint64_t value);
Key key_from_bytes(const std::uint8_t* bytes, std::size_t size);  // big-endian
Key key_next(const Key& key);                                      // key + 1, wrapping
// If [lo, hi] is exactly one prefix of a `bits`-wide type, its length.
std::optional<unsigned> prefix_length_of(const Key& lo, const Key& hi, unsigned bits);

// `ct state` names. `kernel_value` is IP_CT_* as a bit (what nft sorts and prints by).
struct CtStateName {
  std::string_view name;
  std::uint32_t kernel_value;
  std::uint8_t bit;  // CtStateBit
};
const CtStateName* ct_state_by_name(std::string_view name);
const CtStateName* ct_state_by_kernel_value(std::uint32_t value);

std::optional<std::uint8_t> l4proto_from_name(std::string_view name);
std::string l4proto_name(std::uint8_t proto);

std::optional<std::uint8_t> reject_code_from_name(RejectKind kind, std::string_view name);
bool is_log_level(std::string_view name);
std::string_view reject_code_name(RejectKind kind, std::uint8_t code);

}  // namespace flowsim::engine::nft
