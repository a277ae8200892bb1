#include "generate/engine.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <optional>

#include "core/rng.hpp"
#include "generate/bar_plan.hpp"
#include "generate/complexity_shaping.hpp"
#include "generate/humanize.hpp"
#include "generate/signature.hpp"
#include "generate/trait_shaping.hpp"
#include "groove/analyzer.hpp"
#include "style/params.hpp"

namespace mdg {
namespace {

constexpr LaneMask kSnareOrToms =
    lane_bit(Lane::snare) | lane_bit(Lane::low_tom) | lane_bit(Lane::mid_tom) | lane_bit(Lane::high_tom);
constexpr LaneMask kTimekeepers = lane_bit(Lane::closed_hat) | lane_bit(Lane::open_hat) | lane_bit(Lane::ride);
// The strokes that mark a group of beats in a meter other than the model's (BarPlan::marks_groups).
constexpr LaneMask kGroupMarks = kSnareOrToms | lane_bit(Lane::kick) | lane_bit(Lane::crash);
// On a group start, the model's choices with a kick or snare stroke weigh kGroupMark times
// their count (a downbeat kick the style plays in half its bars then starts about three of
// four 3/4 bars: Generate.OtherMetersMarkTheirGroupStartsWithAStroke),
// and those strokes play kGroupAccent times louder (velocity, up to 127).
constexpr double kGroupMark = 10.0;
constexpr double kGroupAccent = 1.25;

// Core-bar choice: the temperature of the draw among candidates (in typicality units) and
// the bonus per hit of distance from the other variations' cores (up to kCoreSpreadCap hits,
// or for a genre's variations leaning toward its takes up to the mean distance between its
// takes' bars, mean_take_distance: GMD pop's 6 takes of one drummer lie 18 hits apart,
// latin's 36 takes 28; 2 since variations follow their takes' transitions, which bring them
// closer together).
constexpr double kCoreTemperature = 2.0;
constexpr double kCoreSpread = 2.0;
constexpr int kCoreSpreadCap = 20;
// Hits by which the core moves at each phrase start (mean): within a 16-bar take, bars
// far apart then differ about as much as the measured takes' do (bench/quality section 2).
constexpr double kCoreDrift = 3.0;
// The spread (log-SD) of the density leaning of the variations of one request.
constexpr double kDensitySpread = 0.4;
// The random stream of the complexity pass of variation v is kComplexityStream + v.
constexpr std::uint64_t kComplexityStream = 0xC0313E0ULL;
// ... and the notes it adds are rendered from streams forked from that stream's fork kAddedNotes.
constexpr std::uint64_t kAddedNotes = 0xADDEDULL;
// The random stream of the fixed shuffle of a genre's measured takes that its variations
// lean toward in turn (take_order).
constexpr std::uint64_t kTakeStream = 0x7A4E0ULL;
// A variation leaning toward a take scores its core candidates by their likelihood under
// per-step onset shares kTakeBlend of the way from the genre's to the take's, weighted
// kTakeLikelihood, without the genre's anchors (0.25: at 0.5 the take's most likely bars won
// too often; bench/quality section 2 over --seed-offset 0-700 read 0.548 at 0.5, 0.545 at
// 0.25 with the spread cap above).
constexpr double kTakeBlend = 0.5;
constexpr double kTakeLikelihood = 0.25;

// A fill is played at the fill model's dynamics (fills hit harder than the groove: in the
// shipped rock model the high tom averages 97 in fills, 66 in groove bars) on every lane the
// fill model heard at least kMinFillLaneHits times; its step levels are shrunk towards its
// lane level by hits / (hits + kFillShrinkHits), as few fills hit any one step.
constexpr double kMinFillLaneHits = 20.0;
constexpr double kFillShrinkHits = 8.0;

// A measured take's own transitions, per model step: what the drummer played after a given
// previous step and the same position a beat earlier, and after a given previous step alone
// (counts over the take's groove bars, TakeShape::bars).
struct TakeStep {
  std::map<std::uint32_t, std::map<LaneMask, std::uint32_t>> beat_contexts;  // previous << 16 | beat_before
  std::map<LaneMask, std::map<LaneMask, std::uint32_t>> contexts;              // previous
};

// A variation leaning toward a take draws its steps from the take's own transitions where
// the take played the context at least kTakeEvidence times, else from the genre's model.
// Following a drummer's own habits (rather than tilting the genre's mixture of drummers
// toward the take's onset shares) keeps kick, snare and cymbals as that drummer combines
// them; a context the take played only once is left to the genre, so that the take's bars
// are not replayed note for note. bench/quality section 2, mean over --seed-offset 0-700:
// 0.556 with the tilt alone, 0.552 as built here (with kCoreSpread 2: at 1 an experimental
// build read 0.544, but funk's variations fell below the diversity target).
constexpr std::uint32_t kTakeEvidence = 2;

std::uint32_t total(const std::map<LaneMask, std::uint32_t>& counts) {
  std::uint32_t n = 0;
  for (const auto& [mask, count] : counts) n += count;
  return n;
}

struct Lean {
  double strong = 1.0;
  double weak = 1.0;
  // Weight of a kick or snare stroke between the beats (a syncopation when the beat after
  // it rests): > 1 favours them (higher complexity), < 1 keeps the beat plainer; a kick on
  // a beat after the downbeat is weighed by 1 / sqrt(offbeat).
  double offbeat = 1.0;
};

// How strongly complexity leans kick and snare strokes between the beats: the weight is
// 2^((complexity - 0.5) * kSyncopationLean), 1 at the middle.
constexpr double kSyncopationLean = 4.0;

// Samples the lanes hitting at one step: the n-gram given the previous step when the
// context was seen often enough, else the step's unigram. `lean` > 1 favours fuller
// masks (complexity, density trait); `fill` favours snare and toms.
struct Context {
  std::optional<LaneMask> previous;     // the step before
  std::optional<LaneMask> beat_before;  // the same position a beat earlier
};

const std::vector<MaskCount>* beat_context(const StepTransitions& t, LaneMask previous,
                                           LaneMask beat_before) {
  const auto it = std::lower_bound(t.beat_contexts.begin(), t.beat_contexts.end(),
                                   std::pair{previous, beat_before},
                                   [](const BeatContextCounts& c, std::pair<LaneMask, LaneMask> key) {
                                     return std::pair{c.previous, c.beat_before} < key;
                                   });
  if (it == t.beat_contexts.end() || it->previous != previous || it->beat_before != beat_before) {
    return nullptr;
  }
  std::uint32_t total = 0;
  for (const auto& mc : it->next) total += mc.count;
  return total >= 2 ? &it->next : nullptr;
}

// The weight of a candidate mask per lane that it plays (on) or leaves out (off) at one step.
using LaneTilt = std::array<std::pair<double, double>, kLaneCount>;

// `accent` weighs masks with a kick or snare stroke, `kick` those with a kick (see Lean);
// `shaping` (null for fills) reweighs candidates by the bar-shaping traits; `tilt` (null
// when none) by the lanes they play and leave out.
LaneMask sample_mask(const StepTransitions& t, const Context& context, double lean, double accent,
                     double kick, bool fill, const TraitShaping* shaping, bool strong, const LaneTilt* tilt,
                     Rng& rng) {
  const std::vector<MaskCount>* candidates = &t.unigram;
  const std::vector<MaskCount>* rich = nullptr;
  if (context.previous && context.beat_before) {
    rich = beat_context(t, *context.previous, *context.beat_before);
  }
  const bool has_previous = context.previous.has_value();
  const LaneMask previous = context.previous.value_or(0);
  if (rich != nullptr) {
    candidates = rich;
  } else if (has_previous) {
    const auto it = std::lower_bound(
        t.contexts.begin(), t.contexts.end(), previous,
        [](const ContextCounts& c, LaneMask m) { return c.previous < m; });
    if (it != t.contexts.end() && it->previous == previous) {
      std::uint32_t total = 0;
      for (const auto& mc : it->next) total += mc.count;
      if (total >= 2) candidates = &it->next;
    }
  }
  if (candidates->empty()) return 0;
  double weights[512];
  double sum = 0.0;
  std::size_t n = 0;
  for (const auto& mc : *candidates) {
    double w = static_cast<double>(mc.count) * std::pow(lean, std::popcount(mc.mask));
    if ((mc.mask & (lane_bit(Lane::kick) | lane_bit(Lane::snare))) != 0) w *= accent;
    if ((mc.mask & lane_bit(Lane::kick)) != 0) w *= kick;
    if (fill) w *= (mc.mask & kSnareOrToms) != 0 ? 3.0 : ((mc.mask & ~kTimekeepers) == 0 ? 0.4 : 1.0);
    if (shaping != nullptr) w *= shaping->mask_weight(mc.mask, strong);
    if (tilt != nullptr) {
      for (std::size_t l = 0; l < kLaneCount; ++l) w *= (mc.mask & (1u << l)) != 0 ? (*tilt)[l].first : (*tilt)[l].second;
    }
    weights[n++] = w;
    sum += w;
    if (n == 512) break;
  }
  if (sum <= 0.0) return 0;
  double pick = rng.uniform() * sum;
  for (std::size_t i = 0; i < n; ++i) {
    pick -= weights[i];
    if (pick < 0.0) return (*candidates)[i].mask;
  }
  return (*candidates)[n - 1].mask;
}

// The order in which a genre's `count` measured takes are dealt to variations: one fixed
// shuffle, whatever the seed. Variation v of a request at seed s with n variations takes
// place s x n + v (modulo count), so the variations of one request lean on different
// drummers' takes (as many as the genre has), and so do those of consecutive seeds, until
// the order comes round again: every take is used as often as the others, and no two
// variations of neighbouring requests follow the same take. (A draw at random per
// variation repeats takes: 32 variations over a genre of 45 takes follow about 11 takes
// twice, and a classifier that has learned one of them recognises the other;
// bench/quality section 2.)
std::vector<std::size_t> take_order(std::size_t count) {
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  Rng rng(kTakeStream);
  shuffle(order, rng);
  return order;
}

// How tightly a genre's takes are played, pooled: the SD of all its measured takes' hits'
// offsets from their own pulses (within and between takes); 0 when the model did not measure
// the takes' timing.
double pooled_timing_sd(const std::vector<TakeShape>& takes) {
  double hits = 0.0, sum = 0.0;
  std::vector<double> counts(takes.size(), 0.0);
  for (std::size_t k = 0; k < takes.size(); ++k) {
    if (takes[k].timing_sd_ms <= 0.0) continue;
    for (const LaneMask m : takes[k].bars) counts[k] += std::popcount(static_cast<unsigned>(m));
    hits += counts[k];
    sum += counts[k] * takes[k].timing_mean_ms;
  }
  if (hits <= 0.0) return 0.0;
  const double mean = sum / hits;
  double pooled = 0.0;
  for (std::size_t k = 0; k < takes.size(); ++k) {
    const double d = takes[k].timing_mean_ms - mean;
    pooled += counts[k] * (takes[k].timing_sd_ms * takes[k].timing_sd_ms + d * d);
  }
  return std::sqrt(pooled / hits);
}

// How tightly a take is played against its genre: its timing SD over the genre's pooled one
// (pooled_timing_sd), within [kMinTimingScale, kMaxTimingScale]; 1 when either is unmeasured.
// A variation leaning toward the take plays its timing spread that many times the genre's:
// drummers of one genre range from tight to loose (GMD rock windows' offset SD spans about
// 10-40 ms), where the genre's pooled step spreads alone make every variation equally loose.
constexpr double kMinTimingScale = 0.4;
constexpr double kMaxTimingScale = 2.0;

double take_timing_scale(double pooled_sd, const TakeShape& take) {
  if (take.timing_sd_ms <= 0.0 || pooled_sd <= 0.0) return 1.0;
  return std::clamp(take.timing_sd_ms / pooled_sd, kMinTimingScale, kMaxTimingScale);
}

int hit_count(const std::vector<LaneMask>& masks, std::size_t from, std::size_t to) {
  int count = 0;
  for (std::size_t i = from; i < to; ++i) count += std::popcount(masks[i]);
  return count;
}

struct Engine {
  const StyleProfile& profile;
  const GenerateOptions& options;
  const BarPlan& plan;
  const GrooveModel& beat;
  const GrooveModel& fill;
  Lean lean;
  StyleTraits traits;  // the profile's traits with the measured swing filled in
  TraitShaping shaping;  // kick density, open hi-hat, double kick, linear
  // A genre's variation leans toward one measured take of the genre (null: none): the
  // drummer's choice of cymbals, toms and crashes (the lanes other than kick and snare, by
  // how much more or less often the take plays each step than the genre), the bar it builds
  // on (typicality) and how often it plays the snare as a ghost note (ghost_scale).
  const TakeShape* take = nullptr;
  std::vector<LaneTilt> tilts{};  // take_tilt of every model step (empty without a take)
  double ghost_scale = 1.0;
  double timing_scale = 1.0;  // take_timing_scale of the take (1 without one)
  int spread_cap = kCoreSpreadCap;  // the most hits of distance the core spread rewards
  std::vector<TakeStep> take_steps{};  // the take's transitions per model step (empty without bars)

