#include "style/profile_json.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace mdg::profile_json_test {
namespace {

using nlohmann::json;

StyleProfile sample_artist() {
  StyleProfile p;
  p.id = "john-bonham";
  p.kind = ProfileKind::artist;
  p.name = "John Bonham";
  p.aliases = {"Bonzo", "Bonham"};
  p.genres = {"rock", "hard rock"};
  p.base = "rock";
  p.tempo = {70.0, 180.0, 92.5};
  p.feel = "straight";
  p.description = "Heavy, behind-the-beat rock drumming with triplet kick figures.";
  p.sources = {{"John Bonham - Wikipedia", "https://en.wikipedia.org/wiki/John_Bonham"},
               {"Liner notes", ""}};
  p.confidence = 0.8;
  p.traits.density = 1.3;
  p.traits.ghost_notes = 0.7;
  p.traits.swing = 0.0;
  p.traits.swing_16th = 1.12;
  p.traits.laid_back_ms = 7.5;
  p.traits.timing_spread = 1.1;
  p.traits.dynamics = 1.4;
  p.traits.fill_rate = 0.35;
  p.traits.crash_after_fill = 0.9;
  p.traits.phrase_bars = 8;
  p.traits.timekeeper = Lane::ride;
  p.traits.snare_note = 40;
  p.traits.kick_density = 1.4;
  p.traits.open_hat = 0.5;
  p.traits.double_kick = 0.1;
  p.traits.linear = 0.2;
  p.artist_kind = ArtistKind::drummer;
  p.country = "GB";
  p.era = YearSpan{1968, 1980};
  p.meters = {Meter{4, 4}, Meter{12, 8}};
  p.drummers = {{"John Bonham", "john-bonham", 1968, 1980}, {"Jason Bonham", "", 2007, std::nullopt}};
  SignatureGroove g;
  g.name = "Levee half-time";
  g.recording = "Led Zeppelin - When the Levee Breaks (1971)";
  g.tempo = 71;
  g.lanes = {{"closed_hat", "x-x-x-x-x-x-x-x-|x-x-x-x-x-x-x-o-"},
             {"kick", "X-x-------xx----|X-x-------x-x---"},
             {"snare", "----X-------X---|----X-------X---"}};
  p.signature_grooves = {g};
  return p;
}

json sample_json() { return profile_to_json(sample_artist()); }

Error decode_error(const json& j) {
  auto r = profile_from_json(j);
  EXPECT_FALSE(r.has_value()) << j.dump();
  return r ? Error{} : r.error();
}

TEST(ProfileJson, RoundTripThroughJsonAndText) {
  const StyleProfile p = sample_artist();
  const json j = profile_to_json(p);
  auto back = profile_from_json(j);
  ASSERT_TRUE(back.has_value()) << back.error().describe();
  EXPECT_EQ(*back, p);
  auto from_text = profile_from_text(j.dump(2));
  ASSERT_TRUE(from_text.has_value()) << from_text.error().describe();
  EXPECT_EQ(*from_text, p);
}

TEST(ProfileJson, EncodesSnakeCaseFieldsAndOmitsEmptyGroove) {
  const json j = sample_json();
  EXPECT_EQ(j.at("kind"), "drummer");
  EXPECT_EQ(j.at("traits").at("timekeeper"), "ride");
  EXPECT_EQ(j.at("traits").at("snare_note"), 40);
  EXPECT_EQ(j.at("traits").at("swing_16th"), 1.12);
  EXPECT_EQ(j.at("traits").at("laid_back_ms"), 7.5);
  EXPECT_EQ(j.at("tempo").at("typical"), 92.5);
  EXPECT_EQ(j.at("sources").at(0).at("url"), "https://en.wikipedia.org/wiki/John_Bonham");
  EXPECT_FALSE(j.contains("groove"));
}

TEST(ProfileJson, DefaultGenreRoundTripsAndOptionalTraitsStayUnset) {
  StyleProfile g;
  g.id = "rock";
  g.name = "Rock";
  const json j = profile_to_json(g);
  EXPECT_FALSE(j.contains("base"));
  EXPECT_FALSE(j.at("traits").contains("timekeeper"));
  auto back = profile_from_json(j);
  ASSERT_TRUE(back.has_value()) << back.error().describe();
  EXPECT_EQ(*back, g);
  EXPECT_FALSE(back->traits.timekeeper.has_value());
}

TEST(ProfileJson, MissingOptionalFieldsKeepDefaults) {
  auto p = profile_from_json(json{{"id", "x"}, {"kind", "genre"}, {"name", "X"}});
  ASSERT_TRUE(p.has_value()) << p.error().describe();
  EXPECT_EQ(p->tempo, TempoRange{});
  EXPECT_EQ(p->traits, StyleTraits{});
  EXPECT_DOUBLE_EQ(p->confidence, 0.5);
  auto partial = profile_from_json(
      json{{"id", "x"}, {"kind", "genre"}, {"name", "X"}, {"traits", {{"density", 2.0}}}});
  ASSERT_TRUE(partial.has_value()) << partial.error().describe();
  EXPECT_DOUBLE_EQ(partial->traits.density, 2.0);
  EXPECT_DOUBLE_EQ(partial->traits.ghost_notes, 1.0);
}

TEST(ProfileJson, SyntaxErrorsAreParseErrorsWithByteOffset) {
  auto r = profile_from_text(R"({"id": "rock", "kind": })");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::parse);
  ASSERT_TRUE(r.error().offset.has_value());
  EXPECT_EQ(*r.error().offset, 23U);
  auto empty = profile_from_text("");
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code, Errc::parse);
}

