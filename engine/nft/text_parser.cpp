// SPDX-License-Identifier: Apache-2.0
// The nft script parser (see text_parser.hpp): recursive descent over the tokens, after
// `define`d variables have been substituted in place (nft's `$var` is a textual value).
// Messages follow nft's "syntax error, unexpected X, expecting Y" where it is a syntax
// problem; anything outside the subset says "unsupported" and names the word.
#include "engine/nft/text_parser.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "engine/nft/fields.hpp"
#include "engine/nft/include_files.hpp"
#include "engine/nft/load_error.hpp"
#include "engine/nft/names.hpp"
#include "engine/nft/values.hpp"

namespace flowsim::engine::nft {
namespace {

// Words that start a match nft knows but this subset does not implement: say "match", not
// "statement", so the user knows which part of the rule is out of scope.
constexpr std::array<std::string_view, 23> kUnsupportedMatches{
    "icmp", "icmpv6", "ether", "vlan", "arp",  "sctp", "dccp",   "esp",  "ah",    "comp", "igmp", "udplite",
    "fib",    "socket", "rt",  "frag", "hbh",  "dst",    "mh",   "srh",   "ipsec", "osf", "numgen",
};

// Statements of nft's grammar that flowsim does not model: "unsupported" is for these only,
// any other word where a statement should start is a syntax error, as in nft.
constexpr std::array<std::string_view, 17> kUnsupportedStatements{
    "quota", "queue",  "dup",    "fwd",   "redirect", "tproxy", "synproxy", "set",
    "update",  "add",   "delete", "meter", "secmark", "xt",   "numgen",   "symhash", "jhash",
};

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

std::optional<Op> op_from_token(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEq: return Op::kEq;
    case TokenKind::kNe: return Op::kNe;
    case TokenKind::kLt: return Op::kLt;
    case TokenKind::kGt: return Op::kGt;
    case TokenKind::kLe: return Op::kLe;
    case TokenKind::kGe: return Op::kGe;
    case TokenKind::kWord:
      if (t.text == "eq") return Op::kEq;
      if (t.text == "ne") return Op::kNe;
      if (t.text == "lt") return Op::kLt;
      if (t.text == "gt") return Op::kGt;
      if (t.text == "le") return Op::kLe;
      if (t.text == "ge") return Op::kGe;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

bool is_nat_flag(std::string_view w) { return w == "random" || w == "fully-random" || w == "persistent"; }

SourceLoc offset(SourceLoc loc, std::size_t chars) {
  loc.col += static_cast<std::uint32_t>(chars);
  return loc;
}

}  // namespace

TextParser::TextParser(std::string_view text, RulesetBuilder& builder, std::filesystem::path file)
    : builder_(builder), text_(text), file_(std::move(file)), root_(file_.parent_path()) {}

void TextParser::fail(const SourceLoc& loc, std::string_view message) const { builder_.fail(loc, message); }

void TextParser::unexpected(const Token& token, std::string_view expecting) const {
  if (token.kind != TokenKind::kError) {  // else the lexer or the variable expansion has said what is wrong
    std::string message = "syntax error, unexpected " + describe(token);
    if (!expecting.empty()) {
      message += fmt::format(", expecting {}", expecting);
    }
    builder_.report(token.loc, message);
  }
  throw LoadAbort{.syntax = true};
}

const Token& TextParser::peek(std::size_t ahead) const {
  const std::size_t i = pos_ + ahead;
  return i < tokens_.size() ? tokens_[i] : tokens_.back();
}

const Token& TextParser::next() {
  const Token& t = peek();
  if (pos_ < tokens_.size() - 1) {
    ++pos_;
    depth_ += t.kind == TokenKind::kLBrace ? 1 : t.kind == TokenKind::kRBrace ? -1 : 0;
  }
  return t;
}

bool TextParser::peek_word(std::string_view word, std::size_t ahead) const {
  const Token& t = peek(ahead);
  return t.kind == TokenKind::kWord && t.text == word;
}

bool TextParser::accept_word(std::string_view word) {
  if (peek_word(word)) {
    next();
    return true;
  }
  return false;
}

const Token& TextParser::expect_word(std::string_view expecting) {
  if (peek().kind != TokenKind::kWord) {
    unexpected(peek(), expecting);
  }
  return next();
}

const Token& TextParser::expect_name(std::string_view expecting) {
  if (peek().kind != TokenKind::kWord && peek().kind != TokenKind::kString) {
    unexpected(peek(), expecting);
  }
  return next();
}

void TextParser::expect(TokenKind kind, std::string_view expecting) {
  if (peek().kind != kind) {
    unexpected(peek(), expecting);
  }
  next();
}

void TextParser::skip_separators() {
  while (peek().kind == TokenKind::kNewline || peek().kind == TokenKind::kSemicolon) {
    next();
  }
}

void TextParser::skip_newlines() {
  while (peek().kind == TokenKind::kNewline) {
    next();
  }
}

bool TextParser::at_statement_end() const {
  const TokenKind k = peek().kind;
  return k == TokenKind::kNewline || k == TokenKind::kSemicolon || k == TokenKind::kRBrace || k == TokenKind::kEof;
}

void TextParser::end_statement() {
  const TokenKind k = peek().kind;
  if (k == TokenKind::kNewline || k == TokenKind::kSemicolon) {
    next();
    return;
  }
  if (k != TokenKind::kRBrace && k != TokenKind::kEof) {
    unexpected(peek(), "end of line or \";\"");
  }
}

void TextParser::end_block_item() {
  const TokenKind k = peek().kind;
  if (k != TokenKind::kNewline && k != TokenKind::kSemicolon) {
    unexpected(peek(), "end of line or \";\"");
  }
  next();
}

// Resumes reading in the block at brace depth `depth` after `abort`. A syntax error skips
// to the next newline or ";" whatever it passes (nft's `error stmt_separator`), so that a
// misplaced "}" is not taken for the block's end. An error in a value skips to the end of
// the statement at that depth (past the braces it opened) or up to the block's "}"; at top
// level a stray "}" is skipped too, so that reading always moves on.
void TextParser::recover(int depth, const LoadAbort& abort) {
  if (abort.syntax) {
    while (peek().kind != TokenKind::kEof) {
      const TokenKind k = next().kind;
      if (k == TokenKind::kNewline || k == TokenKind::kSemicolon) {
        break;
      }
    }
    depth_ = depth;
    return;
  }
  for (;;) {
    const Token& t = peek();
    if (t.kind == TokenKind::kEof) {
      return;
    }
    if (depth_ <= depth) {
      if (t.kind == TokenKind::kNewline || t.kind == TokenKind::kSemicolon) {
        next();
        return;
      }
      if (t.kind == TokenKind::kRBrace) {
        if (depth <= 0) {
          next();
        }
        return;
      }
    }
    next();
  }
}

// Reads one `define NAME = VALUE` (or redefine) starting at raw[i]; returns the index of
// the separator that ends it.
std::size_t TextParser::read_define(const std::vector<Token>& raw, std::size_t i) {
  const Token& t = raw[i];
  if (i + 2 >= raw.size() || raw[i + 1].kind != TokenKind::kWord) {
    unexpected(raw[std::min(i + 1, raw.size() - 1)], "a variable name");
  }
  const Token& name = raw[i + 1];
  if (raw[i + 2].kind != TokenKind::kAssign) {
    unexpected(raw[i + 2], "\"=\"");
  }
  std::vector<Token> value;
  std::size_t j = i + 3;
  int depth = 0;  // a `{ ... }` value may span lines
  for (; j < raw.size(); ++j) {
    const Token& v = raw[j];
    if (v.kind == TokenKind::kEof || (depth == 0 && (v.kind == TokenKind::kNewline || v.kind == TokenKind::kSemicolon))) {
      break;
    }
    depth += v.kind == TokenKind::kLBrace ? 1 : v.kind == TokenKind::kRBrace ? -1 : 0;
    if (v.kind == TokenKind::kNewline) {
      continue;
    }
    if (v.kind == TokenKind::kVariable) {
      auto it = defines_.find(v.text);
      if (it == defines_.end()) {
        fail(v.loc, fmt::format("undefined variable ${}", v.text));
      }
      value.insert(value.end(), it->second.begin(), it->second.end());
    } else {
      value.push_back(v);
    }
  }
  if (value.empty()) {
    unexpected(raw[j], "a value");
  }
  if (t.text == "define" && defines_.contains(name.text)) {
    fail(name.loc, fmt::format("redefinition of variable ${}", name.text));
  }
  defines_[name.text] = std::move(value);
  return j;
}

// Reads `include "PATTERN"` at raw[i] and expands the files it names in place; returns the
// index of the pattern token.
std::size_t TextParser::read_include(const std::vector<Token>& raw, std::size_t i, const std::filesystem::path& dir,
                                     int nesting) {
  const Token& pattern = raw[std::min(i + 1, raw.size() - 1)];
  if (pattern.kind != TokenKind::kString) {
    unexpected(pattern, "a quoted file name");
  }
  if (nesting >= kMaxIncludeDepth) {
    fail(raw[i].loc, fmt::format("Include nested too deeply, max {} levels", kMaxIncludeDepth));
  }
  const IncludeResult found = resolve_include(pattern.text, dir, root_);
  if (!found.error.empty()) {
    fail(raw[i].loc, found.error);
  }
  for (const std::filesystem::path& file : found.files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      fail(raw[i].loc, fmt::format("cannot read included file {}", file.string()));
    }
    texts_.push_back(std::make_unique<std::string>(text.str()));
    const std::uint16_t index = builder_.errors().add_file(file.string());
    expand(Lexer(*texts_.back(), builder_.errors(), index).tokenize(), file.parent_path(), nesting + 1);
    // An included file ends its last statement, as the end of a file does.
    tokens_.push_back(Token{TokenKind::kNewline, "\n", pattern.loc});
  }
  return i + 1;
}

// Appends the tokens of one file to tokens_ with `define`s applied and `include`s expanded
// (nft's variables are textual; an included file's tokens take the include's place). A
// mistake in a define or include is recorded and the rest of its statement skipped.
void TextParser::expand(std::vector<Token> raw, const std::filesystem::path& dir, int nesting) {
  bool at_start = true;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const Token& t = raw[i];
    if (t.kind == TokenKind::kEof) {
      break;
    }
    const bool word = t.kind == TokenKind::kWord;
    if (at_start && word && (t.text == "define" || t.text == "redefine" || t.text == "undefine" || t.text == "include")) {
      try {
        if (t.text == "include") {
          i = read_include(raw, i, dir, nesting);
        } else if (t.text == "undefine") {
          if (i + 1 >= raw.size() || raw[i + 1].kind != TokenKind::kWord || !defines_.erase(raw[i + 1].text)) {
            fail(raw[std::min(i + 1, raw.size() - 1)].loc, "undefine of an unknown variable");
          }
          ++i;
        } else {
          i = read_define(raw, i);
        }
      } catch (const LoadAbort&) {
        while (i + 1 < raw.size() && raw[i].kind != TokenKind::kNewline && raw[i].kind != TokenKind::kSemicolon &&
               raw[i + 1].kind != TokenKind::kEof) {
          ++i;
        }
      }
      at_start = true;
      continue;
    }
    if (t.kind == TokenKind::kVariable) {
      auto it = defines_.find(t.text);
      if (it == defines_.end()) {
        builder_.report(t.loc, fmt::format("undefined variable ${}", t.text));
        tokens_.push_back(Token{TokenKind::kError, {}, t.loc});
      } else {
        for (Token copy : it->second) {
          copy.loc = t.loc;  // errors point at the use
          tokens_.push_back(std::move(copy));
        }
      }
      at_start = false;
      continue;
    }
    tokens_.push_back(t);
    at_start = t.kind == TokenKind::kNewline || t.kind == TokenKind::kSemicolon || t.kind == TokenKind::kLBrace ||
               t.kind == TokenKind::kRBrace;
  }
}

