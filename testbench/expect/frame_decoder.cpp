// SPDX-License-Identifier: Apache-2.0
#include "testbench/expect/frame_decoder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <optional>

#include "net/ipv4_addr.hpp"
#include "net/ipv6_addr.hpp"

namespace flowsim::expect {
namespace {

constexpr std::uint16_t kEthIpv4 = 0x0800;
constexpr std::uint16_t kEthIpv6 = 0x86dd;
constexpr std::uint16_t kEth8021q = 0x8100;
constexpr std::uint16_t kEth8021ad = 0x88a8;
constexpr std::uint16_t kEthPppoeSession = 0x8864;
constexpr std::uint8_t kProtoIcmp = 1;
constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint8_t kProtoIcmpv6 = 58;
constexpr std::string_view kTcpFlagLetters = "FSRPAUEC";

std::uint16_t be16(std::span<const std::uint8_t> f, std::size_t off) {
  return static_cast<std::uint16_t>((f[off] << 8) | f[off + 1]);
}

// The name of an IPv6 extension header, or nullopt for anything else.
std::optional<std::string_view> ext_header_name(std::uint8_t nxt) {
  switch (nxt) {
    case 0: return "hopopts";
    case 43: return "routing";
    case 60: return "dstopts";
    case 44: return "fragment";
    case 51: return "ah";
    default: return std::nullopt;
  }
}

class Decoder {
 public:
  explicit Decoder(std::span<const std::uint8_t> frame) {
    d_.frame.assign(frame.begin(), frame.end());
    f_ = d_.frame;
  }

  DecodedFrame run() && {
    ethernet();
    return std::move(d_);
  }

 private:
  // Adds a field if all of its bytes were captured; returns whether it did.
  bool add(int layer, const std::string& name, std::size_t off, std::size_t size, FieldFormat fmt = FieldFormat::kInt,
           std::uint64_t bits = 0, std::string_view short_name = {}) {
    if (size == 0 || off + size > f_.size()) return false;
    d_.fields.push_back(Field{name, off, size, bits, fmt});
    if (layer >= 0) {
      std::string s(short_name);
      if (s.empty()) s = name.substr(name.rfind('.') + 1);
      d_.layers[static_cast<std::size_t>(layer)].fields.emplace_back(std::move(s), d_.fields.size() - 1);
    }
    return true;
  }

  void rest(const std::string& name, std::size_t off, std::optional<std::size_t> end = std::nullopt) {
    const std::size_t e = end ? std::min(*end, f_.size()) : f_.size();
    if (e > off) d_.fields.push_back(Field{name, off, e - off, 0, FieldFormat::kBytes});
  }

  int new_layer(LayerKind kind, std::size_t off, std::size_t end, bool quoted, int parent_ip = -1,
                int enclosing = -1) {
    Layer l;
    l.kind = kind;
    l.off = off;
    l.end = end;
    l.quoted = quoted;
    l.parent_ip = parent_ip;
    l.enclosing = enclosing;
    d_.layers.push_back(std::move(l));
    return static_cast<int>(d_.layers.size() - 1);
  }