  // Learns the take's transitions from its groove bars.
  void learn_take() {
    const auto steps = static_cast<std::size_t>(beat.steps());
    if (take == nullptr || steps == 0 || take->bars.size() < 2 * steps) return;
    const std::vector<LaneMask>& m = take->bars;
    const auto beat_steps = static_cast<std::size_t>(beat.grid.steps_per_quarter());
    take_steps.assign(steps, {});
    for (std::size_t k = 1; k < m.size(); ++k) {
      TakeStep& ts = take_steps[k % steps];
      ts.contexts[m[k - 1]][m[k]] += 1;
      if (beat_steps > 0 && k >= beat_steps) {
        ts.beat_contexts[static_cast<std::uint32_t>(m[k - 1]) << 16 | m[k - beat_steps]][m[k]] += 1;
      }
    }
  }

  // Whether `bar` after `before` plays two consecutive bars of the take note for note.
  [[nodiscard]] bool copies_take(const std::vector<LaneMask>& before, const std::vector<LaneMask>& bar) const {
    if (take_steps.empty() || before.size() != bar.size()) return false;
    const std::vector<LaneMask>& m = take->bars;
    const std::size_t steps = bar.size();
    for (std::size_t k = 0; k + 2 * steps <= m.size(); k += steps) {
      const auto at = m.begin() + static_cast<std::ptrdiff_t>(k);
      if (std::equal(before.begin(), before.end(), at) &&
          std::equal(bar.begin(), bar.end(), at + static_cast<std::ptrdiff_t>(steps))) {
        return true;
      }
    }
    return false;
  }

