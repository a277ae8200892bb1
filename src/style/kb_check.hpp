#pragma once
// `mididrumigen kb check`: validates every knowledge-base entry (data/artists/*.json)
// against docs/knowledge-base.md and summarises the base (counts per genre, decade, kind).
#include <cstddef>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace mdg {

// The documented vocabularies (docs/knowledge-base.md).
[[nodiscard]] std::span<const std::string_view> kb_genre_vocabulary() noexcept;
[[nodiscard]] std::span<const std::string_view> kb_base_genres() noexcept;
[[nodiscard]] std::span<const std::string_view> kb_feels() noexcept;

struct KbProblem {
  std::filesystem::path file;
  std::string field;    // "traits.kick_density", "signature_grooves[0].lanes"; empty = whole file
  std::string message;  // what is wrong and what is allowed
  friend bool operator==(const KbProblem&, const KbProblem&) = default;
};

struct KbReport {
  std::filesystem::path data_dir;
  std::size_t entries = 0;         // files under artists/
  std::size_t genre_profiles = 0;  // files under genres/
  std::size_t signature_grooves = 0;
  std::vector<KbProblem> problems;
  std::map<std::string, std::size_t> per_genre;   // genre tag -> entries with it
  std::map<int, std::size_t> per_decade;          // 1960 -> entries active in the 1960s
  std::map<std::string, std::size_t> per_kind;    // band/artist/drummer/producer
  std::map<std::string, std::size_t> per_base;
  std::map<std::string, std::size_t> per_country;

  [[nodiscard]] bool ok() const noexcept { return problems.empty(); }
};

// Reads every entry under data_dir/artists (and the genre ids under data_dir/genres) and
// checks: the schema (required fields, types, ranges, vocabularies), id = file name, unique
// ids/names/aliases after case and accent folding, every signature groove parses and fits
// its meter (tempo inside the entry's range), plausible tempo ranges, drummer ids that name
// entries, an entry with empty traits and no grooves names a drummer whose entry has them,
// and that the base genre has a profile. Fails only when data_dir itself cannot be read.
[[nodiscard]] Result<KbReport> check_knowledge_base(const std::filesystem::path& data_dir);

[[nodiscard]] nlohmann::json kb_report_to_json(const KbReport& report);
[[nodiscard]] std::string render_kb_report(const KbReport& report);

}  // namespace mdg