TEST(ProfileJson, RejectsUnknownFieldsByName) {
  json j = sample_json();
  j["tempoo"] = 3;
  Error e = decode_error(j);
  EXPECT_EQ(e.code, Errc::invalid_argument);
  EXPECT_NE(e.message.find("'tempoo'"), std::string::npos) << e.message;

  j = sample_json();
  j["traits"]["ghostnotes"] = 1.0;
  e = decode_error(j);
  EXPECT_NE(e.message.find("traits.ghostnotes"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("ghost_notes"), std::string::npos) << e.message;

  j = sample_json();
  j["tempo"]["avg"] = 100;
  e = decode_error(j);
  EXPECT_NE(e.message.find("tempo.avg"), std::string::npos) << e.message;

  j = sample_json();
  j["sources"][0]["link"] = "x";
  e = decode_error(j);
  EXPECT_NE(e.message.find("sources[0].link"), std::string::npos) << e.message;
}

TEST(ProfileJson, RejectsWrongTypesNamingTheField) {
  struct Case {
    json::json_pointer where;
    json value;
    std::string path;
  };
  const Case cases[] = {
      {json::json_pointer("/id"), 5, "'id'"},
      {json::json_pointer("/name"), json::array(), "'name'"},
      {json::json_pointer("/aliases"), "Bonzo", "'aliases'"},
      {json::json_pointer("/aliases/0"), 1, "'aliases[0]'"},
      {json::json_pointer("/genres"), json::object(), "'genres'"},
      {json::json_pointer("/tempo"), 120, "'tempo'"},
      {json::json_pointer("/tempo/min"), "slow", "'tempo.min'"},
      {json::json_pointer("/confidence"), true, "'confidence'"},
      {json::json_pointer("/traits"), json::array(), "'traits'"},
      {json::json_pointer("/traits/phrase_bars"), 4.5, "'traits.phrase_bars'"},
      {json::json_pointer("/traits/timekeeper"), 8, "'traits.timekeeper'"},
      {json::json_pointer("/traits/swing"), "2", "'traits.swing'"},
      {json::json_pointer("/sources"), "wiki", "'sources'"},
      {json::json_pointer("/sources/1"), "wiki", "'sources[1]'"},
      {json::json_pointer("/sources/0/title"), nullptr, "'sources[0].title'"},
      {json::json_pointer("/feel"), 1, "'feel'"},
      {json::json_pointer("/description"), false, "'description'"},
  };
  for (const auto& c : cases) {
    json j = sample_json();
    j[c.where] = c.value;
    const Error e = decode_error(j);
    EXPECT_EQ(e.code, Errc::invalid_argument) << c.path;
    EXPECT_NE(e.message.find(c.path), std::string::npos) << c.path << ": " << e.message;
  }
  EXPECT_EQ(decode_error(json::array()).code, Errc::invalid_argument);
  EXPECT_EQ(decode_error(json("rock")).code, Errc::invalid_argument);
}

TEST(ProfileJson, RejectsOutOfRangeValuesAndNamesTheAllowedRange) {
  struct Case {
    json::json_pointer where;
    json value;
    std::string expect;  // text that must appear in the message
  };
  const Case cases[] = {
      {json::json_pointer("/tempo/min"), 39, "40-300"},
      {json::json_pointer("/tempo/max"), 301, "40-300"},
      {json::json_pointer("/tempo/typical"), 200, "min <= typical <= max"},
      {json::json_pointer("/tempo/typical"), 60, "min <= typical <= max"},
      {json::json_pointer("/confidence"), 1.5, "0-1"},
      {json::json_pointer("/confidence"), -0.1, "0-1"},
      {json::json_pointer("/traits/density"), 0.1, "0.3-3"},
      {json::json_pointer("/traits/ghost_notes"), 4.5, "0-4"},
      {json::json_pointer("/traits/swing"), 0.5, "1-3"},
      {json::json_pointer("/traits/swing_16th"), 3.5, "1-3"},
      {json::json_pointer("/traits/laid_back_ms"), -31, "-30-30"},
      {json::json_pointer("/traits/timing_spread"), -1, "0-4"},
      {json::json_pointer("/traits/dynamics"), 3.01, "0-3"},
      {json::json_pointer("/traits/fill_rate"), 1.2, "0-1"},
      {json::json_pointer("/traits/fill_rate"), -0.5, "-1"},
      {json::json_pointer("/traits/crash_after_fill"), 2, "0-1"},
      {json::json_pointer("/traits/phrase_bars"), 0, "1-16"},
      {json::json_pointer("/traits/phrase_bars"), 17, "1-16"},
      {json::json_pointer("/traits/phrase_bars"), 18446744073709551615ULL, "1-16"},
      {json::json_pointer("/traits/timekeeper"), "cowbell", "ride"},
      {json::json_pointer("/traits/snare_note"), 12, "35-81"},
      {json::json_pointer("/traits/snare_note"), 200, "0-127"},
      {json::json_pointer("/kind"), "duo", "genre, band, artist, drummer, producer"},
      {json::json_pointer("/feel"), "swung", "shuffle"},
      {json::json_pointer("/id"), "John Bonham", "a-z"},
      {json::json_pointer("/id"), "", "a-z"},
      {json::json_pointer("/base"), "Rock!", "a-z"},
      {json::json_pointer("/name"), "", "must not be empty"},
      {json::json_pointer("/aliases/0"), "", "must not be empty"},
      {json::json_pointer("/sources/0/title"), "", "must not be empty"},
  };
  for (const auto& c : cases) {
    json j = sample_json();
    j[c.where] = c.value;
    const Error e = decode_error(j);
    EXPECT_EQ(e.code, Errc::invalid_argument) << c.where.to_string();
    EXPECT_NE(e.message.find(c.expect), std::string::npos)
        << c.where.to_string() << ": " << e.message;
  }
}

TEST(ProfileJson, RequiredFieldsAndArtistBase) {
  for (const char* key : {"id", "kind", "name"}) {
    json j = sample_json();
    j.erase(key);
    const Error e = decode_error(j);
    EXPECT_NE(e.message.find(std::string("'") + key + "'"), std::string::npos) << e.message;
  }
  json j = sample_json();
  j.erase("base");
  const Error e = decode_error(j);
  EXPECT_NE(e.message.find("'base'"), std::string::npos) << e.message;
  j["kind"] = "genre";
  EXPECT_TRUE(profile_from_json(j).has_value());
}

TEST(ProfileJson, BoundaryValuesAreAccepted) {
  json j = sample_json();
  j["tempo"] = {{"min", 40}, {"max", 300}, {"typical", 40}};
  j["confidence"] = 0;
  j["traits"]["swing"] = 3;
  j["traits"]["swing_16th"] = 1;
  j["traits"]["fill_rate"] = -1;
  j["traits"]["laid_back_ms"] = -30;
  j["traits"]["phrase_bars"] = 16;
  j["traits"]["snare_note"] = 37;
  auto p = profile_from_json(j);
  ASSERT_TRUE(p.has_value()) << p.error().describe();
  EXPECT_EQ(p->traits.snare_note, DrumNote{37});
  EXPECT_DOUBLE_EQ(p->traits.fill_rate, -1.0);
}

TEST(ProfileJson, LoadProfileFileReportsMissingAndBadFiles) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("mdg_profile_json_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::create_directories(dir);
  auto missing = load_profile_file(dir / "nope.json");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, Errc::not_found);

  const auto good = dir / "good.json";
  std::ofstream(good) << sample_json().dump(2);
  auto loaded = load_profile_file(good);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().describe();
  EXPECT_EQ(*loaded, sample_artist());

  const auto bad = dir / "bad.json";
  std::ofstream(bad) << "{\"id\": \"x\",";
  auto broken = load_profile_file(bad);
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().code, Errc::parse);
  EXPECT_NE(broken.error().message.find("bad.json"), std::string::npos);
  std::filesystem::remove_all(dir);
}

