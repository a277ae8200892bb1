#include "generate/signature.hpp"

#include <algorithm>
#include <cstdlib>

#include "style/groove_notation.hpp"

namespace mdg {

Result<const SignatureGroove*> pick_signature(const StyleProfile& profile, int number) {
  const auto count = static_cast<int>(profile.signature_grooves.size());
  if (count == 0) {
    return fail(Errc::invalid_argument,
                "'" + profile.name + "' has no signature grooves in the knowledge base; leave out "
                "--signature (the engine then writes its own grooves in that style)");
  }
  if (number < 1 || number > count) {
    std::string names;
    for (int i = 0; i < count; ++i) {
      names += (i > 0 ? ", " : "") + std::to_string(i + 1) + " = '" +
               profile.signature_grooves[static_cast<std::size_t>(i)].name + "'";
    }
    return fail(Errc::invalid_argument, "--signature " + std::to_string(number) + " is not allowed: '" +
                                            profile.name + "' has " + std::to_string(count) +
                                            " signature groove" + (count == 1 ? "" : "s") +
                                            "; allowed: " + (count == 1 ? "1" : "1-" + std::to_string(count)) +
                                            " (" + names + ")");
  }
  return &profile.signature_grooves[static_cast<std::size_t>(number - 1)];
}

Result<SignatureCore> read_signature(const SignatureGroove& groove) {
  auto parsed = parse_groove(groove);
  if (!parsed) {
    return fail(parsed.error().code, "signature groove '" + groove.name + "': " + parsed.error().message);
  }
  SignatureCore core;
  core.name = groove.name;
  core.tempo = groove.tempo;
  core.meter = parsed->meter;
  core.subdivision = parsed->grid == NotationGrid::triplet || parsed->grid == NotationGrid::sixteenth_triplet
                         ? Subdivision::triplet
                         : Subdivision::sixteenth;
  return core;
}

Result<SignatureCore> lay_signature(const SignatureGroove& groove, const BarPlan& plan) {
  auto core = read_signature(groove);
  if (!core) return core;
  auto parsed = parse_groove(groove);  // read_signature validated it
  if (!parsed) return std::unexpected(parsed.error());
  if (plan.slots.empty()) return fail(Errc::invalid_argument, "empty bar plan");
  const std::int64_t per_step = kPpq / notation_steps_per_quarter(parsed->grid);
  const std::size_t slots = plan.slots.size();
  const auto bars = static_cast<std::size_t>(parsed->bars);
  core->bars.assign(bars, std::vector<LaneMask>(slots, 0));
  core->written.assign(bars, std::vector<std::array<WrittenHit, kLaneCount>>(slots));
  core->extras.assign(bars, {});
  for (const NotationHit& h : parsed->hits) {
    const std::int64_t tick = per_step * h.step;
    // The nearest slot (ties to the earlier one).
    std::size_t best = 0;
    for (std::size_t i = 1; i < slots; ++i) {
      if (std::llabs(plan.slots[i].tick - tick) < std::llabs(plan.slots[best].tick - tick)) best = i;
    }
    const auto bar = static_cast<std::size_t>(h.bar);
    const auto lane = lane_of(h.note);
    if (!lane) {
      core->extras[bar].push_back(ExtraHit{best, h.note, h.velocity});
      continue;
    }
    core->bars[bar][best] = static_cast<LaneMask>(core->bars[bar][best] | (1U << lane_index(*lane)));
    WrittenHit& w = core->written[bar][best][lane_index(*lane)];
    if (h.velocity > w.velocity) w = WrittenHit{h.velocity, h.note};
  }
  return core;
}

}  // namespace mdg
