// SPDX-License-Identifier: Apache-2.0
#include "testbench/scenario/scenario.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <fstream>
#include <optional>
#include <span>
#include <sstream>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "engine/nft/ruleset.hpp"
#include "net/input_error.hpp"
#include "testbench/scenario/sim_time.hpp"
#include "testbench/scenario/scenario_limits.hpp"

namespace flowsim::scenario {
namespace {

constexpr std::array<std::string_view, 14> kTopKeys = {"name",    "description", "ports",  "routes",   "neighbours",
                                                       "asic",    "cpu",         "timing", "traffic",  "ruleset",
                                                       "engine",  "services",    "events", "faults"};
constexpr std::array<std::string_view, 2> kEventKeys = {"at", "run"};
constexpr std::array<std::string_view, 2> kFaultKeys = {"at", "fault"};
constexpr std::array<std::string_view, 8> kEngineKeys = {"flowtable",          "nat_seed",  "conntrack_acct",
                                                         "conntrack_checksum", "tcp_loose", "tcp_be_liberal",
                                                         "timeouts",           "wall_clock_start"};
// The sysctls net.netfilter.nf_conntrack_*_timeout* and nf_flowtable_*_timeout, in seconds.
struct TimeoutKey {
  std::string_view name;
  std::size_t tcp_index;  // into ConntrackTimeouts::tcp, or kNotTcp
};
constexpr std::size_t kNotTcp = ~std::size_t{0};
constexpr std::array<TimeoutKey, 17> kTimeoutKeys = {{
    {"tcp_syn_sent", 1},
    {"tcp_syn_recv", 2},
    {"tcp_established", 3},
    {"tcp_fin_wait", 4},
    {"tcp_close_wait", 5},
    {"tcp_last_ack", 6},
    {"tcp_time_wait", 7},
    {"tcp_close", 8},
    {"tcp_max_retrans", engine::conntrack::kTcpTimeoutRetrans},
    {"tcp_unacknowledged", engine::conntrack::kTcpTimeoutUnack},
    {"udp", kNotTcp},
    {"udp_stream", kNotTcp},
    {"icmp", kNotTcp},
    {"icmpv6", kNotTcp},
    {"generic", kNotTcp},
    {"flowtable_tcp", kNotTcp},
    {"flowtable_udp", kNotTcp},
}};
constexpr std::array<std::string_view, 9> kPortKeys = {"name", "mac",  "ipv4", "ipv6", "speed",
                                                       "mtu",  "link", "vlan", "pppoe"};
constexpr std::array<std::string_view, 2> kPppoeKeys = {"session", "peer"};
constexpr std::array<std::string_view, 3> kRouteKeys = {"prefix", "via", "dev"};
constexpr std::array<std::string_view, 3> kNeighbourKeys = {"ip", "mac", "dev"};
constexpr std::array<std::string_view, 2> kServiceKeys = {"proto", "port"};
constexpr std::array<std::string_view, 14> kAsicKeys = {
    "clock_mhz",      "datapath_bytes", "rx_ring_size", "tx_ring_size",           "egress_queue_bytes",
    "hash",           "table_entries",  "table_ways",   "bind_mode",              "punt_meter_pps",
    "rtl",            "drop_ttl0",      "drop_bad_ipv4_checksum", "drop_bad_l4_checksum"};
constexpr std::array<std::string_view, 3> kCpuKeys = {"ns_per_packet", "irq_coalesce_pkts", "irq_coalesce_us"};
constexpr std::array<std::string_view, 2> kTrafficKeys = {"port", "pcap"};

// The ASIC model has eight MACs (DESIGN.md: 4x10G + 4x2.5G); a router needs two sides.
constexpr std::size_t kMaxPorts = 8;
constexpr std::size_t kMinPorts = 2;
// 68 is the IPv4 minimum (RFC 791, Linux's ETH_MIN_MTU); 9216 the usual jumbo maximum.
constexpr std::uint32_t kMinMtu = 68;
constexpr std::uint32_t kMaxMtu = 9216;
// Linux IFNAMSIZ is 16 including the terminating NUL.
constexpr std::size_t kMaxPortNameLength = 15;

struct Speed {
  std::string_view text;
  std::uint64_t bps;
};
constexpr std::array<Speed, 7> kSpeeds = {{{"1G", 1'000'000'000},
                                           {"2.5G", 2'500'000'000},
                                           {"5G", 5'000'000'000},
                                           {"10G", 10'000'000'000},
                                           {"25G", 25'000'000'000},
                                           {"40G", 40'000'000'000},
                                           {"100G", 100'000'000'000}}};

template <typename Range, typename Proj>
std::string join(const Range& items, Proj proj) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += proj(item);
  }
  return out;
}

std::string join(std::span<const std::string_view> items) {
  return join(items, [](std::string_view s) { return std::string(s); });
}

std::string type_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "'" + n.Scalar() + "'";
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Undefined: break;
  }
  return "nothing";
}

std::string prefix_text(const std::variant<net::Ipv4Prefix, net::Ipv6Prefix>& p) {
  return std::visit([](const auto& x) { return x.to_string(); }, p);
}

std::string address_text(const std::variant<net::Ipv4Addr, net::Ipv6Addr>& a) {
  return std::visit([](const auto& x) { return x.to_string(); }, a);
}

// The prefix with its host bits cleared, to compare routes as Linux does and to suggest the
// intended spelling.
net::Ipv4Prefix network_of(const net::Ipv4Prefix& p) {
  return net::Ipv4Prefix(net::Ipv4Addr(p.addr().value() & p.mask()), p.length());
}
net::Ipv6Prefix network_of(const net::Ipv6Prefix& p) {
  std::array<std::uint8_t, 16> b = p.addr().bytes();
  for (unsigned bit = p.length(); bit < 128; ++bit)
    b[bit / 8] = static_cast<std::uint8_t>(b[bit / 8] & ~(0x80u >> (bit % 8)));
  return net::Ipv6Prefix(net::Ipv6Addr(b), p.length());
}

// Records where each YAML document starts and where its first node is, and nothing else:
// enough to tell a second document (or a token the parser is stuck on) from the first
// without building nodes.
struct DocumentStarts : YAML::EventHandler {
  struct Document {
    YAML::Mark start;
    std::optional<YAML::Mark> first_node;
  };
  std::vector<Document> documents;

  void OnDocumentStart(const YAML::Mark& mark) override { documents.push_back({mark, std::nullopt}); }
  void OnDocumentEnd() override {}
  // An empty document is pointed at by its start ("---"), not by the null it holds.
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override { node(mark); }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnMapEnd() override {}

 private:
  void node(const YAML::Mark& mark) {
    if (!documents.empty() && !documents.back().first_node) documents.back().first_node = mark;
  }
};

// One `key: value` of a map, with the dotted path used in messages ("ports[1].mtu").
struct Field {
  YAML::Node key;
  YAML::Node value;
  std::string path;
};

class Loader {
 public:
  explicit Loader(const std::filesystem::path& file) : file_(file), file_text_(file.string()) {}

  Scenario load() {
    const YAML::Node root = parse();
    Scenario s;
    s.file = file_;
    if (!root.IsMap()) {
      fail(root.Mark(), "a scenario must be a YAML map with the keys " + join(kTopKeys) + ", got " + type_name(root));
    }
    const std::vector<Field> top = fields(root, "", "at top level", kTopKeys);
    s.name = file_.stem().string();
    if (const Field* f = find(top, "name")) s.name = string_of(*f);
    if (const Field* f = find(top, "description")) s.description = string_of(*f);

    const Field& ports = require(top, root, "ports", "at top level");
    read_ports(ports, s);
    if (const Field* f = find(top, "routes")) read_routes(*f, s);
    if (const Field* f = find(top, "neighbours")) read_neighbours(*f, s);
    if (const Field* f = find(top, "services")) read_services(*f, s);
    if (const Field* f = find(top, "asic")) read_asic(*f, s.asic);
    if (const Field* f = find(top, "cpu")) read_cpu(*f, s.cpu);
    if (const Field* f = find(top, "timing")) {
      const std::string t = string_of(*f);
      if (t == "recorded") {
        s.timing = TimingMode::kRecorded;
      } else if (t == "line-rate") {
        s.timing = TimingMode::kLineRate;
      } else {
        fail(*f, "unknown timing mode '" + t + "'; allowed: recorded, line-rate");
      }
    }
    if (const Field* f = find(top, "traffic")) read_traffic(*f, s);
    if (const Field* f = find(top, "engine")) read_engine(*f, s.engine);
    if (const Field* f = find(top, "ruleset")) read_ruleset(*f, s);
    if (const Field* f = find(top, "events")) read_events(*f, s);
    if (const Field* f = find(top, "faults")) read_faults(*f, s);
    return s;
  }

 private:
  YAML::Node parse() {
    std::ifstream in(file_, std::ios::binary);
    if (!in) {
      throw net::InputError(file_text_ + ": cannot open scenario file: " + std::generic_category().message(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    YAML::Node document;
    try {
      // Not YAML::LoadAll: yaml-cpp 0.7.0's parser does not consume a stray ',' at document
      // level ("," "!," "&a,b"), so LoadAll collects empty documents until memory runs out.
      document = YAML::Load(text.str());
      check_single_document(text.str());
    } catch (const YAML::Exception& e) {
      fail(e.mark, "YAML syntax error: " + e.msg);
    }
    return document;
  }

  // A second document would otherwise be ignored without a word. At most three documents
  // are looked at: one that starts where the previous one did is a token the parser could
  // not use, and it would return that one forever.
  void check_single_document(const std::string& text) const {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStarts seen;
    for (int i = 0; i < 3 && parser.HandleNextDocument(seen); ++i) {
      const auto& d = seen.documents;
      if (d.size() >= 2 && d[d.size() - 1].start.pos == d[d.size() - 2].start.pos) {
        const YAML::Mark& at = d.back().start;
        const auto pos = static_cast<std::size_t>(std::max(at.pos, 0));
        fail(at, "YAML syntax error: unexpected '" + (pos < text.size() ? text.substr(pos, 1) : std::string()) + "'");
      }
    }
    if (seen.documents.size() > 1) {
      const DocumentStarts::Document& second = seen.documents[1];
      fail(second.first_node.value_or(second.start), "a scenario file holds one YAML document, this is a second one");
    }
  }

  // yaml-cpp marks are 0-based; editors count from 1. A node built from nothing (an empty
  // file) has a null mark: point at the start of the file then.
  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const {
    const int line = mark.is_null() ? 1 : mark.line + 1;
    const int column = mark.is_null() ? 1 : mark.column + 1;
    throw net::InputError(file_text_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message);
  }
  // Points at the value, or at the key when the value is empty (an empty value's own mark
  // is wherever the parser happened to stop).
  [[noreturn]] void fail(const Field& f, const std::string& message) const {
    fail(f.value.IsNull() ? f.key.Mark() : f.value.Mark(), f.path + ": " + message);
  }

  static int line_of(const YAML::Node& n) { return n.Mark().is_null() ? 0 : n.Mark().line + 1; }

  // The fields of `map` in file order; unknown and duplicate keys are errors (yaml-cpp itself
  // keeps the first of two equal keys silently).
  std::vector<Field> fields(const YAML::Node& map, const std::string& path, const std::string& where,
                            std::span<const std::string_view> allowed) const {
    std::vector<Field> out;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node key = it->first;
      if (!key.IsScalar()) fail(key.Mark(), "keys must be plain names " + where + ", got " + type_name(key));
      const std::string name = key.Scalar();
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        fail(key.Mark(), "unknown key '" + name + "' " + where + "; allowed keys: " + join(allowed));
      }
      for (const Field& seen : out) {
        if (seen.key.Scalar() == name) {
          fail(key.Mark(),
               "duplicate key '" + name + "' " + where + " (first at line " + std::to_string(line_of(seen.key)) + ")");
        }
      }
      out.push_back(Field{key, it->second, path.empty() ? name : path + "." + name});
    }
    return out;
  }

  static const Field* find(const std::vector<Field>& fs, std::string_view name) {
    for (const Field& f : fs) {
      if (f.key.Scalar() == name) return &f;
    }
    return nullptr;
  }

  const Field& require(const std::vector<Field>& fs, const YAML::Node& map, std::string_view name,
                       const std::string& where) const {
    if (const Field* f = find(fs, name)) return *f;
    fail(map.Mark(), "missing required key '" + std::string(name) + "' " + where);
  }

  // The text of a scalar value; anything else is an error naming what was expected.
  std::string scalar_of(const Field& f, std::string_view expected) const {
    if (!f.value.IsScalar()) fail(f, "expected " + std::string(expected) + ", got " + type_name(f.value));
    return f.value.Scalar();
  }
  std::string string_of(const Field& f) const { return scalar_of(f, "a string"); }

  const YAML::Node& map_of(const Field& f) const {
    if (!f.value.IsMap()) fail(f, "expected a map, got " + type_name(f.value));
    return f.value;
  }

  const YAML::Node& list_of(const Field& f) const {
    if (!f.value.IsSequence()) fail(f, "expected a list, got " + type_name(f.value));
    return f.value;
  }

  // The items of a list field, each with its path ("routes[2]").
  std::vector<Field> items_of(const Field& f) const {
    std::vector<Field> out;
    const YAML::Node& list = list_of(f);
    for (std::size_t i = 0; i < list.size(); ++i) {
      out.push_back(Field{f.key, list[i], f.path + "[" + std::to_string(i) + "]"});
    }
    return out;
  }

  // The fields of a list item that must be a map.
  std::vector<Field> item_fields(const Field& item, std::span<const std::string_view> allowed) const {
    if (!item.value.IsMap()) fail(item, "expected a map, got " + type_name(item.value));
    return fields(item.value, item.path, "in " + item.path, allowed);
  }

  std::uint64_t uint_of(const Field& f, std::uint64_t min, std::uint64_t max) const {
    const std::string text = scalar_of(f, "a non-negative integer");
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc::result_out_of_range)
      fail(f, text + " is out of range " + std::to_string(min) + ".." + std::to_string(max));
    if (ec != std::errc{} || end != text.data() + text.size()) {
      fail(f, "expected a non-negative integer, got '" + text + "'");
    }
    if (v < min || v > max) fail(f, text + " is out of range " + std::to_string(min) + ".." + std::to_string(max));
    return v;
  }

  std::uint64_t power_of_two_of(const Field& f, std::uint64_t min, std::uint64_t max) const {
    const std::uint64_t v = uint_of(f, min, max);
    if (!std::has_single_bit(v)) fail(f, std::to_string(v) + " is not a power of two");
    return v;
  }

  // `all`, `none`, one block name or a list of them (blocks with an RTL twin).
  model::RtlBlocks rtl_blocks_of(const Field& f) const {
    model::RtlBlocks out;
    const auto add = [&](const Field& item) {
      const std::string name = scalar_of(item, "a block name");
      const auto b = model::RtlBlocks::block_named(name);
      if (!b) fail(item, "unknown block '" + name + "'; blocks with an RTL twin: " + model::RtlBlocks::names());
      out.set(*b);
    };
    if (f.value.IsSequence()) {
      for (const Field& item : items_of(f)) add(item);
      return out;
    }
    const std::string text = scalar_of(f, "all, none, a block name or a list of them");
    if (text == "all") return model::RtlBlocks::all();
    if (text == "none") return model::RtlBlocks::none();
    add(f);
    return out;
  }

  template <typename T>
  static std::string range_text(const limits::Range<T>& r) {
    auto text = [](T v) {
      if constexpr (std::is_floating_point_v<T>) {
        std::ostringstream o;
        o << v;
        return o.str();
      } else {
        return std::to_string(v);
      }
    };
    return text(r.min) + ".." + text(r.max) + (r.unit.empty() ? "" : " (" + std::string(r.unit) + ")");
  }

  // An integer in `r` (scenario_limits.hpp); the error names the range and its unit.
  std::uint64_t uint_in(const Field& f, const limits::Range<std::uint64_t>& r) const {
    const std::string text = scalar_of(f, "a non-negative integer");
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc::result_out_of_range) fail(f, text + " is out of range " + range_text(r));
    if (ec != std::errc{} || end != text.data() + text.size()) {
      fail(f, "expected a non-negative integer, got '" + text + "'");
    }
    if (v < r.min || v > r.max) fail(f, text + " is out of range " + range_text(r));
    return v;
  }

  // A finite number in `r`.
  double number_in(const Field& f, const limits::Range<double>& r) const {
    const std::string text = scalar_of(f, "a number");
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc::result_out_of_range) fail(f, text + " is out of range " + range_text(r));
    if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(v)) {
      fail(f, "expected a number, got '" + text + "'");
    }
    if (!(v >= r.min && v <= r.max)) fail(f, text + " is out of range " + range_text(r));
    return v;
  }

  net::MacAddr mac_of(const Field& f) const {
    const std::string text = scalar_of(f, "a MAC address");
    const auto mac = net::MacAddr::parse(text);
    if (!mac) fail(f, "bad MAC address '" + text + "' (expected six hex bytes like 02:00:00:00:01:01)");
    return *mac;
  }

  std::variant<net::Ipv4Addr, net::Ipv6Addr> address_of(const Field& f) const {
    const std::string text = scalar_of(f, "an IP address");
    if (const auto a = net::Ipv4Addr::parse(text)) return *a;
    if (const auto a = net::Ipv6Addr::parse(text)) return *a;
    fail(f, "bad IP address '" + text + "' (expected an IPv4 or IPv6 address without prefix length)");
  }

  std::variant<net::Ipv4Prefix, net::Ipv6Prefix> route_prefix_of(const Field& f) const {
    const std::string text = scalar_of(f, "a prefix");
    if (text.find(':') == std::string::npos) {
      if (const auto p = net::Ipv4Prefix::parse(text)) return *p;
    } else if (const auto p = net::Ipv6Prefix::parse(text)) {
      return *p;
    }
    fail(f, "bad prefix '" + text + "' (expected e.g. 10.0.0.0/8, 0.0.0.0/0, 2001:db8::/32 or ::/0)");
  }

  // Interface addresses: one string or a list of strings, each with an explicit prefix
  // length (a bare address would silently become a /32 without a subnet).
  template <typename Prefix>
  std::vector<Prefix> interface_addresses_of(const Field& f, std::string_view family, std::string_view example) const {
    std::vector<Field> entries;
    if (f.value.IsSequence()) {
      entries = items_of(f);
    } else {
      entries.push_back(f);
    }
    std::vector<Prefix> out;
    for (const Field& e : entries) {
      const std::string text = scalar_of(e, "an address/length or a list of them");
      const auto p = Prefix::parse(text);
      if (!p) {
        fail(e, "bad " + std::string(family) + " address '" + text + "' (expected address/length like " +
                    std::string(example) + ")");
      }
      if (text.find('/') == std::string::npos) {
        fail(e, "'" + text + "' has no prefix length (write it like " + std::string(example) + ")");
      }
      out.push_back(*p);
    }
    return out;
  }

  void read_ports(const Field& field, Scenario& s) const {
    const std::vector<Field> items = items_of(field);
    const auto physical = static_cast<std::size_t>(std::count_if(items.begin(), items.end(), [&](const Field& item) {
      return !item.value.IsMap() || (!item.value["link"] && !item.value["vlan"] && !item.value["pppoe"]);
    }));
    if (physical < kMinPorts || physical > kMaxPorts) {
      fail(field, std::to_string(physical) + (physical == 1 ? " port" : " ports") + " given; " +
                      (physical < kMinPorts ? "a router needs at least 2"
                                            : "the ASIC has at most " + std::to_string(kMaxPorts)));
    }
    for (const Field& item : items) {
      const std::vector<Field> fs = item_fields(item, kPortKeys);
      PortSpec p;
      p.line = line_of(item.value);
      const Field& name = require(fs, item.value, "name", "in " + item.path);
      p.name = string_of(name);
      if (p.name.empty() || p.name.size() > kMaxPortNameLength || p.name.find_first_of(" \t/:") != std::string::npos) {
        fail(name,
             "bad port name '" + p.name + "' (like a Linux interface name: 1-15 characters, no spaces, '/' or ':')");
      }
      for (const std::vector<PortSpec>* list : {&s.ports, &s.vlan_devices}) {
        for (const PortSpec& other : *list) {
          if (other.name == p.name) {
            fail(name, "duplicate port name '" + p.name + "' (first defined at line " + std::to_string(other.line) + ")");
          }
        }
      }
      if (find(fs, "link") || find(fs, "vlan") || find(fs, "pppoe")) {
        read_vlan_device(item, fs, std::move(p), s);
        continue;
      }
      const Field& mac = require(fs, item.value, "mac", "in " + item.path);
      p.mac = mac_of(mac);
      if (p.mac.is_multicast()) {
        fail(mac, p.mac.to_string() + " is a multicast address; a port needs a unicast MAC");
      }
      if (const Field* f = find(fs, "ipv4"))
        p.ipv4 = interface_addresses_of<net::Ipv4Prefix>(*f, "IPv4", "192.168.1.1/24");
      if (const Field* f = find(fs, "ipv6"))
        p.ipv6 = interface_addresses_of<net::Ipv6Prefix>(*f, "IPv6", "2001:db8:1::1/64");
      if (const Field* f = find(fs, "speed")) {
        const std::string text = string_of(*f);
        const auto it = std::find_if(kSpeeds.begin(), kSpeeds.end(), [&](const Speed& sp) { return sp.text == text; });
        if (it == kSpeeds.end()) {
          fail(*f, "unknown speed '" + text +
                       "'; allowed: " + join(kSpeeds, [](const Speed& sp) { return std::string(sp.text); }));
        }
        p.speed_bps = it->bps;
      }
      if (const Field* f = find(fs, "mtu")) p.mtu = static_cast<std::uint32_t>(uint_of(*f, kMinMtu, kMaxMtu));
      s.ports.push_back(std::move(p));
    }
  }

  // A VLAN sub-interface (`ip link add link LINK name NAME type vlan id VLAN`) or a PPPoE
  // session over a port (`pppoe: {session: ID, peer: MAC}`, what pppd sets up after discovery):
  // stacked on a port listed before it; its MAC is the port's unless given, its MTU the port's
  // (PPPoE: 8 bytes less) and never larger (vlan_change_mtu, PPPoE's MRU); no speed (it has no
  // wire of its own); one device per port and VLAN id, or per port and session id.
  void read_vlan_device(const Field& item, const std::vector<Field>& fs, PortSpec p, Scenario& s) const {
    const Field* pppoe = find(fs, "pppoe");
    const std::string need = pppoe ? " (a PPPoE device needs link and pppoe)" : " (a VLAN device needs link and vlan)";
    const Field& link = require(fs, item.value, "link", "in " + item.path + need);
    if (pppoe && find(fs, "vlan")) fail(*pppoe, "a device is either a VLAN (vlan) or a PPPoE session (pppoe)");
    const std::string lower = string_of(link);
    unsigned index = 0;
    while (index < s.ports.size() && s.ports[index].name != lower) ++index;
    if (index == s.ports.size()) {
      fail(link, "link '" + lower + "' is not a port listed before " + p.name +
                     (s.ports.empty() ? "" : "; ports are: " + join(s.ports, [](const PortSpec& q) { return q.name; })));
    }
    const PortSpec& port = s.ports[index];
    p.link = index;
    std::uint32_t overhead = 0;
    if (pppoe) {
      const std::vector<Field> ps = item_fields(*pppoe, kPppoeKeys);
      const Field& session = require(ps, pppoe->value, "session", "in " + pppoe->path);
      p.pppoe_session = static_cast<std::uint16_t>(uint_of(session, 1, 65534));
      const Field& peer = require(ps, pppoe->value, "peer", "in " + pppoe->path);
      p.pppoe_peer = mac_of(peer);
      if (p.pppoe_peer.is_multicast()) fail(peer, "the access concentrator needs a unicast MAC");
      for (const PortSpec& other : s.vlan_devices) {
        if (*other.link == index && other.pppoe_session == p.pppoe_session) {
          fail(session, "port '" + lower + "' has PPPoE session " + std::to_string(p.pppoe_session) + " already ('" +
                            other.name + "', line " + std::to_string(other.line) + ")");
        }
      }
      overhead = 8;
    } else {
      const Field& vlan = require(fs, item.value, "vlan", "in " + item.path + need);
      p.vlan_id = static_cast<std::uint16_t>(uint_of(vlan, 1, 4094));
      for (const PortSpec& other : s.vlan_devices) {
        if (*other.link == index && other.vlan_id == p.vlan_id) {
          fail(vlan, "port '" + lower + "' has VLAN " + std::to_string(p.vlan_id) + " already ('" + other.name +
                         "', line " + std::to_string(other.line) + ")");
        }
      }
    }
    if (const Field* f = find(fs, "speed")) fail(*f, "a VLAN device has no speed of its own (its link's is used)");
    p.mac = port.mac;
    if (const Field* f = find(fs, "mac")) {
      p.mac = mac_of(*f);
      if (p.mac.is_multicast()) fail(*f, p.mac.to_string() + " is a multicast address; a port needs a unicast MAC");
    }
    if (const Field* f = find(fs, "ipv4")) p.ipv4 = interface_addresses_of<net::Ipv4Prefix>(*f, "IPv4", "192.168.1.1/24");
    if (const Field* f = find(fs, "ipv6")) p.ipv6 = interface_addresses_of<net::Ipv6Prefix>(*f, "IPv6", "2001:db8:1::1/64");
    p.mtu = port.mtu - overhead;
    if (const Field* f = find(fs, "mtu")) p.mtu = static_cast<std::uint32_t>(uint_of(*f, kMinMtu, port.mtu - overhead));
    p.speed_bps = port.speed_bps;
    s.vlan_devices.push_back(std::move(p));
  }

  // The interface (port, then VLAN device) with index `i`.
  static const PortSpec& interface_at(const Scenario& s, unsigned i) {
    return i < s.ports.size() ? s.ports[i] : s.vlan_devices[i - s.ports.size()];
  }

  // Resolves a `dev` field to an interface index: a port, or a VLAN device after them.
  unsigned port_index_of(const Field& f, const Scenario& s) const {
    const std::string name = string_of(f);
    for (unsigned i = 0; i < s.ports.size() + s.vlan_devices.size(); ++i) {
      if (interface_at(s, i).name == name) return i;
    }
    std::string names = join(s.ports, [](const PortSpec& p) { return p.name; });
    if (!s.vlan_devices.empty()) names += ", " + join(s.vlan_devices, [](const PortSpec& p) { return p.name; });
    fail(f, "unknown port '" + name + "'; ports are: " + names);
  }

  void read_routes(const Field& field, Scenario& s) const {
    for (const Field& item : items_of(field)) {
      const std::vector<Field> fs = item_fields(item, kRouteKeys);
      RouteSpec r;
      r.line = line_of(item.value);
      const Field& prefix = require(fs, item.value, "prefix", "in " + item.path);
      r.prefix = route_prefix_of(prefix);
      // `ip route add 10.0.0.1/8` fails in Linux too ("Invalid prefix for given prefix length").
      std::visit(
          [&](const auto& p) {
            if (!(network_of(p) == p)) {
              fail(prefix, p.to_string() + " has host bits set (did you mean " + network_of(p).to_string() + "?)");
            }
          },
          r.prefix);
      const Field& dev = require(fs, item.value, "dev", "in " + item.path);
      r.dev = string_of(dev);
      r.port = port_index_of(dev, s);
      if (const Field* via = find(fs, "via")) {
        r.via = address_of(*via);
        if (r.via->index() != r.prefix.index()) {
          fail(*via, "gateway " + address_text(*r.via) + " is not of the same family as " + prefix_text(r.prefix));
        }
        // Linux refuses a gateway that is not reachable on the device ("Nexthop has invalid
        // gateway"): it must lie in one of the port's subnets.
        const PortSpec& port = interface_at(s, r.port);
        const bool on_link = std::visit(
            [&](const auto& gw) {
              if constexpr (std::is_same_v<std::decay_t<decltype(gw)>, net::Ipv4Addr>) {
                return std::any_of(port.ipv4.begin(), port.ipv4.end(), [&](const auto& a) { return a.contains(gw); });
              } else {
                return std::any_of(port.ipv6.begin(), port.ipv6.end(), [&](const auto& a) { return a.contains(gw); });
              }
            },
            *r.via);
        if (!on_link) {
          std::string subnets = join(port.ipv4, [](const auto& a) { return a.to_string(); });
          const std::string v6 = join(port.ipv6, [](const auto& a) { return a.to_string(); });
          if (!v6.empty()) subnets += (subnets.empty() ? "" : ", ") + v6;
          fail(*via, "gateway " + address_text(*r.via) + " is not on a subnet of port '" + port.name + "' (" +
                         (subnets.empty() ? "it has no addresses" : subnets) + ")");
        }
      }
      for (const RouteSpec& other : s.routes) {
        if (other.prefix == r.prefix) {
          fail(prefix,
               "duplicate route for " + prefix_text(r.prefix) + " (first at line " + std::to_string(other.line) + ")");
        }
      }
      s.routes.push_back(std::move(r));
    }
  }

  void read_neighbours(const Field& field, Scenario& s) const {
    for (const Field& item : items_of(field)) {
      const std::vector<Field> fs = item_fields(item, kNeighbourKeys);
      NeighbourSpec n;
      n.line = line_of(item.value);
      const Field& ip = require(fs, item.value, "ip", "in " + item.path);
      n.ip = address_of(ip);
      n.mac = mac_of(require(fs, item.value, "mac", "in " + item.path));
      const Field& dev = require(fs, item.value, "dev", "in " + item.path);
      n.dev = string_of(dev);
      n.port = port_index_of(dev, s);
      if (interface_at(s, n.port).pppoe_session != 0) {
        fail(dev, "'" + n.dev + "' is a PPPoE device: a point-to-point link has no neighbours (its peer is " +
                      interface_at(s, n.port).pppoe_peer.to_string() + ")");
      }
      for (const NeighbourSpec& other : s.neighbours) {
        if (other.ip == n.ip && other.port == n.port) {
          fail(ip, "duplicate neighbour " + address_text(n.ip) + " on port '" + n.dev + "' (first at line " +
                       std::to_string(other.line) + ")");
        }
      }
      s.neighbours.push_back(std::move(n));
    }
  }

  // The router's own listening services: `- {proto: tcp, port: 22}`.
  void read_services(const Field& field, Scenario& s) const {
    for (const Field& item : items_of(field)) {
      const std::vector<Field> fs = item_fields(item, kServiceKeys);
      ServiceSpec svc;
      svc.line = line_of(item.value);
      const Field& proto = require(fs, item.value, "proto", "in " + item.path);
      const std::string name = string_of(proto);
      if (name == "tcp") {
        svc.proto = 6;
      } else if (name == "udp") {
        svc.proto = 17;
      } else {
        fail(proto, "unknown protocol '" + name + "'; allowed: tcp, udp");
      }
      const Field& port = require(fs, item.value, "port", "in " + item.path);
      svc.port = static_cast<std::uint16_t>(uint_of(port, 1, 65535));
      for (const ServiceSpec& other : s.services) {
        if (other.proto == svc.proto && other.port == svc.port) {
          fail(port, "duplicate service " + name + " " + std::to_string(svc.port) + " (first at line " +
                         std::to_string(other.line) + ")");
        }
      }
      s.services.push_back(svc);
    }
  }

  void read_asic(const Field& field, AsicSpec& a) const {
    const std::vector<Field> fs = fields(map_of(field), field.path, "in " + field.path, kAsicKeys);
    if (const Field* f = find(fs, "clock_mhz")) a.clock_mhz = number_in(*f, limits::kClockMhz);
    if (const Field* f = find(fs, "datapath_bytes"))
      a.datapath_bytes = static_cast<unsigned>(power_of_two_of(*f, 1, 1024));
    if (const Field* f = find(fs, "rx_ring_size"))
      a.rx_ring_size = static_cast<unsigned>(power_of_two_of(*f, 2, 4096));
    if (const Field* f = find(fs, "tx_ring_size"))
      a.tx_ring_size = static_cast<unsigned>(power_of_two_of(*f, 2, 4096));
    if (const Field* f = find(fs, "egress_queue_bytes")) {
      a.egress_queue_bytes = static_cast<std::uint32_t>(uint_in(*f, limits::kEgressQueueBytes));
    }
    if (const Field* f = find(fs, "rtl")) a.rtl = rtl_blocks_of(*f);
    // `hash: rtl` predates `rtl:` and means the same as listing the hash block there.
    if (const Field* f = find(fs, "hash")) {
      const std::string impl = string_of(*f);
      if (impl != "cpp" && impl != "rtl") fail(*f, "unknown hash implementation '" + impl + "'; allowed: cpp, rtl");
      const bool rtl = impl == "rtl";
      if (find(fs, "rtl") && a.rtl.has(model::RtlBlocks::kHash) != rtl) {
        fail(*f, "hash: " + impl + " contradicts rtl: " + a.rtl.to_string());
      }
      a.rtl.set(model::RtlBlocks::kHash, rtl);
    }
    if (const Field* f = find(fs, "table_entries")) {
      a.table_entries = static_cast<unsigned>(power_of_two_of(*f, 1024, 32768));
    }
    if (const Field* f = find(fs, "table_ways")) {
      a.table_ways = static_cast<unsigned>(uint_of(*f, 1, 4));
      if (a.table_ways == 3) fail(*f, "must be 1, 2 or 4, not 3");
    }
    if (const Field* f = find(fs, "bind_mode")) {
      const std::string mode = string_of(*f);
      if (mode != "direct" && mode != "learn") fail(*f, "unknown mode '" + mode + "'; allowed: direct, learn");
      a.learn_mode = mode == "learn";
    }
    if (const Field* f = find(fs, "punt_meter_pps")) a.punt_meter_pps = static_cast<double>(uint_in(*f, limits::kPuntMeterPps));
    if (const Field* f = find(fs, "drop_bad_ipv4_checksum")) a.drop_bad_ipv4_checksum = bool_of(*f);
    if (const Field* f = find(fs, "drop_bad_l4_checksum")) a.drop_bad_l4_checksum = bool_of(*f);
    if (const Field* f = find(fs, "drop_ttl0")) a.drop_ttl0 = bool_of(*f);
  }

  void read_cpu(const Field& field, CpuSpec& c) const {
    const std::vector<Field> fs = fields(map_of(field), field.path, "in " + field.path, kCpuKeys);
    if (const Field* f = find(fs, "ns_per_packet")) c.ns_per_packet = uint_in(*f, limits::kNsPerPacket);
    if (const Field* f = find(fs, "irq_coalesce_pkts")) {
      c.irq_coalesce_pkts = static_cast<std::uint32_t>(uint_in(*f, limits::kIrqCoalescePkts));
    }
    if (const Field* f = find(fs, "irq_coalesce_us")) {
      c.irq_coalesce_us = static_cast<std::uint32_t>(uint_in(*f, limits::kIrqCoalesceUs));
    }
  }

  bool bool_of(const Field& f) const {
    const std::string text = scalar_of(f, "true or false");
    if (text == "true") return true;
    if (text == "false") return false;
    fail(f, "expected true or false, got '" + text + "'");
  }

  void read_engine(const Field& field, EngineSpec& e) const {
    const std::vector<Field> fs = fields(map_of(field), field.path, "in " + field.path, kEngineKeys);
    if (const Field* f = find(fs, "flowtable")) {
      const std::string t = string_of(*f);
      if (t == "old") {
        e.flowtable = engine::flowtable::FlowtableSemantics::kOld;
      } else if (t == "new") {
        e.flowtable = engine::flowtable::FlowtableSemantics::kNew;
      } else {
        fail(*f, "unknown flowtable semantics '" + t + "'; allowed: old (Linux up to 6.13), new (6.14+, CLOSING)");
      }
    }
    if (const Field* f = find(fs, "nat_seed")) e.nat_seed = uint_of(*f, 0, UINT64_MAX);
    if (const Field* f = find(fs, "wall_clock_start")) {
      const auto ns = engine::nft::parse_wall_clock(string_of(*f));
      if (!ns) fail(*f, "invalid wall_clock_start '" + string_of(*f) + "'; expected \"YYYY-MM-DD HH:MM:SS\" (UTC)");
      e.wall_clock_start_ns = *ns;
    }
    if (const Field* f = find(fs, "conntrack_acct")) e.conntrack_acct = bool_of(*f);
    if (const Field* f = find(fs, "conntrack_checksum")) e.conntrack_checksum = bool_of(*f);
    if (const Field* f = find(fs, "tcp_loose")) e.tcp_loose = bool_of(*f);
    if (const Field* f = find(fs, "tcp_be_liberal")) e.tcp_be_liberal = bool_of(*f);
    if (const Field* f = find(fs, "timeouts")) {
      std::array<std::string_view, kTimeoutKeys.size()> names{};
      for (std::size_t i = 0; i < kTimeoutKeys.size(); ++i) names[i] = kTimeoutKeys[i].name;
      for (const Field& t : fields(map_of(*f), f->path, "in " + f->path, names)) {
        const std::chrono::seconds v(uint_in(t, limits::kTimeoutSeconds));
        const std::string_view name = t.key.Scalar();
        const auto key = std::find_if(kTimeoutKeys.begin(), kTimeoutKeys.end(),
                                      [&](const TimeoutKey& k) { return k.name == name; });
        engine::conntrack::ConntrackTimeouts& to = e.timeouts;
        if (key->tcp_index != kNotTcp) {
          to.tcp[key->tcp_index] = v;
          if (key->tcp_index == 1) to.tcp[0] = v;  // NONE follows SYN_SENT
        } else if (name == "udp") {
          to.udp_unreplied = v;
        } else if (name == "udp_stream") {
          to.udp_replied = v;
        } else if (name == "icmp") {
          to.icmp = v;
        } else if (name == "icmpv6") {
          to.icmpv6 = v;
        } else if (name == "generic") {
          to.generic = v;
        } else if (name == "flowtable_tcp") {
          to.tcp_offload = v;
        } else {
          to.udp_offload = v;
        }
      }
    }
  }

  void read_ruleset(const Field& field, Scenario& s) const {
    const std::string text = scalar_of(field, "a file name");
    if (text.empty()) fail(field, "expected a file name, got ''");
    s.ruleset = (file_.parent_path() / text).lexically_normal();
    s.ruleset_line = line_of(field.value);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(s.ruleset, ec)) {
      fail(field, "ruleset file '" + text + "' not found (looked for " + s.ruleset.string() + ")");
    }
    // Parse it now, so that a mistake in it shows when the scenario is loaded; its errors
    // name the ruleset file's own line and column.
    // A flowtable device that is not one of the ASIC's ports (Wi-Fi, a tunnel, a ninth
    // device) is the router's software-only device: the driver cannot offload it, so flows
    // through it stay in the software flowtable, as Linux keeps them when the driver's
    // setup fails.
    const engine::nft::Ruleset ruleset = engine::nft::Ruleset::load(s.ruleset);
    for (const engine::nft::FlowtableSpec& ft : ruleset.flowtables()) {
      for (const std::string& dev : ft.devices) {
        const auto named = [&](const PortSpec& p) { return p.name == dev; };
        const bool known = std::any_of(s.ports.begin(), s.ports.end(), named) ||
                           std::any_of(s.vlan_devices.begin(), s.vlan_devices.end(), named);
        if (!known && std::find(s.software_devices.begin(), s.software_devices.end(), dev) == s.software_devices.end()) {
          s.software_devices.push_back(dev);
        }
      }
    }
    std::sort(s.software_devices.begin(), s.software_devices.end());
  }

  // `events:` a list of {at: TIME, run: COMMAND}, kept in time order (stable).
  void read_events(const Field& field, Scenario& s) const {
    for (const Field& item : items_of(field)) {
      const std::vector<Field> fs = item_fields(item, kEventKeys);
      const Field& at = require(fs, item.value, "at", "in " + item.path);
      const auto ps = parse_time_ps(scalar_of(at, "a time"));
      if (!ps) fail(at, "bad time '" + at.value.Scalar() + "' (a number with a unit: ps, ns, us, ms, s; e.g. 1.5s)");
      const Field& run = require(fs, item.value, "run", "in " + item.path);
      std::string error;
      auto e = parse_control_event(string_of(run), s, file_.parent_path(), &error);
      if (!e) fail(run, error);
      e->at = std::chrono::nanoseconds(static_cast<std::int64_t>(*ps / 1000));
      e->line = line_of(item.value);
      s.events.push_back(std::move(*e));
    }
    std::stable_sort(s.events.begin(), s.events.end(),
                     [](const ControlEvent& a, const ControlEvent& b) { return a.at < b.at; });
  }

  // A duration with its unit ("1.5ms", "20 us", "2s"), in nanoseconds, within `r` (whose
  // bounds are nanoseconds).
  std::chrono::nanoseconds duration_in(const Field& f, const limits::Range<std::uint64_t>& r) const {
    const std::string text = scalar_of(f, "a duration");
    struct Unit {
      std::string_view suffix;
      double ns;
    };
    constexpr std::array<Unit, 4> kUnits = {{{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}}};
    std::string_view number = text;
    while (!number.empty() && (number.back() < '0' || number.back() > '9') && number.back() != '.') number.remove_suffix(1);
    std::string_view unit = std::string_view(text).substr(number.size());
    while (!number.empty() && number.back() == ' ') number.remove_suffix(1);
    while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    const auto u = std::find_if(kUnits.begin(), kUnits.end(), [&](const Unit& x) { return x.suffix == unit; });
    double v = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
    if (u == kUnits.end() || ec != std::errc{} || end != number.data() + number.size() || number.empty() ||
        !std::isfinite(v)) {
      fail(f, "expected a duration with a unit (ns, us, ms or s) like 1.5ms, got '" + text + "'");
    }
    const double ns = v * u->ns;
    if (!(ns >= static_cast<double>(r.min) && ns <= static_cast<double>(r.max))) {
      fail(f, text + " is out of range " + std::to_string(r.min) + ".." + std::to_string(r.max) + " (" +
                  std::string(r.unit) + ")");
    }
    return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(ns)));
  }

