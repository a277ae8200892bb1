// Layout (host byte order):
//   "MDGGROOV" (8 bytes), u32 format version, u64 payload length, u64 FNV-1a of the payload,
//   payload: u8 feel, then the four models (sixteenth, triplet, fill_sixteenth, fill_triplet):
//     u8 numerator, u8 denominator, u8 subdivision, u32 bars,
//     9 lanes: u32 step count, per step 7 f64 (onset_prob, velocity_mean, velocity_sd,
//              ghost_prob, ghost_velocity_mean, offset_mean_ms, offset_sd_ms) and u32 hits;
//              5 f64 (hits_per_bar, velocity_mean, velocity_sd, offset_mean_ms, offset_sd_ms), u8 note,
//     u32 step count of transitions, per step: counts (u32 n, n x (u16 mask, u32 count)) of the
//              unigram; u32 n contexts x (u16 previous, counts); u32 n beat contexts x
//              (u16 previous, u16 beat_before, counts),
//     7 f64 (density, swing_ratio, swing_ratio_16th, ghost_rate, syncopation, fill_rate, placement_ms),
//     u32 n x (u8 note, f64 offset) note velocities, u32 n x (u64 key, u32 hits, f64 velocity,
//     f64 offset_ms) context feel, u32 n x (9 x steps u8 onsets, u32 snare_hits, u32 snare_ghosts,
//     u32 m, m x u16 bar step masks, f64 timing_mean_ms, f64 timing_sd_ms) take shapes (format 4;
//     format 3 had no take timing, format 2 no take bars, format 1 no take shapes).
#include "groove/groove_binary.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace mdg {
namespace {

constexpr char kMagic[8] = {'M', 'D', 'G', 'G', 'R', 'O', 'O', 'V'};
constexpr std::uint32_t kVersion = 4;
constexpr std::size_t kHeaderSize = sizeof(kMagic) + 4 + 8 + 8;

// FNV-1a, 64 bits.
std::uint64_t payload_checksum(std::string_view bytes) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

class Writer {
 public:
  template <typename T>
  void put(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out_.append(bytes, sizeof(T));
  }
  void size(std::size_t n) { put(static_cast<std::uint32_t>(n)); }
  void counts(const std::vector<MaskCount>& counts) {
    size(counts.size());
    for (const auto& c : counts) {
      put(c.mask);
      put(c.count);
    }
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

// Reads from a byte range; every read checks the remaining length, and a failed read
// leaves the reader failed (later reads fail too).
class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}
  template <typename T>
  bool get(T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (!ok_ || rest_.size() < sizeof(T)) return ok_ = false;
    std::memcpy(&value, rest_.data(), sizeof(T));
    rest_.remove_prefix(sizeof(T));
    if constexpr (std::is_floating_point_v<T>) {
      if (!std::isfinite(value)) return ok_ = false;  // the JSON form has no NaN or infinity
    }
    return true;
  }
  // A count of elements of at least `element_bytes` each: never more than the bytes left
  // could hold, so a damaged count cannot ask for a huge allocation.
  bool size(std::size_t& n, std::size_t element_bytes) {
    std::uint32_t raw = 0;
    if (!get(raw)) return false;
    if (static_cast<std::size_t>(raw) > rest_.size() / element_bytes) return ok_ = false;
    n = raw;
    return true;
  }
  bool counts(std::vector<MaskCount>& out) {
    std::size_t n = 0;
    if (!size(n, 6)) return false;
    out.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (!get(out[i].mask) || !get(out[i].count)) return false;
      if (out[i].mask >= kLaneMaskLimit || (i > 0 && out[i].mask <= out[i - 1].mask)) return ok_ = false;
    }
    return true;
  }
  [[nodiscard]] bool ok() const noexcept { return ok_; }
  [[nodiscard]] bool done() const noexcept { return ok_ && rest_.empty(); }

 private:
  std::string_view rest_;
  bool ok_ = true;
};

