#pragma once
// A knowledge-base entry's signature groove laid onto the engine's bar plan, so that
// `generate --signature N` can play it as the core bar(s) of every variation (the one case
// where the engine plays a known groove; it still varies, fills and humanizes it).
//
// Each written hit goes to the plan slot nearest its grid position (a 16th-triplet groove
// on the eighth-triplet plan folds its in-between steps onto a neighbour; a flam is played
// as its main stroke). Hits of a lane keep the groove's written note (a side stick, a
// clap, a china) and velocity (accent, hit, ghost); voices that fold onto no lane
// (cowbell, congas, shaker, ...) are kept as extras and replayed with every bar that
// plays that core bar.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/meter.hpp"
#include "generate/bar_plan.hpp"
#include "groove/groove_model.hpp"
#include "style/style_profile.hpp"

namespace mdg {

struct WrittenHit {
  std::uint8_t velocity = 0;  // 0 = nothing written
  DrumNote note = 0;
};

struct ExtraHit {
  std::size_t slot = 0;
  DrumNote note = 0;
  std::uint8_t velocity = 0;
};

struct SignatureCore {
  std::string name;
  std::optional<double> tempo;
  Meter meter;
  Subdivision subdivision = Subdivision::sixteenth;  // the plan grid it wants
  std::vector<std::vector<LaneMask>> bars;           // per core bar, per plan slot
  std::vector<std::vector<std::array<WrittenHit, kLaneCount>>> written;  // the same shape
  std::vector<std::vector<ExtraHit>> extras;         // per core bar

  [[nodiscard]] std::size_t size() const noexcept { return bars.size(); }
};

// Signature groove `number` (1-based) of the profile. Errors (invalid_argument): the
// profile has no signature grooves, or `number` is outside 1..their count; both name the
// style and what is allowed.
[[nodiscard]] Result<const SignatureGroove*> pick_signature(const StyleProfile& profile, int number);

// The groove decoded: name, tempo, meter and the plan grid it needs (triplet for "triplet"
// and "16th-triplet" grooves, else sixteenth), bars left empty; the error names the groove.
[[nodiscard]] Result<SignatureCore> read_signature(const SignatureGroove& groove);
// Lays the decoded groove onto `plan` (whose meter must be the groove's).
[[nodiscard]] Result<SignatureCore> lay_signature(const SignatureGroove& groove, const BarPlan& plan);

}  // namespace mdg
