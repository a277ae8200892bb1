#include "style/library.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "groove/groove_json.hpp"
#include "style/profile_json.hpp"

#ifndef MDG_SOURCE_DATA_DIR
#define MDG_SOURCE_DATA_DIR "data"
#endif

namespace mdg {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;


// The *.json files of a folder, sorted so that open() is deterministic. A missing
// folder is an empty list; the caller decides whether that is an error.
Result<std::vector<fs::path>> json_files(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json" && it->is_regular_file(ec)) out.push_back(it->path());
  }
  if (ec) return fail(Errc::io, "cannot list '" + dir.string() + "': " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

// A light scan of a profile document: finds the top-level members and the extent of
// their values without building them, so open() does not pay for the large groove
// models. Nested values are only bracket-matched here; resolve() validates them fully.
class TopLevelScanner {
 public:
  explicit TopLevelScanner(std::string_view text) : text_(text) {}

  // Member name -> raw value text; fails with the byte offset of the first problem.
  Result<std::vector<std::pair<std::string, std::string_view>>> members() {
    std::vector<std::pair<std::string, std::string_view>> out;
    skip_space();
    if (!consume('{')) return error("expected '{' at the start of the profile");
    skip_space();
    if (consume('}')) return finish(std::move(out));
    while (true) {
      skip_space();
      const std::size_t key_start = pos_;
      if (!skip_string()) return error("expected a quoted member name");
      auto key = decode(text_.substr(key_start, pos_ - key_start));
      if (!key || !key->is_string()) return error("invalid member name");
      skip_space();
      if (!consume(':')) return error("expected ':' after a member name");
      skip_space();
      const std::size_t value_start = pos_;
      if (!skip_value()) return error("unterminated or malformed value");
      out.emplace_back(key->get<std::string>(), text_.substr(value_start, pos_ - value_start));
      skip_space();
      if (consume(',')) continue;
      if (consume('}')) return finish(std::move(out));
      return error("expected ',' or '}' between members");
    }
  }

  // Parses one small value; nullopt when it is not valid JSON.
  static std::optional<json> decode(std::string_view raw) {
    json value = json::parse(raw.begin(), raw.end(), nullptr, false);
    if (value.is_discarded()) return std::nullopt;
    return value;
  }

 private:
  Result<std::vector<std::pair<std::string, std::string_view>>> finish(
      std::vector<std::pair<std::string, std::string_view>> out) {
    skip_space();
    if (pos_ != text_.size()) return error("unexpected text after the profile object");
    return out;
  }
  std::unexpected<Error> error(std::string_view what) const {
    return fail(Errc::parse, "not a valid profile document: " + std::string(what), pos_);
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool skip_string() {
    if (!consume('"')) return false;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '\\') {
        if (pos_ >= text_.size()) return false;
        ++pos_;
      } else if (c == '"') {
        return true;
      }
    }
    return false;
  }
  bool skip_value() {
    if (pos_ >= text_.size()) return false;
    const char first = text_[pos_];
    if (first == '"') return skip_string();
    if (first == '{' || first == '[') {
      std::vector<char> closers;
      while (pos_ < text_.size()) {
        const char c = text_[pos_];
        if (c == '"') {
          if (!skip_string()) return false;
          continue;
        }
        if (c == '{') closers.push_back('}');
        else if (c == '[') closers.push_back(']');
        else if (c == '}' || c == ']') {
          if (closers.empty() || closers.back() != c) return false;
          closers.pop_back();
          if (closers.empty()) {
            ++pos_;
            return true;
          }
        }
        ++pos_;
      }
      return false;
    }
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}' && text_[pos_] != ']' &&
           text_[pos_] != ' ' && text_[pos_] != '\n' && text_[pos_] != '\r' && text_[pos_] != '\t') {
      ++pos_;
    }
    return pos_ > start;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

struct Header {
  std::string id;
  std::string name;
  ProfileKind kind = ProfileKind::genre;
  std::vector<std::string> aliases;
};

Result<Header> read_genre_header(const fs::path& path) {
  auto text = read_text_file(path);
  if (!text) return std::unexpected(text.error());
  TopLevelScanner scanner(*text);
  auto members = scanner.members();
  if (!members) {
    Error e = members.error();
    e.message = path.string() + ": " + e.message;
    return std::unexpected(std::move(e));
  }
  Header header;
  std::string kind;
  auto bad = [&path](std::string_view field, std::string_view what) {
    return fail(Errc::invalid_argument, path.string() + ": profile field '" + std::string(field) +
                                            "': " + std::string(what));
  };
  for (const auto& [key, raw] : *members) {
    if (key != "id" && key != "kind" && key != "name" && key != "aliases") continue;
    const auto value = TopLevelScanner::decode(raw);
    if (!value) return bad(key, "is not valid JSON");
    if (key == "aliases") {
      if (!value->is_array()) return bad(key, "expected an array of strings");
      for (const auto& alias : *value) {
        if (!alias.is_string()) return bad(key, "expected an array of strings");
        header.aliases.push_back(alias.get<std::string>());
      }
      continue;
    }
    if (!value->is_string()) return bad(key, "expected a string");
    if (key == "id") header.id = value->get<std::string>();
    else if (key == "kind") kind = value->get<std::string>();
    else header.name = value->get<std::string>();
  }
  if (kind != "genre") {
    return bad("kind", "profiles under genres/ need \"genre\", got '" + kind + "'");
  }
  if (header.id.empty() || header.name.empty()) {
    return fail(Errc::invalid_argument, path.string() + ": a genre profile needs an id and a name");
  }
  return header;
}

