// SPDX-License-Identifier: Apache-2.0
// Ruleset: loading (text or JSON through one RulesetBuilder), evaluation and listing. The
// work is in the parsers, the builder, the evaluator and the printer; this file only wires
// them behind the public interface.
#include "engine/nft/ruleset.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "engine/nft/evaluator.hpp"
#include "engine/nft/json_parser.hpp"
#include "engine/nft/load_error.hpp"
#include "engine/nft/model.hpp"
#include "engine/nft/printer.hpp"
#include "engine/nft/ruleset_builder.hpp"
#include "engine/nft/text_parser.hpp"
#include "net/input_error.hpp"

namespace flowsim::engine::nft {

struct Ruleset::Impl {
  Model model;
};

namespace {

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw net::InputError(fmt::format("{}: cannot open the ruleset file", file.string()));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool looks_like_json(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{';
}

}  // namespace

Ruleset::Ruleset() : impl_(std::make_unique<Impl>()) {}
Ruleset::Ruleset(Ruleset&&) noexcept = default;
Ruleset& Ruleset::operator=(Ruleset&&) noexcept = default;
Ruleset::~Ruleset() = default;

Ruleset Ruleset::parse_text(std::string_view text, std::string_view filename) {
  return build(filename, [&](RulesetBuilder& builder) {
    TextParser(text, builder, std::filesystem::path(std::string(filename))).parse();
  });
}

Ruleset Ruleset::parse_json(std::string_view text, std::string_view filename) {
  return build(filename, [&](RulesetBuilder& builder) { JsonParser(text, builder).parse(); });
}

Ruleset Ruleset::build(std::string_view filename, const std::function<void(RulesetBuilder&)>& parse) {
  LoadErrors errors{std::string(filename)};
  RulesetBuilder builder(errors);
  Ruleset ruleset;
  try {
    parse(builder);
    // Checks of the whole ruleset (references, hooks) run even after syntax errors, so that
    // one pass reports everything, as nft does.
    ruleset.impl_->model = builder.finish();
  } catch (const LoadAbort&) {
    // recorded
  }
  errors.throw_if_any();
  return ruleset;
}

Ruleset Ruleset::load_text(const std::filesystem::path& file) {
  return parse_text(read_file(file), file.string());
}

Ruleset Ruleset::load_json(const std::filesystem::path& file) {
  return parse_json(read_file(file), file.string());
}

Ruleset Ruleset::load(const std::filesystem::path& file) {
  const std::string text = read_file(file);
  return looks_like_json(text) ? parse_json(text, file.string()) : parse_text(text, file.string());
}

EvalResult Ruleset::evaluate(Hook hook, const PacketInfo& packet, PriorityRange range) {
  return evaluate_hook(impl_->model, hook, packet, range);
}

const std::vector<FlowtableSpec>& Ruleset::flowtables() const { return impl_->model.flowtables; }

std::string Ruleset::list() const { return print_model(impl_->model); }

}  // namespace flowsim::engine::nft
