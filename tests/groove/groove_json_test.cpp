#include "groove/groove_json.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "groove/analyzer.hpp"

namespace mdg::groove_json_test {
namespace {

constexpr std::int64_t kBar = 4 * kPpq;

// A small but varied performance: kick/snare/hat with ghosts, microtiming and a tom fill.
Pattern sample_pattern() {
  Pattern p;
  p.meter = Meter{4, 4};
  p.tempo_bpm = 97.0;
  p.length_ticks = 4 * kBar;
  for (int b = 0; b < 4; ++b) {
    const std::int64_t bar = b * kBar;
    for (int e = 0; e < 8; ++e) {
      p.hits.push_back({bar + e * kPpq / 2 + (e % 2) * 7, 42, static_cast<std::uint8_t>(70 + e * 3), 30});
    }
    p.hits.push_back({bar + 3, 36, 112, 60});
    p.hits.push_back({bar + 5 * kPpq / 2 - 4, 36, 98, 60});
    p.hits.push_back({bar + kPpq + 11, 38, 120, 60});
    p.hits.push_back({bar + 3 * kPpq + 9, 38, 117, 60});
    p.hits.push_back({bar + 7 * kPpq / 4, 38, 31, 60});
    if (b == 3) {
      p.hits.push_back({bar + 3 * kPpq + kPpq / 4, 48, 100, 60});
      p.hits.push_back({bar + 3 * kPpq + kPpq / 2, 45, 100, 60});
      p.hits.push_back({bar + 3 * kPpq + 3 * kPpq / 4, 43, 104, 60});
    }
  }
  p.sort_hits();
  return p;
}

GrooveModel sample_model(Subdivision s = Subdivision::sixteenth) {
  const Pattern p = sample_pattern();
  auto m = analyze_patterns(std::span(&p, 1), Grid{Meter{4, 4}, s});
  EXPECT_TRUE(m.has_value());
  return *m;
}

TEST(GrooveJson, RoundTripIsByteStable) {
  const GrooveModel model = sample_model();
  const nlohmann::json first = groove_model_to_json(model);
  auto decoded = groove_model_from_json(first);
  ASSERT_TRUE(decoded) << decoded.error().message;
  const nlohmann::json second = groove_model_to_json(*decoded);
  EXPECT_EQ(first.dump(1), second.dump(1));
  EXPECT_EQ(decoded->bars, model.bars);
  EXPECT_EQ(decoded->transitions, model.transitions);
  EXPECT_EQ(decoded->lanes[lane_index(Lane::snare)].steps[4].hits,
            model.lanes[lane_index(Lane::snare)].steps[4].hits);
  EXPECT_NEAR(decoded->density, model.density, 1e-3 * model.density);
  // Rounded to 4 significant digits.
  const double v = first["lanes"]["hat"]["velocity_mean"].get<double>();
  EXPECT_NEAR(v, model.lanes[lane_index(Lane::closed_hat)].velocity_mean, 0.01);
}

TEST(GrooveJson, PlacementAndNoteVelocityRoundTripAndAreOptional) {
  GrooveModel model = sample_model();
  model.placement_ms = -9.25;
  model.note_velocity = {{37, -31.5}, {38, 12.25}, {100, 3.0}};
  const nlohmann::json j = groove_model_to_json(model);
  EXPECT_EQ(j["placement_ms"].get<double>(), -9.25);
  EXPECT_EQ(j["note_velocity"]["37"].get<double>(), -31.5);
  auto decoded = groove_model_from_json(j);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->placement_ms, -9.25);
  EXPECT_EQ(decoded->note_velocity, model.note_velocity);  // sorted by note, not by key text
  EXPECT_EQ(groove_model_to_json(*decoded).dump(1), j.dump(1));

  // Models written before these fields existed still load.
  nlohmann::json old = j;
  old.erase("placement_ms");
  old.erase("note_velocity");
  auto legacy = groove_model_from_json(old);
  ASSERT_TRUE(legacy) << legacy.error().message;
  EXPECT_EQ(legacy->placement_ms, 0.0);
  EXPECT_TRUE(legacy->note_velocity.empty());

