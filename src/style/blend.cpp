#include "style/blend.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>

#include "core/text.hpp"

namespace mdg {
namespace {

// The fill probability at phrase ends the engine uses when a profile leaves it to the
// model (StyleTraits::fill_rate = -1): the model's share of fill bars, per phrase.
double model_fill_rate(const StyleProfile& p) {
  const double phrase = std::clamp(p.traits.phrase_bars, 1, 16);
  return std::clamp(p.groove.beat(p.groove.feel).fill_rate * phrase, 0.0, 1.0);
}

struct Component {
  double weight = 0.0;
  double mean = 0.0;
  double sd = 0.0;
};

// A weighted mixture's mean and standard deviation: the law of total variance.
std::pair<double, double> mixture(const std::vector<Component>& parts) {
  double total = 0.0;
  double mean = 0.0;
  for (const auto& c : parts) {
    total += c.weight;
    mean += c.weight * c.mean;
  }
  if (total <= 0.0) return {0.0, 0.0};
  mean /= total;
  double var = 0.0;
  for (const auto& c : parts) var += c.weight * (c.sd * c.sd + (c.mean - mean) * (c.mean - mean));
  return {mean, std::sqrt(var / total)};
}

// nullopt when no component carries weight.
std::optional<std::pair<double, double>> mix(const std::vector<Component>& parts) {
  const bool any = std::any_of(parts.begin(), parts.end(), [](const Component& c) { return c.weight > 0.0; });
  if (!any) return std::nullopt;
  return mixture(parts);
}

struct Member {
  const GrooveModel* model;
  double weight;
};

std::uint32_t rounded_count(double v) {
  return static_cast<std::uint32_t>(std::clamp(std::llround(v), 0LL, static_cast<long long>(UINT32_MAX)));
}

StepStats blend_step(const std::vector<Member>& ms, Lane lane, std::size_t step) {
  StepStats out;
  std::vector<Component> accents, ghosts, offsets;
  std::vector<Component> accents_any, ghosts_any, offsets_any;
  double played = 0.0;
  double ghost_share = 0.0;
  double ghost_plain = 0.0;
  double hits = 0.0;
  for (const auto& m : ms) {
    const StepStats& s = m.model->lanes[lane_index(lane)].steps[step];
    out.onset_prob += m.weight * s.onset_prob;
    hits += m.weight * s.hits;
    played += m.weight * s.onset_prob;
    ghost_share += m.weight * s.onset_prob * s.ghost_prob;
    ghost_plain += m.weight * s.ghost_prob;
    if (s.velocity_mean > 0.0) {
      accents.push_back({m.weight * s.onset_prob * (1.0 - s.ghost_prob), s.velocity_mean, s.velocity_sd});
      accents_any.push_back({m.weight, s.velocity_mean, s.velocity_sd});
    }
    if (s.ghost_velocity_mean > 0.0) {
      ghosts.push_back({m.weight * s.onset_prob * s.ghost_prob, s.ghost_velocity_mean, 0.0});
      ghosts_any.push_back({m.weight, s.ghost_velocity_mean, 0.0});
    }
    if (s.hits > 0) {
      offsets.push_back({m.weight * s.onset_prob, s.offset_mean_ms, s.offset_sd_ms});
      offsets_any.push_back({m.weight, s.offset_mean_ms, s.offset_sd_ms});
    }
  }
  out.hits = rounded_count(hits);
  out.ghost_prob = played > 0.0 ? ghost_share / played : ghost_plain;
  // Each member counts by how often it plays there; where none does, by its weight alone.
  auto pick = [](const std::vector<Component>& by_use, const std::vector<Component>& by_weight) {
    return mix(by_use).value_or(mix(by_weight).value_or(std::pair{0.0, 0.0}));
  };
  std::tie(out.velocity_mean, out.velocity_sd) = pick(accents, accents_any);
  out.ghost_velocity_mean = pick(ghosts, ghosts_any).first;
  std::tie(out.offset_mean_ms, out.offset_sd_ms) = pick(offsets, offsets_any);
  return out;
}

LaneStats blend_lane(const std::vector<Member>& ms, Lane lane, std::size_t steps) {
  LaneStats out;
  out.steps.reserve(steps);
  for (std::size_t s = 0; s < steps; ++s) out.steps.push_back(blend_step(ms, lane, s));
  std::vector<Component> velocity, offset;
  double best_note_weight = -1.0;
  for (const auto& m : ms) {
    const LaneStats& l = m.model->lanes[lane_index(lane)];
    out.hits_per_bar += m.weight * l.hits_per_bar;
    if (l.hits_per_bar > 0.0) {
      velocity.push_back({m.weight * l.hits_per_bar, l.velocity_mean, l.velocity_sd});
      offset.push_back({m.weight * l.hits_per_bar, l.offset_mean_ms, l.offset_sd_ms});
    }
    if (l.note != 0 && m.weight * l.hits_per_bar > best_note_weight) {
      best_note_weight = m.weight * l.hits_per_bar;
      out.note = l.note;
    }
  }
  std::tie(out.velocity_mean, out.velocity_sd) = mix(velocity).value_or(std::pair{0.0, 0.0});
  std::tie(out.offset_mean_ms, out.offset_sd_ms) = mix(offset).value_or(std::pair{0.0, 0.0});
  return out;
}

template <class Key>
std::vector<MaskCount> to_counts(const std::map<Key, double>& weighted, const Key& prefix_lo,
                                 const Key& prefix_hi) {
  std::vector<MaskCount> out;
  for (auto it = weighted.lower_bound(prefix_lo); it != weighted.end() && !(prefix_hi < it->first); ++it) {
    const std::uint32_t c = rounded_count(it->second);
    if (c > 0) out.push_back({static_cast<LaneMask>(std::get<std::tuple_size_v<Key> - 1>(it->first)), c});
  }
  return out;
}

StepTransitions blend_transitions(const std::vector<Member>& ms, std::size_t step) {
  // Each member's counts at this step as joint frequencies (count / the member's bars at
  // the step), mixed by weight and scaled to the weighted data size.
  double size = 0.0;
  double total_weight = 0.0;
  std::vector<std::pair<const StepTransitions*, double>> parts;
  for (const auto& m : ms) {
    if (step >= m.model->transitions.size()) continue;
    const StepTransitions& t = m.model->transitions[step];
    double n = 0.0;
    for (const auto& mc : t.unigram) n += mc.count;
    if (n <= 0.0) continue;
    parts.emplace_back(&t, n);
    size += m.weight * n;
    total_weight += m.weight;
  }
  StepTransitions out;
  if (parts.empty()) return out;
  size /= total_weight;
  std::map<std::tuple<std::uint32_t>, double> unigram;
  std::map<std::tuple<std::uint32_t, std::uint32_t>, double> contexts;
  std::map<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>, double> beat_contexts;
  std::size_t k = 0;
  for (const auto& m : ms) {
    if (step >= m.model->transitions.size() || k >= parts.size() || parts[k].first != &m.model->transitions[step]) continue;
    const double scale = m.weight / total_weight * size / parts[k].second;
    const StepTransitions& t = *parts[k].first;
    ++k;
    for (const auto& mc : t.unigram) unigram[{mc.mask}] += scale * mc.count;
    for (const auto& c : t.contexts) {
      for (const auto& mc : c.next) contexts[{c.previous, mc.mask}] += scale * mc.count;
    }
    for (const auto& c : t.beat_contexts) {
      for (const auto& mc : c.next) beat_contexts[{c.previous, c.beat_before, mc.mask}] += scale * mc.count;
    }
  }
  out.unigram = to_counts(unigram, std::tuple<std::uint32_t>{0}, std::tuple<std::uint32_t>{UINT32_MAX});
  for (auto it = contexts.begin(); it != contexts.end();) {
    const std::uint32_t prev = std::get<0>(it->first);
    ContextCounts cc;
    cc.previous = static_cast<LaneMask>(prev);
    cc.next = to_counts(contexts, std::tuple{prev, 0U}, std::tuple{prev, UINT32_MAX});
    if (!cc.next.empty()) out.contexts.push_back(std::move(cc));
    it = contexts.lower_bound(std::tuple{prev + 1, 0U});
  }
  for (auto it = beat_contexts.begin(); it != beat_contexts.end();) {
    const std::uint32_t prev = std::get<0>(it->first);
    const std::uint32_t before = std::get<1>(it->first);
    BeatContextCounts bc;
    bc.previous = static_cast<LaneMask>(prev);
    bc.beat_before = static_cast<LaneMask>(before);
    bc.next = to_counts(beat_contexts, std::tuple{prev, before, 0U}, std::tuple{prev, before, UINT32_MAX});
    if (!bc.next.empty()) out.beat_contexts.push_back(std::move(bc));
    it = beat_contexts.lower_bound(std::tuple{prev, before + 1, 0U});
  }
  return out;
}

Result<GrooveModel> blend_model(const std::vector<Member>& all) {
  std::vector<Member> ms;
  double total = 0.0;
  for (const auto& m : all) {
    if (m.model->empty()) continue;
    ms.push_back(m);
    total += m.weight;
  }
  if (ms.empty()) return GrooveModel{};
  for (auto& m : ms) m.weight /= total;
  const GrooveModel& first = *ms.front().model;
  for (const auto& m : ms) {
    const GrooveModel& g = *m.model;
    bool shaped = g.grid == first.grid && g.transitions.size() == first.transitions.size();
    for (Lane lane : kAllLanes) {
      shaped = shaped && g.lanes[lane_index(lane)].steps.size() == first.lanes[lane_index(lane)].steps.size();
    }
    if (!shaped) {
      return fail(Errc::unsupported, "cannot blend groove models learned on different grids (" +
                                         first.grid.meter.to_string() + " " +
                                         subdivision_name(first.grid.subdivision) + " vs " +
                                         g.grid.meter.to_string() + " " + subdivision_name(g.grid.subdivision) + ")");
    }
  }
  GrooveModel out;
  out.grid = first.grid;
  double bars = 0.0;
  for (const auto& m : ms) {
    const GrooveModel& g = *m.model;
    bars += m.weight * g.bars;
    out.density += m.weight * g.density;
    out.swing_ratio += m.weight * g.swing_ratio;
    out.swing_ratio_16th += m.weight * g.swing_ratio_16th;
    out.ghost_rate += m.weight * g.ghost_rate;
    out.syncopation += m.weight * g.syncopation;
    out.fill_rate += m.weight * g.fill_rate;
    out.placement_ms += m.weight * g.placement_ms;
  }
  // A note a member does not list plays at its lane's level there (offset 0).
  std::map<DrumNote, double> note_offsets;
  for (const auto& m : ms) {
    for (const NoteVelocity& nv : m.model->note_velocity) note_offsets[nv.note] += m.weight * nv.offset;
  }
  for (const auto& [note, offset] : note_offsets) out.note_velocity.push_back({note, offset});
  // The defaults of 1.0 were summed into the ratios above.
  out.swing_ratio -= 1.0;
  out.swing_ratio_16th -= 1.0;
  out.bars = std::max<std::uint32_t>(1, rounded_count(bars));
  for (Lane lane : kAllLanes) {
    out.lanes[lane_index(lane)] = blend_lane(ms, lane, first.lanes[lane_index(lane)].steps.size());
  }
  for (std::size_t s = 0; s < first.transitions.size(); ++s) out.transitions.push_back(blend_transitions(ms, s));
  return out;
}

std::string blend_form() { return "write it as \"Name A:0.7,Name B:0.3\" with 2-4 members and weights > 0"; }

}  // namespace

Result<StyleProfile> blend(std::span<const std::pair<StyleProfile, double>> members) {
  if (members.size() < kMinBlendMembers || members.size() > kMaxBlendMembers) {
    return fail(Errc::invalid_argument, "a blend has " + std::to_string(members.size()) +
                                            " member(s); allowed: 2-4");
  }
  double total = 0.0;
  for (const auto& [profile, weight] : members) {
    if (!std::isfinite(weight) || weight <= 0.0) {
      return fail(Errc::invalid_argument, "blend weight of '" + profile.name +
                                              "' is not allowed; allowed: a number > 0");
    }
    total += weight;
  }
  std::vector<double> w;
  std::size_t heaviest = 0;
  for (std::size_t i = 0; i < members.size(); ++i) {
    w.push_back(members[i].second / total);
    if (w[i] > w[heaviest]) heaviest = i;
  }
  const StyleProfile& lead = members[heaviest].first;

  StyleProfile out;
  out.kind = ProfileKind::genre;
  out.description = "Blend of";
  std::vector<std::string> bases;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const StyleProfile& p = members[i].first;
    out.id += (i ? "-x-" : "") + p.id;
    out.name += (i ? " + " : "") + p.name;
    out.description += (i ? ", " : " ") + p.name + " (" + std::to_string(std::lround(w[i] * 100)) + "%)";
    if (p.kind == ProfileKind::artist) out.kind = ProfileKind::artist;
    bases.push_back(p.kind == ProfileKind::artist && !p.base.empty() ? p.base : p.id);
    for (const auto& g : p.genres) {
      if (std::find(out.genres.begin(), out.genres.end(), g) == out.genres.end()) out.genres.push_back(g);
    }
    for (const auto& s : p.sources) {
      if (std::find(out.sources.begin(), out.sources.end(), s) == out.sources.end()) out.sources.push_back(s);
    }
  }
  out.description += ".";
  if (out.kind == ProfileKind::artist) {
    for (std::size_t i = 0; i < bases.size(); ++i) {
      if (std::find(bases.begin(), bases.begin() + static_cast<std::ptrdiff_t>(i), bases[i]) ==
          bases.begin() + static_cast<std::ptrdiff_t>(i)) {
        out.base += (out.base.empty() ? "" : " + ") + bases[i];
      }
    }
  }
  out.feel = lead.feel;
  out.tempo = {0, 0, 0};
  out.confidence = 0.0;
  StyleTraits& t = out.traits;
  t = lead.traits;  // categorical traits and phrase length from the heaviest member
  t.density = t.ghost_notes = t.laid_back_ms = t.timing_spread = t.dynamics = t.crash_after_fill = 0.0;
  t.swing = t.swing_16th = 0.0;
  const bool any_swing = std::any_of(members.begin(), members.end(), [](const auto& m) { return m.first.traits.swing > 0; });
  const bool any_swing16 = std::any_of(members.begin(), members.end(), [](const auto& m) { return m.first.traits.swing_16th > 0; });
  const bool any_fill = std::any_of(members.begin(), members.end(), [](const auto& m) { return m.first.traits.fill_rate >= 0; });
  t.fill_rate = any_fill ? 0.0 : -1.0;
  double triplet_vote = 0.0;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const StyleProfile& p = members[i].first;
    const StyleTraits& pt = p.traits;
    const GrooveModel& straight = p.groove.sixteenth;
    out.tempo.min += w[i] * p.tempo.min;
    out.tempo.max += w[i] * p.tempo.max;
    out.tempo.typical += w[i] * p.tempo.typical;
    out.confidence += w[i] * p.confidence;
    t.density += w[i] * pt.density;
    t.ghost_notes += w[i] * pt.ghost_notes;
    t.laid_back_ms += w[i] * pt.laid_back_ms;
    t.timing_spread += w[i] * pt.timing_spread;
    t.dynamics += w[i] * pt.dynamics;
    t.crash_after_fill += w[i] * pt.crash_after_fill;
    if (any_swing) t.swing += w[i] * (pt.swing > 0 ? pt.swing : (straight.empty() ? 1.0 : straight.swing_ratio));
    if (any_swing16) {
      t.swing_16th += w[i] * (pt.swing_16th > 0 ? pt.swing_16th : (straight.empty() ? 1.0 : straight.swing_ratio_16th));
    }
    if (any_fill) t.fill_rate += w[i] * (pt.fill_rate >= 0 ? pt.fill_rate : model_fill_rate(p));
    if (p.groove.feel == Subdivision::triplet) triplet_vote += w[i];
  }
  out.groove.feel = triplet_vote > 0.5 || (triplet_vote == 0.5 && lead.groove.feel == Subdivision::triplet)
                        ? Subdivision::triplet
                        : Subdivision::sixteenth;
  const std::array<std::pair<GrooveModel GrooveSet::*, const char*>, 4> grids = {{
      {&GrooveSet::sixteenth, "sixteenth"},
      {&GrooveSet::triplet, "triplet"},
      {&GrooveSet::fill_sixteenth, "sixteenth fill"},
      {&GrooveSet::fill_triplet, "triplet fill"},
  }};
  for (const auto& [field, label] : grids) {
    std::vector<Member> ms;
    for (std::size_t i = 0; i < members.size(); ++i) ms.push_back({&(members[i].first.groove.*field), w[i]});
    auto model = blend_model(ms);
    if (!model) {
      return fail(model.error().code, "blending the " + std::string(label) + " models: " + model.error().message);
    }
    out.groove.*field = std::move(*model);
  }
  return out;
}