void TextParser::parse() {
  tokens_.clear();
  std::vector<Token> raw = Lexer(text_, builder_.errors(), 0).tokenize();
  const Token eof = raw.back();
  expand(std::move(raw), file_.parent_path(), 0);
  tokens_.push_back(eof);
  pos_ = 0;
  depth_ = 0;
  for (;;) {
    skip_separators();
    if (peek().kind == TokenKind::kEof) {
      return;
    }
    try {
      parse_command();
    } catch (const LoadAbort& abort) {
      recover(0, abort);
    }
  }
}

Family TextParser::parse_family() {
  const Token& t = peek();
  const Token& after = peek(1);
  const bool name_follows = after.kind == TokenKind::kWord || after.kind == TokenKind::kString;
  if (t.kind == TokenKind::kWord && name_follows) {
    if (t.text == "arp" || t.text == "bridge") {
      fail(t.loc, fmt::format("unsupported table family \"{}\" (ip, ip6 and inet are supported)", t.text));
    }
    if (auto f = family_from_name(t.text)) {
      next();
      return *f;
    }
  }
  return Family::kIp;  // nft's default family
}

Table& TextParser::parse_table_ref() {
  const Family family = parse_family();
  const Token& name = expect_name("a table name");
  return builder_.find_table(family, name.text, name.loc);
}

void TextParser::parse_command() {
  const Token& t = peek();
  if (t.kind != TokenKind::kWord) {
    unexpected(t);
  }
  const std::string word = t.text;
  const SourceLoc loc = t.loc;
  if (word == "table") {
    next();
    const Family family = parse_family();
    const Token& name = expect_name("a table name");
    Table& table = builder_.add_table(family, name.text, name.loc, false);
    if (peek().kind == TokenKind::kLBrace) {
      next();
      parse_table_body(table);
      expect(TokenKind::kRBrace, "\"}\"");
    }
    end_statement();
    return;
  }
  if (word == "add" || word == "create") {
    next();
    parse_add(word == "create");
    end_statement();
    return;
  }
  if (word == "insert") {
    next();
    if (!accept_word("rule")) {
      unexpected(peek(), "\"rule\"");
    }
    parse_rule_command(true);
    end_statement();
    return;
  }
  if (word == "flush") {
    next();
    const Token& what = expect_word("\"ruleset\", \"table\" or \"chain\"");
    if (what.text == "ruleset") {
      builder_.flush_ruleset();
    } else if (what.text == "table") {
      builder_.flush_table(parse_table_ref());
    } else if (what.text == "chain") {
      Table& table = parse_table_ref();
      const Token& name = expect_name("a chain name");
      builder_.flush_chain(builder_.find_chain(table, name.text, name.loc));
    } else {
      fail(what.loc, fmt::format("unsupported command \"flush {}\"", what.text));
    }
    end_statement();
    return;
  }
  if (word == "delete") {
    next();
    const Token& what = expect_word("\"table\"");
    if (what.text != "table") {
      fail(what.loc, fmt::format("unsupported command \"delete {}\"", what.text));
    }
    const Family family = parse_family();
    const Token& name = expect_name("a table name");
    builder_.delete_table(family, name.text, name.loc);
    end_statement();
    return;
  }
  if (word == "list" || word == "reset" || word == "rename" || word == "replace" || word == "destroy" ||
      word == "monitor" || word == "describe" || word == "get" || word == "import" || word == "export") {
    fail(loc, fmt::format("unsupported command \"{}\"", word));
  }
  unexpected(t);
}

