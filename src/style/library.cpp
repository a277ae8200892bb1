#include "style/library.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <iterator>
#include <tuple>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "groove/groove_json.hpp"
#include "style/edit_distance.hpp"
#include "style/groove_cache.hpp"
#include "style/profile_json.hpp"

#ifndef MDG_SOURCE_DATA_DIR
#define MDG_SOURCE_DATA_DIR "data"
#endif

namespace mdg {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;


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
  ArtistKind artist_kind = ArtistKind::artist;
  std::vector<std::string> aliases;
  std::string base;
};

// The members open() needs, read without decoding the rest of the file; the full profile
// is validated when it is resolved (and by `kb check`).
Result<Header> read_header(const fs::path& path, bool genre_folder) {
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
    if (key != "id" && key != "kind" && key != "name" && key != "aliases" && key != "base") continue;
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
    else if (key == "base") header.base = value->get<std::string>();
    else header.name = value->get<std::string>();
  }
  if (genre_folder) {
    if (kind != "genre") {
      return bad("kind", "profiles under genres/ need \"genre\", got '" + kind + "'");
    }
  } else {
    const auto artist_kind = artist_kind_from_name(kind);
    if (!artist_kind) {
      return bad("kind", "profiles under artists/ need one of band, artist, drummer, producer; got '" +
                             kind + "'");
    }
    header.kind = ProfileKind::artist;
    header.artist_kind = *artist_kind;
    if (header.base.empty()) return bad("base", "is required for artist profiles: the id of a genre profile");
  }
  if (header.id.empty() || header.name.empty()) {
    return fail(Errc::invalid_argument, path.string() + ": a profile needs an id and a name");
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

std::string without_spaces(std::string_view folded) {
  std::string out;
  out.reserve(folded.size());
  for (const char c : folded) {
    if (c != ' ') out += c;
  }
  return out;
}

// without_spaces(key) == compact, without building the string.
bool equal_without_spaces(std::string_view key, std::string_view compact) {
  std::size_t j = 0;
  for (const char c : key) {
    if (c == ' ') continue;
    if (j == compact.size() || compact[j] != c) return false;
    ++j;
  }
  return j == compact.size();
}

std::string sorted_words(std::vector<std::string> words) {
  std::sort(words.begin(), words.end());
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

// Typos allowed for a query of n bytes: 1 up to 5, 2 up to 9, then 3.
std::size_t typo_limit(std::size_t n) { return n <= 5 ? 1 : (n <= 9 ? 2 : 3); }

// The unique closest key to a query within its typo limit, over keys given in the index's
// order: a later key at the best distance that belongs to another entry makes it ambiguous.
class TypoSearch {
 public:
  struct Best {
    std::size_t distance = 0;
    std::string key;
    std::uint32_t entry = 0;
    std::uint8_t alias = 0;
    bool surname = false;
  };
  TypoSearch(std::string_view plain, bool one_word) : plain_(plain), one_word_(one_word), limit_(typo_limit(plain.size())) {
    best_.distance = limit_ + 1;
  }
  // Kept small so that it inlines into the loops over the keys; the rare updates are not.
  void consider(std::string_view key, std::uint32_t entry, std::uint8_t alias, bool surname) {
    if (surname && !one_word_) return;
    const std::size_t d = bounded_distance(plain_, key, std::min(best_.distance, limit_), row_);
    if (d <= limit_ && d <= best_.distance) record(d, key, entry, alias, surname);
  }
  [[nodiscard]] const Best* result() const { return found_ && !ambiguous_ ? &best_ : nullptr; }

 private:
  void record(std::size_t d, std::string_view key, std::uint32_t entry, std::uint8_t alias, bool surname) {
    if (d < best_.distance) {
      best_ = Best{d, std::string(key), entry, alias, surname};
      found_ = true;
      ambiguous_ = false;
    } else if (found_ && entry != best_.entry) {
      ambiguous_ = true;
    }
  }
  std::string_view plain_;
  bool one_word_;
  std::size_t limit_;
  Best best_;
  bool found_ = false;
  bool ambiguous_ = false;
  std::vector<std::size_t> row_;
};

std::string years_text(const DrummerCredit& d) {
  if (!d.from) return {};
  return " (" + std::to_string(*d.from) + "-" + (d.to ? std::to_string(*d.to) : std::string()) + ")";
}

std::string score_text(double score) {
  const auto hundredths = static_cast<long long>(std::lround(score * 100.0));
  return std::to_string(hundredths / 100) + "." + (hundredths % 100 < 10 ? "0" : "") +
         std::to_string(hundredths % 100);
}

// 0 = identical; lower is closer. Whole-string edit distance relative to length, with
// word and prefix matches counted as close ("bonham" -> "john bonham", "dil" -> "j dilla").
// `word_scores[w]` is the best word-level score of any query word against vocabulary word w.
double closeness(std::string_view query, std::string_view key, const std::vector<std::uint32_t>& key_words,
                 const std::vector<double>& word_scores, std::vector<std::size_t>& row) {
  if (query == key) return 0.0;
  double score = 1.0;
  for (const auto w : key_words) score = std::min(score, word_scores[w]);
  if (key.starts_with(query) && query.size() >= 3) score = std::min(score, 0.15);
  const std::size_t longest = std::max(query.size(), key.size());
  // Only a whole-string distance that beats the word score matters; past 0.45 nothing is
  // suggested, so the distance is bounded there.
  const auto limit = static_cast<std::size_t>(std::min(score, 0.45) * static_cast<double>(longest));
  const std::size_t d = bounded_distance(query, key, limit, row);
  if (d <= limit) score = std::min(score, static_cast<double>(d) / static_cast<double>(longest));
  return score;
}

// Word-level score of one query word against one word of a name (1 = no likeness).
double word_closeness(std::string_view qw, std::string_view kw, std::vector<std::size_t>& row) {
  if (qw == kw && qw.size() >= 3) return 0.1;
  if (qw.size() >= 3 && kw.starts_with(qw)) return 0.2;
  if (qw.size() >= 4) {
    const std::size_t word_longest = std::max(qw.size(), kw.size());
    const auto word_limit = static_cast<std::size_t>(0.34 * static_cast<double>(word_longest));
    const std::size_t wd = bounded_distance(qw, kw, word_limit, row);
    if (wd <= word_limit) return 0.25 + static_cast<double>(wd) / static_cast<double>(word_longest);
  }
  return 1.0;
}

// Artists inherit the groove; the dataset credit of the base travels with it.
StyleProfile merge_onto_base(StyleProfile artist, StyleProfile base) {
  artist.groove = std::move(base.groove);
  for (const auto& source : base.sources) {
    if (std::find(artist.sources.begin(), artist.sources.end(), source) == artist.sources.end()) {
      artist.sources.push_back(source);
    }
  }
  return artist;
}


// The compact index: one line per profile file with what open() needs, and the file's
// size and modification time to tell whether it is still current.
struct IndexedFile {
  fs::path file;
  std::uintmax_t size = 0;
  std::int64_t mtime = 0;  // ns since the epoch
  bool genre = false;
};

// The *.json files of a folder (regular files, links followed), sorted by name so that open()
// is deterministic, with their size and modification time when `with_stat` (one stat each,
// relative to the open folder). A missing folder is an empty list; the caller decides whether
// that is an error.
Result<std::vector<IndexedFile>> json_files(const fs::path& dir, bool genre, bool with_stat) {
  std::vector<IndexedFile> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  const auto cannot = [&dir](std::string_view what, int err) {
    return fail(Errc::io, "cannot " + std::string(what) + " '" + dir.string() + "': " +
                              std::generic_category().message(err));
  };
  DIR* folder = ::opendir(dir.c_str());
  if (folder == nullptr) return cannot("list", errno);
  std::vector<std::string> names;
  std::vector<std::pair<std::uintmax_t, std::int64_t>> stats;
  int err = 0;
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(folder);
    if (entry == nullptr) {
      err = errno;
      break;
    }
    const std::string_view name(entry->d_name);
    // "x.json"; a file named just ".json" has no extension.
    if (name.size() <= 5 || !name.ends_with(".json")) continue;
    if (entry->d_type == DT_REG && !with_stat) {
      names.emplace_back(name);
      continue;
    }
    if (entry->d_type != DT_REG && entry->d_type != DT_LNK && entry->d_type != DT_UNKNOWN) continue;
    struct stat st {};
    if (::fstatat(::dirfd(folder), entry->d_name, &st, 0) != 0) {
      err = errno;
      break;
    }
    if (!S_ISREG(st.st_mode)) continue;
    names.emplace_back(name);
    stats.emplace_back(static_cast<std::uintmax_t>(st.st_size),
                       static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec);
  }
  ::closedir(folder);
  if (err != 0) return cannot("list", err);
  std::vector<std::size_t> order(names.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&names](std::size_t a, std::size_t b) { return names[a] < names[b]; });
  out.reserve(names.size());
  for (const std::size_t i : order) {
    IndexedFile f{dir / names[i], 0, 0, genre};
    if (with_stat) std::tie(f.size, f.mtime) = stats[i];
    out.push_back(std::move(f));
  }
  return out;
}

