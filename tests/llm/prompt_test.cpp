#include <gtest/gtest.h>

#include <algorithm>

#include <fmt/format.h>

#include "llm/prompt.hpp"
#include "test_profiles.hpp"

namespace mdg::llm::prompt_test {
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
  auto examples = few_shot_examples(bonham, r.meter, 7);
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
  EXPECT_NE(u.find("\n  kick "), std::string::npos) << u;
  EXPECT_NE(u.find("(4/4, 16th"), std::string::npos);
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

TEST(Prompt, EngineExampleIsWrittenInTheNotation) {
  const auto rock = profile("rock");
  auto examples = few_shot_examples(rock, Meter{4, 4}, 3);
  ASSERT_TRUE(examples.has_value());
  const auto& e = examples->front();
  EXPECT_EQ(e.origin, "local engine");
  auto parsed = parse_groove(e.groove);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().describe();
  EXPECT_EQ(parsed->bars, 2);
  EXPECT_EQ(parsed->steps_per_bar, 16);
  const auto p = example_pattern(e, 120);
  EXPECT_FALSE(p.hits.empty());
  EXPECT_EQ(p.length_ticks, 2 * 1920);
  // Same seed, same example.
  auto again = few_shot_examples(rock, Meter{4, 4}, 3);
  EXPECT_EQ(render_example(again->front()), render_example(e));
  EXPECT_NE(render_example(e).find("16 steps per bar, step i starts at beat i/4"), std::string::npos);
}

TEST(Prompt, OddMetersUseTheirOwnStepCount) {
  const auto rock = profile("rock");
  auto examples = few_shot_examples(rock, Meter{7, 8}, 3);
  ASSERT_TRUE(examples.has_value());
  auto parsed = parse_groove(examples->front().groove);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().describe();
  EXPECT_EQ(parsed->steps_per_bar, 14);
}

TEST(Prompt, SignatureGroovesAreUsedWhenTheMeterFits) {
  auto rock = profile("rock");
  SignatureGroove levee{"Levee half-time", "Led Zeppelin - When the Levee Breaks (1971)", Meter{4, 4},
                        NotationGrid::sixteenth, 71,
                        {{"kick", "X-x-------xx----"}, {"snare", "----X-------X---"}, {"closed_hat", "x-x-x-x-x-x-x-o-"}}};
  SignatureGroove broken = levee;
  broken.lanes[0].text = "X-x";
  rock.signature_grooves = {broken, levee, levee, levee};
  auto examples = few_shot_examples(rock, Meter{4, 4}, 1);
  ASSERT_TRUE(examples.has_value());
  EXPECT_EQ(examples->size(), 2U);  // one or two, never more; an unparsable one is skipped
  EXPECT_EQ(examples->front().origin, "signature groove");
  const auto text = render_example(examples->front());
  EXPECT_NE(text.find("x-x-x-x-x-x-x-o-"), std::string::npos) << text;
  EXPECT_NE(text.find("71 BPM"), std::string::npos);
  // In another meter the engine supplies the example.
  auto waltz = few_shot_examples(rock, Meter{3, 4}, 1);
  ASSERT_TRUE(waltz.has_value());
  EXPECT_EQ(waltz->front().origin, "local engine");
  // The user prompt shows them.
  const auto u = user_prompt(rock, PatternRequest{}, *examples);
  EXPECT_NE(u.find("Levee half-time"), std::string::npos);
  EXPECT_NE(system_prompt().find("closed_hat = 42"), std::string::npos);
}

}  // namespace
}  // namespace mdg::llm::prompt_test
