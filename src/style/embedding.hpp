#pragma once
// The style embedding: a fixed-length vector per knowledge-base entry, built from its
// profile, so that "similar" can rank entries by how alike their drumming is.
//
// Raw features (style_features), in blocks:
//  - tempo: log of the typical tempo, log of the range's width (max / min);
//  - feel: one-hot over the knowledge base's feels (docs/knowledge-base.md);
//  - swing: the eighth and sixteenth swing ratio played (the trait, else the base model's);
//  - traits: density, kick density, ghost notes, open hi-hat (logs), double kick, linear,
//    laid-back ms, timing spread, dynamics, fill rate (the trait, else the model's), ride as
//    timekeeper, cross-stick snare;
//  - base groove: statistics of the base genre's beat model (hits per bar of kick, snare,
//    hi-hats, ride, toms and crash, open share of the hi-hat, ghost rate, syncopation, how
//    often limbs coincide, triplet feel), scaled by the density and ghost-note traits;
//  - genres: the genre tags hashed (FNV-1a) into kGenreBuckets, weighted 1, 0.8, 0.6, 0.4
//    by rank, unit length;
//  - signature grooves: the same groove statistics measured on the entry's signature
//    grooves (decoded from notation and analysed like a take, averaged); an entry without
//    grooves takes its base model's.
// A band with no traits and no grooves of its own whose drummer has an entry takes that
// drummer's traits, grooves and base (the knowledge base's rule).
//
// StyleSpace standardizes every feature over all entries (z-scores; a feature constant
// over the base counts nothing), then weights each block by kBlockWeights / sqrt(its size)
// so that a block's influence does not grow with its number of features. Distance is
// Euclidean in that space.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "groove/groove_model.hpp"
#include "style/library.hpp"
#include "style/style_profile.hpp"

namespace mdg {

inline constexpr std::size_t kGenreBuckets = 16;
inline constexpr std::size_t kGrooveStatCount = 11;

enum class FeatureBlock : std::uint8_t { tempo, feel, swing, traits, base_groove, genres, signature };
inline constexpr std::size_t kFeatureBlockCount = 7;
// The weight of each block in the distance, in FeatureBlock order.
inline constexpr std::array<double, kFeatureBlockCount> kBlockWeights = {1.0, 1.0, 1.0, 1.5, 1.0, 1.5, 1.5};

struct FeatureInfo {
  std::string_view name;
  FeatureBlock block;
};
// Names and blocks of the features, in vector order; its size is the embedding's length.
[[nodiscard]] std::span<const FeatureInfo> style_feature_info() noexcept;

// Groove statistics of a beat model (the list in the header comment, kGrooveStatCount values).
[[nodiscard]] std::array<double, kGrooveStatCount> groove_stats(const GrooveModel& model);

// The raw feature vector of an entry whose base groove is `base` (a genre profile: its own
// groove). Signature grooves that do not decode are left out.
[[nodiscard]] std::vector<double> style_features(const StyleProfile& entry, const GrooveSet& base);

struct Neighbour {
  std::string id;
  std::string name;
  double distance = 0.0;
};

class StyleSpace {
 public:
  // Embeds every artist entry of the library (each entry's file read once, each base genre's
  // groove once); fails when an entry or a base genre cannot be read.
  [[nodiscard]] static Result<StyleSpace> build(const StyleLibrary& library);

  [[nodiscard]] std::size_t size() const noexcept { return ids_.size(); }
  [[nodiscard]] std::size_t dimensions() const noexcept { return mean_.size(); }
  // The standardized, block-weighted vector of a profile (artist or genre) in this space.
  [[nodiscard]] std::vector<double> embed(const StyleProfile& profile, const GrooveSet& base) const;
  // The k nearest entries to `name` (resolved by the library: any spelling it accepts, an
  // artist or a genre), nearest first, the entry itself left out. k 1-100.
  [[nodiscard]] Result<std::vector<Neighbour>> nearest(std::string_view name, std::size_t k) const;
  // Distance between two entries by id; not_found for an unknown id.
  [[nodiscard]] Result<double> distance(std::string_view id_a, std::string_view id_b) const;

 private:
  const StyleLibrary* library_ = nullptr;
  std::vector<std::string> ids_;
  std::vector<std::string> names_;
  std::vector<std::vector<double>> vectors_;  // standardized and weighted
  std::vector<double> mean_, scale_;          // per feature: z = (x - mean) * scale
};

}  // namespace mdg
