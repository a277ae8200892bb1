#include "llm/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "llm/clients.hpp"

namespace mdg::llm::config_test {
namespace {

namespace fs = std::filesystem;

const fs::path kShipped = fs::path(MDG_TEST_DATA_DIR) / ".." / ".." / "configs" / "generation.json";

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    const auto it = vars.find(std::string(name));
    if (it == vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("mdg_llm_config_" + std::to_string(::getpid()) + "_" +
                                                 std::to_string(counter_++))) {
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p;
  }
  const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

TEST(GenerationConfig, ShippedDefaultsLoadWithNoKeys) {
  const auto config = load_generation_config(kShipped, std::nullopt, env_of({}));
  ASSERT_TRUE(config.has_value()) << config.error().describe();
  EXPECT_EQ(config->primary, "openai");
  EXPECT_EQ(config->fallback, (std::vector<std::string>{"anthropic", "gemini"}));
  const ProviderSettings* openai = config->find("openai");
  ASSERT_NE(openai, nullptr);
  EXPECT_EQ(openai->kind, ProviderKind::openai);
  EXPECT_EQ(openai->model, "gpt-5.4-mini");
  EXPECT_EQ(openai->base_url, "https://api.openai.com/v1");
  EXPECT_EQ(openai->total_timeout_ms, 30000);
  EXPECT_FALSE(openai->configured());
  EXPECT_EQ(config->find("anthropic")->model, "claude-haiku-4-5");
  EXPECT_EQ(config->find("gemini")->model, "gemini-3.5-flash");
  EXPECT_TRUE(config->auto_order().empty());
  // Every default model has a price.
  for (const auto& p : config->providers) {
    EXPECT_TRUE(config->price(p.name, p.model).has_value()) << p.name;
  }
  const auto mini = config->price("openai", "gpt-5.4-mini");
  EXPECT_DOUBLE_EQ(mini->input_usd_per_mtok, 0.75);
  EXPECT_DOUBLE_EQ(mini->output_usd_per_mtok, 4.50);
}

TEST(GenerationConfig, EnvironmentSetsKeysAndBaseUrls) {
  const auto config = load_generation_config(
      kShipped, std::nullopt,
      env_of({{"OPENAI_API_KEY", "sk-o"}, {"OPENAI_BASE_URL", "http://127.0.0.1:9999/v1/"},
              {"GEMINI_API_KEY", "g-key"}, {"ANTHROPIC_BASE_URL", "http://127.0.0.1:9998"}}));
  ASSERT_TRUE(config.has_value()) << config.error().describe();
  const auto* openai = config->find("openai");
  EXPECT_EQ(openai->key, "sk-o");
  EXPECT_EQ(openai->base_url, "http://127.0.0.1:9999/v1");
  EXPECT_TRUE(openai->configured());
  EXPECT_FALSE(config->find("anthropic")->configured());  // a base URL is not a key
  EXPECT_EQ(config->find("anthropic")->base_url, "http://127.0.0.1:9998");
  const auto order = config->auto_order();
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(order[0]->name, "openai");
  EXPECT_EQ(order[1]->name, "gemini");
}

TEST(GenerationConfig, UserFileOverridesAndAddsCompatibleServers) {
  TempDir dir;
  const auto user = dir.write("generation.json", R"({
    "primary": "llamacpp",
    "fallback": ["openai", "llamacpp", "ollama"],
    "providers": {
      "openai": {"model": "gpt-5.4-nano", "total_timeout_ms": 5000},
      "llamacpp": {"kind": "openai_compatible", "model": "qwen3-8b", "base_url": "http://127.0.0.1:8080/v1"},
      "ollama": {"kind": "openai_compatible", "model": "llama3", "base_url": "http://localhost:11434/v1/",
                 "api_key_env": "OLLAMA_KEY", "max_retries": 0}
    },
    "prices": {"llamacpp/qwen3-8b": {"input_usd_per_mtok": 0, "output_usd_per_mtok": 0}}
  })");
  const auto config = load_generation_config(kShipped, user, env_of({{"OPENAI_API_KEY", "k"}, {"OLLAMA_KEY", "ollama"}}));
  ASSERT_TRUE(config.has_value()) << config.error().describe();
  const auto* openai = config->find("openai");
  EXPECT_EQ(openai->model, "gpt-5.4-nano");
  EXPECT_EQ(openai->total_timeout_ms, 5000);
  EXPECT_EQ(openai->base_url, "https://api.openai.com/v1");  // kept from the defaults
  const auto* ollama = config->find("ollama");
  ASSERT_NE(ollama, nullptr);
  EXPECT_EQ(ollama->base_url, "http://localhost:11434/v1");
  EXPECT_EQ(ollama->key, "ollama");
  EXPECT_EQ(ollama->max_retries, 0);
  const auto order = config->auto_order();
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(order[0]->name, "llamacpp");
  EXPECT_EQ(order[1]->name, "openai");
  EXPECT_EQ(order[2]->name, "ollama");
  EXPECT_TRUE(config->price("llamacpp", "qwen3-8b").has_value());
  EXPECT_DOUBLE_EQ(config->price("anthropic", "claude-haiku-4-5")->output_usd_per_mtok, 5.0);
}

TEST(GenerationConfig, DatedSnapshotsTakeTheirFamilysPrice) {
  GenerationConfig config;
  config.prices["openai/gpt-5.4"] = {2.5, 15};
  config.prices["openai/gpt-5.4-mini"] = {0.75, 4.5};
  EXPECT_DOUBLE_EQ(config.price("openai", "gpt-5.4-mini-2026-03-17")->input_usd_per_mtok, 0.75);
  EXPECT_DOUBLE_EQ(config.price("openai", "gpt-5.4-2026-03-05")->input_usd_per_mtok, 2.5);
  EXPECT_FALSE(config.price("openai", "gpt-5.45").has_value());
  EXPECT_FALSE(config.price("anthropic", "gpt-5.4").has_value());
}

struct BadCase {
  const char* json;
  const char* expected;  // a piece of the error message
};

TEST(GenerationConfig, ErrorsNameTheFieldAndWhatIsAllowed) {
  const BadCase cases[] = {
      {R"({"providers": {"openai": {"total_timeout_ms": -5}}})",
       "providers.openai.total_timeout_ms: must be an integer from 100 to 600000, got -5"},
      {R"({"providers": {"openai": {"total_timout_ms": 5}}})",
       "providers.openai.total_timout_ms: unknown key; allowed: kind, model"},
      {R"({"providers": {"x": {"model": "m"}}})", "providers.x.kind: missing"},
      {R"({"providers": {"x": {"kind": "openia", "model": "m"}}})",
       "providers.x.kind: got the string \"openia\"; allowed: openai, anthropic, gemini, openai_compatible"},
      {R"({"providers": {"auto": {"kind": "openai", "model": "m"}}})", "not 'auto' or 'local'"},
      {R"({"providers": {"openai": {"model": ""}}})", "providers.openai.model: must be a non-empty string"},
      {R"({"providers": {"openai": {"base_url": "api.openai.com"}}})",
       "providers.openai.base_url: 'api.openai.com' must start with http:// or https://"},
      {R"({"providers": {"gemini": {"model": "gemini 3/flash?x"}}})",
       "providers.gemini.model: 'gemini 3/flash?x' is not a Gemini model id"},
      {R"({"primary": "mistral"})", "primary: 'mistral' is not a configured provider; configured: anthropic, gemini, openai"},
      {R"({"fallback": ["gemini", 3]})", "fallback[1]: must be a non-empty string, got 3"},
      {R"({"fallback": "gemini"})", "fallback: must be an array of provider names"},
      {R"({"prices": {"gpt-5": {"input_usd_per_mtok": 1, "output_usd_per_mtok": 2}}})",
       "prices.gpt-5: the key must be \"<provider>/<model>\""},
      {R"({"prices": {"openai/x": {"input_usd_per_mtok": -1, "output_usd_per_mtok": 2}}})",
       "prices.openai/x.input_usd_per_mtok: must be a number of US dollars per million tokens"},
      {R"({"prices": {"openai/x": {"input_usd_per_mtok": 1}}})", "prices.openai/x.output_usd_per_mtok: missing"},
      {R"({"primaryy": "openai"})", "primaryy: unknown key; allowed: primary, fallback, providers, prices"},
      {R"([1, 2])", "the top level must be an object"},
  };
  TempDir dir;
  for (const auto& c : cases) {
    const auto user = dir.write("bad.json", c.json);
    const auto config = load_generation_config(kShipped, user, env_of({}));
    ASSERT_FALSE(config.has_value()) << c.json;
    EXPECT_NE(config.error().message.find(c.expected), std::string::npos)
        << "got: " << config.error().message << "\nwanted: " << c.expected;
    EXPECT_NE(config.error().message.find(user.string()), std::string::npos);
  }
}

TEST(GenerationConfig, MalformedJsonIsAParseErrorWithAnOffset) {
  TempDir dir;
  const auto user = dir.write("bad.json", "{\"primary\": \"openai\",,}");
  const auto config = load_generation_config(kShipped, user, env_of({}));
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code, Errc::parse);
  EXPECT_TRUE(config.error().offset.has_value());
}