GrooveSet small_groove() {
  GrooveModel m;
  m.bars = 1;
  const auto steps = static_cast<std::size_t>(m.steps());
  for (auto& lane : m.lanes) lane.steps.resize(steps);
  m.transitions.resize(steps);
  for (std::size_t step = 0; step < steps; ++step) {
    LaneMask mask = 0;
    if (step % 4 == 0) {
      auto& s = m.lanes[lane_index(Lane::kick)].steps[step];
      s.onset_prob = 1.0;
      s.velocity_mean = 100.0;
      s.hits = 1;
      mask = 1;
    }
    m.transitions[step].unigram.push_back(MaskCount{mask, 1});
  }
  m.lanes[lane_index(Lane::kick)].hits_per_bar = 4.0;
  m.density = 4.0;
  GrooveSet set;
  set.sixteenth = m;
  return set;
}

TEST(ProfileJson, GrooveRoundTripsAndBadGrooveNamesTheField) {
  StyleProfile p = sample_artist();
  p.kind = ProfileKind::genre;
  p.artist_kind = ArtistKind::artist;  // genres carry no artist kind; the default reads back
  p.base.clear();
  p.groove = small_groove();
  const json j = profile_to_json(p);
  ASSERT_TRUE(j.contains("groove"));
  auto back = profile_from_text(j.dump());
  ASSERT_TRUE(back.has_value()) << back.error().describe();
  EXPECT_EQ(*back, p);
  EXPECT_EQ(back->groove.sixteenth.bars, 1U);

  json bad = j;
  bad["groove"] = "sixteenth";
  const Error e = decode_error(bad);
  EXPECT_NE(e.message.find("'groove'"), std::string::npos) << e.message;
}

