// SPDX-License-Identifier: Apache-2.0
// The libnftables JSON reader (see json_parser.hpp). Shapes follow nftables'
// doc/libnftables-json.adoc and what nft 1.0.6 prints. One addition: a flowtable's
// `flags offload` and `counter` have no JSON form in nft 1.0.6, so "flags": ["offload",
// "counter"] (or "counter": true) carries them here.
#include "engine/nft/json_parser.hpp"

#include <functional>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "engine/nft/fields.hpp"
#include "engine/nft/load_error.hpp"
#include "engine/nft/names.hpp"
#include "engine/nft/values.hpp"

namespace flowsim::engine::nft {
namespace {

const nlohmann::json kNull;

// A value as it appears in a message: its JSON text, cut short.
std::string short_text(const nlohmann::json& v) {
  constexpr std::size_t kMax = 60;
  std::string text = v.dump();
  if (text.size() > kMax) {
    text = text.substr(0, kMax) + "...";
  }
  return text;
}

std::optional<Op> op_from_text(std::string_view s) {
  if (s == "==" || s == "in" || s == "!") return Op::kEq;
  if (s == "!=") return Op::kNe;
  if (s == "<") return Op::kLt;
  if (s == ">") return Op::kGt;
  if (s == "<=") return Op::kLe;
  if (s == ">=") return Op::kGe;
  return std::nullopt;
}

}  // namespace

JsonParser::JsonParser(std::string_view text, RulesetBuilder& builder) : text_(text), builder_(builder) {}

SourceLoc JsonParser::loc(const Value& v) const {
  SourceLoc l = positions_ != nullptr ? positions_->loc(v.node) : SourceLoc{};
  l.json_item = item_;
  return l;
}

void JsonParser::fail(const Value& at, std::string_view message) const { builder_.fail(loc(at), message); }

JsonParser::Value JsonParser::member(const Value& object, std::string_view key) const {
  if (object.json == nullptr || !object.json->is_object()) {
    return Value{&kNull, JsonPositions::kNone};
  }
  auto it = object.json->find(std::string(key));
  if (it == object.json->end()) {
    return Value{&kNull, JsonPositions::kNone};
  }
  return Value{&*it, positions_->member(object.node, key)};
}

JsonParser::Value JsonParser::required(const Value& object, std::string_view key) const {
  Value v = member(object, key);
  if (v.node == JsonPositions::kNone) {
    fail(object, fmt::format("missing \"{}\"", key));
  }
  return v;
}

JsonParser::Value JsonParser::element(const Value& array, std::size_t index) const {
  return Value{&(*array.json)[index], positions_->element(array.node, index)};
}

std::string JsonParser::string_of(const Value& v, std::string_view what) const {
  if (!v.json->is_string()) {
    fail(v, fmt::format("{} must be a string", what));
  }
  return v.json->get<std::string>();
}

std::string JsonParser::text_of(const Value& v) const {
  if (v.json->is_string()) {
    return v.json->get<std::string>();
  }
  if (v.json->is_number_unsigned()) {
    return std::to_string(v.json->get<std::uint64_t>());
  }
  if (v.json->is_number_integer()) {
    return std::to_string(v.json->get<std::int64_t>());
  }
  fail(v, fmt::format("expected a value, got {}", short_text(*v.json)));
}

JsonParser::Value JsonParser::single_member(const Value& object, std::string& key) const {
  if (!object.json->is_object() || object.json->size() != 1) {
    fail(object, "expected an object with exactly one member");
  }
  key = object.json->begin().key();
  return member(object, key);
}

void JsonParser::parse() {
  // Positions first: the walk is safe on any text, and it finds what would make nlohmann
  // recurse too deep or silently keep the last of two keys.
  JsonPositions positions(text_);
  const auto fail_at = [&](std::size_t offset, std::string_view message) {
    builder_.fail(positions.loc_of_offset(offset), fmt::format("invalid JSON: {}", message));
  };
  if (positions.problem() && positions.problem()->message.starts_with("nested")) {
    fail_at(positions.problem()->offset, positions.problem()->message);
  }
  Json doc;
  try {
    doc = Json::parse(text_);
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    if (auto p = what.find("] "); p != std::string::npos) {
      what = what.substr(p + 2);
    }
    fail_at(e.byte > 0 ? e.byte - 1 : 0, what);
  } catch (const Json::exception& e) {
    // out_of_range.406: a number a double cannot hold; nlohmann does not say where.
    if (auto number = JsonPositions::find_out_of_range_number(text_)) {
      fail_at(number->offset, number->message);
    }
    fail_at(0, e.what());
  }
  if (positions.problem()) {
    fail_at(positions.problem()->offset, positions.problem()->message);
  }
  positions_ = &positions;
  const Value root{&doc, 0};
  const Value list = member(root, "nftables");
  if (!list.json->is_array()) {
    fail(root, "expected {\"nftables\": [...]}");
  }
  for (std::size_t i = 0; i < list.json->size(); ++i) {
    item_ = static_cast<int>(i);
    const Value object = element(list, i);
    try {
      item(object);
    } catch (const LoadAbort&) {
      // recorded; the next object is read on its own, as nft reports every error
    } catch (const Json::exception& e) {
      // A value of a type no check above expected: still this object's error, located.
      builder_.report(loc(object), fmt::format("unexpected value ({})", e.what()));
    }
  }
  item_ = -1;
  positions_ = nullptr;
}

void JsonParser::item(const Value& object) {
  std::string key;
  const Value body = single_member(object, key);
  if (key == "metainfo") {
    return;
  }
  if (key == "add" || key == "create" || key == "insert") {
    std::string inner;
    const Value inner_body = single_member(body, inner);
    if (key == "insert" && inner != "rule") {
      fail(body, fmt::format("unsupported command \"insert {}\"", inner));
    }
    command(inner, inner_body, key == "create", key == "insert");
  } else if (key == "flush") {
    flush_command(body);
  } else if (key == "delete") {
    std::string inner;
    const Value inner_body = single_member(body, inner);
    if (inner != "table") {
      fail(body, fmt::format("unsupported command \"delete {}\"", inner));
    }
    builder_.delete_table(family_of(inner_body), string_of(required(inner_body, "name"), "\"name\""),
                          loc(inner_body));
  } else {
    command(key, body, false, false);
  }
}

void JsonParser::command(const std::string& key, const Value& body, bool create, bool prepend) {
  if (key == "table") {
    table_command(body, create);
  } else if (key == "chain") {
    chain_command(body, create);
  } else if (key == "rule") {
    rule_command(body, prepend);
  } else if (key == "set") {
    set_command(body, create);
  } else if (key == "element") {
    element_command(body);
  } else if (key == "flowtable") {
    flowtable_command(body, create);
  } else if (key == "ct helper") {
    ct_helper_command(body);
  } else {
    fail(body, fmt::format("unsupported command \"{}\"", key));
  }
}

Family JsonParser::family_of(const Value& body) const {
  const Value f = required(body, "family");
  const std::string name = string_of(f, "\"family\"");
  auto family = family_from_name(name);
  if (!family || *family == Family::kNetdev) {
    fail(f, fmt::format("unsupported table family \"{}\" (ip, ip6 and inet are supported)", name));
  }
  return *family;
}

Table& JsonParser::table_of(const Value& body) const {
  const Family family = family_of(body);
  const Value t = required(body, "table");
  return builder_.find_table(family, string_of(t, "\"table\""), loc(t));
}

void JsonParser::table_command(const Value& body, bool create) {
  const Value name = required(body, "name");
  if (const Value flags = member(body, "flags"); flags.node != JsonPositions::kNone && !flags.json->empty()) {
    fail(flags, "unsupported table flags");
  }
  builder_.add_table(family_of(body), string_of(name, "\"name\""), loc(name), create);
}

int JsonParser::priority_of(const Value& v, Family family, Hook hook) const {
  if (v.json->is_number_integer()) {
    return v.json->get<int>();
  }
  const std::string name = string_of(v, "\"prio\"");
  auto value = standard_priority(name, family, hook);
  if (!value) {
    fail(v, fmt::format("'{}' is invalid priority in this context.", name));
  }
  return *value;
}

void JsonParser::chain_command(const Value& body, bool create) {
  Table& table = table_of(body);
  const Value name = required(body, "name");
  Chain& chain = builder_.add_chain(table, string_of(name, "\"name\""), loc(name), create);
  if (member(body, "type").node == JsonPositions::kNone && member(body, "hook").node == JsonPositions::kNone) {
    if (member(body, "policy").node != JsonPositions::kNone) {
      fail(member(body, "policy"), "policy is only valid on base chains");
    }
    return;
  }
  const Value type = required(body, "type");
  const Value hook = required(body, "hook");
  BaseChainSpec spec;
  auto chain_type = chain_type_from_name(string_of(type, "\"type\""));
  if (!chain_type) {
    fail(type, fmt::format("unknown chain type \"{}\"", type.json->get<std::string>()));
  }
  auto hook_value = hook_from_name(string_of(hook, "\"hook\""));
  if (!hook_value) {
    fail(hook, fmt::format("unknown hook \"{}\"", hook.json->get<std::string>()));
  }
  if (member(body, "dev").node != JsonPositions::kNone) {
    fail(member(body, "dev"), "chain devices are not supported (netdev chains are outside the subset)");
  }
  spec.type = *chain_type;
  spec.hook = *hook_value;
  spec.priority = priority_of(required(body, "prio"), table.family, *hook_value);
  spec.loc = loc(body);
  if (const Value policy = member(body, "policy"); policy.node != JsonPositions::kNone) {
    const std::string p = string_of(policy, "\"policy\"");
    if (p != "accept" && p != "drop") {
      fail(policy, fmt::format("unknown policy \"{}\"", p));
    }
    spec.policy_drop = p == "drop";
  }
  builder_.make_base_chain(chain, spec);
}

void JsonParser::rule_command(const Value& body, bool prepend) {
  Table& table = table_of(body);
  const Value chain_name = required(body, "chain");
  Chain& chain = builder_.find_chain(table, string_of(chain_name, "\"chain\""), loc(chain_name));
  for (const char* position : {"position", "index"}) {
    if (member(body, position).node != JsonPositions::kNone) {
      fail(member(body, position), fmt::format("unsupported rule \"{}\" (rules are added in order)", position));
    }
  }
  const Value exprs = required(body, "expr");
  if (!exprs.json->is_array() || exprs.json->empty()) {
    fail(exprs, "\"expr\" must be a non-empty array");
  }
  Rule rule;
  rule.loc = loc(body);
  for (std::size_t i = 0; i < exprs.json->size(); ++i) {
    rule.stmts.push_back(statement(element(exprs, i)));
  }
  if (const Value comment = member(body, "comment"); comment.node != JsonPositions::kNone) {
    rule.comment = string_of(comment, "\"comment\"");
  }
  builder_.add_rule(table, chain, std::move(rule), prepend);
}

// {"ct helper": {"family", "table", "name", "type", "protocol", "l3proto"}}
void JsonParser::ct_helper_command(const Value& body) {
  Table& table = table_of(body);
  CtHelper h;
  h.name = string_of(required(body, "name"), "\"name\"");
  h.loc = loc(body);
  h.type = string_of(required(body, "type"), "\"type\"");
  const Value proto = required(body, "protocol");
  const std::string p = string_of(proto, "\"protocol\"");
  if (p != "tcp" && p != "udp") {
    fail(proto, fmt::format("ct helper protocol \"{}\" is not tcp or udp", p));
  }
  h.l4proto = p == "tcp" ? 6 : 17;
  h.l3proto = table.family;
  if (const Value l3 = member(body, "l3proto"); l3.node != JsonPositions::kNone) {
    const std::string f = string_of(l3, "\"l3proto\"");
    if (f == "ip") h.l3proto = Family::kIp;
    else if (f == "ip6") h.l3proto = Family::kIp6;
    else if (f == "inet") h.l3proto = Family::kInet;
    else fail(l3, fmt::format("l3proto \"{}\" is not ip, ip6 or inet", f));
  }
  builder_.add_ct_helper(table, std::move(h));
}

void JsonParser::set_command(const Value& body, bool create) {
  Table& table = table_of(body);
  const Value name = required(body, "name");
  SetDecl decl;
  const Value type = required(body, "type");
  decl.type_loc = loc(type);
  auto add_type = [&](const Value& t) {
    const std::string name = string_of(t, "a set type");
    const std::optional<ValueType> v = set_type_from_name(name);
    if (!v) {
      fail(t, fmt::format("unsupported set type \"{}\" (ipv4_addr, ipv6_addr, inet_service, inet_proto, mark and "
                          "their concatenations)",
                          name));
    }
    (decl.type ? decl.concat.emplace_back() : decl.type.emplace()) = *v;
  };
  if (type.json->is_array() && !type.json->empty()) {
    for (std::size_t i = 0; i < type.json->size(); ++i) add_type(element(type, i));
  } else {
    add_type(type);
  }
  if (const Value flags = member(body, "flags"); flags.node != JsonPositions::kNone) {
    auto apply = [&](const Value& f) {
      const std::string flag = string_of(f, "a set flag");
      if (flag == "interval") {
        decl.interval = true;
      } else if (flag == "constant") {
        decl.constant = true;
      } else if (flag == "timeout") {
        decl.timeout_flag = true;
      } else {
        fail(f, fmt::format("unsupported set flag \"{}\"", flag));
      }
    };
    if (flags.json->is_array()) {
      for (std::size_t i = 0; i < flags.json->size(); ++i) {
        apply(element(flags, i));
      }
    } else {
      apply(flags);
    }
  }
  if (const Value merge = member(body, "auto-merge"); merge.node != JsonPositions::kNone) {
    decl.auto_merge = merge.json->is_boolean() && merge.json->get<bool>();
  }
  if (const Value comment = member(body, "comment"); comment.node != JsonPositions::kNone) {
    decl.comment = string_of(comment, "\"comment\"");
  }
  if (const Value size = member(body, "size"); size.node != JsonPositions::kNone) {
    if (!size.json->is_number_unsigned() || size.json->get<std::uint64_t>() == 0 || size.json->get<std::uint64_t>() > 0xffffffffu) {
      fail(size, "\"size\" must be a number from 1 to 4294967295");
    }
    decl.size = static_cast<std::uint32_t>(size.json->get<std::uint64_t>());
  }
  if (const Value timeout = member(body, "timeout"); timeout.node != JsonPositions::kNone) {
    if (!timeout.json->is_number_unsigned()) fail(timeout, "\"timeout\" must be a number of seconds");
    decl.timeout_ms = timeout.json->get<std::uint64_t>() * 1000;
  }
  if (const Value stmts = member(body, "stmt"); stmts.node != JsonPositions::kNone) {
    // [{"counter": null}]: every element counts.
    const bool counter = stmts.json->is_array() && stmts.json->size() == 1 && (*stmts.json)[0].is_object() &&
                         (*stmts.json)[0].contains("counter");
    if (!counter) fail(stmts, "unsupported set statement (only [{\"counter\": null}])");
    decl.counter = true;
  }
  for (const char* unsupported : {"gc-interval", "policy", "map"}) {
    if (member(body, unsupported).node != JsonPositions::kNone) {
      fail(member(body, unsupported), fmt::format("unsupported set option \"{}\"", unsupported));
    }
  }
  std::vector<ValueType> types{*decl.type};
  types.insert(types.end(), decl.concat.begin(), decl.concat.end());
  if (const Value elems = member(body, "elem"); elems.node != JsonPositions::kNone) {
    if (!elems.json->is_array()) {
      fail(elems, "\"elem\" must be an array");
    }
    for (std::size_t i = 0; i < elems.json->size(); ++i) {
      const Value e = element(elems, i);
      decl.elements.push_back(set_element_of(types, e));
      decl.element_locs.push_back(loc(e));
    }
  }
  builder_.declare_set(table, string_of(name, "\"name\""), std::move(decl), loc(name), create);
}

// A named set's element: VALUE, {"concat": [...]}, or {"elem": {"val": ..., "counter": {...},
// "timeout": S, "expires": S}} (expires, the time left, is not modelled).
Element JsonParser::set_element_of(const std::vector<ValueType>& types, const Value& v) const {
  Value val = v;
  Value options{&kNull, JsonPositions::kNone};
  if (v.json->is_object() && v.json->contains("elem")) {
    options = member(v, "elem");
    val = required(options, "val");
  }
  Element e;
  if (types.size() > 1) {
    const Value parts = val.json->is_object() ? member(val, "concat") : Value{&kNull, JsonPositions::kNone};
    if (!parts.json->is_array() || parts.json->size() != types.size()) {
      fail(val, fmt::format("an element of this set must be {{\"concat\": [...]}} with {} parts", types.size()));
    }
    e = element_of(types[0], element(parts, 0));
    for (std::size_t i = 1; i < types.size(); ++i) e.rest.push_back(element_of(types[i], element(parts, i)));
  } else {
    e = element_of(types[0], val);
  }
  if (options.json->is_object()) {
    if (const Value counter = member(options, "counter"); counter.node != JsonPositions::kNone) {
      e.counter = true;
      if (counter.json->is_object()) {
        e.packets = counter.json->value("packets", std::uint64_t{0});
        e.bytes = counter.json->value("bytes", std::uint64_t{0});
      }
    }
    if (const Value timeout = member(options, "timeout"); timeout.json->is_number_unsigned()) {
      e.timeout_ms = timeout.json->get<std::uint64_t>() * 1000;
    }
    if (member(options, "comment").node != JsonPositions::kNone) {
      fail(member(options, "comment"), "unsupported set element option \"comment\"");
    }
  }
  return e;
}

void JsonParser::element_command(const Value& body) {
  Table& table = table_of(body);
  const Value name = required(body, "name");
  const std::string set_name = string_of(name, "\"name\"");
  const NamedSet* set = nullptr;
  for (const auto& s : table.sets) {
    if (s->name == set_name) {
      set = s.get();
    }
  }
  if (set == nullptr) {
    fail(name, fmt::format("unknown set @{}", set_name));
  }
  const Value elems = required(body, "elem");
  if (!elems.json->is_array()) {
    fail(elems, "\"elem\" must be an array");
  }
  std::vector<ValueType> types{set->type};
  types.insert(types.end(), set->concat.begin(), set->concat.end());
  std::vector<Element> elements;
  std::vector<SourceLoc> locs;
  for (std::size_t i = 0; i < elems.json->size(); ++i) {
    const Value e = element(elems, i);
    elements.push_back(set_element_of(types, e));
    locs.push_back(loc(e));
  }
  builder_.add_set_elements(table, set_name, std::move(elements), locs, loc(name));
}

void JsonParser::flowtable_command(const Value& body, bool create) {
  Table& table = table_of(body);
  const Value name = required(body, "name");
  FlowtableDecl decl;
  if (const Value hook = member(body, "hook"); hook.node != JsonPositions::kNone) {
    decl.hook = hook_from_name(string_of(hook, "\"hook\""));
    decl.hook_loc = loc(hook);
    if (!decl.hook) {
      fail(hook, fmt::format("unknown hook \"{}\"", hook.json->get<std::string>()));
    }
  }
  if (const Value prio = member(body, "prio"); prio.node != JsonPositions::kNone) {
    decl.priority = priority_of(prio, Family::kNetdev, Hook::kIngress);
  }
  if (const Value dev = member(body, "dev"); dev.node != JsonPositions::kNone) {
    auto add = [&](const Value& d) { decl.devices.push_back(element_of(ValueType::kIfname, d).name); };
    if (dev.json->is_array()) {
      for (std::size_t i = 0; i < dev.json->size(); ++i) {
        add(element(dev, i));
      }
    } else {
      add(dev);
    }
  }
  if (const Value flags = member(body, "flags"); flags.node != JsonPositions::kNone) {
    auto apply = [&](const Value& f) {
      const std::string flag = string_of(f, "a flowtable flag");
      if (flag == "offload") {
        decl.offload = true;
      } else if (flag == "counter") {
        decl.counter = true;
      } else {
        fail(f, fmt::format("unsupported flowtable flag \"{}\"", flag));
      }
    };
    if (flags.json->is_array()) {
      for (std::size_t i = 0; i < flags.json->size(); ++i) {
        apply(element(flags, i));
      }
    } else {
      apply(flags);
    }
  }
  if (const Value counter = member(body, "counter"); counter.node != JsonPositions::kNone) {
    decl.counter = decl.counter || (counter.json->is_boolean() && counter.json->get<bool>());
  }
  builder_.declare_flowtable(table, string_of(name, "\"name\""), std::move(decl), loc(name), create);
}

void JsonParser::flush_command(const Value& body) {
  std::string what;
  const Value inner = single_member(body, what);
  if (what == "ruleset") {
    builder_.flush_ruleset();
  } else if (what == "table") {
    builder_.flush_table(builder_.find_table(family_of(inner), string_of(required(inner, "name"), "\"name\""),
                                             loc(inner)));
  } else if (what == "chain") {
    Table& table = table_of(inner);
    const Value name = required(inner, "name");
    builder_.flush_chain(builder_.find_chain(table, string_of(name, "\"name\""), loc(name)));
  } else {
    fail(body, fmt::format("unsupported command \"flush {}\"", what));
  }
}

Stmt JsonParser::statement(const Value& expr) {
  std::string key;
  const Value body = single_member(expr, key);
  const SourceLoc at = loc(expr);
  if (key == "match") {
    return Stmt{match(body), at};
  }
  if (key == "counter") {
    CounterStmt c;
    if (body.json->is_object()) {
      const Value packets = member(body, "packets");
      const Value bytes = member(body, "bytes");
      if (packets.json->is_number_unsigned()) {
        c.packets = packets.json->get<std::uint64_t>();
      }
      if (bytes.json->is_number_unsigned()) {
        c.bytes = bytes.json->get<std::uint64_t>();
      }
    }
    return Stmt{c, at};
  }
  if (key == "accept" || key == "drop" || key == "return") {
    const VerdictKind kind = key == "accept" ? VerdictKind::kAccept : key == "drop" ? VerdictKind::kDrop : VerdictKind::kReturn;
    return Stmt{VerdictStmt{kind, {}, nullptr, {}}, at};
  }
  if (key == "jump" || key == "goto") {
    const Value target = required(body, "target");
    return Stmt{VerdictStmt{key == "jump" ? VerdictKind::kJump : VerdictKind::kGoto, string_of(target, "\"target\""),
                            nullptr, loc(target)},
                at};
  }
  if (key == "reject") {
    return Stmt{reject(body), at};
  }
  if (key == "flow") {
    const Value op = required(body, "op");
    if (string_of(op, "\"op\"") != "add") {
      fail(op, fmt::format("unsupported flow operation \"{}\"", op.json->get<std::string>()));
    }
    const Value name = required(body, "flowtable");
    const std::string ft = string_of(name, "\"flowtable\"");
    if (!ft.starts_with('@') || ft.size() < 2) {
      fail(name, "\"flowtable\" must be \"@name\"");
    }
    FlowStmt flow;
    flow.flowtable = ft.substr(1);
    flow.name_loc = loc(name);
    return Stmt{std::move(flow), at};
  }
  if (key == "masquerade" || key == "redirect") {
    return Stmt{nat(key == "masquerade" ? NatKind::kMasquerade : NatKind::kRedirect, body), at};
  }
  if (key == "snat" || key == "dnat") {
    return Stmt{nat(key == "snat" ? NatKind::kSnat : NatKind::kDnat, body), at};
  }
  if (key == "log") {
    return Stmt{log(body), at};
  }
  if (key == "vmap") {
    return Stmt{vmap(body), at};
  }
  if (key == "limit") {
    return Stmt{limit(body), at};
  }
  if (key == "ct helper") {
    const std::string name = string_of(body, "a ct helper name");
    return Stmt{CtHelperSetStmt{name, nullptr, loc(body)}, at};
  }
  if (key == "mangle") {
    const Value target = required(body, "key");
    if (target.json->is_object() && target.json->contains("tcp option")) {
      return Stmt{mangle(body), at};
    }
    return Stmt{field_mangle(body), at};
  }
  if (key == "notrack") {
    return Stmt{NotrackStmt{}, at};
  }
  fail(expr, fmt::format("unsupported statement \"{}\"", key));
}

// {"vmap": {"key": EXPR, "data": {"set": [[KEY, VERDICT], ...]}}}
VmapStmt JsonParser::vmap(const Value& body) {
  VmapStmt map;
  left_side(map.key, required(body, "key"));
  const Value data = required(body, "data");
  const Value set = data.json->is_object() ? member(data, "set") : Value{&kNull, JsonPositions::kNone};
  if (!set.json->is_array()) {
    fail(data, data.json->is_string() ? fmt::format("unsupported statement: a named verdict map (vmap {})",
                                                    data.json->get<std::string>())
                                      : std::string("\"data\" must be {\"set\": [[key, verdict], ...]}"));
  }
  map.key.rhs = RhsKind::kSet;
  map.key.rhs_loc = loc(set);
  if (set.json->empty()) {
    fail(set, "empty verdict map");
  }
  for (std::size_t i = 0; i < set.json->size(); ++i) {
    const Value pair = element(set, i);
    if (!pair.json->is_array() || pair.json->size() != 2) {
      fail(pair, "a verdict map element must be [key, verdict]");
    }
    map.key.elements.push_back(key_of(map.key, element(pair, 0)));
    const Stmt verdict = statement(element(pair, 1));
    const auto* v = std::get_if<VerdictStmt>(&verdict.body);
    if (v == nullptr) {
      fail(element(pair, 1), "a verdict map's data must be a verdict");
    }
    map.verdicts.push_back(*v);
  }
  return map;
}

// {"limit": {"rate": N, "per": UNIT, "burst": N, "inv": BOOL}} (packets).
LimitStmt JsonParser::limit(const Value& body) {
  LimitStmt l;
  const Value rate = required(body, "rate");
  if (!rate.json->is_number_unsigned() || rate.json->get<std::uint64_t>() == 0) {
    fail(rate, "\"rate\" must be a number above 0");
  }
  if (const Value unit = member(body, "rate_unit"); unit.json->is_string() && unit.json->get<std::string>() != "packets") {
    fail(unit, "unsupported statement \"limit\" with a byte rate");
  }
  l.rate = rate.json->get<std::uint64_t>();
  const Value per = member(body, "per");
  const std::string unit = per.json->is_string() ? per.json->get<std::string>() : "second";
  if (unit == "second") l.unit_seconds = 1;
  else if (unit == "minute") l.unit_seconds = 60;
  else if (unit == "hour") l.unit_seconds = 3600;
  else if (unit == "day") l.unit_seconds = 86400;
  else if (unit == "week") l.unit_seconds = 604800;
  else fail(per, fmt::format("invalid \"per\" \"{}\" (second, minute, hour, day or week)", unit));
  if (const Value burst = member(body, "burst"); burst.json->is_number_unsigned()) {
    const std::uint64_t b = burst.json->get<std::uint64_t>();
    if (b > 0xffffffffu) fail(burst, "\"burst\" is out of range");
    l.burst = b == 0 ? 5 : static_cast<std::uint32_t>(b);
  }
  if (const Value inv = member(body, "inv"); inv.json->is_boolean()) {
    l.over = inv.json->get<bool>();
  }
  return l;
}

// {"mangle": {"key": {"tcp option": {"name": "maxseg", "field": "size"}}, "value": {"rt": {"key": "mtu"}} | N}}
TcpMssStmt JsonParser::mangle(const Value& body) {
  const Value key = required(body, "key");
  const Value option = key.json->is_object() ? member(key, "tcp option") : Value{&kNull, JsonPositions::kNone};
  if (!option.json->is_object() || option.json->value("name", "") != "maxseg" || option.json->value("field", "") != "size") {
    fail(key, fmt::format("unsupported statement \"mangle\" of {}", short_text(*key.json)));
  }
  TcpMssStmt mss;
  const Value value = required(body, "value");
  if (value.json->is_number_unsigned() && value.json->get<std::uint64_t>() <= 65535) {
    mss.rt_mtu = false;
    mss.value = static_cast<std::uint16_t>(value.json->get<std::uint64_t>());
  } else if (!(value.json->is_object() && value.json->contains("rt") && (*value.json)["rt"].is_object() &&
               (*value.json)["rt"].value("key", "") == "mtu")) {
    fail(value, "the MSS must be {\"rt\": {\"key\": \"mtu\"}} or a number up to 65535");
  }
  return mss;
}

// {"mangle": {"key": FIELD, "value": V | {"&"|"|"|"^": [EXPR, V]}}} for the mark and DSCP:
// the operators nest as nft writes them (`meta mark & A | B` is {"|": [{"&": [mark, A]}, B]}).
MangleStmt JsonParser::field_mangle(const Value& body) {
  MangleStmt m;
  m.field = left_field(required(body, "key"));
  if (m.field != Field::kMetaMark && m.field != Field::kIpDscp && m.field != Field::kIp6Dscp) {
    fail(required(body, "key"), fmt::format("unsupported statement \"{} set\"", field_text(m.field)));
  }
  const ValueType type = value_type_of(m.field);
  auto constant = [&](const Value& v) {
    const Element e = element_of(type, v);
    if (e.form != ElementForm::kSingle) fail(v, "a single value is needed here");
    return static_cast<std::uint32_t>(e.lo.lo);
  };
  // Folds EXPR into (mask, xor); false if EXPR is not the field itself or an operator on it.
  std::function<bool(const Value&)> fold = [&](const Value& v) -> bool {
    if (!v.json->is_object() || v.json->size() != 1) return false;
    const std::string op = v.json->begin().key();
    if (op == "&" || op == "|" || op == "^") {
      const Value args = member(v, op);
      if (!args.json->is_array() || args.json->size() != 2 || !fold(element(args, 0))) return false;
      const std::uint32_t c = constant(element(args, 1));
      if (op == "&") {
        m.mask &= c;
        m.xor_value &= c;
      } else if (op == "|") {
        m.mask &= ~c;
        m.xor_value |= c;
      } else {
        m.xor_value ^= c;
      }
      return true;
    }
    if (op == "meta" && m.field == Field::kMetaMark && left_field(v) == Field::kMetaMark) {
      m.mask = 0xffffffffu;
      return true;
    }
    return false;
  };
  const Value value = required(body, "value");
  if (value.json->is_object() && !value.json->contains("range") && !value.json->contains("prefix")) {
    if (!fold(value)) {
      fail(value, fmt::format("unsupported statement: {} set to {}", field_text(m.field), short_text(*value.json)));
    }
    return m;
  }
  m.xor_value = constant(value);
  return m;
}

Match JsonParser::match(const Value& body) {
  Match m;
  const Value op = required(body, "op");
  const std::string op_text = string_of(op, "\"op\"");
  auto parsed_op = op_from_text(op_text);
  if (!parsed_op) {
    fail(op, fmt::format("unsupported operator \"{}\"", op_text));
  }
  m.op = *parsed_op;
  m.implicit_op = op_text == "in";
  left_side(m, required(body, "left"));
  right_side(m, required(body, "right"));
  if (op_text == "!") {
    // `! bits`: none of them, (field & bits) == 0.
    const ValueType type = value_type_of(m.field);
    if (!is_bitmask(type) || m.mask || m.rhs == RhsKind::kSet || m.rhs == RhsKind::kNamedSet) {
      fail(op, "operator \"!\" needs a flag value");
    }
    Key bits;
    for (const Element& e : m.elements) {
      bits = Key{bits.hi | e.lo.hi, bits.lo | e.lo.lo};
    }
    m.mask = bits;
    m.elements.assign(1, Element{});
    m.rhs = RhsKind::kValue;
  }
  return m;
}

// A field, {"&": [FIELD, MASK]} or {"concat": [FIELD, ...]}.
void JsonParser::left_side(Match& m, const Value& left) {
  if (left.json->is_object() && left.json->contains("&")) {
    const Value binop = member(left, "&");
    if (!binop.json->is_array() || binop.json->size() != 2) {
      fail(binop, "\"&\" must be [expression, mask]");
    }
    m.field = left_field(element(binop, 0));
    const Value mask = element(binop, 1);
    const ValueType type = value_type_of(m.field);
    Key bits;
    auto add = [&](const Value& v) {
      const Element e = element_of(type, v);
      if (e.form != ElementForm::kSingle) fail(v, "a mask must be a single value");
      bits = Key{bits.hi | e.lo.hi, bits.lo | e.lo.lo};
    };
    if (mask.json->is_array()) {
      for (std::size_t i = 0; i < mask.json->size(); ++i) add(element(mask, i));
    } else {
      add(mask);
    }
    m.mask = bits;
    return;
  }
  if (left.json->is_object() && left.json->contains("concat")) {
    const Value parts = member(left, "concat");
    if (!parts.json->is_array() || parts.json->size() < 2) {
      fail(parts, "\"concat\" must list at least two expressions");
    }
    m.field = left_field(element(parts, 0));
    for (std::size_t i = 1; i < parts.json->size(); ++i) {
      m.concat.push_back(left_field(element(parts, i)));
    }
    return;
  }
  m.field = left_field(left);
}

// One key: a value, or for a concatenation {"concat": [VALUE, ...]}.
Element JsonParser::key_of(const Match& m, const Value& v) const {
  if (m.concat.empty()) {
    return element_of(value_type_of(m.field), v);
  }
  const Value parts = v.json->is_object() ? member(v, "concat") : Value{&kNull, JsonPositions::kNone};
  if (!parts.json->is_array() || parts.json->size() != m.concat.size() + 1) {
    fail(v, fmt::format("a value of this concatenation must be {{\"concat\": [...]}} with {} parts", m.concat.size() + 1));
  }
  Element e = element_of(value_type_of(m.field), element(parts, 0));
  for (std::size_t i = 0; i < m.concat.size(); ++i) {
    e.rest.push_back(element_of(value_type_of(m.concat[i]), element(parts, i + 1)));
  }
  return e;
}

Field JsonParser::left_field(const Value& left) const {
  std::string kind;
  const Value spec = single_member(left, kind);
  const FieldInfo* f = nullptr;
  std::string described;
  if (kind == "meta") {
    const std::string key = string_of(required(spec, "key"), "\"key\"");
    f = field_by_json(JsonForm::kMeta, key, "");
    described = "meta " + key;
  } else if (kind == "payload") {
    const std::string proto = string_of(required(spec, "protocol"), "\"protocol\"");
    const std::string field = string_of(required(spec, "field"), "\"field\"");
    f = field_by_json(JsonForm::kPayload, proto, field);
    described = proto + " " + field;
  } else if (kind == "ct") {
    const std::string key = string_of(required(spec, "key"), "\"key\"");
    const Value dir = member(spec, "dir");
    const std::string dir_text = dir.json->is_string() ? dir.json->get<std::string>() : std::string();
    f = field_by_json(JsonForm::kCt, key, dir_text);
    described = "ct " + (dir_text.empty() ? "" : dir_text + " ") + key;
  } else {
    described = kind;
  }
  if (f == nullptr) {
    fail(left, fmt::format("unsupported match \"{}\"", described));
  }
  return f->field;
}

Element JsonParser::element_of(ValueType type, const Value& v) const {
  std::string text;
  if (v.json->is_object() && v.json->contains("range")) {
    const Value range = member(v, "range");
    if (!range.json->is_array() || range.json->size() != 2) {
      fail(range, "\"range\" must be [low, high]");
    }
    if (type == ValueType::kTime || type == ValueType::kHour || type == ValueType::kDay) {
      Element e;
      if (auto err = parse_range(type, text_of(element(range, 0)), text_of(element(range, 1)), e)) {
        fail(v, *err);
      }
      return e;
    }
    text = text_of(element(range, 0)) + "-" + text_of(element(range, 1));
  } else if (v.json->is_object() && v.json->contains("prefix")) {
    const Value prefix = member(v, "prefix");
    text = text_of(required(prefix, "addr")) + "/" + text_of(required(prefix, "len"));
  } else {
    text = text_of(v);
  }
  Element e;
  if (auto err = parse_element(type, text, v.json->is_string(), e)) {
    fail(v, *err);
  }
  return e;
}

void JsonParser::right_side(Match& m, const Value& right) const {
  const ValueType type = value_type_of(m.field);
  m.rhs_loc = loc(right);
  if (right.json->is_string() && right.json->get<std::string>().starts_with('@')) {
    m.set_name = right.json->get<std::string>().substr(1);
    m.rhs = RhsKind::kNamedSet;
    return;
  }
  if (type == ValueType::kHour && right.json->is_object() && right.json->contains("range")) {
    const Value range = member(right, "range");
    if (!range.json->is_array() || range.json->size() != 2) {
      fail(range, "\"range\" must be [low, high]");
    }
    Element e;
    bool inverted = false;
    if (auto err = parse_range(type, text_of(element(range, 0)), text_of(element(range, 1)), e, &inverted)) {
      fail(right, *err);
    }
    if (inverted && (m.op == Op::kEq || m.op == Op::kNe)) {
      m.op = m.op == Op::kEq ? Op::kNe : Op::kEq;
    }
    m.elements.push_back(std::move(e));
    m.rhs = RhsKind::kValue;
    return;
  }
  auto fill = [&](const Value& list) {
    if (list.json->empty()) {
      fail(list, "empty set");
    }
    for (std::size_t i = 0; i < list.json->size(); ++i) {
      m.elements.push_back(key_of(m, element(list, i)));
    }
  };
  if (right.json->is_array()) {
    // `ct state established,related`, `tcp flags syn,ack`: a list of flags.
    fill(right);
    m.rhs = type == ValueType::kCtState || is_bitmask(type) ? RhsKind::kFlags : RhsKind::kSet;
    return;
  }
  if (right.json->is_object() && right.json->contains("set")) {
    const Value set = member(right, "set");
    if (!set.json->is_array()) {
      fail(set, "\"set\" must be an array");
    }
    fill(set);
    m.rhs = RhsKind::kSet;
    return;
  }
  m.elements.push_back(key_of(m, right));
  m.rhs = RhsKind::kValue;
}

NatStmt JsonParser::nat(NatKind kind, const Value& body) const {
  NatStmt n;
  n.action.kind = kind;
  const bool no_address = kind == NatKind::kMasquerade || kind == NatKind::kRedirect;
  if (body.json->is_null()) {
    if (!no_address) {
      fail(body, "missing \"addr\"");
    }
    return n;
  }
  if (const Value family = member(body, "family"); family.node != JsonPositions::kNone) {
    const std::string f = string_of(family, "\"family\"");
    if (f != "ip" && f != "ip6") {
      fail(family, fmt::format("unsupported NAT family \"{}\"", f));
    }
    n.written_family = f == "ip" ? 4 : 6;
  }
  if (const Value addr = member(body, "addr"); addr.node != JsonPositions::kNone) {
    if (no_address) {
      fail(addr, fmt::format("{} takes no address", kind == NatKind::kMasquerade ? "masquerade" : "redirect"));
    }
    n.addr_loc = loc(addr);
    if (addr.json->is_object() && addr.json->contains("range")) {
      const Value range = member(addr, "range");
      if (!range.json->is_array() || range.json->size() != 2) {
        fail(range, "\"range\" must be [low, high]");
      }
      n.addr_min_text = string_of(element(range, 0), "an address");
      n.addr_max_text = string_of(element(range, 1), "an address");
    } else {
      n.addr_min_text = string_of(addr, "\"addr\"");
    }
  }
  if (const Value port = member(body, "port"); port.node != JsonPositions::kNone) {
    n.port_loc = loc(port);
    Element e;
    std::string text;
    if (port.json->is_object() && port.json->contains("range")) {
      const Value range = member(port, "range");
      if (!range.json->is_array() || range.json->size() != 2) {
        fail(range, "\"range\" must be [low, high]");
      }
      text = text_of(element(range, 0)) + "-" + text_of(element(range, 1));
    } else {
      text = text_of(port);
    }
    if (auto err = parse_element(ValueType::kService, text, false, e)) {
      fail(port, *err);
    }
    n.action.port_min = static_cast<std::uint16_t>(e.lo.lo);
    n.action.port_max = static_cast<std::uint16_t>(e.hi.lo);
  }
  if (n.addr_min_text.empty() && !n.action.port_min && !no_address) {
    fail(body, "missing \"addr\"");
  }
  if (const Value flags = member(body, "flags"); flags.node != JsonPositions::kNone) {
    auto apply = [&](const Value& f) {
      const std::string flag = string_of(f, "a NAT flag");
      if (flag == "random") {
        n.action.random = true;
      } else if (flag == "fully-random") {
        n.action.fully_random = true;
      } else if (flag == "persistent") {
        n.action.persistent = true;
      } else {
        fail(f, fmt::format("unsupported NAT flag \"{}\"", flag));
      }
    };
    if (flags.json->is_array()) {
      for (std::size_t i = 0; i < flags.json->size(); ++i) {
        apply(element(flags, i));
      }
    } else {
      apply(flags);
    }
  }
  return n;
}

RejectStmt JsonParser::reject(const Value& body) const {
  RejectStmt r;
  if (body.json->is_null()) {
    return r;
  }
  r.with = true;
  const Value type = required(body, "type");
  const std::string t = string_of(type, "\"type\"");
  if (t == "tcp reset") {
    r.action = RejectAction{RejectKind::kTcpReset, 0};
    return r;
  }
  RejectKind kind;
  if (t == "icmp") {
    kind = RejectKind::kIcmp;
  } else if (t == "icmpv6") {
    kind = RejectKind::kIcmpv6;
  } else if (t == "icmpx") {
    kind = RejectKind::kIcmpx;
  } else {
    fail(type, fmt::format("unsupported reject type \"{}\"", t));
  }
  const Value code = required(body, "expr");
  std::optional<std::uint8_t> value;
  if (code.json->is_number_unsigned() && code.json->get<std::uint64_t>() <= 255) {
    value = static_cast<std::uint8_t>(code.json->get<std::uint64_t>());
  } else if (code.json->is_string()) {
    value = reject_code_from_name(kind, code.json->get<std::string>());
  }
  if (!value) {
    fail(code, fmt::format("unknown {} reject code {}", t, short_text(*code.json)));
  }
  r.action = RejectAction{kind, *value};
  return r;
}

LogStmt JsonParser::log(const Value& body) const {
  LogStmt l;
  if (body.json->is_null()) {
    return l;
  }
  if (const Value prefix = member(body, "prefix"); prefix.node != JsonPositions::kNone) {
    l.prefix = string_of(prefix, "\"prefix\"");
  }
  if (const Value level = member(body, "level"); level.node != JsonPositions::kNone) {
    l.level = string_of(level, "\"level\"");
    if (!is_log_level(*l.level)) {
      fail(level, fmt::format("unknown log level \"{}\"", *l.level));
    }
  }
  if (const Value flags = member(body, "flags"); flags.node != JsonPositions::kNone) {
    const bool all = (flags.json->is_string() && flags.json->get<std::string>() == "all") ||
                     (flags.json->is_array() && flags.json->size() == 1 && (*flags.json)[0] == "all");
    if (!all) {
      fail(flags, "unsupported log flags (only \"all\")");
    }
    l.flags_all = true;
  }
  for (const char* unsupported : {"group", "snaplen", "queue-threshold"}) {
    if (member(body, unsupported).node != JsonPositions::kNone) {
      fail(member(body, unsupported), fmt::format("unsupported log option \"{}\"", unsupported));
    }
  }
  return l;
}

}  // namespace flowsim::engine::nft
