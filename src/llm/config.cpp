#include "llm/config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "llm/clients.hpp"

#ifndef MDG_SOURCE_CONFIG_DIR
#define MDG_SOURCE_CONFIG_DIR "configs"
#endif

namespace mdg::llm {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view kKinds = "openai, anthropic, gemini, openai_compatible";

std::string type_of(const json& j) {
  if (j.is_string()) return "the string " + j.dump();
  if (j.is_number()) return j.dump();
  return std::string("a ") + j.type_name();
}

bool valid_name(std::string_view name) {
  return !name.empty() && name.size() <= 40 && name != "auto" && name != "local" &&
         std::ranges::all_of(name, [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-';
         });
}

// The documented defaults for the three hosted APIs.
struct Known {
  std::string_view name;
  ProviderKind kind;
  std::string_view base_url;
  std::string_view key_env;
  std::string_view base_env;
};
constexpr Known kKnown[] = {
    {"openai", ProviderKind::openai, "https://api.openai.com/v1", "OPENAI_API_KEY",
     "OPENAI_BASE_URL"},
    {"anthropic", ProviderKind::anthropic, "https://api.anthropic.com", "ANTHROPIC_API_KEY",
     "ANTHROPIC_BASE_URL"},
    {"gemini", ProviderKind::gemini, "https://generativelanguage.googleapis.com",
     "GEMINI_API_KEY", "GEMINI_BASE_URL"},
};

const Known* known(std::string_view name) {
  for (const auto& k : kKnown) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

Result<std::string> get_string(const json& j, const std::string& path, bool allow_empty) {
  if (!j.is_string() || (!allow_empty && j.get<std::string>().empty())) {
    return fail(Errc::invalid_argument,
                path + ": must be a " + (allow_empty ? "" : "non-empty ") + "string, got " +
                    type_of(j));
  }
  return j.get<std::string>();
}

Result<long> get_int(const json& j, const std::string& path, long lo, long hi) {
  if (!j.is_number_integer() || j.get<long>() < lo || j.get<long>() > hi) {
    return fail(Errc::invalid_argument, path + ": must be an integer from " + std::to_string(lo) +
                                            " to " + std::to_string(hi) + ", got " + type_of(j));
  }
  return j.get<long>();
}

Result<double> get_price(const json& j, const std::string& path) {
  if (!j.is_number() || !std::isfinite(j.get<double>()) || j.get<double>() < 0) {
    return fail(Errc::invalid_argument,
                path + ": must be a number of US dollars per million tokens, 0 or more, got " +
                    type_of(j));
  }
  return j.get<double>();
}

Result<void> check_keys(const json& object, const std::string& path,
                        std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : object.items()) {
    if (key.starts_with('_')) continue;  // comments
    if (std::ranges::find(allowed, key) == allowed.end()) {
      std::string list;
      for (const auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return fail(Errc::invalid_argument, (path.empty() ? "" : path + ".") + key +
                                              ": unknown key; allowed: " + list +
                                              " (keys starting with '_' are comments)");
    }
  }
  return {};
}

Result<void> merge_provider(GenerationConfig& config, const std::string& name, const json& j) {
  const std::string path = "providers." + name;
  if (!valid_name(name)) {
    return fail(Errc::invalid_argument,
                path + ": invalid provider name; allowed: 1-40 characters from A-Z a-z 0-9 _ -, "
                       "not 'auto' or 'local'");
  }
  if (!j.is_object()) {
    return fail(Errc::invalid_argument, path + ": must be an object, got " + type_of(j));
  }
  if (auto ok = check_keys(j, path,
                           {"kind", "model", "base_url", "api_key_env", "api_key",
                            "connect_timeout_ms", "total_timeout_ms", "max_retries"});
      !ok) {
    return std::unexpected(ok.error());
  }
  auto it = std::ranges::find(config.providers, name, &ProviderSettings::name);
  if (it == config.providers.end()) {
    ProviderSettings fresh;
    fresh.name = name;
    if (const Known* k = known(name)) {
      fresh.kind = k->kind;
      fresh.base_url = std::string(k->base_url);
      fresh.api_key_env = std::string(k->key_env);
    } else if (!j.contains("kind")) {
      return fail(Errc::invalid_argument,
                  path + ".kind: missing; a provider not named openai, anthropic or gemini "
                         "needs a kind (" + std::string(kKinds) + ")");
    }
    config.providers.push_back(std::move(fresh));
    it = std::prev(config.providers.end());
  }
  ProviderSettings& p = *it;
  if (const auto f = j.find("kind"); f != j.end()) {
    const auto kind = f->is_string() ? parse_provider_kind(f->get<std::string>()) : std::nullopt;
    if (!kind) {
      return fail(Errc::invalid_argument, path + ".kind: got " + type_of(*f) + "; allowed: " +
                                              std::string(kKinds));
    }
    p.kind = *kind;
  }
  const auto set_string = [&](std::string_view key, std::string& target,
                              bool allow_empty) -> Result<void> {
    const auto f = j.find(key);
    if (f == j.end()) return {};
    auto value = get_string(*f, path + "." + std::string(key), allow_empty);
    if (!value) return std::unexpected(value.error());
    target = std::move(*value);
    return {};
  };
  const auto set_int = [&](std::string_view key, auto& target, long lo,
                           long hi) -> Result<void> {
    const auto f = j.find(key);
    if (f == j.end()) return {};
    auto value = get_int(*f, path + "." + std::string(key), lo, hi);
    if (!value) return std::unexpected(value.error());
    target = static_cast<std::remove_reference_t<decltype(target)>>(*value);
    return {};
  };
  for (auto r : {set_string("model", p.model, false), set_string("base_url", p.base_url, true),
                 set_string("api_key_env", p.api_key_env, true),
                 set_string("api_key", p.key, true),
                 set_int("connect_timeout_ms", p.connect_timeout_ms, 100, 120000),
                 set_int("total_timeout_ms", p.total_timeout_ms, 100, 600000),
                 set_int("max_retries", p.max_retries, 0, 10)}) {
    if (!r) return r;
  }
  p.base_url = without_trailing_slashes(p.base_url);
  return {};
}

Result<void> check_names(const GenerationConfig& config) {
  const auto exists = [&](const std::string& name) { return config.find(name) != nullptr; };
  std::string names;
  for (const auto& p : config.providers) names += (names.empty() ? "" : ", ") + p.name;
  if (!config.primary.empty() && !exists(config.primary)) {
    return fail(Errc::invalid_argument, "primary: '" + config.primary +
                                            "' is not a configured provider; configured: " + names);
  }
  for (std::size_t i = 0; i < config.fallback.size(); ++i) {
    if (!exists(config.fallback[i])) {
      return fail(Errc::invalid_argument, "fallback[" + std::to_string(i) + "]: '" +
                                              config.fallback[i] +
                                              "' is not a configured provider; configured: " +
                                              names);
    }
  }
  for (const auto& p : config.providers) {
    const std::string path = "providers." + p.name;
    if (p.model.empty()) {
      return fail(Errc::invalid_argument, path + ".model: missing; every provider needs a model");
    }
    if (p.kind == ProviderKind::gemini) {
      // The model is part of the URL path.
      const std::string_view id = std::string_view(p.model).starts_with("models/")
                                      ? std::string_view(p.model).substr(7)
                                      : std::string_view(p.model);
      const bool ok = !id.empty() && std::ranges::all_of(id, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
      });
      if (!ok) {
        return fail(Errc::invalid_argument, path + ".model: '" + p.model +
                                                "' is not a Gemini model id; allowed: A-Z a-z "
                                                "0-9 . _ - (optionally after models/)");
      }
    }
    if (!p.base_url.empty() && !p.base_url.starts_with("http://") &&
        !p.base_url.starts_with("https://")) {
      return fail(Errc::invalid_argument, path + ".base_url: '" + p.base_url +
                                              "' must start with http:// or https://");
    }
    if (p.base_url.empty() && p.kind != ProviderKind::openai_compatible) {
      return fail(Errc::invalid_argument, path + ".base_url: must not be empty");
    }
  }
  return {};
}

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io, "cannot read the configuration file " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail(Errc::io, "cannot read the configuration file " + path.string());
  return text.str();
}

}  // namespace

