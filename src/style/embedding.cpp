#include "style/embedding.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <numeric>

#include "groove/analyzer.hpp"
#include "style/groove_notation.hpp"
#include "style/profile_json.hpp"

namespace mdg {
namespace {

// The feels of docs/knowledge-base.md, one feature each.
constexpr std::array<std::string_view, 13> kFeelNames = {
    "straight",  "shuffle", "swing",     "half-time", "double-time",  "four-on-the-floor", "syncopated",
    "linear",    "breakbeat", "one-drop", "clave",    "polyrhythmic", "second-line"};

using B = FeatureBlock;
constexpr std::array kFeatures = {
    FeatureInfo{"tempo_typical_log", B::tempo},
    FeatureInfo{"tempo_range_log", B::tempo},
    FeatureInfo{"feel_straight", B::feel},
    FeatureInfo{"feel_shuffle", B::feel},
    FeatureInfo{"feel_swing", B::feel},
    FeatureInfo{"feel_half-time", B::feel},
    FeatureInfo{"feel_double-time", B::feel},
    FeatureInfo{"feel_four-on-the-floor", B::feel},
    FeatureInfo{"feel_syncopated", B::feel},
    FeatureInfo{"feel_linear", B::feel},
    FeatureInfo{"feel_breakbeat", B::feel},
    FeatureInfo{"feel_one-drop", B::feel},
    FeatureInfo{"feel_clave", B::feel},
    FeatureInfo{"feel_polyrhythmic", B::feel},
    FeatureInfo{"feel_second-line", B::feel},
    FeatureInfo{"swing_8th", B::swing},
    FeatureInfo{"swing_16th", B::swing},
    FeatureInfo{"triplet_feel", B::swing},
    FeatureInfo{"density_log", B::traits},
    FeatureInfo{"kick_density_log", B::traits},
    FeatureInfo{"ghost_notes_log", B::traits},
    FeatureInfo{"open_hat_log", B::traits},
    FeatureInfo{"double_kick", B::traits},
    FeatureInfo{"linear", B::traits},
    FeatureInfo{"laid_back_ms", B::traits},
    FeatureInfo{"timing_spread", B::traits},
    FeatureInfo{"dynamics", B::traits},
    FeatureInfo{"fill_rate", B::traits},
    FeatureInfo{"ride_timekeeper", B::traits},
    FeatureInfo{"cross_stick", B::traits},
    FeatureInfo{"base_kick", B::base_groove},
    FeatureInfo{"base_snare", B::base_groove},
    FeatureInfo{"base_hats", B::base_groove},
    FeatureInfo{"base_ride", B::base_groove},
    FeatureInfo{"base_toms", B::base_groove},
    FeatureInfo{"base_crash", B::base_groove},
    FeatureInfo{"base_open_share", B::base_groove},
    FeatureInfo{"base_ghost_rate", B::base_groove},
    FeatureInfo{"base_syncopation", B::base_groove},
    FeatureInfo{"base_coincidence", B::base_groove},
    FeatureInfo{"base_offbeat_kick", B::base_groove},
    FeatureInfo{"genre_hash_0", B::genres},
    FeatureInfo{"genre_hash_1", B::genres},
    FeatureInfo{"genre_hash_2", B::genres},
    FeatureInfo{"genre_hash_3", B::genres},
    FeatureInfo{"genre_hash_4", B::genres},
    FeatureInfo{"genre_hash_5", B::genres},
    FeatureInfo{"genre_hash_6", B::genres},
    FeatureInfo{"genre_hash_7", B::genres},
    FeatureInfo{"genre_hash_8", B::genres},
    FeatureInfo{"genre_hash_9", B::genres},
    FeatureInfo{"genre_hash_10", B::genres},
    FeatureInfo{"genre_hash_11", B::genres},
    FeatureInfo{"genre_hash_12", B::genres},
    FeatureInfo{"genre_hash_13", B::genres},
    FeatureInfo{"genre_hash_14", B::genres},
    FeatureInfo{"genre_hash_15", B::genres},
    FeatureInfo{"sig_kick", B::signature},
    FeatureInfo{"sig_snare", B::signature},
    FeatureInfo{"sig_hats", B::signature},
    FeatureInfo{"sig_ride", B::signature},
    FeatureInfo{"sig_toms", B::signature},
    FeatureInfo{"sig_crash", B::signature},
    FeatureInfo{"sig_open_share", B::signature},
    FeatureInfo{"sig_ghost_rate", B::signature},
    FeatureInfo{"sig_syncopation", B::signature},
    FeatureInfo{"sig_coincidence", B::signature},
    FeatureInfo{"sig_offbeat_kick", B::signature},
};
static_assert(kFeatures.size() == 2 + kFeelNames.size() + 3 + 12 + 2 * kGrooveStatCount + kGenreBuckets);

double hits(const GrooveModel& m, Lane lane) { return m.lanes[lane_index(lane)].hits_per_bar; }

std::uint32_t fnv1a(std::string_view text) {
  std::uint32_t h = 2166136261U;
  for (char c : text) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 16777619U;
  }
  return h;
}

// The beat model a profile plays on its own feel's grid.
const GrooveModel& beat_model(const GrooveSet& g) {
  const GrooveModel& own = g.beat(g.feel);
  return own.empty() ? (g.sixteenth.empty() ? g.triplet : g.sixteenth) : own;
}

// Signature grooves analysed like takes: looped twice, on their own meter and grid.
std::vector<std::array<double, kGrooveStatCount>> signature_stats(const StyleProfile& entry) {
  std::vector<std::array<double, kGrooveStatCount>> out;
  for (const SignatureGroove& sg : entry.signature_grooves) {
    auto parsed = parse_groove(sg);
    if (!parsed) continue;
    const Subdivision sub = parsed->grid == NotationGrid::triplet || parsed->grid == NotationGrid::sixteenth_triplet
                                ? Subdivision::triplet
                                : Subdivision::sixteenth;
    const Grid grid{parsed->meter, sub};
    if (!grid.fits()) continue;
    AnalyzerOptions options;
    options.min_context_count = 1;
    auto acc = GrooveAccumulator::create(grid, options);
    if (!acc) continue;
    Pattern once = parsed->to_pattern(sg.tempo.value_or(entry.tempo.typical));
    Pattern loop = once;
    for (const Hit& h : once.hits) loop.hits.push_back(Hit{h.tick + once.length_ticks, h.note, h.velocity, h.duration});
    loop.length_ticks = 2 * once.length_ticks;
    loop.sort_hits();
    acc->add(loop);
    out.push_back(groove_stats(acc->finish()));
  }
  return out;
}

double swing_played(double trait, double measured) { return trait > 0.0 ? trait : measured; }

}  // namespace

