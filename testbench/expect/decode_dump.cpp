// SPDX-License-Identifier: Apache-2.0
// Prints every field of every frame of the captures given, one JSON object per frame
// ({"fields": [[name, off, size, text], ...], "summary": ...}), for check_decoder_twin.py,
// which compares it with the kernel differential's Python decoder frame by frame.
#include <iostream>
#include <nlohmann/json.hpp>

#include "net/input_error.hpp"
#include "testbench/expect/frame_decoder.hpp"
#include "testbench/pcap/pcap_reader.hpp"

int main(int argc, char** argv) {
  try {
    for (int i = 1; i < argc; ++i) {
      flowsim::pcap::PcapReader reader(argv[i]);
      flowsim::pcap::PcapRecord r;
      while (reader.next(r)) {
        const auto d = flowsim::expect::decode(r.bytes);
        nlohmann::json fields = nlohmann::json::array();
        for (const auto& f : d.fields) fields.push_back({f.name, f.off, f.size, f.text(d.frame)});
        std::cout << nlohmann::json{{"file", argv[i]}, {"index", r.index}, {"fields", fields},
                                    {"summary", flowsim::expect::summary(r.bytes)}}
                         .dump()
                  << "\n";
      }
    }
  } catch (const flowsim::net::InputError& e) {
    std::cerr << "decode_dump: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
