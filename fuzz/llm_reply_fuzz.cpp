// libFuzzer target for the LLM reply parser: any text a model (or a broken proxy) could send
// goes through extraction, validation and the repair message. Any crash, sanitizer report or
// broken invariant aborts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "llm/reply.hpp"

namespace {

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "llm_reply_fuzz: %s\n", what);
  std::abort();
}

mdg::llm::ReplyExpectation expectation(std::uint8_t selector) {
  mdg::llm::ReplyExpectation e;
  e.bars = 1 + selector % 4;
  e.meter = (selector & 0x10) != 0 ? mdg::Meter{7, 8} : mdg::Meter{4, 4};
  e.tempo_bpm = 100;
  mdg::SignatureGroove groove{"fuzz example", "", mdg::Meter{4, 4}, mdg::NotationGrid::sixteenth, 100,
                              {{"kick", "X-------x-------"}, {"snare", "----X-------X---"},
                               {"closed_hat", "x-x-x-x-x-x-x-x-"}}};
  e.examples.push_back({groove, "signature groove"});
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::uint8_t selector = size > 0 ? data[size - 1] : 0;
  const auto expect = expectation(selector);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  mdg::llm::ReplyMeta meta;
  meta.truncated = (selector & 0x20) != 0;
  const auto check = mdg::llm::check_reply(text, expect, meta);
  if (check.ok()) {
    const auto& p = *check.pattern;
    if (p.hits.empty()) broken("a valid reply without notes");
    if (!check.errors.empty()) broken("a valid reply with errors");
    for (const auto& h : p.hits) {
      if (h.tick < 0 || h.tick >= p.length_ticks) broken("a note outside the requested bars");
      if (h.velocity < 1 || h.velocity > 127) broken("a velocity outside 1-127");
      if (h.note < 35 || h.note > 81) broken("a pitch outside the GM drum map");
      if (h.duration < 1) broken("a note without length");
    }
  } else {
    if (check.errors.empty()) broken("a rejected reply without a reason");
    if (check.errors.size() > mdg::llm::kMaxListedErrors + 1) broken("more errors listed than the cap");
    if (mdg::llm::repair_message(check, expect).empty()) broken("an empty repair message");
  }
  bool unclosed = false;
  const auto json = mdg::llm::extract_json(text, &unclosed);
  if (json && (json->data() < text.data() || json->data() + json->size() > text.data() + text.size())) {
    broken("extracted JSON outside the input");
  }
  return 0;
}