  void read_faults(const Field& field, Scenario& s) const {
    for (const Field& item : items_of(field)) {
      const std::vector<Field> fs = item_fields(item, kFaultKeys);
      FaultSpec spec;
      spec.line = line_of(item.value);
      spec.at = duration_in(require(fs, item.value, "at", "in " + item.path), limits::kFaultTimeNs);
      const Field& kind = require(fs, item.value, "fault", "in " + item.path);
      const std::string name = string_of(kind);
      const auto k = model::fault_kind_from_string(name);
      if (!k) {
        std::string names;
        for (std::size_t i = 0; i < model::kFaultKindCount; ++i) {
          names += (i ? ", " : "") + std::string(model::to_string(static_cast<model::FaultKind>(i)));
        }
        fail(kind, "unknown fault '" + name + "'; allowed: " + names);
      }
      spec.kind = *k;
      s.faults.push_back(spec);
    }
  }

  void read_traffic(const Field& field, Scenario& s) const {
    for (const Field& item : items_of(field)) {
      const std::vector<Field> fs = item_fields(item, kTrafficKeys);
      TrafficSpec t;
      t.line = line_of(item.value);
      const Field& port = require(fs, item.value, "port", "in " + item.path);
      t.port_name = string_of(port);
      t.port = port_index_of(port, s);
      if (t.port >= s.ports.size()) {
        const PortSpec& v = interface_at(s, t.port);
        fail(port, "'" + v.name + "' has no wire of its own: its traffic enters port '" + s.ports[*v.link].name +
                       (v.pppoe_session != 0 ? "' in PPPoE session " + std::to_string(v.pppoe_session)
                                             : "' tagged with VLAN " + std::to_string(v.vlan_id)));
      }
      const Field& pcap = require(fs, item.value, "pcap", "in " + item.path);
      const std::string text = scalar_of(pcap, "a file name");
      if (text.empty()) fail(pcap, "expected a file name, got ''");
      t.pcap = (file_.parent_path() / text).lexically_normal();
      std::error_code ec;
      if (!std::filesystem::is_regular_file(t.pcap, ec)) {
        fail(pcap, "pcap file '" + text + "' not found (looked for " + t.pcap.string() + ")");
      }
      s.traffic.push_back(std::move(t));
    }
  }

  std::filesystem::path file_;
  std::string file_text_;
};

}  // namespace

Scenario load_scenario(const std::filesystem::path& file) { return Loader(file).load(); }

}  // namespace flowsim::scenario
