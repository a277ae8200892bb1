#include "service/artists.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/text.hpp"

namespace mdg {
namespace {

bool contains_words(const std::string& haystack, const std::vector<std::string>& words) {
  const std::string padded = " " + haystack + " ";
  return std::all_of(words.begin(), words.end(), [&padded](const std::string& w) {
    return padded.find(w) != std::string::npos;
  });
}

std::vector<std::string> words_of(const std::string& folded) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < folded.size()) {
    const std::size_t end = std::min(folded.find(' ', start), folded.size());
    if (end > start) out.push_back(folded.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string era_text(const std::optional<YearSpan>& era) {
  if (!era) return "?";
  return std::to_string(era->from) + "-" + (era->to ? std::to_string(*era->to) : std::string());
}

}  // namespace

Result<std::vector<ArtistRow>> list_artists(const StyleLibrary& library, const ArtistsQuery& query) {
  const std::string genre = fold_name(query.genre);
  const auto search = words_of(fold_name(query.search));
  std::vector<std::pair<std::string, ArtistRow>> rows;
  for (const auto& entry : library.entries()) {
    if (entry.kind != ProfileKind::artist) continue;
    if (!search.empty()) {
      bool hit = contains_words(fold_name(entry.name), search) || contains_words(fold_name(entry.id), search);
      for (const auto& alias : entry.aliases) hit = hit || contains_words(fold_name(alias), search);
      if (!hit) continue;
    }
    if (!genre.empty() && fold_name(entry.base) != genre) {
      // The base is in the index; genre tags need the entry itself.
      auto p = library.load_entry(entry);
      if (!p) return std::unexpected(p.error());
      if (std::none_of(p->genres.begin(), p->genres.end(), [&genre](const std::string& g) { return fold_name(g) == genre; })) {
        continue;
      }
    }
    auto p = library.load_entry(entry);
    if (!p) return std::unexpected(p.error());
    ArtistRow row{p->id, p->name, std::string(artist_kind_name(p->artist_kind)), p->genres, p->base,
                  p->era, p->country, p->confidence};
    rows.emplace_back(fold_name(p->name), std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<ArtistRow> out;
  out.reserve(rows.size());
  for (auto& [key, row] : rows) out.push_back(std::move(row));
  return out;
}

nlohmann::json artists_to_json(const std::vector<ArtistRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json era = nullptr;
    if (r.era) {
      era = {{"from", r.era->from}};
      if (r.era->to) era["to"] = *r.era->to;
    }
    out.push_back({{"id", r.id}, {"name", r.name}, {"kind", r.kind}, {"genres", r.genres},
                   {"base", r.base}, {"era", era}, {"country", r.country}, {"confidence", r.confidence}});
  }
  return {{"count", rows.size()}, {"artists", out}};
}

std::string render_artists_text(const std::vector<ArtistRow>& rows) {
  std::string out = fmt::format("{:<32} {:<9} {:<34} {:<10} {:<3} {}\n", "name", "kind", "genres", "era", "cc", "conf");
  for (const auto& r : rows) {
    std::string genres;
    for (const auto& g : r.genres) genres += (genres.empty() ? "" : ", ") + g;
    out += fmt::format("{:<32} {:<9} {:<34} {:<10} {:<3} {:.2f}\n", r.name, r.kind, genres, era_text(r.era),
                       r.country.empty() ? "?" : r.country, r.confidence);
  }
  out += fmt::format("{} entr{}\n", rows.size(), rows.size() == 1 ? "y" : "ies");
  return out;
}

}  // namespace mdg
