// SPDX-License-Identifier: Apache-2.0
// RulesetBuilder (see ruleset_builder.hpp). Error texts follow nft's where nft has one of its
// own ("conflicting protocols specified: ip vs. ip6", "Statement after terminal statement
// has no effect"); where the kernel only says EOPNOTSUPP/ENOENT, they say what is wrong.
#include "engine/nft/ruleset_builder.hpp"

#include <algorithm>
#include <array>
#include <numeric>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "engine/nft/load_error.hpp"
#include "engine/nft/fields.hpp"
#include "engine/nft/names.hpp"
#include "engine/nft/values.hpp"

namespace flowsim::engine::nft {
namespace {

// nf_tables refuses deeper nesting (NFT_JUMP_STACK_SIZE 16: base chain + 15 jumps).
constexpr unsigned kMaxJumpDepth = 15;

std::string_view op_text(Op op) {
  switch (op) {
    case Op::kEq: return "==";
    case Op::kNe: return "!=";
    case Op::kLt: return "<";
    case Op::kGt: return ">";
    case Op::kLe: return "<=";
    case Op::kGe: return ">=";
  }
  return "?";
}

std::string_view l3_name(int family) { return family == 4 ? "ip" : "ip6"; }

int table_l3(const Table& table) {
  switch (table.family) {
    case Family::kIp: return 4;
    case Family::kIp6: return 6;
    default: return 0;
  }
}

bool is_single_eq(const Match& m) {
  return m.op == Op::kEq && !m.mask && m.concat.empty() && m.rhs == RhsKind::kValue && m.elements.size() == 1 &&
         m.elements[0].form == ElementForm::kSingle && m.elements[0].name.empty();
}

// The verdicts a statement can give: a verdict statement's, or every one of a verdict map.
template <typename F>
void for_each_verdict(Stmt& s, F&& f) {
  if (auto* v = std::get_if<VerdictStmt>(&s.body)) {
    f(*v);
  } else if (auto* map = std::get_if<VmapStmt>(&s.body)) {
    for (VerdictStmt& mv : map->verdicts) {
      f(mv);
    }
  }
}

bool is_proto_field(Field f) { return f == Field::kL4proto || f == Field::kIpProtocol || f == Field::kIp6Nexthdr; }

std::string_view nat_name(NatKind kind) {
  switch (kind) {
    case NatKind::kSnat: return "snat";
    case NatKind::kDnat: return "dnat";
    case NatKind::kMasquerade: return "masquerade";
    case NatKind::kRedirect: return "redirect";
    case NatKind::kNone: break;
  }
  return "nat";
}

bool element_less(ValueType type, const Element& a, const Element& b) {
  if (type == ValueType::kIfname || type == ValueType::kIfindex) {
    return std::tie(a.name, a.wildcard, a.lo) < std::tie(b.name, b.wildcard, b.lo);
  }
  return std::tie(a.lo, a.hi) < std::tie(b.lo, b.hi);
}

std::vector<ValueType> concat_types(const Match& m) {
  std::vector<ValueType> types{value_type_of(m.field)};
  for (Field f : m.concat) {
    types.push_back(value_type_of(f));
  }
  return types;
}

// The bytes of a concatenated key as the kernel stores it: each component in network order,
// padded to 32-bit registers.
std::vector<std::uint8_t> concat_bytes(const std::vector<ValueType>& types, const Element& e) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < types.size(); ++i) {
    const Key& k = i == 0 ? e.lo : e.rest[i - 1].lo;
    const unsigned width = (value_bits(types[i]) + 7) / 8;
    for (unsigned b = width; b-- > 0;) {
      out.push_back(static_cast<std::uint8_t>(b >= 8 ? k.hi >> (8 * (b - 8)) : k.lo >> (8 * b)));
    }
    out.resize((out.size() + 3) / 4 * 4, 0);
  }
  return out;
}

// nft lists a concatenation's elements by their bytes read as one little-endian number (it
// imports them in host order): the last byte weighs most.
bool concat_less(const std::vector<ValueType>& types, const Element& a, const Element& b) {
  const std::vector<std::uint8_t> x = concat_bytes(types, a);
  const std::vector<std::uint8_t> y = concat_bytes(types, b);
  return std::lexicographical_compare(x.rbegin(), x.rend(), y.rbegin(), y.rend());
}

bool element_equal(const Element& a, const Element& b) {  // NOLINT(misc-no-recursion)
  if (a.rest.size() != b.rest.size()) return false;
  for (std::size_t i = 0; i < a.rest.size(); ++i) {
    if (!element_equal(a.rest[i], b.rest[i])) return false;
  }
  return a.lo == b.lo && a.hi == b.hi && a.name == b.name && a.wildcard == b.wildcard;
}

// nft prints interval set members in their shortest form: an address, a prefix, a range.
void canonicalize(ValueType type, Element& e) {
  if (e.lo == e.hi) {
    e.form = ElementForm::kSingle;
    return;
  }
  if (type == ValueType::kIpv4 || type == ValueType::kIpv6) {
    if (auto len = prefix_length_of(e.lo, e.hi, value_bits(type))) {
      e.form = ElementForm::kPrefix;
      e.prefix_len = *len;
      return;
    }
  }
  e.form = ElementForm::kRange;
}