// Keys a name is found under: the folded text, and the same without a leading "the ".
void add_keys(std::vector<std::string>& out, std::string_view text) {
  std::string folded = fold_name(text);
  if (folded.empty()) return;
  if (folded.starts_with("the ") && folded.size() > 4) out.push_back(folded.substr(4));
  out.push_back(std::move(folded));
}

std::vector<std::string> split_words(std::string_view folded) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < folded.size()) {
    const std::size_t end = std::min(folded.find(' ', start), folded.size());
    if (end > start) words.emplace_back(folded.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// 0 = identical; lower is closer. Whole-string edit distance, relative to length, with
// word and prefix matches counted as close ("bonham" -> "john bonham", "dil" -> "j dilla").
double closeness(std::string_view query, std::string_view key) {
  if (query == key) return 0.0;
  const double longest = static_cast<double>(std::max(query.size(), key.size()));
  double score = static_cast<double>(edit_distance(query, key)) / longest;
  if (key.starts_with(query) && query.size() >= 3) score = std::min(score, 0.15);
  const auto query_words = split_words(query);
  const auto key_words = split_words(key);
  for (const auto& qw : query_words) {
    for (const auto& kw : key_words) {
      if (qw == kw && qw.size() >= 3) {
        score = std::min(score, 0.1);
      } else if (qw.size() >= 3 && kw.starts_with(qw)) {
        score = std::min(score, 0.2);
      } else if (qw.size() >= 4) {
        const double word_longest = static_cast<double>(std::max(qw.size(), kw.size()));
        const double d = static_cast<double>(edit_distance(qw, kw)) / word_longest;
        if (d <= 0.34) score = std::min(score, 0.25 + d);
      }
    }
  }
  return score;
}

// Artists inherit the groove; the dataset credit of the base travels with it.
StyleProfile merge_onto_base(StyleProfile artist, const StyleProfile& base) {
  artist.groove = base.groove;
  for (const auto& source : base.sources) {
    if (std::find(artist.sources.begin(), artist.sources.end(), source) == artist.sources.end()) {
      artist.sources.push_back(source);
    }
  }
  return artist;
}

}  // namespace

Result<StyleLibrary> StyleLibrary::open(const std::filesystem::path& data_dir) {
  std::error_code ec;
  if (!fs::is_directory(data_dir, ec)) {
    return fail(Errc::not_found, "style data folder '" + data_dir.string() +
                                     "' does not exist; set MDG_DATA_DIR to the folder that "
                                     "holds artists/ and genres/");
  }
  StyleLibrary library;
  library.data_dir_ = data_dir;

  auto genre_files = json_files(data_dir / "genres");
  if (!genre_files) return std::unexpected(genre_files.error());
  for (const auto& file : *genre_files) {
    auto header = read_genre_header(file);
    if (!header) return std::unexpected(header.error());
    library.entries_.push_back(
        LibraryEntry{header->id, header->name, ProfileKind::genre, header->aliases, file});
  }
  auto artist_files = json_files(data_dir / "artists");
  if (!artist_files) return std::unexpected(artist_files.error());
  for (const auto& file : *artist_files) {
    auto profile = load_profile_file(file);
    if (!profile) return std::unexpected(profile.error());
    if (profile->kind != ProfileKind::artist) {
      return fail(Errc::invalid_argument,
                  file.string() + ": profiles under artists/ need \"kind\": \"artist\"");
    }
    library.entries_.push_back(
        LibraryEntry{profile->id, profile->name, ProfileKind::artist, profile->aliases, file});
  }
  if (library.entries_.empty()) {
    return fail(Errc::not_found, "no style profiles under '" + data_dir.string() +
                                     "' (expected artists/*.json and genres/*.json)");
  }

  // Ids and names go in before aliases, so that on a clash (an alias of one profile equal
  // to the name of another) the stable sort keeps the name's owner first.
  for (std::size_t i = 0; i < library.entries_.size(); ++i) {
    const auto& e = library.entries_[i];
    for (std::size_t j = 0; j < i; ++j) {
      if (library.entries_[j].id == e.id) {
        return fail(Errc::invalid_argument, "duplicate profile id '" + e.id + "' in " +
                                                library.entries_[j].file.string() + " and " +
                                                e.file.string());
      }
    }
    std::vector<std::string> keys;
    add_keys(keys, e.id);
    add_keys(keys, e.name);
    for (auto& k : keys) library.keys_.emplace_back(std::move(k), i);
  }
  for (std::size_t i = 0; i < library.entries_.size(); ++i) {
    std::vector<std::string> keys;
    for (const auto& alias : library.entries_[i].aliases) add_keys(keys, alias);
    for (auto& k : keys) library.keys_.emplace_back(std::move(k), i);
  }
  std::stable_sort(library.keys_.begin(), library.keys_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return library;
}

// A genre's measured groove lives in grooves/<id>.json beside genres/, so that opening the
// library reads only the small descriptive files; a profile may also carry it inline.
Result<StyleProfile> StyleLibrary::load_genre_or_artist(const LibraryEntry& entry) const {
  auto profile = load_profile_file(entry.file);
  if (!profile || profile->kind != ProfileKind::genre) return profile;
  const GrooveSet empty{};
  if (!(profile->groove == empty)) return profile;
  const auto groove_path = data_dir_ / "grooves" / (profile->id + ".json");
  std::error_code ec;
  if (!std::filesystem::exists(groove_path, ec)) return profile;
  auto text = read_text_file(groove_path);
  if (!text) return std::unexpected(text.error());
  const auto json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded()) return fail(Errc::parse, groove_path.string() + ": not valid JSON");
  auto groove = groove_set_from_json(json);
  if (!groove) {
    return fail(groove.error().code, groove_path.string() + ": " + groove.error().message);
  }
  profile->groove = std::move(*groove);
  return profile;
}

Result<StyleProfile> StyleLibrary::resolve(std::string_view name) const {
  const std::string query = fold_name(name);
  if (query.empty()) {
    return fail(Errc::invalid_argument, "empty artist or style name; give e.g. 'John Bonham' "
                                        "or 'funk'");
  }
  auto find_key = [this](std::string_view key) -> const LibraryEntry* {
    const auto it = std::lower_bound(keys_.begin(), keys_.end(), key,
                                     [](const auto& k, std::string_view q) { return k.first < q; });
    return it != keys_.end() && it->first == key ? &entries_[it->second] : nullptr;
  };
  const LibraryEntry* entry = find_key(query);
  if (entry == nullptr && query.starts_with("the ")) entry = find_key(query.substr(4));
  if (entry == nullptr) {
    std::string message = "unknown artist or style '" + std::string(name) + "'";
    const auto close = suggest(name, 3);
    if (!close.empty()) {
      message += "; closest known: ";
      for (std::size_t i = 0; i < close.size(); ++i) {
        if (i > 0) message += ", ";
        message += close[i];
      }
    }
    return fail(Errc::not_found, std::move(message));
  }

  auto profile = load_genre_or_artist(*entry);
  if (!profile) return profile;
  if (profile->kind == ProfileKind::genre) return profile;

  const LibraryEntry* base = nullptr;
  for (const auto& e : entries_) {
    if (e.kind == ProfileKind::genre && e.id == profile->base) base = &e;
  }
  if (base == nullptr) {
    return fail(Errc::not_found, "artist profile '" + profile->id + "' is based on genre '" +
                                     profile->base + "', which is not in " +
                                     (data_dir_ / "genres").string());
  }
  auto base_profile = load_genre_or_artist(*base);
  if (!base_profile) return std::unexpected(base_profile.error());
  return merge_onto_base(std::move(*profile), *base_profile);
}

std::vector<std::string> StyleLibrary::suggest(std::string_view name, std::size_t count) const {
  const std::string query = fold_name(name);
  std::vector<std::pair<double, std::size_t>> scored;
  if (query.empty() || count == 0) return {};
  std::vector<double> best(entries_.size(), std::numeric_limits<double>::infinity());
  for (const auto& [key, index] : keys_) best[index] = std::min(best[index], closeness(query, key));
  // Beyond this, a "suggestion" shares too little with the query to help.
  constexpr double kMaxScore = 0.45;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (best[i] <= kMaxScore) scored.emplace_back(best[i], i);
  }
  std::stable_sort(scored.begin(), scored.end(), [this](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return entries_[a.second].name < entries_[b.second].name;
  });
  std::vector<std::string> out;
  for (const auto& [score, index] : scored) {
    if (out.size() == count) break;
    out.push_back(entries_[index].name);
  }
  return out;
}

std::filesystem::path default_data_dir() {
  if (const char* env = std::getenv("MDG_DATA_DIR"); env != nullptr && *env != '\0') {
    return fs::path(env);
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && !exe.empty()) {
    const fs::path installed =
        (exe.parent_path() / ".." / "share" / "mididrumigen" / "data").lexically_normal();
    if (fs::is_directory(installed, ec)) return installed;
  }
  return fs::path(MDG_SOURCE_DATA_DIR);
}

}  // namespace mdg
