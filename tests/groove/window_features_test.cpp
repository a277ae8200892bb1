#include "groove/window_features.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "core/rng.hpp"

namespace mdg::window_features_test {
namespace {

constexpr Grid kSixteenths{Meter{4, 4}, Subdivision::sixteenth};
constexpr std::int64_t kStep = kPpq / 4;

std::size_t onset_index(Lane lane, int step) {
  return lane_index(lane) * 16 + static_cast<std::size_t>(step);
}

// Two bars: hats on every eighth of both bars, kick on 1 of both, snare on 2 and 4 of the
// first bar only.
Pattern two_bar_beat() {
  Pattern p;
  p.meter = {4, 4};
  p.tempo_bpm = 120;
  p.length_ticks = 2 * Meter{4, 4}.ticks_per_bar();
  for (int bar = 0; bar < 2; ++bar) {
    const std::int64_t base = bar * 16 * kStep;
    for (int s = 0; s < 16; s += 2) p.hits.push_back({base + s * kStep, 42, 80, 60});
    p.hits.push_back({base, 36, 100, 60});
    if (bar == 0) {
      p.hits.push_back({base + 4 * kStep, 38, 110, 60});
      p.hits.push_back({base + 12 * kStep, 38, 110, 60});
    }
  }
  p.sort_hits();
  return p;
}

TEST(WindowFeatures, OnsetProbabilitiesDensityAndVelocityOfASyntheticBeat) {
  auto take = snap_take(two_bar_beat(), kSixteenths);
  ASSERT_TRUE(take) << take.error().describe();
  EXPECT_EQ(take->bars, 2);
  const auto f = window_features(*take, 0, 2);
  ASSERT_EQ(f.size(), window_feature_count(16));
  EXPECT_DOUBLE_EQ(f[onset_index(Lane::closed_hat, 0)], 1.0);
  EXPECT_DOUBLE_EQ(f[onset_index(Lane::closed_hat, 1)], 0.0);
  EXPECT_DOUBLE_EQ(f[onset_index(Lane::closed_hat, 6)], 1.0);
  EXPECT_DOUBLE_EQ(f[onset_index(Lane::kick, 0)], 1.0);
  EXPECT_DOUBLE_EQ(f[onset_index(Lane::snare, 4)], 0.5);
  EXPECT_DOUBLE_EQ(f[onset_index(Lane::snare, 12)], 0.5);
  EXPECT_DOUBLE_EQ(f[onset_index(Lane::ride, 0)], 0.0);
  const std::size_t velocity_at = kLaneCount * 16;
  EXPECT_NEAR(f[velocity_at + lane_index(Lane::snare)], 110.0 / 127.0, 1e-12);
  EXPECT_NEAR(f[velocity_at + lane_index(Lane::closed_hat)], 80.0 / 127.0, 1e-12);
  EXPECT_DOUBLE_EQ(f[velocity_at + lane_index(Lane::ride)], 0.0);
  const std::size_t per_bar_at = velocity_at + kLaneCount;
  EXPECT_DOUBLE_EQ(f[per_bar_at + lane_index(Lane::closed_hat)], 8.0 / 16.0);
  EXPECT_DOUBLE_EQ(f[per_bar_at + lane_index(Lane::snare)], 1.0 / 16.0);
  const std::size_t summary = per_bar_at + kLaneCount;
  EXPECT_DOUBLE_EQ(f[summary], (8.0 + 1.0 + 1.0) / 16.0);  // (16 hats + 2 kicks + 2 snares) / 2 bars
  EXPECT_DOUBLE_EQ(f[summary + 2], 1.0);  // straight eighths
  EXPECT_DOUBLE_EQ(f[summary + 7], 0.0);  // all on the grid

  // A window of the first bar only sees the snare every time.
  const auto first = window_features(*take, 0, 1);
  EXPECT_DOUBLE_EQ(first[onset_index(Lane::snare, 4)], 1.0);
}

TEST(WindowFeatures, SwungEighthsGiveATwoToOneRatioAndSnapLateHitsForward) {
  Pattern p;
  p.meter = {4, 4};
  p.length_ticks = Meter{4, 4}.ticks_per_bar();
  for (int beat = 0; beat < 4; ++beat) {
    p.hits.push_back({beat * kPpq, 51, 90, 60});
    p.hits.push_back({beat * kPpq + 2 * kPpq / 3, 51, 70, 60});  // the swung off-beat
  }
  auto take = snap_take(p, kSixteenths);
  ASSERT_TRUE(take);
  const auto f = window_features(*take, 0, 1);
  EXPECT_NEAR(f[f.size() - 6], 2.0, 1e-9);
  // 320 ticks snaps to step 3 (360), not the straight off-beat (240).
  EXPECT_DOUBLE_EQ(f[onset_index(Lane::ride, 3)], 1.0);
  EXPECT_DOUBLE_EQ(f[onset_index(Lane::ride, 2)], 0.0);
}

TEST(WindowFeatures, FeatureNamesFollowTheLayout) {
  EXPECT_EQ(window_feature_name(onset_index(Lane::snare, 5), 16), "onset snare@5");
  EXPECT_EQ(window_feature_name(kLaneCount * 16, 16), "velocity kick");
  EXPECT_EQ(window_feature_name(kLaneCount * 17 + lane_index(Lane::ride), 16), "hits/bar ride");
  EXPECT_EQ(window_feature_name(window_feature_count(16) - 1, 16), "offset sd");
  EXPECT_EQ(window_feature_name(window_feature_count(16), 16), "");
}

TEST(WindowFeatures, SnapRefusesAnotherMeter) {
  Pattern p = two_bar_beat();
  p.meter = {3, 4};
  auto take = snap_take(p, kSixteenths);
  ASSERT_FALSE(take);
  EXPECT_EQ(take.error().code, Errc::invalid_argument);
}

TEST(WindowFeatures, EmptyWindowIsStraightAndSilent) {
  Pattern p;
  p.length_ticks = Meter{4, 4}.ticks_per_bar() * 2;
  auto take = snap_take(p, kSixteenths);
  ASSERT_TRUE(take);
  EXPECT_EQ(take->bars, 2);
  const auto f = window_features(*take, 0, 2);
  EXPECT_DOUBLE_EQ(f[f.size() - 8], 0.0);
  EXPECT_DOUBLE_EQ(f[f.size() - 6], 1.0);
}

TEST(BarStability, LoopedBarIsZeroAndTwoBarsHaveAKnownDistance) {
  auto take = snap_take(two_bar_beat(), kSixteenths);
  ASSERT_TRUE(take);
  const std::string with_snare = bar_text(*take, 0);
  const std::string without = bar_text(*take, 1);
  ASSERT_EQ(with_snare.size(), 16u * 7u);
  // Step 0: kick and hat: crash ride snare kick hat tom.
  EXPECT_EQ(with_snare.substr(0, 7), "---oo-\n");
  EXPECT_EQ(with_snare.substr(4 * 7, 7), "--o-o-\n");
  EXPECT_EQ(levenshtein(with_snare, without), 2u);

  const std::vector<std::string> loop(8, with_snare);
  auto looped = bar_stability(loop);
  ASSERT_TRUE(looped);
  EXPECT_DOUBLE_EQ(*looped, 0.0);

  // Alternating bars: every inner bar is 2 edits from both neighbours.
  const std::vector<std::string> alternating = {with_snare, without, with_snare, without};
  auto alt = bar_stability(alternating);
  ASSERT_TRUE(alt);
  EXPECT_DOUBLE_EQ(*alt, 2.0);

  // A repeat next to a change: the inner bars take the nearer neighbour.
  const std::vector<std::string> mixed = {with_snare, with_snare, without, without};
  EXPECT_DOUBLE_EQ(*bar_stability(mixed), 0.0);

  EXPECT_FALSE(bar_stability(std::vector<std::string>(2, with_snare)));
}

TEST(BarStability, LevenshteinBasics) {
  EXPECT_EQ(levenshtein("", ""), 0u);
  EXPECT_EQ(levenshtein("abc", ""), 3u);
  EXPECT_EQ(levenshtein("kitten", "sitting"), 3u);
  EXPECT_EQ(levenshtein("o--o", "-o-o"), 2u);
}

TEST(OnsetKey, HammingBetweenBars) {
  auto take = snap_take(two_bar_beat(), kSixteenths);
  ASSERT_TRUE(take);
  const auto a = onset_key(*take, 0, 1);
  const auto b = onset_key(*take, 1, 1);
  EXPECT_EQ(a.size(), 16u * kLaneCount);
  EXPECT_EQ(hamming_distance(a, b), 2u);
  EXPECT_EQ(hamming_distance(a, a), 0u);
}

// Two Gaussian blobs in 5 dimensions, far apart, with three classes.
FeatureRows blob(Rng& rng, double centre, std::size_t n) {
  FeatureRows rows;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<double> row(5);
    for (auto& v : row) v = centre + 0.3 * rng.normal();
    row[4] = rng.normal();  // a noise feature
    rows.push_back(row);
  }
  return rows;
}

TEST(LogisticClassifier, SeparatesAToySetPerfectly) {
  Rng rng(7);
  FeatureRows rows;
  std::vector<int> labels;
  for (int c = 0; c < 3; ++c) {
    for (auto& row : blob(rng, 3.0 * c, 40)) {
      rows.push_back(row);
      labels.push_back(c);
    }
  }
  auto model = LogisticClassifier::fit(rows, labels, 3);
  ASSERT_TRUE(model) << model.error().describe();
  std::vector<int> predicted;
  for (const auto& row : rows) predicted.push_back(model->predict(row));
  EXPECT_DOUBLE_EQ(balanced_accuracy(labels, predicted), 1.0);
  // Fresh points from the same blobs.
  Rng other(99);
  for (int c = 0; c < 3; ++c) {
    for (const auto& row : blob(other, 3.0 * c, 10)) EXPECT_EQ(model->predict(row), c);
  }
}

TEST(LogisticClassifier, RefusesBadInput) {
  const FeatureRows rows = {{1.0, 2.0}, {3.0}};
  const std::vector<int> labels = {0, 1};
  EXPECT_FALSE(LogisticClassifier::fit(rows, labels, 2));
  EXPECT_FALSE(LogisticClassifier::fit({{1.0}, {2.0}}, std::vector<int>{0, 2}, 2));
  EXPECT_FALSE(LogisticClassifier::fit({{1.0}, {2.0}}, std::vector<int>{0, 1}, 1));
  EXPECT_FALSE(LogisticClassifier::fit({}, std::vector<int>{}, 2));
}

TEST(BalancedAccuracy, AveragesRecallPerClass) {
  const std::vector<int> truth = {0, 0, 0, 0, 1, 1};
  const std::vector<int> predicted = {0, 0, 0, 0, 0, 1};
  EXPECT_DOUBLE_EQ(balanced_accuracy(truth, predicted), (1.0 + 0.5) / 2.0);
}

TEST(TwoSample, SameDistributionIsNearChanceAndSeparatedIsNearOne) {
  Rng rng(3);
  const FeatureRows a = blob(rng, 0.0, 200);
  const FeatureRows b = blob(rng, 0.0, 200);
  auto same = two_sample_accuracy(a, b);
  ASSERT_TRUE(same) << same.error().describe();
  EXPECT_NEAR(*same, 0.5, 0.08);
  const FeatureRows c = blob(rng, 2.0, 200);
  auto apart = two_sample_accuracy(a, c);
  ASSERT_TRUE(apart);
  EXPECT_GT(*apart, 0.97);
  // Deterministic for a seed.
  EXPECT_DOUBLE_EQ(*two_sample_accuracy(a, b), *same);
  EXPECT_FALSE(two_sample_accuracy(FeatureRows(3, {1.0}), FeatureRows(10, {1.0})));
}

// Sources that leave a fingerprint: 20 sources per sample, each a point drawn from the same
// distribution for both samples, its rows that point plus a little noise. Ungrouped folds put
// rows of one source on both sides and the classifier learns which source is which sample;
// grouped folds judge it on sources it never saw, where the samples are alike.
TEST(TwoSample, GroupedFoldsDoNotRewardRecognisingASource) {
  Rng rng(5);
  constexpr std::size_t kDims = 30, kSources = 20, kRows = 10;
  const auto sample = [&](int first_group, FeatureRows& rows, std::vector<int>& groups) {
    for (std::size_t s = 0; s < kSources; ++s) {
      std::vector<double> centre(kDims);
      for (double& x : centre) x = rng.normal();
      for (std::size_t r = 0; r < kRows; ++r) {
        std::vector<double> row(kDims);
        for (std::size_t j = 0; j < kDims; ++j) row[j] = centre[j] + 0.05 * rng.normal();
        rows.push_back(std::move(row));
        groups.push_back(first_group + static_cast<int>(s));
      }
    }
  };
  FeatureRows a, b;
  std::vector<int> ga, gb;
  sample(0, a, ga);
  sample(100, b, gb);
  const auto ungrouped = two_sample_accuracy(a, b);
  const auto grouped = two_sample_accuracy(a, ga, b, gb);
  ASSERT_TRUE(ungrouped && grouped);
  EXPECT_GT(*ungrouped, 0.85);
  EXPECT_LT(*grouped, 0.7);
  // Every row its own group is the ungrouped test, fold for fold.
  std::vector<int> own_a(a.size()), own_b(b.size());
  std::iota(own_a.begin(), own_a.end(), 0);
  std::iota(own_b.begin(), own_b.end(), 0);
  EXPECT_DOUBLE_EQ(*two_sample_accuracy(a, own_a, b, own_b), *ungrouped);
  // Group lists must match their samples, and each sample needs two sources.
  EXPECT_FALSE(two_sample_accuracy(a, std::vector<int>(3, 0), b, gb));
  EXPECT_FALSE(two_sample_accuracy(a, std::vector<int>(a.size(), 7), b, gb));
}

}  // namespace
}  // namespace mdg::window_features_test