std::array<std::uint8_t, 16> nat_bytes(const Key& key, int family) {
  std::array<std::uint8_t, 16> out{};
  if (family == 4) {
    for (int i = 0; i < 4; ++i) {
      out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(key.lo >> (24 - 8 * i));
    }
    return out;
  }
  for (int i = 0; i < 8; ++i) {
    out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(key.hi >> (56 - 8 * i));
    out[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(key.lo >> (56 - 8 * i));
  }
  return out;
}

// nft drops a dependency it can infer when listing: `meta nfproto ipv4` before an `ip`
// match or (inet) a reject, `meta l4proto tcp` before a `tcp` match or (ip/ip6) a
// `reject with tcp reset`. A statement in between ends the inference.
void hide_dependencies(const Table& table, std::vector<Stmt>& stmts) {
  Match* nfproto_dep = nullptr;
  Match* l4_dep = nullptr;
  for (Stmt& s : stmts) {
    if (auto* m = std::get_if<Match>(&s.body)) {
      if (m->field == Field::kNfproto && is_single_eq(*m)) {
        nfproto_dep = m;
        continue;
      }
      if (m->field == Field::kL4proto && is_single_eq(*m)) {
        // meta_may_dependency_kill: ICMP implies IPv4 and ICMPv6 IPv6, so nft drops the
        // `meta nfproto` in front of them.
        const std::uint64_t l4 = m->elements[0].lo.lo;
        if (nfproto_dep != nullptr && ((nfproto_dep->elements[0].lo.lo == 2 && l4 == 1) ||
                                       (nfproto_dep->elements[0].lo.lo == 10 && l4 == 58))) {
          nfproto_dep->hidden = true;
        }
        l4_dep = m;
        continue;
      }
      if (const int l4 = field_l4proto(m->field); nfproto_dep != nullptr && (l4 == 1 || l4 == 58)) {
        if ((nfproto_dep->elements[0].lo.lo == 2 && l4 == 1) || (nfproto_dep->elements[0].lo.lo == 10 && l4 == 58)) {
          nfproto_dep->hidden = true;
        }
      }
      // Every component of a concatenation (`ip saddr . tcp dport`) implies its protocols.
      int fam = field_family(m->field);
      int l4 = field_l4proto(m->field);
      for (Field f : m->concat) {
        fam = fam != 0 ? fam : field_family(f);
        l4 = l4 >= 0 ? l4 : field_l4proto(f);
      }
      if (fam != 0) {
        if (nfproto_dep != nullptr && (nfproto_dep->elements[0].lo.lo == 2 ? 4 : 6) == fam) {
          nfproto_dep->hidden = true;
        }
        nfproto_dep = nullptr;
      }
      if (l4 >= 0) {
        if (l4_dep != nullptr && l4_dep->elements[0].lo.lo == static_cast<std::uint64_t>(l4)) {
          l4_dep->hidden = true;
        }
        l4_dep = nullptr;
      }
      continue;
    }
    if (const auto* r = std::get_if<RejectStmt>(&s.body)) {
      if (table.family == Family::kInet && nfproto_dep != nullptr) {
        nfproto_dep->hidden = true;
      }
      if (table.family != Family::kInet && r->action.kind == RejectKind::kTcpReset && l4_dep != nullptr &&
          l4_dep->elements[0].lo.lo == 6) {
        l4_dep->hidden = true;
      }
    }
    nfproto_dep = nullptr;
    l4_dep = nullptr;
  }
}

}  // namespace

// What earlier matches of a rule established, as nft's protocol context does.
struct RulesetBuilder::RuleContext {
  int l3 = 0;           // 4, 6, or 0 = either
  int l4 = -1;          // a single transport protocol, or -1
  bool l4_set = false;  // a set of transport protocols was matched (enough for port NAT)
};

RulesetBuilder::RulesetBuilder(LoadErrors& errors) : errors_(errors) {}

void RulesetBuilder::fail(const SourceLoc& loc, std::string_view message) const { errors_.fail(loc, message); }

void RulesetBuilder::report(const SourceLoc& loc, std::string_view message) const { errors_.add(loc, message); }

Table& RulesetBuilder::add_table(Family family, std::string_view name, const SourceLoc& loc, bool create) {
  if (family == Family::kNetdev) {
    fail(loc, "unsupported table family \"netdev\" (ip, ip6 and inet are supported)");
  }
  for (auto& t : tables_) {
    if (t->family == family && t->name == name) {
      if (create) {
        fail(loc, fmt::format("table {} {} already exists", family_name(family), name));
      }
      return *t;
    }
  }
  auto table = std::make_unique<Table>();
  table->family = family;
  table->name = std::string(name);
  table->loc = loc;
  tables_.push_back(std::move(table));
  return *tables_.back();
}

Table& RulesetBuilder::find_table(Family family, std::string_view name, const SourceLoc& loc) {
  for (auto& t : tables_) {
    if (t->family == family && t->name == name) {
      return *t;
    }
  }
  fail(loc, fmt::format("unknown table {} {}", family_name(family), name));
}

void RulesetBuilder::delete_table(Family family, std::string_view name, const SourceLoc& loc) {
  Table& table = find_table(family, name, loc);
  std::erase_if(tables_, [&](const auto& t) { return t.get() == &table; });
}

void RulesetBuilder::flush_table(Table& table) {
  for (auto& c : table.chains) {
    c->rules.clear();
  }
}

void RulesetBuilder::flush_ruleset() { tables_.clear(); }

Chain& RulesetBuilder::add_chain(Table& table, std::string_view name, const SourceLoc& loc, bool create) {
  for (auto& c : table.chains) {
    if (c->name == name) {
      if (create) {
        fail(loc, fmt::format("chain \"{}\" already exists", name));
      }
      return *c;
    }
  }
  auto chain = std::make_unique<Chain>();
  chain->name = std::string(name);
  chain->table = &table;
  chain->loc = loc;
  table.chains.push_back(std::move(chain));
  return *table.chains.back();
}

