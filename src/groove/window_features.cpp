#include "groove/window_features.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/rng.hpp"
#include "groove/analyzer.hpp"

namespace mdg {
namespace {

// Lone off-beat positions per unit, as the analyzer collects swing evidence: in each unit
// the onsets between 35% and 85% of it, grouped into positions `cluster` ticks apart; a
// unit with exactly one position gives its mean phase.
void offbeat_phases(const std::vector<double>& ticks, double unit, double cluster,
                    std::vector<double>& out) {
  std::size_t i = 0;
  while (i < ticks.size()) {
    const auto index = std::floor(ticks[i] / unit);
    int positions = 0;
    int count = 0;
    double sum = 0.0;
    double last = -1e300;
    for (; i < ticks.size() && std::floor(ticks[i] / unit) == index; ++i) {
      const double phase = (ticks[i] - index * unit) / unit;
      if (phase <= 0.35 || phase >= 0.85) continue;
      if (ticks[i] - last > cluster) ++positions;
      last = ticks[i];
      sum += phase;
      ++count;
    }
    if (positions == 1) out.push_back(sum / count);
  }
}

double swing_ratio(std::vector<double> phases) {
  if (phases.size() < 2) return 1.0;
  std::sort(phases.begin(), phases.end());
  const std::size_t n = phases.size();
  const double median = n % 2 == 1 ? phases[n / 2] : (phases[n / 2 - 1] + phases[n / 2]) / 2.0;
  return median / (1.0 - median);
}

// Six text lanes of the bar format: crash, ride, snare, kick, hi-hat, tom.
int text_column(Lane lane) {
  switch (lane) {
    case Lane::crash: return 0;
    case Lane::ride: return 1;
    case Lane::snare: return 2;
    case Lane::kick: return 3;
    case Lane::closed_hat:
    case Lane::open_hat: return 4;
    case Lane::low_tom:
    case Lane::mid_tom:
    case Lane::high_tom: return 5;
  }
  return 5;
}

void softmax_in_place(std::vector<double>& z) {
  const double top = *std::max_element(z.begin(), z.end());
  double sum = 0.0;
  for (double& v : z) {
    v = std::exp(v - top);
    sum += v;
  }
  for (double& v : z) v /= sum;
}

}  // namespace

Result<SnappedTake> snap_take(const Pattern& pattern, const Grid& grid) {
  if (pattern.meter != grid.meter) {
    return fail(Errc::invalid_argument, "take is in " + pattern.meter.to_string() +
                                            " but the grid is " + grid.meter.to_string() +
                                            "; snap takes onto a grid of their own meter");
  }
  if (!grid.fits() || grid.steps_per_bar() < 1) {
    return fail(Errc::invalid_argument, "a " + grid.meter.to_string() +
                                            " bar is not a whole number of " +
                                            subdivision_name(grid.subdivision) + " steps");
  }
  SnappedTake take;
  take.grid = grid;
  take.steps = grid.steps_per_bar();
  const double per_step = grid.ticks_per_step();
  const std::int64_t per_bar = grid.meter.ticks_per_bar();
  const double bias = placement_bias_ticks(pattern);

  struct Snapped {
    std::int64_t index;
    std::size_t lane;
    std::uint8_t velocity;
    double offset_ticks;
    double offset_ms;
  };
  std::vector<Snapped> snapped;
  std::int64_t last_index = -1;
  for (const Hit& hit : pattern.hits) {
    const auto lane = lane_of(hit.note);
    if (!lane || hit.tick < 0 || hit.velocity == 0) continue;
    const double tick = static_cast<double>(hit.tick) - bias;
    const auto index = static_cast<std::int64_t>(std::llround(tick / per_step));
    if (index < 0) continue;
    const double offset = tick - static_cast<double>(index) * per_step;
    snapped.push_back({index, lane_index(*lane), hit.velocity, offset,
                       offset * ms_per_tick(pattern.tempo_at(hit.tick))});
    last_index = std::max(last_index, index);
  }
  const std::int64_t length_bars =
      per_bar > 0 ? (std::max<std::int64_t>(pattern.length_ticks, 0) + per_bar / 2) / per_bar : 0;
  const std::int64_t onset_bars = last_index >= 0 ? last_index / take.steps + 1 : 0;
  take.bars = static_cast<int>(std::max(length_bars, onset_bars));
  take.cells.resize(static_cast<std::size_t>(take.bars) * static_cast<std::size_t>(take.steps) *
                    kLaneCount);
  for (const auto& s : snapped) {
    SnappedCell& cell = take.at(static_cast<int>(s.index / take.steps),
                                static_cast<int>(s.index % take.steps), s.lane);
    if (s.velocity > cell.velocity) {
      cell = {s.velocity, static_cast<float>(s.offset_ticks), static_cast<float>(s.offset_ms)};
    }
  }
  return take;
}

std::size_t window_feature_count(int steps_per_bar) noexcept {
  return kLaneCount * static_cast<std::size_t>(std::max(steps_per_bar, 0)) + 2 * kLaneCount +
         kWindowSummaryFeatures;
}

std::vector<double> window_features(const SnappedTake& take, int first_bar, int bars) {
  const auto steps = static_cast<std::size_t>(take.steps);
  std::vector<double> out(window_feature_count(take.steps), 0.0);
  const int begin = std::clamp(first_bar, 0, take.bars);
  const int end = std::clamp(first_bar + std::max(bars, 0), begin, take.bars);
  const int n_bars = end - begin;
  if (n_bars == 0 || steps == 0) {
    out[out.size() - 6] = 1.0;  // swing ratios of an empty window are straight
    out[out.size() - 5] = 1.0;
    return out;
  }
  const auto weights = metric_weights(take.grid);
  const double per_step = take.grid.ticks_per_step();
  std::array<double, kLaneCount> lane_hits{}, lane_velocity{};
  double velocity_sum = 0, velocity_sq = 0, offset_sum = 0, offset_sq = 0, syncopation = 0;
  std::size_t hits = 0, snare_hits = 0, snare_ghosts = 0;
  std::vector<double> ticks;
  const auto snare = lane_index(Lane::snare), kick = lane_index(Lane::kick);
  for (int b = begin; b < end; ++b) {
    std::vector<std::size_t> accents;
    for (std::size_t st = 0; st < steps; ++st) {
      const int step = static_cast<int>(st);
      for (std::size_t l = 0; l < kLaneCount; ++l) {
        const SnappedCell& c = take.at(b, step, l);
        if (c.velocity == 0) continue;
        out[l * steps + st] += 1.0;
        lane_hits[l] += 1.0;
        const double v = c.velocity;
        lane_velocity[l] += v;
        velocity_sum += v;
        velocity_sq += v * v;
        offset_sum += c.offset_ms;
        offset_sq += static_cast<double>(c.offset_ms) * c.offset_ms;
        ++hits;
        if (l == snare) {
          ++snare_hits;
          if (c.velocity <= kGhostVelocity) ++snare_ghosts;
        }
        ticks.push_back((static_cast<double>(b - begin) * static_cast<double>(steps) +
                         static_cast<double>(st)) * per_step + c.offset_ticks);
      }
      if (take.at(b, step, kick).velocity > kGhostVelocity ||
          take.at(b, step, snare).velocity > kGhostVelocity) {
        accents.push_back(st);
      }
    }
    syncopation += bar_syncopation(accents, weights);
  }
  const double nb = n_bars;
  const double ns = static_cast<double>(steps);
  for (std::size_t i = 0; i < kLaneCount * steps; ++i) out[i] /= nb;
  std::size_t at = kLaneCount * steps;
  for (std::size_t l = 0; l < kLaneCount; ++l) {
    out[at + l] = lane_hits[l] > 0 ? lane_velocity[l] / lane_hits[l] / 127.0 : 0.0;
    out[at + kLaneCount + l] = lane_hits[l] / nb / ns;
  }
  at += 2 * kLaneCount;
  const double n = static_cast<double>(hits);
  out[at++] = n / nb / ns;
  out[at++] = syncopation / nb / ns;
  std::sort(ticks.begin(), ticks.end());
  std::vector<double> beat_phases, eighth_phases;
  offbeat_phases(ticks, kPpq, 30.0, beat_phases);
  offbeat_phases(ticks, kPpq / 2.0, 15.0, eighth_phases);
  out[at++] = swing_ratio(std::move(beat_phases));
  out[at++] = swing_ratio(std::move(eighth_phases));
  out[at++] = snare_hits > 0 ? static_cast<double>(snare_ghosts) / static_cast<double>(snare_hits) : 0.0;
  const auto sd = [&](double sum, double sq) {
    if (hits == 0) return 0.0;
    const double mean = sum / n;
    return std::sqrt(std::max(0.0, sq / n - mean * mean));
  };
  out[at++] = sd(velocity_sum, velocity_sq) / 127.0;
  out[at++] = hits > 0 ? offset_sum / n / 50.0 : 0.0;
  out[at++] = sd(offset_sum, offset_sq) / 50.0;
  return out;
}

std::string window_feature_name(std::size_t index, int steps_per_bar) {
  const auto steps = static_cast<std::size_t>(std::max(steps_per_bar, 0));
  if (steps > 0 && index < kLaneCount * steps) {
    return "onset " + std::string(lane_id(kAllLanes[index / steps])) + "@" +
           std::to_string(index % steps);
  }
  std::size_t rest = index - kLaneCount * steps;
  if (rest < kLaneCount) return "velocity " + std::string(lane_id(kAllLanes[rest]));
  rest -= kLaneCount;
  if (rest < kLaneCount) return "hits/bar " + std::string(lane_id(kAllLanes[rest]));
  rest -= kLaneCount;
  static constexpr std::array<const char*, kWindowSummaryFeatures> kSummary = {
      "density", "syncopation", "swing 8th", "swing 16th", "ghost rate", "velocity sd",
      "offset mean", "offset sd"};
  return rest < kSummary.size() ? kSummary[rest] : "";
}

std::string onset_key(const SnappedTake& take, int first_bar, int bars) {
  const int begin = std::clamp(first_bar, 0, take.bars);
  const int end = std::clamp(first_bar + std::max(bars, 0), begin, take.bars);
  std::string key;
  key.reserve(static_cast<std::size_t>(end - begin) * static_cast<std::size_t>(take.steps) *
              kLaneCount);
  for (int b = begin; b < end; ++b) {
    for (int st = 0; st < take.steps; ++st) {
      for (std::size_t l = 0; l < kLaneCount; ++l) {
        key.push_back(take.at(b, st, l).velocity > 0 ? '1' : '0');
      }
    }
  }
  return key;
}

std::size_t hamming_distance(std::string_view a, std::string_view b) noexcept {
  const std::size_t common = std::min(a.size(), b.size());
  std::size_t d = std::max(a.size(), b.size()) - common;
  for (std::size_t i = 0; i < common; ++i) d += a[i] != b[i] ? 1 : 0;
  return d;
}

std::string bar_text(const SnappedTake& take, int bar) {
  std::string text;
  if (bar < 0 || bar >= take.bars) return text;
  text.reserve(static_cast<std::size_t>(take.steps) * 7);
  for (int st = 0; st < take.steps; ++st) {
    std::array<char, 6> line{'-', '-', '-', '-', '-', '-'};
    for (std::size_t l = 0; l < kLaneCount; ++l) {
      if (take.at(bar, st, l).velocity > 0) {
        line[static_cast<std::size_t>(text_column(kAllLanes[l]))] = 'o';
      }
    }
    text.append(line.data(), line.size());
    text.push_back('\n');
  }
  return text;
}

std::size_t levenshtein(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
  std::iota(previous.begin(), previous.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitute});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

Result<double> bar_stability(std::span<const std::string> bars) {
  if (bars.size() < 3) {
    return fail(Errc::invalid_argument, "bar stability needs at least 3 bars (got " +
                                            std::to_string(bars.size()) +
                                            "): only inner bars have two neighbours");
  }
  double sum = 0.0;
  for (std::size_t i = 1; i + 1 < bars.size(); ++i) {
    sum += static_cast<double>(
        std::min(levenshtein(bars[i], bars[i - 1]), levenshtein(bars[i], bars[i + 1])));
  }
  return sum / static_cast<double>(bars.size() - 2);
}

Result<LogisticClassifier> LogisticClassifier::fit(const FeatureRows& rows,
                                                   std::span<const int> labels, int classes,
                                                   const LogisticOptions& options) {
  if (rows.empty() || rows.size() != labels.size()) {
    return fail(Errc::invalid_argument,
                "logistic regression needs one label per row and at least one row (rows " +
                    std::to_string(rows.size()) + ", labels " + std::to_string(labels.size()) + ")");
  }
  if (classes < 2) {
    return fail(Errc::invalid_argument,
                "logistic regression needs at least 2 classes, got " + std::to_string(classes));
  }
  if (!std::isfinite(options.l2) || options.l2 < 0.0) {
    return fail(Errc::invalid_argument, "l2 must be a finite number >= 0");
  }
  if (options.iterations < 1 || options.iterations > 100000) {
    return fail(Errc::invalid_argument, "iterations = " + std::to_string(options.iterations) +
                                            " is out of range; allowed: 1 to 100000");
  }
  const std::size_t f = rows.front().size();
  for (const auto& row : rows) {
    if (row.size() != f) {
      return fail(Errc::invalid_argument, "rows differ in length (" + std::to_string(f) +
                                              " and " + std::to_string(row.size()) + ")");
    }
  }
  const auto k = static_cast<std::size_t>(classes);
  std::vector<double> class_count(k, 0.0);
  for (int label : labels) {
    if (label < 0 || label >= classes) {
      return fail(Errc::invalid_argument, "label " + std::to_string(label) +
                                              " is out of range; allowed: 0 to " +
                                              std::to_string(classes - 1));
    }
    class_count[static_cast<std::size_t>(label)] += 1.0;
  }
  const std::size_t n = rows.size();
  std::size_t present = 0;
  for (double c : class_count) present += c > 0 ? 1 : 0;

  LogisticClassifier model;
  model.classes_ = classes;
  model.features_ = f;
  model.mean_.assign(f, 0.0);
  model.scale_.assign(f, 0.0);
  for (const auto& row : rows) {
    for (std::size_t j = 0; j < f; ++j) model.mean_[j] += row[j];
  }
  for (double& m : model.mean_) m /= static_cast<double>(n);
  std::vector<double> var(f, 0.0);
  for (const auto& row : rows) {
    for (std::size_t j = 0; j < f; ++j) var[j] += (row[j] - model.mean_[j]) * (row[j] - model.mean_[j]);
  }
  for (std::size_t j = 0; j < f; ++j) {
    const double sd = std::sqrt(var[j] / static_cast<double>(n));
    model.scale_[j] = sd > 1e-12 ? 1.0 / sd : 0.0;
  }
  // Standardized design matrix with a trailing 1 for the bias.
  const std::size_t d = f + 1;
  std::vector<double> x(n * d);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < f; ++j) {
      x[i * d + j] = (rows[i][j] - model.mean_[j]) * model.scale_[j];
    }
    x[i * d + f] = 1.0;
  }
  std::vector<double> sample_weight(n, 1.0);
  if (options.balance_classes) {
    for (std::size_t i = 0; i < n; ++i) {
      sample_weight[i] = static_cast<double>(n) /
                         (static_cast<double>(present) * class_count[static_cast<std::size_t>(labels[i])]);
    }
  }
  const double weight_total = std::accumulate(sample_weight.begin(), sample_weight.end(), 0.0);

  // Largest eigenvalue of the weighted second-moment matrix, by power iteration.
  std::vector<double> v(d, 1.0 / std::sqrt(static_cast<double>(d))), w(d);
  double lambda = 1.0;
  for (int it = 0; it < 30; ++it) {
    std::fill(w.begin(), w.end(), 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      const double* xi = &x[i * d];
      double dot = 0.0;
      for (std::size_t j = 0; j < d; ++j) dot += xi[j] * v[j];
      dot *= sample_weight[i] / weight_total;
      for (std::size_t j = 0; j < d; ++j) w[j] += dot * xi[j];
    }
    double norm = 0.0;
    for (double e : w) norm += e * e;
    norm = std::sqrt(norm);
    if (norm <= 0.0) break;
    lambda = norm;
    for (std::size_t j = 0; j < d; ++j) v[j] = w[j] / norm;
  }
  // The multinomial loss is (lambda / 2)-smooth; the margin keeps the step safe against an
  // underestimated eigenvalue.
  const double step = 1.0 / (1.1 * (0.5 * lambda + options.l2));

  std::vector<double> weights(k * d, 0.0), previous(k * d, 0.0), look(k * d), grad(k * d);
  std::vector<double> z(k);
  for (int it = 0; it < options.iterations; ++it) {
    const double momentum = static_cast<double>(it) / (static_cast<double>(it) + 3.0);
    for (std::size_t e = 0; e < k * d; ++e) look[e] = weights[e] + momentum * (weights[e] - previous[e]);
    std::fill(grad.begin(), grad.end(), 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      const double* xi = &x[i * d];
      for (std::size_t c = 0; c < k; ++c) {
        const double* wc = &look[c * d];
        double dot = 0.0;
        for (std::size_t j = 0; j < d; ++j) dot += wc[j] * xi[j];
        z[c] = dot;
      }
      softmax_in_place(z);
      z[static_cast<std::size_t>(labels[i])] -= 1.0;
      const double sw = sample_weight[i] / weight_total;
      for (std::size_t c = 0; c < k; ++c) {
        const double g = z[c] * sw;
        double* gc = &grad[c * d];
        for (std::size_t j = 0; j < d; ++j) gc[j] += g * xi[j];
      }
    }
    for (std::size_t c = 0; c < k; ++c) {
      for (std::size_t j = 0; j < f; ++j) grad[c * d + j] += options.l2 * look[c * d + j];
    }
    previous = weights;
    for (std::size_t e = 0; e < k * d; ++e) weights[e] = look[e] - step * grad[e];
  }
  model.weights_ = std::move(weights);
  return model;
}

