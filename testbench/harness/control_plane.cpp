// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/control_plane.hpp"

#include "engine/nft/ruleset.hpp"
#include "net/input_error.hpp"

namespace flowsim::testbench {

using Kind = scenario::ControlEvent::Kind;

std::optional<std::string> apply_control_event(const scenario::ControlEvent& e, engine::Engine& engine,
                                               driver::OffloadDriver& driver, std::chrono::nanoseconds now) {
  switch (e.kind) {
    case Kind::kLinkDown:
    case Kind::kLinkUp: {
      const bool up = e.kind == Kind::kLinkUp;
      const unsigned port = e.ports.front();
      // ndo_stop first: nothing more is received or sent on the port while the kernel's
      // notifier cleans up; ndo_open last on the way up.
      if (!up) driver.set_port_enabled(port, false);
      engine.set_link(port, up, now);
      if (up) driver.set_port_enabled(port, true);
      return std::nullopt;
    }
    case Kind::kConntrackDelete:
      // Deleting nothing is no error for conntrack-tools either ("0 flow entries have been
      // deleted"); tests check what was deleted through the dump and the counters.
      engine.delete_conntrack(e.ct_filter, now);
      return std::nullopt;
    case Kind::kRouteAdd: return engine.change_route(engine::Engine::RouteOp::kAdd, e.route, now);
    case Kind::kRouteReplace: return engine.change_route(engine::Engine::RouteOp::kReplace, e.route, now);
    case Kind::kRouteChange: return engine.change_route(engine::Engine::RouteOp::kChange, e.route, now);
    case Kind::kRouteDelete: return engine.change_route(engine::Engine::RouteOp::kDelete, e.route, now);
    case Kind::kNeighbourSet: engine.set_neighbour(e.neighbour, now); return std::nullopt;
    case Kind::kNeighbourDelete: return engine.delete_neighbour(e.neighbour, now);
    case Kind::kRulesetReload:
      try {
        engine.replace_ruleset(std::make_shared<engine::nft::Ruleset>(engine::nft::Ruleset::load(e.ruleset)), now);
      } catch (const net::InputError& err) {
        return err.what();  // the file changed since it was checked
      }
      return std::nullopt;
    case Kind::kFlowtableDeviceRemove:
      for (const unsigned port : e.ports) {
        if (auto err = engine.remove_flowtable_device(port, now)) return err;
      }
      return std::nullopt;
    case Kind::kDriverReset:
      // The reliability work's recovery does the reset when the CPU next looks (CpuHost runs
      // it right after control work): stop, reset, bring up, re-install the offloaded flows.
      driver.request_reset(driver::ResetCause::kRequested);
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace flowsim::testbench
