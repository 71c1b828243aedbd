// SPDX-License-Identifier: Apache-2.0
// A change to the router while it runs, written as the command an administrator (or the
// system) would run on a Linux router, in a scenario's `events:` or a conformance file's
// `event` line:
//
//   ip link set [dev] DEV down|up
//   conntrack -F                                   conntrack -D [-f ipv4|ipv6] [-p PROTO]
//       [-s ADDR] [-d ADDR] [--sport N] [--dport N] [-r ADDR] [-q ADDR]
//   ip [-4|-6] route add|replace|change|del PREFIX|default [via GW] [dev DEV]
//   ip neigh add|replace|change ADDR lladdr MAC dev DEV     ip neigh del ADDR dev DEV
//   nft -f FILE                                    (a complete ruleset; replaces the running one)
//   nft delete flowtable FAMILY TABLE NAME { devices = { DEV[, DEV] } ; }
//   driver reset                                   (the device reset and brought up again)
//
// Parsing checks what can be checked before the run (port names, addresses, the ruleset
// file parses); what depends on the router's state then (a route that does not exist) is
// the command's own error when it runs.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/conntrack/ct_filter.hpp"
#include "engine/engine_config.hpp"

namespace flowsim::scenario {

struct Scenario;

struct ControlEvent {
  enum class Kind : std::uint8_t {
    kLinkDown,
    kLinkUp,
    kConntrackDelete,  // -D with `ct_filter`; -F is a delete with an empty filter
    kRouteAdd,
    kRouteReplace,
    kRouteChange,
    kRouteDelete,
    kNeighbourSet,
    kNeighbourDelete,
    kRulesetReload,
    kFlowtableDeviceRemove,
    kDriverReset,
  };
  Kind kind = Kind::kLinkDown;
  std::string command;               // as written
  std::chrono::nanoseconds at{0};    // scenario events: traffic time
  int line = 0;                      // where it was written
  std::vector<unsigned> ports;       // link, flowtable devices
  engine::conntrack::CtFilter ct_filter;
  engine::RouteConfig route;
  engine::NeighbourConfig neighbour;
  std::filesystem::path ruleset;     // nft -f
};

// Parses `command`; relative files are taken from `base_dir`. Returns the event, or nullopt
// with `error` saying what is wrong and what would have been accepted.
std::optional<ControlEvent> parse_control_event(std::string_view command, const Scenario& scenario,
                                                const std::filesystem::path& base_dir, std::string* error);

}  // namespace flowsim::scenario
