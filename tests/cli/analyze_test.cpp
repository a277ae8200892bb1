// The analyze use case on performances built in memory and on the Groove MIDI Dataset.
#include "service/analyze.hpp"

#include <chrono>
#include <fstream>
#include <iostream>
#include <filesystem>

#include <gtest/gtest.h>

namespace mdg::analyze_test {
namespace {

namespace fs = std::filesystem;

Pattern backbeat(int bars, double bpm, Meter meter = Meter{4, 4}) {
  Pattern p;
  p.name = "backbeat";
  p.meter = meter;
  p.tempo_bpm = bpm;
  p.length_ticks = bars * meter.ticks_per_bar();
  for (int b = 0; b < bars; ++b) {
    const std::int64_t bar = b * meter.ticks_per_bar();
    p.hits.push_back({bar, 36, 110, 60});
    p.hits.push_back({bar + kPpq, 38, 105, 60});
    for (int e = 0; e < 2 * meter.numerator; ++e) p.hits.push_back({bar + e * kPpq / 2, 42, 80, 30});
  }
  p.sort_hits();
  return p;
}

TEST(Analyze, ReportOnPerformancesInMemory) {
  const std::vector<Pattern> patterns = {backbeat(4, 100), backbeat(2, 120), backbeat(3, 90, Meter{3, 4})};
  auto r = analyze_performances(patterns);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->meter, (Meter{4, 4}));
  EXPECT_EQ(r->bars, 6u);
  EXPECT_EQ(r->other_meter_files, 1u);
  EXPECT_NEAR(r->tempo_mean, 310.0 / 3.0, 1e-9);
  EXPECT_EQ(r->tempo_min, 90.0);
  EXPECT_EQ(r->tempo_max, 120.0);
  EXPECT_EQ(r->feel, Subdivision::sixteenth);
  EXPECT_EQ(r->triplet.steps(), 12);

  const std::string text = render_report_text(*r);
  EXPECT_NE(text.find("Meter:        4/4"), std::string::npos) << text;
  EXPECT_NE(text.find("Bars:         6"), std::string::npos) << text;
  // Onset grid: the snare row has a 9 on beat 2 and dots elsewhere.
  EXPECT_NE(text.find("snare     . . . . 9 . . . . . . . . . . . "), std::string::npos) << text;
  EXPECT_NE(text.find("hat velocity"), std::string::npos) << text;

  const auto j = report_to_json(*r);
  EXPECT_EQ(j["bars"], 6);
  EXPECT_EQ(j["feel"], "sixteenth");
  EXPECT_EQ(j["files"].size(), 3u);
  EXPECT_EQ(j["sixteenth"]["lanes"]["snare"]["steps"][4]["onset_prob"], 1.0);

  EXPECT_FALSE(analyze_performances({}));
  AnalyzerOptions bad;
  bad.ghost_velocity = 500;
  EXPECT_FALSE(analyze_performances(patterns, bad));
}

TEST(Analyze, MissingAndUnreadablePaths) {
  auto missing = analyze_path("/definitely/not/here.mid");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);

  const fs::path dir = fs::temp_directory_path() / ("mdg-analyze-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  fs::create_directories(dir / "sub");
  {
    std::ofstream(dir / "sub" / "broken.mid") << "not a midi file";
  }
  auto broken = analyze_path(dir);
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find("broken.mid"), std::string::npos) << broken.error().message;
  fs::remove_all(dir);
}

TEST(Analyze, WholeGrooveMidiDataset) {
  const fs::path groove = fs::path(MDG_SHARED_DIR) / "groove";
  if (!fs::exists(groove / "info.csv")) GTEST_SKIP() << "no " << groove;
  const auto start = std::chrono::steady_clock::now();
  auto r = analyze_path(groove);
  const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r) << r.error().describe();
  std::cout << "analysed " << r->files.size() << " files (" << r->bars << " bars) in " << ms << " ms\n";
  EXPECT_EQ(r->files.size() + r->skipped.size(), 1021u);
  EXPECT_EQ(r->meter, (Meter{4, 4}));
  EXPECT_GT(r->bars, 10000u);
  EXPECT_GT(r->tempo_max, r->tempo_min);
}

}  // namespace
}  // namespace mdg::analyze_test