Chain& RulesetBuilder::find_chain(Table& table, std::string_view name, const SourceLoc& loc) {
  for (auto& c : table.chains) {
    if (c->name == name) {
      return *c;
    }
  }
  fail(loc, fmt::format("unknown chain \"{}\"", name));
}

void RulesetBuilder::make_base_chain(Chain& chain, const BaseChainSpec& spec) {
  const Family family = chain.table->family;
  if (spec.hook == Hook::kIngress) {
    fail(spec.loc, fmt::format("hook ingress is not supported in a {} table", family_name(family)));
  }
  if (spec.type == ChainType::kNat && spec.hook == Hook::kForward) {
    fail(spec.loc, "chain type nat does not support the forward hook");
  }
  if (spec.type == ChainType::kRoute && spec.hook != Hook::kOutput) {
    fail(spec.loc, "chain type route only supports the output hook");
  }
  // nft_chain_parse_hook: NAT must come after conntrack (NF_IP_PRI_CONNTRACK = -200).
  if (spec.type == ChainType::kNat && spec.priority <= -200) {
    fail(spec.loc, "nat chain priority must be greater than -200 (after conntrack)");
  }
  if (chain.base) {
    if (chain.type != spec.type || chain.hook != spec.hook || chain.priority != spec.priority) {
      fail(spec.loc, fmt::format("chain \"{}\" already exists with a different type, hook or priority", chain.name));
    }
  } else {
    if (!chain.rules.empty()) {
      fail(spec.loc, fmt::format("chain \"{}\" already exists as a regular chain", chain.name));
    }
    chain.base = true;
    chain.type = spec.type;
    chain.hook = spec.hook;
    chain.priority = spec.priority;
    chain.seq = ++next_seq_;
  }
  if (spec.policy_drop) {
    chain.policy_drop = *spec.policy_drop;
  }
}

void RulesetBuilder::set_policy(Chain& chain, bool drop, const SourceLoc& loc) {
  if (!chain.base) {
    fail(loc, "policy is only valid on base chains");
  }
  chain.policy_drop = drop;
}

void RulesetBuilder::flush_chain(Chain& chain) { chain.rules.clear(); }

void RulesetBuilder::normalize_elements(ValueType type, bool interval, bool merge, std::vector<Element>& elements,
                                        const std::vector<SourceLoc>* locs) const {
  std::vector<std::size_t> order(elements.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const bool keep_order = type == ValueType::kIfname && !interval;
  if (!keep_order) {
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return element_less(type, elements[a], elements[b]); });
  }
  std::vector<Element> out;
  std::vector<std::size_t> out_index;
  for (std::size_t i : order) {
    Element& e = elements[i];
    const bool duplicate = std::any_of(out.begin(), out.end(), [&](const Element& o) { return element_equal(o, e); });
    if (duplicate) {
      continue;
    }
    const bool numeric = type != ValueType::kIfname && type != ValueType::kIfindex;
    if (interval && numeric && !out.empty()) {
      Element& last = out.back();
      const bool overlaps = e.lo <= last.hi;
      const bool adjacent = key_next(last.hi) == e.lo && last.hi != Key{~0ULL, ~0ULL};
      if (overlaps || (merge && adjacent)) {
        if (!merge) {
          const std::size_t later = std::max(i, out_index.back());
          fail(locs != nullptr && later < locs->size() ? (*locs)[later] : SourceLoc{}, "conflicting intervals specified");
        }
        last.hi = std::max(last.hi, e.hi);
        continue;
      }
    }
    out.push_back(std::move(e));
    out_index.push_back(i);
  }
  if (interval && type != ValueType::kIfname) {
    for (Element& e : out) {
      canonicalize(type, e);
    }
  }
  elements = std::move(out);
}

void RulesetBuilder::declare_set(Table& table, std::string_view name, SetDecl decl, const SourceLoc& loc, bool create) {
  NamedSet* set = nullptr;
  for (auto& s : table.sets) {
    if (s->name == name) {
      if (create) {
        fail(loc, fmt::format("set \"{}\" already exists", name));
      }
      set = s.get();
    }
  }
  if (!decl.type) {
    fail(loc, fmt::format("set \"{}\" does not specify its type", name));
  }
  if (set != nullptr) {
    if (set->type != *decl.type || set->concat != decl.concat || set->interval != decl.interval) {
      fail(decl.type_loc, fmt::format("set \"{}\" already exists with a different type or flags", name));
    }
  } else {
    auto fresh = std::make_unique<NamedSet>();
    fresh->name = std::string(name);
    fresh->type = *decl.type;
    fresh->concat = decl.concat;
    fresh->interval = decl.interval;
    fresh->constant = decl.constant;
    fresh->auto_merge = decl.auto_merge;
    fresh->counter = decl.counter;
    fresh->timeout_flag = decl.timeout_flag;
    fresh->timeout_ms = decl.timeout_ms;
    fresh->size = decl.size;
    fresh->comment = decl.comment;
    fresh->loc = loc;
    table.sets.push_back(std::move(fresh));
    set = table.sets.back().get();
  }
  if (!decl.elements.empty()) {
    add_set_elements(table, name, std::move(decl.elements), decl.element_locs, loc);
  }
}