  nlohmann::json bad = j;
  bad["note_velocity"]["300"] = 1.0;
  auto refused = groove_model_from_json(bad);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("note_velocity"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("0-127"), std::string::npos) << refused.error().message;
}

// Every entry, written at `field`[index] of `j`, is refused with an error naming that place.
void expect_entries_refused(const nlohmann::json& j, const std::string& field, std::size_t index,
                            const std::vector<std::string>& entries) {
  const std::string place = field + "[" + std::to_string(index) + "]";
  for (const std::string& entry : entries) {
    nlohmann::json bad = j;
    bad[field][index] = entry;
    auto refused = groove_model_from_json(bad);
    ASSERT_FALSE(refused) << entry;
    EXPECT_NE(refused.error().message.find(place), std::string::npos) << refused.error().message;
  }
}

TEST(GrooveJson, ContextFeelRoundTripsIsOptionalAndChecked) {
  GrooveModel model = sample_model();
  model.context_feel = {
      {context_key(ContextLevel::note, lane_index(Lane::snare), 0, 0, 38, 0, 0), 40, 96.5, -3.25},
      {context_key(ContextLevel::neighbours, lane_index(Lane::snare), 4, 6, 38, 0, 4), 12, 118.0, 7.5},
  };
  std::sort(model.context_feel.begin(), model.context_feel.end(),
            [](const ContextFeel& a, const ContextFeel& b) { return a.key < b.key; });
  const nlohmann::json j = groove_model_to_json(model);
  ASSERT_TRUE(j["context_feel"].is_array());
  EXPECT_EQ(j["context_feel"][0].get<std::string>(), "0 1 0 0 38 0 0 40 96.5 -3.25");
  EXPECT_EQ(j["context_feel"][1].get<std::string>(), "3 1 4 6 38 0 4 12 118.0 7.5");
  auto decoded = groove_model_from_json(j);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->context_feel, model.context_feel);

  nlohmann::json old = j;
  old.erase("context_feel");
  auto legacy = groove_model_from_json(old);
  ASSERT_TRUE(legacy) << legacy.error().message;
  EXPECT_TRUE(legacy->context_feel.empty());

  expect_entries_refused(j, "context_feel", 0,
                         {"0 1 0 0 38 0 0 40 96.5", "4 1 0 0 38 0 0 40 96.5 1", "0 1 0 0 38 0 0 40 200 1",
                          "0 1 3 0 38 0 0 40 96.5 1", "2 1 99 0 38 0 0 40 96.5 1"});
  nlohmann::json unsorted = j;
  std::swap(unsorted["context_feel"][0], unsorted["context_feel"][1]);
  auto refused = groove_model_from_json(unsorted);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("sorted"), std::string::npos) << refused.error().message;
}

