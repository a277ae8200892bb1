#include "style/groove_cache.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>

#include "groove/groove_binary.hpp"
#include "groove/groove_json.hpp"
#include "style/profile_json.hpp"

namespace mdg {
namespace {

namespace fs = std::filesystem;

// Cache file: this line, the source path, its size and its modification time (ns since the
// Unix epoch), one per line, then the binary groove set.
constexpr std::string_view kCacheMagic = "mididrumigen-groove-cache 1";

struct Stamp {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
};

std::optional<Stamp> stamp_of(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return Stamp{static_cast<std::uint64_t>(st.st_size),
               static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
}

std::string cache_header(const fs::path& path, const Stamp& stamp) {
  std::string out(kCacheMagic);
  out += '\n';
  out += path.native();
  out += '\n';
  out += std::to_string(stamp.size);
  out += '\n';
  out += std::to_string(stamp.mtime_ns);
  out += '\n';
  return out;
}

// The cached set when the cache file exists, belongs to `path` with this stamp and decodes.
// Mapped rather than read: the file is a few hundred kilobytes, and copying it into fresh
// heap pages costs more than decoding it.
std::optional<GrooveSet> read_cache(const fs::path& cache_file, const fs::path& path, const Stamp& stamp) {
  const int fd = ::open(cache_file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
    ::close(fd);
    return std::nullopt;
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  ::close(fd);
  if (mapped == MAP_FAILED) return std::nullopt;
  const std::string_view bytes(static_cast<const char*>(mapped), size);
  std::optional<GrooveSet> out;
  const std::string header = cache_header(path, stamp);
  if (bytes.starts_with(header)) {
    if (auto set = groove_set_from_binary(bytes.substr(header.size()))) out = std::move(*set);
  }
  ::munmap(mapped, size);
  return out;
}

void write_cache(const fs::path& cache_dir, const fs::path& cache_file, const fs::path& path, const Stamp& stamp,
                 const GrooveSet& set) {
  std::error_code ec;
  fs::create_directories(cache_dir, ec);
  if (ec) return;
  const std::string bytes = cache_header(path, stamp) + groove_set_to_binary(set);
  // Write beside, then rename: a reader never sees half a file, and two processes filling
  // the cache at once each rename a whole file of their own.
  const fs::path tmp = cache_file.string() + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream stream(tmp, std::ios::binary | std::ios::trunc);
    if (!stream) return;
    stream.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    stream.close();
    if (!stream) {
      fs::remove(tmp, ec);
      return;
    }
  }
  fs::rename(tmp, cache_file, ec);
  if (ec) fs::remove(tmp, ec);
}

Result<GrooveSet> decode_json_file(const fs::path& path) {
  auto text = read_text_file(path);
  if (!text) return std::unexpected(text.error());
  const auto json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded()) return fail(Errc::parse, path.string() + ": not valid JSON");
  auto groove = groove_set_from_json(json);
  if (!groove) return fail(groove.error().code, path.string() + ": " + groove.error().message);
  return groove;
}

}  // namespace

fs::path groove_cache_file(const fs::path& path, const fs::path& cache_dir) {
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a of the path as given
  for (const char c : path.native()) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  char hex[17] = {};
  const auto r = std::to_chars(std::begin(hex), std::end(hex) - 1, hash, 16);
  return cache_dir / ("groove-" + std::string(hex, r.ptr) + ".bin");
}

Result<GrooveSet> load_groove_file(const fs::path& path, const fs::path& cache_dir) {
  if (cache_dir.empty()) return decode_json_file(path);
  // Stamped before the source is read: if it changes meanwhile, the stamp is already stale.
  const auto stamp = stamp_of(path);
  if (!stamp) return decode_json_file(path);
  const fs::path cache_file = groove_cache_file(path, cache_dir);
  if (auto cached = read_cache(cache_file, path, *stamp)) return std::move(*cached);
  auto set = decode_json_file(path);
  if (set) write_cache(cache_dir, cache_file, path, *stamp, *set);
  return set;
}

}  // namespace mdg
