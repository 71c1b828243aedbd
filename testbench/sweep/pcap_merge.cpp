// SPDX-License-Identifier: Apache-2.0
#include "testbench/sweep/pcap_merge.hpp"

#include <queue>
#include <tuple>

#include "testbench/pcap/pcap_reader.hpp"
#include "testbench/pcap/pcap_writer.hpp"

namespace flowsim::sweep {

std::uint64_t interleave_pcaps(const std::vector<std::filesystem::path>& inputs, const std::filesystem::path& output) {
  std::vector<pcap::PcapReader> readers;
  std::vector<pcap::PcapRecord> heads(inputs.size());
  readers.reserve(inputs.size());
  for (const auto& p : inputs) readers.emplace_back(p);
  // (timestamp, input, sequence within the input): the smallest comes out first.
  using Key = std::tuple<std::uint64_t, std::size_t, std::uint64_t>;
  std::priority_queue<Key, std::vector<Key>, std::greater<>> queue;
  for (std::size_t i = 0; i < readers.size(); ++i) {
    if (readers[i].next(heads[i])) queue.emplace(heads[i].timestamp_ns, i, heads[i].index);
  }
  pcap::PcapWriter writer(output);
  while (!queue.empty()) {
    const std::size_t i = std::get<1>(queue.top());
    queue.pop();
    writer.write(heads[i].timestamp_ns, heads[i].bytes, heads[i].wire_length);
    if (readers[i].next(heads[i])) queue.emplace(heads[i].timestamp_ns, i, heads[i].index);
  }
  writer.close();
  return writer.packets_written();
}

}  // namespace flowsim::sweep
