// SPDX-License-Identifier: Apache-2.0
#include "testbench/capture/host_table.hpp"

namespace flowsim::capture {

std::size_t HostTable::Hash::operator()(const IpKey& k) const {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ k.family;
  for (std::uint8_t b : k.addr) {
    h ^= b;
    h *= 0x100000001b3ULL;
  }
  return static_cast<std::size_t>(h);
}

Host& HostTable::touch(const IpKey& ip, std::uint64_t packet, std::uint32_t interface) {
  auto [it, fresh] = index_.try_emplace(ip, hosts_.size());
  if (fresh) {
    Host h;
    h.ip = ip;
    h.first_packet = packet;
    h.first_interface = interface;
    hosts_.push_back(h);
  }
  return hosts_[it->second];
}

const Host* HostTable::find(const IpKey& ip) const {
  auto it = index_.find(ip);
  return it == index_.end() ? nullptr : &hosts_[it->second];
}

Host* HostTable::find(const IpKey& ip) {
  auto it = index_.find(ip);
  return it == index_.end() ? nullptr : &hosts_[it->second];
}

}  // namespace flowsim::capture
