// SPDX-License-Identifier: Apache-2.0
// Reads libnftables JSON — what `nft -j list ruleset` prints, and the command forms
// `{"add": {...}}` / `{"flush": {"ruleset": null}}` that `nft -j -f` accepts — and feeds it
// to a RulesetBuilder in array order, so it gets exactly the checks a text ruleset gets.
// Values go through the text value parser, which is why both spellings agree.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/nft/json_positions.hpp"
#include "engine/nft/model.hpp"
#include "engine/nft/ruleset_builder.hpp"

namespace flowsim::engine::nft {

class JsonParser {
 public:
  JsonParser(std::string_view text, RulesetBuilder& builder);

  // Reads every object of the "nftables" array; each problem is recorded in the builder's
  // errors as "FILE:LINE:COL: nftables[N]: message" and reading resumes at the next object.
  void parse();

 private:
  using Json = nlohmann::json;

  // A JSON value and where it was written.
  struct Value {
    const Json* json = nullptr;
    std::size_t node = JsonPositions::kNone;
  };

  [[noreturn]] void fail(const Value& at, std::string_view message) const;
  SourceLoc loc(const Value& v) const;
  Value member(const Value& object, std::string_view key) const;  // json null if absent
  Value required(const Value& object, std::string_view key) const;
  Value element(const Value& array, std::size_t index) const;
  std::string string_of(const Value& v, std::string_view what) const;
  std::string text_of(const Value& v) const;  // a string, or a number as text
  Value single_member(const Value& object, std::string& key) const;

  void item(const Value& object);
  void command(const std::string& key, const Value& body, bool create, bool prepend);
  void table_command(const Value& body, bool create);
  void chain_command(const Value& body, bool create);
  void rule_command(const Value& body, bool prepend);
  void set_command(const Value& body, bool create);
  void element_command(const Value& body);
  void flowtable_command(const Value& body, bool create);
  void ct_helper_command(const Value& body);
  void flush_command(const Value& body);
  Family family_of(const Value& body) const;
  Table& table_of(const Value& body) const;
  int priority_of(const Value& v, Family family, Hook hook) const;

  Stmt statement(const Value& expr);
  Match match(const Value& body);
  void left_side(Match& m, const Value& left);
  Element key_of(const Match& m, const Value& v) const;
  VmapStmt vmap(const Value& body);
  LimitStmt limit(const Value& body);
  TcpMssStmt mangle(const Value& body);
  MangleStmt field_mangle(const Value& body);
  Element set_element_of(const std::vector<ValueType>& types, const Value& v) const;
  Field left_field(const Value& left) const;
  void right_side(Match& m, const Value& right) const;
  Element element_of(ValueType type, const Value& v) const;
  NatStmt nat(NatKind kind, const Value& body) const;
  RejectStmt reject(const Value& body) const;
  LogStmt log(const Value& body) const;

  std::string_view text_;
  RulesetBuilder& builder_;
  JsonPositions* positions_ = nullptr;
  int item_ = -1;
};

}  // namespace flowsim::engine::nft
