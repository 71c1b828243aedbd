// SPDX-License-Identifier: Apache-2.0
// The nft script tokenizer (see lexer.hpp). A word is any run of characters that are not
// blanks or punctuation, so "192.168.1.1-192.168.1.9", "2001:db8::/32", ":1024-2000",
// "[2001:db8::1]:80" and "@lan_hosts" each arrive whole and the parser gives them meaning.
#include "engine/nft/lexer.hpp"

#include <fmt/format.h>

#include "engine/nft/load_error.hpp"

namespace flowsim::engine::nft {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool is_word_char(char c) {
  switch (c) {
    case ' ':
    case '\t':
    case '\r':
    case '\n':
    case '{':
    case '}':
    case ';':
    case ',':
    case '"':
    case '#':
    case '=':
    case '!':
    case '<':
    case '>':
    case '$':
    case '\\':
      return false;
    default:
      return static_cast<unsigned char>(c) > ' ';
  }
}

}  // namespace

Lexer::Lexer(std::string_view text, LoadErrors& errors, std::uint16_t file)
    : text_(text), errors_(errors), file_(file) {}

void Lexer::error(const SourceLoc& loc, std::string_view message) {
  errors_.add(loc, message);
  out_->push_back(Token{TokenKind::kError, {}, loc});
}

char Lexer::peek(std::size_t ahead) const {
  return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
}

void Lexer::advance() {
  if (text_[pos_] == '\n') {
    ++line_;
    col_ = 1;
  } else {
    ++col_;
  }
  ++pos_;
}

std::vector<Token> Lexer::tokenize() {
  std::vector<Token> tokens;
  out_ = &tokens;
  auto push = [&](TokenKind kind, std::string text, SourceLoc loc) {
    // Consecutive newlines carry no meaning; keep one.
    if (kind == TokenKind::kNewline && !tokens.empty() && tokens.back().kind == TokenKind::kNewline) {
      return;
    }
    tokens.push_back(Token{kind, std::move(text), loc});
  };
  while (pos_ < text_.size()) {
    const char c = peek();
    const SourceLoc loc = here();
    if (is_blank(c)) {
      advance();
      continue;
    }
    if (c == '\\') {
      // A line continuation: backslash, optional blanks, newline.
      std::size_t n = 1;
      while (is_blank(peek(n))) {
        ++n;
      }
      if (peek(n) != '\n') {
        error(loc, "stray \"\\\" (only a line continuation may use it)");
        advance();
        continue;
      }
      for (std::size_t i = 0; i <= n; ++i) {
        advance();
      }
      continue;
    }
    if (c == '#') {
      while (pos_ < text_.size() && peek() != '\n') {
        advance();
      }
      continue;
    }
    if (c == '\n') {
      advance();
      push(TokenKind::kNewline, "\n", loc);
      continue;
    }
    if (c == '"') {
      advance();
      std::string s;
      while (pos_ < text_.size() && peek() != '"' && peek() != '\n') {
        s += peek();
        advance();
      }
      if (pos_ >= text_.size() || peek() == '\n') {
        error(loc, "unterminated string");  // the rest of the line is lost with it
        continue;
      }
      advance();
      push(TokenKind::kString, std::move(s), loc);
      continue;
    }
    if (c == '$') {
      advance();
      std::string name;
      while (pos_ < text_.size() && is_word_char(peek())) {
        name += peek();
        advance();
      }
      if (name.empty()) {
        error(loc, "\"$\" must be followed by a variable name");
        continue;
      }
      push(TokenKind::kVariable, std::move(name), loc);
      continue;
    }
    auto punct = [&](TokenKind kind, std::size_t len) {
      std::string s(text_.substr(pos_, len));
      for (std::size_t i = 0; i < len; ++i) {
        advance();
      }
      push(kind, std::move(s), loc);
    };
    switch (c) {
      case '{': punct(TokenKind::kLBrace, 1); continue;
      case '}': punct(TokenKind::kRBrace, 1); continue;
      case ';': punct(TokenKind::kSemicolon, 1); continue;
      case ',': punct(TokenKind::kComma, 1); continue;
      case '=': punct(peek(1) == '=' ? TokenKind::kEq : TokenKind::kAssign, peek(1) == '=' ? 2 : 1); continue;
      case '<': punct(peek(1) == '=' ? TokenKind::kLe : TokenKind::kLt, peek(1) == '=' ? 2 : 1); continue;
      case '>': punct(peek(1) == '=' ? TokenKind::kGe : TokenKind::kGt, peek(1) == '=' ? 2 : 1); continue;
      case '!':
        if (peek(1) == '=') {
          punct(TokenKind::kNe, 2);
          continue;
        }
        punct(TokenKind::kWord, 1);  // nft's `tcp flags ! syn`: none of these bits
        continue;
      default:
        break;
    }
    if (!is_word_char(c)) {
      error(loc, fmt::format("unexpected character \"{}\"", c));
      advance();
      continue;
    }
    std::string word;
    while (pos_ < text_.size() && is_word_char(peek())) {
      word += peek();
      advance();
    }
    push(TokenKind::kWord, std::move(word), loc);
  }
  tokens.push_back(Token{TokenKind::kEof, {}, here()});
  return tokens;
}

std::string describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEof: return "end of file";
    case TokenKind::kError: return "an unreadable character";
    case TokenKind::kNewline: return "end of line";
    case TokenKind::kString: return fmt::format("string \"{}\"", token.text);
    case TokenKind::kVariable: return fmt::format("${}", token.text);
    default: return fmt::format("\"{}\"", token.text);
  }
}

}  // namespace flowsim::engine::nft
