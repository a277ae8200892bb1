#pragma once
// The artists use case: list knowledge-base entries, filtered by genre or a search text.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "style/library.hpp"

namespace mdg {

struct ArtistsQuery {
  std::string genre;   // a genre tag ("hard rock") or base genre id ("metal"); case/accent-insensitive
  std::string search;  // words that must all appear in the name or an alias (folded)
};

struct ArtistRow {
  std::string id;
  std::string name;
  std::string kind;  // band, artist, drummer, producer
  std::vector<std::string> genres;
  std::string base;
  std::optional<YearSpan> era;
  std::string country;
  double confidence = 0.0;
};

// Every artist entry that passes the filters, sorted by name (folded). An entry that does
// not decode is an error naming its file.
[[nodiscard]] Result<std::vector<ArtistRow>> list_artists(const StyleLibrary& library,
                                                          const ArtistsQuery& query);
[[nodiscard]] nlohmann::json artists_to_json(const std::vector<ArtistRow>& rows);
// One line per entry: name, kind, genres, era, country, confidence.
[[nodiscard]] std::string render_artists_text(const std::vector<ArtistRow>& rows);

}  // namespace mdg