std::span<const FeatureInfo> style_feature_info() noexcept { return kFeatures; }

std::array<double, kGrooveStatCount> groove_stats(const GrooveModel& m) {
  std::array<double, kGrooveStatCount> s{};
  if (m.empty()) return s;
  const double closed = hits(m, Lane::closed_hat), open = hits(m, Lane::open_hat);
  s[0] = hits(m, Lane::kick);
  s[1] = hits(m, Lane::snare);
  s[2] = closed + open;
  s[3] = hits(m, Lane::ride);
  s[4] = hits(m, Lane::low_tom) + hits(m, Lane::mid_tom) + hits(m, Lane::high_tom);
  s[5] = hits(m, Lane::crash);
  s[6] = closed + open > 0.0 ? open / (closed + open) : 0.0;
  s[7] = m.ghost_rate;
  s[8] = m.syncopation;
  double together = 0.0, any = 0.0;
  for (const auto& t : m.transitions) {
    for (const auto& mc : t.unigram) {
      if (mc.mask == 0) continue;
      any += mc.count;
      if (std::popcount(static_cast<unsigned>(mc.mask)) > 1) together += mc.count;
    }
  }
  s[9] = any > 0.0 ? together / any : 0.0;
  const auto& kick = m.lanes[lane_index(Lane::kick)].steps;
  const int steps = m.steps();
  const std::int64_t bar_ticks = m.grid.meter.ticks_per_bar();
  double off = 0.0, all = 0.0;
  for (int i = 0; i < steps && static_cast<std::size_t>(i) < kick.size(); ++i) {
    const double p = kick[static_cast<std::size_t>(i)].onset_prob;
    all += p;
    if (steps > 0 && (bar_ticks * i / steps) % kPpq != 0) off += p;
  }
  s[10] = all > 0.0 ? off / all : 0.0;
  return s;
}

