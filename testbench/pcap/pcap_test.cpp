// SPDX-License-Identifier: Apache-2.0
// Tests of PcapReader and PcapWriter: exact round trips, the committed Scapy-made inputs of
// traces/unit/ (microsecond pcap, nanosecond pcapng, Linux cooked capture, snaplen-cut
// records) and the errors for missing, foreign and truncated files.
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "net/input_error.hpp"
#include "testbench/pcap/pcap_reader.hpp"
#include "testbench/pcap/pcap_writer.hpp"
#include "testbench/pcap/test_file_bytes.hpp"

namespace flowsim::pcap {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

fs::path unit_trace(const char* name) { return fs::path(FLOWSIM_SOURCE_DIR) / "traces" / "unit" / name; }

// The frames of micro.pcap, nano.pcapng and snaplen.pcap (make_unit_traces.py pattern_frame):
// 02:00:00:00:00:02 <- 02:00:00:00:00:01, EtherType 0x88b5, payload byte k = seed + k.
Bytes pattern_frame(std::uint8_t seed, std::size_t size) {
  Bytes f = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0xb5};
  for (std::size_t k = 0; f.size() < size; ++k) f.push_back(static_cast<std::uint8_t>(seed + k));
  return f;
}

using test_files::read_file;
using test_files::write_file;

std::vector<PcapRecord> read_all(const fs::path& path) {
  PcapReader reader(path);
  std::vector<PcapRecord> records;
  PcapRecord rec;
  while (reader.next(rec)) records.push_back(rec);
  return records;
}

// Runs `fn`, which must throw net::InputError, and returns the message.
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

class PcapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("flowsim_pcap_test_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
};

TEST_F(PcapTest, RoundTripKeepsBytesTimestampsLengthsAndIndices) {
  struct Frame {
    std::uint64_t ts;
    Bytes bytes;
    std::uint32_t wire;
  };
  const std::vector<Frame> frames = {
      {1'700'000'000'123'456'789u, pattern_frame(0x10, 60), 60},
      {1'700'000'000'123'456'790u, pattern_frame(0x20, 1514), 1514},
      {1'700'000'001'000'000'000u, pattern_frame(0x30, 9018), 9018},
      {2'147'483'647'999'999'999u, pattern_frame(0x40, 14), 14},  // the last ns libpcap reads back
      {0, pattern_frame(0x50, 64), 1500},                          // snaplen-cut record
  };
  const fs::path file = dir_ / "round_trip.pcap";
  {
    PcapWriter writer(file);
    for (const auto& f : frames) writer.write(f.ts, f.bytes, f.wire == f.bytes.size() ? 0 : f.wire);
    EXPECT_EQ(writer.packets_written(), frames.size());
  }  // the destructor closes the file

  // Nanosecond magic (0xa1b23c4d, native order), v2.4, snaplen 262144, DLT_EN10MB.
  const Bytes raw = read_file(file);
  ASSERT_GE(raw.size(), 24u);
  EXPECT_EQ(Bytes(raw.begin(), raw.begin() + 24),
            (Bytes{0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0}));

  PcapReader reader(file);
  EXPECT_EQ(reader.path(), file);
  PcapRecord rec;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    ASSERT_TRUE(reader.next(rec)) << "record " << i + 1;
    EXPECT_EQ(rec.index, i + 1);
    EXPECT_EQ(rec.timestamp_ns, frames[i].ts);
    EXPECT_EQ(rec.wire_length, frames[i].wire);
    EXPECT_EQ(rec.bytes, frames[i].bytes);
    EXPECT_EQ(rec.truncated(), i == 4);
    EXPECT_EQ(reader.packets_read(), i + 1);
  }
  EXPECT_FALSE(reader.next(rec));
  EXPECT_FALSE(reader.next(rec));
  EXPECT_EQ(rec.index, frames.size()) << "a false next() leaves the record alone";
  EXPECT_EQ(reader.packets_read(), frames.size());
}

TEST_F(PcapTest, EmptyCaptureHasNoRecords) {
  const fs::path file = dir_ / "empty.pcap";
  PcapWriter(file).close();
  EXPECT_EQ(fs::file_size(file), 24u);
  PcapReader reader(file);
  PcapRecord rec;
  EXPECT_FALSE(reader.next(rec));
  EXPECT_EQ(reader.packets_read(), 0u);
}

TEST(PcapReader, ReadsScapyMicrosecondPcap) {
  const auto records = read_all(unit_trace("micro.pcap"));
  ASSERT_EQ(records.size(), 4u);
  const std::uint64_t t0 = 1'700'000'000'000'000'000u;
  const std::uint64_t ts[] = {t0, t0 + 1'000, t0 + 999'999'000, t0 + 123'456'789'000};
  const std::size_t sizes[] = {60, 64, 100, 1514};
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].index, i + 1);
    EXPECT_EQ(records[i].timestamp_ns, ts[i]) << "record " << i + 1;
    EXPECT_EQ(records[i].wire_length, sizes[i]);
    EXPECT_EQ(records[i].bytes, pattern_frame(static_cast<std::uint8_t>(i + 1), sizes[i]));
    EXPECT_FALSE(records[i].truncated());
  }
}