  // A step drawn from the take's transitions in `context`, or nothing when the take played
  // that context fewer than kTakeEvidence times.
  std::optional<LaneMask> take_draw(std::size_t step, const Context& context, Rng& rng) const {
    if (step >= take_steps.size() || !context.previous) return std::nullopt;
    const TakeStep& ts = take_steps[step];
    const std::map<LaneMask, std::uint32_t>* counts = nullptr;
    std::uint32_t n = 0;
    if (context.beat_before) {
      const auto it = ts.beat_contexts.find(static_cast<std::uint32_t>(*context.previous) << 16 | *context.beat_before);
      if (it != ts.beat_contexts.end() && (n = total(it->second)) >= kTakeEvidence) counts = &it->second;
    }
    if (counts == nullptr) {
      const auto it = ts.contexts.find(*context.previous);
      if (it == ts.contexts.end() || (n = total(it->second)) < kTakeEvidence) return std::nullopt;
      counts = &it->second;
    }
    auto pick = static_cast<std::int64_t>(rng.below(n));
    for (const auto& [mask, count] : *counts) {
      pick -= count;
      if (pick < 0) return mask;
    }
    return counts->rbegin()->first;
  }

  [[nodiscard]] std::size_t slots() const { return plan.slots.size(); }

  // The genre's share of bars with an onset of `lane` at model step `step`.
  [[nodiscard]] double genre_share(std::size_t lane, std::size_t step) const {
    const auto& steps = beat.lanes[lane].steps;
    return step < steps.size() ? steps[step].onset_prob : 0.0;
  }

  // The take's lean at model step `step`: per lane other than kick and snare, the odds of
  // the take's onset share against the genre's (shares kept within 0.01-0.99).
  [[nodiscard]] LaneTilt take_tilt(std::size_t step) const {
    LaneTilt tilt;
    const auto steps = static_cast<std::size_t>(beat.steps());
    for (std::size_t l = 0; l < kLaneCount; ++l) {
      if (kAllLanes[l] == Lane::kick || kAllLanes[l] == Lane::snare) {
        tilt[l] = {1.0, 1.0};
        continue;
      }
      const double genre = std::clamp(genre_share(l, step), 0.01, 0.99);
      const double own = std::clamp(take->onset_share(l, step, steps), 0.01, 0.99);
      tilt[l] = {own / genre, (1.0 - own) / (1.0 - genre)};
    }
    return tilt;
  }

  // The context of slot i of `bar`, whose slots before i are already decided; `before` is
  // the bar played before it (null at the very start).
  Context context_of(std::size_t i, const std::vector<LaneMask>& bar,
                     const std::vector<LaneMask>* before) const {
    Context c;
    if (i > 0) c.previous = bar[static_cast<std::size_t>(plan.slots[i].previous)];
    else if (before != nullptr) c.previous = before->back();
    const Slot& s = plan.slots[i];
    if (s.back_in_bar >= 0) c.beat_before = bar[static_cast<std::size_t>(s.back_in_bar)];
    else if (s.back_in_previous_bar >= 0 && before != nullptr) {
      c.beat_before = (*before)[static_cast<std::size_t>(s.back_in_previous_bar)];
    }
    return c;
  }

  LaneMask draw(const GrooveModel& model, std::size_t slot, const Context& context, bool is_fill,
                Rng& rng) const {
    const Slot& s = plan.slots[slot];
    const auto step = static_cast<std::size_t>(s.source_step);
    if (step >= model.transitions.size()) return 0;
    const double l = is_fill ? 1.0 : (s.strong ? lean.strong : lean.weak);
    // Busier playing moves kick and snare strokes off the beats (and the kick off the
    // beats after the downbeat), where the rests on the beats make them syncopations.
    const double accent = is_fill ? 1.0 : (s.group_start ? kGroupMark : (s.strong ? 1.0 : lean.offbeat));
    const double kick = is_fill || !s.strong || s.tick == 0 ? 1.0 : 1.0 / std::sqrt(lean.offbeat);
    const TraitShaping* reweigh = is_fill || shaping.neutral() ? nullptr : &shaping;
    const LaneTilt* tilt = !is_fill && step < tilts.size() ? &tilts[step] : nullptr;
    if (!is_fill && !take_steps.empty()) {
      if (const auto own = take_draw(step, context, rng)) return *own;
    }
    return sample_mask(model.transitions[step], context, l, accent, kick, is_fill, reweigh, s.strong, tilt, rng);
  }

  std::vector<LaneMask> sample_bar(const std::vector<LaneMask>* before, Rng& rng) const {
    std::vector<LaneMask> bar(slots());
    for (std::size_t i = 0; i < slots(); ++i) bar[i] = draw(beat, i, context_of(i, bar, before), false, rng);
    return bar;
  }

  // How typical a bar is of the style. The n-gram keeps neighbouring steps coherent; this
  // keeps the whole bar from drifting into rare hybrids of the many grooves a genre model
  // is learned from. Missing an anchor (a lane and step the style plays in most bars, like
  // a rock backbeat) costs its log-odds; the bar's log-likelihood under the per-step onset
  // probabilities breaks ties. A variation leaning toward a take scores by the likelihood
  // alone, under shares between the take's and the genre's: the drummer's own habits count
  // as typical, not the genre's most common groove.
  [[nodiscard]] double typicality(const std::vector<LaneMask>& bar) const {
    double anchors = 0.0;
    double likelihood = 0.0;
    const auto model_steps = static_cast<std::size_t>(beat.steps());
    for (std::size_t i = 0; i < slots(); ++i) {
      const auto step = static_cast<std::size_t>(plan.slots[i].source_step);
      for (Lane lane : kAllLanes) {
        const auto l = lane_index(lane);
        double share = genre_share(l, step);
        if (take != nullptr && step < model_steps) {
          share = (1.0 - kTakeBlend) * share + kTakeBlend * take->onset_share(l, step, model_steps);
        }
        const double p = std::clamp(share, 0.02, 0.98);
        const bool hit = (bar[i] & lane_bit(lane)) != 0;
        likelihood += std::log(hit ? p : 1.0 - p);
        if (p >= 0.5 && !hit) anchors += std::log((1.0 - p) / p);
      }
    }
    if (take != nullptr) return kTakeLikelihood * likelihood;
    return anchors + 0.1 * likelihood;
  }