std::vector<double> style_features(const StyleProfile& entry, const GrooveSet& base) {
  std::vector<double> f;
  f.reserve(kFeatures.size());
  const StyleTraits& t = entry.traits;
  const GrooveModel& model = beat_model(base);

  f.push_back(std::log(std::max(entry.tempo.typical, 1.0)));
  f.push_back(std::log(std::max(entry.tempo.max, 1.0) / std::max(entry.tempo.min, 1.0)));
  for (auto feel : kFeelNames) f.push_back(entry.feel == feel ? 1.0 : 0.0);

  const bool triplet = base.feel == Subdivision::triplet;
  f.push_back(swing_played(t.swing, triplet ? 2.0 : base.sixteenth.swing_ratio));
  f.push_back(swing_played(t.swing_16th, base.sixteenth.swing_ratio_16th));
  f.push_back(triplet ? 1.0 : 0.0);

  f.push_back(std::log(std::max(t.density, 0.01)));
  f.push_back(std::log(std::max(t.kick_density, 0.01)));
  f.push_back(std::log1p(t.ghost_notes));
  f.push_back(std::log1p(t.open_hat));
  f.push_back(t.double_kick);
  f.push_back(t.linear);
  f.push_back(t.laid_back_ms);
  f.push_back(t.timing_spread);
  f.push_back(t.dynamics);
  f.push_back(t.fill_rate >= 0.0 ? t.fill_rate : model.fill_rate);
  f.push_back(t.timekeeper == Lane::ride ? 1.0 : 0.0);
  f.push_back(t.snare_note == DrumNote{37} ? 1.0 : 0.0);

  // The base model as the traits move it: every lane busier with density, the kick also with
  // kick density, the snare's ghost share with ghost notes.
  auto base_stats = groove_stats(model);
  for (std::size_t i = 0; i < 6; ++i) base_stats[i] *= t.density;
  base_stats[0] *= t.kick_density;
  base_stats[6] = std::min(1.0, base_stats[6] * t.open_hat);
  base_stats[7] = std::min(1.0, base_stats[7] * t.ghost_notes);
  for (std::size_t i = 0; i < kGrooveStatCount; ++i) f.push_back(i < 6 ? std::log1p(base_stats[i]) : base_stats[i]);

  std::array<double, kGenreBuckets> buckets{};
  constexpr std::array<double, 4> kRankWeight = {1.0, 0.8, 0.6, 0.4};
  for (std::size_t i = 0; i < entry.genres.size() && i < kRankWeight.size(); ++i) {
    buckets[fnv1a(entry.genres[i]) % kGenreBuckets] += kRankWeight[i];
  }
  const double norm = std::sqrt(std::inner_product(buckets.begin(), buckets.end(), buckets.begin(), 0.0));
  for (double b : buckets) f.push_back(norm > 0.0 ? b / norm : 0.0);

  const auto sig = signature_stats(entry);
  std::array<double, kGrooveStatCount> mean{};
  if (sig.empty()) {
    mean = base_stats;
  } else {
    for (const auto& s : sig) {
      for (std::size_t i = 0; i < kGrooveStatCount; ++i) mean[i] += s[i] / static_cast<double>(sig.size());
    }
  }
  for (std::size_t i = 0; i < kGrooveStatCount; ++i) f.push_back(i < 6 ? std::log1p(mean[i]) : mean[i]);
  return f;
}

