// SPDX-License-Identifier: Apache-2.0
// Merging the report.json of a capture's shards into the report an unsharded replay would
// have given: packet, drop, punt, flow and driver counters are summed (each packet was in
// exactly one shard); a port's busy interval spans the shards' (first frame out of any, to
// the end of the last), and the rates are recomputed from it; the simulated time is the
// longest. Keys this merge does not know how to combine are left out and named in
// `not_merged`, never summed blindly.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

namespace flowsim::sweep {

nlohmann::ordered_json merge_reports(const std::vector<nlohmann::ordered_json>& shards);

// Packets per second forwarded over all ports' combined busy interval (0 if none left).
double report_throughput_pps(const nlohmann::ordered_json& report);
double report_hit_rate(const nlohmann::ordered_json& report);

}  // namespace flowsim::sweep
