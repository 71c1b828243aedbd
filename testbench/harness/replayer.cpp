// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/replayer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "model/core_clock.hpp"
#include "net/input_error.hpp"
#include "testbench/pcap/link_layer.hpp"
#include "testbench/pcap/pcap_reader.hpp"
#include "testbench/shard/shard_filter.hpp"

namespace flowsim::testbench {
namespace {

struct Stream {
  pcap::PcapReader reader;
  unsigned port;
  pcap::PcapRecord record;
  bool live = false;
  std::uint64_t due_ps = 0;  // simulated time at which the record's first bit arrives
  std::uint64_t last_ts_ns = 0;
  std::optional<shard::ShardFilter> shard;  // with --shard: which records are this shard's
};

sc_core::sc_time ps(std::uint64_t v) { return sc_core::sc_time::from_value(v); }

constexpr unsigned kBatchFrames = 4096;
constexpr double kBatchSpanUs = 50;

}  // namespace

Replayer::Replayer(sc_core::sc_module_name name, std::vector<ReplaySource> sources, bool line_rate, model::Asic& asic,
                   const CpuHost& host, Ledger& ledger, std::optional<shard::ShardSpec> shard)
    : sc_core::sc_module(name),
      sources_(std::move(sources)),
      line_rate_(line_rate),
      asic_(asic),
      host_(host),
      ledger_(ledger),
      shard_(shard) {
  SC_THREAD(run);
}

void Replayer::run() {
  if (!host_.ready()) wait(host_.ready_event());
  try {
    replay();
  } catch (const net::InputError& e) {
    error_ = e.what();
  }
  done_ = true;
}

void Replayer::replay() {
  std::vector<Stream> streams;
  streams.reserve(sources_.size());
  for (const auto& s : sources_) {
    streams.push_back(Stream{pcap::PcapReader(s.pcap), s.port, {}, false, 0, 0, std::nullopt});
    if (shard_) streams.back().shard.emplace(*shard_);
  }

  const std::uint64_t start_ps = sc_core::sc_time_stamp().value();
  std::vector<std::uint64_t> port_free_ps(asic_.params().ports.size(), start_ps);
  std::uint64_t base_ns = std::numeric_limits<std::uint64_t>::max();
  // Reads a stream's next record, whatever its shard; at its end, says if the file was cut off.
  auto read = [&](Stream& s) {
    s.live = s.reader.next(s.record);
    if (!s.live && !s.reader.truncation().empty()) {
      ledger_.warn("truncated_file", s.reader.path().string(), 0,
                   fmt::format("{}: {}; the {} whole packets before it were replayed", s.reader.path().string(),
                               s.reader.truncation(), s.reader.packets_read()));
    }
  };
  // Skips the records of other shards (with no shard, none), unseen; counts the one it stops at.
  auto keep_own = [&](Stream& s) {
    while (s.live && s.shard && !s.shard->keep(s.record.bytes)) read(s);
    if (s.live) ledger_.count_captured();
  };
  for (auto& s : streams) {
    read(s);
    // The time base is the whole capture's, so that every shard keeps the trace's times.
    if (s.live) base_ns = std::min(base_ns, s.record.timestamp_ns);
    keep_own(s);
  }
  if (base_ns == std::numeric_limits<std::uint64_t>::max()) base_ns = 0;
  ledger_.set_time_base(sc_core::sc_time_stamp(), base_ns);

  auto schedule = [&](Stream& s) {
    if (line_rate_) {
      s.due_ps = port_free_ps[s.port];
      port_free_ps[s.port] += model::wire_time(s.record.wire_length, asic_.params().ports[s.port].speed_bps).value();
    } else {
      if (s.record.timestamp_ns < s.last_ts_ns) {
        ledger_.warn("timestamp_backwards", s.reader.path().string(), s.record.index,
                     fmt::format("{}: packet #{}: timestamp goes back in time; injected at once",
                                 s.reader.path().string(), s.record.index));
      }
      s.last_ts_ns = std::max(s.last_ts_ns, s.record.timestamp_ns);
      s.due_ps = start_ps + (s.last_ts_ns - base_ns) * 1000;
    }
  };
  for (auto& s : streams) {
    if (s.live) schedule(s);
  }

  // Frames go to the chip in batches, each with its due time, and the replayer sleeps until
  // the first frame it has not handed over: one wake-up per batch, not per frame. A batch
  // covers at most kBatchSpan of simulated time and kBatchFrames frames, which bounds the
  // frames held in the chip's pool.
  const std::uint64_t span_ps = sc_core::sc_time(kBatchSpanUs, sc_core::SC_US).value();
  for (;;) {
    const std::uint64_t now_ps = sc_core::sc_time_stamp().value();
    Stream* next = nullptr;
    for (unsigned n = 0;; ++n) {
      next = nullptr;
      for (auto& s : streams) {
        if (s.live && (next == nullptr || s.due_ps < next->due_ps)) next = &s;
      }
      if (next == nullptr || n == kBatchFrames || next->due_ps > now_ps + span_ps) break;
      const pcap::PcapRecord& r = next->record;
      if (!r.unusable.empty()) {
        const std::string file = next->reader.path().string();  // error paths only: no allocation per packet
        ledger_.not_injected(r.unusable);
        ledger_.warn(r.unusable, file, r.index,
                     fmt::format("{}: packet #{}: link type {} cannot be replayed; not injected ({})", file, r.index,
                                 pcap::link_type_name(r.link_type), r.unusable));
      } else if (r.truncated()) {
        const std::string file = next->reader.path().string();
        ledger_.not_injected("truncated_capture");
        ledger_.warn("truncated_capture", file, r.index,
                     fmt::format("{}: packet #{}: captured {} of {} bytes; not injected (truncated_capture)", file,
                                 r.index, r.bytes.size(), r.wire_length));
      } else {
        ledger_.count_in(next->port, r.wire_length);
        asic_.inject(next->port, r.bytes, next->due_ps);
      }
      read(*next);
      keep_own(*next);
      if (next->live) schedule(*next);
    }
    if (next == nullptr) break;
    if (next->due_ps > now_ps) wait(ps(next->due_ps - now_ps));
  }
}

}  // namespace flowsim::testbench