// Deterministic fuzzing: every prefix of a valid document and many single-byte
// mutations must decode to a value or an error, never crash or throw.
TEST(ProfileJson, TruncatedAndMutatedDocumentsNeverCrash) {
  const std::string text = sample_json().dump();
  std::size_t ok = 0;
  std::size_t errors = 0;
  for (std::size_t n = 0; n < text.size(); ++n) {
    auto r = profile_from_text(std::string_view(text).substr(0, n));
    r ? ++ok : ++errors;
  }
  EXPECT_EQ(ok, 0U);  // no proper prefix of an object is a complete document
  const std::string bytes = "{}[]\",:0-9.eE \\\x01\xff\xc3tfn";
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  auto next = [&state] {
    state ^= state << 13U;
    state ^= state >> 7U;
    state ^= state << 17U;
    return state;
  };
  std::size_t accepted = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string mutated = text;
    const int edits = 1 + static_cast<int>(next() % 3);
    for (int k = 0; k < edits; ++k) {
      const std::size_t pos = next() % mutated.size();
      const char c = bytes[next() % bytes.size()];
      switch (next() % 3) {
        case 0: mutated[pos] = c; break;
        case 1: mutated.insert(mutated.begin() + static_cast<std::ptrdiff_t>(pos), c); break;
        default: mutated.erase(pos, 1); break;
      }
    }
    auto r = profile_from_text(mutated);
    if (r) {
      ++accepted;
      // Whatever decodes must re-encode and decode to the same profile.
      auto again = profile_from_json(profile_to_json(*r));
      ASSERT_TRUE(again.has_value()) << again.error().describe();
      EXPECT_EQ(*again, *r);
    } else {
      EXPECT_FALSE(r.error().message.empty());
    }
  }
  EXPECT_LT(accepted, 4000U);
  // Structural mutations on the parsed document: replace each value by values of
  // other types.
  const json original = sample_json();
  const json replacements[] = {nullptr, true, -1, 1e300, "x", json::array(), json::object()};
  for (const auto& [key, value] : original.items()) {
    for (const auto& rep : replacements) {
      json j = original;
      j[key] = rep;
      (void)profile_from_json(j);
    }
  }
  for (const auto& [key, value] : original.at("traits").items()) {
    for (const auto& rep : replacements) {
      json j = original;
      j["traits"][key] = rep;
      auto r = profile_from_json(j);
      if (!r) {
        EXPECT_NE(r.error().message.find("traits." + key), std::string::npos);
      }
    }
  }
}

