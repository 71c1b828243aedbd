// SPDX-License-Identifier: Apache-2.0
// PcapReader on every container, byte order, precision and link type it takes, against what
// traces/formats/make_format_traces.py says each record must read as (formats.json): exact
// frames, wire lengths, nanosecond timestamps, interfaces, made-up MACs, and where a file cut
// off mid-record ends. Also the errors for corrupt pcapng blocks and for gzip content that is
// not a capture.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "net/input_error.hpp"
#include "testbench/pcap/pcap_reader.hpp"
#include "testbench/pcap/test_file_bytes.hpp"

namespace flowsim::pcap {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

const fs::path kDir = fs::path(FLOWSIM_SOURCE_DIR) / "traces" / "formats";

nlohmann::json expectations() {
  std::ifstream in(kDir / "formats.json");
  return nlohmann::json::parse(in);
}

Bytes from_hex(const std::string& hex) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

using test_files::read_file;
using test_files::write_file;

template <typename Fn>
std::string input_error_of(Fn&& fn) {
  try {
    fn();
  } catch (const net::InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no net::InputError thrown";
  return {};
}

void expect_file_reads_as_specified(const std::string& name) {
  SCOPED_TRACE(name);
  const nlohmann::json want = expectations().at(name);
  PcapReader reader(kDir / name);
  PcapRecord rec;
  std::size_t n = 0;
  for (const auto& w : want.at("records")) {
    ASSERT_TRUE(reader.next(rec)) << "record " << n + 1 << " missing";
    ++n;
    EXPECT_EQ(rec.index, w.at("index").get<std::uint64_t>());
    EXPECT_EQ(rec.timestamp_ns, w.at("ts_ns").get<std::uint64_t>()) << "record " << n;
    EXPECT_EQ(rec.wire_length, w.at("wire_length").get<std::uint32_t>()) << "record " << n;
    EXPECT_EQ(rec.interface, w.at("interface").get<std::uint32_t>()) << "record " << n;
    EXPECT_EQ(rec.bytes, from_hex(w.at("frame").get<std::string>())) << "record " << n;
    EXPECT_EQ(rec.synthetic_macs, w.at("synthetic_macs").get<bool>()) << "record " << n;
    EXPECT_EQ(std::string(rec.unusable), w.at("unusable").get<std::string>()) << "record " << n;
  }
  EXPECT_FALSE(reader.next(rec)) << "more records than expected";
  EXPECT_EQ(reader.packets_read(), n);
  const auto& cut = want.at("truncation");
  EXPECT_EQ(reader.truncation(), cut.is_null() ? std::string() : cut.get<std::string>());
  if (want.contains("interfaces")) {
    const auto& itfs = reader.interfaces();
    ASSERT_EQ(itfs.size(), want["interfaces"].size());
    for (std::size_t i = 0; i < itfs.size(); ++i) {
      EXPECT_EQ(itfs[i].link_type, want["interfaces"][i]["link_type"].get<std::uint16_t>());
      EXPECT_EQ(itfs[i].name, want["interfaces"][i]["name"].get<std::string>());
    }
  }
}

TEST(CaptureFormats, ClassicPcapInBothByteOrdersAndPrecisions) {
  for (const char* f : {"little_micro.pcap", "big_micro.pcap", "little_nano.pcap", "big_nano.pcap"}) {
    expect_file_reads_as_specified(f);
  }
}

TEST(CaptureFormats, GzipCompressedPcapReadsAsItsContent) {
  expect_file_reads_as_specified("little_micro.pcap.gz");
  PcapReader reader(kDir / "little_micro.pcap.gz");
  EXPECT_TRUE(reader.compressed());
  EXPECT_STREQ(reader.format(), "pcap");
  EXPECT_FALSE(PcapReader(kDir / "little_micro.pcap").compressed());
}

TEST(CaptureFormats, PcapngSectionsOfBothByteOrdersAndSeveralInterfaces) {
  expect_file_reads_as_specified("sections.pcapng");
  EXPECT_STREQ(PcapReader(kDir / "sections.pcapng").format(), "pcapng");
}

TEST(CaptureFormats, PacketOnAnInterfaceOfAnotherLinkTypeIsUnusableNotFatal) {
  expect_file_reads_as_specified("foreign_interface.pcapng");
}

TEST(CaptureFormats, LinuxCookedCapturesBecomeEthernet) {
  expect_file_reads_as_specified("sll.pcap");
  expect_file_reads_as_specified("sll2.pcap");
}

TEST(CaptureFormats, RawIpAndLoopbackBecomeEthernet) {
  expect_file_reads_as_specified("raw_ip.pcap");
  expect_file_reads_as_specified("null_loopback.pcap");
}

TEST(CaptureFormats, FcsIsStrippedFromDataAndWireLength) { expect_file_reads_as_specified("fcs.pcap"); }

TEST(CaptureFormats, SnaplenCutRecordKeepsItsWireLength) { expect_file_reads_as_specified("snaplen.pcap"); }

TEST(CaptureFormats, FileCutMidRecordGivesTheWholeRecordsAndSaysWhere) {
  for (const char* f : {"cut_data.pcap", "cut_header.pcap", "cut.pcap.gz", "cut.pcapng"}) {
    expect_file_reads_as_specified(f);
  }
}

class CaptureErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("flowsim_capture_errors_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(CaptureErrors, GzipOfSomethingElseSaysGzip) {
  const fs::path file = dir_ / "text.gz";
  // A gzip member (fixed bytes, from `printf 'hello pcap\n' | gzip -n`) holding text.
  write_file(file, {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57,
                    0x28, 0x48, 0x4e, 0x2c, 0xe0, 0x02, 0x00, 0x06, 0x7e, 0xa1, 0xa7, 0x0b, 0x00, 0x00, 0x00});
  const std::string message = input_error_of([&] { PcapReader r(file); });
  EXPECT_EQ(message, file.string() + ": gzip: not a pcap or pcapng file (it starts with 68 65 6c 6c)");
}

TEST_F(CaptureErrors, CorruptGzipDataSaysGzip) {
  Bytes gz = read_file(kDir / "little_micro.pcap.gz");
  for (std::size_t i = 40; i < 60; ++i) gz[i] ^= 0x5a;
  const fs::path file = dir_ / "corrupt.pcap.gz";
  write_file(file, gz);
  const std::string message = input_error_of([&] {
    PcapReader r(file);
    PcapRecord rec;
    while (r.next(rec)) {
    }
  });
  EXPECT_EQ(message.rfind(file.string() + ": gzip: corrupt compressed data after ", 0), 0u) << message;
}

TEST_F(CaptureErrors, PcapngPacketOnAnUndescribedInterface) {
  Bytes ng = read_file(kDir / "foreign_interface.pcapng");
  // The first EPB follows SHB (48 bytes, with its comment) and two IDBs; its interface id is
  // the first word of its body.
  const std::size_t shb = 48;
  std::size_t at = shb;
  for (int i = 0; i < 2; ++i) at += ng[at + 4] | ng[at + 5] << 8;
  ASSERT_EQ(ng[at], 6);
  ng[at + 8] = 7;
  const fs::path file = dir_ / "bad_interface.pcapng";
  write_file(file, ng);
  PcapReader r(file);
  PcapRecord rec;
  EXPECT_EQ(input_error_of([&] { r.next(rec); }),
            file.string() + ": packet #1: interface 7 is not described in its section (2 interfaces)");
}

TEST_F(CaptureErrors, PcapngBlockLengthsAreChecked) {
  const Bytes ng = read_file(kDir / "foreign_interface.pcapng");
  std::size_t at = 48;
  for (int i = 0; i < 2; ++i) at += ng[at + 4] | ng[at + 5] << 8;
  {
    Bytes bad = ng;
    bad[at + 4] = 13;  // not a multiple of 4
    bad[at + 5] = 0;
    const fs::path file = dir_ / "odd.pcapng";
    write_file(file, bad);
    PcapReader r(file);
    PcapRecord rec;
    EXPECT_EQ(input_error_of([&] { r.next(rec); }),
              file.string() + ": block at byte " + std::to_string(at) + ": block length 13 is invalid");
  }
  {
    Bytes bad = ng;
    bad[at + 20] = 0xff;  // captured length 0x...ff: beyond the block
    const fs::path file = dir_ / "caplen.pcapng";
    write_file(file, bad);
    PcapReader r(file);
    PcapRecord rec;
    const std::string message = input_error_of([&] { r.next(rec); });
    EXPECT_EQ(message.rfind(file.string() + ": packet #1: captured length ", 0), 0u) << message;
    EXPECT_NE(message.find("does not fit in its block"), std::string::npos) << message;
  }
}

TEST_F(CaptureErrors, ClassicPcapOfAnUnreadableLinkTypeNamesIt) {
  Bytes pcap = read_file(kDir / "little_micro.pcap");
  pcap[20] = 105;  // IEEE802_11
  const fs::path file = dir_ / "wifi.pcap";
  write_file(file, pcap);
  const std::string message = input_error_of([&] { PcapReader r(file); });
  EXPECT_EQ(message.rfind(file.string() + ": link type IEEE802_11 (105) is not one flowsim reads", 0), 0u) << message;
}

}  // namespace
}  // namespace flowsim::pcap
