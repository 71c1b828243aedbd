// SPDX-License-Identifier: Apache-2.0
// `nft list ruleset` output (see printer.hpp). The layout details are nftables' src/rule.c
// and src/statement.c: a blank line between a table's objects, set elements wrapped as
// calculate_delim does, reject and NAT families printed only where the table's family
// leaves them ambiguous (inet), log level "warn" (the default) omitted.
#include "engine/nft/printer.hpp"

#include <algorithm>
#include <bit>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "engine/nft/fields.hpp"
#include "engine/nft/names.hpp"
#include "engine/nft/values.hpp"

namespace flowsim::engine::nft {
namespace {

std::string_view op_prefix(Op op) {
  switch (op) {
    case Op::kEq: return "";
    case Op::kNe: return "!= ";
    case Op::kLt: return "< ";
    case Op::kGt: return "> ";
    case Op::kLe: return "<= ";
    case Op::kGe: return ">= ";
  }
  return "";
}

// How many elements of a named set go on one line before nft breaks it (calculate_delim).
unsigned elements_per_line(ValueType type) {
  switch (type) {
    case ValueType::kIpv4:
    case ValueType::kCtState:
    case ValueType::kMark:
    case ValueType::kHour:
      return 2;
    case ValueType::kService:
    case ValueType::kInetProto:
    case ValueType::kInteger:
    case ValueType::kNfproto:
    case ValueType::kIfindex:
      return 5;
    case ValueType::kTcpFlags:
    case ValueType::kCtStatus:
    case ValueType::kIcmpType:
    case ValueType::kIcmpCode:
    case ValueType::kIcmpv6Type:
    case ValueType::kIcmpv6Code:
    case ValueType::kDscp:
    case ValueType::kDay:
      return 5;
    case ValueType::kIpv6:
    case ValueType::kIfname:
    case ValueType::kTime:
      break;
  }
  return 1;
}

// A key as written: `a . b` for a concatenation.
std::string format_key_element(const Match& m, const Element& e) {
  std::string out = format_element(value_type_of(m.field), e);
  for (std::size_t i = 0; i < m.concat.size() && i < e.rest.size(); ++i) {
    out += " . " + format_element(value_type_of(m.concat[i]), e.rest[i]);
  }
  return out;
}

std::string format_lhs(const Match& m) {
  std::string out(field_text(m.field));
  for (Field f : m.concat) {
    out += " . ";
    out += field_text(f);
  }
  return out;
}

// nft's binop_postprocess for bitmask types: `& m == 0` is `! m`, `& b == b` of one bit
// stays as written, anything else is `v / m`.
std::string format_bitmask_match(const Match& m) {
  const ValueType type = value_type_of(m.field);
  const Key v = m.elements[0].lo;
  const std::string lhs(field_text(m.field));
  if (!m.mask) {
    if (m.implicit_op) {
      return fmt::format("{} {}", lhs, format_key(type, v));
    }
    return fmt::format("{} {} {}", lhs, m.op == Op::kNe ? "!=" : "==", format_key(type, v));
  }
  const Key mask = *m.mask;
  if (v == Key{} && m.op == Op::kEq) {
    return fmt::format("{} ! {}", lhs, format_key(type, mask));
  }
  if (v == mask && std::popcount(mask.lo) + std::popcount(mask.hi) == 1) {
    return fmt::format("{} & {} {} {}", lhs, format_key(type, mask), m.op == Op::kNe ? "!=" : "==", format_key(type, v));
  }
  return fmt::format("{} {}{} / {}", lhs, m.op == Op::kNe ? "!= " : "", format_key(type, v), format_key(type, mask));
}

std::string_view op_word(Op op) {
  switch (op) {
    case Op::kEq: return "==";
    case Op::kNe: return "!=";
    case Op::kLt: return "<";
    case Op::kGt: return ">";
    case Op::kLe: return "<=";
    case Op::kGe: return ">=";
  }
  return "==";
}

std::string join_elements(ValueType type, const std::vector<Element>& elements, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < elements.size(); ++i) {
    if (i != 0) {
      out += sep;
    }
    out += format_element(type, elements[i]);
  }
  return out;
}

std::string format_match(const Match& m) {
  const ValueType type = value_type_of(m.field);
  if (is_bitmask(type) && m.rhs == RhsKind::kValue) {
    return format_bitmask_match(m);
  }
  if (!m.concat.empty()) {
    std::string rhs;
    if (m.rhs == RhsKind::kNamedSet) {
      rhs = "@" + m.set_name;
    } else if (m.rhs == RhsKind::kSet) {
      rhs = "{ ";
      for (std::size_t i = 0; i < m.elements.size(); ++i) {
        rhs += (i == 0 ? "" : ", ") + format_key_element(m, m.elements[i]);
      }
      rhs += " }";
    } else {
      rhs = format_key_element(m, m.elements[0]);
    }
    return fmt::format("{} {}{}", format_lhs(m), op_prefix(m.op), rhs);
  }
  if (m.mask) {
    return fmt::format("{} & {} {} {}", field_text(m.field), format_key(type, *m.mask), op_word(m.op),
                       format_element(type, m.elements[0]));
  }
  std::string rhs;
  switch (m.rhs) {
    case RhsKind::kValue:
      rhs = format_element(type, m.elements[0]);
      break;
    case RhsKind::kFlags:
      rhs = join_elements(type, m.elements, ",");
      break;
    case RhsKind::kSet:
      rhs = fmt::format("{{ {} }}", join_elements(type, m.elements, ", "));
      break;
    case RhsKind::kNamedSet:
      rhs = "@" + m.set_name;
      break;
  }
  return fmt::format("{} {}{}", field_text(m.field), op_prefix(m.op), rhs);
}

std::string format_reject(const RejectAction& a, Family family) {
  const std::string_view code = reject_code_name(a.kind, a.code);
  const std::string code_text = code.empty() ? std::to_string(a.code) : std::string(code);
  switch (a.kind) {
    case RejectKind::kTcpReset:
      return "reject with tcp reset";
    case RejectKind::kIcmpx:
      return a.code == 1 ? "reject" : "reject with icmpx " + code_text;
    case RejectKind::kIcmp:
      return family == Family::kIp && a.code == 3 ? "reject" : "reject with icmp " + code_text;
    case RejectKind::kIcmpv6:
      return family == Family::kIp6 && a.code == 4 ? "reject" : "reject with icmpv6 " + code_text;
  }
  return "reject";
}

std::string format_nat_address(const std::array<std::uint8_t, 16>& bytes, int family) {
  if (family == 4) {
    return format_key(ValueType::kIpv4, key_from_bytes(bytes.data(), 4));
  }
  return format_key(ValueType::kIpv6, key_from_bytes(bytes.data(), 16));
}

std::string format_nat(const NatStmt& n, Family family) {
  const NatAction& a = n.action;
  std::string out;
  if (a.kind == NatKind::kMasquerade || a.kind == NatKind::kRedirect) {
    out = a.kind == NatKind::kMasquerade ? "masquerade" : "redirect";
  } else {
    out = a.kind == NatKind::kSnat ? "snat" : "dnat";
    if (family == Family::kInet) {
      out += a.family == 6 ? " ip6" : " ip";
    }
  }
  std::string ports;
  if (a.port_min) {
    ports = fmt::format(":{}", *a.port_min);
    if (a.port_max && *a.port_max != *a.port_min) {
      ports += fmt::format("-{}", *a.port_max);
    }
  }
  if (a.addr_min) {
    const bool v6 = a.family == 6;
    const bool range = a.addr_max && *a.addr_max != *a.addr_min;
    std::string addr;
    if (v6 && !ports.empty()) {
      addr = fmt::format("[{}]", format_nat_address(*a.addr_min, 6));
      if (range) {
        addr += fmt::format("-[{}]", format_nat_address(*a.addr_max, 6));
      }
    } else {
      addr = format_nat_address(*a.addr_min, a.family);
      if (range) {
        addr += "-" + format_nat_address(*a.addr_max, a.family);
      }
    }
    out += " to " + addr + ports;
  } else if (!ports.empty()) {
    out += " to " + ports;
  }
  // print_nf_nat_flags' order.
  std::string_view delim = " ";
  if (a.random) {
    out += fmt::format("{}random", delim);
    delim = ",";
  }
  if (a.fully_random) {
    out += fmt::format("{}fully-random", delim);
    delim = ",";
  }
  if (a.persistent) {
    out += fmt::format("{}persistent", delim);
  }
  return out;
}

std::string format_verdict(const VerdictStmt& v) {
  switch (v.kind) {
    case VerdictKind::kAccept: return "accept";
    case VerdictKind::kDrop: return "drop";
    case VerdictKind::kReturn: return "return";
    case VerdictKind::kJump: return "jump " + v.target;
    case VerdictKind::kGoto: return "goto " + v.target;
  }
  return {};
}

// netlink_parse_bitwise_mask_xor: the xor bits outside the mask print as `| bits`, those
// inside as `^ bits`, and the mask grows by the `|` bits; a constant is just the value.
std::string format_mangle(const MangleStmt& m) {
  const ValueType type = value_type_of(m.field);
  const std::string lhs(field_text(m.field));
  if (m.mask == 0) {
    return fmt::format("{} set {}", lhs, format_key(type, key_from_u64(m.xor_value)));
  }
  const std::uint32_t o = m.xor_value & ~m.mask;
  const std::uint32_t x = m.xor_value & m.mask;
  const std::uint32_t mask = m.mask | o;
  std::string out = fmt::format("{} set {}", lhs, lhs);
  if (mask != 0xffffffffu) out += " & " + format_key(type, key_from_u64(mask));
  if (x != 0) out += " ^ " + format_key(type, key_from_u64(x));
  if (o != 0) out += " | " + format_key(type, key_from_u64(o));
  return out;
}

std::string format_stmt(const Stmt& s, Family family) {
  if (const auto* m = std::get_if<Match>(&s.body)) {
    return format_match(*m);
  }
  if (const auto* c = std::get_if<CounterStmt>(&s.body)) {
    return fmt::format("counter packets {} bytes {}", c->packets, c->bytes);
  }
  if (const auto* v = std::get_if<VerdictStmt>(&s.body)) {
    return format_verdict(*v);
  }
  if (const auto* r = std::get_if<RejectStmt>(&s.body)) {
    return format_reject(r->action, family);
  }
  if (const auto* f = std::get_if<FlowStmt>(&s.body)) {
    return "flow add @" + f->flowtable;
  }
  if (const auto* n = std::get_if<NatStmt>(&s.body)) {
    return format_nat(*n, family);
  }
  if (const auto* map = std::get_if<VmapStmt>(&s.body)) {
    std::string out = format_lhs(map->key) + " vmap { ";
    for (std::size_t i = 0; i < map->verdicts.size(); ++i) {
      out += (i == 0 ? "" : ", ") + format_key_element(map->key, map->key.elements[i]) + " : " +
             format_verdict(map->verdicts[i]);
    }
    return out + " }";
  }
  if (const auto* l = std::get_if<LimitStmt>(&s.body)) {
    std::string_view unit = "second";
    switch (l->unit_seconds) {
      case 60: unit = "minute"; break;
      case 3600: unit = "hour"; break;
      case 86400: unit = "day"; break;
      case 604800: unit = "week"; break;
      default: break;
    }
    std::string out = fmt::format("limit rate {}{}/{}", l->over ? "over " : "", l->rate, unit);
    if (l->burst != 5) {
      out += fmt::format(" burst {} packets", l->burst);
    }
    return out;
  }
  if (const auto* mss = std::get_if<TcpMssStmt>(&s.body)) {
    return mss->rt_mtu ? std::string("tcp option maxseg size set rt mtu")
                       : fmt::format("tcp option maxseg size set {}", mss->value);
  }
  if (const auto* m = std::get_if<MangleStmt>(&s.body)) {
    return format_mangle(*m);
  }
  if (std::holds_alternative<NotrackStmt>(s.body)) {
    return "notrack";
  }
  if (const auto* h = std::get_if<CtHelperSetStmt>(&s.body)) {
    return fmt::format("ct helper set \"{}\"", h->name);
  }
  if (const auto* l = std::get_if<LogStmt>(&s.body)) {
    std::string out = "log";
    if (l->prefix) {
      out += fmt::format(" prefix \"{}\"", *l->prefix);
    }
    if (l->level && *l->level != "warn") {
      out += " level " + *l->level;
    }
    if (l->flags_all) {
      out += " flags all";
    }
    return out;
  }
  return {};
}

std::string format_rule(const Rule& rule, Family family) {
  std::string out;
  for (const Stmt& s : rule.stmts) {
    if (const auto* m = std::get_if<Match>(&s.body); m != nullptr && m->hidden) {
      continue;
    }
    if (!out.empty()) {
      out += ' ';
    }
    out += format_stmt(s, family);
  }
  if (rule.comment) {
    out += fmt::format("{}comment \"{}\"", out.empty() ? "" : " ", *rule.comment);
  }
  return out;
}

// set_print_declaration's order: type, size, flags (timeout only without a default timeout),
// auto-merge, the element statements (counter), timeout, comment; then the elements, each
// with its counter and its own timeout.
void print_set(std::string& out, const NamedSet& set) {
  out += fmt::format("\tset {} {{\n", set.name);
  out += fmt::format("\t\ttype {}", set_type_name(set.type));
  for (ValueType t : set.concat) {
    out += fmt::format(" . {}", set_type_name(t));
  }
  out += "\n";
  if (set.size != 0 && !set.constant) {
    out += fmt::format("\t\tsize {}\n", set.size);
  }
  const bool timeout_flag = set.timeout_flag && set.timeout_ms == 0;
  if (set.constant || set.interval || timeout_flag) {
    std::string flags;
    for (auto [on, name] : {std::pair{set.constant, "constant"}, std::pair{set.interval, "interval"},
                            std::pair{timeout_flag, "timeout"}}) {
      if (on) flags += (flags.empty() ? "" : ",") + std::string(name);
    }
    out += "\t\tflags " + flags + "\n";
  }
  if (set.auto_merge) {
    out += "\t\tauto-merge\n";
  }
  if (set.counter) {
    out += "\t\tcounter\n";
  }
  if (set.timeout_ms != 0) {
    out += "\t\ttimeout " + format_duration_ms(set.timeout_ms) + "\n";
  }
  if (set.comment) {
    out += fmt::format("\t\tcomment \"{}\"\n", *set.comment);
  }
  if (!set.elements.empty()) {
    out += "\t\telements = { ";
    const unsigned per_line = set.concat.empty() ? elements_per_line(set.type) : 1;
    for (std::size_t i = 0; i < set.elements.size(); ++i) {
      const Element& e = set.elements[i];
      if (i != 0) {
        out += i % per_line == 0 ? ",\n\t\t\t     " : ", ";
      }
      out += format_element(set.type, e);
      for (std::size_t k = 0; k < set.concat.size() && k < e.rest.size(); ++k) {
        out += " . " + format_element(set.concat[k], e.rest[k]);
      }
      if (e.counter) {
        out += fmt::format(" counter packets {} bytes {}", e.packets, e.bytes);
      }
      if (e.timeout_ms != 0 && e.timeout_ms != set.timeout_ms) {
        out += " timeout " + format_duration_ms(e.timeout_ms);
      }
    }
    out += " }\n";
  }
  out += "\t}\n";
}

void print_ct_helper(std::string& out, const CtHelper& h) {
  out += fmt::format("\tct helper {} {{\n", h.name);
  out += fmt::format("\t\ttype \"{}\" protocol {}\n", h.type, h.l4proto == 6 ? "tcp" : "udp");
  out += fmt::format("\t\tl3proto {}\n", family_name(h.l3proto));
  out += "\t}\n";
}

void print_flowtable(std::string& out, const Flowtable& ft) {
  out += fmt::format("\tflowtable {} {{\n", ft.spec.name);
  out += fmt::format("\t\thook ingress priority {}\n", format_priority(ft.spec.priority, Family::kNetdev, Hook::kIngress));
  if (!ft.spec.devices.empty()) {
    // nft sorts the devices the kernel returns (netlink_delinearize_flowtable).
    std::vector<std::string> devices = ft.spec.devices;
    std::sort(devices.begin(), devices.end());
    out += "\t\tdevices = { ";
    for (std::size_t i = 0; i < devices.size(); ++i) {
      out += (i == 0 ? "" : ", ") + devices[i];
    }
    out += " }\n";
  }
  if (ft.spec.offload) {
    out += "\t\tflags offload\n";
  }
  if (ft.spec.counter) {
    out += "\t\tcounter\n";
  }
  out += "\t}\n";
}

void print_chain(std::string& out, const Chain& chain, Family family) {
  out += fmt::format("\tchain {} {{\n", chain.name);
  if (chain.base) {
    out += fmt::format("\t\ttype {} hook {} priority {}; policy {};\n", chain_type_name(chain.type),
                       hook_name(chain.hook), format_priority(chain.priority, family, chain.hook),
                       chain.policy_drop ? "drop" : "accept");
  }
  for (const Rule& rule : chain.rules) {
    out += "\t\t" + format_rule(rule, family) + "\n";
  }
  out += "\t}\n";
}

}  // namespace

std::string print_model(const Model& model) {
  std::string out;
  for (const auto& table : model.tables) {
    out += fmt::format("table {} {} {{\n", family_name(table->family), table->name);
    std::string_view delim;
    for (const auto& helper : table->helpers) {
      out += delim;
      print_ct_helper(out, *helper);
      delim = "\n";
    }
    for (const auto& set : table->sets) {
      out += delim;
      print_set(out, *set);
      delim = "\n";
    }
    for (const Flowtable& ft : table->flowtables) {
      out += delim;
      print_flowtable(out, ft);
      delim = "\n";
    }
    for (const auto& chain : table->chains) {
      out += delim;
      print_chain(out, *chain, table->family);
      delim = "\n";
    }
    out += "}\n";
  }
  return out;
}

}  // namespace flowsim::engine::nft