void TextParser::parse_add(bool create) {
  const Token& kind = expect_word("\"table\", \"chain\", \"rule\", \"set\", \"element\" or \"flowtable\"");
  const std::string what = kind.text;
  if (what == "table") {
    const Family family = parse_family();
    const Token& name = expect_name("a table name");
    Table& table = builder_.add_table(family, name.text, name.loc, create);
    if (peek().kind == TokenKind::kLBrace) {
      next();
      parse_table_body(table);
      expect(TokenKind::kRBrace, "\"}\"");
    }
    return;
  }
  if (what == "chain") {
    Table& table = parse_table_ref();
    const Token& name = expect_name("a chain name");
    Chain& chain = builder_.add_chain(table, name.text, name.loc, create);
    if (peek().kind == TokenKind::kLBrace) {
      next();
      parse_chain_body(table, chain);
      expect(TokenKind::kRBrace, "\"}\"");
    }
    return;
  }
  if (what == "rule") {
    parse_rule_command(false);
    return;
  }
  if (what == "set") {
    parse_set(parse_table_ref(), create);
    return;
  }
  if (what == "element") {
    Table& table = parse_table_ref();
    const Token& name = expect_name("a set name");
    const std::string set_name = name.text;
    const SourceLoc set_loc = name.loc;
    const NamedSet* set = nullptr;
    for (const auto& s : table.sets) {
      if (s->name == set_name) {
        set = s.get();
      }
    }
    if (set == nullptr) {
      fail(set_loc, fmt::format("unknown set @{}", set_name));
    }
    expect(TokenKind::kLBrace, "\"{\"");
    std::vector<RawValue> raw;
    parse_raw_set(raw);
    std::vector<ValueType> types{set->type};
    types.insert(types.end(), set->concat.begin(), set->concat.end());
    std::vector<Element> elements;
    std::vector<SourceLoc> locs;
    set_elements(types, raw, elements, locs);
    builder_.add_set_elements(table, set_name, std::move(elements), locs, set_loc);
    return;
  }
  if (what == "flowtable") {
    Table& table = parse_table_ref();
    const Token& name = expect_name("a flowtable name");
    const std::string ft_name = name.text;
    const SourceLoc ft_loc = name.loc;
    expect(TokenKind::kLBrace, "\"{\"");
    FlowtableDecl decl = parse_flowtable_body();
    expect(TokenKind::kRBrace, "\"}\"");
    builder_.declare_flowtable(table, ft_name, std::move(decl), ft_loc, create);
    return;
  }
  fail(kind.loc, fmt::format("unsupported object \"{}\"", what));
}

void TextParser::parse_rule_command(bool prepend) {
  Table& table = parse_table_ref();
  const Token& name = expect_name("a chain name");
  Chain& chain = builder_.find_chain(table, name.text, name.loc);
  builder_.add_rule(table, chain, parse_rule(), prepend);
}

void TextParser::parse_table_body(Table& table) {
  for (;;) {
    skip_separators();
    const Token& t = peek();
    if (t.kind == TokenKind::kRBrace || t.kind == TokenKind::kEof) {
      return;
    }
    const int depth = depth_;
    try {
      parse_table_item(table);
    } catch (const LoadAbort& abort) {
      recover(depth, abort);
    }
  }
}

// One object of a table block: a chain, set, flowtable, ... up to its end of statement.
void TextParser::parse_table_item(Table& table) {
  const Token& t = peek();
  if (t.kind != TokenKind::kWord) {
    unexpected(t);
  }
  if (t.text == "chain") {
    next();
    const Token& name = expect_name("a chain name");
    Chain& chain = builder_.add_chain(table, name.text, name.loc, false);
    expect(TokenKind::kLBrace, "\"{\"");
    parse_chain_body(table, chain);
    expect(TokenKind::kRBrace, "\"}\"");
  } else if (t.text == "set") {
    next();
    parse_set(table, false);
  } else if (t.text == "flowtable") {
    next();
    const Token& name = expect_name("a flowtable name");
    const std::string ft_name = name.text;
    const SourceLoc ft_loc = name.loc;
    expect(TokenKind::kLBrace, "\"{\"");
    FlowtableDecl decl = parse_flowtable_body();
    expect(TokenKind::kRBrace, "\"}\"");
    builder_.declare_flowtable(table, ft_name, std::move(decl), ft_loc, false);
  } else if (t.text == "ct" && peek_word("helper", 1)) {
    const SourceLoc loc = next().loc;
    next();
    parse_ct_helper(table, loc);
  } else if (t.text == "map" || t.text == "counter" || t.text == "quota" || t.text == "limit" || t.text == "ct" ||
             t.text == "secmark" || t.text == "synproxy" || t.text == "flags" || t.text == "comment") {
    fail(t.loc, fmt::format("unsupported table statement \"{}\"", t.text));
  } else {
    unexpected(t, "\"chain\", \"set\" or \"flowtable\"");
  }
  end_block_item();
}

void TextParser::parse_chain_body(Table& table, Chain& chain) {
  for (;;) {
    skip_separators();
    const Token& t = peek();
    if (t.kind == TokenKind::kRBrace) {
      return;
    }
    if (t.kind == TokenKind::kEof) {
      unexpected(t, "\"}\"");
    }
    const int depth = depth_;
    try {
      parse_chain_item(table, chain);
    } catch (const LoadAbort& abort) {
      recover(depth, abort);
    }
  }
}

// One line of a chain block: its type and hook, its policy, or a rule.
void TextParser::parse_chain_item(Table& table, Chain& chain) {
  const Token& t = peek();
  if (peek_word("type")) {
    parse_chain_spec(chain);
  } else if (peek_word("policy")) {
    const SourceLoc loc = next().loc;
    const Token& p = expect_word("\"accept\" or \"drop\"");
    if (p.text != "accept" && p.text != "drop") {
      unexpected(p, "\"accept\" or \"drop\"");
    }
    builder_.set_policy(chain, p.text == "drop", loc);
  } else if (peek_word("comment") && (peek(1).kind == TokenKind::kString) &&
             (peek(2).kind == TokenKind::kSemicolon || peek(2).kind == TokenKind::kNewline)) {
    fail(t.loc, "chain comments are not supported");
  } else {
    builder_.add_rule(table, chain, parse_rule(), false);
  }
  end_block_item();
}

void TextParser::parse_chain_spec(Chain& chain) {
  const SourceLoc loc = next().loc;  // "type"
  const Token& type = expect_word("a chain type");
  auto chain_type = chain_type_from_name(type.text);
  if (!chain_type) {
    fail(type.loc, fmt::format("unknown chain type \"{}\"", type.text));
  }
  if (!accept_word("hook")) {
    unexpected(peek(), "\"hook\"");
  }
  const Token& hook_word = expect_word("a hook name");
  auto hook = hook_from_name(hook_word.text);
  if (!hook) {
    fail(hook_word.loc, fmt::format("unknown hook \"{}\"", hook_word.text));
  }
  if (peek_word("device") || peek_word("devices")) {
    fail(peek().loc, "chain devices are not supported (netdev chains are outside the subset)");
  }
  if (!accept_word("priority")) {
    unexpected(peek(), "\"priority\"");
  }
  BaseChainSpec spec;
  spec.type = *chain_type;
  spec.hook = *hook;
  spec.priority = parse_priority(chain.table->family, *hook);
  spec.loc = loc;
  builder_.make_base_chain(chain, spec);
}

