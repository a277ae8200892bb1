// Contrasting artists of the shipped knowledge base generate output that differs in the
// ways their entries say, measured on the generated MIDI by the project's groove analysis
// (GrooveAccumulator): tempo, swing, density, ghost notes, kick density, ride vs hi-hat,
// double-bass runs.
#include <gtest/gtest.h>

#include <iostream>
#include <map>

#include "generate/engine.hpp"
#include "groove/analyzer.hpp"
#include "style/library.hpp"
#include "shipped_library.hpp"

namespace mdg::artist_contrast_test {
namespace {

struct Measured {
  TempoRange range;               // the entry's
  double tempo_min = 1e9, tempo_max = 0, tempo_mean = 0;
  GrooveModel model;              // all variations of all seeds, sixteenth grid
  double offbeat_kicks_per_bar = 0;
  double run_bar_share = 0;       // bars with kicks on 8 or more sixteenths in a row
};

const Measured& measure(const std::string& name) {
  static std::map<std::string, Measured> cache;
  if (auto it = cache.find(name); it != cache.end()) return it->second;
  Measured m;
  auto profile = test::shipped_library().resolve(name);
  EXPECT_TRUE(profile) << name << ": " << profile.error().describe();
  if (!profile) return cache[name];
  m.range = profile->tempo;
  auto acc = GrooveAccumulator::create(Grid{Meter{4, 4}, Subdivision::sixteenth});
  EXPECT_TRUE(acc);
  constexpr int kSeeds = 4;
  int bars = 0, offbeat = 0, runs = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    GenerateOptions o;
    o.bars = 8;
    o.variations = 4;
    o.seed = static_cast<std::uint64_t>(seed);
    auto g = generate(*profile, o);
    EXPECT_TRUE(g) << name << ": " << g.error().describe();
    if (!g) continue;
    m.tempo_min = std::min(m.tempo_min, g->tempo_bpm);
    m.tempo_max = std::max(m.tempo_max, g->tempo_bpm);
    m.tempo_mean += g->tempo_bpm / kSeeds;
    for (const auto& v : g->variations) {
      acc->add(v.pattern);
      // Kick placement read back from the MIDI: onsets to the nearest sixteenth.
      std::vector<std::vector<bool>> kick(static_cast<std::size_t>(v.grid.bars), std::vector<bool>(16, false));
      for (const Hit& h : v.pattern.hits) {
        if (lane_of(h.note) != Lane::kick) continue;
        const std::int64_t step = (h.tick + 60) / 120;
        const auto bar = static_cast<std::size_t>(step / 16);
        if (bar < kick.size()) kick[bar][static_cast<std::size_t>(step % 16)] = true;
      }
      for (const auto& bar : kick) {
        ++bars;
        int streak = 0, longest = 0;
        for (int s = 0; s < 16; ++s) {
          if (bar[static_cast<std::size_t>(s)] && s % 4 != 0) ++offbeat;
          streak = bar[static_cast<std::size_t>(s)] ? streak + 1 : 0;
          longest = std::max(longest, streak);
        }
        runs += longest >= 8;
      }
    }
  }
  m.model = acc->finish();
  m.offbeat_kicks_per_bar = static_cast<double>(offbeat) / std::max(bars, 1);
  m.run_bar_share = static_cast<double>(runs) / std::max(bars, 1);
  std::cout << "[ contrast ] " << name << ": tempo " << m.tempo_min << "-" << m.tempo_max << " (entry "
            << m.range.min << "-" << m.range.max << "), hits/bar " << m.model.density << ", swing "
            << m.model.swing_ratio << ", ghost rate " << m.model.ghost_rate << ", off-beat kicks/bar "
            << m.offbeat_kicks_per_bar << ", ride/bar " << m.model.lanes[lane_index(Lane::ride)].hits_per_bar
            << ", hi-hat/bar " << m.model.lanes[lane_index(Lane::closed_hat)].hits_per_bar << ", run bars "
            << m.run_bar_share << '\n';
  return cache[name] = std::move(m);
}

double hits(const Measured& m, Lane lane) { return m.model.lanes[lane_index(lane)].hits_per_bar; }

TEST(ArtistContrast, TempoStaysInTheEntrysRange) {
  for (const char* name : {"Carlton Barrett", "Dave Lombardo", "Elvin Jones", "Clyde Stubblefield", "Meg White"}) {
    const Measured& m = measure(name);
    EXPECT_GE(m.tempo_min, m.range.min) << name;
    EXPECT_LE(m.tempo_max, m.range.max) << name;
  }
  EXPECT_LT(measure("Carlton Barrett").tempo_mean + 60, measure("Dave Lombardo").tempo_mean);
}

TEST(ArtistContrast, SwingFollowsTheEntry) {
  // Elvin Jones: swing 2.1 on the jazz model; John Bonham: straight rock.
  EXPECT_GT(measure("Elvin Jones").model.swing_ratio, 1.6);
  EXPECT_LT(measure("John Bonham").model.swing_ratio, 1.25);
}

TEST(ArtistContrast, DensityFollowsTheEntry) {
  // George Kollias: density 2.2, kick density 2.8; Meg White: 0.5 and 0.6.
  const Measured& busy = measure("George Kollias");
  const Measured& sparse = measure("Meg White");
  EXPECT_GT(busy.model.density, 1.5 * sparse.model.density);
  EXPECT_GT(busy.offbeat_kicks_per_bar, 3.0 * sparse.offbeat_kicks_per_bar);
}

TEST(ArtistContrast, GhostNotesFollowTheEntry) {
  // Clyde Stubblefield: ghost notes 2.6 on funk; Charlie Watts: 0.7 on rock.
  EXPECT_GT(measure("Clyde Stubblefield").model.ghost_rate, 2.0 * measure("Charlie Watts").model.ghost_rate);
}

TEST(ArtistContrast, RideOrHiHatFollowsTheTimekeeper) {
  // Same rock base: Meg White keeps time on the ride, John Bonham on the hi-hat.
  const Measured& meg = measure("Meg White");
  const Measured& bonham = measure("John Bonham");
  EXPECT_GT(hits(meg, Lane::ride), hits(meg, Lane::closed_hat));
  EXPECT_GT(hits(bonham, Lane::closed_hat), hits(bonham, Lane::ride));
  // Elvin Jones on the jazz ride.
  EXPECT_GT(hits(measure("Elvin Jones"), Lane::ride), hits(measure("Elvin Jones"), Lane::closed_hat));
}

TEST(ArtistContrast, DoubleKickRunsInTheShareOfBarsTheEntrySays) {
  // George Kollias: double kick 0.85; Meg White none. Fills take some bars' ends.
  EXPECT_GT(measure("George Kollias").run_bar_share, 0.5);
  EXPECT_LT(measure("Meg White").run_bar_share, 0.05);
}

}  // namespace
}  // namespace mdg::artist_contrast_test
