// Replays the LLM reply fuzzer's seed corpus (fuzz/corpus/llm_reply) and saved crash inputs
// (fuzz/crashes/llm_reply) through what the fuzz target checks, as assertions.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "llm/reply.hpp"

namespace mdg::llm::reply_fuzz_regression_test {
namespace {

const std::filesystem::path kFuzz = std::filesystem::path(MDG_TEST_DATA_DIR) / ".." / ".." / "fuzz";

std::vector<std::filesystem::path> inputs(const std::string& kind) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  const auto dir = kFuzz / kind / "llm_reply";
  if (!std::filesystem::is_directory(dir, ec)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename().string().front() != '.') out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void replay(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ReplyExpectation e;
  const std::uint8_t selector = text.empty() ? 0 : static_cast<std::uint8_t>(text.back());
  e.bars = 1 + selector % 4;
  e.meter = (selector & 0x10) != 0 ? Meter{7, 8} : Meter{4, 4};
  ReplyMeta meta;
  meta.truncated = (selector & 0x20) != 0;
  const auto c = check_reply(text, e, meta);
  if (c.ok()) {
    for (const auto& h : c.pattern->hits) {
      EXPECT_GE(h.tick, 0) << file;
      EXPECT_LT(h.tick, c.pattern->length_ticks) << file;
      EXPECT_GE(h.velocity, 1) << file;
      EXPECT_GE(h.note, 35) << file;
      EXPECT_LE(h.note, 81) << file;
    }
  } else {
    EXPECT_FALSE(c.errors.empty()) << file;
    EXPECT_LE(c.errors.size(), kMaxListedErrors + 1) << file;
  }
}

TEST(ReplyFuzzCorpus, SeedsAndSavedCrashesParseSafely) {
  const auto seeds = inputs("corpus");
  EXPECT_GE(seeds.size(), 5U) << "the seed corpus at " << kFuzz / "corpus" / "llm_reply" << " is missing";
  for (const auto& f : seeds) replay(f);
  for (const auto& f : inputs("crashes")) replay(f);
}

TEST(ReplyFuzzCorpus, SeedsCoverValidAndRejectedReplies) {
  int valid = 0;
  int rejected = 0;
  for (const auto& f : inputs("corpus")) {
    std::ifstream in(f, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ReplyExpectation e;
    e.bars = 1;
    e.meter = f.filename() == "seven_eight.json" ? Meter{7, 8} : Meter{4, 4};
    (check_reply(text, e).ok() ? valid : rejected)++;
  }
  EXPECT_GE(valid, 3);  // valid.json, fenced.txt, seven_eight.json
  EXPECT_GE(rejected, 3);
}

}  // namespace
}  // namespace mdg::llm::reply_fuzz_regression_test
