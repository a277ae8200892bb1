#include "service/generate.hpp"

#include <array>
#include <map>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "generate/signature.hpp"
#include "midi/midi_file.hpp"

namespace mdg {
namespace {

// Rows top to bottom as drummers read a chart: cymbals, toms, snare, kick.
constexpr std::array<Lane, kLaneCount> kRowOrder = {
    Lane::crash,   Lane::ride,    Lane::open_hat, Lane::closed_hat, Lane::high_tom,
    Lane::mid_tom, Lane::low_tom, Lane::snare,    Lane::kick};

char cell_char(std::uint8_t velocity) {
  if (velocity == 0) return '-';
  if (velocity <= kGhostVelocity) return 'g';
  if (velocity >= 105) return 'X';
  return 'x';
}

std::string row_label(Lane lane, DrumNote note) {
  const auto* voice = drum_voice(note);
  std::string label = voice != nullptr ? std::string(voice->name) : std::string(lane_id(lane));
  if (label.size() > 13) label.resize(13);
  return label;
}

}  // namespace

Result<Resolved> resolve_request(const StyleLibrary& library, const GenerateRequest& request) {
  if (!request.blend.empty()) {
    auto profile = resolve_blend(library, request.blend);
    if (!profile) return std::unexpected(profile.error());
    Resolution how;
    how.query = request.blend;
    how.entry_id = profile->id;
    how.entry_name = profile->name;
    how.matched = request.blend;
    how.reason = "blend of " + request.blend;
    return Resolved{std::move(*profile), std::move(how)};
  }
  const std::string& stand_in = request.genre.empty() ? request.like : request.genre;
  if (request.artist.empty()) return library.resolve_match(stand_in);
  auto resolved = library.resolve_match(request.artist);
  if (resolved || stand_in.empty() || resolved.error().code != Errc::not_found) return resolved;
  return library.resolve_stand_in(request.artist, stand_in);
}

std::string resolution_line(const Resolution& how) {
  std::string line = "entry " + how.entry_id + " (" + std::string(match_kind_name(how.match)) + "): " + how.reason;
  if (how.match == MatchKind::stand_in) line = "STAND-IN, LOW CONFIDENCE: " + line;
  return line;
}

std::string variation_file_name(const Generation& g, int index) {
  return fmt::format("{}_s{}_v{}.mid", g.style_id, g.seed, index + 1);
}

Result<GenerateResponse> run_generate(const StyleLibrary& library, const GenerateRequest& request) {
  if (request.midi_format != 0 && request.midi_format != 1) {
    return fail(Errc::invalid_argument, "MIDI format " + std::to_string(request.midi_format) +
                                            " is not supported; allowed: 0, 1");
  }
  if (!request.blend.empty() && !request.artist.empty()) {
    return fail(Errc::invalid_argument, "give either a style name ('" + request.artist +
                                            "') or --blend, not both; a blend names all its styles");
  }
  if (request.blend.empty() && request.artist.empty() && request.genre.empty() && request.like.empty()) {
    return fail(Errc::invalid_argument, "no style given: name an artist or genre, or use --blend \"A:0.7,B:0.3\"");
  }
  if (!request.genre.empty() && !request.like.empty()) {
    return fail(Errc::invalid_argument, "give one stand-in, --genre or --like, not both");
  }
  if (!request.blend.empty() && (!request.genre.empty() || !request.like.empty())) {
    return fail(Errc::invalid_argument, "--genre and --like stand in for one unknown name; a blend names known styles");
  }
  // The providers first: an unknown --provider is a parameter error, found before any work.
  const llm::EnvLookup env = request.env ? request.env : llm::process_environment();
  llm::GenerationConfig config;
  llm::ProviderPlan plan;
  if (request.provider == "local") {
    auto local = llm::plan_providers(config, "local");
    plan = std::move(*local);
  } else {
    auto loaded = llm::load_generation_config(env);
    if (!loaded) return std::unexpected(loaded.error());
    config = std::move(*loaded);
    auto planned = llm::plan_providers(config, request.provider, request.make_provider);
    if (!planned) return std::unexpected(planned.error());
    plan = std::move(*planned);
  }
  auto resolved = resolve_request(library, request);
  if (!resolved) return std::unexpected(resolved.error());
  StyleProfile& profile = resolved->profile;
  GenerateOptions options = request.options;
  // A band that leaves its traits and grooves to its drummer's entry plays the drummer's
  // signature grooves.
  if (options.signature != 0 && profile.signature_grooves.empty() && profile.traits == StyleTraits{}) {
    for (const auto& drummer : profile.drummers) {
      if (drummer.id.empty()) continue;
      auto own = library.resolve(drummer.id);
      if (own && !own->signature_grooves.empty()) {
        profile.signature_grooves = own->signature_grooves;
        break;
      }
    }
  }
  // --signature without --time-signature plays the groove in its own meter.
  if (options.signature != 0 && !request.meter_given) {
    auto groove = pick_signature(profile, options.signature);
    if (!groove) return std::unexpected(groove.error());
    auto head = read_signature(**groove);
    if (!head) return std::unexpected(head.error());
    options.meter = head->meter;
  }

  // A signature groove is played by the local engine from the knowledge base's notation.
  if (options.signature != 0 && !plan.order.empty()) {
    plan.order.clear();
    plan.why_local = {"--signature plays the knowledge base's groove with the local engine"};
  }
  std::optional<llm::UsageStore> store;
  std::string store_warning;
  if (!plan.order.empty()) {
    if (auto dir = llm::state_dir(env)) store.emplace(*dir);
    else store_warning = "usage not recorded: " + dir.error().message;
  }
  const llm::SystemClock clock;
  const llm::Manager manager(
      std::move(plan.order),
      [&config](std::string_view provider, std::string_view model) { return config.price(provider, model); }, clock,
      store ? &*store : nullptr);
  auto generated = llm::generate_with_llm(manager, profile, options, request.provider, plan.why_local);
  if (!generated) return std::unexpected(generated.error());

  GenerateResponse response;
  response.query = request.blend.empty() ? request.artist : request.blend;
  if (response.query.empty()) response.query = request.genre.empty() ? request.like : request.genre;
  response.profile = std::move(resolved->profile);
  response.resolution = std::move(resolved->how);
  response.generation = std::move(generated->first);
  response.llm = std::move(generated->second);
  if (!store_warning.empty()) response.llm.warnings.push_back(store_warning);

  std::error_code ec;
  std::filesystem::create_directories(request.out_dir, ec);
  if (ec) {
    return fail(Errc::io, "cannot create output folder '" + request.out_dir.string() + "': " + ec.message());
  }
  const auto& variations = response.generation.variations;
  for (std::size_t i = 0; i < variations.size(); ++i) {
    const auto path = request.out_dir / variation_file_name(response.generation, static_cast<int>(i));
    MidiWriteOptions write;
    write.format = request.midi_format;
    // The file says which entry it was made from and why.
    write.track_name = variations[i].pattern.name + " [" + resolution_line(response.resolution) + "]";
    if (auto written = write_midi_file(path, variations[i].pattern, write); !written) {
      return std::unexpected(written.error());
    }
    response.files.push_back(path);
  }
  return response;
}

std::string render_grid(const GrooveGrid& grid) {
  const int slots = grid.slots_per_bar();
  if (slots == 0 || grid.bars == 0) return {};
  std::array<bool, kLaneCount> used{};
  for (const auto& cell : grid.cells) {
    for (std::size_t l = 0; l < kLaneCount; ++l) used[l] = used[l] || cell[l] != 0;
  }
  // Wrap so a line stays readable in a terminal (about 80 steps).
  const int bars_per_line = std::max(1, std::min(grid.bars, 80 / std::max(slots, 1)));
  std::string out;
  for (int first = 0; first < grid.bars; first += bars_per_line) {
    const int last = std::min(grid.bars, first + bars_per_line);
    std::string header = fmt::format("  {:<13} ", fmt::format("bar {}", first + 1));
    for (int bar = first; bar < last; ++bar) {
      header += '|';
      int beat = 0;
      for (int s = 0; s < slots; ++s) {
        if (grid.beat_starts[static_cast<std::size_t>(s)]) {
          ++beat;
          header += beat < 10 ? static_cast<char>('0' + beat) : '+';
        } else {
          header += '.';
        }
      }
    }
    out += header + "|\n";
    for (Lane lane : kRowOrder) {
      const auto li = lane_index(lane);
      if (!used[li]) continue;
      std::string row = fmt::format("  {:<13} ", row_label(lane, grid.lane_notes[li]));
      for (int bar = first; bar < last; ++bar) {
        row += '|';
        for (int s = 0; s < slots; ++s) row += cell_char(grid.at(bar, s, lane));
      }
      out += row + "|\n";
    }
    if (last < grid.bars) out += '\n';
  }
  return out;
}

std::string render_generation_text(const GenerateResponse& r) {
  const Generation& g = r.generation;
  const StyleProfile& p = r.profile;
  std::string out = fmt::format("{} ({}{}), {} bar{} of {} at {} BPM, {} grid, seed {}\n", p.name,
                                p.kind == ProfileKind::artist ? "artist, style from " : "genre",
                                p.kind == ProfileKind::artist ? p.base : std::string(), g.bars,
                                g.bars == 1 ? "" : "s", g.meter.to_string(), g.tempo_bpm,
                                subdivision_name(g.subdivision), g.seed);
  out += resolution_line(r.resolution) + "\n";
  if (!g.signature.empty()) out += fmt::format("core: signature groove '{}'\n", g.signature);
  out += "legend: X accent  x hit  g ghost  - rest\n";
  for (std::size_t i = 0; i < g.variations.size(); ++i) {
    const Variation& v = g.variations[i];
    std::string fills;
    for (std::size_t b = 0; b < v.grid.fill_bars.size(); ++b) {
      if (v.grid.fill_bars[b]) fills += (fills.empty() ? "" : ", ") + std::to_string(b + 1);
    }
    out += fmt::format("\nVariation {}: {} hits{} -> {}\n", i + 1, v.pattern.hits.size(),
                       fills.empty() ? std::string() : ", fills in bar " + fills,
                       i < r.files.size() ? r.files[i].string() : std::string("(not written)"));
    out += render_grid(v.grid);
  }
  const llm::LlmReport& l = r.llm;
  if (l.provider_used != "local" || !l.attempts.empty()) {
    std::int64_t requests = 0;
    for (const auto& a : l.attempts) requests += a.sent() ? 1 : 0;
    out += fmt::format("\nLLM: {} ({} request{}, {} tokens in, {} out, ${:.4f})\n", l.provider_used, requests,
                       requests == 1 ? "" : "s", l.input_tokens, l.output_tokens, l.cost_usd);
  }
  if (l.local_fallback) {
    std::string which;
    for (int v : l.local_variations) which += (which.empty() ? "" : ", ") + std::to_string(v);
    out += fmt::format("\nLocal engine wrote variation{} {}:\n", l.local_variations.size() == 1 ? "" : "s", which);
    for (const auto& reason : l.fallback_reasons) out += "  " + reason + "\n";
  }
  for (const auto& w : l.warnings) out += "warning: " + w + "\n";
  return out;
}

nlohmann::json generation_to_json(const GenerateResponse& r) {
  const Generation& g = r.generation;
  const StyleProfile& p = r.profile;
  nlohmann::json variations = nlohmann::json::array();
  for (std::size_t i = 0; i < g.variations.size(); ++i) {
    const Variation& v = g.variations[i];
    nlohmann::json fill_bars = nlohmann::json::array();
    for (std::size_t b = 0; b < v.grid.fill_bars.size(); ++b) {
      if (v.grid.fill_bars[b]) fill_bars.push_back(b + 1);
    }
    variations.push_back({{"index", i + 1},
                          {"name", v.pattern.name},
                          {"file", i < r.files.size() ? r.files[i].string() : std::string()},
                          {"hits", v.pattern.hits.size()},
                          {"fill_bars", fill_bars}});
  }
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : r.files) files.push_back(f.string());
  nlohmann::json out = {{"query", r.query},
          {"artist", p.name},
          {"profile",
           {{"id", p.id},
            {"kind", p.kind == ProfileKind::artist ? "artist" : "genre"},
            {"base", p.base},
            {"genres", p.genres},
            {"feel", p.feel},
            {"tempo_range", {{"min", p.tempo.min}, {"max", p.tempo.max}, {"typical", p.tempo.typical}}},
            {"confidence", p.confidence}}},
          {"resolution",
           {{"entry", r.resolution.entry_id},
            {"entry_name", r.resolution.entry_name},
            {"match", match_kind_name(r.resolution.match)},
            {"score", r.resolution.score},
            {"matched", r.resolution.matched},
            {"drummer", r.resolution.drummer_id},
            {"stand_in", r.resolution.match == MatchKind::stand_in},
            {"reason", r.resolution.reason}}},
          {"tempo", g.tempo_bpm},
          {"meter", g.meter.to_string()},
          {"bars", g.bars},
          {"seed", g.seed},
          {"grid", subdivision_name(g.subdivision)},
          {"files", files},
          {"variations", variations},
          {"provider", r.llm.selection},
          {"provider_used", r.llm.provider_used},
          {"attempts", llm::attempts_to_json(r.llm.attempts)},
          {"local_fallback", r.llm.local_fallback},
          {"local_fallback_reasons", r.llm.fallback_reasons},
          {"local_variations", r.llm.local_variations},
          {"usage",
           {{"tokens_in", r.llm.input_tokens}, {"tokens_out", r.llm.output_tokens}, {"cost_usd", r.llm.cost_usd}}},
          {"warnings", r.llm.warnings}};
  if (!g.signature.empty()) out["signature"] = g.signature;
  return out;
}

