// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/capture_replayer.hpp"

#include <fmt/format.h>

#include "net/input_error.hpp"

namespace flowsim::testbench {
namespace {

std::uint64_t sc_now_ps() { return sc_core::sc_time_stamp().value(); }

// Frames due within this much simulated time are handed to the chip in one batch.
constexpr std::uint64_t kBatchSpanPs = 50'000'000;  // 50 µs
// With packets waiting for what they answer, nothing due and nothing heard of the router
// for this long, what they wait for is lost to the books: they are given up.
const sc_core::sc_time kStallCheck(10, sc_core::SC_MS);

}  // namespace

CaptureReplayer::CaptureReplayer(sc_core::sc_module_name name, const CapturePlan& plan, model::Asic& asic,
                                 const CpuHost& host, Ledger& ledger, const std::optional<std::filesystem::path>& out_dir)
    : sc_core::sc_module(name), asic_(asic), host_(host), ledger_(ledger) {
  port_names_ = plan.port_names;
  port_frames_.assign(port_names_.size(), 0);
  if (out_dir) {
    std::filesystem::create_directories(*out_dir);
    ledger_.write_drops_to(*out_dir / "drops.pcap");
    frame_map_ = std::make_unique<std::ofstream>(*out_dir / "frames.csv");
    *frame_map_ << "output,frame,capture,packet,loop\n";
  }
  emulator_ = std::make_unique<capture::EndpointEmulator>(plan.index, plan.options,
                                                          static_cast<capture::EmulationListener&>(*this));
  ledger_.set_listener(static_cast<FrameListener*>(this));
  SC_THREAD(run);
}

CaptureReplayer::~CaptureReplayer() { ledger_.set_listener(nullptr); }

void CaptureReplayer::inject_due(std::uint64_t horizon_ps) {
  capture::Injection inj;
  while (emulator_->pop_due(horizon_ps, inj)) {
    ledger_.count_in(inj.port, inj.frame.size());
    tracker_.injected(inj.frame, inj.tag);
    asic_.inject(inj.port, inj.frame, inj.due_ps);
  }
}

void CaptureReplayer::run() {
  if (!host_.ready()) wait(host_.ready_event());
  try {
    emulator_->start(sc_now_ps());
    ledger_.set_time_base(sc_core::sc_time_stamp(), emulator_->first_ts_ns());
    for (;;) {
      const std::uint64_t now = sc_now_ps();
      horizon_ps_ = std::max(horizon_ps_, now + kBatchSpanPs);
      emulator_->advance(horizon_ps_);
      inject_due(horizon_ps_);
      if (emulator_->finished()) break;
      const auto due = emulator_->next_due();
      if (due && *due <= horizon_ps_) continue;
      if (due) {
        wake_ps_ = *due - kBatchSpanPs;
        wait(sc_core::sc_time::from_value(wake_ps_ - now), wakeup_);
      } else if (tracker_.outstanding() == 0) {
        // Nothing injected is in flight: what is held waits for outcomes that cannot come.
        emulator_->flush_held();
      } else {
        // Held packets wait for the router. If nothing at all is heard of it for this long,
        // what they wait for left it unrecognised (or never will leave): give up on them.
        wake_ps_ = now + kStallCheck.value();
        wait(kStallCheck, wakeup_);
        if (sc_now_ps() >= wake_ps_ && !emulator_->next_due()) emulator_->flush_held();
      }
    }
  } catch (const net::InputError& e) {
    error_ = e.what();
  }
  done_ = true;
}

void CaptureReplayer::captured() { ledger_.count_captured(); }

void CaptureReplayer::not_injected(std::string_view reason, const capture::PacketTag& tag, std::string detail) {
  ledger_.not_injected(reason);
  const std::string& file = emulator_->files().at(tag.file).string();
  if (detail.empty()) {
    detail = fmt::format("{}: packet #{}: not injected ({})", file, tag.packet, reason);
  }
  ledger_.warn(reason, file, tag.packet, std::move(detail));
}

void CaptureReplayer::truncated_file(std::string message) { ledger_.warn("truncated_file", "", 0, std::move(message)); }

void CaptureReplayer::warn(std::string_view kind, const capture::PacketTag& tag, std::string message) {
  ledger_.warn(kind, emulator_->files().at(tag.file).string(), tag.packet, std::move(message));
}

// An answer released by what the router just did is injected at once if it is due before
// the thread's horizon; one due later, but before the thread would wake, wakes it.
void CaptureReplayer::outcome_known() {
  inject_due(horizon_ps_);
  const auto due = emulator_->next_due();
  if ((due && *due < wake_ps_ + kBatchSpanPs) || emulator_->wants_advance()) wakeup_.notify(sc_core::SC_ZERO_TIME);
}

void CaptureReplayer::map_frame(std::string_view output, std::uint64_t frame,
                                const std::optional<capture::PacketTag>& tag) {
  if (!frame_map_) return;
  if (tag) {
    *frame_map_ << output << ',' << frame << ',' << emulator_->files().at(tag->file).string() << ',' << tag->packet
                << ',' << tag->loop + 1 << '\n';
  } else {
    *frame_map_ << output << ',' << frame << ",-,-,-\n";
  }
}

void CaptureReplayer::frame_sent(unsigned port, std::uint64_t end_ps, std::span<const std::uint8_t> frame) {
  const auto tag = tracker_.resolve(frame);
  if (port < port_frames_.size()) map_frame(port_names_[port], ++port_frames_[port], tag);
  if (tag) {
    emulator_->delivered(*tag, port, end_ps, frame);
    outcome_known();
  } else if (emulator_->held() > 0) {
    wakeup_.notify(sc_core::SC_ZERO_TIME);  // the router is alive: the thread waits on
  }
}

void CaptureReplayer::frame_dropped(std::string_view reason, std::span<const std::uint8_t> frame) {
  const auto tag = tracker_.resolve(frame);
  map_frame("drops", ledger_.drops_written(), tag);
  if (tag) {
    emulator_->dropped(*tag, reason == "local_delivery");
    outcome_known();
  } else if (emulator_->held() > 0) {
    wakeup_.notify(sc_core::SC_ZERO_TIME);
  }
}

}  // namespace flowsim::testbench
