#pragma once
// Short-window views of drum performances for measuring style: a take snapped to its grid
// bar by bar, a fixed-length feature vector per window of bars, the bar-as-text form and
// bar-to-bar stability of "Language Models are Drummers" (Zhang & Callison-Burch 2023),
// onset-grid distances, and the two small classifiers the quality benchmark (bench/quality)
// is built on: multinomial logistic regression and a cross-validated two-sample test.
//
// Snapping follows GrooveAccumulator::add: onsets are measured from the take's own pulse
// (placement_bias_ticks), rounded to the nearest grid step, and of several hits of one lane
// on one step the loudest counts. Notes that fold onto no lane are ignored.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/pattern.hpp"

namespace mdg {

// One lane at one step of one bar.
struct SnappedCell {
  std::uint8_t velocity = 0;  // 0 = no hit, else the loudest hit's velocity (1-127)
  float offset_ticks = 0.0f;  // that hit's distance from the step (after the bias), + = late
  float offset_ms = 0.0f;     // the same in milliseconds at the tempo in force
};

struct SnappedTake {
  Grid grid;
  int bars = 0;
  int steps = 0;                    // per bar
  std::vector<SnappedCell> cells;   // bars * steps * kLaneCount, bar-major then step then lane

  [[nodiscard]] const SnappedCell& at(int bar, int step, std::size_t lane) const {
    return cells[(static_cast<std::size_t>(bar) * static_cast<std::size_t>(steps) +
                  static_cast<std::size_t>(step)) * kLaneCount + lane];
  }
  [[nodiscard]] SnappedCell& at(int bar, int step, std::size_t lane) {
    return cells[(static_cast<std::size_t>(bar) * static_cast<std::size_t>(steps) +
                  static_cast<std::size_t>(step)) * kLaneCount + lane];
  }
};

// Snaps a take to `grid`. The bar count is the pattern's length in bars, extended to the
// last snapped onset. Errc::invalid_argument when the take's meter is not the grid's or
// the grid does not fit its meter.
[[nodiscard]] Result<SnappedTake> snap_take(const Pattern& pattern, const Grid& grid);

// The feature vector of bars [first_bar, first_bar + bars) of a snapped 4/4 or other take,
// always of length window_feature_count(steps) for the take's steps per bar:
//   [0, 9*steps)          onset probability of lane l at step s (share of the window's bars
//                         with a hit there), index l*steps + s, lanes in kAllLanes order
//   next 9                mean velocity of each lane's hits / 127 (0 when the lane is silent)
//   next 9                hits per bar of each lane / steps
//   then, one each:       density (hits per bar, all lanes, / steps);
//                         syncopation per bar (Longuet-Higgins & Lee on kick and snare
//                         accents, as in the analyzer) / steps;
//                         eighth swing ratio (median phase of lone off-beats in a beat,
//                         long/short; 1 when fewer than 2 beats give evidence);
//                         sixteenth swing ratio (the same within eighths);
//                         snare ghost rate (share of snare hits <= kGhostVelocity);
//                         velocity standard deviation of all hits / 127;
//                         mean and standard deviation of the onsets' offsets (ms) / 50.
[[nodiscard]] std::size_t window_feature_count(int steps_per_bar) noexcept;
inline constexpr std::size_t kWindowSummaryFeatures = 8;
[[nodiscard]] std::vector<double> window_features(const SnappedTake& take, int first_bar, int bars);
// A short name for feature `index` ("onset snare@5", "velocity kick", "hits/bar hat",
// "density", "syncopation", "swing 8th", "swing 16th", "ghost rate", "velocity sd",
// "offset mean", "offset sd"); empty past the end.
[[nodiscard]] std::string window_feature_name(std::size_t index, int steps_per_bar);

// Which lanes hit at each step of the window: '1' or '0' per (bar, step, lane), in cell
// order; two windows of the same length compare position by position.
[[nodiscard]] std::string onset_key(const SnappedTake& take, int first_bar, int bars);
// Positions where two equal-length onset keys differ.
[[nodiscard]] std::size_t hamming_distance(std::string_view a, std::string_view b) noexcept;

// A bar as text in the Zhang & Callison-Burch format: one line per step, six characters per
// line for crash, ride, snare, kick, hi-hat (closed and open) and tom (all three), 'o' for a
// hit and '-' for a rest, each line ending in '\n' (16 steps -> 112 characters).
[[nodiscard]] std::string bar_text(const SnappedTake& take, int bar);
// Character-level edit distance (insertions, deletions, substitutions cost 1).
[[nodiscard]] std::size_t levenshtein(std::string_view a, std::string_view b);
// Mean over the inner bars (all but the first and last) of the smaller edit distance to the
// previous and the next bar. 0 for a loop; Errc::invalid_argument for fewer than 3 bars.
[[nodiscard]] Result<double> bar_stability(std::span<const std::string> bars);

// Rows of a dense sample matrix.
using FeatureRows = std::vector<std::vector<double>>;

struct LogisticOptions {
  double l2 = 1e-2;           // ridge penalty on the weights (not the biases), >= 0
  int iterations = 300;       // full-batch gradient steps, 1-100000
  bool balance_classes = true;  // weight each sample by n / (classes * n_class)
};

// Multinomial logistic regression on standardized features (each feature's mean and
// standard deviation over the training rows; constant features are left at 0), trained by
// deterministic full-batch gradient descent from zero weights with Nesterov momentum; the
// step is 1/L for L the loss's smoothness bound (largest eigenvalue of the weighted
// covariance, from power iteration, / 2 + l2), so no learning rate needs tuning.
class LogisticClassifier {
 public:
  // labels in [0, classes); rows all of one length. Errc::invalid_argument when the rows are
  // empty or ragged, a label is out of range, classes < 2 or an option is out of range.
  [[nodiscard]] static Result<LogisticClassifier> fit(const FeatureRows& rows,
                                                      std::span<const int> labels, int classes,
                                                      const LogisticOptions& options = {});
  // The most probable class (ties to the lower index). Rows of another length predict 0.
  [[nodiscard]] int predict(std::span<const double> row) const;
  [[nodiscard]] std::vector<double> probabilities(std::span<const double> row) const;
  [[nodiscard]] int classes() const noexcept { return classes_; }

