// libFuzzer target for the MIDI reader: read, extract the drums, write them and read the
// written file back. Any crash, sanitizer report or broken invariant aborts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "midi/midi_file.hpp"

namespace {

[[noreturn]] void broken(const char* what, const mdg::Error* error) {
  std::fprintf(stderr, "midi_reader_fuzz: %s%s%s\n", what, error != nullptr ? ": " : "",
               error != nullptr ? error->describe().c_str() : "");
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  auto file = mdg::read_midi(bytes);
  if (!file) {
    if (file.error().offset.value_or(0) > size) broken("error offset past the input", &file.error());
    if (file.error().message.empty()) broken("error without a message", nullptr);
    return 0;
  }
  auto pattern = mdg::extract_drum_pattern(*file);
  if (!pattern) return 0;
  if (pattern->hits.empty()) broken("extraction succeeded with no hits", nullptr);
  if (pattern->length_ticks < pattern->meter.ticks_per_bar() ||
      pattern->length_ticks % pattern->meter.ticks_per_bar() != 0) {
    broken("length is not a whole number of bars", nullptr);
  }
  for (const auto& options : {mdg::MidiWriteOptions{0, "fuzz"}, mdg::MidiWriteOptions{1, ""}}) {
    const auto written = mdg::write_midi(*pattern, options);
    auto back = mdg::read_midi(written);
    if (!back) broken("the writer's output does not read back", &back.error());
    auto again = mdg::extract_drum_pattern(*back);
    if (!again) broken("the writer's output has no drums", &again.error());
    if (again->hits.size() != pattern->hits.size()) broken("hit count changed on round trip", nullptr);
    for (std::size_t i = 0; i < pattern->hits.size(); ++i) {
      if (again->hits[i].tick != pattern->hits[i].tick || again->hits[i].note != pattern->hits[i].note ||
          again->hits[i].velocity != pattern->hits[i].velocity) {
        broken("a hit changed on round trip", nullptr);
      }
    }
    if (again->meter != pattern->meter) broken("meter changed on round trip", nullptr);
  }
  return 0;
}