void RulesetBuilder::add_set_elements(Table& table, std::string_view name, std::vector<Element> elements,
                                      const std::vector<SourceLoc>& locs, const SourceLoc& loc) {
  NamedSet* set = nullptr;
  for (auto& s : table.sets) {
    if (s->name == name) {
      set = s.get();
    }
  }
  if (set == nullptr) {
    fail(loc, fmt::format("unknown set @{}", name));
  }
  for (std::size_t i = 0; i < elements.size(); ++i) {
    Element& e = elements[i];
    for (std::size_t k = 0; k <= e.rest.size(); ++k) {
      const Element& part = k == 0 ? e : e.rest[k - 1];
      if (!set->interval && part.form != ElementForm::kSingle) {
        fail(i < locs.size() ? locs[i] : loc,
             fmt::format("Set member cannot be {}, missing interval flag on declaration",
                         part.form == ElementForm::kPrefix ? "prefix" : "range"));
      }
    }
    if (e.timeout_ms != 0 && !set->timeout_flag && set->timeout_ms == 0) {
      fail(i < locs.size() ? locs[i] : loc, "an element timeout needs a set with `flags timeout` or a `timeout`");
    }
    e.counter = e.counter || set->counter;  // nft_set_elem_expr_alloc: the set's expressions
  }
  if (!set->concat.empty()) {
    // A concatenation: an interval set (pipapo) keeps the order of insertion, a hash set
    // lists by the key read as one host-order number; duplicates go either way.
    std::vector<ValueType> types{set->type};
    types.insert(types.end(), set->concat.begin(), set->concat.end());
    std::vector<Element> all = set->elements;
    for (Element& e : elements) {
      if (std::none_of(all.begin(), all.end(), [&](const Element& x) { return element_equal(x, e); })) {
        all.push_back(std::move(e));
      }
    }
    if (!set->interval) {
      std::stable_sort(all.begin(), all.end(), [&](const Element& a, const Element& b) { return concat_less(types, a, b); });
    }
    set->elements = std::move(all);
    return;
  }
  std::vector<Element> all = set->elements;
  std::vector<SourceLoc> all_locs(all.size(), set->loc);
  for (std::size_t i = 0; i < elements.size(); ++i) {
    all.push_back(std::move(elements[i]));
    all_locs.push_back(i < locs.size() ? locs[i] : loc);
  }
  normalize_elements(set->type, set->interval, set->auto_merge, all, &all_locs);
  set->elements = std::move(all);
}

void RulesetBuilder::declare_flowtable(Table& table, std::string_view name, FlowtableDecl decl, const SourceLoc& loc,
                                       bool create) {
  Flowtable* ft = nullptr;
  for (auto& f : table.flowtables) {
    if (f.spec.name == name) {
      if (create) {
        fail(loc, fmt::format("flowtable \"{}\" already exists", name));
      }
      ft = &f;
    }
  }
  if (decl.hook && *decl.hook != Hook::kIngress) {
    fail(decl.hook_loc, fmt::format("flowtable hook must be ingress, not {}", hook_name(*decl.hook)));
  }
  if (ft == nullptr) {
    if (!decl.hook || !decl.priority) {
      fail(loc, fmt::format("flowtable \"{}\" needs `hook ingress priority ...`", name));
    }
    Flowtable fresh;
    fresh.spec.table = table.name;
    fresh.spec.family = table.family;
    fresh.spec.name = std::string(name);
    fresh.spec.priority = *decl.priority;
    fresh.loc = loc;
    table.flowtables.push_back(std::move(fresh));
    ft = &table.flowtables.back();
  } else if (decl.priority && *decl.priority != ft->spec.priority) {
    fail(decl.hook_loc, fmt::format("flowtable \"{}\" already exists with another priority", name));
  }
  for (std::string& dev : decl.devices) {
    if (std::find(ft->spec.devices.begin(), ft->spec.devices.end(), dev) == ft->spec.devices.end()) {
      ft->spec.devices.push_back(std::move(dev));
    }
  }
  ft->spec.offload = ft->spec.offload || decl.offload;
  ft->spec.counter = ft->spec.counter || decl.counter;
}

