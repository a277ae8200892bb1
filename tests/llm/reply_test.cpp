#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "llm/reply.hpp"

namespace mdg::llm::reply_test {
namespace {

using nlohmann::json;

json note(int bar, double start, int pitch, int velocity, double duration = 0.25) {
  return {{"bar", bar}, {"start", start}, {"duration", duration}, {"pitch", pitch}, {"velocity", velocity}};
}

// A 2-bar rock beat: kick 1 and 3, snare 2 and 4, eighth hats.
json rock_reply(int bars = 2) {
  json notes = json::array();
  for (int b = 1; b <= bars; ++b) {
    for (int e = 0; e < 8; ++e) notes.push_back(note(b, e * 0.5, 42, 80));
    notes.push_back(note(b, 0, 36, 110));
    notes.push_back(note(b, 2, 36, 100));
    notes.push_back(note(b, 1, 38, 115));
    notes.push_back(note(b, 3, 38, 112));
  }
  return {{"tempo", 100}, {"meter", "4/4"}, {"bars", bars}, {"notes", notes}};
}

ReplyExpectation expect(int bars = 2) {
  ReplyExpectation e;
  e.bars = bars;
  e.meter = Meter{4, 4};
  e.tempo_bpm = 100;
  return e;
}

bool mentions(const ReplyCheck& c, std::string_view needle) {
  return std::any_of(c.errors.begin(), c.errors.end(),
                     [&](const std::string& e) { return e.find(needle) != std::string::npos; });
}

TEST(Reply, ValidReplyBecomesAPattern) {
  const auto c = check_reply(rock_reply().dump(), expect());
  ASSERT_TRUE(c.ok()) << c.summary();
  const auto& p = *c.pattern;
  EXPECT_EQ(p.hits.size(), 24U);
  EXPECT_EQ(p.length_ticks, 2 * 1920);
  EXPECT_EQ(p.tempo_bpm, 100);
  // Bar 2, beat 1 snare: 1920 + 480.
  EXPECT_TRUE(std::any_of(p.hits.begin(), p.hits.end(),
                          [](const Hit& h) { return h.tick == 2400 && h.note == 38 && h.velocity == 115; }));
  EXPECT_TRUE(std::is_sorted(p.hits.begin(), p.hits.end(),
                             [](const Hit& a, const Hit& b) { return a.tick < b.tick; }));
  EXPECT_EQ(p.hits.front().duration, 120);
}

TEST(Reply, FindsTheJsonInFencesAndProse) {
  const auto body = rock_reply().dump(2);
  for (const std::string& text : std::vector<std::string>
       {"```json\n" + body + "\n```", "Here is your groove:\n```\n" + body + "\n```\nEnjoy!",
        "Sure! " + body + " Let me know {if you want more}.", "\xEF\xBB\xBF  " + body + "\n",
        "{not json} and then " + body}) {
    const auto c = check_reply(text, expect());
    EXPECT_TRUE(c.ok()) << text.substr(0, 40) << ": " << c.summary();
  }
  EXPECT_EQ(extract_json("a {\"x\": \"}\"} b").value_or(""), "{\"x\": \"}\"}");
}

TEST(Reply, RefusalTruncationAndGarbage) {
  ReplyMeta refused;
  refused.refusal = "I can't help with that.";
  auto c = check_reply("", expect(), refused);
  EXPECT_EQ(c.problem, ReplyProblem::refusal);
  EXPECT_TRUE(mentions(c, "can't help"));

  const auto body = rock_reply().dump();
  ReplyMeta cut;
  cut.truncated = true;
  c = check_reply(body.substr(0, body.size() / 2), expect(), cut);
  EXPECT_EQ(c.problem, ReplyProblem::truncated);
  EXPECT_TRUE(mentions(c, "output token limit"));
  // An unclosed object is a truncation even when the provider did not say so.
  c = check_reply(body.substr(0, body.size() - 3), expect());
  EXPECT_EQ(c.problem, ReplyProblem::truncated);
  // A complete, valid object is accepted even when the finish reason says max tokens.
  EXPECT_TRUE(check_reply(body, expect(), cut).ok());

  EXPECT_EQ(check_reply("I would play four on the floor.", expect()).problem, ReplyProblem::no_json);
  EXPECT_EQ(check_reply("", expect()).problem, ReplyProblem::no_json);
  EXPECT_EQ(check_reply("{\"tempo\": 100, \"meter\": }", expect()).problem, ReplyProblem::malformed);
  EXPECT_EQ(check_reply(std::string(100, '{') + std::string(100, '}'), expect()).problem, ReplyProblem::malformed);
  EXPECT_EQ(check_reply("[1,2,3]", expect()).problem, ReplyProblem::no_json);
}

TEST(Reply, EveryNoteIsChecked) {
  auto r = rock_reply();
  r["notes"].push_back(note(1, 0.5, 33, 90));     // not a GM drum note
  r["notes"].push_back(note(1, 1.5, 38, 0));      // velocity 0
  r["notes"].push_back(note(2, 1.5, 38, 128));    // velocity 128
  r["notes"].push_back(note(3, 0, 36, 100));      // bar 3 of 2
  r["notes"].push_back(note(1, 4.0, 36, 100));    // start at the bar line of a 4/4 bar
  r["notes"].push_back(note(1, -0.5, 36, 100));   // negative start
  r["notes"].push_back(note(1, 0.75, 36, 100, 0));   // zero duration
  r["notes"].push_back(note(1, 0.75, 36, 100, 9));   // longer than the bar
  r["notes"].push_back({{"bar", 1}, {"start", "1"}, {"duration", 0.25}, {"pitch", 36}, {"velocity", 90}});
  r["notes"].push_back({{"bar", 1}, {"start", 1}, {"pitch", 36}, {"velocity", 90}});
  r["notes"].push_back({{"bar", 1}, {"start", 1.25}, {"duration", 0.25}, {"pitch", 36}, {"velocity", 90.5}});
  const auto c = check_reply(r.dump(), expect());
  ASSERT_EQ(c.problem, ReplyProblem::invalid);
  EXPECT_TRUE(mentions(c, "note 25 (bar 1, start 0.5): pitch 33 is not a General MIDI drum note; allowed: whole numbers 35-81"))
      << c.summary();
  EXPECT_TRUE(mentions(c, "velocity 0 is out of range; allowed: whole numbers 1-127"));
  EXPECT_TRUE(mentions(c, "velocity 128"));
  EXPECT_TRUE(mentions(c, "bar 3 is outside the piece; allowed: whole numbers 1-2"));
  EXPECT_TRUE(mentions(c, "start 4.0 is outside the bar; allowed: 0 up to below 4"));
  EXPECT_TRUE(mentions(c, "start -0.5"));
  EXPECT_TRUE(mentions(c, "duration 0.0 is not sane"));
  EXPECT_TRUE(mentions(c, "duration 9.0 is not sane"));
  EXPECT_TRUE(mentions(c, "start \"1\""));
  EXPECT_TRUE(mentions(c, "note 34: \"duration\" is missing"));
  EXPECT_TRUE(mentions(c, "velocity 90.5"));
}

TEST(Reply, StructureIsChecked) {
  auto r = rock_reply();
  r["meter"] = "3/4";
  r["bars"] = 4;
  auto c = check_reply(r.dump(), expect());
  EXPECT_TRUE(mentions(c, "\"meter\" is \"3/4\"; it must be \"4/4\"")) << c.summary();
  EXPECT_TRUE(mentions(c, "\"bars\" is 4; it must be 2"));

  // A bar without notes.
  r = rock_reply(1);
  r["bars"] = 2;
  c = check_reply(r.dump(), expect());
  EXPECT_TRUE(mentions(c, "bar 2 has no valid notes")) << c.summary();

  r = rock_reply();
  r["notes"] = json::array();
  EXPECT_TRUE(mentions(check_reply(r.dump(), expect()), "\"notes\" is empty"));
  r.erase("notes");
  EXPECT_TRUE(mentions(check_reply(r.dump(), expect()), "\"notes\" is missing"));

  // Far too dense to be drumming.
  r = rock_reply();
  for (int i = 0; i < 200; ++i) r["notes"].push_back(note(1, i * 0.015, 42 + (i % 2) * 4, 60));
  EXPECT_TRUE(mentions(check_reply(r.dump(), expect()), "allowed: at most 96 in a 4/4 bar"));
}

TEST(Reply, DuplicatesAreKeptOnceAndTempoIsTheRequested) {
  auto r = rock_reply();
  r["notes"].push_back(note(1, 0, 36, 90));  // same pitch, same onset as an existing kick
  r["tempo"] = 97;                           // the request's tempo wins
  const auto c = check_reply(r.dump(), expect());
  ASSERT_TRUE(c.ok()) << c.summary();
  EXPECT_EQ(c.duplicates_dropped, 1);
  EXPECT_EQ(c.pattern->hits.size(), 24U);
  EXPECT_EQ(c.pattern->tempo_bpm, 100);
}

TEST(Reply, OtherMetersUseTheirBarLength) {
  ReplyExpectation e = expect(1);
  e.meter = Meter{7, 8};
  json notes = json::array({note(1, 0, 36, 100), note(1, 1, 38, 100), note(1, 3.25, 42, 80)});
  json r = {{"tempo", 100}, {"meter", "7/8"}, {"bars", 1}, {"notes", notes}};
  auto c = check_reply(r.dump(), e);
  ASSERT_TRUE(c.ok()) << c.summary();
  EXPECT_EQ(c.pattern->length_ticks, 1680);
  r["notes"].push_back(note(1, 3.5, 42, 80));
  c = check_reply(r.dump(), e);
  EXPECT_TRUE(mentions(c, "allowed: 0 up to below 3.5")) << c.summary();
}

TEST(Reply, CopyOfTheExampleIsRejected) {
  ReplyExpectation e = expect();
  SignatureGroove ex{"rock example", "", Meter{4, 4}, NotationGrid::sixteenth, std::nullopt,
                     {{"kick", "X-------x-------"}, {"snare", "----X-------X---"}, {"closed_hat", "x-x-x-x-x-x-x-x-"}}};
  e.examples = {Example{ex, "local engine"}};
  auto c = check_reply(rock_reply().dump(), e);
  EXPECT_EQ(c.problem, ReplyProblem::invalid);
  EXPECT_TRUE(mentions(c, "copy the example groove 'rock example'")) << c.summary();
  // One bar of its own is enough to be more than a copy.
  auto r = rock_reply();
  r["notes"].push_back(note(2, 3.5, 36, 90));
  EXPECT_TRUE(check_reply(r.dump(), e).ok());
}

TEST(Reply, ErrorListIsCappedAndRepairQuotesIt) {
  auto r = rock_reply();
  for (int i = 0; i < 50; ++i) r["notes"].push_back(note(1, 0.25, 20, 90));
  const auto c = check_reply(r.dump(), expect());
  ASSERT_EQ(c.errors.size(), kMaxListedErrors + 1);
  EXPECT_EQ(c.errors.back(), "... and 30 more problems");
  const auto msg = repair_message(c, expect());
  EXPECT_NE(msg.find("(invalid)"), std::string::npos);
  EXPECT_NE(msg.find("- " + c.errors.front()), std::string::npos);
  EXPECT_NE(msg.find("meter \"4/4\", bars 2"), std::string::npos) << msg;
  EXPECT_NE(check_reply("{\"a\":", expect()).summary().find("truncated"), std::string::npos);
}

}  // namespace
}  // namespace mdg::llm::reply_test
