// SPDX-License-Identifier: Apache-2.0
#include "testbench/scenario/control_event.hpp"

#include <algorithm>
#include <charconv>

#include "engine/nft/ruleset.hpp"
#include "net/input_error.hpp"
#include "net/ip_proto.hpp"
#include "testbench/scenario/scenario.hpp"

namespace flowsim::scenario {
namespace {

constexpr std::string_view kCommands =
    "ip link set DEV down|up; conntrack -F; conntrack -D [filters]; ip route add|replace|change|del ...; "
    "ip neigh add|replace|change|del ...; nft -f FILE; nft delete flowtable FAMILY TABLE NAME "
    "{ devices = { DEV } ; }; driver reset";

// Words of a command line: blanks separate, quotes group, and nft's punctuation `{ } ; , =`
// is a word of its own.
std::vector<std::string> words_of(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool have = false;
  char quote = 0;
  auto flush = [&] {
    if (have) out.push_back(cur);
    cur.clear();
    have = false;
  };
  for (const char c : line) {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        cur += c;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      have = true;
    } else if (c == ' ' || c == '\t') {
      flush();
    } else if (c == '{' || c == '}' || c == ';' || c == ',' || c == '=') {
      flush();
      out.emplace_back(1, c);
    } else {
      cur += c;
      have = true;
    }
  }
  flush();
  return out;
}

class EventParser {
 public:
  EventParser(std::string_view command, const Scenario& s, const std::filesystem::path& base)
      : w_(words_of(command)), s_(s), base_(base) {
    e_.command = std::string(command);
  }

  ControlEvent parse() {
    if (w_.empty()) fail(std::string("no command; commands are: ") + std::string(kCommands));
    if (w_[0] == "ip") return ip();
    if (w_[0] == "conntrack") return conntrack();
    if (w_[0] == "nft") return nft();
    if (w_.size() == 2 && w_[0] == "driver" && w_[1] == "reset") {
      e_.kind = ControlEvent::Kind::kDriverReset;
      return e_;
    }
    fail("unknown command '" + w_[0] + "'; commands are: " + std::string(kCommands));
  }

 private:
  [[noreturn]] static void fail(const std::string& message) { throw net::InputError(message); }

  const std::string& word(std::size_t i, std::string_view what) const {
    if (i >= w_.size()) fail("missing " + std::string(what) + " in '" + e_.command + "'");
    return w_[i];
  }

  unsigned port(const std::string& name) const {
    for (unsigned i = 0; i < s_.ports.size(); ++i) {
      if (s_.ports[i].name == name) return i;
    }
    std::string names;
    for (const auto& p : s_.ports) names += (names.empty() ? "" : ", ") + p.name;
    fail("Cannot find device \"" + name + "\" (ports are " + names + ")");
  }

  static std::optional<std::variant<net::Ipv4Addr, net::Ipv6Addr>> address(const std::string& text) {
    if (const auto a = net::Ipv4Addr::parse(text)) return *a;
    if (const auto a = net::Ipv6Addr::parse(text)) return *a;
    return std::nullopt;
  }
  static std::array<std::uint8_t, 16> tuple_bytes(const std::variant<net::Ipv4Addr, net::Ipv6Addr>& a) {
    std::array<std::uint8_t, 16> out{};
    if (const auto* v4 = std::get_if<net::Ipv4Addr>(&a)) {
      const std::uint32_t v = v4->value();
      out = {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
             static_cast<std::uint8_t>(v)};
    } else {
      out = std::get<net::Ipv6Addr>(a).bytes();
    }
    return out;
  }

  ControlEvent ip() {
    std::size_t i = 1;
    std::optional<int> family;
    if (i < w_.size() && (w_[i] == "-4" || w_[i] == "-6")) family = w_[i++] == "-4" ? 4 : 6;
    const std::string& object = word(i++, "object (link, route, neigh)");
    if (object == "link") return link(i);
    if (object == "route" || object == "r" || object == "ro") return route(i, family);
    if (object == "neigh" || object == "neighbour" || object == "n") return neigh(i);
    fail("Object \"" + object + "\" is unknown here; use link, route or neigh");
  }

