// SPDX-License-Identifier: Apache-2.0
// Reading and printing right-hand-side values (see values.hpp). Names follow Debian's
// /etc/protocols and /etc/services, which is what nft resolves them with; ports print as
// numbers, protocols by name, as nft 1.0.6 does by default.
#include "engine/nft/values.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <charconv>
#include <utility>

#include <fmt/format.h>

#include "net/ipv4_addr.hpp"
#include "net/ipv6_addr.hpp"

namespace flowsim::engine::nft {
namespace {

struct NamedNumber {
  std::string_view name;
  unsigned value;
};

// /etc/protocols names nft prints (the ones a router ruleset meets).
constexpr std::array<NamedNumber, 14> kProtocols{{
    {"icmp", 1},
    {"igmp", 2},
    {"ipencap", 4},
    {"tcp", 6},
    {"udp", 17},
    {"dccp", 33},
    {"ipv6", 41},
    {"gre", 47},
    {"esp", 50},
    {"ah", 51},
    {"ipv6-icmp", 58},
    {"ipip", 94},
    {"sctp", 132},
    {"udplite", 136},
}};

// /etc/services names accepted on input (nft prints ports as numbers).
constexpr std::array<NamedNumber, 20> kServices{{
    {"ftp", 21},          {"ssh", 22},           {"telnet", 23},        {"smtp", 25},
    {"domain", 53},       {"bootps", 67},        {"bootpc", 68},        {"tftp", 69},
    {"http", 80},         {"ntp", 123},          {"snmp", 161},         {"https", 443},
    {"isakmp", 500},      {"dhcpv6-client", 546}, {"dhcpv6-server", 547}, {"ipsec-nat-t", 4500},
    {"http-alt", 8080},   {"imap2", 143},        {"pop3", 110},         {"submission", 587},
}};

constexpr std::array<CtStateName, 5> kCtStates{{
    {"invalid", 1, kCtInvalid},
    {"established", 2, kCtEstablished},
    {"related", 4, kCtRelated},
    {"new", 8, kCtNew},
    {"untracked", 64, kCtUntracked},
}};

constexpr std::array<NamedNumber, 8> kIcmpCodes{{
    {"net-unreachable", 0},
    {"host-unreachable", 1},
    {"prot-unreachable", 2},
    {"port-unreachable", 3},
    {"frag-needed", 4},
    {"net-prohibited", 9},
    {"host-prohibited", 10},
    {"admin-prohibited", 13},
}};
constexpr std::array<NamedNumber, 6> kIcmpv6Codes{{
    {"no-route", 0},
    {"admin-prohibited", 1},
    {"addr-unreachable", 3},
    {"port-unreachable", 4},
    {"policy-fail", 5},
    {"reject-route", 6},
}};
constexpr std::array<NamedNumber, 4> kIcmpxCodes{{
    {"no-route", 0},
    {"port-unreachable", 1},
    {"host-unreachable", 2},
    {"admin-prohibited", 3},
}};

// nftables' icmp_type / icmpv6_type / tcp_flag / ct_status symbol tables.
constexpr std::array<NamedNumber, 15> kIcmpTypes{{
    {"echo-reply", 0},           {"destination-unreachable", 3}, {"source-quench", 4},
    {"redirect", 5},             {"echo-request", 8},            {"router-advertisement", 9},
    {"router-solicitation", 10}, {"time-exceeded", 11},          {"parameter-problem", 12},
    {"timestamp-request", 13},   {"timestamp-reply", 14},        {"info-request", 15},
    {"info-reply", 16},          {"address-mask-request", 17},   {"address-mask-reply", 18},
}};
constexpr std::array<NamedNumber, 19> kIcmpv6Types{{
    {"destination-unreachable", 1}, {"packet-too-big", 2},        {"time-exceeded", 3},
    {"parameter-problem", 4},       {"echo-request", 128},        {"echo-reply", 129},
    {"mld-listener-query", 130},    {"mld-listener-report", 131}, {"mld-listener-done", 132},
    {"nd-router-solicit", 133},     {"nd-router-advert", 134},    {"nd-neighbor-solicit", 135},
    {"nd-neighbor-advert", 136},    {"nd-redirect", 137},         {"router-renumbering", 138},
    {"ind-neighbor-solicit", 141},  {"ind-neighbor-advert", 142}, {"mld2-listener-report", 143},
    {"mld-listener-reduction", 132},
}};
constexpr std::array<NamedNumber, 8> kTcpFlags{{
    {"fin", 0x01}, {"syn", 0x02}, {"rst", 0x04}, {"psh", 0x08},
    {"ack", 0x10}, {"urg", 0x20}, {"ecn", 0x40}, {"cwr", 0x80},
}};
constexpr std::array<NamedNumber, 7> kCtStatus{{
    {"expected", 0x01}, {"seen-reply", 0x02}, {"assured", 0x04}, {"confirmed", 0x08},
    {"snat", 0x10},     {"dnat", 0x20},       {"dying", 0x200},
}};

// nftables' dscp_type symbols (proto.c); "df" and "be" read as cs0, which is what prints.
constexpr std::array<NamedNumber, 25> kDscp{{
    {"cs0", 0x00},   {"cs1", 0x08},  {"cs2", 0x10},  {"cs3", 0x18},  {"cs4", 0x20},
    {"cs5", 0x28},   {"cs6", 0x30},  {"cs7", 0x38},  {"df", 0x00},   {"be", 0x00},
    {"lephb", 0x01}, {"af11", 0x0a}, {"af12", 0x0c}, {"af13", 0x0e}, {"af21", 0x12},
    {"af22", 0x14},  {"af23", 0x16}, {"af31", 0x1a}, {"af32", 0x1c}, {"af33", 0x1e},
    {"af41", 0x22},  {"af42", 0x24}, {"af43", 0x26}, {"va", 0x2c},   {"ef", 0x2e},
}};

constexpr std::array<std::string_view, 7> kDays{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                 "Thursday", "Friday", "Saturday"};

template <std::size_t N>
std::optional<unsigned> lookup(const std::array<NamedNumber, N>& table, std::string_view name) {
  for (const auto& entry : table) {
    if (entry.name == name) {
      return entry.value;
    }
  }
  return std::nullopt;
}

template <std::size_t N>
std::string_view lookup_name(const std::array<NamedNumber, N>& table, unsigned value) {
  for (const auto& entry : table) {
    if (entry.value == value) {
      return entry.name;
    }
  }
  return {};
}

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

// A number as nft's integer types read it: decimal or 0x hex.
std::optional<std::uint64_t> parse_number(std::string_view text) {
  if (text.starts_with("0x") && text.size() > 2) {
    std::uint64_t hex = 0;
    auto [end, ec] = std::from_chars(text.data() + 2, text.data() + text.size(), hex, 16);
    if (ec == std::errc() && end == text.data() + text.size()) return hex;
    return std::nullopt;
  }
  return parse_u64(text);
}

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

// "HH:MM" or "HH:MM:SS" as seconds, nft's hour_type (and the time part of a date).
std::optional<std::uint64_t> parse_clock(std::string_view text) {
  unsigned parts[3] = {0, 0, 0};
  std::size_t n = 0;
  std::size_t start = 0;
  for (;;) {
    const std::size_t colon = text.find(':', start);
    const std::string_view piece = text.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
    auto v = parse_u64(piece);
    if (!v || n >= 3 || piece.size() > 2) return std::nullopt;
    parts[n++] = static_cast<unsigned>(*v);
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  if (n < 2 || parts[0] > 23 || parts[1] > 59 || parts[2] > 59) return std::nullopt;
  return std::uint64_t{parts[0]} * 3600 + parts[1] * 60 + parts[2];
}

// "YYYY-MM-DD[ HH:MM[:SS]]" (UTC) or seconds since the epoch, as nanoseconds.
std::optional<std::uint64_t> parse_date(std::string_view text) {
  if (auto seconds = parse_u64(text)) return *seconds * 1000000000u;
  const std::size_t space = text.find(' ');
  const std::string_view date = text.substr(0, space);
  std::uint64_t clock = 0;
  if (space != std::string_view::npos) {
    auto c = parse_clock(text.substr(space + 1));
    if (!c) return std::nullopt;
    clock = *c;
  }
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return std::nullopt;
  auto y = parse_u64(date.substr(0, 4));
  auto m = parse_u64(date.substr(5, 2));
  auto d = parse_u64(date.substr(8, 2));
  if (!y || !m || !d || *y < 1970 || *m < 1 || *m > 12 || *d < 1 || *d > 31) return std::nullopt;
  const std::int64_t days = days_from_civil(static_cast<std::int64_t>(*y), static_cast<unsigned>(*m), static_cast<unsigned>(*d));
  return (static_cast<std::uint64_t>(days) * 86400 + clock) * 1000000000u;
}

Key low_mask(unsigned bits) {
  Key k;
  if (bits >= 128) {
    return Key{~std::uint64_t{0}, ~std::uint64_t{0}};
  }
  if (bits >= 64) {
    k.lo = ~std::uint64_t{0};
    k.hi = bits == 64 ? 0 : (std::uint64_t{1} << (bits - 64)) - 1;
  } else {
    k.lo = bits == 0 ? 0 : (std::uint64_t{1} << bits) - 1;
  }
  return k;
}

Key key_and(const Key& a, const Key& b) { return Key{a.hi & b.hi, a.lo & b.lo}; }
Key key_or(const Key& a, const Key& b) { return Key{a.hi | b.hi, a.lo | b.lo}; }
Key key_not(const Key& a) { return Key{~a.hi, ~a.lo}; }

Key ipv4_key(net::Ipv4Addr a) { return key_from_u64(a.value()); }
Key ipv6_key(const net::Ipv6Addr& a) { return key_from_bytes(a.bytes().data(), 16); }

// One address (no range) of an address type.
std::optional<Key> parse_address(ValueType type, std::string_view text) {
  if (type == ValueType::kIpv4) {
    auto a = net::Ipv4Addr::parse(text);
    return a ? std::optional<Key>(ipv4_key(*a)) : std::nullopt;
  }
  auto a = net::Ipv6Addr::parse(text);
  return a ? std::optional<Key>(ipv6_key(*a)) : std::nullopt;
}

std::string_view address_kind(ValueType type) { return type == ValueType::kIpv4 ? "IPv4" : "IPv6"; }

// One scalar of a numeric type (no ranges, no prefixes).
std::optional<std::string> parse_scalar(ValueType type, std::string_view text, Key& out) {
  switch (type) {
    case ValueType::kIpv4:
    case ValueType::kIpv6: {
      auto k = parse_address(type, text);
      if (!k) {
        return fmt::format("invalid {} address \"{}\"", address_kind(type), text);
      }
      out = *k;
      return std::nullopt;
    }
    case ValueType::kService: {
      if (auto named = lookup(kServices, text)) {
        out = key_from_u64(*named);
        return std::nullopt;
      }
      auto v = parse_u64(text);
      if (!v) {
        return fmt::format("invalid port \"{}\"", text);
      }
      if (*v > 65535) {
        return fmt::format("port {} is out of range", text);
      }
      out = key_from_u64(*v);
      return std::nullopt;
    }
    case ValueType::kInetProto: {
      if (auto p = l4proto_from_name(text)) {
        out = key_from_u64(*p);
        return std::nullopt;
      }
      auto v = parse_u64(text);
      if (!v || *v > 255) {
        return fmt::format("invalid protocol \"{}\"", text);
      }
      out = key_from_u64(*v);
      return std::nullopt;
    }
    case ValueType::kNfproto:
      if (text == "ipv4") {
        out = key_from_u64(2);
      } else if (text == "ipv6") {
        out = key_from_u64(10);
      } else {
        return fmt::format("invalid nfproto \"{}\" (ipv4 or ipv6)", text);
      }
      return std::nullopt;
    case ValueType::kCtState: {
      const CtStateName* s = ct_state_by_name(text);
      if (s == nullptr) {
        return fmt::format("invalid conntrack state \"{}\"", text);
      }
      out = key_from_u64(s->kernel_value);
      return std::nullopt;
    }
    case ValueType::kInteger:
    case ValueType::kIfindex: {
      auto v = parse_u64(text);
      if (!v || (type == ValueType::kIfindex && *v > 0xffffffffu)) {
        return fmt::format("invalid number \"{}\"", text);
      }
      out = key_from_u64(*v);
      return std::nullopt;
    }
    case ValueType::kTcpFlags:
    case ValueType::kCtStatus:
      if (const std::size_t bar = text.find('|'); bar != std::string_view::npos) {
        // `syn|ack`: the bits of both
        Key a;
        Key b;
        if (auto err = parse_scalar(type, text.substr(0, bar), a)) return err;
        if (auto err = parse_scalar(type, text.substr(bar + 1), b)) return err;
        out = key_or(a, b);
        return std::nullopt;
      }
      [[fallthrough]];
    case ValueType::kIcmpType:
    case ValueType::kIcmpCode:
    case ValueType::kIcmpv6Type:
    case ValueType::kIcmpv6Code: {
      std::optional<unsigned> named;
      std::string_view what;
      switch (type) {
        case ValueType::kTcpFlags: named = lookup(kTcpFlags, text); what = "TCP flag"; break;
        case ValueType::kCtStatus: named = lookup(kCtStatus, text); what = "conntrack status"; break;
        case ValueType::kIcmpType: named = lookup(kIcmpTypes, text); what = "ICMP type"; break;
        case ValueType::kIcmpCode: named = lookup(kIcmpCodes, text); what = "ICMP code"; break;
        case ValueType::kIcmpv6Type: named = lookup(kIcmpv6Types, text); what = "ICMPv6 type"; break;
        default: named = lookup(kIcmpv6Codes, text); what = "ICMPv6 code"; break;
      }
      if (named) {
        out = key_from_u64(*named);
        return std::nullopt;
      }
      std::optional<std::uint64_t> v;
      if (text.starts_with("0x")) {
        std::uint64_t hex = 0;
        auto [end, ec] = std::from_chars(text.data() + 2, text.data() + text.size(), hex, 16);
        if (ec == std::errc() && end == text.data() + text.size() && text.size() > 2) v = hex;
      } else {
        v = parse_u64(text);
      }
      const unsigned bits = type == ValueType::kCtStatus ? 32 : 8;
      if (!v || *v >= (std::uint64_t{1} << bits)) {
        return fmt::format("invalid {} \"{}\"", what, text);
      }
      out = key_from_u64(*v);
      return std::nullopt;
    }
    case ValueType::kMark: {
      auto v = parse_number(text);
      if (!v || *v > 0xffffffffu) return fmt::format("invalid mark \"{}\"", text);
      out = key_from_u64(*v);
      return std::nullopt;
    }
    case ValueType::kDscp: {
      auto v = lookup(kDscp, text);
      if (!v) {
        auto n = parse_number(text);
        if (n && *n > 0x3f) return fmt::format("Value {} exceeds valid range 0-63", text);  // nft's words
        if (!n) return fmt::format("invalid DSCP \"{}\" (cs0-cs7, af11-af43, ef, va, lephb or 0-63)", text);
        v = static_cast<unsigned>(*n);
      }
      out = key_from_u64(*v);
      return std::nullopt;
    }
    case ValueType::kTime: {
      auto v = parse_date(text);
      if (!v) return fmt::format("invalid time \"{}\" (\"YYYY-MM-DD HH:MM:SS\")", text);
      out = key_from_u64(*v);
      return std::nullopt;
    }
    case ValueType::kHour: {
      auto v = parse_clock(text);
      if (!v) return fmt::format("invalid hour \"{}\" (\"HH:MM\" or \"HH:MM:SS\")", text);
      out = key_from_u64(*v);
      return std::nullopt;
    }
    case ValueType::kDay: {
      for (std::size_t i = 0; i < kDays.size(); ++i) {
        const std::string_view day = kDays[i];
        const bool same = text.size() >= 3 && text.size() <= day.size() &&
                          std::equal(text.begin(), text.end(), day.begin(), [](char a, char b) {
                            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
                          });
        if (same) {
          out = key_from_u64(i);
          return std::nullopt;
        }
      }
      if (auto n = parse_u64(text); n && *n < 7) {
        out = key_from_u64(*n);
        return std::nullopt;
      }
      return fmt::format("invalid day \"{}\" (Sunday to Saturday)", text);
    }
    case ValueType::kIfname:
      break;
  }
  return fmt::format("invalid value \"{}\"", text);
}

// A bitmask value as nft prints it: the names of its bits in bit order, unnamed ones in hex.
template <std::size_t N>
std::string format_bits(const std::array<NamedNumber, N>& names, std::uint64_t value) {
  if (value == 0) {
    return "0x0";
  }
  std::string out;
  for (unsigned bit = 0; bit < 64; ++bit) {
    const std::uint64_t b = std::uint64_t{1} << bit;
    if ((value & b) == 0) continue;
    if (!out.empty()) out += ',';
    const std::string_view name = lookup_name(names, static_cast<unsigned>(b));
    out += name.empty() ? fmt::format("{:#x}", b) : std::string(name);
  }
  return out;
}

bool is_address(ValueType type) { return type == ValueType::kIpv4 || type == ValueType::kIpv6; }

bool allows_range(ValueType type) {
  return type == ValueType::kIpv4 || type == ValueType::kIpv6 || type == ValueType::kService ||
         type == ValueType::kInetProto || type == ValueType::kInteger || type == ValueType::kIcmpType ||
         type == ValueType::kIcmpCode || type == ValueType::kIcmpv6Type || type == ValueType::kIcmpv6Code ||
         type == ValueType::kMark || type == ValueType::kDscp;
}

// Types whose text holds '-' (dates) or that nft writes as a range of two strings
// ("21:00"-"23:00"): never split on '-' here; parse_range reads their ranges.
bool quoted_range(ValueType type) {
  return type == ValueType::kTime || type == ValueType::kHour || type == ValueType::kDay;
}

}  // namespace

unsigned value_bits(ValueType type) {
  switch (type) {
    case ValueType::kIpv4: return 32;
    case ValueType::kIpv6: return 128;
    case ValueType::kService: return 16;
    case ValueType::kInetProto: return 8;
    case ValueType::kNfproto: return 8;
    case ValueType::kCtState: return 32;
    case ValueType::kIfindex: return 32;
    case ValueType::kInteger: return 64;
    case ValueType::kIfname: return 128;
    case ValueType::kCtStatus: return 32;
    case ValueType::kTcpFlags:
    case ValueType::kIcmpType:
    case ValueType::kIcmpCode:
    case ValueType::kIcmpv6Type:
    case ValueType::kIcmpv6Code: return 8;
    case ValueType::kMark: return 32;
    case ValueType::kDscp: return 6;
    case ValueType::kTime: return 64;
    case ValueType::kHour: return 32;
    case ValueType::kDay: return 8;
  }
  return 64;
}

std::string_view set_type_name(ValueType type) {
  switch (type) {
    case ValueType::kIpv4: return "ipv4_addr";
    case ValueType::kIpv6: return "ipv6_addr";
    case ValueType::kService: return "inet_service";
    case ValueType::kInetProto: return "inet_proto";
    case ValueType::kIfname: return "ifname";
    case ValueType::kIfindex: return "iface_index";
    case ValueType::kNfproto: return "nf_proto";
    case ValueType::kCtState: return "ct_state";
    case ValueType::kInteger: return "integer";
    case ValueType::kTcpFlags: return "tcp_flag";
    case ValueType::kCtStatus: return "ct_status";
    case ValueType::kIcmpType: return "icmp_type";
    case ValueType::kIcmpCode: return "icmp_code";
    case ValueType::kIcmpv6Type: return "icmpv6_type";
    case ValueType::kIcmpv6Code: return "icmpv6_code";
    case ValueType::kMark: return "mark";
    case ValueType::kDscp: return "dscp";
    case ValueType::kTime: return "time";
    case ValueType::kHour: return "hour";
    case ValueType::kDay: return "day";
  }
  return "?";
}

std::optional<ValueType> set_type_from_name(std::string_view name) {
  for (ValueType t : {ValueType::kIpv4, ValueType::kIpv6, ValueType::kService, ValueType::kInetProto, ValueType::kMark}) {
    if (set_type_name(t) == name) {
      return t;
    }
  }
  return std::nullopt;
}

std::optional<std::string> parse_element(ValueType type, std::string_view text, bool quoted, Element& out) {
  out = Element{};
  if (type == ValueType::kIfname) {
    if (text.empty() || text.size() > 15 + (text.ends_with('*') ? 1 : 0)) {
      return fmt::format("invalid interface name \"{}\"", text);
    }
    if (text.ends_with('*')) {
      out.wildcard = true;
      text.remove_suffix(1);
    }
    out.name = std::string(text);
    return std::nullopt;
  }
  if (type == ValueType::kIfindex) {
    if (auto v = parse_u64(text); v && !quoted) {
      out.lo = out.hi = key_from_u64(*v);
      return std::nullopt;
    }
    if (text.empty() || text.size() > 15) {
      return fmt::format("invalid interface \"{}\"", text);
    }
    out.name = std::string(text);
    return std::nullopt;
  }
  const unsigned bits = value_bits(type);
  if (is_address(type)) {
    if (auto slash = text.find('/'); slash != std::string_view::npos) {
      Key addr;
      if (auto err = parse_scalar(type, text.substr(0, slash), addr)) {
        return err;
      }
      auto len = parse_u64(text.substr(slash + 1));
      if (!len) {
        return fmt::format("invalid prefix \"{}\"", text);
      }
      if (*len > bits) {
        return fmt::format("Prefix length {} is invalid for type of {} bits width", *len, bits);
      }
      const Key host = low_mask(bits - static_cast<unsigned>(*len));
      out.lo = key_and(addr, key_not(host));
      out.hi = key_or(out.lo, host);
      out.prefix_len = static_cast<unsigned>(*len);
      out.form = *len == bits ? ElementForm::kSingle : ElementForm::kPrefix;
      return std::nullopt;
    }
  }
  // A range "a-b"; protocol names and addresses never contain '-' ("ipv6-icmp" does, so a
  // whole-text name wins first).
  if (allows_range(type) && !quoted_range(type)) {
    Key whole;
    const bool whole_is_name = !is_address(type) && !parse_scalar(type, text, whole).has_value();
    if (auto dash = text.find('-'); dash != std::string_view::npos && dash != 0 && !whole_is_name) {
      Key lo;
      Key hi;
      if (auto err = parse_scalar(type, text.substr(0, dash), lo)) {
        return err;
      }
      if (auto err = parse_scalar(type, text.substr(dash + 1), hi)) {
        return err;
      }
      if (hi < lo) {
        return fmt::format("range \"{}\" has a negative size", text);
      }
      out.form = ElementForm::kRange;
      out.lo = lo;
      out.hi = hi;
      return std::nullopt;
    }
  }
  Key k;
  if (auto err = parse_scalar(type, text, k)) {
    return err;
  }
  out.lo = out.hi = k;
  return std::nullopt;
}

std::optional<std::uint64_t> parse_wall_clock(std::string_view text) { return parse_date(text); }

std::optional<std::uint64_t> parse_duration_ms(std::string_view text) {
  if (auto seconds = parse_u64(text)) return *seconds * 1000;
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 5> kUnits{
      {{"ms", 1}, {"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}}};
  std::uint64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = i;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])) != 0) ++j;
    auto n = parse_u64(text.substr(i, j - i));
    if (!n) return std::nullopt;
    const auto unit = std::find_if(kUnits.begin(), kUnits.end(), [&](const auto& u) { return text.substr(j).starts_with(u.first); });
    if (unit == kUnits.end()) return std::nullopt;
    total += *n * unit->second;
    i = j + unit->first.size();
  }
  if (text.empty()) return std::nullopt;
  return total;
}

