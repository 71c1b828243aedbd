// SPDX-License-Identifier: Apache-2.0
// The field table (see fields.hpp). Each reader is a capture-less lambda, so the table is a
// constant and a lookup costs one index.
#include "engine/nft/fields.hpp"

#include <array>

#include "engine/nft/values.hpp"

namespace flowsim::engine::nft {
namespace {

using F = Field;
using T = ValueType;
using J = JsonForm;
using Read = bool (*)(const PacketInfo&, Key&, std::string_view&);

bool has_ports(std::uint8_t l4proto) {
  // TCP, UDP, DCCP, SCTP, UDP-Lite: the protocols whose first four bytes are ports.
  return l4proto == 6 || l4proto == 17 || l4proto == 33 || l4proto == 132 || l4proto == 136;
}

// clang-format off
constexpr Read kIifRead = [](const PacketInfo& p, Key& k, std::string_view& n) {
  n = p.iifname;
  k = key_from_u64(p.iif);
  return p.iif != 0 || !p.iifname.empty();  // locally generated packets have no input device
};
constexpr Read kOifRead = [](const PacketInfo& p, Key& k, std::string_view& n) {
  n = p.oifname;
  k = key_from_u64(p.oif.value_or(0));
  return p.oif.has_value();  // not routed yet
};
constexpr Read kSaddr4 = [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_bytes(p.saddr.data(), 4); return true; };
constexpr Read kDaddr4 = [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_bytes(p.daddr.data(), 4); return true; };
constexpr Read kSaddr6 = [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_bytes(p.saddr.data(), 16); return true; };
constexpr Read kDaddr6 = [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_bytes(p.daddr.data(), 16); return true; };
constexpr Read kL4 = [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_u64(p.l4proto); return true; };
constexpr Read kSport = [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_u64(p.sport); return true; };
constexpr Read kDport = [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_u64(p.dport); return true; };
constexpr Read kThSport = [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_u64(p.sport); return has_ports(p.l4proto); };
constexpr Read kThDport = [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_u64(p.dport); return has_ports(p.l4proto); };

constexpr Read kIcmpTypeRead = [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_u64(p.icmp_type); return true; };
constexpr Read kIcmpCodeRead = [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_u64(p.icmp_code); return true; };

constexpr Read kDscpRead = [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_u64(p.dscp); return true; };

// One line per field, in enum order (checked below).
constexpr std::array kFields{
  FieldInfo{F::kIif,               "iif",                 "meta iif",     J::kMeta,    "iif",      "",         T::kIfindex,   0, kNoL4, kIifRead},
  FieldInfo{F::kOif,               "oif",                 "meta oif",     J::kMeta,    "oif",      "",         T::kIfindex,   0, kNoL4, kOifRead},
  FieldInfo{F::kIifname,           "iifname",             "meta iifname", J::kMeta,    "iifname",  "",         T::kIfname,    0, kNoL4, kIifRead},
  FieldInfo{F::kOifname,           "oifname",             "meta oifname", J::kMeta,    "oifname",  "",         T::kIfname,    0, kNoL4, kOifRead},
  FieldInfo{F::kNfproto,           "meta nfproto",        "",             J::kMeta,    "nfproto",  "",         T::kNfproto,   0, kNoL4,
            [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_u64(p.nfproto); return true; }},
  FieldInfo{F::kL4proto,           "meta l4proto",        "",             J::kMeta,    "l4proto",  "",         T::kInetProto, 0, kNoL4, kL4},
  FieldInfo{F::kIpProtocol,        "ip protocol",         "",             J::kPayload, "ip",       "protocol", T::kInetProto, 4, kNoL4, kL4},
  FieldInfo{F::kIpSaddr,           "ip saddr",            "",             J::kPayload, "ip",       "saddr",    T::kIpv4,      4, kNoL4, kSaddr4},
  FieldInfo{F::kIpDaddr,           "ip daddr",            "",             J::kPayload, "ip",       "daddr",    T::kIpv4,      4, kNoL4, kDaddr4},
  FieldInfo{F::kIp6Nexthdr,        "ip6 nexthdr",         "",             J::kPayload, "ip6",      "nexthdr",  T::kInetProto, 6, kNoL4, kL4},
  FieldInfo{F::kIp6Saddr,          "ip6 saddr",           "",             J::kPayload, "ip6",      "saddr",    T::kIpv6,      6, kNoL4, kSaddr6},
  FieldInfo{F::kIp6Daddr,          "ip6 daddr",           "",             J::kPayload, "ip6",      "daddr",    T::kIpv6,      6, kNoL4, kDaddr6},
  FieldInfo{F::kTcpSport,          "tcp sport",           "",             J::kPayload, "tcp",      "sport",    T::kService,   0, 6,     kSport},
  FieldInfo{F::kTcpDport,          "tcp dport",           "",             J::kPayload, "tcp",      "dport",    T::kService,   0, 6,     kDport},
  FieldInfo{F::kUdpSport,          "udp sport",           "",             J::kPayload, "udp",      "sport",    T::kService,   0, 17,    kSport},
  FieldInfo{F::kUdpDport,          "udp dport",           "",             J::kPayload, "udp",      "dport",    T::kService,   0, 17,    kDport},
  FieldInfo{F::kThSport,           "th sport",            "",             J::kPayload, "th",       "sport",    T::kService,   0, kAnyPortsL4, kThSport},
  FieldInfo{F::kThDport,           "th dport",            "",             J::kPayload, "th",       "dport",    T::kService,   0, kAnyPortsL4, kThDport},
  FieldInfo{F::kCtState,           "ct state",            "",             J::kCt,      "state",    "",         T::kCtState,   0, kNoL4,
            [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_u64(p.ct_state); return true; }},
  FieldInfo{F::kCtOriginalPackets, "ct original packets", "",             J::kCt,      "packets",  "original", T::kInteger,   0, kNoL4,
            [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_u64(p.ct_original_packets); return true; }},
  FieldInfo{F::kTcpFlags,          "tcp flags",           "",             J::kPayload, "tcp",      "flags",    T::kTcpFlags,  0, 6,
            [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_u64(p.tcp_flags); return true; }},
  FieldInfo{F::kCtStatus,          "ct status",           "",             J::kCt,      "status",   "",         T::kCtStatus,  0, kNoL4,
            [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_u64(p.ct_status); return true; }},
  FieldInfo{F::kIcmpType,          "icmp type",           "",             J::kPayload, "icmp",     "type",     T::kIcmpType,  0, 1,     kIcmpTypeRead},
  FieldInfo{F::kIcmpCode,          "icmp code",           "",             J::kPayload, "icmp",     "code",     T::kIcmpCode,  0, 1,     kIcmpCodeRead},
  FieldInfo{F::kIcmpv6Type,        "icmpv6 type",         "",             J::kPayload, "icmpv6",   "type",     T::kIcmpv6Type, 0, 58,   kIcmpTypeRead},
  FieldInfo{F::kIcmpv6Code,        "icmpv6 code",         "",             J::kPayload, "icmpv6",   "code",     T::kIcmpv6Code, 0, 58,   kIcmpCodeRead},
  FieldInfo{F::kMetaMark,          "meta mark",           "mark",         J::kMeta,    "mark",     "",         T::kMark,      0, kNoL4,
            [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_u64(p.mark); return true; }},
  FieldInfo{F::kIpDscp,            "ip dscp",             "",             J::kPayload, "ip",       "dscp",     T::kDscp,      4, kNoL4, kDscpRead},
  FieldInfo{F::kIp6Dscp,           "ip6 dscp",            "",             J::kPayload, "ip6",      "dscp",     T::kDscp,      6, kNoL4, kDscpRead},
  // nft_meta_get_eval_time: the wall clock in UTC (nft converts local times when it parses).
  FieldInfo{F::kMetaTime,          "meta time",           "",             J::kMeta,    "time",     "",         T::kTime,      0, kNoL4,
            [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_u64(p.wall_ns); return true; }},
  FieldInfo{F::kMetaHour,          "meta hour",           "",             J::kMeta,    "hour",     "",         T::kHour,      0, kNoL4,
            [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_u64(p.wall_ns / 1000000000u % 86400u); return true; }},
  FieldInfo{F::kMetaDay,           "meta day",            "",             J::kMeta,    "day",      "",         T::kDay,       0, kNoL4,
            [](const PacketInfo& p, Key& k, std::string_view&) { k = key_from_u64((p.wall_ns / 1000000000u / 86400u + 4) % 7); return true; }},
};
// clang-format on

constexpr bool in_enum_order() {
  for (std::size_t i = 0; i < kFields.size(); ++i) {
    if (static_cast<std::size_t>(kFields[i].field) != i) return false;
  }
  return true;
}
static_assert(in_enum_order(), "kFields must list the fields in the order of enum Field");

// How many of `words` the spelling `text` ("ct original packets") covers: its word count if
// they all match, else 0.
std::size_t covers(std::string_view text, std::span<const std::string_view> words) {
  std::size_t n = 0;
  while (!text.empty()) {
    const std::size_t space = text.find(' ');
    const std::string_view word = text.substr(0, space);
    if (n >= words.size() || words[n] != word) return 0;
    ++n;
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
  }
  return n;
}

}  // namespace

const FieldInfo& field_info(Field field) { return kFields[static_cast<std::size_t>(field)]; }

std::span<const FieldInfo> all_fields() { return kFields; }

const FieldInfo* field_by_words(std::span<const std::string_view> words, std::size_t& count) {
  const FieldInfo* best = nullptr;
  count = 0;
  for (const FieldInfo& f : kFields) {
    for (std::string_view spelling : {f.text, f.alias}) {
      if (spelling.empty()) continue;
      const std::size_t n = covers(spelling, words);
      if (n > count) {
        count = n;
        best = &f;
      }
    }
  }
  return best;
}

const FieldInfo* field_by_json(JsonForm form, std::string_view a, std::string_view b) {
  for (const FieldInfo& f : kFields) {
    if (f.json == form && f.json_a == a && f.json_b == b) return &f;
  }
  return nullptr;
}

}  // namespace flowsim::engine::nft
