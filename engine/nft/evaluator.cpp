// SPDX-License-Identifier: Apache-2.0
// The per-packet rule walk (see evaluator.hpp). Matches test the packet's fields directly;
// the dependencies nft would compile in front of them (`meta nfproto ipv4` before
// `ip saddr`, `meta l4proto tcp` before `tcp dport`) are checked inline and fail the match
// whatever its operator, as the kernel's NFT_BREAK does.
#include "engine/nft/evaluator.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "engine/nft/fields.hpp"
#include "engine/nft/values.hpp"

namespace flowsim::engine::nft {
namespace {

constexpr std::uint8_t kNfprotoIpv4 = 2;
constexpr std::uint8_t kNfprotoIpv6 = 10;

enum class Outcome : std::uint8_t { kNext, kAccept, kDrop, kReject, kJump, kGoto, kReturn };

bool name_matches(const Element& e, std::string_view name) {
  if (e.wildcard) {
    return name.substr(0, e.name.size()) == e.name;
  }
  return name == e.name;
}

bool contains(const Element& e, const Key& key) { return e.lo <= key && key <= e.hi; }

// Whether the packet has what the field needs at all: the network and transport protocol
// nft would have checked in front of it, and the field itself.
bool read_field(const FieldInfo& f, const PacketInfo& p, Key& key, std::string_view& name) {
  if ((f.family == 4 && p.nfproto != kNfprotoIpv4) || (f.family == 6 && p.nfproto != kNfprotoIpv6)) {
    return false;
  }
  if (f.l4proto >= 0 && p.l4proto != f.l4proto) {
    return false;
  }
  return f.read(p, key, name);
}

bool element_hit(ValueType type, const Element& e, const Key& key, std::string_view name) {
  switch (type) {
    case ValueType::kIfname:
      return name_matches(e, name);
    case ValueType::kIfindex:
      return e.name.empty() ? contains(e, key) : e.name == name;
    default:
      return contains(e, key);
  }
}

// IP_CT_* as a bit (what `ct state` keys hold) of the packet's CtStateBit.
std::uint64_t ct_state_kernel_value(std::uint8_t bit) {
  switch (bit) {
    case kCtInvalid: return 1;
    case kCtEstablished: return 2;
    case kCtRelated: return 4;
    case kCtNew: return 8;
    case kCtUntracked: return 64;
    default: return 0;
  }
}

Key key_and(const Key& a, const Key& b) { return Key{a.hi & b.hi, a.lo & b.lo}; }

// The packet's value of each component of a (possibly concatenated) key. False: the packet
// lacks one of them.
struct KeyValues {
  std::array<Key, 4> keys{};
  std::array<std::string_view, 4> names{};
};

bool read_key(const Match& m, const PacketInfo& p, KeyValues& out) {
  if (!read_field(field_info(m.field), p, out.keys[0], out.names[0])) {
    return false;
  }
  if (m.field == Field::kCtState) {
    out.keys[0] = key_from_u64(ct_state_kernel_value(p.ct_state));
  }
  for (std::size_t i = 0; i < m.concat.size() && i + 1 < out.keys.size(); ++i) {
    if (!read_field(field_info(m.concat[i]), p, out.keys[i + 1], out.names[i + 1])) {
      return false;
    }
  }
  if (m.mask) {
    out.keys[0] = key_and(out.keys[0], *m.mask);
  }
  return true;
}

bool key_hit(const Match& m, const Element& e, const KeyValues& v) {
  if (!element_hit(value_type_of(m.field), e, v.keys[0], v.names[0])) {
    return false;
  }
  for (std::size_t i = 0; i < m.concat.size() && i < e.rest.size(); ++i) {
    if (!element_hit(value_type_of(m.concat[i]), e.rest[i], v.keys[i + 1], v.names[i + 1])) {
      return false;
    }
  }
  return true;
}

// A lookup's hit in a named set counts on the element (nft_set_elem_expr: its counter).
void count_hit(const Element& e, const PacketInfo& p) {
  if (e.counter) {
    ++e.packets;
    e.bytes += p.length;
  }
}

bool match_holds(const Match& m, const PacketInfo& p) {
  const FieldInfo& f = field_info(m.field);
  Key key;
  std::string_view name;
  if (!m.concat.empty()) {
    KeyValues v;
    if (!read_key(m, p, v)) {
      return false;
    }
    const std::vector<Element>& elements = m.rhs == RhsKind::kNamedSet ? m.set->elements : m.elements;
    const auto e = std::find_if(elements.begin(), elements.end(), [&](const Element& x) { return key_hit(m, x, v); });
    const bool hit = e != elements.end();
    if (hit) count_hit(*e, p);
    return m.op == Op::kNe ? !hit : hit;
  }
  if (!read_field(f, p, key, name)) {
    return false;
  }
  if (m.mask) {
    key = key_and(key, *m.mask);
  }
  bool hit = false;
  if (m.field == Field::kCtState) {
    hit = (p.ct_state & m.ct_mask) != 0;
  } else if (is_bitmask(f.type) && m.implicit_op && m.rhs == RhsKind::kValue) {
    hit = key_and(key, m.elements[0].lo) != Key{};  // any of the bits
  } else {
    switch (m.op) {
      case Op::kLt: return key < m.elements[0].lo;
      case Op::kGt: return key > m.elements[0].lo;
      case Op::kLe: return key <= m.elements[0].lo;
      case Op::kGe: return key >= m.elements[0].lo;
      case Op::kEq:
      case Op::kNe:
        break;
    }
    const std::vector<Element>& elements = m.rhs == RhsKind::kNamedSet ? m.set->elements : m.elements;
    for (const Element& e : elements) {
      if (element_hit(f.type, e, key, name)) {
        hit = true;
        count_hit(e, p);
        break;
      }
    }
  }
  return m.op == Op::kNe ? !hit : hit;
}

std::uint8_t packet_family(const PacketInfo& p) { return p.nfproto == kNfprotoIpv6 ? 6 : 4; }

// One rule: its statements in order. `target` receives the chain of a jump/goto.
Outcome run_rule(Rule& rule, PacketInfo& p, EvalResult& result, Chain*& target) {
  for (Stmt& s : rule.stmts) {
    if (const auto* m = std::get_if<Match>(&s.body)) {
      if (!match_holds(*m, p)) {
        return Outcome::kNext;
      }
    } else if (auto* c = std::get_if<CounterStmt>(&s.body)) {
      ++c->packets;
      c->bytes += p.length;
    } else if (const auto* v = std::get_if<VerdictStmt>(&s.body)) {
      switch (v->kind) {
        case VerdictKind::kAccept: return Outcome::kAccept;
        case VerdictKind::kDrop: return Outcome::kDrop;
        case VerdictKind::kReturn: return Outcome::kReturn;
        case VerdictKind::kJump: target = v->chain; return Outcome::kJump;
        case VerdictKind::kGoto: target = v->chain; return Outcome::kGoto;
      }
    } else if (const auto* r = std::get_if<RejectStmt>(&s.body)) {
      result.reject = r->action;
      return Outcome::kReject;
    } else if (const auto* f = std::get_if<FlowStmt>(&s.body)) {
      if (!p.flow_add_eligible) {
        return Outcome::kNext;  // nft_flow_offload_eval: NFT_BREAK
      }
      if (result.flow_add == nullptr) {
        result.flow_add = f->spec;
      }
    } else if (const auto* map = std::get_if<VmapStmt>(&s.body)) {
      KeyValues v;
      if (!read_key(map->key, p, v)) {
        return Outcome::kNext;
      }
      const std::vector<Element>& keys = map->key.elements;
      for (std::size_t i = 0; i < keys.size(); ++i) {
        if (key_hit(map->key, keys[i], v)) {
          const VerdictStmt& verdict = map->verdicts[i];
          switch (verdict.kind) {
            case VerdictKind::kAccept: return Outcome::kAccept;
            case VerdictKind::kDrop: return Outcome::kDrop;
            case VerdictKind::kReturn: return Outcome::kReturn;
            case VerdictKind::kJump: target = verdict.chain; return Outcome::kJump;
            case VerdictKind::kGoto: target = verdict.chain; return Outcome::kGoto;
          }
        }
      }
      return Outcome::kNext;  // no key: the lookup breaks the rule
    } else if (auto* l = std::get_if<LimitStmt>(&s.body)) {
      // nft_limit_eval in simulated time.
      const std::uint64_t elapsed = p.now_ns > l->last_ns ? p.now_ns - l->last_ns : 0;
      std::uint64_t tokens = l->tokens + elapsed < l->tokens ? l->tokens_max : l->tokens + elapsed;
      tokens = std::min(tokens, l->tokens_max);
      l->last_ns = std::max(l->last_ns, p.now_ns);
      const bool within = tokens >= l->cost;
      l->tokens = within ? tokens - l->cost : tokens;
      if (within == l->over) {
        return Outcome::kNext;  // NFT_BREAK
      }
    } else if (const auto* mss = std::get_if<TcpMssStmt>(&s.body)) {
      if (p.l4proto == 6) {
        result.mss_set = true;
        result.mss_rt_mtu = mss->rt_mtu;
        result.mss_value = mss->value;
      }
    } else if (const auto* h = std::get_if<CtHelperSetStmt>(&s.body)) {
      // nft_ct_helper_obj_eval: the helper's protocol and family must be the packet's.
      const CtHelper& helper = *h->helper;
      const bool family_ok = helper.l3proto == Family::kInet || (helper.l3proto == Family::kIp && p.nfproto == kNfprotoIpv4) ||
                             (helper.l3proto == Family::kIp6 && p.nfproto == kNfprotoIpv6);
      if (family_ok && helper.l4proto == p.l4proto) {
        result.helper = helper.type;
        result.helper_l4proto = helper.l4proto;
      }
    } else if (const auto* mg = std::get_if<MangleStmt>(&s.body)) {
      if (mg->field == Field::kMetaMark) {
        p.mark = (p.mark & mg->mask) ^ mg->xor_value;
        result.mark = p.mark;
      } else {
        // nft adds the network protocol dependency in front of a payload write.
        if (field_family(mg->field) != packet_family(p)) {
          return Outcome::kNext;
        }
        p.dscp = static_cast<std::uint8_t>(((p.dscp & mg->mask) ^ mg->xor_value) & 0x3f);
        result.dscp = p.dscp;
      }
    } else if (std::holds_alternative<NotrackStmt>(s.body)) {
      result.notrack = true;
    } else if (const auto* n = std::get_if<NatStmt>(&s.body)) {
      if (n->action.family != 0 && n->action.family != packet_family(p)) {
        continue;  // nft_nat_inet_eval: another family's NAT does nothing
      }
      result.nat = n->action;
      if (result.nat.family == 0) {
        result.nat.family = packet_family(p);
      }
      return Outcome::kAccept;  // nf_nat_setup_info's NF_ACCEPT
    }
    // LogStmt: accepted and ignored.
  }
  return Outcome::kNext;
}

// One base chain to its verdict: kAccept, kDrop or kReject.
Outcome run_base_chain(Chain& base, PacketInfo& p, EvalResult& result) {
  struct Frame {
    Chain* chain;
    std::size_t next_rule;
  };
  std::array<Frame, 16> stack{};
  std::size_t depth = 0;
  Chain* chain = &base;
  std::size_t index = 0;
  for (;;) {
    if (index >= chain->rules.size()) {
      if (depth == 0) {
        return base.policy_drop ? Outcome::kDrop : Outcome::kAccept;
      }
      --depth;
      chain = stack[depth].chain;
      index = stack[depth].next_rule;
      continue;
    }
    Chain* target = nullptr;
    switch (run_rule(chain->rules[index++], p, result, target)) {
      case Outcome::kNext:
        break;
      case Outcome::kAccept:
        return Outcome::kAccept;
      case Outcome::kDrop:
        return Outcome::kDrop;
      case Outcome::kReject:
        return Outcome::kReject;
      case Outcome::kJump:
        // Depth is bounded at load time (jumps nest at most 15 deep).
        stack[depth++] = Frame{chain, index};
        chain = target;
        index = 0;
        break;
      case Outcome::kGoto:
        chain = target;
        index = 0;
        break;
      case Outcome::kReturn:
        if (depth == 0) {
          return base.policy_drop ? Outcome::kDrop : Outcome::kAccept;
        }
        --depth;
        chain = stack[depth].chain;
        index = stack[depth].next_rule;
        break;
    }
  }
}

}  // namespace

EvalResult evaluate_hook(Model& model, Hook hook, const PacketInfo& packet, PriorityRange range) {
  EvalResult result;
  result.mark = packet.mark;
  PacketInfo p = packet;  // statements (mark, DSCP) change what later rules see
  const std::size_t fam = packet.nfproto == kNfprotoIpv6 ? 1 : 0;
  for (HookEntry& entry : model.hooks[static_cast<std::size_t>(hook)][fam]) {
    if (entry.priority < range.from || entry.priority >= range.to) {
      continue;
    }
    if (entry.nat && !packet.run_nat_chains.value_or(packet.ct_state == kCtNew)) {
      continue;  // bindings are made once, on a connection's first packet
    }
    for (Chain* chain : entry.chains) {
      const Outcome outcome = run_base_chain(*chain, p, result);
      if (outcome == Outcome::kDrop) {
        result.verdict = Verdict::kDrop;
        return result;
      }
      if (outcome == Outcome::kReject) {
        result.verdict = Verdict::kReject;
        return result;
      }
      if (entry.nat && result.nat.kind != NatKind::kNone) {
        break;  // nf_nat_inet_fn: the binding is made, later nat chains are not consulted
      }
    }
  }
  result.verdict = Verdict::kAccept;
  return result;
}

}  // namespace flowsim::engine::nft
