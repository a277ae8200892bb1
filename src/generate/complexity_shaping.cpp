#include "generate/complexity_shaping.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <tuple>

#include "groove/analyzer.hpp"

namespace mdg {
namespace {

constexpr LaneMask kKick = lane_bit(Lane::kick);
constexpr LaneMask kSnare = lane_bit(Lane::snare);
constexpr LaneMask kToms = lane_bit(Lane::low_tom) | lane_bit(Lane::mid_tom) | lane_bit(Lane::high_tom);
constexpr LaneMask kCymbals = lane_bit(Lane::closed_hat) | lane_bit(Lane::open_hat) | lane_bit(Lane::ride);

// A stroke added where the style plays that lane at that step in at least this share of bars.
constexpr double kMinAddProb = 0.03;
// Sampling weights of the thinning order: what makes a bar busy goes first.
constexpr double kThinGhost = 2.0;
constexpr double kThinOffbeat = 3.0;
constexpr double kThinTom = 2.0;
constexpr double kThinCymbal = 1.0;
// Weight of an added kick or snare that anticipates an empty stronger position.
constexpr double kAnticipation = 3.0;
// A snare step the style plays as a ghost note at least this often counts as a ghost.
constexpr double kGhostShare = 0.5;
// Ghost-note probabilities below kSureAccent play as accents, above kSureGhost as ghosts.
constexpr double kSureAccent = 0.15;
constexpr double kSureGhost = 0.85;

// Whether a drummer can play `mask` at once: at most two hands (snare, toms, crash, ride,
// hi-hat; a closed hi-hat under the ride is the foot pedal) and never the hi-hat open and
// closed together.
bool playable(LaneMask mask) {
  const bool open = (mask & lane_bit(Lane::open_hat)) != 0;
  const bool closed = (mask & lane_bit(Lane::closed_hat)) != 0;
  if (open && closed) return false;
  const bool pedal = closed && (mask & lane_bit(Lane::ride)) != 0;
  const LaneMask hands = static_cast<LaneMask>(mask & ~kKick & ~(pedal ? lane_bit(Lane::closed_hat) : 0));
  return std::popcount(static_cast<unsigned>(hands)) <= 2;
}

struct Candidate {
  double key = 0;
  std::size_t cell = 0;
  std::size_t bar = 0;
  LaneMask lane = 0;
};

// A seeded weighted order (Efraimidis-Spirakis keys): higher weight tends to come first.
double order_key(double weight, Rng& rng) {
  const double u = 1.0 - rng.uniform();  // (0, 1]
  return std::log(u) / weight;
}

void sort_candidates(std::vector<Candidate>& c) {
  std::sort(c.begin(), c.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(b.key, a.cell, a.lane) < std::tie(a.key, b.cell, b.lane);
  });
}

}  // namespace

ComplexityShaping::ComplexityShaping(const BarPlan& plan, const Meter& meter, const GrooveModel& beat,
                                     const TraitShaping& shaping)
    : plan_(plan), beat_(beat), shaping_(shaping) {
  // The analyzer's metric weights, on the plan's own slots.
  for (const Slot& s : plan.slots) {
    weights_.push_back(metric_weight(meter, plan.subdivision, s.tick));
    const std::int64_t offset = s.tick - s.beat_start;
    // Between the eighths: sixteenths off the eighth grid; on a triplet grid the middle
    // triplet of a quarter-note beat (the last one is the swung eighth).
    const bool between = plan.subdivision == Subdivision::sixteenth
                             ? offset % (kPpq / 2) != 0
                             : s.beat_ticks == kPpq && offset == kPpq / 3;
    between_eighths_.push_back(between);
  }
}

double ComplexityShaping::onset_prob(std::size_t slot, std::size_t lane) const {
  const auto step = static_cast<std::size_t>(plan_.slots[slot].source_step);
  const auto& steps = beat_.lanes[lane].steps;
  return step < steps.size() ? steps[step].onset_prob : 0.0;
}

double ComplexityShaping::ghost_prob(std::size_t slot, Lane lane) const {
  const auto step = static_cast<std::size_t>(plan_.slots[slot].source_step);
  const auto& steps = beat_.lanes[lane_index(lane)].steps;
  return step < steps.size() ? steps[step].ghost_prob : 0.0;
}

