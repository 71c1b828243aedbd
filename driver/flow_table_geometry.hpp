// SPDX-License-Identifier: Apache-2.0
// The shape of the device's flow table as CAPS reports it at bring-up: how many entries,
// how many ways per hash bucket. Everything that turns a hash into an entry index uses it,
// so the driver never assumes a table size (MediaTek's 8K/16K/32K variants, hardware.md §1.2).
#pragma once

#include <cstdint>

namespace flowsim::driver {

struct FlowTableGeometry {
  unsigned entries = 0;   // 1 << CAPS.TABLE_SIZE_LOG2; 0 = the device has no flow table
  unsigned ways = 0;      // CAPS.TABLE_WAYS, a power of two dividing `entries`
  bool ipv6_nat = false;  // CAPS.IPV6_NAT

  unsigned buckets() const { return ways == 0 ? 0 : entries / ways; }
  // The bucket of a 32-bit hash value (the hash unit stops before the mask, as here).
  unsigned bucket_of(std::uint32_t hash) const { return hash & (buckets() - 1); }
  unsigned index(unsigned bucket, unsigned way) const { return bucket * ways + way; }
  unsigned bucket_of_index(unsigned index) const { return index / ways; }
};

}  // namespace flowsim::driver