// Version 2: modification times in ns since the Unix epoch (version 1 held file_clock counts).
constexpr std::string_view kIndexMagic = "mididrumigen-index 2";

std::string cache_file_name(const fs::path& data_dir) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(data_dir, ec);
  const std::string text = (ec ? data_dir : canonical).string();
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name = "index-";
  for (int shift = 60; shift >= 0; shift -= 4) name += kHex[(hash >> static_cast<unsigned>(shift)) & 0xFU];
  return name + ".tsv";
}

bool plain_field(std::string_view text) {
  return text.find_first_of("\t\n\r\x1f") == std::string_view::npos;
}

std::vector<std::string> split_on(std::string_view text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(sep, start);
    out.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// The next `sep`-terminated piece of `rest` (without the separator), or the rest when `sep`
// does not occur and `last` is allowed; nullopt otherwise.
std::optional<std::string_view> take(std::string_view& rest, char sep, bool last = false) {
  const std::size_t end = rest.find(sep);
  if (end == std::string_view::npos) {
    if (!last) return std::nullopt;
    const std::string_view piece = rest;
    rest = {};
    return piece;
  }
  const std::string_view piece = rest.substr(0, end);
  rest.remove_prefix(end + 1);
  return piece;
}

bool is_number_text(std::string_view text, std::int64_t value) {
  char buffer[24];
  const auto r = std::to_chars(std::begin(buffer), std::end(buffer), value);
  return std::string_view(buffer, static_cast<std::size_t>(r.ptr - buffer)) == text;
}

// Headers from the cache when every line matches `files`; nullopt otherwise.
std::optional<std::vector<Header>> read_index(const fs::path& path, const std::vector<IndexedFile>& files) {
  auto text = read_text_file(path);
  if (!text) return std::nullopt;
  std::string_view rest = *text;
  if (take(rest, '\n') != kIndexMagic) return std::nullopt;
  std::vector<Header> headers;
  headers.reserve(files.size());
  for (const auto& f : files) {
    auto line = take(rest, '\n');
    if (!line) return std::nullopt;
    std::array<std::string_view, 9> fields;
    for (std::size_t k = 0; k < fields.size(); ++k) {
      const auto field = take(*line, '\t', k + 1 == fields.size());
      if (!field) return std::nullopt;
      fields[k] = *field;
    }
    if (fields[8] != "end" || fields[0] != f.file.native() ||
        !is_number_text(fields[1], static_cast<std::int64_t>(f.size)) || !is_number_text(fields[2], f.mtime)) {
      return std::nullopt;
    }
    Header h;
    h.id = fields[3];
    if (fields[4] == "genre") {
      h.kind = ProfileKind::genre;
    } else {
      const auto kind = artist_kind_from_name(fields[4]);
      if (!kind) return std::nullopt;
      h.kind = ProfileKind::artist;
      h.artist_kind = *kind;
    }
    h.name = fields[5];
    h.base = fields[6];
    if ((f.genre) != (h.kind == ProfileKind::genre)) return std::nullopt;
    if (!fields[7].empty()) h.aliases = split_on(fields[7], '\x1f');
    headers.push_back(std::move(h));
  }
  if (!rest.empty()) return std::nullopt;
  return headers;
}

void write_index(const fs::path& cache_dir, const fs::path& path, const std::vector<IndexedFile>& files,
                 const std::vector<Header>& headers) {
  std::string out(kIndexMagic);
  out += '\n';
  for (std::size_t i = 0; i < files.size(); ++i) {
    const Header& h = headers[i];
    std::vector<std::string_view> parts = {h.id, h.name, h.base};
    for (const auto& a : h.aliases) parts.emplace_back(a);
    const std::string file = files[i].file.string();
    parts.emplace_back(file);
    if (!std::all_of(parts.begin(), parts.end(), plain_field)) return;  // not representable: no cache
    std::string aliases;
    for (std::size_t k = 0; k < h.aliases.size(); ++k) {
      if (k > 0) aliases += '\x1f';
      aliases += h.aliases[k];
    }
    out += file + '\t' + std::to_string(files[i].size) + '\t' + std::to_string(files[i].mtime) + '\t' + h.id +
           '\t' + (h.kind == ProfileKind::genre ? std::string("genre") : std::string(artist_kind_name(h.artist_kind))) +
           '\t' + h.name + '\t' + h.base + '\t' + aliases + "\tend\n";
  }
  std::error_code ec;
  fs::create_directories(cache_dir, ec);
  if (ec) return;
  // Write beside, then rename: a reader never sees half a file.
  const fs::path tmp = path.string() + ".tmp" + std::to_string(static_cast<unsigned long long>(files.size()));
  {
    std::ofstream stream(tmp, std::ios::binary | std::ios::trunc);
    if (!stream) return;
    stream.write(out.data(), static_cast<std::streamsize>(out.size()));
    if (!stream) {
      stream.close();
      fs::remove(tmp, ec);
      return;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) fs::remove(tmp, ec);
}

}  // namespace

Result<StyleLibrary> StyleLibrary::open(const std::filesystem::path& data_dir) {
  return open(data_dir, LibraryOptions{});
}

Result<StyleLibrary> StyleLibrary::open(const std::filesystem::path& data_dir, const std::filesystem::path& cache_dir) {
  return open(data_dir, LibraryOptions{.cache_dir = cache_dir});
}

Result<StyleLibrary> StyleLibrary::open(const std::filesystem::path& data_dir, const LibraryOptions& options) {
  const fs::path& cache_dir = options.cache_dir;
  std::error_code ec;
  if (!fs::is_directory(data_dir, ec)) {
    return fail(Errc::not_found, "style data folder '" + data_dir.string() +
                                     "' does not exist; set MDG_DATA_DIR to the folder that "
                                     "holds artists/ and genres/");
  }
  StyleLibrary library;
  library.data_dir_ = data_dir;
  library.cache_dir_ = cache_dir;

  std::vector<IndexedFile> files;
  for (const bool genres : {true, false}) {
    auto list = json_files(data_dir / (genres ? "genres" : "artists"), genres, !cache_dir.empty());
    if (!list) return std::unexpected(list.error());
    std::move(list->begin(), list->end(), std::back_inserter(files));
  }
  const fs::path index_path = cache_dir.empty() ? fs::path() : cache_dir / cache_file_name(data_dir);
  std::optional<std::vector<Header>> headers;
  if (!cache_dir.empty()) headers = read_index(index_path, files);
  if (!headers) {
    headers.emplace();
    headers->reserve(files.size());
    for (const auto& f : files) {
      auto header = read_header(f.file, f.genre);
      if (!header) return std::unexpected(header.error());
      headers->push_back(std::move(*header));
    }
    if (!cache_dir.empty()) write_index(cache_dir, index_path, files, *headers);
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto& h = (*headers)[i];
    library.entries_.push_back(LibraryEntry{std::move(h.id), std::move(h.name), h.kind, h.artist_kind,
                                            std::move(h.aliases), std::move(h.base), files[i].file});
  }
  if (library.entries_.empty()) {
    return fail(Errc::not_found, "no style profiles under '" + data_dir.string() +
                                     "' (expected artists/*.json and genres/*.json)");
  }
  for (std::size_t i = 0; i < library.entries_.size(); ++i) {
    const auto& e = library.entries_[i];
    const auto [it, inserted] = library.ids_.emplace(e.id, static_cast<std::uint32_t>(i));
    if (!inserted) {
      return fail(Errc::invalid_argument, "duplicate profile id '" + e.id + "' in " +
                                              library.entries_[it->second].file.string() + " and " +
                                              e.file.string());
    }
  }
  if (options.names == NameIndexing::at_open) (void)library.name_index();
  return library;
}

template <typename Visit>
void StyleLibrary::for_each_name_text(Visit&& visit) const {
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      const auto& e = entries_[i];
      const KeyRef ref{static_cast<std::uint32_t>(i), static_cast<std::uint8_t>(pass)};
      if (pass == 0) {
        if (visit(ref, std::string_view(e.id)) || visit(ref, std::string_view(e.name))) return;
      } else {
        for (const auto& alias : e.aliases) {
          if (visit(ref, std::string_view(alias))) return;
        }
      }
    }
  }
}

