#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/rng.hpp"
#include "groove/gbt.hpp"

namespace mdg::gbt_test {
namespace {

// y = 10 * [x0 > 0.5] + 3 * x1 (x1 in {0, 1, 2}) + a little noise; x2 is irrelevant.
GbtData step_function(std::size_t rows, std::uint64_t seed) {
  Rng rng(seed);
  GbtData d;
  d.features = 3;
  for (std::size_t i = 0; i < rows; ++i) {
    const double x0 = rng.uniform();
    const auto x1 = static_cast<double>(rng.below(3));
    const double x2 = rng.uniform();
    d.x.insert(d.x.end(), {x0, x1, x2});
    d.y.push_back((x0 > 0.5 ? 10.0 : 0.0) + 3.0 * x1 + 0.1 * rng.normal());
  }
  return d;
}

GbtOptions small() { return GbtOptions{.trees = 150, .depth = 3, .shrinkage = 0.2, .subsample = 0.7, .min_leaf = 5, .bins = 32, .seed = 9}; }

double at(const Gbt& m, double x0, double x1, double x2) {
  const std::vector<double> row{x0, x1, x2};
  return m.predict(row);
}

TEST(Gbt, FitsAKnownFunction) {
  auto m = Gbt::fit(step_function(2000, 1), small());
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(m->features(), 3u);
  EXPECT_EQ(m->trees(), 150u);
  EXPECT_NEAR(at(*m, 0.2, 0, 0.5), 0.0, 0.5);
  EXPECT_NEAR(at(*m, 0.8, 0, 0.5), 10.0, 0.5);
  EXPECT_NEAR(at(*m, 0.2, 2, 0.1), 6.0, 0.5);
  EXPECT_NEAR(at(*m, 0.9, 1, 0.9), 13.0, 0.5);
}

TEST(Gbt, AbsoluteLossPredictsTheMedianNotTheMean) {
  // One uninformative feature; targets 0 (60%), 10 (20%) and 100 (20%): median 0, mean 22.
  GbtData d;
  d.features = 1;
  for (int i = 0; i < 500; ++i) {
    d.x.push_back(i % 7);
    d.y.push_back(i % 5 < 3 ? 0.0 : (i % 5 == 3 ? 10.0 : 100.0));
  }
  auto m = Gbt::fit(d, small());
  ASSERT_TRUE(m);
  for (double x : {0.0, 3.0, 6.0}) {
    const std::vector<double> row{x};
    EXPECT_NEAR(m->predict(row), 0.0, 1.0);
  }
}

TEST(Gbt, WeightsMoveTheMedian) {
  // Targets 0 and 10 in equal numbers; the tens weigh three times as much: median 10.
  GbtData d;
  d.features = 1;
  for (int i = 0; i < 400; ++i) {
    d.x.push_back(0.0);
    d.y.push_back(i % 2 ? 10.0 : 0.0);
    d.weight.push_back(i % 2 ? 3.0 : 1.0);
  }
  auto m = Gbt::fit(d, small());
  ASSERT_TRUE(m);
  const std::vector<double> row{0.0};
  EXPECT_NEAR(m->predict(row), 10.0, 1e-6);
}

TEST(Gbt, SameDataSameModel) {
  const GbtData d = step_function(800, 2);
  auto a = Gbt::fit(d, small());
  auto b = Gbt::fit(d, small());
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(*a == *b);
  EXPECT_EQ(a->to_text(), b->to_text());
  GbtOptions other = small();
  other.seed = 10;
  auto c = Gbt::fit(d, other);
  ASSERT_TRUE(c);
  EXPECT_NE(a->to_text(), c->to_text());
}

TEST(Gbt, TextRoundTripPredictsTheSame) {
  auto m = Gbt::fit(step_function(800, 3), small());
  ASSERT_TRUE(m);
  const std::string text = m->to_text();
  auto back = parse_gbt(text);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_TRUE(*back == *m);
  EXPECT_EQ(back->to_text(), text);
  Rng rng(4);
  for (int i = 0; i < 100; ++i) {
    const std::vector<double> row{rng.uniform(), static_cast<double>(rng.below(3)), rng.uniform()};
    EXPECT_EQ(back->predict(row), m->predict(row));
  }
}

TEST(Gbt, BadModelTextIsAClearError) {
  auto m = Gbt::fit(step_function(300, 5), GbtOptions{.trees = 2, .depth = 2, .min_leaf = 5});
  ASSERT_TRUE(m);
  const std::string good = m->to_text();
  const auto error_of = [](const std::string& text) {
    auto r = parse_gbt(text);
    EXPECT_FALSE(r) << text;
    return r ? std::string() : r.error().message;
  };
  EXPECT_NE(error_of("").find("expected the header"), std::string::npos);
  EXPECT_NE(error_of("gbt 2 3 0 1\n1\nL 0\n").find("version"), std::string::npos);
  EXPECT_NE(error_of("gbt 1 3 0 1\n1\nS 0 0.5 1 2\n").find("child indices"), std::string::npos);
  EXPECT_NE(error_of("gbt 1 3 0 1\n3\nS 7 0.5 1 2\nL 0\nL 1\n").find("feature below 3"), std::string::npos);
  EXPECT_NE(error_of("gbt 1 3 0 1\n1\nL nan\n").find("finite"), std::string::npos);
  EXPECT_NE(error_of("gbt 1 3 0 1\n1\nX 0\n").find("expected \"L value\""), std::string::npos);
  EXPECT_NE(error_of(good + "L 1\n").find("after the last tree"), std::string::npos);
  EXPECT_NE(error_of(good.substr(0, good.size() / 2)).find("line"), std::string::npos);
  for (Errc code : {parse_gbt("gbt 1 3 0 1\n1\nX 0\n").error().code}) EXPECT_EQ(code, Errc::parse);
}

TEST(Gbt, BadDataOrOptionsAreRefused) {
  GbtData d = step_function(100, 6);
  GbtData short_x = d;
  short_x.x.pop_back();
  EXPECT_FALSE(Gbt::fit(short_x, small()));
  GbtData bad_weight = d;
  bad_weight.weight.assign(d.rows(), 1.0);
  bad_weight.weight[3] = 0.0;
  auto r = Gbt::fit(bad_weight, small());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("positive"), std::string::npos);
  GbtData nan_y = d;
  nan_y.y[0] = std::nan("");
  EXPECT_FALSE(Gbt::fit(nan_y, small()));
  EXPECT_FALSE(Gbt::fit(GbtData{}, small()));
  auto depth = Gbt::fit(d, GbtOptions{.depth = 0});
  ASSERT_FALSE(depth);
  EXPECT_EQ(depth.error().code, Errc::invalid_argument);
  EXPECT_NE(depth.error().message.find("allowed: 1-8"), std::string::npos);
}

}  // namespace
}  // namespace mdg::gbt_test
