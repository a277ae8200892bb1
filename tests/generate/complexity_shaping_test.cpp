// --complexity on the shipped genre profiles: nested per seed (a higher level plays every hit
// of a lower one), density and syncopation rising in every genre tried, the groove's skeleton
// kept when thinning, and only playable strokes added.
#include <gtest/gtest.h>

#include <bit>
#include <string>
#include <vector>

#include "generate/complexity_shaping.hpp"
#include "generate/engine.hpp"
#include "groove/analyzer.hpp"
#include "style/library.hpp"
#include "shipped_library.hpp"

namespace mdg::complexity_shaping_test {
namespace {

constexpr std::array<double, 5> kLevels = {0.0, 0.25, 0.5, 0.75, 1.0};

Generation make(const std::string& style, double complexity, std::uint64_t seed) {
  auto profile = test::shipped_library().resolve(style);
  EXPECT_TRUE(profile) << style;
  GenerateOptions o;
  o.bars = 8;
  o.variations = 4;
  o.complexity = complexity;
  o.seed = seed;
  auto g = generate(*profile, o);
  EXPECT_TRUE(g) << g.error().describe();
  return std::move(*g);
}

bool hit(const GrooveGrid& g, std::size_t cell, Lane lane) { return g.cells[cell][lane_index(lane)] > 0; }

// Longuet-Higgins & Lee syncopation of the kick and snare accents, summed over the bars.
double syncopation(const GrooveGrid& g) {
  const auto weights = metric_weights(Grid{g.meter, g.subdivision});
  double total = 0;
  for (int bar = 0; bar < g.bars; ++bar) {
    std::vector<std::size_t> accents;
    for (int s = 0; s < g.slots_per_bar(); ++s) {
      if (g.at(bar, s, Lane::kick) > kGhostVelocity || g.at(bar, s, Lane::snare) > kGhostVelocity) {
        accents.push_back(static_cast<std::size_t>(s));
      }
    }
    total += bar_syncopation(accents, weights);
  }
  return total;
}

int hits(const GrooveGrid& g) {
  int n = 0;
  for (const auto& cell : g.cells) {
    for (auto v : cell) n += v > 0 ? 1 : 0;
  }
  return n;
}

TEST(Complexity, HigherLevelsPlayEveryHitOfLowerOnes) {
  for (const char* style : {"rock", "funk", "jazz", "reggae", "afrobeat"}) {
    for (std::uint64_t seed : {3U, 4U}) {
      std::vector<Generation> levels;
      for (double c : kLevels) levels.push_back(make(style, c, seed));
      for (std::size_t l = 1; l < levels.size(); ++l) {
        for (std::size_t v = 0; v < levels[l].variations.size(); ++v) {
          const GrooveGrid& lower = levels[l - 1].variations[v].grid;
          const GrooveGrid& higher = levels[l].variations[v].grid;
          ASSERT_EQ(lower.cells.size(), higher.cells.size());
          // ... and renders them alike: the same velocity (drawn in the same order for the
          // sampled notes, from each added note's own stream for the others).
          int missing = 0, redrawn = 0;
          for (std::size_t cell = 0; cell < lower.cells.size(); ++cell) {
            for (Lane lane : kAllLanes) {
              if (!hit(lower, cell, lane)) continue;
              missing += hit(higher, cell, lane) ? 0 : 1;
              const auto li = lane_index(lane);
              redrawn += hit(higher, cell, lane) && higher.cells[cell][li] != lower.cells[cell][li] ? 1 : 0;
            }
          }
          EXPECT_EQ(missing, 0) << style << " seed " << seed << " variation " << v << " level " << kLevels[l];
          EXPECT_EQ(redrawn, 0) << style << " seed " << seed << " variation " << v << " level " << kLevels[l];
          EXPECT_GT(hits(higher), hits(lower)) << style << " seed " << seed << " level " << kLevels[l];
        }
      }
    }
  }
}

TEST(Complexity, DensityAndSyncopationRiseInEveryGenre) {
  for (const char* style : {"rock", "funk", "jazz", "latin", "hip-hop", "punk", "reggae", "country", "afrobeat",
                            "new-orleans", "pop"}) {
    double last_hits = -1, last_sync = -1;
    for (double c : kLevels) {
      double h = 0, s = 0;
      for (std::uint64_t seed = 20; seed < 26; ++seed) {
        for (const auto& v : make(style, c, seed).variations) {
          h += hits(v.grid);
          s += syncopation(v.grid);
        }
      }
      EXPECT_GT(h, last_hits) << style << " complexity " << c;
      EXPECT_GT(s, last_sync) << style << " complexity " << c;
      last_hits = h;
      last_sync = s;
    }
  }
}

TEST(Complexity, ThinningKeepsTheSkeleton) {
  // At 0 the downbeat kick, the strokes on the beats of kick and snare and the timekeeper's
  // eighth notes of the natural groove all stay.
  for (const char* style : {"rock", "funk", "hip-hop"}) {
    const Generation natural = make(style, 0.5, 7);
    const Generation sparse = make(style, 0.0, 7);
    for (std::size_t v = 0; v < natural.variations.size(); ++v) {
      const GrooveGrid& n = natural.variations[v].grid;
      const GrooveGrid& s = sparse.variations[v].grid;
      for (int bar = 0; bar < n.bars; ++bar) {
        for (int slot = 0; slot < n.slots_per_bar(); ++slot) {
          const auto cell = static_cast<std::size_t>(bar * n.slots_per_bar() + slot);
          const bool beat = n.beat_starts[static_cast<std::size_t>(slot)];
          const bool eighth = n.subdivision == Subdivision::sixteenth && slot % 2 == 0;
          if (beat) {
            EXPECT_EQ(hit(n, cell, Lane::kick), hit(s, cell, Lane::kick)) << style << " bar " << bar;
            EXPECT_EQ(hit(n, cell, Lane::snare), hit(s, cell, Lane::snare)) << style << " bar " << bar;
          }
          if (eighth) {
            EXPECT_EQ(hit(n, cell, Lane::closed_hat), hit(s, cell, Lane::closed_hat)) << style;
            EXPECT_EQ(hit(n, cell, Lane::ride), hit(s, cell, Lane::ride)) << style;
          }
        }
      }
      EXPECT_LT(hits(s), hits(n)) << style;
    }
  }
}

TEST(Complexity, AddedStrokesArePlayable) {
  auto hands = [](const std::array<std::uint8_t, kLaneCount>& cell) {
    const bool pedal = cell[lane_index(Lane::closed_hat)] > 0 && cell[lane_index(Lane::ride)] > 0;
    int n = 0;
    for (Lane lane : kAllLanes) {
      if (lane == Lane::kick || (pedal && lane == Lane::closed_hat)) continue;
      n += cell[lane_index(lane)] > 0 ? 1 : 0;
    }
    return n;
  };
  for (const char* style : {"rock", "funk", "jazz", "latin", "new-orleans"}) {
    const Generation natural = make(style, 0.5, 9);
    const Generation busy = make(style, 1.0, 9);
    for (std::size_t v = 0; v < natural.variations.size(); ++v) {
      const GrooveGrid& n = natural.variations[v].grid;
      const GrooveGrid& b = busy.variations[v].grid;
      int added = 0;
      for (std::size_t cell = 0; cell < n.cells.size(); ++cell) {
        bool grew = false;
        for (Lane lane : kAllLanes) grew = grew || (hit(b, cell, lane) && !hit(n, cell, lane));
        if (!grew) continue;
        ++added;
        EXPECT_LE(hands(b.cells[cell]), 2) << style << " cell " << cell;
        EXPECT_FALSE(hit(b, cell, Lane::closed_hat) && hit(b, cell, Lane::open_hat)) << style;
        EXPECT_FALSE(hit(b, cell, Lane::crash)) << style << ": nothing is added under a crash";
      }
      EXPECT_GT(added, 0) << style;
    }
  }
}

}  // namespace
}  // namespace mdg::complexity_shaping_test
