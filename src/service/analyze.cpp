#include "service/analyze.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <system_error>

#include <fmt/format.h>

#include "groove/groove_json.hpp"
#include "midi/midi_file.hpp"

namespace mdg {
namespace {

namespace fs = std::filesystem;

bool has_midi_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".mid" || ext == ".midi";
}

// Fills everything but source, files and skipped.
Result<GrooveReport> build_report(std::span<const Pattern> patterns, const AnalyzerOptions& options) {
  if (auto v = validate(options); !v) return std::unexpected(v.error());
  GrooveReport report;
  if (patterns.empty()) return report;

  // The most common meter; ties go to the meter seen first.
  std::vector<std::pair<Meter, int>> meters;
  double tempo_sum = 0;
  report.tempo_min = patterns.front().tempo_bpm;
  report.tempo_max = patterns.front().tempo_bpm;
  for (const Pattern& p : patterns) {
    auto it = std::find_if(meters.begin(), meters.end(), [&](const auto& m) { return m.first == p.meter; });
    if (it == meters.end()) {
      meters.emplace_back(p.meter, 1);
    } else {
      ++it->second;
    }
    tempo_sum += p.tempo_bpm;
    report.tempo_min = std::min(report.tempo_min, p.tempo_bpm);
    report.tempo_max = std::max(report.tempo_max, p.tempo_bpm);
  }
  report.tempo_mean = tempo_sum / static_cast<double>(patterns.size());
  const auto best = std::max_element(meters.begin(), meters.end(), [](const auto& a, const auto& b) {
    return a.second < b.second;  // max_element keeps the first of equal maxima
  });
  report.meter = best->first;

  auto sixteenth = GrooveAccumulator::create(Grid{report.meter, Subdivision::sixteenth}, options);
  if (!sixteenth) return std::unexpected(sixteenth.error());
  const Grid triplet_grid{report.meter, Subdivision::triplet};
  std::optional<GrooveAccumulator> triplet;
  if (triplet_grid.fits()) {
    auto t = GrooveAccumulator::create(triplet_grid, options);
    if (!t) return std::unexpected(t.error());
    triplet = std::move(*t);
  }
  for (const Pattern& p : patterns) {
    if (!sixteenth->add(p)) {
      ++report.other_meter_files;
      continue;
    }
    if (triplet) triplet->add(p);
  }
  report.sixteenth = sixteenth->finish();
  report.bars = report.sixteenth.bars;
  report.sixteenth_error_ms = sixteenth->mean_abs_quantize_error_ms();
  if (triplet) {
    report.triplet = triplet->finish();
    report.triplet_error_ms = triplet->mean_abs_quantize_error_ms();
    report.feel = best_feel(*sixteenth, *triplet);
  }
  return report;
}

std::string step_label(const Grid& grid, int step) {
  const int per_quarter = grid.steps_per_quarter();
  const bool quarter_beats = grid.meter.denominator == 4 || grid.meter.denominator == 2;
  if (quarter_beats) {
    const int within = step % per_quarter;
    if (within == 0) return std::to_string(step / per_quarter + 1);
    if (per_quarter == 4) return within == 1 ? "e" : within == 2 ? "&" : "a";
    return within == 1 ? "t" : "l";
  }
  return step % 2 == 0 ? std::to_string(step / 2 + 1) : "+";
}

char prob_char(double p) {
  if (p < 0.05) return '.';
  return static_cast<char>('0' + std::min(9, static_cast<int>(p * 10.0)));
}

bool lane_used(const GrooveModel& m, Lane lane) {
  return m.lanes[lane_index(lane)].hits_per_bar > 0.0;
}

}  // namespace