void RulesetBuilder::normalize_match(const Table& table, Match& m, const SourceLoc& loc, RuleContext& ctx) const {
  const ValueType type = value_type_of(m.field);
  if (m.field == Field::kNfproto && table.family != Family::kInet) {
    fail(loc, "meta nfproto is only useful in the inet family");
  }
  if (m.op != Op::kEq && m.op != Op::kNe) {
    std::string_view what;
    if (m.rhs == RhsKind::kSet || m.rhs == RhsKind::kNamedSet || m.rhs == RhsKind::kFlags) {
      what = "set";
    } else if (m.elements[0].form != ElementForm::kSingle) {
      what = m.elements[0].form == ElementForm::kRange ? "range" : "prefix";
    } else if (type == ValueType::kIfname || type == ValueType::kCtState || type == ValueType::kNfproto ||
               !m.elements[0].name.empty()) {
      what = "symbolic";
    }
    if (!what.empty()) {
      fail(m.rhs_loc, fmt::format("Relational expression ({}) is undefined for {} expressions", op_text(m.op), what));
    }
  }
  if (m.mask && (type == ValueType::kIfname || type == ValueType::kIfindex || type == ValueType::kCtState)) {
    fail(m.rhs_loc, fmt::format("unsupported match: a mask on {}", field_text(m.field)));
  }
  if (m.mask && (m.rhs == RhsKind::kSet || m.rhs == RhsKind::kNamedSet)) {
    fail(m.rhs_loc, "unsupported match: a masked value looked up in a set");
  }
  if (is_bitmask(type) && (m.rhs == RhsKind::kFlags || m.rhs == RhsKind::kValue)) {
    // `syn,ack` is one value: its bits.
    Key bits;
    for (const Element& e : m.elements) {
      bits = Key{bits.hi | e.lo.hi, bits.lo | e.lo.lo};
    }
    m.elements.resize(1);
    m.elements[0] = Element{};
    m.elements[0].lo = m.elements[0].hi = bits;
    m.rhs = RhsKind::kValue;
    if (m.mask && bits == Key{} && m.op == Op::kNe) {
      // `& m != 0` is nft's implicit flag test `m`.
      m.elements[0].lo = m.elements[0].hi = *m.mask;
      m.mask.reset();
      m.op = Op::kEq;
      m.implicit_op = true;
    } else if (m.mask) {
      m.implicit_op = false;
    }
  }
  if ((m.rhs == RhsKind::kSet || m.rhs == RhsKind::kFlags) && m.elements.size() == 1 && m.concat.empty()) {
    m.rhs = RhsKind::kValue;  // nft turns a one-element anonymous set into a plain match
  }
  if (m.rhs == RhsKind::kSet && !m.concat.empty()) {
    const std::vector<ValueType> types = concat_types(m);
    std::stable_sort(m.elements.begin(), m.elements.end(),
                     [&](const Element& a, const Element& b) { return concat_less(types, a, b); });
    m.elements.erase(std::unique(m.elements.begin(), m.elements.end(), element_equal), m.elements.end());
  } else if (m.rhs == RhsKind::kSet) {
    const bool interval = std::any_of(m.elements.begin(), m.elements.end(), [](const Element& e) {
      return e.form != ElementForm::kSingle || e.wildcard;
    });
    m.interval = interval;
    normalize_elements(type, interval, true, m.elements, nullptr);
  } else if (m.rhs == RhsKind::kFlags) {
    normalize_elements(type, false, false, m.elements, nullptr);
  }
  if (type == ValueType::kCtState) {
    m.ct_mask = 0;
    for (const Element& e : m.elements) {
      m.ct_mask |= ct_state_by_kernel_value(static_cast<std::uint32_t>(e.lo.lo))->bit;
    }
  }

  int family = field_family(m.field);
  if (m.field == Field::kNfproto && is_single_eq(m)) {
    family = m.elements[0].lo.lo == 2 ? 4 : 6;
  }
  if (family != 0) {
    if (ctx.l3 != 0 && ctx.l3 != family) {
      fail(loc, fmt::format("conflicting protocols specified: {} vs. {}", l3_name(ctx.l3), l3_name(family)));
    }
    ctx.l3 = family;
  }
  int l4 = field_l4proto(m.field);
  if (is_proto_field(m.field) && m.op == Op::kEq) {
    if (is_single_eq(m)) {
      l4 = static_cast<int>(m.elements[0].lo.lo);
    } else if (m.rhs == RhsKind::kSet || m.rhs == RhsKind::kNamedSet) {
      ctx.l4_set = true;
    }
  }
  if (l4 >= 0) {
    if (ctx.l4 >= 0 && ctx.l4 != l4) {
      fail(loc, fmt::format("conflicting protocols specified: {} vs. {}", l4proto_name(static_cast<std::uint8_t>(ctx.l4)),
                            l4proto_name(static_cast<std::uint8_t>(l4))));
    }
    ctx.l4 = l4;
  }
}

void RulesetBuilder::normalize_reject(const Table& table, RejectStmt& reject, const SourceLoc& loc, RuleContext& ctx,
                                      std::vector<Stmt>& out) const {
  RejectAction& a = reject.action;
  auto add_dependency = [&](Field field, std::uint64_t value) {
    Match dep;
    dep.field = field;
    Element e;
    e.lo = e.hi = key_from_u64(value);
    dep.elements.push_back(e);
    dep.rhs_loc = loc;
    out.push_back(Stmt{std::move(dep), loc});
  };
  if (a.kind == RejectKind::kTcpReset) {
    if (ctx.l4 >= 0 && ctx.l4 != 6) {
      fail(loc, "you cannot use tcp reset with this protocol");
    }
    if (ctx.l4 < 0) {
      add_dependency(Field::kL4proto, 6);
      ctx.l4 = 6;
    }
    return;
  }
  if (!reject.with) {
    if (ctx.l3 == 4) {
      a = RejectAction{RejectKind::kIcmp, 3};
    } else if (ctx.l3 == 6) {
      a = RejectAction{RejectKind::kIcmpv6, 4};
    } else {
      a = RejectAction{RejectKind::kIcmpx, 1};
    }
    return;
  }
  const int needs = a.kind == RejectKind::kIcmp ? 4 : a.kind == RejectKind::kIcmpv6 ? 6 : 0;
  if (needs != 0 && ctx.l3 != 0 && ctx.l3 != needs) {
    fail(loc, fmt::format("conflicting protocols specified: {} vs. {}", l3_name(ctx.l3), l3_name(needs)));
  }
  if (needs != 0 && ctx.l3 == 0 && table.family == Family::kInet) {
    add_dependency(Field::kNfproto, needs == 4 ? 2 : 10);  // nft adds it, and hides it again
    ctx.l3 = needs;
  }
}