 private:
  int classes_ = 0;
  std::size_t features_ = 0;
  std::vector<double> mean_, scale_;  // per feature; scale 0 = constant feature
  std::vector<double> weights_;       // classes x (features + 1), bias last
};

// Mean of per-class recall over the classes that occur in `truth`.
[[nodiscard]] double balanced_accuracy(std::span<const int> truth, std::span<const int> predicted);

struct TwoSampleOptions {
  int folds = 5;               // 2-20; each fold holds about 1/folds of each sample
  std::uint64_t seed = 1;      // fold assignment
  LogisticOptions model{};
};

// Classifier two-sample test: how well logistic regression tells rows of `a` from rows of
// `b`, as the balanced accuracy of stratified k-fold cross-validation (0.5 = the samples
// look alike, 1 = fully separable). Errc::invalid_argument when a sample has fewer rows
// than folds or the rows differ in length.
[[nodiscard]] Result<double> two_sample_accuracy(const FeatureRows& a, const FeatureRows& b,
                                                 const TwoSampleOptions& options = {});

// The same test with folds dealt by group: rows that share a group id (windows cut from one
// take or one generated file) always fall in the same fold, so the classifier is judged on
// sources it has not seen and cannot tell the samples apart by recognising a source it
// learned. The fold count is min(options.folds, groups in a, groups in b); each sample needs
// at least 2 groups. Errc::invalid_argument when a group list's length differs from its
// sample's or a sample has fewer than 2 groups. With every row its own group this is the
// ungrouped test, fold for fold.
[[nodiscard]] Result<double> two_sample_accuracy(const FeatureRows& a, std::span<const int> groups_a,
                                                 const FeatureRows& b, std::span<const int> groups_b,
                                                 const TwoSampleOptions& options = {});

}  // namespace mdg
