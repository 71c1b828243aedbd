// SPDX-License-Identifier: Apache-2.0
#include "model/rtl_twin/rtl_instruments.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "verilated.h"
#include "verilated_cov.h"
#include "verilated_fst_c.h"

namespace flowsim::model {
namespace {

// Fail before a long run, not at its end, if a file cannot be written.
void check_writable(const std::string& path) {
  if (!std::ofstream(path)) throw std::invalid_argument(path + ": cannot open for writing");
}

}  // namespace

RtlInstruments::RtlInstruments(RtlInstrumentRequest request, std::uint64_t period_ps)
    : request_(std::move(request)), half_ps_(std::max<std::uint64_t>(1, period_ps / 2)) {
  if (request_.wave_from_ps > request_.wave_to_ps) {
    throw std::invalid_argument("the waveform's window ends before it starts");
  }
  if (!request_.wave_path.empty()) check_writable(request_.wave_path);
  if (!request_.coverage_path.empty()) check_writable(request_.coverage_path);
  // A new VerilatedContext makes itself the thread's current one; give the thread back the one
  // it had (TOOLCHAIN.md trap 7).
  VerilatedContext* const previous = Verilated::threadContextp();
  context_ = std::make_unique<VerilatedContext>();
  Verilated::threadContextp(previous);
  if (!request_.wave_path.empty()) {
    context_->traceEverOn(true);
    fst_ = std::make_unique<VerilatedFstC>();
    // The writer takes its resolution from the thread's current context, which is not ours:
    // picoseconds, as the time it is given.
    fst_->set_time_unit("1ps");
    fst_->set_time_resolution("1ps");
  }
}

RtlInstruments::~RtlInstruments() = default;

void RtlInstruments::all_blocks_added() {
  if (fst_) fst_->open(request_.wave_path.c_str());
}

void RtlInstruments::finish() {
  if (finished_) return;
  finished_ = true;
  if (fst_) fst_->close();
  if (!request_.coverage_path.empty()) context_->coveragep()->write(request_.coverage_path.c_str());
}

void RtlInstruments::at(std::uint64_t sim_ps) {
  if (!origin_ps_ && origin_source_) origin_ps_ = origin_source_();
  if (!origin_ps_ || sim_ps < *origin_ps_) return;
  now_ps_ = std::max(now_ps_, sim_ps - *origin_ps_);
}

void RtlInstruments::half_cycle() {
  if (fst_ && origin_ps_ && now_ps_ >= request_.wave_from_ps && now_ps_ <= request_.wave_to_ps) {
    context_->time(now_ps_);
    fst_->dump(now_ps_);
  }
  if (origin_ps_) now_ps_ += half_ps_;
}

}  // namespace flowsim::model
