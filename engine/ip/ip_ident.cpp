// SPDX-License-Identifier: Apache-2.0
#include "engine/ip/ip_ident.hpp"

namespace flowsim::engine::ip {
namespace {

// INITIAL_JIFFIES: the kernel starts jiffies five minutes before wrapping, to catch overflow
// bugs early; (u32)jiffies is what ip_idents_reserve compares.
constexpr std::uint32_t kInitialJiffies = static_cast<std::uint32_t>(-300 * static_cast<std::int64_t>(IpIdent::kHz));

std::uint32_t jiffies_at(std::chrono::nanoseconds now) {
  const std::int64_t ticks = now.count() / (1'000'000'000 / IpIdent::kHz);
  return kInitialJiffies + static_cast<std::uint32_t>(ticks);
}

// The network-order bytes of an address as the u32 a little-endian kernel passes to
// siphash_3u32 ((__force u32)iph->daddr).
std::uint32_t raw(net::Ipv4Addr a) {
  const std::uint32_t v = a.value();
  return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

}  // namespace

IpIdent::IpIdent(std::uint64_t seed) : rng_(seed) {
  key_.k = {std::uint64_t{random_u32()} << 32 | random_u32(), std::uint64_t{random_u32()} << 32 | random_u32()};
  for (std::uint32_t& v : idents_) v = random_u32();  // get_random_bytes(ip_idents, ...)
}

// splitmix64 (Steele, Lea, Flood 2014), the upper half: small, fast and seedable.
std::uint32_t IpIdent::random_u32() {
  std::uint64_t z = (rng_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return static_cast<std::uint32_t>((z ^ (z >> 31)) >> 32);
}

// get_random_u32_below: a uniform value in [0, ceil) by multiply-shift (Lemire).
std::uint32_t IpIdent::random_below(std::uint32_t ceil) {
  return static_cast<std::uint32_t>((std::uint64_t{random_u32()} * ceil) >> 32);
}

std::uint16_t IpIdent::select(net::Ipv4Addr src, net::Ipv4Addr dst, std::uint8_t protocol,
                              std::chrono::nanoseconds now, unsigned segs) {
  const std::uint32_t hash = static_cast<std::uint32_t>(siphash_3u32(raw(dst), raw(src), protocol, key_));
  const std::size_t bucket = hash & (kBuckets - 1);
  const std::uint32_t jiffies = jiffies_at(now);
  std::uint32_t delta = 0;
  if (stamps_[bucket] != jiffies) {
    delta = random_below(jiffies - stamps_[bucket]);
    stamps_[bucket] = jiffies;
  }
  idents_[bucket] += segs + delta;  // atomic_add_return(segs + delta, p_id) - segs
  return static_cast<std::uint16_t>(idents_[bucket] - segs);
}

void IpIdent::select_for(const net::Ipv4Header& ip, std::chrono::nanoseconds now, bool ignore_df) {
  if (ip.dont_fragment() && !ignore_df) {
    ip.set_id(0);
  } else {
    ip.set_id(select(ip.src(), ip.dst(), ip.protocol(), now));
  }
}

std::uint32_t IpIdent::select_ipv6() {
  // get_random_u32_above(0)
  for (;;) {
    const std::uint32_t id = random_u32();
    if (id != 0) return id;
  }
}

}  // namespace flowsim::engine::ip
