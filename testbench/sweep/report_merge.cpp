// SPDX-License-Identifier: Apache-2.0
#include "testbench/sweep/report_merge.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string_view>

namespace flowsim::sweep {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::array<std::string_view, 11> kSummed = {"captured",     "packets_in",  "forwarded_hw", "forwarded_sw",
                                                     "dropped",      "generated_sw", "sw_fast_path", "driver_irqs",
                                                     "register_bus_errors", "dma_errors", "recoveries"};
constexpr std::array<std::string_view, 10> kSummedMaps = {"not_injected", "drops",  "punts",  "slow_path",
                                                          "flows",        "offload_refused", "driver", "faults",
                                                          "resets",       "generated_dropped"};
constexpr std::array<std::string_view, 6> kPortSummed = {"rx_packets", "rx_bytes", "tx_packets",
                                                         "tx_bytes",   "tx_hw",    "tx_sw"};
// Bytes of Ethernet overhead beyond the frame: FCS, preamble/SFD, inter-frame gap
// (model/core_clock.hpp wire_bytes), and the minimum frame without FCS.
constexpr double kWireOverhead = 24;
constexpr double kMinFrame = 60;

bool contains(auto& list, std::string_view key) { return std::find(list.begin(), list.end(), key) != list.end(); }

std::uint64_t u64(const Json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

Json merge_ports(const std::vector<Json>& shards) {
  Json out = Json::array();
  std::map<std::string, std::size_t> index;
  for (const Json& r : shards) {
    if (!r.contains("ports")) continue;
    for (const Json& p : r["ports"]) {
      const std::string name = p.value("name", "");
      auto [it, fresh] = index.emplace(name, out.size());
      if (fresh) {
        Json q;
        q["name"] = name;
        q["speed_bps"] = p.value("speed_bps", std::uint64_t{0});
        for (const std::string_view k : kPortSummed) q[std::string(k)] = std::uint64_t{0};
        q["theoretical_pps_64b"] = p.value("theoretical_pps_64b", 0.0);
        q["first_tx_ps"] = std::uint64_t{0};
        q["last_tx_end_ps"] = std::uint64_t{0};
        out.push_back(std::move(q));
      }
      Json& q = out[it->second];
      const bool q_had_tx = q["tx_packets"].get<std::uint64_t>() > 0;
      for (const std::string_view k : kPortSummed) {
        q[std::string(k)] = q[std::string(k)].get<std::uint64_t>() + u64(p, std::string(k).c_str());
      }
      if (u64(p, "tx_packets") > 0) {
        const std::uint64_t first = u64(p, "first_tx_ps");
        q["first_tx_ps"] = q_had_tx ? std::min(q["first_tx_ps"].get<std::uint64_t>(), first) : first;
        q["last_tx_end_ps"] = std::max(q["last_tx_end_ps"].get<std::uint64_t>(), u64(p, "last_tx_end_ps"));
      }
    }
  }
  // The rates as the ledger computes them (testbench/harness/ledger.cpp), over the merged
  // busy interval.
  for (Json& q : out) {
    const auto tx = q["tx_packets"].get<std::uint64_t>();
    double theoretical = 0;
    double achieved = 0;
    if (tx > 0) {
      const double mean = static_cast<double>(q["tx_bytes"].get<std::uint64_t>()) / static_cast<double>(tx);
      theoretical = static_cast<double>(q["speed_bps"].get<std::uint64_t>()) /
                    (8.0 * (std::max(mean, kMinFrame) + kWireOverhead));
      const std::uint64_t busy = q["last_tx_end_ps"].get<std::uint64_t>() - q["first_tx_ps"].get<std::uint64_t>();
      achieved = busy == 0 ? 0.0 : static_cast<double>(tx) * 1e12 / static_cast<double>(busy);
    }
    Json ordered;
    for (auto it = q.begin(); it != q.end(); ++it) {
      if (it.key() == "first_tx_ps") {
        ordered["theoretical_pps"] = theoretical;
        ordered["achieved_pps"] = achieved;
      }
      ordered[it.key()] = it.value();
    }
    q = std::move(ordered);
  }
  return out;
}

}  // namespace

Json merge_reports(const std::vector<Json>& shards) {
  if (shards.size() == 1) return shards.front();
  Json out;
  std::vector<std::string> not_merged;
  // Keys in the order of the first report, so that a merged report reads like one replay's.
  for (const Json& r : shards) {
    for (auto it = r.begin(); it != r.end(); ++it) {
      const std::string& key = it.key();
      if (out.contains(key) || contains(not_merged, key)) continue;
      if (key == "shard") {
        continue;  // each shard's "K/N"; the merged report says "shards": N
      } else if (key == "scenario" || key == "hash_impl") {
        out[key] = it.value();
      } else if (contains(kSummed, key)) {
        std::uint64_t sum = 0;
        for (const Json& s : shards) sum += u64(s, key.c_str());
        out[key] = sum;
      } else if (contains(kSummedMaps, key)) {
        std::map<std::string, std::uint64_t> sum;
        for (const Json& s : shards) {
          if (!s.contains(key)) continue;
          for (auto m = s[key].begin(); m != s[key].end(); ++m) sum[m.key()] += m.value().get<std::uint64_t>();
        }
        out[key] = sum;
      } else if (key == "accounted" || key == "offload_hit_rate") {
        out[key] = nullptr;  // recomputed below, in this place
      } else if (key == "ports") {
        out[key] = merge_ports(shards);
      } else if (key == "simulated_ns") {
        std::uint64_t m = 0;
        for (const Json& s : shards) m = std::max(m, u64(s, "simulated_ns"));
        out[key] = m;
      } else if (key == "warnings") {
        Json all = Json::array();
        for (std::size_t i = 0; i < shards.size(); ++i) {
          if (!shards[i].contains("warnings")) continue;
          for (const Json& w : shards[i]["warnings"]) {
            all.push_back("shard " + std::to_string(i) + ": " + w.get<std::string>());
          }
        }
        out[key] = all;
      } else {
        not_merged.push_back(key);
      }
    }
  }
  const std::uint64_t in = u64(out, "packets_in");
  const std::uint64_t hw = u64(out, "forwarded_hw");
  std::uint64_t not_injected = 0;
  if (out.contains("not_injected")) {
    for (auto m = out["not_injected"].begin(); m != out["not_injected"].end(); ++m) not_injected += m.value().get<std::uint64_t>();
  }
  out["accounted"] = in == hw + u64(out, "forwarded_sw") + u64(out, "dropped") &&
                     (!out.contains("captured") || u64(out, "captured") == in + not_injected);
  out["offload_hit_rate"] = in == 0 ? 0.0 : static_cast<double>(hw) / static_cast<double>(in);
  out["shards"] = shards.size();
  if (!not_merged.empty()) out["not_merged"] = not_merged;
  return out;
}

double report_throughput_pps(const Json& report) {
  if (!report.contains("ports")) return 0;
  std::uint64_t tx = 0;
  std::uint64_t first = UINT64_MAX;
  std::uint64_t last = 0;
  for (const Json& p : report["ports"]) {
    if (u64(p, "tx_packets") == 0) continue;
    tx += u64(p, "tx_packets");
    first = std::min(first, u64(p, "first_tx_ps"));
    last = std::max(last, u64(p, "last_tx_end_ps"));
  }
  return tx == 0 || last <= first ? 0.0 : static_cast<double>(tx) * 1e12 / static_cast<double>(last - first);
}

double report_hit_rate(const Json& report) {
  const auto it = report.find("offload_hit_rate");
  return it != report.end() && it->is_number() ? it->get<double>() : 0.0;
}

}  // namespace flowsim::sweep