  void ethernet() {
    const int eth = new_layer(LayerKind::kEth, 0, f_.size(), false);
    add(eth, "eth.dst", 0, 6, FieldFormat::kMac);
    add(eth, "eth.src", 6, 6, FieldFormat::kMac);
    if (!add(eth, "eth.type", 12, 2, FieldFormat::kHex)) {
      rest("eth.payload", 12);
      return;
    }
    std::uint16_t etype = be16(f_, 12);
    std::size_t off = 14;
    for (int depth = 0; (etype == kEth8021q || etype == kEth8021ad) && depth < 2; ++depth) {
      const int vlan = new_layer(LayerKind::kVlan, off, off + 4, false);
      add(vlan, "vlan.tci", off, 2, FieldFormat::kHex);
      if (!add(vlan, "vlan.type", off + 2, 2, FieldFormat::kHex)) {
        rest("vlan.payload", off);
        return;
      }
      etype = be16(f_, off + 2);
      off += 4;
    }
    if (etype == kEthPppoeSession) {
      const int pppoe = new_layer(LayerKind::kPppoe, off, off + 8, false);
      add(pppoe, "pppoe.vertype", off, 1, FieldFormat::kHex);
      add(pppoe, "pppoe.code", off + 1, 1, FieldFormat::kHex);
      add(pppoe, "pppoe.session", off + 2, 2, FieldFormat::kHex);
      add(pppoe, "pppoe.length", off + 4, 2);
      if (!add(pppoe, "pppoe.proto", off + 6, 2, FieldFormat::kHex)) {
        rest("pppoe.payload", off);
        return;
      }
      const std::uint16_t proto = be16(f_, off + 6);
      etype = proto == 0x0021 ? kEthIpv4 : proto == 0x0057 ? kEthIpv6 : 0;
      off += 8;
    }
    std::size_t end = 0;
    if (etype == kEthIpv4) {
      end = ipv4(off, "", -1);
    } else if (etype == kEthIpv6) {
      end = ipv6(off, "", -1);
    } else {
      rest("eth.payload", off);
      return;
    }
    rest("eth.padding", end);
  }

  // Decodes an IPv4 datagram at `off`; returns where it ends (its total length, or the end
  // of the captured bytes).
  std::size_t ipv4(std::size_t off, const std::string& prefix, int enclosing) {
    const std::string p = prefix + "ipv4.";
    const int ip = new_layer(LayerKind::kIpv4, off, off, !prefix.empty(), -1, enclosing);
    if (prefix.empty()) d_.l3 = ip;
    add(ip, p + "version", off, 1, FieldFormat::kInt, 0xf0);
    add(ip, p + "ihl", off, 1, FieldFormat::kInt, 0x0f);
    add(ip, p + "tos", off + 1, 1, FieldFormat::kHex);
    add(ip, p + "len", off + 2, 2);
    add(ip, p + "id", off + 4, 2, FieldFormat::kHex);
    add(ip, p + "flags", off + 6, 2, FieldFormat::kIpFlags, 0xe000);
    add(ip, p + "frag", off + 6, 2, FieldFormat::kInt, 0x1fff);
    add(ip, p + "ttl", off + 8, 1);
    add(ip, p + "proto", off + 9, 1);
    add(ip, p + "checksum", off + 10, 2, FieldFormat::kHex);
    add(ip, p + "src", off + 12, 4, FieldFormat::kIpv4);
    if (!add(ip, p + "dst", off + 16, 4, FieldFormat::kIpv4)) {
      rest(p + "payload", off + 12);
      return f_.size();
    }
    const std::size_t ihl = static_cast<std::size_t>(f_[off] & 0x0f) * 4;
    const std::size_t total = be16(f_, off + 2);
    const std::size_t end = total >= 20 ? std::min(off + total, f_.size()) : f_.size();
    d_.layers[static_cast<std::size_t>(ip)].end = std::min(off + ihl, f_.size());
    if (ihl > 20) rest(p + "options", off + 20, off + ihl);
    const unsigned frag_off = be16(f_, off + 6) & 0x1fff;
    const std::uint8_t proto = f_[off + 9];
    if (frag_off != 0) {
      rest(p + "payload", off + ihl, end);
    } else {
      l4(proto, off + ihl, end, prefix, ip);
    }
    return end;
  }

