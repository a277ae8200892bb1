// derive_profiles [--groove DIR] [--artists DIR [--min-grooves N]] --definitions FILE --out DATA_DIR
// Rebuilds the genre profiles: with --groove, the "genres" of the definitions from the Groove
// MIDI Dataset's training split; with --artists, the "kb_genres" from the signature grooves
// of the knowledge-base entries (see service/derive_kb.hpp). Same inputs, same bytes.
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "service/derive.hpp"
#include "service/derive_kb.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Derive genre profiles from the Groove MIDI Dataset and the knowledge base's signature grooves"};
  std::string groove_dir, artists_dir, definitions, out_dir;
  int min_grooves = mdg::kDefaultMinKbGrooves;
  app.add_option("--groove", groove_dir, "Groove MIDI Dataset folder (with info.csv)");
  app.add_option("--artists", artists_dir, "knowledge-base entries (data/artists): learn the kb_genres");
  app.add_option("--min-grooves", min_grooves, "refuse a kb genre with fewer usable grooves (1-1000)")
      ->capture_default_str();
  app.add_option("--definitions", definitions, "genre definitions JSON (data/genre_definitions.json)")
      ->required();
  app.add_option("--out", out_dir, "data folder: writes genres/<id>.json and grooves/<id>.json")->required();
  CLI11_PARSE(app, argc, argv);
  if (groove_dir.empty() && artists_dir.empty()) {
    std::fprintf(stderr, "derive_profiles: give --groove DIR (Groove MIDI Dataset), --artists DIR "
                         "(knowledge base), or both\n");
    return 2;
  }

  if (!groove_dir.empty()) {
    mdg::DeriveOptions options;
    options.groove_dir = groove_dir;
    options.definitions = definitions;
    options.out_dir = out_dir;
    auto result = mdg::derive_profiles(options);
    if (!result) {
      std::fprintf(stderr, "derive_profiles: %s\n", result.error().describe().c_str());
      return 1;
    }
    for (const auto& unread : result->unread) std::fprintf(stderr, "skipped %s\n", unread.c_str());
    std::printf("%u training files\n", result->train_files);
    for (const auto& genre : result->genres) {
      std::printf("%s\n", mdg::derive_summary_line(genre).c_str());
    }
    if (result->note_feel) {
      std::printf("note feel: %zu notes, %zu + %zu trees -> %s\n", result->note_feel_notes,
                  result->note_feel->timing.trees(), result->note_feel->velocity.trees(), mdg::kNoteFeelFile);
    }
  }
  if (!artists_dir.empty()) {
    mdg::KbDeriveOptions options;
    options.artists_dir = artists_dir;
    options.definitions = definitions;
    options.out_dir = out_dir;
    options.min_grooves = min_grooves;
    auto result = mdg::derive_kb_profiles(options);
    if (!result) {
      std::fprintf(stderr, "derive_profiles: %s\n", result.error().describe().c_str());
      return 1;
    }
    for (const auto& genre : result->genres) {
      std::printf("%s\n", mdg::kb_derive_summary_line(genre).c_str());
    }
    for (const auto& refusal : result->refused) std::printf("refused %s\n", refusal.reason.c_str());
  }
  return 0;
}