TEST(PcapReader, ReadsNanosecondPcapng) {
  const auto records = read_all(unit_trace("nano.pcapng"));
  ASSERT_EQ(records.size(), 4u);
  const std::uint64_t ts[] = {1'700'000'000'123'456'789u, 1'700'000'000'123'456'790u,
                              1'700'000'001'000'000'001u, 1'700'000'002'999'999'999u};
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].index, i + 1);
    EXPECT_EQ(records[i].timestamp_ns, ts[i]) << "record " << i + 1;
    EXPECT_EQ(records[i].wire_length, 60 + i);
    EXPECT_EQ(records[i].bytes, pattern_frame(static_cast<std::uint8_t>(i + 5), 60 + i));
  }
}

TEST(PcapReader, ReusesTheRecordBuffer) {
  PcapReader reader(unit_trace("micro.pcap"));
  PcapRecord rec;
  rec.bytes.reserve(2048);
  const std::uint8_t* storage = rec.bytes.data();
  int n = 0;
  while (reader.next(rec)) {
    ++n;
    EXPECT_EQ(rec.bytes.data(), storage) << "record " << n << " reallocated";
  }
  EXPECT_EQ(n, 4);
}

TEST(PcapReader, SnaplenCutRecordsAreTruncated) {
  const auto records = read_all(unit_trace("snaplen.pcap"));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_FALSE(records[0].truncated());
  EXPECT_EQ(records[0].bytes, pattern_frame(9, 60));
  EXPECT_EQ(records[0].wire_length, 60u);

  EXPECT_TRUE(records[1].truncated());
  EXPECT_EQ(records[1].bytes.size(), 64u);
  EXPECT_EQ(records[1].wire_length, 200u);
  const Bytes full = pattern_frame(10, 200);
  EXPECT_EQ(records[1].bytes, Bytes(full.begin(), full.begin() + 64));

  EXPECT_TRUE(records[2].truncated());
  EXPECT_EQ(records[2].bytes.size(), 64u);
  EXPECT_EQ(records[2].wire_length, 1514u);
  EXPECT_EQ(records[2].timestamp_ns, 1'700'000'000'000'002'000u);
}

TEST(PcapReader, LinuxCookedCaptureReadsAsEthernet) {
  const auto records = read_all(unit_trace("linux_sll.pcap"));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].link_type, 113u);
  ASSERT_GE(records[0].bytes.size(), 14u);
  EXPECT_EQ(records[0].bytes.size(), records[0].wire_length);
}

TEST(PcapReader, MissingFileIsAnInputError) {
  const fs::path file = unit_trace("no_such_file.pcap");
  const std::string message = input_error_of([&] { PcapReader reader(file); });
  EXPECT_EQ(message.rfind(file.string() + ": ", 0), 0u) << message;
}

TEST_F(PcapTest, NotACaptureFileIsAnInputError) {
  const fs::path file = dir_ / "text.pcap";
  write_file(file, Bytes(100, 'x'));
  const std::string message = input_error_of([&] { PcapReader reader(file); });
  EXPECT_EQ(message.rfind(file.string() + ": ", 0), 0u) << message;
}

// Offsets of the records of micro.pcap: a 24-byte file header, then per record a 16-byte
// header and its bytes.
std::vector<std::size_t> record_offsets(const fs::path& file) {
  std::vector<std::size_t> offsets;
  std::size_t at = 24;
  for (const auto& rec : read_all(file)) {
    offsets.push_back(at);
    at += 16 + rec.bytes.size();
  }
  offsets.push_back(at);
  return offsets;
}

TEST_F(PcapTest, FileCutInsideThirdPacketEndsAfterTheSecondAndSaysWhere) {
  const fs::path source = unit_trace("micro.pcap");
  const Bytes full = read_file(source);
  const auto offsets = record_offsets(source);
  ASSERT_EQ(offsets.back(), full.size());
  // Cut in the middle of the 3rd record's data, and inside its 16-byte header.
  for (const std::size_t cut : {offsets[2] + 16 + 50, offsets[2] + 8}) {
    const fs::path file = dir_ / "cut.pcap";
    write_file(file, Bytes(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(cut)));
    PcapReader reader(file);
    PcapRecord rec;
    ASSERT_TRUE(reader.next(rec));
    ASSERT_TRUE(reader.next(rec));
    EXPECT_EQ(rec.bytes, pattern_frame(2, 64));
    EXPECT_TRUE(reader.truncation().empty());
    EXPECT_FALSE(reader.next(rec));
    EXPECT_EQ(rec.index, 2u);
    EXPECT_EQ(reader.truncation().rfind("file ends inside ", 0), 0u) << reader.truncation();
    EXPECT_NE(reader.truncation().find("packet #3"), std::string::npos) << reader.truncation();
    EXPECT_FALSE(reader.next(rec));
    EXPECT_EQ(reader.packets_read(), 2u);
  }
}

