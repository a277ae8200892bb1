#include <gtest/gtest.h>

#include "style/params.hpp"

namespace mdg::params_test {
namespace {

TEST(Params, EveryGenerateParameterIsDeclaredOnce) {
  for (const char* name : {"bars", "tempo", "time-signature", "variations", "humanize", "complexity", "seed"}) {
    EXPECT_NE(find_param(name), nullptr) << name;
  }
  EXPECT_EQ(find_param("colour"), nullptr);
  EXPECT_EQ(find_param("bars")->default_value, 4.0);
  EXPECT_EQ(find_param("variations")->default_value, 4.0);
  EXPECT_FALSE(find_param("tempo")->default_value.has_value());
  const auto* provider = find_param("provider");
  ASSERT_NE(provider, nullptr);
  EXPECT_EQ(provider->kind, ParamKind::name);
  EXPECT_EQ(provider->default_text, "auto");
  EXPECT_NE(allowed_values(*provider).find("local"), std::string::npos);
  EXPECT_FALSE(parse_param(*provider, "openai").has_value());  // a name, checked by the use case
  bool in_generate = false;
  for (const auto& spec : generate_param_specs()) in_generate = in_generate || spec.name == "provider";
  EXPECT_TRUE(in_generate);
  for (const auto& spec : humanize_param_specs()) EXPECT_NE(spec.name, "provider");
}

TEST(Params, ParseChecksRangeAndWholeNumbers) {
  const auto& bars = *find_param("bars");
  EXPECT_EQ(parse_param(bars, "8").value(), 8.0);
  for (const char* bad : {"0", "17", "2.5", "two", "", "8x", "nan", "inf"}) {
    auto r = parse_param(bars, bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_NE(r.error().message.find("--bars"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("allowed: whole numbers 1-16"), std::string::npos) << r.error().message;
  }
  const auto& humanize = *find_param("humanize");
  EXPECT_DOUBLE_EQ(parse_param(humanize, "0.25").value(), 0.25);
  EXPECT_NE(parse_param(humanize, "1.01").error().message.find("allowed: 0-1"), std::string::npos);
  EXPECT_NE(parse_param(*find_param("tempo"), "39").error().message.find("40-300"), std::string::npos);
  EXPECT_FALSE(parse_param(*find_param("time-signature"), "4").has_value());
  EXPECT_EQ(find_param("genre")->kind, ParamKind::name);
  EXPECT_EQ(find_param("like")->kind, ParamKind::name);
  EXPECT_NE(allowed_values(*find_param("like")).find("mididrumigen list"), std::string::npos);
  EXPECT_FALSE(parse_param(*find_param("genre"), "funk").has_value());
  // humanize takes only seed and amount.
  EXPECT_EQ(humanize_param_specs().size(), 2U);
  EXPECT_EQ(generate_param_specs().back().name, "seed");
}

}  // namespace
}  // namespace mdg::params_test
