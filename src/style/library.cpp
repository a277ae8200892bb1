#include "style/library.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "style/profile_json.hpp"

#ifndef MDG_SOURCE_DATA_DIR
#define MDG_SOURCE_DATA_DIR "data"
#endif

namespace mdg {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Result<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io, "cannot open '" + path.string() + "'");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return fail(Errc::io, "cannot read '" + path.string() + "'");
  return buffer.str();
}

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

// Reads only the top-level id, kind, name and aliases of a profile document, skipping
// the (large) groove models without building them.
class HeaderSax : public nlohmann::json_sax<json> {
 public:
  std::string id;
  std::string kind;
  std::string name;
  std::vector<std::string> aliases;
  bool top_is_object = false;
  std::size_t error_offset = 0;
  std::string error_text;

  bool null() override { return scalar(); }
  bool boolean(bool) override { return scalar(); }
  bool number_integer(number_integer_t) override { return scalar(); }
  bool number_unsigned(number_unsigned_t) override { return scalar(); }
  bool number_float(number_float_t, const string_t&) override { return scalar(); }
  bool binary(binary_t&) override { return scalar(); }
  bool string(string_t& value) override {
    if (depth_ == 1) {
      if (key_ == "id") id = value;
      else if (key_ == "kind") kind = value;
      else if (key_ == "name") name = value;
    } else if (depth_ == 2 && key_ == "aliases" && in_aliases_) {
      aliases.push_back(value);
    }
    return true;
  }
  bool start_object(std::size_t) override {
    if (depth_ == 0) top_is_object = true;
    ++depth_;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ == 1 && key_ == "aliases") in_aliases_ = true;
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    if (depth_ == 1) in_aliases_ = false;
    return true;
  }
  bool key(string_t& value) override {
    if (depth_ == 1) key_ = value;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    error_offset = position > 0 ? position - 1 : 0;
    error_text = e.what();
    return false;
  }

 private:
  bool scalar() { return true; }
  int depth_ = 0;
  std::string key_;
  bool in_aliases_ = false;
};

struct Header {
  std::string id;
  std::string name;
  ProfileKind kind = ProfileKind::genre;
  std::vector<std::string> aliases;
};

Result<Header> read_genre_header(const fs::path& path) {
  auto text = read_text(path);
  if (!text) return std::unexpected(text.error());
  HeaderSax sax;
  bool ok = false;
  try {
    ok = json::sax_parse(*text, &sax);
  } catch (const json::exception& e) {
    return fail(Errc::parse, path.string() + ": " + e.what());
  }
  if (!ok) {
    return fail(Errc::parse, path.string() + ": not valid JSON: " + sax.error_text,
                sax.error_offset);
  }
  if (!sax.top_is_object) return fail(Errc::parse, path.string() + ": a profile must be an object");
  if (sax.kind != "genre") {
    return fail(Errc::invalid_argument, path.string() + ": profiles under genres/ need \"kind\": "
                                                         "\"genre\", got '" + sax.kind + "'");
  }
  if (sax.id.empty() || sax.name.empty()) {
    return fail(Errc::invalid_argument, path.string() + ": a genre profile needs an id and a name");
  }
  return Header{sax.id, sax.name, ProfileKind::genre, sax.aliases};
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

  auto profile = load_profile_file(entry->file);
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
  auto base_profile = load_profile_file(base->file);
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
  constexpr double kMaxScore = 0.6;
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