void RulesetBuilder::normalize_nat(const Table& table, NatStmt& nat, const SourceLoc& loc,
                                   const RuleContext& ctx) const {
  NatAction& a = nat.action;
  if (a.kind == NatKind::kMasquerade || a.kind == NatKind::kRedirect) {
    a.family = static_cast<std::uint8_t>(table_l3(table));
  } else {
    int family = table_l3(table);
    if (family != 0 && nat.written_family != 0 && nat.written_family != family) {
      fail(loc, fmt::format("conflicting protocols specified: {} vs. {}", l3_name(family), l3_name(nat.written_family)));
    }
    if (family == 0) {
      family = nat.written_family != 0 ? nat.written_family : ctx.l3;
      if (nat.written_family != 0 && ctx.l3 != 0 && ctx.l3 != nat.written_family) {
        fail(loc, fmt::format("conflicting protocols specified: {} vs. {}", l3_name(ctx.l3), l3_name(nat.written_family)));
      }
    }
    if (family == 0) {
      fail(loc, "ip or ip6 must be specified with address for inet tables.");
    }
    a.family = static_cast<std::uint8_t>(family);
    const ValueType type = family == 4 ? ValueType::kIpv4 : ValueType::kIpv6;
    Key min_key;
    if (!nat.addr_min_text.empty()) {
      Element e;
      if (auto err = parse_element(type, nat.addr_min_text, false, e); err || e.form != ElementForm::kSingle) {
        fail(nat.addr_loc, err ? *err : fmt::format("invalid address \"{}\"", nat.addr_min_text));
      }
      min_key = e.lo;
      a.addr_min = nat_bytes(e.lo, family);
      a.addr_max = a.addr_min;
    }
    if (!nat.addr_max_text.empty()) {
      Element e;
      if (auto err = parse_element(type, nat.addr_max_text, false, e); err || e.form != ElementForm::kSingle) {
        fail(nat.addr_loc, err ? *err : fmt::format("invalid address \"{}\"", nat.addr_max_text));
      }
      if (e.lo < min_key) {
        fail(nat.addr_loc, "address range has a negative size");
      }
      a.addr_max = nat_bytes(e.lo, family);
    }
  }
  if (a.port_min) {
    if (ctx.l4 < 0 && !ctx.l4_set) {
      fail(nat.port_loc, "transport protocol mapping is only valid after transport protocol match");
    }
    if (a.port_max && *a.port_max < *a.port_min) {
      fail(nat.port_loc, "port range has a negative size");
    }
  }
}

void RulesetBuilder::add_rule(Table& table, Chain& chain, Rule rule, bool prepend) {
  RuleContext ctx;
  ctx.l3 = table_l3(table);
  std::vector<Stmt> out;
  out.reserve(rule.stmts.size() + 1);
  bool terminal = false;
  for (Stmt& s : rule.stmts) {
    if (terminal) {
      fail(s.loc, "Statement after terminal statement has no effect");
    }
    if (auto* m = std::get_if<Match>(&s.body)) {
      normalize_match(table, *m, s.loc, ctx);
    } else if (auto* r = std::get_if<RejectStmt>(&s.body)) {
      normalize_reject(table, *r, s.loc, ctx, out);
      terminal = true;
    } else if (auto* n = std::get_if<NatStmt>(&s.body)) {
      normalize_nat(table, *n, s.loc, ctx);
      terminal = true;
    } else if (std::holds_alternative<VerdictStmt>(s.body)) {
      terminal = true;
    } else if (auto* map = std::get_if<VmapStmt>(&s.body)) {
      normalize_vmap(table, *map, s.loc, ctx);
      terminal = true;
    } else if (auto* l = std::get_if<LimitStmt>(&s.body)) {
      // nft_limit_init / nft_limit_pkts_init: a full bucket of `burst` packets' worth of time.
      const std::uint64_t nsecs = l->unit_seconds * 1'000'000'000ULL;
      l->cost = nsecs / l->rate;
      l->tokens_max = l->cost * l->burst;
      l->tokens = l->tokens_max;
      l->last_ns = 0;
    }
    out.push_back(std::move(s));
  }
  hide_dependencies(table, out);
  rule.stmts = std::move(out);
  if (prepend) {
    chain.rules.insert(chain.rules.begin(), std::move(rule));
  } else {
    chain.rules.push_back(std::move(rule));
  }
}

void RulesetBuilder::normalize_vmap(const Table& table, VmapStmt& map, const SourceLoc& loc, RuleContext& ctx) const {
  Match& key = map.key;
  const ValueType type = value_type_of(key.field);
  if (key.mask) {
    fail(loc, "a verdict map of a masked value is not supported");
  }
  // The dependencies and protocol context, as a set match of the same keys would give them.
  Match probe = key;
  normalize_match(table, probe, loc, ctx);
  std::vector<std::size_t> order(key.elements.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (!key.concat.empty()) {
    const std::vector<ValueType> types = concat_types(key);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return concat_less(types, key.elements[a], key.elements[b]);
    });
  } else if (type != ValueType::kIfname) {
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return element_less(type, key.elements[a], key.elements[b]);
    });
  }
  std::vector<Element> elements;
  std::vector<VerdictStmt> verdicts;
  for (std::size_t i : order) {
    for (const Element& e : elements) {
      if (element_equal(e, key.elements[i])) {
        fail(key.rhs_loc, fmt::format("duplicate key {} in verdict map", format_element(type, e)));
      }
    }
    elements.push_back(std::move(key.elements[i]));
    verdicts.push_back(std::move(map.verdicts[i]));
  }
  key.elements = std::move(elements);
  map.verdicts = std::move(verdicts);
}

