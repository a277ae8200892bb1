#include "groove/note_feel.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <fstream>
#include <numeric>
#include <tuple>

#include <fmt/format.h>

namespace mdg {
namespace {

constexpr int kSteps = 16;
constexpr std::int64_t kStepTicks = kPpq / 4;
constexpr double kShrinkHits = 2.0;  // step statistics borrow from the lane below this many hits
constexpr int kMaxGap = 16;

// The style's statistics at a lane and step (offsets shrunk towards the lane's where the
// step has few hits).
struct StyleStep {
  double offset_mean = 0.0, offset_sd = 0.0, expected_velocity = 0.0, onset_prob = 0.0;
};

StyleStep style_step(const GrooveModel& style, Lane lane, int step) {
  StyleStep out;
  if (style.empty()) return out;
  const LaneStats& ls = style.lanes[lane_index(lane)];
  const auto s = static_cast<std::size_t>(step);
  const StepStats st = s < ls.steps.size() ? ls.steps[s] : StepStats{};
  const double w = st.hits / (st.hits + kShrinkHits);
  out.offset_mean = w * st.offset_mean_ms + (1.0 - w) * ls.offset_mean_ms;
  out.offset_sd = w * st.offset_sd_ms + (1.0 - w) * ls.offset_sd_ms;
  const double accent = st.velocity_mean > 0.0 ? st.velocity_mean : ls.velocity_mean;
  const double ghost = st.ghost_velocity_mean > 0.0 ? st.ghost_velocity_mean : accent;
  out.expected_velocity = st.ghost_prob * ghost + (1.0 - st.ghost_prob) * accent;
  out.onset_prob = st.onset_prob;
  return out;
}

double note_offset(const GrooveModel& style, DrumNote note) {
  const auto& levels = style.note_velocity;
  const auto it = std::lower_bound(levels.begin(), levels.end(), note,
                                   [](const NoteVelocity& nv, DrumNote n) { return nv.note < n; });
  return it != levels.end() && it->note == note ? it->offset : 0.0;
}

}  // namespace


double predict_offset_ms(const NoteFeelModel& model, std::span<const double> row) {
  return model.timing.predict(row);
}

std::vector<double> note_feel_features(const GridTake& take, const GrooveModel& style) {
  const std::size_t n = take.notes.size();
  std::vector<double> out;
  out.reserve(n * kNoteFeelFeatures);
  if (n == 0) return out;
  int bars = take.bars;
  for (const GridNote& g : take.notes) bars = std::max(bars, g.bar + 1);
  const auto total = static_cast<std::size_t>(bars) * kSteps;
  std::vector<std::uint16_t> masks(total, 0);
  std::vector<std::array<int, kLaneCount>> bar_lane(static_cast<std::size_t>(bars), std::array<int, kLaneCount>{});
  std::array<int, kLaneCount> lane_hits{};
  std::array<int, 4> in_beat{};
  int ride = 0, hats = 0, cross = 0, snares = 0, pedal = 0, open = 0;
  int hat_edge = 0, rim = 0, ride_edge = 0, bell = 0, toms = 0, crashes = 0;
  const auto index = [](const GridNote& g) { return static_cast<std::size_t>(g.bar) * kSteps + static_cast<std::size_t>(g.step); };
  for (const GridNote& g : take.notes) {
    const std::size_t l = lane_index(g.lane);
    masks[index(g)] = static_cast<std::uint16_t>(masks[index(g)] | (1U << l));
    ++bar_lane[static_cast<std::size_t>(g.bar)][l];
    ++lane_hits[l];
    ++in_beat[static_cast<std::size_t>(g.step % 4)];
    if (g.lane == Lane::ride) ++ride;
    if (g.lane == Lane::closed_hat || g.lane == Lane::open_hat) ++hats;
    if (g.lane == Lane::open_hat) ++open;
    if (g.note == 44) ++pedal;
    if (g.note == 22 || g.note == 26) ++hat_edge;
    if (g.note == 40) ++rim;
    if (g.note == 59) ++ride_edge;
    if (g.note == 53) ++bell;
    if (g.lane == Lane::low_tom || g.lane == Lane::mid_tom || g.lane == Lane::high_tom) ++toms;
    if (g.lane == Lane::crash) ++crashes;
    if (g.lane == Lane::snare) {
      ++snares;
      if (g.note == 37) ++cross;
    }
  }
  const double nd = static_cast<double>(n);
  const double bars_d = static_cast<double>(bars);
  const auto share = [](int a, int b) { return b > 0 ? static_cast<double>(a) / b : 0.0; };
  // Each lane's occupied steps in order, for the gaps to a note's neighbours on its lane.
  std::array<std::vector<std::size_t>, kLaneCount> lane_steps;
  for (std::size_t k = 0; k < total; ++k) {
    for (std::size_t l = 0; l < kLaneCount; ++l) {
      if (masks[k] & (1U << l)) lane_steps[l].push_back(k);
    }
  }
  const auto mask_at = [&](std::int64_t k) -> std::uint16_t {
    return k >= 0 && static_cast<std::size_t>(k) < total ? masks[static_cast<std::size_t>(k)] : std::uint16_t{0};
  };
  // Notes of one lane on one step: how many, and each note's place among them, by GM note
  // and then in the take's order. Notes of one GM note there (a quantized flam, drag or
  // 32nd-note pair) come in the take's order, which is time order in a performance and the
  // order a user wrote them in. Different instruments of one lane (the pedal and a stick
  // stroke on the hi-hat, a rim shot and a head stroke) are placed by GM note, which a
  // quantized pattern still shows; which of them a drummer played first it does not.
  std::vector<int> lane_step_count(total * kLaneCount, 0);
  for (const GridNote& g : take.notes) ++lane_step_count[index(g) * kLaneCount + lane_index(g.lane)];
  std::vector<std::size_t> by_cell(n);
  std::iota(by_cell.begin(), by_cell.end(), std::size_t{0});
  const auto cell_key = [&](std::size_t i) {
    const GridNote& g = take.notes[i];
    return std::tuple{index(g) * kLaneCount + lane_index(g.lane), g.note, i};
  };
  std::sort(by_cell.begin(), by_cell.end(), [&](std::size_t a, std::size_t b) { return cell_key(a) < cell_key(b); });
  std::vector<int> place(n, 0);
  for (std::size_t r = 1; r < n; ++r) {
    if (std::get<0>(cell_key(by_cell[r])) == std::get<0>(cell_key(by_cell[r - 1]))) {
      place[by_cell[r]] = place[by_cell[r - 1]] + 1;
    }
  }
  std::size_t row = 0;
  for (const GridNote& g : take.notes) {
    const std::size_t l = lane_index(g.lane);
    const std::size_t k = index(g);
    const StyleStep ss = style_step(style, g.lane, g.step);
    out.push_back(take.bpm);
    out.push_back(g.step % 4);
    out.push_back(g.step / 4);
    out.push_back(static_cast<double>(l));
    out.push_back(g.note);
    out.push_back(std::popcount(masks[k]));
    for (const int d : {0, -1, 1, -2, 2, -4, 4}) {
      const std::uint16_t m = mask_at(static_cast<std::int64_t>(k) + d);
      for (std::size_t b = 0; b < kLaneCount; ++b) out.push_back((m >> b) & 1U);
    }
    const auto& steps = lane_steps[l];
    const auto it = std::lower_bound(steps.begin(), steps.end(), k);
    const double before = it == steps.begin() ? kMaxGap : std::min<double>(kMaxGap, static_cast<double>(k - *(it - 1)));
    const auto next = it == steps.end() ? it : it + 1;
    const double after = next == steps.end() ? kMaxGap : std::min<double>(kMaxGap, static_cast<double>(*next - k));
    out.push_back(before);
    out.push_back(after);
    int bar_total = 0;
    for (int c : bar_lane[static_cast<std::size_t>(g.bar)]) bar_total += c;
    out.push_back(bar_lane[static_cast<std::size_t>(g.bar)][l]);
    out.push_back(bar_total);
    out.push_back(lane_hits[l] / bars_d);
    for (std::size_t b = 0; b < kLaneCount; ++b) out.push_back(lane_hits[b] / bars_d);
    out.push_back(nd / bars_d);
    out.push_back(in_beat[1] / nd);
    out.push_back(in_beat[2] / nd);
    out.push_back(in_beat[3] / nd);
    out.push_back(share(ride, ride + hats));
    out.push_back(share(cross, snares));
    out.push_back(share(pedal, hats));
    out.push_back(share(open, hats));
    out.push_back(share(hat_edge, hats));
    out.push_back(share(rim, snares));
    out.push_back(share(ride_edge, ride));
    out.push_back(share(bell, ride));
    out.push_back(toms / bars_d);
    out.push_back(crashes / bars_d);
    out.push_back(style.empty() ? 1.0 : style.swing_ratio);
    out.push_back(style.placement_ms);
    out.push_back(style.ghost_rate);
    out.push_back(style.density);
    out.push_back(ss.offset_mean);
    out.push_back(ss.offset_sd);
    out.push_back(ss.expected_velocity);
    out.push_back(ss.onset_prob);
    out.push_back(note_offset(style, g.note));
    out.push_back(style.lanes[l].velocity_mean);
    out.push_back(std::min(g.bar, 16));
    out.push_back(static_cast<double>(g.bar) / bars_d);
    out.push_back(lane_step_count[k * kLaneCount + l]);
    out.push_back(place[row++]);
  }
  return out;
}

QuantizedTake quantize_take(const Pattern& take) {
  QuantizedTake q;
  q.grid.bpm = take.tempo_bpm;
  const std::int64_t per_bar = Meter{4, 4}.ticks_per_bar();
  q.grid.bars = std::max(1, static_cast<int>((take.length_ticks + per_bar - 1) / per_bar));
  for (const Hit& h : take.hits) {
    const auto lane = lane_of(h.note);
    if (!lane) continue;
    const std::int64_t step_tick =
        static_cast<std::int64_t>(std::llround(static_cast<double>(h.tick) / kStepTicks)) * kStepTicks;
    const std::int64_t s = std::max<std::int64_t>(0, step_tick) / kStepTicks;
    GridNote g{static_cast<int>(s / kSteps), static_cast<int>(s % kSteps), *lane, h.note};
    q.grid.bars = std::max(q.grid.bars, g.bar + 1);
    q.grid.notes.push_back(g);
    q.offset_ms.push_back(static_cast<double>(h.tick - step_tick) * ms_per_tick(take.tempo_at(h.tick)));
    q.velocity.push_back(h.velocity);
  }
  return q;
}

void NoteFeelTrainer::add(const QuantizedTake& take, const GrooveModel& style) {
  const std::vector<double> x = note_feel_features(take.grid, style);
  timing_.x.insert(timing_.x.end(), x.begin(), x.end());
  velocity_.x.insert(velocity_.x.end(), x.begin(), x.end());
  // Timing is learned in ms (on a held-out part of the training split this fitted a little
  // better than offsets in sixteenths weighted by the step's length); the tempo is a feature.
  timing_.y.insert(timing_.y.end(), take.offset_ms.begin(), take.offset_ms.end());
  velocity_.y.insert(velocity_.y.end(), take.velocity.begin(), take.velocity.end());
}

Result<NoteFeelModel> NoteFeelTrainer::fit(const GbtOptions& timing, const GbtOptions& velocity) const {
  if (rows() == 0) return fail(Errc::invalid_argument, "note feel: no notes to learn from");
  auto t = Gbt::fit(timing_, timing);
  if (!t) return std::unexpected(t.error());
  auto v = Gbt::fit(velocity_, velocity);
  if (!v) return std::unexpected(v.error());
  return NoteFeelModel{std::move(*t), std::move(*v)};
}

GbtOptions note_feel_timing_options() {
  return GbtOptions{.trees = 600, .depth = 6, .shrinkage = 0.1, .subsample = 0.5, .min_leaf = 40, .bins = 32, .seed = 3};
}

GbtOptions note_feel_velocity_options() {
  return GbtOptions{.trees = 600, .depth = 6, .shrinkage = 0.1, .subsample = 0.5, .min_leaf = 40, .bins = 32, .seed = 5};
}

std::string note_feel_text(const NoteFeelModel& model) {
  return "note_feel 1\n" + model.timing.to_text() + model.velocity.to_text();
}

Result<NoteFeelModel> parse_note_feel(std::string_view text) {
  constexpr std::string_view header = "note_feel 1\n";
  if (text.substr(0, header.size()) != header) {
    return fail(Errc::parse, "note feel model: expected the first line \"note_feel 1\"");
  }
  text.remove_prefix(header.size());
  // The velocity model starts at the second "gbt " header.
  const std::size_t second = text.find("\ngbt ");
  if (text.substr(0, 4) != "gbt " || second == std::string_view::npos) {
    return fail(Errc::parse, "note feel model: expected two tree models (timing, then velocity)");
  }
  auto timing = parse_gbt(text.substr(0, second + 1));
  if (!timing) return fail(Errc::parse, "note feel model, timing: " + timing.error().message);
  auto velocity = parse_gbt(text.substr(second + 1));
  if (!velocity) return fail(Errc::parse, "note feel model, velocity: " + velocity.error().message);
  for (const Gbt* m : {&*timing, &*velocity}) {
    if (m->features() != kNoteFeelFeatures) {
      return fail(Errc::parse, fmt::format("note feel model: {} features per note; this build computes {}",
                                           m->features(), kNoteFeelFeatures));
    }
  }
  return NoteFeelModel{std::move(*timing), std::move(*velocity)};
}

Result<NoteFeelModel> read_note_feel_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return fail(Errc::io, "cannot open the note feel model " + path.string());
  const std::streamoff size = in.tellg();
  std::string text(size > 0 ? static_cast<std::size_t>(size) : 0, '\0');
  in.seekg(0);
  if (size < 0 || !in.read(text.data(), static_cast<std::streamsize>(text.size()))) {
    return fail(Errc::io, "cannot read the note feel model " + path.string());
  }
  auto model = parse_note_feel(text);
  if (!model) {
    return fail(Errc::parse, path.string() + ": " + model.error().message +
                                 " (re-derive it with tools/derive_profiles --groove)");
  }
  return model;
}

}  // namespace mdg
