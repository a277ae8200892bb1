#pragma once
// JSON codec for style profiles (data/genres/*.json, data/artists/*.json, API bodies).
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "style/style_profile.hpp"

namespace mdg {

[[nodiscard]] nlohmann::json profile_to_json(const StyleProfile& profile);
// Validates every field: a wrong type, a value out of range or an unknown lane/feel gives
// an error naming the field and the allowed values. Missing optional fields keep defaults.
[[nodiscard]] Result<StyleProfile> profile_from_json(const nlohmann::json& json);
// Parses text first; syntax errors carry the byte offset.
[[nodiscard]] Result<StyleProfile> profile_from_text(std::string_view text);
[[nodiscard]] Result<StyleProfile> load_profile_file(const std::filesystem::path& path);
// The whole file in one sized read; not_found / io errors name the path.
[[nodiscard]] Result<std::string> read_text_file(const std::filesystem::path& path);

}  // namespace mdg