std::string_view provider_kind_name(ProviderKind kind) noexcept {
  switch (kind) {
    case ProviderKind::openai: return "openai";
    case ProviderKind::anthropic: return "anthropic";
    case ProviderKind::gemini: return "gemini";
    case ProviderKind::openai_compatible: return "openai_compatible";
  }
  return "unknown";
}

std::optional<ProviderKind> parse_provider_kind(std::string_view name) noexcept {
  for (const auto kind : {ProviderKind::openai, ProviderKind::anthropic, ProviderKind::gemini,
                          ProviderKind::openai_compatible}) {
    if (provider_kind_name(kind) == name) return kind;
  }
  return std::nullopt;
}

bool ProviderSettings::configured() const noexcept {
  if (model.empty()) return false;
  if (kind == ProviderKind::openai_compatible) return !base_url.empty();
  return !key.empty() && !base_url.empty();
}

const ProviderSettings* GenerationConfig::find(std::string_view name) const noexcept {
  const auto it = std::ranges::find(providers, name, &ProviderSettings::name);
  return it == providers.end() ? nullptr : &*it;
}

std::optional<Price> GenerationConfig::price(std::string_view provider,
                                             std::string_view model) const {
  const std::string key = std::string(provider) + "/" + std::string(model);
  if (const auto it = prices.find(key); it != prices.end()) return it->second;
  // A dated snapshot ("gpt-5.4-mini-2026-03-17") takes its family's price: the longest priced
  // model that prefixes it followed by '-'.
  std::optional<Price> best;
  std::size_t best_length = 0;
  const std::string prefix = std::string(provider) + "/";
  for (const auto& [k, v] : prices) {
    if (!k.starts_with(prefix)) continue;
    const std::string_view priced = std::string_view(k).substr(prefix.size());
    if (model.size() > priced.size() && model.starts_with(priced) &&
        model[priced.size()] == '-' && priced.size() > best_length) {
      best = v;
      best_length = priced.size();
    }
  }
  return best;
}