TEST(GrooveJson, TakesRoundTripAreOptionalAndChecked) {
  GrooveModel model = sample_model();
  TakeShape a;
  a.onsets.assign(kLaneCount * 16, 0);
  a.onsets[0] = 255;
  a.onsets[17] = 0x7f;
  a.onsets.back() = 0x0a;
  a.snare_hits = 40;
  a.snare_ghosts = 9;
  TakeShape b;
  b.onsets.assign(kLaneCount * 16, 3);
  b.bars.assign(2 * 16, 0);
  b.bars[0] = 0x1ff;
  b.bars[1] = 0x005;
  b.bars.back() = 0x100;
  model.takes = {a, b};
  const nlohmann::json j = groove_model_to_json(model);
  ASSERT_TRUE(j["takes"].is_array());
  const std::string first = j["takes"][0].get<std::string>();
  EXPECT_EQ(first.substr(0, 4), "ff00");
  EXPECT_EQ(first.substr(34, 2), "7f");
  EXPECT_EQ(first.substr(first.size() - 7), "0a 40 9");
  const std::string second = j["takes"][1].get<std::string>();
  const std::string bars_hex = second.substr(second.rfind(' ') + 1);
  ASSERT_EQ(bars_hex.size(), 3u * 2 * 16);  // three hex digits per step mask, two bars
  EXPECT_EQ(bars_hex.substr(0, 6), "1ff005");
  EXPECT_EQ(bars_hex.substr(bars_hex.size() - 3), "100");
  auto decoded = groove_model_from_json(j);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->takes, model.takes);
  EXPECT_EQ(groove_model_to_json(*decoded).dump(), j.dump());

  nlohmann::json old = j;
  old.erase("takes");
  auto legacy = groove_model_from_json(old);
  ASSERT_TRUE(legacy) << legacy.error().message;
  EXPECT_TRUE(legacy->takes.empty());
  model.takes.clear();
  EXPECT_FALSE(groove_model_to_json(model).contains("takes"));  // a model without shapes writes none

  const std::string hex = first.substr(0, 2 * kLaneCount * 16);
  expect_entries_refused(j, "takes", 1,
                         {hex + " 40", hex + " 40 41", hex.substr(2) + " 40 9", hex + "00 40 9",
                          "g" + hex.substr(1) + " 40 9", "F" + hex.substr(1) + " 40 9", hex + " -1 0",
                          hex + " 40 9 1", hex + " 40 x"});
  // Bars must be whole bars of masks below 512, in lower-case hex.
  const std::string head = second.substr(0, second.rfind(' '));
  expect_entries_refused(j, "takes", 0,
                         {head + " " + bars_hex.substr(3), head + " " + std::string(48, '0') + "200" + std::string(45, '0'),
                          head + " 1FF" + bars_hex.substr(3), head + " "});
  // Without measured timing no take_timing is written; with it, one "mean sd" per take.
  EXPECT_FALSE(j.contains("take_timing"));
  GrooveModel timed = sample_model();
  timed.takes = {a, b};
  timed.takes[0].timing_mean_ms = -1.5;
  timed.takes[0].timing_sd_ms = 18.25;
  timed.takes[1].timing_sd_ms = 31.0;
  const nlohmann::json jt = groove_model_to_json(timed);
  ASSERT_TRUE(jt["take_timing"].is_array());
  EXPECT_EQ(jt["take_timing"][0], "-1.5 18.25");
  EXPECT_EQ(jt["take_timing"][1], "0.0 31.0");
  auto timed_back = groove_model_from_json(jt);
  ASSERT_TRUE(timed_back) << timed_back.error().message;
  EXPECT_EQ(timed_back->takes, timed.takes);
  expect_entries_refused(jt, "take_timing", 1, {"31.0", "0 31 2", "0 -3", "0 x", "1e9 3", "0  31", ""});
  nlohmann::json short_timing = jt;
  short_timing["take_timing"].erase(1);  // one string per take
  auto refused_short = groove_model_from_json(short_timing);
  ASSERT_FALSE(refused_short);
  EXPECT_NE(refused_short.error().message.find("take_timing"), std::string::npos) << refused_short.error().message;

  nlohmann::json not_text = j;
  not_text["takes"][0] = 7;
  EXPECT_FALSE(groove_model_from_json(not_text));
  nlohmann::json not_array = j;
  not_array["takes"] = "ff";
  EXPECT_FALSE(groove_model_from_json(not_array));
}

TEST(GrooveJson, SetRoundTripAndEmptyModels) {
  GrooveSet set;
  set.feel = Subdivision::triplet;
  set.sixteenth = sample_model(Subdivision::sixteenth);
  set.triplet = sample_model(Subdivision::triplet);
  // fill models left empty (default-constructed)
  const auto j = groove_set_to_json(set);
  auto back = groove_set_from_json(j);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->feel, Subdivision::triplet);
  EXPECT_TRUE(back->fill_triplet.empty());
  EXPECT_EQ(groove_set_to_json(*back).dump(), j.dump());
  EXPECT_EQ(back->triplet.lanes[0].steps.size(), 12u);

  auto empty = groove_set_from_json(groove_set_to_json(GrooveSet{}));
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_EQ(*empty, GrooveSet{});
}

TEST(GrooveJson, TransitionsAreCompactStrings) {
  const auto j = groove_model_to_json(sample_model());
  const auto& t4 = j["transitions"][4];
  ASSERT_TRUE(t4["u"].is_string());
  // Step 4 always has the snare (2) and hat (4): mask 6, four bars.
  EXPECT_EQ(t4["u"].get<std::string>(), "6:4");
  ASSERT_TRUE(t4["c"].is_object());
}

std::string decode_error(const nlohmann::json& j) {
  auto r = groove_model_from_json(j);
  EXPECT_FALSE(r.has_value());
  if (r) return {};
  EXPECT_EQ(r.error().code, Errc::parse);
  return r.error().message;
}