int TextParser::parse_priority(Family family, Hook hook) {
  const Token& t = next();
  if (t.kind != TokenKind::kWord) {
    unexpected(t, "a priority");
  }
  int value = 0;
  if (auto n = parse_int(t.text)) {
    value = *n;
  } else if (auto std_value = standard_priority(t.text, family, hook)) {
    value = *std_value;
  } else if (standard_priority(t.text, Family::kInet, Hook::kPrerouting) ||
             standard_priority(t.text, Family::kInet, Hook::kPostrouting)) {
    fail(t.loc, fmt::format("'{}' is invalid priority in this context.", t.text));
  } else {
    fail(t.loc, fmt::format("unknown priority \"{}\"", t.text));
  }
  if (!parse_int(t.text) && (peek_word("+") || peek_word("-"))) {
    const bool minus = next().text == "-";
    const Token& n = expect_word("a number");
    auto offset = parse_int(n.text);
    if (!offset || *offset < 0) {
      unexpected(n, "a number");
    }
    value += minus ? -*offset : *offset;
  }
  return value;
}

// `NAME { ... }` of `set` inside a table or of `add set TABLE`.
void TextParser::parse_set(Table& table, bool create) {
  const Token& name = expect_name("a set name");
  const std::string set_name = name.text;
  const SourceLoc set_loc = name.loc;
  expect(TokenKind::kLBrace, "\"{\"");
  SetDecl decl = parse_set_body(set_loc);
  expect(TokenKind::kRBrace, "\"}\"");
  builder_.declare_set(table, set_name, std::move(decl), set_loc, create);
}

SetDecl TextParser::parse_set_body(const SourceLoc& set_loc) {
  SetDecl decl;
  std::vector<RawValue> raw;
  for (;;) {
    skip_separators();
    if (peek().kind == TokenKind::kRBrace) {
      break;
    }
    const Token& w = expect_word("a set option");
    if (w.text == "type") {
      decl.type_loc = peek().loc;
      for (;;) {
        const Token& type = expect_word("a set type");
        const std::optional<ValueType> t = set_type_from_name(type.text);
        if (!t) {
          fail(type.loc, fmt::format("unsupported set type \"{}\" (ipv4_addr, ipv6_addr, inet_service, inet_proto, "
                                     "mark and their concatenations)",
                                     type.text));
        }
        (decl.type ? decl.concat.emplace_back() : decl.type.emplace()) = *t;
        if (!accept_word(".")) {
          break;
        }
      }
    } else if (w.text == "comment") {
      decl.comment = expect_name("a comment string").text;
    } else if (w.text == "size") {
      const Token& n = expect_word("a number");
      const auto v = parse_u64(n.text);
      if (!v || *v == 0 || *v > 0xffffffffu) unexpected(n, "a number");
      decl.size = static_cast<std::uint32_t>(*v);
    } else if (w.text == "timeout") {
      const Token& d = expect_word("a duration (10m, 1h, 30s)");
      const auto ms = parse_duration_ms(d.text);
      if (!ms) fail(d.loc, fmt::format("invalid duration \"{}\"", d.text));
      decl.timeout_ms = *ms;
    } else if (w.text == "counter") {
      decl.counter = true;
      end_statement();  // nft's grammar wants no separator after it
      continue;
    } else if (w.text == "flags") {
      for (;;) {
        const Token& flag = expect_word("a set flag");
        if (flag.text == "interval") {
          decl.interval = true;
        } else if (flag.text == "constant") {
          decl.constant = true;
        } else if (flag.text == "timeout") {
          decl.timeout_flag = true;
        } else {
          fail(flag.loc, fmt::format("unsupported set flag \"{}\"", flag.text));
        }
        if (peek().kind != TokenKind::kComma) {
          break;
        }
        next();
      }
    } else if (w.text == "elements") {
      expect(TokenKind::kAssign, "\"=\"");
      expect(TokenKind::kLBrace, "\"{\"");
      parse_raw_set(raw);
      end_statement();  // nft's grammar wants no separator after these two
      continue;
    } else if (w.text == "auto-merge") {
      decl.auto_merge = true;
      end_statement();
      continue;
    } else {
      fail(w.loc, fmt::format("unsupported set option \"{}\"", w.text));
    }
    end_block_item();
  }
  if (!decl.type) {
    fail(set_loc, "set definition does not specify its type");
  }
  std::vector<ValueType> types{*decl.type};
  types.insert(types.end(), decl.concat.begin(), decl.concat.end());
  set_elements(types, raw, decl.elements, decl.element_locs);
  return decl;
}

void TextParser::set_elements(const std::vector<ValueType>& types, const std::vector<RawValue>& raw,
                              std::vector<Element>& out, std::vector<SourceLoc>& locs) const {
  std::size_t i = 0;
  while (i < raw.size()) {
    // One element: its parts joined by "." words, its options on the last part.
    std::size_t end = i + 1;
    while (types.size() > 1 && end + 1 < raw.size() && !raw[end].quoted && raw[end].text == ".") {
      end += 2;
    }
    const std::vector<RawValue> parts(raw.begin() + static_cast<std::ptrdiff_t>(i), raw.begin() + static_cast<std::ptrdiff_t>(end));
    const RawValue& last = parts.back();
    try {
      if (types.size() > 1 && parts.size() != 2 * types.size() - 1) {
        fail(parts.front().loc, fmt::format("a value of this concatenation has {} parts, joined by \".\"", types.size()));
      }
      Element e = types.size() > 1 ? std::move(to_concat_elements(types, parts)[0]) : to_element(types[0], parts[0]);
      e.counter = last.counter;
      e.packets = last.packets;
      e.bytes = last.bytes;
      e.timeout_ms = last.timeout_ms;
      out.push_back(std::move(e));
      locs.push_back(parts.front().loc);
    } catch (const LoadAbort&) {
      // recorded; the set is declared with its other elements, so that rules using it load
    }
    i = end;
  }
}

FlowtableDecl TextParser::parse_flowtable_body() {
  FlowtableDecl decl;
  for (;;) {
    skip_separators();
    if (peek().kind == TokenKind::kRBrace) {
      return decl;
    }
    const Token& w = expect_word("a flowtable option");
    if (w.text == "hook") {
      const Token& hook_word = expect_word("\"ingress\"");
      decl.hook = hook_from_name(hook_word.text);
      decl.hook_loc = hook_word.loc;
      if (!decl.hook) {
        fail(hook_word.loc, fmt::format("unknown hook \"{}\"", hook_word.text));
      }
      if (!accept_word("priority")) {
        unexpected(peek(), "\"priority\"");
      }
      decl.priority = parse_priority(Family::kNetdev, Hook::kIngress);
    } else if (w.text == "devices") {
      expect(TokenKind::kAssign, "\"=\"");
      std::vector<RawValue> raw;
      if (peek().kind == TokenKind::kLBrace) {
        next();
        parse_raw_set(raw);
      } else {
        const Token& d = expect_name("a device name");
        raw.push_back(RawValue{d.text, d.kind == TokenKind::kString, d.loc});
      }
      for (const RawValue& r : raw) {
        decl.devices.push_back(to_element(ValueType::kIfname, r).name);
      }
    } else if (w.text == "flags") {
      const Token& flag = expect_word("\"offload\"");
      if (flag.text != "offload") {
        fail(flag.loc, fmt::format("unsupported flowtable flag \"{}\"", flag.text));
      }
      decl.offload = true;
    } else if (w.text == "counter") {
      decl.counter = true;
      end_statement();  // nft's grammar wants no separator after it
      continue;
    } else {
      fail(w.loc, fmt::format("unsupported flowtable option \"{}\"", w.text));
    }
    end_block_item();
  }
}