std::vector<const ProviderSettings*> GenerationConfig::auto_order() const {
  std::vector<const ProviderSettings*> order;
  const auto add = [&](const std::string& name) {
    const ProviderSettings* p = find(name);
    if (p != nullptr && p->configured() && std::ranges::find(order, p) == order.end()) {
      order.push_back(p);
    }
  };
  if (!primary.empty()) add(primary);
  for (const auto& name : fallback) add(name);
  return order;
}

EnvLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

Result<GenerationConfig> merge_generation_config(GenerationConfig base,
                                                 std::string_view json_text,
                                                 std::string_view origin) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    return fail(Errc::parse, std::string(origin) + ": not valid JSON: " + e.what(), e.byte);
  }
  const auto at = [&](const Error& e) {
    return std::unexpected(Error{e.code, std::string(origin) + ": " + e.message, e.offset});
  };
  if (!doc.is_object()) {
    return fail(Errc::invalid_argument,
                std::string(origin) + ": the top level must be an object, got " + type_of(doc));
  }
  if (auto ok = check_keys(doc, "", {"primary", "fallback", "providers", "prices"}); !ok) {
    return at(ok.error());
  }
  // Providers first, so primary/fallback may name providers this document adds.
  if (const auto f = doc.find("providers"); f != doc.end()) {
    if (!f->is_object()) {
      return at(Error{Errc::invalid_argument, "providers: must be an object, got " + type_of(*f),
                      {}});
    }
    for (const auto& [name, value] : f->items()) {
      if (name.starts_with('_')) continue;
      if (auto ok = merge_provider(base, name, value); !ok) return at(ok.error());
    }
  }
  if (const auto f = doc.find("primary"); f != doc.end()) {
    auto value = get_string(*f, "primary", false);
    if (!value) return at(value.error());
    base.primary = std::move(*value);
  }
  if (const auto f = doc.find("fallback"); f != doc.end()) {
    if (!f->is_array()) {
      return at(Error{Errc::invalid_argument,
                      "fallback: must be an array of provider names, got " + type_of(*f), {}});
    }
    base.fallback.clear();
    for (std::size_t i = 0; i < f->size(); ++i) {
      auto value = get_string((*f)[i], "fallback[" + std::to_string(i) + "]", false);
      if (!value) return at(value.error());
      base.fallback.push_back(std::move(*value));
    }
  }
  if (const auto f = doc.find("prices"); f != doc.end()) {
    if (!f->is_object()) {
      return at(Error{Errc::invalid_argument, "prices: must be an object, got " + type_of(*f),
                      {}});
    }
    for (const auto& [key, value] : f->items()) {
      if (key.starts_with('_')) continue;
      const std::string path = "prices." + key;
      const auto slash = key.find('/');
      if (slash == std::string::npos || slash == 0 || slash + 1 == key.size()) {
        return at(Error{Errc::invalid_argument,
                        path + ": the key must be \"<provider>/<model>\"", {}});
      }
      if (!value.is_object()) {
        return at(Error{Errc::invalid_argument, path + ": must be an object, got " +
                                                    type_of(value), {}});
      }
      if (auto ok = check_keys(value, path, {"input_usd_per_mtok", "output_usd_per_mtok"}); !ok) {
        return at(ok.error());
      }
      Price price;
      for (const auto& [field, target] :
           {std::pair{"input_usd_per_mtok", &price.input_usd_per_mtok},
            std::pair{"output_usd_per_mtok", &price.output_usd_per_mtok}}) {
        const auto v = value.find(field);
        if (v == value.end()) {
          return at(Error{Errc::invalid_argument,
                          path + "." + field + ": missing; a price needs input_usd_per_mtok and "
                                               "output_usd_per_mtok",
                          {}});
        }
        auto number = get_price(*v, path + "." + field);
        if (!number) return at(number.error());
        *target = *number;
      }
      base.prices[key] = price;
    }
  }
  // Names and providers must hold after every document, so errors point at the file at fault.
  if (auto ok = check_names(base); !ok) return at(ok.error());
  return base;
}