TEST(GenerationConfig, BadEnvironmentBaseUrl) {
  const auto config = load_generation_config(kShipped, std::nullopt,
                                             env_of({{"GEMINI_BASE_URL", "localhost:9000"}}));
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message.find("GEMINI_BASE_URL: 'localhost:9000' must start with http://"),
            std::string::npos);
}

TEST(GenerationConfig, UserFileLocation) {
  TempDir dir;
  // Nothing anywhere: no user file.
  auto found = user_config_path(env_of({{"HOME", dir.path().string()}}));
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->has_value());
  // ~/.config/mididrumigen/generation.json
  const auto home_file = dir.write(".config/mididrumigen/generation.json", "{}");
  found = user_config_path(env_of({{"HOME", dir.path().string()}}));
  EXPECT_EQ(found->value_or(""), home_file);
  // XDG_CONFIG_HOME wins over HOME.
  const auto xdg_file = dir.write("xdg/mididrumigen/generation.json", "{}");
  found = user_config_path(env_of({{"HOME", dir.path().string()},
                                   {"XDG_CONFIG_HOME", (dir.path() / "xdg").string()}}));
  EXPECT_EQ(found->value_or(""), xdg_file);
  // MDG_CONFIG wins over both and must exist.
  const auto explicit_file = dir.write("mine.json", "{}");
  found = user_config_path(env_of({{"MDG_CONFIG", explicit_file.string()}, {"HOME", dir.path().string()}}));
  EXPECT_EQ(found->value_or(""), explicit_file);
  const auto missing = user_config_path(env_of({{"MDG_CONFIG", (dir.path() / "nope.json").string()}}));
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("MDG_CONFIG"), std::string::npos);
}

