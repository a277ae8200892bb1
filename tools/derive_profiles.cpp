// derive_profiles --groove DIR --definitions FILE --out DATA_DIR
// Rebuilds the genre profiles (data/genres/*.json) from the Groove MIDI Dataset's training
// split. Same inputs, same bytes.
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "service/derive.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Derive genre profiles from the Groove MIDI Dataset"};
  std::string groove_dir, definitions, out_dir;
  app.add_option("--groove", groove_dir, "Groove MIDI Dataset folder (with info.csv)")->required();
  app.add_option("--definitions", definitions, "genre definitions JSON (data/genre_definitions.json)")
      ->required();
  app.add_option("--out", out_dir, "data folder: writes genres/<id>.json and grooves/<id>.json")->required();
  CLI11_PARSE(app, argc, argv);

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
  return 0;
}
