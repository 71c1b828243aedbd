// SPDX-License-Identifier: Apache-2.0
// The loaded ruleset as the evaluator and the printer see it: tables, chains, rules made of
// matches and statements, named sets and flowtables. Both parsers produce exactly this form
// (through RulesetBuilder), which is why a ruleset loaded from text and from JSON behaves
// and prints the same. Private to engine/nft/.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/nft/ruleset.hpp"

namespace flowsim::engine::nft {

// Where something was written. JSON input also names the object of the "nftables" array.
struct SourceLoc {
  std::uint32_t line = 0;  // 1-based; 0 = unknown
  std::uint32_t col = 0;   // 1-based, in bytes
  std::int32_t json_item = -1;
  std::uint16_t file = 0;  // index in LoadErrors' files: 0 the ruleset, then its includes
};

enum class ChainType : std::uint8_t { kFilter, kNat, kRoute };

// Everything a match can look at (the left-hand side).
enum class Field : std::uint8_t {
  kIif,
  kOif,
  kIifname,
  kOifname,
  kNfproto,
  kL4proto,
  kIpProtocol,
  kIpSaddr,
  kIpDaddr,
  kIp6Nexthdr,
  kIp6Saddr,
  kIp6Daddr,
  kTcpSport,
  kTcpDport,
  kUdpSport,
  kUdpDport,
  kThSport,
  kThDport,
  kCtState,
  kCtOriginalPackets,
  kTcpFlags,
  kCtStatus,
  kIcmpType,
  kIcmpCode,
  kIcmpv6Type,
  kIcmpv6Code,
  kMetaMark,
  kIpDscp,
  kIp6Dscp,
  kMetaTime,
  kMetaHour,
  kMetaDay,
};

// The data type of a field, of a named set, of a set element.
enum class ValueType : std::uint8_t {
  kIfname,
  kIfindex,
  kNfproto,
  kInetProto,
  kIpv4,
  kIpv6,
  kService,
  kCtState,
  kInteger,
  kTcpFlags,   // bitmask
  kCtStatus,   // bitmask
  kIcmpType,
  kIcmpCode,
  kIcmpv6Type,
  kIcmpv6Code,
  kMark,  // 32 bits, printed 0x%08x
  kDscp,  // 6 bits, cs0..ef
  kTime,  // nanoseconds since the epoch, printed "YYYY-MM-DD HH:MM:SS" (UTC)
  kHour,  // seconds since midnight, printed "HH:MM[:SS]"
  kDay,   // 0 = Sunday, printed "Monday"
};

// Types whose values are bits: a plain value matches if any of its bits is set (nft's
// implicit flag comparison), `v / m` and `& m == v` compare under a mask.
constexpr bool is_bitmask(ValueType type) { return type == ValueType::kTcpFlags || type == ValueType::kCtStatus; }

// A numeric value as a 128-bit unsigned number, so that addresses, ports and counters all
// compare, merge and print with the same code. IPv4 sits in the low 32 bits.
struct Key {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  friend constexpr auto operator<=>(const Key&, const Key&) = default;
};

enum class ElementForm : std::uint8_t { kSingle, kRange, kPrefix };

// One value, range or prefix on a right-hand side or in a set. Interface names keep their
// text; everything else is the interval [lo, hi].
struct Element {
  ElementForm form = ElementForm::kSingle;
  Key lo;
  Key hi;
  unsigned prefix_len = 0;
  std::string name;       // kIfname, or kIfindex given by name
  bool wildcard = false;  // "eth*": `name` holds "eth"
  std::vector<Element> rest;  // a concatenation's further components (`130 . 0`)
  // A named set's element: its own counter (every element of a set declared with `counter`
  // has one; counted by lookups, hence mutable) and its own `timeout` in ms (0: the set's).
  bool counter = false;
  mutable std::uint64_t packets = 0;
  mutable std::uint64_t bytes = 0;
  std::uint64_t timeout_ms = 0;
};

enum class Op : std::uint8_t { kEq, kNe, kLt, kGt, kLe, kGe };

enum class RhsKind : std::uint8_t {
  kValue,     // one element
  kFlags,     // `ct state established,related`: any of the bits
  kSet,       // anonymous `{ ... }`
  kNamedSet,  // `@name`
};

struct NamedSet;

struct Match {
  Field field = Field::kIif;
  Op op = Op::kEq;
  RhsKind rhs = RhsKind::kValue;
  std::vector<Element> elements;
  bool interval = false;  // anonymous set holding ranges: merged and printed canonically
  std::uint8_t ct_mask = 0;  // CtStateBit union, for ct state values and flag lists
  std::string set_name;
  const NamedSet* set = nullptr;  // resolved by RulesetBuilder::finish
  std::vector<Field> concat;  // `icmpv6 type . icmpv6 code`: the fields after `field`
  // `field & mask OP value` (bitmask types also `value / mask`).
  std::optional<Key> mask;
  // No operator was written: on a bitmask type, "any of these bits" (with a mask and value
  // 0 and op kEq: "none of them", printed `! bits`).
  bool implicit_op = true;
  // An implicit dependency nft adds and does not print in this family (the `meta l4proto
  // tcp` in front of `reject with tcp reset` in an ip table).
  bool hidden = false;
  SourceLoc rhs_loc;
};

struct CounterStmt {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
};

enum class VerdictKind : std::uint8_t { kAccept, kDrop, kReturn, kJump, kGoto };

struct Chain;

struct VerdictStmt {
  VerdictKind kind = VerdictKind::kAccept;
  std::string target;      // jump / goto
  Chain* chain = nullptr;  // resolved by RulesetBuilder::finish
  SourceLoc target_loc;
};

// `EXPR vmap { key : verdict, ... }`: `key` holds the expression and the keys (kSet), in
// the order nft lists them; verdicts[i] belongs to key.elements[i].
struct VmapStmt {
  Match key;
  std::vector<VerdictStmt> verdicts;
};

// `limit rate [over] RATE/UNIT [burst N packets]`: nft_limit's token bucket in nanoseconds
// of simulated time, full when the ruleset is loaded.
struct LimitStmt {
  std::uint64_t rate = 0;
  std::uint64_t unit_seconds = 1;
  std::uint32_t burst = 5;  // NFT_LIMIT_PKT_BURST_DEFAULT; `burst 5 packets` is not printed
  bool over = false;
  std::uint64_t tokens = 0;
  std::uint64_t tokens_max = 0;
  std::uint64_t cost = 0;
  std::uint64_t last_ns = 0;
};

// `tcp option maxseg size set rt mtu | N`: the MSS option of a SYN lowered to the route's
// MTU (less the headers) or to N; never raised (nft_exthdr_tcp_set_eval).
struct TcpMssStmt {
  bool rt_mtu = true;
  std::uint16_t value = 0;
};

struct CtHelper;

// `ct helper set "NAME"`: assigns the table's ct helper object NAME to the connection.
struct CtHelperSetStmt {
  std::string name;
  const CtHelper* helper = nullptr;  // resolved by RulesetBuilder::finish
  SourceLoc name_loc;
};

// `meta mark set ...`, `ip dscp set ...`, `ip6 dscp set ...`: the field becomes
// (field & mask) ^ xor_value, nft_bitwise's one form for `V`, `mark and A`, `mark or B`,
// `mark xor C` and their chains (a constant V is mask 0, xor V).
struct MangleStmt {
  Field field = Field::kMetaMark;
  std::uint32_t mask = 0;
  std::uint32_t xor_value = 0;
};

// `notrack`: the packet skips conntrack (raw priority, before conntrack at -200).
struct NotrackStmt {};

struct RejectStmt {
  RejectAction action;
  bool with = false;  // `with ...` written; otherwise the builder picks the family's default
};

struct FlowStmt {
  std::string flowtable;  // without '@'
  const FlowtableSpec* spec = nullptr;  // resolved by RulesetBuilder::finish
  bool offload_keyword = false;  // written `flow offload`
  SourceLoc name_loc;
};

struct NatStmt {
  NatAction action;  // family 0 = the packet's (masquerade in inet)
  // As parsed, before the builder knows the family: `snat ip6 to` (6), `ip` (4) or none (0),
  // and the address text; RulesetBuilder fills `action` from them.
  int written_family = 0;
  std::string addr_min_text;
  std::string addr_max_text;
  SourceLoc addr_loc;
  SourceLoc port_loc;
};

struct LogStmt {
  std::optional<std::string> prefix;
  std::optional<std::string> level;
  bool flags_all = false;
};

using StmtBody = std::variant<Match, CounterStmt, VerdictStmt, RejectStmt, FlowStmt, NatStmt, LogStmt, VmapStmt,
                              LimitStmt, CtHelperSetStmt, TcpMssStmt, MangleStmt, NotrackStmt>;

struct Stmt {
  StmtBody body;
  SourceLoc loc;
};

struct Rule {
  std::vector<Stmt> stmts;
  std::optional<std::string> comment;
  SourceLoc loc;
};

struct Table;

struct Chain {
  std::string name;
  const Table* table = nullptr;
  bool base = false;
  ChainType type = ChainType::kFilter;
  Hook hook = Hook::kPrerouting;
  int priority = 0;
  bool policy_drop = false;
  std::vector<Rule> rules;
  SourceLoc loc;
  unsigned seq = 0;  // registration order across the ruleset (ties run newest first)
};

struct NamedSet {
  std::string name;
  ValueType type = ValueType::kIpv4;
  std::vector<ValueType> concat;  // `type ipv4_addr . inet_service`: the types after the first
  bool interval = false;
  bool constant = false;
  bool auto_merge = false;
  bool counter = false;          // `counter`: every element counts its matches
  bool timeout_flag = false;     // `flags timeout`
  std::uint64_t timeout_ms = 0;  // `timeout 10m`: listed; elements do not expire here
  std::uint32_t size = 0;        // `size N` (0: none)
  std::optional<std::string> comment;
  std::vector<Element> elements;
  SourceLoc loc;
};

// `ct helper NAME { type "ftp" protocol tcp; [l3proto ip;] }`.
struct CtHelper {
  std::string name;
  std::string type;  // the kernel helper: "ftp", "sip", ...
  std::uint8_t l4proto = 6;
  Family l3proto = Family::kInet;  // printed as the table's family when not written
  SourceLoc loc;
};

struct Flowtable {
  FlowtableSpec spec;
  SourceLoc loc;
};

struct Table {
  Family family = Family::kInet;
  std::string name;
  std::vector<std::unique_ptr<Chain>> chains;
  std::vector<std::unique_ptr<NamedSet>> sets;
  std::vector<Flowtable> flowtables;
  std::vector<std::unique_ptr<CtHelper>> helpers;
  SourceLoc loc;
};

// What runs at one hook for one packet family, in order: a single chain, or the nat group.
struct HookEntry {
  int priority = 0;
  unsigned seq = 0;
  bool nat = false;
  std::vector<Chain*> chains;  // one, or the nat chains in their order
};

struct Model {
  std::vector<std::unique_ptr<Table>> tables;
  std::vector<FlowtableSpec> flowtables;  // what Ruleset::flowtables() returns
  // [hook][0 = IPv4, 1 = IPv6]
  std::array<std::array<std::vector<HookEntry>, 2>, 6> hooks;
};

}  // namespace flowsim::engine::nft
