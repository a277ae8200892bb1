// mididrumigen: the command line. Thin: parse, call a use case, render.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "service/analyze.hpp"
#include "service/artists.hpp"
#include "service/generate.hpp"
#include "service/humanize.hpp"
#include "service/similar.hpp"
#include "style/kb_check.hpp"
#include "style/library.hpp"
#include "style/params.hpp"

namespace {

// Exit codes: 0 ok, 1 failure (files, data), 2 bad parameter, 3 unknown artist or style.
int exit_code(const mdg::Error& error) {
  switch (error.code) {
    case mdg::Errc::invalid_argument: return 2;
    case mdg::Errc::not_found: return 3;
    default: return 1;
  }
}

int report(const mdg::Error& error) {
  std::cerr << "mididrumigen: " << error.describe() << '\n';
  return exit_code(error);
}

std::string option_help(const mdg::ParamSpec& spec) {
  std::string help = std::string(spec.help) + "; allowed: " + mdg::allowed_values(spec);
  if (spec.default_value) help += fmt::format("; default {}", *spec.default_value);
  if (!spec.default_text.empty()) help += fmt::format("; default {}", spec.default_text);
  return help;
}

mdg::Result<mdg::StyleLibrary> open_library(const std::string& data_dir) {
  // The CLI keeps a compact index of the knowledge base's headers in the user's cache, so
  // that a run does not reread hundreds of entry files, and resolves its one or few names
  // without building the full name index.
  return mdg::StyleLibrary::open(data_dir.empty() ? mdg::default_data_dir() : std::filesystem::path(data_dir),
                                 mdg::LibraryOptions{.cache_dir = mdg::default_cache_dir(),
                                                     .names = mdg::NameIndexing::on_demand});
}

// Without --seed, the clock picks one; the output prints it so the result can be reproduced.
std::uint64_t seed_or_clock(std::optional<std::uint64_t> seed) {
  if (seed) return *seed;
  return static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count() %
                                    1000000000);
}

struct GenerateArgs {
  std::string artist;
  std::string blend;
  std::map<std::string, std::string> values;  // parameter name -> text as typed
  std::string out = "out";
  std::string data_dir;
  int format = 1;
  bool json = false;
};

int run_generate(const GenerateArgs& args) {
  mdg::GenerateRequest request;
  request.artist = args.artist;
  request.blend = args.blend;
  request.out_dir = args.out;
  request.midi_format = args.format;
  std::optional<std::uint64_t> seed;
  for (const auto& [name, text] : args.values) {
    const auto* spec = mdg::find_param(name);
    if (spec->kind == mdg::ParamKind::name) {
      if (name == "provider") request.provider = text;
      else (name == "genre" ? request.genre : request.like) = text;
      continue;
    }
    if (spec->kind == mdg::ParamKind::meter) {
      auto meter = mdg::Meter::parse(text);
      if (!meter) return report(meter.error());
      request.options.meter = *meter;
      request.meter_given = true;
      continue;
    }
    auto value = mdg::parse_param(*spec, text);
    if (!value) return report(value.error());
    if (name == "bars") request.options.bars = static_cast<int>(*value);
    else if (name == "variations") request.options.variations = static_cast<int>(*value);
    else if (name == "tempo") request.options.tempo_bpm = *value;
    else if (name == "humanize") request.options.humanize = *value;
    else if (name == "complexity") request.options.complexity = *value;
    else if (name == "seed") seed = static_cast<std::uint64_t>(*value);
    else if (name == "signature") request.options.signature = static_cast<int>(*value);
  }
  request.options.seed = seed_or_clock(seed);

  auto library = open_library(args.data_dir);
  if (!library) return report(library.error());
  auto response = mdg::run_generate(*library, request);
  if (!response) return report(response.error());
  if (args.json) {
    std::cout << mdg::generation_to_json(*response).dump(2) << '\n';
  } else {
    std::cout << mdg::render_generation_text(*response);
  }
  return 0;
}

struct HumanizeArgs {
  std::string input;
  std::string style;
  std::map<std::string, std::string> values;  // parameter name -> text as typed
  std::string out;
  std::string data_dir;
  int format = 1;
  bool json = false;
};

int run_humanize(const HumanizeArgs& args) {
  mdg::HumanizeRequest request;
  request.input = args.input;
  request.style = args.style;
  request.output = args.out;
  request.midi_format = args.format;
  std::optional<std::uint64_t> seed;
  for (const auto& [name, text] : args.values) {
    auto value = mdg::parse_param(*mdg::find_param(name), text);
    if (!value) return report(value.error());
    if (name == "amount") request.options.amount = *value;
    else if (name == "seed") seed = static_cast<std::uint64_t>(*value);
  }
  request.options.seed = seed_or_clock(seed);
  auto library = open_library(args.data_dir);
  if (!library) return report(library.error());
  auto response = mdg::run_humanize(*library, request);
  if (!response) return report(response.error());
  if (args.json) std::cout << mdg::humanize_to_json(*response).dump(2) << '\n';
  else std::cout << mdg::render_humanize_text(*response);
  return 0;
}

