// SPDX-License-Identifier: Apache-2.0
#include "testbench/expect/frame_comparator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "testbench/expect/frame_decoder.hpp"

namespace flowsim::expect {
namespace {

constexpr std::array<std::string_view, static_cast<std::size_t>(Mask::kCount)> kMaskNames = {
    "ipv4.id", "ipv6.flowlabel", "l4.port", "ipv6.fragid"};

using Bytes = std::vector<std::uint8_t>;

// An ICMP/ICMPv6 error or echo reply sent from one of the router's addresses.
bool router_generated(const DecodedFrame& d, const std::set<std::string>& router_addresses) {
  const Layer* l3 = d.outer_ip();
  const Layer* l4 = d.l4();
  if (l3 == nullptr || l4 == nullptr) return false;
  const Field* src = d.field(*l3, "src");
  const Field* type = d.field(*l4, "type");
  if (src == nullptr || type == nullptr) return false;
  if (router_addresses.count(src->text(d.frame)) == 0) return false;
  const auto t = static_cast<unsigned>(type->raw(d.frame));
  if (l4->kind == LayerKind::kIcmp) return is_icmp_error(l4->kind, t) || t == 0;
  if (l4->kind == LayerKind::kIcmpv6) return is_icmp_error(l4->kind, t) || t == 129;
  return false;
}

struct KeyedField {
  const Field* field;
  std::tuple<std::string, std::string, std::string> key;
};

// Every L4 port and ICMP echo id, outer and quoted, with (protocol, address) as key.
std::vector<KeyedField> port_fields(const DecodedFrame& d) {
  std::vector<KeyedField> out;
  for (const Layer& layer : d.layers) {
    if (layer.parent_ip < 0) continue;
    const Layer& ip = d.layers[static_cast<std::size_t>(layer.parent_ip)];
    const Field* dst = d.field(ip, "dst");
    if (dst == nullptr) continue;
    const std::string src_text = d.field(ip, "src")->text(d.frame);
    const std::string dst_text = dst->text(d.frame);
    const std::string kind(to_string(layer.kind));
    if (layer.kind == LayerKind::kTcp || layer.kind == LayerKind::kUdp) {
      if (const Field* f = d.field(layer, "sport")) out.push_back({f, {kind, src_text, ""}});
      if (const Field* f = d.field(layer, "dport")) out.push_back({f, {kind, dst_text, ""}});
    } else if (layer.kind == LayerKind::kIcmp || layer.kind == LayerKind::kIcmpv6) {
      if (const Field* id = d.field(layer, "id")) {
        const auto type = d.field(layer, "type")->raw(d.frame);
        const bool request = type == 8 || type == 128;
        out.push_back({id, {kind, request ? src_text : dst_text, ""}});
      }
    }
  }
  return out;
}

// The outer IPv6 fragment header's Identification, keyed by the address pair.
std::vector<KeyedField> fragid_fields(const DecodedFrame& d) {
  std::vector<KeyedField> out;
  const Layer* l3 = d.outer_ip();
  if (l3 == nullptr || l3->kind != LayerKind::kIpv6 || d.field(*l3, "dst") == nullptr) return out;
  for (const Field& f : d.fields) {
    if (f.name == "ipv6.fragment.ident") {
      out.push_back({&f, {"ipv6-fragment", d.field(*l3, "src")->text(d.frame), d.field(*l3, "dst")->text(d.frame)}});
    }
  }
  return out;
}

// The layers whose checksum depends on `f`, innermost first.
std::vector<const Layer*> covering_checksums(const DecodedFrame& d, const Field& f) {
  std::vector<const Layer*> out;
  for (const Layer& layer : d.layers) {
    if (layer.kind == LayerKind::kEth || layer.kind == LayerKind::kVlan || layer.kind == LayerKind::kPppoe) continue;
    if (d.field(layer, "checksum") == nullptr) continue;
    if (layer.off <= f.off && f.off < layer.end) out.push_back(&layer);
  }
  std::sort(out.begin(), out.end(), [](const Layer* a, const Layer* b) { return a->off > b->off; });
  return out;
}

std::uint32_t ones_sum(std::span<const std::uint8_t> data) {
  std::uint32_t s = 0;
  for (std::size_t i = 0; i < data.size(); i += 2) {
    s += static_cast<std::uint32_t>(data[i] << 8) | (i + 1 < data.size() ? data[i + 1] : 0u);
  }
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return s;
}

// Updates `layer`'s checksum in `now` for every change between `before` and `now` in the
// bytes it covers (RFC 1624: HC' = ~(~HC + ~m + m')). A UDP checksum of 0 ("none") stays 0.
void carry_checksum(const Bytes& before, Bytes& now, const DecodedFrame& d, const Layer& layer) {
  const Field& c = *d.field(layer, "checksum");
  const std::uint32_t hc = (std::uint32_t{before[c.off]} << 8) | before[c.off + 1];
  if (layer.kind == LayerKind::kUdp && hc == 0) return;
  const std::size_t lo = layer.off;
  const std::size_t hi = std::min(std::max(layer.end, c.off + 2), before.size());
  Bytes region_before(before.begin() + static_cast<std::ptrdiff_t>(lo), before.begin() + static_cast<std::ptrdiff_t>(hi));
  Bytes region_now(now.begin() + static_cast<std::ptrdiff_t>(lo), now.begin() + static_cast<std::ptrdiff_t>(hi));
  region_before[c.off - lo] = region_before[c.off - lo + 1] = 0;
  region_now[c.off - lo] = region_now[c.off - lo + 1] = 0;
  std::uint32_t s = (~hc & 0xffff) + (~ones_sum(region_before) & 0xffff) + ones_sum(region_now);
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  std::uint32_t hc_new = ~s & 0xffff;
  if (layer.kind == LayerKind::kUdp && hc_new == 0) hc_new = 0xffff;
  now[c.off] = static_cast<std::uint8_t>(hc_new >> 8);
  now[c.off + 1] = static_cast<std::uint8_t>(hc_new);
}

bool same_bytes(std::span<const std::uint8_t> a, std::size_t a_off, std::span<const std::uint8_t> b, std::size_t b_off,
                std::size_t size) {
  return std::equal(a.begin() + static_cast<std::ptrdiff_t>(a_off),
                    a.begin() + static_cast<std::ptrdiff_t>(a_off + size),
                    b.begin() + static_cast<std::ptrdiff_t>(b_off));
}

// Fields whose bytes differ, by name (the decoded structures may differ).
std::vector<FieldDiff> field_diffs(const DecodedFrame& da, const DecodedFrame& de) {
  std::vector<FieldDiff> out;
  std::map<std::string, const Field*> by_name;
  for (const Field& f : de.fields) by_name.emplace(f.name, &f);
  std::set<std::string> seen;
  for (const Field& f : da.fields) {
    seen.insert(f.name);
    const auto it = by_name.find(f.name);
    std::string va = f.text(da.frame);
    if (it == by_name.end()) {
      out.push_back({f.name, va, "(absent)"});
      continue;
    }
    const Field& o = *it->second;
    const bool bytes_differ = f.size != o.size || !same_bytes(da.frame, f.off, de.frame, o.off, f.size);
    if (bytes_differ || (f.bits != 0 && f.raw(da.frame) != o.raw(de.frame))) {
      std::string ve = o.text(de.frame);
      if (va != ve || f.fmt == FieldFormat::kBytes) {
        if (f.fmt == FieldFormat::kBytes) {
          std::size_t at = 0;
          const std::size_t n = std::min(f.size, o.size);
          while (at < n && da.frame[f.off + at] == de.frame[o.off + at]) ++at;
          va += fmt::format(" (first difference at byte {})", at);
        }
        out.push_back({f.name, va, ve});
      }
    }
  }
  for (const Field& f : de.fields) {
    if (seen.insert(f.name).second) out.push_back({f.name, "(absent)", f.text(de.frame)});
  }
  if (out.empty() && da.frame != de.frame) {
    out.push_back({"frame", fmt::format("{} B", da.frame.size()), fmt::format("{} B", de.frame.size())});
  }
  return out;
}

}  // namespace

std::string_view to_string(Mask mask) { return kMaskNames[static_cast<std::size_t>(mask)]; }

std::optional<Mask> mask_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kMaskNames.size(); ++i) {
    if (kMaskNames[i] == name) return static_cast<Mask>(i);
  }
  return std::nullopt;
}