TEST(GrooveJson, DecodingNamesTheBadField) {
  const auto good = groove_model_to_json(sample_model());
  {
    auto j = good;
    j["lanes"]["snare"]["steps"][3]["onset_prob"] = 1.5;
    EXPECT_EQ(decode_error(j), "lanes.snare.steps[3].onset_prob must be 0-1, got 1.5");
  }
  {
    auto j = good;
    j["lanes"]["kick"]["steps"][0]["velocity_mean"] = 128;
    EXPECT_NE(decode_error(j).find("lanes.kick.steps[0].velocity_mean must be 0-127"), std::string::npos);
  }
  {
    auto j = good;
    j["lanes"]["hat"]["steps"].erase(0);
    EXPECT_NE(decode_error(j).find("lanes.hat.steps must have 16 entries"), std::string::npos);
  }
  {
    auto j = good;
    j["transitions"][2]["u"] = "5:1 3:2";
    EXPECT_NE(decode_error(j).find("transitions[2].u masks must be sorted"), std::string::npos);
  }
  {
    auto j = good;
    j["transitions"][2]["u"] = "512:1";
    EXPECT_NE(decode_error(j).find("below 512"), std::string::npos);
  }
  {
    auto j = good;
    j["transitions"][2]["u"] = "1:x";
    EXPECT_NE(decode_error(j).find("transitions[2].u must be"), std::string::npos);
  }
  {
    auto j = good;
    j["transitions"][2]["c"]["600"] = "1:1";
    EXPECT_NE(decode_error(j).find("transitions[2].c.600 key must be a mask"), std::string::npos);
  }
  {
    auto j = good;
    j["transitions"][2]["b"] = "1=2:3";
    EXPECT_NE(decode_error(j).find("transitions[2].b must be \"previous,beat_before=mask:count"), std::string::npos)
        << decode_error(j);
  }
  {
    auto j = good;
    j["transitions"][2]["b"] = "3,1=2:3; 1,1=2:3";
    EXPECT_NE(decode_error(j).find("sorted by (previous, beat_before)"), std::string::npos) << decode_error(j);
  }
  {
    auto j = good;
    j["transitions"][2]["b"] = "1,600=2:3";
    EXPECT_NE(decode_error(j).find("masks 0-511"), std::string::npos) << decode_error(j);
  }
  {
    auto j = good;
    j["transitions"][2]["b"] = "1,1=2:3; 1,2=5:1 6:2";
    auto decoded = groove_model_from_json(j);
    ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
    ASSERT_EQ(decoded->transitions[2].beat_contexts.size(), 2u);
    EXPECT_EQ(decoded->transitions[2].beat_contexts[1].beat_before, 2);
    EXPECT_EQ(decoded->transitions[2].beat_contexts[1].next.size(), 2u);
  }
  {
    auto j = good;
    j["swing_ratio"] = "fast";
    EXPECT_EQ(decode_error(j), "swing_ratio must be a number");
  }
  {
    auto j = good;
    j.erase("ghost_rate");
    EXPECT_EQ(decode_error(j), "ghost_rate is missing");
  }
  {
    auto j = good;
    j["lanes"]["cowbell"] = j["lanes"]["kick"];
    EXPECT_NE(decode_error(j).find("lanes.cowbell is not a lane"), std::string::npos);
  }
  {
    auto j = good;
    j["meter"] = "4/5";
    EXPECT_NE(decode_error(j).find("meter"), std::string::npos);
  }
  {
    auto j = good;
    j["bars"] = -3;
    EXPECT_NE(decode_error(j).find("bars must be a whole number"), std::string::npos);
  }
  {
    auto j = good;
    j["lanes"]["ride"]["note"] = 300;
    EXPECT_NE(decode_error(j).find("lanes.ride.note must be 0-127"), std::string::npos);
  }
  EXPECT_FALSE(groove_model_from_json(nlohmann::json::array()));

  auto set = groove_set_to_json(GrooveSet{.feel = Subdivision::sixteenth,
                                          .sixteenth = sample_model(),
                                          .triplet = {},
                                          .fill_sixteenth = {},
                                          .fill_triplet = {}});
  set["sixteenth"]["lanes"]["snare"]["steps"][3]["onset_prob"] = -0.1;
  auto r = groove_set_from_json(set);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "sixteenth.lanes.snare.steps[3].onset_prob must be 0-1, got -0.1");
  set["feel"] = "waltz";
  EXPECT_FALSE(groove_set_from_json(set));
}

}  // namespace
}  // namespace mdg::groove_json_test