int run_usage(bool json) {
  auto usage = mdg::run_usage(mdg::llm::process_environment());
  if (!usage) return report(usage.error());
  if (json) {
    auto j = mdg::llm::to_json(usage->report);
    j["file"] = usage->file.string();
    std::cout << j.dump(2) << '\n';
  } else {
    std::cout << mdg::llm::render_usage(usage->report, usage->file);
  }
  return 0;
}

int run_providers(bool json) {
  auto providers = mdg::run_providers(mdg::llm::process_environment());
  if (!providers) return report(providers.error());
  if (json) std::cout << providers->dump(2) << '\n';
  else std::cout << mdg::render_providers_text(*providers);
  return 0;
}

int run_list(const std::string& data_dir, bool json) {
  auto library = open_library(data_dir);
  if (!library) return report(library.error());
  nlohmann::json out = {{"artists", nlohmann::json::array()}, {"genres", nlohmann::json::array()}};
  for (const auto& entry : library->entries()) {
    out[entry.kind == mdg::ProfileKind::artist ? "artists" : "genres"].push_back(entry.name);
  }
  if (json) {
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  for (const char* key : {"genres", "artists"}) {
    std::cout << key << " (" << out[key].size() << "):\n";
    for (const auto& name : out[key]) std::cout << "  " << name.get<std::string>() << '\n';
  }
  return 0;
}

int run_artists(const std::string& data_dir, const mdg::ArtistsQuery& query, bool json) {
  auto library = open_library(data_dir);
  if (!library) return report(library.error());
  auto rows = mdg::list_artists(*library, query);
  if (!rows) return report(rows.error());
  if (json) std::cout << mdg::artists_to_json(*rows).dump(2) << '\n';
  else std::cout << mdg::render_artists_text(*rows);
  return 0;
}

// kb check: 0 when every entry passes, 1 with the list of problems.
int run_kb_check(const std::string& data_dir, bool json) {
  auto checked = mdg::check_knowledge_base(data_dir.empty() ? mdg::default_data_dir()
                                                            : std::filesystem::path(data_dir));
  if (!checked) return report(checked.error());
  if (json) std::cout << mdg::kb_report_to_json(*checked).dump(2) << '\n';
  else std::cout << mdg::render_kb_report(*checked);
  return checked->ok() ? 0 : 1;
}

int run_similar(const std::string& name, int k, const std::string& data_dir, bool json) {
  // k is range-checked by run_similar (negative values must not wrap around on the way).
  const auto checked_k = k < 1 ? std::size_t{0} : static_cast<std::size_t>(k);
  auto library = open_library(data_dir);
  if (!library) return report(library.error());
  auto response = mdg::run_similar(*library, {name, checked_k});
  if (!response) return report(response.error());
  if (json) std::cout << mdg::similar_to_json(*response).dump(2) << '\n';
  else std::cout << mdg::render_similar_text(*response);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"MidiDrumiGen: drum patterns in the style of any artist, as General MIDI files"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "mididrumigen 0.1.0");

  GenerateArgs gen;
  auto* generate = app.add_subcommand("generate", "generate variations in an artist's or genre's style");
  // With --blend the positional name is left out: the blend names every style it mixes.
  generate->add_option("artist", gen.artist, "artist, band, drummer or genre name (omit it with --blend)");
  generate->add_option("--blend", gen.blend,
                       "mix 2-4 styles' models instead of one name, e.g. \"John Bonham:0.7,Questlove:0.3\" "
                       "(weights > 0, normalized)");
  for (const auto& spec : mdg::generate_param_specs()) {
    const std::string name(spec.name);
    auto* option = generate->add_option_function<std::string>(
        "--" + name, [&gen, name](const std::string& text) { gen.values[name] = text; },
        option_help(spec));
    if (spec.kind == mdg::ParamKind::meter) option->type_name("N/D");
    if (spec.kind == mdg::ParamKind::name) option->type_name("NAME");
    // --signature alone means the first signature groove.
    if (name == "signature") option->expected(0, 1)->default_str("1");
  }
  generate->add_option("--out", gen.out, "folder for the .mid files (created if missing)")
      ->capture_default_str();
  generate->add_option("--format", gen.format, "Standard MIDI File format: 0 or 1")->capture_default_str();
  generate->add_flag("--json", gen.json, "print a machine-readable summary instead of grids");
  generate->add_option("--data", gen.data_dir, "knowledge-base folder (default: the shipped data)");

  std::string analyze_path;
  bool analyze_json = false;
  auto* analyze = app.add_subcommand("analyze", "measure the groove of a MIDI file or a folder of them");
  analyze->add_option("path", analyze_path, "a .mid file or a folder")->required();
  analyze->add_flag("--json", analyze_json, "print the full groove model as JSON");

  HumanizeArgs hum;
  auto* humanize = app.add_subcommand(
      "humanize", "give your own drum MIDI file an artist's or genre's timing and dynamics (same notes)");
  humanize->add_option("input", hum.input, "a .mid file with a drum part")->required();
  humanize->add_option("--style", hum.style, "artist, band, drummer or genre whose feel to apply")->required();
  for (const auto& spec : mdg::humanize_param_specs()) {
    const std::string name(spec.name);
    humanize->add_option_function<std::string>(
        "--" + name, [&hum, name](const std::string& text) { hum.values[name] = text; }, option_help(spec));
  }
  humanize->add_option("-o,--out", hum.out, "the .mid file to write")->required();
  humanize->add_option("--format", hum.format, "Standard MIDI File format: 0 or 1")->capture_default_str();
  humanize->add_flag("--json", hum.json, "print a machine-readable summary");
  humanize->add_option("--data", hum.data_dir, "knowledge-base folder (default: the shipped data)");

  std::string list_data;
  bool list_json = false;
  auto* list = app.add_subcommand("list", "list the artists and genres the knowledge base knows");
  list->add_option("--data", list_data, "knowledge-base folder (default: the shipped data)");
  list->add_flag("--json", list_json, "print JSON");

  std::string artists_data;
  bool artists_json = false;
  mdg::ArtistsQuery artists_query;
  auto* artists = app.add_subcommand("artists", "list knowledge-base entries: name, kind, genres, era, country, confidence");
  artists->add_option("--genre", artists_query.genre, "only entries with this genre tag or base genre");
  artists->add_option("--search", artists_query.search, "only entries whose name or an alias has these words");
  artists->add_option("--data", artists_data, "knowledge-base folder (default: the shipped data)");
  artists->add_flag("--json", artists_json, "print JSON");

  std::string kb_data;
  bool kb_json = false;
  auto* kb = app.add_subcommand("kb", "knowledge-base tools");
  kb->require_subcommand(1);
  auto* kb_check = kb->add_subcommand("check", "validate every entry under data/artists and count "
                                               "entries per genre and decade (exit 1 on problems)");
  kb_check->add_option("--data", kb_data, "knowledge-base folder (default: the shipped data)");
  kb_check->add_flag("--json", kb_json, "print JSON");
  std::string similar_name, similar_data;
  int similar_k = 10;
  bool similar_json = false;
  auto* similar = app.add_subcommand("similar", "the knowledge-base entries whose drumming is nearest to an artist's");
  similar->add_option("artist", similar_name, "artist, band, drummer or genre name")->required();
  similar->add_option("--k", similar_k, "how many to list (1-100)")->capture_default_str();
  similar->add_flag("--json", similar_json, "print JSON");
  similar->add_option("--data", similar_data, "knowledge-base folder (default: the shipped data)");

  bool usage_json = false;
  auto* usage = app.add_subcommand("usage", "LLM tokens and cost so far, per provider and model (from the state folder)");
  usage->add_flag("--json", usage_json, "print JSON");

  bool providers_json = false;
  auto* providers = app.add_subcommand("providers", "the configured LLM providers (never their keys) and their recent health");
  providers->add_flag("--json", providers_json, "print JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (generate->parsed()) return run_generate(gen);
  if (humanize->parsed()) return run_humanize(hum);
  if (list->parsed()) return run_list(list_data, list_json);
  if (artists->parsed()) return run_artists(artists_data, artists_query, artists_json);
  if (usage->parsed()) return run_usage(usage_json);
  if (providers->parsed()) return run_providers(providers_json);
  if (kb_check->parsed()) return run_kb_check(kb_data, kb_json);
  if (similar->parsed()) return run_similar(similar_name, similar_k, similar_data, similar_json);
  if (analyze->parsed()) {
    auto result = mdg::analyze_path(analyze_path);
    if (!result) return report(result.error());
    if (analyze_json) std::cout << mdg::report_to_json(*result).dump(2) << '\n';
    else std::cout << mdg::render_report_text(*result);
    return 0;
  }
  return 2;
}