TEST_F(PcapTest, FileCutBetweenPacketsEndsCleanly) {
  const fs::path source = unit_trace("micro.pcap");
  const Bytes full = read_file(source);
  const fs::path file = dir_ / "two.pcap";
  write_file(file, Bytes(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(record_offsets(source)[2])));
  EXPECT_EQ(read_all(file).size(), 2u);
}

TEST_F(PcapTest, CorruptRecordsAreInputErrors) {
  const fs::path good = dir_ / "good.pcap";
  {
    PcapWriter writer(good);
    writer.write(1, pattern_frame(1, 60));
    writer.write(2, pattern_frame(2, 60));
  }
  const Bytes bytes = read_file(good);
  // Second record's header at 24 + 16 + 60: seconds, nanoseconds, caplen, len (native order).
  const std::size_t second = 24 + 16 + 60;
  struct Patch {
    std::size_t offset;
    std::uint32_t value;
    const char* what;
  };
  for (const Patch& patch : {Patch{second + 8, 0x7fff'ffffu, "captured length 2147483647 is larger than any frame"},
                             Patch{second + 4, 1'000'000'000u, "bad timestamp"},
                             Patch{second + 12, 59u, "captured length 60 exceeds the length on the wire 59"}}) {
    Bytes corrupt = bytes;
    std::memcpy(corrupt.data() + patch.offset, &patch.value, sizeof patch.value);
    const fs::path file = dir_ / "corrupt.pcap";
    write_file(file, corrupt);
    PcapReader reader(file);
    PcapRecord rec;
    ASSERT_TRUE(reader.next(rec));
    const std::string message = input_error_of([&] { reader.next(rec); });
    EXPECT_EQ(message.rfind(file.string() + ": packet #2: " + patch.what, 0), 0u) << message;
  }
}

TEST_F(PcapTest, WriterStoresWireLengthBeyondCapturedBytes) {
  const fs::path file = dir_ / "cut.pcap";
  const Bytes frame = pattern_frame(1, 1514);
  {
    PcapWriter writer(file);
    writer.write(5, std::span(frame).first(128), 1514);
    writer.write(6, frame);
  }
  const auto records = read_all(file);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].truncated());
  EXPECT_EQ(records[0].bytes, Bytes(frame.begin(), frame.begin() + 128));
  EXPECT_EQ(records[0].wire_length, 1514u);
  EXPECT_EQ(records[0].timestamp_ns, 5u);
  EXPECT_FALSE(records[1].truncated());
  EXPECT_EQ(records[1].wire_length, 1514u);
}

TEST_F(PcapTest, WriterRejectsBadArgumentsAndUseAfterClose) {
  PcapWriter writer(dir_ / "w.pcap");
  const Bytes frame = pattern_frame(1, 60);
  EXPECT_THROW(writer.write(0, frame, 59), std::invalid_argument);
  EXPECT_THROW(writer.write(0, Bytes(PcapWriter::kSnaplen + 1)), std::invalid_argument);
  EXPECT_THROW(writer.write(2'147'483'648'000'000'000u, frame), std::invalid_argument);
  EXPECT_EQ(writer.packets_written(), 0u);
  writer.write(1, frame);
  writer.flush();
  writer.close();
  writer.close();  // idempotent
  EXPECT_THROW(writer.write(2, frame), std::logic_error);
  EXPECT_EQ(read_all(dir_ / "w.pcap").size(), 1u);
}

TEST_F(PcapTest, WriterToAMissingDirectoryIsAnInputError) {
  const fs::path file = dir_ / "no_such_dir" / "out.pcap";
  const std::string message = input_error_of([&] { PcapWriter writer(file); });
  EXPECT_EQ(message.rfind(file.string() + ": ", 0), 0u) << message;
}

TEST_F(PcapTest, ReaderAndWriterAreMovable) {
  const fs::path file = dir_ / "moved.pcap";
  PcapWriter first(file);
  first.write(1, pattern_frame(1, 60));
  PcapWriter second(std::move(first));
  second.write(2, pattern_frame(2, 60));
  EXPECT_THROW(first.write(3, pattern_frame(3, 60)), std::logic_error);  // NOLINT(bugprone-use-after-move)
  second.close();

  PcapReader a(file);
  PcapRecord rec;
  ASSERT_TRUE(a.next(rec));
  PcapReader b(std::move(a));
  ASSERT_TRUE(b.next(rec));
  EXPECT_EQ(rec.index, 2u);
  EXPECT_EQ(rec.bytes, pattern_frame(2, 60));
  EXPECT_EQ(b.packets_read(), 2u);
  EXPECT_FALSE(b.next(rec));
  EXPECT_THROW(a.next(rec), std::logic_error);  // NOLINT(bugprone-use-after-move)

  PcapReader c(unit_trace("micro.pcap"));
  c = std::move(b);
  EXPECT_FALSE(c.next(rec));
  EXPECT_EQ(c.path(), file);
}

}  // namespace
}  // namespace flowsim::pcap