const StyleLibrary::NameIndex* StyleLibrary::built_name_index() const {
  return names_->ready.load(std::memory_order_acquire) ? &names_->index : nullptr;
}

const StyleLibrary::NameIndex& StyleLibrary::name_index() const {
  std::call_once(names_->once, [this] {
    NameIndex& index = names_->index;
    for_each_name_text([&index](const KeyRef& ref, std::string_view text) {
      std::vector<std::string> keys;
      add_keys(keys, text);
      for (auto& k : keys) {
        index.exact.emplace(k, ref);
        index.compact.emplace(without_spaces(k), ref);
        const auto words = split_words(k);
        if (words.size() >= 2) index.sorted_tokens.emplace(sorted_words(words), ref);
        index.keys.emplace_back(k, ref.entry);
      }
      const std::string folded = fold_name(text);
      if (folded.empty()) return false;
      index.fuzzy.push_back(FuzzyKey{folded, ref.entry, ref.alias, false});
      const auto words = split_words(folded);
      if (words.size() >= 2 && words.back().size() >= 3) {
        auto& owners = index.surnames[words.back()];
        if (std::find(owners.begin(), owners.end(), ref.entry) == owners.end()) owners.push_back(ref.entry);
        index.fuzzy.push_back(FuzzyKey{words.back(), ref.entry, ref.alias, true});
      }
      return false;
    });
    std::stable_sort(index.keys.begin(), index.keys.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    index.key_words.reserve(index.keys.size());
    for (const auto& [key, entry] : index.keys) {
      for (auto& w : split_words(key)) index.words.push_back(std::move(w));
    }
    std::sort(index.words.begin(), index.words.end());
    index.words.erase(std::unique(index.words.begin(), index.words.end()), index.words.end());
    for (const auto& [key, entry] : index.keys) {
      std::vector<std::uint32_t> ids;
      for (const auto& w : split_words(key)) {
        ids.push_back(static_cast<std::uint32_t>(std::lower_bound(index.words.begin(), index.words.end(), w) -
                                                 index.words.begin()));
      }
      index.key_words.push_back(std::move(ids));
    }
    names_->ready.store(true, std::memory_order_release);
  });
  return names_->index;
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
  auto groove = load_groove_file(groove_path, cache_dir_);
  if (!groove) return std::unexpected(groove.error());
  profile->groove = std::move(*groove);
  return profile;
}

std::string_view match_kind_name(MatchKind kind) noexcept {
  switch (kind) {
    case MatchKind::exact: return "exact";
    case MatchKind::alias: return "alias";
    case MatchKind::token: return "token";
    case MatchKind::fuzzy: return "fuzzy";
    case MatchKind::relation: return "relation";
    case MatchKind::stand_in: return "stand-in";
  }
  return "exact";
}

const LibraryEntry* StyleLibrary::entry_by_id(std::string_view id) const {
  const auto it = ids_.find(std::string(id));
  return it == ids_.end() ? nullptr : &entries_[it->second];
}

Result<StyleProfile> StyleLibrary::load_entry(const LibraryEntry& entry) const {
  return load_profile_file(entry.file);
}

std::optional<Resolution> StyleLibrary::find(std::string_view name) const {
  const std::string query = fold_name(name);
  if (query.empty()) return std::nullopt;
  Resolution r;
  r.query = std::string(name);
  auto found = [&](const KeyRef& ref, MatchKind kind, double score, std::string matched) {
    const auto& e = entries_[ref.entry];
    r.entry_id = e.id;
    r.entry_name = e.name;
    r.match = kind;
    r.score = score;
    r.matched = std::move(matched);
    return r;
  };
  auto exact_kind = [](const KeyRef& ref) { return ref.alias != 0 ? MatchKind::alias : MatchKind::exact; };
  // The text of the name or alias a key came from, for the reason line.
  auto source_text = [this](const KeyRef& ref, auto&& key_of) -> std::string {
    const auto& e = entries_[ref.entry];
    if (ref.alias != 0) {
      for (const auto& a : e.aliases) {
        std::vector<std::string> keys;
        add_keys(keys, a);
        for (const auto& k : keys) {
          if (key_of(k)) return a;
        }
      }
    }
    return e.name;
  };
  const std::string plain = query.starts_with("the ") && query.size() > 4 ? query.substr(4) : query;
  // The other forms of the query, derived only when the exact keys do not match.
  std::string compact;
  std::vector<std::string> words;
  std::string sorted;
  bool surname_query = false;
  auto derive_forms = [&] {
    compact = without_spaces(plain);
    words = split_words(plain);
    if (words.size() >= 2) sorted = sorted_words(words);
    surname_query = words.size() == 1 && plain.size() >= 3;
  };

  // What each step finds: the first key in the index's order that matches (the entry the
  // index's emplace kept), and for a surname its owners.
  std::optional<KeyRef> exact_query;
  std::optional<KeyRef> exact_plain;
  std::optional<KeyRef> compact_hit;
  std::optional<KeyRef> sorted_hit;
  std::optional<std::uint32_t> surname_owner;  // set when exactly one entry has it
  const NameIndex* index = built_name_index();
  if (index != nullptr) {
    auto probe = [](const auto& map, const std::string& key) -> std::optional<KeyRef> {
      const auto it = map.find(key);
      return it == map.end() ? std::nullopt : std::optional<KeyRef>(it->second);
    };
    exact_query = probe(index->exact, query);
    if (!exact_query) exact_plain = probe(index->exact, plain);
    if (!exact_query && !exact_plain) {
      derive_forms();
      compact_hit = probe(index->compact, compact);
      if (!sorted.empty()) sorted_hit = probe(index->sorted_tokens, sorted);
      if (surname_query) {
        if (const auto it = index->surnames.find(plain); it != index->surnames.end() && it->second.size() == 1) {
          surname_owner = it->second.front();
        }
      }
    }
  } else {
    // One pass over the names in the index's order, deriving each text's keys as
    // name_index() does; stops early only at an exact match of the query, which wins anyway.
    derive_forms();
    bool surname_shared = false;
    for_each_name_text([&](const KeyRef& ref, std::string_view text) {
      const std::string folded = fold_name(text);
      if (folded.empty()) return false;
      const bool has_the = folded.starts_with("the ") && folded.size() > 4;
      for (const std::string_view k : {has_the ? std::string_view(folded).substr(4) : std::string_view(),
                                       std::string_view(folded)}) {
        if (k.empty()) continue;
        if (k == query) {
          exact_query = ref;
          return true;
        }
        if (!exact_plain && k == plain) exact_plain = ref;
        if (!compact_hit && equal_without_spaces(k, compact)) compact_hit = ref;
        // Folded keys have single spaces, so equal sorted words means equal length.
        if (!sorted.empty() && !sorted_hit && k.size() == sorted.size()) {
          const auto key_words = split_words(k);
          if (key_words.size() >= 2 && sorted_words(key_words) == sorted) sorted_hit = ref;
        }
      }
      if (surname_query && !surname_shared) {
        const std::size_t space = folded.rfind(' ');
        if (space != std::string::npos && std::string_view(folded).substr(space + 1) == plain) {
          if (!surname_owner) surname_owner = ref.entry;
          else if (*surname_owner != ref.entry) surname_shared = true;
        }
      }
      return false;
    });
    if (surname_shared) surname_owner.reset();
  }

  if (exact_query) {
    return found(*exact_query, exact_kind(*exact_query), 1.0,
                 source_text(*exact_query, [&query](const std::string& k) { return k == query; }));
  }
  if (exact_plain) {
    return found(*exact_plain, exact_kind(*exact_plain), 1.0,
                 source_text(*exact_plain, [&plain](const std::string& k) { return k == plain; }));
  }
  if (compact_hit) {
    return found(*compact_hit, exact_kind(*compact_hit), 1.0,
                 source_text(*compact_hit, [&compact](const std::string& k) { return without_spaces(k) == compact; }));
  }
  if (sorted_hit) {
    return found(*sorted_hit, MatchKind::token, 1.0,
                 source_text(*sorted_hit, [&sorted](const std::string& k) { return sorted_words(split_words(k)) == sorted; }));
  }
  if (surname_owner) {
    return found(KeyRef{*surname_owner, 0}, MatchKind::token, 1.0, entries_[*surname_owner].name);
  }
  // Typos: the unique closest key within the limit.
  if (plain.size() < 4) return std::nullopt;
  TypoSearch typos(plain, words.size() == 1);
  if (index != nullptr) {
    for (const auto& k : index->fuzzy) typos.consider(k.key, k.entry, k.alias, k.surname);
  } else {
    // The typo pool in name_index()'s order: each folded text, then its surname.
    for_each_name_text([&typos](const KeyRef& ref, std::string_view text) {
      const std::string folded = fold_name(text);
      if (folded.empty()) return false;
      typos.consider(folded, ref.entry, ref.alias, false);
      const std::size_t space = folded.rfind(' ');
      if (space != std::string::npos && folded.size() - space - 1 >= 3) {
        typos.consider(std::string_view(folded).substr(space + 1), ref.entry, ref.alias, true);
      }
      return false;
    });
  }
  const auto* best = typos.result();
  if (best == nullptr) return std::nullopt;
  const double longest = static_cast<double>(std::max(plain.size(), best->key.size()));
  double score = 1.0 - static_cast<double>(best->distance) / longest;
  if (best->surname) score *= 0.9;
  const KeyRef ref{best->entry, best->alias};
  return found(ref, MatchKind::fuzzy, score,
               source_text(ref, [best](const std::string& k) { return k == best->key; }));
}

Result<StyleProfile> StyleLibrary::load_merged(const LibraryEntry& entry) const {
  auto profile = load_genre_or_artist(entry);
  if (!profile) return profile;
  if (profile->kind == ProfileKind::genre) return profile;
  const LibraryEntry* base = entry_by_id(profile->base);
  if (base == nullptr || base->kind != ProfileKind::genre) {
    return fail(Errc::not_found, "artist profile '" + profile->id + "' is based on genre '" +
                                     profile->base + "', which is not in " +
                                     (data_dir_ / "genres").string());
  }
  auto base_profile = load_genre_or_artist(*base);
  if (!base_profile) return std::unexpected(base_profile.error());
  return merge_onto_base(std::move(*profile), std::move(*base_profile));
}

Result<Resolved> StyleLibrary::resolve_match(std::string_view name) const {
  if (fold_name(name).empty()) {
    return fail(Errc::invalid_argument, "empty artist or style name; give e.g. 'John Bonham' "
                                        "or 'funk'");
  }
  auto how = find(name);
  if (!how) {
    std::string message = "unknown artist or style '" + std::string(name) + "'";
    const auto close = suggest(name, 5);
    if (!close.empty()) {
      message += "; closest known: ";
      for (std::size_t i = 0; i < close.size(); ++i) {
        if (i > 0) message += ", ";
        message += close[i];
      }
    }
    message += "; to go ahead anyway use --genre G or --like \"Artist\" (a stand-in, low confidence)";
    return fail(Errc::not_found, std::move(message));
  }
  const LibraryEntry* entry = entry_by_id(how->entry_id);
  auto profile = load_merged(*entry);
  if (!profile) return std::unexpected(profile.error());

  switch (how->match) {
    case MatchKind::exact: how->reason = "exact name '" + how->matched + "'"; break;
    case MatchKind::alias: how->reason = "alias '" + how->matched + "' of " + how->entry_name; break;
    case MatchKind::token: how->reason = "same words as '" + how->matched + "'"; break;
    case MatchKind::fuzzy:
      how->reason = "closest name to '" + how->query + "' is '" + how->matched + "' (score " +
                    score_text(how->score) + ")";
      break;
    default: break;
  }
  // A band or solo artist written without traits and grooves plays its drummer's style.
  if (profile->kind == ProfileKind::artist && profile->traits == StyleTraits{} &&
      profile->signature_grooves.empty()) {
    for (const auto& d : profile->drummers) {
      const LibraryEntry* drummer = d.id.empty() ? nullptr : entry_by_id(d.id);
      if (drummer == nullptr || drummer == entry) continue;
      auto style = load_merged(*drummer);
      if (!style) return std::unexpected(style.error());
      if (style->traits == StyleTraits{} && style->signature_grooves.empty()) continue;
      StyleProfile& p = *profile;
      p.base = style->base;
      p.groove = std::move(style->groove);
      p.traits = style->traits;
      p.signature_grooves = style->signature_grooves;
      for (const auto& source : style->sources) {
        if (std::find(p.sources.begin(), p.sources.end(), source) == p.sources.end()) p.sources.push_back(source);
      }
      how->match = MatchKind::relation;
      how->drummer_id = drummer->id;
      how->drummer_name = drummer->name;
      how->reason += "; drums by " + d.name + years_text(d);
      break;
    }
  }
  return Resolved{std::move(*profile), std::move(*how)};
}

Result<StyleProfile> StyleLibrary::resolve(std::string_view name) const {
  auto r = resolve_match(name);
  if (!r) return std::unexpected(r.error());
  return std::move(r->profile);
}

Result<Resolved> StyleLibrary::resolve_stand_in(std::string_view name, std::string_view stand_in) const {
  auto base = resolve_match(stand_in);
  if (!base) {
    Error e = base.error();
    e.message = "stand-in: " + e.message;
    return std::unexpected(std::move(e));
  }
  Resolved out = std::move(*base);
  const std::string used = out.profile.name;
  const std::string display = std::string(name).empty() ? used : std::string(name);
  out.profile.name = display;
  out.profile.confidence = std::min(out.profile.confidence, 0.2);
  out.profile.description = "Stand-in: '" + display + "' is not in the knowledge base; played with the " +
                            (out.profile.kind == ProfileKind::genre ? "genre profile " : "profile of ") +
                            used + ". " + out.profile.description;
  out.how.query = std::string(name);
  out.how.match = MatchKind::stand_in;
  out.how.score = out.profile.confidence;
  out.how.reason = "stand-in: '" + display + "' is not in the knowledge base, so this uses " + used +
                   " (" + out.how.reason + "); low confidence " + score_text(out.profile.confidence);
  return out;
}

std::vector<std::string> StyleLibrary::suggest(std::string_view name, std::size_t count) const {
  const std::string query = fold_name(name);
  std::vector<std::pair<double, std::size_t>> scored;
  if (query.empty() || count == 0) return {};
  const NameIndex& index = name_index();
  std::vector<double> best(entries_.size(), std::numeric_limits<double>::infinity());
  const auto query_words = split_words(query);
  std::vector<std::size_t> row;
  // Each distinct word of the base is compared with the query's words once.
  std::vector<double> word_scores(index.words.size(), 1.0);
  for (std::size_t w = 0; w < index.words.size(); ++w) {
    for (const auto& qw : query_words) word_scores[w] = std::min(word_scores[w], word_closeness(qw, index.words[w], row));
  }
  for (std::size_t k = 0; k < index.keys.size(); ++k) {
    const auto& [key, entry] = index.keys[k];
    best[entry] = std::min(best[entry], closeness(query, key, index.key_words[k], word_scores, row));
  }
  // Beyond this, a "suggestion" shares too little with the query to help.
  constexpr double kMaxScore = 0.7;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (best[i] <= kMaxScore) scored.emplace_back(best[i], i);
  }
  std::stable_sort(scored.begin(), scored.end(), [this](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return entries_[a.second].name < entries_[b.second].name;
  });
  std::vector<std::string> out;
  for (const auto& [score, entry] : scored) {
    if (out.size() == count) break;
    out.push_back(entries_[entry].name);
  }
  return out;
}

std::filesystem::path default_cache_dir() {
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v != nullptr ? std::string(v) : std::string();
  };
  if (const auto dir = env("MDG_CACHE_DIR"); !dir.empty()) return fs::path(dir);
  if (const auto dir = env("XDG_CACHE_HOME"); !dir.empty()) return fs::path(dir) / "mididrumigen";
  if (const auto dir = env("HOME"); !dir.empty()) return fs::path(dir) / ".cache" / "mididrumigen";
  return {};
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
