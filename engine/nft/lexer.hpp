// SPDX-License-Identifier: Apache-2.0
// Splits nft script text into tokens with their line and column: words (names, numbers,
// addresses, ranges, `@set`), quoted strings, `$variables`, punctuation, and newlines —
// which end a statement in nft, unless escaped with a backslash. `#` starts a comment.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/nft/model.hpp"

namespace flowsim::engine::nft {

enum class TokenKind : std::uint8_t {
  kWord,
  kString,    // "..." (text without the quotes)
  kVariable,  // $name (text without the '$')
  kLBrace,
  kRBrace,
  kSemicolon,
  kNewline,
  kComma,
  kAssign,  // =
  kEq,      // ==
  kNe,      // !=
  kLt,
  kGt,
  kLe,
  kGe,
  kError,  // where the lexer found something it could not read (the error is recorded)
  kEof,
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  std::string text;
  SourceLoc loc;
};

class LoadErrors;

class Lexer {
 public:
  // `file` is the text's index in `errors` (SourceLoc::file of every token).
  Lexer(std::string_view text, LoadErrors& errors, std::uint16_t file);

  // All tokens, ending with kEof. An unterminated string or a character nft does not accept
  // is recorded in the errors and becomes a kError token.
  std::vector<Token> tokenize();

 private:
  void error(const SourceLoc& loc, std::string_view message);
  char peek(std::size_t ahead = 0) const;
  void advance();
  SourceLoc here() const { return SourceLoc{line_, col_, -1, file_}; }

  std::string_view text_;
  LoadErrors& errors_;
  std::uint16_t file_;
  std::vector<Token>* out_ = nullptr;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::uint32_t col_ = 1;
};

// A short description of a token for "syntax error, unexpected ..." messages.
std::string describe(const Token& token);

}  // namespace flowsim::engine::nft
