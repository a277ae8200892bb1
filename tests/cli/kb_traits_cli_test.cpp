// End to end: `generate --signature` and `similar` on the shipped knowledge base.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace mdg::kb_traits_cli_test {
namespace {

using test::cli;
using test::TempDir;

TEST(SignatureCli, PlaysTheGrooveAndSaysSo) {
  TempDir out;
  auto r = cli({"generate", "John Bonham", "--signature", "--bars", "2", "--variations", "2", "--seed", "5",
                "--out", out.path().string(), "--json"});
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("signature").get<std::string>(), "Levee half-time");
  EXPECT_EQ(j.at("tempo").get<double>(), 71.0);  // the groove's tempo
  EXPECT_EQ(j.at("files").size(), 2u);

  // A band that defers to its drummer plays the drummer's grooves.
  auto band = cli({"generate", "Led Zeppelin", "--signature", "2", "--variations", "1", "--seed", "5", "--out",
                   out.path().string()});
  ASSERT_EQ(band.code, 0) << band.out;
  EXPECT_NE(band.out.find("core: signature groove"), std::string::npos) << band.out;
}

TEST(SignatureCli, ClearErrors) {
  TempDir out;
  auto genre = cli({"generate", "rock", "--signature", "--out", out.path().string()});
  EXPECT_EQ(genre.code, 2);
  EXPECT_NE(genre.out.find("has no signature grooves"), std::string::npos) << genre.out;
  auto range = cli({"generate", "John Bonham", "--signature", "9", "--out", out.path().string()});
  EXPECT_EQ(range.code, 2);
  EXPECT_NE(range.out.find("allowed: whole numbers 1-3"), std::string::npos) << range.out;
  auto meter = cli({"generate", "John Bonham", "--signature", "1", "--time-signature", "7/8", "--out",
                    out.path().string()});
  EXPECT_EQ(meter.code, 2);
  EXPECT_NE(meter.out.find("--time-signature must be 4/4"), std::string::npos) << meter.out;
}

TEST(SimilarCli, ListsNearestEntriesWithDistances) {
  auto r = cli({"similar", "Slayer", "--k", "5", "--json"});
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("id").get<std::string>(), "slayer");
  ASSERT_EQ(j.at("neighbours").size(), 5u);
  EXPECT_EQ(j.at("neighbours")[0].at("id").get<std::string>(), "dave-lombardo");
  double last = 0.0;
  for (const auto& n : j.at("neighbours")) {
    EXPECT_GE(n.at("distance").get<double>(), last);
    last = n.at("distance").get<double>();
  }
  auto text = cli({"similar", "bonzo", "--k", "3"});
  ASSERT_EQ(text.code, 0) << text.out;
  EXPECT_NE(text.out.find("Nearest to John Bonham"), std::string::npos) << text.out;
}

TEST(SimilarCli, BadInputExitCodes) {
  EXPECT_EQ(cli({"similar", "Zzyzx Qwerty"}).code, 3);
  auto k = cli({"similar", "Slayer", "--k", "0"});
  EXPECT_EQ(k.code, 2);
  EXPECT_NE(k.out.find("allowed: whole numbers 1-100"), std::string::npos) << k.out;
  EXPECT_EQ(cli({"similar", "Slayer", "--k", "-4"}).code, 2);
}

}  // namespace
}  // namespace mdg::kb_traits_cli_test
