// SPDX-License-Identifier: Apache-2.0
// The one table of everything a rule can look at (the left-hand side of a match): how nft
// spells it in text and in `nft -j` JSON, its value type, the protocol it depends on and how
// it is read from a packet. Both parsers, the builder, the evaluator and the printer take
// these facts from here, so a new match is an enum value and one line in fields.cpp (the
// role of nftables' proto_desc/meta_templates tables and the kernel's nft_expr_type
// registry). Private to engine/nft/.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "engine/nft/model.hpp"
#include "engine/nft/ruleset.hpp"

namespace flowsim::engine::nft {

// How a field is written in libnftables JSON.
enum class JsonForm : std::uint8_t {
  kMeta,     // {"meta": {"key": KEY}}
  kPayload,  // {"payload": {"protocol": PROTO, "field": FIELD}}
  kCt,       // {"ct": {"key": KEY}} or, with a direction, {"ct": {"key": KEY, "dir": DIR}}
};

// The transport protocols a field implies (nft adds `meta l4proto X` in front of it).
inline constexpr int kNoL4 = -1;
inline constexpr int kAnyPortsL4 = -2;  // `th`: any protocol whose first four bytes are ports

struct FieldInfo {
  Field field;
  std::string_view text;  // as nft prints it: "ip saddr", "iifname", "ct original packets"
  std::string_view alias;  // another spelling nft reads ("meta iifname"), or empty
  JsonForm json;
  std::string_view json_a;  // meta/ct key, or payload protocol
  std::string_view json_b;  // payload field, or ct direction ("" = none)
  ValueType type;
  std::uint8_t family;  // network layer it needs: 4, 6, or 0 (any)
  int l4proto;          // transport protocol it needs, kNoL4 or kAnyPortsL4
  // The packet's value. False: the packet does not have it (the rule breaks, as NFT_BREAK).
  // Names (interfaces) come back in `name`, everything else in `key`.
  bool (*read)(const PacketInfo& packet, Key& key, std::string_view& name);
};

const FieldInfo& field_info(Field field);
std::span<const FieldInfo> all_fields();

// The field whose text or alias is exactly the first `count` of `words`; the longest such
// match wins. nullptr if none.
const FieldInfo* field_by_words(std::span<const std::string_view> words, std::size_t& count);
const FieldInfo* field_by_json(JsonForm form, std::string_view a, std::string_view b);

inline ValueType value_type_of(Field field) { return field_info(field).type; }
inline std::string_view field_text(Field field) { return field_info(field).text; }
inline int field_family(Field field) { return field_info(field).family; }
inline int field_l4proto(Field field) { return field_info(field).l4proto; }

}  // namespace flowsim::engine::nft