  // The bar the variation is built on: each candidate is sampled after a warm-up bar so
  // that even its first beat is drawn in full context. A candidate is drawn with weight
  // exp(score), where the score is its typicality plus a bonus for differing from the
  // cores of the variations already made: the variations stay typical of the style
  // without all converging on its most common groove. Fewer candidates at higher
  // complexity let rarer, busier bars through.
  std::vector<LaneMask> core_bar(const std::vector<std::vector<LaneMask>>& others, Rng& rng) const {
    const int candidates = std::max(1, static_cast<int>(std::lround(2.0 + 14.0 * (1.0 - options.complexity))));
    std::vector<std::vector<LaneMask>> pool;
    std::vector<double> scores;
    for (int attempt = 0; attempt < candidates || pool.empty(); ++attempt) {
      const std::vector<LaneMask> warm_up = sample_bar(nullptr, rng);
      std::vector<LaneMask> bar = sample_bar(&warm_up, rng);
      // A groove needs a pulse: at least one hit per beat.
      if (hit_count(bar, 0, bar.size()) < plan.beats && attempt < 4 * candidates) continue;
      double score = typicality(bar);
      if (!others.empty()) {
        int nearest = std::numeric_limits<int>::max();
        for (const auto& o : others) nearest = std::min(nearest, lane_distance(bar, o));
        score += kCoreSpread * std::min(nearest, spread_cap);
      }
      scores.push_back(score / kCoreTemperature);
      pool.push_back(std::move(bar));
    }
    const double top = *std::max_element(scores.begin(), scores.end());
    double sum = 0.0;
    for (double& sc : scores) sum += (sc = std::exp(sc - top));
    double pick = rng.uniform() * sum;
    for (std::size_t i = 0; i < pool.size(); ++i) {
      pick -= scores[i];
      if (pick < 0.0) return without_marker_crash(std::move(pool[i]));
    }
    return without_marker_crash(std::move(pool.back()));
  }

  // A crash on the downbeat alone marks a phrase (after a fill, at a section start); it is
  // not part of the groove the variation repeats, so the core leaves it to the phrase
  // marking below. A crash the groove rides on (other slots too) stays.
  static std::vector<LaneMask> without_marker_crash(std::vector<LaneMask> bar) {
    constexpr LaneMask crash = lane_bit(Lane::crash);
    if (bar.empty() || (bar[0] & crash) == 0) return bar;
    if (std::none_of(bar.begin() + 1, bar.end(), [](LaneMask m) { return (m & crash) != 0; })) {
      bar[0] = static_cast<LaneMask>(bar[0] & ~crash);
    }
    return bar;
  }

  // Returns the first slot of the fill region for a bar: the fill lasts about a beat at
  // low complexity, one or two beats in the middle, two beats or the whole bar when busy,
  // and always starts on a beat.
  std::size_t fill_start(Rng& rng) const {
    const double c = options.complexity;
    std::int64_t length = kPpq;
    if (c >= 0.7) length = rng.chance(0.3) ? plan.bar_ticks : 2 * kPpq;
    else if (c >= 0.35) length = rng.chance(0.5) ? 2 * kPpq : kPpq;
    const std::int64_t earliest = std::max<std::int64_t>(0, plan.bar_ticks - length);
    std::size_t last_beat = 0;
    for (std::size_t i = 0; i < slots(); ++i) {
      if (!plan.slots[i].strong) continue;
      if (plan.slots[i].tick >= earliest) return i;
      last_beat = i;
    }
    return last_beat;
  }

  // Overwrites masks[from, to) with a fill; the fill model when the style has one, else
  // a snare-to-floor-tom run.
  void write_fill(std::vector<LaneMask>& bar, std::size_t from, const std::vector<LaneMask>* before,
                  Rng& rng) const {
    const std::size_t len = slots() - from;
    const int wanted = std::max(2, static_cast<int>(len) / 3);
    if (!fill.empty()) {
      std::vector<LaneMask> best;
      for (int attempt = 0; attempt < 8; ++attempt) {
        std::vector<LaneMask> trial(bar);
        for (std::size_t i = from; i < slots(); ++i) {
          trial[i] = draw(fill, i, context_of(i, trial, before), true, rng);
        }
        const int hits = hit_count(trial, from, slots());
        const int drums = static_cast<int>(std::count_if(
            trial.begin() + static_cast<std::ptrdiff_t>(from), trial.end(),
            [](LaneMask m) { return (m & kSnareOrToms) != 0; }));
        if (best.empty() || drums > 0) best = trial;
        if (hits >= wanted && drums >= wanted / 2 + 1) {
          bar = std::move(trial);
          return;
        }
      }
      if (!best.empty() &&
          std::any_of(best.begin() + static_cast<std::ptrdiff_t>(from), best.end(),
                      [](LaneMask m) { return (m & kSnareOrToms) != 0; })) {
        bar = std::move(best);
        return;
      }
    }
    constexpr std::array<Lane, 4> kRun = {Lane::snare, Lane::high_tom, Lane::mid_tom, Lane::low_tom};
    for (std::size_t i = from; i < slots(); ++i) {
      const std::size_t part = (i - from) * kRun.size() / std::max<std::size_t>(len, 1);
      const bool play = len <= 4 || (i - from) % 2 == 0 || rng.chance(0.6);
      bar[i] = play ? lane_bit(kRun[part]) : 0;
      if (plan.slots[i].strong) bar[i] |= lane_bit(Lane::kick);
    }
  }

  // Styles with more ghost notes than the model (ghost_notes > 1) add quiet snare strokes
  // on weak steps, where the model itself has ghost-note evidence.
  void add_ghosts(std::vector<LaneMask>& bar, std::size_t groove_end, std::vector<bool>& forced,
                  std::size_t offset, Rng& rng) const {
    const double extra = profile.traits.ghost_notes - 1.0;
    if (extra <= 0.0) return;
    const LaneStats& snare = beat.lanes[lane_index(Lane::snare)];
    for (std::size_t i = 0; i < groove_end; ++i) {
      const Slot& s = plan.slots[i];
      if (s.strong || (bar[i] & (lane_bit(Lane::snare) | lane_bit(Lane::kick))) != 0) continue;
      const auto step = static_cast<std::size_t>(s.source_step);
      if (step >= snare.steps.size()) continue;
      const StepStats& st = snare.steps[step];
      const double evidence = st.onset_prob * std::max(st.ghost_prob, 0.15) + 0.02;
      if (rng.chance(std::clamp(extra * evidence * 0.75, 0.0, 0.5))) {
        bar[i] |= lane_bit(Lane::snare);
        forced[offset + i] = true;
      }
    }
  }

