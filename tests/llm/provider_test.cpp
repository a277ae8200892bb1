#include "llm/provider.hpp"

#include <gtest/gtest.h>

namespace mdg::llm::provider_test {
namespace {

TEST(ProviderFailure, DescribeNamesKindStatusCodeAndMessage) {
  ProviderFailure f;
  f.kind = FailureKind::quota;
  f.http_status = 429;
  f.code = "insufficient_quota";
  f.message = "You exceeded your current quota";
  EXPECT_EQ(f.describe(), "quota (HTTP 429, insufficient_quota): You exceeded your current quota");
}

TEST(ProviderFailure, DescribeWithoutHttpAnswerShowsOnlyKindAndMessage) {
  ProviderFailure f;
  f.kind = FailureKind::timeout;
  f.message = "no answer within 30000 ms";
  EXPECT_EQ(f.describe(), "timeout: no answer within 30000 ms");
  f.code = "28";
  EXPECT_EQ(f.describe(), "timeout (28): no answer within 30000 ms");
}

TEST(ProviderNames, EveryKindAndFinishHasADistinctName) {
  EXPECT_EQ(failure_kind_name(FailureKind::rate_limited), "rate_limited");
  EXPECT_EQ(failure_kind_name(FailureKind::bad_response), "bad_response");
  EXPECT_EQ(finish_reason_name(FinishReason::max_tokens), "max_tokens");
  EXPECT_EQ(finish_reason_name(FinishReason::content_filter), "content_filter");
}

}  // namespace
}  // namespace mdg::llm::provider_test
