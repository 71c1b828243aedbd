// SPDX-License-Identifier: Apache-2.0
// Turns what a parser read into the Model with the same checks for either syntax: what nft's
// evaluation does (implicit dependencies, protocol conflicts, set merging, NAT families) at
// add time, what the kernel refuses at commit (unknown sets/chains/flowtables, statements on
// the wrong hook or chain type, jump loops) in finish(). Parsers call it in input order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/nft/load_error.hpp"
#include "engine/nft/model.hpp"

namespace flowsim::engine::nft {

// A chain's `type T hook H priority P; [policy X;]`.
struct BaseChainSpec {
  ChainType type = ChainType::kFilter;
  Hook hook = Hook::kPrerouting;
  int priority = 0;
  std::optional<bool> policy_drop;
  SourceLoc loc;
};

struct SetDecl {
  std::optional<ValueType> type;
  std::vector<ValueType> concat;  // the types after the first (`type a . b`)
  bool interval = false;
  bool constant = false;
  bool auto_merge = false;
  bool counter = false;
  bool timeout_flag = false;
  std::uint64_t timeout_ms = 0;
  std::uint32_t size = 0;
  std::optional<std::string> comment;
  std::vector<Element> elements;
  std::vector<SourceLoc> element_locs;
  SourceLoc type_loc;
};

struct FlowtableDecl {
  std::optional<Hook> hook;
  std::optional<int> priority;
  std::vector<std::string> devices;
  bool offload = false;
  bool counter = false;
  SourceLoc hook_loc;
};

class RulesetBuilder {
 public:
  explicit RulesetBuilder(LoadErrors& errors);

  // Records the error and abandons the statement (throws LoadAbort).
  [[noreturn]] void fail(const SourceLoc& loc, std::string_view message) const;
  // Records the error and goes on (checks of the whole ruleset, which report every problem).
  void report(const SourceLoc& loc, std::string_view message) const;
  LoadErrors& errors() const { return errors_; }

  // `table`, `add table` (existing: returned) and `create table` (existing: error).
  Table& add_table(Family family, std::string_view name, const SourceLoc& loc, bool create);
  Table& find_table(Family family, std::string_view name, const SourceLoc& loc);
  void delete_table(Family family, std::string_view name, const SourceLoc& loc);
  void flush_table(Table& table);
  void flush_ruleset();

  Chain& add_chain(Table& table, std::string_view name, const SourceLoc& loc, bool create);
  Chain& find_chain(Table& table, std::string_view name, const SourceLoc& loc);
  void make_base_chain(Chain& chain, const BaseChainSpec& spec);
  void set_policy(Chain& chain, bool drop, const SourceLoc& loc);
  void flush_chain(Chain& chain);

  void declare_set(Table& table, std::string_view name, SetDecl decl, const SourceLoc& loc, bool create);
  void add_set_elements(Table& table, std::string_view name, std::vector<Element> elements,
                        const std::vector<SourceLoc>& locs, const SourceLoc& loc);

  void declare_flowtable(Table& table, std::string_view name, FlowtableDecl decl, const SourceLoc& loc,
                         bool create);

  // `ct helper NAME { ... }` (one of an existing name leaves that one as it is, as in nft).
  void add_ct_helper(Table& table, CtHelper helper);

  // Normalises the rule (see the file comment) and appends it, or inserts it first.
  void add_rule(Table& table, Chain& chain, Rule rule, bool prepend);

  // Resolves references, validates every base chain's reachable rules and orders the
  // hooks. The builder is spent afterwards.
  Model finish();

 private:
  struct RuleContext;

  void normalize_match(const Table& table, Match& match, const SourceLoc& loc, RuleContext& ctx) const;
  void normalize_reject(const Table& table, RejectStmt& reject, const SourceLoc& loc, RuleContext& ctx,
                        std::vector<Stmt>& out) const;
  void normalize_nat(const Table& table, NatStmt& nat, const SourceLoc& loc, const RuleContext& ctx) const;
  void normalize_vmap(const Table& table, VmapStmt& map, const SourceLoc& loc, RuleContext& ctx) const;
  // Sorts, dedups and (interval sets) merges or checks elements as nft does.
  void normalize_elements(ValueType type, bool interval, bool merge, std::vector<Element>& elements,
                          const std::vector<SourceLoc>* locs) const;
  void resolve(Table& table);
  void validate_from(Chain& base);
  unsigned jump_height(Chain& chain, std::vector<Chain*>& path);
  void build_hooks(Model& model) const;

  LoadErrors& errors_;
  std::vector<std::unique_ptr<Table>> tables_;
  unsigned next_seq_ = 0;
  std::unordered_map<const Chain*, unsigned> heights_;  // jump_height memo
};

}  // namespace flowsim::engine::nft