Result<std::vector<BlendMember>> parse_blend(std::string_view text) {
  std::vector<BlendMember> out;
  if (trim_space(text).empty()) return fail(Errc::invalid_argument, "--blend is empty; " + blend_form());
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view part = trim_space(text.substr(start, comma - start));
    start = comma + 1;
    const std::size_t colon = part.rfind(':');
    const std::string_view name = trim_space(part.substr(0, colon == std::string_view::npos ? part.size() : colon));
    if (name.empty()) {
      return fail(Errc::invalid_argument, "--blend member '" + std::string(part) + "' has no name; " + blend_form());
    }
    if (colon == std::string_view::npos) {
      return fail(Errc::invalid_argument, "--blend member '" + std::string(name) +
                                              "' has no weight; write it as '" + std::string(name) + ":0.5'");
    }
    const std::string_view wt = trim_space(part.substr(colon + 1));
    double weight = 0.0;
    const auto [ptr, ec] = std::from_chars(wt.data(), wt.data() + wt.size(), weight);
    if (wt.empty() || ec != std::errc{} || ptr != wt.data() + wt.size() || !std::isfinite(weight) || weight <= 0.0) {
      return fail(Errc::invalid_argument, "--blend weight '" + std::string(wt) + "' of '" + std::string(name) +
                                              "' is not allowed; allowed: a number > 0 (e.g. 0.7)");
    }
    for (const auto& m : out) {
      if (fold_name(m.name) == fold_name(name)) {
        return fail(Errc::invalid_argument, "--blend lists '" + std::string(name) + "' twice; " + blend_form());
      }
    }
    out.push_back({std::string(name), weight});
  }
  if (out.size() < kMinBlendMembers || out.size() > kMaxBlendMembers) {
    return fail(Errc::invalid_argument, "--blend has " + std::to_string(out.size()) + " member(s); allowed: 2-4; " +
                                            blend_form());
  }
  return out;
}

Result<StyleProfile> resolve_blend(const StyleLibrary& library, std::string_view text) {
  auto parsed = parse_blend(text);
  if (!parsed) return std::unexpected(parsed.error());
  std::vector<std::pair<StyleProfile, double>> members;
  for (const auto& m : *parsed) {
    auto profile = library.resolve(m.name);
    if (!profile) return fail(profile.error().code, "--blend member: " + profile.error().message);
    members.emplace_back(std::move(*profile), m.weight);
  }
  return blend(members);
}

}  // namespace mdg
