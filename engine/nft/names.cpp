// SPDX-License-Identifier: Apache-2.0
// Family, hook, chain type and priority names (see names.hpp); the priority table and its
// reach of 10 are nftables' src/rule.c std_prios / prio2str.
#include "engine/nft/names.hpp"

#include <array>
#include <cstdlib>

#include <fmt/format.h>

namespace flowsim::engine::nft {
namespace {

struct StdPrio {
  int value;
  std::string_view name;
};

// In nft's order: prio2str takes the first one within reach.
constexpr std::array<StdPrio, 6> kStdPrios{{
    {-300, "raw"},
    {-150, "mangle"},
    {-100, "dstnat"},
    {0, "filter"},
    {50, "security"},
    {100, "srcnat"},
}};

// std_prio_family_hook_compat. Reading accepts what current nft accepts (dstnat also on
// output, srcnat also on input); printing follows nft 1.0.6, which names them only on
// prerouting and postrouting and prints the number elsewhere.
bool compatible(int prio, Family family, Hook hook, bool printing) {
  if (family == Family::kNetdev) {
    return prio == 0;
  }
  switch (prio) {
    case -100:
      return hook == Hook::kPrerouting || (!printing && hook == Hook::kOutput);
    case 100:
      return hook == Hook::kPostrouting || (!printing && hook == Hook::kInput);
    default:
      return true;
  }
}

}  // namespace

std::string_view family_name(Family family) {
  switch (family) {
    case Family::kIp: return "ip";
    case Family::kIp6: return "ip6";
    case Family::kInet: return "inet";
    case Family::kNetdev: return "netdev";
  }
  return "?";
}

std::optional<Family> family_from_name(std::string_view name) {
  for (Family f : {Family::kIp, Family::kIp6, Family::kInet, Family::kNetdev}) {
    if (family_name(f) == name) {
      return f;
    }
  }
  return std::nullopt;
}

std::string_view hook_name(Hook hook) {
  switch (hook) {
    case Hook::kPrerouting: return "prerouting";
    case Hook::kInput: return "input";
    case Hook::kForward: return "forward";
    case Hook::kOutput: return "output";
    case Hook::kPostrouting: return "postrouting";
    case Hook::kIngress: return "ingress";
  }
  return "?";
}

std::optional<Hook> hook_from_name(std::string_view name) {
  for (Hook h : {Hook::kPrerouting, Hook::kInput, Hook::kForward, Hook::kOutput, Hook::kPostrouting, Hook::kIngress}) {
    if (hook_name(h) == name) {
      return h;
    }
  }
  return std::nullopt;
}

std::string_view chain_type_name(ChainType type) {
  switch (type) {
    case ChainType::kFilter: return "filter";
    case ChainType::kNat: return "nat";
    case ChainType::kRoute: return "route";
  }
  return "?";
}

std::optional<ChainType> chain_type_from_name(std::string_view name) {
  for (ChainType t : {ChainType::kFilter, ChainType::kNat, ChainType::kRoute}) {
    if (chain_type_name(t) == name) {
      return t;
    }
  }
  return std::nullopt;
}

std::optional<int> standard_priority(std::string_view name, Family family, Hook hook) {
  for (const auto& p : kStdPrios) {
    if (p.name == name) {
      if (!compatible(p.value, family, hook, false)) {
        return std::nullopt;
      }
      return p.value;
    }
  }
  return std::nullopt;
}

std::string format_priority(int priority, Family family, Hook hook) {
  constexpr long long kReach = 10;
  for (const auto& p : kStdPrios) {
    const long long offset = static_cast<long long>(priority) - p.value;
    if (std::llabs(offset) > kReach) {
      continue;
    }
    if (!compatible(p.value, family, hook, true)) {
      break;
    }
    if (offset > 0) {
      return fmt::format("{} + {}", p.name, offset);
    }
    if (offset < 0) {
      return fmt::format("{} - {}", p.name, -offset);
    }
    return std::string(p.name);
  }
  return std::to_string(priority);
}

}  // namespace flowsim::engine::nft