void put_model(Writer& w, const GrooveModel& m) {
  w.put(static_cast<std::uint8_t>(m.grid.meter.numerator));
  w.put(static_cast<std::uint8_t>(m.grid.meter.denominator));
  w.put(static_cast<std::uint8_t>(m.grid.subdivision));
  w.put(m.bars);
  for (const LaneStats& lane : m.lanes) {
    w.size(lane.steps.size());
    for (const StepStats& s : lane.steps) {
      for (const double v : {s.onset_prob, s.velocity_mean, s.velocity_sd, s.ghost_prob, s.ghost_velocity_mean,
                             s.offset_mean_ms, s.offset_sd_ms}) {
        w.put(v);
      }
      w.put(s.hits);
    }
    for (const double v : {lane.hits_per_bar, lane.velocity_mean, lane.velocity_sd, lane.offset_mean_ms,
                           lane.offset_sd_ms}) {
      w.put(v);
    }
    w.put(lane.note);
  }
  w.size(m.transitions.size());
  for (const StepTransitions& t : m.transitions) {
    w.counts(t.unigram);
    w.size(t.contexts.size());
    for (const ContextCounts& c : t.contexts) {
      w.put(c.previous);
      w.counts(c.next);
    }
    w.size(t.beat_contexts.size());
    for (const BeatContextCounts& c : t.beat_contexts) {
      w.put(c.previous);
      w.put(c.beat_before);
      w.counts(c.next);
    }
  }
  for (const double v : {m.density, m.swing_ratio, m.swing_ratio_16th, m.ghost_rate, m.syncopation, m.fill_rate,
                         m.placement_ms}) {
    w.put(v);
  }
  w.size(m.note_velocity.size());
  for (const NoteVelocity& nv : m.note_velocity) {
    w.put(nv.note);
    w.put(nv.offset);
  }
  w.size(m.context_feel.size());
  for (const ContextFeel& c : m.context_feel) {
    w.put(c.key);
    w.put(c.hits);
    w.put(c.velocity);
    w.put(c.offset_ms);
  }
  w.size(m.takes.size());
  for (const TakeShape& t : m.takes) {
    w.bytes().append(reinterpret_cast<const char*>(t.onsets.data()), t.onsets.size());
    w.put(t.snare_hits);
    w.put(t.snare_ghosts);
    w.size(t.bars.size());
    for (const LaneMask bar_mask : t.bars) w.put(bar_mask);
    w.put(t.timing_mean_ms);
    w.put(t.timing_sd_ms);
  }
}

// The model, or false when the bytes end early or break the shape the JSON decoder enforces
// (a meter and grid it accepts, one entry per step, masks below 512, sorted keys, finite
// numbers).
bool get_model(Reader& r, GrooveModel& m) {
  std::uint8_t numerator = 0;
  std::uint8_t denominator = 0;
  std::uint8_t subdivision = 0;
  if (!r.get(numerator) || !r.get(denominator) || !r.get(subdivision) || !r.get(m.bars)) return false;
  const auto meter = Meter::make(numerator, denominator);
  if (!meter || subdivision > static_cast<std::uint8_t>(Subdivision::triplet)) return false;
  m.grid = Grid{*meter, static_cast<Subdivision>(subdivision)};
  if (!m.grid.fits()) return false;
  const auto steps = static_cast<std::size_t>(m.grid.steps_per_bar());
  const auto shaped = [&](std::size_t n) { return n == steps || (m.bars == 0 && n == 0); };
  for (LaneStats& lane : m.lanes) {
    std::size_t n = 0;
    if (!r.size(n, 7 * 8 + 4) || !shaped(n)) return false;
    lane.steps.resize(n);
    for (StepStats& s : lane.steps) {
      for (double* v : {&s.onset_prob, &s.velocity_mean, &s.velocity_sd, &s.ghost_prob, &s.ghost_velocity_mean,
                        &s.offset_mean_ms, &s.offset_sd_ms}) {
        if (!r.get(*v)) return false;
      }
      if (!r.get(s.hits)) return false;
    }
    for (double* v : {&lane.hits_per_bar, &lane.velocity_mean, &lane.velocity_sd, &lane.offset_mean_ms,
                      &lane.offset_sd_ms}) {
      if (!r.get(*v)) return false;
    }
    if (!r.get(lane.note) || lane.note > 127) return false;
  }
  std::size_t n = 0;
  if (!r.size(n, 12) || !shaped(n)) return false;
  m.transitions.resize(n);
  for (StepTransitions& t : m.transitions) {
    if (!r.counts(t.unigram)) return false;
    std::size_t contexts = 0;
    if (!r.size(contexts, 6)) return false;
    t.contexts.resize(contexts);
    for (std::size_t i = 0; i < contexts; ++i) {
      ContextCounts& c = t.contexts[i];
      if (!r.get(c.previous) || c.previous >= kLaneMaskLimit || !r.counts(c.next)) return false;
      if (i > 0 && c.previous <= t.contexts[i - 1].previous) return false;
    }
    std::size_t beat_contexts = 0;
    if (!r.size(beat_contexts, 8)) return false;
    t.beat_contexts.resize(beat_contexts);
    for (std::size_t i = 0; i < beat_contexts; ++i) {
      BeatContextCounts& c = t.beat_contexts[i];
      if (!r.get(c.previous) || !r.get(c.beat_before) || c.previous >= kLaneMaskLimit ||
          c.beat_before >= kLaneMaskLimit || !r.counts(c.next)) {
        return false;
      }
      if (i > 0 && std::pair{t.beat_contexts[i - 1].previous, t.beat_contexts[i - 1].beat_before} >=
                       std::pair{c.previous, c.beat_before}) {
        return false;
      }
    }
  }
  for (double* v : {&m.density, &m.swing_ratio, &m.swing_ratio_16th, &m.ghost_rate, &m.syncopation, &m.fill_rate,
                    &m.placement_ms}) {
    if (!r.get(*v)) return false;
  }
  if (!r.size(n, 9)) return false;
  m.note_velocity.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    NoteVelocity& nv = m.note_velocity[i];
    if (!r.get(nv.note) || !r.get(nv.offset) || nv.note > 127) return false;
    if (i > 0 && nv.note <= m.note_velocity[i - 1].note) return false;
  }
  if (!r.size(n, 28)) return false;
  m.context_feel.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    ContextFeel& c = m.context_feel[i];
    if (!r.get(c.key) || !r.get(c.hits) || !r.get(c.velocity) || !r.get(c.offset_ms)) return false;
    const std::uint64_t level = c.key >> 60;
    const std::uint64_t lane = c.key >> 56 & 0xf;
    const std::uint64_t step = c.key >> 48 & 0xff;
    if (level > 3 || lane >= kLaneCount || step >= steps) return false;
    if (i > 0 && c.key <= m.context_feel[i - 1].key) return false;
  }
  const std::size_t cells = kLaneCount * steps;
  if (!r.size(n, cells + 28)) return false;
  m.takes.resize(n);
  for (TakeShape& t : m.takes) {
    t.onsets.resize(cells);
    for (std::uint8_t& b : t.onsets) {
      if (!r.get(b)) return false;
    }
    if (!r.get(t.snare_hits) || !r.get(t.snare_ghosts) || t.snare_ghosts > t.snare_hits) return false;
    std::size_t masks = 0;
    if (!r.size(masks, 2) || (steps > 0 && masks % steps != 0)) return false;
    t.bars.resize(masks);
    for (LaneMask& bar_mask : t.bars) {
      if (!r.get(bar_mask) || bar_mask >= 1u << kLaneCount) return false;
    }
    if (!r.get(t.timing_mean_ms) || !r.get(t.timing_sd_ms) || !(t.timing_sd_ms >= 0.0)) return false;
  }
  return r.ok();
}

}  // namespace

