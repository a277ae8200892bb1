#pragma once
// JSON codec for groove models. Decoding validates every field and says which one is
// wrong and what is allowed.
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "groove/groove_model.hpp"

namespace mdg {

[[nodiscard]] nlohmann::json groove_model_to_json(const GrooveModel& model);
[[nodiscard]] Result<GrooveModel> groove_model_from_json(const nlohmann::json& json);

[[nodiscard]] nlohmann::json groove_set_to_json(const GrooveSet& set);
[[nodiscard]] Result<GrooveSet> groove_set_from_json(const nlohmann::json& json);

}  // namespace mdg
