// SPDX-License-Identifier: Apache-2.0
#include "net/checksum.hpp"

namespace flowsim::net {

std::uint32_t checksum_add(std::span<const std::uint8_t> bytes, std::uint32_t sum) {
  // Accumulate in 64 bits so that no carry is lost for any packet size, then fold to 32.
  std::uint64_t acc = sum;
  std::size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) acc += std::uint32_t{bytes[i]} << 8 | bytes[i + 1];
  if (i < bytes.size()) acc += std::uint32_t{bytes[i]} << 8;
  while (acc >> 32) acc = (acc & 0xffffffff) + (acc >> 32);
  return static_cast<std::uint32_t>(acc);
}

std::uint32_t pseudo_header_sum(Ipv4Addr src, Ipv4Addr dst, std::uint8_t proto, std::uint32_t l4_length) {
  std::uint64_t sum = (src.value() >> 16) + (src.value() & 0xffff) + (dst.value() >> 16) +
                      (dst.value() & 0xffff) + proto + l4_length;
  while (sum >> 32) sum = (sum & 0xffffffff) + (sum >> 32);
  return static_cast<std::uint32_t>(sum);
}

std::uint32_t pseudo_header_sum(const Ipv6Addr& src, const Ipv6Addr& dst, std::uint8_t proto,
                                std::uint32_t l4_length) {
  std::uint32_t sum = checksum_add(src.bytes());
  sum = checksum_add(dst.bytes(), sum);
  std::uint64_t acc = std::uint64_t{sum} + (l4_length >> 16) + (l4_length & 0xffff) + proto;
  while (acc >> 32) acc = (acc & 0xffffffff) + (acc >> 32);
  return static_cast<std::uint32_t>(acc);
}

std::uint16_t l4_checksum(Ipv4Addr src, Ipv4Addr dst, std::uint8_t proto, std::span<const std::uint8_t> l4) {
  return checksum_fold(checksum_add(l4, pseudo_header_sum(src, dst, proto, static_cast<std::uint32_t>(l4.size()))));
}

std::uint16_t l4_checksum(const Ipv6Addr& src, const Ipv6Addr& dst, std::uint8_t proto,
                          std::span<const std::uint8_t> l4) {
  return checksum_fold(checksum_add(l4, pseudo_header_sum(src, dst, proto, static_cast<std::uint32_t>(l4.size()))));
}

std::uint16_t csum_replace16(std::uint16_t check, const Ipv6Addr& from, const Ipv6Addr& to) {
  std::uint64_t sum = 0;
  for (unsigned i = 0; i < 4; ++i) {
    const std::uint32_t nfrom = ~from.word(i);
    const std::uint32_t w = to.word(i);
    sum += (nfrom >> 16) + (nfrom & 0xffff) + (w >> 16) + (w & 0xffff);
  }
  while (sum >> 32) sum = (sum & 0xffffffff) + (sum >> 32);
  return csum_fold_add(check, static_cast<std::uint32_t>(sum));
}

}  // namespace flowsim::net