  // A variation of the core bar that differs from it in about `edits` lane hits: slots
  // drawn at random are re-sampled from the model in their new context until the bar is
  // that far from the core (a model with one choice per context, a loop, stays unchanged).
  // The downbeat anchors the groove and is re-sampled far less often.
  std::vector<LaneMask> vary(const std::vector<LaneMask>& core, int edits,
                             const std::vector<LaneMask>* before, Rng& rng) const {
    std::vector<LaneMask> bar(core);
    const std::size_t n = slots();
    const auto tries = static_cast<int>(6 * n);
    for (int t = 0; t < tries && lane_distance(bar, core) < edits; ++t) {
      const auto i = static_cast<std::size_t>(rng.below(n));
      if (plan.slots[i].tick == 0 && !rng.chance(0.25)) continue;
      bar[i] = draw(beat, i, context_of(i, bar, before), false, rng);
    }
    return bar;
  }

  static int lane_distance(const std::vector<LaneMask>& a, const std::vector<LaneMask>& b) {
    int d = 0;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
      d += std::popcount(static_cast<unsigned>(a[i] ^ b[i]));
    }
    return d;
  }
};

std::array<DrumNote, kLaneCount> lane_notes(const GrooveModel& model, const StyleTraits& traits) {
  std::array<DrumNote, kLaneCount> notes{};
  for (Lane lane : kAllLanes) {
    const DrumNote n = model.lanes[lane_index(lane)].note;
    notes[lane_index(lane)] = n != 0 ? n : lane_default_note(lane);
  }
  // A timekeeper trait moves the model's main cymbal pattern onto the artist's cymbal;
  // when the model already keeps time there, the other cymbal keeps its own part (the
  // hi-hat foot on 2 and 4 under a jazz ride).
  const double hats = model.lanes[lane_index(Lane::closed_hat)].hits_per_bar;
  const double ride = model.lanes[lane_index(Lane::ride)].hits_per_bar;
  if (traits.timekeeper == Lane::ride && hats > ride) {
    notes[lane_index(Lane::closed_hat)] = 51;
    notes[lane_index(Lane::open_hat)] = 53;
  } else if (traits.timekeeper == Lane::closed_hat && ride > hats) {
    notes[lane_index(Lane::ride)] = 42;
  }
  if (traits.snare_note) notes[lane_index(Lane::snare)] = *traits.snare_note;
  return notes;
}

// The signature groove's percussion that folds onto no lane (cowbell, congas, shaker...):
// written where the groove has it, with the closed hi-hat's timing feel and the style's
// hi-hat velocity spread around the written velocity.
void render_extras(const Engine& e, const SignatureCore& sig, StyleFeel& feel, int bar, double h,
                   double ms_tick, double slot_ticks, Pattern& p, Rng& rng) {
  for (const ExtraHit& x : sig.extras[static_cast<std::size_t>(bar) % sig.size()]) {
    const Slot& s = e.plan.slots[x.slot];
    const double plain = feel.quantized_velocity(Lane::closed_hat, s.source_step, false);
    const double drawn = feel.velocity(Lane::closed_hat, s.source_step, false, std::nullopt, rng);
    const auto velocity = static_cast<std::uint8_t>(std::clamp(std::lround(x.velocity + h * (drawn - plain)), 1L, 127L));
    const double grid_tick = static_cast<double>(e.plan.bar_ticks * bar + s.tick) + feel.swing_ticks(s);
    const double feel_ms = feel.timing_ms(Lane::closed_hat, s, rng);
    const std::int64_t tick = std::min(feel.place(bar, x.slot, grid_tick, feel_ms, h, ms_tick), p.length_ticks - 1);
    p.hits.push_back(Hit{tick, x.note, velocity, std::min<std::int64_t>(60, static_cast<std::int64_t>(slot_ticks / 2))});
  }
}

// The lanes whose fill dynamics the fill model heard often enough to play them (at least
// kMinFillLaneHits strokes); on the others a fill keeps the groove's dynamics.
std::array<bool, kLaneCount> fill_lanes_heard(const GrooveModel& fill) {
  std::array<bool, kLaneCount> heard{};
  for (std::size_t l = 0; l < kLaneCount; ++l) {
    double hits = 0.0;
    for (const StepStats& st : fill.lanes[l].steps) hits += st.hits;
    heard[l] = hits >= kMinFillLaneHits && fill.lanes[l].velocity_mean > 0.0;
  }
  return heard;
}

// The level of a non-ghost stroke of `lane` at `step` in a fill (a lane fill_lanes_heard),
// and the factor on its drawn spread around the groove's level (the fill's lane SD over the
// groove step's).
struct FillLevel {
  double level = 0.0;
  double spread = 1.0;
};

FillLevel fill_level(const GrooveModel& fill, const GrooveModel& beat, Lane lane, int step) {
  const LaneStats& fl = fill.lanes[lane_index(lane)];
  const LaneStats& bl = beat.lanes[lane_index(lane)];
  const auto at = static_cast<std::size_t>(step);
  const StepStats fs = step >= 0 && at < fl.steps.size() ? fl.steps[at] : StepStats{};
  const StepStats bs = step >= 0 && at < bl.steps.size() ? bl.steps[at] : StepStats{};
  const double w = fs.velocity_mean > 0.0 ? fs.hits / (fs.hits + kFillShrinkHits) : 0.0;
  const double groove_sd = bs.velocity_mean > 0.0 ? bs.velocity_sd : bl.velocity_sd;
  return FillLevel{w * fs.velocity_mean + (1.0 - w) * fl.velocity_mean,
                   groove_sd > 1.0 ? fl.velocity_sd / groove_sd : 1.0};
}

// `sig` (with --signature): where a hit is the groove's own (its core bar has that lane at
// that slot) it keeps the written note and velocity, humanized by the style's spread; the
// groove's extra percussion plays with every bar.
//
// `natural` and `natural_ghosts` are the variation as sampled (before --complexity reshaped
// it into `masks` and `forced_ghosts`): every natural note draws its ghost choice, velocity
// and timing from `rng` in the same order whether or not complexity removed it (a removed
// note is drawn and dropped), and every note complexity added draws from its own stream
// forked from `added` by cell and lane. So one seed renders the notes the complexity levels
// share identically, and complexity 0.5 renders exactly the sampled variation.
Variation render(const Engine& e, const std::vector<LaneMask>& natural, const std::vector<bool>& natural_ghosts,
                 const std::vector<LaneMask>& masks, const std::vector<bool>& fill_bars,
                 const std::vector<std::size_t>& groove_ends, const std::vector<bool>& forced_ghosts, double tempo,
                 int index, Rng& rng, const Rng& added, const SignatureCore* sig) {
  const StyleTraits& traits = e.traits;
  const int bars = e.options.bars;
  const auto slots = e.slots();
  const double h = e.options.humanize;
  const double ms_tick = ms_per_tick(tempo);
  const GrooveModel& beat = e.beat;

  Variation v;
  v.grid.meter = e.options.meter;
  v.grid.subdivision = e.plan.subdivision;
  v.grid.bars = bars;
  v.grid.fill_bars = fill_bars;
  v.grid.lane_notes = lane_notes(beat, traits);
  for (const auto& s : e.plan.slots) {
    v.grid.slot_ticks.push_back(s.tick);
    v.grid.beat_starts.push_back(s.strong);
  }
  v.grid.cells.assign(masks.size(), {});
  v.fills = static_cast<int>(std::count(fill_bars.begin(), fill_bars.end(), true));

  Pattern& p = v.pattern;
  p.name = e.profile.name + " - Variation " + std::to_string(index + 1);
  p.meter = e.options.meter;
  p.tempo_bpm = tempo;
  p.length_ticks = e.plan.bar_ticks * bars;

  const double slot_ticks = e.plan.subdivision == Subdivision::triplet ? kPpq / 3.0 : kPpq / 4.0;
  const double snare_ghost_scale = std::clamp(traits.ghost_notes, 0.0, 4.0);

  // The style's feel, as humanize() applies it to a user's pattern: each written note's
  // "original" is its grid position (plus imposed swing) at the step's mean velocity.
  StyleTraits feel_traits = e.profile.traits;
  feel_traits.timing_spread *= e.timing_scale;
  StyleFeel feel(beat, e.plan, feel_traits);
  const std::array<bool, kLaneCount> fill_heard = fill_lanes_heard(e.fill);
  // A drummer plays a whole take louder or softer on each drum than the style's average:
  // each lane's loudness for this variation is drawn once and carries a share of the
  // accents' measured spread (as a loudness rank does in humanize), the rest varies note
  // by note.
  std::array<double, kLaneCount> loudness{};
  for (double& z : loudness) z = rng.normal();
  int current_beat = -1;
  for (int bar = 0; bar < bars; ++bar) {
    for (std::size_t i = 0; i < slots; ++i) {
      const std::size_t cell = static_cast<std::size_t>(bar) * slots + i;
      const Slot& s = e.plan.slots[i];
      if (s.beat != current_beat || i == 0) {
        feel.start_beat(rng);
        current_beat = s.beat;
      }
      const LaneMask mask = static_cast<LaneMask>(masks[cell] | natural[cell]);
      if (mask == 0) continue;
      for (Lane lane : kAllLanes) {
        if ((mask & lane_bit(lane)) == 0) continue;
        const auto li = lane_index(lane);
        const bool sampled = (natural[cell] & lane_bit(lane)) != 0;
        const bool kept = (masks[cell] & lane_bit(lane)) != 0;
        Rng own = added.fork(static_cast<std::uint64_t>(cell) * kLaneCount + li);
        Rng& r = sampled ? rng : own;
        const bool forced = sampled ? natural_ghosts[cell] : forced_ghosts[cell];
        // The take a genre's variation leans toward plays more snare ghost notes than the
        // genre (more of its snare strokes are ghosts) or fewer (the others are dropped).
        const double take_ghosts = lane == Lane::snare ? e.ghost_scale : 1.0;
        bool ghost = r.chance(std::min(0.95, std::max(take_ghosts, 1.0) * feel.ghost_prob(lane, s.source_step)));
        if (lane == Lane::snare) {
          if (forced) ghost = true;
          // A style with fewer ghost notes drops them rather than playing them loud.
          else if (ghost && snare_ghost_scale < 1.0 && r.chance(1.0 - snare_ghost_scale)) continue;
          else if (ghost && take_ghosts < 1.0 && r.chance(1.0 - take_ghosts)) continue;
        }
        const WrittenHit* written = nullptr;
        if (sig != nullptr) {
          const auto core = static_cast<std::size_t>(bar) % sig->size();
          const WrittenHit& w = sig->written[core][i][li];
          if (w.velocity > 0 && (sig->bars[core][i] & lane_bit(lane)) != 0) written = &w;
        }
        if (written != nullptr) ghost = written->velocity <= kGhostVelocity;
        const double plain = feel.quantized_velocity(lane, s.source_step, ghost);
        const double drawn = feel.velocity(lane, s.source_step, ghost, loudness[li], r);
        double vel = written != nullptr ? written->velocity + h * (drawn - plain) : plain + h * (drawn - plain);
        const auto b = static_cast<std::size_t>(bar);
        if (written == nullptr && !ghost && fill_bars[b] && i >= groove_ends[b] && fill_heard[li]) {
          const FillLevel f = fill_level(e.fill, beat, lane, s.source_step);
          vel = std::clamp(f.level + h * (drawn - plain) * f.spread, kGhostVelocity + 1.0, 127.0);
        }
        if (written == nullptr && s.group_start && !ghost && (lane_bit(lane) & kGroupMarks) != 0) vel *= kGroupAccent;
        const auto velocity = static_cast<std::uint8_t>(std::clamp(std::lround(vel), 1L, 127L));

        const double grid_tick = static_cast<double>(e.plan.bar_ticks * bar + s.tick) + feel.swing_ticks(s);
        const double feel_ms = feel.timing_ms(lane, s, r);
        if (!kept) continue;  // drawn as sampled, removed by --complexity
        const std::int64_t tick = std::min(feel.place(bar, i, grid_tick, feel_ms, h, ms_tick), p.length_ticks - 1);

        DrumNote note = v.grid.lane_notes[li];
        if (lane == Lane::snare && ghost) note = 38;  // ghosts are played on the head
        if (written != nullptr) note = written->note;
        p.hits.push_back(Hit{tick, note, velocity, std::min<std::int64_t>(60, static_cast<std::int64_t>(slot_ticks / 2))});
        v.grid.cells[cell][li] = velocity;
      }
    }
    if (sig != nullptr) render_extras(e, *sig, feel, bar, h, ms_tick, slot_ticks, p, rng);
  }
  p.sort_hits();
  return v;
}

}  // namespace