std::vector<double> LogisticClassifier::probabilities(std::span<const double> row) const {
  const auto k = static_cast<std::size_t>(classes_);
  std::vector<double> z(k, 0.0);
  if (row.size() != features_ || k == 0) return z;
  const std::size_t d = features_ + 1;
  for (std::size_t c = 0; c < k; ++c) {
    const double* wc = &weights_[c * d];
    double dot = wc[features_];
    for (std::size_t j = 0; j < features_; ++j) dot += wc[j] * (row[j] - mean_[j]) * scale_[j];
    z[c] = dot;
  }
  softmax_in_place(z);
  return z;
}

int LogisticClassifier::predict(std::span<const double> row) const {
  if (row.size() != features_ || classes_ == 0) return 0;
  const auto p = probabilities(row);
  return static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
}

double balanced_accuracy(std::span<const int> truth, std::span<const int> predicted) {
  std::vector<std::pair<int, std::pair<double, double>>> per_class;  // label -> (right, total)
  const std::size_t n = std::min(truth.size(), predicted.size());
  for (std::size_t i = 0; i < n; ++i) {
    auto it = std::find_if(per_class.begin(), per_class.end(),
                           [&](const auto& e) { return e.first == truth[i]; });
    if (it == per_class.end()) {
      per_class.push_back({truth[i], {0.0, 0.0}});
      it = per_class.end() - 1;
    }
    it->second.second += 1.0;
    if (predicted[i] == truth[i]) it->second.first += 1.0;
  }
  if (per_class.empty()) return 0.0;
  double sum = 0.0;
  for (const auto& e : per_class) sum += e.second.first / e.second.second;
  return sum / static_cast<double>(per_class.size());
}