void TextParser::parse_raw_set(std::vector<RawValue>& out) {
  for (;;) {
    skip_newlines();
    const Token& t = peek();
    if (t.kind == TokenKind::kRBrace) {
      next();
      return;
    }
    if (t.kind == TokenKind::kLBrace) {
      next();
      parse_raw_set(out);  // `{ $lan, "x" }` with lan = { ... }: nft flattens
    } else if (t.kind == TokenKind::kWord || t.kind == TokenKind::kString) {
      out.push_back(RawValue{t.text, t.kind == TokenKind::kString, t.loc});
      next();
      // `a . b`: a concatenation's components arrive as values joined by "." words.
      if (peek_word(".") || (t.kind == TokenKind::kWord && out.back().text == ".")) {
        continue;
      }
      parse_element_options(out.back());
    } else {
      unexpected(t, "a set element");
    }
    skip_newlines();
    if (peek().kind == TokenKind::kComma) {
      next();
    } else if (peek().kind != TokenKind::kRBrace) {
      unexpected(peek(), "\",\" or \"}\"");
    }
  }
}

void TextParser::parse_element_options(RawValue& value) {
  for (;;) {
    if (accept_word("counter")) {
      value.counter = true;
      const CounterStmt c = parse_counter();
      value.packets = c.packets;
      value.bytes = c.bytes;
    } else if (peek_word("timeout") || peek_word("expires")) {
      const bool timeout = next().text == "timeout";
      const Token& d = expect_word("a duration (10m, 1h, 30s)");
      const auto ms = parse_duration_ms(d.text);
      if (!ms) fail(d.loc, fmt::format("invalid duration \"{}\"", d.text));
      if (timeout) value.timeout_ms = *ms;
    } else if (peek_word("comment")) {
      fail(peek().loc, "unsupported set element option \"comment\"");
    } else {
      return;
    }
  }
}

Element TextParser::to_element(ValueType type, const RawValue& raw) const {
  Element e;
  if (auto err = parse_element(type, raw.text, raw.quoted, e)) {
    fail(raw.loc, *err);
  }
  return e;
}

Rule TextParser::parse_rule() {
  Rule rule;
  rule.loc = peek().loc;
  while (!at_statement_end()) {
    const Token& t = peek();
    if (t.kind != TokenKind::kWord || rule.comment) {
      unexpected(t);
    }
    if (t.text == "comment") {
      next();
      const Token& c = expect_name("a comment string");
      rule.comment = c.text;
      continue;
    }
    rule.stmts.push_back(parse_statement());
  }
  if (rule.stmts.empty()) {
    unexpected(peek(), "a statement");
  }
  return rule;
}

// The field a statement starts with, if any: the longest spelling in the field table that
// the next words spell.
const FieldInfo* TextParser::peek_field(std::size_t& words) const {
  std::array<std::string_view, 3> upcoming{};
  std::size_t n = 0;
  while (n < upcoming.size() && peek(n).kind == TokenKind::kWord) {
    upcoming[n] = peek(n).text;
    ++n;
  }
  return field_by_words(std::span<const std::string_view>(upcoming.data(), n), words);
}

Stmt TextParser::parse_statement() {
  std::size_t words = 0;
  if (const FieldInfo* f = peek_field(words)) {
    const SourceLoc loc = peek().loc;
    pos_ += words;
    if (peek_word("set")) {
      next();
      return Stmt{parse_mangle(f->field, loc), loc};
    }
    return parse_expression_statement(f->field, loc);
  }
  const Token& t = next();
  const std::string w = t.text;
  const SourceLoc loc = t.loc;
  if (w == "ct" && peek_word("helper") && peek_word("set", 1)) {
    next();
    next();
    const Token& name = expect_name("a ct helper name");
    return Stmt{CtHelperSetStmt{name.text, nullptr, name.loc}, loc};
  }
  if (w == "limit") return Stmt{parse_limit(loc), loc};
  if (w == "tcp" && peek_word("option")) {
    next();
    if (!accept_word("maxseg")) {
      fail(loc, fmt::format("unsupported match \"tcp option {}\"", peek().text));
    }
    if (!accept_word("size")) unexpected(peek(), "\"size\"");
    if (!accept_word("set")) {
      fail(loc, "unsupported match \"tcp option maxseg size\" (only `set` is modelled)");
    }
    TcpMssStmt mss;
    if (accept_word("rt")) {
      if (!accept_word("mtu")) unexpected(peek(), "\"mtu\"");
    } else {
      const Token& v = expect_word("\"rt mtu\" or a number");
      const auto n = parse_u64(v.text);
      if (!n || *n > 65535) unexpected(v, "\"rt mtu\" or a number");
      mss.rt_mtu = false;
      mss.value = static_cast<std::uint16_t>(*n);
    }
    return Stmt{mss, loc};
  }
  for (std::string_view family : {"meta", "ip", "ip6", "tcp", "udp", "th", "ct"}) {
    if (w == family) {
      const Token& k = expect_word("a field");
      fail(loc, fmt::format("unsupported match \"{} {}\"", w, k.text));
    }
  }
  if (w == "counter") return Stmt{parse_counter(), loc};
  if (w == "notrack") return Stmt{NotrackStmt{}, loc};
  if (w == "accept") return Stmt{VerdictStmt{VerdictKind::kAccept, {}, nullptr, {}}, loc};
  if (w == "drop") return Stmt{VerdictStmt{VerdictKind::kDrop, {}, nullptr, {}}, loc};
  if (w == "return") return Stmt{VerdictStmt{VerdictKind::kReturn, {}, nullptr, {}}, loc};
  if (w == "jump" || w == "goto") {
    const Token& target = expect_name("a chain name");
    return Stmt{VerdictStmt{w == "jump" ? VerdictKind::kJump : VerdictKind::kGoto, target.text, nullptr, target.loc}, loc};
  }
  if (w == "reject") return Stmt{parse_reject(), loc};
  if (w == "flow") {
    const Token& op = expect_word("\"add\"");
    if (op.text != "add" && op.text != "offload") {
      unexpected(op, "\"add\"");
    }
    const Token& name = expect_word("\"@flowtable\"");
    if (!name.text.starts_with('@') || name.text.size() < 2) {
      unexpected(name, "\"@flowtable\"");
    }
    FlowStmt flow;
    flow.flowtable = name.text.substr(1);
    flow.offload_keyword = op.text == "offload";
    flow.name_loc = name.loc;
    return Stmt{std::move(flow), loc};
  }
  if (w == "masquerade") return Stmt{parse_nat(NatKind::kMasquerade), loc};
  if (w == "redirect") return Stmt{parse_nat(NatKind::kRedirect), loc};
  if (w == "snat") return Stmt{parse_nat(NatKind::kSnat), loc};
  if (w == "dnat") return Stmt{parse_nat(NatKind::kDnat), loc};
  if (w == "log") return Stmt{parse_log(), loc};
  for (std::string_view m : kUnsupportedMatches) {
    if (w == m) {
      fail(loc, fmt::format("unsupported match \"{}\"", w));
    }
  }
  if (std::find(kUnsupportedStatements.begin(), kUnsupportedStatements.end(), w) != kUnsupportedStatements.end()) {
    fail(loc, fmt::format("unsupported statement \"{}\"", w));
  }
  unexpected(t);
}