bool ComplexityShaping::likely_ghost(std::size_t slot) const {
  const auto step = static_cast<std::size_t>(plan_.slots[slot].source_step);
  const auto& steps = beat_.lanes[lane_index(Lane::snare)].steps;
  return step < steps.size() && steps[step].ghost_prob >= kGhostShare;
}

int ComplexityShaping::syncopation(const LaneMask* bar, const std::vector<bool>* ghosts,
                                   std::size_t offset, bool uncertain_accents) const {
  const std::size_t n = plan_.slots.size();
  int score = 0;
  std::size_t last = n;  // the previous accent, n = none yet
  auto close = [&](std::size_t accent, std::size_t next) {
    int strongest_rest = -1000;
    for (std::size_t r = accent + 1; r < next; ++r) strongest_rest = std::max(strongest_rest, weights_[r]);
    if (strongest_rest > weights_[accent]) score += strongest_rest - weights_[accent];
  };
  for (std::size_t i = 0; i < n; ++i) {
    // The renderer plays a stroke as a ghost note with the step's measured probability:
    // clear cases are counted as they will sound, uncertain ones as `uncertain_accents`.
    auto accent = [&](Lane lane) {
      if ((bar[i] & lane_bit(lane)) == 0) return false;
      if (lane == Lane::snare && ghosts != nullptr && (*ghosts)[offset + i]) return false;
      const double g = ghost_prob(i, lane);
      return g < kSureAccent || (g < kSureGhost && uncertain_accents);
    };
    if (!accent(Lane::kick) && !accent(Lane::snare)) continue;
    if (last < n) close(last, i);
    last = i;
  }
  if (last < n) close(last, n);
  return score;
}

void ComplexityShaping::apply(std::vector<LaneMask>& masks, std::vector<bool>& forced_ghosts,
                              const std::vector<std::size_t>& groove_ends, double complexity,
                              Rng rng) const {
  if (complexity < kNaturalComplexity) {
    thin(masks, forced_ghosts, groove_ends, (kNaturalComplexity - complexity) / kNaturalComplexity, rng);
  } else if (complexity > kNaturalComplexity) {
    add(masks, forced_ghosts, groove_ends, (complexity - kNaturalComplexity) / (1.0 - kNaturalComplexity), rng);
  }
}

void ComplexityShaping::thin(std::vector<LaneMask>& masks, std::vector<bool>& forced_ghosts,
                             const std::vector<std::size_t>& groove_ends, double share, Rng& rng) const {
  const std::size_t slots = plan_.slots.size();
  std::vector<Candidate> order;
  for (std::size_t bar = 0; bar < groove_ends.size(); ++bar) {
    for (std::size_t i = 0; i < std::min(groove_ends[bar], slots); ++i) {
      const std::size_t cell = bar * slots + i;
      const bool strong = plan_.slots[i].strong;
      for (Lane lane : kAllLanes) {
        const LaneMask b = lane_bit(lane);
        if ((masks[cell] & b) == 0) continue;
        double weight = 0.0;
        if (b == kSnare && !strong) {
          weight = forced_ghosts[cell] || likely_ghost(i) ? kThinGhost : kThinOffbeat;
        } else if (b == kKick && !strong) {
          weight = kThinOffbeat;
        } else if ((b & kToms) != 0) {
          weight = kThinTom;
        } else if ((b & kCymbals) != 0 && between_eighths_[i]) {
          weight = kThinCymbal;
        }
        if (weight > 0.0) order.push_back({order_key(weight, rng), cell, bar, b});
      }
    }
  }
  sort_candidates(order);
  const auto wanted = static_cast<std::size_t>(std::lround(share * static_cast<double>(order.size())));
  std::size_t removed = 0;
  for (const Candidate& c : order) {
    if (removed >= wanted) break;
    LaneMask* bar = &masks[c.bar * slots];
    const LaneMask before = masks[c.cell];
    const bool accent = (c.lane & (kKick | kSnare)) != 0;
    const std::size_t at = c.bar * slots;
    const int loud_before = accent ? syncopation(bar, &forced_ghosts, at, true) : 0;
    const int soft_before = accent ? syncopation(bar, &forced_ghosts, at, false) : 0;
    masks[c.cell] = static_cast<LaneMask>(before & ~c.lane);
    if (accent && (syncopation(bar, &forced_ghosts, at, true) > loud_before ||
                   syncopation(bar, &forced_ghosts, at, false) > soft_before)) {
      masks[c.cell] = before;
      continue;
    }
    if (c.lane == kSnare) forced_ghosts[c.cell] = false;
    ++removed;
  }
}

