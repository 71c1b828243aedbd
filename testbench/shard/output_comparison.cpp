// SPDX-License-Identifier: Apache-2.0
#include "testbench/shard/output_comparison.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "net/frame_parser.hpp"
#include "net/input_error.hpp"
#include "testbench/pcap/pcap_reader.hpp"
#include "testbench/shard/conversation_key.hpp"

namespace flowsim::shard {
namespace {

constexpr std::size_t kMaxDifferences = 10;
// cpu.pcap's punt tag after the MAC addresses (README "What comes out").
constexpr std::size_t kPuntTagOffset = 12;
constexpr std::size_t kPuntTagSize = 8;

std::uint64_t fnv(std::uint64_t h, const std::uint8_t* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}
std::uint64_t fnv64(std::uint64_t h, std::uint64_t v) {
  std::uint8_t b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(v >> (8 * i));
  return fnv(h, b, 8);
}

struct Digest {
  std::uint64_t frames = 0;
  std::uint64_t bytes_hash = 0xcbf29ce484222325ULL;
  std::uint64_t times_hash = 0xcbf29ce484222325ULL;
};

// (port file, conversation) -> digest; conversation-less frames are one group per port.
using Key = std::pair<std::string, std::optional<ConversationKey>>;

std::string describe(const Key& k) {
  if (!k.second) return k.first + " (no conversation)";
  const ConversationKey& c = *k.second;
  auto addr = [&](const std::array<std::uint8_t, 16>& a) {
    if (c.family == 4) return fmt::format("{}.{}.{}.{}", a[0], a[1], a[2], a[3]);
    std::string s;
    for (int i = 0; i < 16; i += 2) s += fmt::format("{}{:x}", i ? ":" : "", a[i] << 8 | a[i + 1]);
    return s;
  };
  return fmt::format("{}: proto {} {}:{} <-> {}:{}", k.first, c.proto, addr(c.addr_a), c.port_a, addr(c.addr_b),
                     c.port_b);
}

// The router draws the IPv4 ID of its own ICMP messages (errors, echo replies) from
// per-destination counters that advance with everything it sent before (Linux's
// ip_idents_reserve), so a shard, which sends only its conversations' share, draws other
// IDs: such a frame is compared without its ID and header checksum. A forwarded ICMP
// message of the same types is compared the same way (a capture cannot tell them apart).
void mask_generated_ip_id(std::vector<std::uint8_t>& frame) {
  const net::ParsedFrame p = net::parse_frame(frame);
  if (p.error != net::ParseError::kNone || p.l3 != net::L3Kind::kIpv4 || p.l4_proto != net::ip_proto::kIcmp) return;
  if (p.ip_fragment || p.l4_offset >= frame.size()) return;
  const std::uint8_t type = frame[p.l4_offset];
  if (type != 0 && type != 3 && type != 11 && type != 12) return;
  std::fill_n(frame.begin() + p.l3_offset + 4, 2, 0);   // identification
  std::fill_n(frame.begin() + p.l3_offset + 10, 2, 0);  // header checksum
}

std::map<Key, Digest> egress_digests(const std::filesystem::path& dir, std::uint64_t& frames) {
  std::map<Key, Digest> out;
  std::set<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".pcap" && e.path().filename() != "cpu.pcap") files.insert(e.path());
  }
  if (files.empty()) throw net::InputError(dir.string() + ": no port pcaps to compare");
  for (const auto& f : files) {
    pcap::PcapReader reader(f);
    ConversationKeyer keyer;
    pcap::PcapRecord r;
    std::vector<std::uint8_t> bytes;
    while (reader.next(r)) {
      Digest& d = out[Key{f.filename().string(), keyer.key(r.bytes)}];
      ++d.frames;
      ++frames;
      bytes.assign(r.bytes.begin(), r.bytes.end());
      mask_generated_ip_id(bytes);
      d.bytes_hash = fnv(fnv64(d.bytes_hash, bytes.size()), bytes.data(), bytes.size());
      d.times_hash = fnv64(d.times_hash, r.timestamp_ns);
    }
  }
  return out;
}

