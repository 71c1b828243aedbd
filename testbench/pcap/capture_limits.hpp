// SPDX-License-Identifier: Apache-2.0
// Bounds on what a capture file may claim, so that a corrupt length is an error with a
// message rather than a huge allocation.
#pragma once

#include <cstdint>

namespace flowsim::pcap {

// The largest packet record accepted: above any Ethernet frame, including the 64 KiB
// segments that segmentation offload leaves in host captures and Linux's BIG TCP (512 KiB).
inline constexpr std::uint32_t kMaxRecordBytes = 1u << 20;
// The largest pcapng block other than a packet block that is read into memory (interface
// descriptions, section headers); other blocks are skipped, whatever their size.
inline constexpr std::uint32_t kMaxMetadataBlockBytes = 1u << 20;

}  // namespace flowsim::pcap
