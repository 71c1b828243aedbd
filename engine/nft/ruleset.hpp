// SPDX-License-Identifier: Apache-2.0
// An nftables ruleset, the subset home-router and OpenWrt fw4 rulesets use, loaded from
// `nft` text or from `nft -j list ruleset` JSON, and evaluated hook by hook the way the
// kernel runs base chains: all chains registered on a hook, in priority order, each to its
// verdict. A construct outside the subset is a load error naming file, line and column —
// never silently ignored. Counters are kept per rule and printed as `nft list ruleset` does.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flowsim::engine::nft {

enum class Family : std::uint8_t { kIp, kIp6, kInet, kNetdev };
enum class Hook : std::uint8_t { kPrerouting, kInput, kForward, kOutput, kPostrouting, kIngress };

// Conntrack state bits as `ct state` matches them.
enum CtStateBit : std::uint8_t {
  kCtNew = 1 << 0,
  kCtEstablished = 1 << 1,
  kCtRelated = 1 << 2,
  kCtInvalid = 1 << 3,
  kCtUntracked = 1 << 4,
};

// What a rule can look at. Addresses are network-order bytes, IPv4 in the first four.
struct PacketInfo {
  std::uint8_t nfproto = 2;  // NFPROTO_IPV4 (2) or NFPROTO_IPV6 (10)
  unsigned iif = 0;
  std::string_view iifname;
  std::optional<unsigned> oif;  // known from FORWARD on
  std::string_view oifname;
  std::uint8_t l4proto = 0;
  std::array<std::uint8_t, 16> saddr{};
  std::array<std::uint8_t, 16> daddr{};
  std::uint16_t sport = 0;  // TCP/UDP only
  std::uint16_t dport = 0;
  std::uint8_t ct_state = 0;      // CtStateBit mask (exactly one bit set)
  std::uint64_t ct_original_packets = 0;  // `ct original packets`
  std::uint32_t length = 0;       // L3 bytes, for counters
  std::uint8_t tcp_flags = 0;     // TCP only
  std::uint8_t icmp_type = 0;     // ICMP (IPv4) or ICMPv6, by l4proto
  std::uint8_t icmp_code = 0;
  std::uint32_t ct_status = 0;    // IPS_* bits (`ct status`)
  std::uint64_t now_ns = 0;       // simulated time, for `limit`
  // The wall clock, for `meta time/hour/day`: the scenario's start time plus now_ns
  // (nanoseconds since the epoch, UTC).
  std::uint64_t wall_ns = 0;
  std::uint32_t mark = 0;         // skb->mark (`meta mark`)
  std::uint8_t dscp = 0;          // the IP header's DSCP (`ip dscp`, `ip6 dscp`)
  // What `flow add @ft` would find: false when the ct is not eligible (not ESTABLISHED +
  // ASSURED, FIN/RST, helper, ...; spec §1.1). Then the statement breaks its rule as
  // nft_flow_offload_eval does (later statements of that rule, e.g. `counter accept`, are
  // skipped) and flow_add stays null. Left true, every executed `flow add` is reported and
  // the caller applies the checks itself.
  bool flow_add_eligible = true;
  // Whether the nat chains of the hook run: the caller knows if the connection still needs
  // a binding for this hook's manip type (nf_nat_inet_fn: NEW or RELATED, not yet
  // initialized). Unset: when ct_state is new.
  std::optional<bool> run_nat_chains;
};

// kRedirect: DNAT to the input interface's address (nf_nat_redirect), family of the packet.
enum class NatKind : std::uint8_t { kNone, kSnat, kDnat, kMasquerade, kRedirect };

struct NatAction {
  NatKind kind = NatKind::kNone;
  std::uint8_t family = 4;  // of the addresses below
  std::optional<std::array<std::uint8_t, 16>> addr_min;  // absent for masquerade / port-only
  std::optional<std::array<std::uint8_t, 16>> addr_max;
  std::optional<std::uint16_t> port_min;
  std::optional<std::uint16_t> port_max;
  bool random = false;
  bool fully_random = false;
  bool persistent = false;
};

enum class Verdict : std::uint8_t { kAccept, kDrop, kReject };

// How a `reject` answers (nft_reject.h). kIcmpx is the family-neutral code of inet tables
// (NFT_REJECT_ICMPX_*: 0 no-route, 1 port-unreachable, 2 host-unreachable,
// 3 admin-prohibited); the engine maps it to ICMP or ICMPv6 for the packet's family as
// nft_reject_icmp_code / nft_reject_icmpv6_code do. kIcmp / kIcmpv6 carry the ICMP code.
enum class RejectKind : std::uint8_t { kIcmp, kIcmpv6, kIcmpx, kTcpReset };