std::map<std::optional<ConversationKey>, std::uint64_t> punts(const std::filesystem::path& dir) {
  std::map<std::optional<ConversationKey>, std::uint64_t> out;
  if (!std::filesystem::exists(dir / "cpu.pcap")) return out;
  pcap::PcapReader reader(dir / "cpu.pcap");
  ConversationKeyer keyer;
  pcap::PcapRecord r;
  std::vector<std::uint8_t> untagged;
  while (reader.next(r)) {
    if (r.bytes.size() < kPuntTagOffset + kPuntTagSize) continue;
    untagged.assign(r.bytes.begin(), r.bytes.begin() + kPuntTagOffset);
    untagged.insert(untagged.end(), r.bytes.begin() + kPuntTagOffset + kPuntTagSize, r.bytes.end());
    ++out[keyer.key(untagged)];
  }
  return out;
}

}  // namespace

OutputComparison compare_outputs(const std::filesystem::path& a, const std::filesystem::path& b) {
  OutputComparison c;
  const auto da = egress_digests(a, c.frames_a);
  const auto db = egress_digests(b, c.frames_b);
  std::set<Key> keys;
  for (const auto& [k, d] : da) keys.insert(k);
  for (const auto& [k, d] : db) keys.insert(k);
  c.conversations = keys.size();
  auto note = [&](const std::string& s) {
    if (c.first_differences.size() < kMaxDifferences) c.first_differences.push_back(s);
  };
  for (const Key& k : keys) {
    const auto ia = da.find(k);
    const auto ib = db.find(k);
    if (ib == db.end()) {
      ++c.only_in_a;
      note(describe(k) + ": only in " + a.string());
    } else if (ia == da.end()) {
      ++c.only_in_b;
      note(describe(k) + ": only in " + b.string());
    } else if (ia->second.frames != ib->second.frames || ia->second.bytes_hash != ib->second.bytes_hash) {
      note(fmt::format("{}: frames differ ({} vs {})", describe(k), ia->second.frames, ib->second.frames));
    } else {
      ++c.same_frames;
      if (ia->second.times_hash == ib->second.times_hash) ++c.same_times;
    }
  }
  const auto pa = punts(a);
  const auto pb = punts(b);
  std::set<std::optional<ConversationKey>> punted;
  for (const auto& [k, n] : pa) punted.insert(k);
  for (const auto& [k, n] : pb) punted.insert(k);
  c.punted_conversations = punted.size();
  for (const auto& k : punted) {
    const auto ia = pa.find(k);
    const auto ib = pb.find(k);
    if (ia != pa.end() && ib != pb.end() && ia->second == ib->second) ++c.same_punts;
  }
  return c;
}

std::string OutputComparison::to_json() const {
  nlohmann::ordered_json j;
  j["conversations"] = conversations;
  j["only_in_a"] = only_in_a;
  j["only_in_b"] = only_in_b;
  j["same_frames"] = same_frames;
  j["same_times"] = same_times;
  j["frames_identical"] = frames_identical();
  j["frames_a"] = frames_a;
  j["frames_b"] = frames_b;
  j["punted_conversations"] = punted_conversations;
  j["same_punts"] = same_punts;
  j["first_differences"] = first_differences;
  return j.dump(2) + "\n";
}

std::string OutputComparison::to_text() const {
  auto pct = [](std::uint64_t n, std::uint64_t of) { return of ? 100.0 * static_cast<double>(n) / static_cast<double>(of) : 100.0; };
  std::string s;
  s += fmt::format("egress conversations        {:>10}   ({} frames vs {})\n", conversations, frames_a, frames_b);
  s += fmt::format("  same frames, same order   {:>10}   {:.2f} %\n", same_frames, pct(same_frames, conversations));
  s += fmt::format("  ... and same timestamps   {:>10}   {:.2f} %\n", same_times, pct(same_times, conversations));
  s += fmt::format("  only in one of them       {:>10}\n", only_in_a + only_in_b);
  s += fmt::format("punted conversations        {:>10}\n", punted_conversations);
  s += fmt::format("  punted as often in both   {:>10}   {:.2f} %\n", same_punts, pct(same_punts, punted_conversations));
  s += std::string("frames per conversation     ") + (frames_identical() ? "IDENTICAL\n" : "DIFFER\n");
  for (const std::string& d : first_differences) s += "  " + d + "\n";
  return s;
}

}  // namespace flowsim::shard
