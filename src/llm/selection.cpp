#include "llm/selection.hpp"

namespace mdg::llm {

std::string key_hint(const ProviderSettings& s) {
  if (s.kind == ProviderKind::openai_compatible) {
    return "set its base_url in the configuration" +
           (s.api_key_env.empty() ? std::string() : " (and " + s.api_key_env + " if it needs a key)");
  }
  return s.api_key_env.empty() ? std::string("give it a key") : "set " + s.api_key_env;
}

std::string allowed_selections(const GenerationConfig& config) {
  std::string out = "auto, local";
  for (const auto& p : config.providers) out += ", " + p.name;
  return out;
}

Result<ProviderPlan> plan_providers(const GenerationConfig& config, std::string_view selection,
                                    const ProviderFactory& make) {
  auto build = [&](const ProviderSettings& s) -> ProviderEntry {
    ProviderEntry e;
    e.provider = make ? make(s) : std::shared_ptr<const Provider>(make_provider(s));
    e.retry.max_retries = std::max(0, s.max_retries);
    return e;
  };
  ProviderPlan plan;
  if (selection == "local") {
    plan.why_local.push_back("--provider local: the local engine was asked for");
    return plan;
  }
  if (selection == "auto") {
    for (const auto* s : config.auto_order()) plan.order.push_back(build(*s));
    if (plan.order.empty()) {
      std::string hints;
      for (const auto& name : [&] {
             std::vector<std::string> names{config.primary};
             names.insert(names.end(), config.fallback.begin(), config.fallback.end());
             return names;
           }()) {
        if (const auto* s = config.find(name)) hints += (hints.empty() ? "" : "; ") + s->name + ": " + key_hint(*s);
      }
      plan.why_local.push_back("no LLM provider is configured (" + (hints.empty() ? std::string("none listed") : hints) +
                               ")");
    }
    return plan;
  }
  const auto* s = config.find(selection);
  if (s == nullptr) {
    return fail(Errc::invalid_argument, "--provider '" + std::string(selection) +
                                            "' is not a known provider; allowed: " + allowed_selections(config));
  }
  if (!s->configured()) {
    plan.why_local.push_back(s->name + ": not configured (" + key_hint(*s) + ")");
    return plan;
  }
  plan.order.push_back(build(*s));
  return plan;
}

}  // namespace mdg::llm