Stmt TextParser::parse_expression_statement(Field field, const SourceLoc& loc) {
  Match m;
  m.field = field;
  // `a . b . c`: a concatenation of fields.
  while (peek_word(".")) {
    std::size_t words = 0;
    ++pos_;
    const FieldInfo* f = peek_field(words);
    if (f == nullptr) {
      unexpected(peek(), "a field to concatenate");
    }
    pos_ += words;
    m.concat.push_back(f->field);
  }
  if (peek_word("&")) {
    next();
    m.mask = parse_mask(m);
  }
  if (peek_word("vmap")) {
    next();
    VmapStmt vmap;
    m.rhs = RhsKind::kSet;
    m.rhs_loc = peek().loc;
    if (peek().kind == TokenKind::kWord && peek().text.starts_with('@')) {
      fail(m.rhs_loc, fmt::format("unsupported statement: a named verdict map (vmap {})", peek().text));
    }
    expect(TokenKind::kLBrace, "\"{\"");
    for (;;) {
      skip_newlines();
      if (peek().kind == TokenKind::kRBrace) {
        next();
        break;
      }
      m.elements.push_back(parse_key_value(m));
      if (!accept_word(":")) {
        unexpected(peek(), "\":\"");
      }
      vmap.verdicts.push_back(parse_verdict());
      skip_newlines();
      if (peek().kind == TokenKind::kComma) {
        next();
      } else if (peek().kind != TokenKind::kRBrace) {
        unexpected(peek(), "\",\" or \"}\"");
      }
    }
    if (m.elements.empty()) {
      fail(m.rhs_loc, "empty verdict map");
    }
    vmap.key = std::move(m);
    return Stmt{std::move(vmap), loc};
  }
  parse_rhs(m);
  return Stmt{std::move(m), loc};
}

// `FIELD set VALUE` and, for the mark, `meta mark set mark and A xor B | ...`: each
// operator folds into nft_bitwise's mask and xor (and A: mask &= A, xor &= A; or B:
// mask &= ~B, xor |= B; xor C: xor ^= C).
MangleStmt TextParser::parse_mangle(Field field, const SourceLoc& loc) {
  if (field != Field::kMetaMark && field != Field::kIpDscp && field != Field::kIp6Dscp) {
    fail(loc, fmt::format("unsupported statement \"{} set\"", field_text(field)));
  }
  const ValueType type = value_type_of(field);
  MangleStmt m;
  m.field = field;
  auto value = [&]() {
    const Token& v = expect_name("a value");
    const Element e = to_element(type, RawValue{v.text, v.kind == TokenKind::kString, v.loc});
    if (e.form != ElementForm::kSingle) unexpected(v, "a single value");
    return static_cast<std::uint32_t>(e.lo.lo);
  };
  std::size_t words = 0;
  const FieldInfo* self = peek_field(words);
  if (self == nullptr) {
    m.xor_value = value();
    return m;
  }
  if (self->field != field || field != Field::kMetaMark) {
    fail(peek().loc, fmt::format("unsupported statement: {} set from {}", field_text(field), self->text));
  }
  pos_ += words;
  m.mask = 0xffffffffu;
  for (;;) {
    if (accept_word("and") || accept_word("&")) {
      const std::uint32_t a = value();
      m.mask &= a;
      m.xor_value &= a;
    } else if (accept_word("or") || accept_word("|")) {
      const std::uint32_t b = value();
      m.mask &= ~b;
      m.xor_value |= b;
    } else if (accept_word("xor") || accept_word("^")) {
      m.xor_value ^= value();
    } else {
      break;
    }
  }
  return m;
}

// The mask after "&": one value, or bits joined by "|" in optional parentheses
// ("(fin | syn | rst | ack)", which arrives as the words "(fin", "|", ..., "ack)").
Key TextParser::parse_mask(const Match& m) {
  const SourceLoc loc = peek().loc;
  std::string text;
  int parens = 0;
  while (peek().kind == TokenKind::kWord) {
    const std::string& w = peek().text;
    const bool continues = text.empty() || parens > 0 || text.back() == '|' || w.front() == '|';
    if (!continues) {
      break;
    }
    for (char c : w) {
      parens += c == '(' ? 1 : c == ')' ? -1 : 0;
    }
    text += w;
    next();
  }
  if (text.empty()) {
    unexpected(peek(), "a mask");
  }
  std::erase(text, '(');
  std::erase(text, ')');
  const ValueType type = value_type_of(m.field);
  if (!m.concat.empty()) {
    fail(loc, "a mask on a concatenation is not supported");
  }
  Key mask;
  std::size_t start = 0;
  for (;;) {
    const std::size_t bar = text.find('|', start);
    const std::string piece = text.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    const Element e = to_element(type, RawValue{piece, false, loc});
    if (e.form != ElementForm::kSingle) {
      fail(loc, fmt::format("invalid mask \"{}\"", piece));
    }
    mask = Key{mask.hi | e.lo.hi, mask.lo | e.lo.lo};
    if (bar == std::string::npos) {
      break;
    }
    start = bar + 1;
  }
  return mask;
}

void TextParser::parse_rhs(Match& m) {
  const ValueType type = value_type_of(m.field);
  if (auto op = op_from_token(peek())) {
    m.op = *op;
    m.implicit_op = false;
    next();
  }
  if (is_bitmask(type) && m.implicit_op && !m.mask && peek_word("!")) {
    // `! bits`: none of them, (field & bits) == 0.
    next();
    m.implicit_op = false;
    m.rhs_loc = peek().loc;
    Key bits;
    for (;;) {
      const Token& v = expect_word("a flag");
      const Key b = to_element(type, RawValue{v.text, false, v.loc}).lo;
      bits = Key{bits.hi | b.hi, bits.lo | b.lo};
      if (peek().kind != TokenKind::kComma) {
        break;
      }
      next();
    }
    m.mask = bits;
    m.elements.push_back(Element{});
    return;
  }
  const Token& t = peek();
  m.rhs_loc = t.loc;
  if (t.kind == TokenKind::kLBrace) {
    next();
    std::vector<RawValue> raw;
    parse_raw_set(raw);
    if (raw.empty()) {
      fail(m.rhs_loc, "empty set");
    }
    if (!m.concat.empty()) {
      m.elements = to_concat_elements(m, raw);
    } else {
      for (const RawValue& r : raw) {
        m.elements.push_back(to_element(type, r));
      }
    }
    m.rhs = RhsKind::kSet;
    return;
  }
  if (t.kind == TokenKind::kWord && t.text.starts_with('@')) {
    if (m.mask) {
      fail(t.loc, "unsupported match: a masked value looked up in a set");
    }
    m.set_name = t.text.substr(1);
    m.rhs = RhsKind::kNamedSet;
    next();
    return;
  }
  if (t.kind != TokenKind::kWord && t.kind != TokenKind::kString) {
    unexpected(t, "a value");
  }
  if (!m.concat.empty()) {
    m.elements.push_back(parse_key_value(m));
    return;
  }
  if (t.kind == TokenKind::kString && peek_word("-", 1) && peek(2).kind == TokenKind::kString) {
    // `"21:00"-"23:00"`: a range of two strings (times, hours, days).
    Element e;
    bool inverted = false;
    if (auto err = parse_range(type, t.text, peek(2).text, e, &inverted)) {
      fail(t.loc, *err);
    }
    if (inverted && (m.op == Op::kEq || m.op == Op::kNe)) {
      m.op = m.op == Op::kEq ? Op::kNe : Op::kEq;
      m.implicit_op = false;
    }
    m.elements.push_back(std::move(e));
    next();
    next();
    next();
    return;
  }
  m.elements.push_back(to_element(type, RawValue{t.text, t.kind == TokenKind::kString, t.loc}));
  next();
  if ((type == ValueType::kCtState || is_bitmask(type)) && peek().kind == TokenKind::kComma) {
    m.rhs = RhsKind::kFlags;
    while (peek().kind == TokenKind::kComma) {
      next();
      const Token& v = expect_word("a flag");
      m.elements.push_back(to_element(type, RawValue{v.text, false, v.loc}));
    }
  }
  if (type == ValueType::kCtState && peek_word("/")) {
    fail(peek().loc, "unsupported match: a mask on ct state");
  }
  if (is_bitmask(type) && peek_word("/")) {
    // `value / mask`: nft's (field & mask) OP value.
    if (m.mask) {
      unexpected(peek(), "end of the match");
    }
    next();
    Key mask;
    for (int n = 0;; ++n) {
      const Token& v = expect_word("a flag");
      const Key bits = to_element(type, RawValue{v.text, false, v.loc}).lo;
      mask = Key{mask.hi | bits.hi, mask.lo | bits.lo};
      if (peek().kind != TokenKind::kComma) {
        if (n == 0) {
          unexpected(peek(), "\",\"");  // nft's grammar wants a list after "/"
        }
        break;
      }
      next();
    }
    m.mask = mask;
    if (m.implicit_op) {
      m.implicit_op = false;  // `v / m` is an equality
    }
  }
}

