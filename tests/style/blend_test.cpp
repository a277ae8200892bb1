#include <gtest/gtest.h>

#include <cmath>

#include "style/blend.hpp"

namespace mdg::blend_test {
namespace {

// A hand-made 4/4 sixteenth model: `lane` hits at every step with `prob`, accents at
// `velocity` +- `sd`, microtiming `offset` ms; the unigram at each step counts `bars` bars
// of which round(prob * bars) play `mask`.
GrooveModel model(Lane lane, double prob, double velocity, double sd, double offset, std::uint32_t bars,
                  LaneMask mask) {
  GrooveModel m;
  m.grid = Grid{Meter{4, 4}, Subdivision::sixteenth};
  m.bars = bars;
  for (Lane l : kAllLanes) m.lanes[lane_index(l)].steps.resize(16);
  auto& ls = m.lanes[lane_index(lane)];
  const auto played = static_cast<std::uint32_t>(std::lround(prob * bars));
  for (auto& st : ls.steps) {
    st.onset_prob = prob;
    st.velocity_mean = velocity;
    st.velocity_sd = sd;
    st.offset_mean_ms = offset;
    st.offset_sd_ms = 5.0;
    st.hits = played;
  }
  ls.hits_per_bar = prob * 16;
  ls.velocity_mean = velocity;
  ls.velocity_sd = sd;
  ls.offset_mean_ms = offset;
  ls.offset_sd_ms = 5.0;
  m.transitions.resize(16);
  for (auto& t : m.transitions) {
    t.unigram = {{0, bars - played}, {mask, played}};
    if (t.unigram.front().count == 0) t.unigram.erase(t.unigram.begin());
    t.contexts = {{mask, {{mask, played}}}};
    t.beat_contexts = {{mask, mask, {{mask, played}}}};
  }
  m.density = prob * 16;
  m.swing_ratio = 1.0;
  return m;
}

StyleProfile style(const std::string& id, const std::string& name, GrooveModel m, TempoRange tempo) {
  StyleProfile p;
  p.id = id;
  p.name = name;
  p.tempo = tempo;
  p.genres = {id};
  p.sources = {{"source of " + name, ""}};
  p.groove.sixteenth = std::move(m);
  return p;
}

void expect_model_near(const GrooveModel& a, const GrooveModel& b) {
  EXPECT_EQ(a.grid, b.grid);
  EXPECT_EQ(a.bars, b.bars);
  EXPECT_EQ(a.transitions, b.transitions);
  for (Lane lane : kAllLanes) {
    const auto& la = a.lanes[lane_index(lane)];
    const auto& lb = b.lanes[lane_index(lane)];
    ASSERT_EQ(la.steps.size(), lb.steps.size());
    for (std::size_t s = 0; s < la.steps.size(); ++s) {
      EXPECT_NEAR(la.steps[s].onset_prob, lb.steps[s].onset_prob, 1e-12);
      EXPECT_NEAR(la.steps[s].velocity_mean, lb.steps[s].velocity_mean, 1e-9);
      EXPECT_NEAR(la.steps[s].velocity_sd, lb.steps[s].velocity_sd, 1e-6);
      EXPECT_NEAR(la.steps[s].offset_mean_ms, lb.steps[s].offset_mean_ms, 1e-9);
      EXPECT_NEAR(la.steps[s].offset_sd_ms, lb.steps[s].offset_sd_ms, 1e-6);
      EXPECT_EQ(la.steps[s].hits, lb.steps[s].hits);
    }
    EXPECT_NEAR(la.velocity_mean, lb.velocity_mean, 1e-9);
  }
}

TEST(Blend, AStyleBlendedWithItselfIsThatStyle) {
  const auto a = style("rock", "Rock", model(Lane::snare, 0.4, 100, 10, 12, 200, 2), {90, 130, 110});
  const std::vector<std::pair<StyleProfile, double>> members = {{a, 0.7}, {a, 0.3}};
  auto b = blend(members);
  ASSERT_TRUE(b) << b.error().message;
  expect_model_near(b->groove.sixteenth, a.groove.sixteenth);
  EXPECT_TRUE(b->groove.triplet.empty());
  EXPECT_NEAR(b->tempo.typical, 110, 1e-9);
}

TEST(Blend, EvenBlendIsHalfwayWithMixtureSpread) {
  const auto a = style("rock", "Rock", model(Lane::snare, 0.8, 100, 10, 20, 1000, 2), {100, 140, 120});
  const auto b = style("jazz", "Jazz", model(Lane::snare, 0.2, 60, 10, 0, 10, 2), {60, 100, 80});
  const std::vector<std::pair<StyleProfile, double>> members = {{a, 1.0}, {b, 1.0}};
  auto r = blend(members);
  ASSERT_TRUE(r) << r.error().message;
  const auto& st = r->groove.sixteenth.lanes[lane_index(Lane::snare)].steps[4];
  EXPECT_NEAR(st.onset_prob, 0.5, 1e-12);
  // Accents weighted by how often each plays: 0.8 vs 0.2 -> 80% / 20%.
  EXPECT_NEAR(st.velocity_mean, 0.8 * 100 + 0.2 * 60, 1e-9);
  EXPECT_NEAR(st.velocity_sd, std::sqrt(100 + 0.8 * 0.2 * 40 * 40), 1e-9);
  EXPECT_NEAR(st.offset_mean_ms, 16, 1e-9);
  EXPECT_EQ(r->name, "Rock + Jazz");
  EXPECT_EQ(r->id, "rock-x-jazz");
  EXPECT_NEAR(r->tempo.min, 80, 1e-9);
  EXPECT_NEAR(r->tempo.max, 120, 1e-9);
  EXPECT_EQ(r->sources.size(), 2U);
  EXPECT_EQ(r->genres, (std::vector<std::string>{"rock", "jazz"}));
}

TEST(Blend, PlacementAndNoteLevelsAreWeighted) {
  auto a = style("rock", "Rock", model(Lane::snare, 0.8, 100, 10, 20, 1000, 2), {100, 140, 120});
  auto b = style("jazz", "Jazz", model(Lane::snare, 0.2, 60, 10, 0, 10, 2), {60, 100, 80});
  a.groove.sixteenth.placement_ms = -20;
  b.groove.sixteenth.placement_ms = 10;
  a.groove.sixteenth.note_velocity = {{37, -30.0}, {40, 12.0}};
  b.groove.sixteenth.note_velocity = {{37, -10.0}};
  const std::vector<std::pair<StyleProfile, double>> members = {{a, 3.0}, {b, 1.0}};
  auto r = blend(members);
  ASSERT_TRUE(r) << r.error().message;
  const auto& m = r->groove.sixteenth;
  EXPECT_NEAR(m.placement_ms, 0.75 * -20 + 0.25 * 10, 1e-9);
  ASSERT_EQ(m.note_velocity.size(), 2U);
  EXPECT_EQ(m.note_velocity[0].note, 37);
  EXPECT_NEAR(m.note_velocity[0].offset, 0.75 * -30 + 0.25 * -10, 1e-9);
  // Jazz plays note 40 at its lane's level: offset 0 there.
  EXPECT_NEAR(m.note_velocity[1].offset, 0.75 * 12, 1e-9);
}

TEST(Blend, EachStyleCountsByItsWeightNotItsDataSize) {
  // Rock learned from 1000 bars plays mask 1 at every step; jazz from 10 bars plays mask 4.
  const auto a = style("rock", "Rock", model(Lane::kick, 1.0, 100, 10, 0, 1000, 1), {100, 140, 120});
  const auto b = style("jazz", "Jazz", model(Lane::closed_hat, 1.0, 60, 10, 0, 10, 4), {60, 100, 80});
  for (double wa : {0.5, 0.75}) {
    const std::vector<std::pair<StyleProfile, double>> members = {{a, wa}, {b, 1.0 - wa}};
    auto r = blend(members);
    ASSERT_TRUE(r);
    const auto& uni = r->groove.sixteenth.transitions[3].unigram;
    ASSERT_EQ(uni.size(), 2U);
    EXPECT_EQ(uni[0].mask, 1);
    EXPECT_EQ(uni[1].mask, 4);
    const double share = static_cast<double>(uni[0].count) / (uni[0].count + uni[1].count);
    EXPECT_NEAR(share, wa, 0.01);
    EXPECT_EQ(r->groove.sixteenth.transitions[3].contexts.size(), 2U);
  }
}

TEST(Blend, RejectsBadMembersAndWeights) {
  const auto a = style("rock", "Rock", model(Lane::snare, 0.4, 100, 10, 12, 20, 2), {90, 130, 110});
  const std::vector<std::pair<StyleProfile, double>> one = {{a, 1.0}};
  EXPECT_NE(blend(one).error().message.find("2-4"), std::string::npos);
  const std::vector<std::pair<StyleProfile, double>> five(5, {a, 1.0});
  EXPECT_NE(blend(five).error().message.find("2-4"), std::string::npos);
  for (double w : {0.0, -1.0, std::nan("")}) {
    const std::vector<std::pair<StyleProfile, double>> bad = {{a, 1.0}, {a, w}};
    auto r = blend(bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_NE(r.error().message.find("> 0"), std::string::npos);
  }
  auto b = a;
  b.groove.sixteenth.grid.meter = Meter{3, 4};
  const std::vector<std::pair<StyleProfile, double>> mismatch = {{a, 1.0}, {b, 1.0}};
  auto r = blend(mismatch);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unsupported);
}

TEST(BlendParse, ReadsNamesAndWeights) {
  auto m = parse_blend(" John Bonham:0.7 , Questlove : 0.3");
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_EQ(m->size(), 2U);
  EXPECT_EQ((*m)[0].name, "John Bonham");
  EXPECT_DOUBLE_EQ((*m)[0].weight, 0.7);
  EXPECT_EQ((*m)[1].name, "Questlove");
  EXPECT_DOUBLE_EQ((*m)[1].weight, 0.3);
  EXPECT_TRUE(parse_blend("a:1,b:2,c:3,d:4"));
}

TEST(BlendParse, ErrorsSayWhatIsAllowed) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"", "empty"},
      {"Rock", "has no weight"},
      {"Rock:0.5", "allowed: 2-4"},
      {"a:1,b:1,c:1,d:1,e:1", "allowed: 2-4"},
      {"Rock:abc,Funk:1", "'abc' of 'Rock' is not allowed; allowed: a number > 0"},
      {"Rock:0,Funk:1", "> 0"},
      {"Rock:-1,Funk:1", "> 0"},
      {"Rock:1,Funk:", "> 0"},
      {":1,Funk:1", "has no name"},
      {"Rock:1,,Funk:1", "has no name"},
      {"Rock:1,ROCK:2", "twice"},
  };
  for (const auto& [text, expect] : cases) {
    auto m = parse_blend(text);
    ASSERT_FALSE(m) << text;
    EXPECT_EQ(m.error().code, Errc::invalid_argument);
    EXPECT_NE(m.error().message.find(expect), std::string::npos) << text << ": " << m.error().message;
  }
}

TEST(BlendParse, ResolvesMembersFromTheLibrary) {
  auto lib = StyleLibrary::open(MDG_SOURCE_DATA_DIR);
  ASSERT_TRUE(lib) << lib.error().message;
  auto unknown = resolve_blend(*lib, "John Bonham:0.5,Questlove Drumz Trio:0.5");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
  EXPECT_NE(unknown.error().message.find("Questlove"), std::string::npos) << unknown.error().message;
  auto r = resolve_blend(*lib, "John Bonham:0.7,Questlove:0.3");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->id, "john-bonham-x-questlove");
  EXPECT_EQ(r->kind, ProfileKind::artist);
  EXPECT_FALSE(r->groove.sixteenth.empty());
  auto bonham = lib->resolve("John Bonham");
  auto quest = lib->resolve("Questlove");
  ASSERT_TRUE(bonham && quest);
  EXPECT_NEAR(r->tempo.typical, 0.7 * bonham->tempo.typical + 0.3 * quest->tempo.typical, 1e-9);
}

}  // namespace
}  // namespace mdg::blend_test
