// SPDX-License-Identifier: Apache-2.0
// `include "PATTERN"` as nft reads it (fw4's `fw4 print` starts its table with
// `include "/etc/nftables.d/*.nft"`): globs in sorted order, directories skipped, a wildcard
// that matches nothing is fine, a plain name that does not exist is an error; patterns are
// taken inside the ruleset's directory (an absolute one below it), errors in an included file
// name that file and its line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "engine/nft/ruleset.hpp"
#include "net/input_error.hpp"

namespace flowsim::engine::nft {
namespace {

class IncludeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("flowsim_nft_include_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write(const std::string& name, std::string_view text) const {
    const std::filesystem::path file = dir_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
  }
  std::string error_of(const std::string& name) const {
    try {
      Ruleset::load_text(dir_ / name);
    } catch (const net::InputError& e) {
      return e.what();
    }
    return "loaded";
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

TEST_F(IncludeTest, GlobsReadInSortedOrderInsideABlock) {
  write("rules.nft",
        "include \"/etc/nftables.d/*.nft\"\n"  // as fw4 writes it; nothing there is fine
        "table inet fw4 {\n"
        "\tinclude \"fw4.d/*.nft\"\n"
        "\tchain input {\n"
        "\t\ttype filter hook input priority filter; policy drop;\n"
        "\t\tinclude \"input.d/*.nft\"\n"
        "\t\tjump a\n"
        "\t}\n"
        "}\n");
  write("fw4.d/b.nft", "chain b {\n\tcounter\n}\n");
  write("fw4.d/a.nft", "chain a {\n\ttcp dport 22 accept\n\tjump b\n}");  // no final newline
  write("fw4.d/c.txt", "this is not read\n");
  write("fw4.d/sub.nft/x.nft", "nor this: sub.nft is a directory\n");
  write("input.d/10-lo.nft", "iifname \"lo\" accept\n");
  EXPECT_EQ(Ruleset::load_text(dir_ / "rules.nft").list(),
            "table inet fw4 {\n"
            "\tchain a {\n"
            "\t\ttcp dport 22 accept\n"
            "\t\tjump b\n"
            "\t}\n"
            "\n"
            "\tchain b {\n"
            "\t\tcounter packets 0 bytes 0\n"
            "\t}\n"
            "\n"
            "\tchain input {\n"
            "\t\ttype filter hook input priority filter; policy drop;\n"
            "\t\tiifname \"lo\" accept\n"
            "\t\tjump a\n"
            "\t}\n"
            "}\n");
}

TEST_F(IncludeTest, AbsolutePathsAreTakenBelowTheRulesetDirectory) {
  write("rules.nft", "include \"/etc/nftables.d/*.nft\"\ninclude \"/etc/extra.nft\"\n");
  write("etc/nftables.d/10-t.nft", "table ip t {\n\tinclude \"chains/*.nft\"\n}\n");
  write("etc/nftables.d/chains/c.nft", "chain c {\n}\n");  // relative to the including file
  write("etc/extra.nft", "table ip u {\n}\n");
  EXPECT_EQ(Ruleset::load_text(dir_ / "rules.nft").list(), "table ip t {\n\tchain c {\n\t}\n}\ntable ip u {\n}\n");
}

TEST_F(IncludeTest, VariablesDefinedInAnIncludedFileAreSeenAfterIt) {
  write("rules.nft", "include \"defs.nft\"\ntable ip t {\n\tchain c {\n\t\tip saddr $lan accept\n\t}\n}\n");
  write("defs.nft", "define lan = 192.168.1.0/24\n");
  EXPECT_EQ(Ruleset::load_text(dir_ / "rules.nft").list(),
            "table ip t {\n\tchain c {\n\t\tip saddr 192.168.1.0/24 accept\n\t}\n}\n");
}

TEST_F(IncludeTest, AMissingFileIsAnErrorAndAnEmptyGlobIsNot) {
  write("rules.nft", "include \"nothing/*.nft\"\ninclude \"missing.nft\"\ntable ip t {\n}\n");
  EXPECT_EQ(error_of("rules.nft"), path("rules.nft") + ":2:1: File not found: missing.nft (looked for " +
                                       path("missing.nft") + ")");
}

TEST_F(IncludeTest, ErrorsInAnIncludedFileNameThatFileWithTheOthers) {
  write("rules.nft",
        "table inet t {\n"
        "\tinclude \"parts/*.nft\"\n"
        "\tchain c {\n"
        "\t\tip daddr 10.0.0.300 drop\n"
        "\t}\n"
        "}\n");
  write("parts/x.nft", "chain x {\n\tudp dport 99999 drop\n\tbogus\n}\n");
  EXPECT_EQ(error_of("rules.nft"), path("rules.nft") + ":4:12: invalid IPv4 address \"10.0.0.300\"\n" +
                                       path("parts/x.nft") + ":2:12: port 99999 is out of range\n" +
                                       path("parts/x.nft") + ":3:2: syntax error, unexpected \"bogus\"");
}

TEST_F(IncludeTest, IncludesNestAtMostSixteenDeep) {
  write("rules.nft", "include \"loop.nft\"\n");
  write("loop.nft", "include \"loop.nft\"\n");
  EXPECT_EQ(error_of("rules.nft"), path("loop.nft") + ":1:1: Include nested too deeply, max 16 levels");
}

TEST_F(IncludeTest, TheIncludeStatementNeedsAQuotedName) {
  write("rules.nft", "include nothing\ntable ip t {\n}\n");
  EXPECT_EQ(error_of("rules.nft"),
            path("rules.nft") + ":1:9: syntax error, unexpected \"nothing\", expecting a quoted file name");
}

}  // namespace
}  // namespace flowsim::engine::nft
