// SPDX-License-Identifier: Apache-2.0
// What a first pass over a capture learns before it is replayed: its hosts (with MACs and
// the conversations they open and accept), its conversations, the side of every host, and
// what is odd about it (capture artefacts, counted by kind). Endpoint emulation needs the
// sides before the first packet is injected, so the capture is read twice; nothing per packet
// is kept, so memory grows with hosts and conversations, not with packets.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "testbench/capture/capture_artefacts.hpp"
#include "testbench/capture/conversation_table.hpp"
#include "testbench/capture/host_table.hpp"
#include "testbench/capture/side_classifier.hpp"

namespace flowsim::capture {

struct CaptureIndex {
  std::filesystem::path file;
  std::uint64_t packets = 0;
  std::uint64_t first_ts_ns = 0;
  std::uint64_t last_ts_ns = 0;
  bool synthetic_macs = false;  // some record had no real MACs (raw IP, cooked)
  HostTable hosts;
  ConversationTable conversations;
  SideDecision sides;
  // pcapng interfaces (or 0 for a pcap) that packets were captured on, with their counts.
  std::map<std::uint32_t, std::uint64_t> interfaces;
  // What checksum and segmentation offload on the capturing host left in it.
  CaptureArtefacts artefacts;

  Side side_of(const IpKey& ip) const;
  // The host's MAC, or nullopt.
  const Host* host(const IpKey& ip) const { return hosts.find(ip); }
};

// Reads `file` once; IP packets longer than `mtu` count as oversize. Throws net::InputError
// as PcapReader does, and for MAC mode on a capture without MACs.
CaptureIndex index_capture(const std::filesystem::path& file, const SideOptions& sides, std::uint32_t mtu = 1500);

IpKey source_of(const net::FiveTuple& t);
IpKey destination_of(const net::FiveTuple& t);
// Multicast or broadcast: an address for a whole link, on no side of its own.
bool is_group_address(const IpKey& ip);

// A MAC address for a host the capture shows without one (raw IP, cooked captures): locally
// administered, made from its address, the same on every run.
net::MacAddr made_up_mac(const IpKey& ip);
// The MAC a host is played with: its captured one, else a made-up one.
net::MacAddr host_mac(const Host& h);

}  // namespace flowsim::capture