struct RejectAction {
  RejectKind kind = RejectKind::kIcmpx;
  std::uint8_t code = 1;  // port-unreachable
};

struct FlowtableSpec {
  std::string table;
  Family family = Family::kInet;
  std::string name;
  int priority = 0;
  std::vector<std::string> devices;
  bool offload = false;  // `flags offload`
  bool counter = false;
};

struct EvalResult {
  Verdict verdict = Verdict::kAccept;
  NatAction nat;                                // from the nat chains of this hook
  const FlowtableSpec* flow_add = nullptr;      // `flow add @ft` ran (and was not broken)
  RejectAction reject;                          // meaningful when verdict == kReject
  // `ct helper set` ran: the helper's type ("ftp"), which the caller attaches to a new
  // connection (nft_ct_helper_obj_eval); empty if none.
  std::string_view helper;
  std::uint8_t helper_l4proto = 0;
  // `tcp option maxseg size set` ran: the caller lowers the packet's MSS option to the route
  // MTU less the IP and TCP headers (mss_rt_mtu) or to mss_value, if it is larger.
  bool mss_set = false;
  bool mss_rt_mtu = false;
  std::uint16_t mss_value = 0;
  // The packet's mark after the hook (`meta mark set`), the DSCP a `dscp set` wrote (the
  // caller rewrites the header), and `notrack` (the caller leaves the packet untracked).
  std::uint32_t mark = 0;
  std::optional<std::uint8_t> dscp;
  bool notrack = false;
};

// Base chains whose priority P is from <= P < to. Conntrack sits at -200
// (NF_IP_PRI_CONNTRACK): the chains below it (raw, where `notrack` works) run first.
struct PriorityRange {
  int from = std::numeric_limits<int>::min();
  int to = std::numeric_limits<int>::max();
};
inline constexpr int kConntrackPriority = -200;

// A date as `meta time` reads one ("YYYY-MM-DD[ HH:MM[:SS]]", UTC, or seconds since the
// epoch), in nanoseconds since the epoch; nullopt if it is not one.
std::optional<std::uint64_t> parse_wall_clock(std::string_view text);

class RulesetBuilder;

class Ruleset {
 public:
  // Parse nft text / libnftables JSON. Throws net::InputError listing every error of the
  // ruleset, one per line, as "FILE:LINE:COL: message" (FILE the ruleset or an included
  // file); for JSON "FILE:LINE:COL: nftables[N]: message", N the index of the offending
  // object in the top-level "nftables" array and LINE:COL where the offending value starts.
  // "unsupported" names what is valid nft that flowsim does not model. Text `include`s are
  // read from the ruleset's directory (include_files.hpp).
  static Ruleset load_text(const std::filesystem::path& file);
  static Ruleset parse_text(std::string_view text, std::string_view filename);
  static Ruleset load_json(const std::filesystem::path& file);
  static Ruleset parse_json(std::string_view text, std::string_view filename);
  // Either, by content (JSON starts with '{').
  static Ruleset load(const std::filesystem::path& file);

  Ruleset();
  Ruleset(Ruleset&&) noexcept;
  Ruleset& operator=(Ruleset&&) noexcept;
  ~Ruleset();

  // Runs every base chain of `hook` that applies to the packet's family, in priority order
  // (lower first), updating counters. A drop/reject ends evaluation; accept ends only that
  // chain. `flow add` is only honoured on the forward hook (the kernel refuses it
  // elsewhere at load time, and so do we).
  //
  // Chains of type nat run only when packet.run_nat_chains says so (by default when
  // ct_state is new): NAT bindings are made once, on a connection's first packet (or that of
  // a RELATED one, such as a RST the router sends back for a rejected packet). As in nf_nat_core, all nat chains of a hook run
  // as one group at the hook's NAT priority (dstnat -100 on prerouting/output, srcnat 100
  // on postrouting/input), among themselves by their own priority, and the group stops at
  // the first NAT statement that runs: that one is `nat`. A NAT statement ends its chain
  // like `accept`; one whose family (`dnat ip to`) is not the packet's does nothing.
  // Chains of equal priority run newest first (nf_hook_entries_grow inserts a hook before
  // the existing ones of the same priority). `jump` nests at most 16 deep (checked at
  // load). Never allocates; pointers in the result stay valid while the Ruleset lives.
  // `range` selects the chains to run (all by default).
  EvalResult evaluate(Hook hook, const PacketInfo& packet, PriorityRange range = {});

  const std::vector<FlowtableSpec>& flowtables() const;
  // The ruleset as `nft list ruleset` (nftables 1.0.6) prints it, counters included.
  std::string list() const;

 private:
  static Ruleset build(std::string_view filename, const std::function<void(RulesetBuilder&)>& parse);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flowsim::engine::nft