Result<StyleSpace> StyleSpace::build(const StyleLibrary& library) {
  StyleSpace space;
  space.library_ = &library;
  std::vector<StyleProfile> entries;
  for (const auto& e : library.entries()) {
    if (e.kind != ProfileKind::artist) continue;
    auto p = load_profile_file(e.file);
    if (!p) return std::unexpected(p.error());
    entries.push_back(std::move(*p));
  }
  std::map<std::string, std::size_t> by_id;
  for (std::size_t i = 0; i < entries.size(); ++i) by_id.emplace(entries[i].id, i);
  std::map<std::string, GrooveSet> bases;

  std::vector<std::vector<double>> raw;
  for (const StyleProfile& entry : entries) {
    // A band that defers to its drummer's entry plays the drummer's part.
    const StyleProfile* style = &entry;
    if (entry.traits == StyleTraits{} && entry.signature_grooves.empty()) {
      for (const auto& d : entry.drummers) {
        const auto it = d.id.empty() ? by_id.end() : by_id.find(d.id);
        if (it != by_id.end()) {
          style = &entries[it->second];
          break;
        }
      }
    }
    auto base = bases.find(style->base);
    if (base == bases.end()) {
      auto genre = library.resolve(style->base);
      if (!genre) {
        return fail(genre.error().code, "entry '" + entry.id + "': base genre '" + style->base + "': " +
                                            genre.error().message);
      }
      base = bases.emplace(style->base, std::move(genre->groove)).first;
    }
    StyleProfile effective = entry;
    effective.traits = style->traits;
    effective.signature_grooves = style->signature_grooves;
    raw.push_back(style_features(effective, base->second));
    space.ids_.push_back(entry.id);
    space.names_.push_back(entry.name);
  }

  const std::size_t dims = kFeatures.size();
  space.mean_.assign(dims, 0.0);
  space.scale_.assign(dims, 0.0);
  if (!raw.empty()) {
    std::array<std::size_t, kFeatureBlockCount> block_size{};
    for (const auto& info : kFeatures) ++block_size[static_cast<std::size_t>(info.block)];
    const auto n = static_cast<double>(raw.size());
    for (std::size_t d = 0; d < dims; ++d) {
      double sum = 0.0, sq = 0.0;
      for (const auto& v : raw) sum += v[d];
      const double mean = sum / n;
      for (const auto& v : raw) sq += (v[d] - mean) * (v[d] - mean);
      const double sd = std::sqrt(sq / n);
      const auto block = static_cast<std::size_t>(kFeatures[d].block);
      space.mean_[d] = mean;
      space.scale_[d] = sd > 1e-9 ? kBlockWeights[block] / (sd * std::sqrt(static_cast<double>(block_size[block])))
                                  : 0.0;
    }
  }
  for (auto& v : raw) {
    for (std::size_t d = 0; d < dims; ++d) v[d] = (v[d] - space.mean_[d]) * space.scale_[d];
  }
  space.vectors_ = std::move(raw);
  return space;
}

std::vector<double> StyleSpace::embed(const StyleProfile& profile, const GrooveSet& base) const {
  std::vector<double> v = style_features(profile, base);
  for (std::size_t d = 0; d < v.size() && d < mean_.size(); ++d) v[d] = (v[d] - mean_[d]) * scale_[d];
  return v;
}

namespace {
double euclid(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s);
}
}  // namespace

Result<std::vector<Neighbour>> StyleSpace::nearest(std::string_view name, std::size_t k) const {
  if (k < 1 || k > 100) {
    return fail(Errc::invalid_argument, "--k " + std::to_string(k) + " is not allowed; allowed: whole numbers 1-100");
  }
  if (library_ == nullptr) return fail(Errc::invalid_argument, "empty style space");
  auto profile = library_->resolve(name);
  if (!profile) return std::unexpected(profile.error());
  std::vector<double> query;
  const auto self = std::find(ids_.begin(), ids_.end(), profile->id);
  if (profile->kind == ProfileKind::artist && self != ids_.end()) {
    query = vectors_[static_cast<std::size_t>(self - ids_.begin())];
  } else {
    query = embed(*profile, profile->groove);
  }
  std::vector<Neighbour> all;
  all.reserve(ids_.size());
  for (std::size_t i = 0; i < ids_.size(); ++i) {
    if (ids_[i] == profile->id) continue;
    all.push_back(Neighbour{ids_[i], names_[i], euclid(query, vectors_[i])});
  }
  const std::size_t n = std::min(k, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(),
                    [](const Neighbour& a, const Neighbour& b) {
                      return a.distance != b.distance ? a.distance < b.distance : a.id < b.id;
                    });
  all.resize(n);
  return all;
}

Result<double> StyleSpace::distance(std::string_view id_a, std::string_view id_b) const {
  const auto a = std::find(ids_.begin(), ids_.end(), id_a);
  const auto b = std::find(ids_.begin(), ids_.end(), id_b);
  if (a == ids_.end() || b == ids_.end()) {
    return fail(Errc::not_found, "no entry with id '" + std::string(a == ids_.end() ? id_a : id_b) + "'");
  }
  return euclid(vectors_[static_cast<std::size_t>(a - ids_.begin())],
                vectors_[static_cast<std::size_t>(b - ids_.begin())]);
}

}  // namespace mdg
