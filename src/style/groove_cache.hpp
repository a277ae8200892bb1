#pragma once
// Reading a genre's groove file (grooves/<id>.json) through a cache of decoded models: the
// JSON form is the shipped, reviewed one, but parsing a few hundred kilobytes of it costs a
// command-line run more than everything else it does. The cache keeps the decoded set in the
// binary form (groove_binary.hpp) under the cache folder, one file per source file, stamped
// with the source's path, size and modification time; a stamp that does not match, or a
// damaged cache file, means the JSON is read again (and the cache rewritten). Cache problems
// are never errors.
#include <filesystem>

#include "core/error.hpp"
#include "groove/groove_model.hpp"

namespace mdg {

// The groove set in the JSON file `path`; with a non-empty `cache_dir`, from its cached
// decoding when current. Errors (missing, unreadable or invalid JSON) name the file.
[[nodiscard]] Result<GrooveSet> load_groove_file(const std::filesystem::path& path,
                                                 const std::filesystem::path& cache_dir);

// The cache file load_groove_file keeps for `path` under `cache_dir`.
[[nodiscard]] std::filesystem::path groove_cache_file(const std::filesystem::path& path,
                                                      const std::filesystem::path& cache_dir);

}  // namespace mdg
