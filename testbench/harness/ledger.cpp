// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/ledger.hpp"

#include <algorithm>

#include "model/core_clock.hpp"

namespace flowsim::testbench {
namespace {

// The CPU pcap marks each punted frame with a tag after the MAC addresses, the way
// switch chips tag frames to their CPU port: EtherType 0x88b5 (IEEE local experimental),
// then version (1), punt reason, ingress port, reserved, flow-table index (big-endian).
constexpr std::uint16_t kPuntTagEtherType = 0x88b5;
constexpr std::size_t kPuntTagSize = 8;

std::uint64_t ps_of(const sc_core::sc_time& t) { return t.value(); }

}  // namespace

Ledger::Ledger(std::vector<LedgerPort> ports, const std::optional<std::filesystem::path>& out_dir)
    : port_info_(std::move(ports)) {
  for (const auto& p : port_info_) {
    PortReport r;
    r.name = p.name;
    r.speed_bps = p.speed_bps;
    r.theoretical_pps_64b = static_cast<double>(p.speed_bps) / (8.0 * static_cast<double>(model::wire_bytes(60)));
    ports_.push_back(r);
  }
  if (out_dir) {
    std::filesystem::create_directories(*out_dir);
    for (const auto& p : port_info_) {
      port_pcaps_.push_back(std::make_unique<pcap::PcapWriter>(*out_dir / (p.name + ".pcap")));
    }
    cpu_pcap_ = std::make_unique<pcap::PcapWriter>(*out_dir / "cpu.pcap");
  }
}

Ledger::~Ledger() = default;

void Ledger::close() {
  for (auto& w : port_pcaps_) w->close();
  if (cpu_pcap_) cpu_pcap_->close();
  if (drops_pcap_) drops_pcap_->close();
}

void Ledger::set_time_base(const sc_core::sc_time& sim_start, std::uint64_t trace_base_ns) {
  sim_start_ps_ = ps_of(sim_start);
  trace_base_ns_ = trace_base_ns;
}

std::uint64_t Ledger::trace_ns(const sc_core::sc_time& t) const {
  const std::uint64_t ps = ps_of(t);
  return trace_base_ns_ + (ps >= sim_start_ps_ ? (ps - sim_start_ps_) / 1000 : 0);
}

void Ledger::count_in(unsigned port, std::size_t bytes) {
  ++packets_in_;
  if (port < ports_.size()) {
    ++ports_[port].rx_packets;
    ports_[port].rx_bytes += bytes;
  }
}

void Ledger::count(std::map<std::string, std::uint64_t, std::less<>>& counters, std::string_view reason) {
  auto it = counters.find(reason);
  if (it == counters.end()) it = counters.emplace(std::string(reason), 0).first;
  ++it->second;
}

void Ledger::write_drops_to(const std::filesystem::path& path) {
  drops_pcap_ = std::make_unique<pcap::PcapWriter>(path);
}

void Ledger::drop(std::string_view reason, std::span<const std::uint8_t> frame) {
  drop(reason);
  if (drops_pcap_) {
    const std::size_t mac_bytes = std::min<std::size_t>(12, frame.size());
    const std::size_t name = std::min<std::size_t>(reason.size(), 255);
    tagged_.assign(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(mac_bytes));
    const std::uint8_t tag[4] = {static_cast<std::uint8_t>(kPuntTagEtherType >> 8),
                                 static_cast<std::uint8_t>(kPuntTagEtherType & 0xff), 2,
                                 static_cast<std::uint8_t>(name)};
    tagged_.insert(tagged_.end(), std::begin(tag), std::end(tag));
    tagged_.insert(tagged_.end(), reason.begin(), reason.begin() + static_cast<std::ptrdiff_t>(name));
    tagged_.insert(tagged_.end(), frame.begin() + static_cast<std::ptrdiff_t>(mac_bytes), frame.end());
    drops_pcap_->write(trace_ns(sc_core::sc_time_stamp()), tagged_);
    ++drops_written_;
  }
  if (listener_ != nullptr) listener_->frame_dropped(reason, frame);
}

void Ledger::not_injected(std::string_view reason) {
  auto it = not_injected_.find(reason);
  if (it == not_injected_.end()) it = not_injected_.emplace(std::string(reason), 0).first;
  ++it->second;
}

void Ledger::warn(std::string_view kind, std::string_view file, std::uint64_t packet, std::string message) {
  warnings_.add(kind, file, packet, std::move(message));
}

void Ledger::warn(std::string message) { warnings_.add(std::move(message)); }

void Ledger::drop(std::string_view reason) { count(drops_, reason); }

namespace {
std::string_view as_text(std::span<const std::uint8_t> frame) {
  return {reinterpret_cast<const char*>(frame.data()), frame.size()};
}
}  // namespace

void Ledger::expect_generated(std::span<const std::uint8_t> frame) {
  auto it = generated_in_flight_.find(as_text(frame));
  if (it == generated_in_flight_.end()) it = generated_in_flight_.emplace(std::string(as_text(frame)), 0).first;
  ++it->second;
}

bool Ledger::take_generated(std::span<const std::uint8_t> frame) {
  if (generated_in_flight_.empty()) return false;  // the common case costs nothing
  // The MAC pads short frames: compare what the CPU queued with the frame before padding.
  auto it = generated_in_flight_.find(as_text(frame));
  if (it == generated_in_flight_.end()) {
    for (auto g = generated_in_flight_.begin(); g != generated_in_flight_.end(); ++g) {
      const std::string& want = g->first;
      if (want.size() < frame.size() && frame.size() == 60 && as_text(frame).substr(0, want.size()) == want &&
          std::all_of(frame.begin() + static_cast<std::ptrdiff_t>(want.size()), frame.end(),
                      [](std::uint8_t b) { return b == 0; })) {
        it = g;
        break;
      }
    }
    if (it == generated_in_flight_.end()) return false;
  }
  if (--it->second == 0) generated_in_flight_.erase(it);
  return true;
}

void Ledger::take_punt() { ++punts_taken_; }

void Ledger::abandon_punts(std::string_view reason) {
  for (std::uint64_t i = punts_taken_; i < punts_completed_; ++i) drop(reason);
  punts_completed_ = punts_taken_ = 0;
}

void Ledger::drop_generated(std::string_view reason, std::span<const std::uint8_t> frame) {
  take_generated(frame);
  count(generated_drops_, reason);
}


void Ledger::on_transmit(unsigned port, const sc_core::sc_time& start, std::span<const std::uint8_t> frame,
                         model::FrameOrigin origin) {
  PortReport& p = ports_.at(port);
  if (p.tx_packets == 0) p.first_tx_ps = ps_of(start);
  ++p.tx_packets;
  p.tx_bytes += frame.size();
  (origin == model::FrameOrigin::kCpu ? p.tx_sw : p.tx_hw) += 1;
  if (origin == model::FrameOrigin::kCpu && take_generated(frame)) ++generated_sent_;
  p.last_tx_end_ps = ps_of(start + model::wire_time(frame.size(), p.speed_bps));
  if (!port_pcaps_.empty()) port_pcaps_[port]->write(trace_ns(start), frame);
  if (listener_ != nullptr) listener_->frame_sent(port, p.last_tx_end_ps, frame);
}

void Ledger::on_punt(unsigned port, const sc_core::sc_time& at, std::span<const std::uint8_t> frame,
                     hw::PuntReason reason, std::uint32_t foe_index) {
  ++punts_completed_;
  const std::string_view name = hw::to_string(reason);
  auto it = punts_.find(name);
  if (it == punts_.end()) it = punts_.emplace(std::string(name), 0).first;
  ++it->second;
  if (!cpu_pcap_) return;
  const std::size_t mac_bytes = std::min<std::size_t>(12, frame.size());
  tagged_.assign(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(mac_bytes));
  const std::uint8_t tag[kPuntTagSize] = {
      static_cast<std::uint8_t>(kPuntTagEtherType >> 8), static_cast<std::uint8_t>(kPuntTagEtherType & 0xff), 1,
      static_cast<std::uint8_t>(reason), static_cast<std::uint8_t>(port), 0,
      static_cast<std::uint8_t>(foe_index >> 8), static_cast<std::uint8_t>(foe_index & 0xff)};
  tagged_.insert(tagged_.end(), std::begin(tag), std::end(tag));
  tagged_.insert(tagged_.end(), frame.begin() + static_cast<std::ptrdiff_t>(mac_bytes), frame.end());
  cpu_pcap_->write(trace_ns(at), tagged_);
}

void Ledger::on_drop(unsigned, const sc_core::sc_time&, std::span<const std::uint8_t> frame,
                     model::ModelDropReason reason, model::FrameOrigin origin) {
  if (origin == model::FrameOrigin::kCpu && take_generated(frame)) {
    count(generated_drops_, model::to_string(reason));
  } else {
    drop(model::to_string(reason), frame);
  }
}

std::uint64_t Ledger::packets_out() const {
  std::uint64_t out = 0;
  for (const auto& p : ports_) out += p.tx_packets;
  for (const auto& [reason, n] : drops_) out += n;
  // Held fragments will end with their datagram; extra frames (fragments beyond a packet's
  // first) and generated frames answer no input packet of their own.
  const std::uint64_t ends = out + held_ - generated_sent_;
  return ends > extra_ ? ends - extra_ : 0;
}

bool Ledger::settled() const { return packets_out() >= packets_in_; }

void Ledger::fill(Report& report) const {
  report.packets_in = packets_in_;
  report.forwarded_hw = 0;
  report.forwarded_sw = 0;
  report.ports = ports_;
  report.generated_sw = generated_sent_;
  report.generated_dropped.clear();
  for (const auto& [reason, n] : generated_drops_) report.generated_dropped[reason] = n;
  for (auto& p : report.ports) {
    report.forwarded_hw += p.tx_hw;
    report.forwarded_sw += p.tx_sw;
    if (p.tx_packets > 0) {
      const double mean_frame = static_cast<double>(p.tx_bytes) / static_cast<double>(p.tx_packets);
      p.theoretical_pps = static_cast<double>(p.speed_bps) /
                          (8.0 * (std::max(mean_frame, 60.0) + static_cast<double>(model::wire_bytes(0) - 60)));
      const std::uint64_t busy_ps = p.last_tx_end_ps - p.first_tx_ps;
      p.achieved_pps = busy_ps == 0 ? 0.0 : static_cast<double>(p.tx_packets) * 1e12 / static_cast<double>(busy_ps);
    }
  }
  // Generated frames left through the TX ring like forwarded ones.
  report.forwarded_sw -= generated_sent_;
  report.drops.clear();
  report.dropped = 0;
  for (const auto& [reason, n] : drops_) {
    report.drops[reason] = n;
    report.dropped += n;
  }
  report.punts.clear();
  for (const auto& [reason, n] : punts_) report.punts[reason] = n;
  report.captured = captured_;
  report.not_injected.clear();
  for (const auto& [reason, n] : not_injected_) report.not_injected[reason] = n;
  report.warnings = warnings_.lines();
  if (extra_abandoned_ > 0) {
    report.warnings.push_back(std::to_string(extra_abandoned_) +
                              " fragment(s) beyond the first of fragmented packets discarded by device resets");
  }
}

}  // namespace flowsim::testbench