  std::size_t ipv6(std::size_t off, const std::string& prefix, int enclosing) {
    const std::string p = prefix + "ipv6.";
    const int ip = new_layer(LayerKind::kIpv6, off, off, !prefix.empty(), -1, enclosing);
    if (prefix.empty()) d_.l3 = ip;
    add(ip, p + "version", off, 4, FieldFormat::kInt, 0xf0000000);
    add(ip, p + "tclass", off, 4, FieldFormat::kHex, 0x0ff00000);
    add(ip, p + "flowlabel", off, 4, FieldFormat::kHex, 0x000fffff);
    add(ip, p + "plen", off + 4, 2);
    add(ip, p + "nxt", off + 6, 1);
    add(ip, p + "hlim", off + 7, 1);
    add(ip, p + "src", off + 8, 16, FieldFormat::kIpv6);
    if (!add(ip, p + "dst", off + 24, 16, FieldFormat::kIpv6)) {
      rest(p + "payload", off + 8);
      return f_.size();
    }
    const std::size_t plen = be16(f_, off + 4);
    const std::size_t end = std::min(off + 40 + plen, f_.size());
    std::uint8_t nxt = f_[off + 6];
    std::size_t at = off + 40;
    while (at + 8 <= end) {
      const auto ext = ext_header_name(nxt);
      if (!ext) break;
      const std::string name = p + std::string(*ext);
      std::size_t hlen = 0;
      if (nxt == 44) {
        hlen = 8;
        add(-1, name + ".nxt", at, 1);
        add(-1, name + ".offset", at + 2, 2, FieldFormat::kInt, 0xfff8);
        add(-1, name + ".m", at + 2, 2, FieldFormat::kInt, 0x0001);
        add(-1, name + ".ident", at + 4, 4, FieldFormat::kHex);
        if ((be16(f_, at + 2) & 0xfff8) != 0) {
          rest(p + "payload", at + hlen, end);
          return end;
        }
      } else {
        hlen = nxt == 51 ? (static_cast<std::size_t>(f_[at + 1]) + 2) * 4 : (static_cast<std::size_t>(f_[at + 1]) + 1) * 8;
        add(-1, name + ".nxt", at, 1);
        rest(name + ".body", at + 1, at + hlen);
      }
      nxt = f_[at];
      at += hlen;
    }
    d_.layers[static_cast<std::size_t>(ip)].end = at;
    l4(nxt, at, end, prefix, ip);
    return end;
  }

  void l4(std::uint8_t proto, std::size_t off, std::size_t end, const std::string& prefix, int ip) {
    const bool quoted = !prefix.empty();
    const int enclosing = d_.layers[static_cast<std::size_t>(ip)].enclosing;
    if (proto == kProtoTcp) {
      const int t = new_layer(LayerKind::kTcp, off, end, quoted, ip, enclosing);
      const std::string p = prefix + "tcp.";
      add(t, p + "sport", off, 2);
      add(t, p + "dport", off + 2, 2);
      add(t, p + "seq", off + 4, 4);
      add(t, p + "ack", off + 8, 4);
      add(t, p + "doff", off + 12, 1, FieldFormat::kInt, 0xf0);
      add(t, p + "flags", off + 12, 2, FieldFormat::kTcpFlags, 0x00ff);
      add(t, p + "window", off + 14, 2);
      add(t, p + "checksum", off + 16, 2, FieldFormat::kHex);
      if (add(t, p + "urgptr", off + 18, 2)) {
        const std::size_t doff = static_cast<std::size_t>(f_[off + 12] >> 4) * 4;
        if (doff > 20) rest(p + "options", off + 20, std::min(off + doff, end));
        rest(p + "payload", off + std::max<std::size_t>(doff, 20), end);
      }
    } else if (proto == kProtoUdp) {
      const int u = new_layer(LayerKind::kUdp, off, end, quoted, ip, enclosing);
      const std::string p = prefix + "udp.";
      add(u, p + "sport", off, 2);
      add(u, p + "dport", off + 2, 2);
      add(u, p + "len", off + 4, 2);
      if (add(u, p + "checksum", off + 6, 2, FieldFormat::kHex)) rest(p + "payload", off + 8, end);
    } else if (proto == kProtoIcmp || proto == kProtoIcmpv6) {
      const LayerKind kind = proto == kProtoIcmp ? LayerKind::kIcmp : LayerKind::kIcmpv6;
      const int c = new_layer(kind, off, end, quoted, ip, enclosing);
      const std::string p = prefix + std::string(to_string(kind)) + ".";
      add(c, p + "type", off, 1);
      add(c, p + "code", off + 1, 1);
      if (!add(c, p + "checksum", off + 2, 2, FieldFormat::kHex)) {
        rest(p + "payload", off, end);
        return;
      }
      const std::uint8_t type = f_[off];
      if (is_icmp_echo(kind, type)) {
        add(c, p + "id", off + 4, 2, FieldFormat::kHex);
        add(c, p + "seq", off + 6, 2);
        rest(p + "payload", off + 8, end);
      } else if (is_icmp_error(kind, type) && !quoted) {
        add(c, p + "rest", off + 4, 4, FieldFormat::kHex);  // unused / next-hop MTU / pointer
        if (off + 8 < end) {
          if (kind == LayerKind::kIcmp) {
            ipv4(off + 8, "quote.", c);
          } else {
            ipv6(off + 8, "quote.", c);
          }
        }
      } else {
        rest(p + "payload", off + 4, end);
      }
    } else {
      rest(prefix + std::string(to_string(d_.layers[static_cast<std::size_t>(ip)].kind)) + ".payload", off, end);
    }
  }

