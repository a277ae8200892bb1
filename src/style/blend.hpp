#pragma once
// Blending styles: one profile whose groove models are weighted mixtures of 2-4 others'
// ("John Bonham:0.7,Questlove:0.3").
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "style/library.hpp"
#include "style/style_profile.hpp"

namespace mdg {

inline constexpr std::size_t kMinBlendMembers = 2;
inline constexpr std::size_t kMaxBlendMembers = 4;

// Mixes resolved profiles (groove models filled in). Weights must be finite and > 0 and are
// normalized to sum 1. On each grid, for every lane and step:
//  - onset probability, ghost probability and the per-bar rates are weighted means;
//  - velocity and offset statistics are mixtures: each member counts by its weight times
//    how often it plays there (onset probability, times the accent or ghost share for
//    velocities), mean = sum a_i m_i, variance = sum a_i (sd_i^2 + (m_i - mean)^2);
//  - transition counts are turned into each member's joint frequencies at that step and
//    mixed by weight, then scaled to the members' weighted data size, so a member learned
//    from few bars still contributes its full weight.
// A member without a model on some grid is left out there (the others renormalized).
// Tempo range, confidence and numeric traits are weighted means (a trait's "keep the
// model's" value counts as what the model measured); categorical traits, feel and phrase
// length come from the heaviest member. name "A + B", id "a-x-b", genres and sources are
// merged. Errors: fewer than 2 or more than 4 members, a bad weight, members learned on
// different meters (invalid_argument / unsupported).
[[nodiscard]] Result<StyleProfile> blend(std::span<const std::pair<StyleProfile, double>> members);

struct BlendMember {
  std::string name;
  double weight = 0.0;
};

// Parses "Name A:0.7,Name B:0.3" (weights > 0, any scale; 2-4 distinct members). The last
// ':' of a member separates its weight, so names may contain ':'.
[[nodiscard]] Result<std::vector<BlendMember>> parse_blend(std::string_view text);

// parse_blend, resolve every member with the library (an unknown one gives not_found with
// suggestions), then blend().
[[nodiscard]] Result<StyleProfile> resolve_blend(const StyleLibrary& library, std::string_view text);

}  // namespace mdg
