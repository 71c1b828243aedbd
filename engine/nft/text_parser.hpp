// SPDX-License-Identifier: Apache-2.0
// Reads an `nft -f` script — `table ... { }` blocks and one-line `add`/`insert`/`flush`
// commands, `define` variables — and feeds it to a RulesetBuilder in order. Syntax is
// checked here; meaning (families, hooks, references) is the builder's.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/nft/lexer.hpp"
#include "engine/nft/fields.hpp"
#include "engine/nft/model.hpp"
#include "engine/nft/ruleset_builder.hpp"

namespace flowsim::engine::nft {

class TextParser {
 public:
  // `file` is where `text` was read from: includes are resolved from its directory.
  TextParser(std::string_view text, RulesetBuilder& builder, std::filesystem::path file);

  // Reads the whole script. Every problem is recorded in the builder's errors; reading
  // resumes at the next statement (rule, table object or command).
  void parse();

 private:
  // A set element or device name as written, typed later (a set's type may follow its
  // elements in the block).
  struct RawValue {
    std::string text;
    bool quoted = false;
    SourceLoc loc;
    // A set element's options after its value (`counter packets 1 bytes 2`, `timeout 1m`,
    // `expires 9m59s`: the remaining time, which is not modelled and so not kept).
    bool counter = false;
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    std::uint64_t timeout_ms = 0;
  };

  [[noreturn]] void fail(const SourceLoc& loc, std::string_view message) const;
  [[noreturn]] void unexpected(const Token& token, std::string_view expecting = {}) const;

  const Token& peek(std::size_t ahead = 0) const;
  const Token& next();
  bool peek_word(std::string_view word, std::size_t ahead = 0) const;
  bool accept_word(std::string_view word);
  const Token& expect_word(std::string_view expecting);
  const Token& expect_name(std::string_view expecting);  // a word or a string
  void expect(TokenKind kind, std::string_view expecting);
  void skip_separators();
  void skip_newlines();
  bool at_statement_end() const;
  void end_statement();
  // The end of an item of a table, chain, set or flowtable block: nft wants a newline or
  // ";" there, also before the block's "}".
  void end_block_item();

  // nft's MAX_INCLUDE_DEPTH.
  static constexpr int kMaxIncludeDepth = 16;

  void expand(std::vector<Token> raw, const std::filesystem::path& dir, int nesting);
  std::size_t read_define(const std::vector<Token>& raw, std::size_t i);
  std::size_t read_include(const std::vector<Token>& raw, std::size_t i, const std::filesystem::path& dir,
                           int nesting);
  void recover(int depth, const LoadAbort& abort);

  void parse_command();
  void parse_add(bool create);
  void parse_rule_command(bool prepend);
  Family parse_family();
  Table& parse_table_ref();
  void parse_table_body(Table& table);
  void parse_table_item(Table& table);
  void parse_chain_body(Table& table, Chain& chain);
  void parse_chain_item(Table& table, Chain& chain);
  void parse_chain_spec(Chain& chain);
  int parse_priority(Family family, Hook hook);
  void parse_set(Table& table, bool create);
  SetDecl parse_set_body(const SourceLoc& set_loc);
  FlowtableDecl parse_flowtable_body();
  void parse_raw_set(std::vector<RawValue>& out);  // after '{', consumes the '}'
  void parse_element_options(RawValue& value);
  // A named set's elements from what parse_raw_set read, concatenated for `types` beyond one;
  // a bad element is recorded and left out (the set keeps the others).
  void set_elements(const std::vector<ValueType>& types, const std::vector<RawValue>& raw, std::vector<Element>& out,
                    std::vector<SourceLoc>& locs) const;
  std::vector<Element> to_concat_elements(const std::vector<ValueType>& types, const std::vector<RawValue>& raw) const;
  Element to_element(ValueType type, const RawValue& raw) const;

  Rule parse_rule();
  const FieldInfo* peek_field(std::size_t& words) const;
  Stmt parse_statement();
  // The left-hand side (a field, `a . b` concatenations, `& mask`), then a relational
  // right-hand side or a verdict map.
  Stmt parse_expression_statement(Field field, const SourceLoc& loc);
  void parse_rhs(Match& m);
  Key parse_mask(const Match& m);
  MangleStmt parse_mangle(Field field, const SourceLoc& loc);
  // `a . b` values of a concatenation (the raw values of a set, "." separated) as elements.
  std::vector<Element> to_concat_elements(const Match& m, const std::vector<RawValue>& raw) const;
  Element parse_key_value(const Match& m);  // one key (of a vmap), concatenated if m is
  VerdictStmt parse_verdict();
  LimitStmt parse_limit(const SourceLoc& loc);
  void parse_ct_helper(Table& table, const SourceLoc& loc);
  CounterStmt parse_counter();
  RejectStmt parse_reject();
  NatStmt parse_nat(NatKind kind);
  void parse_nat_target(NatStmt& nat, const Token& token);
  void parse_nat_flags(NatAction& action);
  LogStmt parse_log();

  RulesetBuilder& builder_;
  std::string_view text_;
  std::filesystem::path file_;
  std::filesystem::path root_;  // the top-level ruleset's directory: where absolute includes start
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;  // braces open at pos_
  std::map<std::string, std::vector<Token>, std::less<>> defines_;
  std::vector<std::unique_ptr<std::string>> texts_;  // included files, which tokens point into
};

}  // namespace flowsim::engine::nft