std::vector<Element> TextParser::to_concat_elements(const Match& m, const std::vector<RawValue>& raw) const {
  std::vector<ValueType> types{value_type_of(m.field)};
  for (Field f : m.concat) types.push_back(value_type_of(f));
  return to_concat_elements(types, raw);
}

std::vector<Element> TextParser::to_concat_elements(const std::vector<ValueType>& types,
                                                    const std::vector<RawValue>& raw) const {
  std::vector<Element> out;
  const std::size_t parts = types.size();
  std::size_t i = 0;
  while (i < raw.size()) {
    Element e;
    for (std::size_t k = 0; k < parts; ++k) {
      if (k != 0) {
        if (i >= raw.size() || raw[i].quoted || raw[i].text != ".") {
          fail(i < raw.size() ? raw[i].loc : raw.back().loc,
               fmt::format("a value of this concatenation has {} parts, joined by \".\"", parts));
        }
        ++i;
      }
      if (i >= raw.size()) {
        fail(raw.back().loc, fmt::format("a value of this concatenation has {} parts, joined by \".\"", parts));
      }
      Element part = to_element(types[k], raw[i++]);
      if (k == 0) {
        e = std::move(part);
      } else {
        e.rest.push_back(std::move(part));
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

Element TextParser::parse_key_value(const Match& m) {
  std::vector<RawValue> raw;
  for (std::size_t k = 0; k <= m.concat.size(); ++k) {
    if (k != 0) {
      const Token& dot = expect_word("\".\"");
      raw.push_back(RawValue{dot.text, false, dot.loc});
    }
    const Token& v = expect_name("a value");
    raw.push_back(RawValue{v.text, v.kind == TokenKind::kString, v.loc});
  }
  if (m.concat.empty()) {
    return to_element(value_type_of(m.field), raw[0]);
  }
  return std::move(to_concat_elements(m, raw)[0]);
}

VerdictStmt TextParser::parse_verdict() {
  const Token& v = expect_word("a verdict");
  if (v.text == "accept") return VerdictStmt{VerdictKind::kAccept, {}, nullptr, {}};
  if (v.text == "drop") return VerdictStmt{VerdictKind::kDrop, {}, nullptr, {}};
  if (v.text == "return") return VerdictStmt{VerdictKind::kReturn, {}, nullptr, {}};
  if (v.text == "jump" || v.text == "goto") {
    const bool jump = v.text == "jump";
    const Token& target = expect_name("a chain name");
    return VerdictStmt{jump ? VerdictKind::kJump : VerdictKind::kGoto, target.text, nullptr, target.loc};
  }
  if (v.text == "continue" || v.text == "queue") {
    fail(v.loc, fmt::format("unsupported verdict \"{}\"", v.text));
  }
  unexpected(v, "a verdict");
}

// `limit rate [over] N/UNIT [burst N packets]` (packets; byte rates are not modelled).
LimitStmt TextParser::parse_limit(const SourceLoc& loc) {
  LimitStmt l;
  if (!accept_word("rate")) {
    unexpected(peek(), "\"rate\"");
  }
  l.over = accept_word("over");
  const Token& r = expect_word("a rate (N/second)");
  const std::size_t slash = r.text.find('/');
  if (slash == std::string::npos) {
    if (peek().kind == TokenKind::kWord && peek().text.find("bytes/") != std::string::npos) {
      fail(loc, "unsupported statement \"limit\" with a byte rate");
    }
    unexpected(r, "a rate (N/second)");
  }
  const auto rate = parse_u64(r.text.substr(0, slash));
  const std::string unit = r.text.substr(slash + 1);
  std::uint64_t seconds = 0;
  if (unit == "second") seconds = 1;
  else if (unit == "minute") seconds = 60;
  else if (unit == "hour") seconds = 3600;
  else if (unit == "day") seconds = 86400;
  else if (unit == "week") seconds = 604800;
  if (!rate || *rate == 0 || seconds == 0) {
    fail(r.loc, fmt::format("invalid rate \"{}\" (N/second, minute, hour, day or week, N > 0)", r.text));
  }
  l.rate = *rate;
  l.unit_seconds = seconds;
  if (accept_word("burst")) {
    const Token& b = expect_word("a number");
    const auto burst = parse_u64(b.text);
    if (!burst || *burst > 0xffffffffu) {
      unexpected(b, "a number");
    }
    if (peek_word("bytes") || peek_word("kbytes") || peek_word("mbytes")) {
      fail(peek().loc, "unsupported statement \"limit\" with a byte burst");
    }
    if (!accept_word("packets")) {
      unexpected(peek(), "\"packets\"");
    }
    l.burst = *burst == 0 ? 5 : static_cast<std::uint32_t>(*burst);
  }
  return l;
}

// `ct helper NAME { type "T" protocol P; [l3proto F;] }`
void TextParser::parse_ct_helper(Table& table, const SourceLoc& loc) {
  const Token& name = expect_name("a ct helper name");
  CtHelper h;
  h.name = name.text;
  h.loc = loc;
  h.l3proto = table.family;
  bool typed = false;
  expect(TokenKind::kLBrace, "\"{\"");
  for (;;) {
    skip_separators();
    if (peek().kind == TokenKind::kRBrace) {
      next();
      break;
    }
    const Token& w = expect_word("\"type\" or \"l3proto\"");
    if (w.text == "type") {
      const Token& type = next();
      if (type.kind != TokenKind::kString) {
        unexpected(type, "a quoted helper type");
      }
      h.type = type.text;
      if (!accept_word("protocol")) {
        unexpected(peek(), "\"protocol\"");
      }
      const Token& proto = expect_word("\"tcp\" or \"udp\"");
      if (proto.text != "tcp" && proto.text != "udp") {
        unexpected(proto, "\"tcp\" or \"udp\"");
      }
      h.l4proto = proto.text == "tcp" ? 6 : 17;
      typed = true;
    } else if (w.text == "l3proto") {
      const Token& f = expect_word("\"ip\", \"ip6\" or \"inet\"");
      if (f.text == "ip") h.l3proto = Family::kIp;
      else if (f.text == "ip6") h.l3proto = Family::kIp6;
      else if (f.text == "inet") h.l3proto = Family::kInet;
      else unexpected(f, "\"ip\", \"ip6\" or \"inet\"");
    } else {
      unexpected(w, "\"type\" or \"l3proto\"");
    }
    if (peek().kind != TokenKind::kRBrace) {
      end_block_item();
    }
  }
  if (!typed) {
    fail(loc, fmt::format("ct helper \"{}\" does not specify its type", h.name));
  }
  builder_.add_ct_helper(table, std::move(h));
}

CounterStmt TextParser::parse_counter() {
  CounterStmt c;
  bool packets = false;
  bool bytes = false;
  while (peek_word("packets") || peek_word("bytes")) {
    const bool is_packets = next().text == "packets";
    const Token& n = expect_word("a number");
    auto v = parse_u64(n.text);
    if (!v) {
      unexpected(n, "a number");
    }
    (is_packets ? c.packets : c.bytes) = *v;
    (is_packets ? packets : bytes) = true;
  }
  if (packets != bytes) {
    unexpected(peek(), packets ? "\"bytes\"" : "\"packets\"");
  }
  return c;
}

RejectStmt TextParser::parse_reject() {
  RejectStmt r;
  if (!accept_word("with")) {
    return r;
  }
  r.with = true;
  const Token& kind = expect_word("\"icmp\", \"icmpv6\", \"icmpx\" or \"tcp\"");
  if (kind.text == "tcp") {
    if (!accept_word("reset")) {
      unexpected(peek(), "\"reset\"");
    }
    r.action = RejectAction{RejectKind::kTcpReset, 0};
    return r;
  }
  RejectKind k;
  if (kind.text == "icmp") {
    k = RejectKind::kIcmp;
  } else if (kind.text == "icmpv6") {
    k = RejectKind::kIcmpv6;
  } else if (kind.text == "icmpx") {
    k = RejectKind::kIcmpx;
  } else {
    unexpected(kind, "\"icmp\", \"icmpv6\", \"icmpx\" or \"tcp\"");
  }
  accept_word("type");
  const Token& code = expect_word("a reject code");
  auto value = reject_code_from_name(k, code.text);
  if (!value) {
    fail(code.loc, fmt::format("unknown {} reject code \"{}\"", kind.text, code.text));
  }
  r.action = RejectAction{k, *value};
  return r;
}

NatStmt TextParser::parse_nat(NatKind kind) {
  NatStmt n;
  n.action.kind = kind;
  if (kind == NatKind::kMasquerade || kind == NatKind::kRedirect) {
    if (accept_word("to")) {
      const Token& t = expect_word("\":port\"");
      if (!t.text.starts_with(':') && !(kind == NatKind::kRedirect && !t.text.empty() && std::isdigit(static_cast<unsigned char>(t.text[0])) != 0)) {
        unexpected(t, "\":port\"");
      }
      if (t.text.starts_with(':')) {
        parse_nat_target(n, t);
      } else {
        // `redirect to 53`: nft reads a bare port, and lists it as `:53`.
        Token port = t;
        port.text = ":" + t.text;
        port.loc.col = port.loc.col == 0 ? 0 : port.loc.col - 1;
        parse_nat_target(n, port);
      }
    }
    parse_nat_flags(n.action);
    return n;
  }
  if (accept_word("ip")) {
    n.written_family = 4;
  } else if (accept_word("ip6")) {
    n.written_family = 6;
  }
  accept_word("to");  // nft reads `dnat 10.0.0.2:22` as `dnat to 10.0.0.2:22`
  const Token& t = expect_word("an address");
  parse_nat_target(n, t);
  parse_nat_flags(n.action);
  return n;
}

void TextParser::parse_nat_target(NatStmt& nat, const Token& token) {
  const std::string_view s = token.text;
  std::string_view addr;
  std::size_t port_at = std::string_view::npos;
  if (s.starts_with(':') && !s.starts_with("::")) {  // ":port", not the address "::99"
    port_at = 1;
  } else if (s.starts_with('[')) {
    // [v6] or [v6]-[v6], then an optional :port
    std::size_t close = s.find(']');
    if (close == std::string_view::npos) {
      fail(token.loc, fmt::format("invalid address \"{}\"", s));
    }
    nat.addr_min_text = std::string(s.substr(1, close - 1));
    std::size_t rest = close + 1;
    if (s.substr(rest).starts_with("-[")) {
      const std::size_t close2 = s.find(']', rest + 2);
      if (close2 == std::string_view::npos) {
        fail(token.loc, fmt::format("invalid address \"{}\"", s));
      }
      nat.addr_max_text = std::string(s.substr(rest + 2, close2 - rest - 2));
      rest = close2 + 1;
    }
    if (rest < s.size()) {
      if (s[rest] != ':') {
        fail(offset(token.loc, rest), fmt::format("invalid address \"{}\"", s));
      }
      port_at = rest + 1;
    }
  } else {
    const auto colons = std::count(s.begin(), s.end(), ':');
    if (colons == 1) {
      const std::size_t c = s.find(':');
      addr = s.substr(0, c);
      port_at = c + 1;
    } else {
      addr = s;
    }
    if (const std::size_t dash = addr.find('-'); dash != std::string_view::npos) {
      nat.addr_min_text = std::string(addr.substr(0, dash));
      nat.addr_max_text = std::string(addr.substr(dash + 1));
    } else {
      nat.addr_min_text = std::string(addr);
    }
  }
  nat.addr_loc = token.loc;
  if (port_at == std::string_view::npos) {
    return;
  }
  nat.port_loc = offset(token.loc, port_at);
  const std::string_view ports = s.substr(port_at);
  const std::size_t dash = ports.find('-');
  auto min = parse_u64(ports.substr(0, dash));
  auto max = dash == std::string_view::npos ? min : parse_u64(ports.substr(dash + 1));
  if (!min || !max || *min > 65535 || *max > 65535) {
    fail(nat.port_loc, fmt::format("invalid port \"{}\"", ports));
  }
  nat.action.port_min = static_cast<std::uint16_t>(*min);
  nat.action.port_max = static_cast<std::uint16_t>(*max);
}

void TextParser::parse_nat_flags(NatAction& action) {
  while (peek().kind == TokenKind::kWord && is_nat_flag(peek().text)) {
    const std::string flag = next().text;
    action.random = action.random || flag == "random";
    action.fully_random = action.fully_random || flag == "fully-random";
    action.persistent = action.persistent || flag == "persistent";
    if (peek().kind == TokenKind::kComma) {
      next();
      if (peek().kind != TokenKind::kWord || !is_nat_flag(peek().text)) {
        unexpected(peek(), "\"random\", \"fully-random\" or \"persistent\"");
      }
    }
  }
}

LogStmt TextParser::parse_log() {
  LogStmt l;
  for (;;) {
    if (accept_word("prefix")) {
      l.prefix = expect_name("a prefix string").text;
    } else if (accept_word("level")) {
      const Token& level = expect_word("a log level");
      if (!is_log_level(level.text)) {
        fail(level.loc, fmt::format("unknown log level \"{}\"", level.text));
      }
      l.level = level.text;
    } else if (accept_word("flags")) {
      const Token& flag = expect_word("\"all\"");
      if (flag.text != "all") {
        fail(flag.loc, fmt::format("unsupported log flags \"{}\"", flag.text));
      }
      l.flags_all = true;
    } else if (peek_word("group") || peek_word("snaplen") || peek_word("queue-threshold")) {
      fail(peek().loc, fmt::format("unsupported log option \"{}\"", peek().text));
    } else {
      return l;
    }
  }
}

}  // namespace flowsim::engine::nft