double pick_tempo(const StyleProfile& profile, std::uint64_t seed) {
  Rng rng = Rng(seed).fork(0x7E3B0);
  const TempoRange& t = profile.tempo;
  const double spread = (t.max - t.min) / 6.0;
  const double bpm = t.typical + spread * rng.normal();
  const double lo = std::max(std::ceil(t.min), kMinTempo);
  const double hi = std::min(std::floor(t.max), kMaxTempo);
  if (lo > hi) return std::clamp(std::round(t.typical), kMinTempo, kMaxTempo);
  return std::clamp(std::round(bpm), lo, hi);
}

Result<GenerateOptions> validate(const GenerateOptions& options) {
  auto check = [](std::string_view name, double value) -> Result<double> {
    return check_param(*find_param(name), value);
  };
  if (auto r = check("bars", options.bars); !r) return std::unexpected(r.error());
  if (auto r = check("variations", options.variations); !r) return std::unexpected(r.error());
  if (auto r = check("humanize", options.humanize); !r) return std::unexpected(r.error());
  if (auto r = check("complexity", options.complexity); !r) return std::unexpected(r.error());
  if (options.tempo_bpm) {
    if (auto r = check("tempo", *options.tempo_bpm); !r) return std::unexpected(r.error());
  }
  if (auto r = Meter::make(options.meter.numerator, options.meter.denominator); !r) {
    return std::unexpected(r.error());
  }
  if (options.signature != 0) {
    if (auto r = check("signature", options.signature); !r) return std::unexpected(r.error());
  }
  return options;
}