TEST(ProfileJson, KnowledgeBaseFieldsRoundTripAndKindsMapOntoArtist) {
  const json j = sample_json();
  EXPECT_EQ(j.at("kind"), "drummer");
  EXPECT_EQ(j.at("country"), "GB");
  EXPECT_EQ(j.at("era"), (json{{"from", 1968}, {"to", 1980}}));
  EXPECT_EQ(j.at("meters"), (json{"4/4", "12/8"}));
  EXPECT_EQ(j.at("drummers").at(1), (json{{"name", "Jason Bonham"}, {"from", 2007}}));
  EXPECT_EQ(j.at("signature_grooves").at(0).at("grid"), "16th");
  EXPECT_EQ(j.at("traits").at("kick_density"), 1.4);
  for (const char* kind : {"band", "artist", "drummer", "producer"}) {
    json k = j;
    k["kind"] = kind;
    auto p = profile_from_json(k);
    ASSERT_TRUE(p.has_value()) << p.error().describe();
    EXPECT_EQ(p->kind, ProfileKind::artist);
    EXPECT_EQ(artist_kind_name(p->artist_kind), kind);
  }
  // The knowledge-base spelling of the hi-hat lane is accepted as a timekeeper.
  json hat = j;
  hat["traits"]["timekeeper"] = "closed_hat";
  EXPECT_EQ(profile_from_json(hat)->traits.timekeeper, Lane::closed_hat);
  // Entries written before these fields existed still load.
  json old = j;
  for (const char* key : {"drummers", "country", "era", "meters", "signature_grooves"}) old.erase(key);
  old["kind"] = "artist";
  EXPECT_TRUE(profile_from_json(old).has_value());
}

TEST(ProfileJson, KnowledgeBaseFieldErrorsNameTheFieldPath) {
  struct Case {
    const char* pointer;
    json value;
    const char* expected;
  };
  const Case cases[] = {
      {"/kind", "duo", "unknown kind 'duo'; allowed: genre, band, artist, drummer, producer"},
      {"/country", "UK1", "'country': 'UK1' is not a country code"},
      {"/country", "gb", "ISO 3166-1 alpha-2"},
      {"/era/from", 1850, "'era.from': 1850 is out of range; allowed 1900-2026"},
      {"/era", json{{"to", 1990}}, "'era.from': is required"},
      {"/era", json{{"from", 1990}, {"to", 1980}}, "'era': 'to' 1980 is before 'from' 1990"},
      {"/meters/1", "12-8x", "'meters[1]': '12-8x' is not a meter"},
      {"/drummers/0/id", "John Bonham", "'drummers[0].id': 'John Bonham' is not a valid id"},
      {"/drummers/1/name", "", "'drummers[1].name': must not be empty"},
      {"/drummers/0/sticks", 2, "unknown field 'drummers[0].sticks'"},
      {"/traits/kick_density", 3.5, "'traits.kick_density': 3.5 is out of range; allowed 0.3-3"},
      {"/traits/open_hat", -1, "'traits.open_hat': -1 is out of range; allowed 0-4"},
      {"/traits/double_kick", 1.5, "'traits.double_kick': 1.5 is out of range; allowed 0-1"},
      {"/traits/linear", "yes", "'traits.linear': expected a number"},
      {"/signature_grooves/0/grid", "32nd", "'signature_grooves[0].grid': unknown grid '32nd'"},
      {"/signature_grooves/0/meter", "4", "'signature_grooves[0].meter': '4' is not a meter"},
      {"/signature_grooves/0/tempo", 20, "'signature_grooves[0].tempo': 20 is out of range"},
      {"/signature_grooves/0/lanes/snare", "----X-------X---|----X---q---X---",
       "'signature_grooves[0].lanes': lane 'snare': bar 2, step 9: 'q' is not a step"},
      {"/signature_grooves/0/lanes/bell", "x---------------|----------------",
       "'signature_grooves[0].lanes': unknown lane 'bell'"},
      {"/signature_grooves/0/feel", "x", "unknown field 'signature_grooves[0].feel'"},
  };
  for (const auto& c : cases) {
    json j = sample_json();
    j[json::json_pointer(c.pointer)] = c.value;
    const Error e = decode_error(j);
    EXPECT_NE(e.message.find(c.expected), std::string::npos) << c.pointer << ": " << e.message;
  }
}

}  // namespace
}  // namespace mdg::profile_json_test