Result<GenerationConfig> apply_environment(GenerationConfig config, const EnvLookup& env) {
  for (auto& p : config.providers) {
    if (const Known* k = known(p.name)) {
      if (auto url = env(k->base_env)) {
        if (!url->starts_with("http://") && !url->starts_with("https://")) {
          return fail(Errc::invalid_argument, std::string(k->base_env) + ": '" + *url +
                                                  "' must start with http:// or https://");
        }
        p.base_url = without_trailing_slashes(*url);
      }
    }
    if (!p.api_key_env.empty()) {
      if (auto key = env(p.api_key_env)) p.key = std::move(*key);
    }
  }
  if (auto ok = check_names(config); !ok) return std::unexpected(ok.error());
  return config;
}

Result<std::optional<fs::path>> user_config_path(const EnvLookup& env) {
  if (auto explicit_path = env("MDG_CONFIG")) {
    std::error_code ec;
    if (!fs::is_regular_file(*explicit_path, ec)) {
      return fail(Errc::not_found, "MDG_CONFIG: '" + *explicit_path +
                                       "' is not a file; set it to a generation.json or unset it");
    }
    return fs::path(*explicit_path);
  }
  std::optional<fs::path> dir;
  if (auto xdg = env("XDG_CONFIG_HOME")) {
    dir = fs::path(*xdg);
  } else if (auto home = env("HOME")) {
    dir = fs::path(*home) / ".config";
  }
  if (!dir) return std::optional<fs::path>{};
  const fs::path candidate = *dir / "mididrumigen" / "generation.json";
  std::error_code ec;
  if (fs::is_regular_file(candidate, ec)) return std::optional<fs::path>{candidate};
  return std::optional<fs::path>{};
}

fs::path default_config_path(const EnvLookup& env) {
  if (auto dir = env("MDG_CONFIG_DIR")) return fs::path(*dir) / "generation.json";
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && !exe.empty()) {
    const fs::path installed = (exe.parent_path() / ".." / "share" / "mididrumigen" / "configs" /
                                "generation.json")
                                   .lexically_normal();
    if (fs::is_regular_file(installed, ec)) return installed;
  }
  return fs::path(MDG_SOURCE_CONFIG_DIR) / "generation.json";
}

Result<GenerationConfig> load_generation_config(const fs::path& defaults,
                                                const std::optional<fs::path>& user,
                                                const EnvLookup& env) {
  auto text = read_file(defaults);
  if (!text) return std::unexpected(text.error());
  auto config = merge_generation_config(GenerationConfig{}, *text, defaults.string());
  if (!config) return config;
  if (user) {
    auto user_text = read_file(*user);
    if (!user_text) return std::unexpected(user_text.error());
    config = merge_generation_config(std::move(*config), *user_text, user->string());
    if (!config) return config;
  }
  return apply_environment(std::move(*config), env);
}

Result<GenerationConfig> load_generation_config(const EnvLookup& env) {
  auto user = user_config_path(env);
  if (!user) return std::unexpected(user.error());
  return load_generation_config(default_config_path(env), *user, env);
}

std::unique_ptr<Provider> make_provider(const ProviderSettings& settings) {
  switch (settings.kind) {
    case ProviderKind::openai:
    case ProviderKind::openai_compatible: return std::make_unique<OpenAiProvider>(settings);
    case ProviderKind::anthropic: return std::make_unique<AnthropicProvider>(settings);
    case ProviderKind::gemini: return std::make_unique<GeminiProvider>(settings);
  }
  return nullptr;
}

}  // namespace mdg::llm