TEST(GenerationConfig, DefaultPathFollowsMdgConfigDir) {
  EXPECT_EQ(default_config_path(env_of({{"MDG_CONFIG_DIR", "/x/y"}})), fs::path("/x/y/generation.json"));
  EXPECT_TRUE(fs::is_regular_file(default_config_path(env_of({}))));
}

TEST(GenerationConfig, ConfiguredRules) {
  ProviderSettings s;
  s.model = "m";
  s.base_url = "https://api.openai.com/v1";
  EXPECT_FALSE(s.configured());
  s.key = "k";
  EXPECT_TRUE(s.configured());
  ProviderSettings local;
  local.kind = ProviderKind::openai_compatible;
  local.model = "m";
  EXPECT_FALSE(local.configured());
  local.base_url = "http://127.0.0.1:8080/v1";
  EXPECT_TRUE(local.configured());
}

TEST(GenerationConfig, MakeProviderPicksTheClient) {
  ProviderSettings s;
  s.name = "claude";
  s.kind = ProviderKind::anthropic;
  s.model = "claude-haiku-4-5";
  s.base_url = "https://api.anthropic.com";
  const auto p = make_provider(s);
  EXPECT_NE(dynamic_cast<const AnthropicProvider*>(p.get()), nullptr);
  EXPECT_EQ(p->name(), "claude");
  EXPECT_EQ(p->model(), "claude-haiku-4-5");
  s.kind = ProviderKind::gemini;
  EXPECT_NE(dynamic_cast<const GeminiProvider*>(make_provider(s).get()), nullptr);
  s.kind = ProviderKind::openai_compatible;
  EXPECT_NE(dynamic_cast<const OpenAiProvider*>(make_provider(s).get()), nullptr);
}

TEST(GenerationConfig, KindNamesRoundTrip) {
  for (const auto kind : {ProviderKind::openai, ProviderKind::anthropic, ProviderKind::gemini,
                          ProviderKind::openai_compatible}) {
    EXPECT_EQ(parse_provider_kind(provider_kind_name(kind)), kind);
  }
  EXPECT_FALSE(parse_provider_kind("OpenAI").has_value());
}

}  // namespace
}  // namespace mdg::llm::config_test