Result<std::vector<fs::path>> list_midi_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) return fail(Errc::io, "cannot list " + dir.string() + ": " + ec.message());
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) return fail(Errc::io, "cannot list " + dir.string() + ": " + ec.message());
    std::error_code type_ec;
    if (it->is_regular_file(type_ec) && has_midi_extension(it->path())) files.push_back(it->path());
  }
  if (ec) return fail(Errc::io, "cannot list " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

Result<GrooveReport> analyze_performances(std::span<const Pattern> patterns,
                                          const AnalyzerOptions& options) {
  if (patterns.empty()) {
    return fail(Errc::invalid_argument, "nothing to analyse: no performances were given");
  }
  auto report = build_report(patterns, options);
  if (!report) return report;
  for (const Pattern& p : patterns) report->files.emplace_back(p.name);
  return report;
}

Result<GrooveReport> analyze_path(const fs::path& file_or_dir, const AnalyzerOptions& options) {
  if (auto v = validate(options); !v) return std::unexpected(v.error());
  std::error_code ec;
  const auto status = fs::status(file_or_dir, ec);
  if (ec || !fs::exists(status)) {
    return fail(Errc::not_found, file_or_dir.string() + " does not exist; give a .mid/.midi file or a folder of them");
  }
  std::vector<fs::path> candidates;
  if (fs::is_directory(status)) {
    auto listed = list_midi_files(file_or_dir);
    if (!listed) return std::unexpected(listed.error());
    candidates = std::move(*listed);
    if (candidates.empty()) {
      return fail(Errc::not_found, "no .mid or .midi files under " + file_or_dir.string());
    }
  } else {
    candidates.push_back(file_or_dir);
  }

  std::vector<Pattern> patterns;
  std::vector<fs::path> read;
  std::vector<SkippedFile> skipped;
  Errc first_error = Errc::parse;
  for (const auto& path : candidates) {
    auto pattern = read_drum_file(path);
    if (!pattern) {
      if (skipped.empty()) first_error = pattern.error().code;
      skipped.push_back({path, pattern.error().describe()});
      continue;
    }
    patterns.push_back(std::move(*pattern));
    read.push_back(path);
  }
  if (patterns.empty()) {
    std::string why;
    for (std::size_t i = 0; i < skipped.size() && i < 5; ++i) {
      why += "\n  " + skipped[i].path.string() + ": " + skipped[i].error;
    }
    if (skipped.size() > 5) why += fmt::format("\n  ... and {} more", skipped.size() - 5);
    return fail(first_error, "no MIDI file could be read from " + file_or_dir.string() + ":" + why);
  }
  auto report = build_report(patterns, options);
  if (!report) return report;
  report->source = file_or_dir;
  report->files = std::move(read);
  report->skipped = std::move(skipped);
  return report;
}

std::string render_report_text(const GrooveReport& r) {
  std::string out;
  auto line = [&out](const std::string& s) {
    out += s;
    out += '\n';
  };
  const GrooveModel& m = r.model();
  line(fmt::format("Files:        {} read, {} skipped{}", r.files.size(), r.skipped.size(),
                   r.other_meter_files > 0
                       ? fmt::format(", {} in other meters not analysed", r.other_meter_files)
                       : std::string()));
  for (const auto& s : r.skipped) line(fmt::format("  skipped {}: {}", s.path.string(), s.error));
  if (r.tempo_min == r.tempo_max) {
    line(fmt::format("Tempo:        {:.1f} BPM", r.tempo_mean));
  } else {
    line(fmt::format("Tempo:        {:.1f} BPM mean ({:.1f}-{:.1f})", r.tempo_mean, r.tempo_min, r.tempo_max));
  }
  line(fmt::format("Meter:        {}", r.meter.to_string()));
  line(fmt::format("Bars:         {}", r.bars));
  line(fmt::format("Feel:         {} (quantization error {:.1f} ms sixteenth, {:.1f} ms triplet)",
                   r.feel == Subdivision::triplet ? "triplet (swung)" : "sixteenth (straight)",
                   r.sixteenth_error_ms, r.triplet_error_ms));
  line(fmt::format("Swing:        {:.2f} eighths, {:.2f} sixteenths (1.00 straight, 2.00 triplet)",
                   m.swing_ratio, m.swing_ratio_16th));
  line(fmt::format("Ghost rate:   {:.0f}% of snare hits", m.ghost_rate * 100.0));
  line(fmt::format("Syncopation:  {:.2f} per bar", m.syncopation));
  line(fmt::format("Fill rate:    {:.0f}% of bars", m.fill_rate * 100.0));
  line(fmt::format("Density:      {:.1f} hits per bar", m.density));
  if (m.empty()) return out;

  line("");
  line(fmt::format("{:<9} {:>5} {:>8} {:>6} {:>10} {:>8}", "lane", "note", "hits/bar", "vel", "vel sd",
                   "timing ms"));
  for (Lane lane : kAllLanes) {
    if (!lane_used(m, lane)) continue;
    const LaneStats& s = m.lanes[lane_index(lane)];
    line(fmt::format("{:<9} {:>5} {:>8.2f} {:>6.1f} {:>10.1f} {:>+5.1f} ±{:.1f}", lane_id(lane),
                     s.note == 0 ? lane_default_note(lane) : s.note, s.hits_per_bar, s.velocity_mean,
                     s.velocity_sd, s.offset_mean_ms, s.offset_sd_ms));
  }

  // Onset probabilities on both grids: the feel's grid first, then the other one, so
  // triplet positions show even for a straight groove (and sixteenths for a swung one).
  auto onset_grid = [&](const GrooveModel& g) {
    if (g.empty()) return;
    std::string header = fmt::format("{:<9} ", "step");
    for (int st = 0; st < g.steps(); ++st) header += fmt::format("{:<2}", step_label(g.grid, st));
    line("");
    line(fmt::format("Onset probability on the {} grid (digit = tenths, . = under 5%):",
                     subdivision_name(g.grid.subdivision)));
    line(header);
    for (Lane lane : kAllLanes) {
      if (!lane_used(g, lane)) continue;
      std::string row = fmt::format("{:<9} ", lane_id(lane));
      for (const auto& s : g.lanes[lane_index(lane)].steps) {
        row += prob_char(s.onset_prob);
        row += ' ';
      }
      line(row);
    }
  };
  onset_grid(m);
  onset_grid(&m == &r.sixteenth ? r.triplet : r.sixteenth);

  const int steps = m.steps();
  std::string wide_header = fmt::format("{:<16}", "step");
  for (int st = 0; st < steps; ++st) wide_header += fmt::format("{:>4}", step_label(m.grid, st));
  line("");
  line("Per step, where the lane plays in at least 5% of bars:");
  line(wide_header);
  for (Lane lane : {Lane::kick, Lane::snare, Lane::closed_hat, Lane::ride}) {
    if (!lane_used(m, lane)) continue;
    std::string vel = fmt::format("{:<16}", fmt::format("{} velocity", lane_id(lane)));
    std::string vsd = fmt::format("{:<16}", fmt::format("{} vel sd", lane_id(lane)));
    std::string tim = fmt::format("{:<16}", fmt::format("{} timing ms", lane_id(lane)));
    std::string tsd = fmt::format("{:<16}", fmt::format("{} timing sd", lane_id(lane)));
    for (const auto& s : m.lanes[lane_index(lane)].steps) {
      if (s.onset_prob < 0.05) {
        for (auto* row : {&vel, &vsd, &tim, &tsd}) *row += fmt::format("{:>4}", ".");
        continue;
      }
      const double v = s.velocity_mean > 0 ? s.velocity_mean : s.ghost_velocity_mean;
      vel += fmt::format("{:>4.0f}", v);
      vsd += fmt::format("{:>4.0f}", s.velocity_sd);
      tim += fmt::format("{:>+4.0f}", s.offset_mean_ms);
      tsd += fmt::format("{:>4.0f}", s.offset_sd_ms);
    }
    line(vel);
    line(vsd);
    line(tim);
    line(tsd);
  }
  return out;
}

nlohmann::json report_to_json(const GrooveReport& r) {
  nlohmann::json j;
  j["source"] = r.source.string();
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : r.files) files.push_back(f.string());
  j["files"] = std::move(files);
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& s : r.skipped) skipped.push_back({{"path", s.path.string()}, {"error", s.error}});
  j["skipped"] = std::move(skipped);
  j["other_meter_files"] = r.other_meter_files;
  j["tempo"] = {{"mean", r.tempo_mean}, {"min", r.tempo_min}, {"max", r.tempo_max}};
  j["meter"] = r.meter.to_string();
  j["bars"] = r.bars;
  j["feel"] = subdivision_name(r.feel);
  j["quantization_error_ms"] = {{"sixteenth", r.sixteenth_error_ms}, {"triplet", r.triplet_error_ms}};
  j["sixteenth"] = groove_model_to_json(r.sixteenth);
  j["triplet"] = groove_model_to_json(r.triplet);
  return j;
}

}  // namespace mdg
