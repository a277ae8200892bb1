#pragma once
// The note-feel regressor: predicts, for each note of a pattern quantized to the sixteenth
// grid of 4/4, how a human drummer of a style would have played it: its timing offset from
// the grid (ms, + = late, measured against the click as a take follows it) and its velocity.
// Two gradient-boosted tree models (gbt.hpp) with absolute loss, so each predicts the
// conditional median, the value with the least expected absolute error for a note whose
// real performance is unknown.
//
// What a prediction may see is only what a quantized pattern shows, plus the style's
// measured groove model (GrooveModel): the tempo; the note's lane, GM note, step in the beat
// and beat in the bar; which lanes hit at its step and at the two steps before and after;
// the gaps to the lane's previous and next hits; how many notes of its lane share its step
// (a quantized flam, drag or 32nd-note pair) and its place among them (by GM note, then in
// the input's order, so the pedal and a stick stroke on the hi-hat keep their own roles
// whichever was written first); how busy its bar and
// lane are; the whole pattern's statistics (hits per bar, per lane, the share of hits on
// each sixteenth of the beat - a swung take quantizes its late eighths onto the last
// sixteenth -, ride against
// hi-hat, cross-stick, pedal and open hi-hat use); and the style's swing ratio, placement
// against the click, ghost-note rate, density, and its step statistics for the note's lane
// and step (mean and spread of the offset, expected velocity, onset probability).
//
// The models are learned by tools/derive_profiles from the Groove MIDI Dataset's training
// split (each 4/4 beat take quantized as a user's pattern would be, with the groove model
// of every genre the take feeds) and shipped as data/feel/note_feel.txt.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/drum_map.hpp"
#include "core/error.hpp"
#include "core/pattern.hpp"
#include "groove/gbt.hpp"
#include "groove/groove_model.hpp"

namespace mdg {

// A note on the sixteenth grid of 4/4.
struct GridNote {
  int bar = 0;
  int step = 0;  // 0-15
  Lane lane = Lane::closed_hat;
  DrumNote note = 42;
};

struct GridTake {
  double bpm = 120.0;
  int bars = 0;
  std::vector<GridNote> notes;
};

inline constexpr std::size_t kNoteFeelFeatures = 111;

// One row of kNoteFeelFeatures values per note of `take`, in its order. `style` is the
// style's sixteenth-grid beat model (an empty model gives neutral style features).
[[nodiscard]] std::vector<double> note_feel_features(const GridTake& take, const GrooveModel& style);

// A 4/4 take snapped to the raw sixteenth grid (nearest step of the file's own grid, as a
// step sequencer or a DAW's quantize writes it): the grid notes and, per note in the same
// order, the real onset's offset from its step in ms and its velocity. Notes of no lane
// are left out.
struct QuantizedTake {
  GridTake grid;
  std::vector<double> offset_ms;
  std::vector<double> velocity;
};
[[nodiscard]] QuantizedTake quantize_take(const Pattern& take);

struct NoteFeelModel {
  Gbt timing;    // offset from the grid in ms (+ = late)
  Gbt velocity;  // 1-127
  friend bool operator==(const NoteFeelModel&, const NoteFeelModel&) = default;
};

// The timing model's prediction for one feature row, in ms.
[[nodiscard]] double predict_offset_ms(const NoteFeelModel& model, std::span<const double> row);

// Collects training rows from takes and fits both models.
class NoteFeelTrainer {
 public:
  // Adds every note of a quantized take with the style it stands for.
  void add(const QuantizedTake& take, const GrooveModel& style);
  [[nodiscard]] std::size_t rows() const noexcept { return timing_.rows(); }
  // Errors: no rows (invalid_argument).
  [[nodiscard]] Result<NoteFeelModel> fit(const GbtOptions& timing, const GbtOptions& velocity) const;

 private:
  GbtData timing_{kNoteFeelFeatures, {}, {}, {}};
  GbtData velocity_{kNoteFeelFeatures, {}, {}, {}};
};

// The options derive_profiles fits the shipped models with.
[[nodiscard]] GbtOptions note_feel_timing_options();
[[nodiscard]] GbtOptions note_feel_velocity_options();

// File format: "note_feel 1", then the timing model's and the velocity model's text.
[[nodiscard]] std::string note_feel_text(const NoteFeelModel& model);
// Errors: not this format, or a model that is malformed or has the wrong feature count (parse).
[[nodiscard]] Result<NoteFeelModel> parse_note_feel(std::string_view text);
// Reads a model file; errors name the file (io when unreadable, parse when malformed).
[[nodiscard]] Result<NoteFeelModel> read_note_feel_file(const std::filesystem::path& path);

// Where the shipped model lives inside a data folder.
inline constexpr const char* kNoteFeelFile = "feel/note_feel.txt";

}  // namespace mdg
