#pragma once
// `--provider auto|local|openai|anthropic|gemini|<configured name>` -> the providers the
// manager asks, in order, or why the local engine answers directly.
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "llm/config.hpp"
#include "llm/manager.hpp"

namespace mdg::llm {

struct ProviderPlan {
  std::vector<ProviderEntry> order;    // empty: the local engine answers
  std::vector<std::string> why_local;  // set when order is empty
};

// "auto, local, openai, anthropic, gemini" plus the configured names, for help and errors.
[[nodiscard]] std::string allowed_selections(const GenerationConfig& config);

// auto = primary then fallbacks, configured ones only (none: local, saying which keys to set);
// local = the local engine; a named provider = only it (local when it has no key). An unknown
// name is an invalid_argument error listing what is allowed. `make` builds the clients
// (make_provider by default; tests pass their own).
using ProviderFactory = std::function<std::shared_ptr<const Provider>(const ProviderSettings&)>;
[[nodiscard]] Result<ProviderPlan> plan_providers(const GenerationConfig& config, std::string_view selection,
                                                  const ProviderFactory& make = {});

// Where a provider's key comes from, for messages ("set OPENAI_API_KEY"); never the key.
[[nodiscard]] std::string key_hint(const ProviderSettings& settings);

}  // namespace mdg::llm