Result<Generation> generate(const StyleProfile& profile, const GenerateOptions& raw) {
  auto checked = validate(raw);
  if (!checked) return std::unexpected(checked.error());
  const GenerateOptions& options = *checked;
  if (profile.groove.sixteenth.empty() && profile.groove.triplet.empty()) {
    return fail(Errc::invalid_argument,
                "style '" + profile.name + "' has no groove model to generate from");
  }
  // With --signature, the groove is laid onto a plan on its own grid and in its meter.
  std::optional<SignatureCore> sig;
  std::optional<Subdivision> prefer;
  const SignatureGroove* groove = nullptr;
  if (options.signature != 0) {
    auto picked = pick_signature(profile, options.signature);
    if (!picked) return std::unexpected(picked.error());
    groove = *picked;
    auto head = read_signature(*groove);
    if (!head) return std::unexpected(head.error());
    if (!(head->meter == options.meter)) {
      return fail(Errc::invalid_argument,
                  "signature groove '" + groove->name + "' of '" + profile.name + "' is in " +
                      head->meter.to_string() + "; --time-signature must be " + head->meter.to_string() +
                      " or left out with --signature");
    }
    prefer = head->subdivision;
  }
  const BarPlan plan = plan_bar(options.meter, profile.groove, prefer);
  if (groove != nullptr) {
    auto laid = lay_signature(*groove, plan);
    if (!laid) return std::unexpected(laid.error());
    sig = std::move(*laid);
  }
  const GrooveModel& beat = profile.groove.beat(plan.subdivision);
  const GrooveModel& fill = profile.groove.fill(plan.subdivision);

  // Every variation is sampled at the style's own complexity; --complexity then thins or
  // adds to it (generate/complexity_shaping), nested per seed.
  GenerateOptions natural = options;
  natural.complexity = kNaturalComplexity;
  const double c = natural.complexity;
  const double lean = std::clamp(profile.traits.density, 0.2, 5.0) * std::pow(2.0, (c - 0.5) * 1.6);
  // On the sixteenth grid, eighths the style measurably swings are swung by that ratio.
  const StyleTraits traits = StyleFeel(beat, plan, profile.traits).traits();
  const double offbeat = std::pow(2.0, (c - 0.5) * kSyncopationLean);
  const Engine base{profile, natural, plan, beat, fill, Lean{std::sqrt(lean), lean, offbeat}, traits,
                    TraitShaping(profile.traits)};

  Generation out;
  out.style_id = profile.id;
  out.style_name = profile.name;
  out.tempo_bpm = options.tempo_bpm ? *options.tempo_bpm : pick_tempo(profile, options.seed);
  if (sig && sig->tempo && !options.tempo_bpm) out.tempo_bpm = std::clamp(std::round(*sig->tempo), kMinTempo, kMaxTempo);
  if (sig) out.signature = sig->name;
  out.meter = options.meter;
  out.bars = options.bars;
  out.seed = options.seed;
  out.subdivision = plan.subdivision;

  const int phrase = std::clamp(profile.traits.phrase_bars, 1, 16);
  // Without an artist's fill rate, phrase ends get fills as often as the style's drummers
  // fill per bar in the measured beat takes (the model's share of fill bars, per phrase).
  const double fill_prob = profile.traits.fill_rate >= 0.0
                               ? profile.traits.fill_rate
                               : std::clamp(beat.fill_rate * static_cast<double>(phrase), 0.0, 1.0);
  // The crash marking phrases. With an artist's fill rate, after each fill as the trait
  // says. Without one (fills as measured), crashes mark phrase starts as often as the
  // style's drummers crash on a downbeat (the model's onset share, per phrase): after a
  // fill as the trait says up to that share, what it leaves at phrase starts without one.
  double crash_after_fill = profile.traits.crash_after_fill;
  double crash_phrase_start = 0.0;
  if (profile.traits.fill_rate < 0.0) {
    const auto& crash_steps = beat.lanes[lane_index(Lane::crash)].steps;
    const double share = std::clamp(
        (crash_steps.empty() ? 0.0 : crash_steps[0].onset_prob) * static_cast<double>(phrase), 0.0, 1.0);
    crash_after_fill = fill_prob > 0.0 ? std::min(crash_after_fill, share / fill_prob) : 0.0;
    if (fill_prob < 1.0) {
      crash_phrase_start = std::clamp((share - fill_prob * crash_after_fill) / (1.0 - fill_prob), 0.0, 1.0);
    }
  }
  // Bars after the first vary the core by a few hits each (more when busier), so that
  // neighbouring bars differ about as much as a drummer's do without losing the groove.
  const double edits_mean = 1.5 + 2.0 * c;
  const Rng root(options.seed);
  const ComplexityShaping complexity(plan, options.meter, beat, base.shaping);
  // A genre request (not an artist's, whose traits make the style, nor a signature groove)
  // spreads its variations over the genre's drummers: each leans toward one measured take,
  // dealt in turn (take_order), and plays ghost notes as often as that drummer does relative to the
  // genre (the take's share of snare ghost notes over the genre's: above 1 more of the snare
  // strokes are ghosts, below 1 that share of the ghost notes is dropped).
  const bool by_take = profile.kind == ProfileKind::genre && !sig && !beat.takes.empty() &&
                       options.meter == beat.grid.meter;
  double genre_ghosts = 0.0;
  const std::vector<std::size_t> takes_dealt = by_take ? take_order(beat.takes.size()) : std::vector<std::size_t>{};
  if (by_take) {
    double hits = 0.0, ghosts = 0.0;
    for (const TakeShape& t : beat.takes) {
      hits += t.snare_hits;
      ghosts += t.snare_ghosts;
    }
    genre_ghosts = hits > 0.0 ? ghosts / hits : 0.0;
  }
  std::vector<std::vector<LaneMask>> accepted;
  std::vector<std::vector<LaneMask>> cores;
  const double genre_timing_sd = by_take ? pooled_timing_sd(beat.takes) : 0.0;
  // A genre's variations are pushed apart up to as far as its drummers' bars differ.
  const int spread_cap = by_take && beat.takes.size() >= 2
                             ? std::max(1, static_cast<int>(std::lround(mean_take_distance(beat.takes))))
                             : kCoreSpreadCap;

  for (int v = 0; v < options.variations; ++v) {
    std::vector<LaneMask> masks;
    std::vector<bool> fill_bars;
    std::vector<bool> forced_ghosts;
    std::vector<std::size_t> groove_ends;
    std::vector<LaneMask> natural_core;
    std::vector<LaneMask> natural_masks;  // as sampled, before --complexity
    std::vector<bool> natural_ghosts;
    Rng rng = root.fork(static_cast<std::uint64_t>(v));
    // Drummers of one style differ in how much they play: each variation leans a little
    // sparser or busier around the requested complexity (the same seed draws the same
    // leaning at every complexity, so complexity still orders the density).
    Engine engine = base;
    std::optional<Engine> genre_only;  // the same without the take's transitions
    const double leaning = std::exp(kDensitySpread * root.fork(0xDE5100ULL + static_cast<std::uint64_t>(v)).normal());
    engine.lean = Lean{std::sqrt(lean * leaning), lean * leaning, offbeat};
    if (by_take) {
      const std::uint64_t place = options.seed * static_cast<std::uint64_t>(options.variations) + static_cast<std::uint64_t>(v);
      engine.take = &beat.takes[takes_dealt[place % takes_dealt.size()]];
      for (std::size_t st = 0; st < static_cast<std::size_t>(beat.steps()); ++st) {
        engine.tilts.push_back(engine.take_tilt(st));
      }
      genre_only.emplace(engine);
      engine.learn_take();
      engine.timing_scale = take_timing_scale(genre_timing_sd, *engine.take);
      engine.spread_cap = spread_cap;
      if (genre_ghosts > 0.0 && engine.take->snare_hits > 0) {
        engine.ghost_scale = static_cast<double>(engine.take->snare_ghosts) /
                             static_cast<double>(engine.take->snare_hits) / genre_ghosts;
      }
    }
    for (int attempt = 0; attempt < 16; ++attempt) {
      const std::size_t slots = engine.slots();
      // The core: one bar the engine draws, or the signature groove's bar(s) in turn.
      std::vector<std::vector<LaneMask>> core_bars =
          sig ? sig->bars : std::vector<std::vector<LaneMask>>{engine.core_bar(cores, rng)};
      masks.assign(static_cast<std::size_t>(options.bars) * slots, 0);
      fill_bars.assign(static_cast<std::size_t>(options.bars), false);
      forced_ghosts.assign(masks.size(), false);
      groove_ends.assign(static_cast<std::size_t>(options.bars), slots);
      std::vector<LaneMask> previous = core_bars.back();  // the loop's bar before bar 1
      for (int bar = 0; bar < options.bars; ++bar) {
        // A drummer's groove wanders over a take: each new phrase moves the core itself a
        // few hits (bars within a phrase vary around it), so that bars far apart differ
        // more than neighbours do, as in the measured takes.
        if (!sig && bar > 0 && bar % phrase == 0) {
          const int drift = static_cast<int>(std::floor(kCoreDrift + 2.0 * rng.uniform() - 0.5));
          core_bars[0] = Engine::without_marker_crash(engine.vary(core_bars[0], drift, &previous, rng));
        }
        const auto& core = core_bars[static_cast<std::size_t>(bar) % core_bars.size()];
        // The first variation opens with the signature groove as written; every other bar
        // (and every other variation's first) varies its core.
        const bool as_written = sig ? (v == 0 && static_cast<std::size_t>(bar) < core_bars.size()) : bar == 0;
        const int edits = as_written ? 0 : static_cast<int>(std::floor(edits_mean + 2.0 * rng.uniform() - 0.5));
        std::vector<LaneMask> bm = engine.vary(core, sig && !as_written ? std::max(edits, 1) : edits, &previous, rng);
        // A drummer rarely plays the very same bar twice in a row; nor does a variation
        // (unless the style leaves no choice).
        // Nor two bars of the take it follows note for note.
        // (the last tries leave the take's transitions to the genre's: a take that loops one
        // bar has nothing else to offer).
        for (int retry = 0; retry < 4 && !as_written && bar > 0 && (bm == previous || engine.copies_take(previous, bm));
             ++retry) {
          bm = (retry >= 2 && genre_only ? *genre_only : engine).vary(core, std::max(edits, 1), &previous, rng);
        }
        const bool phrase_end = options.bars >= 2 && ((bar + 1) % phrase == 0 || bar == options.bars - 1);
        std::size_t groove_end = slots;
        if (phrase_end && rng.chance(fill_prob)) {
          groove_end = engine.fill_start(rng);
          engine.write_fill(bm, groove_end, &previous, rng);
          fill_bars[static_cast<std::size_t>(bar)] = true;
          groove_ends[static_cast<std::size_t>(bar)] = groove_end;
        }
        engine.shaping.shape_bar(bm, plan, groove_end, rng);
        engine.add_ghosts(bm, groove_end, forced_ghosts, static_cast<std::size_t>(bar) * slots, rng);
        std::copy(bm.begin(), bm.end(), masks.begin() + static_cast<std::ptrdiff_t>(bar * slots));
        previous = std::move(bm);
      }
      // A crash (with the kick) marks the downbeat after a fill, and now and then a phrase
      // start without one; the hi-hat makes way.
      for (int bar = 0; bar < options.bars; ++bar) {
        const int before = (bar + options.bars - 1) % options.bars;
        if (options.bars < 2) continue;
        const bool after_fill = fill_bars[static_cast<std::size_t>(before)];
        if (!after_fill && (bar % phrase != 0 || crash_phrase_start <= 0.0)) continue;
        if (!rng.chance(after_fill ? crash_after_fill : crash_phrase_start)) continue;
        LaneMask& down = masks[static_cast<std::size_t>(bar) * slots];
        down = static_cast<LaneMask>((down | lane_bit(Lane::crash) | lane_bit(Lane::kick)) &
                                     ~(lane_bit(Lane::closed_hat) | lane_bit(Lane::open_hat)));
      }
      natural_core.assign(masks.begin(), masks.begin() + static_cast<std::ptrdiff_t>(slots));
      natural_masks = masks;
      natural_ghosts = forced_ghosts;
      complexity.apply(masks, forced_ghosts, groove_ends, options.complexity,
                       root.fork(kComplexityStream + static_cast<std::uint64_t>(v)));
      if (std::find(accepted.begin(), accepted.end(), masks) == accepted.end()) break;
      rng = root.fork(static_cast<std::uint64_t>(v) + 1000ULL * static_cast<std::uint64_t>(attempt + 1));
    }
    accepted.push_back(masks);
    cores.push_back(std::move(natural_core));
    out.variations.push_back(render(engine, natural_masks, natural_ghosts, masks, fill_bars, groove_ends, forced_ghosts,
                                    out.tempo_bpm, v, rng,
                                    root.fork(kComplexityStream + static_cast<std::uint64_t>(v)).fork(kAddedNotes),
                                    sig ? &*sig : nullptr));
  }
  return out;
}

}  // namespace mdg