std::string mask_vocabulary() {
  std::string out;
  for (const auto n : kMaskNames) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

std::string to_string(const MaskSet& masks) {
  std::string out;
  for (std::size_t i = 0; i < kMaskNames.size(); ++i) {
    if (masks.test(i)) out += (out.empty() ? "" : " ") + std::string(kMaskNames[i]);
  }
  return out;
}

std::optional<std::string> FrameComparator::ValueMap::learn(const Key& key, std::uint64_t actual,
                                                            std::uint64_t expected) {
  const auto [proto, addr, extra] = key;
  const std::string where = extra.empty() ? fmt::format("{} {}", proto, addr) : fmt::format("{} {} > {}", proto, addr, extra);
  const auto a = a2e_.find({key, actual});
  if (a != a2e_.end() && a->second != expected) {
    return fmt::format("{} value {} was the expectation's {} earlier, now {}", where, actual, a->second, expected);
  }
  const auto e = e2a_.find({key, expected});
  if (e != e2a_.end() && e->second != actual) {
    return fmt::format("the expectation's {} value {} was {} earlier, now {}", where, expected, e->second, actual);
  }
  a2e_[{key, actual}] = expected;
  e2a_[{key, expected}] = actual;
  return std::nullopt;
}

FrameComparator::FrameComparator(std::set<std::string> router_addresses)
    : router_addresses_(std::move(router_addresses)) {}

std::vector<FieldDiff> FrameComparator::compare(std::span<const std::uint8_t> actual, const FramePattern& expected,
                                                const MaskSet& masks) {
  const Bytes filled = expected.filled_from(actual);
  const bool learns = has(masks, Mask::kL4Port) || has(masks, Mask::kIpv6Fragid);
  if (filled.size() == actual.size() && std::equal(filled.begin(), filled.end(), actual.begin()) && !learns) return {};
  const DecodedFrame da = decode(actual);
  const DecodedFrame de = decode(filled);
  if (!da.same_structure(de) || actual.size() != filled.size()) return field_diffs(da, de);

  Bytes now = filled;
  std::vector<const Field*> touched;  // fields of the expected frame that take the actual value
  std::vector<FieldDiff> problems;
  if (router_generated(da, router_addresses_) && router_generated(de, router_addresses_)) {
    const Layer& l3 = *de.outer_ip();
    if (has(masks, Mask::kIpv4Id) && l3.kind == LayerKind::kIpv4) touched.push_back(de.field(l3, "id"));
    if (has(masks, Mask::kIpv6Flowlabel) && l3.kind == LayerKind::kIpv6) {
      // 20 bits of a 32-bit word: carry only those bits over.
      const Field& fl = *de.field(l3, "flowlabel");
      now[fl.off + 1] = static_cast<std::uint8_t>((now[fl.off + 1] & 0xf0) | (actual[fl.off + 1] & 0x0f));
      now[fl.off + 2] = actual[fl.off + 2];
      now[fl.off + 3] = actual[fl.off + 3];
    }
  }
  const auto learn_all = [&](const std::vector<KeyedField>& fa, const std::vector<KeyedField>& fe, ValueMap& map) {
    for (std::size_t i = 0; i < std::min(fa.size(), fe.size()); ++i) {
      if (fa[i].key != fe[i].key) continue;  // the address differs: that difference is reported below
      const std::uint64_t va = fa[i].field->raw(actual);
      const std::uint64_t ve = fe[i].field->raw(filled);
      if (const auto err = map.learn(fa[i].key, va, ve)) {
        problems.push_back({fa[i].field->name, fa[i].field->text(actual),
                            fmt::format("{} ({})", fe[i].field->text(filled), *err)});
      }
      touched.push_back(fe[i].field);
    }
  };
  if (has(masks, Mask::kL4Port)) learn_all(port_fields(da), port_fields(de), ports_);
  if (has(masks, Mask::kIpv6Fragid)) learn_all(fragid_fields(da), fragid_fields(de), fragids_);

  std::set<std::size_t> carried;  // layer offsets whose checksum follows a touched field
  for (const Field* f : touched) {
    if (same_bytes(now, f->off, actual, f->off, f->size)) continue;
    std::copy(actual.begin() + static_cast<std::ptrdiff_t>(f->off),
              actual.begin() + static_cast<std::ptrdiff_t>(f->off + f->size),
              now.begin() + static_cast<std::ptrdiff_t>(f->off));
    for (const Layer* layer : covering_checksums(de, *f)) carried.insert(layer->off);
  }
  // A checksum the pattern leaves open was taken from the actual frame already.
  std::vector<const Layer*> to_carry;
  for (const Layer& layer : de.layers) {
    const Field* c = de.field(layer, "checksum");
    if (c != nullptr && carried.count(layer.off) && expected.all_care(c->off, c->size)) to_carry.push_back(&layer);
  }
  // Innermost first: an outer checksum (an ICMP error's) sees the inner ones' new values.
  std::sort(to_carry.begin(), to_carry.end(), [](const Layer* a, const Layer* b) { return a->off > b->off; });
  for (const Layer* layer : to_carry) carry_checksum(filled, now, de, *layer);
  // One's complement has two zeros: 0xffff and 0x0000 are the same sum (not for UDP, where
  // 0 means "no checksum").
  for (const Layer* layer : to_carry) {
    if (layer->kind == LayerKind::kUdp) continue;
    const Field& c = *de.field(*layer, "checksum");
    const std::uint16_t a = static_cast<std::uint16_t>((actual[c.off] << 8) | actual[c.off + 1]);
    const std::uint16_t n = static_cast<std::uint16_t>((now[c.off] << 8) | now[c.off + 1]);
    if ((a == 0 && n == 0xffff) || (a == 0xffff && n == 0)) {
      now[c.off] = actual[c.off];
      now[c.off + 1] = actual[c.off + 1];
    }
  }
  if (std::equal(now.begin(), now.end(), actual.begin(), actual.end())) return problems;
  std::vector<FieldDiff> diffs = field_diffs(da, decode(now));
  problems.insert(problems.end(), diffs.begin(), diffs.end());
  return problems;
}

std::vector<std::string> FrameComparator::side_by_side(std::span<const std::uint8_t> actual,
                                                       const FramePattern& expected,
                                                       const std::vector<FieldDiff>& differing) {
  const DecodedFrame da = decode(actual);
  const Bytes filled = expected.filled_from(actual);
  const DecodedFrame de = decode(filled);
  std::map<std::string, const Field*> by_name;
  for (const Field& f : de.fields) by_name.emplace(f.name, &f);
  std::set<std::string> diff_names;
  for (const FieldDiff& d : differing) diff_names.insert(d.name);
  struct Row {
    std::string name, actual, expected, mark;
  };
  std::vector<Row> rows{{"field", "actual", "expected", ""}};
  std::set<std::string> done;
  for (const Field& f : da.fields) {
    done.insert(f.name);
    const auto it = by_name.find(f.name);
    Row r{f.name, f.text(da.frame), it == by_name.end() ? "(absent)" : it->second->text(de.frame), ""};
    if (it != by_name.end()) {
      const Field& o = *it->second;
      const bool open = !expected.all_care(o.off, o.size);
      if (open && o.size == f.size && o.off == f.off) {
        // Show which nibbles the pattern leaves open.
        const std::string hex = expected.to_string().substr(2 * o.off, 2 * o.size);
        if (hex.find_first_not_of('*') == std::string::npos) r.expected = "*";
      }
      const bool differs = diff_names.count(f.name) != 0;
      // Differs from the pattern as written: where a mask or an open nibble allowed it.
      const bool raw_differs = o.size != f.size || o.off + o.size > expected.bytes.size() ||
                               !same_bytes(da.frame, f.off, expected.bytes, o.off, f.size);
      r.mark = differs ? "<<" : (raw_differs ? "(masked)" : "");
    } else {
      r.mark = "<<";
    }
    rows.push_back(std::move(r));
  }
  for (const Field& f : de.fields) {
    if (!done.count(f.name)) rows.push_back({f.name, "(absent)", f.text(de.frame), "<<"});
  }
  std::size_t w0 = 0;
  std::size_t w1 = 0;
  for (const Row& r : rows) {
    w0 = std::max(w0, r.name.size());
    w1 = std::max(w1, r.actual.size());
  }
  std::vector<std::string> out;
  for (const Row& r : rows) {
    std::string line = fmt::format("{:<{}}  {:<{}}  {}  {}", r.name, w0, r.actual, w1, r.expected, r.mark);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace flowsim::expect