  ControlEvent link(std::size_t i) {
    if (word(i++, "`set`") != "set") fail("only `ip link set DEV down|up` changes a link");
    if (word(i, "device") == "dev") ++i;
    e_.ports = {port(word(i++, "device"))};
    const std::string& state = word(i++, "down|up");
    if (state != "down" && state != "up") fail("expected down or up, got '" + state + "'");
    if (i != w_.size()) fail("unexpected '" + w_[i] + "' after `" + state + "`");
    e_.kind = state == "down" ? ControlEvent::Kind::kLinkDown : ControlEvent::Kind::kLinkUp;
    return e_;
  }

  ControlEvent route(std::size_t i, std::optional<int> family) {
    const std::string& op = word(i++, "add|replace|change|del");
    if (op == "add") {
      e_.kind = ControlEvent::Kind::kRouteAdd;
    } else if (op == "replace") {
      e_.kind = ControlEvent::Kind::kRouteReplace;
    } else if (op == "change") {
      e_.kind = ControlEvent::Kind::kRouteChange;
    } else if (op == "del" || op == "delete") {
      e_.kind = ControlEvent::Kind::kRouteDelete;
    } else {
      fail("unknown `ip route` command '" + op + "'; allowed: add, replace, change, del");
    }
    const std::string prefix_text = word(i++, "prefix");
    std::optional<std::string> via;
    std::optional<std::string> dev;
    while (i < w_.size()) {
      const std::string& k = w_[i++];
      if (k == "via") {
        via = word(i++, "gateway");
      } else if (k == "dev") {
        dev = word(i++, "device");
      } else {
        fail("unexpected '" + k + "' in `ip route`; this command knows via and dev");
      }
    }
    std::optional<std::variant<net::Ipv4Addr, net::Ipv6Addr>> gw;
    if (via) {
      gw = address(*via);
      if (!gw) fail("invalid gateway address \"" + *via + "\"");
      if (!family) family = std::holds_alternative<net::Ipv4Addr>(*gw) ? 4 : 6;
    }
    const int fam = family.value_or(prefix_text.find(':') != std::string::npos ? 6 : 4);
    if (prefix_text == "default") {
      e_.route.prefix = fam == 4 ? std::variant<net::Ipv4Prefix, net::Ipv6Prefix>(net::Ipv4Prefix::parse("0.0.0.0/0").value())
                                 : net::Ipv6Prefix::parse("::/0").value();
    } else if (fam == 4) {
      const auto p = net::Ipv4Prefix::parse(prefix_text);
      if (!p) fail("invalid IPv4 prefix \"" + prefix_text + "\"");
      if ((p->addr().value() & ~p->mask()) != 0) fail("Invalid prefix for given prefix length: " + prefix_text);
      e_.route.prefix = *p;
    } else {
      const auto p = net::Ipv6Prefix::parse(prefix_text);
      if (!p) fail("invalid IPv6 prefix \"" + prefix_text + "\"");
      e_.route.prefix = *p;
    }
    if (gw && static_cast<int>(gw->index() == 0 ? 4 : 6) != fam) fail("gateway " + *via + " is of another family");
    e_.route.gateway = gw;
    if (dev) {
      e_.route.ifindex = port(*dev);
    } else if (gw) {
      // Linux finds the device whose subnet holds the gateway.
      bool found = false;
      for (unsigned p = 0; p < s_.ports.size() && !found; ++p) {
        found = std::visit(
            [&](const auto& g) {
              if constexpr (std::is_same_v<std::decay_t<decltype(g)>, net::Ipv4Addr>) {
                return std::any_of(s_.ports[p].ipv4.begin(), s_.ports[p].ipv4.end(), [&](const auto& a) { return a.contains(g); });
              } else {
                return std::any_of(s_.ports[p].ipv6.begin(), s_.ports[p].ipv6.end(), [&](const auto& a) { return a.contains(g); });
              }
            },
            *gw);
        if (found) e_.route.ifindex = p;
      }
      if (!found) fail("Nexthop has invalid gateway: " + *via + " is on no port's subnet");
    } else if (e_.kind != ControlEvent::Kind::kRouteDelete) {
      fail("a route needs `via GATEWAY` or `dev DEVICE`");
    }
    return e_;
  }