Result<double> two_sample_accuracy(const FeatureRows& a, const FeatureRows& b,
                                   const TwoSampleOptions& options) {
  if (options.folds < 2 || options.folds > 20) {
    return fail(Errc::invalid_argument, "folds = " + std::to_string(options.folds) +
                                            " is out of range; allowed: 2 to 20");
  }
  const auto folds = static_cast<std::size_t>(options.folds);
  if (a.size() < folds || b.size() < folds) {
    return fail(Errc::invalid_argument,
                "two-sample test with " + std::to_string(folds) + " folds needs at least " +
                    std::to_string(folds) + " rows per sample (got " + std::to_string(a.size()) +
                    " and " + std::to_string(b.size()) + ")");
  }
  // Every row its own group: the stratified, ungrouped test.
  std::vector<int> ga(a.size()), gb(b.size());
  std::iota(ga.begin(), ga.end(), 0);
  std::iota(gb.begin(), gb.end(), 0);
  return two_sample_accuracy(a, ga, b, gb, options);
}

Result<double> two_sample_accuracy(const FeatureRows& a, std::span<const int> groups_a,
                                   const FeatureRows& b, std::span<const int> groups_b,
                                   const TwoSampleOptions& options) {
  if (options.folds < 2 || options.folds > 20) {
    return fail(Errc::invalid_argument, "folds = " + std::to_string(options.folds) +
                                            " is out of range; allowed: 2 to 20");
  }
  if (groups_a.size() != a.size() || groups_b.size() != b.size()) {
    return fail(Errc::invalid_argument,
                "two-sample test: each row needs one group id (got " + std::to_string(groups_a.size()) +
                    " ids for " + std::to_string(a.size()) + " rows and " + std::to_string(groups_b.size()) +
                    " ids for " + std::to_string(b.size()) + ")");
  }
  const auto distinct = [](std::span<const int> groups) {
    std::vector<int> ids(groups.begin(), groups.end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
  };
  auto ids_a = distinct(groups_a);
  auto ids_b = distinct(groups_b);
  if (ids_a.size() < 2 || ids_b.size() < 2) {
    return fail(Errc::invalid_argument,
                "two-sample test needs at least 2 groups (sources) per sample (got " +
                    std::to_string(ids_a.size()) + " and " + std::to_string(ids_b.size()) + ")");
  }
  const std::size_t folds =
      std::min({static_cast<std::size_t>(options.folds), ids_a.size(), ids_b.size()});
  // Stratified folds: each sample's groups shuffled on their own, then dealt round-robin.
  Rng rng(options.seed);
  const auto deal = [&](std::vector<int>& ids, std::span<const int> groups) {
    const std::size_t n = ids.size();
    shuffle(ids, rng);
    std::vector<std::pair<int, std::size_t>> fold_by_id(n);
    for (std::size_t i = 0; i < n; ++i) fold_by_id[i] = {ids[i], i % folds};
    std::sort(fold_by_id.begin(), fold_by_id.end());
    std::vector<std::size_t> fold(groups.size());
    for (std::size_t i = 0; i < groups.size(); ++i) {
      const auto it = std::lower_bound(fold_by_id.begin(), fold_by_id.end(),
                                       std::pair<int, std::size_t>{groups[i], 0});
      fold[i] = it->second;
    }
    return fold;
  };
  const auto fold_a = deal(ids_a, groups_a);
  const auto fold_b = deal(ids_b, groups_b);
  std::vector<int> truth, predicted;
  for (std::size_t k = 0; k < folds; ++k) {
    FeatureRows train;
    std::vector<int> labels;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (fold_a[i] != k) {
        train.push_back(a[i]);
        labels.push_back(0);
      }
    }
    for (std::size_t i = 0; i < b.size(); ++i) {
      if (fold_b[i] != k) {
        train.push_back(b[i]);
        labels.push_back(1);
      }
    }
    auto model = LogisticClassifier::fit(train, labels, 2, options.model);
    if (!model) return std::unexpected(model.error());
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (fold_a[i] == k) {
        truth.push_back(0);
        predicted.push_back(model->predict(a[i]));
      }
    }
    for (std::size_t i = 0; i < b.size(); ++i) {
      if (fold_b[i] == k) {
        truth.push_back(1);
        predicted.push_back(model->predict(b[i]));
      }
    }
  }
  return balanced_accuracy(truth, predicted);
}

}  // namespace mdg