std::string groove_set_to_binary(const GrooveSet& set) {
  Writer payload;
  payload.put(static_cast<std::uint8_t>(set.feel));
  for (const GrooveModel* m : {&set.sixteenth, &set.triplet, &set.fill_sixteenth, &set.fill_triplet}) {
    put_model(payload, *m);
  }
  return groove_binary_frame(payload.bytes());
}

std::string groove_binary_frame(std::string_view payload) {
  Writer out;
  out.bytes().append(kMagic, sizeof(kMagic));
  out.put(kVersion);
  out.put(static_cast<std::uint64_t>(payload.size()));
  out.put(payload_checksum(payload));
  out.bytes() += payload;
  return std::move(out.bytes());
}

std::string_view groove_binary_payload(std::string_view bytes) {
  return bytes.size() < kHeaderSize ? std::string_view() : bytes.substr(kHeaderSize);
}

Result<GrooveSet> groove_set_from_binary(std::string_view bytes) {
  auto bad = [](std::string_view what) {
    return fail(Errc::parse, "binary groove set: " + std::string(what));
  };
  if (bytes.size() < kHeaderSize || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return bad("not a groove set (wrong magic or too short)");
  }
  Reader header(bytes.substr(sizeof(kMagic), kHeaderSize - sizeof(kMagic)));
  std::uint32_t version = 0;
  std::uint64_t length = 0;
  std::uint64_t checksum = 0;
  header.get(version);
  header.get(length);
  header.get(checksum);
  if (version != kVersion) return bad("format version " + std::to_string(version) + ", expected " + std::to_string(kVersion));
  const std::string_view payload = bytes.substr(kHeaderSize);
  if (length != payload.size()) return bad("truncated or padded");
  if (payload_checksum(payload) != checksum) return bad("checksum mismatch");
  Reader r(payload);
  GrooveSet set;
  std::uint8_t feel = 0;
  if (!r.get(feel) || feel > static_cast<std::uint8_t>(Subdivision::triplet)) return bad("invalid feel");
  set.feel = static_cast<Subdivision>(feel);
  for (GrooveModel* m : {&set.sixteenth, &set.triplet, &set.fill_sixteenth, &set.fill_triplet}) {
    if (!get_model(r, *m)) return bad("malformed model");
  }
  if (!r.done()) return bad("unexpected bytes after the last model");
  const Subdivision expected[] = {Subdivision::sixteenth, Subdivision::triplet, Subdivision::sixteenth,
                                  Subdivision::triplet};
  const GrooveModel* models[] = {&set.sixteenth, &set.triplet, &set.fill_sixteenth, &set.fill_triplet};
  for (std::size_t i = 0; i < 4; ++i) {
    if (models[i]->bars > 0 && models[i]->grid.subdivision != expected[i]) return bad("model on the wrong grid");
  }
  return set;
}

}  // namespace mdg