  ControlEvent neigh(std::size_t i) {
    const std::string& op = word(i++, "add|replace|change|del");
    const bool del = op == "del" || op == "delete";
    if (!del && op != "add" && op != "replace" && op != "change") {
      fail("unknown `ip neigh` command '" + op + "'; allowed: add, replace, change, del");
    }
    const std::string& addr = word(i++, "address");
    const auto a = address(addr);
    if (!a) fail("invalid address \"" + addr + "\"");
    e_.neighbour.ip = *a;
    std::optional<std::string> dev;
    std::optional<net::MacAddr> mac;
    while (i < w_.size()) {
      const std::string& k = w_[i++];
      if (k == "lladdr") {
        const std::string& m = word(i++, "MAC address");
        mac = net::MacAddr::parse(m);
        if (!mac) fail("invalid MAC address \"" + m + "\"");
      } else if (k == "dev") {
        dev = word(i++, "device");
      } else if (k == "nud") {
        word(i++, "state");  // permanent, reachable...: every entry here is static
      } else {
        fail("unexpected '" + k + "' in `ip neigh`; this command knows lladdr, dev and nud");
      }
    }
    if (!dev) fail("`ip neigh` needs `dev DEVICE`");
    e_.neighbour.ifindex = port(*dev);
    if (!del && !mac) fail("`ip neigh " + op + "` needs `lladdr MAC`");
    if (mac) e_.neighbour.mac = *mac;
    e_.kind = del ? ControlEvent::Kind::kNeighbourDelete : ControlEvent::Kind::kNeighbourSet;
    return e_;
  }

  ControlEvent conntrack() {
    const std::string& op = word(1, "-D or -F");
    if (op == "-F" || op == "--flush") {
      if (w_.size() != 2) fail("`conntrack -F` takes no filters");
      e_.kind = ControlEvent::Kind::kConntrackDelete;
      return e_;
    }
    if (op != "-D" && op != "--delete") fail("only `conntrack -D` and `conntrack -F` change the table");
    e_.kind = ControlEvent::Kind::kConntrackDelete;
    engine::conntrack::CtFilter& f = e_.ct_filter;
    for (std::size_t i = 2; i < w_.size();) {
      const std::string& k = w_[i++];
      const std::string& v = word(i++, "value of " + k);
      if (k == "-f" || k == "--family") {
        if (v != "ipv4" && v != "ipv6") fail("family must be ipv4 or ipv6, not '" + v + "'");
        f.family = v == "ipv4" ? 4 : 6;
      } else if (k == "-p" || k == "--proto") {
        f.proto = protocol(v);
      } else if (k == "-s" || k == "--src" || k == "--orig-src") {
        f.orig_src = addr_filter(v, f);
      } else if (k == "-d" || k == "--dst" || k == "--orig-dst") {
        f.orig_dst = addr_filter(v, f);
      } else if (k == "-r" || k == "--reply-src") {
        f.reply_src = addr_filter(v, f);
      } else if (k == "-q" || k == "--reply-dst") {
        f.reply_dst = addr_filter(v, f);
      } else if (k == "--sport" || k == "--orig-port-src") {
        f.orig_sport = port_number(v);
      } else if (k == "--dport" || k == "--orig-port-dst") {
        f.orig_dport = port_number(v);
      } else {
        fail("unknown conntrack option '" + k + "'; known: -f -p -s -d -r -q --sport --dport");
      }
    }
    if ((f.orig_sport || f.orig_dport) && !f.proto) fail("conntrack: --sport/--dport need -p (a protocol with ports)");
    return e_;
  }