  DecodedFrame d_;
  std::span<const std::uint8_t> f_;
};

}  // namespace

std::string_view to_string(LayerKind kind) {
  switch (kind) {
    case LayerKind::kEth: return "eth";
    case LayerKind::kVlan: return "vlan";
    case LayerKind::kPppoe: return "pppoe";
    case LayerKind::kIpv4: return "ipv4";
    case LayerKind::kIpv6: return "ipv6";
    case LayerKind::kTcp: return "tcp";
    case LayerKind::kUdp: return "udp";
    case LayerKind::kIcmp: return "icmp";
    case LayerKind::kIcmpv6: return "icmpv6";
  }
  return "?";
}

bool is_icmp_error(LayerKind kind, unsigned type) {
  if (kind == LayerKind::kIcmp) return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
  return kind == LayerKind::kIcmpv6 && type >= 1 && type <= 4;
}

bool is_icmp_echo(LayerKind kind, unsigned type) {
  if (kind == LayerKind::kIcmp) return type == 0 || type == 8;
  return kind == LayerKind::kIcmpv6 && (type == 128 || type == 129);
}

std::uint64_t Field::raw(std::span<const std::uint8_t> frame) const {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < std::min<std::size_t>(size, 8); ++i) v = (v << 8) | frame[off + i];
  if (bits != 0) {
    v &= bits;
    v >>= std::countr_zero(bits);
  }
  return v;
}

std::string Field::text(std::span<const std::uint8_t> frame) const {
  const auto b = frame.subspan(off, size);
  switch (fmt) {
    case FieldFormat::kMac:
      return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2], b[3], b[4], b[5]);
    case FieldFormat::kIpv4:
      return net::Ipv4Addr((std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3])
          .to_string();
    case FieldFormat::kIpv6: {
      std::array<std::uint8_t, 16> a{};
      std::copy(b.begin(), b.end(), a.begin());
      return net::Ipv6Addr(a).to_string();
    }
    case FieldFormat::kBytes: {
      std::string head;
      for (std::size_t i = 0; i < std::min<std::size_t>(b.size(), 24); ++i) head += fmt::format("{:02x}", b[i]);
      return fmt::format("{} bytes {}{}", b.size(), head, b.size() > 24 ? "..." : "");
    }
    case FieldFormat::kHex: return fmt::format("0x{:0{}x}", raw(frame), size * 2);
    case FieldFormat::kIpFlags: {
      const std::uint64_t v = raw(frame);
      std::string out;
      for (const auto& [bit, name] : {std::pair{4u, "evil"}, std::pair{2u, "DF"}, std::pair{1u, "MF"}}) {
        if (v & bit) out += (out.empty() ? "" : "+") + std::string(name);
      }
      return out.empty() ? "none" : out;
    }
    case FieldFormat::kTcpFlags: {
      const std::uint64_t v = raw(frame);
      std::string out;
      for (std::size_t i = 0; i < kTcpFlagLetters.size(); ++i) {
        if (v & (1u << i)) out += kTcpFlagLetters[i];
      }
      return out.empty() ? "." : out;
    }
    case FieldFormat::kInt: break;
  }
  return std::to_string(raw(frame));
}

