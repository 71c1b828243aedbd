// SPDX-License-Identifier: Apache-2.0
// The engine's names for the offload port it calls (net/flow_offload.hpp), so engine code
// speaks of engine::FlowOffload as the kernel's netfilter code speaks of flow_offload.
#pragma once

#include "net/flow_offload.hpp"

namespace flowsim::engine {

using net::FlowDirection;
using net::FlowOffload;
using net::OffloadDirection;
using net::OffloadFlow;
using net::OffloadRefusal;
using net::OffloadStats;
using net::to_string;

}  // namespace flowsim::engine