Result<UsageResponse> run_usage(const llm::EnvLookup& env) {
  auto dir = llm::state_dir(env);
  if (!dir) return std::unexpected(dir.error());
  const llm::UsageStore store(*dir);
  std::int64_t skipped = 0;
  auto records = store.read(&skipped);
  if (!records) return std::unexpected(records.error());
  UsageResponse out;
  out.file = store.file();
  out.report = llm::total_usage(*records);
  out.report.skipped_lines = skipped;
  return out;
}

Result<nlohmann::json> run_providers(const llm::EnvLookup& env) {
  auto config = llm::load_generation_config(env);
  if (!config) return std::unexpected(config.error());
  std::map<std::string, llm::ProviderHealth> health;
  nlohmann::json state = nullptr;
  const llm::SystemClock clock;
  if (auto dir = llm::state_dir(env)) {
    const llm::UsageStore store(*dir);
    state = store.file().string();
    if (auto records = store.read()) health = llm::provider_health(*records);
  }
  const llm::CircuitBreaker breaker(llm::BreakerPolicy{}, health);
  nlohmann::json order = nlohmann::json::array();
  for (const auto* p : config->auto_order()) order.push_back(p->name);
  nlohmann::json providers = nlohmann::json::array();
  for (const auto& p : config->providers) {
    std::string role = "unused";
    if (p.name == config->primary) role = "primary";
    for (std::size_t i = 0; i < config->fallback.size(); ++i) {
      if (config->fallback[i] == p.name) role = fmt::format("fallback {}", i + 1);
    }
    nlohmann::json h = nullptr;
    if (const auto it = health.find(p.name); it != health.end()) {
      const auto& v = it->second;
      const auto open = breaker.open_until(p.name, clock.wall_ms());
      h = {{"consecutive_failures", v.consecutive_failures},
           {"recent_attempts", v.recent_attempts},
           {"recent_failures", v.recent_failures},
           {"last_error", v.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.last_error)},
           {"last_failure_ms", v.last_failure_ms},
           {"last_success_ms", v.last_success_ms},
           {"circuit_open_until_ms", open ? nlohmann::json(*open) : nlohmann::json(nullptr)}};
    }
    const auto price = config->price(p.name, p.model);
    providers.push_back(
        {{"name", p.name},
         {"kind", llm::provider_kind_name(p.kind)},
         {"model", p.model},
         {"base_url", p.base_url},
         {"role", role},
         {"configured", p.configured()},
         {"key", p.key.empty() ? "none" : "set"},
         {"key_env", p.api_key_env},
         {"hint", p.configured() ? std::string() : llm::key_hint(p)},
         {"connect_timeout_ms", p.connect_timeout_ms},
         {"total_timeout_ms", p.total_timeout_ms},
         {"max_retries", p.max_retries},
         {"price_usd_per_mtok",
          price ? nlohmann::json{{"input", price->input_usd_per_mtok}, {"output", price->output_usd_per_mtok}}
                : nlohmann::json(nullptr)},
         {"health", h}});
  }
  return nlohmann::json{{"primary", config->primary},
                        {"fallback", config->fallback},
                        {"auto_order", order},
                        {"usage_file", state},
                        {"providers", providers}};
}