void RulesetBuilder::add_ct_helper(Table& table, CtHelper helper) {
  for (const auto& h : table.helpers) {
    if (h->name == helper.name) {
      return;  // nf_tables_newobj: an existing object without NLM_F_EXCL is kept as it is
    }
  }
  if (table.family == Family::kNetdev) {
    fail(helper.loc, "ct helpers are not available in the netdev family");
  }
  // The kernel's helpers (nf_conntrack_*), and OpenWrt's rtsp; some exist for IPv4 only, so
  // an inet object gets l3proto ip (nft_ct_helper_obj_init finds no IPv6 helper).
  static constexpr std::array<std::string_view, 12> kKnown{"amanda", "ftp",  "RAS",  "Q.931", "irc",  "netbios-ns",
                                                           "pptp",   "sane", "sip",  "snmp",  "tftp", "rtsp"};
  static constexpr std::array<std::string_view, 4> kIpv4Only{"irc", "netbios-ns", "pptp", "snmp"};
  if (std::find(kKnown.begin(), kKnown.end(), helper.type) == kKnown.end()) {
    fail(helper.loc, fmt::format("unknown ct helper type \"{}\" (the kernel has amanda, ftp, RAS, Q.931, irc, "
                                 "netbios-ns, pptp, sane, sip, snmp, tftp; OpenWrt adds rtsp)",
                                 helper.type));
  }
  const bool ipv4_only = std::find(kIpv4Only.begin(), kIpv4Only.end(), helper.type) != kIpv4Only.end();
  if (ipv4_only && helper.l3proto == Family::kIp6) {
    fail(helper.loc, fmt::format("ct helper type \"{}\" exists for IPv4 only", helper.type));
  }
  if (ipv4_only && helper.l3proto == Family::kInet) {
    helper.l3proto = Family::kIp;
  }
  table.helpers.push_back(std::make_unique<CtHelper>(std::move(helper)));
}

void RulesetBuilder::resolve(Table& table) {
  for (auto& chain : table.chains) {
    for (Rule& rule : chain->rules) {
      for (Stmt& s : rule.stmts) {
        if (auto* m = std::get_if<Match>(&s.body); m != nullptr && m->rhs == RhsKind::kNamedSet) {
          auto it = std::find_if(table.sets.begin(), table.sets.end(), [&](const auto& set) { return set->name == m->set_name; });
          if (it == table.sets.end()) {
            report(m->rhs_loc, fmt::format("unknown set @{}", m->set_name));
            continue;
          }
          const std::vector<ValueType> want = concat_types(*m);
          std::vector<ValueType> have{(*it)->type};
          have.insert(have.end(), (*it)->concat.begin(), (*it)->concat.end());
          if (have != want) {
            auto names = [](const std::vector<ValueType>& types) {
              std::string out;
              for (ValueType t : types) out += (out.empty() ? "" : " . ") + std::string(set_type_name(t));
              return out;
            };
            std::string lhs(field_text(m->field));
            for (Field f : m->concat) lhs += " . " + std::string(field_text(f));
            report(m->rhs_loc, fmt::format("set @{} has type {}, {} needs {}", m->set_name, names(have), lhs, names(want)));
            continue;
          }
          m->set = it->get();
        } else if (auto* h = std::get_if<CtHelperSetStmt>(&s.body)) {
          auto it = std::find_if(table.helpers.begin(), table.helpers.end(),
                                 [&](const auto& obj) { return obj->name == h->name; });
          if (it == table.helpers.end()) {
            report(h->name_loc, fmt::format("unknown ct helper \"{}\"", h->name));
            continue;
          }
          h->helper = it->get();
        } else {
          for_each_verdict(s, [&](VerdictStmt& verdict) {
            VerdictStmt* v = &verdict;
            if (v->kind != VerdictKind::kJump && v->kind != VerdictKind::kGoto) {
              return;
            }
            auto it = std::find_if(table.chains.begin(), table.chains.end(), [&](const auto& c) { return c->name == v->target; });
            if (it == table.chains.end()) {
              report(v->target_loc, fmt::format("unknown chain \"{}\"", v->target));
              return;
            }
            if ((*it)->base) {
              report(v->target_loc, fmt::format("cannot {} to base chain \"{}\"",
                                                v->kind == VerdictKind::kJump ? "jump" : "goto", v->target));
              return;
            }
            v->chain = it->get();
          });
        }
      }
    }
  }
}

unsigned RulesetBuilder::jump_height(Chain& chain, std::vector<Chain*>& path) {
  if (auto it = heights_.find(&chain); it != heights_.end()) {
    return it->second;  // fully explored before, so not on the current path
  }
  path.push_back(&chain);
  unsigned height = 0;
  for (Rule& rule : chain.rules) {
    for (Stmt& s : rule.stmts) {
      for_each_verdict(s, [&](VerdictStmt& verdict) {
        const VerdictStmt* v = &verdict;
        if (v->chain == nullptr) {
          return;
        }
        if (std::find(path.begin(), path.end(), v->chain) != path.end()) {
          report(v->target_loc, fmt::format("{} to chain \"{}\" creates a loop",
                                            v->kind == VerdictKind::kJump ? "jump" : "goto", v->target));
          return;
        }
        const unsigned below = jump_height(*v->chain, path);
        if (below + 1 > kMaxJumpDepth && height <= kMaxJumpDepth) {
          report(v->target_loc, fmt::format("jumps nest deeper than {} chains", kMaxJumpDepth));
        }
        height = std::max(height, below + 1);
      });
    }
  }
  path.pop_back();
  heights_[&chain] = height;
  return height;
}

