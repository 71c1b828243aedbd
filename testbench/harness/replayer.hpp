// SPDX-License-Identifier: Apache-2.0
// Injects the scenario's captures into the model's ports in simulated time. It starts once
// the driver has brought the device up; from then on trace time maps 1:1 onto simulated
// time (recorded timing), or each port's frames are sent back to back at line rate.
// Records whose captured length is shorter than their wire length are never injected as
// if whole: they are counted as not injected ("truncated_capture") with a warning naming
// file and packet number; so are records of a link type that cannot be replayed. A file cut
// off mid-record is replayed up to the cut, with a warning saying where it ends.
#pragma once

#include <filesystem>
#include <string>
#include <systemc>
#include <vector>

#include "model/asic.hpp"
#include "testbench/harness/cpu_host.hpp"
#include "testbench/harness/ledger.hpp"
#include "testbench/harness/traffic_source.hpp"
#include "testbench/shard/shard_spec.hpp"

namespace flowsim::testbench {

struct ReplaySource {
  std::filesystem::path pcap;
  unsigned port;
};

class Replayer : public sc_core::sc_module, public TrafficSource {
 public:
  SC_HAS_PROCESS(Replayer);
  Replayer(sc_core::sc_module_name name, std::vector<ReplaySource> sources, bool line_rate, model::Asic& asic,
           const CpuHost& host, Ledger& ledger, std::optional<shard::ShardSpec> shard = std::nullopt);

  bool done() const override { return done_; }
  // An input error (unreadable or truncated file) stops the replay; this says which.
  const std::string& error() const override { return error_; }

 private:
  void run();
  void replay();

  std::vector<ReplaySource> sources_;
  bool line_rate_;
  model::Asic& asic_;
  const CpuHost& host_;
  Ledger& ledger_;
  // Only this shard's conversations are injected; the others' records are skipped unseen.
  std::optional<shard::ShardSpec> shard_;
  bool done_ = false;
  std::string error_;
};

}  // namespace flowsim::testbench