std::string render_providers_text(const nlohmann::json& j) {
  std::string order;
  for (const auto& n : j["auto_order"]) order += (order.empty() ? "" : " -> ") + n.get<std::string>();
  std::string out = fmt::format("--provider auto asks: {}\n", order.empty() ? "nobody (no key set): the local engine answers" : order);
  for (const auto& p : j["providers"]) {
    out += fmt::format("\n{} ({}, {}): model {}, {}\n", p["name"].get<std::string>(), p["kind"].get<std::string>(),
                       p["role"].get<std::string>(), p["model"].get<std::string>(), p["base_url"].get<std::string>());
    out += fmt::format("  configured: {}{}; timeouts {} ms connect, {} ms total; {} retries\n",
                       p["configured"].get<bool>() ? "yes" : "no",
                       p["configured"].get<bool>() ? std::string() : " (" + p["hint"].get<std::string>() + ")",
                       p["connect_timeout_ms"].get<long>(), p["total_timeout_ms"].get<long>(),
                       p["max_retries"].get<int>());
    if (p["price_usd_per_mtok"].is_object()) {
      out += fmt::format("  price: ${} in / ${} out per million tokens\n", p["price_usd_per_mtok"]["input"].get<double>(),
                         p["price_usd_per_mtok"]["output"].get<double>());
    }
    const auto& h = p["health"];
    if (h.is_null()) {
      out += "  health: no requests recorded\n";
      continue;
    }
    out += fmt::format("  health: {} of the last {} requests failed; {} consecutive failure{}{}\n",
                       h["recent_failures"].get<int>(), h["recent_attempts"].get<int>(),
                       h["consecutive_failures"].get<int>(), h["consecutive_failures"].get<int>() == 1 ? "" : "s",
                       h["circuit_open_until_ms"].is_null() ? std::string() : std::string(" (circuit open: skipped for now)"));
    if (h["last_error"].is_string()) out += "  last error: " + h["last_error"].get<std::string>() + "\n";
  }
  return out;
}

}  // namespace mdg