void ComplexityShaping::add(std::vector<LaneMask>& masks, std::vector<bool>& forced_ghosts,
                            const std::vector<std::size_t>& groove_ends, double share, Rng& rng) const {
  const std::size_t slots = plan_.slots.size();
  constexpr std::array<Lane, 4> kAddable = {Lane::kick, Lane::snare, Lane::closed_hat, Lane::ride};
  // Accents (kicks, snares off the ghost-note steps) and texture (cymbals, ghost notes) are
  // two orders with their own budgets, so that syncopation grows across the whole range
  // instead of being used up by the first levels.
  std::vector<Candidate> accents, texture;
  int groove_hits = 0;
  for (std::size_t bar = 0; bar < groove_ends.size(); ++bar) {
    const std::size_t end = std::min(groove_ends[bar], slots);
    for (std::size_t i = 0; i < end; ++i) {
      const std::size_t cell = bar * slots + i;
      const LaneMask mask = masks[cell];
      groove_hits += std::popcount(static_cast<unsigned>(mask));
      if ((mask & lane_bit(Lane::crash)) != 0) continue;
      const bool strong = plan_.slots[i].strong;
      // An accent here anticipates the next stronger position when nothing accented sits
      // in between.
      bool anticipates = false;
      if (!strong) {
        for (std::size_t j = i + 1; j < end; ++j) {
          if ((masks[bar * slots + j] & (kKick | kSnare)) != 0) break;
          if (weights_[j] > weights_[i]) {
            anticipates = true;
            break;
          }
        }
      }
      for (Lane lane : kAddable) {
        const LaneMask b = lane_bit(lane);
        if ((mask & b) != 0) continue;
        const double p = onset_prob(i, lane_index(lane));
        if (p < kMinAddProb) continue;
        const bool accent = b == kKick || (b == kSnare && !likely_ghost(i));
        double weight = p;
        if (accent && anticipates) weight *= kAnticipation;
        const LaneMask grown = static_cast<LaneMask>(mask | b);
        if (!shaping_.neutral()) {
          weight *= shaping_.mask_weight(grown, strong) / std::max(shaping_.mask_weight(mask, strong), 1e-9);
        }
        if (weight <= 0.0) continue;
        (accent ? accents : texture).push_back({order_key(weight, rng), cell, bar, b});
      }
    }
  }
  sort_candidates(accents);
  sort_candidates(texture);

  // Every accent that adds syncopation however the renderer voices the strokes of uncertain
  // loudness, in order; a share of them is played.
  std::vector<LaneMask> full(masks);
  std::vector<const Candidate*> taken;
  for (const Candidate& c : accents) {
    const LaneMask before = full[c.cell];
    const auto grown = static_cast<LaneMask>(before | c.lane);
    if (!playable(grown)) continue;
    const std::size_t at = c.bar * slots;
    const LaneMask* bar = &full[at];
    const int loud_before = syncopation(bar, &forced_ghosts, at, true);
    const int soft_before = syncopation(bar, &forced_ghosts, at, false);
    full[c.cell] = grown;
    if (syncopation(bar, &forced_ghosts, at, true) <= loud_before ||
        syncopation(bar, &forced_ghosts, at, false) < soft_before) {
      full[c.cell] = before;
      continue;
    }
    taken.push_back(&c);
  }
  const auto played = static_cast<std::size_t>(std::lround(share * static_cast<double>(taken.size())));
  for (std::size_t k = 0; k < played; ++k) masks[taken[k]->cell] |= taken[k]->lane;

  // Texture up to its budget, each stroke playable beside every accent of the full level
  // (so that the strokes taken do not depend on the level).
  const auto wanted = static_cast<std::size_t>(std::lround(share * kTextureShare * groove_hits));
  std::size_t added = 0;
  for (const Candidate& c : texture) {
    if (added >= wanted) break;
    const auto grown = static_cast<LaneMask>(full[c.cell] | c.lane);
    if (!playable(grown)) continue;
    full[c.cell] = grown;
    masks[c.cell] |= c.lane;
    // A snare stroke added where the style plays ghost notes is one.
    if (c.lane == kSnare) forced_ghosts[c.cell] = true;
    ++added;
  }
}

}  // namespace mdg