std::string format_duration_ms(std::uint64_t ms) {
  std::string out;
  for (const auto& [unit, size] : std::array<std::pair<std::string_view, std::uint64_t>, 5>{
           {{"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}}}) {
    if (ms >= size) {
      out += fmt::format("{}{}", ms / size, unit);
      ms %= size;
    }
  }
  return out.empty() ? "0s" : out;
}

std::optional<std::string> parse_range(ValueType type, std::string_view lo_text, std::string_view hi_text,
                                       Element& out, bool* inverted) {
  out = Element{};
  Key lo;
  Key hi;
  if (auto err = parse_scalar(type, lo_text, lo)) return err;
  if (auto err = parse_scalar(type, hi_text, hi)) return err;
  if (type == ValueType::kHour && hi < lo && inverted != nullptr) {
    std::swap(lo, hi);
    *inverted = true;
  }
  if (hi < lo) {
    return fmt::format("range \"{}\"-\"{}\" has a negative size", lo_text, hi_text);
  }
  out.form = lo == hi ? ElementForm::kSingle : ElementForm::kRange;
  out.lo = lo;
  out.hi = hi;
  return std::nullopt;
}

std::string format_key(ValueType type, const Key& key) {
  switch (type) {
    case ValueType::kIpv4:
      return net::Ipv4Addr(static_cast<std::uint32_t>(key.lo)).to_string();
    case ValueType::kIpv6: {
      std::array<std::uint8_t, 16> bytes{};
      for (int i = 0; i < 8; ++i) {
        bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(key.hi >> (56 - 8 * i));
        bytes[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(key.lo >> (56 - 8 * i));
      }
      return net::Ipv6Addr(bytes).to_string();
    }
    case ValueType::kInetProto:
      return l4proto_name(static_cast<std::uint8_t>(key.lo));
    case ValueType::kNfproto:
      return key.lo == 2 ? "ipv4" : key.lo == 10 ? "ipv6" : std::to_string(key.lo);
    case ValueType::kCtState: {
      const CtStateName* s = ct_state_by_kernel_value(static_cast<std::uint32_t>(key.lo));
      return s != nullptr ? std::string(s->name) : std::to_string(key.lo);
    }
    case ValueType::kTcpFlags:
      return format_bits(kTcpFlags, key.lo);
    case ValueType::kCtStatus:
      return format_bits(kCtStatus, key.lo);
    case ValueType::kIcmpType:
    case ValueType::kIcmpCode:
    case ValueType::kIcmpv6Type:
    case ValueType::kIcmpv6Code: {
      const unsigned v = static_cast<unsigned>(key.lo);
      std::string_view name;
      switch (type) {
        case ValueType::kIcmpType: name = lookup_name(kIcmpTypes, v); break;
        case ValueType::kIcmpCode: name = lookup_name(kIcmpCodes, v); break;
        case ValueType::kIcmpv6Type: name = lookup_name(kIcmpv6Types, v); break;
        default: name = lookup_name(kIcmpv6Codes, v); break;
      }
      return name.empty() ? std::to_string(v) : std::string(name);
    }
    case ValueType::kMark:
      return fmt::format("0x{:08x}", key.lo);
    case ValueType::kDscp: {
      const std::string_view name = lookup_name(kDscp, static_cast<unsigned>(key.lo));
      return name.empty() ? fmt::format("0x{:02x}", key.lo) : std::string(name);
    }
    case ValueType::kTime: {
      const std::uint64_t seconds = key.lo / 1000000000u;
      std::int64_t y = 0;
      unsigned m = 0;
      unsigned d = 0;
      civil_from_days(static_cast<std::int64_t>(seconds / 86400), y, m, d);
      const std::uint64_t t = seconds % 86400;
      return fmt::format("\"{:04}-{:02}-{:02} {:02}:{:02}:{:02}\"", y, m, d, t / 3600, t / 60 % 60, t % 60);
    }
    case ValueType::kHour: {
      const std::uint64_t t = key.lo;
      // hour_type_print: the seconds only when there are any.
      return t % 60 != 0 ? fmt::format("\"{:02}:{:02}:{:02}\"", t / 3600, t / 60 % 60, t % 60)
                         : fmt::format("\"{:02}:{:02}\"", t / 3600, t / 60 % 60);
    }
    case ValueType::kDay:
      return key.lo < kDays.size() ? fmt::format("\"{}\"", kDays[key.lo]) : std::to_string(key.lo);
    case ValueType::kService:
    case ValueType::kInteger:
    case ValueType::kIfindex:
    case ValueType::kIfname:
      break;
  }
  return std::to_string(key.lo);
}

std::string format_element(ValueType type, const Element& e) {
  if (type == ValueType::kIfname) {
    return fmt::format("\"{}{}\"", e.name, e.wildcard ? "*" : "");
  }
  if (type == ValueType::kIfindex && !e.name.empty()) {
    return fmt::format("\"{}\"", e.name);
  }
  switch (e.form) {
    case ElementForm::kSingle:
      return format_key(type, e.lo);
    case ElementForm::kPrefix:
      return fmt::format("{}/{}", format_key(type, e.lo), e.prefix_len);
    case ElementForm::kRange:
      return fmt::format("{}-{}", format_key(type, e.lo), format_key(type, e.hi));
  }
  return {};
}

Key key_from_u64(std::uint64_t value) { return Key{0, value}; }

Key key_from_bytes(const std::uint8_t* bytes, std::size_t size) {
  Key k;
  for (std::size_t i = 0; i < size; ++i) {
    k.hi = (k.hi << 8) | (k.lo >> 56);
    k.lo = (k.lo << 8) | bytes[i];
  }
  return k;
}

Key key_next(const Key& key) {
  Key k = key;
  if (++k.lo == 0) {
    ++k.hi;
  }
  return k;
}

std::optional<unsigned> prefix_length_of(const Key& lo, const Key& hi, unsigned bits) {
  const Key x{lo.hi ^ hi.hi, lo.lo ^ hi.lo};
  const unsigned host_bits = static_cast<unsigned>(std::popcount(x.hi) + std::popcount(x.lo));
  if (host_bits > bits || x != low_mask(host_bits) || key_and(lo, x) != Key{} || key_and(hi, x) != x) {
    return std::nullopt;
  }
  return bits - host_bits;
}

const CtStateName* ct_state_by_name(std::string_view name) {
  for (const auto& s : kCtStates) {
    if (s.name == name) {
      return &s;
    }
  }
  return nullptr;
}

const CtStateName* ct_state_by_kernel_value(std::uint32_t value) {
  for (const auto& s : kCtStates) {
    if (s.kernel_value == value) {
      return &s;
    }
  }
  return nullptr;
}

std::optional<std::uint8_t> l4proto_from_name(std::string_view name) {
  if (name == "icmpv6") {  // nft's keyword for ipv6-icmp
    return 58;
  }
  if (auto v = lookup(kProtocols, name)) {
    return static_cast<std::uint8_t>(*v);
  }
  return std::nullopt;
}

std::string l4proto_name(std::uint8_t proto) {
  std::string_view name = lookup_name(kProtocols, proto);
  return name.empty() ? std::to_string(proto) : std::string(name);
}

std::optional<std::uint8_t> reject_code_from_name(RejectKind kind, std::string_view name) {
  std::optional<unsigned> v;
  switch (kind) {
    case RejectKind::kIcmp: v = lookup(kIcmpCodes, name); break;
    case RejectKind::kIcmpv6: v = lookup(kIcmpv6Codes, name); break;
    case RejectKind::kIcmpx: v = lookup(kIcmpxCodes, name); break;
    case RejectKind::kTcpReset: break;
  }
  if (!v) {
    return std::nullopt;
  }
  return static_cast<std::uint8_t>(*v);
}

bool is_log_level(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kLevels{"emerg", "alert", "crit",  "err",  "warn",
                                                            "notice", "info", "debug", "audit"};
  return std::find(kLevels.begin(), kLevels.end(), name) != kLevels.end();
}

std::string_view reject_code_name(RejectKind kind, std::uint8_t code) {
  switch (kind) {
    case RejectKind::kIcmp: return lookup_name(kIcmpCodes, code);
    case RejectKind::kIcmpv6: return lookup_name(kIcmpv6Codes, code);
    case RejectKind::kIcmpx: return lookup_name(kIcmpxCodes, code);
    case RejectKind::kTcpReset: break;
  }
  return {};
}

}  // namespace flowsim::engine::nft
