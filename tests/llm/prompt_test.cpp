#include <gtest/gtest.h>

#include <algorithm>

#include <fmt/format.h>

#include "llm/prompt.hpp"
#include "test_profiles.hpp"

namespace mdg::llm {
namespace {

StyleProfile profile(std::string_view name) {
  return name == "artist" ? testing::artist_profile() : testing::genre_profile(name);
}

// Every object in a schema is closed and lists all its properties as required.
void expect_strict(const nlohmann::json& schema, const std::string& path) {
  if (schema.value("type", "") == "object") {
    ASSERT_EQ(schema.at("additionalProperties"), false) << path;
    const auto& props = schema.at("properties");
    const auto& required = schema.at("required");
    EXPECT_EQ(required.size(), props.size()) << path;
    for (const auto& [key, sub] : props.items()) {
      EXPECT_NE(std::find(required.begin(), required.end(), key), required.end()) << path << "." << key;
      expect_strict(sub, path + "." + key);
    }
  }
  if (schema.contains("items")) expect_strict(schema["items"], path + "[]");
}

TEST(Prompt, SchemaIsStrictCompatible) {
  const auto schema = pattern_schema();
  expect_strict(schema, "$");
  EXPECT_EQ(schema["properties"]["notes"]["items"]["required"].size(), 5U);
  EXPECT_TRUE(std::string(kSchemaName).find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos);
}

TEST(Prompt, SystemPromptFixesSchemaUnitsAndDrumMap) {
  const auto s = system_prompt();
  for (const char* needle : {"\"tempo\"", "\"meter\"", "\"bars\"", "\"notes\"", "quarter-note beats",
                             "36 = Bass Drum 1", "38 = Acoustic Snare", "42 = Closed Hi-Hat", "81 = Open Triangle",
                             "never copy"}) {
    EXPECT_NE(s.find(needle), std::string::npos) << needle;
  }
  // The TD-11 articulations outside GM 35-81 are not offered.
  EXPECT_EQ(s.find("22 ="), std::string::npos);
}

TEST(Prompt, UserPromptCarriesTheProfileAndTheRequest) {
  const auto bonham = profile("artist");
  PatternRequest r;
  r.bars = 8;
  r.meter = Meter{4, 4};
  r.tempo_bpm = 87;
  r.variation = 2;
  r.variations = 6;
  auto examples = few_shot_examples(bonham, {}, r.meter, 7);
  ASSERT_TRUE(examples.has_value()) << examples.error().describe();
  const auto prompt = build_prompt(bonham, r, *examples);
  const auto& u = prompt.user;
  EXPECT_NE(u.find("Test Drummer"), std::string::npos);
  EXPECT_NE(u.find(fmt::format("tempo range {}", bonham.tempo.min)), std::string::npos) << u;
  EXPECT_NE(u.find("feel: " + bonham.feel), std::string::npos);
  EXPECT_NE(u.find(bonham.description.substr(0, 40)), std::string::npos);
  EXPECT_NE(u.find("Write 8 bars of 4/4 at 87 BPM"), std::string::npos) << u;
  EXPECT_NE(u.find("variation 3 of 6"), std::string::npos);
  EXPECT_NE(u.find("ghost notes"), std::string::npos);
  // The example rows in grid notation, 16 steps per bar, two bars.
  EXPECT_NE(u.find("kick (36)"), std::string::npos) << u;
  EXPECT_NE(u.find("16th grid"), std::string::npos);
  EXPECT_EQ(prompt.examples.size(), 1U);
  EXPECT_GT(prompt.max_output_tokens, 8 * 1000);
}

TEST(Prompt, BuiltFromTheProfileNotPerArtist) {
  PatternRequest r;
  const auto a = profile("artist");
  const auto b = profile("funk");
  const auto ua = user_prompt(a, r, {});
  const auto ub = user_prompt(b, r, {});
  EXPECT_NE(ua, ub);
  // Changing a trait of the same profile changes the words.
  auto swung = a;
  swung.traits.swing = 2.0;
  swung.traits.laid_back_ms = 12;
  const auto us = user_prompt(swung, r, {});
  EXPECT_NE(us.find("eighth-note swing ratio 2"), std::string::npos) << us;
  EXPECT_NE(us.find("12 ms behind the beat"), std::string::npos);
}

TEST(Prompt, EngineExampleRoundTripsThroughTheGrid) {
  const auto rock = profile("rock");
  auto examples = few_shot_examples(rock, {}, Meter{4, 4}, 3);
  ASSERT_TRUE(examples.has_value());
  const auto& g = examples->front();
  EXPECT_EQ(g.origin, "local engine");
  EXPECT_EQ(g.bars(), 2);
  EXPECT_EQ(g.steps_per_quarter, 4);
  ASSERT_TRUE(validate_groove(g).has_value());
  for (const auto& lane : g.lanes) {
    for (const auto& bar : lane.bars) EXPECT_EQ(bar.size(), 16U) << lane.key;
  }
  const auto p = groove_to_pattern(g, 120);
  EXPECT_FALSE(p.hits.empty());
  EXPECT_EQ(p.length_ticks, 2 * 1920);
  // Same seed, same example; another seed, (almost surely) another one.
  auto again = few_shot_examples(rock, {}, Meter{4, 4}, 3);
  EXPECT_EQ(render_groove(again->front()), render_groove(g));
}

TEST(Prompt, OddMetersUseTheirOwnStepCount) {
  const auto rock = profile("rock");
  auto examples = few_shot_examples(rock, {}, Meter{7, 8}, 3);
  ASSERT_TRUE(examples.has_value());
  EXPECT_EQ(examples->front().steps_per_bar(), 14);
  for (const auto& lane : examples->front().lanes) EXPECT_EQ(lane.bars.front().size(), 14U);
}

TEST(Prompt, SignatureGroovesAreUsedWhenTheMeterFits) {
  const auto rock = profile("rock");
  GridGroove levee{"Levee half-time", "signature groove", Meter{4, 4}, 4, 71,
                   {{"kick", 36, {"X-x-------xx----"}}, {"snare", 38, {"----X-------X---"}},
                    {"closed_hat", 42, {"x-x-x-x-x-x-x-o-"}}}};
  auto examples = few_shot_examples(rock, {levee, levee, levee}, Meter{4, 4}, 1);
  ASSERT_TRUE(examples.has_value());
  EXPECT_EQ(examples->size(), 2U);  // one or two, never more
  EXPECT_EQ(examples->front().origin, "signature groove");
  const auto text = render_groove(examples->front());
  EXPECT_NE(text.find("closed_hat (42) x-x-x-x-x-x-x-o-"), std::string::npos) << text;
  EXPECT_NE(text.find("71 BPM"), std::string::npos);
  // In another meter the engine supplies the example.
  auto waltz = few_shot_examples(rock, {levee}, Meter{3, 4}, 1);
  ASSERT_TRUE(waltz.has_value());
  EXPECT_EQ(waltz->front().origin, "local engine");
  // 'o' is an open hat, 'f' a flam with a grace note.
  const auto p = groove_to_pattern(levee, 71);
  EXPECT_TRUE(std::any_of(p.hits.begin(), p.hits.end(), [](const Hit& h) { return h.note == 46; }));
}

TEST(Prompt, InvalidGroovesAreRejectedWithWhatIsAllowed) {
  GridGroove g{"bad", "signature groove", Meter{4, 4}, 4, std::nullopt, {{"kick", 36, {"X---"}}}};
  auto r = validate_groove(g);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("allowed: 16"), std::string::npos) << r.error().message;
  g.lanes[0].bars = {"X--------------q"};
  r = validate_groove(g);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("'q'"), std::string::npos);
  g.lanes[0].bars = {"----------------"};
  EXPECT_FALSE(validate_groove(g).has_value());
  g.steps_per_quarter = 5;
  EXPECT_FALSE(validate_groove(g).has_value());
  g.steps_per_quarter = 3;
  g.meter = Meter{7, 8};  // 10.5 triplet steps: not a whole number
  EXPECT_FALSE(validate_groove(g).has_value());
}

}  // namespace
}  // namespace mdg::llm