void RulesetBuilder::validate_from(Chain& base) {
  std::vector<Chain*> todo{&base};
  std::unordered_set<const Chain*> seen{&base};
  while (!todo.empty()) {
    Chain* chain = todo.back();
    todo.pop_back();
    for (Rule& rule : chain->rules) {
      for (Stmt& s : rule.stmts) {
        if (const auto* f = std::get_if<FlowStmt>(&s.body)) {
          if (base.hook != Hook::kForward) {
            report(s.loc, fmt::format("{} is only allowed in a chain on the forward hook",
                                    f->offload_keyword ? "flow offload" : "flow add"));
          }
        } else if (const auto* n = std::get_if<NatStmt>(&s.body)) {
          const std::string_view name = nat_name(n->action.kind);
          if (base.type != ChainType::kNat) {
            report(s.loc, fmt::format("{} is only allowed in a chain of type nat", name));
          // nft_masq_validate / nft_nat_validate.
          } else if (n->action.kind == NatKind::kMasquerade && base.hook != Hook::kPostrouting) {
            report(s.loc, "masquerade is only allowed on the postrouting hook");
          } else if (n->action.kind == NatKind::kSnat && base.hook != Hook::kPostrouting &&
                     base.hook != Hook::kInput) {
            report(s.loc, "snat is only allowed on the postrouting and input hooks");
          } else if (n->action.kind == NatKind::kDnat && base.hook != Hook::kPrerouting &&
                     base.hook != Hook::kOutput) {
            report(s.loc, "dnat is only allowed on the prerouting and output hooks");
          } else if (n->action.kind == NatKind::kRedirect && base.hook != Hook::kPrerouting &&
                     base.hook != Hook::kOutput) {
            report(s.loc, "redirect is only allowed on the prerouting and output hooks");  // nft_redir_validate
          }
        } else if (std::holds_alternative<RejectStmt>(s.body)) {
          if (base.hook == Hook::kPostrouting) {
            report(s.loc, "reject is only allowed on the prerouting, input, forward and output hooks");
          }
        } else {
          for_each_verdict(s, [&](VerdictStmt& v) {
            if (v.chain != nullptr && seen.insert(v.chain).second) {
              todo.push_back(v.chain);
            }
          });
        }
      }
    }
  }
}

void RulesetBuilder::build_hooks(Model& model) const {
  for (int fam = 0; fam < 2; ++fam) {
    std::vector<Chain*> bases;
    for (const auto& table : model.tables) {
      const bool applies = table->family == Family::kInet || (fam == 0 && table->family == Family::kIp) ||
                           (fam == 1 && table->family == Family::kIp6);
      if (!applies) {
        continue;
      }
      for (const auto& c : table->chains) {
        if (c->base) {
          bases.push_back(c.get());
        }
      }
    }
    // Lower priority first; of equal priorities the newest first (nf_hook_entries_grow).
    auto before = [](int pa, unsigned sa, int pb, unsigned sb) { return pa != pb ? pa < pb : sa > sb; };
    std::sort(bases.begin(), bases.end(),
              [&](const Chain* a, const Chain* b) { return before(a->priority, a->seq, b->priority, b->seq); });
    // nf_nat_core registers its own hooks, once per family, when the first nat chain
    // appears; the nat chains then run inside them.
    unsigned nat_seq = 0;
    for (const Chain* c : bases) {
      if (c->type == ChainType::kNat && (nat_seq == 0 || c->seq < nat_seq)) {
        nat_seq = c->seq;
      }
    }
    for (int h = 0; h < 6; ++h) {
      const Hook hook = static_cast<Hook>(h);
      std::vector<HookEntry>& entries = model.hooks[static_cast<std::size_t>(h)][static_cast<std::size_t>(fam)];
      HookEntry nat;
      nat.nat = true;
      nat.seq = nat_seq;
      nat.priority = (hook == Hook::kPrerouting || hook == Hook::kOutput) ? -100 : 100;
      for (Chain* c : bases) {
        if (c->hook != hook) {
          continue;
        }
        if (c->type == ChainType::kNat) {
          nat.chains.push_back(c);
        } else {
          entries.push_back(HookEntry{c->priority, c->seq, false, {c}});
        }
      }
      if (!nat.chains.empty()) {
        entries.push_back(std::move(nat));
      }
      std::stable_sort(entries.begin(), entries.end(), [&](const HookEntry& a, const HookEntry& b) {
        return before(a.priority, a.seq, b.priority, b.seq);
      });
    }
  }
}

Model RulesetBuilder::finish() {
  Model model;
  std::unordered_map<const Table*, std::size_t> first_flowtable;
  for (const auto& table : tables_) {
    first_flowtable[table.get()] = model.flowtables.size();
    for (const Flowtable& ft : table->flowtables) {
      model.flowtables.push_back(ft.spec);
    }
  }
  for (auto& table : tables_) {
    resolve(*table);
    for (auto& chain : table->chains) {
      for (Rule& rule : chain->rules) {
        for (Stmt& s : rule.stmts) {
          auto* f = std::get_if<FlowStmt>(&s.body);
          if (f == nullptr) {
            continue;
          }
          auto it = std::find_if(table->flowtables.begin(), table->flowtables.end(),
                                 [&](const Flowtable& ft) { return ft.spec.name == f->flowtable; });
          if (it == table->flowtables.end()) {
            report(f->name_loc, fmt::format("unknown flowtable @{}", f->flowtable));
            continue;
          }
          const auto index = first_flowtable[table.get()] + static_cast<std::size_t>(it - table->flowtables.begin());
          f->spec = &model.flowtables[index];
        }
      }
    }
  }
  for (auto& table : tables_) {
    for (auto& chain : table->chains) {
      std::vector<Chain*> path;
      jump_height(*chain, path);
    }
    for (auto& chain : table->chains) {
      if (chain->base) {
        validate_from(*chain);
      }
    }
  }
  model.tables = std::move(tables_);
  tables_.clear();
  build_hooks(model);
  return model;
}

}  // namespace flowsim::engine::nft