  std::array<std::uint8_t, 16> addr_filter(const std::string& v, engine::conntrack::CtFilter& f) const {
    const auto a = address(v);
    if (!a) fail("invalid address \"" + v + "\"");
    const std::uint8_t fam = std::holds_alternative<net::Ipv4Addr>(*a) ? 4 : 6;
    if (f.family && *f.family != fam) fail("address " + v + " is not of the filter's family");
    f.family = fam;
    return tuple_bytes(*a);
  }

  static std::uint8_t protocol(const std::string& v) {
    if (v == "tcp") return net::ip_proto::kTcp;
    if (v == "udp") return net::ip_proto::kUdp;
    if (v == "icmp") return net::ip_proto::kIcmp;
    if (v == "icmpv6" || v == "ipv6-icmp") return net::ip_proto::kIcmpv6;
    unsigned n = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc{} || end != v.data() + v.size() || n > 255) {
      fail("unknown protocol '" + v + "' (tcp, udp, icmp, icmpv6 or a number)");
    }
    return static_cast<std::uint8_t>(n);
  }

  static std::uint16_t port_number(const std::string& v) {
    unsigned n = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc{} || end != v.data() + v.size() || n > 65535) fail("invalid port '" + v + "'");
    return static_cast<std::uint16_t>(n);
  }

  ControlEvent nft() {
    if (w_.size() == 3 && w_[1] == "-f") {
      e_.kind = ControlEvent::Kind::kRulesetReload;
      e_.ruleset = (base_ / w_[2]).lexically_normal();
      std::error_code ec;
      if (!std::filesystem::is_regular_file(e_.ruleset, ec)) {
        fail("Could not process rule: No such file or directory: " + e_.ruleset.string());
      }
      // Its mistakes show now, with the ruleset file's own line and column.
      const engine::nft::Ruleset r = engine::nft::Ruleset::load(e_.ruleset);
      for (const auto& ft : r.flowtables()) {
        for (const auto& dev : ft.devices) port(dev);
      }
      return e_;
    }
    if (w_.size() >= 5 && w_[1] == "delete" && w_[2] == "flowtable") {
      // nft delete flowtable FAMILY TABLE NAME { devices = { a , b } ; }
      std::size_t i = 6;
      if (w_.size() < 10 || w_[6] != "{" || w_[7] != "devices" || w_[8] != "=" || w_[9] != "{") {
        fail("only devices can be deleted from the running flowtable: nft delete flowtable " + w_[3] + " " + w_[4] +
             " " + word(5, "flowtable name") + " { devices = { DEV } ; }");
      }
      for (i = 10; i < w_.size() && w_[i] != "}"; ++i) {
        if (w_[i] == ",") continue;
        e_.ports.push_back(port(w_[i]));
      }
      if (e_.ports.empty()) fail("no device named in the flowtable's device list");
      e_.kind = ControlEvent::Kind::kFlowtableDeviceRemove;
      return e_;
    }
    fail("this nft command is not an event; use `nft -f FILE` or `nft delete flowtable ... { devices = { DEV } ; }`");
  }

  std::vector<std::string> w_;
  const Scenario& s_;
  std::filesystem::path base_;
  ControlEvent e_;
};

}  // namespace

std::optional<ControlEvent> parse_control_event(std::string_view command, const Scenario& scenario,
                                                const std::filesystem::path& base_dir, std::string* error) {
  try {
    return EventParser(command, scenario, base_dir).parse();
  } catch (const net::InputError& e) {
    if (error) *error = e.what();
    return std::nullopt;
  }
}

}  // namespace flowsim::scenario