const Field* Layer::field(const std::vector<Field>& all, std::string_view short_name) const {
  for (const auto& [name, index] : fields) {
    if (name == short_name) return &all[index];
  }
  return nullptr;
}

const Layer* DecodedFrame::l4() const {
  for (const Layer& l : layers) {
    if (!l.quoted && (l.kind == LayerKind::kTcp || l.kind == LayerKind::kUdp || l.kind == LayerKind::kIcmp ||
                      l.kind == LayerKind::kIcmpv6)) {
      return &l;
    }
  }
  return nullptr;
}

bool DecodedFrame::same_structure(const DecodedFrame& other) const {
  return std::equal(fields.begin(), fields.end(), other.fields.begin(), other.fields.end(),
                    [](const Field& a, const Field& b) { return a.name == b.name; });
}

DecodedFrame decode(std::span<const std::uint8_t> frame) { return Decoder(frame).run(); }

std::string summary(std::span<const std::uint8_t> frame) {
  const DecodedFrame d = decode(frame);
  const std::span<const std::uint8_t> fr = d.frame;
  const Layer* ip = d.outer_ip();
  if (ip == nullptr) {
    const Field* etype = d.field(d.layers.front(), "type");
    return fmt::format("{} B, ethertype {}", fr.size(), etype ? etype->text(fr) : "?");
  }
  const Field* dst = d.field(*ip, "dst");
  if (dst == nullptr) return fmt::format("{} B, truncated {}", fr.size(), to_string(ip->kind));
  std::string out = fmt::format("{} {} > {}", to_string(ip->kind), d.field(*ip, "src")->text(fr), dst->text(fr));
  if (ip->kind == LayerKind::kIpv4) {
    out += fmt::format(" ttl {} id {}", d.field(*ip, "ttl")->text(fr), d.field(*ip, "id")->text(fr));
    const std::uint64_t frag = d.field(*ip, "frag")->raw(fr);
    const std::uint64_t flags = d.field(*ip, "flags")->raw(fr);
    if (frag != 0 || (flags & 1) != 0) out += fmt::format(" frag {}{}", frag * 8, (flags & 1) ? "+" : "");
  } else {
    out += fmt::format(" hlim {}", d.field(*ip, "hlim")->text(fr));
  }
  if (const Layer* l4 = d.l4()) {
    if ((l4->kind == LayerKind::kTcp || l4->kind == LayerKind::kUdp) && d.field(*l4, "dport")) {
      out += fmt::format(" {} {} > {}", to_string(l4->kind), d.field(*l4, "sport")->text(fr),
                         d.field(*l4, "dport")->text(fr));
      if (l4->kind == LayerKind::kTcp) {
        if (const Field* flags = d.field(*l4, "flags")) out += fmt::format(" [{}]", flags->text(fr));
      }
    } else if ((l4->kind == LayerKind::kIcmp || l4->kind == LayerKind::kIcmpv6) && d.field(*l4, "code")) {
      out += fmt::format(" {} type {} code {}", to_string(l4->kind), d.field(*l4, "type")->text(fr),
                         d.field(*l4, "code")->text(fr));
      if (const Field* id = d.field(*l4, "id")) {
        if (const Field* seq = d.field(*l4, "seq")) out += fmt::format(" id {} seq {}", id->text(fr), seq->text(fr));
      }
    }
  }
  return out + fmt::format(", {} B", fr.size());
}

}  // namespace flowsim::expect
